//! One JSON shape for every error response: `{"error":{"status":404,"code":"not_found","message":"…"}}`.
//!
//! Handlers return [`ApiError`]; the extractors [`ApiJson`], [`ApiQuery`] and [`ApiPath`] turn axum's
//! rejections into it; [`json_error_bodies`] rewrites the few error responses produced outside the
//! handlers (body limit, unknown method, panics) into the same shape.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated so that the body stands on its own in logs.
    #[schema(example = 404)]
    pub status: u16,
    /// A stable machine-readable code (`not_found`, `unauthorized`, `forbidden`, …).
    #[schema(example = "not_found")]
    pub code: String,
    /// A human-readable explanation; never contains credentials.
    #[schema(example = "no route for GET /api/v1/nothing")]
    pub message: String,
}

/// The stable code for a status.
pub fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        411 => "length_required",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        429 => "too_many_requests",
        500 => "internal",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "unavailable",
        504 => "timeout",
        s if s < 500 => "client_error",
        _ => "server_error",
    }
}

/// An error a handler returns; rendered as [`ErrorBody`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code_for(status),
            message: message.into(),
            retry_after: None,
        }
    }

    /// A more specific code than the status gives (e.g. `csrf_failed` for a 403).
    pub fn with_code(mut self, code: &'static str) -> ApiError {
        self.code = code;
        self
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401; the response carries `WWW-Authenticate: Bearer`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn payload_too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// 429 with `Retry-After: retry_after_secs`.
    pub fn too_many_requests(retry_after_secs: u64) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many failed attempts; retry after {retry_after_secs} s"),
        );
        e.retry_after = Some(retry_after_secs);
        e
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// 500. The detail goes to the log only; the client sees a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code.to_string(),
                message: self.message.clone(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(self.body())).into_response();
        let headers = res.headers_mut();
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"baton\""),
            );
        }
        res
    }
}

impl From<baton_store::StoreError> for ApiError {
    fn from(e: baton_store::StoreError) -> ApiError {
        use baton_store::StoreError as S;
        match e {
            S::NotFound(m) => ApiError::not_found(m),
            S::Input(e) => ApiError::unprocessable(e.to_string()),
            S::Invalid(m) => ApiError::unprocessable(m),
            S::Forbidden(m) => ApiError::forbidden(m),
            e @ (S::Database(_) | S::Corrupt(_) | S::Audit(_)) => ApiError::internal(e),
        }
    }
}

impl From<crate::pool::PoolError> for ApiError {
    fn from(e: crate::pool::PoolError) -> ApiError {
        tracing::warn!(error = %e, "database unavailable");
        ApiError::unavailable("database unavailable")
    }
}

macro_rules! from_rejection {
    ($($t:ty),*) => {$(
        impl From<$t> for ApiError {
            fn from(r: $t) -> ApiError {
                ApiError::new(r.status(), r.body_text())
            }
        }
    )*};
}
from_rejection!(JsonRejection, QueryRejection, PathRejection, FormRejection);

/// `axum::Json` whose rejections (bad JSON 400, wrong types 422, no JSON content type 415, too
/// large 413) come out as [`ApiError`].
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with [`ApiError`] rejections.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` with [`ApiError`] rejections.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::Form` with [`ApiError`] rejections.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Form), rejection(ApiError))]
pub struct ApiForm<T>(pub T);

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Middleware: an error response that is not JSON yet (from a layer or from axum itself, such as
/// 405 or the body limit's 413) is replaced by the JSON shape; its other headers are kept.
pub async fn json_error_bodies(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&res) {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed for this path".to_string(),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let body = ApiError::new(status, message).body();
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(res: Response) -> ErrorBody {
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn shape_and_headers() {
        let res = ApiError::too_many_requests(42).into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "42");
        let body = body_of(res).await;
        assert_eq!(body.error.status, 429);
        assert_eq!(body.error.code, "too_many_requests");

        let res = ApiError::unauthorized("no credentials").into_response();
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
        let body = body_of(res).await;
        assert_eq!(
            body,
            ErrorBody {
                error: ErrorDetail {
                    status: 401,
                    code: "unauthorized".into(),
                    message: "no credentials".into()
                }
            }
        );
    }

    #[tokio::test]
    async fn internal_hides_detail() {
        let res = ApiError::internal("password=hunter2 in SQL").into_response();
        let body = body_of(res).await;
        assert_eq!(body.error.code, "internal");
        assert!(!body.error.message.contains("hunter2"));
    }

    #[test]
    fn store_errors_map_to_statuses() {
        let e: ApiError = baton_store::StoreError::NotFound("no asset 'x'".into()).into();
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        assert_eq!(e.message(), "no asset 'x'");
        let e: ApiError = baton_store::StoreError::Database("boom".into()).into();
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.message(), "internal error");
    }
}
