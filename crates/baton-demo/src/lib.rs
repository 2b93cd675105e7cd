//! # baton-demo — a deterministic, realistic hospital fleet
//!
//! Baton hands the security of a medical device from the manufacturer (MDM)
//! to the hospital (HDO) as the device moves through its IMDRF lifecycle:
//! **development → support → limited support → end of support**. To show
//! that — and to load-test it — this crate invents a whole fleet and returns
//! it as the eight CSV files Baton imports, in import order:
//!
//! | file | what it holds |
//! |---|---|
//! | `aliases.csv` | other spellings of organization names ("Phillips", "GE Healthcare", "B.Braun", …) |
//! | `models.csv` | device models with type, criticality, UDI-DI and lifecycle dates |
//! | `releases.csv` | 1–4 software versions per model, some with their own earlier end of support |
//! | `assets.csv` | the installed devices of each hospital |
//! | `agreements.csv` | contracts that move a security task away from its default owner |
//! | `capabilities.csv` | tasks an organization declares it can or cannot do |
//! | `policies.csv` | a hospital's own notice periods and assessment intervals |
//! | `assessments.csv` | past risk assessments of assets |
//!
//! ## What the fleet looks like
//!
//! [`FleetSpec::demo`] is one hospital network of three hospitals —
//! *Riverside General Hospital* (the large flagship, three sites),
//! *Northgate Children's Hospital* (pediatric, so its intensive care is the
//! PICU) and *Lakeside Community Hospital* — running 2,000 devices of 60
//! models from twelve manufacturers: Baxter, BD, Philips, GE HealthCare,
//! Medtronic, Siemens Healthineers, Dräger, B. Braun, Fresenius Kabi,
//! Mindray, Abbott and Hillrom. Product names are invented but plausible
//! ("ClearVue MX750" patient monitor, "Evitra V500" ventilator, …), and each
//! device type carries a fitting criticality: ventilators, anesthesia
//! workstations, defibrillators and dialysis machines are life-sustaining,
//! infusion pumps and patient monitors high, lab analyzers medium, glucose
//! meters low.
//!
//! On the reference date [`FleetSpec::on`] about 10% of the models are still
//! in development, 45% in support (some already with an announced end of
//! life, several with end of support less than three years away — the
//! window in which the hospital must prepare to take over), 25% in limited
//! support and 20% past end of support (a few with only an end-of-support
//! date known). Most milestones were announced at least 730 days ahead;
//! some at short notice and some not at all. A few models have no known
//! general-availability date.
//!
//! The installed base is skewed the way real hospitals are: infusion pumps,
//! monitors and telemetry by the hundreds, a handful of CT and MRI scanners,
//! and a few popular models making up much of the fleet. Every model has at
//! least one device except some still in development (the others have
//! evaluation units). Devices sit in departments that fit them (ICU, OR,
//! Radiology, Laboratory, Dialysis, …) on network zones such as
//! `clinical-vlan`, `imaging-vlan`, `lab-vlan` or `isolated` — and a few on
//! `guest` or `corporate`, where they should not be. About 93% are in use,
//! 3% repurposed, 4% decommissioned. Most devices of a model with a UDI-DI
//! carry a GS1 UDI whose GTIN matches the model; some run an older release,
//! an unlisted hotfix build, or an unknown version. Some rows spell the
//! manufacturer through an alias or with odd case and spaces, so that alias
//! resolution is exercised. About 30% of the devices in service have been
//! assessed, some recently, some so long ago that a new assessment is due.
//!
//! The hospitals do not all manage alone: Northgate cannot monitor network
//! traffic, monitor vulnerabilities or respond to incidents, Lakeside lacks
//! traffic monitoring, vulnerability assessment and event logging, and
//! Riverside does no security testing. Service providers (CyberMed
//! Services, ClinSec Partners, MedGuard Security) cover some of that for
//! some manufacturers — not all, so Baton has real gaps to report. Some
//! manufacturers sell extended support (they keep developing patches in
//! limited support, or keep monitoring one end-of-support model), patch
//! deployment is shared with the hospital leading, and two manufacturers
//! admit to tasks they cannot do themselves.
//!
//! [`FleetSpec::scaled`] multiplies everything (factor 100: 1,200
//! manufacturers, 6,000 models, 300 hospitals, 200,000 devices); beyond the
//! demo's names it uses "Manufacturer 0417", "Model 0417-3" and
//! "Hospital 0042".
//!
//! ## Guarantees
//!
//! * Pure: no file, network or database access; the CLI writes the files.
//! * Deterministic: the same spec gives the same bytes on every platform,
//!   forever (a built-in SplitMix64 generator and integer arithmetic only).
//! * Relative: every date is an offset from `on`, and no random choice
//!   depends on `on`, so running the demo for another day yields the same
//!   fleet with every date shifted — and all lifecycle stages present.
//! * RFC 4180 CSV (CRLF line ends, quoting where needed), ISO 8601 dates,
//!   UTF-8, an empty cell meaning "unknown".
//!
//! ```
//! use chrono::NaiveDate;
//! let on = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
//! let files = baton_demo::generate(&baton_demo::FleetSpec::demo(on));
//! let (name, text) = files.files()[1];
//! assert_eq!(name, "models.csv");
//! assert!(text.starts_with("manufacturer,model,model_number,udi_di,"));
//! ```

mod catalog;
mod fleet;
mod gs1;
mod output;
mod rng;

use chrono::NaiveDate;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FleetSpec {
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// Reference date ("today"); every date is generated relative to it.
    pub on: NaiveDate,
    /// Number of manufacturers (the first 12 have real names).
    pub manufacturers: usize,
    /// Number of device models, spread over the manufacturers.
    pub models: usize,
    /// Number of hospitals (the first 3 have demo names).
    pub hdos: usize,
    /// Number of assets, spread over the hospitals.
    pub assets: usize,
}

impl FleetSpec {
    /// The demo fleet: seed 2026, 12 manufacturers, 60 models, 3 hospitals,
    /// 2,000 assets.
    pub fn demo(on: NaiveDate) -> Self {
        FleetSpec {
            seed: 2026,
            on,
            manufacturers: 12,
            models: 60,
            hdos: 3,
            assets: 2000,
        }
    }

    /// The demo fleet multiplied by `factor` (0 is taken as 1): factor 100
    /// gives 1,200 manufacturers, 6,000 models, 300 hospitals and 200,000
    /// assets. `scaled(on, 1)` is the demo.
    pub fn scaled(on: NaiveDate, factor: usize) -> Self {
        let f = factor.max(1);
        let demo = Self::demo(on);
        FleetSpec {
            manufacturers: demo.manufacturers.saturating_mul(f),
            models: demo.models.saturating_mul(f),
            hdos: demo.hdos.saturating_mul(f),
            assets: demo.assets.saturating_mul(f),
            ..demo
        }
    }
}

/// The generated CSV files (text, header line first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FleetFiles {
    pub aliases: String,
    pub models: String,
    pub releases: String,
    pub assets: String,
    pub agreements: String,
    pub capabilities: String,
    pub policies: String,
    pub assessments: String,
}

impl FleetFiles {
    /// `(file name, CSV text)` in the order they must be imported.
    pub fn files(&self) -> [(&'static str, &str); 8] {
        [
            ("aliases.csv", &self.aliases),
            ("models.csv", &self.models),
            ("releases.csv", &self.releases),
            ("assets.csv", &self.assets),
            ("agreements.csv", &self.agreements),
            ("capabilities.csv", &self.capabilities),
            ("policies.csv", &self.policies),
            ("assessments.csv", &self.assessments),
        ]
    }
}

/// The header of each file: the columns Baton's inventory readers expect.
pub mod headers {
    pub use baton_formats::inventory::{
        AGREEMENT_COLUMNS as AGREEMENTS, ALIAS_COLUMNS as ALIASES,
        ASSESSMENT_COLUMNS as ASSESSMENTS, ASSET_COLUMNS as ASSETS,
        CAPABILITY_COLUMNS as CAPABILITIES, MODEL_COLUMNS as MODELS, POLICY_COLUMNS as POLICIES,
        RELEASE_COLUMNS as RELEASES,
    };
}

/// Generates the fleet described by `spec` as CSV text. Pure and
/// deterministic: the same spec always yields identical bytes.
pub fn generate(spec: &FleetSpec) -> FleetFiles {
    let fleet = fleet::Fleet::build(spec);
    output::render(spec, &fleet)
}
