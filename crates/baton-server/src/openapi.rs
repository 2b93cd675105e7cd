//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations.
//!
//! `crates/baton-server/openapi.json` is the committed copy; `tests/openapi.rs` fails when it
//! drifts from the code and rewrites it with `BATON_UPDATE_OPENAPI=1`.

use std::sync::Arc;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::error::ErrorBody;
use crate::session::SECURE_SESSION_COOKIE;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Baton",
        description = "Medical-device security lifecycle: inventory, SBOMs, advisories, findings and who is responsible.",
    ),
    components(schemas(ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "meta", description = "This document"),
        (name = "auth", description = "Signing in"),
    )
)]
struct ApiDoc;

/// `bearer` (API tokens) and `session` (the session cookie), for operations to name.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `baton admin token create`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SECURE_SESSION_COOKIE,
                "The session cookie (`baton_session` without TLS). Unsafe methods also need the \
                 `X-CSRF-Token` header.",
            ))),
        );
    }
}

/// The document's fixed parts, before the routes add their paths.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The whole document, as served.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::app::openapi_router().into_openapi()
}

/// The document as pretty JSON with a final newline: the committed `openapi.json`.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(&document())?;
    s.push('\n');
    Ok(s)
}

/// The serialized document, made once per router.
#[derive(Clone)]
pub struct OpenApiJson(Arc<String>);

impl OpenApiJson {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> OpenApiJson {
        let json = serde_json::to_string(doc).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot serialize the OpenAPI document");
            String::from("{}")
        });
        OpenApiJson(Arc::new(json))
    }
}

impl IntoResponse for OpenApiJson {
    fn into_response(self) -> Response {
        let mut res = self.0.as_str().to_owned().into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    }
}
