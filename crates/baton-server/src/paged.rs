//! A page of a list as the API sends it, serialized straight from the rows: the same JSON as
//! `api::Paged` without building a `serde_json::Value` of every row first (a page of findings is
//! tens of kilobytes, and the tree cost more than the rows themselves).

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PageOf<T> {
    pub total: i64,
    pub offset: usize,
    pub limit: usize,
    pub items: Vec<T>,
}
