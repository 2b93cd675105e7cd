#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every OASIS OpenEoX core example in shared/data/oasis-openeox/examples, and a shell written
//! for Baton, with milestones checked by hand against the rule "OpenEoX gives the last day of a
//! state; the N70 milestone takes effect the next day; timestamps are read in UTC".

use std::path::PathBuf;

use baton_notices::{Mapped, Notice, NoticeFormat, NoticeMilestone, ProductRef, When, parse};
use chrono::NaiveDate;

fn examples_dir() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
        .join("oasis-openeox/examples")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An expected milestone; `when` is `YYYY-MM-DD`, `tba` or `unreadable`.
fn ms(
    source: &str,
    mapped: Mapped,
    when: &str,
    effective: Option<&str>,
    raw: &str,
    location: &str,
) -> NoticeMilestone {
    NoticeMilestone {
        source_name: source.into(),
        mapped,
        when: match when {
            "tba" => When::Tba,
            "unreadable" => When::Unreadable,
            d => When::Date(day(d)),
        },
        effective: effective.map(day),
        raw: raw.into(),
        detail: None,
        location: location.into(),
    }
}

fn core_notice(milestones: Vec<NoticeMilestone>, announced: &str) -> Notice {
    Notice {
        format: NoticeFormat::OpenEoxCore,
        location: String::new(),
        product: ProductRef::default(),
        milestones,
        announced: Some(day(announced)),
        warnings: vec![],
    }
}

fn expected(name: &str) -> Notice {
    use Mapped::{EndOfLife, Eol, Eos};
    let eol = |when, eff, raw| ms("end_of_life", EndOfLife, when, eff, raw, "/end_of_life");
    let eoss = |when, eff, raw| {
        ms(
            "end_of_security_support",
            Eos,
            when,
            eff,
            raw,
            "/end_of_security_support",
        )
    };
    let eos_sales = |when, eff, raw| ms("end_of_sales", Eol, when, eff, raw, "/end_of_sales");
    match name {
        "core-oasis_openeox_tc-core-1_0-2025-maximal.json" => core_notice(
            vec![
                eos_sales("2025-09-01", Some("2025-09-02"), "2025-09-01T23:59:59Z"),
                eoss("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
                eol("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
            ],
            "2025-02-01",
        ),
        "core-oasis_openeox_tc-core-1_0-2025-minimal-eol-tba.json" => core_notice(
            vec![
                eoss("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
                eol("tba", None, "tba"),
            ],
            "2025-11-19",
        ),
        "core-oasis_openeox_tc-core-1_0-2025-minimal-eoss-tba.json" => core_notice(
            vec![
                eol("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
                eoss("tba", None, "tba"),
            ],
            "2025-11-19",
        ),
        "core-oasis_openeox_tc-core-1_0-2025-minimal-tba.json" => core_notice(
            vec![eoss("tba", None, "tba"), eol("tba", None, "tba")],
            "2025-11-19",
        ),
        "core-oasis_openeox_tc-core-1_0-2025-minimal.json" => core_notice(
            vec![
                eoss("2025-11-19", Some("2025-11-20"), "2025-11-19T16:00:00Z"),
                eol("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
            ],
            "2025-11-19",
        ),
        "core-oasis_openeox_tc-core-1_0-2025-same-date.json" => core_notice(
            vec![
                eoss("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
                eol("2025-12-31", Some("2026-01-01"), "2025-12-31T12:00:00Z"),
            ],
            "2025-11-19",
        ),
        // Three local times on three different calendar days that are all 26 November in
        // UTC: 10:00 at -20:30 is 06:30Z, 03:00 at +20:59 is 06:01Z the day before, 10:00 at
        // +03:37 is 06:23Z.
        "core-oasis_openeox_tc-core-1_0-2025-timezones.json" => core_notice(
            vec![
                eos_sales(
                    "2025-11-26",
                    Some("2025-11-27"),
                    "2025-11-27T03:00:00.000+20:59",
                ),
                eoss(
                    "2025-11-26",
                    Some("2025-11-27"),
                    "2025-11-26T10:00:00.000+03:37",
                ),
                eol(
                    "2025-11-26",
                    Some("2025-11-27"),
                    "2025-11-25T10:00:00.000-20:30",
                ),
            ],
            "2025-02-01",
        ),
        other => panic!("no hand-checked expectation for {other}; add one"),
    }
}

#[test]
fn every_core_example() {
    let mut names: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("shared/data/oasis-openeox/examples")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    for name in names {
        let bytes = std::fs::read(examples_dir().join(&name)).unwrap();
        let notices = parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(notices, vec![expected(&name)], "{name}");
    }
}

#[test]
fn eol_and_eos_of_the_examples() {
    let read = |name: &str| {
        let bytes = std::fs::read(examples_dir().join(name)).unwrap();
        parse(name, &bytes).unwrap().remove(0)
    };
    let max = read("core-oasis_openeox_tc-core-1_0-2025-maximal.json");
    assert_eq!(max.eol().and_then(|m| m.effective), Some(day("2025-09-02")));
    assert_eq!(max.eos().and_then(|m| m.effective), Some(day("2026-01-01")));
    // End of life is the end of all support, never N70 EOL.
    let minimal = read("core-oasis_openeox_tc-core-1_0-2025-minimal.json");
    assert_eq!(minimal.eol(), None);
    assert_eq!(
        minimal
            .earliest(Mapped::EndOfLife)
            .and_then(|m| m.effective),
        Some(day("2026-01-01"))
    );
    let tba = read("core-oasis_openeox_tc-core-1_0-2025-minimal-tba.json");
    assert_eq!(tba.eos().map(|m| m.when), Some(When::Tba));
}

#[test]
fn shell_with_hardware_software_and_tba() {
    let bytes = include_bytes!("data/openeox-shell-vitaflow.json");
    let notices = parse("openeox-shell-vitaflow.json", bytes).unwrap();
    let acme = Some("ACME Medical".to_owned());
    let s = |i: usize, field: &str| format!("/statements/{i}/core/{field}");
    let expected = vec![
        Notice {
            format: NoticeFormat::OpenEoxShell,
            location: "/statements/0".into(),
            product: ProductRef {
                purl: Some("pkg:generic/acme-medical/vitaflow-firmware@3.2".into()),
                cpe: Some("cpe:2.3:h:acme_medical:vitaflow_300:c:*:*:*:*:*:*:*".into()),
                vendor: acme.clone(),
                product: Some("VitaFlow 300 Infusion Pump".into()),
                version: Some("Rev C".into()),
                aliases: vec!["pkg:github/acme-medical/vitaflow-firmware@v3.2".into()],
                software: Some(Box::new(ProductRef {
                    vendor: acme.clone(),
                    product: Some("VitaFlow Firmware".into()),
                    version: Some("3.2".into()),
                    ..ProductRef::default()
                })),
                ..ProductRef::default()
            },
            milestones: vec![
                // General availability is a first day: it takes effect on its own date.
                ms(
                    "general_availability",
                    Mapped::GeneralAvailability,
                    "2019-03-01",
                    Some("2019-03-01"),
                    "2019-03-01T00:00:00Z",
                    &s(0, "general_availability"),
                ),
                ms(
                    "end_of_sales",
                    Mapped::Eol,
                    "2025-06-30",
                    Some("2025-07-01"),
                    "2025-06-30T23:59:59Z",
                    &s(0, "end_of_sales"),
                ),
                ms(
                    "end_of_security_support",
                    Mapped::Eos,
                    "2028-06-30",
                    Some("2028-07-01"),
                    "2028-06-30T23:59:59Z",
                    &s(0, "end_of_security_support"),
                ),
                ms(
                    "end_of_life",
                    Mapped::EndOfLife,
                    "2029-12-31",
                    Some("2030-01-01"),
                    "2029-12-31T23:59:59Z",
                    &s(0, "end_of_life"),
                ),
            ],
            announced: Some(day("2025-01-15")),
            warnings: vec![],
        },
        Notice {
            format: NoticeFormat::OpenEoxShell,
            location: "/statements/1".into(),
            product: ProductRef {
                purl: Some("pkg:docker/acme-medical/vitaflow-gateway@5.1".into()),
                vendor: acme.clone(),
                product: Some("VitaFlow Gateway".into()),
                version: Some("5.1".into()),
                ..ProductRef::default()
            },
            milestones: vec![
                // 12:00 at +14:00 is 22:00Z the day before.
                ms(
                    "end_of_security_support",
                    Mapped::Eos,
                    "2030-12-30",
                    Some("2030-12-31"),
                    "2030-12-31T12:00:00+14:00",
                    &s(1, "end_of_security_support"),
                ),
                ms(
                    "end_of_life",
                    Mapped::EndOfLife,
                    "tba",
                    None,
                    "tba",
                    &s(1, "end_of_life"),
                ),
            ],
            // 22:00 at -05:00 is 03:00Z the next day.
            announced: Some(day("2025-03-01")),
            warnings: vec![],
        },
        Notice {
            format: NoticeFormat::OpenEoxShell,
            location: "/statements/2".into(),
            product: ProductRef {
                vendor: acme,
                product: Some("VitaFlow Docking Station".into()),
                version: Some("1".into()),
                ..ProductRef::default()
            },
            milestones: vec![
                ms(
                    "end_of_sales",
                    Mapped::Eol,
                    "2026-01-31",
                    Some("2026-02-01"),
                    "2026-01-31T00:00:00Z",
                    &s(2, "end_of_sales"),
                ),
                ms(
                    "end_of_security_support",
                    Mapped::Eos,
                    "2027-06-30",
                    Some("2027-07-01"),
                    "2027-06-30T00:00:00Z",
                    &s(2, "end_of_security_support"),
                ),
                ms(
                    "end_of_life",
                    Mapped::EndOfLife,
                    "2027-06-30",
                    Some("2027-07-01"),
                    "2027-06-30T00:00:00Z",
                    &s(2, "end_of_life"),
                ),
            ],
            announced: Some(day("2025-03-01")),
            warnings: vec![],
        },
    ];
    assert_eq!(notices, expected);
}

#[test]
fn core_without_schema_is_detected_by_shape_and_warned() {
    let doc = br#"{"end_of_life": "2030-06-30", "end_of_security_support": "soon", "last_updated": "2025-01-01T00:00:00Z"}"#;
    let n = parse("core.json", doc).unwrap().remove(0);
    assert_eq!(n.format, NoticeFormat::OpenEoxCore);
    let eol = n.earliest(Mapped::EndOfLife).unwrap();
    assert_eq!(eol.effective, Some(day("2030-07-01")));
    let eos = n.eos().unwrap();
    assert_eq!((eos.when, eos.effective), (When::Unreadable, None));
    let messages: Vec<(&str, &str)> = n
        .warnings
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "/end_of_security_support",
                "`soon` is not a date; `end_of_security_support` is kept without an effective date"
            ),
            (
                "/end_of_life",
                "`2030-06-30` is a date without a time; read as that UTC day"
            ),
            ("", "the OpenEoX core requires `$schema`, which is missing"),
        ]
    );
}

#[test]
fn shell_statement_without_core_is_an_error() {
    let doc = br#"{"$schema": "https://docs.oasis-open.org/openeox/tbd/schema/shell.json", "statements": [{"product": {}, "product_identification_helper": {}}]}"#;
    let e = parse("shell.json", doc).unwrap_err();
    assert_eq!(e.pointer(), Some("/statements/0"));
    assert_eq!(
        e.to_string(),
        "shell.json: /statements/0: statement has no `core`"
    );
}
