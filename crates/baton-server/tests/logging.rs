//! Request logs name the request but never its credentials, cookies or query string.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::post;
use baton_server::ApiJson;
use support::{TestServer, client, reply};

#[test]
fn logs_carry_no_secrets() {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let routes = Router::new().route(
        "/login",
        post(|ApiJson(_): ApiJson<serde_json::Value>| async { "ok" }),
    );
    let server = TestServer::start_logged(|_| {}, routes, Some(buf.clone()));
    let r = reply(
        client()
            .get(&server.url("/api/v1/missing?access_token=SECRET-QUERY"))
            .header("authorization", "Bearer SECRET-BEARER")
            .header("cookie", "baton_session=SECRET-COOKIE")
            .header("x-request-id", "req-42")
            .call(),
    );
    // An unknown token: refused before the path is looked at.
    assert_eq!(r.status, 401);
    let r = reply(
        client()
            .post(&server.url("/login"))
            .header("authorization", "Bearer SECRET-BEARER")
            .content_type("application/json")
            .send(r#"{"email":"ann@h.example","password":"SECRET-PASSWORD"}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    server.stop().unwrap();

    let logs = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The request is there, with its id, method and path…
    assert!(
        lines.iter().any(|l| l["span"]["id"] == "req-42"
            && l["span"]["path"] == "/api/v1/missing"
            && l["fields"]["status"] == 401),
        "{logs}"
    );
    // …and none of the secrets.
    for secret in [
        "SECRET-QUERY",
        "SECRET-BEARER",
        "SECRET-COOKIE",
        "SECRET-PASSWORD",
    ] {
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
}
