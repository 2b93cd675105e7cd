//! Per-advisory parts and match keys: what a store relies on for incremental matching.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use baton_advisories::Advisory;
use baton_matching::keys::{advisory_keys, component_keys};
use baton_matching::{Finding, Index, ScanOptions, merge_parts, scan_parts, scan_with_index};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn local(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn corpus() -> Vec<Advisory> {
    baton_matching::read_advisories(
        &[
            shared("cisa-csaf-icsma"),
            shared("nvd-cve-2.0-meddev"),
            shared("osv-rustsec/crates"),
            local("enrichment.osv.json"),
        ],
        &mut std::io::sink(),
    )
    .unwrap()
}

fn sboms() -> Vec<baton_sbom::Sbom> {
    [
        "devices.cdx.json",
        "rust.cdx.json",
        "alaris-firmware-and-hardware.cdx.json",
    ]
    .iter()
    .map(|n| {
        let bytes = std::fs::read(local(n)).unwrap();
        baton_sbom::parse(n, &bytes).unwrap().sbom
    })
    .collect()
}

fn normalized(mut f: Finding) -> Finding {
    f.evidence.sort_by(|a, b| {
        (&a.advisory, &a.product, &a.matched).cmp(&(&b.advisory, &b.product, &b.matched))
    });
    f
}

#[test]
fn merged_parts_equal_the_whole_scan() {
    let advisories = corpus();
    let index = Index::build(&advisories);
    let options = ScanOptions::default();
    let mut total = 0;
    for sbom in sboms() {
        let whole = scan_with_index(&sbom, &index, &options).findings;
        let parts: Vec<Finding> = scan_parts(&sbom, &index, &options)
            .into_iter()
            .map(|p| {
                assert_eq!(p.finding.source, vec![advisories[p.advisory].id.clone()]);
                p.finding
            })
            .collect();
        assert!(
            parts.iter().all(|p| p.source.len() == 1),
            "one advisory per part"
        );
        let mut groups: BTreeMap<(String, String, String), Vec<Finding>> = BTreeMap::new();
        for p in parts {
            groups
                .entry((
                    p.vulnerability_id.clone(),
                    p.component_ref.clone(),
                    p.component_name.clone(),
                ))
                .or_default()
                .push(p);
        }
        let merged: Vec<Finding> = groups
            .values()
            .map(|g| normalized(merge_parts(g).unwrap()))
            .collect();
        let whole: Vec<Finding> = whole.into_iter().map(normalized).collect();
        assert_eq!(merged, whole);
        total += whole.len();
    }
    assert!(total >= 5, "the corpus must give findings ({total})");
}

#[test]
fn every_part_is_reachable_through_the_keys() {
    let advisories = corpus();
    let index = Index::build(&advisories);
    let mut checked = 0;
    for sbom in sboms() {
        let all_keys: std::collections::BTreeSet<String> =
            sbom.components.iter().flat_map(component_keys).collect();
        for p in scan_parts(&sbom, &index, &ScanOptions::default()) {
            let advisory = &advisories[p.advisory];
            let p = p.finding;
            let keys = advisory_keys(advisory);
            assert!(
                keys.iter().any(|k| all_keys.contains(k)),
                "{} reaches {} without a shared key",
                advisory.id,
                p.component_ref
            );
            checked += 1;
        }
    }
    assert!(checked >= 5);
}
