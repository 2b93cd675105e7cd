//! Calendar helpers shared by the GS1 and HIBC parsers.

use chrono::{Datelike, NaiveDate};

/// Full year for a two-digit year, by the GS1 General Specifications §7.12
/// rule with `reference_year` standing in for "the current year": the result
/// lies within 49 years before to 50 years after the reference year.
pub(crate) fn expand_year(yy: u32, reference_year: i32) -> i32 {
    let candidate = reference_year - reference_year.rem_euclid(100) + yy as i32;
    if candidate > reference_year + 50 {
        candidate - 100
    } else if candidate < reference_year - 49 {
        candidate + 100
    } else {
        candidate
    }
}

pub(crate) fn last_day_of_month(year: i32, month: u32) -> Option<u32> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
}

/// Parses exactly `s.len()` ASCII digits; `None` on anything else.
pub(crate) fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// GS1 `YYMMDD`. `DD = 00` (allowed when `allow_zero_day`) means the last
/// day of the month, as the GS1 General Specifications define for AIs 11-17.
pub(crate) fn gs1_yymmdd(s: &[u8], allow_zero_day: bool, reference_year: i32) -> Option<NaiveDate> {
    if s.len() != 6 {
        return None;
    }
    let yy = digits(&s[0..2])?;
    let mm = digits(&s[2..4])?;
    let dd = digits(&s[4..6])?;
    let year = expand_year(yy, reference_year);
    if dd == 0 {
        if !allow_zero_day || !(1..=12).contains(&mm) {
            return None;
        }
        let last = last_day_of_month(year, mm)?;
        return NaiveDate::from_ymd_opt(year, mm, last);
    }
    NaiveDate::from_ymd_opt(year, mm, dd)
}

/// `YYYYMMDD` with a four-digit year.
pub(crate) fn yyyymmdd(s: &[u8]) -> Option<NaiveDate> {
    if s.len() != 8 {
        return None;
    }
    let year = digits(&s[0..4])? as i32;
    NaiveDate::from_ymd_opt(year, digits(&s[4..6])?, digits(&s[6..8])?)
}

/// `YYJJJ`: two-digit year and day of year (001-365/366).
pub(crate) fn yyjjj(s: &[u8], reference_year: i32) -> Option<NaiveDate> {
    if s.len() != 5 {
        return None;
    }
    let year = expand_year(digits(&s[0..2])?, reference_year);
    NaiveDate::from_yo_opt(year, digits(&s[2..5])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn century_rule_around_reference_year() {
        assert_eq!(expand_year(0, 2000), 2000);
        assert_eq!(expand_year(50, 2000), 2050);
        assert_eq!(expand_year(51, 2000), 1951);
        assert_eq!(expand_year(99, 2000), 1999);
        // reference 2025: 2075 is the latest, 1976 the earliest.
        assert_eq!(expand_year(75, 2025), 2075);
        assert_eq!(expand_year(76, 2025), 1976);
        assert_eq!(expand_year(24, 2025), 2024);
        // reference 2060: 10 is more than 49 years back, so it goes forward.
        assert_eq!(expand_year(10, 2060), 2110);
        assert_eq!(expand_year(11, 2060), 2011);
    }

    #[test]
    fn zero_day_is_last_day_of_month() {
        assert_eq!(gs1_yymmdd(b"250200", true, 2000), d(2025, 2, 28));
        assert_eq!(gs1_yymmdd(b"240200", true, 2000), d(2024, 2, 29));
        assert_eq!(gs1_yymmdd(b"001200", true, 2000), d(2000, 12, 31));
        assert_eq!(gs1_yymmdd(b"250400", true, 2000), d(2025, 4, 30));
        assert_eq!(gs1_yymmdd(b"250400", false, 2000), None);
        assert_eq!(gs1_yymmdd(b"250000", true, 2000), None);
    }

    #[test]
    fn leap_years_and_invalid_dates() {
        assert_eq!(gs1_yymmdd(b"240229", false, 2000), d(2024, 2, 29));
        assert_eq!(gs1_yymmdd(b"250229", false, 2000), None);
        assert_eq!(gs1_yymmdd(b"000229", false, 2000), d(2000, 2, 29));
        assert_eq!(gs1_yymmdd(b"251340", true, 2000), None);
        assert_eq!(gs1_yymmdd(b"250431", true, 2000), None);
        assert_eq!(gs1_yymmdd(b"25043", true, 2000), None);
        assert_eq!(gs1_yymmdd(b"25O430", true, 2000), None);
        assert_eq!(yyyymmdd(b"21000229"), None);
        assert_eq!(yyyymmdd(b"20000229"), d(2000, 2, 29));
        assert_eq!(yyjjj(b"24366", 2000), d(2024, 12, 31));
        assert_eq!(yyjjj(b"25366", 2000), None);
        assert_eq!(yyjjj(b"25000", 2000), None);
        assert_eq!(yyjjj(b"20015", 2000), d(2020, 1, 15));
    }

    #[test]
    fn digits_rejects_non_digits_and_overflow() {
        assert_eq!(digits(b"0042"), Some(42));
        assert_eq!(digits(b""), None);
        assert_eq!(digits(b"4a"), None);
        assert_eq!(digits(b"1234567890"), None);
    }
}
