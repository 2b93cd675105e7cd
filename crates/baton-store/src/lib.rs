//! Baton's storage on SQLite (the default) and PostgreSQL, with the same migrations and the same
//! behaviour on both. Every import runs in one transaction; the fleet is read back whole into the
//! pure model, where the reports are computed.

mod db;
mod documents;
mod import;
mod load;
mod notices;
mod schema;
pub mod testing;

use baton_formats::InputError;
use baton_formats::inventory as inv;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use db::{Db, Target, Value};
pub use documents::{ComponentRow, DocumentSummary, SbomImport, SbomInfo, parse_release_spec};
pub use import::ImportSummary;
pub use load::LoadedFleet;
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
        match kind {
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
        }
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
