//! Versions and version ranges for matching vulnerabilities to the
//! components of medical devices.
//!
//! Baton learns which component versions a device runs (from SBOMs and
//! inventories) and which versions an advisory affects (OSV records, CSAF
//! advisories, NVD CPE matches, purl `vers` ranges). This crate answers the
//! question between the two: *is this version inside that range?*
//!
//! - [`Scheme`] names a way of writing and ordering versions; [`Version`]
//!   is a string parsed under one scheme (parse once, compare many);
//!   [`compare`] orders two strings. Comparisons that have no answer
//!   (firmware `A10` against `B2`) are errors, never guesses.
//! - [`parse_vers`] reads `vers:` ranges strictly; [`OsvAffected`],
//!   [`parse_csaf_range`] and [`NvdRange`] read the range forms of OSV, CSAF
//!   (including the free text of medical advisories) and NVD.
//! - [`check_lines`] / [`check_reader`] implement `vers check`.
//!
//! Each scheme's module documents its rules; [`firmware`] documents the
//! scheme Baton defines for device firmware, and [`csaf`] the free-text
//! range forms it reads.
//!
//! The crate opens no files and holds no global state; `check_reader`
//! reads and writes only the streams it is given.

pub mod apk;
mod check;
pub mod csaf;
pub mod deb;
mod error;
pub mod firmware;
pub mod gem;
pub mod generic;
pub mod interval;
pub mod maven;
pub mod nuget;
mod num;
pub mod nvd;
pub mod osv;
mod plain;
pub mod pypi;
pub mod rpm;
mod scheme;
pub mod semver_family;
mod text;
pub mod vers;
mod version;

pub use check::{CheckOutcome, Checker, check_lines, check_reader};
pub use csaf::{CsafRange, CsafReading, parse_csaf_range, parse_csaf_range_with};
pub use error::{RangeError, VersionError};
pub use nvd::{NvdRange, cpe_version};
pub use osv::{OsvAffected, OsvEvent, OsvMatcher, OsvRange, OsvRangeKind};
pub use scheme::Scheme;
pub use vers::{Comparator, Constraint, VersRange, parse_vers};
pub use version::{Version, compare};
