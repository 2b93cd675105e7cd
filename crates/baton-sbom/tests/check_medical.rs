#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `check` on the real medical-device SBOM, against a hand-checked snapshot.
//!
//! narrow.sbom.json on 2026-11-28, checked by hand against the document:
//! - 55 components, each with a publisher (taken as supplier), a purl and a CPE, and each listed
//!   as a `ref` in `dependencies` (with no targets: "depends on nothing").
//! - One version missing: Qualcomm Atheros QCA9563 has `"version": ""`.
//! - Author "REDACTED" and a timestamp are present.
//! - Every component has "Level of Support" and "End-of-Support", so FDA is conformant; no
//!   End-of-Support value is a date (46 "Open source", 7 "Unknown", 1 "Until hardware support
//!   ends", 1 "No longer supported"), hence 55 warnings.
//! - Unsupported: only FluentValidationNA 1.2.16, "Deprecated" / "No longer supported". The
//!   seven "Inactive" and the other "Deprecated" (with "Open source") are not counted.

use std::path::PathBuf;

use chrono::NaiveDate;

fn data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

#[test]
fn narrow_sbom_check_snapshot() {
    let bytes = std::fs::read(data().join("medical-sbom-case-study/narrow.sbom.json")).unwrap();
    let parsed = baton_sbom::parse("narrow.sbom.json", &bytes).unwrap();
    let report = baton_sbom::check(&parsed, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    let got: serde_json::Value = serde_json::to_value(&report).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(include_str!("corpus-expected/narrow-check-2026-11-28.json")).unwrap();
    assert_eq!(
        got,
        want,
        "got:\n{}",
        serde_json::to_string_pretty(&got).unwrap()
    );

    assert_eq!(report.components, 55);
    assert!(!report.ntia.conformant);
    assert_eq!(
        report.ntia.missing.version,
        vec!["BomRef.060212624171178786.9840956843888784"]
    );
    assert!(report.fda.conformant);
    assert_eq!(
        report.fda.unsupported,
        vec!["BomRef.8121031131672664.10190141536960595"]
    );
    assert_eq!(report.warnings.len(), 55);
}

#[test]
fn report_shape_is_the_public_contract() {
    let bytes = std::fs::read(data().join("medical-sbom-case-study/extended.sbom.json")).unwrap();
    let parsed = baton_sbom::parse("extended.sbom.json", &bytes).unwrap();
    let report = baton_sbom::check(&parsed, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    let json = serde_json::to_value(&report).unwrap();
    // Sorted: whether serde_json keeps insertion order depends on the features of the build.
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "components",
            "fda",
            "format",
            "ntia",
            "spec_version",
            "warnings"
        ]
    );
    let mut missing: Vec<&str> = json["ntia"]["missing"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    missing.sort_unstable();
    assert_eq!(
        missing,
        [
            "author",
            "dependencies",
            "identifiers",
            "name",
            "supplier",
            "timestamp",
            "version"
        ]
    );
    let mut fda: Vec<&str> = json["fda"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fda.sort_unstable();
    assert_eq!(
        fda,
        [
            "conformant",
            "missing_end_of_support",
            "missing_support_level",
            "unsupported"
        ]
    );
    assert_eq!(json["format"], "cyclonedx-json");
    assert_eq!(json["warnings"][0].as_object().unwrap().len(), 2);
    // Six hardware items have an empty version in the extended SBOM.
    assert_eq!(report.ntia.missing.version.len(), 6);
}

#[test]
fn end_of_support_dates_decide_unsupported_on_the_day_given() {
    let doc = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
      "metadata": {"timestamp": "2026-01-01T00:00:00Z", "authors": [{"name": "Acme"}]},
      "components": [
        {"type": "library", "bom-ref": "a", "name": "a", "version": "1", "purl": "pkg:generic/a@1",
         "supplier": {"name": "Acme"},
         "properties": [{"name": "cdx:fda:level-of-support", "value": "actively maintained"},
                        {"name": "cdx:fda:end-of-support-date", "value": "2026-11-28"}]},
        {"type": "library", "bom-ref": "b", "name": "b", "version": "1", "purl": "pkg:generic/b@1",
         "supplier": {"name": "Acme"},
         "properties": [{"name": "cdx:fda:level-of-support", "value": "no longer maintained"},
                        {"name": "cdx:fda:end-of-support-date", "value": "2030-01-01"}]}],
      "dependencies": [{"ref": "a", "dependsOn": ["b"]}]}"#;
    let parsed = baton_sbom::parse("d.json", doc.as_bytes()).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let on = |d| baton_sbom::check(&parsed, NaiveDate::from_ymd_opt(2026, 11, d).unwrap());
    assert_eq!(on(28).fda.unsupported, vec!["b"]);
    assert_eq!(on(29).fda.unsupported, vec!["a", "b"]);
    assert!(on(29).ntia.conformant && on(29).fda.conformant);
}
