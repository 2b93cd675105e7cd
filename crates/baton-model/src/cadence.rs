//! Risk-assessment cadence: how often an HDO must re-assess the risk of keeping a device in use,
//! and when the next assessment falls due.

use chrono::NaiveDate;

use crate::dates::add_months;
use crate::lifecycle::Milestones;
use crate::vocab::Stage;

/// Months between assessments per stage. The defaults tighten as support ends: annual in Support
/// (white paper: "annual or more frequent risk assessments"), twice a year in Limited Support and
/// quarterly in End of Support ("more regular risk assessments going into End of Life and End of
/// Support"). Development has no cadence: the device is not yet in clinical use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    pub support: u32,
    pub limited_support: u32,
    pub end_of_support: u32,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            support: 12,
            limited_support: 6,
            end_of_support: 3,
        }
    }
}

impl Cadence {
    pub fn months(&self, stage: Stage) -> Option<u32> {
        match stage {
            Stage::Development => None,
            Stage::Support => Some(self.support),
            Stage::LimitedSupport => Some(self.limited_support),
            Stage::EndOfSupport => Some(self.end_of_support),
        }
    }
}

/// When the next risk assessment of an asset is due.
///
/// After an assessment on `last`: the earlier of `last` plus the interval of the stage on `last`,
/// and the first later date on which the asset enters a new stage (a move into EOL or EOS calls for
/// a fresh assessment). Never assessed: the later of the day it was imported and the day it
/// entered its current stage on `on`. `None` while the asset is in development.
pub fn next_assessment_due(
    milestones: &Milestones,
    cadence: &Cadence,
    last: Option<NaiveDate>,
    imported_on: NaiveDate,
    on: NaiveDate,
) -> Option<NaiveDate> {
    match last {
        Some(last) => {
            let by_interval = cadence
                .months(milestones.stage_on(last))
                .map(|m| add_months(last, m));
            let by_stage = milestones.next_transition(last).map(|t| t.date);
            match (by_interval, by_stage) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
        None => {
            if milestones.stage_on(on) == Stage::Development {
                return None;
            }
            let entered = milestones.stage_entered(on).unwrap_or(imported_on);
            Some(entered.max(imported_on))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;
    use crate::lifecycle::Dated;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn ms() -> Milestones {
        Milestones {
            general_availability: Some(d("2015-01-01")),
            eol: Some(Dated {
                date: d("2026-03-01"),
                announced: None,
            }),
            eos: Some(Dated {
                date: d("2027-01-01"),
                announced: None,
            }),
        }
    }

    #[test]
    fn interval_follows_stage_on_assessment_date() {
        let c = Cadence::default();
        // Support: 12 months.
        assert_eq!(
            next_assessment_due(
                &ms(),
                &c,
                Some(d("2024-01-31")),
                d("2020-01-01"),
                d("2025-06-01")
            ),
            Some(d("2025-01-31"))
        );
        // Limited support: 6 months, clamped to the month end.
        assert_eq!(
            next_assessment_due(
                &ms(),
                &c,
                Some(d("2026-03-31")),
                d("2020-01-01"),
                d("2026-06-01")
            ),
            Some(d("2026-09-30"))
        );
        // End of support: 3 months.
        assert_eq!(
            next_assessment_due(
                &ms(),
                &c,
                Some(d("2027-11-30")),
                d("2020-01-01"),
                d("2028-01-01")
            ),
            Some(d("2028-02-29"))
        );
    }

    #[test]
    fn entering_a_new_stage_calls_for_a_fresh_assessment() {
        let c = Cadence::default();
        // Assessed in Support 2025-06-01: +12 months = 2026-06-01, but EOL on 2026-03-01 comes first.
        assert_eq!(
            next_assessment_due(
                &ms(),
                &c,
                Some(d("2025-06-01")),
                d("2020-01-01"),
                d("2025-07-01")
            ),
            Some(d("2026-03-01"))
        );
        // In Limited Support 2026-10-01: +6 = 2027-04-01, EOS 2027-01-01 first.
        assert_eq!(
            next_assessment_due(
                &ms(),
                &c,
                Some(d("2026-10-01")),
                d("2020-01-01"),
                d("2026-11-01")
            ),
            Some(d("2027-01-01"))
        );
    }

    #[test]
    fn never_assessed() {
        let c = Cadence::default();
        // Imported long after entering Support: due on import.
        assert_eq!(
            next_assessment_due(&ms(), &c, None, d("2024-05-05"), d("2025-01-01")),
            Some(d("2024-05-05"))
        );
        // Imported before EOS: due the day it entered EOS.
        assert_eq!(
            next_assessment_due(&ms(), &c, None, d("2024-05-05"), d("2027-06-01")),
            Some(d("2027-01-01"))
        );
        // Unknown GA: due on import.
        let m = Milestones::default();
        assert_eq!(
            next_assessment_due(&m, &c, None, d("2024-05-05"), d("2025-01-01")),
            Some(d("2024-05-05"))
        );
        // Development: nothing due.
        let dev = Milestones {
            general_availability: Some(d("2030-01-01")),
            ..Milestones::default()
        };
        assert_eq!(
            next_assessment_due(&dev, &c, None, d("2024-05-05"), d("2025-01-01")),
            None
        );
    }

    #[test]
    fn policy_intervals() {
        let c = Cadence {
            support: 24,
            limited_support: 1,
            end_of_support: 1,
        };
        assert_eq!(
            next_assessment_due(
                &ms(),
                &c,
                Some(d("2020-01-15")),
                d("2020-01-01"),
                d("2020-02-01")
            ),
            Some(d("2022-01-15"))
        );
    }
}
