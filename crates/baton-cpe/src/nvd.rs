//! NVD CVE API 2.0 applicability statements (`configurations`) and their
//! evaluation against the CPE names of a device's parts.
//!
//! A configuration is a tree: nodes combine `cpeMatch` entries with AND or
//! OR (optionally negated), and the configuration combines its nodes the
//! same way. A medical device is typically described by several names
//! (firmware `o:`, hardware `h:`, applications `a:`), and NVD often says
//! "this firmware AND that hardware", so each entry is checked against
//! every platform name and the tree is evaluated on the results.
//!
//! Evaluation is three-valued. A device whose firmware version is unknown,
//! or a version the comparator cannot order, gives [`Truth::Unknown`], not
//! "not affected": for a device in clinical use, an undecided answer must
//! stay visible. In detail:
//!
//! - criteria EQUAL to or a SUPERSET of a platform name, with the version
//!   in range: Yes; DISJOINT: No;
//! - criteria a SUBSET of the platform name (the platform is less specific,
//!   e.g. its version is ANY) or UNDEFINED: Unknown;
//! - a version range against a platform version that is ANY or has
//!   wildcards, or that the comparator cannot order: Unknown; against NA:
//!   No (the platform says it has no version);
//! - a criteria string that does not parse: Unknown, with the error;
//! - a configuration without `operator` combines its nodes with OR; an
//!   empty node, configuration or list of configurations: Unknown.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{Relation, Value, Wfn, compare};

/// The part of an NVD `cve` object that says where it applies. Other
/// fields of the record are ignored when deserializing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CveConfigurations {
    /// The CVE identifier, when the record has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Absent in fresh records (`vulnStatus` "Received"): no statement yet.
    #[serde(default)]
    pub configurations: Vec<Configuration>,
}

/// One applicability statement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    /// How the nodes combine; NVD omits it when there is one node, and it
    /// is read as OR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<Operator>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub negate: bool,
    #[serde(default)]
    pub nodes: Vec<Node>,
}

/// A group of `cpeMatch` entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub operator: Operator,
    #[serde(default)]
    pub negate: bool,
    #[serde(default)]
    pub cpe_match: Vec<CpeMatch>,
}

/// One match criterion: a CPE name (usually with a `*` version) and an
/// optional version range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CpeMatch {
    /// Whether a platform matching this entry is itself vulnerable (false
    /// for the hardware or OS a vulnerable component must run on).
    pub vulnerable: bool,
    /// A CPE 2.3 formatted string.
    pub criteria: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_criteria_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_including: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_excluding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_including: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_excluding: Option<String>,
}

/// `AND` or `OR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operator {
    And,
    Or,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A three-valued answer (Kleene logic: AND is No if any is No, OR is Yes
/// if any is Yes, otherwise Unknown wins over the neutral value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    Yes,
    No,
    Unknown,
}

impl Truth {
    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Unknown,
        }
    }

    fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Unknown,
        }
    }

    fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// Combines several answers; an empty list gives Unknown, because an
    /// empty node or configuration says nothing.
    fn combine(operator: Operator, truths: impl IntoIterator<Item = Truth>) -> Truth {
        let mut truths = truths.into_iter();
        let Some(first) = truths.next() else {
            return Truth::Unknown;
        };
        truths.fold(first, |acc, t| match operator {
            Operator::And => acc.and(t),
            Operator::Or => acc.or(t),
        })
    }
}

/// What one `cpeMatch` entry gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryOutcome {
    /// Index of the node in the configuration.
    pub node: usize,
    /// Index of the entry in the node's `cpeMatch`.
    pub entry: usize,
    pub vulnerable: bool,
    pub criteria: String,
    pub match_criteria_id: Option<String>,
    /// Yes when some platform satisfies the entry, Unknown when none does
    /// but one might, No otherwise.
    pub truth: Truth,
    /// Index (in the platforms given) of the name that decided `truth`:
    /// the first that satisfied the entry, else the first that might; for
    /// No, the first whose name matched but whose version did not.
    pub platform: Option<usize>,
    /// Why the answer is Unknown, or why a name match was not enough.
    pub note: Option<String>,
}

/// The result of evaluating one configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Whether the configuration applies to the platform names.
    pub applies: Truth,
    /// Every entry, in document order (node by node), whatever the
    /// configuration as a whole gave: it explains "why not" as well.
    pub entries: Vec<EntryOutcome>,
}

impl Evaluation {
    /// Entries marked `vulnerable: true` that a platform name satisfied.
    pub fn vulnerable_matches(&self) -> impl Iterator<Item = &EntryOutcome> {
        self.entries
            .iter()
            .filter(|e| e.vulnerable && e.truth == Truth::Yes)
    }
}

/// Evaluates one configuration against a device's platform names.
///
/// An entry matches a platform when its criteria name is EQUAL to or a
/// SUPERSET of the platform name ([`Relation::is_match`]) and the
/// platform's version lies in the entry's range. `compare_versions(a, b)`
/// orders two version strings, or returns None when it cannot; it is a
/// parameter so the project's version engine can be plugged in.
/// [`dotted_numeric`] is a simple stand-in.
pub fn evaluate<F>(config: &Configuration, platforms: &[Wfn], compare_versions: F) -> Evaluation
where
    F: Fn(&str, &str) -> Option<Ordering>,
{
    let mut entries = Vec::new();
    let mut node_truths = Vec::with_capacity(config.nodes.len());
    for (n, node) in config.nodes.iter().enumerate() {
        let mut truths = Vec::with_capacity(node.cpe_match.len());
        for (e, m) in node.cpe_match.iter().enumerate() {
            let outcome = evaluate_entry(n, e, m, platforms, &compare_versions);
            truths.push(outcome.truth);
            entries.push(outcome);
        }
        let truth = Truth::combine(node.operator, truths);
        node_truths.push(if node.negate { truth.not() } else { truth });
    }
    let applies = Truth::combine(config.operator.unwrap_or(Operator::Or), node_truths);
    Evaluation {
        applies: if config.negate {
            applies.not()
        } else {
            applies
        },
        entries,
    }
}

/// Whether a CVE applies: any of its configurations applying is enough.
/// A record without configurations gives Unknown (NVD has not analysed it
/// yet), never No.
pub fn cve_applies<F>(configs: &[Configuration], platforms: &[Wfn], compare_versions: F) -> Truth
where
    F: Fn(&str, &str) -> Option<Ordering>,
{
    Truth::combine(
        Operator::Or,
        configs
            .iter()
            .map(|c| evaluate(c, platforms, &compare_versions).applies),
    )
}

fn evaluate_entry<F>(
    node: usize,
    entry: usize,
    m: &CpeMatch,
    platforms: &[Wfn],
    compare_versions: &F,
) -> EntryOutcome
where
    F: Fn(&str, &str) -> Option<Ordering>,
{
    let mut outcome = EntryOutcome {
        node,
        entry,
        vulnerable: m.vulnerable,
        criteria: m.criteria.clone(),
        match_criteria_id: m.match_criteria_id.clone(),
        truth: Truth::No,
        platform: None,
        note: None,
    };
    let criteria = match Wfn::from_formatted_string(&m.criteria) {
        Ok(c) => c,
        Err(e) => {
            // A broken entry in the feed must not read as "not affected".
            outcome.truth = Truth::Unknown;
            outcome.note = Some(format!("criteria is not a CPE 2.3 formatted string: {e}"));
            return outcome;
        }
    };
    for (i, platform) in platforms.iter().enumerate() {
        let (truth, note) = entry_against(&criteria, m, platform, compare_versions);
        match truth {
            Truth::Yes => {
                outcome.truth = Truth::Yes;
                outcome.platform = Some(i);
                outcome.note = None;
                return outcome;
            }
            Truth::Unknown if outcome.truth == Truth::No => {
                outcome.truth = Truth::Unknown;
                outcome.platform = Some(i);
                outcome.note = note;
            }
            Truth::No if outcome.note.is_none() && note.is_some() => {
                // A name match that failed on the version range: say so.
                outcome.platform = Some(i);
                outcome.note = note;
            }
            _ => {}
        }
    }
    outcome
}

fn entry_against<F>(
    criteria: &Wfn,
    m: &CpeMatch,
    platform: &Wfn,
    compare_versions: &F,
) -> (Truth, Option<String>)
where
    F: Fn(&str, &str) -> Option<Ordering>,
{
    match compare(criteria, platform) {
        Relation::Disjoint => (Truth::No, None),
        Relation::Subset => (
            Truth::Unknown,
            Some("the platform name is less specific than the criteria".to_owned()),
        ),
        Relation::Undefined => (
            Truth::Unknown,
            Some("the platform name has wildcards or only partly overlaps the criteria".to_owned()),
        ),
        Relation::Equal | Relation::Superset => version_in_range(m, platform, compare_versions),
    }
}

/// One end of a version range: the bound, its operator for messages, and
/// which orderings of (platform version, bound) satisfy it.
type Bound<'a> = (&'a Option<String>, &'static str, fn(Ordering) -> bool);

fn version_in_range<F>(
    m: &CpeMatch,
    platform: &Wfn,
    compare_versions: &F,
) -> (Truth, Option<String>)
where
    F: Fn(&str, &str) -> Option<Ordering>,
{
    let bounds: [Bound<'_>; 4] = [
        (&m.version_start_including, ">=", |o| o != Ordering::Less),
        (&m.version_start_excluding, ">", |o| o == Ordering::Greater),
        (&m.version_end_including, "<=", |o| o != Ordering::Greater),
        (&m.version_end_excluding, "<", |o| o == Ordering::Less),
    ];
    if bounds.iter().all(|(b, _, _)| b.is_none()) {
        return (Truth::Yes, None);
    }
    let version = match platform.get(crate::Attribute::Version) {
        Value::Any => {
            return (
                Truth::Unknown,
                Some(
                    "the platform version is unknown (ANY) and the entry has a version range"
                        .to_owned(),
                ),
            );
        }
        Value::Na => {
            return (
                Truth::No,
                Some(
                    "the platform has no version (NA) and the entry has a version range".to_owned(),
                ),
            );
        }
        Value::Str(s) => match s.unquoted() {
            Some(v) => v,
            None => {
                return (
                    Truth::Unknown,
                    Some(format!("the platform version {s} has wildcards")),
                );
            }
        },
    };
    let mut truth = Truth::Yes;
    let mut note = None;
    for (bound, op, holds) in bounds {
        let Some(bound) = bound else { continue };
        match compare_versions(&version, bound) {
            Some(o) if holds(o) => {}
            Some(_) => {
                return (
                    Truth::No,
                    Some(format!("version {version} is not {op} {bound}")),
                );
            }
            None => {
                truth = Truth::Unknown;
                note.get_or_insert_with(|| {
                    format!("cannot compare version {version} with {op} {bound}")
                });
            }
        }
    }
    (truth, note)
}

/// A placeholder version order until Baton's version engine is plugged in:
/// dot-separated decimal numbers compared numerically, missing parts
/// counting as zero (`1.2` = `1.2.0` < `1.10`). Anything else (letters,
/// empty parts, build suffixes) gives None, which evaluation reports as
/// Unknown rather than guessing.
pub fn dotted_numeric(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (numeric_parts(a)?, numeric_parts(b)?);
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or("");
        let y = b.get(i).copied().unwrap_or("");
        // Leading zeros are gone, so a longer digit string is a larger number.
        let o = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
        if o != Ordering::Equal {
            return Some(o);
        }
    }
    Some(Ordering::Equal)
}

fn numeric_parts(v: &str) -> Option<Vec<&str>> {
    v.split('.')
        .map(|p| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.trim_start_matches('0'))
        })
        .collect()
}
