//! Alpine `apk` versions: `N[.N]…[letter][_suffix[N]]…[-rN]`, the Gentoo
//! grammar apk-tools implements, with Alpine's extra post-release suffixes.
//!
//! Ordering (first difference decides):
//!
//! 1. the first number, numerically;
//! 2. later numbers pairwise: numerically, unless one starts with `0`, then
//!    as decimal fractions (trailing zeros stripped, compared as text:
//!    `1.01` < `1.1`, `1.001` < `1.01`);
//! 3. more numbers is greater (`1.0` < `1.0.0`);
//! 4. the letter: none < `a` < … < `z`;
//! 5. suffixes pairwise by kind `_alpha` < `_beta` < `_pre` < `_rc` < (no
//!    suffix) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`, then by their
//!    number (missing = 0); an extra pre-release suffix is lower, an extra
//!    post-release suffix higher;
//! 6. the `-rN` revision, numerically (missing = 0).

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApkVersion {
    numbers: Vec<Component>,
    letter: Option<u8>,
    suffixes: Vec<(Suffix, Num)>,
    revision: Num,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Suffix {
    Alpha,
    Beta,
    Pre,
    Rc,
    Cvs,
    Svn,
    Git,
    Hg,
    P,
}

impl Suffix {
    fn is_pre_release(self) -> bool {
        matches!(
            self,
            Suffix::Alpha | Suffix::Beta | Suffix::Pre | Suffix::Rc
        )
    }

    fn read(s: &str) -> Option<(Suffix, &str)> {
        // Longest names first so `pre` is not read as `p`.
        const NAMES: [(&str, Suffix); 9] = [
            ("alpha", Suffix::Alpha),
            ("beta", Suffix::Beta),
            ("pre", Suffix::Pre),
            ("rc", Suffix::Rc),
            ("cvs", Suffix::Cvs),
            ("svn", Suffix::Svn),
            ("git", Suffix::Git),
            ("hg", Suffix::Hg),
            ("p", Suffix::P),
        ];
        NAMES
            .iter()
            .find_map(|(name, kind)| s.strip_prefix(name).map(|rest| (*kind, rest)))
    }
}

/// A number of the dotted part. After the first, one written with a
/// leading zero is a decimal fraction, kept as its digits without trailing
/// zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Component {
    Number(Num),
    Fraction(Box<str>),
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl ApkVersion {
    pub(crate) fn parse(text: &str) -> Result<ApkVersion, String> {
        let (body, revision) = match text.rsplit_once("-r") {
            Some((b, r)) if digits(r) => (b, Num::from_digits(r)),
            _ => (text, Num::ZERO),
        };
        let mut pieces = body.split('_');
        let head = pieces.next().unwrap_or_default();
        let (head, letter) = match head.as_bytes().last() {
            Some(b) if b.is_ascii_lowercase() => (&head[..head.len() - 1], Some(*b)),
            _ => (head, None),
        };
        let mut numbers = Vec::new();
        for (i, n) in head.split('.').enumerate() {
            if !digits(n) {
                return Err(format!(
                    "{n:?} is not a number (expected N[.N]…[letter][_suffix]…[-rN])"
                ));
            }
            if i == 0 && n.len() > 1 && n.starts_with('0') {
                return Err("the first number has a leading zero".to_string());
            }
            numbers.push(if i > 0 && n.starts_with('0') {
                Component::Fraction(n.trim_end_matches('0').into())
            } else {
                Component::Number(Num::from_digits(n))
            });
        }
        let mut suffixes = Vec::new();
        for s in pieces {
            match Suffix::read(s) {
                Some((kind, rest)) if rest.is_empty() || digits(rest) => {
                    suffixes.push((kind, Num::from_digits(rest)));
                }
                _ => return Err(format!("unknown suffix _{s}")),
            }
        }
        Ok(ApkVersion {
            numbers,
            letter,
            suffixes,
            revision,
        })
    }
}

fn cmp_component(a: &Component, b: &Component) -> Ordering {
    match (a, b) {
        (Component::Number(x), Component::Number(y)) => x.cmp(y),
        // "0…" sorts before any digit string starting with 1-9.
        (Component::Fraction(_), Component::Number(_)) => Ordering::Less,
        (Component::Number(_), Component::Fraction(_)) => Ordering::Greater,
        (Component::Fraction(x), Component::Fraction(y)) => x.cmp(y),
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.numbers.iter().zip(&other.numbers) {
            let r = cmp_component(a, b);
            if r != Ordering::Equal {
                return r;
            }
        }
        let r = self
            .numbers
            .len()
            .cmp(&other.numbers.len())
            .then_with(|| self.letter.cmp(&other.letter));
        if r != Ordering::Equal {
            return r;
        }
        for (a, b) in self.suffixes.iter().zip(&other.suffixes) {
            let r = a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1));
            if r != Ordering::Equal {
                return r;
            }
        }
        let n = self.suffixes.len().min(other.suffixes.len());
        match (self.suffixes.get(n), other.suffixes.get(n)) {
            (Some((kind, _)), None) => {
                return if kind.is_pre_release() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            }
            (None, Some((kind, _))) => {
                return if kind.is_pre_release() {
                    Ordering::Greater
                } else {
                    Ordering::Less
                };
            }
            _ => {}
        }
        self.revision.cmp(&other.revision)
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
