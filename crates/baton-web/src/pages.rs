//! The page handlers. Each reads through the signed-in user's [`Visibility`] and changes data
//! with the store acting as that user; a record outside their view is "not found", like a
//! guessed id in the API, and the refusal is logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use baton_model::OrgKind;
use baton_model::reports::{HistoryRow, ResponsibilityRow};
use baton_server::AppState;
use baton_store::{
    AffectedRow, Decision, DecisionInput, FindingFilter, FindingRow, ImportKind, JUSTIFICATIONS,
    Page, Principal, Sharing, Store, StoreError, TokenScope, Visibility,
};
use serde::Deserialize;

use crate::auth::{Signed, check_form};
use crate::render::{self, Me, Pager, encode, query, severity};

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Run `work` on a store acting as the user. A refusal (not found, forbidden) is logged as one,
/// in the same trip to the pool, and shown as its page.
pub async fn run<T, F>(
    state: &AppState,
    principal: &Principal,
    what: String,
    work: F,
) -> Result<T, Response>
where
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let p = principal.clone();
    let answer = state
        .pool()
        .run(move |store| {
            store.act_as(&p);
            let result = work(store);
            if let Err(e @ (StoreError::NotFound(_) | StoreError::Forbidden(_))) = &result {
                let reason = match e {
                    StoreError::NotFound(_) => "404",
                    _ => "403",
                };
                if let Err(log) = store.record_refusal(&what, reason) {
                    tracing::warn!(error = %log, "a refusal could not be logged");
                }
            }
            result
        })
        .await;
    match answer {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(render::store_error(&e)),
        Err(e) => Err(render::unavailable(&e.to_string())),
    }
}

fn what(method: &str, uri: &OriginalUri) -> String {
    format!("{method} {}", uri.0.path())
}

pub async fn home(_: Signed) -> Response {
    render::see_other("/dashboard")
}

// ---- findings ----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct FindingsQuery {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub sort: Option<String>,
    pub kev: Option<String>,
    pub vulnerability: Option<String>,
    pub release: Option<String>,
    pub asset: Option<String>,
    pub offset: Option<usize>,
}

/// A finding as a list row shows it.
pub struct FindingItem {
    pub id: i64,
    pub vulnerability: String,
    pub release: String,
    pub component: String,
    pub status: String,
    pub severity: &'static str,
    pub score: String,
    pub kev: bool,
    pub epss: String,
    pub assets: i64,
}

impl FindingItem {
    pub fn of(f: &FindingRow) -> FindingItem {
        let score = f.cvss.as_ref().and_then(|c| c.score);
        FindingItem {
            id: f.finding_id,
            vulnerability: f.vulnerability_id.clone(),
            release: format!("{} {} {}", f.manufacturer, f.model, f.version),
            component: match &f.component_version {
                Some(v) => format!("{} {v}", f.component_name),
                None => f.component_name.clone(),
            },
            status: f.status.clone(),
            severity: severity(score),
            score: score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            kev: f.kev,
            epss: f
                .epss
                .as_ref()
                .map(|e| format!("{:.1}%", e.score * 100.0))
                .unwrap_or_default(),
            assets: f.assets,
        }
    }
}

#[derive(Template)]
#[template(path = "findings.html")]
struct FindingsPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    items: Vec<FindingItem>,
    pager: Pager,
    status: String,
    severity: String,
    sort: String,
    sorts: &'static [&'static str],
    kev: bool,
    vulnerability: String,
    release: String,
    asset: String,
    statuses: &'static [&'static str],
    severities: &'static [&'static str],
}

const STATUSES: &[&str] = &["affected", "under_investigation", "not_affected", "fixed"];
const LIMIT: usize = 50;

pub async fn findings(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    Query(q): Query<FindingsQuery>,
) -> Response {
    let clean = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    let severity = clean(&q.severity);
    if !severity.is_empty() && !baton_store::SEVERITIES.contains(&severity.as_str()) {
        return render::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("unknown severity '{severity}'"),
        );
    }
    let sort = clean(&q.sort);
    if !sort.is_empty() && !baton_store::FINDING_SORTS.contains(&sort.as_str()) {
        return render::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("unknown sort '{sort}'"),
        );
    }
    let (status, vulnerability, release, asset) = (
        clean(&q.status),
        clean(&q.vulnerability),
        clean(&q.release),
        clean(&q.asset),
    );
    let kev = q.kev.as_deref().is_some_and(|v| v == "1" || v == "on");
    if !status.is_empty() && !STATUSES.contains(&status.as_str()) {
        return render::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("unknown status '{status}'"),
        );
    }
    let some = |s: &String| (!s.is_empty()).then(|| s.clone());
    let filter = FindingFilter {
        asset: some(&asset),
        release: some(&release),
        status: some(&status),
        kev,
        vulnerability: some(&vulnerability),
        severity: some(&severity),
        sort: some(&sort),
        visibility: Visibility::of(&signed.principal),
    };
    let page = Page {
        offset: q.offset.unwrap_or(0),
        limit: LIMIT,
    };
    let found = run(&state, &signed.principal, what("GET", &uri), move |s| {
        s.findings_page(&filter, page)
    })
    .await;
    let (rows, total) = match found {
        Ok(v) => v,
        Err(res) => return res,
    };
    let base = query(&[
        ("status", &status),
        ("severity", &severity),
        ("sort", &sort),
        ("kev", if kev { "1" } else { "" }),
        ("vulnerability", &vulnerability),
        ("release", &release),
        ("asset", &asset),
    ]);
    render::html(&FindingsPage {
        me: signed.me(),
        section: "findings",
        today: today(),
        items: rows.iter().map(FindingItem::of).collect(),
        pager: Pager {
            offset: page.offset,
            limit: LIMIT,
            total: total.max(0) as usize,
            base,
        },
        status,
        severity,
        sort,
        sorts: &baton_store::FINDING_SORTS,
        kev,
        vulnerability,
        release,
        asset,
        statuses: STATUSES,
        severities: &baton_store::SEVERITIES,
    })
}

/// One piece of a finding's evidence as the page shows it.
pub struct EvidenceItem {
    pub advisory: String,
    pub method: String,
    pub matched: String,
    pub range: String,
    pub version: String,
}

#[derive(Template)]
#[template(path = "finding.html")]
struct FindingPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    item: FindingItem,
    row: FindingRow,
    evidence: Vec<EvidenceItem>,
    decisions: Vec<Decision>,
    affected: Vec<AffectedRow>,
    affected_total: usize,
    justifications: &'static [&'static str],
    statuses: &'static [&'static str],
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

pub async fn finding(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Response {
    let view = Visibility::of(&signed.principal);
    let kind = signed.principal.kind;
    let on = today();
    let found = run(&state, &signed.principal, what("GET", &uri), move |s| {
        let Some(row) = s.finding(&view, id)? else {
            return Err(StoreError::NotFound(format!("unknown finding {id}")));
        };
        // As in the API: decisions on assets are seen by those who see the asset, and a
        // manufacturer sees none of a hospital's triage.
        let assets = s.visible_asset_names(&view)?;
        let decisions = s
            .decisions(id)?
            .into_iter()
            .filter(|d| match &d.asset {
                None => true,
                Some(a) => kind != OrgKind::Mdm && assets.contains(a),
            })
            .collect::<Vec<_>>();
        let (affected, total) = s.affected_page(
            &view,
            &row.vulnerability_id,
            on,
            Page {
                offset: 0,
                limit: 200,
            },
        )?;
        let affected = affected
            .into_iter()
            .filter(|a| a.findings.contains(&id))
            .collect::<Vec<_>>();
        Ok((row, decisions, affected, total))
    })
    .await;
    let (row, decisions, affected, affected_total) = match found {
        Ok(v) => v,
        Err(res) => return res,
    };
    render::html(&FindingPage {
        me: signed.me(),
        section: "findings",
        today: on,
        item: FindingItem::of(&row),
        evidence: row
            .evidence
            .iter()
            .map(|e| EvidenceItem {
                advisory: e.advisory.clone(),
                method: serde_json::to_value(e.method)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                matched: e.matched.clone(),
                range: e.range.clone().unwrap_or_default(),
                version: e.version.clone(),
            })
            .collect(),
        row,
        decisions,
        affected,
        affected_total,
        justifications: &JUSTIFICATIONS,
        statuses: STATUSES,
        saved: q.saved.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub csrf: String,
    pub status: String,
    pub justification: Option<String>,
    pub note: Option<String>,
    pub asset: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<DecisionForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    if !signed.principal.can_write() {
        return render::error_page(
            StatusCode::FORBIDDEN,
            "Recording a decision needs the analyst or admin role.",
        );
    }
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let principal = signed.principal.clone();
    let input = DecisionInput {
        finding: id,
        asset: nonempty(form.asset),
        status: form.status,
        justification: nonempty(form.justification),
        note: nonempty(form.note),
        by: principal.email.clone(),
    };
    match run(&state, &signed.principal, what("POST", &uri), move |s| {
        s.decide_as(&principal, &input)
    })
    .await
    {
        Ok(_) => render::see_other(&format!("/findings/{id}?saved=1")),
        Err(res) => res,
    }
}

// ---- assets ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "asset.html")]
struct AssetPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    organization: String,
    asset_id: String,
    manufacturer: String,
    model: String,
    version: String,
    status: String,
    site: String,
    department: String,
    zone: String,
    stage: String,
    next: Option<(String, String, String)>,
    transfer_window: bool,
    responsibilities: Vec<ResponsibilityRow>,
    history: Vec<HistoryRow>,
    items: Vec<FindingItem>,
    findings_total: i64,
    findings_link: String,
    model_link: String,
    can_assess: bool,
    decisions: &'static [&'static str],
    saved: bool,
}

pub async fn asset(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    Path((organization, asset_id)): Path<(String, String)>,
    Query(q): Query<SavedQuery>,
) -> Response {
    let view = Visibility::of(&signed.principal);
    let on = today();
    let (org, id) = (organization.clone(), asset_id.clone());
    let found = run(&state, &signed.principal, what("GET", &uri), move |s| {
        let Some((loaded, index)) = s.asset_fleet(&view, &org, &id)? else {
            return Err(StoreError::NotFound(format!("unknown asset '{org}/{id}'")));
        };
        let filter = FindingFilter {
            asset: Some(format!("{org}/{id}")),
            visibility: view,
            ..FindingFilter::default()
        };
        let findings = s.findings_page(
            &filter,
            Page {
                offset: 0,
                limit: LIMIT,
            },
        )?;
        Ok((loaded, index, findings))
    })
    .await;
    let (loaded, index, (findings, findings_total)) = match found {
        Ok(v) => v,
        Err(res) => return res,
    };
    let fleet = &loaded.fleet;
    let a = &fleet.assets[index];
    let model = &fleet.models[a.model];
    let milestones = fleet.asset_milestones(a);
    let stage = milestones.stage_on(on);
    let next = milestones.next_transition(on).map(|t| {
        (
            t.milestone.key().to_string(),
            t.date.to_string(),
            t.to.key().to_string(),
        )
    });
    let organization_name = fleet.organizations[a.organization].name.clone();
    let manufacturer = fleet.organizations[model.manufacturer].name.clone();
    let can_assess = signed.principal.can_write()
        && signed.principal.kind == OrgKind::Hdo
        && signed.principal.organization == organization_name;
    render::html(&AssetPage {
        me: signed.me(),
        section: "assets",
        today: on,
        findings_link: format!(
            "/findings?asset={}",
            encode(&format!("{organization_name}/{}", a.asset_id))
        ),
        model_link: format!("/models/{}/{}", encode(&manufacturer), encode(&model.name)),
        organization: organization_name,
        asset_id: a.asset_id.clone(),
        manufacturer,
        model: model.name.clone(),
        version: a
            .release
            .map(|r| fleet.releases[r].version.clone())
            .unwrap_or_else(|| "unknown".into()),
        status: a.status.key().to_string(),
        site: a.site.clone().unwrap_or_default(),
        department: a.department.clone().unwrap_or_default(),
        zone: a.network_zone.clone().unwrap_or_default(),
        stage: stage.key().to_string(),
        next,
        transfer_window: milestones.transfer_window_open(on),
        responsibilities: baton_model::reports::responsibilities(fleet, index, on),
        history: baton_model::reports::history(fleet, index),
        items: findings.iter().map(FindingItem::of).collect(),
        findings_total,
        can_assess,
        decisions: &["accept", "mitigate", "replace", "decommission"],
        saved: q.saved.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub struct AssessmentForm {
    pub csrf: String,
    pub asset_id: String,
    pub date: Option<String>,
    pub assessor: String,
    pub decision: String,
    pub residual: Option<String>,
    pub note: Option<String>,
}

pub async fn assess(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<AssessmentForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    let p = &signed.principal;
    if !(p.can_write() && p.kind == OrgKind::Hdo) {
        return render::error_page(
            StatusCode::FORBIDDEN,
            "A hospital's analyst or admin assesses its own assets.",
        );
    }
    let bad = |m: String| render::error_page(StatusCode::UNPROCESSABLE_ENTITY, &m);
    let date = match form
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => return bad("the date must be YYYY-MM-DD".into()),
        },
        None => today(),
    };
    let decision = match form.decision.parse() {
        Ok(d) => d,
        Err(e) => return bad(format!("{e}")),
    };
    let residual = match form
        .residual
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(r) => match r.parse() {
            Ok(r) => Some(r),
            Err(e) => return bad(format!("{e}")),
        },
        None => None,
    };
    if form.assessor.trim().is_empty() {
        return bad("name the assessor".into());
    }
    let asset_id = form.asset_id.trim().to_string();
    let record = baton_formats::inventory::AssessmentRow {
        organization: p.organization.clone(),
        asset_id: asset_id.clone(),
        date,
        assessor: form.assessor.trim().to_string(),
        decision,
        residual,
        note: form
            .note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
    };
    match run(&state, p, what("POST", &uri), move |s| {
        s.assess(record, today())
    })
    .await
    {
        Ok(_) => render::see_other(&format!(
            "/assets/{}/{}?saved=1",
            encode(&p.organization),
            encode(&asset_id)
        )),
        Err(res) => res,
    }
}

// ---- uploads -----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "uploads.html")]
struct UploadsPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    kinds: Vec<(&'static str, &'static str)>,
    document_kinds: Vec<&'static str>,
}

/// What each kind of organization may upload: (form value, label).
fn upload_kinds(kind: OrgKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match kind {
        OrgKind::Mdm => {
            out.push(("sbom", "SBOM of a release (CycloneDX or SPDX)"));
            out.push((
                "notice",
                "Lifecycle notice of a model or release (CycloneDX lifecycle, ECMA-428 CLE, OpenEoX)",
            ));
            out.push((
                "document",
                "Document of a release (test report, security guide, …)",
            ));
            out.push(("mds2", "MDS2 form of a release (xlsx)"));
            out.push(("models", "Device models (CSV)"));
            out.push(("releases", "Releases (CSV)"));
        }
        OrgKind::Hdo => {
            out.push(("assets", "Assets (CSV)"));
            out.push(("agreements", "Agreements (CSV)"));
            out.push(("capabilities", "Capabilities (CSV)"));
            out.push(("policies", "Policies (CSV)"));
            out.push(("assessments", "Assessments (CSV)"));
        }
        OrgKind::ThirdParty => out.push(("capabilities", "Capabilities (CSV)")),
    }
    out.push((
        "advisories",
        "Advisories or VEX (CSAF, OpenVEX, CycloneDX VEX, OSV, NVD, CVE 5)",
    ));
    out
}

pub async fn uploads(signed: Signed) -> Response {
    if !signed.principal.can_write() {
        return render::error_page(
            StatusCode::FORBIDDEN,
            "Uploads need the analyst or admin role.",
        );
    }
    render::html(&UploadsPage {
        kinds: upload_kinds(signed.principal.kind),
        document_kinds: baton_model::DocumentKind::ALL
            .iter()
            .map(|k| k.key())
            .collect(),
        me: signed.me(),
        section: "uploads",
        today: today(),
    })
}

/// One line of an import's outcome.
pub struct Outcome {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "upload_result.html")]
struct UploadResult {
    ok: bool,
    file: String,
    kind: String,
    message: String,
    outcome: Vec<Outcome>,
    warnings: Vec<String>,
    link: Option<(String, String)>,
}

fn upload_error(file: &str, kind: &str, status: StatusCode, message: String) -> Response {
    let mut res = render::html(&UploadResult {
        ok: false,
        file: file.to_string(),
        kind: kind.to_string(),
        message,
        outcome: Vec::new(),
        warnings: Vec::new(),
        link: None,
    });
    *res.status_mut() = status;
    res
}

/// A summary's scalar fields as lines, and every string of its `warnings` lists (at any depth)
/// as warnings, each already naming its place.
fn outcome_of(summary: &serde_json::Value) -> (Vec<Outcome>, Vec<String>) {
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    fn walk(
        prefix: &str,
        v: &serde_json::Value,
        lines: &mut Vec<Outcome>,
        warnings: &mut Vec<String>,
    ) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() {
                        k.replace('_', " ")
                    } else {
                        format!("{prefix} · {}", k.replace('_', " "))
                    };
                    if (k.contains("warning") || k == "errors")
                        && let serde_json::Value::Array(items) = v
                    {
                        for w in items {
                            warnings.push(match w {
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            });
                        }
                        continue;
                    }
                    walk(&name, v, lines, warnings);
                }
            }
            serde_json::Value::Array(items) => {
                if items.len() <= 8 && items.iter().all(|i| !i.is_object() && !i.is_array()) {
                    lines.push(Outcome {
                        label: prefix.to_string(),
                        value: items
                            .iter()
                            .map(|i| i.as_str().map(str::to_string).unwrap_or(i.to_string()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                } else {
                    lines.push(Outcome {
                        label: prefix.to_string(),
                        value: format!("{} entries", items.len()),
                    });
                }
            }
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => lines.push(Outcome {
                label: prefix.to_string(),
                value: s.clone(),
            }),
            other => lines.push(Outcome {
                label: prefix.to_string(),
                value: other.to_string(),
            }),
        }
    }
    walk("", summary, &mut lines, &mut warnings);
    (lines, warnings)
}

/// An upload from the uploads page: one file, one transaction, the outcome row by row. The
/// checks and the import are the API's own (`baton_server::uploads`).
pub async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let mut fields: std::collections::HashMap<String, String> = Default::default();
    let mut file_name = String::new();
    let mut bytes: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return upload_error(
                    "upload",
                    "",
                    StatusCode::BAD_REQUEST,
                    format!("the upload could not be read: {e}"),
                );
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            file_name = field
                .file_name()
                .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_string())
                .unwrap_or_default();
            match field.bytes().await {
                Ok(b) => bytes = Some(b.to_vec()),
                Err(e) => {
                    return upload_error(
                        &file_name,
                        "",
                        StatusCode::BAD_REQUEST,
                        format!("the file could not be read: {e}"),
                    );
                }
            }
        } else if matches!(
            name.as_str(),
            "csrf" | "kind" | "release" | "model" | "announced" | "document_kind"
        ) {
            let text = field.text().await.unwrap_or_default();
            fields.insert(name, text.trim().to_string());
        }
    }
    let field = |k: &str| fields.get(k).cloned().unwrap_or_default();
    if let Err(res) = check_form(&state, &headers, &field("csrf")) {
        return res;
    }
    let kind = field("kind");
    let p = signed.principal.clone();
    if !p.can_write() {
        return upload_error(
            &file_name,
            &kind,
            StatusCode::FORBIDDEN,
            "Uploads need the analyst or admin role.".into(),
        );
    }
    if !upload_kinds(p.kind).iter().any(|(k, _)| *k == kind) {
        return upload_error(
            &file_name,
            &kind,
            StatusCode::FORBIDDEN,
            format!("A {} organization does not upload '{kind}'.", p.kind.key()),
        );
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return upload_error(
            &file_name,
            &kind,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a file to upload.".into(),
        );
    };
    if file_name.is_empty() {
        file_name = format!("{kind}-upload");
    }
    let file = file_name.clone();
    let body = axum::body::Bytes::from(bytes);
    use baton_server::uploads;
    fn json<T: serde::Serialize>(v: T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }
    let (result, link) = match kind.as_str() {
        "sbom" => (
            uploads::sbom(&state, &p, field("release"), file, body)
                .await
                .map(json),
            Some((
                format!("/findings?release={}", encode(&field("release"))),
                "See this release's findings".to_string(),
            )),
        ),
        "advisories" => (
            uploads::advisories(&state, &p, file, body).await.map(json),
            Some(("/findings".to_string(), "See findings".to_string())),
        ),
        "notice" => {
            let target = uploads::NoticeTarget {
                model: Some(field("model")),
                release: Some(field("release")),
            };
            let announced = field("announced");
            (
                uploads::notices(&state, &p, target, Some(&announced), file, body)
                    .await
                    .map(json),
                None,
            )
        }
        "document" => (
            uploads::document(
                &state,
                &p,
                field("release"),
                &field("document_kind"),
                file,
                body,
            )
            .await
            .map(json),
            None,
        ),
        "mds2" => (
            uploads::mds2(&state, &p, field("release"), file, body)
                .await
                .map(json),
            None,
        ),
        other => (
            uploads::inventory(&state, &p, other, file, body)
                .await
                .map(json),
            Some(("/assets".to_string(), "See assets".to_string())),
        ),
    };
    match result {
        Ok(summary) => {
            let (outcome, warnings) = outcome_of(&summary);
            render::html(&UploadResult {
                ok: true,
                file: file_name,
                kind,
                message: "Imported in one transaction.".into(),
                outcome,
                warnings,
                link,
            })
        }
        Err(e) => {
            // Refusals are logged, as the API's are.
            if matches!(e.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
                let what = what("POST", &uri);
                let reason = e.status().as_u16().to_string();
                let principal = p.clone();
                let _ = state
                    .pool()
                    .run(move |s| {
                        s.act_as(&principal);
                        s.record_refusal(&what, &reason)
                    })
                    .await;
            }
            upload_error(&file_name, &kind, e.status(), e.message().to_string())
        }
    }
}

// ---- settings ----------------------------------------------------------------------------------

pub struct UserItem {
    pub email: String,
    pub role: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    sharing: Vec<(String, String)>,
    users: Vec<UserItem>,
    new_token: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    pub saved: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    Query(q): Query<SettingsQuery>,
) -> Response {
    settings_page(
        &state,
        &signed,
        &uri,
        None,
        q.saved.map(|s| format!("Saved: {s}.")),
    )
    .await
}

async fn settings_page(
    state: &AppState,
    signed: &Signed,
    uri: &OriginalUri,
    new_token: Option<String>,
    message: Option<String>,
) -> Response {
    let p = signed.principal.clone();
    let found = run(state, &signed.principal, what("GET", uri), move |s| {
        let mut sharing = Vec::new();
        if p.kind == OrgKind::Hdo {
            for org in s.organizations()? {
                if org.kind == OrgKind::Mdm {
                    let level = s.sharing(p.organization_id, &org.name)?;
                    sharing.push((org.name, level.key().to_string()));
                }
            }
        }
        let users = if p.can_administer() {
            s.users(Some(p.organization_id))?
                .into_iter()
                .map(|u| UserItem {
                    email: u.email,
                    role: u.role.key().to_string(),
                    disabled: u.disabled,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok((sharing, users))
    })
    .await;
    let (sharing, users) = match found {
        Ok(v) => v,
        Err(res) => return res,
    };
    render::html(&SettingsPage {
        me: signed.me(),
        section: "settings",
        today: today(),
        sharing,
        users,
        new_token,
        message,
    })
}

#[derive(Debug, Deserialize)]
pub struct SharingForm {
    pub csrf: String,
    pub manufacturer: String,
    pub level: String,
}

pub async fn set_sharing(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SharingForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    let p = signed.principal.clone();
    if !(p.can_administer() && p.kind == OrgKind::Hdo) {
        return render::error_page(
            StatusCode::FORBIDDEN,
            "Sharing is set by a hospital's admin.",
        );
    }
    let level = match Sharing::parse(&form.level) {
        Ok(l) => l,
        Err(e) => return render::store_error(&e),
    };
    let manufacturer = form.manufacturer.clone();
    let hospital = p.organization.clone();
    match run(&state, &p, what("POST", &uri), move |s| {
        s.set_sharing(&hospital, &manufacturer, level)
    })
    .await
    {
        Ok(_) => render::see_other(&format!(
            "/settings?saved={}",
            encode(&format!("sharing with {}", form.manufacturer))
        )),
        Err(res) => res,
    }
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    pub csrf: String,
    pub email: String,
    pub role: String,
    pub password: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<UserForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    let p = signed.principal.clone();
    if !p.can_administer() {
        return render::error_page(StatusCode::FORBIDDEN, "Adding users needs the admin role.");
    }
    let role = match crate::auth::parse_role(&form.role) {
        Ok(r) => r,
        Err(res) => return res,
    };
    let email = form.email.trim().to_string();
    let password = Some(form.password).filter(|p| !p.is_empty());
    let org = p.organization.clone();
    let added = email.clone();
    match run(&state, &p, what("POST", &uri), move |s| {
        s.create_user(&email, &org, role, password.as_deref())
    })
    .await
    {
        Ok(_) => render::see_other(&format!("/settings?saved={}", encode(&added))),
        Err(res) => res,
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    pub csrf: String,
    pub days: i64,
    pub scope: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<TokenForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    let scope = match TokenScope::parse(&form.scope) {
        Ok(s) => s,
        Err(e) => return render::store_error(&e),
    };
    if scope == TokenScope::Write && !signed.principal.can_write() {
        return render::error_page(StatusCode::FORBIDDEN, "A viewer's tokens can only read.");
    }
    let email = signed.principal.email.clone();
    let days = form.days;
    match run(&state, &signed.principal, what("POST", &uri), move |s| {
        s.create_token(&email, scope, days)
    })
    .await
    {
        // The secret is shown once, on this response only; it is never stored in clear.
        Ok((secret, _)) => {
            settings_page(
                &state,
                &signed,
                &uri,
                Some(secret),
                Some("Token created. Copy it now: it is not shown again.".into()),
            )
            .await
        }
        Err(res) => res,
    }
}

// ---- device models -----------------------------------------------------------------------------

pub struct ReleaseItem {
    pub version: String,
    pub released: String,
    pub stage: String,
    pub eol: String,
    pub eos: String,
    pub assets: usize,
    pub findings_link: String,
    pub link: String,
    pub selected: bool,
}

pub struct MatrixRow {
    pub task: String,
    /// Per stage: (the default party, the party for the organization shown when an agreement
    /// changes it, the source when it does).
    pub cells: Vec<(String, Option<String>, String)>,
}

pub struct ComponentItem {
    pub name: String,
    pub version: String,
    pub supplier: String,
    pub purl: String,
    pub support_level: String,
    pub end_of_support: String,
    pub unsupported: bool,
}

pub struct CoverageItem {
    pub title: String,
    pub questions: usize,
    pub yes: usize,
    pub no: usize,
    pub unanswered: usize,
    pub gaps: String,
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    d: Arc<ModelView>,
}

/// What a device model page shows an organization, kept until the audit log moves.
pub struct ModelView {
    manufacturer: String,
    model: String,
    model_number: String,
    device_type: String,
    criticality: String,
    stage: String,
    next: Option<(String, String)>,
    transfer_window: bool,
    assets: usize,
    milestones: Vec<(String, String, String)>,
    notices: Vec<String>,
    releases: Vec<ReleaseItem>,
    release: String,
    sbom: Option<String>,
    components: Vec<ComponentItem>,
    components_total: usize,
    items: Vec<FindingItem>,
    findings_total: i64,
    findings_link: String,
    docs_present: Vec<String>,
    docs_missing: Vec<String>,
    coverage: Vec<CoverageItem>,
    stages: Vec<String>,
    matrix: Vec<MatrixRow>,
    agreement_org: Option<String>,
}

/// Device model pages per organization and address, with the audit log size and day they
/// reflect.
#[derive(Clone, Default)]
pub struct ModelCache {
    held: Arc<Mutex<HashMap<(i64, String), HeldModel>>>,
}

type HeldModel = (u64, chrono::NaiveDate, Arc<ModelView>);

/// Pages kept at most; past it the cache starts again.
const MODEL_CACHE_LIMIT: usize = 2_000;

/// The release shown in detail, read from the store.
struct ModelDetail {
    release: usize,
    spec: String,
    sbom: Option<baton_store::SbomInfo>,
    components: Vec<baton_store::ComponentRow>,
    form: Option<String>,
    findings: (Vec<FindingRow>, i64),
}

enum ModelRead {
    Held(Arc<ModelView>),
    Fresh(Box<(u64, baton_store::LoadedFleet, usize, Option<ModelDetail>)>),
}

#[derive(Debug, Default, Deserialize)]
pub struct ModelQuery {
    pub release: Option<String>,
}

pub async fn model(
    State(state): State<AppState>,
    Extension(cache): Extension<ModelCache>,
    signed: Signed,
    uri: OriginalUri,
    Path((manufacturer, model)): Path<(String, String)>,
    Query(q): Query<ModelQuery>,
) -> Response {
    use baton_model::{Stage, Task};
    let view = Visibility::of(&signed.principal);
    let on = today();
    let (mfr, name) = (manufacturer.clone(), model.clone());
    let wanted = q.release.clone();
    let key = (signed.principal.organization_id, uri.0.to_string());
    let held = cache
        .held
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .cloned();
    let found = run(&state, &signed.principal, what("GET", &uri), move |s| {
        let size = s.log_size()?;
        if let Some((held_size, held_on, v)) = held
            && held_size == size
            && held_on == on
        {
            return Ok(ModelRead::Held(v));
        }
        let Some((loaded, index)) = s.model_fleet(&view, &mfr, &name)? else {
            return Err(StoreError::NotFound(format!(
                "unknown device model '{mfr}/{name}'"
            )));
        };
        let fleet = &loaded.fleet;
        let m = &fleet.models[index];
        let maker = fleet.organizations[m.manufacturer].name.clone();
        // The release shown in detail: the one asked for, else the newest with an SBOM, else
        // the newest.
        let releases: Vec<usize> = (0..fleet.releases.len())
            .filter(|r| fleet.releases[*r].model == index)
            .collect();
        let with_sbom = |r: &usize| fleet.components.iter().any(|c| c.release == *r);
        let chosen = wanted
            .as_deref()
            .and_then(|v| releases.iter().find(|r| fleet.releases[**r].version == v))
            .or_else(|| releases.iter().rev().find(|r| with_sbom(r)))
            .or_else(|| releases.last())
            .copied();
        let mut detail = None;
        if let Some(r) = chosen {
            let spec = format!("{maker}/{}@{}", m.name, fleet.releases[r].version);
            let sbom = s.sboms(&spec)?.into_iter().find(|i| i.current);
            let components = match &sbom {
                Some(info) => s.sbom_components(info)?,
                None => Vec::new(),
            };
            let form = s.mds2_form(&spec)?;
            let findings = s.findings_page(
                &FindingFilter {
                    release: Some(spec.clone()),
                    visibility: view,
                    ..FindingFilter::default()
                },
                Page {
                    offset: 0,
                    limit: 20,
                },
            )?;
            detail = Some(ModelDetail {
                release: r,
                spec,
                sbom,
                components,
                form,
                findings,
            });
        }
        Ok(ModelRead::Fresh(Box::new((size, loaded, index, detail))))
    })
    .await;
    let (size, loaded, index, detail) = match found {
        Ok(ModelRead::Fresh(fresh)) => *fresh,
        Ok(ModelRead::Held(d)) => {
            return render::html(&ModelPage {
                me: signed.me(),
                section: "assets",
                today: on,
                d,
            });
        }
        Err(res) => return res,
    };
    let fleet = &loaded.fleet;
    let m = &fleet.models[index];
    let maker = fleet.organizations[m.manufacturer].name.clone();
    let life = baton_model::reports::lifecycle(fleet, on, Default::default())
        .into_iter()
        .find(|r| r.manufacturer == maker && r.model == m.name);
    let mut milestones = Vec::new();
    if let Some(d) = m.milestones.general_availability {
        milestones.push((
            "general availability".to_string(),
            d.to_string(),
            String::new(),
        ));
    }
    for (kind, dated) in [
        ("end of life (EOL)", m.milestones.eol),
        ("end of support (EOS)", m.milestones.eos),
    ] {
        if let Some(d) = dated {
            milestones.push((
                kind.to_string(),
                d.date.to_string(),
                d.announced.map(|a| a.to_string()).unwrap_or_default(),
            ));
        }
    }
    let releases: Vec<ReleaseItem> = (0..fleet.releases.len())
        .filter(|r| fleet.releases[*r].model == index)
        .map(|r| {
            let rel = &fleet.releases[r];
            let ms = fleet.release_milestones(r);
            let spec = format!("{maker}/{}@{}", m.name, rel.version);
            ReleaseItem {
                version: rel.version.clone(),
                released: rel.released.map(|d| d.to_string()).unwrap_or_default(),
                stage: ms.stage_on(on).key().to_string(),
                eol: ms.eol.map(|d| d.date.to_string()).unwrap_or_default(),
                eos: ms.eos.map(|d| d.date.to_string()).unwrap_or_default(),
                assets: fleet
                    .assets
                    .iter()
                    .filter(|a| {
                        a.release == Some(r) && a.status != baton_model::AssetStatus::Decommissioned
                    })
                    .count(),
                findings_link: format!("/findings?release={}", encode(&spec)),
                link: format!("?release={}", encode(&rel.version)),
                selected: detail.as_ref().is_some_and(|d| d.release == r),
            }
        })
        .collect();
    let docs = baton_model::reports::docs(fleet, on, Default::default());
    let (mut docs_present, mut docs_missing) = (Vec::new(), Vec::new());
    let mut release = String::new();
    let mut sbom_label = None;
    let mut components = Vec::new();
    let mut components_total = 0;
    let mut items = Vec::new();
    let mut findings_total = 0;
    let mut findings_link = String::new();
    let mut coverage = Vec::new();
    if let Some(ModelDetail {
        release: r,
        spec,
        sbom,
        components: rows,
        form,
        findings: (findings, total),
    }) = &detail
    {
        release = fleet.releases[*r].version.clone();
        if let Some(row) = docs
            .iter()
            .find(|d| d.manufacturer == maker && d.model == m.name && d.version == release)
        {
            docs_present = row.present.iter().map(|k| k.key().to_string()).collect();
            docs_missing = row
                .missing
                .iter()
                .map(|d| format!("{} ({})", d.kind.key(), d.source))
                .collect();
        }
        sbom_label = sbom.as_ref().map(|i| {
            format!(
                "{} {} ({} components, {} warnings), imported {}",
                i.format, i.spec_version, i.components, i.warnings, i.imported_at
            )
        });
        components_total = rows.len();
        components = rows
            .iter()
            .take(200)
            .map(|c| {
                let eos = c.end_of_support.clone().unwrap_or_default();
                ComponentItem {
                    name: c.name.clone(),
                    version: c.version.clone().unwrap_or_default(),
                    supplier: c.supplier.clone().unwrap_or_default(),
                    purl: c.purl.clone().unwrap_or_default(),
                    support_level: c.support_level.clone().unwrap_or_default(),
                    unsupported: !eos.is_empty() && eos.as_str() < on.to_string().as_str(),
                    end_of_support: eos,
                }
            })
            .collect();
        items = findings.iter().map(FindingItem::of).collect();
        findings_total = *total;
        findings_link = format!("/findings?release={}", encode(spec));
        if let Some(json) = form
            && let Ok(parsed) = serde_json::from_str::<baton_mds2::Mds2Form>(json)
        {
            coverage = baton_mds2::coverage(&parsed)
                .into_iter()
                .map(|c| CoverageItem {
                    title: c.category.title().to_string(),
                    questions: c.questions,
                    yes: c.yes,
                    no: c.no,
                    unanswered: c.unanswered,
                    gaps: c.gaps.join(", "),
                })
                .collect();
        }
    }
    // The matrix by stage: the default, and what an agreement changes for the organization of
    // the first asset the user sees (their own hospital's, for a hospital).
    let fleet_index = fleet.index();
    let agreement_asset = fleet
        .assets
        .iter()
        .find(|a| fleet.organizations[a.organization].name == signed.principal.organization)
        .or_else(|| fleet.assets.first());
    let stages: Vec<Stage> = Stage::ALL.to_vec();
    let matrix = Task::ALL
        .iter()
        .map(|task| MatrixRow {
            task: task.key().to_string(),
            cells: stages
                .iter()
                .map(|stage| {
                    let cell = baton_model::responsibility::default_cell(*task, *stage);
                    let default = party_text(cell.party, cell.lead, None);
                    match agreement_asset {
                        Some(a) => {
                            let r = baton_model::reports::resolve(&fleet_index, a, *task, *stage);
                            let resolved = party_text(r.party, r.lead, r.provider.as_deref());
                            if resolved != default {
                                (default, Some(resolved), r.source)
                            } else {
                                (default, None, String::new())
                            }
                        }
                        None => (default, None, String::new()),
                    }
                })
                .collect(),
        })
        .collect();
    let notices = life
        .as_ref()
        .map(|l| {
            l.notice_findings
                .iter()
                .map(|n| {
                    let kind = serde_json::to_value(n.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    match (n.announced, n.lead_days) {
                        (Some(a), Some(days)) => format!(
                            "{} on {}: announced {a}, {days} days ahead; {} required ({kind})",
                            n.milestone.key(),
                            n.date,
                            n.required_days
                        ),
                        _ => format!(
                            "{} on {}: never announced; {} days' notice required ({kind})",
                            n.milestone.key(),
                            n.date,
                            n.required_days
                        ),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let d = Arc::new(ModelView {
        manufacturer: maker,
        model: m.name.clone(),
        model_number: m.model_number.clone().unwrap_or_default(),
        device_type: m.device_type.clone().unwrap_or_default(),
        criticality: m
            .criticality
            .map(|c| c.key().to_string())
            .unwrap_or_default(),
        stage: life
            .as_ref()
            .map(|l| l.stage.key().to_string())
            .unwrap_or_else(|| m.milestones.stage_on(on).key().to_string()),
        next: life.as_ref().and_then(|l| {
            Some((
                l.next_milestone?.key().to_string(),
                l.next_milestone_date?.to_string(),
            ))
        }),
        transfer_window: life.as_ref().is_some_and(|l| l.transfer_window),
        assets: life.as_ref().map(|l| l.assets).unwrap_or(0),
        milestones,
        notices,
        releases,
        release,
        sbom: sbom_label,
        components,
        components_total,
        items,
        findings_total,
        findings_link,
        docs_present,
        docs_missing,
        coverage,
        stages: stages.iter().map(|s| s.key().to_string()).collect(),
        matrix,
        agreement_org: agreement_asset.map(|a| fleet.organizations[a.organization].name.clone()),
    });
    {
        let mut held = cache.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.len() >= MODEL_CACHE_LIMIT {
            held.clear();
        }
        held.insert(key, (size, on, d.clone()));
    }
    render::html(&ModelPage {
        me: signed.me(),
        section: "assets",
        today: on,
        d,
    })
}

fn party_text(
    party: baton_model::Party,
    lead: Option<baton_model::Party>,
    provider: Option<&str>,
) -> String {
    let mut text = party.key().to_string();
    if let Some(l) = lead {
        text.push_str(&format!(" ({} leads)", l.key()));
    }
    if let Some(p) = provider {
        text.push_str(&format!(" via {p}"));
    }
    text
}

// ---- agreements and capabilities ---------------------------------------------------------------

/// One CSV line, every field quoted.
fn csv_line(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect();
    format!("{}\n", quoted.join(","))
}

pub struct AgreementItem {
    pub manufacturer: String,
    pub model: String,
    pub hdo: String,
    pub task: String,
    pub stage: String,
    pub party: String,
    pub lead: String,
    pub provider: String,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct AgreementsPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    rows: Vec<AgreementItem>,
    manufacturers: Vec<String>,
    providers: Vec<String>,
    tasks: Vec<&'static str>,
    stages: Vec<&'static str>,
    parties: Vec<&'static str>,
    can_edit: bool,
    saved: bool,
}

pub async fn agreements(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    Query(q): Query<SavedQuery>,
) -> Response {
    let snap = match crate::dashboard::snapshot(&state).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let view = Visibility::of(&signed.principal);
    let rows = baton_server::fleet::agreements(&snap, &view)
        .into_iter()
        .map(|a| AgreementItem {
            manufacturer: a.manufacturer,
            model: a.model.unwrap_or_else(|| "every model".into()),
            hdo: a.hdo,
            task: a.task.key().to_string(),
            stage: a
                .stage
                .map(|s| s.key().to_string())
                .unwrap_or_else(|| "every stage".into()),
            party: a.party.key().to_string(),
            lead: a.lead.map(|l| l.key().to_string()).unwrap_or_default(),
            provider: a.provider.unwrap_or_default(),
        })
        .collect();
    let found = run(&state, &signed.principal, what("GET", &uri), |s| {
        s.organizations()
    })
    .await;
    let organizations = match found {
        Ok(o) => o,
        Err(res) => return res,
    };
    let names = |kind: OrgKind| {
        organizations
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
    };
    render::html(&AgreementsPage {
        can_edit: signed.principal.can_write() && signed.principal.kind == OrgKind::Hdo,
        me: signed.me(),
        section: "settings",
        today: today(),
        rows,
        manufacturers: names(OrgKind::Mdm),
        providers: names(OrgKind::ThirdParty),
        tasks: baton_model::Task::ALL.iter().map(|t| t.key()).collect(),
        stages: baton_model::Stage::ALL.iter().map(|s| s.key()).collect(),
        parties: baton_model::Party::ALL.iter().map(|p| p.key()).collect(),
        saved: q.saved.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub struct AgreementForm {
    pub csrf: String,
    pub manufacturer: String,
    pub model: Option<String>,
    pub task: String,
    pub stage: Option<String>,
    pub party: String,
    pub lead: Option<String>,
    pub provider: Option<String>,
}

/// Add or change one agreement cell of the hospital's own, through the agreements import (so it
/// is checked, stored and logged exactly like a row of `agreements.csv`).
pub async fn save_agreement(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<AgreementForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    let p = signed.principal.clone();
    if !(p.can_write() && p.kind == OrgKind::Hdo) {
        return render::error_page(
            StatusCode::FORBIDDEN,
            "A hospital's analyst or admin records its agreements.",
        );
    }
    let opt = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    let mut csv = baton_formats::inventory::AGREEMENT_COLUMNS.join(",");
    csv.push('\n');
    csv.push_str(&csv_line(&[
        form.manufacturer.trim(),
        &opt(&form.model),
        &p.organization,
        form.task.trim(),
        &opt(&form.stage),
        form.party.trim(),
        &opt(&form.lead),
        &opt(&form.provider),
    ]));
    match run(&state, &p, what("POST", &uri), move |s| {
        s.import(
            ImportKind::Agreements,
            "agreement form",
            csv.as_bytes(),
            today(),
        )
    })
    .await
    {
        Ok(_) => render::see_other("/agreements?saved=1"),
        Err(res) => res,
    }
}

#[derive(Template)]
#[template(path = "capabilities.html")]
struct CapabilitiesPage {
    me: Me,
    section: &'static str,
    today: chrono::NaiveDate,
    rows: Vec<(&'static str, Option<bool>)>,
    saved: bool,
}

pub async fn capabilities(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<SavedQuery>,
) -> Response {
    let snap = match crate::dashboard::snapshot(&state).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let fleet = &snap.loaded().fleet;
    let own = snap
        .loaded()
        .org_ids
        .iter()
        .position(|id| *id == signed.principal.organization_id);
    let rows = baton_model::Task::ALL
        .iter()
        .map(|t| {
            let declared = fleet
                .capabilities
                .iter()
                .rev()
                .find(|c| Some(c.organization) == own && c.task == *t)
                .map(|c| c.capable);
            (t.key(), declared)
        })
        .collect();
    render::html(&CapabilitiesPage {
        me: signed.me(),
        section: "settings",
        today: today(),
        rows,
        saved: q.saved.is_some(),
    })
}

/// Declare what the organization can do, task by task, through the capabilities import.
pub async fn save_capabilities(
    State(state): State<AppState>,
    signed: Signed,
    uri: OriginalUri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let csrf = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if let Err(res) = check_form(&state, &headers, csrf) {
        return res;
    }
    let p = signed.principal.clone();
    if !p.can_write() {
        return render::error_page(
            StatusCode::FORBIDDEN,
            "Declaring capabilities needs the analyst or admin role.",
        );
    }
    let mut csv = baton_formats::inventory::CAPABILITY_COLUMNS.join(",");
    csv.push('\n');
    let mut rows = 0;
    for (key, value) in &form {
        let Some(task) = key.strip_prefix("task:") else {
            continue;
        };
        let capable = match value.as_str() {
            "yes" => "true",
            "no" => "false",
            _ => continue,
        };
        csv.push_str(&csv_line(&[&p.organization, task, capable]));
        rows += 1;
    }
    if rows == 0 {
        return render::see_other("/capabilities");
    }
    match run(&state, &p, what("POST", &uri), move |s| {
        s.import(
            ImportKind::Capabilities,
            "capabilities form",
            csv.as_bytes(),
            today(),
        )
    })
    .await
    {
        Ok(_) => render::see_other("/capabilities?saved=1"),
        Err(res) => res,
    }
}
