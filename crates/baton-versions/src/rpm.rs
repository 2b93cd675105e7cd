//! RPM `[epoch:]version[-release]` versions, ordered by `rpm-version`
//! (rpmvercmp: alternating numeric and alphabetic segments, `~` sorts before
//! anything including the end, `^` after the end but before anything else).
//!
//! Baton checks the shape RPM itself enforces: the epoch is a number, the
//! version is not empty, neither version nor release contains `-` (so at most
//! one `-` separates them) and only RPM's version characters appear.

use std::cmp::Ordering;

/// A checked RPM version: where its parts lie in the text, which itself
/// stays in [`crate::Version`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RpmVersion {
    /// Length of the epoch before its `:`, if there is one.
    epoch: Option<usize>,
    /// Start and end of the version part.
    version: (usize, usize),
    /// Start of the release after its `-`, if there is one.
    release: Option<usize>,
}

impl RpmVersion {
    pub(crate) fn parse(text: &str) -> Result<RpmVersion, String> {
        let (epoch, rest) = match text.split_once(':') {
            Some((e, r)) => (Some(e), r),
            None => (None, text),
        };
        if let Some(e) = epoch
            && (e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("epoch {e:?} is not a number"));
        }
        let (version, release) = match rest.split_once('-') {
            Some((v, r)) => (v, Some(r)),
            None => (rest, None),
        };
        if version.is_empty() {
            return Err("the version part is empty".to_string());
        }
        for part in std::iter::once(version).chain(release) {
            if !part.bytes().all(is_rpm_byte)
                && let Some(c) = part.chars().find(|c| !is_rpm_char(*c))
            {
                return Err(format!("character {c:?} is not allowed"));
            }
        }
        if release.is_some_and(str::is_empty) {
            return Err("the release after '-' is empty".to_string());
        }
        let version_start = epoch.map_or(0, |e| e.len() + 1);
        let version_end = version_start + version.len();
        Ok(RpmVersion {
            epoch: epoch.map(str::len),
            version: (version_start, version_end),
            release: release.map(|_| version_end + 1),
        })
    }

    /// Epoch (`0` when missing), version and release (empty when missing).
    fn parts<'a>(&self, text: &'a [u8]) -> [&'a [u8]; 3] {
        let part = |start: usize, end: usize| text.get(start..end).unwrap_or_default();
        [
            self.epoch.map_or(b"0".as_slice(), |n| part(0, n)),
            part(self.version.0, self.version.1),
            self.release
                .map_or(&[][..], |start| part(start, text.len())),
        ]
    }
}

fn is_rpm_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'~' | b'^')
}

fn is_rpm_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | '^')
}

/// rpmvercmp order of two checked versions, given with their texts: epoch,
/// then version, then release.
pub(crate) fn compare(a: &RpmVersion, a_text: &[u8], b: &RpmVersion, b_text: &[u8]) -> Ordering {
    let (x, y) = (a.parts(a_text), b.parts(b_text));
    x.iter()
        .zip(&y)
        .map(|(p, q)| compare_segments(p, q))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// rpmvercmp on one part, as `rpm-version` 0.5 implements it (its
/// `compare_version_string`), over ASCII bytes: separators are skipped, `~`
/// sorts before anything including the end, `^` after the end but before
/// anything else, digit runs compare numerically and beat letter runs.
fn compare_segments(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let skip = |s: &[u8]| -> usize {
        s.iter()
            .position(|c| c.is_ascii_alphanumeric() || matches!(c, b'~' | b'^'))
            .unwrap_or(s.len())
    };
    let run = |s: &[u8], digits: bool| -> usize {
        s.iter()
            .position(|c| {
                if digits {
                    !c.is_ascii_digit()
                } else {
                    !c.is_ascii_alphabetic()
                }
            })
            .unwrap_or(s.len())
    };
    let (mut a, mut b) = (a, b);
    loop {
        a = &a[skip(a)..];
        b = &b[skip(b)..];
        match (a.first() == Some(&b'~'), b.first() == Some(&b'~')) {
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (true, true) => {
                a = &a[1..];
                b = &b[1..];
                continue;
            }
            (false, false) => {}
        }
        match (a.first() == Some(&b'^'), b.first() == Some(&b'^')) {
            (true, false) if b.is_empty() => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            (false, true) if a.is_empty() => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (true, true) => {
                a = &a[1..];
                b = &b[1..];
                continue;
            }
            (false, false) => {}
        }
        if a.is_empty() || b.is_empty() {
            break;
        }
        let digits = a[0].is_ascii_digit();
        let (n, m) = (run(a, digits), run(b, digits));
        if m == 0 {
            // A number beats letters; letters lose to a number.
            return if digits {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (p, q) = (&a[..n], &b[..m]);
        a = &a[n..];
        b = &b[m..];
        let ordering = if digits {
            let zeros = |s: &[u8]| s.iter().take_while(|c| **c == b'0').count();
            let (p, q) = (&p[zeros(p)..], &q[zeros(q)..]);
            p.len().cmp(&q.len()).then_with(|| p.cmp(q))
        } else {
            p.cmp(q)
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Baton's byte-wise rpmvercmp gives what `rpm-version` gives.
    #[test]
    fn agrees_with_rpm_version() {
        let alphabet = b"0123a~^._+b9";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut word = |n: u64| -> String {
            (0..1 + n % 7)
                .map(|_| char::from(alphabet[(next() % alphabet.len() as u64) as usize]))
                .collect()
        };
        let mut checked = 0;
        for i in 0..20_000u64 {
            let mut make = |i: u64| {
                let mut s = String::new();
                if i.is_multiple_of(5) {
                    s.push_str(&format!("{}:", i % 3));
                }
                s.push_str(&word(i));
                if i.is_multiple_of(2) {
                    s.push('-');
                    s.push_str(&word(i / 2));
                }
                s
            };
            let (x, y) = (make(i), make(i / 3 + 1));
            let (Ok(a), Ok(b)) = (RpmVersion::parse(&x), RpmVersion::parse(&y)) else {
                continue;
            };
            assert_eq!(
                compare(&a, x.as_bytes(), &b, y.as_bytes()),
                rpm_version::rpm_evr_compare(&x, &y),
                "{x} vs {y}"
            );
            checked += 1;
        }
        assert!(checked > 5_000, "{checked}");
    }
}
