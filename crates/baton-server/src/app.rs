//! The router: health endpoints, the OpenAPI document, `/api/v1` (see [`crate::api`]), and the
//! layers every request passes (request id, tracing, panics to 500, JSON errors, body limit, CSRF).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::HeaderValue;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::ServerConfig;
use crate::error::{ApiError, ErrorBody};
use crate::fleet::FleetCache;
use crate::oidc::OidcProviders;
use crate::pool::Pool;
use crate::ratelimit::{LoginLimiter, LoginLimits};
use crate::session::CookieSettings;

/// Shared by every handler. Cheap to clone.
///
/// Holds the configuration, the database pool, cookie settings, the login limiter, the
/// OpenID providers and the cached fleet. Other shared services (the audit log writer, …) can be attached without
/// changing this type through [`AppState::with_extension`], or added as fields of `Shared`.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

struct Shared {
    config: ServerConfig,
    pool: Pool,
    cookies: CookieSettings,
    login_limiter: LoginLimiter,
    oidc: OidcProviders,
    fleet: FleetCache,
    extensions: axum::http::Extensions,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.shared.config)
            .field("pool", &self.shared.pool)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(config: ServerConfig, pool: Pool) -> AppState {
        AppState::with_limits(config, pool, LoginLimits::default())
    }

    pub fn with_limits(config: ServerConfig, pool: Pool, limits: LoginLimits) -> AppState {
        let cookies = CookieSettings {
            secure: config.cookie_secure,
            lifetime: config.session_lifetime,
        };
        let oidc = OidcProviders::new(config.oidc.clone());
        AppState {
            shared: Arc::new(Shared {
                config,
                pool,
                cookies,
                login_limiter: LoginLimiter::new(limits),
                oidc,
                fleet: FleetCache::new(),
                extensions: axum::http::Extensions::new(),
            }),
        }
    }

    /// Attach a shared service of type `T`, found again with [`AppState::extension`]. Call
    /// before the state is cloned into the router.
    pub fn with_extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> AppState {
        match Arc::get_mut(&mut self.shared) {
            Some(shared) => {
                shared.extensions.insert(value);
            }
            None => tracing::error!("AppState::with_extension called after the state was shared"),
        }
        self
    }

    pub fn extension<T: Clone + Send + Sync + 'static>(&self) -> Option<&T> {
        self.shared.extensions.get::<T>()
    }

    pub fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    pub fn pool(&self) -> &Pool {
        &self.shared.pool
    }

    pub fn cookies(&self) -> &CookieSettings {
        &self.shared.cookies
    }

    pub fn login_limiter(&self) -> &LoginLimiter {
        &self.shared.login_limiter
    }

    pub fn oidc(&self) -> &OidcProviders {
        &self.shared.oidc
    }

    /// The fleet the reports read, reloaded when the data changed.
    pub fn fleet(&self) -> &FleetCache {
        &self.shared.fleet
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The process is up", body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
    })
}

/// The database answers through the pool.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database does not answer", body = ErrorBody)))]
async fn readyz(State(state): State<AppState>) -> Result<axum::Json<Health>, ApiError> {
    let answer = state
        .pool()
        .run(|store| store.db().query("SELECT 1", &[]))
        .await;
    match answer {
        Ok(Ok(_)) => Ok(axum::Json(Health {
            status: "ready".into(),
        })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::unavailable("database not ready"))
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::unavailable("database not ready"))
        }
    }
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!(
        "no route for {} {}",
        req.method(),
        req.uri().path()
    ))
}

/// Every documented route, with its OpenAPI description.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .nest("/api/v1", crate::api::routes())
}

/// Request ids: 16 random bytes in hex, or the caller's `X-Request-Id` if it is short and plain.
#[derive(Clone, Copy, Default)]
struct RandomId;

impl MakeRequestId for RandomId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = crate::session::random_token(12).ok()?;
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// A caller-supplied id is kept only if it cannot forge log lines.
async fn sanitize_request_id(mut req: Request) -> Request {
    let ok = req.headers().get("x-request-id").is_none_or(|v| {
        v.len() <= 64
            && v.as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !ok {
        req.headers_mut().remove("x-request-id");
    }
    req
}

/// The application: every route and layer, with `state`.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// [`router`] plus `extra` routes that are not in the OpenAPI document (tests, diagnostics);
/// they pass through the same layers.
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let (api, doc) = openapi_router().split_for_parts();
    let api = api.merge(extra);
    let doc = crate::openapi::OpenApiJson::from_doc(&doc);
    let config = state.config().clone();
    let limit = config.max_body_bytes;
    let trusted = config.trusted_proxies.clone();

    let trace = TraceLayer::new_for_http()
        // Only method, path, id and client: never headers (Authorization, Cookie) or the query.
        .make_span_with(move |req: &axum::http::Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let client = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| crate::client::client_ip(c.0, req.headers(), &trusted).to_string())
                .unwrap_or_default();
            tracing::info_span!("request", id, method = %req.method(), path = req.uri().path(), client)
        })
        .on_response(
            |res: &Response, latency: Duration, _span: &tracing::Span| {
                tracing::info!(status = res.status().as_u16(), ms = latency.as_millis() as u64, "response");
            },
        );

    // The fallback sits inside the layers, so an unknown /api/v1 path also needs credentials.
    // The authentication layer is added last, so it runs first: 401 before any other check.
    api.fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::session::csrf_guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::principal::authenticate,
        ))
        .layer(axum::Extension(doc))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(sanitize_request_id))
                .layer(SetRequestIdLayer::x_request_id(RandomId))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(trace)
                .layer(middleware::from_fn(crate::error::json_error_bodies))
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::internal("a handler panicked").into_response()
                }))
                .layer(RequestBodyLimitLayer::new(limit))
                .layer(DefaultBodyLimit::max(limit)),
        )
}
