//! `baton scan --format cyclonedx` output checked against the official CycloneDX 1.6 JSON schema
//! (`bom-1.6.schema.json` with the `spdx.schema.json` and `jsf-0.82.schema.json` it references,
//! from CycloneDX/specification, registered locally by their `$id`: nothing is fetched).
//!
//! The scans are real: a real SBOM (the SPDX example Rust project, the medical-device case
//! study) or Baton's device test SBOMs, against real advisories (RustSec OSV, the CISA ICSMA
//! CSAF corpus, NVD CVE 2.0 records) with real KEV and EPSS files and an OpenVEX statement, so
//! that the documents hold vulnerabilities with ratings, references, every analysis state Baton
//! writes, justifications and properties.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use baton_matching::{Confidence, OutputFormat, ScanArgs, run_scan_with};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(DATA).join(rel)
}

fn local(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(rel)
}

fn read_json(path: &PathBuf) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The CycloneDX 1.6 validator, its two referenced schemas taken from the local copies.
fn validator() -> jsonschema::Validator {
    let dir = shared("cyclonedx-spec-testdata/schema");
    let bom = read_json(&dir.join("bom-1.6.schema.json"));
    let mut registry = jsonschema::Registry::new();
    for name in ["spdx.schema.json", "jsf-0.82.schema.json"] {
        let schema = read_json(&dir.join(name));
        let id = schema["$id"].as_str().unwrap().to_string();
        assert_eq!(id, format!("http://cyclonedx.org/schema/{name}"));
        registry = registry.add(id, schema).unwrap();
    }
    let registry = registry.prepare().unwrap();
    jsonschema::options()
        .offline()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&bom)
        .unwrap()
}

/// The schema errors of `doc`, one line each (empty when valid).
fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The validator agrees with the specification's own 1.6 JSON test vectors: every `valid-*`
/// passes and every `invalid-*` fails, so a pass below means something.
#[test]
fn validator_agrees_with_the_specification_vectors() {
    let validator = validator();
    let dir = shared("cyclonedx-spec-testdata/test-resources/1.6");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let (mut valid, mut invalid) = (0, 0);
    let mut wrong = Vec::new();
    for name in &names {
        let errors = schema_errors(&validator, &read_json(&dir.join(name)));
        if name.starts_with("valid-") {
            valid += 1;
            if !errors.is_empty() {
                wrong.push(format!("{name} rejected: {errors:?}"));
            }
        } else if name.starts_with("invalid-") {
            invalid += 1;
            if errors.is_empty() {
                wrong.push(format!("{name} accepted"));
            }
        }
    }
    assert!(
        valid >= 40 && invalid >= 20,
        "{valid} valid, {invalid} invalid"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

struct Case {
    name: &'static str,
    sbom: PathBuf,
    advisories: Vec<PathBuf>,
    vex: Vec<PathBuf>,
    kev: Option<PathBuf>,
    epss: Option<PathBuf>,
    min_confidence: Confidence,
}

/// Runs `baton scan --format cyclonedx` as the command does and returns the document.
fn render(case: &Case) -> Value {
    let args = ScanArgs {
        sbom: case.sbom.clone(),
        advisories: case.advisories.clone(),
        vex: case.vex.clone(),
        kev: case.kev.clone(),
        epss: case.epss.clone(),
        min_confidence: case.min_confidence,
        aliases: None,
        format: OutputFormat::CycloneDx,
        on: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
    };
    let mut out = Vec::new();
    run_scan_with(&args, &mut out, &mut std::io::sink())
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    serde_json::from_slice(&out).unwrap()
}

/// What the schema cannot say: `bom-ref`s are unique in the document and every `affects` ref
/// names a component of it.
fn references_resolve(name: &str, doc: &Value) {
    let mut refs = Vec::new();
    if let Some(r) = doc["metadata"]["component"]["bom-ref"].as_str() {
        refs.push(r);
    }
    for c in doc["components"].as_array().unwrap() {
        refs.push(c["bom-ref"].as_str().unwrap());
    }
    let components: BTreeSet<&str> = refs.iter().copied().collect();
    for v in doc["vulnerabilities"].as_array().unwrap() {
        refs.push(v["bom-ref"].as_str().unwrap());
        for a in v["affects"].as_array().unwrap() {
            let r = a["ref"].as_str().unwrap();
            assert!(
                components.contains(r),
                "{name}: affects {r} names no component"
            );
        }
    }
    let unique: BTreeSet<&str> = refs.iter().copied().collect();
    assert_eq!(unique.len(), refs.len(), "{name}: a bom-ref is used twice");
}

fn cases() -> Vec<Case> {
    vec![
        // A real Rust project's SPDX SBOM (hyper, tokio…) against the whole RustSec database,
        // with the CISA KEV catalog and an EPSS file.
        Case {
            name: "spdx-example11-rustsec",
            sbom: shared("spdx-examples/software/example11/spdx2.3/sbom.spdx.json"),
            advisories: vec![shared("osv-rustsec")],
            vex: Vec::new(),
            kev: Some(shared("cisa-kev/known_exploited_vulnerabilities.json")),
            epss: Some(shared("vunnel-fixtures/epss/example-1.csv")),
            min_confidence: Confidence::Exact,
        },
        // Device products against every ICSMA advisory, down to fuzzy matches, with a vendor
        // VEX statement that turns some findings not affected.
        Case {
            name: "devices-icsma-vex",
            sbom: local("devices.cdx.json"),
            advisories: vec![shared("cisa-csaf-icsma")],
            vex: vec![local("vex-vue-pacs.openvex.json")],
            kev: Some(shared("cisa-kev/known_exploited_vulnerabilities.json")),
            epss: None,
            min_confidence: Confidence::Fuzzy,
        },
        // BD Alaris firmware and hardware CPEs against the NVD records.
        Case {
            name: "alaris-nvd",
            sbom: local("alaris-firmware-and-hardware.cdx.json"),
            advisories: vec![shared("nvd-cve-2.0-meddev")],
            vex: Vec::new(),
            kev: None,
            epss: None,
            min_confidence: Confidence::Exact,
        },
        // A real medical-device SBOM (firmware, device and library components with purls and
        // CPEs, a subject component) against every real advisory set above.
        Case {
            name: "medical-case-study",
            sbom: shared("medical-sbom-case-study/extended.sbom.json"),
            advisories: vec![
                shared("cisa-csaf-icsma"),
                shared("nvd-cve-2.0-meddev"),
                shared("osv-rustsec"),
            ],
            vex: Vec::new(),
            kev: None,
            epss: None,
            min_confidence: Confidence::Fuzzy,
        },
    ]
}

#[test]
fn scan_output_is_valid_cyclonedx_1_6() {
    let validator = validator();
    let mut states = BTreeSet::new();
    let mut total = 0;
    for case in cases() {
        let doc = render(&case);
        let errors = schema_errors(&validator, &doc);
        assert!(
            errors.is_empty(),
            "{}: {} schema errors:\n{}",
            case.name,
            errors.len(),
            errors.join("\n")
        );
        references_resolve(case.name, &doc);
        let vulns = doc["vulnerabilities"].as_array().unwrap();
        if case.name != "medical-case-study" {
            assert!(!vulns.is_empty(), "{}: no findings", case.name);
        }
        for v in vulns {
            states.insert(v["analysis"]["state"].as_str().unwrap().to_string());
        }
        println!(
            "{}: {} components, {} vulnerabilities",
            case.name,
            doc["components"].as_array().unwrap().len(),
            vulns.len()
        );
        total += vulns.len();
    }
    println!("states: {states:?}");
    assert!(total >= 30, "{total} vulnerabilities in all");
    // Affected, not affected (by the VEX statement) and under investigation (a version that
    // reads no order: hyper "0.14" is no Cargo version).
    for state in ["exploitable", "not_affected", "in_triage"] {
        assert!(states.contains(state), "{state} missing from {states:?}");
    }
}

/// The checks above catch a broken document: a finding whose state CycloneDX does not know,
/// or a component without a name, fails the schema.
#[test]
fn a_broken_document_fails() {
    let validator = validator();
    let mut doc = render(&cases().remove(0));
    assert!(schema_errors(&validator, &doc).is_empty());
    doc["vulnerabilities"][0]["analysis"]["state"] = Value::from("affected");
    assert!(!schema_errors(&validator, &doc).is_empty());
    let mut doc = render(&cases().remove(0));
    doc["components"][0].as_object_mut().unwrap().remove("name");
    assert!(!schema_errors(&validator, &doc).is_empty());
}
