//! Errors of this crate. Every message names the value it is about, so a
//! line of `vers check` output or a matching report can be acted on alone.

use crate::Scheme;

/// A version string that cannot be read, or two versions that cannot be
/// ordered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The version string is empty (or only whitespace).
    #[error("empty {scheme} version")]
    Empty { scheme: Scheme },
    /// The string is not a version of this scheme.
    #[error("invalid {scheme} version {version:?}: {reason}")]
    Invalid {
        scheme: Scheme,
        version: String,
        reason: String,
    },
    /// Both versions are valid but the scheme gives them no order (for
    /// example firmware `A10` and `B2`: two product lines).
    #[error("{scheme} versions {left:?} and {right:?} cannot be compared: {reason}")]
    Incomparable {
        scheme: Scheme,
        left: String,
        right: String,
        reason: String,
    },
    /// A wildcard pattern such as `12.2.x.x` was used where one concrete
    /// version is needed.
    #[error(
        "{scheme} version {version:?} is a wildcard pattern; it can only be used as a range bound"
    )]
    Wildcard { scheme: Scheme, version: String },
    /// Versions of two different schemes were compared.
    #[error("cannot compare a {left} version with a {right} version")]
    SchemeMismatch { left: Scheme, right: Scheme },
    /// The scheme name is not one Baton knows.
    #[error("unknown version scheme {0:?}")]
    UnknownScheme(String),
}

/// A range that cannot be read, or a containment question it cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// A malformed `vers:` string.
    #[error("invalid vers range {range:?}: {reason}")]
    Vers { range: String, reason: String },
    /// A `vers:` string whose versioning scheme Baton does not know.
    #[error("unknown versioning scheme {scheme:?} in {range:?}")]
    UnknownScheme { range: String, scheme: String },
    /// A CSAF `product_version_range` value that has no documented reading.
    #[error("unreadable CSAF product_version_range {value:?}: {reason}")]
    Csaf { value: String, reason: String },
    /// An OSV range that cannot be evaluated.
    #[error("OSV range: {reason}")]
    Osv { reason: String },
    /// An OSV ecosystem that Baton cannot map to a version scheme.
    #[error("unknown OSV ecosystem {0:?}")]
    UnknownEcosystem(String),
    /// An NVD CPE match whose version fields contradict each other.
    #[error("NVD version range: {reason}")]
    Nvd { reason: String },
    /// A version in the range, or the version tested, failed.
    #[error(transparent)]
    Version(#[from] VersionError),
}
