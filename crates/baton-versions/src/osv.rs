//! OSV `affected[]` version information: `ranges` of events and the
//! `versions` list, evaluated as the OSV schema's "Evaluation" section says.
//!
//! - `ECOSYSTEM` ranges use the ecosystem's scheme
//!   ([`Scheme::from_osv_ecosystem`]); `SEMVER` ranges use SemVer 2.0.0
//!   precedence (the Go or npm reading of it for those ecosystems).
//! - Events are sorted by version (`introduced: "0"` first); walking them
//!   upwards, each `introduced` at or below the version sets "affected",
//!   each `fixed` at or below it and each `last_affected` below it clears
//!   it. Several introduced/fixed pairs therefore give several intervals.
//! - `limit` events bound the range from above (`"*"` is no bound).
//! - `GIT` ranges are about commits and cannot be evaluated against a
//!   version: they are skipped when the entry has other information, and an
//!   entry with nothing else is an error rather than "not affected".
//! - A version equal (by the scheme) to one of `versions` is affected.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{RangeError, Scheme, Version};

/// One `affected[]` entry's version information.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvAffected {
    #[serde(default)]
    pub ranges: Vec<OsvRange>,
    #[serde(default)]
    pub versions: Vec<String>,
}

/// An OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRange {
    #[serde(rename = "type")]
    pub kind: OsvRangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    pub events: Vec<OsvEvent>,
}

/// The `type` of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OsvRangeKind {
    Semver,
    Ecosystem,
    Git,
}

/// One event: exactly one key of `introduced`, `fixed`, `last_affected`,
/// `limit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OsvEvent {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

fn osv_error(reason: impl Into<String>) -> RangeError {
    RangeError::Osv {
        reason: reason.into(),
    }
}

/// The scheme a `SEMVER` range is evaluated with in an ecosystem.
fn semver_scheme(ecosystem_scheme: Option<Scheme>) -> Scheme {
    match ecosystem_scheme {
        Some(s @ (Scheme::Golang | Scheme::Npm | Scheme::Cargo)) => s,
        _ => Scheme::Semver,
    }
}

/// An event value in sort order: `introduced: "0"` below everything,
/// `limit: "*"` above everything.
#[derive(Debug, Clone)]
enum Point {
    Zero,
    At(Version),
    Infinity,
}

impl Point {
    fn cmp_point(&self, other: &Point) -> Result<Ordering, RangeError> {
        Ok(match (self, other) {
            (Point::Zero, Point::Zero) | (Point::Infinity, Point::Infinity) => Ordering::Equal,
            (Point::Zero, _) | (_, Point::Infinity) => Ordering::Less,
            (_, Point::Zero) | (Point::Infinity, _) => Ordering::Greater,
            (Point::At(a), Point::At(b)) => a.compare(b)?,
        })
    }

    /// Position of `v` relative to this point.
    fn locate(&self, v: &Version) -> Result<Ordering, RangeError> {
        Ok(match self {
            Point::Zero => Ordering::Greater,
            Point::Infinity => Ordering::Less,
            Point::At(p) => v.compare(p)?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// A range with its event versions parsed once.
#[derive(Debug, Clone)]
pub struct OsvMatcher {
    scheme: Scheme,
    events: Vec<(EventKind, Point)>,
}

impl OsvRange {
    /// Parses and sorts the events for `ecosystem_scheme` (the scheme of the
    /// package's ecosystem, `None` when unknown: only `SEMVER` ranges can be
    /// evaluated then).
    pub fn compile(&self, ecosystem_scheme: Option<Scheme>) -> Result<OsvMatcher, RangeError> {
        let scheme = match self.kind {
            OsvRangeKind::Git => {
                return Err(osv_error(
                    "a GIT range lists commits and cannot be evaluated against a version",
                ));
            }
            OsvRangeKind::Semver => semver_scheme(ecosystem_scheme),
            OsvRangeKind::Ecosystem => ecosystem_scheme
                .ok_or_else(|| osv_error("an ECOSYSTEM range needs a known ecosystem"))?,
        };
        if !self
            .events
            .iter()
            .any(|e| matches!(e, OsvEvent::Introduced(_)))
        {
            return Err(osv_error("the range has no introduced event"));
        }
        let mut events = Vec::with_capacity(self.events.len());
        for e in &self.events {
            let (kind, value) = match e {
                OsvEvent::Introduced(v) => (EventKind::Introduced, v),
                OsvEvent::Fixed(v) => (EventKind::Fixed, v),
                OsvEvent::LastAffected(v) => (EventKind::LastAffected, v),
                OsvEvent::Limit(v) => (EventKind::Limit, v),
            };
            let point = match (kind, value.as_str()) {
                (EventKind::Introduced, "0") => Point::Zero,
                (EventKind::Limit, "*") => Point::Infinity,
                (_, text) => Point::At(Version::parse(scheme, text)?),
            };
            events.push((kind, point));
        }
        // Insertion sort: event lists are short and comparisons may fail.
        for i in 1..events.len() {
            let mut j = i;
            while j > 0 && events[j - 1].1.cmp_point(&events[j].1)? == Ordering::Greater {
                events.swap(j - 1, j);
                j -= 1;
            }
        }
        Ok(OsvMatcher { scheme, events })
    }

    /// Whether the range contains `version` in an ecosystem.
    pub fn contains(
        &self,
        ecosystem_scheme: Option<Scheme>,
        version: &str,
    ) -> Result<bool, RangeError> {
        let m = self.compile(ecosystem_scheme)?;
        m.contains(&Version::parse(m.scheme, version)?)
    }
}

impl OsvMatcher {
    /// The scheme the range's versions were read with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether the range contains `v` (read with [`OsvMatcher::scheme`]).
    pub fn contains(&self, v: &Version) -> Result<bool, RangeError> {
        let limits: Vec<&Point> = self
            .events
            .iter()
            .filter(|(k, _)| *k == EventKind::Limit)
            .map(|(_, p)| p)
            .collect();
        if !limits.is_empty() {
            let mut below_any = false;
            for l in limits {
                if l.locate(v)? == Ordering::Less {
                    below_any = true;
                }
            }
            if !below_any {
                return Ok(false);
            }
        }
        let mut affected = false;
        for (kind, point) in &self.events {
            let position = point.locate(v)?;
            match kind {
                EventKind::Introduced if position != Ordering::Less => affected = true,
                EventKind::Fixed if position != Ordering::Less => affected = false,
                EventKind::LastAffected if position == Ordering::Greater => affected = false,
                _ => {}
            }
        }
        Ok(affected)
    }
}

impl OsvAffected {
    /// Whether `version` of a package in `ecosystem` (an OSV ecosystem name
    /// such as `PyPI` or `Debian:12`) is affected.
    ///
    /// ```
    /// let a: baton_versions::OsvAffected = serde_json::from_str(
    ///     r#"{"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}"#,
    /// ).unwrap();
    /// assert_eq!(a.affects("crates.io", "1.2.2"), Ok(true));
    /// assert_eq!(a.affects("crates.io", "1.2.3"), Ok(false));
    /// ```
    pub fn affects(&self, ecosystem: &str, version: &str) -> Result<bool, RangeError> {
        let ecosystem_scheme = Scheme::from_osv_ecosystem(ecosystem);
        if let Some(scheme) = ecosystem_scheme {
            match Version::parse(scheme, version) {
                Ok(v) => {
                    for listed in &self.versions {
                        if Version::parse(scheme, listed)
                            .is_ok_and(|l| v.compare(&l) == Ok(Ordering::Equal))
                        {
                            return Ok(true);
                        }
                    }
                }
                Err(_) if self.versions.iter().any(|l| l == version) => return Ok(true),
                Err(_) => {}
            }
        } else if self.versions.iter().any(|l| l == version) {
            return Ok(true);
        }
        let evaluable: Vec<&OsvRange> = self
            .ranges
            .iter()
            .filter(|r| r.kind != OsvRangeKind::Git)
            .collect();
        if evaluable.is_empty() {
            if !self.versions.is_empty() {
                return Ok(false);
            }
            if self.ranges.is_empty() {
                return Err(osv_error("the entry has neither ranges nor versions"));
            }
            return Err(osv_error(
                "the entry only has GIT ranges and no versions list",
            ));
        }
        if ecosystem_scheme.is_none() && evaluable.iter().any(|r| r.kind == OsvRangeKind::Ecosystem)
        {
            return Err(RangeError::UnknownEcosystem(ecosystem.to_string()));
        }
        for r in evaluable {
            if r.contains(ecosystem_scheme, version)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
