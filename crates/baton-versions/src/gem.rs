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
use crate::text;

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
    let (main, pre) = match text::split_once(t, b'-') {
        Some((m, p)) => (m.as_bytes(), Some(p.as_bytes())),
        None => (t.as_bytes(), None),
    };
    let head = main.iter().position(|b| *b == b'.').unwrap_or(main.len());
    if head == 0 || !main[..head].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if let Some(rest) = main.get(head + 1..)
        && !text::dotted_labels(rest, |b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    pre.is_none_or(|p| text::dotted_labels(p, |b| b.is_ascii_alphanumeric() || b == b'-'))
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
        // Read as if each `-` were `.pre.`, without building that string.
        // The numbers before the first letters are the head; from the first
        // letters on, the tail. Trailing zeros go from each.
        let mut segments = Vec::with_capacity(4);
        let mut in_tail = false;
        let bytes = t.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                segments.push(Segment::Num(Num::from_digits(&t[start..i])));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if !in_tail {
                    drop_trailing_zeros(&mut segments);
                    in_tail = true;
                }
                segments.push(Segment::Str(t[start..i].into()));
            } else {
                if bytes[i] == b'-' {
                    if !in_tail {
                        drop_trailing_zeros(&mut segments);
                        in_tail = true;
                    }
                    segments.push(Segment::Str("pre".into()));
                }
                i += 1;
            }
        }
        // The tail, when there is one, starts with letters, so this never
        // reaches into the head.
        drop_trailing_zeros(&mut segments);
        Ok(GemVersion { segments })
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
