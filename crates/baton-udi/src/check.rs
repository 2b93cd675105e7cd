//! Check digit and check character algorithms.

/// HIBC character set in Mod 43 value order.
pub(crate) const HIBC_CHARSET: &[u8; 43] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

pub(crate) fn hibc_value(c: u8) -> Option<u32> {
    HIBC_CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// HIBC Mod 43 check character over `data` (which must start with the
/// leading `+`). `None` if `data` has a character outside the HIBC set.
pub fn hibc_check_character(data: &str) -> Option<char> {
    let mut sum = 0u32;
    for &c in data.as_bytes() {
        sum = (sum + hibc_value(c)?) % 43;
    }
    HIBC_CHARSET.get(sum as usize).map(|&c| char::from(c))
}

/// GS1 mod-10 check digit for `body` (all digits except the check digit).
/// `None` if `body` is empty or holds a non-digit.
pub fn gs1_check_digit(body: &str) -> Option<u8> {
    if body.is_empty() {
        return None;
    }
    let mut sum = 0u32;
    // Weights alternate 3,1,3... starting from the digit next to the check digit.
    for (i, c) in body.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = u32::from(c - b'0');
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// GS1 CSET 82 in the order its check-character-pair values are taken from.
pub(crate) const CSET82: &[u8; 82] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const CSET32: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// GS1 alphanumeric check character pair (GS1 General Specifications
/// §7.9.5), used by AIs 8013 and 8014, over `body` (data without the pair).
pub(crate) fn gs1_check_pair(body: &[u8]) -> Option<[u8; 2]> {
    const PRIMES: [u32; 23] = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
    ];
    if body.len() > PRIMES.len() {
        return None;
    }
    let mut sum = 0u32;
    // The rightmost character gets the smallest prime.
    for (i, c) in body.iter().rev().enumerate() {
        let v = CSET82.iter().position(|x| x == c)? as u32;
        sum += v * PRIMES[i];
    }
    let sum = sum % 1021;
    Some([CSET32[(sum / 32) as usize], CSET32[(sum % 32) as usize]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_check_digits() {
        assert_eq!(gs1_check_digit("0061414112345"), Some(2));
        assert_eq!(gs1_check_digit("0703206980498"), Some(8));
        assert_eq!(gs1_check_digit("590123412345"), Some(7));
        assert_eq!(gs1_check_digit("10614141234567890"), Some(8));
        assert_eq!(gs1_check_digit("707132400102"), Some(1));
        assert_eq!(gs1_check_digit("9638507"), Some(4)); // GTIN-8 96385074
        assert_eq!(gs1_check_digit(""), None);
        assert_eq!(gs1_check_digit("12a"), None);
    }

    #[test]
    fn hibc_check_characters() {
        assert_eq!(hibc_check_character("+A123BJC5D6E71"), Some('G'));
        assert_eq!(hibc_check_character("+A123BJCMD6E79"), Some('+'));
        assert_eq!(hibc_check_character("+$$52001510X3G"), Some('D'));
        assert_eq!(
            hibc_check_character("+A99912345/$$52001510X3/16D20111212/S77DEFG45"),
            Some('7')
        );
        assert_eq!(hibc_check_character(""), Some('0'));
        assert_eq!(hibc_check_character("+a"), None);
    }

    #[test]
    fn gs1_check_pair_known_example() {
        // Example from the GS1 General Specifications (GMN).
        assert_eq!(gs1_check_pair(b"1987654Ad4X4bL5ttr2310c"), Some(*b"2K"));
        assert_eq!(gs1_check_pair(b"\x01"), None);
    }
}
