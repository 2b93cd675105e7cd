//! NuGet versions (NuGet.Versioning): `Major[.Minor[.Patch[.Revision]]]`
//! with an optional SemVer 2.0.0 pre-release after `-` and metadata after
//! `+`.
//!
//! - Missing numbers are zero (`1` = `1.0` = `1.0.0` = `1.0.0.0`); leading
//!   zeros are allowed and ignored (`01.2` = `1.2`).
//! - A pre-release sorts before its release. Labels compare pairwise:
//!   numeric labels numerically and before alphanumeric ones, alphanumeric
//!   labels case-insensitively; a prefix sorts first.
//! - Metadata after `+` is ignored.

use std::cmp::Ordering;

use crate::num::Num;
use crate::text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NugetVersion {
    numbers: [Num; 4],
    pre: Vec<Label>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Num(Num),
    /// Lowercased, for case-insensitive comparison.
    Text(Box<str>),
}

fn check_identifiers(part: &str, what: &str) -> Result<(), String> {
    // The usual case, checked in one pass.
    if text::dotted_labels(part.as_bytes(), |b| b.is_ascii_alphanumeric() || b == b'-') {
        return Ok(());
    }
    for id in part.split('.') {
        if id.is_empty() {
            return Err(format!("empty {what} label"));
        }
        if let Some(c) = id
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!("character {c:?} is not allowed in the {what}"));
        }
    }
    Ok(())
}

impl NugetVersion {
    pub(crate) fn parse(text: &str) -> Result<NugetVersion, String> {
        let (rest, metadata) = match text::split_once(text, b'+') {
            Some((r, m)) => (r, Some(m)),
            None => (text, None),
        };
        if let Some(m) = metadata {
            check_identifiers(m, "metadata")?;
        }
        let (core, pre) = match text::split_once(rest, b'-') {
            Some((c, p)) => (c, Some(p)),
            None => (rest, None),
        };
        if core.bytes().filter(|b| *b == b'.').count() > 3 {
            return Err("more than four numbers".to_string());
        }
        let mut numbers = [Num::ZERO, Num::ZERO, Num::ZERO, Num::ZERO];
        for (slot, part) in numbers.iter_mut().zip(text::split(core, b'.')) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{part:?} is not a number"));
            }
            *slot = Num::from_digits(part);
        }
        let mut labels = Vec::new();
        if let Some(p) = pre {
            check_identifiers(p, "pre-release")?;
            for id in text::split(p, b'.') {
                labels.push(if id.bytes().all(|b| b.is_ascii_digit()) {
                    Label::Num(Num::from_digits(id))
                } else {
                    Label::Text(id.to_ascii_lowercase().into())
                });
            }
        }
        Ok(NugetVersion {
            numbers,
            pre: labels,
        })
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Label::Num(a), Label::Num(b)) => a.cmp(b),
            (Label::Num(_), Label::Text(_)) => Ordering::Less,
            (Label::Text(_), Label::Num(_)) => Ordering::Greater,
            (Label::Text(a), Label::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NugetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl PartialOrd for NugetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
