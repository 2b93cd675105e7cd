//! Decimal numbers of any length, as they appear in version strings.
//!
//! Version components such as build timestamps (`20190126230843`) or
//! firmware part numbers (`4107600010`) may not fit a machine integer; they
//! are still ordered by value, never as text.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// Fits in a `u64`.
    Small(u64),
    /// Larger than `u64::MAX`: the digits without leading zeros.
    Big(Box<str>),
}

impl Num {
    pub(crate) const ZERO: Num = Num::Small(0);

    /// Reads a run of ASCII digits (the caller guarantees only digits; an
    /// empty run reads as zero, as every scheme here pads with zeros).
    pub(crate) fn from_digits(digits: &str) -> Num {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() <= 19 {
            let mut value: u64 = 0;
            let mut fits = true;
            for b in trimmed.bytes() {
                match value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(b - b'0')))
                {
                    Some(v) => value = v,
                    None => {
                        fits = false;
                        break;
                    }
                }
            }
            if fits {
                return Num::Small(value);
            }
        }
        Num::Big(trimmed.into())
    }

    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }

    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Num::Small(v) => Some(*v),
            Num::Big(_) => None,
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            // `Big` only holds values above `u64::MAX`.
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_order_by_value() {
        assert_eq!(Num::from_digits("007"), Num::Small(7));
        assert_eq!(Num::from_digits(""), Num::ZERO);
        assert!(
            Num::from_digits("18446744073709551615") < Num::from_digits("18446744073709551616")
        );
        assert!(
            Num::from_digits("99999999999999999999") < Num::from_digits("100000000000000000000")
        );
        assert_eq!(
            Num::from_digits("000100000000000000000000"),
            Num::from_digits("100000000000000000000")
        );
    }
}
