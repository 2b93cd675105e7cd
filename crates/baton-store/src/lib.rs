//! Baton's storage on SQLite (the default) and PostgreSQL, with the same migrations and the same
//! behaviour on both. Every import runs in one transaction; the fleet is read back whole into the
//! pure model, where the reports are computed.

mod access;
mod advisories;
mod audit;
mod cache;
mod db;
mod documents;
mod findings;
mod import;
mod load;
mod matching;
mod notices;
mod schema;
mod scoped;
pub mod testing;

use baton_formats::InputError;
use baton_formats::inventory as inv;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

pub use access::{OrganizationRow, Principal, Role, Sharing, TokenRow, TokenScope, UserRow};
pub use advisories::{AdvisoryDoc, AdvisoryImport};
pub use audit::{Actor, ConsistencyProof, InclusionProof, LogKey, Siem};
pub use baton_audit::{LogError, VerifiedLog, VerifierKey};
pub use cache::ReadCache;
pub use db::{Db, Target, Value};
pub use documents::{ComponentRow, DocumentSummary, SbomImport, SbomInfo, parse_release_spec};
pub use findings::{
    CvssValue, Decision, DecisionInput, EpssValue, FINDING_SORTS, FindingFilter, FindingRow,
    IdentityChange, IdentityInput, JUSTIFICATIONS, SEVERITIES, UnmatchedComponent, severity_ranks,
};
pub use import::ImportSummary;
pub use load::LoadedFleet;
pub use matching::{Identity, MatchSummary};
pub use notices::{NoticeApplied, NoticeTarget};
pub use scoped::{AssetRow, Page, Visibility};

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
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("audit log: {0}")]
    Audit(String),
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
    /// The kind's name, as `baton import KIND` spells it.
    pub fn key(self) -> &'static str {
        match self {
            ImportKind::Models => "models",
            ImportKind::Releases => "releases",
            ImportKind::Assets => "assets",
            ImportKind::Agreements => "agreements",
            ImportKind::Capabilities => "capabilities",
            ImportKind::Policies => "policies",
            ImportKind::Aliases => "aliases",
            ImportKind::Assessments => "assessments",
        }
    }

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
    actor: Actor,
    log_key: LogKey,
    siem: Option<Siem>,
    /// SIEM deliveries that failed since the last [`Store::take_siem_failures`].
    siem_failures: Vec<String>,
    /// Costly answers kept while the data is unchanged (shared by a server's connections).
    cache: Option<ReadCache>,
}

type Changes = Vec<baton_audit::RecordChange>;

impl Store {
    /// Open (creating the SQLite file if needed) and migrate. The audit-log key lives beside a
    /// SQLite database (`PATH.log-key`), or in `baton-log.key` for PostgreSQL.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with_key(url, None)
    }

    /// Open with the audit-log signing key at `log_key` (created there on first use).
    pub fn open_with_key(url: &str, log_key: Option<PathBuf>) -> Result<Store, StoreError> {
        let target = Target::parse(url);
        let mut db = Db::open(&target)?;
        schema::migrate(&mut db)?;
        let key_path = log_key.unwrap_or_else(|| match &target {
            Target::Sqlite(path) if !path.is_empty() && path != ":memory:" => {
                PathBuf::from(format!("{path}.log-key"))
            }
            _ => PathBuf::from("baton-log.key"),
        });
        Ok(Store {
            db,
            target,
            actor: Actor::operator("baton-cli"),
            log_key: LogKey::at(key_path),
            siem: None,
            siem_failures: Vec::new(),
            cache: None,
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Direct access for tests and maintenance commands.
    pub fn db(&mut self) -> &mut Db {
        &mut self.db
    }

    /// Also send every committed event to a SIEM.
    pub fn set_siem(&mut self, siem: Option<Siem>) {
        self.siem = siem;
    }

    /// Keep costly answers (findings totals, the assets a vulnerability affects) in `cache`
    /// while the data is unchanged; connections given the same cache share them.
    pub fn set_read_cache(&mut self, cache: Option<ReadCache>) {
        self.cache = cache;
    }

    /// SIEM deliveries that failed (the events stay in the log; `baton log export` resends).
    pub fn take_siem_failures(&mut self) -> Vec<String> {
        std::mem::take(&mut self.siem_failures)
    }

    /// Who the following changes are recorded as.
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Act for a signed-in user: later changes are logged as theirs.
    pub fn act_as(&mut self, principal: &Principal) {
        self.actor = Actor::of(principal);
    }

    /// Run `work` in one transaction that also appends its audit event and signs the new tree
    /// head; `work` returns its value, the records it changed and the event's detail.
    fn audited<T>(
        &mut self,
        action: &str,
        target: &str,
        work: impl FnOnce(&mut Db) -> Result<(T, Changes, serde_json::Value), StoreError>,
    ) -> Result<T, StoreError> {
        let signer = self.log_key.signer()?;
        let actor = &self.actor;
        let mut committed = None;
        let value = self.db.transaction(|db| {
            let (value, changes, detail) = work(db)?;
            let event = audit::event(actor, action, target, changes, detail);
            audit::append(db, signer, std::slice::from_ref(&event))?;
            committed = Some(event);
            Ok(value)
        })?;
        if let (Some(siem), Some(event)) = (&self.siem, committed) {
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "-".into());
            if let Err(e) = siem.send(&event, &host) {
                self.siem_failures.push(e);
            }
        }
        Ok(value)
    }

    /// [`Store::audited`] as `actor`, whoever the store otherwise acts for.
    fn audited_as<T>(
        &mut self,
        actor: Actor,
        action: &str,
        target: &str,
        work: impl FnOnce(&mut Db) -> Result<(T, Changes, serde_json::Value), StoreError>,
    ) -> Result<T, StoreError> {
        let saved = std::mem::replace(&mut self.actor, actor);
        let result = self.audited(action, target, work);
        self.actor = saved;
        result
    }

    /// Log an event that changes no record (a sign-in, a refusal).
    pub fn record_event(
        &mut self,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.audited(action, target, |_| Ok(((), Vec::new(), detail)))
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
        // Parsed before the transaction: a bad file is refused without taking the write lock.
        enum Rows {
            Models(Vec<baton_formats::Located<inv::ModelRow>>),
            Releases(Vec<baton_formats::Located<inv::ReleaseRow>>),
            Assets(Vec<baton_formats::Located<inv::AssetRow>>),
            Agreements(Vec<baton_formats::Located<inv::AgreementRow>>),
            Capabilities(Vec<baton_formats::Located<inv::CapabilityRow>>),
            Policies(Vec<baton_formats::Located<inv::PolicyRow>>),
            Aliases(Vec<baton_formats::Located<inv::AliasRow>>),
            Assessments(Vec<baton_formats::Located<inv::AssessmentRow>>),
        }
        let rows = match kind {
            ImportKind::Models => Rows::Models(inv::read_models(file, bytes)?),
            ImportKind::Releases => Rows::Releases(inv::read_releases(file, bytes)?),
            ImportKind::Assets => Rows::Assets(inv::read_assets(file, bytes)?),
            ImportKind::Agreements => Rows::Agreements(inv::read_agreements(file, bytes)?),
            ImportKind::Capabilities => Rows::Capabilities(inv::read_capabilities(file, bytes)?),
            ImportKind::Policies => Rows::Policies(inv::read_policies(file, bytes)?),
            ImportKind::Aliases => Rows::Aliases(inv::read_aliases(file, bytes)?),
            ImportKind::Assessments => Rows::Assessments(inv::read_assessments(file, bytes)?),
        };
        let summary = self.audited(&format!("import.{}", kind.key()), file, |db| {
            let summary = match &rows {
                Rows::Models(r) => import::models(db, &ctx, r),
                Rows::Releases(r) => import::releases(db, &ctx, r),
                Rows::Assets(r) => import::assets(db, &ctx, r),
                Rows::Agreements(r) => import::agreements(db, &ctx, r),
                Rows::Capabilities(r) => import::capabilities(db, &ctx, r),
                Rows::Policies(r) => import::policies(db, &ctx, r),
                Rows::Aliases(r) => import::aliases(db, &ctx, r),
                Rows::Assessments(r) => import::assessments(db, &ctx, r),
            }?;
            let detail = serde_json::to_value(&summary).unwrap_or_default();
            let changes = vec![audit::change("imports", &sha256, None, Some(&detail))];
            Ok((summary, changes, detail))
        })?;
        let db = &mut self.db;
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
        let target = format!("{}/{}", record.organization, record.asset_id);
        let after = serde_json::json!({
            "organization": record.organization, "asset_id": record.asset_id,
            "date": record.date.to_string(), "assessor": record.assessor,
            "decision": record.decision.key(), "residual": record.residual.map(|r| r.key()),
            "note": record.note,
        });
        let rows = [baton_formats::Located { line: 1, record }];
        self.audited("assessment.record", &target, |db| {
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
            let summary = import::assessments(db, &ctx, &rows)?;
            let key = format!("{target}@{}", rows[0].record.date);
            let changes = vec![audit::change("risk_assessments", key, None, Some(&after))];
            Ok((summary, changes, after.clone()))
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
        self.audited("import.document", release, |db| {
            let summary = documents::import_document(db, release, kind, file, bytes)?;
            let detail = serde_json::to_value(&summary).unwrap_or_default();
            let changes = vec![audit::change(
                "release_documents",
                &summary.sha256,
                None,
                Some(&detail),
            )];
            Ok((summary, changes, detail))
        })
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
        let sha256 = hex(&Sha256::digest(bytes));
        self.audited("import.sbom", release, |db| {
            let summary = documents::import_sbom(db, release, file, bytes, parsed)?;
            let detail = serde_json::json!({"file": file, "sha256": sha256, "new": summary.new});
            let changes = vec![audit::change("sboms", &sha256, None, Some(&detail))];
            Ok((summary, changes, detail))
        })
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
        let sha256 = hex(&Sha256::digest(bytes));
        self.audited("import.notices", file, |db| {
            let applied = notices::import_notices(db, target, file, bytes, notices, announced)?;
            let detail = serde_json::to_value(&applied).unwrap_or_default();
            let changes = vec![audit::change(
                "lifecycle_notices",
                &sha256,
                None,
                Some(&detail),
            )];
            Ok((applied, changes, detail))
        })
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
        self.audited("import.mds2", release, |db| {
            let (sha256, new) = documents::import_mds2(db, release, file, bytes, form_json)?;
            let detail = serde_json::json!({"file": file, "sha256": sha256, "new": new});
            let changes = vec![audit::change("mds2_forms", &sha256, None, Some(&detail))];
            Ok(((sha256, new), changes, detail))
        })
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
        let target = match docs {
            [one] => one.file.clone(),
            _ => format!("{} documents", docs.len()),
        };
        let summary = self.audited("import.advisories", &target, |db| {
            let summary = advisories::import(db, docs, author, None)?;
            let detail = serde_json::to_value(&summary).unwrap_or_default();
            // Public advisories are many and kept by digest; the event records the counts.
            Ok((summary, Vec::new(), detail))
        })?;
        if docs.len() >= BULK {
            self.db.settle()?;
        }
        Ok(summary)
    }

    /// Advisories and VEX uploaded by a signed-in user: their statements speak for the user's
    /// organization, and they cannot replace an advisory another organization (or the operator)
    /// published.
    pub fn import_advisories_as(
        &mut self,
        principal: &Principal,
        docs: &[AdvisoryDoc],
    ) -> Result<AdvisoryImport, StoreError> {
        let target = match docs {
            [one] => one.file.clone(),
            _ => format!("{} documents", docs.len()),
        };
        let author = principal.organization.clone();
        let org = principal.organization_id;
        self.audited("import.advisories", &target, |db| {
            let summary = advisories::import(db, docs, Some(&author), Some(org))?;
            let detail = serde_json::to_value(&summary).unwrap_or_default();
            Ok((summary, Vec::new(), detail))
        })
    }

    /// Replace the CISA KEV catalog. Returns the entries stored.
    pub fn import_kev(
        &mut self,
        catalog: &baton_advisories::KevCatalog,
    ) -> Result<usize, StoreError> {
        self.audited("import.kev", "kev", |db| {
            let n = advisories::import_kev(db, catalog)?;
            Ok((n, Vec::new(), serde_json::json!({"entries": n})))
        })
    }

    /// Replace the EPSS scores. Returns the entries stored.
    pub fn import_epss(
        &mut self,
        scores: &baton_advisories::EpssScores,
    ) -> Result<usize, StoreError> {
        self.audited("import.epss", "epss", |db| {
            let n = advisories::import_epss(db, scores)?;
            Ok((n, Vec::new(), serde_json::json!({"entries": n})))
        })
    }

    /// Match every release against every current advisory again.
    pub fn rematch_all(&mut self) -> Result<MatchSummary, StoreError> {
        let summary = self.audited("match.all", "fleet", |db| {
            matching::ensure_devices(db)?;
            let summary = matching::rematch(db, None, matching::Scope::All)?;
            let detail = serde_json::to_value(&summary).unwrap_or_default();
            Ok((summary, Vec::new(), detail))
        })?;
        self.db.settle()?;
        Ok(summary)
    }

    /// Findings, KEV first then by CVSS score.
    pub fn findings(&mut self, filter: &FindingFilter) -> Result<Vec<FindingRow>, StoreError> {
        findings::list(&mut self.db, filter)
    }

    /// One page of findings in the same order, and how many there are in all.
    pub fn findings_page(
        &mut self,
        filter: &FindingFilter,
        page: Page,
    ) -> Result<(Vec<FindingRow>, i64), StoreError> {
        findings::list_page(&mut self.db, filter, page, self.cache.as_ref())
    }

    /// Record a decision on a finding (for its release, or for one asset).
    pub fn decide(&mut self, input: &DecisionInput) -> Result<Decision, StoreError> {
        let target = format!("finding {}", input.finding);
        self.audited("vex.decide", &target, |db| {
            let before = findings::last_decision(db, input)?;
            let decision = findings::decide(db, input)?;
            let after = serde_json::to_value(&decision).unwrap_or_default();
            let key = match &decision.asset {
                Some(a) => format!("{}:{a}", decision.finding_id),
                None => decision.finding_id.to_string(),
            };
            let changes = vec![audit::change(
                "finding_decisions",
                key,
                before.as_ref(),
                Some(&after),
            )];
            Ok((decision, changes, after))
        })
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
        let target = input.component.clone();
        self.audited("identity.set", &target, |db| {
            let change = findings::set_identity(db, input)?;
            let detail = serde_json::to_value(&change).unwrap_or_default();
            let changes = vec![audit::change(
                "component_identities",
                &target,
                None,
                Some(&detail),
            )];
            Ok((change, changes, detail))
        })
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
        Ok(self
            .affected_in(&Visibility::Operator, vulnerability, on, None)?
            .0)
    }

    /// `affected` among the assets a view sees, a page of them (by organization and asset id)
    /// when asked: the others are left out before anything about them is loaded. Returns the rows
    /// and how many assets there are in all.
    fn affected_in(
        &mut self,
        view: &Visibility,
        vulnerability: &str,
        on: NaiveDate,
        page: Option<Page>,
    ) -> Result<(Vec<AffectedRow>, usize), StoreError> {
        if page.is_none() && self.cache.is_none() {
            let hits = findings::affected(&mut self.db, vulnerability, view)?;
            let total = hits.len();
            let mut rows = affected_rows(&mut self.db, hits, on)?;
            sort_affected(&mut rows);
            return Ok((rows, total));
        }
        // The view's rows, each asset's stage and patch parties included, kept while the data
        // is unchanged: every page after the first is a slice of them.
        let key = format!("affected {view:?} {vulnerability} {on}");
        let rows = cache::cached(self.cache.as_ref(), &mut self.db, &key, Vec::len, |db| {
            let hits = findings::affected(db, vulnerability, view)?;
            affected_rows(db, hits, on)
        })?;
        let total = rows.len();
        // Pages are cut by organization key and asset id, each printed by name.
        let mut rows: Vec<AffectedRow> = match page {
            Some(page) => rows
                .iter()
                .skip(page.offset)
                .take(page.limit)
                .cloned()
                .collect(),
            None => std::sync::Arc::try_unwrap(rows).unwrap_or_else(|kept| kept.to_vec()),
        };
        sort_affected(&mut rows);
        Ok((rows, total))
    }
}

/// Each affected asset's row, in the order of `hits`: its stage on `on` and who develops and
/// deploys the patch.
fn affected_rows(
    db: &mut Db,
    hits: Vec<findings::AffectedAsset>,
    on: NaiveDate,
) -> Result<Vec<AffectedRow>, StoreError> {
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = hits.iter().map(|h| h.asset_ref).collect();
    let loaded = load::load_with(db, Some(&ids))?;
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
    Ok(rows)
}

/// Rows by organization name and asset id, as `baton affected` prints them.
fn sort_affected(rows: &mut [AffectedRow]) {
    rows.sort_by(|a, b| (&a.organization, &a.asset_id).cmp(&(&b.organization, &b.asset_id)));
}

impl Store {
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

/// Organizations, users, tokens, sessions and sharing; every change is logged.
impl Store {
    /// Create an organization, or set the kind of the one a name or alias already names.
    pub fn create_organization(
        &mut self,
        name: &str,
        kind: baton_model::OrgKind,
    ) -> Result<OrganizationRow, StoreError> {
        self.audited("organization.create", name.trim(), |db| {
            let (row, before) = access::create_org(db, name, kind)?;
            let after = access::org_json(row.id, &row.name, row.kind);
            let before = before.map(|b| access::org_json(b.id, &b.name, b.kind));
            let changes = vec![audit::change(
                "organizations",
                row.id.to_string(),
                before.as_ref(),
                Some(&after),
            )];
            Ok((row, changes, after))
        })
    }

    pub fn organizations(&mut self) -> Result<Vec<OrganizationRow>, StoreError> {
        access::organizations(&mut self.db)
    }

    pub fn organization(&mut self, name: &str) -> Result<OrganizationRow, StoreError> {
        access::find_org(&mut self.db, name)
    }

    /// Create a user of an organization. Without a password the user signs in only through
    /// OpenID Connect.
    pub fn create_user(
        &mut self,
        email: &str,
        organization: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<UserRow, StoreError> {
        self.audited("user.create", email.trim(), |db| {
            let org = access::find_org(db, organization)?;
            let user = access::create_user(db, email, &org, role, password)?;
            let after = access::user_json(user.id, &user.email, org.id, role, false);
            let changes = vec![audit::change(
                "users",
                user.id.to_string(),
                None,
                Some(&after),
            )];
            Ok((
                user,
                changes,
                serde_json::json!({"role": role.key(), "organization": org.name}),
            ))
        })
    }

    pub fn users(&mut self, organization: Option<i64>) -> Result<Vec<UserRow>, StoreError> {
        access::users(&mut self.db, organization)
    }

    pub fn user(&mut self, email: &str) -> Result<UserRow, StoreError> {
        Ok(access::user_row(&mut self.db, email)?.0)
    }

    /// Change a user's role.
    pub fn set_role(&mut self, email: &str, role: Role) -> Result<UserRow, StoreError> {
        self.audited("user.role", email.trim(), |db| {
            let (user, org) = access::user_row(db, email)?;
            let before = access::user_json(user.id, &user.email, org, user.role, user.disabled);
            access::set_role(db, user.id, role)?;
            let after = access::user_json(user.id, &user.email, org, role, user.disabled);
            let changes = vec![audit::change(
                "users",
                user.id.to_string(),
                Some(&before),
                Some(&after),
            )];
            Ok((
                UserRow { role, ..user },
                changes,
                serde_json::json!({"role": role.key()}),
            ))
        })
    }

    /// Disable a user: their sessions end and their tokens stop working.
    pub fn disable_user(&mut self, email: &str) -> Result<UserRow, StoreError> {
        self.audited("user.disable", email.trim(), |db| {
            let (user, org) = access::user_row(db, email)?;
            let before = access::user_json(user.id, &user.email, org, user.role, user.disabled);
            access::disable_user(db, user.id)?;
            let after = access::user_json(user.id, &user.email, org, user.role, true);
            let changes = vec![audit::change(
                "users",
                user.id.to_string(),
                Some(&before),
                Some(&after),
            )];
            Ok((
                UserRow {
                    disabled: true,
                    ..user
                },
                changes,
                serde_json::json!({}),
            ))
        })
    }

    /// A new API token for a user: the secret, shown once, and its row.
    pub fn create_token(
        &mut self,
        email: &str,
        scope: TokenScope,
        days: i64,
    ) -> Result<(String, TokenRow), StoreError> {
        self.audited("token.create", email.trim(), |db| {
            let user = access::user_by_email(db, email)?;
            let (secret, row) = access::create_token(db, &user, scope, days)?;
            let after = serde_json::to_value(&row).unwrap_or_default();
            let changes = vec![audit::change(
                "api_tokens",
                row.id.to_string(),
                None,
                Some(&after),
            )];
            Ok(((secret, row), changes, after))
        })
    }

    pub fn token(&mut self, id: i64) -> Result<(TokenRow, i64), StoreError> {
        access::token_row(&mut self.db, id)
    }

    pub fn revoke_token(&mut self, id: i64) -> Result<TokenRow, StoreError> {
        self.audited("token.revoke", &id.to_string(), |db| {
            let (row, _) = access::token_row(db, id)?;
            let before = serde_json::to_value(&row).unwrap_or_default();
            access::revoke_token(db, id)?;
            let row = TokenRow {
                revoked: true,
                ..row
            };
            let after = serde_json::to_value(&row).unwrap_or_default();
            let changes = vec![audit::change(
                "api_tokens",
                id.to_string(),
                Some(&before),
                Some(&after),
            )];
            Ok((row, changes, serde_json::json!({})))
        })
    }

    /// Check an e-mail and password; the attempt is logged either way (never the password).
    pub fn login_password(
        &mut self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<Option<Principal>, StoreError> {
        let found = access::check_password(&mut self.db, email, password)?;
        let action = if found.is_some() {
            "login.success"
        } else {
            "login.failure"
        };
        let detail = serde_json::json!({"method": "password", "client": client});
        self.audited_as(
            Actor::of_found(found.as_ref()),
            action,
            email.trim(),
            |_| Ok(((), Vec::new(), detail)),
        )?;
        Ok(found)
    }

    /// The principal of a bearer token, if valid.
    pub fn authenticate_token(&mut self, secret: &str) -> Result<Option<Principal>, StoreError> {
        access::by_token(&mut self.db, secret)
    }

    /// Start a session for a principal: (cookie secret, CSRF token).
    pub fn create_session(
        &mut self,
        principal: &Principal,
        minutes: i64,
    ) -> Result<(String, String), StoreError> {
        access::create_session(&mut self.db, principal, minutes)
    }

    /// The principal and CSRF token of a live session.
    pub fn session(&mut self, secret: &str) -> Result<Option<(Principal, String)>, StoreError> {
        access::by_session(&mut self.db, secret)
    }

    /// End a session; logged as a sign-out.
    pub fn end_session(&mut self, secret: &str) -> Result<bool, StoreError> {
        let found = access::by_session(&mut self.db, secret)?;
        let ended = access::end_session(&mut self.db, secret)?;
        if let Some((p, _)) = found {
            self.audited_as(Actor::of(&p), "logout", &p.email, |_| {
                Ok(((), Vec::new(), serde_json::json!({})))
            })?;
        }
        Ok(ended)
    }

    /// The user an OpenID Connect identity signs in as, logged either way.
    pub fn login_oidc(
        &mut self,
        issuer: &str,
        subject: &str,
        email: Option<&str>,
    ) -> Result<Option<Principal>, StoreError> {
        let found = access::by_oidc(&mut self.db, issuer, subject, email)?;
        let action = if found.is_some() {
            "login.success"
        } else {
            "login.failure"
        };
        let detail = serde_json::json!({"method": "oidc", "issuer": issuer, "subject": subject});
        let actor = Actor::of_found(found.as_ref().map(|(p, _)| p));
        // A first sign-in binds the identity to the user: that change is logged with it.
        let bind = found
            .as_ref()
            .filter(|(_, bind)| *bind)
            .map(|(p, _)| p.user_id);
        self.audited_as(actor, action, email.unwrap_or(subject), |db| {
            let mut changes = Vec::new();
            if let Some(user) = bind {
                access::bind_oidc(db, user, issuer, subject)?;
                changes.push(audit::change(
                    "users",
                    user.to_string(),
                    Some(&serde_json::json!({"oidc": null})),
                    Some(&serde_json::json!({"oidc": {"issuer": issuer, "subject": subject}})),
                ));
            }
            Ok(((), changes, detail))
        })?;
        let found = found.map(|(p, _)| p);
        Ok(found)
    }

    /// Log a refused request of the current actor.
    pub fn record_refusal(&mut self, what: &str, reason: &str) -> Result<(), StoreError> {
        self.record_event(
            "access.refused",
            what,
            serde_json::json!({"reason": reason}),
        )
    }

    /// What a hospital shares with a manufacturer.
    pub fn sharing(&mut self, hdo: i64, manufacturer: &str) -> Result<Sharing, StoreError> {
        let mdm = access::find_org(&mut self.db, manufacturer)?;
        access::sharing(&mut self.db, hdo, mdm.id)
    }

    /// Every sharing level set, as (hospital id, manufacturer id, level); unset means nothing.
    pub fn sharing_levels(&mut self) -> Result<Vec<(i64, i64, Sharing)>, StoreError> {
        let mut out = Vec::new();
        for r in self.db.query(
            "SELECT hdo_id, manufacturer_id, level FROM sharing ORDER BY hdo_id, manufacturer_id",
            &[],
        )? {
            let level = Sharing::parse(r[2].text().unwrap_or_default())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if let (Some(hdo), Some(mdm)) = (r[0].int(), r[1].int()) {
                out.push((hdo, mdm, level));
            }
        }
        Ok(out)
    }

    /// Set what a hospital shares with a manufacturer.
    pub fn set_sharing(
        &mut self,
        hospital: &str,
        manufacturer: &str,
        level: Sharing,
    ) -> Result<(), StoreError> {
        let target = format!("{}→{}", hospital.trim(), manufacturer.trim());
        self.audited("sharing.set", &target, |db| {
            let hdo = access::find_org(db, hospital)?;
            let mdm = access::find_org(db, manufacturer)?;
            if hdo.kind != baton_model::OrgKind::Hdo || mdm.kind != baton_model::OrgKind::Mdm {
                return Err(StoreError::Invalid(format!(
                    "sharing is set by a hospital (hdo) for a manufacturer (mdm): '{}' is {}, '{}' is {}",
                    hdo.name, hdo.kind.key(), mdm.name, mdm.kind.key()
                )));
            }
            let before = access::sharing(db, hdo.id, mdm.id)?;
            access::set_sharing(db, hdo.id, mdm.id, level)?;
            let key = format!("{}:{}", hdo.id, mdm.id);
            let changes = vec![audit::change(
                "sharing",
                key,
                Some(&serde_json::json!({"level": before.key()})),
                Some(&serde_json::json!({"level": level.key()})),
            )];
            Ok(((), changes, serde_json::json!({"level": level.key()})))
        })
    }

    /// Assets a view sees, a page at a time, with the total.
    pub fn assets(
        &mut self,
        view: &Visibility,
        page: Page,
    ) -> Result<(Vec<AssetRow>, i64), StoreError> {
        scoped::assets(&mut self.db, view, page)
    }

    /// `affected` restricted to the assets a view sees.
    pub fn affected_for(
        &mut self,
        view: &Visibility,
        vulnerability: &str,
        on: NaiveDate,
    ) -> Result<Vec<AffectedRow>, StoreError> {
        Ok(self.affected_in(view, vulnerability, on, None)?.0)
    }

    /// A page of `affected_for`, ordered by organization and asset id, and the total.
    pub fn affected_page(
        &mut self,
        view: &Visibility,
        vulnerability: &str,
        on: NaiveDate,
        page: Page,
    ) -> Result<(Vec<AffectedRow>, usize), StoreError> {
        self.affected_in(view, vulnerability, on, Some(page))
    }

    /// Whether a view sees a finding (through its release).
    pub fn sees_finding(&mut self, view: &Visibility, finding: i64) -> Result<bool, StoreError> {
        let release = self
            .db
            .query(
                "SELECT release_id FROM findings WHERE id = $1",
                &[Value::Int(finding)],
            )?
            .first()
            .and_then(|r| r[0].int());
        match release {
            Some(r) => view.sees_release(&mut self.db, r),
            None => Ok(false),
        }
    }

    /// One finding with its evidence, as a view sees it; `None` when unknown or not visible.
    pub fn finding(
        &mut self,
        view: &Visibility,
        finding: i64,
    ) -> Result<Option<FindingRow>, StoreError> {
        if !self.sees_finding(view, finding)? {
            return Ok(None);
        }
        let key = self.db.query(
            "SELECT f.vulnerability_id, o.name, m.name, r.version FROM findings f JOIN releases r ON r.id = f.release_id JOIN device_models m ON m.id = r.model_id JOIN organizations o ON o.id = m.manufacturer_id WHERE f.id = $1",
            &[Value::Int(finding)],
        )?;
        let Some(row) = key.first() else {
            return Ok(None);
        };
        let text = |i: usize| row[i].text().unwrap_or_default().to_string();
        let filter = FindingFilter {
            release: Some(format!("{}/{}@{}", text(1), text(2), text(3))),
            vulnerability: Some(text(0)),
            visibility: *view,
            ..FindingFilter::default()
        };
        Ok(self
            .findings(&filter)?
            .into_iter()
            .find(|f| f.finding_id == finding))
    }

    /// One asset a view sees, with just enough of the fleet around it (its model, release,
    /// organizations, agreements) to give its stage, responsibilities and history; the index
    /// of the asset in that fleet. `None` when unknown or not visible.
    pub fn asset_fleet(
        &mut self,
        view: &Visibility,
        organization: &str,
        asset_id: &str,
    ) -> Result<Option<(LoadedFleet, usize)>, StoreError> {
        let id = match findings::asset_spec(&mut self.db, &format!("{organization}/{asset_id}")) {
            Ok((id, _)) => id,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        if !view.sees_asset(&mut self.db, id)? {
            return Ok(None);
        }
        let mut loaded = load::load_with(&mut self.db, Some(&[id]))?;
        let Some(position) = loaded.asset_ids.iter().position(|a| *a == id) else {
            return Ok(None);
        };
        load::add_asset_assessments(&mut self.db, &mut loaded, id, position)?;
        Ok(Some((loaded, position)))
    }

    /// One device model a view sees (a manufacturer its own; others a model they run or serve),
    /// with the fleet around it: every model and release, the assets of the model the view sees,
    /// and the documents and current SBOM components of the model's releases. The index of the
    /// model in that fleet; `None` when unknown or not visible.
    pub fn model_fleet(
        &mut self,
        view: &Visibility,
        manufacturer: &str,
        model: &str,
    ) -> Result<Option<(LoadedFleet, usize)>, StoreError> {
        let orgs = import::Orgs::load(&mut self.db, NaiveDate::MIN)?;
        let Some(mfr) = orgs.find(manufacturer.trim()) else {
            return Ok(None);
        };
        let Some(model_id) = self
            .db
            .query(
                "SELECT id FROM device_models WHERE manufacturer_id = $1 AND name_key = $2",
                &[
                    Value::Int(mfr),
                    baton_formats::inventory::name_key(model).into(),
                ],
            )?
            .first()
            .and_then(|r| r[0].int())
        else {
            return Ok(None);
        };
        let mut params = vec![Value::Int(model_id)];
        let cond = match view.asset_condition("a", 2) {
            Some(c) => {
                params.extend(view.param());
                format!(" AND {c}")
            }
            None => String::new(),
        };
        let assets: Vec<i64> = self
            .db
            .query(
                &format!("SELECT a.id FROM assets a WHERE a.model_id = $1{cond} ORDER BY a.id"),
                &params,
            )?
            .into_iter()
            .filter_map(|r| r[0].int())
            .collect();
        let own = matches!(view, Visibility::Organization { id, kind: baton_model::OrgKind::Mdm } if *id == mfr);
        if !(matches!(view, Visibility::Operator) || own || !assets.is_empty()) {
            return Ok(None);
        }
        let mut loaded = load::load_models(&mut self.db, Some(&assets), &[model_id])?;
        load::add_model_details(&mut self.db, &mut loaded, model_id)?;
        let manufacturer_index = loaded.org_ids.iter().position(|o| *o == mfr);
        let index = loaded.fleet.models.iter().position(|m| {
            Some(m.manufacturer) == manufacturer_index
                && baton_formats::inventory::name_key(&m.name)
                    == baton_formats::inventory::name_key(model)
        });
        Ok(index.map(|i| (loaded, i)))
    }

    /// Findings present in the releases a view sees, counted by release and CVSS severity:
    /// all of them, the open ones (affected or under investigation, as matched or decided for the
    /// release) and those in CISA's KEV catalog.
    pub fn finding_counts(&mut self, view: &Visibility) -> Result<Vec<FindingCount>, StoreError> {
        let params: Vec<Value> = view.param().into_iter().collect();
        let cond = view
            .release_condition("f.release_id", 1)
            .map(|c| format!(" AND {c}"))
            .unwrap_or_default();
        let rows = self.db.query(
            &format!(
                "SELECT f.release_id, CAST(CASE WHEN f.score_rank >= 90 THEN 0 WHEN f.score_rank >= 70 THEN 1 WHEN f.score_rank >= 40 THEN 2 WHEN f.score_rank >= 1 THEN 3 WHEN f.score_rank = 0 THEN 4 ELSE 5 END AS BIGINT) AS severity, COUNT(*), CAST(SUM(CASE WHEN f.status IN ('affected', 'under_investigation') THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(f.kev) AS BIGINT) FROM findings f WHERE f.present = 1{cond} GROUP BY f.release_id, 2"
            ),
            &params,
        )?;
        let mut names = std::collections::HashMap::new();
        for r in self.db.query(
            "SELECT r.id, o.name, m.name, r.version FROM releases r JOIN device_models m ON m.id = r.model_id JOIN organizations o ON o.id = m.manufacturer_id",
            &[],
        )? {
            if let Some(id) = r[0].int() {
                let text = |i: usize| r[i].text().unwrap_or_default().to_string();
                names.insert(id, (text(1), text(2), text(3)));
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (manufacturer, model, version) = names.get(&r[0].int()?)?.clone();
                Some(FindingCount {
                    manufacturer,
                    model,
                    version,
                    severity: SEVERITIES
                        .get(usize::try_from(r[1].int()?).ok()?)
                        .copied()?,
                    all: r[2].int().unwrap_or(0),
                    open: r[3].int().unwrap_or(0),
                    kev: r[4].int().unwrap_or(0),
                })
            })
            .collect())
    }

    /// `ORGANIZATION/ASSET-ID` of every asset a view sees.
    pub fn visible_asset_names(
        &mut self,
        view: &Visibility,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let params: Vec<Value> = view.param().into_iter().collect();
        let cond = view
            .asset_condition("a", 1)
            .unwrap_or_else(|| "1 = 1".into());
        Ok(self
            .db
            .query(
                &format!("SELECT o.name, a.asset_id FROM assets a JOIN organizations o ON o.id = a.organization_id WHERE {cond}"),
                &params,
            )?
            .into_iter()
            .filter_map(|r| Some(format!("{}/{}", r[0].text()?, r[1].text()?)))
            .collect())
    }

    /// A decision by a signed-in user: a manufacturer decides for its releases, a hospital or
    /// provider for the assets it sees.
    pub fn decide_as(
        &mut self,
        principal: &Principal,
        input: &DecisionInput,
    ) -> Result<Decision, StoreError> {
        let view = Visibility::of(principal);
        let release = self
            .db
            .query(
                "SELECT release_id FROM findings WHERE id = $1",
                &[Value::Int(input.finding)],
            )?
            .first()
            .and_then(|r| r[0].int());
        let unknown = || StoreError::NotFound(format!("unknown finding {}", input.finding));
        let Some(release) = release else {
            return Err(unknown());
        };
        if !view.sees_release(&mut self.db, release)? {
            return Err(unknown());
        }
        match (&input.asset, principal.kind) {
            (None, baton_model::OrgKind::Mdm) => {}
            (None, _) => {
                return Err(StoreError::Forbidden(
                    "a hospital or provider decides for its own assets: name the asset".into(),
                ));
            }
            (Some(spec), _) => {
                let (asset, _) = findings::asset_spec(&mut self.db, spec)?;
                if principal.kind == baton_model::OrgKind::Mdm
                    || !view.sees_asset(&mut self.db, asset)?
                {
                    return Err(StoreError::NotFound(format!("unknown asset '{spec}'")));
                }
            }
        }
        let input = DecisionInput {
            by: principal.email.clone(),
            ..input.clone()
        };
        self.decide(&input)
    }
}

/// Backups of a SQLite store.
impl Store {
    /// Write an online backup of the database to `path` (a new file), and log it.
    pub fn backup(&mut self, path: &std::path::Path) -> Result<(), StoreError> {
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "'{}' exists; a backup is written to a new file",
                path.display()
            )));
        }
        // Logged first, so the backup holds the entry that records it.
        self.record_event("backup", &path.display().to_string(), serde_json::json!({}))?;
        self.db.backup_to(path)
    }

    /// Replace the database with a backup, which must hold a log that verifies with this store's
    /// key; the restore itself is then logged.
    pub fn restore(&mut self, path: &std::path::Path) -> Result<VerifiedLog, StoreError> {
        if !path.is_file() {
            return Err(StoreError::NotFound(format!(
                "no backup at '{}'",
                path.display()
            )));
        }
        let mut check = Store::open_with_key(
            &format!("sqlite:{}", path.display()),
            Some(self.log_key.path().to_path_buf()),
        )?;
        let verified = check
            .verify_log(None)?
            .map_err(|e| StoreError::Audit(format!("the backup's log does not verify: {e}")))?;
        drop(check);
        self.db.restore_from(path)?;
        schema::migrate(&mut self.db)?;
        self.record_event(
            "restore",
            &path.display().to_string(),
            serde_json::json!({"entries": verified.entries}),
        )?;
        Ok(verified)
    }
}

/// The audit log: verification, proofs, the public key.
impl Store {
    /// The public key checkpoints are signed with, if the key exists yet.
    pub fn log_public_key(&mut self) -> Result<Option<VerifierKey>, StoreError> {
        self.log_key.verifier()
    }

    pub fn log_key_path(&self) -> &std::path::Path {
        self.log_key.path()
    }

    /// Verify the whole log against its checkpoints with `key` (the store's own when None).
    /// The outer error is a failure to read; the inner one is what verification found.
    pub fn verify_log(
        &mut self,
        key: Option<&VerifierKey>,
    ) -> Result<Result<VerifiedLog, LogError>, StoreError> {
        let own;
        let key = match key {
            Some(k) => k,
            None => match self.log_key.verifier()? {
                Some(k) => {
                    own = k;
                    &own
                }
                None => {
                    // No key was ever made, so nothing was ever logged: the log must be empty.
                    let n = self
                        .db
                        .query("SELECT COUNT(*) FROM audit_log", &[])?
                        .first()
                        .and_then(|r| r[0].int())
                        .unwrap_or(0);
                    if n > 0 {
                        return Err(StoreError::Audit(format!(
                            "{n} log entries but no key at '{}': give --key",
                            self.log_key.path().display()
                        )));
                    }
                    return Ok(Ok(VerifiedLog {
                        entries: 0,
                        root: baton_audit::empty_root(),
                        checkpoint_size: 0,
                        origin: None,
                        unsigned_tail: 0,
                    }));
                }
            },
        };
        audit::verify(&mut self.db, key)
    }

    pub fn prove_inclusion(&mut self, entry: u64) -> Result<InclusionProof, StoreError> {
        audit::prove(&mut self.db, entry)
    }

    pub fn prove_consistency(&mut self, old_size: u64) -> Result<ConsistencyProof, StoreError> {
        audit::consistency(&mut self.db, old_size)
    }

    pub fn latest_checkpoint(&mut self) -> Result<Option<String>, StoreError> {
        audit::latest_checkpoint(&mut self.db)
    }

    /// The number of entries in the audit log. Every change appends one in its own transaction,
    /// so a size that has not moved means nothing changed.
    pub fn log_size(&mut self) -> Result<u64, StoreError> {
        Ok(self
            .db
            .query("SELECT size FROM audit_head WHERE id = 1", &[])?
            .first()
            .and_then(|r| r[0].int())
            .unwrap_or(0)
            .max(0) as u64)
    }

    /// Logged events from `from` on, at most `limit`.
    pub fn log_events(
        &mut self,
        from: u64,
        limit: i64,
    ) -> Result<Vec<(u64, baton_audit::AuditEvent)>, StoreError> {
        audit::events(&mut self.db, from, limit)
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyRef {
    pub party: baton_model::Party,
    pub lead: Option<baton_model::Party>,
    pub provider: Option<String>,
}

/// Findings of one release and severity (see [`Store::finding_counts`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingCount {
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub severity: &'static str,
    pub all: i64,
    pub open: i64,
    pub kev: i64,
}

/// One row of `baton affected`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
