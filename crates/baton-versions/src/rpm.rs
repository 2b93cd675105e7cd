//! RPM `[epoch:]version[-release]` versions, ordered by `rpm-version`
//! (rpmvercmp: alternating numeric and alphabetic segments, `~` sorts before
//! anything including the end, `^` after the end but before anything else).
//!
//! Baton checks the shape RPM itself enforces: the epoch is a number, the
//! version is not empty, neither version nor release contains `-` (so at most
//! one `-` separates them) and only RPM's version characters appear.

use std::cmp::Ordering;

use rpm_version::Evr;

/// A checked RPM version; the text itself stays in [`crate::Version`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RpmVersion;

impl RpmVersion {
    pub(crate) fn parse(text: &str) -> Result<RpmVersion, String> {
        let (epoch, rest) = match text.split_once(':') {
            Some((e, r)) => (Some(e), r),
            None => (None, text),
        };
        if let Some(e) = epoch
            && (e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("epoch {e:?} is not a number"));
        }
        let (version, release) = match rest.split_once('-') {
            Some((v, r)) => (v, Some(r)),
            None => (rest, None),
        };
        if version.is_empty() {
            return Err("the version part is empty".to_string());
        }
        for part in std::iter::once(version).chain(release) {
            if let Some(c) = part.chars().find(|c| !is_rpm_char(*c)) {
                return Err(format!("character {c:?} is not allowed"));
            }
        }
        if release.is_some_and(str::is_empty) {
            return Err("the release after '-' is empty".to_string());
        }
        Ok(RpmVersion)
    }
}

fn is_rpm_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | '^')
}

/// rpmvercmp order of two checked versions.
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    Evr::parse(a).cmp(&Evr::parse(b))
}
