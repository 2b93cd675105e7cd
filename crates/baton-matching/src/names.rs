//! Vendor and product names as SBOMs and device advisories write them, made comparable.
//!
//! Vendors go through the alias table of `baton-advisories` ([`baton_advisories::VENDOR_ALIASES`],
//! the manufacturers of the ICSMA corpus), which users extend with [`VendorAliases`]: the
//! `name,alias` CSV that `baton import aliases` reads, given to `baton scan --aliases`. The free
//! functions use the built-in table alone.

use std::collections::HashMap;
use std::sync::OnceLock;

use baton_advisories::{canonical_vendor, normalize_vendor, vendor_alias, vendors_in};
use baton_formats::InputError;

use crate::Confidence;

/// Vendor spellings a user adds to the built-in table: each alias names the vendor its `name`
/// names. A name the built-in table knows joins that vendor (`GE Healthcare,GE Medical Systems`
/// makes "GE Medical Systems" another spelling of GE Healthcare, and so of "GE"); another name
/// is a vendor of its own. Where a spelling is in both tables, the user's entry wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorAliases {
    /// The lookup key ([`baton_advisories::vendor_key`]) of each spelling → the vendor's name.
    names: HashMap<String, String>,
}

impl VendorAliases {
    /// The table from `(name, alias)` pairs.
    pub fn new<N: Into<String>, A: AsRef<str>>(pairs: impl IntoIterator<Item = (N, A)>) -> Self {
        let mut names = HashMap::new();
        for (name, alias) in pairs {
            let name: String = name.into();
            let name = name.trim().to_string();
            for spelling in [alias.as_ref(), name.as_str()] {
                let key = baton_advisories::vendor_key(spelling);
                if !key.is_empty() {
                    names.insert(key, name.clone());
                }
            }
        }
        VendorAliases { names }
    }

    /// Reads the `name,alias` CSV of `baton import aliases` (errors name the file, line and
    /// column).
    pub fn from_csv(file: &str, bytes: &[u8]) -> Result<Self, InputError> {
        let rows = baton_formats::inventory::read_aliases(file, bytes)?;
        Ok(Self::new(
            rows.into_iter().map(|r| (r.record.name, r.record.alias)),
        ))
    }

    /// The built-in table alone.
    pub fn builtin() -> &'static VendorAliases {
        static EMPTY: OnceLock<VendorAliases> = OnceLock::new();
        EMPTY.get_or_init(VendorAliases::default)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The vendor's name as the user wrote it, when the user's table knows this spelling.
    fn user_name(&self, name: &str) -> Option<&str> {
        if self.names.is_empty() {
            return None;
        }
        self.names
            .get(&baton_advisories::vendor_key(name))
            .map(String::as_str)
    }

    /// The canonical name: the user's table first, then the built-in one.
    pub fn canonical(&self, name: &str) -> String {
        canonical_vendor(self.user_name(name).unwrap_or(name))
    }

    /// The index key of a vendor name: the canonical name, normalized, without trailing legal
    /// forms.
    pub fn vendor_key(&self, name: &str) -> String {
        baton_advisories::vendor_key(&self.canonical(name))
    }

    /// The keys of every vendor a field names ("Hillrom and ELI, Baxter International Inc."
    /// names two).
    pub fn vendor_keys(&self, name: &str) -> Vec<String> {
        let mut keys: Vec<String> = if self.user_name(name).is_some() {
            Vec::new()
        } else {
            vendors_in(name)
                .iter()
                .map(|v| self.vendor_key(v))
                .collect()
        };
        let whole = self.vendor_key(name);
        if !keys.contains(&whole) {
            keys.push(whole);
        }
        keys.retain(|k| !k.is_empty());
        keys
    }

    /// How well a component's vendor names an advisory's vendor, if at all.
    pub fn vendor_confidence(
        &self,
        component_vendor: &str,
        advisory_vendor: &str,
    ) -> Option<Confidence> {
        if component_vendor.trim() == advisory_vendor.trim() {
            return Some(Confidence::Exact);
        }
        if normalize_vendor(component_vendor) == normalize_vendor(advisory_vendor) {
            return Some(Confidence::Normalized);
        }
        let ours = self.vendor_keys(component_vendor);
        let theirs = self.vendor_keys(advisory_vendor);
        ours.iter()
            .any(|k| theirs.contains(k))
            .then_some(Confidence::Alias)
    }

    /// The words a vendor goes by (canonical name, short name, every spelling of either table),
    /// used to drop a leading vendor from a product name: "BD Alaris PC Unit" is the product
    /// "Alaris PC Unit" of BD.
    fn vendor_prefixes(&self, vendor: &str) -> Vec<Vec<String>> {
        let canonical = self.canonical(vendor);
        let mut out = vec![name_tokens(vendor), name_tokens(&canonical)];
        if let Some(a) = vendor_alias(self.user_name(vendor).unwrap_or(vendor)) {
            out.push(name_tokens(a.canonical));
            if let Some(s) = a.short {
                out.push(name_tokens(s));
            }
            for s in a.spellings {
                out.push(name_tokens(s));
            }
        }
        if !self.names.is_empty() {
            let key = baton_advisories::vendor_key(&canonical);
            for (spelling, name) in &self.names {
                if baton_advisories::vendor_key(&canonical_vendor(name)) == key {
                    out.push(spelling.split(' ').map(str::to_string).collect());
                }
            }
        }
        out.retain(|p| !p.is_empty());
        out
    }

    /// How well a component name names an advisory's product, if at all. `vendor` is the
    /// advisory's vendor, whose name may lead either side. Fuzzy (every word of the shorter name
    /// in the longer, at least two words) is returned only when `allow_fuzzy`.
    pub fn product_confidence(
        &self,
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
        let prefixes = self.vendor_prefixes(vendor);
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
}

/// [`VendorAliases::vendor_key`] with the built-in table.
pub fn vendor_key(name: &str) -> String {
    VendorAliases::builtin().vendor_key(name)
}

/// [`VendorAliases::vendor_keys`] with the built-in table.
pub fn vendor_keys(name: &str) -> Vec<String> {
    VendorAliases::builtin().vendor_keys(name)
}

/// [`VendorAliases::vendor_confidence`] with the built-in table.
pub fn vendor_confidence(component_vendor: &str, advisory_vendor: &str) -> Option<Confidence> {
    VendorAliases::builtin().vendor_confidence(component_vendor, advisory_vendor)
}

/// [`VendorAliases::product_confidence`] with the built-in table.
pub fn product_confidence(
    component_name: &str,
    product_name: &str,
    vendor: &str,
    allow_fuzzy: bool,
) -> Option<Confidence> {
    VendorAliases::builtin().product_confidence(component_name, product_name, vendor, allow_fuzzy)
}

/// Words of a product name: normalized (case, punctuation, blanks, mojibake), then split.
pub fn name_tokens(name: &str) -> Vec<String> {
    normalize_vendor(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn without_prefix<'a>(tokens: &'a [String], prefixes: &[Vec<String>]) -> &'a [String] {
    for p in prefixes {
        if tokens.len() > p.len() && tokens.starts_with(p) {
            return &tokens[p.len()..];
        }
    }
    tokens
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
