#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Real CycloneDX SBOMs: every one parses, and its component count is cyclonedx-python-lib's
//! (see tests/corpus-expected/cyclonedx-counts.tsv for how those counts were made and where
//! lib4sbom differs). The medical-device SBOMs carry the FDA fields as free-form properties.

use std::path::PathBuf;

use baton_sbom::{SbomFormat, SupportDate};

fn data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

fn expected_counts() -> Vec<(String, usize)> {
    let tsv = include_str!("corpus-expected/cyclonedx-counts.tsv");
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[0].to_string(), fields[3].parse().unwrap())
        })
        .collect()
}

fn parse(relative: &str) -> baton_sbom::Parsed {
    let bytes = std::fs::read(data().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    baton_sbom::parse(relative, &bytes).unwrap_or_else(|e| panic!("{relative} must parse: {e}"))
}

#[test]
fn counts_agree_with_cyclonedx_python_lib() {
    let expected = expected_counts();
    assert!(expected.len() >= 70, "{} files listed", expected.len());
    for (file, count) in &expected {
        let parsed = parse(file);
        assert_eq!(parsed.sbom.components.len(), *count, "{file}");
        let format = if file.ends_with(".xml") {
            SbomFormat::CycloneDxXml
        } else {
            SbomFormat::CycloneDxJson
        };
        assert_eq!(parsed.sbom.format, format, "{file}");
    }
}

#[test]
fn every_cyclonedx_file_in_the_corpus_is_listed() {
    let listed: Vec<String> = expected_counts().into_iter().map(|(f, _)| f).collect();
    for folder in [
        "cyclonedx-bom-examples",
        "medical-sbom-case-study",
        "osv-scanner-sbom-fixtures",
    ] {
        let mut stack = vec![data().join(folder)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let sbom =
                    (name.ends_with(".json") || name.ends_with(".xml")) && !name.contains("spdx");
                if sbom {
                    let relative = path
                        .strip_prefix(data())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    assert!(
                        listed.contains(&relative),
                        "{relative} has no expected count"
                    );
                }
            }
        }
    }
}

#[test]
fn nested_components_have_their_parent() {
    let parsed = parse("cyclonedx-bom-examples/HBOM/PCIe-SATA-adapter-board/bom.json");
    let nested: Vec<_> = parsed
        .sbom
        .components
        .iter()
        .filter(|c| c.parent.is_some())
        .collect();
    for c in &nested {
        let parent = c.parent.as_deref().unwrap();
        assert!(
            parsed.sbom.components.iter().any(|p| p.reference == parent),
            "{parent}"
        );
    }
}

#[test]
fn json_and_xml_of_one_sbom_read_the_same() {
    for (json, xml) in [
        (
            "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.json",
            "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.xml",
        ),
        (
            "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json",
            "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.xml",
        ),
    ] {
        let (j, x) = (parse(json).sbom, parse(xml).sbom);
        assert_eq!(j.components.len(), x.components.len());
        for (a, b) in j.components.iter().zip(&x.components) {
            // (Licenses are not compared: the upstream XML of dropwizard lacks some the JSON has.)
            assert_eq!(
                (&a.name, &a.version, &a.purl, &a.hashes),
                (&b.name, &b.version, &b.purl, &b.hashes),
                "{json}"
            );
            assert_eq!(
                (&a.reference, &a.kind, &a.publisher),
                (&b.reference, &b.kind, &b.publisher),
                "{json}"
            );
        }
        assert_eq!(j.dependencies, x.dependencies, "{json}");
        assert_eq!(j.timestamp, x.timestamp, "{json}");
    }
}

#[test]
fn scanner_fixtures_warn_about_what_is_wrong() {
    let parsed = parse("osv-scanner-sbom-fixtures/bad-purls.cdx.xml");
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.message.contains("\"pkg:pypi/\" is not a valid purl"))
    );
    let parsed = parse("osv-scanner-sbom-fixtures/with-duplicates.cdx.xml");
    let repeats = parsed
        .warnings
        .iter()
        .filter(|w| w.message.contains("counted once"))
        .count();
    assert_eq!(repeats, 2);
    let parsed = parse("osv-scanner-sbom-fixtures/alpine-zlib-16.cdx.json");
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.location == "/metadata/component/type")
    );
}

#[test]
fn medical_sboms_carry_the_fda_fields_in_free_form_properties() {
    for file in [
        "medical-sbom-case-study/narrow.sbom.json",
        "medical-sbom-case-study/extended.sbom.json",
    ] {
        let parsed = parse(file);
        let sbom = &parsed.sbom;
        assert_eq!(sbom.spec_version, "1.4");
        assert!(
            sbom.components
                .iter()
                .all(|c| c.support_level.is_some() && c.end_of_support.is_some()),
            "{file}"
        );
        let qca = sbom
            .components
            .iter()
            .find(|c| c.name == "Qualcomm Atheros QCA9563")
            .unwrap();
        assert_eq!(qca.support_level.as_deref(), Some("Actively maintained"));
        assert_eq!(
            qca.end_of_support,
            Some(SupportDate::Text("Until hardware support ends".into()))
        );
        assert_eq!(qca.publisher.as_deref(), Some("Qualcomm"));
        assert_eq!(
            qca.cpes,
            vec!["cpe:2.3:h:qualcomm:atheros_qca9563:*:*:*:*:*:*:*:*".to_string()]
        );
        let index = sbom
            .components
            .iter()
            .position(|c| c.name == "Qualcomm Atheros QCA9563")
            .unwrap();
        let at = format!("/components/{index}/properties/0/value");
        let warning = parsed
            .warnings
            .iter()
            .find(|w| w.location == at)
            .expect("a warning that the value is not a date");
        assert!(
            warning.message.contains("\"Until hardware support ends\""),
            "{}",
            warning.message
        );
        assert!(
            warning.message.contains("not a date"),
            "{}",
            warning.message
        );
        // None of the values is a date, so every component has exactly one such warning.
        assert_eq!(parsed.warnings.len(), sbom.components.len(), "{file}");
        assert_eq!(sbom.authors, vec!["REDACTED".to_string()]);
        assert!(
            sbom.timestamp
                .unwrap()
                .to_rfc3339()
                .starts_with("2025-07-23T20:"),
            "{file}"
        );
        assert_eq!(
            sbom.subject.as_ref().unwrap().kind.as_deref(),
            Some("device")
        );
    }
}
