//! NVD CVE API 2.0 `cpeMatch` version ranges: `versionStartIncluding`,
//! `versionStartExcluding`, `versionEndIncluding`, `versionEndExcluding`,
//! and the version field of the match's CPE name (`criteria`).
//!
//! - With any bound, the CPE version must be `*` (ANY); the bounds given
//!   form one interval (no bound on a side means unbounded).
//! - Without bounds, a CPE version of `*` matches every version, a concrete
//!   version matches versions equal to it under the scheme (a firmware
//!   pattern matches what it covers), and `-` (NA: "no version applies")
//!   is an error, as are an including and an excluding bound on one side.
//! - Only the CPE's version field is read. Its `update` field (`9.8:p7`)
//!   and the product fields are the CPE matcher's business.

use serde::{Deserialize, Serialize};

use crate::interval::{Bound, Member};
use crate::{RangeError, Scheme, Version};

/// The version part of an NVD `cpeMatch` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NvdRange {
    /// The CPE 2.3 name (`cpe:2.3:a:vendor:product:version:…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<String>,
    /// An exact version overriding the one in `criteria`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_including: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_excluding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_including: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_excluding: Option<String>,
}

fn nvd_error(reason: impl Into<String>) -> RangeError {
    RangeError::Nvd {
        reason: reason.into(),
    }
}

/// The version field (the sixth) of a CPE 2.3 formatted string, with its
/// backslash escapes removed; `None` if the string is not one.
pub fn cpe_version(cpe: &str) -> Option<String> {
    let rest = cpe.strip_prefix("cpe:2.3:")?;
    let mut field = 0;
    let mut current = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ':' => {
                if field == 3 {
                    return Some(current);
                }
                field += 1;
                current.clear();
            }
            c => current.push(c),
        }
    }
    (field == 3).then_some(current)
}

impl NvdRange {
    /// An exact-version match (as a CPE with that version and no bounds).
    pub fn exact(version: &str) -> NvdRange {
        NvdRange {
            version: Some(version.to_string()),
            ..NvdRange::default()
        }
    }

    /// The exact version: `version`, else the CPE's version field.
    pub fn exact_version(&self) -> Option<String> {
        self.version
            .clone()
            .or_else(|| self.criteria.as_deref().and_then(cpe_version))
    }

    fn member(&self, scheme: Scheme) -> Result<Option<Member>, RangeError> {
        let side = |inc: &Option<String>,
                    exc: &Option<String>,
                    name: &str|
         -> Result<Option<Bound>, RangeError> {
            match (inc, exc) {
                (Some(_), Some(_)) => Err(nvd_error(format!(
                    "both an including and an excluding {name} bound"
                ))),
                (Some(v), None) => Ok(Some(Bound {
                    version: Version::parse(scheme, v)?,
                    inclusive: true,
                })),
                (None, Some(v)) => Ok(Some(Bound {
                    version: Version::parse(scheme, v)?,
                    inclusive: false,
                })),
                (None, None) => Ok(None),
            }
        };
        let lower = side(
            &self.version_start_including,
            &self.version_start_excluding,
            "start",
        )?;
        let upper = side(
            &self.version_end_including,
            &self.version_end_excluding,
            "end",
        )?;
        let exact = self.exact_version();
        if lower.is_some() || upper.is_some() {
            return match exact.as_deref() {
                None | Some("*") => Ok(Some(Member::Interval { lower, upper })),
                Some(v) => Err(nvd_error(format!(
                    "version {v:?} given together with start/end bounds"
                ))),
            };
        }
        match exact.as_deref() {
            None | Some("*") => Ok(None),
            Some("-") => Err(nvd_error(
                "the CPE version is NA (\"-\"): no version applies",
            )),
            Some(v) => Ok(Some(Member::Exact(Version::parse(scheme, v)?))),
        }
    }

    /// Whether `version` (read with `scheme`) is in the range.
    pub fn contains(&self, scheme: Scheme, version: &str) -> Result<bool, RangeError> {
        let v = Version::parse(scheme, version)?;
        match self.member(scheme)? {
            None => Ok(true),
            Some(m) => m.contains(&v),
        }
    }
}
