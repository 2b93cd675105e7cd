//! Reading the dates of notices, and building milestones from them.
//!
//! Every timestamp is converted to UTC before its date is taken, so the same instant gives the
//! same day whatever offset the publisher wrote (`2025-11-25T10:00-20:30` is 26 November).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::json::Ptr;
use crate::model::{Mapped, NoticeMilestone, Warning, When};

/// How a date string reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// An RFC 3339 timestamp, as its UTC day.
    Timestamp(NaiveDate),
    /// A bare `YYYY-MM-DD`.
    DateOnly(NaiveDate),
    /// A date and time without an offset, taken as UTC.
    NoOffset(NaiveDate),
    Tba,
    Unreadable,
}

pub(crate) fn read(raw: &str) -> Reading {
    let s = raw.trim();
    if s.eq_ignore_ascii_case("tba") {
        return Reading::Tba;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Reading::Timestamp(t.with_timezone(&Utc).date_naive());
    }
    // The length check keeps chrono's lenient `%Y` from taking "+12345-01-01" or "2025-1-1".
    if s.len() == 10
        && let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
    {
        return Reading::DateOnly(d);
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Reading::NoOffset(t.date());
    }
    Reading::Unreadable
}

/// How one format states a milestone's date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    /// The date is the last day of the old state (OpenEoX end dates), so the milestone takes
    /// effect the next day.
    pub(crate) last_day: bool,
    /// The format prescribes full timestamps (OpenEoX, CLE), so a bare date earns a warning.
    pub(crate) timestamps: bool,
}

/// A milestone from a source value; a value that cannot be read keeps the milestone with no
/// effective day and adds a warning.
pub(crate) fn milestone(
    source_name: &str,
    mapped: Mapped,
    raw: Option<&str>,
    at: &Ptr,
    rule: Rule,
    detail: Option<String>,
    warnings: &mut Vec<Warning>,
) -> NoticeMilestone {
    let mut warn = |message: String| {
        warnings.push(Warning {
            location: at.as_str().to_owned(),
            message,
        });
    };
    let reading = match raw {
        Some(raw) => read(raw),
        None => {
            warn(format!(
                "`{source_name}` has no date; kept without an effective date"
            ));
            Reading::Unreadable
        }
    };
    let when = match reading {
        Reading::Timestamp(d) => When::Date(d),
        Reading::DateOnly(d) => {
            if rule.timestamps {
                warn(format!(
                    "`{}` is a date without a time; read as that UTC day",
                    raw.unwrap_or_default()
                ));
            }
            When::Date(d)
        }
        Reading::NoOffset(d) => {
            warn(format!(
                "`{}` has no UTC offset; read as UTC",
                raw.unwrap_or_default()
            ));
            When::Date(d)
        }
        Reading::Tba => When::Tba,
        Reading::Unreadable => {
            if let Some(raw) = raw {
                warn(format!(
                    "`{raw}` is not a date; `{source_name}` is kept without an effective date"
                ));
            }
            When::Unreadable
        }
    };
    let effective = match when {
        When::Date(d) if rule.last_day => {
            let next = d.succ_opt();
            if next.is_none() {
                warn(format!("the day after {d} is out of range"));
            }
            next
        }
        When::Date(d) => Some(d),
        When::Tba | When::Unreadable => None,
    };
    NoticeMilestone {
        source_name: source_name.to_owned(),
        mapped,
        when,
        effective,
        raw: raw.unwrap_or_default().to_owned(),
        detail,
        location: at.as_str().to_owned(),
    }
}

/// An announcement timestamp (`last_updated`, `published`, `updatedAt`) as a UTC day; anything
/// else is a warning and no day.
pub(crate) fn announcement(raw: &str, at: &Ptr, warnings: &mut Vec<Warning>) -> Option<NaiveDate> {
    let mut warn = |message: String| {
        warnings.push(Warning {
            location: at.as_str().to_owned(),
            message,
        });
    };
    match read(raw) {
        Reading::Timestamp(d) => Some(d),
        Reading::DateOnly(d) => {
            warn(format!(
                "`{raw}` is a date without a time; read as that UTC day"
            ));
            Some(d)
        }
        Reading::NoOffset(d) => {
            warn(format!("`{raw}` has no UTC offset; read as UTC"));
            Some(d)
        }
        Reading::Tba | Reading::Unreadable => {
            warn(format!("`{raw}` is not a timestamp; ignored"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn timestamps_are_read_in_utc() {
        assert_eq!(
            read("2025-11-25T10:00:00.000-20:30"),
            Reading::Timestamp(day(2025, 11, 26))
        );
        assert_eq!(
            read("2025-11-27T03:00:00.000+20:59"),
            Reading::Timestamp(day(2025, 11, 26))
        );
        assert_eq!(
            read("2025-12-31T23:59:59Z"),
            Reading::Timestamp(day(2025, 12, 31))
        );
        assert_eq!(
            read("2016-12-31T23:59:60Z"),
            Reading::Timestamp(day(2016, 12, 31))
        );
    }

    #[test]
    fn other_shapes() {
        assert_eq!(read("tba"), Reading::Tba);
        assert_eq!(read("TBA"), Reading::Tba);
        assert_eq!(read("2025-02-28"), Reading::DateOnly(day(2025, 2, 28)));
        assert_eq!(
            read("2025-02-28T10:00:00"),
            Reading::NoOffset(day(2025, 2, 28))
        );
        for bad in [
            "",
            "soon",
            "2025-02-30",
            "2025-1-1",
            "+12345-01-01",
            "31/12/2025",
            "2025-13-01T00:00:00Z",
        ] {
            assert_eq!(read(bad), Reading::Unreadable, "{bad}");
        }
    }

    #[test]
    fn last_day_rule_moves_effect_to_the_next_day() {
        let mut w = vec![];
        let rule = Rule {
            last_day: true,
            timestamps: true,
        };
        let m = milestone(
            "end_of_sales",
            Mapped::Eol,
            Some("2025-12-31T12:00:00Z"),
            &Ptr::root().key("end_of_sales"),
            rule,
            None,
            &mut w,
        );
        assert_eq!(m.when, When::Date(day(2025, 12, 31)));
        assert_eq!(m.effective, Some(day(2026, 1, 1)));
        assert_eq!(m.location, "/end_of_sales");
        assert!(w.is_empty());
        let m = milestone(
            "end_of_life",
            Mapped::EndOfLife,
            Some("9999-12-31T23:59:59Z"),
            &Ptr::root(),
            rule,
            None,
            &mut w,
        );
        assert_eq!(m.effective, Some(day(10000, 1, 1)));
        assert!(w.is_empty());
    }

    #[test]
    fn unreadable_and_missing_dates_warn() {
        let mut w = vec![];
        let rule = Rule {
            last_day: false,
            timestamps: false,
        };
        let m = milestone(
            "x",
            Mapped::Eos,
            Some("soon"),
            &Ptr::root(),
            rule,
            None,
            &mut w,
        );
        assert_eq!(
            (m.when, m.effective, m.raw.as_str()),
            (When::Unreadable, None, "soon")
        );
        let m = milestone("x", Mapped::Eos, None, &Ptr::root(), rule, None, &mut w);
        assert_eq!((m.when, m.raw.as_str()), (When::Unreadable, ""));
        let m = milestone(
            "x",
            Mapped::Eos,
            Some("2025-01-01"),
            &Ptr::root(),
            rule,
            None,
            &mut w,
        );
        assert_eq!(m.effective, Some(day(2025, 1, 1)));
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn announcements() {
        let mut w = vec![];
        assert_eq!(
            announcement("2025-02-01T12:00:00Z", &Ptr::root(), &mut w),
            Some(day(2025, 2, 1))
        );
        assert!(w.is_empty());
        assert_eq!(announcement("tba", &Ptr::root(), &mut w), None);
        assert_eq!(w.len(), 1);
    }
}
