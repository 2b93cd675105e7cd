//! Signing in and out with the session cookie, the signed-in user of a page, and the CSRF check
//! of the pages' forms.
//!
//! The session and its CSRF token are the API's own (`baton_server::session`): a form carries
//! the token in a hidden `csrf` field, which is checked exactly as the API checks the
//! `X-CSRF-Token` header, after the same `Origin` and `Sec-Fetch-Site` checks.

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use baton_server::AppState;
use baton_server::session::{CSRF_HEADER, check_csrf, csrf_token_for};
use baton_store::{Principal, Role, StoreError};
use serde::Deserialize;

use crate::render::{self, Me};

/// The signed-in user of a page, from the session cookie; a browser without one is sent to the
/// sign-in form, which brings it back afterwards.
#[derive(Debug, Clone)]
pub struct Signed {
    pub principal: Principal,
    /// The session's CSRF token, for the page's forms.
    pub csrf: String,
}

impl Signed {
    pub fn me(&self) -> Me {
        Me {
            email: self.principal.email.clone(),
            organization: self.principal.organization.clone(),
            kind: self.principal.kind.key().to_string(),
            role: self.principal.role.key().to_string(),
            csrf: self.csrf.clone(),
            can_write: self.principal.can_write(),
            is_admin: self.principal.can_administer(),
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = format!("/login?next={}", render::encode(next));
            render::see_other(&target)
        };
        let Some(token) = state
            .cookies()
            .session_token(&parts.headers)
            .map(str::to_string)
        else {
            return Err(to_login());
        };
        let lookup = token.clone();
        match state.pool().run(move |s| s.session(&lookup)).await {
            Ok(Ok(Some((principal, _)))) => Ok(Signed {
                principal,
                csrf: csrf_token_for(&token),
            }),
            Ok(Ok(None)) => Err(to_login()),
            Ok(Err(e)) => Err(render::store_error(&e)),
            Err(e) => Err(render::unavailable(&e.to_string())),
        }
    }
}

/// Check a form's CSRF token (and the request's origin) as the API checks its header.
pub fn check_form(state: &AppState, headers: &HeaderMap, token: &str) -> Result<(), Response> {
    let mut headers = headers.clone();
    // Only a browser's own credentials count here: a bearer token would skip the check.
    headers.remove(header::AUTHORIZATION);
    match HeaderValue::from_str(token) {
        Ok(v) => {
            headers.insert(CSRF_HEADER, v);
        }
        Err(_) => {
            headers.remove(CSRF_HEADER);
        }
    }
    check_csrf(
        &Method::POST,
        &headers,
        state.cookies(),
        state.config().public_url.as_deref(),
    )
    .map_err(|_| {
        tracing::warn!("CSRF check refused a form");
        render::error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this page. Reload the page and try again.",
        )
    })
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only a path of this site: never `//host` or a scheme, so sign-in cannot redirect away.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/dashboard".to_string(),
    }
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    next: String,
    email: String,
    message: Option<String>,
    providers: Vec<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    // Already signed in: straight on.
    if let Some(token) = state.cookies().session_token(&headers).map(str::to_string)
        && let Ok(Ok(Some(_))) = state.pool().run(move |s| s.session(&token)).await
    {
        return render::see_other(&next);
    }
    login_page(&state, next, String::new(), None, StatusCode::OK)
}

fn login_page(
    state: &AppState,
    next: String,
    email: String,
    message: Option<String>,
    status: StatusCode,
) -> Response {
    let providers = state.config().oidc.iter().map(|p| p.name.clone()).collect();
    let page = LoginPage {
        next,
        email,
        message,
        providers,
    };
    let mut res = render::html(&page);
    *res.status_mut() = status;
    res
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub next: Option<String>,
}

/// The sign-in form's answer: a session and its cookies, then back where the user was going.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    // Signing in needs no session: the origin checks are what apply, whatever cookie is sent.
    let mut unsigned = headers.clone();
    unsigned.remove(header::COOKIE);
    if let Err(res) = check_form(&state, &unsigned, "") {
        return res;
    }
    let ip = baton_server::client::client_ip(peer, &headers, &state.config().trusted_proxies);
    let next = safe_next(form.next.as_deref());
    if state.login_limiter().check(ip, &form.email).is_err() {
        let what = format!("POST /login as {}", form.email.trim());
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
        return login_page(
            &state,
            next,
            form.email,
            Some("Too many failed sign-ins. Wait a few minutes and try again.".into()),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let minutes = (state.config().session_lifetime.as_secs() / 60).max(1) as i64;
    let client = ip.to_string();
    let (email, password) = (form.email.clone(), form.password);
    let found = state
        .pool()
        .run(move |store| {
            let Some(p) = store.login_password(&email, &password, &client)? else {
                return Ok(None);
            };
            let (secret, _) = store.create_session(&p, minutes)?;
            Ok::<_, StoreError>(Some(secret))
        })
        .await;
    match found {
        Ok(Ok(Some(secret))) => {
            state.login_limiter().record_success(&form.email);
            let res = render::see_other(&next);
            state.cookies().with_session(res, &secret)
        }
        Ok(Ok(None)) => {
            state.login_limiter().record_failure(ip, &form.email);
            login_page(
                &state,
                next,
                form.email,
                Some("Wrong e-mail or password.".into()),
                StatusCode::UNAUTHORIZED,
            )
        }
        Ok(Err(e)) => render::store_error(&e),
        Err(e) => render::unavailable(&e.to_string()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// Sign out: the session ends and its cookies are cleared.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Response {
    if let Err(res) = check_form(&state, &headers, &form.csrf) {
        return res;
    }
    if let Some(token) = state.cookies().session_token(&headers).map(str::to_string) {
        let _ = state.pool().run(move |s| s.end_session(&token)).await;
    }
    let mut res = render::see_other("/login");
    for cookie in state.cookies().end_session() {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

/// The roles a user may be given through the pages.
pub fn parse_role(text: &str) -> Result<Role, Response> {
    Role::parse(text).map_err(|e| render::store_error(&e))
}
