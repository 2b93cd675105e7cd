//! Splitting version strings at ASCII separators. `str::split_once` and
//! `str::split` with a `char` go through the general pattern machinery,
//! which costs more than the short strings they cut; an ASCII byte never
//! occurs inside a multi-byte UTF-8 character, so cutting at one is exact.

/// `s.split_once(sep)` for an ASCII `sep`.
pub(crate) fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = memchr::memchr(sep, s.as_bytes())?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.split(sep)` for an ASCII `sep`.
pub(crate) fn split(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match split_once(r, sep) {
            Some((head, tail)) => {
                rest = Some(tail);
                Some(head)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Whether `s` is one or more non-empty labels separated by `.`, each byte
/// of which is `allowed`.
pub(crate) fn dotted_labels(s: &[u8], allowed: impl Fn(u8) -> bool) -> bool {
    let mut previous_dot = true;
    for &b in s {
        if b == b'.' {
            if previous_dot {
                return false;
            }
            previous_dot = true;
        } else if allowed(b) {
            previous_dot = false;
        } else {
            return false;
        }
    }
    !previous_dot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_the_standard_library() {
        for s in [
            "",
            "a",
            "a.b",
            ".a",
            "a.",
            "a..b",
            "é.ü",
            "1.2.3-rc.1+b",
            "...",
        ] {
            assert_eq!(split_once(s, b'.'), s.split_once('.'), "{s:?}");
            assert_eq!(
                split(s, b'.').collect::<Vec<_>>(),
                s.split('.').collect::<Vec<_>>(),
                "{s:?}"
            );
            assert_eq!(
                dotted_labels(s.as_bytes(), |b| b.is_ascii_alphanumeric() || b == b'-'),
                s.split('.')
                    .all(|l| !l.is_empty()
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')),
                "{s:?}"
            );
        }
    }
}
