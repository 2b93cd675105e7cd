//! OpenAPI schemas of store rows whose types do not derive them (the findings rows live in a
//! module kept free of the HTTP service's concerns). Each mirrors the row's serialized form field
//! for field; `tests/openapi.rs` checks real rows against them.

#![allow(dead_code)]

use utoipa::ToSchema;

/// The status of a finding, as VEX states it.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum VexStatus {
    Affected,
    NotAffected,
    Fixed,
    UnderInvestigation,
}

#[derive(ToSchema)]
pub struct EpssValue {
    pub score: f64,
    pub percentile: f64,
}

#[derive(ToSchema)]
pub struct CvssValue {
    pub version: String,
    pub vector: String,
    pub score: Option<f64>,
}

/// One finding: a vulnerability in a component of a release.
#[derive(ToSchema)]
pub struct FindingRow {
    pub finding_id: i64,
    pub vulnerability_id: String,
    pub aliases: Vec<String>,
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub component_ref: String,
    pub component_name: String,
    pub component_version: Option<String>,
    pub status: VexStatus,
    /// With not_affected: why (the CSAF / OpenVEX justifications, or the VEX document's own)
    pub justification: Option<String>,
    /// exact, normalized, alias or fuzzy
    pub confidence: String,
    pub source: Vec<String>,
    /// In CISA's KEV catalog
    pub kev: bool,
    pub epss: Option<EpssValue>,
    pub cvss: Option<CvssValue>,
    pub first_seen: String,
    pub last_seen: String,
    /// Affected assets in use (for one asset: 1)
    pub assets: i64,
    /// What matched, advisory by advisory (absent when empty)
    #[schema(value_type = Option<Vec<Object>>)]
    pub evidence: Option<Vec<String>>,
}

/// One analyst's or VEX document's decision on a finding.
#[derive(ToSchema)]
pub struct FindingDecision {
    pub id: i64,
    pub finding_id: i64,
    /// `ORG/ASSET-ID` for a decision on one asset; absent for the release
    pub asset: Option<String>,
    pub status: VexStatus,
    pub justification: Option<String>,
    pub note: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
    /// `cli`, or `vex:SOURCE:ID` for a VEX document
    pub origin: String,
}
