//! CSAF `product_version_range` values as CISA's medical advisories (ICSMA)
//! write them. CSAF 2.0 asks for a `vers:` string; most ICSMA values are
//! free text instead. Baton reads the forms below, with the `firmware`
//! scheme unless told otherwise, and rejects everything else with an error
//! that names the value, never a silent match.
//!
//! Whitespace runs count as one space. Readings (A, B, C stand for
//! versions, OP for `<`, `<=`, `>`, `>=`, `=`):
//!
//! | form | example | reading |
//! |---|---|---|
//! | `vers:…` | `vers:all/*` | the `vers` range (`vers:all/*`: every version) |
//! | `OP A` | `<= 12.2.1`, `<B.06.18`, `>= 2.0` | one comparison |
//! | `A` | `5.0`, `4.X` | that version; a wildcard pattern matches every version it covers |
//! | `A < B`, `A <= B` | `A10 < A11`, `A.01 <= C.0x` | **both ends included**: ICSMA-21-294-01 says "versions A10 and A11", ICSMA-21-322-02 "revisions A.01 to C.0x" |
//! | `>= A \| <= B` (a lower bound followed by an upper bound) | `>= 1.0.0 \| <= 1.1.1` | **intersection**, the interval from A to B: the products say "versions 1.0.0 through 1.1.1", "2018-1 through 2021-1" |
//! | any other `\|` list | `5.0\|5.1`, `4.X \| 5.X`, `<= U61 \|<= L81`, `A.01 <= C.0x \| 4.0` | **union** of the items (pairs as in the row above first): ICSMA-20-296-02 lists "U61 and earlier (United States), L81 and earlier (outside the United States)" |
//! | `… (note)` | `<= 1.54 (integrated into GE MobileLink)` | the range before the note; the note is kept ([`CsafRange::note`]) |
//!
//! Errors, each with its reason:
//!
//! | value kind | example | why |
//! |---|---|---|
//! | dates | `<  july 1 2017`, `<8/30/2024`, `distributed  < april 1, 2018` | a manufacturing or distribution date, not a version |
//! | conditions on another component | `9.x (with Wireless Battery Modules >= 22D19 \| <= v22D28)` | the parenthesis constrains a second component |
//! | platform conditions | `<=11.2 on Windows 8.1 with IIS 7.5` | the platform cannot be checked against a version |
//! | lists of alternatives | `053L000091 (global) / 054U000091 (U.S.) and …` | regional software variants joined by `/` and `and` |
//! | anything the scheme cannot read | | the version error |
//!
//! Containment of a union: see [`crate::interval`] (any member → true; all
//! false → false; otherwise the comparison error).

use std::fmt;

use crate::interval::{Bound, Member, union_contains};
use crate::{RangeError, Scheme, Version, parse_vers};

/// How a CSAF value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsafReading {
    /// A `vers:` string.
    Vers,
    /// One comparison or one version.
    Single,
    /// A closed or half-open interval (`A < B`, `>= A | <= B`).
    Interval,
    /// A union of several items.
    Union,
}

/// A readable CSAF `product_version_range`.
#[derive(Debug, Clone)]
pub struct CsafRange {
    reading: CsafReading,
    members: Vec<Member>,
    note: Option<String>,
    scheme: Option<Scheme>,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn looks_like_date(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    if words
        .iter()
        .any(|w| MONTHS.contains(w) || *w == "distributed" || *w == "manufactured")
    {
        return true;
    }
    // d/m/y in any order of one- or two-digit and four-digit numbers.
    let parts: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_digit() || c == '/'))
        .collect();
    parts.iter().any(|p| {
        let n: Vec<&str> = p.split('/').collect();
        n.len() == 3 && n.iter().all(|x| !x.is_empty() && x.len() <= 4)
    })
}

enum Item {
    Bound(Comparator, Version),
    Exact(Version),
    Between(Version, Version),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Comparator {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// Reads a CSAF `product_version_range` with the `firmware` scheme.
///
/// ```
/// let r = baton_versions::parse_csaf_range(">= 1.0.0 | <= 1.1.1").unwrap();
/// assert_eq!(r.contains("1.0.5"), Ok(true));
/// assert_eq!(r.contains("1.2"), Ok(false));
/// assert!(baton_versions::parse_csaf_range("<  july 1 2017").is_err());
/// ```
pub fn parse_csaf_range(value: &str) -> Result<CsafRange, RangeError> {
    parse_csaf_range_with(value, Scheme::Firmware)
}

/// Reads a CSAF `product_version_range`, free-text versions read with
/// `scheme` (a `vers:` value uses its own scheme).
pub fn parse_csaf_range_with(value: &str, scheme: Scheme) -> Result<CsafRange, RangeError> {
    let fail = |reason: String| RangeError::Csaf {
        value: value.to_string(),
        reason,
    };
    let t = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err(fail("empty value".to_string()));
    }
    if t.starts_with("vers:") {
        let range = parse_vers(&t)?;
        return Ok(CsafRange {
            reading: CsafReading::Vers,
            scheme: range.scheme(),
            members: vec![Member::Vers(range)],
            note: None,
        });
    }
    let words: Vec<&str> = t.split(' ').collect();
    if words
        .iter()
        .any(|w| *w == "/" || w.eq_ignore_ascii_case("and"))
    {
        return Err(fail(
            "a list of alternatives joined by '/' or 'and', not one range".to_string(),
        ));
    }
    let (body, note) = match t.find('(') {
        Some(open) => {
            let tail = &t[open..];
            if tail.contains(['<', '>', '=', '|']) {
                return Err(fail(format!(
                    "the parenthesis {tail:?} puts conditions on another component; they cannot be checked against one version"
                )));
            }
            let inner = tail.strip_prefix('(').and_then(|s| s.strip_suffix(')'));
            match inner {
                Some(inner) if !inner.contains(['(', ')']) => {
                    (t[..open].trim(), Some(inner.trim().to_string()))
                }
                _ => return Err(fail("unbalanced or nested parentheses".to_string())),
            }
        }
        None if t.contains(')') => return Err(fail("unbalanced parentheses".to_string())),
        None => (t.as_str(), None),
    };
    if let Some(pos) = body.find(" on ") {
        return Err(fail(format!(
            "the platform condition {:?} cannot be checked against a version",
            &body[pos + 1..]
        )));
    }
    if looks_like_date(body) {
        return Err(fail(
            "a manufacturing or distribution date, not a version".to_string(),
        ));
    }
    let parse = |text: &str| Version::parse(scheme, text.trim()).map_err(|e| fail(e.to_string()));
    let mut items = Vec::new();
    for raw in body.split('|') {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(fail("empty item between '|'".to_string()));
        }
        let op = [
            (">=", Comparator::Ge),
            ("<=", Comparator::Le),
            ("<", Comparator::Lt),
            (">", Comparator::Gt),
            ("=", Comparator::Eq),
        ]
        .iter()
        .find_map(|(sym, c)| raw.strip_prefix(sym).map(|rest| (*c, rest)));
        let item = match op {
            Some((c, rest)) => {
                if rest.trim().is_empty() {
                    return Err(fail(format!("{raw:?} has no version")));
                }
                Item::Bound(c, parse(rest)?)
            }
            None => match raw.split_once('<') {
                Some((low, high)) => {
                    let high = high.strip_prefix('=').unwrap_or(high);
                    let (low, high) = (parse(low)?, parse(high)?);
                    if low.bound_order(&high).map_err(|e| fail(e.to_string()))?
                        == std::cmp::Ordering::Greater
                    {
                        return Err(fail(format!("{raw:?} is an empty interval")));
                    }
                    Item::Between(low, high)
                }
                None if raw.contains(['>', '=', '!']) => {
                    return Err(fail(format!("{raw:?} is not a comparison Baton reads")));
                }
                None => Item::Exact(parse(raw)?),
            },
        };
        items.push(item);
    }
    let mut members = Vec::new();
    let mut iter = items.into_iter().peekable();
    while let Some(item) = iter.next() {
        let member = match item {
            Item::Exact(v) | Item::Bound(Comparator::Eq, v) => Member::Exact(v),
            Item::Between(low, high) => Member::Interval {
                lower: Some(Bound {
                    version: low,
                    inclusive: true,
                }),
                upper: Some(Bound {
                    version: high,
                    inclusive: true,
                }),
            },
            Item::Bound(c @ (Comparator::Gt | Comparator::Ge), low) => {
                let lower = Some(Bound {
                    version: low,
                    inclusive: c == Comparator::Ge,
                });
                match iter.next_if(|n| matches!(n, Item::Bound(Comparator::Lt | Comparator::Le, _)))
                {
                    Some(Item::Bound(d, high)) => Member::Interval {
                        lower,
                        upper: Some(Bound {
                            version: high,
                            inclusive: d == Comparator::Le,
                        }),
                    },
                    _ => Member::Interval { lower, upper: None },
                }
            }
            Item::Bound(c, high) => Member::Interval {
                lower: None,
                upper: Some(Bound {
                    version: high,
                    inclusive: c == Comparator::Le,
                }),
            },
        };
        members.push(member);
    }
    let reading = match members.as_slice() {
        [
            Member::Interval {
                lower: Some(_),
                upper: Some(_),
            },
        ] => CsafReading::Interval,
        [_] => CsafReading::Single,
        _ => CsafReading::Union,
    };
    Ok(CsafRange {
        reading,
        members,
        note,
        scheme: Some(scheme),
    })
}

impl CsafRange {
    /// Which documented form the value was read as.
    pub fn reading(&self) -> CsafReading {
        self.reading
    }

    /// A parenthesised remark after the range (`integrated into GE
    /// MobileLink`), kept for display.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The members of the union.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Whether the range contains `version` (read with the range's scheme).
    pub fn contains(&self, version: &str) -> Result<bool, RangeError> {
        match self.scheme {
            Some(scheme) => self.contains_version(&Version::parse(scheme, version)?),
            // `vers:all/*` or `vers:none/*`.
            None => match self.members.first() {
                Some(Member::Vers(r)) => r.contains(version),
                _ => Ok(false),
            },
        }
    }

    /// Whether the range contains an already parsed version.
    pub fn contains_version(&self, version: &Version) -> Result<bool, RangeError> {
        union_contains(&self.members, version)
    }
}

impl fmt::Display for CsafRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            write!(f, "{m}")?;
        }
        Ok(())
    }
}
