//! The version questions matching asks, answered by `baton-versions`. Kept in one place so that
//! changes to that crate's API touch only this file.

use std::cmp::Ordering;

use baton_advisories as adv;
use baton_versions::{self as bv, Scheme};

/// Whether `version` of a package in an OSV ecosystem lies in an OSV `affected[]` entry.
pub fn osv_affects(
    affected: &adv::OsvAffected,
    ecosystem: &str,
    version: &str,
) -> Result<bool, String> {
    let converted = bv::OsvAffected {
        ranges: affected
            .ranges
            .iter()
            .filter_map(|r| {
                let kind = match r.kind.as_str() {
                    "SEMVER" => bv::OsvRangeKind::Semver,
                    "ECOSYSTEM" => bv::OsvRangeKind::Ecosystem,
                    "GIT" => bv::OsvRangeKind::Git,
                    // An unknown range type says nothing we can evaluate.
                    _ => return None,
                };
                Some(bv::OsvRange {
                    kind,
                    repo: r.repo.clone(),
                    events: r
                        .events
                        .iter()
                        .map(|e| match e {
                            adv::OsvEvent::Introduced(v) => bv::OsvEvent::Introduced(v.clone()),
                            adv::OsvEvent::Fixed(v) => bv::OsvEvent::Fixed(v.clone()),
                            adv::OsvEvent::LastAffected(v) => bv::OsvEvent::LastAffected(v.clone()),
                            adv::OsvEvent::Limit(v) => bv::OsvEvent::Limit(v.clone()),
                        })
                        .collect(),
                })
            })
            .collect(),
        versions: affected.versions.clone(),
    };
    converted
        .affects(ecosystem, version)
        .map_err(|e| e.to_string())
}

/// A short text of an OSV entry's ranges for evidence: `introduced 0, fixed 1.2.3`.
pub fn describe_osv(affected: &adv::OsvAffected) -> String {
    let mut parts: Vec<String> = affected
        .ranges
        .iter()
        .map(|r| {
            let events: Vec<String> = r
                .events
                .iter()
                .map(|e| match e {
                    adv::OsvEvent::Introduced(v) => format!("introduced {v}"),
                    adv::OsvEvent::Fixed(v) => format!("fixed {v}"),
                    adv::OsvEvent::LastAffected(v) => format!("last_affected {v}"),
                    adv::OsvEvent::Limit(v) => format!("limit {v}"),
                })
                .collect();
            format!("{}: {}", r.kind, events.join(", "))
        })
        .collect();
    if !affected.versions.is_empty() {
        parts.push(format!("versions: {}", affected.versions.join(", ")));
    }
    parts.join("; ")
}

/// The outcome of checking a component version against a CSAF product's version data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionCheck {
    /// The version is covered; the text says how.
    In(String),
    /// It is not covered.
    Out,
    /// It cannot be decided; the text says why.
    Undecided(String),
}

/// Checks `version` against a CSAF product's `product_version` (exact) or
/// `product_version_range` (read with the firmware scheme unless it is a `vers:` string).
pub fn csaf_check(
    version: Option<&str>,
    product_version: Option<&str>,
    product_range: Option<&str>,
    scheme: Scheme,
) -> VersionCheck {
    // Some advisories put a list or a comparison in `product_version` ("1.10 | 1.11"): read it
    // as the range it is.
    let holds_range = |v: &str| v.contains(['|', '<', '>']) || v.trim_start().starts_with("vers:");
    let (product_version, product_range) = match (product_version, product_range) {
        (Some(v), None) if holds_range(v) => (None, Some(v)),
        other => other,
    };
    if let Some(range) = product_range {
        let parsed = match bv::parse_csaf_range_with(range, scheme) {
            Ok(r) => r,
            Err(e) => return VersionCheck::Undecided(format!("range cannot be read: {e}")),
        };
        let star = parsed
            .members()
            .first()
            .is_some_and(|m| matches!(m, bv::interval::Member::Vers(v) if v.is_star()));
        let Some(version) = version else {
            return if star {
                VersionCheck::In(format!("every version ({range})"))
            } else {
                VersionCheck::Undecided(format!(
                    "the component has no version to check against {range:?}"
                ))
            };
        };
        return match parsed.contains(version) {
            Ok(true) => VersionCheck::In(format!("{version} is in {range:?} ({parsed})")),
            Ok(false) => VersionCheck::Out,
            Err(e) => {
                VersionCheck::Undecided(format!("cannot compare {version} with {range:?}: {e}"))
            }
        };
    }
    if let Some(pv) = product_version {
        let Some(version) = version else {
            return VersionCheck::Undecided(format!(
                "the component has no version to check against {pv}"
            ));
        };
        if version.trim() == pv.trim() {
            return VersionCheck::In(format!("{version} equals product_version {pv}"));
        }
        return match bv::compare(scheme, version, pv) {
            Ok(Ordering::Equal) => {
                VersionCheck::In(format!("{version} equals product_version {pv} ({scheme})"))
            }
            Ok(_) => VersionCheck::Out,
            // A label the scheme cannot read ("2nd Edition") leaves the question open.
            Err(e) => VersionCheck::Undecided(format!(
                "cannot compare {version} with product_version {pv:?}: {e}"
            )),
        };
    }
    VersionCheck::In("the product names no version: every version".to_string())
}

/// The comparator given to NVD configuration evaluation: firmware rules first (device CPEs),
/// then generic; None when neither can order the two.
pub fn nvd_compare(a: &str, b: &str) -> Option<Ordering> {
    bv::compare(Scheme::Firmware, a, b)
        .ok()
        .or_else(|| bv::compare(Scheme::Generic, a, b).ok())
}

/// The scheme of a purl type, if Baton knows one.
pub fn scheme_of_purl_type(kind: &str) -> Option<Scheme> {
    Scheme::from_purl_type(kind)
}

/// Whether `version` equals `other` under a purl type's scheme (text equality when unknown).
pub fn same_version(kind: &str, version: &str, other: &str) -> bool {
    if version == other {
        return true;
    }
    match scheme_of_purl_type(kind) {
        Some(s) => bv::compare(s, version, other) == Ok(Ordering::Equal),
        None => false,
    }
}

/// The scheme a CVE 5 `versionType` names; device and "custom" versions are read with the
/// firmware rules.
fn cve5_scheme(version_type: Option<&str>) -> Option<Scheme> {
    Some(match version_type.map(str::to_ascii_lowercase).as_deref() {
        Some("semver") => Scheme::Semver,
        Some("npm") => Scheme::Npm,
        Some("python" | "pypi" | "pep440") => Scheme::Pypi,
        Some("maven") => Scheme::Maven,
        Some("rpm") => Scheme::Rpm,
        Some("deb" | "debian" | "dpkg") => Scheme::Deb,
        Some("go" | "golang") => Scheme::Golang,
        Some("nuget") => Scheme::Nuget,
        Some("git") => return None,
        _ => Scheme::Firmware,
    })
}

/// Checks a version against one CVE 5 `affected[]` entry: each `versions[]` item is one version,
/// or a range from `version` (`0` or `*`: from the start) to `lessThan` (excluded) or
/// `lessThanOrEqual` (included), read with its `versionType`. A matching item decides (an
/// affected one first); otherwise `defaultStatus` does. An entry without `defaultStatus` that
/// lists versions is taken to list every affected one (how records are written); one that lists
/// none leaves the question open.
pub fn cve5_check(version: Option<&str>, entry: &baton_advisories::Cve5Affected) -> VersionCheck {
    let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) else {
        return VersionCheck::Undecided("the component has no version".to_string());
    };
    let mut matched: Option<(&str, String)> = None;
    let mut undecided: Option<String> = None;
    for item in &entry.versions {
        let Some(scheme) = cve5_scheme(item.version_type.as_deref()) else {
            undecided.get_or_insert_with(|| format!("git revision range {:?}", item.version));
            continue;
        };
        let cmp = |a: &str, b: &str| bv::compare(scheme, a, b);
        let start = item.version.trim();
        let open_start = start.is_empty() || start == "0" || start == "*";
        let hit = match (&item.less_than, &item.less_than_or_equal) {
            (None, None) => cmp(version, start).map(|o| o == Ordering::Equal),
            (lt, le) => {
                let above = if open_start {
                    Ok(true)
                } else {
                    cmp(version, start).map(|o| o != Ordering::Less)
                };
                let below = match (lt.as_deref().map(str::trim), le.as_deref().map(str::trim)) {
                    (Some("*"), _) | (_, Some("*")) => Ok(true),
                    (Some(l), _) => cmp(version, l).map(|o| o == Ordering::Less),
                    (None, Some(l)) => cmp(version, l).map(|o| o != Ordering::Greater),
                    (None, None) => Ok(true),
                };
                above.and_then(|a| below.map(|b| a && b))
            }
        };
        let describe = || {
            let mut d = format!("{} {}", item.status, item.version);
            if let Some(l) = &item.less_than {
                d.push_str(&format!(" < {l}"));
            }
            if let Some(l) = &item.less_than_or_equal {
                d.push_str(&format!(" <= {l}"));
            }
            d
        };
        match hit {
            Ok(true) => {
                let better = matched.as_ref().is_none_or(|(s, _)| *s != "affected");
                if better {
                    matched = Some((item.status.as_str(), describe()));
                }
            }
            Ok(false) => {}
            Err(e) => {
                undecided.get_or_insert_with(|| {
                    format!("cannot compare {version} with {}: {e}", describe())
                });
            }
        }
    }
    match matched {
        Some(("affected", how)) => return VersionCheck::In(format!("{version} is in {how}")),
        Some(("unaffected", _)) => return VersionCheck::Out,
        Some((_, how)) => {
            return VersionCheck::Undecided(format!("{version} is in {how}"));
        }
        None => {}
    }
    if let Some(why) = undecided {
        return VersionCheck::Undecided(why);
    }
    match entry.default_status.as_deref() {
        Some("affected") => VersionCheck::In(format!("{version}: default status affected")),
        Some("unaffected") => VersionCheck::Out,
        Some(_) => VersionCheck::Undecided(format!("{version}: default status unknown")),
        None if entry.versions.is_empty() => {
            VersionCheck::Undecided("the record lists no versions".to_string())
        }
        None => VersionCheck::Out,
    }
}
