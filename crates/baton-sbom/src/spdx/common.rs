//! Pieces shared by the SPDX 2 and SPDX 3 readers: warnings, text fields, dates, hashes, purposes,
//! agent names and the FDA support fields carried in annotations.

use super::tree::{Loc, Node, Value};
use crate::{Component, Dependency, Hash, SupportDate, Warning};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::{HashMap, HashSet};

/// Warnings collected while reading one document.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    pub warnings: Vec<Warning>,
}

impl Notes {
    pub fn warn(&mut self, loc: &Loc, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: loc.render(),
            message: message.into(),
        });
    }

    /// A text field, or `None` with a warning when it holds something else. A number is taken as
    /// its text (with a warning, since 1.10 written as a number reads as 1.1); null counts as absent.
    pub fn text<'n>(&mut self, node: Option<&'n Node>, loc: &Loc, field: &str) -> Option<&'n str> {
        let node = node?;
        match &node.value {
            Value::Text(s) => Some(s.as_str()),
            Value::Null => None,
            Value::Number(s) => {
                self.warn(
                    loc,
                    format!("{field} is a number, not a string; read as \"{s}\""),
                );
                Some(s.as_str())
            }
            _ => {
                self.warn(
                    loc,
                    format!("{field} should be a string but is {}; ignored", node.kind()),
                );
                None
            }
        }
    }

    /// A list field; a single value where a list belongs is read as a one-item list, with a warning.
    pub fn list<'n>(&mut self, node: Option<&'n Node>, loc: &Loc, field: &str) -> &'n [Node] {
        match node {
            None => &[],
            Some(n) => match &n.value {
                Value::List(items) => items,
                Value::Null => &[],
                _ => {
                    self.warn(
                        loc,
                        format!(
                            "{field} should be a list but is {}; read as a one-item list",
                            n.kind()
                        ),
                    );
                    std::slice::from_ref(n)
                }
            },
        }
    }
}

/// Dependencies grouped by `from` in first-seen order, each target once; hashed so a component
/// with tens of thousands of dependencies costs linear time.
#[derive(Debug, Default)]
pub(crate) struct Deps {
    list: Vec<Dependency>,
    at: HashMap<String, usize>,
    edges: HashSet<(usize, String)>,
}

impl Deps {
    /// Records `from` (an entry with no targets yet, meaning "no dependencies" if none follow).
    pub fn from(&mut self, from: &str) -> usize {
        if let Some(&i) = self.at.get(from) {
            return i;
        }
        self.list.push(Dependency {
            from: from.into(),
            to: Vec::new(),
        });
        self.at.insert(from.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }

    pub fn edge(&mut self, from: &str, to: String) {
        let i = self.from(from);
        if self.edges.insert((i, to.clone())) {
            self.list[i].to.push(to.into());
        }
    }

    pub fn into_list(self) -> Vec<Dependency> {
        self.list
    }
}

/// The text with `NOASSERTION`/`NONE` and blanks treated as absent.
pub(crate) fn asserted(s: Option<&str>) -> Option<&str> {
    let s = s?.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("NOASSERTION") || s.eq_ignore_ascii_case("NONE") {
        None
    } else {
        Some(s)
    }
}

/// A creation time read in UTC. RFC 3339 (fractional seconds allowed, as Trivy writes them); a
/// time without zone or a bare date is taken as UTC with a warning.
pub(crate) fn timestamp(s: &str, loc: &Loc, notes: &mut Notes) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        notes.warn(loc, format!("time \"{s}\" has no time zone; read as UTC"));
        return Some(t.and_utc());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        notes.warn(
            loc,
            format!("time \"{s}\" is a date without a time; read as midnight UTC"),
        );
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    notes.warn(
        loc,
        format!("time \"{s}\" is not an RFC 3339 date-time; ignored"),
    );
    None
}

/// A support date: `YYYY-MM-DD` or a date-time (its date is taken); anything else is kept as text
/// with a warning (real device SBOMs write "Until hardware support ends").
pub(crate) fn support_date(s: &str, loc: &Loc, what: &str, notes: &mut Notes) -> SupportDate {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return SupportDate::Date(d);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return SupportDate::Date(t.date_naive());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return SupportDate::Date(t.date());
    }
    notes.warn(
        loc,
        format!("{what} \"{s}\" is not an ISO date (YYYY-MM-DD); kept as text"),
    );
    SupportDate::Text(s.to_string())
}

/// `SHA256` / `sha256` / `sha3_256` / `BLAKE2b-384` / `blake2b384` → `SHA-256`, `SHA3-256`,
/// `BLAKE2B-384`: upper case, underscores as dashes, a dash before the digest size.
pub(crate) fn hash_algorithm(raw: &str) -> String {
    let up = raw.trim().to_ascii_uppercase().replace('_', "-");
    for family in ["BLAKE2B", "BLAKE2S", "SHA"] {
        if let Some(bits) = up.strip_prefix(family)
            && !bits.is_empty()
            && bits.bytes().all(|b| b.is_ascii_digit())
        {
            return format!("{family}-{bits}");
        }
    }
    up
}

/// A hash with the value lower-cased; a value that is not hex is kept with a warning.
pub(crate) fn hash(algorithm: &str, value: &str, loc: &Loc, notes: &mut Notes) -> Option<Hash> {
    let value = value.trim();
    if value.is_empty() || algorithm.trim().is_empty() {
        notes.warn(loc, "checksum without algorithm or value; ignored");
        return None;
    }
    if !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        notes.warn(
            loc,
            format!("checksum value \"{value}\" is not hexadecimal"),
        );
    }
    Some(Hash {
        algorithm: hash_algorithm(algorithm).into(),
        value: value.to_ascii_lowercase(),
    })
}

/// A purpose as lower case with dashes: `OPERATING_SYSTEM`, `OPERATING-SYSTEM` and SPDX 3's
/// `operatingSystem` all give `operating-system`.
pub(crate) fn purpose(raw: &str) -> String {
    let raw = raw.trim();
    let raw = raw.rsplit('/').next().unwrap_or(raw);
    let mut out = String::with_capacity(raw.len() + 4);
    let mixed = raw.chars().any(|c| c.is_ascii_lowercase());
    for (i, c) in raw.chars().enumerate() {
        if c == '_' || c == '-' || c == ' ' {
            out.push('-');
        } else if mixed && c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// An agent's name from SPDX 2 actor text (`Organization: Acme (ops@acme.example)`): the prefix and a
/// trailing contact in parentheses are dropped when the parentheses are empty or hold an e-mail
/// address; other parentheses are part of the name ("General Electric (GE)").
pub(crate) fn actor_name(text: &str) -> (ActorKind, String) {
    let text = text.trim();
    let (kind, rest) = if let Some(r) = strip_prefix_ci(text, "Organization:") {
        (ActorKind::Organization, r)
    } else if let Some(r) = strip_prefix_ci(text, "Person:") {
        (ActorKind::Person, r)
    } else if let Some(r) = strip_prefix_ci(text, "Tool:") {
        (ActorKind::Tool, r)
    } else {
        (ActorKind::Unknown, text)
    };
    let mut name = rest.trim();
    if name.ends_with(')')
        && let Some(open) = name.rfind('(')
    {
        let inside = &name[open + 1..name.len() - 1];
        if inside.trim().is_empty() || inside.contains('@') {
            name = name[..open].trim_end();
        }
    }
    (kind, name.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActorKind {
    Person,
    Organization,
    Tool,
    Unknown,
}

pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Reads FDA fields from annotation text, one per line: `cdx:fda:level-of-support=…`,
/// `Level of Support: …`, `end-of-support: 2027-01-01` (any case, `:` or `=`). Without the
/// `cdx:fda:` prefix only level of support and end of support (dates or "end of life") count, so
/// ordinary comments are not misread. Returns (canonical key, value) pairs.
pub(crate) fn fda_fields(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let (rest, prefixed) = match strip_prefix_ci(line, "cdx:fda:") {
            Some(r) => (r, true),
            None => (line, false),
        };
        let Some(sep) = rest.find([':', '=']) else {
            continue;
        };
        let value = rest[sep + 1..].trim();
        if value.is_empty() {
            continue;
        }
        let mut key: String = rest[..sep]
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '_' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        if key == "support-level" {
            key = "level-of-support".into();
        }
        if key == "end-of-support" || key == "end-of-life" {
            key.push_str("-date");
        }
        let plain_ok = matches!(
            key.as_str(),
            "level-of-support" | "end-of-support-date" | "end-of-life-date"
        );
        if prefixed || plain_ok {
            out.push((key, value.to_string()));
        }
    }
    out
}

/// Applies FDA fields found in annotations to a component: level of support and end of support
/// (the first of each wins, with a warning when a later one differs); every field is also kept
/// as a `cdx:fda:…` property so it reads the same as in CycloneDX.
pub(crate) fn apply_fda(c: &mut Component, text: &str, loc: &Loc, notes: &mut Notes) -> bool {
    let fields = fda_fields(text);
    for (key, value) in &fields {
        c.properties.push((format!("cdx:fda:{key}"), value.clone()));
        match key.as_str() {
            "level-of-support" => match &c.support_level {
                None => c.support_level = Some(value.into()),
                Some(old) if old != value => notes.warn(
                    loc,
                    format!("a second level of support \"{value}\"; \"{old}\" is kept"),
                ),
                Some(_) => {}
            },
            "end-of-support-date" => {
                let date = support_date(value, loc, "end-of-support", notes);
                match &c.end_of_support {
                    None => c.end_of_support = Some(date),
                    Some(old) if *old != date => notes.warn(
                        loc,
                        format!("a second end-of-support \"{value}\"; the first is kept"),
                    ),
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
    !fields.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spdx::tree::Style;

    #[test]
    fn hash_algorithms_normalize() {
        assert_eq!(hash_algorithm("SHA256"), "SHA-256");
        assert_eq!(hash_algorithm("sha1"), "SHA-1");
        assert_eq!(hash_algorithm("sha3_256"), "SHA3-256");
        assert_eq!(hash_algorithm("SHA3-512"), "SHA3-512");
        assert_eq!(hash_algorithm("BLAKE2b-384"), "BLAKE2B-384");
        assert_eq!(hash_algorithm("blake2b256"), "BLAKE2B-256");
        assert_eq!(hash_algorithm("MD5"), "MD5");
        assert_eq!(hash_algorithm("SHA-256"), "SHA-256");
    }

    #[test]
    fn purposes_normalize() {
        assert_eq!(purpose("OPERATING_SYSTEM"), "operating-system");
        assert_eq!(purpose("OPERATING-SYSTEM"), "operating-system");
        assert_eq!(purpose("operatingSystem"), "operating-system");
        assert_eq!(purpose("FIRMWARE"), "firmware");
        assert_eq!(purpose("deviceDriver"), "device-driver");
    }

    #[test]
    fn actor_names() {
        assert_eq!(
            actor_name("Person: Jane Doe (jane@x.example)"),
            (ActorKind::Person, "Jane Doe".into())
        );
        assert_eq!(
            actor_name("Organization: ExampleCodeInspect ()"),
            (ActorKind::Organization, "ExampleCodeInspect".into())
        );
        assert_eq!(
            actor_name("Organization: General Electric (GE)"),
            (ActorKind::Organization, "General Electric (GE)".into())
        );
        assert_eq!(actor_name("Acme"), (ActorKind::Unknown, "Acme".into()));
    }

    #[test]
    fn fda_lines() {
        let f = fda_fields(
            "cdx:fda:level-of-support=actively maintained\nEnd of Support: 2027-01-01\nNote: x",
        );
        assert_eq!(
            f,
            vec![
                (
                    "level-of-support".to_string(),
                    "actively maintained".to_string()
                ),
                ("end-of-support-date".to_string(), "2027-01-01".to_string())
            ]
        );
        assert_eq!(fda_fields("LEVEL OF SUPPORT = abandoned")[0].1, "abandoned");
        assert!(fda_fields("Package level annotation").is_empty());
    }

    #[test]
    fn support_dates() {
        let mut n = Notes::default();
        let loc = Loc::root(Style::Pointer);
        assert_eq!(
            support_date("2014-01-29T18:30:22Z", &loc, "x", &mut n),
            SupportDate::Date(NaiveDate::from_ymd_opt(2014, 1, 29).unwrap())
        );
        assert_eq!(
            support_date("soon", &loc, "x", &mut n),
            SupportDate::Text("soon".into())
        );
        assert_eq!(n.warnings.len(), 1);
    }
}
