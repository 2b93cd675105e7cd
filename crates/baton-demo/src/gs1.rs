//! GS1 helpers: GTIN-14 check digits and human-readable UDI strings.

/// The GS1 mod-10 check digit for the digits of a GTIN without its check
/// digit (weights 3,1,3,… from the right). Non-digits yield `None`.
pub(crate) fn gtin_check_digit(body: &str) -> Option<u8> {
    let mut sum: u32 = 0;
    for (i, b) in body.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = u32::from(b - b'0');
        sum += if i % 2 == 0 { 3 * d } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// Whether `gtin` is a 14-digit GTIN with a correct check digit.
#[cfg(test)]
pub(crate) fn is_valid_gtin14(gtin: &str) -> bool {
    let Some((body, check)) = gtin.split_at_checked(13) else {
        return false;
    };
    gtin.len() == 14
        && check.bytes().all(|b| b.is_ascii_digit())
        && gtin_check_digit(body).map(|c| c + b'0') == check.bytes().next()
}

/// A GTIN-14 with indicator digit 0, a 7-digit company prefix and a 5-digit
/// item reference, completed with its check digit.
pub(crate) fn gtin14(company_prefix: u32, item_reference: u32) -> String {
    let body = format!(
        "0{:07}{:05}",
        company_prefix % 10_000_000,
        item_reference % 100_000
    );
    let check = gtin_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_check_digits() {
        // GS1 example: GTIN-13 400638133393 + check 1.
        assert_eq!(gtin_check_digit("400638133393"), Some(1));
        // GTIN-14 0061414100001 + check digit 2.
        assert!(is_valid_gtin14("00614141000012"));
        assert!(!is_valid_gtin14("00614141000013"));
        assert!(!is_valid_gtin14("0061414100001"));
        assert!(!is_valid_gtin14("0061414100001x"));
        assert_eq!(gtin_check_digit("12a"), None);
        let g = gtin14(1_234_567, 42);
        assert_eq!(g.len(), 14);
        assert!(is_valid_gtin14(&g));
    }
}
