//! The closed vocabularies of the domain. Each term has exactly one spelling on the wire (the
//! kebab-case key), used by CSV, JSON and the database alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value that is not one of a vocabulary's keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}' (expected one of: {expected})")]
pub struct UnknownTerm {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant),+
        }

        impl $name {
            /// Every term, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The term's key as written in files and reports.
            pub const fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
        }

        // A string enum of the keys, as on the wire (the derive would not see the keys through
        // this macro).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!("A ", $what, ".")))
                    .enum_values(Some([$($key),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }

        impl FromStr for $name {
            type Err = UnknownTerm;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                $(if wanted.eq_ignore_ascii_case($key) { return Ok($name::$variant); })+
                Err(UnknownTerm {
                    what: $what,
                    value: s.to_string(),
                    expected: [$($key),+].join(", "),
                })
            }
        }
    };
}

vocabulary! {
    /// What an organization is to a device: its maker, its user, or a provider of services.
    OrgKind, "organization kind" {
        Mdm => "mdm",
        Hdo => "hdo",
        ThirdParty => "third-party",
    }
}

vocabulary! {
    /// The IMDRF N70 §5 total-product-life-cycle stages, in lifecycle order.
    Stage, "stage" {
        Development => "development",
        Support => "support",
        LimitedSupport => "limited-support",
        EndOfSupport => "end-of-support",
    }
}

vocabulary! {
    /// The dated points that move a model or release from one stage to the next (N70 §3).
    MilestoneKind, "milestone" {
        GeneralAvailability => "general-availability",
        Eol => "eol",
        Eos => "eos",
    }
}

vocabulary! {
    /// Who holds a task. `Shared` always comes with a lead; `None` is an explicit "nobody".
    Party, "party" {
        Mdm => "mdm",
        Hdo => "hdo",
        ThirdParty => "third-party",
        Shared => "shared",
        None => "none",
    }
}

vocabulary! {
    /// The security duties of the task distribution (white paper; N70 §6–§9).
    Task, "task" {
        MonitorAccess => "monitor-access",
        MonitorUsers => "monitor-users",
        MonitorTraffic => "monitor-traffic",
        EventLogging => "event-logging",
        VulnerabilityMonitoring => "vulnerability-monitoring",
        VulnerabilityAssessment => "vulnerability-assessment",
        DevelopPatches => "develop-patches",
        DeployPatches => "deploy-patches",
        SecurityTesting => "security-testing",
        IncidentResponse => "incident-response",
        BackupRecovery => "backup-recovery",
        CompensatingControls => "compensating-controls",
        RiskAssessment => "risk-assessment",
        LifecycleNotices => "lifecycle-notices",
        SecurityDocumentation => "security-documentation",
        Decommissioning => "decommissioning",
    }
}

vocabulary! {
    /// Clinical criticality of a device model.
    Criticality, "criticality" {
        LifeSustaining => "life-sustaining",
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

vocabulary! {
    /// Where a deployed device stands in the hospital.
    AssetStatus, "asset status" {
        InUse => "in-use",
        Repurposed => "repurposed",
        Decommissioned => "decommissioned",
    }
}

vocabulary! {
    /// The outcome of a risk assessment of continued use.
    Decision, "decision" {
        Accept => "accept",
        Mitigate => "mitigate",
        Replace => "replace",
        Decommission => "decommission",
    }
}

vocabulary! {
    /// Residual risk after a decision.
    Residual, "residual risk" {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

vocabulary! {
    /// Settings an organization can change through a policy.
    Setting, "policy setting" {
        EolNoticeDays => "eol-notice-days",
        EosNoticeDays => "eos-notice-days",
        AssessmentMonthsSupport => "assessment-months-support",
        AssessmentMonthsLimitedSupport => "assessment-months-limited-support",
        AssessmentMonthsEndOfSupport => "assessment-months-end-of-support",
    }
}

impl Task {
    /// Tasks sorted by key, the order reports list them in.
    pub fn sorted_by_key() -> Vec<Task> {
        let mut tasks = Task::ALL.to_vec();
        tasks.sort_by_key(|t| t.key());
        tasks
    }
}

impl Stage {
    /// The stage that follows, if any.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Development => Some(Stage::Support),
            Stage::Support => Some(Stage::LimitedSupport),
            Stage::LimitedSupport => Some(Stage::EndOfSupport),
            Stage::EndOfSupport => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for t in Task::ALL {
            assert_eq!(t.key().parse::<Task>().unwrap(), *t);
        }
        for s in Stage::ALL {
            assert_eq!(s.to_string().parse::<Stage>().unwrap(), *s);
        }
        assert_eq!(
            " Limited-Support ".parse::<Stage>().unwrap(),
            Stage::LimitedSupport
        );
    }

    #[test]
    fn unknown_term_names_choices() {
        let err = "eventually".parse::<Stage>().unwrap_err();
        assert!(err.to_string().contains("unknown stage 'eventually'"));
        assert!(err.to_string().contains("limited-support"));
    }

    #[test]
    fn catalog_has_the_sixteen_tasks() {
        assert_eq!(Task::ALL.len(), 16);
        let json = serde_json::to_string(&Task::RiskAssessment).unwrap();
        assert_eq!(json, "\"risk-assessment\"");
    }
}

vocabulary! {
    /// Kinds of release documentation: N70 §7.1.1 and §8.1.1.5, FDA premarket 2023 Appendix 4.
    DocumentKind, "document kind" {
        Mds2 => "mds2",
        Sbom => "sbom",
        SecurityTestReport => "security-test-report",
        CustomerSecurityDocumentation => "customer-security-documentation",
        LifecyclePlan => "lifecycle-plan",
        PatchInstructions => "patch-instructions",
        CompensatingControlsGuide => "compensating-controls-guide",
        RiskManagementReport => "risk-management-report",
        ThreatModel => "threat-model",
        CybersecurityRiskAssessment => "cybersecurity-risk-assessment",
        VulnerabilityAssessment => "vulnerability-assessment",
        UnresolvedAnomalies => "unresolved-anomalies",
        Traceability => "traceability",
        Metrics => "metrics",
        ArchitectureViews => "architecture-views",
        Labeling => "labeling",
        ManagementPlan => "management-plan",
        Cbom => "cbom",
        Other => "other",
    }
}
