//! What documentation a release should have, by stage: IMDRF N70 §7.1.1 (lists A and B, the
//! Support stage on), §8.1.1.5 (Limited Support on) and FDA premarket 2023 Appendix 4 (every stage:
//! the premarket record the device was cleared with).

use crate::vocab::{DocumentKind, Stage};

/// A document a release is expected to have, and the passage that expects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectation {
    pub kind: DocumentKind,
    pub source: &'static str,
}

const APPENDIX_4: &[Expectation] = &[
    Expectation {
        kind: DocumentKind::RiskManagementReport,
        source: "FDA premarket 2023 Appendix 4: Cybersecurity Risk Management Report (V, VI.B)",
    },
    Expectation {
        kind: DocumentKind::ThreatModel,
        source: "FDA premarket 2023 Appendix 4: Threat Model (V.A.1, V.A.3–5, V.B.2)",
    },
    Expectation {
        kind: DocumentKind::CybersecurityRiskAssessment,
        source: "FDA premarket 2023 Appendix 4: Cybersecurity Risk Assessment (V.A.2–6)",
    },
    Expectation {
        kind: DocumentKind::Sbom,
        source: "FDA premarket 2023 Appendix 4: SBOM (V.A.4, VI.A)",
    },
    Expectation {
        kind: DocumentKind::VulnerabilityAssessment,
        source: "FDA premarket 2023 Appendix 4: Vulnerability Assessment and Software Support (V.A.4)",
    },
    Expectation {
        kind: DocumentKind::UnresolvedAnomalies,
        source: "FDA premarket 2023 Appendix 4: Unresolved Anomalies Assessment (V.A.5)",
    },
    Expectation {
        kind: DocumentKind::Traceability,
        source: "FDA premarket 2023 Appendix 4: Traceability (V.A–V.C, VI.A)",
    },
    Expectation {
        kind: DocumentKind::Metrics,
        source: "FDA premarket 2023 Appendix 4: Measures and Metrics (V.A.6)",
    },
    Expectation {
        kind: DocumentKind::ArchitectureViews,
        source: "FDA premarket 2023 Appendix 4: Architecture Views (V.B)",
    },
    Expectation {
        kind: DocumentKind::SecurityTestReport,
        source: "FDA premarket 2023 Appendix 4: Testing (V.C)",
    },
    Expectation {
        kind: DocumentKind::Labeling,
        source: "FDA premarket 2023 Appendix 4: Labeling (VI.A)",
    },
    Expectation {
        kind: DocumentKind::ManagementPlan,
        source: "FDA premarket 2023 Appendix 4: Cybersecurity Management Plans (VI.B)",
    },
];

const N70_SUPPORT: &[Expectation] = &[
    Expectation {
        kind: DocumentKind::Mds2,
        source: "IMDRF N70 §7.1.1.1 (list A): MDS2",
    },
    Expectation {
        kind: DocumentKind::Sbom,
        source: "IMDRF N70 §7.1.1.1 (list A): SBOM",
    },
    Expectation {
        kind: DocumentKind::SecurityTestReport,
        source: "IMDRF N70 §7.1.1.1 (list A): security test report summaries",
    },
    Expectation {
        kind: DocumentKind::CustomerSecurityDocumentation,
        source: "IMDRF N70 §7.1.1.1 (list A): customer security documentation",
    },
    Expectation {
        kind: DocumentKind::LifecyclePlan,
        source: "IMDRF N70 §7.1.1.2 (list B): product life cycle documentation with EOL/EOS dates",
    },
    Expectation {
        kind: DocumentKind::PatchInstructions,
        source: "IMDRF N70 §7.1.1.4: vulnerability and patching information with mitigation instructions",
    },
];

const N70_LIMITED: &[Expectation] = &[Expectation {
    kind: DocumentKind::CompensatingControlsGuide,
    source: "IMDRF N70 §8.1.1.5: updated documentation listing recommended compensating controls",
}];

/// Every document expected of a release in `stage`, one entry per kind (the first source that
/// asks for it, N70 before FDA where both do).
pub fn expected(stage: Stage) -> Vec<Expectation> {
    let mut lists: Vec<&[Expectation]> = Vec::new();
    if stage >= Stage::LimitedSupport {
        lists.push(N70_LIMITED);
    }
    if stage >= Stage::Support {
        lists.push(N70_SUPPORT);
    }
    lists.push(APPENDIX_4);
    let mut out: Vec<Expectation> = Vec::new();
    for e in lists.into_iter().flatten() {
        if !out.iter().any(|o| o.kind == e.kind) {
            out.push(*e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_aware() {
        let dev = expected(Stage::Development);
        assert_eq!(dev.len(), 12);
        assert!(!dev.iter().any(|e| e.kind == DocumentKind::Mds2));
        let support = expected(Stage::Support);
        assert!(
            support
                .iter()
                .any(|e| e.kind == DocumentKind::Mds2 && e.source.contains("N70 §7.1.1.1"))
        );
        let sbom: Vec<_> = support
            .iter()
            .filter(|e| e.kind == DocumentKind::Sbom)
            .collect();
        assert_eq!(sbom.len(), 1, "one entry per kind");
        assert!(
            !support
                .iter()
                .any(|e| e.kind == DocumentKind::CompensatingControlsGuide)
        );
        for stage in [Stage::LimitedSupport, Stage::EndOfSupport] {
            assert!(
                expected(stage)
                    .iter()
                    .any(|e| e.kind == DocumentKind::CompensatingControlsGuide)
            );
        }
    }
}
