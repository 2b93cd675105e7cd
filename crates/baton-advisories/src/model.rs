//! The normalized advisory model. A vulnerability (usually a CVE) is kept apart from the
//! advisories that speak of it: one CVE may appear in a CISA ICSMA, an NVD record and an OSV entry,
//! each an [`Advisory`] of its own with its own view of products and status.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AdvisorySource {
    /// CSAF 2.0/2.1 of any category other than `csaf_vex`.
    Csaf,
    /// CSAF with `document.category` `csaf_vex`.
    CsafVex,
    /// OpenVEX 0.0.x / 0.2.0.
    OpenVex,
    /// OSV, JSON or YAML.
    Osv,
    /// NVD CVE API 2.0 record.
    Nvd,
    /// CVE JSON 5 record (CVE Services / cvelistV5).
    Cve5,
    /// CycloneDX 1.4 – 1.6 JSON with `vulnerabilities` (a VEX BOM or an SBOM with embedded VEX).
    CycloneDxVex,
}

/// One document (or one record of a document holding many, as an NVD API page does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The document's own id: CSAF `tracking.id` (ICSMA-24-…), OpenVEX `@id`, OSV `id`, the CVE id
    /// for NVD and CVE 5, CycloneDX `<serialNumber>/<version>` (or `cyclonedx-vex:<hash>` of the
    /// content when the BOM has no serial number).
    pub id: String,
    pub source: AdvisorySource,
    pub title: Option<String>,
    /// Who published it: CSAF publisher name, OpenVEX author, NVD `sourceIdentifier`, CVE 5
    /// assigner short name, the CycloneDX BOM's manufacturer, supplier or author.
    pub publisher: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    /// OSV `withdrawn`, or the date a CVE 5 record was rejected: the advisory no longer stands.
    pub withdrawn: Option<DateTime<Utc>>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub products: Vec<Product>,
    /// Reference URLs of the document as a whole.
    pub references: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// One vulnerability as this advisory describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// The CVE when there is one, else the first other id the document gives, else the
    /// advisory's own id.
    pub id: String,
    /// Every other id it is known by (CVE, GHSA, RUSTSEC, PYSEC, the ICSMA advisory id, …),
    /// without duplicates and without `id` itself.
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub cvss: Vec<Cvss>,
    /// `CWE-nnn` as written.
    pub cwes: Vec<String>,
    /// What the advisory says about each product (CSAF product status, OpenVEX statement, the
    /// synthetic products of OSV and NVD).
    pub statuses: Vec<ProductStatus>,
    /// Version data kept raw for the version engine: OSV ranges, NVD configurations, CVE 5
    /// affected entries.
    pub affected: Vec<AffectedRange>,
    /// CSAF remediations (group ids resolved into product ids), CVE 5 solutions.
    pub remediations: Vec<Remediation>,
}

/// A CVSS vector with the score the document states, or the score computed from the vector when
/// the document states none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// "2.0", "3.0", "3.1" or "4.0".
    pub version: String,
    pub vector: String,
    pub score: Option<f64>,
    /// Who scored it, when the document says (NVD `source`, CVE 5 container).
    pub source: Option<String>,
    /// Product ids the score is for (CSAF `scores[].products`); empty means every product.
    pub products: Vec<String>,
}

/// The status one advisory gives one product for one vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductStatus {
    /// A product id of [`Advisory::products`].
    pub product: String,
    pub status: Status,
    /// For not-affected products: one of the five CSAF/OpenVEX labels (`component_not_present`,
    /// `vulnerable_code_not_present`, `vulnerable_code_not_in_execute_path`,
    /// `vulnerable_code_cannot_be_controlled_by_adversary`, `inline_mitigations_already_exist`),
    /// as written.
    pub justification: Option<String>,
    /// CSAF `threats` of category `impact`, OpenVEX `impact_statement` or CycloneDX
    /// `analysis.detail` (followed by the CycloneDX justification the label was mapped from).
    pub impact: Option<String>,
    /// The kind of remedy that names this product: the CSAF remediation category ranked
    /// `vendor_fix` > `mitigation` > `workaround` > `none_available` > `no_fix_planned` (CycloneDX
    /// `analysis.response` mapped onto those), or the OpenVEX `action_statement`.
    pub remediation: Option<String>,
}

/// Product status, after CSAF `product_status` and OpenVEX `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    /// CSAF `known_affected`, OpenVEX `affected`, OSV and NVD vulnerable products.
    Affected,
    FirstAffected,
    LastAffected,
    /// CSAF `known_not_affected`, OpenVEX `not_affected`.
    NotAffected,
    Fixed,
    FirstFixed,
    UnderInvestigation,
    Recommended,
}

impl Status {
    /// The CSAF `product_status` key.
    pub fn csaf_key(self) -> &'static str {
        match self {
            Status::Affected => "known_affected",
            Status::FirstAffected => "first_affected",
            Status::LastAffected => "last_affected",
            Status::NotAffected => "known_not_affected",
            Status::Fixed => "fixed",
            Status::FirstFixed => "first_fixed",
            Status::UnderInvestigation => "under_investigation",
            Status::Recommended => "recommended",
        }
    }

    pub fn from_csaf_key(key: &str) -> Option<Status> {
        Some(match key {
            "known_affected" => Status::Affected,
            "first_affected" => Status::FirstAffected,
            "last_affected" => Status::LastAffected,
            "known_not_affected" => Status::NotAffected,
            "fixed" => Status::Fixed,
            "first_fixed" => Status::FirstFixed,
            "under_investigation" => Status::UnderInvestigation,
            "recommended" => Status::Recommended,
            _ => return None,
        })
    }

    /// Whether the product is vulnerable as stated.
    pub fn is_affected(self) -> bool {
        matches!(
            self,
            Status::Affected | Status::FirstAffected | Status::LastAffected
        )
    }

    pub fn is_fixed(self) -> bool {
        matches!(self, Status::Fixed | Status::FirstFixed)
    }
}

/// A product as the advisory names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// CSAF `product_id`; for OSV `<ecosystem>:<name>` (with `#n` when a package appears more
    /// than once); for NVD the cpeMatch `criteria`; for CVE 5 `<vendor>:<product>`; for CycloneDX
    /// the `affects[].ref` (`<ref>#n` for its n-th version or range).
    pub id: String,
    /// As written (see [`crate::normalize_vendor`] and [`crate::canonical_vendor`] for matching).
    pub vendor: Option<String>,
    /// CSAF `product_name` branch (or `product_family` when there is no name); OSV package name;
    /// CPE product.
    pub name: Option<String>,
    /// CSAF `product_version` branch; a CPE's fixed version.
    pub version: Option<String>,
    /// CSAF `product_version_range` as written (`<= 12.1.3`, `vers:generic/…`, free text).
    pub version_range: Option<String>,
    /// OSV ecosystem (`crates.io`, `PyPI`, …).
    pub ecosystem: Option<String>,
    pub purls: Vec<String>,
    pub cpes: Vec<String>,
    pub model_numbers: Vec<String>,
    pub skus: Vec<String>,
    pub serial_numbers: Vec<String>,
    /// `algorithm:value` of CSAF file hashes.
    pub hashes: Vec<String>,
    pub sbom_urls: Vec<String>,
    /// CSAF full product name.
    pub full_name: Option<String>,
    /// Every CSAF branch from the root to this product, as (category, name).
    pub branch_path: Vec<(String, String)>,
    /// For CSAF relationship products: how two other products combine.
    pub relationship: Option<Relationship>,
}

/// A CSAF relationship: `component` (`product_reference`) is `category` of `platform`
/// (`relates_to_product_reference`); e.g. firmware `installed_on` a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub category: String,
    pub component: String,
    pub platform: String,
}

/// A remedy and the products it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// CSAF category (`vendor_fix`, `mitigation`, `workaround`, `none_available`,
    /// `no_fix_planned`); `solution` for CVE 5.
    pub category: String,
    pub details: Option<String>,
    pub url: Option<String>,
    pub date: Option<DateTime<Utc>>,
    /// Product ids, group ids already resolved; empty means every product.
    pub products: Vec<String>,
}

/// Raw version data, kept as the source wrote it for the version engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum AffectedRange {
    Osv(OsvAffected),
    Nvd(NvdConfiguration),
    Cve5(Cve5Affected),
}

/// One OSV `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OsvAffected {
    /// The synthetic product id of [`Product::id`].
    pub product: String,
    pub ecosystem: Option<String>,
    pub name: Option<String>,
    pub purl: Option<String>,
    pub ranges: Vec<OsvRange>,
    pub versions: Vec<String>,
    /// `ecosystem_specific` and `database_specific`, untouched.
    pub ecosystem_specific: Option<serde_json::Value>,
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRange {
    /// `SEMVER`, `ECOSYSTEM` or `GIT` (anything else is kept and warned about).
    pub kind: String,
    /// The repository of a `GIT` range.
    pub repo: Option<String>,
    pub events: Vec<OsvEvent>,
}

/// One event, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OsvEvent {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

/// One NVD `configurations[]` entry: nodes combined by `operator` (absent means OR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NvdConfiguration {
    pub operator: Option<String>,
    pub negate: bool,
    pub nodes: Vec<NvdNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NvdNode {
    /// `OR` or `AND` over the matches.
    pub operator: String,
    pub negate: bool,
    pub cpe_match: Vec<CpeMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpeMatch {
    pub vulnerable: bool,
    pub criteria: String,
    pub match_criteria_id: Option<String>,
    pub version_start_including: Option<String>,
    pub version_start_excluding: Option<String>,
    pub version_end_including: Option<String>,
    pub version_end_excluding: Option<String>,
}

/// One CVE 5 `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cve5Affected {
    /// The synthetic product id of [`Product::id`].
    pub product: String,
    pub vendor: Option<String>,
    pub product_name: Option<String>,
    pub package_name: Option<String>,
    pub collection_url: Option<String>,
    /// `affected`, `unaffected` or `unknown`: the status of versions no entry covers.
    pub default_status: Option<String>,
    pub versions: Vec<Cve5Version>,
    pub cpes: Vec<String>,
    pub platforms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cve5Version {
    pub version: String,
    pub status: String,
    pub version_type: Option<String>,
    pub less_than: Option<String>,
    pub less_than_or_equal: Option<String>,
}

/// Something odd that did not stop the document being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    /// JSON pointer into the document (`/vulnerabilities/0/product_status/known_affected/2`);
    /// for YAML the pointer of the equivalent JSON; for CSV `line N`.
    pub location: String,
    pub message: String,
}

/// What a warning is about. Kinds that correspond to a CSAF 2.0 test name it in
/// [`WarningKind::csaf_test`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WarningKind {
    /// A field has an unexpected JSON type and was ignored (or read as text).
    WrongType,
    /// A field the format requires is absent.
    Missing,
    /// A value outside the format's vocabulary (status, category, range type, …).
    UnknownValue,
    /// A date that does not parse.
    BadDate,
    /// An id that does not have the expected shape (CVE, CWE, purl, CPE).
    BadId,
    /// A CVSS vector that does not parse, or a score object missing required parts (CSAF 6.1.8).
    BadCvss,
    /// The stated score or severity differs from the one computed from the vector (CSAF 6.1.9).
    CvssScoreMismatch,
    /// The CVSS object's metric fields differ from its vector (CSAF 6.1.10).
    CvssInconsistent,
    /// One product has two scores of the same CVSS version (CSAF 6.1.7).
    DuplicateScore,
    /// A product id is used but never defined (CSAF 6.1.1).
    UndefinedProduct,
    /// A product id is defined twice (CSAF 6.1.2).
    DuplicateProduct,
    /// A relationship refers back to the product it defines (CSAF 6.1.3).
    CircularRelationship,
    /// A product group id is used but never defined (CSAF 6.1.4).
    UndefinedGroup,
    /// A product group id is defined twice (CSAF 6.1.5).
    DuplicateGroup,
    /// One product is in contradicting status groups (CSAF 6.1.6).
    ContradictingStatus,
    /// One CVE is used by two vulnerabilities of the document (CSAF 6.1.23).
    DuplicateCve,
    /// The document lacks what its category requires (CSAF 6.1.27.x).
    ProfileViolation,
    /// A remediation names no product or group (CSAF 6.1.29).
    RemediationWithoutProduct,
    /// A `product_version` branch holds a range (CSAF 6.1.31).
    VersionRangeInVersion,
    /// A flag names no product or group (CSAF 6.1.32).
    FlagWithoutProduct,
    /// One product has two VEX justification flags (CSAF 6.1.33).
    MultipleJustifications,
    /// A CSAF product with no product identification helper (no purl, CPE, model number, …):
    /// matching has to go by vendor and product names (CSAF optional test 6.2.16).
    MissingIdentifier,
    /// A CSAF `product_version_range` that is free text, not a `vers:` string (CSAF optional
    /// test 6.2.18): the version engine has to interpret it.
    RangeWithoutVers,
    /// An OSV range that cannot be evaluated as written (no `introduced`, an event with not
    /// exactly one key, a GIT range without repo).
    BadRange,
    /// A record that contradicts itself or its container (page counts, KEV `count`, the same id
    /// twice).
    Inconsistent,
}

impl WarningKind {
    /// The CSAF 2.0 test this kind checks, if any: mandatory (6.1.x) or optional (6.2.x).
    pub fn csaf_test(self) -> Option<&'static str> {
        Some(match self {
            WarningKind::UndefinedProduct => "6.1.1",
            WarningKind::DuplicateProduct => "6.1.2",
            WarningKind::CircularRelationship => "6.1.3",
            WarningKind::UndefinedGroup => "6.1.4",
            WarningKind::DuplicateGroup => "6.1.5",
            WarningKind::ContradictingStatus => "6.1.6",
            WarningKind::DuplicateScore => "6.1.7",
            WarningKind::BadCvss => "6.1.8",
            WarningKind::CvssScoreMismatch => "6.1.9",
            WarningKind::CvssInconsistent => "6.1.10",
            WarningKind::DuplicateCve => "6.1.23",
            WarningKind::ProfileViolation => "6.1.27",
            WarningKind::RemediationWithoutProduct => "6.1.29",
            WarningKind::VersionRangeInVersion => "6.1.31",
            WarningKind::FlagWithoutProduct => "6.1.32",
            WarningKind::MultipleJustifications => "6.1.33",
            WarningKind::MissingIdentifier => "6.2.16",
            WarningKind::RangeWithoutVers => "6.2.18",
            _ => return None,
        })
    }

    /// A stable lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::WrongType => "wrong-type",
            WarningKind::Missing => "missing",
            WarningKind::UnknownValue => "unknown-value",
            WarningKind::BadDate => "bad-date",
            WarningKind::BadId => "bad-id",
            WarningKind::BadCvss => "bad-cvss",
            WarningKind::CvssScoreMismatch => "cvss-score-mismatch",
            WarningKind::CvssInconsistent => "cvss-inconsistent",
            WarningKind::DuplicateScore => "duplicate-score",
            WarningKind::UndefinedProduct => "undefined-product",
            WarningKind::DuplicateProduct => "duplicate-product",
            WarningKind::CircularRelationship => "circular-relationship",
            WarningKind::UndefinedGroup => "undefined-group",
            WarningKind::DuplicateGroup => "duplicate-group",
            WarningKind::ContradictingStatus => "contradicting-status",
            WarningKind::DuplicateCve => "duplicate-cve",
            WarningKind::ProfileViolation => "profile-violation",
            WarningKind::RemediationWithoutProduct => "remediation-without-product",
            WarningKind::VersionRangeInVersion => "version-range-in-version",
            WarningKind::FlagWithoutProduct => "flag-without-product",
            WarningKind::MultipleJustifications => "multiple-justifications",
            WarningKind::MissingIdentifier => "missing-identifier",
            WarningKind::RangeWithoutVers => "range-without-vers",
            WarningKind::BadRange => "bad-range",
            WarningKind::Inconsistent => "inconsistent",
        }
    }
}

impl std::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What [`crate::parse`] read from one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    /// The detected format.
    pub format: Format,
    pub advisories: Vec<Advisory>,
    /// Warnings about the file as a whole (an NVD page's counts, YAML with a second document);
    /// each advisory carries its own.
    pub warnings: Vec<Warning>,
}

/// Formats [`crate::parse`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    Csaf,
    OpenVex,
    OsvJson,
    OsvYaml,
    NvdApi,
    Cve5,
    CycloneDxVex,
}

/// A document that cannot be read. Every variant names the file; the location is a JSON pointer,
/// a line and column, or a CSV line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdvisoryError {
    /// Not an advisory at all (a README, a checksum, a signature, a feed index, a KEV catalog):
    /// a directory scan skips it with a warning.
    #[error("{file}: not an advisory: {reason}")]
    NotAnAdvisory { file: String, reason: String },
    #[error("{file}: {size} bytes is more than the {limit}-byte limit for one document")]
    TooLarge { file: String, size: u64, limit: u64 },
    /// JSON or YAML that does not parse: truncated, malformed, nested too deep.
    #[error("{file}: line {line}, column {column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A document of a known format whose structure cannot be used (the top level or a required
    /// part has the wrong type or is missing).
    #[error("{file}: {pointer}: {message}")]
    Invalid {
        file: String,
        pointer: String,
        message: String,
    },
    /// A CSV line (EPSS) that cannot be read.
    #[error("{file}: line {line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    /// A gzip stream that cannot be inflated.
    #[error("{file}: gzip: {message}")]
    Gzip { file: String, message: String },
}
