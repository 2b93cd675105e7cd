//! Turning templates and errors into responses, and small helpers the templates share.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use baton_store::StoreError;

/// The signed-in user as the page header shows them.
#[derive(Debug, Clone)]
pub struct Me {
    pub email: String,
    pub organization: String,
    pub kind: String,
    pub role: String,
    pub csrf: String,
    pub can_write: bool,
    pub is_admin: bool,
}

impl Me {
    pub fn is_hdo(&self) -> bool {
        self.kind == "hdo"
    }
    pub fn is_mdm(&self) -> bool {
        self.kind == "mdm"
    }
}

/// A rendered page; a template that fails to render is a server error, logged.
pub fn html<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "This page failed to render.",
            )
        }
    }
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_string(),
    )
        .into_response()
}

pub fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("Error"),
        message,
    };
    let mut res = html(&page);
    *res.status_mut() = status;
    res
}

pub fn not_found(message: &str) -> Response {
    error_page(StatusCode::NOT_FOUND, message)
}

pub fn unavailable(detail: &str) -> Response {
    tracing::warn!(error = %detail, "database unavailable");
    error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is not answering. Try again in a moment.",
    )
}

/// The page for a store error: the user's mistakes say what was wrong; the database's own
/// failures are logged and shown without detail.
pub fn store_error(e: &StoreError) -> Response {
    match e {
        StoreError::NotFound(m) => error_page(StatusCode::NOT_FOUND, m),
        StoreError::Forbidden(m) => error_page(StatusCode::FORBIDDEN, m),
        StoreError::Input(e) => error_page(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        StoreError::Invalid(m) => error_page(StatusCode::UNPROCESSABLE_ENTITY, m),
        StoreError::Database(_) | StoreError::Corrupt(_) | StoreError::Audit(_) => {
            tracing::error!(error = %e, "store error behind a page");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Baton could not complete this request; the server log says why.",
            )
        }
    }
}

/// Percent-encoding of a URL component (RFC 3986 unreserved characters kept).
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// CVSS v3/v4 qualitative severity of a score.
pub fn severity(score: Option<f64>) -> &'static str {
    match score {
        None => "unscored",
        Some(s) if s >= 9.0 => "critical",
        Some(s) if s >= 7.0 => "high",
        Some(s) if s >= 4.0 => "medium",
        Some(s) if s > 0.0 => "low",
        Some(_) => "none",
    }
}

/// Links to the previous and next page of a list, keeping its filters.
#[derive(Debug, Clone)]
pub struct Pager {
    pub offset: usize,
    pub limit: usize,
    pub total: usize,
    /// The list's query string without `offset`.
    pub base: String,
}

impl Pager {
    pub fn first_row(&self) -> usize {
        if self.total == 0 { 0 } else { self.offset + 1 }
    }
    pub fn last_row(&self) -> usize {
        (self.offset + self.limit).min(self.total)
    }
    pub fn previous(&self) -> Option<String> {
        (self.offset > 0).then(|| self.link(self.offset.saturating_sub(self.limit)))
    }
    pub fn next(&self) -> Option<String> {
        (self.offset + self.limit < self.total).then(|| self.link(self.offset + self.limit))
    }
    fn link(&self, offset: usize) -> String {
        if self.base.is_empty() {
            format!("?offset={offset}")
        } else {
            format!("?{}&offset={offset}", self.base)
        }
    }
}

/// A query string from the non-empty pairs.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            out.append_pair(k, v);
        }
    }
    out.finish()
}
