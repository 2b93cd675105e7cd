#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Inputs meant to break a reader: oversized, deeply nested, not JSON, wrong shapes, numbers
//! out of range, and documents built to make the work or the output grow faster than the input.

use std::time::{Duration, Instant};

use baton_notices::{MAX_BYTES, NoticeError, When, parse};

#[test]
fn more_than_64_mib_is_refused_before_parsing() {
    let big = vec![b' '; MAX_BYTES + 1];
    let e = parse("big.json", &big).unwrap_err();
    assert_eq!(
        e,
        NoticeError::TooLarge {
            file: "big.json".into(),
            size: MAX_BYTES + 1,
            limit: MAX_BYTES
        }
    );
    assert_eq!(
        e.to_string(),
        "big.json: 67108865 bytes is more than the 67108864 bytes a lifecycle notice may have"
    );
    // Exactly the limit is read (and is then just not JSON).
    let limit = vec![b' '; MAX_BYTES];
    assert!(matches!(
        parse("limit.json", &limit),
        Err(NoticeError::NotJson { .. })
    ));
}

#[test]
fn ten_thousand_levels_of_nesting_give_a_clear_error() {
    let arrays = "[".repeat(10_000) + &"]".repeat(10_000);
    let objects = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    let inside_cle = format!(
        "{{\"events\": [{{\"id\": 1, \"type\": \"endOfLife\", \"x\": {}}}]}}",
        "[".repeat(10_000)
    );
    for (name, doc) in [
        ("arrays.json", arrays),
        ("objects.json", objects),
        ("cle.json", inside_cle),
    ] {
        let e = parse(name, doc.as_bytes()).unwrap_err();
        assert!(
            matches!(e, NoticeError::TooDeep { line: 1, .. }),
            "{name}: {e}"
        );
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("{name}: line 1, column ")),
            "{text}"
        );
        assert!(
            text.contains("nested deeper than the reader's recursion limit"),
            "{text}"
        );
    }
}

#[test]
fn not_json() {
    let cases: [(&[u8], usize); 7] = [
        (b"", 1),
        (b"hello", 1),
        (b"<?xml version=\"1.0\"?><bom/>", 1),
        (b"\xff\xfe{\x00}", 1),
        (b"{\"events\": [}\n", 1),
        (b"{\n\"end_of_life\": NaN}", 2),
        (b"{\"events\": [{\"id\": 1e400}]}", 1),
    ];
    for (doc, line) in cases {
        let e = parse("x.json", doc).unwrap_err();
        match &e {
            NoticeError::NotJson { file, line: l, .. } => {
                assert_eq!((file.as_str(), *l), ("x.json", line), "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().starts_with("x.json: line "), "{e}");
    }
}

#[test]
fn roots_that_are_no_notice() {
    for (doc, found) in [
        (&b"[]"[..], "an array"),
        (b"\"tba\"", "a string"),
        (b"42", "a number"),
        (b"null", "null"),
        (b"{}", "an empty object"),
        (b"{\"foo\": 1, \"bar\": []}", "an object with keys bar, foo"),
        // OpenVEX has statements, but no OpenEoX core in them.
        (
            b"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": []}",
            "an object with keys @context, statements",
        ),
    ] {
        let e = parse("r.json", doc).unwrap_err();
        assert_eq!(e.pointer(), Some(""), "{e}");
        assert_eq!(
            e,
            NoticeError::UnknownFormat {
                file: "r.json".into(),
                pointer: String::new(),
                found: found.into()
            }
        );
        assert!(
            e.to_string()
                .starts_with("r.json: (root): not a lifecycle notice")
        );
    }
}

#[test]
fn wrong_shapes_name_the_pointer() {
    let cases: [(&[u8], &str); 10] = [
        (br#"{"bomFormat": "CycloneDX", "components": {}}"#, "/components"),
        (br#"{"bomFormat": "CycloneDX", "components": [1]}"#, "/components/0"),
        (br#"{"bomFormat": "CycloneDX", "components": [{"properties": ["x"]}]}"#, "/components/0/properties/0"),
        (br#"{"bomFormat": "CycloneDX", "components": [{"properties": [{"name": "cdx:lifecycle:milestone:endOfSupport", "value": 2030}]}]}"#, "/components/0/properties/0/value"),
        (br#"{"bomFormat": "CycloneDX", "metadata": {"component": {"name": ["x"], "properties": [{"name": "cdx:lifecycle:milestone:endOfLife", "value": "2030-01-01"}]}}}"#, "/metadata/component/name"),
        (br#"{"$schema": "https://docs.oasis-open.org/openeox/v1.0/schema/core.json", "end_of_sales": true}"#, "/end_of_sales"),
        (br#"{"$schema": "https://docs.oasis-open.org/openeox/tbd/schema/shell.json", "statements": []}"#, "/statements"),
        (br#"{"$schema": "https://docs.oasis-open.org/openeox/tbd/schema/shell.json", "statements": "all"}"#, "/statements"),
        (br#"{"$schema": "https://docs.oasis-open.org/openeox/tbd/schema/shell.json", "statements": [{"core": {"end_of_life": "tba"}, "product": {"product_name": 1}}]}"#, "/statements/0/product/product_name"),
        (br#"{"$schema": "https://TODO/cle.v1.0.0.json", "events": "none"}"#, "/events"),
    ];
    for (doc, pointer) in cases {
        let e = parse("w.json", doc).unwrap_err();
        assert_eq!(e.pointer(), Some(pointer), "{e}");
        assert!(
            e.to_string().starts_with(&format!("w.json: {pointer}: ")),
            "{e}"
        );
    }
}

#[test]
fn integers_out_of_range_are_type_errors() {
    let doc = br#"{"events": [{"id": 18446744073709551616, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z"}]}"#;
    let e = parse("n.json", doc).unwrap_err();
    assert_eq!(e.pointer(), Some("/events/0/id"));
    let doc =
        br#"{"events": [{"id": -1, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z"}]}"#;
    assert_eq!(
        parse("n.json", doc).unwrap_err().pointer(),
        Some("/events/0/id")
    );
}

#[test]
fn odd_date_strings_are_unreadable_not_fatal() {
    let long = "9".repeat(1 << 20);
    for raw in [
        "２０２５-01-01",
        "2025-02-29T00:00:00Z",
        "2025-12-31T24:00:00Z",
        "2025-12-31T12:00:00+25:00",
        "-2025-01-01",
        "\u{0}",
        long.as_str(),
    ] {
        let doc = serde_json::json!({
            "$schema": "https://docs.oasis-open.org/openeox/v1.0/schema/core.json",
            "end_of_life": raw,
            "end_of_security_support": "tba",
            "last_updated": raw,
        });
        let n = parse("d.json", doc.to_string().as_bytes())
            .unwrap()
            .remove(0);
        let eol = &n.milestones[0];
        assert_eq!(
            (eol.when, eol.effective),
            (When::Unreadable, None),
            "{raw:.20}"
        );
        assert_eq!(eol.raw, raw);
        assert_eq!(n.announced, None);
        assert_eq!(n.warnings.len(), 2);
    }
}

/// A CLE document with many distinct version sets, withdrawals that name nothing, long alias
/// lists and many support policies: work must stay close to linear.
#[test]
fn large_cle_documents_stay_linear() {
    const N: usize = 50_000;
    let mut events = Vec::with_capacity(2 * N);
    for i in 0..N {
        events.push(serde_json::json!({
            "id": 2 * N + i,
            "type": "withdrawn",
            "eventId": 10 * N + i,
            "effective": "2025-01-01T00:00:00Z"
        }));
    }
    for i in 0..N {
        events.push(serde_json::json!({
            "id": i,
            "type": "endOfSupport",
            "supportId": format!("p{i}"),
            "effective": "2030-01-01T00:00:00Z",
            "versions": [{"version": format!("{i}.0")}, {"version": format!("{i}.0")}]
        }));
    }
    let support: Vec<_> = (0..N)
        .map(|i| serde_json::json!({"id": format!("p{i}"), "description": "x"}))
        .collect();
    let renamed: Vec<_> = (0..N)
        .map(|i| serde_json::json!({"type": "PURL", "value": format!("pkg:generic/a/b{}", i % 10)}))
        .collect();
    events.push(serde_json::json!({
        "id": 3 * N + 1, "type": "componentRenamed", "effective": "2025-01-01T00:00:00Z",
        "identifiers": renamed
    }));
    let doc = serde_json::json!({
        "identifier": "pkg:generic/a/b",
        "definitions": {"support": support},
        "events": events,
    })
    .to_string();
    let started = Instant::now();
    let notices = parse("big-cle.json", doc.as_bytes()).unwrap();
    // Quadratic work here would take hours; linear work takes well under a second in release.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(notices.len(), N + 1);
    assert_eq!(notices[1].product.aliases.len(), 10);
    assert_eq!(notices[0].product.versions, ["0.0"]);
    assert!(notices[N].product.versions.is_empty());
    // The N dangling withdrawals are reported once, on the first notice.
    assert_eq!(notices[0].warnings.len(), N);
    assert!(notices[1..].iter().all(|n| n.warnings.is_empty()));
}

#[test]
fn identifiers_repeated_across_many_version_sets_are_refused() {
    let purl = format!("pkg:generic/acme/{}", "x".repeat(1 << 20));
    let events: Vec<_> = (0..100)
        .map(|i| serde_json::json!({"id": i, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z", "versions": [format!("{i}")]}))
        .collect();
    let doc = serde_json::json!({"identifier": purl, "events": events}).to_string();
    let e = parse("wide.json", doc.as_bytes()).unwrap_err();
    assert_eq!(e.pointer(), Some("/events"));
    assert!(
        e.to_string().contains("100 version sets would each repeat"),
        "{e}"
    );
}
