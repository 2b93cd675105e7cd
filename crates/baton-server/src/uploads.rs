//! Uploads as the API and the web pages both take them: who may upload what, the file read and
//! its errors located, then one transaction as the signed-in user. A refusal is an [`ApiError`]
//! of 403 (not your organization's data, or not your kind of file) or 422 (a bad file; nothing
//! changed).

use axum::body::Bytes;
use baton_model::OrgKind;
use baton_store::{ImportKind, Principal, Store, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::{as_user, today};
use crate::app::AppState;
use crate::error::ApiError;

/// The inventory kind a name (`assets`, `models`, …) stands for.
pub fn inventory_kind(kind: &str) -> Result<ImportKind, ApiError> {
    ImportKind::from_file_name(&format!("{kind}.csv"))
        .ok_or_else(|| ApiError::not_found(format!("no inventory kind '{kind}'")))
}

/// Which inventory kinds an organization of this kind may upload (its own rows only).
pub fn may_upload(kind: OrgKind, what: ImportKind) -> bool {
    match kind {
        OrgKind::Mdm => matches!(what, ImportKind::Models | ImportKind::Releases),
        OrgKind::Hdo => matches!(
            what,
            ImportKind::Assets
                | ImportKind::Agreements
                | ImportKind::Capabilities
                | ImportKind::Policies
                | ImportKind::Assessments
        ),
        OrgKind::ThirdParty => matches!(what, ImportKind::Capabilities),
    }
}

/// The organizations an inventory file's rows name, with their lines.
fn named_organizations(
    kind: ImportKind,
    file: &str,
    bytes: &[u8],
) -> Result<Vec<(u64, String)>, ApiError> {
    use baton_formats::inventory as inv;
    let bad = |e: baton_formats::InputError| ApiError::unprocessable(e.to_string());
    Ok(match kind {
        ImportKind::Models => inv::read_models(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.manufacturer))
            .collect(),
        ImportKind::Releases => inv::read_releases(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.manufacturer))
            .collect(),
        ImportKind::Assets => inv::read_assets(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.organization))
            .collect(),
        ImportKind::Agreements => inv::read_agreements(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.hdo))
            .collect(),
        ImportKind::Capabilities => inv::read_capabilities(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.organization))
            .collect(),
        ImportKind::Policies => inv::read_policies(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.organization))
            .collect(),
        ImportKind::Assessments => inv::read_assessments(file, bytes)
            .map_err(bad)?
            .into_iter()
            .map(|r| (r.line, r.record.organization))
            .collect(),
        ImportKind::Aliases => Vec::new(),
    })
}

/// An inventory CSV (the files of `baton import`). Every row must be the caller's organization's.
pub async fn inventory(
    state: &AppState,
    p: &Principal,
    kind: &str,
    file: String,
    body: Bytes,
) -> Result<baton_store::ImportSummary, ApiError> {
    let what = inventory_kind(kind)?;
    if !may_upload(p.kind, what) {
        return Err(ApiError::forbidden(format!(
            "a {} organization does not upload {kind}",
            p.kind.key()
        )));
    }
    let names = named_organizations(what, &file, &body)?;
    let own = p.organization_id;
    as_user(state, p, move |s| {
        for (line, name) in &names {
            let theirs = s.organization(name).map(|o| o.id).ok();
            if theirs != Some(own) {
                return Err(StoreError::Forbidden(format!(
                    "{file}:{line}: '{name}' is not your organization"
                )));
            }
        }
        s.import(what, &file, &body, today())
    })
    .await
}

/// Refused unless the caller is a manufacturer and `manufacturer` (name or alias) is it.
fn only_the_manufacturer(
    s: &mut Store,
    p_kind: OrgKind,
    own: i64,
    manufacturer: &str,
    what: &str,
) -> Result<(), StoreError> {
    let theirs = s.organization(manufacturer).map(|o| o.id).ok();
    if p_kind != OrgKind::Mdm || theirs != Some(own) {
        return Err(StoreError::Forbidden(format!(
            "only the manufacturer uploads {what}"
        )));
    }
    Ok(())
}

/// The manufacturer a `MANUFACTURER/MODEL@VERSION` names.
fn release_maker(release: &str) -> Result<String, ApiError> {
    baton_store::parse_release_spec(release)
        .map(|(m, _, _)| m)
        .map_err(|e| ApiError::unprocessable(e.to_string()))
}

/// An SBOM of one of the caller's releases (a manufacturer).
pub async fn sbom(
    state: &AppState,
    p: &Principal,
    release: String,
    file: String,
    body: Bytes,
) -> Result<baton_store::SbomImport, ApiError> {
    let manufacturer = release_maker(&release)?;
    let parsed =
        baton_sbom::parse(&file, &body).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let (kind, own) = (p.kind, p.organization_id);
    as_user(state, p, move |s| {
        only_the_manufacturer(s, kind, own, &manufacturer, "a release's SBOM")?;
        s.import_sbom(&release, &file, &body, &parsed)
    })
    .await
}

/// Advisories or VEX (CSAF, OpenVEX, CycloneDX VEX, OSV, NVD, CVE 5); VEX statements speak for
/// the caller's organization.
pub async fn advisories(
    state: &AppState,
    p: &Principal,
    file: String,
    body: Bytes,
) -> Result<baton_store::AdvisoryImport, ApiError> {
    let parsed = baton_advisories::parse(&file, &body)
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let docs: Vec<baton_store::AdvisoryDoc> = parsed
        .advisories
        .into_iter()
        .map(|advisory| baton_store::AdvisoryDoc {
            file: file.clone(),
            advisory,
        })
        .collect();
    let principal = p.clone();
    as_user(state, p, move |s| s.import_advisories_as(&principal, &docs)).await
}

/// What a lifecycle notice is about: a model (`MANUFACTURER/MODEL`) or a release
/// (`MANUFACTURER/MODEL@VERSION`), exactly one of them.
#[derive(Debug, Clone, Default)]
pub struct NoticeTarget {
    pub model: Option<String>,
    pub release: Option<String>,
}

/// A lifecycle notice upload's result: what each notice changed, and the reader's warnings.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticesImported {
    pub applied: Vec<baton_store::NoticeApplied>,
    pub warnings: Vec<String>,
}

/// Largest lifecycle notice accepted (as for `baton import lifecycle`).
pub const MAX_NOTICE_BYTES: usize = 8 * 1024 * 1024;

/// A lifecycle notice (CycloneDX lifecycle properties, ECMA-428 CLE, OpenEoX) for one of the
/// caller's models or releases (a manufacturer).
pub async fn notices(
    state: &AppState,
    p: &Principal,
    target: NoticeTarget,
    announced: Option<&str>,
    file: String,
    body: Bytes,
) -> Result<NoticesImported, ApiError> {
    if body.len() > MAX_NOTICE_BYTES {
        return Err(ApiError::payload_too_large(format!(
            "a lifecycle notice is at most {MAX_NOTICE_BYTES} bytes"
        )));
    }
    let blank = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    let (target, manufacturer) = match (blank(target.model), blank(target.release)) {
        (Some(m), None) => {
            let mfr = m
                .split_once('/')
                .map(|(a, _)| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .ok_or_else(|| ApiError::unprocessable("model must be MANUFACTURER/MODEL"))?;
            (baton_store::NoticeTarget::Model(m), mfr)
        }
        (None, Some(r)) => {
            let mfr = release_maker(&r)?;
            (baton_store::NoticeTarget::Release(r), mfr)
        }
        _ => {
            return Err(ApiError::unprocessable(
                "name the model or the release the notice is about (one of them)",
            ));
        }
    };
    let announced = match announced.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| ApiError::unprocessable("announced must be YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let notices =
        baton_notices::parse(&file, &body).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let warnings = notices
        .iter()
        .flat_map(|n| &n.warnings)
        .map(|w| format!("{file}: {}: {}", w.location, w.message))
        .collect();
    let (kind, own) = (p.kind, p.organization_id);
    let applied = as_user(state, p, move |s| {
        only_the_manufacturer(s, kind, own, &manufacturer, "its lifecycle notices")?;
        s.import_notices(&target, &file, &body, &notices, announced)
    })
    .await?;
    Ok(NoticesImported { applied, warnings })
}

/// A document of one of the caller's releases (a manufacturer), kept by its sha256.
pub async fn document(
    state: &AppState,
    p: &Principal,
    release: String,
    kind: &str,
    file: String,
    body: Bytes,
) -> Result<baton_store::DocumentSummary, ApiError> {
    let manufacturer = release_maker(&release)?;
    let kind: baton_model::DocumentKind = kind
        .parse()
        .map_err(|e: baton_model::UnknownTerm| ApiError::unprocessable(e.to_string()))?;
    if body.is_empty() {
        return Err(ApiError::unprocessable("the document is empty"));
    }
    let (org_kind, own) = (p.kind, p.organization_id);
    as_user(state, p, move |s| {
        only_the_manufacturer(s, org_kind, own, &manufacturer, "a release's documents")?;
        s.import_document(&release, kind, &file, &body)
    })
    .await
}

/// What an MDS2 upload stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Mds2Imported {
    pub release: String,
    pub sha256: String,
    /// The sheet the answers were read from
    pub sheet: String,
    pub answers: usize,
    pub warnings: Vec<String>,
    /// False when these bytes were already stored for the release
    pub new: bool,
}

/// The MDS2 form (HN 1-2019 xlsx) of one of the caller's releases (a manufacturer).
pub async fn mds2(
    state: &AppState,
    p: &Principal,
    release: String,
    file: String,
    body: Bytes,
) -> Result<Mds2Imported, ApiError> {
    let manufacturer = release_maker(&release)?;
    let form =
        baton_mds2::read_xlsx(&file, &body).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let json = serde_json::to_string(&form).map_err(ApiError::internal)?;
    let stored = release.clone();
    let (kind, own) = (p.kind, p.organization_id);
    let (sha256, new) = as_user(state, p, move |s| {
        only_the_manufacturer(s, kind, own, &manufacturer, "a release's MDS2 form")?;
        s.import_mds2(&stored, &file, &body, &json)
    })
    .await?;
    Ok(Mds2Imported {
        release,
        sha256,
        sheet: form.sheet.clone(),
        answers: form.answers.len(),
        warnings: form
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.location, w.message))
            .collect(),
        new,
    })
}
