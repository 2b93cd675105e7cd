//! The one normalized SBOM model every reader produces.

use chrono::NaiveDate;
pub use compact_str::CompactString;
use serde::Serialize;

/// The document formats Baton reads. The keys are a public contract (`baton sbom check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SbomFormat {
    #[serde(rename = "cyclonedx-json")]
    CycloneDxJson,
    #[serde(rename = "cyclonedx-xml")]
    CycloneDxXml,
    #[serde(rename = "spdx-json")]
    SpdxJson,
    #[serde(rename = "spdx-tag-value")]
    SpdxTagValue,
    #[serde(rename = "spdx-yaml")]
    SpdxYaml,
    #[serde(rename = "spdx3-jsonld")]
    Spdx3JsonLd,
}

impl SbomFormat {
    pub fn key(self) -> &'static str {
        match self {
            SbomFormat::CycloneDxJson => "cyclonedx-json",
            SbomFormat::CycloneDxXml => "cyclonedx-xml",
            SbomFormat::SpdxJson => "spdx-json",
            SbomFormat::SpdxTagValue => "spdx-tag-value",
            SbomFormat::SpdxYaml => "spdx-yaml",
            SbomFormat::Spdx3JsonLd => "spdx3-jsonld",
        }
    }
}

/// A component's end-of-support date as written: a date, or text where a date belongs (real
/// device SBOMs write "Until hardware support ends").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum SupportDate {
    Date(NaiveDate),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hash {
    /// Algorithm as the document names it, normalized to upper case with dashes (SHA-256).
    pub algorithm: CompactString,
    /// Lower-case hex.
    pub value: String,
}

/// A component. Fields that are nearly always short (references, names, versions, types,
/// parties, license ids, the support level) are [`CompactString`]s, kept inline up to 24 bytes:
/// a large SBOM has millions of them, and a heap allocation each made the model of a 70 MB
/// document take more than twice the file's size. Long ones (purl, CPEs, hash values,
/// description) stay `String`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Component {
    /// `bom-ref` (CycloneDX) or SPDXID / `spdxId` (SPDX), falling back to `name@version`.
    pub reference: CompactString,
    pub name: CompactString,
    pub version: Option<CompactString>,
    /// CycloneDX `type` (application, library, firmware, device, operating-system,
    /// cryptographic-asset, …); SPDX `primaryPackagePurpose` / `software_primaryPurpose`, lower
    /// case with dashes.
    pub kind: Option<CompactString>,
    pub supplier: Option<CompactString>,
    pub manufacturer: Option<CompactString>,
    pub publisher: Option<CompactString>,
    pub author: Option<CompactString>,
    pub purl: Option<String>,
    pub cpes: Vec<String>,
    /// SWID tag id, if any.
    pub swid: Option<String>,
    pub hashes: Vec<Hash>,
    /// License ids or expressions as written.
    pub licenses: Vec<CompactString>,
    pub description: Option<String>,
    /// FDA level of support, as written (`cdx:fda:level-of-support`, a free-form "Level of Support"
    /// property, or an SPDX annotation).
    pub support_level: Option<CompactString>,
    /// FDA end-of-support date (`cdx:fda:end-of-support-date`, "End-of-Support", an SPDX annotation).
    pub end_of_support: Option<SupportDate>,
    /// Properties as (name, value), document order, except the FDA ones already read into
    /// `support_level` and `end_of_support` (kept once: large SBOMs carry them on every component).
    pub properties: Vec<(String, String)>,
    /// The reference of the enclosing component for nested CycloneDX components.
    pub parent: Option<CompactString>,
}

/// `from` depends on each of `to` (CycloneDX `dependencies`, SPDX `DEPENDS_ON`/`CONTAINS`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub from: CompactString,
    pub to: Vec<CompactString>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sbom {
    pub format: SbomFormat,
    /// `specVersion` (CycloneDX), `spdxVersion` without the prefix ("2.3"), or "3.0.x".
    pub spec_version: String,
    /// CycloneDX `serialNumber` / SPDX `documentNamespace` / SPDX 3 document `spdxId`.
    pub serial_number: Option<String>,
    pub name: Option<String>,
    /// Creation time, read in UTC, when it parses.
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
    /// Authors / creators as written ("Organization: Acme", "Person: …", or a name).
    pub authors: Vec<String>,
    /// Tools that made the document.
    pub tools: Vec<String>,
    /// What the SBOM describes (CycloneDX `metadata.component`, SPDX `documentDescribes`).
    pub subject: Option<Component>,
    /// Every component the document lists (CycloneDX: every entry of `components`, nested ones
    /// included, not `metadata.component`; SPDX: every package).
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
    /// Document-level properties (CycloneDX `metadata.properties`).
    pub properties: Vec<(String, String)>,
}

impl Sbom {
    /// A document holding only these components (what a matcher builds for a release).
    pub fn from_components(components: Vec<Component>) -> Sbom {
        Sbom {
            format: SbomFormat::CycloneDxJson,
            spec_version: String::new(),
            serial_number: None,
            name: None,
            timestamp: None,
            authors: Vec::new(),
            tools: Vec::new(),
            subject: None,
            components,
            dependencies: Vec::new(),
            properties: Vec::new(),
        }
    }
}

/// Something odd in a document that did not stop it being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// JSON pointer (`/components/3/version`), XML path (`/bom/components/component[4]/version`)
    /// or `line N` for tag-value.
    pub location: String,
    pub message: String,
}

/// A document and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub sbom: Sbom,
    pub warnings: Vec<Warning>,
}

/// A document that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct SbomError {
    /// File name plus pointer / path / line where known, e.g. `bom.json: /components/3`.
    pub location: String,
    pub message: String,
}
