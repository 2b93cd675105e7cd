#![allow(clippy::unwrap_used, clippy::expect_used)]
//! ECMA-428 CLE documents: withdrawals, version sets and ranges, `tba`, identifier aliases and
//! renames, unknown event types and unreadable dates. Expected values are worked out by hand
//! from the documents in tests/data.

use baton_notices::{
    Mapped, Notice, NoticeFormat, NoticeMilestone, ProductRef, Warning, When, parse,
};
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An expected CLE milestone: CLE dates take effect on their own day.
fn ms(
    source: &str,
    mapped: Mapped,
    raw: &str,
    event: usize,
    detail: Option<&str>,
) -> NoticeMilestone {
    let when = match raw {
        "tba" => When::Tba,
        r => match r
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            Some(d) => When::Date(d),
            None => When::Unreadable,
        },
    };
    NoticeMilestone {
        source_name: source.into(),
        mapped,
        when,
        effective: when.date(),
        raw: raw.into(),
        detail: detail.map(Into::into),
        location: format!("/events/{event}"),
    }
}

fn notice(
    product: &ProductRef,
    versions: &[&str],
    milestones: Vec<NoticeMilestone>,
    announced: &str,
    warnings: Vec<Warning>,
) -> Notice {
    Notice {
        format: NoticeFormat::Cle,
        location: String::new(),
        product: ProductRef {
            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
            ..product.clone()
        },
        milestones,
        announced: Some(day(announced)),
        warnings,
    }
}

const STANDARD: &str = "support policy standard: Security and bug fixes for released firmware";
const EXTENDED: &str = "support policy extended: Security fixes only, for hospitals with an extended service agreement";

#[test]
fn infusion_pump_firmware() {
    let notices = parse(
        "cle-infusion-pump.json",
        include_bytes!("data/cle-infusion-pump.json"),
    )
    .unwrap();
    let product = ProductRef {
        purl: Some("pkg:generic/acme-medical/vitaflow-firmware".into()),
        ..ProductRef::default()
    };
    let v2 = "vers:generic/>=2.0.0|<3.0.0";
    let v1 = "vers:generic/>=1.0.0|<2.0.0";
    let expected = vec![
        // Event 9 (standard support ending 2026-12-31) was withdrawn by event 12 and corrected
        // by event 11; the withdrawal's publication makes this set's latest news 2 June.
        notice(
            &product,
            &[v2],
            vec![
                ms(
                    "endOfMarketing",
                    Mapped::Eol,
                    "2026-12-31T00:00:00Z",
                    5,
                    None,
                ),
                ms(
                    "endOfDistribution",
                    Mapped::Eol,
                    "2027-06-30T00:00:00Z",
                    4,
                    None,
                ),
                ms(
                    "endOfSupport",
                    Mapped::Eos,
                    "2028-12-31T00:00:00Z",
                    1,
                    Some(STANDARD),
                ),
                ms(
                    "endOfSupport",
                    Mapped::Eos,
                    "2030-06-30T00:00:00Z",
                    2,
                    Some(EXTENDED),
                ),
            ],
            "2025-06-02",
            vec![],
        ),
        notice(
            &product,
            &["2.4.1"],
            vec![ms(
                "supersededBy",
                Mapped::Other,
                "2025-03-10T00:00:00Z",
                6,
                Some("superseded by version 2.4.2"),
            )],
            "2025-03-10",
            vec![],
        ),
        notice(
            &product,
            &["2.4.2"],
            vec![ms(
                "released",
                Mapped::GeneralAvailability,
                "2025-03-10T00:00:00Z",
                7,
                None,
            )],
            "2025-03-10",
            vec![],
        ),
        notice(
            &product,
            &[v1],
            vec![
                ms(
                    "endOfMarketing",
                    Mapped::Eol,
                    "2023-06-30T00:00:00Z",
                    10,
                    None,
                ),
                ms(
                    "endOfSupport",
                    Mapped::Eos,
                    "2024-12-31T00:00:00Z",
                    9,
                    Some(STANDARD),
                ),
                ms(
                    "endOfLife",
                    Mapped::EndOfLife,
                    "2025-12-31T00:00:00Z",
                    8,
                    None,
                ),
            ],
            "2023-01-15",
            vec![],
        ),
        notice(
            &product,
            &["1.0.0"],
            vec![ms(
                "released",
                Mapped::GeneralAvailability,
                "2019-04-01T00:00:00Z",
                11,
                None,
            )],
            "2019-04-01",
            vec![],
        ),
    ];
    assert_eq!(notices, expected);

    // The earliest of endOfMarketing and endOfDistribution is N70 EOL; the earliest support
    // policy to end is N70 EOS, and the withdrawn date is gone.
    let v2n = &notices[0];
    assert_eq!(
        v2n.eol().map(|m| m.source_name.as_str()),
        Some("endOfMarketing")
    );
    assert_eq!(v2n.eol().and_then(|m| m.effective), Some(day("2026-12-31")));
    assert_eq!(v2n.eos().and_then(|m| m.effective), Some(day("2028-12-31")));
    assert_eq!(
        notices[3].eos().and_then(|m| m.effective),
        Some(day("2024-12-31"))
    );
}

#[test]
fn monitor_os_aliases_tba_and_unreadable() {
    let notices = parse(
        "cle-monitor-os-aliases.json",
        include_bytes!("data/cle-monitor-os-aliases.json"),
    )
    .unwrap();
    let product = ProductRef {
        purl: Some("pkg:generic/acme-medical/monitor-os".into()),
        aliases: vec![
            "pkg:github/acme-medical/monitor-os".into(),
            "pkg:generic/veridian-health/monitor-os".into(),
        ],
        ..ProductRef::default()
    };
    let expected = vec![
        // Component-wide events (no versions): every version.
        notice(
            &product,
            &[],
            vec![
                ms(
                    "componentRenamed",
                    Mapped::Other,
                    "2025-09-01T00:00:00Z",
                    1,
                    Some("renamed to pkg:generic/veridian-health/monitor-os"),
                ),
                ms("endOfWarranty", Mapped::Other, "2026-01-01T00:00:00Z", 0, None),
            ],
            "2025-09-01",
            vec![Warning {
                location: "/events/0/type".into(),
                message: "`endOfWarranty` is not a CLE event type; kept as other".into(),
            }],
        ),
        notice(
            &product,
            &["vers:generic/>=4.0|<5.0"],
            vec![
                ms("endOfMarketing", Mapped::Eol, "2026-03-31T00:00:00Z", 3, None),
                ms(
                    "endOfSupport",
                    Mapped::Eos,
                    "tba",
                    2,
                    Some("support policy security: Security updates"),
                ),
            ],
            "2025-08-15",
            vec![],
        ),
        notice(
            &product,
            &["vers:generic/>=3.0|<4.0"],
            vec![ms(
                "endOfSupport",
                Mapped::Eos,
                "2025-13-01T00:00:00Z",
                4,
                Some("support policy security: Security updates"),
            )],
            "2024-02-01",
            vec![Warning {
                location: "/events/4/effective".into(),
                message: "`2025-13-01T00:00:00Z` is not a date; `endOfSupport` is kept without an effective date".into(),
            }],
        ),
        notice(
            &product,
            &["4.0"],
            vec![ms(
                "released",
                Mapped::GeneralAvailability,
                "2024-02-01T00:00:00Z",
                5,
                None,
            )],
            "2024-02-01",
            vec![],
        ),
        notice(
            &product,
            &["3.0"],
            vec![ms(
                "released",
                Mapped::GeneralAvailability,
                "2021-05-01T00:00:00Z",
                6,
                None,
            )],
            "2021-05-01",
            vec![],
        ),
    ];
    assert_eq!(notices, expected);
    // Announced but undated, and unreadable: both are still an EOS, never "no EOS".
    assert_eq!(notices[1].eos().map(|m| m.when), Some(When::Tba));
    assert_eq!(notices[2].eos().map(|m| m.when), Some(When::Unreadable));
}

#[test]
fn version_sets_compare_as_sets() {
    let doc = br#"{
      "identifier": "pkg:generic/acme/pump",
      "events": [
        {"id": 3, "type": "endOfLife", "effective": "2031-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z",
         "versions": [{"version": "2.1"}, {"version": "2.0"}]},
        {"id": 2, "type": "endOfSupport", "supportId": "std", "effective": "2030-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z",
         "versions": [{"version": "2.0"}, {"version": "2.1"}, {"version": "2.0"}]},
        {"id": 1, "type": "endOfMarketing", "effective": "2029-01-01T00:00:00Z", "published": "2024-01-01T00:00:00Z",
         "versions": ["2.0", "2.1"]}
      ],
      "definitions": {"support": [{"id": "std", "description": "Standard"}]}
    }"#;
    let notices = parse("sets.json", doc).unwrap();
    assert_eq!(notices.len(), 1);
    let n = &notices[0];
    // Versions as the first event wrote them.
    assert_eq!(n.product.versions, ["2.1", "2.0"]);
    let names: Vec<&str> = n
        .milestones
        .iter()
        .map(|m| m.source_name.as_str())
        .collect();
    assert_eq!(names, ["endOfMarketing", "endOfSupport", "endOfLife"]);
    assert_eq!(n.announced, Some(day("2025-01-01")));
}

#[test]
fn everything_withdrawn_leaves_an_empty_notice() {
    let doc = br#"{
      "identifier": "pkg:generic/acme/pump",
      "updatedAt": "2025-05-05T05:05:05Z",
      "events": [
        {"id": 2, "type": "withdrawn", "eventId": 1, "reason": "published in error", "effective": "2025-05-05T00:00:00Z", "published": "2025-05-05T00:00:00Z"},
        {"id": 1, "type": "endOfLife", "effective": "2026-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z", "versions": [{"version": "1"}]}
      ]
    }"#;
    let notices = parse("w.json", doc).unwrap();
    assert_eq!(notices.len(), 1);
    let n = &notices[0];
    assert!(n.milestones.is_empty());
    assert!(n.product.versions.is_empty());
    assert_eq!(n.announced, Some(day("2025-05-05")));
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
}

#[test]
fn missing_fields_keep_the_event() {
    let doc = br#"{
      "$schema": "https://TODO/cle.v1.0.0.json",
      "events": [
        {"id": 2, "effective": "2027-01-01T00:00:00Z"},
        {"type": "endOfSupport", "versions": [{"range": ">=1.0|<2.0"}]},
        {"id": 1, "type": "endOfMarketing", "effective": "2026-01-01", "versions": [{"range": ">=1.0|<2.0"}]}
      ]
    }"#;
    let notices = parse("m.json", doc).unwrap();
    assert_eq!(notices.len(), 2);
    let all: Vec<(String, String)> = notices
        .iter()
        .flat_map(|n| &n.warnings)
        .map(|w| (w.location.clone(), w.message.clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        (
            "",
            "no `identifier`: the component this document is about is not named",
        ),
        ("/events/0", "event has no `type`; kept as other"),
        ("/events/1", "event has no `id`; no withdrawal can name it"),
        (
            "/events/1/versions/0/range",
            "`>=1.0|<2.0` is not a vers range; kept as written",
        ),
        ("/events/1", "`endOfSupport` event has no `supportId`"),
        (
            "/events/1/effective",
            "`endOfSupport` has no date; kept without an effective date",
        ),
        (
            "/events/2/versions/0/range",
            "`>=1.0|<2.0` is not a vers range; kept as written",
        ),
        (
            "/events/2/effective",
            "`2026-01-01` is a date without a time; read as that UTC day",
        ),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(all, expected);
    // The event without a date is still an EOS for 1.x, just not a dated one.
    let eos = notices[1].eos().unwrap();
    assert_eq!((eos.when, eos.effective), (When::Unreadable, None));
    assert_eq!(
        notices[1].eol().and_then(|m| m.effective),
        Some(day("2026-01-01"))
    );
    // Document-wide warnings are on the first notice only.
    assert_eq!(notices[0].warnings[0].location, "");
    assert!(notices[1].warnings.iter().all(|w| !w.location.is_empty()));
}

#[test]
fn withdrawal_cycles_and_self_references_terminate() {
    let doc = br#"{
      "identifier": "pkg:generic/acme/pump",
      "events": [
        {"id": 3, "type": "withdrawn", "eventId": 3, "effective": "2025-01-01T00:00:00Z"},
        {"id": 2, "type": "withdrawn", "eventId": 1, "effective": "2025-01-01T00:00:00Z"},
        {"id": 1, "type": "withdrawn", "eventId": 2, "effective": "2025-01-01T00:00:00Z"},
        {"id": 0, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z"}
      ]
    }"#;
    let notices = parse("cycle.json", doc).unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].milestones.len(), 1);
    let messages: Vec<&str> = notices[0]
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(messages.contains(&"withdrawn event 3 names event 3, which is not older; ignored"));
    // Event 2 cancels withdrawal 1, so 1's forward reference is never even looked at.
    assert_eq!(messages.len(), 1, "{messages:?}");
}

#[test]
fn duplicate_ids_are_warned_and_all_withdrawn() {
    let doc = br#"{
      "identifier": "pkg:generic/acme/pump",
      "events": [
        {"id": 9, "type": "withdrawn", "eventId": 5, "effective": "2025-01-01T00:00:00Z"},
        {"id": 5, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z", "versions": ["1"]},
        {"id": 5, "type": "endOfSupport", "supportId": "x", "effective": "2029-01-01T00:00:00Z", "versions": ["1"]},
        {"id": 4, "type": "endOfMarketing", "effective": "2028-01-01T00:00:00Z", "versions": ["1"]}
      ]
    }"#;
    let n = parse("dup.json", doc).unwrap().remove(0);
    let names: Vec<&str> = n
        .milestones
        .iter()
        .map(|m| m.source_name.as_str())
        .collect();
    assert_eq!(names, ["endOfMarketing"]);
    // The duplicate's warning belonged to a withdrawn event, which is as if it never existed.
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
}

#[test]
fn pagination_is_reported_not_followed() {
    let doc = br#"{"identifier": "pkg:generic/acme/pump", "index": 1, "next": "https://acme.example/cle/pump?page=2", "events": []}"#;
    let n = parse("page.json", doc).unwrap().remove(0);
    assert_eq!(n.warnings.len(), 1);
    assert_eq!(n.warnings[0].location, "/next");
    assert!(n.warnings[0].message.contains("later pages"));
}

#[test]
fn structural_errors_name_file_and_pointer() {
    let cases: [(&[u8], &str, &str); 6] = [
        (
            br#"{"events": [{"id": 1, "type": 7}]}"#,
            "/events/0/type",
            "expected a string, found a number",
        ),
        (
            br#"{"events": [{"id": 1.5, "type": "endOfLife"}]}"#,
            "/events/0/id",
            "expected a non-negative integer, found a number",
        ),
        (
            br#"{"events": [{"id": 1, "type": "endOfLife", "versions": [1]}]}"#,
            "/events/0/versions/0",
            "expected a version specifier object, found a number",
        ),
        (
            br#"{"identifier": 5, "events": []}"#,
            "/identifier",
            "expected a string or an array, found a number",
        ),
        (
            br#"{"events": [{"id": 2, "type": "withdrawn", "eventId": "1"}]}"#,
            "/events/0/eventId",
            "expected a non-negative integer, found a string",
        ),
        (
            br#"{"definitions": {"support": [{"description": "x"}]}, "events": []}"#,
            "/definitions/support/0",
            "support policy has no `id`",
        ),
    ];
    for (doc, pointer, message) in cases {
        let e = parse("bad.json", doc).unwrap_err();
        assert_eq!(e.pointer(), Some(pointer), "{e}");
        assert_eq!(e.to_string(), format!("bad.json: {pointer}: {message}"));
    }
}
