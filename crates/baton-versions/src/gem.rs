//! RubyGems versions, ordered as `Gem::Version#<=>`.
//!
//! - Valid: digits, then `.`-separated alphanumeric parts, then optionally
//!   `-` and `.`-separated parts of letters, digits and `-`; surrounding
//!   whitespace is ignored. (RubyGems reads an empty string as `0`; Baton
//!   rejects empty versions in every scheme.)
//! - Each `-` reads as `.pre.` (`1.0-rc1` = `1.0.pre.rc1`), so it is a
//!   pre-release.
//! - The string splits into runs of digits and runs of letters; letters
//!   stay as written (comparison is case-sensitive, bytewise).
//! - Trailing zeros are dropped, separately from the numeric head and from
//!   the part from the first letter on (`1.0.0` = `1`, `1.0.a.0` = `1.a`).
//! - Compared pairwise, missing parts are `0`; a string part is lower than
//!   a number (`1.0.a` < `1.0`).

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GemVersion {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Num(Num),
    Str(Box<str>),
}

fn is_valid(t: &str) -> bool {
    let (main, pre) = match t.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (t, None),
    };
    let mut parts = main.split('.');
    let head_ok = parts
        .next()
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()));
    if !head_ok || !parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return false;
    }
    match pre {
        None => true,
        Some(p) => p
            .split('.')
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')),
    }
}

fn drop_trailing_zeros(segments: &mut Vec<Segment>) {
    while matches!(segments.last(), Some(Segment::Num(n)) if n.is_zero()) {
        segments.pop();
    }
}

impl GemVersion {
    pub(crate) fn parse(text: &str) -> Result<GemVersion, String> {
        let t = text.trim();
        if !is_valid(t) {
            return Err(
                "not a RubyGems version (digits first, then '.'-separated letters and digits)"
                    .to_string(),
            );
        }
        let t = if t.is_empty() {
            "0".to_string()
        } else {
            t.replace('-', ".pre.")
        };
        let mut head = Vec::new();
        let mut tail = Vec::new();
        let bytes = t.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let n = Segment::Num(Num::from_digits(&t[start..i]));
                if tail.is_empty() {
                    head.push(n)
                } else {
                    tail.push(n)
                }
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                tail.push(Segment::Str(t[start..i].into()));
            } else {
                i += 1;
            }
        }
        drop_trailing_zeros(&mut head);
        drop_trailing_zeros(&mut tail);
        head.extend(tail);
        Ok(GemVersion { segments: head })
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Num(Num::ZERO);
        let len = self.segments.len().max(other.segments.len());
        for i in 0..len {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let r = match (a, b) {
                (Segment::Num(x), Segment::Num(y)) => x.cmp(y),
                (Segment::Str(_), Segment::Num(_)) => Ordering::Less,
                (Segment::Num(_), Segment::Str(_)) => Ordering::Greater,
                (Segment::Str(x), Segment::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
            };
            if r != Ordering::Equal {
                return r;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
