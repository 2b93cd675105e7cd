//! Hostile input: oversized, non-ASCII, control characters, truncated and
//! adversarial structures. Every case must end in a clean error (or a
//! valid parse), never a panic, and quickly.

use std::time::{Duration, Instant};

use baton_udi::{
    MAX_INPUT_LEN, UdiError, ai, hibc_check_character, parse, parse_gs1, parse_gs1_message,
    parse_hibc,
};
use proptest::prelude::*;

/// Runs every entry point; panics propagate and fail the test.
fn all(input: &str) -> Result<(), UdiError> {
    let _ = parse_gs1(input);
    let _ = parse_hibc(input);
    let _ = parse_gs1_message(input);
    let r = parse(input).map(|_| ());
    if let Err(e) = &r {
        // Messages are for people: non-empty, one line.
        let m = e.to_string();
        assert!(!m.is_empty() && !m.contains('\n'), "{m:?}");
    }
    r
}

fn timed(input: &str) -> Result<(), UdiError> {
    let start = Instant::now();
    let r = all(input);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "slow on {} bytes",
        input.len()
    );
    r
}

#[test]
fn oversized_input_is_refused_up_front() {
    for s in [
        "0".repeat(MAX_INPUT_LEN + 1),
        format!("+A1231231/${}", "X".repeat(MAX_INPUT_LEN)),
        "é".repeat(MAX_INPUT_LEN / 2 + 1),
        " ".repeat(100_000),
    ] {
        assert!(matches!(timed(&s), Err(UdiError::TooLong { .. })));
    }
    // At the limit it is parsed (and rejected for what it is).
    assert!(!matches!(
        timed(&"1".repeat(MAX_INPUT_LEN)),
        Err(UdiError::TooLong { .. })
    ));
}

#[test]
fn long_adversarial_structures_stay_fast() {
    let n = MAX_INPUT_LEN;
    let mut cases = vec![
        "+".repeat(n),
        format!("+A1231231{}", "+".repeat(n - 9)),
        format!("+A1231231/{}", "/".repeat(n - 11)),
        format!("+A1231231/{}", "$".repeat(n - 11)),
        "\u{1d}".repeat(n),
        "(".repeat(n),
        "(10)".repeat(n / 4),
        "()".repeat(n / 2),
        "\\(".repeat(n / 2),
        format!("https://a{}", "/01".repeat((n - 9) / 3)),
        format!("https://a/01/09501101530003/22/1{}", "/10/1".repeat(800)),
        format!("https://a/01/09501101530003?{}", "&".repeat(n - 40)),
        format!("https://a/01/09501101530003?{}", "%".repeat(n - 40)),
        "20".repeat(n / 2),
        format!("0109501101530003{}", "\u{1d}10A".repeat((n - 16) / 4)),
        "]d2".repeat(n / 3),
    ];
    // Linear HIBC where many '+' are plausible ends of one secondary: the
    // link and check characters before them line up, but the data does not
    // parse, so every candidate is tried.
    let prim = "+A1231231";
    let link = hibc_check_character(prim).unwrap();
    let mut s = format!("{prim}{link}");
    let pos = s.len();
    s.push('+');
    while s.len() < n - 200 {
        s += &"$A/".repeat(50);
        s.push(link);
        let check = hibc_check_character(&s[pos..]).unwrap();
        s.push(check);
        s.push('+');
    }
    cases.push(s);
    for c in &cases {
        let _ = timed(c);
    }
}

#[test]
fn non_ascii_and_control_characters() {
    let cases = [
        "01095011015300é3",
        "0109501101530003\u{0}",
        "0109501101530003\u{7f}",
        "\u{feff}0109501101530003",
        "(01)09501101530003(10)😀",
        "https://a/01/09501101530003/10/é",
        "https://a/01/09501101530003/10/%00",
        "https://a/01/09501101530003/10/%FF",
        "+A123BJC5D6E71G\u{0}",
        "+A123bjc5d6e71G",
        "+A123BJC5D6E71G+$$5200151ÖX3GD",
        "]d1+A1231231/$$3251231LOT\u{1d}X",
        "\u{1d}\u{1d}\u{1d}",
        "]",
        "]]]",
        "]d",
        "]d2\u{1d}",
        "\r\n",
        "\u{202e}+A123",
    ];
    for c in cases {
        assert!(timed(c).is_err(), "{c:?} was accepted");
    }
    // The offset names the character, not the byte.
    assert!(matches!(
        parse("é0109"),
        Err(UdiError::InvalidCharacter {
            offset: 0,
            ch: 'é',
            ..
        })
    ));
    assert!(matches!(
        parse("+Aé1"),
        Err(UdiError::HibcInvalidCharacter {
            offset: 2, ch: 'é'
        })
    ));
}

#[test]
fn every_ai_truncated_or_overlong() {
    for def in ai::table() {
        let ai = def.first;
        // AI with nothing after it, and with one character of data.
        for s in [
            ai.to_string(),
            format!("{ai}1"),
            format!("({ai})"),
            format!("https://a/01/09501101530003?{ai}="),
        ] {
            assert!(timed(&s).is_err(), "{s:?}");
        }
        // One character too many.
        let over = format!("({ai}){}", "1".repeat(def.max_length() + 1));
        assert!(
            matches!(
                parse_gs1_message(&over),
                Err(UdiError::Gs1ValueTooLong { .. })
            ),
            "{over}"
        );
    }
}

#[test]
fn truncations_of_valid_strings() {
    let valid = [
        "]d20108430215011539112212221724022021S3736",
        "(01)07032069804988(10)0329(21)12345(15)210526",
        "https://id.gs1.org/01/00614141123452/22/2A/10/ABC123?17=250100",
        "+A123ABCDEFGHI1234567891/$$420020216LOT123456789012345/SXYZ456789012345678/16D20130202$",
        "+J123AQ3451T+25330BC34567T2+S4012TJ",
        "+A123BJCMD6E79++$$52001510X3+ ",
    ];
    for v in valid {
        assert!(parse(v).is_ok(), "{v}");
        for cut in 0..v.len() {
            let _ = timed(&v[..cut]);
            let _ = timed(&v[cut..]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,200}") {
        let _ = all(&s);
    }

    /// Strings over the characters the parsers care about reach deep paths.
    #[test]
    fn structured_noise_never_panics(
        s in prop::collection::vec(prop::sample::select(
            "0123456789AZaz+/$%.- ()\\\u{1d}]dQ?&=:#".chars().collect::<Vec<_>>()), 0..120)
    ) {
        let s: String = s.into_iter().collect();
        for prefix in ["", "+A123", "+A1231231/", "0109501101530003", "(01)09501101530003(", "https://x/01/09501101530003/", "]d2"] {
            let _ = all(&format!("{prefix}{s}"));
        }
    }
}
