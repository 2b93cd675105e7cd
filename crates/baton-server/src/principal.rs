//! Who is asking: the authentication layer in front of `/api/v1`, and the extractors handlers
//! take to say what they need (any signed-in user, a writer, an organization admin).
//!
//! A request without valid credentials gets 401 before anything else about it is looked at;
//! only the health endpoints, the OpenAPI document and the sign-in routes are open.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baton_store::{Principal, Store};

use crate::app::AppState;
use crate::error::ApiError;
use crate::pool::{Lease, Pool, PoolError};
use crate::session::Credentials;

/// Paths under `/api/v1` open without credentials.
fn is_open(path: &str) -> bool {
    path == "/api/v1/openapi.json"
        || path == "/api/v1/auth/login"
        || path.starts_with("/api/v1/auth/oidc/")
}

/// Middleware: resolve the request's credentials to a [`Principal`] or answer 401.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/v1/") || is_open(&path) {
        return next.run(req).await;
    }
    let credentials = Credentials::from_headers(req.headers(), state.cookies());
    let presented = !matches!(credentials, Credentials::None)
        || req
            .headers()
            .contains_key(axum::http::header::AUTHORIZATION);
    // A read keeps the connection that authenticated it for its handler, so it queues for a
    // connection once. A request with a body gives it back at once: a slow upload must not
    // hold a connection while it arrives.
    let lease = matches!(*req.method(), Method::GET | Method::HEAD);
    let pool = state.pool();
    let found = match credentials {
        Credentials::None => Ok((Ok(None), None)),
        Credentials::Bearer(token) => {
            resolve(pool, lease, move |store| store.authenticate_token(&token)).await
        }
        Credentials::Session(token) => {
            resolve(pool, lease, move |store| {
                store.session(&token).map(|s| s.map(|(p, _)| p))
            })
            .await
        }
    };
    match found {
        Ok((Ok(Some(principal)), lease)) => {
            req.extensions_mut().insert(principal.clone());
            let what = format!("{} {path}", req.method());
            let res = match lease {
                Some(lease) => Pool::leasing(lease, next.run(req)).await,
                None => next.run(req).await,
            };
            let status = res.status();
            // Every refusal of a signed-in user is logged: a forbidden action, and a record
            // outside their organization (answered as not found, like a guessed id).
            if status == axum::http::StatusCode::FORBIDDEN
                || status == axum::http::StatusCode::NOT_FOUND
            {
                let reason = format!("{}", status.as_u16());
                let _ = state
                    .pool()
                    .run(move |store| {
                        store.act_as(&principal);
                        store.record_refusal(&what, &reason)
                    })
                    .await;
            }
            res
        }
        Ok((Ok(None), _)) => {
            if presented {
                // A wrong, expired or revoked credential is a refusal worth keeping.
                let what = format!("{} {path}", req.method());
                let _ = state
                    .pool()
                    .run(move |store| {
                        store.set_actor(baton_store::Actor::operator("anonymous"));
                        store.record_refusal(&what, "invalid credentials")
                    })
                    .await;
            }
            ApiError::unauthorized("sign in, or send a valid API token").into_response()
        }
        Ok((Err(e), _)) => ApiError::from(e).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

type Found = Result<Option<Principal>, baton_store::StoreError>;

/// Look up a credential; with `lease`, keep the connection for the request.
async fn resolve<F>(
    pool: &Pool,
    lease: bool,
    lookup: F,
) -> Result<(Found, Option<Lease>), PoolError>
where
    F: FnOnce(&mut Store) -> Found + Send + 'static,
{
    if lease {
        let (found, lease) = pool.run_and_lease(lookup).await?;
        Ok((found, Some(lease)))
    } else {
        Ok((pool.run(lookup).await?, None))
    }
}

/// Any signed-in user.
#[derive(Debug, Clone)]
pub struct User(pub Principal);

impl FromRequestParts<AppState> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(User)
            .ok_or_else(|| ApiError::unauthorized("sign in, or send a valid API token"))
    }
}

/// A user who may change data: an analyst or admin, not through a read-only token.
#[derive(Debug, Clone)]
pub struct Writer(pub Principal);

impl FromRequestParts<AppState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let User(p) = User::from_request_parts(parts, state).await?;
        if p.can_write() {
            return Ok(Writer(p));
        }
        Err(ApiError::forbidden(
            "this needs the analyst or admin role (and a write token)",
        ))
    }
}

/// An admin of their organization.
#[derive(Debug, Clone)]
pub struct OrgAdmin(pub Principal);

impl FromRequestParts<AppState> for OrgAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let User(p) = User::from_request_parts(parts, state).await?;
        if p.can_administer() {
            return Ok(OrgAdmin(p));
        }
        Err(ApiError::forbidden(
            "this needs the admin role (and a write token)",
        ))
    }
}
