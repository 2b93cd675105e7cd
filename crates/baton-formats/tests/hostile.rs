//! Replays the committed corpus of hostile inventory files: each must fail with an error that
//! names its place, and none may panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use baton_formats::inventory::{read_assets, read_models};

/// (file, the error must contain this).
const CASES: &[(&str, &str)] = &[
    ("models-unclosed-quote.csv", "line 2: row has 2 fields"),
    (
        "models-month-13.csv",
        "line 2, column general_availability: '2020-13-01' is not a date",
    ),
    (
        "models-eos-before-eol.csv",
        "line 2, column eos_date: EOS 2025-12-31 is before EOL 2026-01-01",
    ),
    (
        "models-eol-before-ga.csv",
        "line 2, column eol_date: eol 2026-01-01 is before general availability 2027-01-01",
    ),
    (
        "models-extra-column.csv",
        "line 1, column extra: unknown column",
    ),
    (
        "models-long-row.csv",
        "line 2: row has 12 fields, the header has 11",
    ),
    (
        "models-duplicate-key.csv",
        "line 3: duplicate model (manufacturer, model): already given on line 2",
    ),
    (
        "models-entity-in-udi-di.csv",
        "line 2, column udi_di: '<!ENTITY",
    ),
    (
        "models-invalid-utf8.csv",
        "line 2, column model: value is not UTF-8",
    ),
    ("models-utf16.csv", "line 1: file is UTF-16"),
    ("assets-bad-hibc-check.csv", "line 2, column udi: "),
    (
        "assets-bad-gs1-check.csv",
        "line 2, column udi: GS1 AI (01) check digit mismatch",
    ),
    (
        "assets-unknown-status.csv",
        "line 2, column status: unknown asset status 'retired'",
    ),
    (
        "assets-duplicate-key.csv",
        "line 3: duplicate asset (organization, asset_id): already given on line 2",
    ),
    ("assets-huge-udi.csv", "line 2, column udi: "),
    ("assets-long-field.csv", ""),
];

#[test]
fn hostile_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some((_, expected)) = CASES.iter().find(|(f, _)| *f == name) else {
            panic!("{name} has no expectation in CASES");
        };
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let result = if name.starts_with("assets") {
            read_assets(&name, &bytes).map(|r| r.len())
        } else {
            read_models(&name, &bytes).map(|r| r.len())
        };
        match (result, *expected) {
            // A 200,000-character organization name is odd but readable: accepted as a careful CSV
            // tool would.
            (Ok(n), "") => assert_eq!(n, 1, "{name}"),
            (Ok(_), _) => panic!("{name} was accepted"),
            (Err(e), expected) => {
                let text = e.to_string();
                assert!(
                    text.starts_with(&name),
                    "{name}: error does not name the file: {text}"
                );
                assert!(
                    !expected.is_empty() && text.contains(expected),
                    "{name}: {text}"
                );
            }
        }
        seen += 1;
    }
    assert_eq!(seen, CASES.len());
}
