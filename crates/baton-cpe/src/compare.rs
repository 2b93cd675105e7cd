//! Name comparison (NISTIR 7696 §6): each attribute of a source name is
//! compared with the target's, then the eleven results are combined.
//!
//! Only the source may hold wildcards: the specification leaves a target
//! with wildcards undefined. Letters compare case-insensitively.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::value::Token;
use crate::{Attribute, AvString, Value, Wfn};

/// Set relation of a source name (or value) to a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// Both denote the same set.
    Equal,
    /// The source is within the target (e.g. a version against ANY).
    Subset,
    /// The source covers the target (e.g. ANY or `8.*` against `8.0`).
    Superset,
    /// Nothing in common.
    Disjoint,
    /// No relation can be stated: the target has wildcards, or (for names)
    /// some attributes are SUBSET and others SUPERSET.
    Undefined,
}

impl Relation {
    /// The lowercase key: `equal`, `subset`, `superset`, `disjoint`, `undefined`.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equal => "equal",
            Relation::Subset => "subset",
            Relation::Superset => "superset",
            Relation::Disjoint => "disjoint",
            Relation::Undefined => "undefined",
        }
    }

    /// The CPE 2.2 sense of "the source matches the target": EQUAL or
    /// SUPERSET (NISTIR 7696 §6.2 use of the comparison).
    pub fn is_match(self) -> bool {
        matches!(self, Relation::Equal | Relation::Superset)
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares two names: any DISJOINT attribute makes the names DISJOINT;
/// all EQUAL makes them EQUAL; only SUBSET and EQUAL, SUBSET; only
/// SUPERSET and EQUAL, SUPERSET; anything else (an UNDEFINED attribute, or
/// SUBSET mixed with SUPERSET) is UNDEFINED.
pub fn compare(source: &Wfn, target: &Wfn) -> Relation {
    combine(compare_attributes(source, target).map(|(_, r)| r))
}

/// The eleven attribute comparisons behind [`compare`].
pub fn compare_attributes(source: &Wfn, target: &Wfn) -> [(Attribute, Relation); 11] {
    Attribute::ALL.map(|a| (a, compare_values(source.get(a), target.get(a))))
}

/// Combines attribute relations into a name relation (NISTIR 7696 §6.2).
pub fn combine(relations: impl IntoIterator<Item = Relation>) -> Relation {
    let (mut subset, mut superset, mut undefined) = (false, false, false);
    for r in relations {
        match r {
            // DISJOINT anywhere decides, whatever else is undefined.
            Relation::Disjoint => return Relation::Disjoint,
            Relation::Equal => {}
            Relation::Subset => subset = true,
            Relation::Superset => superset = true,
            Relation::Undefined => undefined = true,
        }
    }
    match (undefined, subset, superset) {
        (false, false, false) => Relation::Equal,
        (false, true, false) => Relation::Subset,
        (false, false, true) => Relation::Superset,
        _ => Relation::Undefined,
    }
}

/// Compares one source value with one target value (NISTIR 7696 §6.1,
/// Table 6-2).
pub fn compare_values(source: &Value, target: &Value) -> Relation {
    match (source, target) {
        (_, Value::Str(t)) if t.has_wildcards() => Relation::Undefined,
        (Value::Any, Value::Any) | (Value::Na, Value::Na) => Relation::Equal,
        (Value::Any, _) => Relation::Superset,
        (_, Value::Any) => Relation::Subset,
        (Value::Na, _) | (_, Value::Na) => Relation::Disjoint,
        (Value::Str(s), Value::Str(t)) => compare_strings(s, t),
    }
}

fn compare_strings(source: &AvString, target: &AvString) -> Relation {
    // The canonical form makes textual equality the same as equal sets.
    if source.as_str().eq_ignore_ascii_case(target.as_str()) {
        return Relation::Equal;
    }
    if source.has_wildcards() && Pattern::of(source).matches(target) {
        Relation::Superset
    } else {
        Relation::Disjoint
    }
}

/// How many characters one end of a pattern may absorb.
#[derive(Debug, Clone, Copy)]
enum End {
    /// None: the literal part touches this end.
    Exact,
    /// Up to n (a run of n `?`; NISTIR 7696 lets them match zero too).
    UpTo(usize),
    /// Any number (`*`).
    Unbounded,
}

impl End {
    fn allows(self, n: usize) -> bool {
        match self {
            End::Exact => n == 0,
            End::UpTo(max) => n <= max,
            End::Unbounded => true,
        }
    }
}

/// A source value split into leading wildcards, literal middle, trailing
/// wildcards, all lowercased.
struct Pattern {
    lead: End,
    body: Vec<char>,
    trail: End,
}

impl Pattern {
    fn of(s: &AvString) -> Pattern {
        let tokens: Vec<Token> = s.tokens().collect();
        let lead_len = tokens.iter().take_while(|t| is_wild(t)).count();
        let lead = end_of(&tokens[..lead_len]);
        let rest = &tokens[lead_len..];
        let trail_len = rest.iter().rev().take_while(|t| is_wild(t)).count();
        let trail = end_of(&rest[rest.len() - trail_len..]);
        let body = rest[..rest.len() - trail_len]
            .iter()
            .filter_map(|t| match t {
                Token::Char(c) => Some(c.to_ascii_lowercase()),
                Token::AnyRun | Token::AnyOne => None,
            })
            .collect();
        Pattern { lead, body, trail }
    }

    fn matches(&self, target: &AvString) -> bool {
        let text: Vec<char> = target
            .tokens()
            .filter_map(|t| match t {
                Token::Char(c) => Some(c.to_ascii_lowercase()),
                Token::AnyRun | Token::AnyOne => None,
            })
            .collect();
        let Some(last_start) = text.len().checked_sub(self.body.len()) else {
            return false;
        };
        (0..=last_start).any(|i| {
            self.lead.allows(i)
                && self.trail.allows(last_start - i)
                && text[i..i + self.body.len()] == self.body[..]
        })
    }
}

fn is_wild(t: &Token) -> bool {
    !matches!(t, Token::Char(_))
}

fn end_of(wildcards: &[Token]) -> End {
    if wildcards.contains(&Token::AnyRun) {
        End::Unbounded
    } else if wildcards.is_empty() {
        End::Exact
    } else {
        End::UpTo(wildcards.len())
    }
}
