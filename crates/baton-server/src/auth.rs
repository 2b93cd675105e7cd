//! Sign-in through OpenID Connect, the parts that need no store: the login redirect (a route) and
//! the callback's verification ([`oidc_identity`]), which a store-backed callback handler calls
//! before it finds the user and starts a session.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::AppState;
use crate::error::{ApiError, ApiPath, ErrorBody};
use crate::oidc::{OidcError, OidcIdentity};

/// The query the provider sends back to the redirect URL.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set by the provider when the user refused or the request was bad.
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl From<OidcError> for ApiError {
    fn from(e: OidcError) -> ApiError {
        match e {
            OidcError::UnknownState => ApiError::bad_request(
                "this sign-in expired, was already used, or was started in another browser",
            ),
            OidcError::InvalidToken(reason) => {
                tracing::warn!(%reason, "OpenID sign-in refused");
                ApiError::unauthorized("the identity provider's answer was not accepted")
            }
            OidcError::TokenEndpoint { error, .. } => {
                tracing::warn!(%error, "OpenID token endpoint refused the code");
                ApiError::unauthorized("the identity provider refused the sign-in")
            }
            OidcError::TooManyPending => ApiError::unavailable("too many sign-ins in progress"),
            e @ (OidcError::Http { .. }
            | OidcError::Status { .. }
            | OidcError::Discovery(_)
            | OidcError::Config(_)) => {
                tracing::error!(error = %e, "identity provider unreachable or misconfigured");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "the identity provider cannot be used now",
                )
            }
            e @ (OidcError::Random(_) | OidcError::Task(_)) => ApiError::internal(e),
        }
    }
}

/// Start signing in with an OpenID provider: redirects the browser to the provider and binds
/// the sign-in to this browser with a short-lived cookie.
#[utoipa::path(get, path = "/auth/oidc/{provider}/login", tag = "auth",
    params(("provider" = String, Path, description = "The provider's name in the configuration")),
    responses(
        (status = 303, description = "Redirect to the provider's authorization endpoint"),
        (status = 404, description = "No such provider", body = ErrorBody),
        (status = 502, description = "The provider cannot be reached", body = ErrorBody)))]
pub async fn oidc_login(
    State(state): State<AppState>,
    ApiPath(provider): ApiPath<String>,
) -> Result<Response, ApiError> {
    let client = state
        .oidc()
        .client(&provider)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no identity provider '{provider}'")))?;
    let request = client.authorize()?;
    let cookie = state.cookies().start_oidc(&request.pending.state);
    state.oidc().pending().insert(request.pending)?;
    let location = HeaderValue::from_str(&request.url)
        .map_err(|_| ApiError::internal("authorization URL is not a valid header"))?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location), (header::SET_COOKIE, cookie)],
    )
        .into_response())
}

/// The callback's first half: check `state` against the browser's cookie, exchange the code and
/// verify the ID token. The caller then maps the identity to a user, starts a session
/// ([`crate::session::CookieSettings::with_session`]) and clears the sign-in cookie
/// ([`crate::session::CookieSettings::end_oidc`]).
pub async fn oidc_identity(
    state: &AppState,
    provider: &str,
    headers: &HeaderMap,
    query: &CallbackQuery,
) -> Result<OidcIdentity, ApiError> {
    if let Some(error) = &query.error {
        tracing::info!(%error, "the identity provider returned an error");
        return Err(ApiError::unauthorized(format!(
            "the identity provider did not sign you in ({error})"
        )));
    }
    let (Some(code), Some(returned_state)) = (&query.code, &query.state) else {
        return Err(ApiError::bad_request("code and state are required"));
    };
    let client = state
        .oidc()
        .client(provider)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no identity provider '{provider}'")))?;
    let pending = state
        .oidc()
        .pending()
        .take(returned_state, state.cookies().oidc_state(headers))?;
    Ok(client.finish(pending, code).await?)
}
