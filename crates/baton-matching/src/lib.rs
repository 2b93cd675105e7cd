//! Vulnerability matching for Baton: which components of an SBOM the advisories touch, with
//! evidence for every answer.
//!
//! [`scan`] takes one SBOM, the advisories read by `baton-advisories` and [`ScanOptions`] (VEX
//! statements, KEV and EPSS data, the confidence asked for) and gives a [`ScanReport`] whose
//! [`Finding`]s are sorted by vulnerability then component. Three rules find candidates through
//! an [`Index`] built once over the advisories:
//!
//! 1. **purl**: the component's purl (type, namespace, name) against OSV packages (ecosystem
//!    and name, or purl) and CSAF products identified by purl; versions by the OSV ranges.
//! 2. **CPE**: the component's CPE names against NVD configurations (vendor and product of each
//!    vulnerable criterion), evaluated with every CPE of the SBOM as the platform, so that
//!    "firmware AND hardware" needs both; and against CSAF products identified by CPE.
//! 3. **device product**: the component's supplier, manufacturer or publisher naming the CSAF
//!    product's vendor and its name the product name ([`names`]); the version through the
//!    product's `product_version` or `product_version_range`.
//!
//! A version that cannot be compared gives `under_investigation` with the reason in the
//! evidence, never a silent answer. VEX statements given in [`ScanOptions::vex`] then override
//! the status of each (vulnerability, component) they match. [`run_scan`] is the standalone
//! `baton scan` command.

pub mod bench;
mod cli;
pub mod keys;
pub mod names;
mod output;
pub mod purl;
mod scan;
mod versions;

pub use cli::{
    OutputFormat, ScanArgs, ScanError, files_under, read_advisories, read_advisories_for, run_scan,
    run_scan_with,
};
pub use output::{to_cyclonedx, to_json};
pub use scan::{
    Confidence, CvssScore, Epss, Evidence, Finding, FindingStatus, Index, Method, Part, Rules,
    ScanOptions, ScanReport, merge_parts, scan, scan_parts, scan_with_index,
};
