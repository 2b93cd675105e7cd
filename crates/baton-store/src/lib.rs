//! Baton's storage on SQLite (the default) and PostgreSQL, with the same migrations and the same
//! behaviour on both. Every import runs in one transaction; the fleet is read back whole into the
//! pure model, where the reports are computed.

mod advisories;
mod db;
mod documents;
mod findings;
mod import;
mod load;
mod matching;
mod notices;
mod schema;
pub mod testing;

use baton_formats::InputError;
use baton_formats::inventory as inv;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use advisories::{AdvisoryDoc, AdvisoryImport};
pub use db::{Db, Target, Value};
pub use documents::{ComponentRow, DocumentSummary, SbomImport, SbomInfo, parse_release_spec};
pub use findings::{
    CvssValue, Decision, DecisionInput, EpssValue, FindingFilter, FindingRow, IdentityChange,
    IdentityInput, JUSTIFICATIONS, UnmatchedComponent,
};
pub use import::ImportSummary;
pub use load::LoadedFleet;
pub use matching::{Identity, MatchSummary};
pub use notices::{NoticeApplied, NoticeTarget};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("database error: {0}")]
    Database(String),
    #[error("database holds an unexpected value: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotFound(String),
}

/// The kinds of inventory file `import` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Models,
    Releases,
    Assets,
    Agreements,
    Capabilities,
    Policies,
    Aliases,
    Assessments,
}

impl ImportKind {
    /// The kind of a file named as `baton demo` writes them (`models.csv`, `assets.csv`, …).
    pub fn from_file_name(name: &str) -> Option<ImportKind> {
        Some(match name {
            "aliases.csv" => ImportKind::Aliases,
            "models.csv" => ImportKind::Models,
            "releases.csv" => ImportKind::Releases,
            "assets.csv" => ImportKind::Assets,
            "agreements.csv" => ImportKind::Agreements,
            "capabilities.csv" => ImportKind::Capabilities,
            "policies.csv" => ImportKind::Policies,
            "assessments.csv" => ImportKind::Assessments,
            _ => return None,
        })
    }
}

/// Imports at least this large are followed by [`Db::settle`].
const BULK: usize = 5_000;

pub(crate) fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub struct Store {
    db: Db,
    target: Target,
}

impl Store {
    /// Open (creating the SQLite file if needed) and migrate.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        let target = Target::parse(url);
        let mut db = Db::open(&target)?;
        schema::migrate(&mut db)?;
        Ok(Store { db, target })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Direct access for tests and maintenance commands.
    pub fn db(&mut self) -> &mut Db {
        &mut self.db
    }

    /// Parse and apply one inventory file in one transaction. `today` is the date recorded as the
    /// import day of new assets.
    pub fn import(
        &mut self,
        kind: ImportKind,
        file: &str,
        bytes: &[u8],
        today: NaiveDate,
    ) -> Result<ImportSummary, StoreError> {
        let sha256 = hex(&Sha256::digest(bytes));
        let ctx = import::Ctx {
            file,
            sha256: &sha256,
            today,
        };
        let db = &mut self.db;
        let summary = match kind {
            ImportKind::Models => {
                let rows = inv::read_models(file, bytes)?;
                db.transaction(|db| import::models(db, &ctx, &rows))
            }
            ImportKind::Releases => {
                let rows = inv::read_releases(file, bytes)?;
                db.transaction(|db| import::releases(db, &ctx, &rows))
            }
            ImportKind::Assets => {
                let rows = inv::read_assets(file, bytes)?;
                db.transaction(|db| import::assets(db, &ctx, &rows))
            }
            ImportKind::Agreements => {
                let rows = inv::read_agreements(file, bytes)?;
                db.transaction(|db| import::agreements(db, &ctx, &rows))
            }
            ImportKind::Capabilities => {
                let rows = inv::read_capabilities(file, bytes)?;
                db.transaction(|db| import::capabilities(db, &ctx, &rows))
            }
            ImportKind::Policies => {
                let rows = inv::read_policies(file, bytes)?;
                db.transaction(|db| import::policies(db, &ctx, &rows))
            }
            ImportKind::Aliases => {
                let rows = inv::read_aliases(file, bytes)?;
                db.transaction(|db| import::aliases(db, &ctx, &rows))
            }
            ImportKind::Assessments => {
                let rows = inv::read_assessments(file, bytes)?;
                db.transaction(|db| import::assessments(db, &ctx, &rows))
            }
        }?;
        if matches!(
            kind,
            ImportKind::Models | ImportKind::Releases | ImportKind::Assets
        ) {
            // New releases are devices to match against the advisories already stored.
            db.transaction(|db| {
                let new = matching::ensure_devices(db)?;
                matching::rematch(db, Some(&new), matching::Scope::All)
            })?;
        }
        Ok(summary)
    }

    /// Record one risk assessment of an asset.
    pub fn assess(
        &mut self,
        record: inv::AssessmentRow,
        today: NaiveDate,
    ) -> Result<ImportSummary, StoreError> {
        let ctx = import::Ctx {
            file: "assess",
            sha256: "",
            today,
        };
        let rows = [baton_formats::Located { line: 1, record }];
        self.db.transaction(|db| {
            let orgs = import::Orgs::load(db, today)?;
            let a = &rows[0].record;
            let found = match orgs.find(&a.organization) {
                Some(org) => import::asset_ref(db, org, &a.asset_id)?,
                None => None,
            };
            if found.is_none() {
                return Err(StoreError::NotFound(format!(
                    "unknown asset '{}/{}'",
                    a.organization, a.asset_id
                )));
            }
            import::assessments(db, &ctx, &rows)
        })
    }

    /// Store a document for a release (created when missing), kept by its sha256.
    pub fn import_document(
        &mut self,
        release: &str,
        kind: baton_model::DocumentKind,
        file: &str,
        bytes: &[u8],
    ) -> Result<DocumentSummary, StoreError> {
        self.db
            .transaction(|db| documents::import_document(db, release, kind, file, bytes))
    }

    /// Store a parsed SBOM for a release (created when missing). The same bytes twice change
    /// nothing; a newer document supersedes the current one and the component changes are returned.
    pub fn import_sbom(
        &mut self,
        release: &str,
        file: &str,
        bytes: &[u8],
        parsed: &baton_sbom::Parsed,
    ) -> Result<SbomImport, StoreError> {
        self.db
            .transaction(|db| documents::import_sbom(db, release, file, bytes, parsed))
    }

    /// The SBOMs of a release; the last one is current.
    pub fn sboms(&mut self, release: &str) -> Result<Vec<SbomInfo>, StoreError> {
        let id = documents::release_ref(&mut self.db, release, false)?;
        documents::sboms(&mut self.db, id)
    }

    /// The components of a stored SBOM.
    pub fn sbom_components(&mut self, sbom: &SbomInfo) -> Result<Vec<ComponentRow>, StoreError> {
        documents::components(&mut self.db, sbom.id)
    }

    /// Component changes between two stored SBOMs.
    pub fn sbom_diff(
        &mut self,
        from: &SbomInfo,
        to: &SbomInfo,
    ) -> Result<Vec<baton_model::sbom_diff::ComponentChange>, StoreError> {
        documents::diff(&mut self.db, from.id, to.id)
    }

    /// Apply lifecycle notices to a model or release (the one given, else the one each notice
    /// names), in one transaction.
    pub fn import_notices(
        &mut self,
        target: &NoticeTarget,
        file: &str,
        bytes: &[u8],
        notices: &[baton_notices::Notice],
        announced: Option<NaiveDate>,
    ) -> Result<Vec<NoticeApplied>, StoreError> {
        self.db
            .transaction(|db| notices::import_notices(db, target, file, bytes, notices, announced))
    }

    /// Store an MDS2 form (xlsx bytes and its answers as JSON) for a release. Returns the sha256
    /// and whether it was new.
    pub fn import_mds2(
        &mut self,
        release: &str,
        file: &str,
        bytes: &[u8],
        form_json: &str,
    ) -> Result<(String, bool), StoreError> {
        self.db
            .transaction(|db| documents::import_mds2(db, release, file, bytes, form_json))
    }

    /// The latest MDS2 form of a release, as JSON.
    pub fn mds2_form(&mut self, release: &str) -> Result<Option<String>, StoreError> {
        documents::mds2_form(&mut self.db, release)
    }

    /// Store advisories (one transaction) and match what they reach. `author` is the
    /// organization whose VEX statements they are, when their publisher does not name one.
    pub fn import_advisories(
        &mut self,
        docs: &[AdvisoryDoc],
        author: Option<&str>,
    ) -> Result<AdvisoryImport, StoreError> {
        let summary = self
            .db
            .transaction(|db| advisories::import(db, docs, author))?;
        if docs.len() >= BULK {
            self.db.settle()?;
        }
        Ok(summary)
    }

    /// Replace the CISA KEV catalog. Returns the entries stored.
    pub fn import_kev(
        &mut self,
        catalog: &baton_advisories::KevCatalog,
    ) -> Result<usize, StoreError> {
        self.db
            .transaction(|db| advisories::import_kev(db, catalog))
    }

    /// Replace the EPSS scores. Returns the entries stored.
    pub fn import_epss(
        &mut self,
        scores: &baton_advisories::EpssScores,
    ) -> Result<usize, StoreError> {
        self.db
            .transaction(|db| advisories::import_epss(db, scores))
    }

    /// Match every release against every current advisory again.
    pub fn rematch_all(&mut self) -> Result<MatchSummary, StoreError> {
        let summary = self.db.transaction(|db| {
            matching::ensure_devices(db)?;
            matching::rematch(db, None, matching::Scope::All)
        })?;
        self.db.settle()?;
        Ok(summary)
    }

    /// Findings, KEV first then by CVSS score.
    pub fn findings(&mut self, filter: &FindingFilter) -> Result<Vec<FindingRow>, StoreError> {
        findings::list(&mut self.db, filter)
    }

    /// Record a decision on a finding (for its release, or for one asset).
    pub fn decide(&mut self, input: &DecisionInput) -> Result<Decision, StoreError> {
        self.db.transaction(|db| findings::decide(db, input))
    }

    /// Every decision on a finding, oldest first.
    pub fn decisions(&mut self, finding: i64) -> Result<Vec<Decision>, StoreError> {
        findings::history(&mut self.db, finding)
    }

    /// Components no advisory can reach, for a person to map.
    pub fn unmatched_components(&mut self) -> Result<Vec<UnmatchedComponent>, StoreError> {
        findings::unmatched(&mut self.db)
    }

    /// Review an identity of components and match their releases again.
    pub fn set_identity(&mut self, input: &IdentityInput) -> Result<IdentityChange, StoreError> {
        self.db.transaction(|db| findings::set_identity(db, input))
    }

    /// The identities of the components a selector names (id, NAME or NAME@VERSION).
    pub fn identities(&mut self, selector: &str) -> Result<Vec<Identity>, StoreError> {
        let ids = findings::select_components(&mut self.db, selector)?;
        findings::list_identities(&mut self.db, &ids)
    }

    /// Assets a vulnerability affects (not decommissioned), with their stage on `on` and who
    /// develops and deploys the patch.
    pub fn affected(
        &mut self,
        vulnerability: &str,
        on: NaiveDate,
    ) -> Result<Vec<AffectedRow>, StoreError> {
        let hits = findings::affected(&mut self.db, vulnerability)?;
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = hits.iter().map(|h| h.asset_ref).collect();
        let loaded = load::load_with(&mut self.db, Some(&ids))?;
        let fleet = &loaded.fleet;
        let index = fleet.index();
        let position: std::collections::HashMap<i64, usize> = loaded
            .asset_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        let mut rows = Vec::with_capacity(hits.len());
        for h in hits {
            let Some(&i) = position.get(&h.asset_ref) else {
                continue;
            };
            let asset = &fleet.assets[i];
            let stage = fleet.asset_milestones(asset).stage_on(on);
            let party = |task| {
                let r = baton_model::reports::resolve(&index, asset, task, stage);
                PartyRef {
                    party: r.party,
                    lead: r.lead,
                    provider: r.provider,
                }
            };
            let model = &fleet.models[asset.model];
            rows.push(AffectedRow {
                organization: fleet.organizations[asset.organization].name.clone(),
                asset_id: asset.asset_id.clone(),
                manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                model: model.name.clone(),
                version: asset
                    .release
                    .map(|r| fleet.releases[r].version.clone())
                    .unwrap_or_default(),
                stage,
                status: h.status.key().to_string(),
                patch_developer: party(baton_model::Task::DevelopPatches),
                patch_deployer: party(baton_model::Task::DeployPatches),
                components: h.components,
                findings: h.findings,
            });
        }
        rows.sort_by(|a, b| (&a.organization, &a.asset_id).cmp(&(&b.organization, &b.asset_id)));
        Ok(rows)
    }

    /// Read the whole fleet into the model.
    pub fn load_fleet(&mut self) -> Result<LoadedFleet, StoreError> {
        load::load(&mut self.db)
    }

    /// The organization a name (or alias) refers to, as an index into a loaded fleet.
    pub fn resolve_organization(
        &mut self,
        name: &str,
        fleet: &LoadedFleet,
    ) -> Result<Option<usize>, StoreError> {
        let orgs = import::Orgs::load(&mut self.db, NaiveDate::MIN)?;
        Ok(orgs
            .find(name)
            .and_then(|id| fleet.org_ids.iter().position(|x| *x == id)))
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Who holds a task: the party, the lead when shared, and the provider acting for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartyRef {
    pub party: baton_model::Party,
    pub lead: Option<baton_model::Party>,
    pub provider: Option<String>,
}

/// One row of `baton affected`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AffectedRow {
    pub organization: String,
    pub asset_id: String,
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub stage: baton_model::Stage,
    /// `affected` or `under_investigation` (for this asset, its decisions applied).
    pub status: String,
    pub patch_developer: PartyRef,
    pub patch_deployer: PartyRef,
    /// The components (the device itself is its model's name) the vulnerability is found in.
    pub components: Vec<String>,
    pub findings: Vec<i64>,
}
