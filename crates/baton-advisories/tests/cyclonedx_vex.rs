//! CycloneDX VEX on the real files: the CycloneDX specification's test resources (1.4 – 1.7),
//! the CycloneDX VEX examples (the NTIA and CISA use cases) and SBOMs without vulnerabilities.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{
    Advisory, AdvisoryError, AdvisorySource, Format, ProductStatus, Status, WarningKind, parse,
};
use common::*;
use serde_json::Value;

fn advisory(rel_path: &str) -> Advisory {
    let p = parsed(rel_path);
    assert_eq!(p.format, Format::CycloneDxVex, "{rel_path}");
    assert_eq!(p.advisories.len(), 1);
    assert_located(&p, rel_path);
    p.advisories.into_iter().next().unwrap()
}

fn statuses<'a>(a: &'a Advisory, vuln: &str) -> Vec<&'a ProductStatus> {
    a.vulnerabilities
        .iter()
        .find(|v| v.id == vuln)
        .unwrap_or_else(|| panic!("{vuln} in {}", a.id))
        .statuses
        .iter()
        .collect()
}

fn product<'a>(a: &'a Advisory, id: &str) -> &'a baton_advisories::Product {
    a.products
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("{id} in {:?}", a.products))
}

/// Whether a JSON file is a CycloneDX document, and whether it has vulnerabilities.
fn cyclonedx_kind(bytes: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(bytes).ok()?;
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    let o = v.as_object()?;
    (o.get("bomFormat")?.as_str()? == "CycloneDX").then(|| {
        o.get("vulnerabilities")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    })
}

#[test]
fn every_real_cyclonedx_file_reads_or_is_an_sbom() {
    let mut vex = 0;
    let mut sboms = 0;
    let mut xml = 0;
    let mut tally = Tally::default();
    for dir in [
        "cyclonedx-spec-testdata/test-resources",
        "cyclonedx-bom-examples",
        "medical-sbom-case-study",
    ] {
        for path in files(dir) {
            let name = rel(&path);
            let bytes = std::fs::read(&path).unwrap();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if ext == "xml" && String::from_utf8_lossy(&bytes).contains("<vulnerabilities") {
                // CycloneDX XML is named, not read.
                match parse(&name, &bytes) {
                    Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
                        assert!(reason.contains("CycloneDX XML"), "{name}: {reason}");
                        xml += 1;
                    }
                    other => panic!("{name}: {other:?}"),
                }
                continue;
            }
            if ext != "json" {
                continue;
            }
            match cyclonedx_kind(&bytes) {
                Some(true) => {
                    let p = parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(p.format, Format::CycloneDxVex, "{name}");
                    assert_located(&p, &name);
                    let a = &p.advisories[0];
                    assert_eq!(a.source, AdvisorySource::CycloneDxVex);
                    assert!(!a.id.is_empty() && !a.vulnerabilities.is_empty(), "{name}");
                    // Every status names a product of the advisory.
                    for v in &a.vulnerabilities {
                        for s in &v.statuses {
                            assert!(a.products.iter().any(|p| p.id == s.product), "{name}");
                            if s.status == Status::NotAffected {
                                assert!(
                                    s.justification.is_some() || s.impact.is_some(),
                                    "{name}: {s:?}"
                                );
                            }
                        }
                    }
                    tally.add(&p);
                    vex += 1;
                }
                Some(false) => {
                    match parse(&name, &bytes) {
                        Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
                            assert_eq!(reason, "a CycloneDX SBOM without vulnerabilities", "{name}")
                        }
                        other => panic!("{name}: {other:?}"),
                    }
                    sboms += 1;
                }
                None => {}
            }
        }
    }
    tally.report("CycloneDX VEX");
    // 7 specification test files (1.4 – 1.7) and 25 VEX examples.
    assert_eq!(vex, 32);
    assert!(sboms > 300, "{sboms}");
    assert!(xml >= 7, "{xml}");
}

#[test]
fn spec_test_vulnerability_files() {
    for v in ["1.4", "1.5", "1.6", "1.7"] {
        let name =
            format!("cyclonedx-spec-testdata/test-resources/{v}/valid-vulnerability-{v}.json");
        let a = advisory(&name);
        assert_eq!(a.id, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79/1");
        // No metadata: the publisher is the vulnerability's source.
        assert_eq!(a.publisher.as_deref(), Some("Snyk"));
        assert!(a.warnings.is_empty(), "{name}: {:?}", a.warnings);
        assert_eq!(a.vulnerabilities.len(), 1);
        let vuln = &a.vulnerabilities[0];
        // The CVE is among the references; the Snyk id becomes an alias.
        assert_eq!(vuln.id, "CVE-2018-7489");
        assert_eq!(vuln.aliases, ["SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111"]);
        assert_eq!(vuln.cwes, ["CWE-184", "CWE-502"]);
        assert_eq!(vuln.cvss.len(), 1);
        assert_eq!(vuln.cvss[0].version, "3.0");
        assert_eq!(
            vuln.cvss[0].vector,
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        );
        assert_eq!(vuln.cvss[0].score, Some(9.8));
        assert_eq!(vuln.cvss[0].source.as_deref(), Some("NVD"));
        // One product per range of the component, its purl without the version.
        let base = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4";
        let ids: Vec<&str> = a.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                format!("{base}#1"),
                format!("{base}#2"),
                format!("{base}#3")
            ]
        );
        let p1 = product(&a, &format!("{base}#1"));
        assert_eq!(p1.name.as_deref(), Some("jackson-databind"));
        assert_eq!(p1.version_range.as_deref(), Some("vers:semver/<2.6.7.5"));
        assert_eq!(
            p1.purls,
            ["pkg:maven/com.fasterxml.jackson.core/jackson-databind"]
        );
        // The ranges are `affected`, the analysis says not exploitable: not affected.
        for s in statuses(&a, "CVE-2018-7489") {
            assert_eq!(s.status, Status::NotAffected);
            assert_eq!(
                s.justification.as_deref(),
                Some("vulnerable_code_not_in_execute_path")
            );
            assert!(
                s.impact
                    .as_deref()
                    .unwrap()
                    .ends_with("(CycloneDX justification code_not_reachable)")
            );
            assert_eq!(s.remediation.as_deref(), Some("vendor_fix"));
        }
        let categories: Vec<&str> = vuln
            .remediations
            .iter()
            .map(|r| r.category.as_str())
            .collect();
        // `workaround` came with 1.5.
        let mut want = vec!["no_fix_planned", "vendor_fix"];
        if v != "1.4" {
            want.push("workaround");
        }
        assert_eq!(categories, want, "{name}");
        assert!(
            vuln.remediations[1]
                .details
                .as_deref()
                .unwrap()
                .starts_with("Upgrade com.fasterxml.jackson.core:jackson-databind")
        );
        // `rejected` came with 1.5: the only vulnerability is rejected, so is the advisory.
        assert_eq!(
            a.withdrawn.map(|d| d.to_rfc3339()),
            (v != "1.4").then(|| "2022-01-01T00:00:00+00:00".to_string()),
            "{name}"
        );
        if v == "1.6" {
            assert_eq!(
                a.published.unwrap().to_rfc3339(),
                "2022-01-01T00:00:00+00:00"
            );
            assert_eq!(
                a.modified.unwrap().to_rfc3339(),
                "2022-02-01T00:00:00+00:00"
            );
        }
    }
}

#[test]
fn cisa_use_case_1_one_file_per_status() {
    for (file, want, justification, name, version) in [
        ("vex-affected.json", Status::Affected, None, "DEF", "1.0"),
        ("vex-fixed.json", Status::Fixed, None, "DEF", "1.1"),
        (
            "vex-not_affected.json",
            Status::NotAffected,
            Some("vulnerable_code_not_present"),
            "ABC",
            "4.2",
        ),
        (
            "vex-under_investigation.json",
            Status::UnderInvestigation,
            None,
            "GHI",
            "17.4",
        ),
    ] {
        let a = advisory(&format!(
            "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/{file}"
        ));
        assert!(a.id.starts_with("cyclonedx-vex:"), "{}", a.id);
        assert_eq!(
            a.modified.unwrap().to_rfc3339(),
            "2022-03-03T00:00:00+00:00"
        );
        let s = statuses(&a, "CVE-2021-44228");
        let id = format!("product-{name}");
        assert_eq!(s.len(), 1, "{file}");
        assert_eq!(s[0].product, id);
        assert_eq!(s[0].status, want, "{file}");
        assert_eq!(s[0].justification.as_deref(), justification, "{file}");
        // The product is the BOM's own subject, `metadata.component`.
        let p = product(&a, &id);
        assert_eq!(p.name.as_deref(), Some(name));
        assert_eq!(p.version.as_deref(), Some(version));
    }
}

#[test]
fn cisa_use_case_6_versions_and_ranges() {
    let a = advisory("cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json");
    let st: Vec<(&str, Status, Option<&str>)> = statuses(&a, "CVE-2021-44228")
        .iter()
        .map(|s| (s.product.as_str(), s.status, s.justification.as_deref()))
        .collect();
    let na = Some("vulnerable_code_not_present");
    assert_eq!(
        st,
        [
            ("product-ABC#1", Status::Affected, None),
            ("product-ABC#2", Status::Affected, None),
            ("product-ABC#3", Status::Affected, None),
            ("product-ABC#4", Status::NotAffected, na),
            ("product-ABC#5", Status::NotAffected, na),
            ("product-ABC#6", Status::NotAffected, na),
            ("product-ABC#7", Status::NotAffected, na),
        ]
    );
    let versions: Vec<(Option<&str>, Option<&str>)> = a
        .products
        .iter()
        .map(|p| (p.version.as_deref(), p.version_range.as_deref()))
        .collect();
    assert_eq!(
        versions,
        [
            (Some("2.4"), None),
            (Some("2.6"), None),
            (None, Some("vers:generic/>=2.9|<=4.1")),
            (None, Some("vers:generic/>=1.0|<=2.3")),
            (Some("2.5"), None),
            (None, Some("vers:generic/>=2.7|<=2.8")),
            (Some("4.2"), None),
        ]
    );
    assert!(a.products.iter().all(|p| p.name.as_deref() == Some("ABC")));
}

#[test]
fn vex_example_links_to_another_bom() {
    let a = advisory("cyclonedx-bom-examples/VEX/vex.json");
    let vuln = &a.vulnerabilities[0];
    assert_eq!(vuln.id, "CVE-2020-25649");
    assert_eq!(vuln.aliases, ["SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"]);
    assert_eq!(vuln.cwes, ["CWE-611"]);
    assert_eq!(vuln.cvss.len(), 3);
    let link = "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar";
    let p = product(&a, link);
    assert_eq!(
        p.purls,
        ["pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"]
    );
    assert_eq!(
        p.sbom_urls,
        ["urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1"]
    );
    let s = statuses(&a, "CVE-2020-25649");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].product, link);
    assert_eq!(s[0].status, Status::NotAffected);
    assert_eq!(
        s[0].justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert!(
        s[0].impact
            .as_deref()
            .unwrap()
            .starts_with("Automated dataflow analysis")
    );
    // Snyk's 8.2 for a vector that computes 7.5.
    assert!(a.warnings.iter().any(|w| {
        w.kind == WarningKind::CvssScoreMismatch
            && w.location == "/vulnerabilities/0/ratings/1/score"
    }));
}

#[test]
fn entries_about_one_cve_are_gathered() {
    // Use case 13: not exploitable in products 1 and 2 (other BOMs), exploitable in product 3.
    let a = advisory("cyclonedx-bom-examples/VEX/Use-Cases/Case-13/vex.json");
    assert_eq!(a.vulnerabilities.len(), 1);
    let st: Vec<(&str, Status)> = statuses(&a, "CVE-2020-25649")
        .iter()
        .map(|s| (s.product.rsplit('#').next().unwrap(), s.status))
        .collect();
    assert_eq!(
        st,
        [
            ("acme-product-1", Status::NotAffected),
            ("acme-product-2", Status::NotAffected),
            ("acme-product-3", Status::Affected),
        ]
    );
    // Use case 9: Ripple20, 19 CVEs not exploitable in three products.
    let a = advisory("cyclonedx-bom-examples/VEX/Use-Cases/Case-9/vex.json");
    assert_eq!(a.vulnerabilities.len(), 19);
    assert_eq!(a.products.len(), 3);
    assert!(a.vulnerabilities.iter().all(
        |v| v.statuses.len() == 3 && v.statuses.iter().all(|s| s.status == Status::NotAffected)
    ));
    // Use case 5: the exploitable range and the unaffected rest, in two entries.
    let a = advisory("cyclonedx-bom-examples/VEX/Use-Cases/Case-5/vex.json");
    let st: Vec<(Option<&str>, Status)> = statuses(&a, "CVE-2020-25649")
        .iter()
        .map(|s| (product(&a, &s.product).version_range.as_deref(), s.status))
        .collect();
    assert_eq!(
        st,
        [
            (Some("vers:semver/<7.0.0|>=1.5.0"), Status::Affected),
            (Some("vers:semver/<1.5.0|>=7.0.0"), Status::NotAffected),
        ]
    );
}

#[test]
fn sboms_without_vulnerabilities_are_not_advisories() {
    for name in [
        "medical-sbom-case-study/narrow.sbom.json",
        "medical-sbom-case-study/extended.sbom.json",
        "cyclonedx-bom-examples/VEX/bom.json",
    ] {
        match parse(name, &read(name)) {
            Err(AdvisoryError::NotAnAdvisory { reason, file }) => {
                assert_eq!(file, name);
                assert_eq!(reason, "a CycloneDX SBOM without vulnerabilities");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}
