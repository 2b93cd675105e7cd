//! The CISA KEV catalogs, FIRST EPSS score files (the real head and vunnel's two broken
//! variants), and the OpenVEX documents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{
    AdvisoryError, AdvisorySource, Format, Status, WarningKind, parse, parse_epss, parse_kev,
};
use common::*;
use std::collections::BTreeSet;
use std::io::Write;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn kev_catalogs_read_and_differ_by_22() {
    let name = "cisa-kev/known_exploited_vulnerabilities.json";
    let now = parse_kev(name, &read(name)).unwrap();
    assert_eq!(now.catalog_version.as_deref(), Some("2025.08.25"));
    assert_eq!(now.count, Some(1404));
    assert_eq!(now.entries.len(), 1404);
    assert!(now.warnings.is_empty(), "{:?}", now.warnings);
    let known = now
        .entries
        .iter()
        .filter(|e| e.known_ransomware_campaign_use.as_deref() == Some("Known"))
        .count();
    assert_eq!(known, 293);
    let first = &now.entries[0];
    assert_eq!(first.cve, "CVE-2025-48384");
    assert_eq!(first.vendor_project.as_deref(), Some("Git"));
    assert_eq!(first.date_added.unwrap().to_string(), "2025-08-25");
    assert_eq!(first.due_date.unwrap().to_string(), "2025-09-15");
    assert_eq!(first.cwes, ["CWE-59", "CWE-436"]);

    let name = "cisa-kev/previous/known_exploited_vulnerabilities-2025-07-20.json";
    let before = parse_kev(name, &read(name)).unwrap();
    assert_eq!(before.entries.len(), 1382);
    assert!(before.warnings.is_empty(), "{:?}", before.warnings);
    let old: BTreeSet<&str> = before.entries.iter().map(|e| e.cve.as_str()).collect();
    let added = now
        .entries
        .iter()
        .filter(|e| !old.contains(e.cve.as_str()))
        .count();
    assert_eq!(added, 22);

    // The same catalog gzipped reads the same.
    let gz = parse_kev(
        "kev.json.gz",
        &gzip(&read("cisa-kev/known_exploited_vulnerabilities.json")),
    )
    .unwrap();
    assert_eq!(gz, now);
    // parse() recognises it and sends the caller to parse_kev.
    match parse(name, &read(name)) {
        Err(AdvisoryError::NotAnAdvisory { reason, .. }) => assert!(reason.contains("parse_kev")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn small_kev_catalog_states_the_full_count() {
    let name = "vunnel-fixtures/kev/valid-catalog-1.json";
    let kev = parse_kev(name, &read(name)).unwrap();
    assert_eq!(kev.entries.len(), 3);
    assert_eq!(kev.warnings.len(), 1);
    assert_eq!(kev.warnings[0].kind, WarningKind::Inconsistent);
    assert_eq!(kev.warnings[0].location, "/count");
}

#[test]
fn kev_oddities_are_located() {
    let doc = br#"{"catalogVersion": "x", "count": 2, "vulnerabilities": [
        {"cveID": "CVE-2024-1", "dateAdded": "2024-13-01", "dueDate": "2024-02-01",
         "knownRansomwareCampaignUse": "Maybe"},
        {"cveID": "CVE-2024-1234", "vendorProject": "v", "product": "p", "vulnerabilityName": "n",
         "shortDescription": "s", "requiredAction": "a", "dateAdded": "2024-01-01", "dueDate": "2024-02-01"},
        {"vendorProject": "no id"}, 7]}"#;
    let kev = parse_kev("kev.json", doc).unwrap();
    assert_eq!(kev.entries.len(), 2);
    let kinds: Vec<(WarningKind, &str)> = kev
        .warnings
        .iter()
        .map(|w| (w.kind, w.location.as_str()))
        .collect();
    assert!(kinds.contains(&(WarningKind::BadId, "/vulnerabilities/0/cveID")));
    assert!(kinds.contains(&(WarningKind::BadDate, "/vulnerabilities/0/dateAdded")));
    assert!(kinds.contains(&(
        WarningKind::UnknownValue,
        "/vulnerabilities/0/knownRansomwareCampaignUse"
    )));
    assert!(kinds.contains(&(WarningKind::Missing, "/vulnerabilities/0/vendorProject")));
    assert!(kinds.contains(&(WarningKind::Missing, "/vulnerabilities/2/cveID")));
    assert!(kinds.contains(&(WarningKind::WrongType, "/vulnerabilities/3")));
    assert!(!kinds.contains(&(WarningKind::Inconsistent, "/count")));
    match parse_kev("x.json", br#"{"vulnerabilities": {}}"#) {
        Err(AdvisoryError::Invalid { pointer, .. }) => assert_eq!(pointer, "/vulnerabilities"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_kev("x.json", b"[1]"),
        Err(AdvisoryError::Invalid { .. })
    ));
    assert!(matches!(
        parse_kev("x.json", b"{\"a\": "),
        Err(AdvisoryError::Syntax { .. })
    ));
}

#[test]
fn epss_head_reads_plain_and_gzip() {
    let name = "vunnel-fixtures/epss/example-1.csv";
    let epss = parse_epss(name, &read(name)).unwrap();
    assert_eq!(epss.model_version, "v2023.03.01");
    assert_eq!(epss.score_date.to_rfc3339(), "2025-02-20T00:00:00+00:00");
    assert_eq!(epss.entries.len(), 5);
    assert_eq!(epss.entries[0].cve, "CVE-1999-0001");
    assert_eq!(epss.entries[0].score, 0.00383);
    assert_eq!(epss.entries[0].percentile, 0.73075);
    assert_eq!(epss.entries[4].score, 0.91963);
    assert_eq!(parse_epss("epss.csv.gz", &gzip(&read(name))).unwrap(), epss);
    // CR LF line ends read the same.
    let crlf = String::from_utf8(read(name)).unwrap().replace('\n', "\r\n");
    assert_eq!(parse_epss("crlf.csv", crlf.as_bytes()).unwrap(), epss);
    match parse(name, &read(name)) {
        Err(AdvisoryError::NotAnAdvisory { reason, .. }) => assert!(reason.contains("EPSS")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn broken_epss_files_name_the_line() {
    let name = "vunnel-fixtures/epss/invalid-header.csv";
    match parse_epss(name, &read(name)) {
        Err(e @ AdvisoryError::Csv { line: 2, .. }) => {
            let text = e.to_string();
            assert!(text.starts_with(&format!("{name}: line 2: ")), "{text}");
            assert!(text.contains("invalid,header,format"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let name = "vunnel-fixtures/epss/missing-date.csv";
    match parse_epss(name, &read(name)) {
        Err(e @ AdvisoryError::Csv { line: 1, .. }) => {
            assert!(e.to_string().contains("score_date"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let bad = |text: &str, want_line: u64, want: &str| match parse_epss("e.csv", text.as_bytes()) {
        Err(AdvisoryError::Csv { line, message, .. }) => {
            assert_eq!(line, want_line, "{text:?}: {message}");
            assert!(message.contains(want), "{text:?}: {message}");
        }
        other => panic!("{text:?}: {other:?}"),
    };
    let head = "#model_version:v1,score_date:2025-01-01T00:00:00+0000\ncve,epss,percentile\n";
    bad(
        "cve,epss,percentile\nCVE-2020-0001,0.1,0.2\n",
        1,
        "#model_version",
    );
    bad(
        &format!("{head}CVE-2020-0001,0.1,0.2\nCVE-2020-0002,1.5,0.2\n"),
        4,
        "epss",
    );
    bad(&format!("{head}CVE-2020-0001,x,0.2\n"), 3, "epss");
    bad(&format!("{head}CVE-2020-0001,0.1\n"), 3, "3 fields");
    bad(&format!("{head}NOTACVE,0.1,0.2\n"), 3, "CVE");
    bad("#model_version:v1,score_date:yesterday\n", 1, "score_date");
    bad("#model_version:v1,score_date:2025-01-01\n", 2, "header");
    bad("", 1, "#model_version");
    assert!(matches!(
        parse_epss("e.csv", &[0x1f, 0x8b, 1, 2, 3]),
        Err(AdvisoryError::Gzip { .. })
    ));
    // A header with no rows is an empty score file, not an error.
    assert!(
        parse_epss("e.csv", head.as_bytes())
            .unwrap()
            .entries
            .is_empty()
    );
}

#[test]
fn openvex_documents_read() {
    let mut read_files = 0;
    for path in files("openvex") {
        let name = rel(&path);
        let openvex = name.ends_with(".vex.json")
            || name.ends_with(".openvex.json")
            || name.ends_with("/openvex.json")
            || name.contains("pkg/vex/testdata/v0.")
            || name.ends_with("vex.yaml");
        match parse_file(&path) {
            Ok(p) if openvex => {
                assert_eq!(p.format, Format::OpenVex, "{name}");
                assert_eq!(p.advisories[0].source, AdvisorySource::OpenVex);
                assert_located(&p, &name);
                read_files += 1;
            }
            Ok(p) => assert_eq!(p.format, Format::Csaf, "{name}"),
            Err(AdvisoryError::NotAnAdvisory { .. }) => {
                assert!(!openvex, "{name}");
                let base = name.rsplit('/').next().unwrap();
                assert!(
                    !base.starts_with("csaf") && !base.starts_with("rhsa"),
                    "{name}"
                );
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(read_files, 23);
}

#[test]
fn openvex_snapshot_with_subcomponents() {
    let p = parsed("openvex/go-vex/pkg/vex/testdata/v0.2.0.json");
    let a = &p.advisories[0];
    assert_eq!(
        a.publisher.as_deref(),
        Some("The OpenVEX Project <openvex@openssf.org>")
    );
    let v = &a.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2023-1255");
    let image =
        "pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";
    let combined = format!("{image}#pkg:apk/alpine/libssl3@3.0.8-r3");
    let s = v.statuses.iter().find(|s| s.product == combined).unwrap();
    assert_eq!(s.status, Status::Fixed);
    let prod = a.products.iter().find(|p| p.id == combined).unwrap();
    let rel = prod.relationship.as_ref().unwrap();
    assert_eq!(
        (rel.component.as_str(), rel.platform.as_str()),
        ("pkg:apk/alpine/libssl3@3.0.8-r3", image)
    );
    assert_eq!(prod.purls, ["pkg:apk/alpine/libssl3@3.0.8-r3"]);

    let p = parsed("openvex/vexctl/pkg/ctl/testdata/templates/oci-vexctl.openvex.json");
    let s = &p.advisories[0].vulnerabilities[0].statuses[0];
    assert_eq!(s.status, Status::NotAffected);
    assert_eq!(
        s.justification.as_deref(),
        Some("vulnerable_code_not_present")
    );

    // The 0.0.1 shape: vulnerability and products as strings.
    let p = parsed("openvex/go-vex/pkg/vex/testdata/v0.0.1-noversion.json");
    let v = &p.advisories[0].vulnerabilities[0];
    assert_eq!(v.id, "CVE-2023-12345");
    assert_eq!(v.statuses.len(), 2);
    assert!(v.statuses.iter().all(|s| s.status == Status::Fixed));
}

#[test]
fn openvex_missing_statements_are_warned() {
    let doc = br#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": [
        {"vulnerability": {"name": "CVE-2024-0001"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "not_affected"},
        {"vulnerability": {"name": "CVE-2024-0001"}, "products": [{"@id": "pkg:npm/a@2"}], "status": "affected"},
        {"vulnerability": {"name": "GHSA-xxxx", "aliases": ["CVE-2024-0002"]}, "products": ["pkg:npm/b@1"],
         "status": "not_affected", "justification": "because"},
        {"vulnerability": {"name": "CVE-2024-0003"}, "products": [{"@id": "pkg:npm/c@1"}], "status": "maybe"}]}"#;
    let p = parse("v.json", doc).unwrap();
    let a = &p.advisories[0];
    assert_eq!(a.vulnerabilities.len(), 2);
    assert_eq!(a.vulnerabilities[0].statuses.len(), 2);
    assert_eq!(a.vulnerabilities[1].id, "CVE-2024-0002");
    assert_eq!(a.vulnerabilities[1].aliases, ["GHSA-xxxx"]);
    let w: Vec<(WarningKind, &str)> = a
        .warnings
        .iter()
        .map(|w| (w.kind, w.location.as_str()))
        .collect();
    assert_eq!(
        w,
        [
            (WarningKind::Missing, "/statements/0"),
            (WarningKind::Missing, "/statements/1/action_statement"),
            (WarningKind::UnknownValue, "/statements/2/justification"),
            (WarningKind::UnknownValue, "/statements/3/status"),
        ]
    );
}
