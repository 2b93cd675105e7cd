#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The index keeps scanning cheap: 300,000 advisories against 1,000 components. Run with
//! `cargo test -p baton-matching --release --test scale -- --ignored --nocapture`.

use std::time::Instant;

use baton_advisories::{
    Advisory, AdvisorySource, AffectedRange, OsvAffected, OsvEvent, OsvRange, Vulnerability,
};
use baton_matching::{FindingStatus, Index, ScanOptions, scan_with_index};
use baton_sbom::{Component, Sbom, SbomFormat};

fn advisory(i: usize) -> Advisory {
    let name = format!("pkg-{}", i % 20_000);
    Advisory {
        id: format!("GHSA-test-{i}"),
        source: AdvisorySource::Osv,
        title: None,
        publisher: None,
        published: None,
        modified: None,
        withdrawn: None,
        vulnerabilities: vec![Vulnerability {
            id: format!("CVE-2099-{i}"),
            aliases: Vec::new(),
            summary: None,
            published: None,
            cvss: Vec::new(),
            cwes: Vec::new(),
            statuses: Vec::new(),
            affected: vec![AffectedRange::Osv(OsvAffected {
                product: format!("crates.io:{name}"),
                ecosystem: Some("crates.io".to_string()),
                name: Some(name),
                purl: None,
                ranges: vec![OsvRange {
                    kind: "SEMVER".to_string(),
                    repo: None,
                    events: vec![
                        OsvEvent::Introduced(format!("1.{}.0", i % 7)),
                        OsvEvent::Fixed(format!("1.{}.0", i % 7 + 3)),
                    ],
                }],
                versions: Vec::new(),
                ecosystem_specific: None,
                database_specific: None,
            })],
            remediations: Vec::new(),
        }],
        products: Vec::new(),
        references: Vec::new(),
        warnings: Vec::new(),
    }
}

fn sbom(n: usize) -> Sbom {
    Sbom {
        format: SbomFormat::CycloneDxJson,
        spec_version: "1.6".to_string(),
        serial_number: None,
        name: None,
        timestamp: None,
        authors: Vec::new(),
        tools: Vec::new(),
        subject: None,
        components: (0..n)
            .map(|i| Component {
                reference: format!("c{i}").into(),
                name: format!("pkg-{}", i * 7).into(),
                version: Some("1.4.0".into()),
                purl: Some(format!("pkg:cargo/pkg-{}@1.4.0", i * 7)),
                ..Component::default()
            })
            .collect(),
        dependencies: Vec::new(),
        properties: Vec::new(),
    }
}

fn run(advisories: usize, components: usize) -> usize {
    let t = Instant::now();
    let advs: Vec<Advisory> = (0..advisories).map(advisory).collect();
    let generated = t.elapsed();
    let t = Instant::now();
    let index = Index::build(&advs);
    let built = t.elapsed();
    let t = Instant::now();
    let report = scan_with_index(&sbom(components), &index, &ScanOptions::default());
    let looked_up = t.elapsed();
    println!(
        "{advisories} advisories × {components} components: generated {generated:?}, \
         index {built:?}, scan {looked_up:?}, {} findings",
        report.findings.len()
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.status == FindingStatus::Affected)
    );
    report.findings.len()
}

#[test]
fn small_scale_is_correct() {
    // Component ck is pkg-7k; advisory i names pkg-(i % 20000), so ck meets advisories
    // 7k + 20000m, whose range is [1.r.0, 1.(r+3).0) with r = m % 7 (20000 % 7 = 1). Version
    // 1.4.0 lies in it for r = 2, 3, 4: with 60,000 advisories (m < 3) one per component.
    assert_eq!(run(60_000, 100), 100);
}

#[test]
#[ignore = "timing run: use --release --ignored"]
fn three_hundred_thousand_advisories_against_one_thousand_components() {
    // m < 15: r = 2, 3, 4, 9, 10, 11 → six per component.
    assert_eq!(run(300_000, 1_000), 6_000);
}
