//! The one model every notice format is read into.

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// The format a notice was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NoticeFormat {
    /// `cdx:lifecycle:milestone:*` properties of a CycloneDX JSON component.
    #[serde(rename = "cyclonedx")]
    CycloneDx,
    /// An ECMA-428 Common Lifecycle Enumeration document.
    #[serde(rename = "cle")]
    Cle,
    /// A bare OASIS OpenEoX Core object.
    #[serde(rename = "openeox-core")]
    OpenEoxCore,
    /// One statement of an OASIS OpenEoX Shell.
    #[serde(rename = "openeox-shell")]
    OpenEoxShell,
}

impl NoticeFormat {
    /// The serialized name (`cyclonedx`, `cle`, `openeox-core`, `openeox-shell`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CycloneDx => "cyclonedx",
            Self::Cle => "cle",
            Self::OpenEoxCore => "openeox-core",
            Self::OpenEoxShell => "openeox-shell",
        }
    }
}

impl fmt::Display for NoticeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a source milestone means in IMDRF N70 terms (standards digest §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mapped {
    /// N70 EOL: the end of sale that starts Limited Support.
    Eol,
    /// N70 EOS: the end of (security) support that transfers the risk to the HCP.
    Eos,
    /// "End of life" in OpenEoX, CLE and CycloneDX: the end of *all* support, usually after EOS.
    /// Kept apart because reading it as N70 EOL would start Limited Support years too late.
    EndOfLife,
    /// Market availability, which starts the N70 Support stage.
    GeneralAvailability,
    /// Any other milestone (end of development, superseded, renamed, unknown names): kept so
    /// nothing the source said is lost.
    Other,
}

impl Mapped {
    /// The serialized name (`eol`, `eos`, `end-of-life`, `general-availability`, `other`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Eol => "eol",
            Self::Eos => "eos",
            Self::EndOfLife => "end-of-life",
            Self::GeneralAvailability => "general-availability",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for Mapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The date a source gives for a milestone.
///
/// Serialized as `"2025-12-31"`, `"tba"` or `"unreadable"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// The day as the source states it, in UTC (for OpenEoX: the *last* day of the state).
    Date(NaiveDate),
    /// Announced, date not yet known (OpenEoX and CLE `"tba"`).
    Tba,
    /// A value was given but could not be read as a date (or was missing where the format
    /// requires one). The milestone is kept: an event that cannot be evaluated must not be read
    /// as "does not apply". A [`Warning`] says why.
    Unreadable,
}

impl When {
    /// The stated day, if there is one.
    pub const fn date(self) -> Option<NaiveDate> {
        match self {
            Self::Date(d) => Some(d),
            Self::Tba | Self::Unreadable => None,
        }
    }
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Date(d) => serializer.collect_str(&d.format("%Y-%m-%d")),
            Self::Tba => serializer.serialize_str("tba"),
            Self::Unreadable => serializer.serialize_str("unreadable"),
        }
    }
}

/// One milestone of a notice, under its source name and its N70 meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeMilestone {
    /// The format's own name: `end_of_sales`, `endOfMarketing`,
    /// `cdx:lifecycle:milestone:endOfSupport`, …
    pub source_name: String,
    pub mapped: Mapped,
    pub when: When,
    /// The day the N70 milestone takes effect (Baton's rule: a milestone dated D takes effect on
    /// D). OpenEoX dates are the last day of a state, so this is `when + 1 day` for them; CLE
    /// `effective` and CycloneDX dates take effect on their own day. `None` for `tba` and
    /// unreadable dates.
    pub effective: Option<NaiveDate>,
    /// The value exactly as written (empty when the source gave none).
    pub raw: String,
    /// What else the source said about this milestone: the CLE support policy that ends
    /// (`supportId`, with its description), the superseding version, a rename's new identifiers.
    pub detail: Option<String>,
    /// JSON pointer of the value (OpenEoX, CycloneDX) or event (CLE) in the file.
    pub location: String,
}

/// What a notice is about, as the source identifies it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    pub purl: Option<String>,
    pub cpe: Option<String>,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    /// CLE version specifiers as written: plain versions and `vers:` ranges. Empty means every
    /// version of the component (CLE component-wide events), or that the format names no
    /// version set.
    pub versions: Vec<String>,
    /// Further identifiers of the same product: CLE identifier aliases and names taken on in a
    /// `componentRenamed` event, extra OpenEoX `purls`.
    pub aliases: Vec<String>,
    /// The software delivered with the hardware, for an OpenEoX
    /// `product_hardware_with_software` (the fields above then describe the hardware).
    pub software: Option<Box<ProductRef>>,
}

/// Something the reader noticed but could read past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// JSON pointer into the file (the file is the one given to [`crate::parse`]).
    pub location: String,
    pub message: String,
}

/// One product's lifecycle milestones, as one source states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub format: NoticeFormat,
    /// JSON pointer of the part of the file this notice comes from (`""` for the whole
    /// document, `/statements/2`, `/components/7`, …).
    pub location: String,
    pub product: ProductRef,
    /// Sorted by effective day; `tba` and unreadable ones last; ties keep the source's order.
    pub milestones: Vec<NoticeMilestone>,
    /// When the source says it made this known, in UTC: the latest CLE `published` of the
    /// notice's events (its `updatedAt` if none has one), OpenEoX `last_updated`. CycloneDX
    /// properties carry no such date.
    pub announced: Option<NaiveDate>,
    /// What could be read past. Warnings about a CLE document as a whole (no identifier, a
    /// withdrawal naming no event, …) are on its first notice only, so they are neither lost
    /// nor repeated.
    pub warnings: Vec<Warning>,
}

impl Notice {
    /// The earliest milestone that means N70 EOL. Several source events can map to EOL (CLE
    /// `endOfMarketing` and `endOfDistribution`, CycloneDX `endOfMarketing` and
    /// `endOfProduction`): the first of them ends the sale, so the earliest one counts.
    /// See [`Notice::earliest`] for how undated ones rank.
    pub fn eol(&self) -> Option<&NoticeMilestone> {
        self.earliest(Mapped::Eol)
    }

    /// The earliest milestone that means N70 EOS (e.g. the first of several CLE `endOfSupport`
    /// events for different support policies: after it, support is no longer assured).
    pub fn eos(&self) -> Option<&NoticeMilestone> {
        self.earliest(Mapped::Eos)
    }

    /// The earliest milestone with this meaning. A dated milestone wins over an undated one;
    /// among undated ones an unreadable date ranks before `tba`, so a caller sees that the
    /// source said something it could not read; ties go to the first in [`Notice::milestones`].
    pub fn earliest(&self, mapped: Mapped) -> Option<&NoticeMilestone> {
        self.milestones
            .iter()
            .filter(|m| m.mapped == mapped)
            .min_by_key(|m| order_key(m))
    }
}

/// Dated first (by effective day), then unreadable, then `tba`.
pub(crate) fn order_key(m: &NoticeMilestone) -> (u8, Option<NaiveDate>) {
    match (m.when, m.effective) {
        (When::Date(_), Some(day)) => (0, Some(day)),
        (When::Date(_) | When::Unreadable, _) => (1, None),
        (When::Tba, _) => (2, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(mapped: Mapped, when: When, effective: Option<NaiveDate>) -> NoticeMilestone {
        NoticeMilestone {
            source_name: "x".into(),
            mapped,
            when,
            effective,
            raw: String::new(),
            detail: None,
            location: String::new(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn notice(milestones: Vec<NoticeMilestone>) -> Notice {
        Notice {
            format: NoticeFormat::Cle,
            location: String::new(),
            product: ProductRef::default(),
            milestones,
            announced: None,
            warnings: vec![],
        }
    }

    #[test]
    fn eol_is_the_earliest_dated_one() {
        let n = notice(vec![
            ms(Mapped::Eol, When::Tba, None),
            ms(
                Mapped::Eol,
                When::Date(day(2026, 1, 1)),
                Some(day(2026, 1, 1)),
            ),
            ms(
                Mapped::Eol,
                When::Date(day(2025, 6, 1)),
                Some(day(2025, 6, 1)),
            ),
            ms(
                Mapped::Eos,
                When::Date(day(2020, 1, 1)),
                Some(day(2020, 1, 1)),
            ),
        ]);
        assert_eq!(n.eol().and_then(|m| m.effective), Some(day(2025, 6, 1)));
        assert_eq!(n.eos().and_then(|m| m.effective), Some(day(2020, 1, 1)));
        assert_eq!(n.earliest(Mapped::EndOfLife), None);
    }

    #[test]
    fn unreadable_ranks_before_tba() {
        let n = notice(vec![
            ms(Mapped::Eos, When::Tba, None),
            ms(Mapped::Eos, When::Unreadable, None),
        ]);
        assert_eq!(n.eos().map(|m| m.when), Some(When::Unreadable));
        let only_tba = notice(vec![ms(Mapped::Eos, When::Tba, None)]);
        assert_eq!(only_tba.eos().map(|m| m.when), Some(When::Tba));
    }

    #[test]
    fn serialized_names() {
        let v = serde_json::to_value([
            NoticeFormat::CycloneDx,
            NoticeFormat::Cle,
            NoticeFormat::OpenEoxCore,
            NoticeFormat::OpenEoxShell,
        ])
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!(["cyclonedx", "cle", "openeox-core", "openeox-shell"])
        );
        for f in [
            NoticeFormat::CycloneDx,
            NoticeFormat::Cle,
            NoticeFormat::OpenEoxCore,
            NoticeFormat::OpenEoxShell,
        ] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
        for m in [
            Mapped::Eol,
            Mapped::Eos,
            Mapped::EndOfLife,
            Mapped::GeneralAvailability,
            Mapped::Other,
        ] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        let whens =
            serde_json::to_value([When::Date(day(2025, 1, 2)), When::Tba, When::Unreadable])
                .unwrap();
        assert_eq!(
            whens,
            serde_json::json!(["2025-01-02", "tba", "unreadable"])
        );
    }
}
