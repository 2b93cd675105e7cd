//! The single-file sources: CISA KEV and FIRST EPSS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_feeds::{FeedError, Feeds, FileKind, NoProgress, Progress, Source};
use common::{Server, TestClock, config, data_dir, static_file};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[derive(Default)]
struct Recorder {
    events: Vec<String>,
    advanced: u64,
}

impl Progress for Recorder {
    fn start(&mut self, label: &str, total: Option<u64>) {
        self.events.push(format!("start {label} {total:?}"));
    }
    fn advance(&mut self, n: u64) {
        self.advanced += n;
    }
    fn finish(&mut self) {
        self.events.push("finish".into());
    }
}

#[test]
fn kev_is_fetched_then_asked_for_conditionally() {
    let data = data_dir();
    let catalog =
        std::fs::read(data.join("cisa-kev/known_exploited_vulnerabilities.json")).unwrap();
    let served = catalog.clone();
    let server = Server::start(move |req| static_file(req, &served, "\"kev-2025.08.25\""));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let url = server.url("/sites/default/files/feeds/known_exploited_vulnerabilities.json");

    let mut progress = Recorder::default();
    let report = feeds
        .sync(&Source::Kev { url: url.clone() }, &mut progress)
        .unwrap();
    assert_eq!(report.source, "kev");
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].kind, FileKind::Kev);
    assert_eq!(
        report.files[0].path,
        cache
            .path()
            .join("kev/known_exploited_vulnerabilities.json")
    );
    assert_eq!(std::fs::read(&report.files[0].path).unwrap(), catalog);
    let parsed = baton_advisories::parse_kev("kev", &catalog).unwrap();
    assert_eq!(parsed.entries.len(), 1404);
    assert_eq!(progress.advanced, catalog.len() as u64);
    assert_eq!(
        progress.events,
        [
            format!(
                "start KEV known_exploited_vulnerabilities.json Some({})",
                catalog.len()
            ),
            "finish".to_string()
        ]
    );

    feeds.acknowledge(&report).unwrap();
    server.clear();
    let again = feeds.sync_kev(&url, &mut NoProgress).unwrap();
    assert_eq!(
        server.requests()[0].header("if-none-match"),
        Some("\"kev-2025.08.25\"")
    );
    assert_eq!(again.skipped_unchanged, 1);
    assert!(again.files.is_empty());
}

#[test]
fn a_kev_answer_that_is_not_a_catalog_is_not_kept() {
    let server = Server::start(|req| static_file(req, b"{\"error\": \"maintenance\"}", "\"x\""));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let err = feeds
        .sync_kev(&server.url("/kev.json"), &mut NoProgress)
        .unwrap_err();
    assert!(matches!(err, FeedError::Invalid { .. }), "{err}");
    assert!(
        !cache
            .path()
            .join("kev/known_exploited_vulnerabilities.json")
            .exists()
    );
}

#[test]
fn epss_is_kept_gzipped_and_reads() {
    let data = data_dir();
    let csv = std::fs::read(data.join("vunnel-fixtures/epss/example-1.csv")).unwrap();
    let gz = gzip(&csv);
    let served = gz.clone();
    let server = Server::start(move |req| {
        static_file(req, &served, "\"epss-2025-02-20\"")
            .with_header("Content-Type", "application/gzip")
    });
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let report = feeds
        .sync_epss(&server.url("/epss_scores-current.csv.gz"), &mut NoProgress)
        .unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].kind, FileKind::Epss);
    let stored = std::fs::read(&report.files[0].path).unwrap();
    assert_eq!(stored, gz, "kept as served, gzipped");
    let scores = baton_advisories::parse_epss("epss", &stored).unwrap();
    assert_eq!(scores.entries.len(), 5);
}

#[test]
fn a_truncated_gzip_stream_is_not_kept() {
    let data = data_dir();
    let csv = std::fs::read(data.join("vunnel-fixtures/epss/example-1.csv")).unwrap();
    let mut gz = gzip(&csv);
    gz.truncate(gz.len() - 10);
    let server = Server::start(move |req| static_file(req, &gz, "\"e\""));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let err = feeds
        .sync_epss(&server.url("/epss_scores-current.csv.gz"), &mut NoProgress)
        .unwrap_err();
    assert!(err.to_string().contains("gzip"), "{err}");
    assert!(
        !cache
            .path()
            .join("epss/epss_scores-current.csv.gz")
            .exists()
    );
    assert!(
        !cache
            .path()
            .join("epss/epss_scores-current.csv.gz.part")
            .exists()
    );
}

#[test]
fn tls_and_connection_failures_are_errors_naming_the_url() {
    use baton_feeds::{FeedsConfig, ProxySetting, RetryPolicy, TlsRoots};
    // A "server" that answers a TLS handshake with plain text.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n\r\nnot tls");
        }
    });
    for roots in [TlsRoots::Platform, TlsRoots::WebPki] {
        let cache = tempfile::tempdir().unwrap();
        let cfg = FeedsConfig {
            proxy: ProxySetting::None,
            tls_roots: roots,
            retry: RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            },
            ..FeedsConfig::default()
        };
        let feeds = Feeds::new(cache.path(), cfg).unwrap();
        let url = format!("https://127.0.0.1:{port}/kev.json");
        let err = feeds.sync_kev(&url, &mut NoProgress).unwrap_err();
        assert!(
            matches!(err, FeedError::Transport { .. }),
            "{roots:?}: {err}"
        );
        assert!(err.to_string().contains(&url), "{err}");
    }
}

#[test]
fn a_configured_proxy_is_used() {
    use baton_feeds::{FeedsConfig, ProxySetting};
    let proxy =
        Server::start(|req| static_file(req, br#"{"title":"t","vulnerabilities":[]}"#, "\"p\""));
    let cache = tempfile::tempdir().unwrap();
    let cfg = FeedsConfig {
        proxy: ProxySetting::Url(proxy.base.replace("http://", "http://user:pw@")),
        ..config(TestClock::new())
    };
    let feeds = Feeds::new(cache.path(), cfg).unwrap();
    let report = feeds
        .sync_kev("http://kev.example.invalid/kev.json", &mut NoProgress)
        .unwrap();
    assert_eq!(report.files.len(), 1);
    let requests = proxy.requests();
    assert_eq!(requests[0].method, "CONNECT");
    assert_eq!(requests[0].path, "kev.example.invalid:80");
    assert!(requests[0].header("proxy-authorization").is_some());
    assert_eq!(requests[1].path, "/kev.json");
}
