//! Match keys: the coarse identifiers through which an advisory can reach a component. A stored
//! fleet indexes both sides by these keys so that a new advisory is matched only against the
//! components it can name, and a new SBOM only against the advisories that can name its
//! components. The keys are a superset filter: [`crate::scan_with_index`] still decides.
//!
//! - `pkg:TYPE/NAMESPACE/NAME`: a purl's package key (OSV packages, CSAF products by purl);
//! - `cpe:VENDOR:PRODUCT`: a CPE's vendor and product (NVD criteria, CSAF products by CPE);
//! - `vendor:KEY`: a vendor's index key (CSAF products by vendor and name).

use std::collections::BTreeSet;

use baton_advisories::{AffectedRange, NvdConfiguration, OsvAffected, Product};
use baton_cpe::{Attribute, AvString, Value, Wfn};
use baton_sbom::Component;

use crate::names::{name_tokens, vendor_keys};
use crate::purl::{Purl, osv_package_key};

/// A CPE's vendor and product, lower case, when both are plain strings.
pub(crate) fn cpe_key(wfn: &Wfn) -> Option<(String, String)> {
    let v = wfn.get(Attribute::Vendor).as_av_string()?.unquoted()?;
    let p = wfn.get(Attribute::Product).as_av_string()?.unquoted()?;
    Some((v.to_ascii_lowercase(), p.to_ascii_lowercase()))
}

/// The package keys an OSV `affected[]` entry is found by.
pub(crate) fn osv_keys(o: &OsvAffected) -> BTreeSet<String> {
    osv_package_keys(o.ecosystem.as_deref(), o.name.as_deref(), o.purl.as_deref())
}

/// The package keys of an OSV package given by its ecosystem, name and purl.
pub fn osv_package_keys(
    ecosystem: Option<&str>,
    name: Option<&str>,
    purl: Option<&str>,
) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    if let Some(p) = purl.and_then(Purl::parse) {
        keys.insert(p.key());
    }
    if let (Some(e), Some(n)) = (ecosystem, name)
        && let Some(k) = osv_package_key(e, n)
    {
        keys.insert(k);
    }
    keys
}

/// The CPE vendor and product of every vulnerable criterion of an NVD configuration.
pub(crate) fn nvd_keys(c: &NvdConfiguration) -> BTreeSet<(String, String)> {
    c.nodes
        .iter()
        .flat_map(|n| &n.cpe_match)
        .filter(|m| m.vulnerable)
        .filter_map(|m| Wfn::parse(&m.criteria).ok())
        .filter_map(|w| cpe_key(&w))
        .collect()
}

pub(crate) fn product_purl_keys(p: &Product) -> BTreeSet<String> {
    p.purls
        .iter()
        .filter_map(|u| Purl::parse(u))
        .map(|u| u.key())
        .collect()
}

pub(crate) fn product_cpe_keys(p: &Product) -> BTreeSet<(String, String)> {
    p.cpes
        .iter()
        .filter_map(|c| Wfn::parse(c).ok())
        .filter_map(|w| cpe_key(&w))
        .collect()
}

/// Whether an advisory is matched through its version ranges (OSV, NVD) rather than its
/// product tree (CSAF, OpenVEX, CVE 5).
pub(crate) fn matched_by_ranges(advisory: &baton_advisories::Advisory) -> bool {
    advisory.vulnerabilities.iter().any(|v| {
        v.affected
            .iter()
            .any(|r| !matches!(r, AffectedRange::Cve5(_)))
    })
}

/// Every key through which the advisory can name a component; empty for a withdrawn advisory.
pub fn advisory_keys(advisory: &baton_advisories::Advisory) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    if advisory.withdrawn.is_some() {
        return keys;
    }
    for vuln in &advisory.vulnerabilities {
        for range in &vuln.affected {
            match range {
                AffectedRange::Osv(o) => keys.extend(osv_keys(o).into_iter().map(pkg)),
                AffectedRange::Nvd(c) => keys.extend(nvd_keys(c).iter().map(cpe)),
                AffectedRange::Cve5(_) => {}
            }
        }
    }
    if matched_by_ranges(advisory) {
        return keys;
    }
    for product in &advisory.products {
        let eff = crate::scan::effective(advisory, product);
        if let (Some(vendor), Some(_)) = (&eff.vendor, &eff.name) {
            keys.extend(
                vendor_keys(vendor)
                    .into_iter()
                    .map(|k| format!("vendor:{k}")),
            );
        }
        keys.extend(product_purl_keys(eff).into_iter().map(pkg));
        keys.extend(product_cpe_keys(eff).iter().map(cpe));
    }
    keys
}

/// Every key a component can be named by: its purl's package, its CPEs' vendor and product, and
/// the vendor keys of its supplier, manufacturer and publisher.
pub fn component_keys(c: &Component) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    if let Some(p) = c.purl.as_deref().and_then(Purl::parse) {
        keys.insert(pkg(p.key()));
    }
    for text in &c.cpes {
        if let Some(k) = Wfn::parse(text).ok().and_then(|w| cpe_key(&w)) {
            keys.insert(cpe(&k));
        }
    }
    for v in [&c.supplier, &c.manufacturer, &c.publisher]
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
    {
        keys.extend(vendor_keys(v).into_iter().map(|k| format!("vendor:{k}")));
    }
    keys
}

/// Whether some advisory source could ever name this component: a purl of a known type, a
/// CPE, or a vendor (for device advisories).
pub fn reachable(c: &Component) -> bool {
    const OSV_TYPES: [&str; 17] = [
        "cargo", "pypi", "golang", "npm", "maven", "nuget", "gem", "composer", "hex", "pub", "deb",
        "apk", "rpm", "swift", "hackage", "cran", "github",
    ];
    let by_purl = c
        .purl
        .as_deref()
        .and_then(Purl::parse)
        .is_some_and(|p| OSV_TYPES.contains(&p.kind.as_str()));
    by_purl || c.cpes.iter().any(|t| Wfn::parse(t).is_ok())
}

fn pkg(k: String) -> String {
    format!("pkg:{k}")
}

fn cpe((v, p): &(String, String)) -> String {
    format!("cpe:{v}:{p}")
}

/// The CPE names a device release is likely to carry in NVD, derived from its manufacturer,
/// model and version: the hardware (`h`, any version), its firmware (`o`, `PRODUCT_firmware` at
/// the release version) and the product as software or operating system at the release version.
/// The vendor is written as NVD does: the manufacturer's words joined by `_`, and its short name
/// from the alias table. These are proposals; a person confirms or rejects them.
pub fn device_cpes(manufacturer: &str, model: &str, version: &str) -> Vec<String> {
    let product = name_tokens(model).join("_");
    if product.is_empty() {
        return Vec::new();
    }
    let mut vendors: Vec<String> = Vec::new();
    let canonical = baton_advisories::canonical_vendor(manufacturer);
    let mut names = vec![canonical.clone(), manufacturer.to_string()];
    if let Some(a) = baton_advisories::vendor_alias(manufacturer) {
        names.extend(a.short.map(str::to_string));
    }
    for n in names {
        let v = baton_advisories::vendor_key(&n).replace(' ', "_");
        if !v.is_empty() && !vendors.contains(&v) {
            vendors.push(v);
        }
    }
    let mut out = Vec::new();
    for vendor in &vendors {
        for (part, prod, ver) in [
            ("h", product.clone(), None),
            ("o", format!("{product}_firmware"), Some(version)),
            ("o", product.clone(), Some(version)),
            ("a", product.clone(), Some(version)),
        ] {
            if let Some(text) = formatted(part, vendor, &prod, ver) {
                out.push(text);
            }
        }
    }
    out
}

fn formatted(part: &str, vendor: &str, product: &str, version: Option<&str>) -> Option<String> {
    let lit = |a: Attribute, t: &str| AvString::literal(a, t).ok().map(Value::Str);
    let mut w = Wfn::new()
        .with(Attribute::Part, lit(Attribute::Part, part)?)
        .ok()?
        .with(Attribute::Vendor, lit(Attribute::Vendor, vendor)?)
        .ok()?
        .with(Attribute::Product, lit(Attribute::Product, product)?)
        .ok()?;
    match version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => {
            w = w
                .with(Attribute::Version, lit(Attribute::Version, v)?)
                .ok()?
        }
        None => w = w.with(Attribute::Version, Value::Na).ok()?,
    }
    Some(w.to_formatted_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_cpes_use_nvd_spelling() {
        let cpes = device_cpes("Philips", "IntelliVue MX40", "B.06.18");
        assert!(cpes.contains(&"cpe:2.3:h:philips:intellivue_mx40:-:*:*:*:*:*:*:*".to_string()));
        assert!(
            cpes.contains(
                &"cpe:2.3:o:philips:intellivue_mx40_firmware:b.06.18:*:*:*:*:*:*:*".to_string()
            ) || cpes.contains(
                &"cpe:2.3:o:philips:intellivue_mx40_firmware:B.06.18:*:*:*:*:*:*:*".to_string()
            ),
            "{cpes:?}"
        );
        for c in &cpes {
            assert!(Wfn::parse(c).is_ok(), "{c}");
        }
        assert!(device_cpes("Philips", "  ", "1").is_empty());
    }

    #[test]
    fn keys_meet() {
        let c = Component {
            name: "openssl".into(),
            purl: Some("pkg:generic/openssl@1.1.1".into()),
            cpes: vec!["cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*".into()],
            supplier: Some("OpenSSL Project".into()),
            ..Component::default()
        };
        let keys = component_keys(&c);
        assert!(keys.contains("cpe:openssl:openssl"), "{keys:?}");
        assert!(keys.contains("pkg:generic/openssl"), "{keys:?}");
        assert!(keys.iter().any(|k| k.starts_with("vendor:")), "{keys:?}");
    }
}
