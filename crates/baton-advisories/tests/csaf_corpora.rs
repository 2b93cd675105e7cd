//! Every CSAF document of the shared corpora is read: all 144 CISA medical advisories (with the
//! corpus facts asserted), the ICSA sample, the OASIS examples (2.0 and 2.1 draft), the OpenVEX
//! repo's CSAF files, and the OASIS validator test vectors by the rule written on
//! `validator_test_vectors_follow_the_rule`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{AdvisoryError, AdvisorySource, Format, Status, WarningKind, parse};
use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn is_cve(s: &str) -> bool {
    let mut parts = s.split('-');
    parts.next() == Some("CVE")
        && parts.next().is_some_and(|y| y.len() == 4)
        && parts.next().is_some_and(|n| n.len() >= 4)
        && parts.next().is_none()
}

#[test]
fn every_icsma_advisory_reads_with_the_corpus_facts() {
    let mut tally = Tally::default();
    let mut skipped = Vec::new();
    let mut ranges = BTreeSet::new();
    let mut files_with_range = 0;
    let mut vendors = BTreeSet::new();
    let mut files_by_kind: BTreeMap<WarningKind, usize> = BTreeMap::new();
    let mut vulns_with_cvss = 0;
    for path in files("cisa-csaf-icsma") {
        let name = rel(&path);
        if !name.ends_with(".json") {
            match parse_file(&path) {
                Err(AdvisoryError::NotAnAdvisory { .. }) => skipped.push(name),
                other => panic!("{name}: expected NotAnAdvisory, got {other:?}"),
            }
            continue;
        }
        let p = parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_located(&p, &name);
        assert_eq!(p.format, Format::Csaf);
        assert_eq!(p.advisories.len(), 1, "{name}");
        let a = &p.advisories[0];
        assert_eq!(a.source, AdvisorySource::Csaf, "{name}");
        assert!(a.id.starts_with("ICSMA-"), "{name}: {}", a.id);
        assert!(a.published.is_some() && a.modified.is_some(), "{name}");
        assert_eq!(a.publisher.as_deref(), Some("CISA"), "{name}");
        for v in &a.vulnerabilities {
            assert!(is_cve(&v.id), "{name}: vulnerability {} has no CVE", v.id);
            assert!(
                v.aliases.contains(&a.id),
                "{name}: {} lacks the advisory id",
                v.id
            );
            assert!(!v.statuses.is_empty(), "{name}: {} has no status", v.id);
            for s in &v.statuses {
                assert_eq!(s.status, Status::Affected, "{name}: {} {:?}", v.id, s);
                assert!(
                    a.products.iter().any(|p| p.id == s.product),
                    "{name}: {s:?}"
                );
            }
            vulns_with_cvss += usize::from(!v.cvss.is_empty());
        }
        let mut has_range = false;
        for prod in &a.products {
            assert!(
                prod.purls.is_empty() && prod.cpes.is_empty(),
                "{name}: {prod:?}"
            );
            assert!(
                prod.vendor.is_some() && prod.name.is_some(),
                "{name}: {prod:?}"
            );
            vendors.insert(prod.vendor.clone().unwrap());
        }
        for (cat, value) in a.products.iter().flat_map(|p| p.branch_path.iter()) {
            if cat == "product_version_range" {
                has_range = true;
                ranges.insert(value.clone());
            }
        }
        files_with_range += usize::from(has_range);
        let kinds: BTreeSet<WarningKind> = all_warnings(&p).iter().map(|w| w.kind).collect();
        for k in kinds {
            *files_by_kind.entry(k).or_default() += 1;
        }
        tally.add(&p);
    }
    tally.report("cisa-csaf-icsma");
    assert_eq!(tally.files, 144);
    assert_eq!(tally.advisories, 144);
    assert_eq!(tally.vulnerabilities, 433);
    assert_eq!(vulns_with_cvss, 433);
    // 144 .sha512 files and the README.
    assert_eq!(skipped.len(), 145);
    assert_eq!(files_with_range, 93);
    assert_eq!(ranges.len(), 151);
    for r in [
        "<= 12.2.1",
        ">= 1.0.0 | <= 1.1.1",
        "5.0|5.1",
        "A10 < A11",
        "<= L81",
    ] {
        assert!(ranges.contains(r), "{r}");
    }
    assert_eq!(vendors.len(), 55);
    // The BSI validator's oracle: every file valid for the mandatory tests; optional 6.2.16 on
    // all 144, 6.2.18 on 89.
    assert_eq!(
        files_by_kind,
        BTreeMap::from([
            (WarningKind::MissingIdentifier, 144),
            (WarningKind::RangeWithoutVers, 89),
        ])
    );
}

#[test]
fn icsma_snapshot_bd_alaris() {
    let p = parsed("cisa-csaf-icsma/icsma-23-194-01.json");
    let a = &p.advisories[0];
    assert_eq!(a.id, "ICSMA-23-194-01");
    assert_eq!(
        a.title.as_deref(),
        Some("BD Alaris System with Guardrails Suite MX")
    );
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2023-07-13T06:00:00+00:00"
    );
    assert_eq!(
        a.modified.unwrap().to_rfc3339(),
        "2023-10-26T06:00:00+00:00"
    );
    assert_eq!(a.products.len(), 6);
    let pcu = &a.products[0];
    assert_eq!(pcu.id, "CSAFPID-0001");
    assert_eq!(
        pcu.vendor.as_deref(),
        Some("Becton, Dickinson and Company (BD)")
    );
    assert_eq!(
        pcu.name.as_deref(),
        Some("BD Alaris Point-of-Care Unit (PCU) Model 8015")
    );
    assert_eq!(pcu.version, None);
    assert_eq!(pcu.version_range.as_deref(), Some("<=12.1.3"));
    assert_eq!(
        pcu.full_name.as_deref(),
        Some("BD Alaris Point-of-Care Unit (PCU) Model 8015: <=12.1.3")
    );
    assert_eq!(
        baton_advisories::canonical_vendor(pcu.vendor.as_deref().unwrap()),
        "Becton, Dickinson and Company"
    );
    let editor = a.products.iter().find(|p| p.id == "CSAFPID-0006").unwrap();
    assert_eq!(editor.version.as_deref(), Some("12.1.3"));
    assert_eq!(editor.version_range, None);

    assert_eq!(a.vulnerabilities.len(), 8);
    let v = &a.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2023-30559");
    assert_eq!(v.aliases, ["ICSMA-23-194-01"]);
    assert_eq!(v.cwes, ["CWE-20"]);
    assert!(
        v.summary
            .as_deref()
            .unwrap()
            .starts_with("In BD Alaris Point-of-Care Unit")
    );
    assert_eq!(v.cvss.len(), 1);
    assert_eq!(v.cvss[0].version, "3.0");
    assert_eq!(
        v.cvss[0].vector,
        "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:H"
    );
    assert_eq!(v.cvss[0].score, Some(5.2));
    assert_eq!(v.cvss[0].products.len(), 5);
    let ids: Vec<&str> = v.statuses.iter().map(|s| s.product.as_str()).collect();
    assert_eq!(
        ids,
        [
            "CSAFPID-0001",
            "CSAFPID-0002",
            "CSAFPID-0003",
            "CSAFPID-0004",
            "CSAFPID-0005"
        ]
    );
    assert!(v.statuses.iter().all(|s| s.status == Status::Affected
        && s.remediation.as_deref() == Some("mitigation")
        && s.justification.is_none()));
    assert!(v.remediations.len() >= 5);
    assert!(
        v.remediations
            .iter()
            .all(|r| r.category == "mitigation" && r.products.len() == 5)
    );
    // A second score for the Guardrails Editor 12.1.3 on one vulnerability.
    let v4 = &a.vulnerabilities[3];
    assert_eq!(v4.id, "CVE-2023-30562");
    assert_eq!(v4.cvss.len(), 2);
    assert_eq!(
        (v4.cvss[1].version.as_str(), v4.cvss[1].score),
        ("3.1", Some(3.0))
    );
    assert_eq!(v4.cvss[1].products, ["CSAFPID-0006"]);
}

#[test]
fn icsma_vers_in_product_version_is_kept_as_a_range() {
    let p = parsed("cisa-csaf-icsma/icsma-17-017-01.json");
    let a = &p.advisories[0];
    let prod = &a.products[0];
    assert_eq!(prod.version, None);
    assert_eq!(prod.version_range.as_deref(), Some("vers:all/*"));
    assert!(
        prod.branch_path
            .iter()
            .any(|(c, n)| c == "product_version" && n == "vers:all/*")
    );
}

#[test]
fn every_icsa_sample_advisory_reads() {
    let mut tally = Tally::default();
    for path in files("cisa-csaf-icsa-sample") {
        let name = rel(&path);
        if !name.ends_with(".json") {
            assert!(matches!(
                parse_file(&path),
                Err(AdvisoryError::NotAnAdvisory { .. })
            ));
            continue;
        }
        let p = parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_located(&p, &name);
        let a = &p.advisories[0];
        assert!(
            a.id.starts_with("ICSA-") || a.id.starts_with("VA-"),
            "{name}: {}",
            a.id
        );
        assert!(!a.vulnerabilities.is_empty(), "{name}");
        // Only the optional matching tests fire on CISA's documents.
        for w in all_warnings(&p) {
            assert!(
                matches!(
                    w.kind,
                    WarningKind::MissingIdentifier | WarningKind::RangeWithoutVers
                ),
                "{name}: {w:?}"
            );
        }
        tally.add(&p);
    }
    tally.report("cisa-csaf-icsa-sample");
    assert_eq!(
        (tally.files, tally.advisories, tally.vulnerabilities),
        (54, 54, 156)
    );
}

#[test]
fn the_csaf_feed_files_are_not_advisories() {
    for path in files("cisa-csaf-feed") {
        match parse_file(&path) {
            Err(AdvisoryError::NotAnAdvisory { file, reason }) => {
                assert_eq!(file, rel(&path));
                assert!(!reason.is_empty());
            }
            other => panic!("{}: {other:?}", rel(&path)),
        }
    }
}

#[test]
fn oasis_examples_read() {
    let mut tally = Tally::default();
    let mut vex = 0;
    for dir in [
        "oasis-csaf/csaf_2.0/examples/csaf",
        "oasis-csaf/csaf_2.1/examples/csaf",
    ] {
        for path in files(dir) {
            let name = rel(&path);
            if !name.ends_with(".json") {
                continue;
            }
            let p = parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
            assert_located(&p, &name);
            let a = &p.advisories[0];
            if name.contains("/csaf_vex/") {
                assert_eq!(a.source, AdvisorySource::CsafVex, "{name}");
                vex += 1;
                // The examples meet the VEX profile.
                for w in all_warnings(&p) {
                    assert_ne!(w.kind, WarningKind::ProfileViolation, "{name}: {w:?}");
                }
            }
            for w in all_warnings(&p) {
                assert!(
                    !w.kind.csaf_test().is_some_and(|t| t.starts_with("6.1.")),
                    "{name}: an OASIS example fails a mandatory test: {w:?}"
                );
            }
            tally.add(&p);
        }
    }
    tally.report("oasis-csaf examples");
    assert_eq!(vex, 26);
    assert!(tally.files >= 40);
    // The ROLIE, aggregator and provider-metadata examples are no advisories.
    for dir in ["ROLIE", "aggregator", "provider-metadata"] {
        for path in files(&format!("oasis-csaf/csaf_2.0/examples/{dir}")) {
            assert!(
                matches!(parse_file(&path), Err(AdvisoryError::NotAnAdvisory { .. })),
                "{}",
                rel(&path)
            );
        }
    }
}

#[test]
fn vex_examples_keep_justifications_and_statuses() {
    let p = parsed("oasis-csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json");
    let a = &p.advisories[0];
    let na: Vec<_> = a.vulnerabilities[0]
        .statuses
        .iter()
        .filter(|s| s.status == Status::NotAffected)
        .collect();
    assert!(!na.is_empty());
    assert!(
        na.iter()
            .all(|s| s.justification.is_some() || s.impact.is_some()),
        "{na:?}"
    );
}

/// The written rule for the OASIS validator test vectors (`testcases.json`):
/// 1. every test file reads (`parse` returns an advisory, never an error);
/// 2. for each test Baton checks (the ids [`WarningKind::csaf_test`] names), every file listed
///    under `failures` carries at least one warning naming that test, located by a JSON pointer,
///    and no file listed under `valid` carries one;
/// 3. no file that testcases.json calls valid as a whole carries a warning naming a mandatory
///    (6.1.x) test.
///
/// Tests Baton does not check (document metadata: revision history, language, translator,
/// involvements, hashes, CWE names, category names, purl details) only have to read.
#[test]
fn validator_test_vectors_follow_the_rule() {
    let base = "oasis-csaf/csaf_2.0/test/validator/data";
    let cases: Value = serde_json::from_slice(&read(&format!("{base}/testcases.json"))).unwrap();
    let checked: BTreeSet<&str> = [
        "6.1.1",
        "6.1.2",
        "6.1.3",
        "6.1.4",
        "6.1.5",
        "6.1.6",
        "6.1.7",
        "6.1.8",
        "6.1.9",
        "6.1.10",
        "6.1.23",
        "6.1.27.1",
        "6.1.27.2",
        "6.1.27.3",
        "6.1.27.4",
        "6.1.27.5",
        "6.1.27.6",
        "6.1.27.7",
        "6.1.27.8",
        "6.1.27.9",
        "6.1.27.10",
        "6.1.27.11",
        "6.1.29",
        "6.1.31",
        "6.1.32",
        "6.1.33",
        "6.2.16",
        "6.2.18",
    ]
    .into();
    let mut files_read = BTreeSet::new();
    let mut expectations = 0;
    let mut tests_seen = BTreeSet::new();
    for test in cases["tests"].as_array().unwrap() {
        let id = test["id"].as_str().unwrap();
        let tag = format!("(CSAF 2.0 test {id})");
        for (list, must_warn) in [("failures", true), ("valid", false)] {
            for entry in test[list].as_array().into_iter().flatten() {
                let name = format!("{base}/{}", entry["name"].as_str().unwrap());
                let p = parse(&name, &read(&name)).unwrap_or_else(|e| panic!("{e}"));
                assert_located(&p, &name);
                files_read.insert(name.clone());
                let warnings = all_warnings(&p);
                if entry["valid"].as_bool() == Some(true) {
                    for w in &warnings {
                        assert!(
                            !w.kind.csaf_test().is_some_and(|t| t.starts_with("6.1.")),
                            "{name} is valid but got {w:?}"
                        );
                    }
                }
                if !checked.contains(id) {
                    continue;
                }
                tests_seen.insert(id);
                expectations += 1;
                let hit = warnings.iter().any(|w| w.message.contains(&tag));
                assert_eq!(hit, must_warn, "{name} ({list} of {id}): {warnings:#?}");
            }
        }
    }
    eprintln!(
        "validator vectors: {} files read, {} expectations of {} checked tests met",
        files_read.len(),
        expectations,
        tests_seen.len()
    );
    assert_eq!(tests_seen.len(), checked.len());
    assert!(files_read.len() >= 200);
    // The template and the 6.3.x informative vectors read too.
    for path in files(base) {
        let name = rel(&path);
        if name.ends_with(".json") && !name.ends_with("testcases.json") {
            parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn csaf_files_of_other_repos_read() {
    for name in [
        "openvex/go-vex/pkg/csaf/testdata/rhsa-2020_1358.json",
        "openvex/go-vex/pkg/csaf/testdata/csaf.json",
        "openvex/go-vex/pkg/vex/testdata/csaf.json",
        "openvex/vexctl/examples/csaf/csaf.json",
        "osv-schema/tools/redhat/testdata/CSAF/rhsa-2003_315.json",
        "osv-schema/tools/redhat/testdata/CSAF/rhsa-2024_4546.json",
        "osv-schema/tools/redhat/testdata/CSAF/rhsa-2024_6220.json",
    ] {
        let p = parsed(name);
        assert_located(&p, name);
        assert_eq!(p.format, Format::Csaf, "{name}");
    }
    // Red Hat's VEX: relationship products inherit the component's purl and name.
    let p = parsed("openvex/go-vex/pkg/csaf/testdata/rhsa-2020_1358.json");
    let a = &p.advisories[0];
    assert_eq!(a.source, AdvisorySource::CsafVex);
    let combined: Vec<_> = a
        .products
        .iter()
        .filter(|p| p.relationship.is_some())
        .collect();
    assert!(!combined.is_empty());
    // Packages there carry no purl; the version comes from the component's branch.
    assert!(combined.iter().all(|p| p.version.is_some()), "{combined:?}");
    for prod in &combined {
        let rel = prod.relationship.as_ref().unwrap();
        assert!(a.products.iter().any(|p| p.id == rel.component), "{rel:?}");
    }
    let statuses: usize = a.vulnerabilities.iter().map(|v| v.statuses.len()).sum();
    assert!(statuses > 100, "{statuses}");

    // A current Red Hat advisory: components carry purls, and the combined products get them.
    let p = parsed("osv-schema/tools/redhat/testdata/CSAF/rhsa-2024_4546.json");
    let a = &p.advisories[0];
    let combined: Vec<_> = a
        .products
        .iter()
        .filter(|p| p.relationship.is_some())
        .collect();
    assert!(!combined.is_empty());
    assert!(combined.iter().all(|p| !p.purls.is_empty()), "{combined:?}");
}
