//! The committed `openapi.json` must be what the code generates.
//!
//! After changing an endpoint, regenerate it and commit the result:
//!
//! ```sh
//! BATON_UPDATE_OPENAPI=1 cargo test -p baton-server --test openapi
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

#[test]
fn committed_openapi_json_matches_the_code() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = baton_server::openapi::document_json().unwrap();
    if std::env::var_os("BATON_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "crates/baton-server/openapi.json is out of date (first difference at line {}:\n  committed: {}\n  generated: {}).\n\
             Regenerate it with `BATON_UPDATE_OPENAPI=1 cargo test -p baton-server --test openapi` and commit it.",
            first + 1,
            committed.lines().nth(first).unwrap_or("<end of file>"),
            generated.lines().nth(first).unwrap_or("<end of file>"),
        );
    }
}

#[test]
fn document_is_openapi_3_1_with_the_error_shape() {
    let doc: serde_json::Value =
        serde_json::from_str(&baton_server::openapi::document_json().unwrap()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/healthz", "/readyz", "/api/v1/openapi.json"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} missing");
    }
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert!(error.is_object(), "ErrorBody schema missing");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
}
