//! Vendor and product names as SBOMs and device advisories write them, made comparable.

use baton_advisories::{canonical_vendor, normalize_vendor, vendor_alias, vendors_in};

use crate::Confidence;

/// The index key of a vendor name: the canonical name (alias table), normalized, without
/// trailing legal forms.
pub fn vendor_key(name: &str) -> String {
    baton_advisories::vendor_key(&canonical_vendor(name))
}

/// The keys of every vendor a field names ("Hillrom and ELI, Baxter International Inc." names
/// two).
pub fn vendor_keys(name: &str) -> Vec<String> {
    let mut keys: Vec<String> = vendors_in(name).iter().map(|v| vendor_key(v)).collect();
    let whole = vendor_key(name);
    if !keys.contains(&whole) {
        keys.push(whole);
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// How well a component's vendor names an advisory's vendor, if at all.
pub fn vendor_confidence(component_vendor: &str, advisory_vendor: &str) -> Option<Confidence> {
    if component_vendor.trim() == advisory_vendor.trim() {
        return Some(Confidence::Exact);
    }
    if normalize_vendor(component_vendor) == normalize_vendor(advisory_vendor) {
        return Some(Confidence::Normalized);
    }
    let ours = vendor_keys(component_vendor);
    let theirs = vendor_keys(advisory_vendor);
    ours.iter()
        .any(|k| theirs.contains(k))
        .then_some(Confidence::Alias)
}

/// Words of a product name: normalized (case, punctuation, blanks, mojibake), then split.
pub fn name_tokens(name: &str) -> Vec<String> {
    normalize_vendor(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The words a vendor goes by (canonical name, short name), used to drop a leading vendor from a
/// product name: "BD Alaris PC Unit" is the product "Alaris PC Unit" of BD.
fn vendor_prefixes(vendor: &str) -> Vec<Vec<String>> {
    let mut out = vec![name_tokens(vendor), name_tokens(&canonical_vendor(vendor))];
    if let Some(a) = vendor_alias(vendor) {
        out.push(name_tokens(a.canonical));
        if let Some(s) = a.short {
            out.push(name_tokens(s));
        }
        for s in a.spellings {
            out.push(name_tokens(s));
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

fn without_prefix<'a>(tokens: &'a [String], prefixes: &[Vec<String>]) -> &'a [String] {
    for p in prefixes {
        if tokens.len() > p.len() && tokens.starts_with(p) {
            return &tokens[p.len()..];
        }
    }
    tokens
}

/// How well a component name names an advisory's product, if at all. `vendor` is the
/// advisory's vendor, whose name may lead either side. Fuzzy (every word of the shorter name in
/// the longer, at least two words) is returned only when `allow_fuzzy`.
pub fn product_confidence(
    component_name: &str,
    product_name: &str,
    vendor: &str,
    allow_fuzzy: bool,
) -> Option<Confidence> {
    if component_name.trim() == product_name.trim() {
        return Some(Confidence::Exact);
    }
    let a = name_tokens(component_name);
    let b = name_tokens(product_name);
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(Confidence::Normalized);
    }
    let prefixes = vendor_prefixes(vendor);
    let (a2, b2) = (without_prefix(&a, &prefixes), without_prefix(&b, &prefixes));
    if a2 == b2 {
        return Some(Confidence::Normalized);
    }
    // Joined without blanks: "IntelliVue" and "Intelli Vue", "PIC iX" and "PICiX".
    if a2.concat() == b2.concat() {
        return Some(Confidence::Normalized);
    }
    if allow_fuzzy {
        let (short, long) = if a2.len() <= b2.len() {
            (a2, b2)
        } else {
            (b2, a2)
        };
        if short.len() >= 2 && short.iter().all(|w| long.contains(w)) {
            return Some(Confidence::Fuzzy);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors() {
        assert_eq!(
            vendor_confidence("Philips", "Philips"),
            Some(Confidence::Exact)
        );
        assert_eq!(
            vendor_confidence("philips ", "Philips"),
            Some(Confidence::Normalized)
        );
        assert_eq!(
            vendor_confidence("BD", "Becton, Dickinson and Company (BD)"),
            Some(Confidence::Alias)
        );
        assert_eq!(
            vendor_confidence("Baxter", "Hillrom and ELI, Baxter International Inc."),
            Some(Confidence::Alias)
        );
        assert_eq!(vendor_confidence("Qualcomm", "Philips"), None);
    }

    #[test]
    fn products() {
        let bd = "Becton, Dickinson and Company (BD)";
        assert_eq!(
            product_confidence("Alaris PC Unit", "Alaris PC Unit", bd, false),
            Some(Confidence::Exact)
        );
        assert_eq!(
            product_confidence("alaris pc-unit", "Alaris PC Unit", bd, false),
            Some(Confidence::Normalized)
        );
        assert_eq!(
            product_confidence("Alaris PC Unit", "BD Alaris PC Unit", bd, false),
            Some(Confidence::Normalized)
        );
        assert_eq!(
            product_confidence("Alaris PC", "Alaris PC Unit Model 8015", bd, false),
            None
        );
        assert_eq!(
            product_confidence("Alaris PC", "Alaris PC Unit Model 8015", bd, true),
            Some(Confidence::Fuzzy)
        );
        assert_eq!(
            product_confidence("Alaris", "Alaris PC Unit", bd, true),
            None
        );
    }
}
