//! The `firmware` scheme: version strings as medical-device advisories
//! write them (`B.06.18`, `L81`, `12.2.x.x`, `2023.3_Build_9342`, `A10`,
//! `V2.1.0.57`, `R4.1L1`, `3.0 D15`, `4.x`).
//!
//! These strings follow no published grammar, so Baton reads them with
//! written rules and answers "cannot be compared" ([`crate::VersionError::Incomparable`])
//! rather than guessing when the rules give no order.
//!
//! # Reading a version
//!
//! | step | rule | example |
//! |---|---|---|
//! | 1 | Surrounding whitespace is ignored; letters are case-insensitive. | `L81` = `l81` |
//! | 2 | A leading `v`/`V` directly followed by a digit is dropped. | `V2.1.0.57` = `2.1.0.57`; `VM5.0` keeps `VM` |
//! | 3 | Runs of `.`, `-`, `_`, `+` and spaces separate *segments*; all separators are equal. | `2018-1` = `2018.1`; `2023.3_Build_9342` = `2023.3.Build.9342` |
//! | 4 | A segment splits into runs of digits and runs of ASCII letters. | `16D38` → `16`, `D`, `38` |
//! | 5 | A digit run is a **number**: leading zeros ignored, any length. | `B.06.18` = `B.6.18` |
//! | 6 | A letter run that starts its segment and is followed by digits in the same segment is a **prefix** (a product line or build series). | `A10`, `L81`, `BT02`, `VM5`, `D15` |
//! | 7 | Any other letter run is **letters** (a revision letter, a suffix, a word). | `B` in `B.06.18`, `A` in `2.4A`, `Build` |
//! | 8 | A whole segment `x`, `X` or `*` is a **wildcard** for any value; digits followed by `x`s are a **digit wildcard** (`0x` = 0–9, `1xx` = 100–199). Wildcards may only end a version; a version with one is a *pattern*, usable only as a range bound. | `12.2.x.x`, `4.X`, `C.0x` |
//! | 9 | Trailing zero numbers of a concrete version are ignored. | `1.0.0` = `1` |
//! | 10 | Any other character (`/`, `(`, `,`…) is an error. | `8/30/2024` |
//!
//! # Comparing two versions
//!
//! Parts are compared left to right; the first difference decides:
//!
//! | left \ right | number | prefix | letters | nothing left |
//! |---|---|---|---|---|
//! | **number** | by value | Incomparable | Incomparable | greater (the shorter side counts as 0 while the other side has 0s) |
//! | **prefix** | Incomparable | same text: go on; else Incomparable | same text: go on; else Incomparable | greater |
//! | **letters** | Incomparable | same text: go on; else Incomparable | same text: go on; both one letter: alphabetical; else Incomparable | greater |
//!
//! So `B.06.18` < `C.00.04`, `K` < `N`, `L9` < `L81`, `2.4` < `2.4A`, `3.0` <
//! `3.0 D15` < `3.0 D16`, but `A10` / `B2`, `U61` / `L81` (different
//! prefixes), `2.4A` / `2.4.1` (letter against number), `1.8.4 SP1` /
//! `1.8.4 Service Pack 01` and `beta` / `build` (different words) cannot be
//! compared. There is no pre-release notion: `1.0` < `1.0beta`.
//!
//! # Wildcards in ranges
//!
//! A concrete version is *within* a pattern when it equals the pattern up to
//! the first wildcard (a missing part counting as `0`) and, for a digit
//! wildcard, its number there lies in the wildcard's span. Otherwise it is
//! below or above the pattern by the table above. Hence `<= 12.2.x.x`
//! includes every `12.2.*`, `< 3.x` excludes every `3.*`, `4.X` alone means
//! every `4.*`.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FirmwareVersion {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Num(Num),
    /// Letters that open a segment and are followed by digits (lowercase).
    Prefix(Box<str>),
    /// Any other letters (lowercase).
    Letters(Box<str>),
    /// `x`, `X` or `*` as a whole segment.
    Any,
    /// Digits followed by `x`s: the numbers `lo..=hi`.
    Span {
        lo: u64,
        hi: u64,
    },
}

impl Token {
    fn is_wildcard(&self) -> bool {
        matches!(self, Token::Any | Token::Span { .. })
    }

    fn alpha(&self) -> Option<&str> {
        match self {
            Token::Prefix(s) | Token::Letters(s) => Some(s),
            _ => None,
        }
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | '+' | ' ' | '\t')
}

/// `<digits><x…>` as a numeric span, or `None` if the segment is not one.
fn digit_span(segment: &str) -> Option<Result<Token, String>> {
    let digits_end = segment.find(|c: char| !c.is_ascii_digit())?;
    let (digits, xs) = segment.split_at(digits_end);
    if digits.is_empty() || xs.is_empty() || !xs.chars().all(|c| c == 'x' || c == 'X') {
        return None;
    }
    let too_long = || "digit wildcard is too long".to_string();
    let Ok(exp) = u32::try_from(xs.len()) else {
        return Some(Err(too_long()));
    };
    let scale = 10u64.checked_pow(exp);
    let base = Num::from_digits(digits).as_u64();
    Some(match (scale, base) {
        (Some(scale), Some(base)) => match (
            base.checked_mul(scale),
            base.checked_add(1).and_then(|b| b.checked_mul(scale)),
        ) {
            (Some(lo), Some(end)) => Ok(Token::Span { lo, hi: end - 1 }),
            _ => Err(too_long()),
        },
        _ => Err(too_long()),
    })
}

impl FirmwareVersion {
    pub(crate) fn parse(text: &str) -> Result<FirmwareVersion, String> {
        let t = text.trim();
        let t = match t.strip_prefix(['v', 'V']) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => t,
        };
        if let Some(c) = t
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || is_separator(*c) || *c == '*'))
        {
            return Err(format!("character {c:?} is not part of a firmware version"));
        }
        let mut tokens = Vec::new();
        for segment in t.split(is_separator).filter(|s| !s.is_empty()) {
            if matches!(segment, "x" | "X" | "*") {
                tokens.push(Token::Any);
                continue;
            }
            if let Some(span) = digit_span(segment) {
                tokens.push(span?);
                continue;
            }
            if segment.contains('*') {
                return Err("'*' is only a wildcard as a whole segment".to_string());
            }
            let bytes = segment.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let start = i;
                let digit = bytes[i].is_ascii_digit();
                while i < bytes.len() && bytes[i].is_ascii_digit() == digit {
                    i += 1;
                }
                let run = &segment[start..i];
                tokens.push(if digit {
                    Token::Num(Num::from_digits(run))
                } else if start == 0 && i < bytes.len() {
                    Token::Prefix(run.to_ascii_lowercase().into())
                } else {
                    Token::Letters(run.to_ascii_lowercase().into())
                });
            }
        }
        if tokens.is_empty() {
            return Err("no letters or digits".to_string());
        }
        if let Some(first) = tokens.iter().position(Token::is_wildcard)
            && tokens[first + 1..].iter().any(|t| *t != Token::Any)
        {
            return Err("a wildcard may only be followed by wildcards".to_string());
        }
        let mut v = FirmwareVersion { tokens };
        if !v.is_pattern() {
            while matches!(v.tokens.last(), Some(Token::Num(n)) if n.is_zero()) {
                v.tokens.pop();
            }
        }
        Ok(v)
    }

    pub(crate) fn is_pattern(&self) -> bool {
        self.tokens.iter().any(Token::is_wildcard)
    }

    /// Order of two concrete versions.
    pub(crate) fn compare(&self, other: &Self) -> Result<Ordering, String> {
        walk(&self.tokens, &other.tokens, Wild::Forbidden)
    }

    /// Position of this concrete version relative to a bound (`Equal`:
    /// within the pattern).
    pub(crate) fn locate(&self, bound: &Self) -> Result<Ordering, String> {
        walk(&self.tokens, &bound.tokens, Wild::Within)
    }

    /// Order of two bounds; overlapping patterns are `Equal`.
    pub(crate) fn bound_order(&self, other: &Self) -> Result<Ordering, String> {
        walk(&self.tokens, &other.tokens, Wild::Overlap)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Wild {
    Forbidden,
    Within,
    Overlap,
}

fn describe(t: Option<&Token>) -> String {
    match t {
        None => "nothing".to_string(),
        Some(Token::Num(_)) => "a number".to_string(),
        Some(Token::Prefix(s)) => format!("prefix {:?}", s.to_ascii_uppercase()),
        Some(Token::Letters(s)) => format!("letters {:?}", s.to_ascii_uppercase()),
        Some(Token::Any | Token::Span { .. }) => "a wildcard".to_string(),
    }
}

fn walk(a: &[Token], b: &[Token], wild: Wild) -> Result<Ordering, String> {
    let len = a.len().max(b.len());
    for i in 0..len {
        let (x, y) = (a.get(i), b.get(i));
        if x.is_some_and(Token::is_wildcard) || y.is_some_and(Token::is_wildcard) {
            if wild == Wild::Forbidden {
                return Err("wildcard patterns have no single position".to_string());
            }
            if wild == Wild::Overlap {
                return Ok(Ordering::Equal);
            }
            // `a` is the concrete version, `b` the pattern.
            return match (x, y) {
                (_, Some(Token::Any)) => Ok(Ordering::Equal),
                (None, Some(Token::Span { lo, .. })) => Ok(if *lo == 0 {
                    Ordering::Equal
                } else {
                    Ordering::Less
                }),
                (Some(Token::Num(n)), Some(Token::Span { lo, hi })) => Ok(match n.as_u64() {
                    Some(v) if v < *lo => Ordering::Less,
                    Some(v) if v > *hi => Ordering::Greater,
                    Some(_) => Ordering::Equal,
                    None => Ordering::Greater,
                }),
                _ => Err(format!("{} against {}", describe(x), describe(y))),
            };
        }
        let r = match (x, y) {
            (None, None) => return Ok(Ordering::Equal),
            (Some(Token::Num(n)), None) | (None, Some(Token::Num(n))) if n.is_zero() => continue,
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (Some(Token::Num(m)), Some(Token::Num(n))) => m.cmp(n),
            (Some(s), Some(t)) => match (s.alpha(), t.alpha()) {
                (Some(p), Some(q)) if p == q => Ordering::Equal,
                (Some(p), Some(q))
                    if matches!((s, t), (Token::Letters(_), Token::Letters(_)))
                        && p.len() == 1
                        && q.len() == 1 =>
                {
                    p.cmp(q)
                }
                _ => return Err(format!("{} against {}", describe(x), describe(y))),
            },
        };
        if r != Ordering::Equal {
            return Ok(r);
        }
    }
    Ok(Ordering::Equal)
}
