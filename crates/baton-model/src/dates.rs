//! Calendar arithmetic. Lifecycle dates are calendar dates with no time zone; a milestone dated D
//! takes effect on D.

use chrono::{Months, NaiveDate};

/// `date` plus `months` calendar months; a day past the end of a shorter month clamps to its last
/// day (31 Jan + 1 month = 28 or 29 Feb).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

/// `date` plus `days` (saturating at the calendar's ends).
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::TimeDelta::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// Parse an ISO 8601 calendar date (`YYYY-MM-DD`). A timestamp (`YYYY-MM-DDThh:mm:ss…`) is read in
/// UTC and its date kept.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d);
    }
    if let Ok(ts) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(ts.with_timezone(&chrono::Utc).date_naive());
    }
    if let Ok(ts) = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S") {
        return Ok(ts.date());
    }
    Err(format!("'{text}' is not a date (expected YYYY-MM-DD)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-02-28"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2024-08-31"), 6), d("2025-02-28"));
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(add_months(d("2025-03-15"), 3), d("2025-06-15"));
    }

    #[test]
    fn timestamps_read_in_utc() {
        assert_eq!(d("2025-03-01T01:30:00+05:00"), d("2025-02-28"));
        assert_eq!(d("2025-03-01T23:30:00Z"), d("2025-03-01"));
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("01/02/2025").is_err());
    }

    #[test]
    fn day_counts() {
        assert_eq!(days_between(d("2024-01-01"), d("2026-01-01")), 731);
        assert_eq!(days_between(d("2026-01-01"), d("2024-01-01")), -731);
        assert_eq!(add_days(d("2024-02-28"), 1), d("2024-02-29"));
    }
}
