//! The matching engine: the index over advisories, the three matching rules, merging per
//! (vulnerability, component), VEX, and KEV/EPSS/CVSS enrichment.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use baton_advisories::{
    Advisory, AffectedRange, EpssScores, KevCatalog, NvdConfiguration, Product, Status,
};
use baton_cpe::Wfn;
use baton_cpe::nvd::{self as cpenvd, Truth};
use baton_sbom::{CompactString, Component, Sbom};
use baton_versions::Scheme;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::keys::{self, cpe_key};
use crate::names::VendorAliases;
use crate::purl::Purl;
use crate::versions::{self, VersionCheck};

/// How sure a match is, weakest first: `fuzzy` < `alias` < `normalized` < `exact`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Token containment of product names; reported only on request.
    Fuzzy,
    /// The vendor matched only through the manufacturer alias table.
    #[default]
    Alias,
    /// Names equal after normalization (case, blanks, punctuation, a leading vendor name).
    Normalized,
    /// Identifiers or names equal as written (purl, CPE, vendor and product text).
    Exact,
}

impl Confidence {
    pub fn key(self) -> &'static str {
        match self {
            Confidence::Fuzzy => "fuzzy",
            Confidence::Alias => "alias",
            Confidence::Normalized => "normalized",
            Confidence::Exact => "exact",
        }
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "fuzzy" => Confidence::Fuzzy,
            "alias" => Confidence::Alias,
            "normalized" => Confidence::Normalized,
            "exact" => Confidence::Exact,
            _ => {
                return Err(format!(
                    "unknown confidence {s:?} (exact, normalized, alias or fuzzy)"
                ));
            }
        })
    }
}

/// A finding's status, VEX applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Affected,
    NotAffected,
    Fixed,
    UnderInvestigation,
}

impl FindingStatus {
    /// When several advisories speak of one (vulnerability, component), the highest rank wins:
    /// a proven "affected" first, then an open question (which must stay visible), then the
    /// reassuring answers.
    fn rank(self) -> u8 {
        match self {
            FindingStatus::Affected => 3,
            FindingStatus::UnderInvestigation => 2,
            FindingStatus::Fixed => 1,
            FindingStatus::NotAffected => 0,
        }
    }

    fn from_status(s: Status) -> Option<FindingStatus> {
        Some(match s {
            Status::Affected | Status::FirstAffected | Status::LastAffected => {
                FindingStatus::Affected
            }
            Status::NotAffected => FindingStatus::NotAffected,
            Status::Fixed | Status::FirstFixed => FindingStatus::Fixed,
            Status::UnderInvestigation => FindingStatus::UnderInvestigation,
            Status::Recommended => return None,
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            FindingStatus::Affected => "affected",
            FindingStatus::NotAffected => "not_affected",
            FindingStatus::Fixed => "fixed",
            FindingStatus::UnderInvestigation => "under_investigation",
        }
    }
}

/// Which rule produced a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Purl,
    Cpe,
    Product,
    Vex,
}

/// What matched, for one advisory statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The advisory id.
    pub advisory: String,
    pub method: Method,
    /// The advisory's product id (CSAF product id, OSV package, NVD criteria).
    pub product: String,
    /// What was compared: `pkg:cargo/x ↔ crates.io/x`, a CPE with its relation, or vendor and
    /// product names.
    pub matched: String,
    /// The version data as the advisory wrote it.
    pub range: Option<String>,
    /// How the component's version was read against it.
    pub version: String,
    /// What this statement says.
    pub status: FindingStatus,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    pub score: f64,
    pub percentile: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    pub version: String,
    pub vector: String,
    pub score: Option<f64>,
}

/// One (vulnerability, component) answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The CVE when there is one, else the advisory's own id.
    pub vulnerability_id: String,
    pub aliases: Vec<String>,
    pub component_ref: String,
    pub component_name: String,
    pub component_version: Option<String>,
    pub component_purl: Option<String>,
    pub component_cpes: Vec<String>,
    pub status: FindingStatus,
    /// One of the five CSAF/OpenVEX labels, for `not_affected`.
    pub justification: Option<String>,
    /// The best confidence among the matches.
    pub confidence: Confidence,
    /// Ids of the advisories that produced it (VEX included), sorted.
    pub source: Vec<String>,
    pub kev: bool,
    pub epss: Option<Epss>,
    /// The newest CVSS version given.
    pub cvss: Option<CvssScore>,
    /// Every statement that matched; nothing is reported without one.
    pub evidence: Vec<Evidence>,
}

/// What to match and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Matches weaker than this are dropped; fuzzy ones appear only when this is `Fuzzy`.
    pub min_confidence: Confidence,
    /// The scheme free-text CSAF versions are read with.
    pub csaf_scheme: Scheme,
    /// VEX documents (OpenVEX, CSAF VEX) whose statements override statuses, later documents
    /// winning over earlier ones.
    pub vex: Vec<Advisory>,
    /// CVE → date added to the KEV catalog.
    pub kev: HashMap<String, Option<NaiveDate>>,
    pub epss: HashMap<String, Epss>,
    /// KEV entries added after this date do not count.
    pub on: Option<NaiveDate>,
    /// Which rules run: all of them, or only those that look at one component at a time (purl,
    /// CSAF products) or only the one that looks at the SBOM's CPEs together (NVD
    /// configurations). A store matching many releases that share components runs the first
    /// once per distinct component and the second once per release.
    pub rules: Rules,
}

/// See [`ScanOptions::rules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rules {
    #[default]
    All,
    PerComponent,
    Platform,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            min_confidence: Confidence::Alias,
            csaf_scheme: Scheme::Firmware,
            vex: Vec::new(),
            kev: HashMap::new(),
            epss: HashMap::new(),
            on: None,
            rules: Rules::All,
        }
    }
}

impl ScanOptions {
    pub fn with_kev(mut self, catalog: &KevCatalog) -> Self {
        for e in &catalog.entries {
            self.kev.insert(e.cve.clone(), e.date_added);
        }
        self
    }

    pub fn with_epss(mut self, scores: &EpssScores) -> Self {
        for e in &scores.entries {
            self.epss.insert(
                e.cve.clone(),
                Epss {
                    score: e.score,
                    percentile: e.percentile,
                },
            );
        }
        self
    }

    fn in_kev(&self, id: &str) -> bool {
        match self.kev.get(id) {
            Some(Some(added)) => self.on.is_none_or(|on| *added <= on),
            Some(None) => true,
            None => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    /// Things that limited matching (unreadable CPEs in the SBOM, …).
    pub warnings: Vec<String>,
}

/// (advisory, vulnerability, index into `affected`).
type RangeRef = (usize, usize, usize);
/// (advisory, product).
type ProductRef = (usize, usize);

/// Lookup tables over advisories, built once: OSV packages by package key, NVD configurations
/// by CPE vendor and product, CSAF products by vendor key, purl key and CPE vendor and product.
pub struct Index<'a> {
    advisories: &'a [Advisory],
    by_package: HashMap<String, Vec<RangeRef>>,
    by_cpe: HashMap<(String, String), Vec<RangeRef>>,
    products_by_vendor: HashMap<String, Vec<ProductRef>>,
    products_by_purl: HashMap<String, Vec<ProductRef>>,
    products_by_cpe: HashMap<(String, String), Vec<ProductRef>>,
    /// Vendor spellings beyond the built-in table, for device products.
    aliases: VendorAliases,
}

/// A relationship product ("firmware installed on device") is matched by its component's
/// names and identifiers.
pub(crate) fn effective<'a>(advisory: &'a Advisory, product: &'a Product) -> &'a Product {
    let bare = product.name.is_none() && product.purls.is_empty() && product.cpes.is_empty();
    match &product.relationship {
        Some(rel) if bare => advisory
            .products
            .iter()
            .find(|p| p.id == rel.component)
            .unwrap_or(product),
        _ => product,
    }
}

impl<'a> Index<'a> {
    pub fn build(advisories: &'a [Advisory]) -> Index<'a> {
        Self::build_with(advisories, VendorAliases::default())
    }

    /// An index whose device-product matching also knows the user's vendor spellings.
    pub fn build_with(advisories: &'a [Advisory], aliases: VendorAliases) -> Index<'a> {
        let mut index = Index {
            aliases,
            advisories,
            by_package: HashMap::new(),
            by_cpe: HashMap::new(),
            products_by_vendor: HashMap::new(),
            products_by_purl: HashMap::new(),
            products_by_cpe: HashMap::new(),
        };
        for (a, advisory) in advisories.iter().enumerate() {
            if advisory.withdrawn.is_some() {
                continue;
            }
            for (v, vuln) in advisory.vulnerabilities.iter().enumerate() {
                for (r, range) in vuln.affected.iter().enumerate() {
                    match range {
                        AffectedRange::Osv(o) => {
                            for k in keys::osv_keys(o) {
                                index.by_package.entry(k).or_default().push((a, v, r));
                            }
                        }
                        AffectedRange::Nvd(c) => {
                            for k in keys::nvd_keys(c) {
                                index.by_cpe.entry(k).or_default().push((a, v, r));
                            }
                        }
                        // CVE 5 entries are matched through their products (below).
                        AffectedRange::Cve5(_) => {}
                    }
                }
            }
            // OSV and NVD products are synthetic: their ranges above are the matching data.
            if keys::matched_by_ranges(advisory) {
                continue;
            }
            index.add_products(a, advisory);
        }
        index
    }

    fn add_products(&mut self, a: usize, advisory: &Advisory) {
        for (p, product) in advisory.products.iter().enumerate() {
            let eff = effective(advisory, product);
            if let (Some(vendor), Some(_)) = (&eff.vendor, &eff.name) {
                for k in self.aliases.vendor_keys(vendor) {
                    self.products_by_vendor.entry(k).or_default().push((a, p));
                }
            }
            for k in keys::product_purl_keys(eff) {
                self.products_by_purl.entry(k).or_default().push((a, p));
            }
            let cpe_keys = keys::product_cpe_keys(eff);
            for k in cpe_keys {
                self.products_by_cpe.entry(k).or_default().push((a, p));
            }
        }
    }
}

fn product_of(advisory: &Advisory, p: usize) -> &Product {
    &advisory.products[p]
}

/// A product's versions: a CVE 5 record's `affected[]` entry when the product comes from one,
/// else the CSAF `product_version` / `product_version_range`.
fn product_version_check(
    advisory: &Advisory,
    product: &Product,
    eff: &Product,
    version: Option<&str>,
    options: &ScanOptions,
) -> VersionCheck {
    let cve5 = advisory
        .vulnerabilities
        .iter()
        .flat_map(|v| &v.affected)
        .find_map(|r| match r {
            AffectedRange::Cve5(e) if e.product == product.id || e.product == eff.id => Some(e),
            _ => None,
        });
    match cve5 {
        Some(entry) => versions::cve5_check(version, entry),
        None => versions::csaf_check(
            version,
            eff.version.as_deref(),
            eff.version_range.as_deref(),
            options.csaf_scheme,
        ),
    }
}

/// One statement matched to one component, before merging.
struct Hit {
    advisory: usize,
    vulnerability: usize,
    component: usize,
    status: FindingStatus,
    justification: Option<String>,
    evidence: Evidence,
}

/// The component's version: its own, else its purl's.
fn component_version(c: &Component) -> Option<String> {
    c.version
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(str::to_string)
        .or_else(|| c.purl.as_deref().and_then(Purl::parse)?.version)
}

/// Scans an SBOM against advisories (see the crate documentation for the rules).
pub fn scan(sbom: &Sbom, advisories: &[Advisory], options: &ScanOptions) -> ScanReport {
    let index = Index::build(advisories);
    scan_with_index(sbom, &index, options)
}

/// Scans with an index built beforehand (one index, many SBOMs).
pub fn scan_with_index(sbom: &Sbom, index: &Index<'_>, options: &ScanOptions) -> ScanReport {
    scan_inner(sbom, index, options, false)
}

/// Like [`scan_with_index`], but one finding per (vulnerability, component, advisory): what
/// each advisory says on its own, with `source` naming it. A store keeps these parts so that a
/// new revision of one advisory replaces only its own part; [`merge_parts`] combines them into
/// the finding [`scan_with_index`] would give. VEX options are not applied.
pub fn scan_parts(sbom: &Sbom, index: &Index<'_>, options: &ScanOptions) -> Vec<Part> {
    let options = ScanOptions {
        vex: Vec::new(),
        ..options.clone()
    };
    let (hits, _) = scan_hits(sbom, index, &options);
    merge(index.advisories, &sbom.components, hits, &options, true)
        .into_iter()
        .map(|(advisory, finding)| Part { advisory, finding })
        .collect()
}

/// What one advisory says of one (vulnerability, component).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The advisory's position in the index's slice.
    pub advisory: usize,
    pub finding: Finding,
}

/// Combines the parts of one (vulnerability, component) from several advisories: the highest
/// ranked status (see [`FindingStatus`]) with its justification, the best confidence, every
/// alias, source and piece of evidence, and the newest CVSS version. None for no parts.
pub fn merge_parts<'p>(parts: impl IntoIterator<Item = &'p Finding>) -> Option<Finding> {
    let mut out: Option<Finding> = None;
    for p in parts {
        let Some(m) = out.as_mut() else {
            out = Some(p.clone());
            continue;
        };
        if p.status.rank() > m.status.rank() {
            m.status = p.status;
            m.justification = p.justification.clone();
        }
        m.confidence = m.confidence.max(p.confidence);
        for a in std::iter::once(&p.vulnerability_id).chain(&p.aliases) {
            if *a != m.vulnerability_id && !m.aliases.contains(a) {
                m.aliases.push(a.clone());
            }
        }
        for s in &p.source {
            if !m.source.contains(s) {
                m.source.push(s.clone());
            }
        }
        if let Some(c) = &p.cvss {
            let newer = m.cvss.as_ref().is_none_or(|cur| {
                version_rank(&c.version) > version_rank(&cur.version)
                    || (version_rank(&c.version) == version_rank(&cur.version)
                        && cur.score.is_none()
                        && c.score.is_some())
            });
            if newer {
                m.cvss = Some(c.clone());
            }
        }
        m.kev |= p.kev;
        if m.epss.is_none() {
            m.epss = p.epss;
        }
        m.evidence.extend(p.evidence.iter().cloned());
    }
    if let Some(m) = out.as_mut() {
        m.aliases.sort();
        m.source.sort();
    }
    out
}

/// Every statement matched to a component, at the confidence asked for.
fn scan_hits(sbom: &Sbom, index: &Index<'_>, options: &ScanOptions) -> (Vec<Hit>, Vec<String>) {
    let components = &sbom.components;
    let mut warnings = Vec::new();
    let mut hits = Vec::new();

    // Every CPE of the SBOM, with its component: the platform NVD configurations are checked
    // against (a device's firmware, hardware and software together).
    let mut platforms: Vec<Wfn> = Vec::new();
    let mut owners: Vec<usize> = Vec::new();
    for (i, c) in components.iter().enumerate() {
        for cpe in &c.cpes {
            match Wfn::parse(cpe) {
                Ok(w) => {
                    platforms.push(w);
                    owners.push(i);
                }
                Err(e) => warnings.push(format!(
                    "component {}: CPE {cpe:?} cannot be read: {e}",
                    c.reference
                )),
            }
        }
    }
    if let Some(subject) = &sbom.subject {
        for cpe in &subject.cpes {
            if let Ok(w) = Wfn::parse(cpe) {
                platforms.push(w);
                owners.push(usize::MAX);
            }
        }
    }

    if options.rules != Rules::Platform {
        for (i, c) in components.iter().enumerate() {
            match_purl(index, i, c, options, &mut hits);
            match_products(index, i, c, options, &mut hits);
        }
    }
    if options.rules != Rules::PerComponent {
        match_nvd(index, &platforms, &owners, &mut hits);
    }

    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| h.evidence.confidence >= options.min_confidence)
        .collect();
    (hits, warnings)
}

fn scan_inner(
    sbom: &Sbom,
    index: &Index<'_>,
    options: &ScanOptions,
    per_advisory: bool,
) -> ScanReport {
    let (hits, warnings) = scan_hits(sbom, index, options);
    let components = &sbom.components;
    let mut findings: Vec<Finding> =
        merge(index.advisories, components, hits, options, per_advisory)
            .into_iter()
            .map(|(_, f)| f)
            .collect();
    apply_vex(&mut findings, components, options);
    findings.sort_by(|a, b| {
        a.vulnerability_id
            .cmp(&b.vulnerability_id)
            .then_with(|| a.component_ref.cmp(&b.component_ref))
            .then_with(|| a.component_name.cmp(&b.component_name))
    });
    ScanReport { findings, warnings }
}

fn match_purl(
    index: &Index<'_>,
    i: usize,
    c: &Component,
    options: &ScanOptions,
    hits: &mut Vec<Hit>,
) {
    let Some(purl) = c.purl.as_deref().and_then(Purl::parse) else {
        return;
    };
    let key = purl.key();
    let version = component_version(c);
    for &(a, v, r) in index
        .by_package
        .get(&key)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let advisory = &index.advisories[a];
        let Some(AffectedRange::Osv(o)) = advisory.vulnerabilities[v].affected.get(r) else {
            continue;
        };
        let ecosystem = o.ecosystem.clone().unwrap_or_default();
        let (status, reading) = match version.as_deref() {
            None => (
                FindingStatus::UnderInvestigation,
                "the component has no version".to_string(),
            ),
            Some(ver) => match versions::osv_affects(o, &ecosystem, ver) {
                Ok(true) => (FindingStatus::Affected, format!("{ver} is in the ranges")),
                Ok(false) => continue,
                Err(e) => (
                    FindingStatus::UnderInvestigation,
                    format!("cannot decide for {ver}: {e}"),
                ),
            },
        };
        let package = match (&o.ecosystem, &o.name) {
            (Some(e), Some(n)) => format!("{e}/{n}"),
            _ => o.purl.clone().unwrap_or_else(|| o.product.clone()),
        };
        hits.push(Hit {
            advisory: a,
            vulnerability: v,
            component: i,
            status,
            justification: None,
            evidence: Evidence {
                advisory: advisory.id.clone(),
                method: Method::Purl,
                product: o.product.clone(),
                matched: format!("{} ↔ {package}", c.purl.as_deref().unwrap_or_default()),
                range: Some(versions::describe_osv(o)),
                version: reading,
                status,
                confidence: Confidence::Exact,
            },
        });
    }
    // CSAF products identified by purl.
    for &(a, p) in index
        .products_by_purl
        .get(&key)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let advisory = &index.advisories[a];
        let product = &advisory.products[p];
        let eff = effective(advisory, product);
        let pinned: Vec<String> = eff
            .purls
            .iter()
            .filter_map(|u| Purl::parse(u))
            .filter(|u| u.key() == key)
            .filter_map(|u| u.version)
            .collect();
        let check = if pinned.is_empty() {
            product_version_check(
                advisory,
                product_of(advisory, p),
                eff,
                version.as_deref(),
                options,
            )
        } else {
            match version.as_deref() {
                None => VersionCheck::Undecided("the component has no version".to_string()),
                Some(ver) => match pinned
                    .iter()
                    .find(|pv| versions::same_version(&purl.kind, ver, pv))
                {
                    Some(pv) => VersionCheck::In(format!("{ver} equals the purl version {pv}")),
                    None => VersionCheck::Out,
                },
            }
        };
        let matched = format!(
            "{} ↔ {}",
            c.purl.as_deref().unwrap_or_default(),
            eff.purls.join(", ")
        );
        product_hits(
            index,
            a,
            p,
            i,
            Method::Purl,
            matched,
            Confidence::Exact,
            &check,
            hits,
        );
    }
}

/// CSAF products by CPE and by vendor and product names.
fn match_products(
    index: &Index<'_>,
    i: usize,
    c: &Component,
    options: &ScanOptions,
    hits: &mut Vec<Hit>,
) {
    let version = component_version(c);
    let mut seen: HashSet<ProductRef> = HashSet::new();

    for cpe in &c.cpes {
        let Ok(wfn) = Wfn::parse(cpe) else { continue };
        let Some(key) = cpe_key(&wfn) else { continue };
        for &(a, p) in index
            .products_by_cpe
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let advisory = &index.advisories[a];
            let eff = effective(advisory, &advisory.products[p]);
            for pc in &eff.cpes {
                let Ok(pw) = Wfn::parse(pc) else { continue };
                let relation = baton_cpe::compare(&pw, &wfn);
                if !relation.is_match() || !seen.insert((a, p)) {
                    continue;
                }
                let check = product_version_check(
                    advisory,
                    product_of(advisory, p),
                    eff,
                    version.as_deref(),
                    options,
                );
                let matched = format!("{pc} is {} {cpe}", relation.as_str());
                product_hits(
                    index,
                    a,
                    p,
                    i,
                    Method::Cpe,
                    matched,
                    Confidence::Exact,
                    &check,
                    hits,
                );
            }
        }
    }

    let vendors: Vec<&CompactString> = [&c.supplier, &c.manufacturer, &c.publisher]
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
        .collect();
    let allow_fuzzy = options.min_confidence <= Confidence::Fuzzy;
    let mut candidates: BTreeSet<ProductRef> = BTreeSet::new();
    for v in &vendors {
        for k in index.aliases.vendor_keys(v) {
            if let Some(list) = index.products_by_vendor.get(&k) {
                candidates.extend(list.iter().copied());
            }
        }
    }
    for (a, p) in candidates {
        if seen.contains(&(a, p)) {
            continue;
        }
        let advisory = &index.advisories[a];
        let eff = effective(advisory, &advisory.products[p]);
        let (Some(pvendor), Some(pname)) = (&eff.vendor, &eff.name) else {
            continue;
        };
        let Some((named_by, vconf)) = vendors
            .iter()
            .filter_map(|v| {
                index
                    .aliases
                    .vendor_confidence(v, pvendor)
                    .map(|conf| (*v, conf))
            })
            .max_by_key(|(_, conf)| *conf)
        else {
            continue;
        };
        let Some(nconf) = index
            .aliases
            .product_confidence(&c.name, pname, pvendor, allow_fuzzy)
        else {
            continue;
        };
        let confidence = vconf.min(nconf);
        let check = product_version_check(
            advisory,
            product_of(advisory, p),
            eff,
            version.as_deref(),
            options,
        );
        let matched = format!(
            "vendor {named_by:?} ↔ {pvendor:?} ({}), product {:?} ↔ {pname:?} ({})",
            vconf.key(),
            c.name,
            nconf.key()
        );
        seen.insert((a, p));
        product_hits(
            index,
            a,
            p,
            i,
            Method::Product,
            matched,
            confidence,
            &check,
            hits,
        );
    }
}

/// The hits of one matched CSAF product: one per vulnerability that gives it a status.
#[allow(clippy::too_many_arguments)]
fn product_hits(
    index: &Index<'_>,
    a: usize,
    p: usize,
    component: usize,
    method: Method,
    matched: String,
    confidence: Confidence,
    check: &VersionCheck,
    hits: &mut Vec<Hit>,
) {
    let advisory = &index.advisories[a];
    let product = &advisory.products[p];
    let eff = effective(advisory, product);
    let (reading, undecided) = match check {
        VersionCheck::In(why) => (why.clone(), false),
        VersionCheck::Out => return,
        VersionCheck::Undecided(why) => (why.clone(), true),
    };
    let range = eff.version_range.clone().or_else(|| eff.version.clone());
    for (v, vuln) in advisory.vulnerabilities.iter().enumerate() {
        for st in vuln.statuses.iter().filter(|s| s.product == product.id) {
            let Some(stated) = FindingStatus::from_status(st.status) else {
                continue;
            };
            let status = if undecided {
                FindingStatus::UnderInvestigation
            } else {
                stated
            };
            hits.push(Hit {
                advisory: a,
                vulnerability: v,
                component,
                status,
                justification: (status == FindingStatus::NotAffected)
                    .then(|| st.justification.clone())
                    .flatten(),
                evidence: Evidence {
                    advisory: advisory.id.clone(),
                    method,
                    product: product.id.clone(),
                    matched: matched.clone(),
                    range: range.clone(),
                    version: if undecided {
                        format!("{reading}; the advisory says {}", stated.key())
                    } else {
                        reading.clone()
                    },
                    status,
                    confidence,
                },
            });
        }
    }
}

fn nvd_configuration(c: &NvdConfiguration) -> cpenvd::Configuration {
    let op = |s: &str| {
        if s.eq_ignore_ascii_case("AND") {
            cpenvd::Operator::And
        } else {
            cpenvd::Operator::Or
        }
    };
    cpenvd::Configuration {
        operator: c.operator.as_deref().map(op),
        negate: c.negate,
        nodes: c
            .nodes
            .iter()
            .map(|n| cpenvd::Node {
                operator: op(&n.operator),
                negate: n.negate,
                cpe_match: n
                    .cpe_match
                    .iter()
                    .map(|m| cpenvd::CpeMatch {
                        vulnerable: m.vulnerable,
                        criteria: m.criteria.clone(),
                        match_criteria_id: m.match_criteria_id.clone(),
                        version_start_including: m.version_start_including.clone(),
                        version_start_excluding: m.version_start_excluding.clone(),
                        version_end_including: m.version_end_including.clone(),
                        version_end_excluding: m.version_end_excluding.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn describe_cpe_match(m: &baton_advisories::CpeMatch) -> String {
    let mut parts = vec![m.criteria.clone()];
    for (label, v) in [
        (">=", &m.version_start_including),
        (">", &m.version_start_excluding),
        ("<=", &m.version_end_including),
        ("<", &m.version_end_excluding),
    ] {
        if let Some(v) = v {
            parts.push(format!("{label} {v}"));
        }
    }
    parts.join(" ")
}

/// NVD configurations whose vulnerable criteria name a CPE of the SBOM, each evaluated once
/// against every CPE of the SBOM.
fn match_nvd(index: &Index<'_>, platforms: &[Wfn], owners: &[usize], hits: &mut Vec<Hit>) {
    let mut candidates: BTreeSet<RangeRef> = BTreeSet::new();
    for w in platforms {
        if let Some(list) = cpe_key(w).and_then(|k| index.by_cpe.get(&k)) {
            candidates.extend(list.iter().copied());
        }
    }
    for (a, v, r) in candidates {
        let advisory = &index.advisories[a];
        let Some(AffectedRange::Nvd(raw)) = advisory.vulnerabilities[v].affected.get(r) else {
            continue;
        };
        let config = nvd_configuration(raw);
        let eval = cpenvd::evaluate(&config, platforms, versions::nvd_compare);
        let status = match eval.applies {
            Truth::Yes => FindingStatus::Affected,
            Truth::Unknown => FindingStatus::UnderInvestigation,
            Truth::No => continue,
        };
        let mut done: HashSet<usize> = HashSet::new();
        for e in eval.entries.iter().filter(|e| e.vulnerable) {
            let wanted = match status {
                FindingStatus::Affected => e.truth == Truth::Yes,
                _ => e.truth != Truth::No,
            };
            let Some(platform) = e.platform.filter(|_| wanted) else {
                continue;
            };
            let Some(&owner) = owners.get(platform) else {
                continue;
            };
            if owner == usize::MAX || !done.insert(owner) {
                continue;
            }
            let raw_match = raw.nodes.get(e.node).and_then(|n| n.cpe_match.get(e.entry));
            let relation = platforms
                .get(platform)
                .zip(Wfn::parse(&e.criteria).ok())
                .map(|(p, c)| baton_cpe::compare(&c, p).as_str())
                .unwrap_or("undefined");
            let others: Vec<String> = eval
                .entries
                .iter()
                .filter(|o| !o.vulnerable && o.truth == Truth::Yes)
                .map(|o| o.criteria.clone())
                .collect();
            let platform_cpe = platforms
                .get(platform)
                .map(|p| p.to_formatted_string())
                .unwrap_or_default();
            let mut matched = format!("{} is {relation} {platform_cpe}", e.criteria);
            if !others.is_empty() {
                matched.push_str(&format!(", running on {}", others.join(", ")));
            }
            hits.push(Hit {
                advisory: a,
                vulnerability: v,
                component: owner,
                status,
                justification: None,
                evidence: Evidence {
                    advisory: advisory.id.clone(),
                    method: Method::Cpe,
                    product: e.criteria.clone(),
                    matched,
                    range: raw_match.map(describe_cpe_match),
                    version: e.note.clone().unwrap_or_else(|| match status {
                        FindingStatus::Affected => "the version is in the range".to_string(),
                        _ => "the configuration may apply".to_string(),
                    }),
                    status,
                    confidence: Confidence::Exact,
                },
            });
        }
    }
}

fn version_rank(v: &str) -> (u32, u32) {
    let mut it = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn merge(
    advisories: &[Advisory],
    components: &[Component],
    hits: Vec<Hit>,
    options: &ScanOptions,
    per_advisory: bool,
) -> Vec<(usize, Finding)> {
    let mut groups: BTreeMap<(String, usize, usize), Vec<Hit>> = BTreeMap::new();
    for h in hits {
        let id = advisories[h.advisory].vulnerabilities[h.vulnerability]
            .id
            .clone();
        let part = if per_advisory { h.advisory } else { 0 };
        groups.entry((id, h.component, part)).or_default().push(h);
    }
    let mut findings = Vec::with_capacity(groups.len());
    for ((id, ci, part), group) in groups {
        let c = &components[ci];
        let mut aliases: BTreeSet<String> = BTreeSet::new();
        let mut source: BTreeSet<String> = BTreeSet::new();
        let mut cvss: Option<CvssScore> = None;
        let mut best: Option<(FindingStatus, Option<String>)> = None;
        let mut confidence = Confidence::Fuzzy;
        let mut evidence = Vec::new();
        for h in group {
            let advisory = &advisories[h.advisory];
            let vuln = &advisory.vulnerabilities[h.vulnerability];
            aliases.extend(vuln.aliases.iter().cloned());
            source.insert(advisory.id.clone());
            // A score stated for other products of the advisory is not this component's.
            for s in vuln.cvss.iter().filter(|s| {
                s.products.is_empty()
                    || h.evidence.method == Method::Cpe
                    || s.products.contains(&h.evidence.product)
            }) {
                let newer = cvss.as_ref().is_none_or(|cur| {
                    version_rank(&s.version) > version_rank(&cur.version)
                        || (version_rank(&s.version) == version_rank(&cur.version)
                            && cur.score.is_none()
                            && s.score.is_some())
                });
                if newer {
                    cvss = Some(CvssScore {
                        version: s.version.clone(),
                        vector: s.vector.clone(),
                        score: s.score,
                    });
                }
            }
            confidence = confidence.max(h.evidence.confidence);
            if best
                .as_ref()
                .is_none_or(|(s, _)| h.status.rank() > s.rank())
            {
                best = Some((h.status, h.justification.clone()));
            }
            evidence.push(h.evidence);
        }
        let Some((status, justification)) = best else {
            continue;
        };
        aliases.remove(&id);
        let kev = options.in_kev(&id) || aliases.iter().any(|a| options.in_kev(a));
        let epss = std::iter::once(&id)
            .chain(aliases.iter())
            .find_map(|k| options.epss.get(k).copied());
        findings.push((
            part,
            Finding {
                vulnerability_id: id,
                aliases: aliases.into_iter().collect(),
                component_ref: c.reference.to_string(),
                component_name: c.name.to_string(),
                component_version: component_version(c),
                component_purl: c.purl.clone(),
                component_cpes: c.cpes.clone(),
                status,
                justification,
                confidence,
                source: source.into_iter().collect(),
                kev,
                epss,
                cvss,
                evidence,
            },
        ));
    }
    findings
}

/// Applies the VEX documents of the options: each statement matched to a component (by purl,
/// CPE or the device-product rule) overrides the status of that component's finding for the
/// statement's vulnerability or any of its aliases.
fn apply_vex(findings: &mut [Finding], components: &[Component], options: &ScanOptions) {
    if options.vex.is_empty() || findings.is_empty() {
        return;
    }
    let sbom = Sbom::from_components(components.to_vec());
    for doc in &options.vex {
        let index = Index::build(std::slice::from_ref(doc));
        let mut hits = Vec::new();
        let inner = ScanOptions {
            vex: Vec::new(),
            ..options.clone()
        };
        for (i, c) in sbom.components.iter().enumerate() {
            match_purl(&index, i, c, &inner, &mut hits);
            match_products(&index, i, c, &inner, &mut hits);
        }
        for h in hits {
            if h.evidence.confidence < options.min_confidence {
                continue;
            }
            let vuln = &doc.vulnerabilities[h.vulnerability];
            let c = &components[h.component];
            for f in findings.iter_mut().filter(|f| {
                f.component_ref == c.reference
                    && f.component_name == c.name
                    && (f.vulnerability_id == vuln.id
                        || vuln.aliases.contains(&f.vulnerability_id)
                        || f.aliases.contains(&vuln.id))
            }) {
                f.status = h.status;
                f.justification = h.justification.clone();
                if !f.source.contains(&doc.id) {
                    f.source.push(doc.id.clone());
                    f.source.sort();
                }
                let mut ev = h.evidence.clone();
                ev.method = Method::Vex;
                f.evidence.push(ev);
            }
        }
    }
}
