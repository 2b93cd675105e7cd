//! Debian `[epoch:]upstream[-revision]` versions in dpkg order (Debian
//! Policy §5.6.12).
//!
//! - The epoch (before the first `:`) is a number, missing = 0, compared
//!   first.
//! - The revision is what follows the last `-`; missing = empty, so `1.0`
//!   = `1.0-0`.
//! - Upstream and revision compare by alternating non-digit and digit
//!   parts: non-digit parts character by character with `~` before
//!   everything (even the end of the part), letters before other
//!   characters; digit parts numerically.
//!
//! Baton refuses what dpkg refuses (`parseversion` errors): an epoch that is
//! not a number, nothing after the epoch's `:`, an empty upstream version,
//! an empty revision after the last `-`, and characters outside
//! `A-Za-z0-9.+~-:` (upstream) or `A-Za-z0-9.+~` (revision). An upstream
//! version that does not start with a digit is only a warning for dpkg
//! (Policy: "should"), so it is accepted.
//!
//! Written for Baton rather than taken from `debversion`, whose parser
//! runs a regular expression per version (too slow for `vers check`) and
//! accepts `1:` and `-1`; `debversion` is kept as a test oracle.

use std::cmp::Ordering;

use crate::num::Num;

/// A checked Debian version: its epoch, and where the upstream version
/// and the revision lie in the text, which itself stays in
/// [`crate::Version`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DebVersion {
    epoch: Num,
    /// Start and end of the upstream version.
    upstream: (usize, usize),
    /// Start of the revision after the last `-`, if there is one.
    revision: Option<usize>,
}

impl DebVersion {
    pub(crate) fn parse(text: &str) -> Result<DebVersion, String> {
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => {
                if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("epoch {epoch:?} is not a number"));
                }
                if rest.is_empty() {
                    return Err("nothing after the epoch's ':'".to_string());
                }
                (Num::from_digits(epoch), rest)
            }
            None => (Num::ZERO, text),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => {
                if revision.is_empty() {
                    return Err("empty revision after '-'".to_string());
                }
                (upstream, revision)
            }
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err("empty upstream version".to_string());
        }
        if !upstream
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'~' | b'-' | b':'))
            && let Some(c) = upstream
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~' | '-' | ':')))
        {
            return Err(format!(
                "character {c:?} is not allowed in the upstream version"
            ));
        }
        if !revision
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'~'))
            && let Some(c) = revision
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~')))
        {
            return Err(format!("character {c:?} is not allowed in the revision"));
        }
        let start = text.len() - rest.len();
        let end = start + upstream.len();
        Ok(DebVersion {
            epoch,
            upstream: (start, end),
            revision: (end < text.len()).then_some(end + 1),
        })
    }

    fn upstream<'a>(&self, text: &'a [u8]) -> &'a [u8] {
        text.get(self.upstream.0..self.upstream.1)
            .unwrap_or_default()
    }

    fn revision<'a>(&self, text: &'a [u8]) -> &'a [u8] {
        self.revision
            .and_then(|start| text.get(start..))
            .unwrap_or_default()
    }
}

/// Weight of a character in a non-digit part; `None` is the part's end.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
fn compare_part(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let (x, y) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if x != y {
                return x.cmp(&y);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_difference = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_difference == Ordering::Equal {
                first_difference = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_difference != Ordering::Equal {
            return first_difference;
        }
    }
    Ordering::Equal
}

/// dpkg order of two checked versions, given with their texts.
pub(crate) fn compare(a: &DebVersion, a_text: &[u8], b: &DebVersion, b_text: &[u8]) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| compare_part(a.upstream(a_text), b.upstream(b_text)))
        .then_with(|| compare_part(a.revision(a_text), b.revision(b_text)))
}
