//! Stages, milestones and notice checks (IMDRF N70 §3, §5, §7.1.1.2, §7.3.1.1).

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::days_between;
use crate::vocab::{MilestoneKind, Stage};

/// Minimum notice for EOL and EOS: "at least 2 years in advance" (N70 §7.1.1.2).
pub const DEFAULT_NOTICE_DAYS: i64 = 730;
/// The responsibility transfer starts "approximately 2–3 years before the EOS" (N70 §7.3.1.1);
/// the window opens at the outer bound.
pub const TRANSFER_WINDOW_DAYS: i64 = 1095;

/// A dated milestone and the date it was announced to customers, if known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dated {
    pub date: NaiveDate,
    pub announced: Option<NaiveDate>,
}

/// The lifecycle milestones of a model or a release. Unknown milestones are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    pub general_availability: Option<NaiveDate>,
    pub eol: Option<Dated>,
    pub eos: Option<Dated>,
}

/// Why a set of milestones cannot be right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneError {
    #[error("EOS {eos} is before EOL {eol}")]
    EosBeforeEol { eol: NaiveDate, eos: NaiveDate },
    #[error("{milestone} {date} is before general availability {ga}")]
    BeforeGeneralAvailability {
        milestone: MilestoneKind,
        date: NaiveDate,
        ga: NaiveDate,
    },
    #[error("{milestone} announced on {announced}, after it took effect on {date}")]
    AnnouncedAfter {
        milestone: MilestoneKind,
        date: NaiveDate,
        announced: NaiveDate,
    },
}

impl Milestones {
    /// Check the order of the milestones. An announcement after the milestone itself is allowed:
    /// it is a real (and bad) notice, reported by [`Milestones::notice_findings`].
    pub fn validate(&self) -> Result<(), MilestoneError> {
        if let (Some(eol), Some(eos)) = (self.eol, self.eos)
            && eos.date < eol.date
        {
            return Err(MilestoneError::EosBeforeEol {
                eol: eol.date,
                eos: eos.date,
            });
        }
        if let Some(ga) = self.general_availability {
            for (kind, m) in [
                (MilestoneKind::Eol, self.eol),
                (MilestoneKind::Eos, self.eos),
            ] {
                if let Some(m) = m
                    && m.date < ga
                {
                    return Err(MilestoneError::BeforeGeneralAvailability {
                        milestone: kind,
                        date: m.date,
                        ga,
                    });
                }
            }
        }
        Ok(())
    }

    /// These milestones, with each one the `own` set knows replacing ours: a release's own
    /// milestones win over its model's.
    pub fn overridden_by(&self, own: &Milestones) -> Milestones {
        Milestones {
            general_availability: own.general_availability.or(self.general_availability),
            eol: own.eol.or(self.eol),
            eos: own.eos.or(self.eos),
        }
    }

    /// The stage on `on` (N70 §5): before general availability `development`; from it `support`;
    /// from EOL `limited-support`; from EOS `end-of-support` (also when EOL is unknown). An unknown
    /// general-availability date means the product is on the market.
    pub fn stage_on(&self, on: NaiveDate) -> Stage {
        if let Some(ga) = self.general_availability
            && on < ga
        {
            return Stage::Development;
        }
        if let Some(eos) = self.eos
            && on >= eos.date
        {
            return Stage::EndOfSupport;
        }
        if let Some(eol) = self.eol
            && on >= eol.date
        {
            return Stage::LimitedSupport;
        }
        Stage::Support
    }

    /// The date the stage current on `on` began, if known.
    pub fn stage_entered(&self, on: NaiveDate) -> Option<NaiveDate> {
        match self.stage_on(on) {
            Stage::Development => None,
            Stage::Support => self.general_availability,
            Stage::LimitedSupport => self.eol.map(|m| m.date),
            Stage::EndOfSupport => self.eos.map(|m| m.date),
        }
    }

    fn dated(&self) -> [(MilestoneKind, Option<NaiveDate>); 3] {
        [
            (
                MilestoneKind::GeneralAvailability,
                self.general_availability,
            ),
            (MilestoneKind::Eol, self.eol.map(|m| m.date)),
            (MilestoneKind::Eos, self.eos.map(|m| m.date)),
        ]
    }

    /// The first milestone after `on` that changes the stage, with its date and the stage it
    /// starts. A milestone that changes nothing (an EOL after a known EOS) is skipped.
    pub fn next_transition(&self, on: NaiveDate) -> Option<Transition> {
        let mut later: Vec<(NaiveDate, MilestoneKind)> = self
            .dated()
            .into_iter()
            .filter_map(|(k, d)| d.filter(|d| *d > on).map(|d| (d, k)))
            .collect();
        later.sort();
        let mut current = self.stage_on(on);
        for (date, milestone) in later {
            let stage = self.stage_on(date);
            if stage != current {
                return Some(Transition {
                    milestone,
                    date,
                    from: current,
                    to: stage,
                });
            }
            current = stage;
        }
        None
    }

    /// Whether the responsibility transfer window is open on `on`: EOS is known, still ahead,
    /// and less than 1,095 days away.
    pub fn transfer_window_open(&self, on: NaiveDate) -> bool {
        self.eos.is_some_and(|eos| {
            let days = days_between(on, eos.date);
            days > 0 && days < TRANSFER_WINDOW_DAYS
        })
    }

    /// Notice problems for EOL and EOS: a milestone announced later than `required(kind)` days
    /// before it takes effect is `short-notice`; one with a date but no announcement date is
    /// `unannounced`.
    pub fn notice_findings(&self, required: impl Fn(MilestoneKind) -> i64) -> Vec<NoticeFinding> {
        let mut out = Vec::new();
        for (kind, m) in [
            (MilestoneKind::Eol, self.eol),
            (MilestoneKind::Eos, self.eos),
        ] {
            let Some(m) = m else { continue };
            let required_days = required(kind);
            match m.announced {
                None => out.push(NoticeFinding {
                    milestone: kind,
                    announced: None,
                    date: m.date,
                    lead_days: None,
                    required_days,
                    kind: NoticeKind::Unannounced,
                }),
                Some(announced) => {
                    let lead = days_between(announced, m.date);
                    if lead < required_days {
                        out.push(NoticeFinding {
                            milestone: kind,
                            announced: Some(announced),
                            date: m.date,
                            lead_days: Some(lead),
                            required_days,
                            kind: NoticeKind::ShortNotice,
                        });
                    }
                }
            }
        }
        out
    }
}

/// A change of stage at a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub milestone: MilestoneKind,
    pub date: NaiveDate,
    pub from: Stage,
    pub to: Stage,
}

/// The kind of notice problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoticeKind {
    ShortNotice,
    Unannounced,
}

/// A milestone whose notice falls short of the required period, or was never announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeFinding {
    pub milestone: MilestoneKind,
    pub announced: Option<NaiveDate>,
    pub date: NaiveDate,
    pub lead_days: Option<i64>,
    pub required_days: i64,
    pub kind: NoticeKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn ms(ga: Option<&str>, eol: Option<&str>, eos: Option<&str>) -> Milestones {
        Milestones {
            general_availability: ga.map(d),
            eol: eol.map(|x| Dated {
                date: d(x),
                announced: None,
            }),
            eos: eos.map(|x| Dated {
                date: d(x),
                announced: None,
            }),
        }
    }

    // N70 §5.1–5.4: development before market, support on the market, limited support from EOL,
    // end of support from EOS. A milestone dated D takes effect on D.
    #[test]
    fn stages_follow_milestones() {
        let m = ms(Some("2020-01-01"), Some("2025-01-01"), Some("2027-01-01"));
        assert_eq!(m.stage_on(d("2019-12-31")), Stage::Development);
        assert_eq!(m.stage_on(d("2020-01-01")), Stage::Support);
        assert_eq!(m.stage_on(d("2024-12-31")), Stage::Support);
        assert_eq!(m.stage_on(d("2025-01-01")), Stage::LimitedSupport);
        assert_eq!(m.stage_on(d("2026-12-31")), Stage::LimitedSupport);
        assert_eq!(m.stage_on(d("2027-01-01")), Stage::EndOfSupport);
    }

    #[test]
    fn eos_without_eol_ends_support() {
        let m = ms(None, None, Some("2024-06-01"));
        assert_eq!(m.stage_on(d("2024-05-31")), Stage::Support);
        assert_eq!(m.stage_on(d("2024-06-01")), Stage::EndOfSupport);
    }

    #[test]
    fn unknown_ga_means_on_the_market() {
        assert_eq!(
            ms(None, None, None).stage_on(d("1990-01-01")),
            Stage::Support
        );
    }

    #[test]
    fn release_milestones_win() {
        let model = ms(Some("2018-01-01"), Some("2026-01-01"), Some("2030-01-01"));
        let release = ms(None, None, Some("2025-01-01"));
        let eff = model.overridden_by(&release);
        assert_eq!(eff.stage_on(d("2025-06-01")), Stage::EndOfSupport);
        assert_eq!(eff.general_availability, Some(d("2018-01-01")));
    }

    #[test]
    fn validation() {
        assert!(
            ms(None, Some("2026-01-01"), Some("2025-01-01"))
                .validate()
                .is_err()
        );
        assert!(
            ms(Some("2027-01-01"), Some("2026-01-01"), None)
                .validate()
                .is_err()
        );
        assert!(
            ms(None, Some("2026-01-01"), Some("2026-01-01"))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn next_transition_skips_dead_milestones() {
        let m = ms(Some("2020-01-01"), Some("2025-01-01"), Some("2027-01-01"));
        let t = m.next_transition(d("2024-01-01")).unwrap();
        assert_eq!(
            (t.milestone, t.to),
            (MilestoneKind::Eol, Stage::LimitedSupport)
        );
        let t = m.next_transition(d("2025-01-01")).unwrap();
        assert_eq!((t.milestone, t.date), (MilestoneKind::Eos, d("2027-01-01")));
        assert!(m.next_transition(d("2027-01-01")).is_none());
        let t = m.next_transition(d("2010-01-01")).unwrap();
        assert_eq!(t.to, Stage::Support);
    }

    // N70 §7.3.1.1: transfer starts about 2–3 years before EOS.
    #[test]
    fn transfer_window() {
        let m = ms(None, None, Some("2030-01-01"));
        assert!(!m.transfer_window_open(d("2026-12-31"))); // 1,096 days
        assert!(!m.transfer_window_open(d("2027-01-02"))); // exactly 1,095 days
        assert!(m.transfer_window_open(d("2027-01-03")));
        assert!(m.transfer_window_open(d("2029-12-31")));
        assert!(!m.transfer_window_open(d("2030-01-01")));
        assert!(!ms(None, None, None).transfer_window_open(d("2027-01-01")));
    }

    // N70 §7.1.1.2: EOL/EOS dates at least 2 years in advance.
    #[test]
    fn notice_findings() {
        let m = Milestones {
            general_availability: None,
            eol: Some(Dated {
                date: d("2026-01-01"),
                announced: Some(d("2024-01-03")),
            }),
            eos: Some(Dated {
                date: d("2028-01-01"),
                announced: None,
            }),
        };
        let f = m.notice_findings(|_| DEFAULT_NOTICE_DAYS);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].kind, NoticeKind::ShortNotice);
        assert_eq!(f[0].lead_days, Some(730 - 1));
        assert_eq!(f[1].kind, NoticeKind::Unannounced);
        assert_eq!(f[1].lead_days, None);
        let ok = Milestones {
            eol: Some(Dated {
                date: d("2026-01-01"),
                announced: Some(d("2024-01-01")),
            }),
            ..Milestones::default()
        };
        assert!(ok.notice_findings(|_| 730).is_empty());
        assert_eq!(ok.notice_findings(|_| 1095).len(), 1);
    }
}
