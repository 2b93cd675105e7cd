//! Whether a component is still supported by its maker, from what its SBOM says (FDA premarket
//! 2023 §V.A.4: level of support and end-of-support date per component), and what that means for
//! the device's stage (IMDRF N70 §5.5).

use chrono::NaiveDate;

use crate::vocab::Stage;

/// Phrases that say a component's support has ended, looked for as whole words in a level of
/// support or a textual end-of-support value after lower casing and turning every run of other
/// characters into one space ("Component is No-Longer Maintained" matches). The FDA examples are
/// "actively maintained", "no longer maintained" and "abandoned".
pub const UNSUPPORTED_PHRASES: &[&str] = &[
    "no longer maintained",
    "not maintained",
    "unmaintained",
    "abandoned",
    "end of life",
    "eol",
    "end of support",
    "eos",
    "unsupported",
    "not supported",
    "no longer supported",
    "obsolete",
    "retired",
    "discontinued",
];

/// ` words separated by single spaces `, lower case, with a space at each end.
fn normalize(text: &str) -> String {
    let mut out = String::from(" ");
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push_str(&word.to_lowercase());
        out.push(' ');
    }
    out
}

/// Whether a level of support (or an end-of-support text) says support has ended.
pub fn says_unsupported(value: &str) -> bool {
    let normalized = normalize(value);
    UNSUPPORTED_PHRASES
        .iter()
        .any(|p| normalized.contains(&format!(" {p} ")))
}

/// Why a component is unsupported on `on`, if it is: its end-of-support date is before `on` (the
/// date is the last day of support), its end-of-support text or its level of support says so.
pub fn unsupported_reason(
    level: Option<&str>,
    end_of_support: Option<NaiveDate>,
    end_of_support_text: Option<&str>,
    on: NaiveDate,
) -> Option<String> {
    if let Some(eos) = end_of_support
        && eos < on
    {
        return Some(format!("end of support {eos} has passed"));
    }
    if let Some(t) = end_of_support_text
        && says_unsupported(t)
    {
        return Some(format!("end of support: {}", t.trim()));
    }
    match level {
        Some(l) if says_unsupported(l) => Some(format!("level of support: {}", l.trim())),
        _ => None,
    }
}

/// The stage N70 §5.5 asks the manufacturer to review a device for when one of its components
/// loses support: Support → Limited Support, Limited Support → End of Support. `None` when the
/// device is in development (the manufacturer replaces the component before release) or already
/// at end of support.
pub fn review_candidate(stage: Stage) -> Option<Stage> {
    match stage {
        Stage::Support => Some(Stage::LimitedSupport),
        Stage::LimitedSupport => Some(Stage::EndOfSupport),
        Stage::Development | Stage::EndOfSupport => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn levels() {
        assert!(says_unsupported("No Longer Maintained"));
        assert!(says_unsupported("  no-longer-maintained "));
        assert!(says_unsupported("Component is ABANDONED."));
        assert!(!says_unsupported("actively maintained"));
        assert!(!says_unsupported("Until hardware support ends"));
        assert!(!says_unsupported("Open source"));
        assert!(!says_unsupported("geosync")); // whole words only
    }

    #[test]
    fn reasons() {
        let on = d("2026-11-28");
        assert_eq!(
            unsupported_reason(None, Some(d("2026-11-27")), None, on).unwrap(),
            "end of support 2026-11-27 has passed"
        );
        assert!(unsupported_reason(None, Some(d("2026-11-28")), None, on).is_none());
        assert_eq!(
            unsupported_reason(Some("abandoned"), None, None, on).unwrap(),
            "level of support: abandoned"
        );
        assert!(
            unsupported_reason(Some("actively maintained"), Some(d("2030-01-01")), None, on)
                .is_none()
        );
        assert_eq!(
            unsupported_reason(None, None, Some("No longer supported"), on).unwrap(),
            "end of support: No longer supported"
        );
    }

    #[test]
    fn n70_5_5_candidates() {
        assert_eq!(
            review_candidate(Stage::Support),
            Some(Stage::LimitedSupport)
        );
        assert_eq!(
            review_candidate(Stage::LimitedSupport),
            Some(Stage::EndOfSupport)
        );
        assert_eq!(review_candidate(Stage::EndOfSupport), None);
        assert_eq!(review_candidate(Stage::Development), None);
    }
}
