//! Baton's web pages, rendered on the server (askama templates compiled into the binary) with
//! htmx for partial updates. Every script, style sheet and chart is served by Baton itself:
//! hospital networks are often air-gapped, so nothing comes from a CDN.
//!
//! The pages read and write through the same store calls as the API, as the signed-in user:
//! [`Visibility::of`](baton_store::Visibility::of) scopes every read and
//! [`Store::act_as`](baton_store::Store::act_as) logs every change as theirs. A browser that is
//! not signed in is sent to the sign-in form from every page but that one.

// A page handler's error is the page that says what went wrong; it is returned at once, so its
// size does not matter.
#![allow(clippy::result_large_err)]

mod auth;
mod charts;
mod dashboard;
mod pages;
mod render;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_server::AppState;

pub use auth::Signed;

/// The web pages alone, with `state`; see [`app`] for the whole service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/assets", get(dashboard::assets))
        .route("/assets/{organization}/{asset}", get(pages::asset))
        .route("/findings", get(pages::findings))
        .route("/findings/{id}", get(pages::finding))
        .route("/findings/{id}/decide", post(pages::decide))
        .route("/assessments", post(pages::assess))
        .route("/models/{manufacturer}/{model}", get(pages::model))
        .route("/uploads", get(pages::uploads).post(pages::upload))
        .route("/settings", get(pages::settings))
        .route(
            "/agreements",
            get(pages::agreements).post(pages::save_agreement),
        )
        .route(
            "/capabilities",
            get(pages::capabilities).post(pages::save_capabilities),
        )
        .route("/settings/sharing", post(pages::set_sharing))
        .route("/settings/users", post(pages::create_user))
        .route("/settings/tokens", post(pages::create_token))
        .route("/static/{file}", get(static_file))
        .layer(axum::Extension(dashboard::DashboardCache::default()))
        .layer(axum::Extension(pages::ModelCache::default()))
        .layer(middleware::map_response(security_headers))
        .with_state(state)
}

/// The HTTP API and the web pages on one router.
pub fn app(state: AppState) -> Router {
    baton_server::router(state.clone()).merge(router(state))
}

/// Pages may load only what Baton serves; nothing may frame them.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// The embedded files: (name, content type, bytes).
const STATIC: &[(&str, &str, &[u8])] = &[
    (
        "baton.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/baton.css"),
    ),
    (
        "baton.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/baton.js"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/htmx-2.0.11.min.js"),
    ),
];

/// The bytes of every script and style sheet a page loads (once; browsers cache them a day).
pub fn static_bytes() -> usize {
    STATIC.iter().map(|(_, _, bytes)| bytes.len()).sum()
}

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match STATIC.iter().find(|(name, _, _)| *name == file) {
        Some((_, kind, bytes)) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => render::not_found("no such file"),
    }
}
