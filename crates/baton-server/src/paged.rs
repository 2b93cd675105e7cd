//! A page of a list as the API sends it, serialized straight from the rows: the same JSON as
//! `api::Paged` without building a `serde_json::Value` of every row first (a page of findings is
//! tens of kilobytes, and the tree cost more than the rows themselves).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// Bytes set aside per row before writing a page: a finding with its evidence is under a
/// kilobyte, so the body is allocated once instead of grown by doubling from a few bytes.
const ROW_BYTES: usize = 1024;

#[derive(Debug, Serialize)]
pub struct PageOf<T> {
    pub total: i64,
    pub offset: usize,
    pub limit: usize,
    pub items: Vec<T>,
}

impl<T: Serialize> IntoResponse for PageOf<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(128 + self.items.len() * ROW_BYTES);
        match serde_json::to_writer(&mut body, &self) {
            Ok(()) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
            Err(e) => ApiError::internal(e).into_response(),
        }
    }
}
