//! Routes under `/api/v1`. Each handler carries `#[utoipa::path]` so it appears in the OpenAPI
//! document; register it here with `.routes(routes!(handler))`. Paths in the annotations are
//! relative to `/api/v1`.
//!
//! Every handler reads through a [`Visibility`] made from the signed-in user, and every change is
//! made with the store acting as that user, so it is logged as theirs.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_model::OrgKind;
use baton_store::{
    DecisionInput, FindingFilter, ImportKind, Page, Principal, Role, Sharing, Store, StoreError,
    TokenScope, Visibility,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::client::ClientIp;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::openapi::OpenApiJson;
use crate::principal::{OrgAdmin, User, Writer};

/// This OpenAPI document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json(Extension(doc): Extension<OpenApiJson>) -> OpenApiJson {
    doc
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .routes(routes!(crate::auth::oidc_login))
        .routes(routes!(oidc_callback))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(list_assets))
        .routes(routes!(list_findings))
        .routes(routes!(affected))
        .routes(routes!(decisions, decide))
        .routes(routes!(import_inventory))
        .routes(routes!(import_sbom))
        .routes(routes!(import_advisories))
        .routes(routes!(record_assessment))
        .routes(routes!(set_sharing))
        .routes(routes!(list_users, create_user))
        .routes(routes!(create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(checkpoint))
        .routes(routes!(prove))
}

/// Run `work` on a store acting as `principal`.
async fn as_user<T, F>(state: &AppState, principal: &Principal, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let p = principal.clone();
    Ok(state
        .pool()
        .run(move |store| {
            store.act_as(&p);
            work(store)
        })
        .await??)
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

// ---- signing in ----------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub email: String,
    pub organization: String,
    /// mdm, hdo or third-party
    pub kind: String,
    /// admin, analyst or viewer
    pub role: String,
    /// Send back as `X-CSRF-Token` on unsafe requests made with the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

fn me_of(p: &Principal, csrf: Option<String>) -> Me {
    Me {
        email: p.email.clone(),
        organization: p.organization.clone(),
        kind: p.kind.key().to_string(),
        role: p.role.key().to_string(),
        csrf_token: csrf,
    }
}

fn session_minutes(state: &AppState) -> i64 {
    (state.config().session_lifetime.as_secs() / 60).max(1) as i64
}

/// Sign in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Me),
        (status = 401, description = "Wrong e-mail or password", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if let Err(limited) = state.login_limiter().check(ip, &body.email) {
        // Logged as a refusal; the limiter bounds how often one client can add such entries.
        let what = format!("POST /api/v1/auth/login as {}", body.email.trim());
        let client = ip.to_string();
        let _ = state
            .pool()
            .run(move |store| {
                store.set_actor(baton_store::Actor::operator("anonymous"));
                store.record_event(
                    "access.refused",
                    &what,
                    serde_json::json!({"reason": "too many failed sign-ins", "client": client}),
                )
            })
            .await;
        return Err(limited.into());
    }
    let email = body.email.clone();
    let minutes = session_minutes(&state);
    let client = ip.to_string();
    let found = state
        .pool()
        .run(move |store| {
            let Some(p) = store.login_password(&body.email, &body.password, &client)? else {
                return Ok(None);
            };
            let (secret, _) = store.create_session(&p, minutes)?;
            Ok::<_, StoreError>(Some((p, secret)))
        })
        .await??;
    let Some((principal, secret)) = found else {
        state.login_limiter().record_failure(ip, &email);
        return Err(ApiError::unauthorized("wrong e-mail or password"));
    };
    state.login_limiter().record_success(&email);
    let csrf = crate::session::csrf_token_for(&secret);
    let res = ApiJson(me_of(&principal, Some(csrf))).into_response();
    Ok(state.cookies().with_session(res, &secret))
}

/// Sign out: the session ends and its cookies are cleared.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    security(("session" = [])),
    responses((status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = state.cookies().session_token(&headers).map(str::to_string) {
        state
            .pool()
            .run(move |store| store.end_session(&token))
            .await??;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    for cookie in state.cookies().end_session() {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

/// The OpenID provider's redirect back: the user with this identity is signed in.
#[utoipa::path(get, path = "/auth/oidc/{provider}/callback", tag = "auth",
    params(("provider" = String, Path, description = "The provider's name in the configuration"),
        crate::auth::CallbackQuery),
    responses(
        (status = 303, description = "Signed in; redirect to the application"),
        (status = 400, description = "Unknown or expired sign-in", body = ErrorBody),
        (status = 401, description = "Not accepted, or no Baton user for this identity", body = ErrorBody)))]
async fn oidc_callback(
    State(state): State<AppState>,
    ApiPath(provider): ApiPath<String>,
    headers: axum::http::HeaderMap,
    ApiQuery(query): ApiQuery<crate::auth::CallbackQuery>,
) -> Result<Response, ApiError> {
    let identity = crate::auth::oidc_identity(&state, &provider, &headers, &query).await?;
    let minutes = session_minutes(&state);
    let found = state
        .pool()
        .run(move |store| {
            // Only a verified e-mail may bind an identity to an existing user.
            let email = identity
                .email
                .as_deref()
                .filter(|_| identity.email_verified);
            let Some(p) = store.login_oidc(&identity.issuer, &identity.subject, email)? else {
                return Ok(None);
            };
            let (secret, _) = store.create_session(&p, minutes)?;
            Ok::<_, StoreError>(Some(secret))
        })
        .await??;
    let Some(secret) = found else {
        return Err(ApiError::unauthorized(
            "no Baton user for this identity: ask your organization's admin",
        ));
    };
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, state.cookies().end_oidc());
    Ok(state.cookies().with_session(res, &secret))
}

/// Who is signed in.
#[utoipa::path(get, path = "/me", tag = "auth",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn me(
    User(p): User,
    headers: axum::http::HeaderMap,
    State(state): State<AppState>,
) -> ApiJson<Me> {
    let csrf = state
        .cookies()
        .session_token(&headers)
        .map(crate::session::csrf_token_for);
    ApiJson(me_of(&p, csrf))
}

// ---- the fleet -------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// Rows to skip [default 0]
    pub offset: Option<usize>,
    /// Rows to return, 1–1000 [default 100]
    pub limit: Option<usize>,
}

fn page(offset: Option<usize>, limit: Option<usize>) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::unprocessable("limit is 1 to 1000"));
    }
    Ok(Page {
        offset: offset.unwrap_or(0),
        limit,
    })
}

/// A page of a list, with the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged {
    pub total: i64,
    pub offset: usize,
    pub limit: usize,
    #[schema(value_type = Vec<Object>)]
    pub items: serde_json::Value,
}

/// Assets you may see: your own (a hospital), those an agreement assigns you (a provider), or
/// those hospitals share with you (a manufacturer).
#[utoipa::path(get, path = "/assets", tag = "fleet", params(PageQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of assets", body = Paged),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn list_assets(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged>, ApiError> {
    let page = page(q.offset, q.limit)?;
    let view = Visibility::of(&p);
    let (rows, total) = as_user(&state, &p, move |s| s.assets(&view, page)).await?;
    Ok(ApiJson(Paged {
        total,
        offset: page.offset,
        limit: page.limit,
        items: serde_json::to_value(rows).unwrap_or_default(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FindingsQuery {
    /// `ORGANIZATION/ASSET-ID`: that asset's findings, its own decisions applied
    pub asset: Option<String>,
    /// `MANUFACTURER/MODEL@VERSION`
    pub release: Option<String>,
    /// affected | not_affected | fixed | under_investigation
    pub status: Option<String>,
    /// Only vulnerabilities in CISA's KEV catalog
    pub kev: Option<bool>,
    /// A CVE or other id (aliases match)
    pub vulnerability: Option<String>,
    pub offset: Option<usize>,
    pub limit: Option<usize>,
}

/// Findings you may see, KEV first, then by CVSS score.
#[utoipa::path(get, path = "/findings", tag = "fleet", params(FindingsQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of findings", body = Paged),
        (status = 404, description = "Unknown asset or release (or not yours)", body = ErrorBody),
        (status = 422, description = "Bad filter", body = ErrorBody)))]
async fn list_findings(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<FindingsQuery>,
) -> Result<crate::paged::PageOf<baton_store::FindingRow>, ApiError> {
    let page = page(q.offset, q.limit)?;
    let filter = FindingFilter {
        asset: q.asset,
        release: q.release,
        status: q.status,
        kev: q.kev.unwrap_or(false),
        vulnerability: q.vulnerability,
        visibility: Visibility::of(&p),
    };
    let (items, total) = as_user(&state, &p, move |s| s.findings_page(&filter, page)).await?;
    Ok(crate::paged::PageOf {
        total,
        offset: page.offset,
        limit: page.limit,
        items,
    })
}

/// Assets you may see that a vulnerability affects, their stage, and who develops and deploys
/// the patch; by organization and asset id, a page at a time.
#[utoipa::path(get, path = "/affected/{vulnerability}", tag = "fleet",
    params(("vulnerability" = String, Path, description = "A CVE or other id"), PageQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of affected assets", body = Paged),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad page", body = ErrorBody)))]
async fn affected(
    State(state): State<AppState>,
    User(p): User,
    ApiPath(vulnerability): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<crate::paged::PageOf<baton_store::AffectedRow>, ApiError> {
    let page = page(q.offset, q.limit)?;
    let view = Visibility::of(&p);
    let (rows, total) = as_user(&state, &p, move |s| {
        s.affected_page(&view, &vulnerability, today(), page)
    })
    .await?;
    Ok(crate::paged::PageOf {
        total: total as i64,
        offset: page.offset,
        limit: page.limit,
        items: rows,
    })
}

/// A finding's decisions, oldest first.
#[utoipa::path(get, path = "/findings/{id}/decisions", tag = "findings",
    params(("id" = i64, Path, description = "The finding")),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Decisions", body = Vec<Object>),
        (status = 404, description = "Unknown finding (or not yours)", body = ErrorBody)))]
async fn decisions(
    State(state): State<AppState>,
    User(p): User,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let view = Visibility::of(&p);
    let kind = p.kind;
    let rows = as_user(&state, &p, move |s| {
        if !s.sees_finding(&view, id)? {
            return Err(StoreError::NotFound(format!("unknown finding {id}")));
        }
        // Decisions on assets are seen by those who see the asset; a manufacturer sees none
        // (even of assets shared with it: the hospital's triage is its own).
        let assets = s.visible_asset_names(&view)?;
        Ok(s.decisions(id)?
            .into_iter()
            .filter(|d| match &d.asset {
                None => true,
                Some(a) => kind != OrgKind::Mdm && assets.contains(a),
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(ApiJson(serde_json::to_value(rows).unwrap_or_default()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// affected | not_affected | fixed | under_investigation
    pub status: String,
    /// One of the five VEX justifications, with not_affected
    pub justification: Option<String>,
    pub note: Option<String>,
    /// `ORGANIZATION/ASSET-ID` for a decision on one asset (hospitals and providers)
    pub asset: Option<String>,
}

/// Decide on a finding: a manufacturer for its release, a hospital or provider for one of its
/// assets.
#[utoipa::path(post, path = "/findings/{id}/decisions", tag = "findings",
    params(("id" = i64, Path, description = "The finding")), request_body = DecisionRequest,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, description = "Recorded", body = Object),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown finding or asset (or not yours)", body = ErrorBody),
        (status = 422, description = "Bad decision", body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    Writer(p): Writer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Response, ApiError> {
    let principal = p.clone();
    let d = as_user(&state, &p, move |s| {
        s.decide_as(
            &principal,
            &DecisionInput {
                finding: id,
                asset: body.asset,
                status: body.status,
                justification: body.justification,
                note: body.note,
                by: principal.email.clone(),
            },
        )
    })
    .await?;
    Ok((StatusCode::CREATED, ApiJson(d)).into_response())
}

// ---- uploads -------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct FileQuery {
    /// The file's name, for messages and the log
    pub file: Option<String>,
}

fn import_kind(kind: &str) -> Result<ImportKind, ApiError> {
    ImportKind::from_file_name(&format!("{kind}.csv"))
        .ok_or_else(|| ApiError::not_found(format!("no inventory kind '{kind}'")))
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

/// Which inventory kinds an organization of this kind may upload (its own rows only).
fn may_upload(kind: OrgKind, what: ImportKind) -> bool {
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

/// Upload an inventory CSV (the same files as `baton import`), in one transaction. Every row
/// must be your organization's: a manufacturer uploads models and releases, a hospital assets,
/// agreements, capabilities, policies and assessments.
#[utoipa::path(post, path = "/imports/{kind}", tag = "uploads",
    params(("kind" = String, Path, description = "models | releases | assets | agreements | capabilities | policies | assessments"), FileQuery),
    request_body(content = String, content_type = "text/csv"),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Imported", body = Object),
        (status = 403, description = "Not your organization's rows, or not your kind of file", body = ErrorBody),
        (status = 422, description = "Bad file; nothing changed", body = ErrorBody)))]
async fn import_inventory(
    State(state): State<AppState>,
    Writer(p): Writer,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: Bytes,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let what = import_kind(&kind)?;
    if !may_upload(p.kind, what) {
        return Err(ApiError::forbidden(format!(
            "a {} organization does not upload {kind}",
            p.kind.key()
        )));
    }
    let file = q.file.unwrap_or_else(|| format!("{kind}.csv"));
    let names = named_organizations(what, &file, &body)?;
    let own = p.organization_id;
    let summary = as_user(&state, &p, move |s| {
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
    .await?;
    Ok(ApiJson(serde_json::to_value(summary).unwrap_or_default()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SbomQuery {
    /// `MANUFACTURER/MODEL@VERSION` (created when missing)
    pub release: String,
    pub file: Option<String>,
}

/// Upload an SBOM of one of your releases (a manufacturer).
#[utoipa::path(post, path = "/sboms", tag = "uploads", params(SbomQuery),
    request_body(content = String, content_type = "application/octet-stream"),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Stored", body = Object),
        (status = 403, description = "Not your release", body = ErrorBody),
        (status = 422, description = "Not an SBOM; nothing changed", body = ErrorBody)))]
async fn import_sbom(
    State(state): State<AppState>,
    Writer(p): Writer,
    ApiQuery(q): ApiQuery<SbomQuery>,
    body: Bytes,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let (manufacturer, _, _) = baton_store::parse_release_spec(&q.release)?;
    let file = q.file.unwrap_or_else(|| "sbom".into());
    let parsed =
        baton_sbom::parse(&file, &body).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let own = p.organization_id;
    let mdm = p.kind == OrgKind::Mdm;
    let release = q.release;
    let summary = as_user(&state, &p, move |s| {
        let theirs = s.organization(&manufacturer).map(|o| o.id).ok();
        if !mdm || theirs != Some(own) {
            return Err(StoreError::Forbidden(
                "only the manufacturer uploads a release's SBOM".into(),
            ));
        }
        s.import_sbom(&release, &file, &body, &parsed)
    })
    .await?;
    Ok(ApiJson(serde_json::to_value(summary).unwrap_or_default()))
}

/// Upload advisories or VEX (CSAF, OpenVEX, CycloneDX VEX, OSV, NVD, CVE 5). VEX statements
/// speak for your organization: a manufacturer's for its releases, a hospital's for its assets.
#[utoipa::path(post, path = "/advisories", tag = "uploads", params(FileQuery),
    request_body(content = String, content_type = "application/json"),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Stored and matched", body = Object),
        (status = 422, description = "Not an advisory; nothing changed", body = ErrorBody)))]
async fn import_advisories(
    State(state): State<AppState>,
    Writer(p): Writer,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: Bytes,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let file = q.file.unwrap_or_else(|| "advisory.json".into());
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
    let summary = as_user(&state, &p, move |s| {
        s.import_advisories_as(&principal, &docs)
    })
    .await?;
    Ok(ApiJson(serde_json::to_value(summary).unwrap_or_default()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentRequest {
    pub asset_id: String,
    /// YYYY-MM-DD [default today]
    pub date: Option<String>,
    pub assessor: String,
    /// accept | mitigate | replace | decommission
    pub decision: String,
    /// low | medium | high
    pub residual: Option<String>,
    pub note: Option<String>,
}

/// Record a risk assessment of one of your assets (a hospital).
#[utoipa::path(post, path = "/assessments", tag = "uploads", request_body = AssessmentRequest,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, description = "Recorded", body = Object),
        (status = 403, description = "Not a hospital", body = ErrorBody),
        (status = 404, description = "Unknown asset", body = ErrorBody),
        (status = 422, description = "Bad assessment", body = ErrorBody)))]
async fn record_assessment(
    State(state): State<AppState>,
    Writer(p): Writer,
    ApiJson(body): ApiJson<AssessmentRequest>,
) -> Result<Response, ApiError> {
    if p.kind != OrgKind::Hdo {
        return Err(ApiError::forbidden("a hospital assesses its own assets"));
    }
    let date = match &body.date {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::unprocessable("date must be YYYY-MM-DD"))?,
        None => today(),
    };
    let decision = body
        .decision
        .parse()
        .map_err(|e: baton_model::UnknownTerm| ApiError::unprocessable(e.to_string()))?;
    let residual = match &body.residual {
        Some(r) => Some(
            r.parse()
                .map_err(|e: baton_model::UnknownTerm| ApiError::unprocessable(e.to_string()))?,
        ),
        None => None,
    };
    let record = baton_formats::inventory::AssessmentRow {
        organization: p.organization.clone(),
        asset_id: body.asset_id,
        date,
        assessor: body.assessor,
        decision,
        residual,
        note: body.note,
    };
    let summary = as_user(&state, &p, move |s| s.assess(record, today())).await?;
    Ok((StatusCode::CREATED, ApiJson(summary)).into_response())
}

// ---- your organization -----------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct SharingRequest {
    /// nothing | counts | assets
    pub level: String,
}

/// Set what your hospital shares of its installed base with a manufacturer.
#[utoipa::path(put, path = "/sharing/{manufacturer}", tag = "organization",
    params(("manufacturer" = String, Path, description = "The manufacturer's name or alias")),
    request_body = SharingRequest,
    security(("bearer" = []), ("session" = [])),
    responses((status = 204, description = "Set"),
        (status = 403, description = "Not a hospital admin", body = ErrorBody),
        (status = 404, description = "Unknown manufacturer", body = ErrorBody)))]
async fn set_sharing(
    State(state): State<AppState>,
    OrgAdmin(p): OrgAdmin,
    ApiPath(manufacturer): ApiPath<String>,
    ApiJson(body): ApiJson<SharingRequest>,
) -> Result<StatusCode, ApiError> {
    if p.kind != OrgKind::Hdo {
        return Err(ApiError::forbidden("sharing is set by a hospital"));
    }
    let level = Sharing::parse(&body.level)?;
    let hospital = p.organization.clone();
    as_user(&state, &p, move |s| {
        s.set_sharing(&hospital, &manufacturer, level)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Users of your organization.
#[utoipa::path(get, path = "/users", tag = "organization",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Users", body = Vec<Object>),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    OrgAdmin(p): OrgAdmin,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let org = p.organization_id;
    let rows = as_user(&state, &p, move |s| s.users(Some(org))).await?;
    Ok(ApiJson(serde_json::to_value(rows).unwrap_or_default()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserRequest {
    pub email: String,
    /// admin | analyst | viewer
    pub role: String,
    /// At least 12 characters; without one the user signs in through OpenID Connect only
    pub password: Option<String>,
}

/// Add a user to your organization.
#[utoipa::path(post, path = "/users", tag = "organization", request_body = UserRequest,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, description = "Created", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "Bad user", body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    OrgAdmin(p): OrgAdmin,
    ApiJson(body): ApiJson<UserRequest>,
) -> Result<Response, ApiError> {
    let role = Role::parse(&body.role)?;
    let org = p.organization.clone();
    let user = as_user(&state, &p, move |s| {
        s.create_user(&body.email, &org, role, body.password.as_deref())
    })
    .await?;
    Ok((StatusCode::CREATED, ApiJson(user)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Days until it expires, 1–3650
    pub expires_days: i64,
    /// read | write [default read]
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub id: i64,
    /// Shown once: keep it; only its hash is stored.
    pub token: String,
    pub scope: String,
    pub expires_at: String,
}

/// Create an API token for yourself.
#[utoipa::path(post, path = "/tokens", tag = "organization", request_body = TokenRequest,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, description = "Created; the token is shown once", body = NewToken),
        (status = 403, description = "A read token cannot make a write token", body = ErrorBody),
        (status = 422, description = "Bad request", body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    User(p): User,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Response, ApiError> {
    let scope = TokenScope::parse(body.scope.as_deref().unwrap_or("read"))?;
    // A token never grants more than the credentials that made it.
    if matches!(p.token, Some((_, TokenScope::Read))) && scope == TokenScope::Write {
        return Err(ApiError::forbidden(
            "a read token cannot make a write token",
        ));
    }
    let email = p.email.clone();
    let (secret, row) = as_user(&state, &p, move |s| {
        s.create_token(&email, scope, body.expires_days)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(NewToken {
            id: row.id,
            token: secret,
            scope: row.scope.key().to_string(),
            expires_at: row.expires_at,
        }),
    )
        .into_response())
}

/// Revoke a token: your own, or (an admin) one of your organization's.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "organization",
    params(("id" = i64, Path, description = "The token")),
    security(("bearer" = []), ("session" = [])),
    responses((status = 204, description = "Revoked"),
        (status = 404, description = "Unknown token (or not yours)", body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    User(p): User,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let principal = p.clone();
    as_user(&state, &p, move |s| {
        let (row, org) = s.token(id)?;
        let own = row.user.eq_ignore_ascii_case(&principal.email);
        if !(own || (principal.can_administer() && org == principal.organization_id)) {
            return Err(StoreError::NotFound(format!("unknown token {id}")));
        }
        s.revoke_token(id)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- the audit log -----------------------------------------------------------------------------

/// The latest signed checkpoint of the audit log (C2SP tlog-checkpoint in a signed note).
#[utoipa::path(get, path = "/log/checkpoint", tag = "log",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The checkpoint", content_type = "text/plain", body = String),
        (status = 404, description = "The log is empty", body = ErrorBody)))]
async fn checkpoint(State(state): State<AppState>, User(p): User) -> Result<Response, ApiError> {
    let note = as_user(&state, &p, |s| s.latest_checkpoint()).await?;
    let note = note.ok_or_else(|| ApiError::not_found("the audit log is empty"))?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProveQuery {
    /// The entry's index
    pub entry: Option<u64>,
    /// A tree size: a consistency proof from it to the latest checkpoint instead
    pub from: Option<u64>,
}

/// A proof from the audit log: an entry's inclusion, or consistency since an earlier size.
/// Entries themselves are for the operator; a proof shows only hashes and the checkpoint.
#[utoipa::path(get, path = "/log/proof", tag = "log", params(ProveQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The proof", body = Object),
        (status = 404, description = "No such entry or size", body = ErrorBody),
        (status = 422, description = "Give entry or from", body = ErrorBody)))]
async fn prove(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let value = match (q.entry, q.from) {
        (Some(entry), None) => {
            let mut proof = as_user(&state, &p, move |s| s.prove_inclusion(entry)).await?;
            // The leaf says who did what; only its hash is given out.
            proof.leaf = String::new();
            serde_json::to_value(proof).unwrap_or_default()
        }
        (None, Some(from)) => {
            let proof = as_user(&state, &p, move |s| s.prove_consistency(from)).await?;
            serde_json::to_value(proof).unwrap_or_default()
        }
        _ => return Err(ApiError::unprocessable("give entry or from")),
    };
    Ok(ApiJson(value))
}
