//! NVD CVE API 2.0 (the medical records, vunnel's real page and single entry) and CVE JSON 5
//! (two medical records from cvelistV5 kept under tests/data/cve5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{
    AdvisorySource, AffectedRange, Cve5Affected, Format, NvdConfiguration, Status, WarningKind,
    canonical_vendor, parse, repair_mojibake,
};
use common::*;

fn cve5(name: &str) -> baton_advisories::Parsed {
    let path = format!("{}/tests/data/cve5/{name}", env!("CARGO_MANIFEST_DIR"));
    parse(name, &std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn bd_alaris_nvd_record_keeps_its_and_configuration() {
    let p = parsed("nvd-cve-2.0-meddev/CVE-2023-30559.json");
    assert_eq!(p.format, Format::NvdApi);
    assert!(all_warnings(&p).is_empty(), "{:?}", all_warnings(&p));
    let a = &p.advisories[0];
    assert_eq!(a.id, "CVE-2023-30559");
    assert_eq!(a.source, AdvisorySource::Nvd);
    assert_eq!(a.publisher.as_deref(), Some("cybersecurity@bd.com"));
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2023-07-13T18:15:09.293+00:00"
    );
    assert_eq!(
        a.modified.unwrap().to_rfc3339(),
        "2024-02-08T22:15:08.523+00:00"
    );
    assert_eq!(a.withdrawn, None);
    let v = &a.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2023-30559");
    assert_eq!(
        v.summary.as_deref(),
        Some(
            "The firmware update package for the wireless card is not properly signed and can be modified."
        )
    );
    // NVD's own score and the CNA's differ; both are kept with their source.
    let scores: Vec<(&str, &str, Option<f64>)> = v
        .cvss
        .iter()
        .map(|c| (c.source.as_deref().unwrap(), c.version.as_str(), c.score))
        .collect();
    assert_eq!(
        scores,
        [
            ("nvd@nist.gov", "3.1", Some(5.7)),
            ("cybersecurity@bd.com", "3.1", Some(5.2))
        ]
    );
    assert_eq!(v.cwes, ["CWE-287", "CWE-20", "CWE-345"]);

    // Firmware (vulnerable, up to 12.1.3) AND hardware (not vulnerable, the platform).
    assert_eq!(v.affected.len(), 1);
    let AffectedRange::Nvd(NvdConfiguration {
        operator,
        negate,
        nodes,
    }) = &v.affected[0]
    else {
        panic!("{:?}", v.affected)
    };
    assert_eq!(operator.as_deref(), Some("AND"));
    assert!(!negate);
    assert_eq!(nodes.len(), 2);
    assert_eq!((nodes[0].operator.as_str(), nodes[0].negate), ("OR", false));
    let fw = &nodes[0].cpe_match[0];
    assert!(fw.vulnerable);
    assert_eq!(
        fw.criteria,
        "cpe:2.3:o:bd:alaris_8015_pcu_firmware:*:*:*:*:*:*:*:*"
    );
    assert_eq!(fw.version_end_including.as_deref(), Some("12.1.3"));
    assert_eq!(fw.version_end_excluding, None);
    assert_eq!(fw.version_start_including, None);
    assert_eq!(
        fw.match_criteria_id.as_deref(),
        Some("F594B01D-BC1A-46AE-9251-F4BBAE6178D5")
    );
    let hw = &nodes[1].cpe_match[0];
    assert!(!hw.vulnerable);
    assert_eq!(hw.criteria, "cpe:2.3:h:bd:alaris_8015_pcu:-:*:*:*:*:*:*:*");

    // Both CPEs are products; only the vulnerable one has a status.
    assert_eq!(a.products.len(), 2);
    assert_eq!(a.products[0].vendor.as_deref(), Some("bd"));
    assert_eq!(
        a.products[0].name.as_deref(),
        Some("alaris_8015_pcu_firmware")
    );
    assert_eq!(a.products[0].version, None);
    assert_eq!(a.products[0].cpes, std::slice::from_ref(&fw.criteria));
    assert_eq!(canonical_vendor("bd"), "Becton, Dickinson and Company");
    assert_eq!(v.statuses.len(), 1);
    assert_eq!(v.statuses[0].product, fw.criteria);
    assert_eq!(v.statuses[0].status, Status::Affected);
}

#[test]
fn baxter_nvd_record_without_configuration() {
    let p = parsed("nvd-cve-2.0-meddev/CVE-2024-6795.json");
    let a = &p.advisories[0];
    assert_eq!(a.id, "CVE-2024-6795");
    let v = &a.vulnerabilities[0];
    assert!(v.affected.is_empty() && v.statuses.is_empty() && a.products.is_empty());
    assert_eq!(v.cvss.len(), 1);
    assert_eq!(v.cvss[0].score, Some(10.0));
    assert!(all_warnings(&p).is_empty());
}

#[test]
fn vunnel_nvd_page_reads_every_cve() {
    let p = parsed("vunnel-fixtures/nvd/full-page.json");
    assert_eq!(p.format, Format::NvdApi);
    assert_located(&p, "full-page.json");
    assert_eq!(p.advisories.len(), 38);
    assert!(all_warnings(&p).is_empty(), "{:?}", all_warnings(&p));
    let configured = p
        .advisories
        .iter()
        .filter(|a| !a.vulnerabilities[0].affected.is_empty())
        .count();
    assert_eq!(configured, 25);
    let and_configs = p
        .advisories
        .iter()
        .flat_map(|a| a.vulnerabilities[0].affected.iter())
        .filter(|r| matches!(r, AffectedRange::Nvd(c) if c.operator.as_deref() == Some("AND")))
        .count();
    assert_eq!(and_configs, 11);
    let matches: usize = p
        .advisories
        .iter()
        .flat_map(|a| a.vulnerabilities[0].affected.iter())
        .map(|r| match r {
            AffectedRange::Nvd(c) => c.nodes.iter().map(|n| n.cpe_match.len()).sum(),
            _ => 0,
        })
        .sum();
    assert_eq!(matches, 56);
    let scored = p
        .advisories
        .iter()
        .filter(|a| !a.vulnerabilities[0].cvss.is_empty())
        .count();
    // Three CVEs of the page have no CVSS metric yet (the ones cve-bin-tool's importer fails on).
    assert_eq!(scored, 35);

    let single = parsed("vunnel-fixtures/nvd/single-entry.json");
    assert_eq!(single.advisories.len(), 1);
    let v = &single.advisories[0].vulnerabilities[0];
    assert_eq!(v.id, "CVE-2022-1576");
    // English is preferred over the Spanish description.
    assert!(
        v.summary
            .as_deref()
            .unwrap()
            .starts_with("The WP Maintenance Mode")
    );
    assert!(v.cvss.iter().any(|c| c.version == "2.0"));
}

#[test]
fn nvd_page_inconsistencies_are_file_warnings() {
    let page = br#"{"resultsPerPage": 3, "startIndex": 0, "totalResults": 2, "format": "NVD_CVE",
        "version": "2.0", "vulnerabilities": [
        {"cve": {"id": "CVE-2024-0001", "vulnStatus": "Rejected", "lastModified": "2024-02-01T00:00:00",
                 "descriptions": [{"lang": "en", "value": "** REJECT **"}]}},
        {"cve": {"id": "CVE-2024-0001", "descriptions": []}},
        {"cve": {"descriptions": []}},
        {"nope": 1}]}"#;
    let p = parse("page.json", page).unwrap();
    assert_eq!(p.advisories.len(), 2);
    assert!(p.advisories[0].withdrawn.is_some());
    let w: Vec<(WarningKind, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.kind, w.location.as_str()))
        .collect();
    assert_eq!(
        w,
        [
            (WarningKind::Inconsistent, "/resultsPerPage"),
            (WarningKind::Inconsistent, "/vulnerabilities/1/cve"),
            (WarningKind::Missing, "/vulnerabilities/2/cve"),
            (WarningKind::Missing, "/vulnerabilities/3/cve"),
        ]
    );
    // The unreadable record's warning names the place of its missing id.
    assert!(
        p.warnings[2].message.contains("/vulnerabilities/2/cve/id"),
        "{:?}",
        p.warnings[2]
    );
}

#[test]
fn cve5_bd_alaris_record() {
    let p = cve5("CVE-2023-30559.json");
    assert_eq!(p.format, Format::Cve5);
    assert!(all_warnings(&p).is_empty(), "{:?}", all_warnings(&p));
    let a = &p.advisories[0];
    assert_eq!(
        (a.id.as_str(), a.source),
        ("CVE-2023-30559", AdvisorySource::Cve5)
    );
    assert_eq!(a.publisher.as_deref(), Some("BD"));
    assert_eq!(
        a.title.as_deref(),
        Some("Wireless Card Firmware Improperly Signed")
    );
    let v = &a.vulnerabilities[0];
    assert_eq!(v.cwes, ["CWE-20", "CWE-345"]);
    assert_eq!(v.cvss[0].score, Some(5.2));
    assert_eq!(v.cvss[0].source.as_deref(), Some("BD"));
    let AffectedRange::Cve5(Cve5Affected {
        product,
        vendor,
        product_name,
        default_status,
        versions,
        ..
    }) = &v.affected[0]
    else {
        panic!("{:?}", v.affected)
    };
    assert_eq!(vendor.as_deref(), Some("Becton Dickinson & Co "));
    assert_eq!(
        canonical_vendor(vendor.as_deref().unwrap()),
        "Becton, Dickinson and Company"
    );
    assert_eq!(
        repair_mojibake(product_name.as_deref().unwrap()),
        "BD Alaris™ Point-of-Care Unit (PCU) Model 8015"
    );
    assert_eq!(default_status.as_deref(), Some("unaffected"));
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].version, "0");
    assert_eq!(versions[0].less_than_or_equal.as_deref(), Some("12.1.3"));
    assert_eq!(versions[0].version_type.as_deref(), Some("custom"));
    assert_eq!(v.statuses.len(), 1);
    assert_eq!(
        (v.statuses[0].product.as_str(), v.statuses[0].status),
        (product.as_str(), Status::Affected)
    );
}

#[test]
fn cve5_baxter_record_with_solution() {
    let p = cve5("CVE-2024-6795.json");
    let v = &p.advisories[0].vulnerabilities[0];
    assert_eq!(v.remediations.len(), 1);
    assert_eq!(v.remediations[0].category, "solution");
    let AffectedRange::Cve5(c) = &v.affected[0] else {
        panic!()
    };
    assert_eq!(c.versions[0].less_than.as_deref(), Some("8/30/2024"));
    assert_eq!(c.versions[0].version_type.as_deref(), Some("date"));
    assert_eq!(c.product, "Baxter:Connex Health Portal");
}

#[test]
fn cve5_adp_and_rejected_records() {
    let record = br#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
      "cveMetadata": {"cveId": "CVE-2024-9999", "state": "PUBLISHED", "assignerShortName": "acme",
                      "datePublished": "2024-01-01T00:00:00Z"},
      "containers": {
        "cna": {"affected": [{"vendor": "Acme", "product": "Pump", "defaultStatus": "unknown",
                               "versions": [{"version": "1.0", "status": "unaffected"}]}],
                "descriptions": [{"lang": "en", "value": "A flaw."}]},
        "adp": [{"providerMetadata": {"shortName": "CISA-ADP"},
                 "metrics": [{"cvssV3_1": {"version": "3.1", "baseScore": 9.8, "baseSeverity": "CRITICAL",
                   "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
                 "problemTypes": [{"descriptions": [{"lang": "en", "type": "CWE", "description": "CWE-787 Out-of-bounds Write"}]}],
                 "affected": [{"vendor": "acme", "product": "pump", "cpes": ["cpe:2.3:a:acme:pump:*:*:*:*:*:*:*:*"],
                               "defaultStatus": "unknown",
                               "versions": [{"version": "0", "lessThan": "2.0", "status": "affected", "versionType": "custom"}]}]}]}}"#;
    let p = parse("adp.json", record).unwrap();
    let v = &p.advisories[0].vulnerabilities[0];
    assert_eq!(v.cvss[0].source.as_deref(), Some("CISA-ADP"));
    assert_eq!(v.cwes, ["CWE-787"]);
    assert_eq!(v.affected.len(), 2);
    // The CNA's entry says nothing definite; the ADP's says affected.
    assert_eq!(v.statuses.len(), 1);
    assert_eq!(v.statuses[0].product, "acme:pump");
    assert_eq!(p.advisories[0].products[1].cpes.len(), 1);

    let rejected = br#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
      "cveMetadata": {"cveId": "CVE-2024-8888", "state": "REJECTED", "dateRejected": "2024-05-01T00:00:00Z"},
      "containers": {"cna": {"rejectedReasons": [{"lang": "en", "value": "Duplicate of CVE-2024-7777."}]}}}"#;
    let p = parse("rejected.json", rejected).unwrap();
    let a = &p.advisories[0];
    assert_eq!(
        a.withdrawn.unwrap().to_rfc3339(),
        "2024-05-01T00:00:00+00:00"
    );
    assert_eq!(
        a.vulnerabilities[0].summary.as_deref(),
        Some("Duplicate of CVE-2024-7777.")
    );
}
