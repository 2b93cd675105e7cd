//! Unions of intervals over parsed versions, shared by the CSAF and NVD
//! readers.
//!
//! A set answers `true` if any member contains the version and `false` if
//! every member excludes it. When no member contains it and one of them
//! cannot be compared with it (firmware `L90` against `<= U61`), the answer
//! is that error: Baton does not read "cannot be compared" as "outside".

use std::cmp::Ordering;
use std::fmt;

use crate::{RangeError, VersRange, Version};

/// One end of an interval.
#[derive(Debug, Clone)]
pub struct Bound {
    pub version: Version,
    pub inclusive: bool,
}

/// A member of a version set.
#[derive(Debug, Clone)]
pub enum Member {
    /// One version, or every version a wildcard pattern matches.
    Exact(Version),
    /// Versions between two optional bounds.
    Interval {
        lower: Option<Bound>,
        upper: Option<Bound>,
    },
    /// A `vers:` range.
    Vers(VersRange),
}

impl Member {
    pub(crate) fn contains(&self, v: &Version) -> Result<bool, RangeError> {
        match self {
            Member::Exact(e) => Ok(v.locate(e)? == Ordering::Equal),
            Member::Vers(r) => r.contains_version(v),
            Member::Interval { lower, upper } => {
                let above = lower.as_ref().map(|b| {
                    v.locate(&b.version)
                        .map(|p| p == Ordering::Greater || (b.inclusive && p == Ordering::Equal))
                });
                let below = upper.as_ref().map(|b| {
                    v.locate(&b.version)
                        .map(|p| p == Ordering::Less || (b.inclusive && p == Ordering::Equal))
                });
                // An intersection is false as soon as one side is false.
                match (above, below) {
                    (Some(Ok(false)), _) | (_, Some(Ok(false))) => Ok(false),
                    (Some(Err(e)), _) | (_, Some(Err(e))) => Err(e.into()),
                    _ => Ok(true),
                }
            }
        }
    }
}

/// True if any member contains `v`; see the module documentation for errors.
pub(crate) fn union_contains(members: &[Member], v: &Version) -> Result<bool, RangeError> {
    let mut first_error = None;
    for m in members {
        match m.contains(v) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(false),
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Member::Exact(v) if v.is_wildcard() => write!(f, "matches {v}"),
            Member::Exact(v) => write!(f, "= {v}"),
            Member::Vers(r) => write!(f, "{r}"),
            Member::Interval { lower, upper } => {
                match lower {
                    Some(b) => write!(f, "{}{}", if b.inclusive { "[" } else { "(" }, b.version)?,
                    None => f.write_str("(..")?,
                }
                f.write_str(", ")?;
                match upper {
                    Some(b) => write!(f, "{}{}", b.version, if b.inclusive { "]" } else { ")" }),
                    None => f.write_str("..)"),
                }
            }
        }
    }
}
