//! A fleet: everything Baton knows about organizations, models, releases and assets, held in
//! memory so every report is a pure function of (fleet, date). Items refer to each other by their
//! index in the fleet's vectors.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::cadence::Cadence;
use crate::lifecycle::{DEFAULT_NOTICE_DAYS, Milestones};
use crate::vocab::{
    AssetStatus, Criticality, Decision, DocumentKind, MilestoneKind, OrgKind, Party, Residual,
    Setting, Stage, Task,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub name: String,
    pub kind: OrgKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceModel {
    pub manufacturer: usize,
    pub name: String,
    pub model_number: Option<String>,
    pub udi_di: Option<String>,
    pub device_type: Option<String>,
    pub criticality: Option<Criticality>,
    pub milestones: Milestones,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub model: usize,
    pub version: String,
    pub released: Option<NaiveDate>,
    pub milestones: Milestones,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub organization: usize,
    pub asset_id: String,
    pub model: usize,
    pub release: Option<usize>,
    pub status: AssetStatus,
    pub imported_on: NaiveDate,
    pub site: Option<String>,
    pub department: Option<String>,
    pub network_zone: Option<String>,
}

/// An MDM–HDO agreement overriding one default cell, or a row of them (`model`/`stage` `None`
/// means every model of the manufacturer / every stage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub manufacturer: usize,
    pub model: Option<usize>,
    pub hdo: usize,
    pub task: Task,
    pub stage: Option<Stage>,
    pub party: Party,
    pub lead: Option<Party>,
    pub provider: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub organization: usize,
    pub task: Task,
    pub capable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub organization: usize,
    pub manufacturer: Option<usize>,
    pub model: Option<usize>,
    pub setting: Setting,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub asset: usize,
    pub date: NaiveDate,
    pub assessor: String,
    pub decision: Decision,
    pub residual: Option<Residual>,
    pub note: Option<String>,
}

/// A document stored for a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseDocument {
    pub release: usize,
    pub kind: DocumentKind,
}

/// A component of a release's current SBOM, with what the SBOM says of its support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseComponent {
    pub release: usize,
    pub reference: String,
    pub name: String,
    pub version: Option<String>,
    pub support_level: Option<String>,
    pub end_of_support: Option<NaiveDate>,
    /// An end-of-support value that is not a date ("Until hardware support ends").
    pub end_of_support_text: Option<String>,
}

/// Everything the reports read. Vectors are in the order the store lists them; assessments of one
/// asset in the order they were recorded.
#[derive(Debug, Clone, Default)]
pub struct Fleet {
    pub organizations: Vec<Organization>,
    pub models: Vec<DeviceModel>,
    pub releases: Vec<Release>,
    pub assets: Vec<Asset>,
    pub agreements: Vec<Agreement>,
    pub capabilities: Vec<Capability>,
    pub policies: Vec<Policy>,
    pub assessments: Vec<Assessment>,
    pub documents: Vec<ReleaseDocument>,
    pub components: Vec<ReleaseComponent>,
}

/// Lookup tables built once per report run.
pub struct FleetIndex<'f> {
    pub fleet: &'f Fleet,
    agreements: HashMap<(usize, usize, Task), Vec<&'f Agreement>>,
    capabilities: HashMap<(usize, Task), bool>,
    policies: HashMap<(usize, Setting), Vec<&'f Policy>>,
    latest_assessment: HashMap<usize, Vec<&'f Assessment>>,
    organizations: HashMap<&'f str, usize>,
}

impl Fleet {
    pub fn index(&self) -> FleetIndex<'_> {
        let mut agreements: HashMap<_, Vec<_>> = HashMap::new();
        for a in &self.agreements {
            agreements
                .entry((a.hdo, a.manufacturer, a.task))
                .or_default()
                .push(a);
        }
        let capabilities = self
            .capabilities
            .iter()
            .map(|c| ((c.organization, c.task), c.capable))
            .collect();
        let mut policies: HashMap<_, Vec<_>> = HashMap::new();
        for p in &self.policies {
            policies
                .entry((p.organization, p.setting))
                .or_default()
                .push(p);
        }
        let mut latest_assessment: HashMap<usize, Vec<&Assessment>> = HashMap::new();
        for a in &self.assessments {
            latest_assessment.entry(a.asset).or_default().push(a);
        }
        let organizations = self
            .organizations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.name.as_str(), i))
            .collect();
        FleetIndex {
            fleet: self,
            organizations,
            agreements,
            capabilities,
            policies,
            latest_assessment,
        }
    }

    /// The milestones of a release: its own over its model's.
    pub fn release_milestones(&self, release: usize) -> Milestones {
        let r = &self.releases[release];
        self.models[r.model].milestones.overridden_by(&r.milestones)
    }

    /// The milestones that decide an asset's stage: its release's own, over its model's.
    pub fn asset_milestones(&self, asset: &Asset) -> Milestones {
        let model = &self.models[asset.model].milestones;
        match asset.release {
            Some(r) => model.overridden_by(&self.releases[r].milestones),
            None => *model,
        }
    }
}

impl FleetIndex<'_> {
    /// The most specific agreement for an HDO, model, task and stage: a model's own over its
    /// manufacturer's, a stage's own over every stage's.
    pub fn agreement(
        &self,
        hdo: usize,
        model: usize,
        task: Task,
        stage: Stage,
    ) -> Option<&Agreement> {
        let manufacturer = self.fleet.models[model].manufacturer;
        let candidates = self.agreements.get(&(hdo, manufacturer, task))?;
        candidates
            .iter()
            .filter(|a| a.model.is_none_or(|m| m == model) && a.stage.is_none_or(|s| s == stage))
            .max_by_key(|a| (a.model.is_some(), a.stage.is_some()))
            .copied()
    }

    /// The organization with this exact (canonical) name.
    pub fn organization_named(&self, name: &str) -> Option<usize> {
        self.organizations.get(name).copied()
    }

    /// Whether an organization declared it can do a task; undeclared counts as capable.
    pub fn capable(&self, organization: usize, task: Task) -> bool {
        self.capabilities
            .get(&(organization, task))
            .copied()
            .unwrap_or(true)
    }

    /// The most specific policy value of an organization for a model: the model's own, then its
    /// manufacturer's, then the organization-wide one.
    pub fn policy(&self, organization: usize, model: usize, setting: Setting) -> Option<i64> {
        let manufacturer = self.fleet.models[model].manufacturer;
        self.policies
            .get(&(organization, setting))?
            .iter()
            .filter(|p| {
                p.model.is_none_or(|m| m == model)
                    && p.manufacturer.is_none_or(|m| m == manufacturer)
            })
            .max_by_key(|p| (p.model.is_some(), p.manufacturer.is_some()))
            .map(|p| p.value)
    }

    /// Required notice, in days, for an EOL or EOS of `model` as seen by `organization`.
    pub fn notice_days(&self, organization: usize, model: usize, milestone: MilestoneKind) -> i64 {
        let setting = match milestone {
            MilestoneKind::Eos => Setting::EosNoticeDays,
            _ => Setting::EolNoticeDays,
        };
        self.policy(organization, model, setting)
            .unwrap_or(DEFAULT_NOTICE_DAYS)
    }

    /// The assessment cadence an organization applies to a model.
    pub fn cadence(&self, organization: usize, model: usize) -> Cadence {
        let d = Cadence::default();
        let months = |s, default: u32| {
            self.policy(organization, model, s)
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(default)
        };
        Cadence {
            support: months(Setting::AssessmentMonthsSupport, d.support),
            limited_support: months(Setting::AssessmentMonthsLimitedSupport, d.limited_support),
            end_of_support: months(Setting::AssessmentMonthsEndOfSupport, d.end_of_support),
        }
    }

    /// The latest assessment of an asset on or before `on` (ties: the last recorded).
    pub fn last_assessment(&self, asset: usize, on: NaiveDate) -> Option<&Assessment> {
        self.latest_assessment
            .get(&asset)?
            .iter()
            .enumerate()
            .filter(|(_, a)| a.date <= on)
            .max_by_key(|(i, a)| (a.date, *i))
            .map(|(_, a)| *a)
    }
}
