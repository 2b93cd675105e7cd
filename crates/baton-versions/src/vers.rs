//! purl `vers:` version range specifiers, read strictly.
//!
//! `vers:<type>/<constraint>|<constraint>|…` where a constraint is a
//! version with an optional comparator (`!=`, `<`, `<=`, `>`, `>=`; none
//! means equality) or `*` alone. Baton rejects what the specification asks
//! tools to reject, and also the non-canonical forms its current edition
//! forbids:
//!
//! - whitespace, non-printable or non-ASCII characters anywhere;
//! - an uppercase or unknown type (`vers:all/*` and `vers:none/*` are the
//!   only forms of `all` and `none`; the reserved `invalid` type is always
//!   an error, `test` and `example` have no ordering);
//! - empty constraints, leading, trailing or doubled `|`;
//! - a constraint starting with `=`, an empty version, an unencoded
//!   `< > = ! * |` in a version or a bad `%XX` escape;
//! - `*` together with anything else;
//! - constraints not sorted by version, or a version given twice (equality
//!   by the scheme: `vers:pypi/1.0|1.0.0` repeats a version);
//! - an `=` followed (ignoring `!=`) by `<` or `<=`, and, ignoring `=` and
//!   `!=`, two lower or two upper bounds in a row.
//!
//! Containment follows the specification's algorithm. Baton answers two
//! cases the algorithm leaves out: a range with a single bound (`>=1.0|!=1.5`)
//! applies that bound, and a range made only of `!=` constraints contains
//! every other version.

use std::cmp::Ordering;
use std::fmt;

use crate::plain::{self, Plain};
use crate::{RangeError, Scheme, Version};

/// A `vers` comparator. `Star` (`*`) is not one: see [`VersRange::is_star`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparator {
    /// The comparator as written in a `vers` (empty for equality).
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    /// Whether a version at `position` relative to the constraint's version
    /// (`Equal`: matched by it) satisfies this comparator alone.
    pub(crate) fn accepts(self, position: Ordering) -> bool {
        match self {
            Comparator::Eq => position == Ordering::Equal,
            Comparator::Ne => position != Ordering::Equal,
            Comparator::Lt => position == Ordering::Less,
            Comparator::Le => position != Ordering::Greater,
            Comparator::Gt => position == Ordering::Greater,
            Comparator::Ge => position != Ordering::Less,
        }
    }

    fn is_upper(self) -> bool {
        matches!(self, Comparator::Lt | Comparator::Le)
    }

    fn is_lower(self) -> bool {
        matches!(self, Comparator::Gt | Comparator::Ge)
    }
}

/// One `<comparator><version>` of a range.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub comparator: Comparator,
    pub version: Version,
}

/// A parsed `vers:` range.
#[derive(Debug, Clone)]
pub struct VersRange {
    /// `None` for the scheme-less `vers:all/*` and `vers:none/*`.
    scheme: Option<Scheme>,
    body: Body,
    /// The constraints' versions read as plain numbers, when all are
    /// (see [`crate::plain`]): plain versions are then answered without
    /// being parsed.
    plain: Option<Box<[(Comparator, Plain)]>>,
}

#[derive(Debug, Clone)]
enum Body {
    /// `*`: every version (of the scheme, if any).
    Star,
    /// `vers:none/*`.
    Nothing,
    Constraints(Vec<Constraint>),
}

fn vers_error(range: &str, reason: impl Into<String>) -> RangeError {
    RangeError::Vers {
        range: range.to_string(),
        reason: reason.into(),
    }
}

fn percent_decode(range: &str, s: &str) -> Result<String, RangeError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => out.push(u8::try_from(h * 16 + l).unwrap_or(b'?')),
                _ => {
                    return Err(vers_error(
                        range,
                        format!("invalid percent-encoding in version {s:?}"),
                    ));
                }
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| vers_error(range, format!("version {s:?} does not decode to UTF-8")))
}

/// Reads a `vers:` string.
///
/// ```
/// let r = baton_versions::parse_vers("vers:npm/1.2.3|>=2.0.0|<5.0.0").unwrap();
/// assert_eq!(r.contains("2.5.0"), Ok(true));
/// assert_eq!(r.contains("1.2.4"), Ok(false));
/// assert!(baton_versions::parse_vers("vers:npm/>=2.0.0|<1.0.0").is_err());
/// ```
pub fn parse_vers(range: &str) -> Result<VersRange, RangeError> {
    if let Some(c) = range.chars().find(|c| !c.is_ascii_graphic()) {
        let what = if c.is_whitespace() {
            "whitespace"
        } else {
            "a non-printable or non-ASCII character"
        };
        return Err(vers_error(
            range,
            format!("{what} ({c:?}) is not permitted"),
        ));
    }
    let Some(rest) = range.strip_prefix("vers:") else {
        return Err(vers_error(range, "does not start with \"vers:\""));
    };
    let Some((type_name, constraints)) = rest.split_once('/') else {
        return Err(vers_error(range, "no '/' after the versioning scheme"));
    };
    if type_name.is_empty() {
        return Err(vers_error(range, "empty versioning scheme"));
    }
    if type_name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(vers_error(
            range,
            format!("versioning scheme {type_name:?} must be lowercase"),
        ));
    }
    if constraints.is_empty() {
        return Err(vers_error(range, "no constraints"));
    }
    let scheme = match type_name {
        "all" | "none" => {
            if constraints != "*" {
                return Err(vers_error(
                    range,
                    format!("the only {type_name} range is vers:{type_name}/*"),
                ));
            }
            let body = if type_name == "all" {
                Body::Star
            } else {
                Body::Nothing
            };
            return Ok(VersRange {
                scheme: None,
                body,
                plain: None,
            });
        }
        "invalid" => {
            return Err(vers_error(
                range,
                "the reserved type \"invalid\" is never valid",
            ));
        }
        other => Scheme::from_key(other).ok_or_else(|| RangeError::UnknownScheme {
            range: range.to_string(),
            scheme: other.to_string(),
        })?,
    };
    if constraints == "*" {
        return Ok(VersRange {
            scheme: Some(scheme),
            body: Body::Star,
            plain: None,
        });
    }
    if constraints.starts_with('|') {
        return Err(vers_error(range, "leading '|' is not permitted"));
    }
    if constraints.ends_with('|') {
        return Err(vers_error(range, "trailing '|' is not permitted"));
    }
    let mut parsed =
        Vec::with_capacity(1 + memchr::memchr_iter(b'|', constraints.as_bytes()).count());
    for item in constraints.split('|') {
        if item.is_empty() {
            return Err(vers_error(range, "consecutive '|' are not permitted"));
        }
        if item.contains('*') {
            return Err(vers_error(range, "'*' must be the only constraint"));
        }
        if item.starts_with('=') {
            return Err(vers_error(
                range,
                format!("constraint {item:?} starts with '=' (equality has no comparator)"),
            ));
        }
        let (comparator, raw) = [
            (">=", Comparator::Ge),
            ("<=", Comparator::Le),
            ("!=", Comparator::Ne),
            ("<", Comparator::Lt),
            (">", Comparator::Gt),
        ]
        .iter()
        .find_map(|(sym, cmp)| item.strip_prefix(sym).map(|rest| (*cmp, rest)))
        .unwrap_or((Comparator::Eq, item));
        if raw.is_empty() {
            return Err(vers_error(
                range,
                format!("constraint {item:?} has no version"),
            ));
        }
        if let Some(c) = raw.chars().find(|c| matches!(c, '<' | '>' | '=' | '!')) {
            return Err(vers_error(
                range,
                format!("version {raw:?} contains an unencoded {c:?}"),
            ));
        }
        let decoded;
        let text = if raw.contains('%') {
            decoded = percent_decode(range, raw)?;
            decoded.as_str()
        } else {
            raw
        };
        let version = Version::parse(scheme, text).map_err(|e| vers_error(range, e.to_string()))?;
        parsed.push(Constraint {
            comparator,
            version,
        });
    }
    validate(range, &parsed)?;
    Ok(VersRange {
        scheme: Some(scheme),
        plain: plain::read_all(
            scheme,
            parsed.iter().map(|c| (c.comparator, c.version.as_str())),
        ),
        body: Body::Constraints(parsed),
    })
}

fn validate(range: &str, constraints: &[Constraint]) -> Result<(), RangeError> {
    for pair in constraints.windows(2) {
        let (a, b) = (&pair[0].version, &pair[1].version);
        match a.bound_order(b) {
            Ok(Ordering::Less) => {}
            Ok(Ordering::Equal) => {
                return Err(vers_error(
                    range,
                    format!("version {a} and {b} are the same version (versions must be unique)"),
                ));
            }
            Ok(Ordering::Greater) => {
                return Err(vers_error(
                    range,
                    format!("constraints are not sorted by version: {a} comes before {b}"),
                ));
            }
            Err(e) => {
                return Err(vers_error(
                    range,
                    format!("constraints cannot be sorted: {e}"),
                ));
            }
        }
    }
    let mut previous: Option<Comparator> = None;
    for c in constraints
        .iter()
        .map(|c| c.comparator)
        .filter(|c| *c != Comparator::Ne)
    {
        if previous == Some(Comparator::Eq) && c.is_upper() {
            return Err(vers_error(
                range,
                format!("an equality cannot be followed by {:?}", c.symbol()),
            ));
        }
        previous = Some(c);
    }
    let mut previous: Option<Comparator> = None;
    for c in constraints
        .iter()
        .map(|c| c.comparator)
        .filter(|c| !matches!(c, Comparator::Eq | Comparator::Ne))
    {
        if let Some(p) = previous
            && (p.is_upper() == c.is_upper())
        {
            let kind = if c.is_upper() { "upper" } else { "lower" };
            return Err(vers_error(
                range,
                format!(
                    "two {kind} bounds in a row ({:?} then {:?})",
                    p.symbol(),
                    c.symbol()
                ),
            ));
        }
        previous = Some(c);
    }
    Ok(())
}

impl VersRange {
    /// The versioning scheme; `None` for `vers:all/*` and `vers:none/*`.
    pub fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// True for `*` ranges (`vers:all/*`, `vers:npm/*`…).
    pub fn is_star(&self) -> bool {
        matches!(self.body, Body::Star)
    }

    /// The constraints in order (empty for `*` and `vers:none/*`).
    pub fn constraints(&self) -> &[Constraint] {
        match &self.body {
            Body::Constraints(c) => c,
            Body::Star | Body::Nothing => &[],
        }
    }

    /// Whether the range contains `version`, read with the range's scheme.
    /// An invalid version is an error, even for `*` (except `vers:all/*`,
    /// which contains any string).
    pub fn contains(&self, version: &str) -> Result<bool, RangeError> {
        match (self.scheme, &self.body) {
            (None, Body::Star) => Ok(true),
            (None, _) => Ok(false),
            (Some(scheme), _)
                if let Some(bounds) = &self.plain
                    && let Some(v) = Plain::read(scheme, version) =>
            {
                let mut containment = Containment::default();
                for (comparator, bound) in bounds {
                    containment.add(*comparator, v.cmp(bound, scheme));
                }
                Ok(containment.answer())
            }
            (Some(scheme), _) => self.contains_version(&Version::parse(scheme, version)?),
        }
    }

    /// Whether the range contains an already parsed version.
    pub fn contains_version(&self, version: &Version) -> Result<bool, RangeError> {
        let constraints = match (&self.body, self.scheme) {
            (Body::Star, None) => return Ok(true),
            (Body::Nothing, _) => return Ok(false),
            (_, Some(s)) if s != version.scheme() => {
                return Err(crate::VersionError::SchemeMismatch {
                    left: version.scheme(),
                    right: s,
                }
                .into());
            }
            (Body::Star, Some(_)) => {
                if version.is_wildcard() {
                    return Err(crate::VersionError::Wildcard {
                        scheme: version.scheme(),
                        version: version.as_str().to_string(),
                    }
                    .into());
                }
                return Ok(true);
            }
            (Body::Constraints(c), _) => c.as_slice(),
        };
        if version.is_wildcard() && !constraints.is_empty() {
            return Err(crate::VersionError::Wildcard {
                scheme: version.scheme(),
                version: version.as_str().to_string(),
            }
            .into());
        }
        let mut containment = Containment::default();
        for c in constraints {
            containment.add(c.comparator, version.locate_concrete(&c.version)?);
        }
        Ok(containment.answer())
    }
}

/// The specification's containment algorithm, fed with where the version
/// lies relative to each constraint's version, in order, and answered
/// once all are seen.
#[derive(Default)]
struct Containment {
    /// An `=`, `<=` or `>=` constraint matched the version.
    equal: bool,
    /// A `!=` constraint matched the version.
    excluded: bool,
    /// Some constraint is not `!=`.
    not_only_ne: bool,
    /// The first and the last bound (`<`, `<=`, `>`, `>=`) and their count.
    first: Option<(Comparator, Ordering)>,
    last: Option<(Comparator, Ordering)>,
    bounds: usize,
    /// The version lies strictly between a lower bound and the upper bound
    /// after it.
    between: bool,
}

impl Containment {
    fn add(&mut self, comparator: Comparator, position: Ordering) {
        if matches!(comparator, Comparator::Eq | Comparator::Le | Comparator::Ge)
            && position == Ordering::Equal
        {
            self.equal = true;
        }
        if comparator == Comparator::Ne {
            self.excluded |= position == Ordering::Equal;
            return;
        }
        self.not_only_ne = true;
        if comparator == Comparator::Eq {
            return;
        }
        let current = (comparator, position);
        match self.last {
            None => self.first = Some(current),
            Some(previous) => {
                if previous.0.is_lower()
                    && current.0.is_upper()
                    && previous.1 == Ordering::Greater
                    && current.1 == Ordering::Less
                {
                    self.between = true;
                }
            }
        }
        self.last = Some(current);
        self.bounds += 1;
    }

    fn answer(&self) -> bool {
        if self.equal {
            return true;
        }
        if self.excluded {
            return false;
        }
        if !self.not_only_ne {
            return true;
        }
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return false;
        };
        if (first.0.is_upper() && first.1 == Ordering::Less) || self.between {
            return true;
        }
        if self.bounds == 1 {
            return first.0.accepts(first.1);
        }
        last.0.is_lower() && last.1 == Ordering::Greater
    }
}

fn encode_version(v: &str, out: &mut fmt::Formatter<'_>) -> fmt::Result {
    for c in v.chars() {
        match c {
            '<' | '>' | '=' | '!' | '*' | '|' | '%' | ' ' => write!(out, "%{:02X}", u32::from(c))?,
            c => write!(out, "{c}")?,
        }
    }
    Ok(())
}

impl fmt::Display for VersRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let type_name = self.scheme.map_or(
            match self.body {
                Body::Nothing => "none",
                _ => "all",
            },
            Scheme::key,
        );
        write!(f, "vers:{type_name}/")?;
        match &self.body {
            Body::Star | Body::Nothing => f.write_str("*"),
            Body::Constraints(cs) => {
                for (i, c) in cs.iter().enumerate() {
                    if i > 0 {
                        f.write_str("|")?;
                    }
                    f.write_str(c.comparator.symbol())?;
                    encode_version(c.version.as_str(), f)?;
                }
                Ok(())
            }
        }
    }
}
