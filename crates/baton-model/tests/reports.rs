//! The reports on a small hand-built fleet: agreements, capabilities, policies, cadence.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_model::fleet::{
    Agreement, Assessment, Asset, Capability, DeviceModel, Organization, Policy, Release,
};
use baton_model::reports::{self, DueKind, Scope};
use baton_model::responsibility::GapReason;
use baton_model::{
    AssetStatus, Dated, Decision, Fleet, MilestoneKind, Milestones, OrgKind, Party, Setting, Stage,
    Task,
};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dated(date: &str, announced: Option<&str>) -> Option<Dated> {
    Some(Dated {
        date: d(date),
        announced: announced.map(d),
    })
}

const MDM: usize = 0;
const HDO: usize = 1;
const OTHER_HDO: usize = 2;
const PROVIDER: usize = 3;

fn asset(org: usize, id: &str, model: usize, release: Option<usize>) -> Asset {
    Asset {
        organization: org,
        asset_id: id.into(),
        model,
        release,
        status: AssetStatus::InUse,
        imported_on: d("2024-01-01"),
        site: None,
        department: None,
        network_zone: None,
    }
}

/// Model 0 "Pump": support until EOL 2026-06-01, EOS 2028-06-01 (announced 2027-01-01: short).
/// Model 1 "Monitor": EOS 2025-01-01 without EOL. Release 0 of Pump has its own EOS 2026-01-01.
fn fleet() -> Fleet {
    Fleet {
        organizations: vec![
            Organization {
                name: "Acme".into(),
                kind: OrgKind::Mdm,
            },
            Organization {
                name: "City Hospital".into(),
                kind: OrgKind::Hdo,
            },
            Organization {
                name: "Rural Clinic".into(),
                kind: OrgKind::Hdo,
            },
            Organization {
                name: "SecOps".into(),
                kind: OrgKind::ThirdParty,
            },
        ],
        models: vec![
            DeviceModel {
                manufacturer: MDM,
                name: "Pump".into(),
                model_number: None,
                udi_di: None,
                device_type: None,
                criticality: None,
                milestones: Milestones {
                    general_availability: Some(d("2018-01-01")),
                    eol: dated("2026-06-01", Some("2024-01-01")),
                    eos: dated("2028-06-01", Some("2027-01-01")),
                },
            },
            DeviceModel {
                manufacturer: MDM,
                name: "Monitor".into(),
                model_number: None,
                udi_di: None,
                device_type: None,
                criticality: None,
                milestones: Milestones {
                    general_availability: None,
                    eol: None,
                    eos: dated("2025-01-01", None),
                },
            },
        ],
        releases: vec![Release {
            model: 0,
            version: "1.0".into(),
            released: None,
            milestones: Milestones {
                eos: dated("2026-01-01", None),
                ..Milestones::default()
            },
        }],
        assets: vec![
            asset(HDO, "P-1", 0, None),
            asset(HDO, "P-OLD", 0, Some(0)),
            asset(OTHER_HDO, "P-2", 0, None),
            asset(HDO, "M-1", 1, None),
            Asset {
                status: AssetStatus::Decommissioned,
                ..asset(HDO, "M-GONE", 1, None)
            },
        ],
        agreements: vec![
            // City Hospital: SecOps monitors traffic for every Acme model, every stage.
            Agreement {
                manufacturer: MDM,
                model: None,
                hdo: HDO,
                task: Task::MonitorTraffic,
                stage: None,
                party: Party::ThirdParty,
                lead: None,
                provider: Some(PROVIDER),
            },
            // ... but for the Pump in limited support, the MDM keeps it (more specific).
            Agreement {
                manufacturer: MDM,
                model: Some(0),
                hdo: HDO,
                task: Task::MonitorTraffic,
                stage: Some(Stage::LimitedSupport),
                party: Party::Mdm,
                lead: None,
                provider: None,
            },
        ],
        capabilities: vec![
            Capability {
                organization: HDO,
                task: Task::MonitorTraffic,
                capable: false,
            },
            Capability {
                organization: OTHER_HDO,
                task: Task::MonitorTraffic,
                capable: false,
            },
            Capability {
                organization: OTHER_HDO,
                task: Task::EventLogging,
                capable: true,
            },
            Capability {
                organization: MDM,
                task: Task::VulnerabilityAssessment,
                capable: false,
            },
        ],
        policies: vec![
            Policy {
                organization: OTHER_HDO,
                manufacturer: None,
                model: None,
                setting: Setting::EolNoticeDays,
                value: 1000,
            },
            Policy {
                organization: HDO,
                manufacturer: Some(MDM),
                model: None,
                setting: Setting::AssessmentMonthsLimitedSupport,
                value: 2,
            },
        ],
        assessments: vec![Assessment {
            asset: 0,
            date: d("2026-07-15"),
            assessor: "R. Chen".into(),
            decision: Decision::Mitigate,
            residual: None,
            note: None,
        }],
        documents: vec![],
        components: vec![],
    }
}

#[test]
fn lifecycle_rows() {
    let rows = reports::lifecycle(&fleet(), d("2026-11-28"), Scope::default());
    assert_eq!(
        rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(),
        ["Monitor", "Pump"]
    );
    let monitor = &rows[0];
    assert_eq!(monitor.stage, Stage::EndOfSupport);
    assert_eq!(monitor.assets, 1, "decommissioned assets are left out");
    assert!(!monitor.transfer_window, "EOS past");
    assert_eq!(
        monitor.notice_findings[0].kind,
        baton_model::lifecycle::NoticeKind::Unannounced
    );
    let pump = &rows[1];
    assert_eq!(pump.stage, Stage::LimitedSupport);
    assert_eq!(
        (pump.next_milestone, pump.next_milestone_date),
        (Some(MilestoneKind::Eos), Some(d("2028-06-01")))
    );
    assert!(pump.transfer_window);
    assert_eq!(pump.assets, 3);
    // EOL announced 882 days ahead: fine at 730, short at Rural Clinic's 1,000 (strictest wins).
    let eol = pump
        .notice_findings
        .iter()
        .find(|f| f.milestone == MilestoneKind::Eol)
        .unwrap();
    assert_eq!((eol.lead_days, eol.required_days), (Some(882), 1000));
    let eos = pump
        .notice_findings
        .iter()
        .find(|f| f.milestone == MilestoneKind::Eos)
        .unwrap();
    assert_eq!((eos.lead_days, eos.required_days), (Some(517), 730));
    // City Hospital alone only requires the default.
    let city = reports::lifecycle(&fleet(), d("2026-11-28"), Scope::organization(HDO));
    let pump = city.iter().find(|r| r.model == "Pump").unwrap();
    assert_eq!(pump.assets, 2);
    assert!(
        pump.notice_findings
            .iter()
            .all(|f| f.milestone == MilestoneKind::Eos)
    );
}

#[test]
fn responsibilities_apply_agreements_by_specificity() {
    let f = fleet();
    // P-1 in Support (2025): SecOps monitors traffic for City Hospital.
    let rows = reports::responsibilities(&f, 0, d("2025-06-01"));
    let traffic = rows
        .iter()
        .find(|r| r.task == Task::MonitorTraffic)
        .unwrap();
    assert_eq!(
        (traffic.party, traffic.provider.as_deref()),
        (Party::ThirdParty, Some("SecOps"))
    );
    assert!(
        traffic
            .source
            .starts_with("agreement: Acme / every model with City Hospital")
    );
    // At the next milestone (EOL 2026-06-01) the model-specific agreement gives it to the MDM.
    assert_eq!(traffic.next_stage, Some(Stage::LimitedSupport));
    assert_eq!(traffic.next_party, Some(Party::Mdm));
    assert!(traffic.shifts);
    let logging = rows.iter().find(|r| r.task == Task::EventLogging).unwrap();
    assert_eq!(logging.party, Party::Hdo);
    assert!(
        logging
            .source
            .starts_with("default: Health-ISAC white paper")
    );
    assert!(!logging.shifts);
    // Sorted by task key.
    let keys: Vec<_> = rows.iter().map(|r| r.task.key()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(rows.len(), 16);
}

#[test]
fn gaps_follow_capabilities_providers_and_leads() {
    let f = fleet();
    let rows = reports::gaps(&f, d("2026-11-28"), Scope::default());
    let found: Vec<_> = rows
        .iter()
        .map(|g| {
            (
                g.organization.as_str(),
                g.asset_id.as_str(),
                g.task,
                g.reason,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            // M-1 is in EOS: HDO does vulnerability assessment (capable); monitor-traffic is the
            // SecOps agreement's: no gap. P-OLD is in EOS through its release: same.
            // P-1 is in Limited Support: monitor-traffic is the MDM's by agreement; vulnerability
            // assessment is shared with the MDM leading, and the MDM cannot.
            (
                "City Hospital",
                "P-1",
                Task::VulnerabilityAssessment,
                GapReason::NotCapable
            ),
            // Rural Clinic has no agreement and cannot monitor traffic, which is the HDO's in
            // Limited Support.
            (
                "Rural Clinic",
                "P-2",
                Task::MonitorTraffic,
                GapReason::NotCapable
            ),
            (
                "Rural Clinic",
                "P-2",
                Task::VulnerabilityAssessment,
                GapReason::NotCapable
            ),
        ]
    );
    assert!(rows.iter().all(|g| g.stage == Stage::LimitedSupport));
}

#[test]
fn due_items() {
    let f = fleet();
    let on = d("2026-11-28");
    let rows = reports::due(&f, on, None, Scope::default());
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.kind,
                r.milestone,
                r.asset_id.as_deref(),
                r.due_date,
                r.overdue_days,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // Monitor EOS milestone 2025-01-01, and M-1 due when it entered EOS.
            (
                DueKind::Milestone,
                Some(MilestoneKind::Eos),
                None,
                d("2025-01-01"),
                696
            ),
            (
                DueKind::RiskAssessment,
                None,
                Some("M-1"),
                d("2025-01-01"),
                696
            ),
            // P-OLD entered EOS through its release on 2026-01-01, never assessed.
            (
                DueKind::RiskAssessment,
                None,
                Some("P-OLD"),
                d("2026-01-01"),
                331
            ),
            // Pump EOL milestone; P-2 (Rural Clinic, never assessed) due on entering Limited Support.
            (
                DueKind::Milestone,
                Some(MilestoneKind::Eol),
                None,
                d("2026-06-01"),
                180
            ),
            (
                DueKind::RiskAssessment,
                None,
                Some("P-2"),
                d("2026-06-01"),
                180
            ),
            // P-1 assessed 2026-07-15 in Limited Support; City Hospital's policy: every 2 months.
            (
                DueKind::RiskAssessment,
                None,
                Some("P-1"),
                d("2026-09-15"),
                74
            ),
        ]
    );
    // A horizon adds what falls due within it.
    let ahead = reports::due(&f, on, Some(550), Scope::default());
    assert_eq!(ahead.len(), rows.len());
    let far = reports::due(&f, on, Some(551), Scope::default());
    assert_eq!(far.len(), rows.len() + 1);
    let eos = far
        .iter()
        .find(|r| r.milestone == Some(MilestoneKind::Eos) && r.model == "Pump")
        .unwrap();
    assert_eq!(eos.overdue_days, -551);
}

#[test]
fn transitions_show_what_shifts() {
    let f = fleet();
    let rows = reports::transitions(&f, d("2026-01-01"), 365, Scope::default());
    assert_eq!(rows.len(), 2, "Pump EOL for two hospitals");
    let city = rows
        .iter()
        .find(|r| r.organization.as_deref() == Some("City Hospital"))
        .unwrap();
    assert_eq!(
        (city.from_stage, city.to_stage, city.days_until),
        (Stage::Support, Stage::LimitedSupport, 151)
    );
    let traffic = city
        .shifts
        .iter()
        .find(|s| s.task == Task::MonitorTraffic)
        .unwrap();
    assert_eq!(
        (traffic.from_party, traffic.to_party),
        (Party::ThirdParty, Party::Mdm)
    );
    let rural = rows
        .iter()
        .find(|r| r.organization.as_deref() == Some("Rural Clinic"))
        .unwrap();
    let traffic = rural
        .shifts
        .iter()
        .find(|s| s.task == Task::MonitorTraffic)
        .unwrap();
    assert_eq!(
        (traffic.from_party, traffic.to_party),
        (Party::Mdm, Party::Hdo)
    );
}

#[test]
fn an_asset_mask_decides_which_assets_a_scope_sees() {
    let fleet = fleet();
    let on = d("2026-11-28");
    let everything = reports::due(&fleet, on, Some(3650), Scope::default());
    assert!(everything.iter().any(|r| r.asset_id.is_some()));
    // Only the first asset: its rows and no other asset's.
    let mut mask = vec![false; fleet.assets.len()];
    mask[0] = true;
    let first = format!(
        "{}/{}",
        fleet.organizations[fleet.assets[0].organization].name, fleet.assets[0].asset_id
    );
    let scope = Scope {
        organization: Some(PROVIDER),
        assets: Some(&mask),
    };
    let due = reports::due(&fleet, on, Some(3650), scope);
    let named: Vec<String> = due
        .iter()
        .filter_map(|r| {
            Some(format!(
                "{}/{}",
                r.organization.as_ref()?,
                r.asset_id.as_ref()?
            ))
        })
        .collect();
    assert!(
        !named.is_empty() && named.iter().all(|n| *n == first),
        "{named:?}"
    );
    // Models: only the one that asset runs (the provider makes none).
    let life = reports::lifecycle(&fleet, on, scope);
    assert_eq!(life.len(), 1);
    assert_eq!(life[0].model, fleet.models[fleet.assets[0].model].name);
    assert_eq!(life[0].assets, 1);
    assert!(
        reports::gaps(&fleet, on, scope)
            .iter()
            .all(|g| format!("{}/{}", g.organization, g.asset_id) == first)
    );
    // An empty mask sees no asset and, without an organization, no model.
    let none = vec![false; fleet.assets.len()];
    let empty = Scope {
        organization: None,
        assets: Some(&none),
    };
    assert!(reports::lifecycle(&fleet, on, empty).is_empty());
    assert!(reports::due(&fleet, on, Some(3650), empty).is_empty());
    assert_eq!(reports::summary(&fleet, on, empty).assets, 0);
}
