//! Routes under `/api/v1`. Each handler carries `#[utoipa::path]` so it appears in the OpenAPI
//! document; register it here with `.routes(routes!(handler))`. Paths in the annotations are
//! relative to `/api/v1`.

use axum::Extension;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::openapi::OpenApiJson;

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
}
