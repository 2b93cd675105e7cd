//! The `generic` scheme, for versions with no ecosystem of their own. The
//! vers specification leaves it open and points at libversion's core
//! algorithm; Baton follows that algorithm:
//!
//! 1. The string splits into all-letter and all-digit components; every
//!    other character separates (`10.2alpha3..patch.4.` → `10 2 alpha 3
//!    patch 4`).
//! 2. Each component gets a rank, lowest first:
//!    - pre-release: letters, unless listed below (`alpha`, `beta`, `rc`,
//!      and any unknown word such as `git`, `snapshot`);
//!    - zero: the number 0 (and the padding of a shorter version);
//!    - post-release: `patch`, `post`, `pl`;
//!    - non-zero number;
//!    - letter suffix: letters glued to a preceding digit and not followed
//!      by a digit (`1.0a`, but not `1.0a1`).
//! 3. Components compare by rank, then numbers by value and letters by
//!    their first letter, case-insensitively (`a` = `alpha`); the shorter
//!    version is padded with zeros.
//!
//! So `1.0alpha1` < `1.0` = `1.0.0` < `1.0patch1` < `1.0.1` < `1.0a` < `1.1`.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenericVersion {
    components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Component {
    /// Declared in rank order; derived `Ord` compares the rank first.
    PreRelease(u8),
    Zero,
    PostRelease(u8),
    NonZero(Num),
    LetterSuffix(u8),
}

fn classify_word(word: &str) -> Component {
    let first = word.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    if ["patch", "post", "pl"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
    {
        Component::PostRelease(first)
    } else {
        Component::PreRelease(first)
    }
}

impl GenericVersion {
    pub(crate) fn parse(text: &str) -> Result<GenericVersion, String> {
        let bytes = text.as_bytes();
        let mut components = Vec::with_capacity(4);
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let n = Num::from_digits(&text[start..i]);
                components.push(if n.is_zero() {
                    Component::Zero
                } else {
                    Component::NonZero(n)
                });
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let glued_to_number = start > 0 && bytes[start - 1].is_ascii_digit();
                let digit_follows = bytes.get(i).is_some_and(u8::is_ascii_digit);
                let word = &text[start..i];
                components.push(if glued_to_number && !digit_follows {
                    Component::LetterSuffix(word.as_bytes()[0].to_ascii_lowercase())
                } else {
                    classify_word(word)
                });
            } else {
                i += 1;
            }
        }
        if components.is_empty() {
            return Err("no letters or digits".to_string());
        }
        Ok(GenericVersion { components })
    }
}

impl Ord for GenericVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.components.len().max(other.components.len());
        for i in 0..len {
            let a = self.components.get(i).unwrap_or(&Component::Zero);
            let b = other.components.get(i).unwrap_or(&Component::Zero);
            let r = a.cmp(b);
            if r != Ordering::Equal {
                return r;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GenericVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
