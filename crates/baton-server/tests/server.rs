//! The real server over HTTP: health, readiness, the error shape, limits, TLS and shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};
use baton_server::ApiJson;
use baton_server::app::AppState;
use support::{TestServer, client, get as http_get, reply};

#[test]
fn healthz_and_readyz() {
    let server = TestServer::start();
    let r = http_get(&server.url("/healthz"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    let r = http_get(&server.url("/readyz"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "ready");
    // Every response names its request.
    assert!(r.headers.contains_key("x-request-id"));
    server.stop().unwrap();
}

#[test]
fn readyz_is_503_when_the_database_is_gone() {
    let server = TestServer::start();
    assert_eq!(http_get(&server.url("/readyz")).status, 200);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", server.db_path.display()));
    }
    let r = http_get(&server.url("/readyz"));
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.error_code(), "unavailable");
    assert!(
        !server.db_path.exists(),
        "the pool must not create an empty database"
    );
    // The process itself is still up.
    assert_eq!(http_get(&server.url("/healthz")).status, 200);
}

#[test]
fn unknown_routes_and_methods_answer_in_the_json_shape() {
    let server = TestServer::start();
    // Under /api/v1 an unknown path needs credentials like any other: 401 comes first.
    let r = http_get(&server.url("/api/v1/no-such-thing?token=secret"));
    assert_eq!(r.status, 401);
    let r = http_get(&server.url("/no-such-thing?token=secret"));
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "not_found");
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("/no-such-thing"), "{message}");
    assert!(
        !message.contains("secret"),
        "the query is never echoed: {message}"
    );

    let r = reply(client().post(&server.url("/healthz")).send("x"));
    assert_eq!(r.status, 405);
    assert_eq!(r.error_code(), "method_not_allowed");
}

fn echo_routes() -> Router<AppState> {
    Router::new().route(
        "/echo",
        post(|ApiJson(v): ApiJson<serde_json::Value>| async move { ApiJson(v) }),
    )
}

#[test]
fn body_limit_gives_413() {
    let server = TestServer::start_with(|c| c.max_body_bytes = 1024, echo_routes());
    let small = format!("\"{}\"", "a".repeat(500));
    let r = reply(
        client()
            .post(&server.url("/echo"))
            .content_type("application/json")
            .send(small.as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // Declared too large: refused before the body is read, on any path.
    let big = vec![b'a'; 4096];
    let r = reply(
        client()
            .post(&server.url("/api/v1/anything"))
            .send(&big[..]),
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.error_code(), "payload_too_large");

    // Streamed without a length: cut off while reading.
    let mut tcp = TcpStream::connect(server.addr).unwrap();
    let mut req = String::from(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    let chunk = format!("\"{}\"", "b".repeat(3000));
    req.push_str(&format!("{:x}\r\n{chunk}\r\n0\r\n\r\n", chunk.len()));
    tcp.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut tcp, &mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    assert!(out.contains("\"code\":\"payload_too_large\""), "{out}");
}

#[test]
fn json_rejections_use_the_shape() {
    let server = TestServer::start_with(|_| {}, echo_routes());
    let r = reply(
        client()
            .post(&server.url("/echo"))
            .content_type("application/json")
            .send("{not json"),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_code(), "bad_request");
    let r = reply(
        client()
            .post(&server.url("/echo"))
            .content_type("text/plain")
            .send("{}"),
    );
    assert_eq!(r.status, 415, "{}", r.body);
    assert_eq!(r.error_code(), "unsupported_media_type");
}

#[test]
fn openapi_document_is_served() {
    let server = TestServer::start();
    let r = http_get(&server.url("/api/v1/openapi.json"));
    assert_eq!(r.status, 200);
    let served = r.json();
    assert_eq!(served["openapi"], "3.1.0");
    let generated: serde_json::Value =
        serde_json::from_str(&baton_server::openapi::document_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    assert!(served["paths"]["/readyz"].is_object());
}

#[test]
fn caller_request_ids_are_kept_only_when_plain() {
    let server = TestServer::start();
    let r = reply(
        client()
            .get(&server.url("/healthz"))
            .header("x-request-id", "abc-123")
            .call(),
    );
    assert_eq!(r.headers["x-request-id"], "abc-123");
    let r = reply(
        client()
            .get(&server.url("/healthz"))
            .header("x-request-id", "forged\" level=error")
            .call(),
    );
    let id = r.headers["x-request-id"].to_str().unwrap();
    assert_ne!(id, "forged\" level=error");
    assert!(!id.is_empty());
}

#[test]
fn cookie_authenticated_posts_need_the_csrf_token() {
    let server = TestServer::start_with(|_| {}, echo_routes());
    let token = baton_server::session::csrf_token_for("sess");
    let post = |csrf: Option<&str>, origin: Option<&str>| {
        let mut req = client()
            .post(&server.url("/echo"))
            .header("cookie", "baton_session=sess")
            .content_type("application/json");
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        reply(req.send("{}"))
    };
    let r = post(None, None);
    assert_eq!(r.status, 403);
    assert_eq!(r.error_code(), "csrf_failed");
    assert_eq!(post(Some(&token), None).status, 200);
    let r = post(Some(&token), Some("https://evil.example"));
    assert_eq!(r.status, 403);
    // An API client with a bearer token needs no CSRF token.
    let r = reply(
        client()
            .post(&server.url("/echo"))
            .header("authorization", "Bearer t")
            .content_type("application/json")
            .send("{}"),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn tls_with_a_self_signed_certificate() {
    let key =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, key.cert.pem()).unwrap();
    std::fs::write(&key_path, key.signing_key.serialize_pem()).unwrap();
    let (c, k) = (cert_path.clone(), key_path.clone());
    let server = TestServer::start_with(
        move |config| {
            config.tls = Some(baton_server::config::TlsFiles { cert: c, key: k });
        },
        Router::new(),
    );
    let roots = ureq::tls::RootCerts::Specific(Arc::new(vec![
        ureq::tls::Certificate::from_der(key.cert.der()).to_owned(),
    ]));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
        .build()
        .into();
    let r = reply(
        agent
            .get(&format!("https://127.0.0.1:{}/healthz", server.addr.port()))
            .call(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "ok");

    // A client that does not trust the certificate is refused.
    let untrusting: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::WebPki)
                .build(),
        )
        .build()
        .into();
    assert!(
        untrusting
            .get(&format!("https://127.0.0.1:{}/healthz", server.addr.port()))
            .call()
            .is_err()
    );
    // Plain HTTP on the TLS port gets no HTTP answer.
    assert!(client().get(&server.url("/healthz")).call().is_err());
    server.stop().unwrap();
}

#[test]
fn tls_files_that_do_not_fit_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, "not a certificate").unwrap();
    let files = baton_server::config::TlsFiles {
        cert: cert.clone(),
        key: dir.path().join("missing-key.pem"),
    };
    let err = baton_server::serve::tls_config(&files)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cert.pem"), "{err}");
}

#[test]
fn shutdown_lets_the_in_flight_request_finish() {
    let (tx, entered_rx) = std::sync::mpsc::channel::<()>();
    let entered_tx = Arc::new(Mutex::new(tx));
    let release = Arc::new(tokio::sync::Notify::new());
    let routes = {
        let (entered_tx, release) = (entered_tx.clone(), release.clone());
        Router::new().route(
            "/slow",
            get(move || {
                let (entered_tx, release) = (entered_tx.clone(), release.clone());
                async move {
                    entered_tx.lock().unwrap().send(()).unwrap();
                    release.notified().await;
                    "finished"
                }
            }),
        )
    };
    let mut server = TestServer::start_with(|_| {}, routes);
    let url = server.url("/slow");
    let in_flight = std::thread::spawn(move || reply(client().get(&url).call()));
    entered_rx.recv().unwrap();

    server.begin_shutdown();
    // Once shutdown has begun the listener is closed: wait until new connections are refused.
    let mut refused = false;
    for _ in 0..1000 {
        if TcpStream::connect(server.addr).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(refused, "the server kept accepting after shutdown began");

    release.notify_one();
    let r = in_flight.join().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "finished");
    server.stop().unwrap();
}
