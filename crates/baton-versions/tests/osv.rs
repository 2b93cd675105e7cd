#![allow(clippy::unwrap_used, clippy::expect_used)]
//! OSV ranges on real records: RustSec (JSON, SEMVER), PyPA (YAML,
//! ECOSYSTEM and GIT) and the Go vulnerability database (JSON, SEMVER).
//! Records are read from `../shared/data` beside the checkout; the
//! expectations below were checked by hand against each record.

use std::path::{Path, PathBuf};

use baton_versions::{OsvAffected, OsvRange, RangeError, Scheme};
use serde_json::Value;

fn data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// YAML → JSON value, enough for OSV records (scalars stay strings).
fn yaml_to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map_or_else(|| format!("{k:?}"), str::to_string),
                        yaml_to_json(v),
                    )
                })
                .collect(),
        ),
        Yaml::Array(a) => Value::Array(a.iter().map(yaml_to_json).collect()),
        Yaml::String(s) | Yaml::Real(s) => Value::String(s.clone()),
        Yaml::Integer(i) => Value::String(i.to_string()),
        Yaml::Boolean(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

fn yaml(path: &Path) -> Value {
    let docs =
        yaml_rust2::YamlLoader::load_from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    yaml_to_json(&docs[0])
}

/// The `affected` entries of a record with their ecosystem.
fn affected(record: &Value) -> Vec<(String, String, OsvAffected)> {
    record["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["package"]["ecosystem"].as_str().unwrap().to_string(),
                a["package"]["name"].as_str().unwrap().to_string(),
                serde_json::from_value(a.clone()).unwrap(),
            )
        })
        .collect()
}

fn check(entry: &(String, String, OsvAffected), expectations: &[(&str, bool)]) {
    let (ecosystem, name, a) = entry;
    for (version, expected) in expectations {
        assert_eq!(
            a.affects(ecosystem, version),
            Ok(*expected),
            "{name} {version}"
        );
    }
}

#[test]
fn rustsec_multiple_introduced_fixed_pairs() {
    let dir = data_dir("osv-rustsec/crates");
    // smallvec: 0.3.2..0.3.4, 0.4.0-0..0.4.5, 0.5.0-0..0.5.1, 0.6.0-0..0.6.3.
    let smallvec = affected(&json(&dir.join("RUSTSEC-2018-0003.json")));
    check(
        &smallvec[0],
        &[
            ("0.3.1", false),
            ("0.3.2", true),
            ("0.3.3", true),
            ("0.3.4", false),
            ("0.4.0", true),
            ("0.4.4", true),
            ("0.4.5", false),
            ("0.5.0", true),
            ("0.5.1", false),
            ("0.6.2", true),
            ("0.6.3", false),
            ("1.0.0", false),
        ],
    );
    // time: everything below 0.2.23 except the point releases 0.2.1–0.2.6.
    let time = affected(&json(&dir.join("RUSTSEC-2020-0071.json")));
    check(
        &time[0],
        &[
            ("0.1.45", true),
            ("0.2.0", false),
            ("0.2.1-pre", true),
            ("0.2.1", false),
            ("0.2.6", false),
            ("0.2.7", true),
            ("0.2.22", true),
            ("0.2.23", false),
            ("0.3.0", false),
        ],
    );
    // lettre: the last pair is between pre-releases.
    let lettre = affected(&json(&dir.join("RUSTSEC-2020-0069.json")));
    check(
        &lettre[0],
        &[
            ("0.7.0", true),
            ("0.8.3", true),
            ("0.9.5", false),
            ("0.10.0-alpha.1", true),
            ("0.10.0-alpha.3", true),
            ("0.10.0-alpha.4", false),
            ("0.10.0", false),
        ],
    );
}

#[test]
fn every_rustsec_and_go_range_compiles() {
    let mut count = 0;
    for (dir, ext) in [("osv-rustsec/crates", "json"), ("osv-golang/osv", "json")] {
        for entry in std::fs::read_dir(data_dir(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some(ext) {
                continue;
            }
            for (ecosystem, name, a) in affected(&json(&path)) {
                for r in &a.ranges {
                    let compiled = r.compile(Scheme::from_osv_ecosystem(&ecosystem));
                    assert!(compiled.is_ok(), "{}: {name}: {compiled:?}", path.display());
                    count += 1;
                }
            }
        }
    }
    assert!(count > 1500, "only {count} ranges");
}

#[test]
fn go_stdlib_and_pseudo_versions() {
    let dir = data_dir("osv-golang/osv");
    let stdlib = affected(&json(&dir.join("GO-2021-0224.json")));
    check(
        &stdlib[0],
        &[
            ("1.13.12", true),
            ("v1.13.12", true),
            ("1.13.13", false),
            ("1.14.0-rc1", true),
            ("1.14.4", true),
            ("1.14.5", false),
            ("1.15.0", false),
        ],
    );
    // A module range: pseudo-versions order by their place in the history.
    let range: OsvRange = serde_json::from_str(
        r#"{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.0.0-20220314234659-1baeb1ce4c0b"}]}"#,
    )
    .unwrap();
    let go = Some(Scheme::Golang);
    assert_eq!(
        range.contains(go, "v0.0.0-20211202192323-5770296d904e"),
        Ok(true)
    );
    assert_eq!(
        range.contains(go, "v0.0.0-20220315005136-aa3d5cbbd2a0"),
        Ok(false)
    );
    assert_eq!(range.contains(go, "v0.1.0"), Ok(false));
}

#[test]
fn pypa_unsorted_events_last_affected_and_git() {
    let dir = data_dir("osv-pypa/vulns");
    // Events listed out of order: 0..3.8.1, 3.9.0..3.19.1, 3.20.0..3.23.1.
    let oslo = affected(&yaml(&dir.join("oslo-middleware/PYSEC-2018-104.yaml")));
    check(
        &oslo[0],
        &[
            ("3.8.0", true),
            ("3.8.1", false),
            ("3.8.5", false),
            ("3.9.0", true),
            ("3.19.0", true),
            ("3.19.1", false),
            ("3.20.0", true),
            ("3.23.0", true),
            ("3.23.1", false),
        ],
    );
    // last_affected is inclusive.
    let py = affected(&yaml(&dir.join("py/PYSEC-2022-42969.yaml")));
    check(
        &py[0],
        &[("1.10.0", true), ("1.11.0", true), ("1.11.1", false)],
    );
    // GIT ranges are skipped when ECOSYSTEM ranges or versions exist; alone
    // they are an error, not "not affected".
    let git_only: OsvAffected = serde_json::from_str(
        r#"{"ranges":[{"type":"GIT","repo":"https://example.org/r","events":[{"introduced":"0"},{"fixed":"abc123"}]}]}"#,
    )
    .unwrap();
    assert!(matches!(
        git_only.affects("PyPI", "1.0"),
        Err(RangeError::Osv { .. })
    ));
    let with_versions: OsvAffected = serde_json::from_str(
        r#"{"ranges":[{"type":"GIT","events":[{"introduced":"0"},{"fixed":"abc123"}]}],"versions":["1.0","1.1"]}"#,
    )
    .unwrap();
    assert_eq!(with_versions.affects("PyPI", "1.0.0"), Ok(true));
    assert_eq!(with_versions.affects("PyPI", "1.2"), Ok(false));
}

/// Listed versions that the record's own ECOSYSTEM ranges exclude, each
/// checked by hand: the lists were computed partly from GIT history.
const PYPA_LIST_RANGE_CONFLICTS: &[(&str, &str, &str)] = &[
    // ECOSYSTEM says fixed in 23.9.0; the list (from the GIT range) keeps it.
    ("PYSEC-2023-177", "23.9.0", "fixed 23.9.0 but listed"),
    (
        "PYSEC-2023-177",
        "23.9.0.post1",
        "after fixed 23.9.0 but listed",
    ),
    // Overlapping pairs 0..2.11.6 and 2.11..2.11.7: walking the sorted
    // events (the OSV evaluation), 2.11.6 closes the range.
    (
        "PYSEC-2021-114",
        "2.11.6",
        "overlapping introduced/fixed pairs",
    ),
    // introduced "3.2" / "4.2": PEP 440 pre-releases of 3.2 and 4.2 sort
    // below them, yet the list includes them.
    ("PYSEC-2023-61", "3.2a1", "pre-release below introduced 3.2"),
    ("PYSEC-2023-61", "3.2b1", "pre-release below introduced 3.2"),
    (
        "PYSEC-2023-61",
        "3.2rc1",
        "pre-release below introduced 3.2",
    ),
    ("PYSEC-2023-61", "4.2a1", "pre-release below introduced 4.2"),
    ("PYSEC-2023-61", "4.2b1", "pre-release below introduced 4.2"),
    (
        "PYSEC-2023-61",
        "4.2rc1",
        "pre-release below introduced 4.2",
    ),
];

/// For PyPA records the `versions` list is produced from the ranges, so
/// every listed PEP 440 version must be inside an ECOSYSTEM range, except
/// the conflicts listed above.
#[test]
fn pypa_versions_lists_agree_with_ranges() {
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for package in std::fs::read_dir(data_dir("osv-pypa/vulns")).unwrap() {
        for file in std::fs::read_dir(package.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            for (ecosystem, name, a) in affected(&yaml(&path)) {
                let ranges_only = OsvAffected {
                    ranges: a
                        .ranges
                        .iter()
                        .filter(|r| r.kind != baton_versions::OsvRangeKind::Git)
                        .cloned()
                        .collect(),
                    versions: Vec::new(),
                };
                if ranges_only.ranges.is_empty() {
                    continue;
                }
                for v in &a.versions {
                    if baton_versions::Version::parse(Scheme::Pypi, v).is_err() {
                        continue;
                    }
                    checked += 1;
                    let id = path
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or_default();
                    let known = PYPA_LIST_RANGE_CONFLICTS
                        .iter()
                        .any(|(i, ver, _)| *i == id && ver == v);
                    match ranges_only.affects(&ecosystem, v) {
                        Ok(true) => assert!(!known, "{id} {v} is listed as a conflict but agrees"),
                        Ok(false) if known => {}
                        other => {
                            disagreements.push(format!("{} {name} {v}: {other:?}", path.display()))
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 50_000, "only {checked} versions checked");
    assert!(
        disagreements.is_empty(),
        "{} of {checked} listed versions outside the ranges:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn ecosystems_and_errors() {
    let a: OsvAffected =
        serde_json::from_str(r#"{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.36-9+deb12u4"}]}]}"#)
            .unwrap();
    assert_eq!(a.affects("Debian:12", "2.36-9"), Ok(true));
    assert_eq!(a.affects("Debian:12", "2.36-9+deb12u4"), Ok(false));
    assert!(matches!(
        a.affects("Packagist", "1.0"),
        Err(RangeError::UnknownEcosystem(_))
    ));
    let no_introduced: OsvAffected =
        serde_json::from_str(r#"{"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1.0"}]}]}"#)
            .unwrap();
    assert!(no_introduced.affects("PyPI", "0.5").is_err());
    let limited: OsvAffected = serde_json::from_str(
        r#"{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"limit":"2.0"}]}]}"#,
    )
    .unwrap();
    assert_eq!(limited.affects("PyPI", "1.5"), Ok(true));
    assert_eq!(limited.affects("PyPI", "2.0"), Ok(false));
    let bad_event: Result<OsvAffected, _> = serde_json::from_str(
        r#"{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}"#,
    );
    assert!(bad_event.is_err(), "an event has exactly one key");
}
