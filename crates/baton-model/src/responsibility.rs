//! Who does each security task in each stage: the default matrix drawn from the Health-ISAC white
//! paper's task distribution and IMDRF N70 §6–§9, overridden per MDM–HDO agreement.
//!
//! "White paper" below is the Health-ISAC paper "Exploring the Cybersecurity Roles of
//! Manufacturers and Healthcare Organizations During the Medical Device Lifecycle"; its section
//! "Lifecycle Changes" holds the task distribution.

use serde::Serialize;

use crate::vocab::{Party, Stage, Task};

/// One cell of the default matrix: who holds `task` in `stage`, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DefaultCell {
    pub task: Task,
    pub stage: Stage,
    pub party: Party,
    /// For `Party::Shared`: which side leads.
    pub lead: Option<Party>,
    /// The passage the cell rests on.
    pub source: &'static str,
    /// Why, where the sources leave room or disagree.
    pub note: &'static str,
}

macro_rules! cell {
    ($task:ident, $stage:ident, $party:ident, $source:expr) => {
        cell!($task, $stage, $party, None, $source, "")
    };
    ($task:ident, $stage:ident, $party:ident, $source:expr, $note:expr) => {
        cell!($task, $stage, $party, None, $source, $note)
    };
    ($task:ident, $stage:ident, shared($lead:ident), $source:expr, $note:expr) => {
        cell!($task, $stage, Shared, Some(Party::$lead), $source, $note)
    };
    ($task:ident, $stage:ident, $party:ident, $lead:expr, $source:expr, $note:expr) => {
        DefaultCell {
            task: Task::$task,
            stage: Stage::$stage,
            party: Party::$party,
            lead: $lead,
            source: $source,
            note: $note,
        }
    };
}

const CM_NOTE: &str = "Sources disagree on when cyber maintenance passes to the HDO: the white paper \
says 'At EOL, the HDO assumes responsibility for cyber maintenance', N70 §4.1/§9 transfers it at EOS \
and §5.3 has the MDM 'continue cybersecurity support when possible' in Limited Support. Baton follows \
N70: shared with the MDM leading in Limited Support (the transitional stage, N70 §8.3), the HDO's \
from EOS, so the MDM's remaining support is not silently dropped at EOL.";

/// The default responsibility matrix: every task × stage, each cell citing its source.
pub const DEFAULT_MATRIX: &[DefaultCell] = &[
    // Monitoring of access and users passes to the HDO with clinical use.
    cell!(
        MonitorAccess,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'During the development phase, the MDM ... implementing monitoring capabilities for access, users, and traffic'"
    ),
    cell!(
        MonitorAccess,
        Support,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes: 'Once in support, the HDO takes over monitoring access and users'"
    ),
    cell!(
        MonitorAccess,
        LimitedSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes (HDO from Support on); N70 §7.2.2.2 access controls"
    ),
    cell!(
        MonitorAccess,
        EndOfSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes; N70 §9.2.2 (access roles, monitoring)"
    ),
    cell!(
        MonitorUsers,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: MDM implements 'monitoring capabilities for access, users, and traffic'"
    ),
    cell!(
        MonitorUsers,
        Support,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes: 'Once in support, the HDO takes over monitoring access and users'"
    ),
    cell!(
        MonitorUsers,
        LimitedSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes (HDO from Support on)"
    ),
    cell!(
        MonitorUsers,
        EndOfSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes; N70 §9.2.2"
    ),
    // Traffic stays with the MDM until EOL.
    cell!(
        MonitorTraffic,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: MDM implements traffic monitoring capabilities"
    ),
    cell!(
        MonitorTraffic,
        Support,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'the MDM may continue monitoring traffic until the end-of-life (EOL) phase'"
    ),
    cell!(
        MonitorTraffic,
        LimitedSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes (MDM monitors traffic only 'until the end-of-life (EOL) phase'); N70 §8.3.2 HCP plans monitoring"
    ),
    cell!(
        MonitorTraffic,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2 (monitoring, segmentation); Health-ISAC white paper: 'During EOS, the HDO assumes almost all responsibility'"
    ),
    // Event logging: built by the MDM, run by the HDO from Support on.
    cell!(
        EventLogging,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'MDMs should implement event detection and logging features during development'"
    ),
    cell!(
        EventLogging,
        Support,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes: 'In the support phase, the HDO logs and monitors events'"
    ),
    cell!(
        EventLogging,
        LimitedSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes (HDO from Support on); N70 §7.2.2.2 activity monitoring (IDS/IPS, logs, SIEM)"
    ),
    cell!(
        EventLogging,
        EndOfSupport,
        Hdo,
        "Health-ISAC white paper, Lifecycle Changes; N70 §11 Table 1 MONITORING"
    ),
    // Cyber maintenance: vulnerability monitoring and assessment.
    cell!(
        VulnerabilityMonitoring,
        Development,
        Mdm,
        "N70 §6.2 (post-market vulnerability monitoring capability); FDA premarket 2023 §VI.B cybersecurity management plan"
    ),
    cell!(
        VulnerabilityMonitoring,
        Support,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'In the support phase, the MDM continues to monitor and mitigate vulnerabilities'; N70 §7.2.1"
    ),
    cell!(
        VulnerabilityMonitoring,
        LimitedSupport,
        shared(Mdm),
        "N70 §8.2.1 (MDM continues §7.2.1, effort may decrease), §8.3.2 (HCP plans vulnerability management); Health-ISAC white paper, Lifecycle Changes",
        CM_NOTE
    ),
    cell!(
        VulnerabilityMonitoring,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2 (HCP monitors ISAO/ISAC/CERT/regulator sources); Health-ISAC white paper, Lifecycle Changes",
        CM_NOTE
    ),
    cell!(
        VulnerabilityAssessment,
        Development,
        Mdm,
        "N70 §6.2 (risk assessment, threat modelling); Health-ISAC white paper: 'a manufacturer must assess threats'"
    ),
    cell!(
        VulnerabilityAssessment,
        Support,
        Mdm,
        "Health-ISAC white paper, Device Lifecycle: 'Manufacturers must monitor for emerging vulnerabilities, assess their exploitability and clinical impact'; FDA postmarket 2016 §VI"
    ),
    cell!(
        VulnerabilityAssessment,
        LimitedSupport,
        shared(Mdm),
        "N70 §8.2.1, §8.3.2; Health-ISAC white paper, Lifecycle Changes: 'At EOL, the HDO assumes responsibility for cyber maintenance, assessing risks of continued device use'",
        CM_NOTE
    ),
    cell!(
        VulnerabilityAssessment,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2; Health-ISAC white paper, Lifecycle Changes",
        CM_NOTE
    ),
    // Patches: developed by the MDM, deployed by the HDO.
    cell!(
        DevelopPatches,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'in the development phase ... the MDM identifies vulnerabilities, applies patches, and tests mitigations'"
    ),
    cell!(
        DevelopPatches,
        Support,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'In the support phase, the MDM continues to monitor and mitigate vulnerabilities'; N70 §5.2 'full cybersecurity support'"
    ),
    cell!(
        DevelopPatches,
        LimitedSupport,
        Mdm,
        "N70 §5.3 'continue cybersecurity support when possible', §8.3.1 make all available software updates available; Health-ISAC white paper: 'During limited support, not all software components may receive updates'",
        "The MDM keeps the duty, with reduced scope; an agreement can move it."
    ),
    cell!(
        DevelopPatches,
        EndOfSupport,
        Mdm,
        "N70 §9.2.1 (MDM keeps post-market duties; reactive action for significant risk); Health-ISAC white paper: 'Responsibility remains with the MDM to monitor for severe cyber risks and respond if necessary'",
        "Reactive only: after EOS the MDM no longer provides routine updates or patches (N70 §3 EOS; white paper), but answers severe risks."
    ),
    cell!(
        DeployPatches,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: the MDM 'applies patches, and tests mitigations' in development"
    ),
    cell!(
        DeployPatches,
        Support,
        shared(Hdo),
        "Health-ISAC white paper, Lifecycle Changes: 'In support ... the HDO manages IT security monitoring and patching'; N70 §7.1.1.4 (MDM provides patches with mitigation method and instructions)",
        "The HDO applies updates in its environment; the MDM validates and supplies them."
    ),
    cell!(
        DeployPatches,
        LimitedSupport,
        Hdo,
        "N70 §8.3.1 (MDM makes available updates available), §8.3.2; Health-ISAC white paper, Lifecycle Changes"
    ),
    cell!(
        DeployPatches,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2; Health-ISAC white paper: 'During EOS, the HDO assumes almost all responsibility'"
    ),
    cell!(
        SecurityTesting,
        Development,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'Security event monitoring and response start in development, with the MDM conducting security testing'; N70 §6.2"
    ),
    cell!(
        SecurityTesting,
        Support,
        Mdm,
        "Health-ISAC white paper, Lifecycle Changes: 'The MDM continues to monitor the external environment, perform security testing'"
    ),
    cell!(
        SecurityTesting,
        LimitedSupport,
        shared(Mdm),
        "N70 §8.2.1 (MDM continues §7.2.1, effort may decrease); Health-ISAC white paper, Lifecycle Changes",
        CM_NOTE
    ),
    cell!(
        SecurityTesting,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2 (enhanced countermeasures incl. testing)",
        CM_NOTE
    ),
    cell!(
        IncidentResponse,
        Development,
        Mdm,
        "N70 §6.2; FDA premarket 2023 §VI.A (incident response instructions in labeling)"
    ),
    cell!(
        IncidentResponse,
        Support,
        shared(Hdo),
        "Health-ISAC white paper, Lifecycle Changes: 'In support, the MDM may handle backup, recovery, and event tracking while the HDO manages IT security monitoring'; 'The HDO should ... monitor network traffic for evidence of intrusion and exploitation'",
        "The HDO runs the response in its network; the MDM supports it for its device."
    ),
    cell!(
        IncidentResponse,
        LimitedSupport,
        Hdo,
        "N70 §8.3.2 (HCP plans an incident response plan)"
    ),
    cell!(
        IncidentResponse,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2; Health-ISAC white paper: 'During EOS, the HDO assumes almost all responsibility'"
    ),
    cell!(
        BackupRecovery,
        Development,
        Mdm,
        "FDA premarket 2023 Appendix 1 (resiliency and recovery); Health-ISAC white paper, Secure Control Categories"
    ),
    cell!(
        BackupRecovery,
        Support,
        shared(Mdm),
        "Health-ISAC white paper, Lifecycle Changes: 'In support, the MDM may handle backup, recovery, and event tracking'",
        "The paper says 'may': the MDM leads, the HDO runs the procedures on site."
    ),
    cell!(
        BackupRecovery,
        LimitedSupport,
        Hdo,
        "N70 §8.3.2 (HCP plans a business continuity plan)"
    ),
    cell!(
        BackupRecovery,
        EndOfSupport,
        Hdo,
        "N70 §11 Table 1 BACKUP_AND_RESTORE; §9.2.2"
    ),
    cell!(
        CompensatingControls,
        Development,
        Mdm,
        "N70 §6.2 (baseline controls by design)"
    ),
    cell!(
        CompensatingControls,
        Support,
        Hdo,
        "N70 §7.2.2.1–7.2.2.2 (HCP baseline controls: segmentation, access control, monitoring)"
    ),
    cell!(
        CompensatingControls,
        LimitedSupport,
        Hdo,
        "N70 §8.3.2 (HCP plans compensating controls); §8.1.1.5 (MDM documents recommended controls)"
    ),
    cell!(
        CompensatingControls,
        EndOfSupport,
        Hdo,
        "N70 §9.2.2, §11 Table 1"
    ),
    cell!(
        RiskAssessment,
        Development,
        Mdm,
        "N70 §6.2 (risk assessment by design); Health-ISAC white paper: MDM 'must assess threats'"
    ),
    cell!(
        RiskAssessment,
        Support,
        Hdo,
        "Health-ISAC white paper: 'HDOs should assess technology risks and plan to manage them'; N70 §7.2.2.3 (regular clinical benefit/risk analysis)"
    ),
    cell!(
        RiskAssessment,
        LimitedSupport,
        Hdo,
        "Health-ISAC white paper: 'HDOs should perform annual or more frequent risk assessments'; N70 §8.3.2"
    ),
    cell!(
        RiskAssessment,
        EndOfSupport,
        Hdo,
        "Health-ISAC white paper: 'During EOS ... The HDO should conduct a risk assessment to determine the maximum acceptable risk level'; N70 §9.2.2"
    ),
    cell!(
        LifecycleNotices,
        Development,
        Mdm,
        "N70 §6.2 (plan for third-party component support ending); Health-ISAC white paper: 'the MDM should document key lifecycle milestones'"
    ),
    cell!(
        LifecycleNotices,
        Support,
        Mdm,
        "N70 §7.1.1.2 (EOL/EOS dates at least 2 years in advance); Health-ISAC white paper"
    ),
    cell!(
        LifecycleNotices,
        LimitedSupport,
        Mdm,
        "N70 §8.1.1.1–8.1.1.2 (customer and public notices); Health-ISAC white paper: 'MDMs should provide ... customer notifications, including end-of-support dates'"
    ),
    cell!(
        LifecycleNotices,
        EndOfSupport,
        Mdm,
        "N70 §9.1.1 (public EOS notice); Health-ISAC white paper: 'The MDM provides security information, including the upgrade path and decommissioning details'"
    ),
    cell!(
        SecurityDocumentation,
        Development,
        Mdm,
        "FDA premarket 2023 Appendix 4; N70 §6.2 (customer security documentation)"
    ),
    cell!(
        SecurityDocumentation,
        Support,
        Mdm,
        "N70 §7.1.1.1 (MDS2, SBOM, test reports, customer security documentation)"
    ),
    cell!(
        SecurityDocumentation,
        LimitedSupport,
        Mdm,
        "N70 §8.1.1.5 (updated documentation with compensating controls), §8.3.1"
    ),
    cell!(
        SecurityDocumentation,
        EndOfSupport,
        Mdm,
        "N70 §9.1.1 (information for self-management, upgrade path, decommissioning)"
    ),
    cell!(
        Decommissioning,
        Development,
        Mdm,
        "FDA premarket 2023 §VI.A (labeling: secure decommissioning and sanitization)"
    ),
    cell!(
        Decommissioning,
        Support,
        Hdo,
        "N70 §7.2.2 (HCP decommissioning planning)"
    ),
    cell!(
        Decommissioning,
        LimitedSupport,
        Hdo,
        "N70 §8.2.2.2 (EOS-readiness), §8.3.2"
    ),
    cell!(
        Decommissioning,
        EndOfSupport,
        Hdo,
        "Health-ISAC white paper: 'Device users should consider decommissioning devices with unsupported components'; N70 §9.3 (accept the risk or transition)"
    ),
];

/// The default cell for a task in a stage.
pub fn default_cell(task: Task, stage: Stage) -> &'static DefaultCell {
    let index = task_index(task) * Stage::ALL.len() + stage_index(stage);
    &DEFAULT_MATRIX[index]
}

fn task_index(task: Task) -> usize {
    Task::ALL.iter().position(|t| *t == task).unwrap_or(0)
}

fn stage_index(stage: Stage) -> usize {
    Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0)
}

/// A resolved responsibility: who holds a task, for one asset in one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Responsibility {
    pub task: Task,
    pub stage: Stage,
    pub party: Party,
    pub lead: Option<Party>,
    /// The third-party provider named by an agreement, if any.
    pub provider: Option<String>,
    /// `default: <citation>` or `agreement: <who and what>`.
    pub source: String,
}

impl Responsibility {
    /// The party that must actually act: the lead when shared.
    pub fn acting_party(&self) -> Party {
        match (self.party, self.lead) {
            (Party::Shared, Some(lead)) => lead,
            (party, _) => party,
        }
    }
}

/// Why a task has nobody to do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum GapReason {
    /// The responsible party (the lead, when shared) declared it cannot do the task and no
    /// provider is assigned.
    NotCapable,
    /// No party holds the task.
    NoParty,
}

impl GapReason {
    pub fn key(self) -> &'static str {
        match self {
            GapReason::NotCapable => "not-capable",
            GapReason::NoParty => "no-party",
        }
    }
}

/// Decide whether a responsibility is a gap. `capable(party, provider)` answers whether the
/// organization playing that party declared it can do the task (undeclared counts as capable).
pub fn gap_reason(
    resp: &Responsibility,
    capable: impl Fn(Party, Option<&str>) -> bool,
) -> Option<GapReason> {
    let acting = resp.acting_party();
    match acting {
        Party::None | Party::Shared => Some(GapReason::NoParty),
        Party::ThirdParty => match resp.provider.as_deref() {
            None => Some(GapReason::NoParty),
            Some(provider) => {
                (!capable(Party::ThirdParty, Some(provider))).then_some(GapReason::NotCapable)
            }
        },
        Party::Mdm | Party::Hdo => {
            if resp.provider.is_some() || capable(acting, None) {
                None
            } else {
                Some(GapReason::NotCapable)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_is_complete_and_ordered() {
        assert_eq!(DEFAULT_MATRIX.len(), Task::ALL.len() * Stage::ALL.len());
        for task in Task::ALL {
            for stage in Stage::ALL {
                let c = default_cell(*task, *stage);
                assert_eq!((c.task, c.stage), (*task, *stage));
                assert!(!c.source.is_empty(), "{task} {stage} cites no source");
                assert_eq!(c.party == Party::Shared, c.lead.is_some(), "{task} {stage}");
                assert_ne!(c.party, Party::None);
            }
        }
    }

    // The cells the white paper fixes in its own words (Lifecycle Changes).
    #[test]
    fn white_paper_cells() {
        use Stage::*;
        for task in [Task::MonitorAccess, Task::MonitorUsers] {
            assert_eq!(default_cell(task, Support).party, Party::Hdo);
            assert_eq!(default_cell(task, Development).party, Party::Mdm);
        }
        assert_eq!(
            default_cell(Task::MonitorTraffic, Support).party,
            Party::Mdm
        );
        assert_eq!(
            default_cell(Task::MonitorTraffic, LimitedSupport).party,
            Party::Hdo
        );
        assert_eq!(
            default_cell(Task::MonitorTraffic, EndOfSupport).party,
            Party::Hdo
        );
        for stage in [Support, LimitedSupport, EndOfSupport] {
            assert_eq!(default_cell(Task::EventLogging, stage).party, Party::Hdo);
        }
        assert_eq!(
            default_cell(Task::DevelopPatches, Support).party,
            Party::Mdm
        );
        for stage in Stage::ALL {
            assert_eq!(
                default_cell(Task::LifecycleNotices, *stage).party,
                Party::Mdm
            );
        }
        assert!(
            default_cell(Task::MonitorTraffic, Support)
                .source
                .contains("Health-ISAC white paper")
        );
    }

    // Where the paper (EOL) and N70 (EOS) disagree, the choice is explained in the cell.
    #[test]
    fn disagreements_are_explained() {
        let c = default_cell(Task::VulnerabilityAssessment, Stage::LimitedSupport);
        assert!(c.note.contains("At EOL") && c.note.contains("N70"));
        assert_eq!(c.lead, Some(Party::Mdm));
        assert_eq!(
            default_cell(Task::VulnerabilityAssessment, Stage::EndOfSupport).party,
            Party::Hdo
        );
    }

    fn resp(party: Party, lead: Option<Party>, provider: Option<&str>) -> Responsibility {
        Responsibility {
            task: Task::MonitorTraffic,
            stage: Stage::Support,
            party,
            lead,
            provider: provider.map(str::to_string),
            source: String::new(),
        }
    }

    #[test]
    fn gaps() {
        let nobody_can = |_: Party, _: Option<&str>| false;
        let all_can = |_: Party, _: Option<&str>| true;
        assert_eq!(
            gap_reason(&resp(Party::Hdo, None, None), nobody_can),
            Some(GapReason::NotCapable)
        );
        assert_eq!(gap_reason(&resp(Party::Hdo, None, None), all_can), None);
        // A provider assigned closes the gap.
        assert_eq!(
            gap_reason(&resp(Party::Hdo, None, Some("SecOps Inc")), nobody_can),
            None
        );
        // For shared, the lead's capability counts.
        let only_mdm = |p: Party, _: Option<&str>| p == Party::Mdm;
        assert_eq!(
            gap_reason(&resp(Party::Shared, Some(Party::Hdo), None), only_mdm),
            Some(GapReason::NotCapable)
        );
        assert_eq!(
            gap_reason(&resp(Party::Shared, Some(Party::Mdm), None), only_mdm),
            None
        );
        assert_eq!(
            gap_reason(&resp(Party::ThirdParty, None, None), all_can),
            Some(GapReason::NoParty)
        );
        assert_eq!(
            gap_reason(&resp(Party::None, None, None), all_can),
            Some(GapReason::NoParty)
        );
        assert_eq!(
            gap_reason(&resp(Party::ThirdParty, None, Some("X")), nobody_can),
            Some(GapReason::NotCapable)
        );
    }
}
