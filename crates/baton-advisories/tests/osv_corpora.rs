//! Every OSV record of the shared corpora is read: RustSec (JSON, complete), PyPA (YAML,
//! complete), the Go sample, the osv-schema converter pairs and linter records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{
    AdvisoryError, AdvisorySource, AffectedRange, Format, OsvEvent, Status, WarningKind,
};
use common::*;
use std::collections::BTreeMap;

/// Reads every record of an OSV corpus and checks what holds for all of them.
fn osv_corpus(dir: &str, ext: &str, format: Format, ecosystem: &str) -> (Tally, usize) {
    let mut tally = Tally::default();
    let mut with_cve = 0;
    for path in files(dir) {
        let name = rel(&path);
        if !name.ends_with(ext) {
            assert!(
                matches!(parse_file(&path), Err(AdvisoryError::NotAnAdvisory { .. })),
                "{name}"
            );
            continue;
        }
        let p = parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_located(&p, &name);
        assert_eq!(p.format, format, "{name}");
        let a = &p.advisories[0];
        assert_eq!(a.source, AdvisorySource::Osv);
        // The file is named after the record.
        assert!(name.contains(&a.id), "{name}: {}", a.id);
        assert!(a.modified.is_some(), "{name}");
        let v = &a.vulnerabilities[0];
        if v.id.starts_with("CVE-") {
            with_cve += 1;
            assert!(v.aliases.contains(&a.id), "{name}");
        } else {
            assert_eq!(v.id, a.id, "{name}");
        }
        for r in &v.affected {
            let AffectedRange::Osv(o) = r else {
                panic!("{name}: {r:?}")
            };
            assert_eq!(o.ecosystem.as_deref(), Some(ecosystem), "{name}");
            assert!(a.products.iter().any(|p| p.id == o.product), "{name}");
            assert!(
                v.statuses
                    .iter()
                    .any(|s| s.product == o.product && s.status == Status::Affected)
            );
        }
        tally.add(&p);
    }
    (tally, with_cve)
}

#[test]
fn every_rustsec_record_reads() {
    let (t, with_cve) = osv_corpus("osv-rustsec", ".json", Format::OsvJson, "crates.io");
    t.report("osv-rustsec");
    eprintln!("  {with_cve} with a CVE");
    assert_eq!(
        (t.files, t.advisories, t.vulnerabilities),
        (1206, 1206, 1206)
    );
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn every_pypa_yaml_record_reads() {
    let (t, with_cve) = osv_corpus("osv-pypa", ".yaml", Format::OsvYaml, "PyPI");
    t.report("osv-pypa");
    eprintln!("  {with_cve} with a CVE");
    assert_eq!(
        (t.files, t.advisories, t.vulnerabilities),
        (2661, 2661, 2661)
    );
    // One record affects a package with neither ranges nor versions.
    assert_eq!(t.warnings, BTreeMap::from([("missing", 1)]));
    let p = parsed("osv-pypa/vulns/loguru/PYSEC-2022-15.yaml");
    let w = &p.advisories[0].warnings[0];
    assert_eq!(
        (w.kind, w.location.as_str()),
        (WarningKind::Missing, "/affected/0")
    );
}

#[test]
fn every_golang_record_reads() {
    let (t, _) = osv_corpus("osv-golang", ".json", Format::OsvJson, "Go");
    t.report("osv-golang");
    assert_eq!((t.files, t.advisories, t.vulnerabilities), (613, 613, 613));
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn rustsec_snapshot_introduced_fixed() {
    let p = parsed("osv-rustsec/crates/RUSTSEC-2020-0024.json");
    let a = &p.advisories[0];
    assert_eq!(a.id, "RUSTSEC-2020-0024");
    assert_eq!(
        a.title.as_deref(),
        Some("Improper uniqueness verification of signature threshold")
    );
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2020-07-09T12:00:00+00:00"
    );
    assert_eq!(
        a.modified.unwrap().to_rfc3339(),
        "2021-10-19T22:14:35+00:00"
    );
    assert_eq!(a.references.len(), 3);
    let v = &a.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2020-15093");
    // `related` (CVE-2020-6174) is another vulnerability, not an alias.
    assert_eq!(v.aliases, ["RUSTSEC-2020-0024", "GHSA-5q2r-92f9-4m49"]);
    assert_eq!(v.cvss.len(), 1);
    assert_eq!(v.cvss[0].version, "3.1");
    assert_eq!(
        v.cvss[0].vector,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:N"
    );
    assert_eq!(v.cvss[0].score, Some(8.6));
    assert_eq!(a.products.len(), 1);
    let prod = &a.products[0];
    assert_eq!(prod.id, "crates.io:tough");
    assert_eq!(prod.name.as_deref(), Some("tough"));
    assert_eq!(prod.ecosystem.as_deref(), Some("crates.io"));
    assert_eq!(prod.purls, ["pkg:cargo/tough"]);
    assert_eq!(v.statuses.len(), 1);
    assert_eq!(v.statuses[0].status, Status::Affected);
    let AffectedRange::Osv(o) = &v.affected[0] else {
        panic!("{:?}", v.affected)
    };
    assert_eq!(o.product, "crates.io:tough");
    assert_eq!(o.purl.as_deref(), Some("pkg:cargo/tough"));
    assert_eq!(o.ranges.len(), 1);
    assert_eq!(o.ranges[0].kind, "SEMVER");
    assert_eq!(
        o.ranges[0].events,
        [
            OsvEvent::Introduced("0.0.0-0".to_string()),
            OsvEvent::Fixed("0.7.1".to_string())
        ]
    );
    assert!(o.versions.is_empty());
    assert!(o.ecosystem_specific.is_some() && o.database_specific.is_some());
}

#[test]
fn pypa_yaml_keeps_versions_as_text_and_git_ranges() {
    let p = parsed("osv-pypa/vulns/django/PYSEC-2007-1.yaml");
    let v = &p.advisories[0].vulnerabilities[0];
    assert_eq!(v.id, "CVE-2007-5712");
    let AffectedRange::Osv(o) = &v.affected[0] else {
        panic!()
    };
    assert_eq!(o.ranges[0].kind, "ECOSYSTEM");
    assert_eq!(
        o.ranges[0].events,
        [
            OsvEvent::Introduced("0".into()),
            OsvEvent::Fixed("1.1".into())
        ]
    );
    assert_eq!(o.versions, ["1.0.1", "1.0.2", "1.0.3", "1.0.4"]);

    // Versions that YAML would read as numbers stay text ("1.10" is not 1.1), and GIT ranges
    // keep their repo.
    let mut texts = 0;
    let mut git = 0;
    for path in files("osv-pypa/vulns") {
        let p = parse_file(&path).unwrap();
        for r in &p.advisories[0].vulnerabilities[0].affected {
            let AffectedRange::Osv(o) = r else { panic!() };
            texts += o
                .versions
                .iter()
                .filter(|v| v.ends_with('0') && v.contains('.'))
                .count();
            for range in &o.ranges {
                if range.kind == "GIT" {
                    git += 1;
                    assert!(range.repo.is_some(), "{}", rel(&path));
                }
            }
        }
    }
    assert!(texts > 1000, "{texts}");
    assert!(git > 100, "{git}");
}

#[test]
fn osv_schema_records() {
    let mut read = 0;
    for path in files("osv-schema/tools") {
        let name = rel(&path);
        if name.contains("/redhat/testdata/CSAF/") {
            continue; // CSAF, read in csaf_corpora.rs
        }
        let is_osv = name.ends_with(".osv.json")
            || name.contains("/osv-linter/testdata/")
            || name.contains("/redhat/testdata/OSV/");
        match parse_file(&path) {
            Ok(p) => {
                assert!(is_osv, "{name}");
                assert_located(&p, &name);
                assert!(matches!(p.format, Format::OsvJson));
                read += 1;
            }
            // The GHSA inputs of the converter tests are GitHub's own format.
            Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
                assert!(!is_osv, "{name}: {reason}");
                assert!(reason.contains("GitHub"), "{name}: {reason}");
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(read, 25);
    // The linter's broken record: a range without `introduced`, located.
    let p = parsed("osv-schema/tools/osv-linter/testdata/nointroduced-CVE-2023-41045.json");
    let w = &p.advisories[0].warnings;
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].kind, WarningKind::BadRange);
    assert_eq!(w[0].location, "/affected/0/ranges/0/events");
    // A GIT range without package gets a product named after its repo.
    assert_eq!(
        p.advisories[0].products[0].id,
        "GIT:https://github.com/graylog2/graylog2-server"
    );
    // Withdrawn records say so.
    let p = parsed("osv-schema/tools/ghsa/testdata/withdrawn.osv.json");
    assert_eq!(
        p.advisories[0].withdrawn.unwrap().to_rfc3339(),
        "2018-10-11T17:29:49+00:00"
    );
    // One package in several ecosystems (Alpine releases): distinct products.
    let p = parsed("osv-schema/tools/osv-linter/testdata/nondistinct-CVE-2018-5407.json");
    let ids: Vec<&str> = p.advisories[0]
        .products
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert!(ids.contains(&"Alpine:v3.3:openssl") && ids.contains(&"Alpine:v3.4:openssl"));
}

#[test]
fn osv_vunnel_go_record() {
    let p = parsed("vunnel-fixtures/govulndb/vulndb/ID/GO-2023-1989.json");
    assert_eq!(p.advisories[0].id, "GO-2023-1989");
    assert!(all_warnings(&p).is_empty());
}
