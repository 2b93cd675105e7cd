//! Apache Maven versions, ordered as Maven's `ComparableVersion` orders them
//! (the comparator behind the POM reference's "Version Order
//! Specification"; behaviour of Maven 3.9/4, including MNG-5568, MNG-6964,
//! MNG-7559 and MNG-7644).
//!
//! Rules, as implemented here:
//!
//! - The string is lowercased. `.` and `-` separate items; a change between
//!   digits and non-digits also separates them (`1.0alpha1` → `1.0`,
//!   `alpha1`). An empty item reads as `0`.
//! - Items are numbers (leading zeros ignored, any length), qualifiers, or
//!   *combinations* of a qualifier directly followed by a number (`rc1`,
//!   `alpha-2` = `alpha2`, `sp1`).
//! - A `-`, a letter→digit change and a qualifier after `.` open a nested
//!   list; `.qualifier` therefore equals `-qualifier` (`2.0.x` = `2-x`).
//! - Known qualifiers order `alpha` (`a` before a digit) < `beta` (`b`) <
//!   `milestone` (`m`) < `rc` = `cr` < `snapshot` < `""` = `ga` = `final` =
//!   `release` < `sp`; unknown qualifiers come after all of them, in
//!   alphabetical order.
//! - Numbers > lists > combinations and qualifiers: `1.1` > `1-1` > `1-sp`.
//! - Trailing "null" items (`0`, empty qualifier, empty list) are trimmed
//!   at every level, except a `0` just before a numeric list (`1-0-1`).
//! - Missing items compare as "null": `1` = `1.0` = `1-0`, `1-rc` < `1` <
//!   `1-sp`.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::num::Num;
use crate::text;

/// Maven rejects longer strings (ComparableVersion's bound).
const MAX_LENGTH: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MavenVersion {
    items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Int(Num),
    /// A qualifier after alias resolution (`cr` → `rc`, `a1` → `alpha`).
    Str(Qualifier),
    /// A qualifier directly followed by a number.
    Combo(Qualifier, Num),
    List(Vec<Item>),
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n.is_zero(),
            Item::Str(s) => s.is_empty(),
            Item::Combo(..) => false,
            Item::List(l) => l.is_empty(),
        }
    }
}

/// Known qualifiers need no allocation.
type Qualifier = Cow<'static, str>;

const KNOWN: [&str; 10] = [
    "alpha",
    "beta",
    "milestone",
    "rc",
    "snapshot",
    "",
    "ga",
    "final",
    "release",
    "sp",
];

/// A qualifier as read, with the single-letter shorthands that only apply
/// when a digit follows (`a1` = `alpha1`, but `1-a` keeps `a`).
fn qualifier(value: &str, followed_by_digit: bool) -> Qualifier {
    let value = match (followed_by_digit, value) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "cr") => "rc",
        (_, v) => v,
    };
    match KNOWN.iter().find(|k| **k == value) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(value.to_string()),
    }
}

/// Sort key of a qualifier: rank of a known qualifier, or 7 and the text.
fn qualifier_key(q: &str) -> (u8, &str) {
    match q {
        "alpha" => (0, ""),
        "beta" => (1, ""),
        "milestone" => (2, ""),
        "rc" => (3, ""),
        "snapshot" => (4, ""),
        "" | "ga" | "final" | "release" => (5, ""),
        "sp" => (6, ""),
        other => (7, other),
    }
}

const RELEASE_KEY: (u8, &str) = (5, "");

fn combination(value: &str) -> Item {
    let joined;
    let value = if value.contains('-') {
        joined = value.replace('-', "");
        joined.as_str()
    } else {
        value
    };
    match value.find(|c: char| c.is_ascii_digit()) {
        Some(idx) if idx > 0 => Item::Combo(
            qualifier(&value[..idx], true),
            Num::from_digits(&value[idx..]),
        ),
        // Combinations always hold letters then digits; anything else is
        // read as a plain qualifier rather than failing.
        _ => Item::Str(qualifier(value, false)),
    }
}

fn parse_item(is_combination: bool, is_digit: bool, buf: &str) -> Item {
    if is_combination {
        combination(buf)
    } else if is_digit {
        Item::Int(Num::from_digits(buf))
    } else {
        Item::Str(qualifier(buf, false))
    }
}

impl MavenVersion {
    pub(crate) fn parse(text: &str) -> Result<MavenVersion, String> {
        if text.len() > MAX_LENGTH {
            return Err(format!("longer than {MAX_LENGTH} characters"));
        }
        if let Some(v) = MavenVersion::numbers_only(text) {
            return Ok(v);
        }
        Ok(MavenVersion::parse_general(text))
    }

    fn parse_general(text: &str) -> MavenVersion {
        let lower: Cow<'_, str> = if text
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            Cow::Owned(text.to_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        // Bytes suffice: separators and digits are ASCII, and every cut
        // falls next to one of them, so on a character boundary.
        let bytes = lower.as_bytes();
        // The innermost open list is last; each list is the last item of
        // the list below it, so lists are closed (appended) at the end.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let mut is_digit = false;
        let mut is_combination = false;
        let mut start = 0usize;
        for (pos, &c) in bytes.iter().enumerate() {
            let depth = stack.len() - 1;
            if c == b'.' {
                let item = if pos == start {
                    Item::Int(Num::ZERO)
                } else {
                    parse_item(is_combination, is_digit, &lower[start..pos])
                };
                stack[depth].push(item);
                is_combination = false;
                start = pos + 1;
            } else if c == b'-' {
                if pos == start {
                    stack[depth].push(Item::Int(Num::ZERO));
                } else {
                    // "X-1" reads as "X1".
                    if !is_digit && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) {
                        is_combination = true;
                        continue;
                    }
                    stack[depth].push(parse_item(is_combination, is_digit, &lower[start..pos]));
                }
                start = pos + 1;
                if !stack[depth].is_empty() {
                    stack.push(Vec::new());
                }
                is_combination = false;
            } else if c.is_ascii_digit() {
                if !is_digit && pos > start {
                    is_combination = true;
                    if !stack[depth].is_empty() {
                        stack.push(Vec::new());
                    }
                }
                is_digit = true;
            } else {
                if is_digit && pos > start {
                    stack[depth].push(parse_item(is_combination, true, &lower[start..pos]));
                    start = pos;
                    stack.push(Vec::new());
                    is_combination = false;
                }
                is_digit = false;
            }
        }
        if lower.len() > start {
            let depth = stack.len() - 1;
            // ".X" reads as "-X" for a trailing qualifier.
            let depth = if !is_digit && !stack[depth].is_empty() {
                stack.push(Vec::new());
                depth + 1
            } else {
                depth
            };
            stack[depth].push(parse_item(is_combination, is_digit, &lower[start..]));
        }
        let mut closed: Option<Vec<Item>> = None;
        while let Some(mut list) = stack.pop() {
            if let Some(child) = closed.take() {
                list.push(Item::List(child));
            }
            normalize(&mut list);
            closed = Some(list);
        }
        MavenVersion {
            items: closed.unwrap_or_default(),
        }
    }
}

/// Trims trailing null items, as ComparableVersion's `ListItem.normalize`.
impl MavenVersion {
    /// The common shape `1.2.3` (digits and dots only) read directly: one
    /// flat list of numbers, empty items reading as `0`, trailing zeros
    /// trimmed, as the general reading gives for it.
    fn numbers_only(text: &str) -> Option<MavenVersion> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let mut items = Vec::with_capacity(1 + text.len() / 2);
        for part in text::split(text, b'.') {
            items.push(Item::Int(Num::from_digits(part)));
        }
        while items.last().is_some_and(Item::is_null) {
            items.pop();
        }
        Some(MavenVersion { items })
    }
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if !list[i].is_null() {
            continue;
        }
        let remove = match list.get(i + 1) {
            None | Some(Item::Str(_)) => true,
            Some(Item::List(next)) => matches!(next.first(), Some(Item::Combo(..) | Item::Str(_))),
            Some(_) => false,
        };
        if remove {
            list.remove(i);
        }
    }
    if list.len() == 1
        && let Some(Item::List(_)) = list.first()
        && let Some(Item::List(inner)) = list.pop()
    {
        *list = inner;
    }
}

/// `ComparableVersion` item comparison; `None` is the padding "null".
fn cmp_item(a: &Item, b: Option<&Item>) -> Ordering {
    match a {
        Item::Int(x) => match b {
            None => {
                if x.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Some(Item::Int(y)) => x.cmp(y),
            Some(_) => Ordering::Greater,
        },
        Item::Str(s) => match b {
            None => qualifier_key(s).cmp(&RELEASE_KEY),
            Some(Item::Int(_)) => Ordering::Less,
            Some(Item::Str(t)) => qualifier_key(s).cmp(&qualifier_key(t)),
            Some(Item::Combo(t, d)) => {
                let r = qualifier_key(s).cmp(&qualifier_key(t));
                if r != Ordering::Equal {
                    r
                } else if qualifier_key(s) == RELEASE_KEY {
                    cmp_num_null(d).reverse()
                } else {
                    Ordering::Less
                }
            }
            Some(l @ Item::List(_)) => cmp_item(l, Some(a)).reverse(),
        },
        Item::Combo(s, d) => match b {
            None => {
                let r = qualifier_key(s).cmp(&RELEASE_KEY);
                if r == Ordering::Equal {
                    cmp_num_null(d)
                } else {
                    r
                }
            }
            Some(Item::Int(_)) => Ordering::Less,
            Some(Item::Str(t)) => {
                let r = qualifier_key(s).cmp(&qualifier_key(t));
                if r != Ordering::Equal {
                    r
                } else if qualifier_key(s) == RELEASE_KEY {
                    cmp_num_null(d)
                } else {
                    Ordering::Greater
                }
            }
            Some(l @ Item::List(_)) => cmp_item(l, Some(a)).reverse(),
            Some(Item::Combo(t, e)) => qualifier_key(s)
                .cmp(&qualifier_key(t))
                .then_with(|| d.cmp(e)),
        },
        Item::List(l) => match b {
            None => l
                .iter()
                .map(|i| cmp_item(i, None))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal),
            Some(Item::Int(_)) => Ordering::Less,
            Some(x @ (Item::Str(_) | Item::Combo(..))) => {
                let first = match l.first() {
                    None => cmp_item(x, None).reverse(),
                    Some(f) => cmp_item(f, Some(x)),
                };
                if first != Ordering::Equal {
                    return first;
                }
                l.iter()
                    .skip(1)
                    .map(|i| cmp_item(i, None))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            }
            Some(Item::List(m)) => cmp_lists(l, m),
        },
    }
}

fn cmp_num_null(n: &Num) -> Ordering {
    if n.is_zero() {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

fn cmp_lists(l: &[Item], m: &[Item]) -> Ordering {
    let len = l.len().max(m.len());
    for i in 0..len {
        let r = match (l.get(i), m.get(i)) {
            (None, None) => Ordering::Equal,
            (None, Some(y)) => cmp_item(y, None).reverse(),
            (Some(x), y) => cmp_item(x, y),
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> MavenVersion {
        match MavenVersion::parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn numbers_only_reads_as_the_general_reading() {
        let alphabet = ["0", "1", "00", "7", "10", ".", "."];
        for n in 0..20_000u64 {
            let mut k = n;
            let mut s = String::new();
            while k > 0 || s.is_empty() {
                s.push_str(alphabet[(k % 7) as usize]);
                k /= 7;
            }
            let fast = MavenVersion::numbers_only(&s).expect("digits and dots");
            assert_eq!(fast, MavenVersion::parse_general(&s), "{s:?}");
        }
    }

    #[test]
    fn trailing_nulls_are_trimmed() {
        assert_eq!(v("1.0.0").items, vec![Item::Int(Num::Small(1))]);
        assert_eq!(v("1-").items, vec![Item::Int(Num::Small(1))]);
        assert_eq!(v("1.0.0-0.0.0").items, vec![Item::Int(Num::Small(1))]);
    }
}
