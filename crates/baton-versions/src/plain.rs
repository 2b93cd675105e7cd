//! Plain versions: decimal numbers separated by dots (`1.2.3`, `v1.2.3` in
//! npm and Go, `1.2.3-1` in Debian), read and ordered without building a
//! scheme's representation.
//!
//! Most versions and most range bounds are plain. For them, every scheme
//! here orders versions by their numbers, so a range given as plain bounds
//! can answer a plain version with a few integer comparisons; anything else
//! takes the general path ([`crate::Version`]). A string is read as plain
//! only when the scheme's own parser accepts it and orders it as described:
//!
//! | schemes | plain shape | order |
//! |---|---|---|
//! | `semver`, `cargo` | exactly three numbers, no leading zeros | by number |
//! | `npm` | the same, an optional leading `v`, numbers up to 2^53-1 | by number |
//! | `golang` | one to three numbers (`v1` = `v1.0.0`), no leading zeros, optional `v` | by number, missing = 0 |
//! | `pypi`, `maven`, `gem`, `generic` | one or more numbers | by number, missing = 0 (`1.0` = `1`) |
//! | `nuget` | one to four numbers | by number, missing = 0 |
//! | `deb` | upstream numbers, then optionally `-` and a number (the revision); no epoch | upstream numbers in order, the shorter first when one is a prefix of the other (`1.2` < `1.2.0`), then the revision (missing = 0) |
//!
//! `rpm`, `apk` and `firmware` have no plain shape here. Numbers of more
//! than 9 digits and versions of more than six numbers are left to the
//! general path: a plain version takes 32 bytes, so that the bounds of a
//! range sit in one or two cache lines.

use std::cmp::Ordering;

use crate::Scheme;

const MAX_PARTS: usize = 6;
/// A number of at most 9 digits fits a `u32` (and the integers of every
/// scheme).
const MAX_DIGITS: usize = 9;

/// A plain version's numbers (zero past `len`) and Debian revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plain {
    parts: [u32; MAX_PARTS],
    len: u8,
    /// The Debian revision; 0 when missing, and in every other scheme.
    revision: u32,
}

/// How a scheme orders plain versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Number by number, missing numbers read as 0.
    Padded,
    /// Number by number, a prefix before the longer version, then the
    /// revision (dpkg).
    Prefix,
}

fn rule(scheme: Scheme) -> Option<Rule> {
    match scheme {
        Scheme::Semver
        | Scheme::Cargo
        | Scheme::Npm
        | Scheme::Golang
        | Scheme::Pypi
        | Scheme::Maven
        | Scheme::Nuget
        | Scheme::Gem
        | Scheme::Generic => Some(Rule::Padded),
        Scheme::Deb => Some(Rule::Prefix),
        Scheme::Rpm | Scheme::Apk | Scheme::Firmware => None,
    }
}

/// The value of a run of 1 to [`MAX_DIGITS`] ASCII digits.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > MAX_DIGITS {
        return None;
    }
    digits.iter().try_fold(0u32, |value, d| {
        d.is_ascii_digit().then(|| value * 10 + u32::from(d - b'0'))
    })
}

impl Plain {
    /// Reads `text` as a plain version of `scheme`, if it is one.
    pub(crate) fn read(scheme: Scheme, text: &str) -> Option<Plain> {
        let bytes = text.as_bytes();
        let plain = match scheme {
            Scheme::Semver | Scheme::Cargo => Plain::numbers(bytes, true).filter(|p| p.len == 3)?,
            Scheme::Npm => {
                let bytes = bytes.strip_prefix(b"v").unwrap_or(bytes);
                // Nine digits stay below npm's limit on numbers.
                Plain::numbers(bytes, true).filter(|p| p.len == 3)?
            }
            Scheme::Golang => {
                let bytes = bytes.strip_prefix(b"v").unwrap_or(bytes);
                Plain::numbers(bytes, true).filter(|p| p.len <= 3)?
            }
            Scheme::Pypi | Scheme::Maven | Scheme::Gem | Scheme::Generic => {
                Plain::numbers(bytes, false)?
            }
            Scheme::Nuget => Plain::numbers(bytes, false).filter(|p| p.len <= 4)?,
            Scheme::Deb => {
                let (upstream, revision) = match bytes.iter().position(|b| *b == b'-') {
                    Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
                    None => (bytes, None),
                };
                let mut plain = Plain::numbers(upstream, false)?;
                if let Some(r) = revision {
                    plain.revision = number(r)?;
                }
                plain
            }
            Scheme::Rpm | Scheme::Apk | Scheme::Firmware => return None,
        };
        Some(plain)
    }

    /// One or more numbers separated by single dots, each of 1 to
    /// [`MAX_DIGITS`] digits; with `no_leading_zeros`, a number of two or
    /// more digits may not start with `0`.
    fn numbers(bytes: &[u8], no_leading_zeros: bool) -> Option<Plain> {
        let mut plain = Plain {
            parts: [0; MAX_PARTS],
            len: 0,
            revision: 0,
        };
        let mut value = 0u32;
        let mut digits = 0usize;
        let mut count = 0usize;
        for &b in bytes {
            if b.is_ascii_digit() {
                if no_leading_zeros && digits == 1 && value == 0 {
                    return None;
                }
                digits += 1;
                if digits > MAX_DIGITS {
                    return None;
                }
                value = value * 10 + u32::from(b - b'0');
            } else if b == b'.' && digits > 0 {
                *plain.parts.get_mut(count)? = value;
                count += 1;
                value = 0;
                digits = 0;
            } else {
                return None;
            }
        }
        if digits == 0 {
            return None;
        }
        *plain.parts.get_mut(count)? = value;
        plain.len = u8::try_from(count + 1).ok()?;
        Some(plain)
    }

    /// The order of two plain versions of `scheme`.
    pub(crate) fn cmp(&self, other: &Plain, scheme: Scheme) -> Ordering {
        match rule(scheme) {
            Some(Rule::Prefix) => self.parts[..usize::from(self.len)]
                .cmp(&other.parts[..usize::from(other.len)])
                .then(self.revision.cmp(&other.revision)),
            // Zeros past `len` make the padding.
            _ => self.parts.cmp(&other.parts),
        }
    }
}

/// The plain readings of the versions (texts of `scheme`) of `bounds`,
/// each kept with its tag, when every one is plain.
pub(crate) fn read_all<'a, T>(
    scheme: Scheme,
    bounds: impl ExactSizeIterator<Item = (T, &'a str)>,
) -> Option<Box<[(T, Plain)]>> {
    rule(scheme)?;
    let mut plains = Vec::with_capacity(bounds.len());
    for (tag, v) in bounds {
        plains.push((tag, Plain::read(scheme, v)?));
    }
    Some(plains.into_boxed_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Version;

    /// Strings near the plain shapes: numbers with and without leading
    /// zeros, too long, empty parts, `v` prefixes, revisions, suffixes.
    fn candidates() -> Vec<String> {
        let numbers = [
            "0",
            "1",
            "2",
            "9",
            "10",
            "01",
            "00",
            "007",
            "999999999",
            "1000000000",
            "4294967296",
            "123456789012345678",
        ];
        let mut out = Vec::new();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..6_000 {
            let parts = 1 + next(7);
            let mut s = String::new();
            match next(10) {
                0 => s.push('v'),
                1 => s.push_str("1:"),
                _ => {}
            }
            for k in 0..parts {
                if k > 0 {
                    s.push(if next(40) == 0 { '-' } else { '.' });
                }
                if next(50) != 0 {
                    // Small numbers mostly, so that many pairs are equal.
                    s.push_str(
                        numbers[if next(3) == 0 {
                            next(numbers.len())
                        } else {
                            next(4)
                        }],
                    );
                }
            }
            match next(12) {
                0 => s.push_str("-1"),
                1 => s.push_str("-0"),
                2 => s.push_str("-10"),
                3 => s.push_str("rc1"),
                4 => s.push('.'),
                5 => s.push('-'),
                _ => {}
            }
            out.push(s);
        }
        out
    }

    /// A plain reading exists only for versions the scheme accepts, and
    /// orders them as the scheme does.
    #[test]
    fn plain_order_is_the_scheme_order() {
        let strings = candidates();
        for scheme in Scheme::ALL {
            let parsed: Vec<(Option<Plain>, Option<Version>)> = strings
                .iter()
                .map(|s| (Plain::read(scheme, s), Version::parse(scheme, s).ok()))
                .collect();
            let mut plain = 0;
            for (s, (p, v)) in strings.iter().zip(&parsed) {
                if p.is_some() {
                    assert!(v.is_some(), "{scheme}: {s:?} read as plain but invalid");
                    plain += 1;
                }
            }
            if rule(scheme).is_none() {
                assert_eq!(plain, 0, "{scheme}");
                continue;
            }
            assert!(plain > 100, "{scheme}: only {plain} plain");
            let plains: Vec<(&String, Plain, &Version)> = strings
                .iter()
                .zip(&parsed)
                .filter_map(|(s, (p, v))| Some((s, (*p)?, v.as_ref()?)))
                .collect();
            for (i, (a, pa, va)) in plains.iter().enumerate() {
                for (b, pb, vb) in plains.iter().skip(i).take(40) {
                    assert_eq!(
                        pa.cmp(pb, scheme),
                        va.compare(vb).unwrap(),
                        "{scheme}: {a:?} vs {b:?}"
                    );
                }
            }
        }
    }
}
