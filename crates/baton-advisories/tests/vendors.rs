//! The vendor alias table covers every vendor name of the ICSMA corpus, and the dirty spellings
//! the data documentation lists resolve to one company each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{
    VENDOR_ALIASES, canonical_vendor, normalize_vendor, vendor_alias, vendors_in,
};
use common::*;
use std::collections::{BTreeMap, BTreeSet};

/// Vendor branch names of all ICSMA advisories, with how many files use each.
fn icsma_vendors() -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for path in files("cisa-csaf-icsma") {
        if !rel(&path).ends_with(".json") {
            continue;
        }
        let p = parse_file(&path).unwrap();
        let names: BTreeSet<String> = p.advisories[0]
            .products
            .iter()
            .filter_map(|p| p.vendor.clone())
            .collect();
        for n in names {
            *out.entry(n).or_default() += 1;
        }
    }
    out
}

#[test]
fn every_icsma_vendor_is_in_the_table() {
    let vendors = icsma_vendors();
    assert_eq!(vendors.len(), 55);
    let mut canonical = BTreeMap::<String, usize>::new();
    for (name, files) in &vendors {
        let parts = vendors_in(name);
        assert!(!parts.is_empty(), "{name:?}");
        for part in &parts {
            assert!(
                vendor_alias(part).is_some(),
                "{name:?}: {part:?} is not in the table"
            );
            *canonical.entry(part.clone()).or_default() += files;
        }
    }
    // The counts the data documentation gives, after normalisation.
    assert_eq!(canonical["Philips"], 38); // 36 "Philips" + 2 "Phillips"
    assert_eq!(canonical["Becton, Dickinson and Company"], 21);
    assert_eq!(canonical["Medtronic"], 14); // 13 + "Medtronic "
    assert_eq!(canonical["B. Braun"], 5); // three spellings
    assert_eq!(canonical["GE Healthcare"], 6); // GE Healthcare, General Electric (GE), Silex and GE
    assert_eq!(canonical["Baxter"], 9); // 8 + "Hillrom and ELI, Baxter International Inc."
    assert!(canonical.contains_key("Innokas Yhtymä"));
    eprintln!(
        "{} vendor names → {} companies",
        vendors.len(),
        canonical.len()
    );
    // Every table entry is a company the corpus names.
    for a in VENDOR_ALIASES {
        assert!(
            canonical.contains_key(a.canonical),
            "{} is not in the corpus",
            a.canonical
        );
    }
}

#[test]
fn dirty_spellings_from_the_documentation() {
    assert_eq!(canonical_vendor("Phillips"), "Philips");
    assert_eq!(canonical_vendor("Medtronic "), "Medtronic");
    assert_eq!(normalize_vendor("Medtronic "), "medtronic");
    assert_eq!(canonical_vendor("Innokas YhtymÃ¤ Oy"), "Innokas Yhtymä");
    assert_eq!(
        normalize_vendor("Innokas YhtymÃ¤ Oy"),
        normalize_vendor("Innokas Yhtymä Oy")
    );
    for b in ["B. Braun", "B. Braun Medical", "B. Braun Melsungen AG"] {
        assert_eq!(canonical_vendor(b), "B. Braun", "{b}");
    }
    assert_eq!(
        canonical_vendor("GE Healthcare"),
        canonical_vendor("General Electric (GE)")
    );
    assert_eq!(canonical_vendor("(BD)"), "Becton, Dickinson and Company");
    assert_eq!(vendor_alias("BD").unwrap().short, Some("BD"));
    assert_eq!(
        canonical_vendor("Natus Medical, Inc. (Natus)"),
        "Natus Medical"
    );
}
