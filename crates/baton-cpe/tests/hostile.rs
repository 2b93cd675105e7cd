#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hostile input: very long names, unbalanced escapes, non-ASCII, and the
//! `cpe match` line protocol on bad lines.

use std::io::Cursor;

use baton_cpe::{
    Attribute, CpeError, LineStats, MAX_NAME_LEN, Wfn, match_line, match_lines, match_text,
};

#[test]
fn very_long_names_are_refused_up_front() {
    let long = format!("cpe:2.3:a:{}:p:*:*:*:*:*:*:*:*", "v".repeat(MAX_NAME_LEN));
    assert!(matches!(
        Wfn::parse(&long),
        Err(CpeError::TooLong {
            max: MAX_NAME_LEN,
            ..
        })
    ));
    let uri = format!("cpe:/a:{}", "%21".repeat(MAX_NAME_LEN));
    assert!(matches!(Wfn::parse(&uri), Err(CpeError::TooLong { .. })));
    // Just under the limit is fine, and matching stays quick.
    let body = "x".repeat(1900);
    let target = format!("cpe:2.3:a:{body}:{body}:*:*:*:*:*:*:*:*");
    let source = format!(
        "cpe:2.3:a:*{}:{}?:*:*:*:*:*:*:*:*",
        &body[..1800],
        &body[..1899]
    );
    assert!(target.len() <= MAX_NAME_LEN && source.len() <= MAX_NAME_LEN);
    assert_eq!(match_line(&format!("{source}\t{target}")), "superset");
}

#[test]
fn unbalanced_escapes() {
    let cases: &[(&str, Attribute)] = &[
        (r"cpe:2.3:a:vendor\", Attribute::Vendor),
        (r"cpe:2.3:a:v:p:*:*:*:*:*:*:*:\", Attribute::Other),
        (r#"wfn:[vendor="abc\"#, Attribute::Vendor),
    ];
    for (input, attribute) in cases {
        match Wfn::parse(input) {
            Err(CpeError::DanglingEscape { attribute: a, .. })
            | Err(CpeError::UnterminatedValue { attribute: a, .. }) => {
                assert_eq!(a, *attribute, "{input}")
            }
            // An escaped final colon swallows the separator: too few components.
            Err(CpeError::ComponentCount { .. }) => {}
            other => panic!("{input}: {other:?}"),
        }
    }
    // `\:` keeps the colon inside the value, so the count is off by one.
    assert!(matches!(
        Wfn::parse(r"cpe:2.3:a:v\:p:*:*:*:*:*:*:*:*"),
        Err(CpeError::ComponentCount { found: 10 })
    ));
    // `\\` then `:` is an escaped backslash and a real separator.
    let w = Wfn::parse(r"cpe:2.3:a:v\\:p:*:*:*:*:*:*:*:*").unwrap();
    let vendor = w.get(Attribute::Vendor).as_av_string().unwrap();
    assert_eq!(vendor.unquoted().as_deref(), Some("v\\"));
    // A trailing `\\*` is an escaped backslash then a wildcard.
    let w = Wfn::parse(r"cpe:2.3:a:v\\*:p:*:*:*:*:*:*:*:*").unwrap();
    assert!(
        w.get(Attribute::Vendor)
            .as_av_string()
            .unwrap()
            .has_wildcards()
    );
    // `\*` at the end is a quoted asterisk, not a wildcard.
    let w = Wfn::parse(r"cpe:2.3:a:v\*:p:*:*:*:*:*:*:*:*").unwrap();
    assert!(
        !w.get(Attribute::Vendor)
            .as_av_string()
            .unwrap()
            .has_wildcards()
    );
    // Escaping letters is not allowed; `%` must be followed by two hex digits.
    assert!(matches!(
        Wfn::parse(r"cpe:2.3:a:\v:p:*:*:*:*:*:*:*:*"),
        Err(CpeError::BadEscape {
            ch: 'v',
            offset: 10,
            ..
        })
    ));
    for bad in [
        "cpe:/a:v%",
        "cpe:/a:v%2",
        "cpe:/a:v%zz",
        "cpe:/a:v%41",
        "cpe:/a:v%20",
    ] {
        assert!(
            matches!(Wfn::parse(bad), Err(CpeError::BadPercent { .. })),
            "{bad}"
        );
    }
}

#[test]
fn non_ascii_and_control_characters() {
    for (input, offset, ch) in [
        ("cpe:2.3:a:médical:p:*:*:*:*:*:*:*:*", 11, 'é'),
        ("cpe:/a:médical", 8, 'é'),
        ("cpe:2.3:a:v:p:1\u{0}:*:*:*:*:*:*:*", 15, '\u{0}'),
        ("cpe:2.3:a:v:p:1\t2:*:*:*:*:*:*:*", 15, '\t'),
        ("cpe:2.3:a:v:p:1 2:*:*:*:*:*:*:*", 15, ' '),
        ("cpe:2.3:a:\u{202e}v:p:*:*:*:*:*:*:*:*", 10, '\u{202e}'),
    ] {
        match Wfn::parse(input) {
            Err(CpeError::InvalidCharacter {
                offset: o, ch: c, ..
            }) => {
                assert_eq!((o, c), (offset, ch), "{input:?}")
            }
            other => panic!("{input:?}: {other:?}"),
        }
    }
    // Offsets count characters, not bytes, after multi-byte characters.
    let err = Wfn::parse("cpe:2.3:a:v:p:*:*:*:*:*:*:*:é").unwrap_err();
    assert!(err.to_string().contains("offset 28"), "{err}");
    // Escaped non-ASCII is still non-ASCII.
    assert!(matches!(
        Wfn::parse("cpe:2.3:a:\\é:p:*:*:*:*:*:*:*:*"),
        Err(CpeError::InvalidCharacter { offset: 11, .. })
    ));
}

#[test]
fn odd_but_valid_names() {
    // NVD names with punctuation.
    for name in [
        r"cpe:2.3:a:\@thi.ng\/egf:egf:*:*:*:*:*:node.js:*:*",
        r"cpe:2.3:a:c\+\+:x:1.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:ibm:security_verify_privilege_on-premises:*:*:*:*:*:*:*:*",
        "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*",
        "cpe:2.3:-:-:-:-:-:-:-:-:-:-:-",
        "cpe:/",
        "cpe:/a",
        "cpe:/a:::::",
    ] {
        Wfn::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // A lone (quoted) hyphen is not a string: `-` is NA (NISTIR 7695 §5.3.2
    // ABNF), so no string binds to a bare `-`. After a wildcard it is fine.
    for lone in [
        r"cpe:2.3:a:v:p:\-:*:*:*:*:*:*:*",
        "cpe:2.3:a:v:p:-?:*:*:*:*:*:*:*",
        "cpe:/a:v:p:%2d",
    ] {
        assert!(
            matches!(
                Wfn::parse(lone),
                Err(CpeError::LoneHyphen {
                    attribute: Attribute::Version,
                    ..
                })
            ),
            "{lone}"
        );
    }
    for ok in [
        "cpe:2.3:a:v:p:?-:*:*:*:*:*:*:*",
        "cpe:2.3:a:v:p:--:*:*:*:*:*:*:*",
        "cpe:2.3:a:v:p:-1:*:*:*:*:*:*:*",
    ] {
        Wfn::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    // Redundant escapes of `.`, `-`, `_` are accepted and dropped.
    let w = Wfn::parse(r"cpe:2.3:a:v\_x:p\.q:1\-2:*:*:*:*:*:*:*").unwrap();
    assert_eq!(
        w.to_formatted_string(),
        "cpe:2.3:a:v_x:p.q:1-2:*:*:*:*:*:*:*"
    );
    // Part is case-insensitive and stored lowercase.
    let w = Wfn::parse("cpe:2.3:O:v:p:*:*:*:*:*:*:*:*").unwrap();
    assert_eq!(w.to_formatted_string(), "cpe:2.3:o:v:p:*:*:*:*:*:*:*:*");
}

#[test]
fn wildcard_misuse() {
    for (input, want) in [
        ("cpe:2.3:a:v:p:1*2:*:*:*:*:*:*:*", "unquoted wildcard '*'"),
        ("cpe:2.3:a:v:p:1?2:*:*:*:*:*:*:*", "unquoted wildcard '?'"),
        (
            "cpe:2.3:a:v:p:**1:*:*:*:*:*:*:*",
            "a single `*` or a run of `?`",
        ),
        (
            "cpe:2.3:a:v:p:*?1:*:*:*:*:*:*:*",
            "a single `*` or a run of `?`",
        ),
        (
            "cpe:2.3:a:v:p:1?*:*:*:*:*:*:*:*",
            "a single `*` or a run of `?`",
        ),
        ("cpe:2.3:a:v:p:**:*:*:*:*:*:*:*", "matches anything"),
        ("cpe:2.3:a:v:p:?*:*:*:*:*:*:*:*", "matches anything"),
        ("cpe:2.3:a*:v:p:*:*:*:*:*:*:*:*", "is not a part"),
        ("cpe:2.3:a:v:p:*:*:*:en*:*:*:*:*", "is not a language tag"),
    ] {
        let err = Wfn::parse(input).unwrap_err().to_string();
        assert!(err.contains(want), "{input}: {err}");
    }
    // A run of `?` alone is a pattern: one or two characters.
    assert_eq!(
        match_line("cpe:2.3:a:v:p:??:*:*:*:*:*:*:*\tcpe:2.3:a:v:p:12:*:*:*:*:*:*:*"),
        "superset"
    );
}

#[test]
fn match_lines_answers_every_line_in_order() {
    let input = concat!(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*\tcpe:/a:microsoft:internet_explorer:8.0.6001:beta\n",
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta\tcpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*\r\n",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:*:*:*:*:*:*:*\tcpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*\n",
        "no tab here\n",
        "\n",
        "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*\tcpe:2.3:a:v:p:2:*:*:*:*:*:*:*\n",
        "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*\tcpe:2.3:a:v:p:1*:*:*:*:*:*:*:*\n",
        "a\tb\tc\n",
        "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*\tcpe:2.3:a:v:p:1:*:*:*:*:*:*\n",
        "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*\tcpe:2.3:a:v:p:1:*:*:*:*:*:*:*",
    );
    let expected = [
        "superset",
        "equal",
        "subset",
        "error: expected SOURCE<TAB>TARGET with exactly one tab, found 0",
        "error: empty line: expected SOURCE<TAB>TARGET",
        "disjoint",
        "undefined",
        "error: expected SOURCE<TAB>TARGET with exactly one tab, found 2",
        "error: target: formatted string has 10 components after `cpe:2.3:`; exactly 11 are required (part through other)",
        "equal",
    ];
    let text = match_text(input);
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);

    let mut out = Vec::new();
    let stats = match_lines(Cursor::new(input.as_bytes()), &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), text);
    assert_eq!(
        stats,
        LineStats {
            lines: 10,
            errors: 4
        }
    );
}

#[test]
fn match_lines_survives_invalid_utf8_and_control_characters() {
    let mut input = b"cpe:2.3:a:v:p:\xff:*:*:*:*:*:*:*\tcpe:/a:v\n".to_vec();
    input.extend_from_slice(b"cpe:/a:v\x1b[31m\tcpe:/a:v\n");
    input.extend_from_slice(b"cpe:/a:v\tcpe:/a:v\n");
    let mut out = Vec::new();
    let stats = match_lines(Cursor::new(input), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(
        lines[0],
        "error: line is not valid UTF-8 (bad byte at offset 14)"
    );
    assert!(
        lines[1].starts_with("error: source: vendor at offset 8: character '\\u{1b}'"),
        "{}",
        lines[1]
    );
    assert!(
        !lines[1].contains('\u{1b}'),
        "control characters never reach the output"
    );
    assert_eq!(lines[2], "equal");
    assert_eq!(stats.errors, 2);
}

#[test]
fn match_lines_skips_overlong_lines_without_buffering_them() {
    let mut input = vec![b'x'; baton_cpe::MAX_LINE_LEN * 3];
    input.extend_from_slice(b"\ncpe:/a:v\tcpe:/a:v\n");
    input.extend_from_slice(&vec![b'y'; baton_cpe::MAX_LINE_LEN + 1]);
    // A small buffer makes the reader see the long lines in many chunks.
    let reader = std::io::BufReader::with_capacity(64, Cursor::new(input));
    let mut out = Vec::new();
    let stats = match_lines(reader, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let want = format!(
        "error: line is longer than {n} bytes\nequal\nerror: line is longer than {n} bytes\n",
        n = baton_cpe::MAX_LINE_LEN
    );
    assert_eq!(out, want);
    assert_eq!(
        stats,
        LineStats {
            lines: 3,
            errors: 2
        }
    );
    // Exactly at the limit is read (and answered on its merits).
    let line = format!(
        "{}\tx",
        "cpe:/a:".to_owned() + &"v".repeat(baton_cpe::MAX_LINE_LEN - 9)
    );
    assert_eq!(line.len(), baton_cpe::MAX_LINE_LEN);
    let mut out = Vec::new();
    match_lines(Cursor::new(line), &mut out).unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .starts_with("error: source: CPE name is")
    );
}
