//! NVD CVE API 2.0 against a loopback server built from real API records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_feeds::{FeedError, Feeds, FileKind, NoProgress, NvdOptions, RateLimiter};
use chrono::{DateTime, TimeZone, Utc};
use common::{Reply, Req, Server, TestClock, config, data_dir};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// 40 CVE records: vunnel's real 38-record page plus the two medical-device records.
fn records() -> Vec<Value> {
    let data = data_dir();
    let page: Value = serde_json::from_slice(
        &std::fs::read(data.join("vunnel-fixtures/nvd/full-page.json")).unwrap(),
    )
    .unwrap();
    let mut vulns = page["vulnerabilities"].as_array().unwrap().clone();
    for id in ["CVE-2023-30559", "CVE-2024-6795"] {
        let cve: Value = serde_json::from_slice(
            &std::fs::read(data.join(format!("nvd-cve-2.0-meddev/{id}.json"))).unwrap(),
        )
        .unwrap();
        vulns.push(json!({ "cve": cve }));
    }
    assert_eq!(vulns.len(), 40);
    vulns
}

/// The API's answer to one request, paged by `startIndex` / `resultsPerPage`.
fn page(records: &[Value], req: &Req) -> Reply {
    let start: usize = req.query("startIndex").unwrap_or("0").parse().unwrap();
    let per: usize = req
        .query("resultsPerPage")
        .unwrap_or("2000")
        .parse()
        .unwrap();
    let slice: Vec<Value> = records.iter().skip(start).take(per).cloned().collect();
    let body = json!({
        "resultsPerPage": slice.len(),
        "startIndex": start,
        "totalResults": records.len(),
        "format": "NVD_CVE",
        "version": "2.0",
        "timestamp": "2024-03-01T00:00:00.000",
        "vulnerabilities": slice,
    });
    Reply::ok(serde_json::to_vec(&body).unwrap()).with_header("Content-Type", "application/json")
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn options(
    server: &Server,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    per_page: u32,
) -> NvdOptions {
    NvdOptions {
        base_url: server.url("/rest/json/cves/2.0"),
        since: Some(since),
        until: Some(until),
        results_per_page: per_page,
        ..NvdOptions::default()
    }
}

#[test]
fn pages_are_saved_and_the_next_run_starts_from_the_stored_end_date() {
    let records = records();
    let records = Arc::new(records);
    let r = records.clone();
    let server = Server::start(move |req| page(&r, req));
    let cache = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let feeds = Feeds::new(cache.path(), config(clock.clone())).unwrap();

    let first = options(&server, at(2024, 1, 1), at(2024, 3, 1), 15);
    let report = feeds.sync_nvd(&first, &mut NoProgress).unwrap();
    assert_eq!(report.source, "nvd");
    assert_eq!(report.files.len(), 3, "{report:?}");
    assert_eq!(report.new_files, 3);
    assert!(report.files.iter().all(|f| f.kind == FileKind::Advisory));
    assert_eq!(report.up_to.as_deref(), Some("2024-03-01T00:00:00+00:00"));

    let requests = server.requests();
    let indexes: Vec<&str> = requests
        .iter()
        .map(|r| r.query("startIndex").unwrap())
        .collect();
    assert_eq!(indexes, ["0", "15", "30"]);
    for r in &requests {
        assert_eq!(r.query("resultsPerPage"), Some("15"));
        assert_eq!(
            r.query("lastModStartDate"),
            Some("2024-01-01T00:00:00.000+00:00")
        );
        assert_eq!(
            r.query("lastModEndDate"),
            Some("2024-03-01T00:00:00.000+00:00")
        );
        assert!(r.header("apikey").is_none());
    }

    // Every page is a whole NVD page that the advisory reader takes; together they hold all 40.
    let mut ids = Vec::new();
    for f in &report.files {
        let bytes = std::fs::read(&f.path).unwrap();
        let parsed = baton_advisories::parse(&f.path.display().to_string(), &bytes).unwrap();
        ids.extend(parsed.advisories.iter().map(|a| a.id.clone()));
    }
    assert_eq!(ids.len(), 40);
    assert!(ids.iter().any(|id| id == "CVE-2023-30559"));

    let state: Value = serde_json::from_slice(&std::fs::read(&report.state_file).unwrap()).unwrap();
    assert_eq!(state["last_mod_end"], "2024-03-01T00:00:00Z");
    assert!(state["window"].is_null());

    // The second run asks from the stored end date, whatever `since` says; the pages of the
    // first run are still handed out until acknowledged.
    server.clear();
    let second = options(&server, at(2024, 1, 1), at(2024, 3, 10), 2000);
    let report2 = feeds.sync_nvd(&second, &mut NoProgress).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].query("lastModStartDate"),
        Some("2024-03-01T00:00:00.000+00:00")
    );
    assert_eq!(
        requests[0].query("lastModEndDate"),
        Some("2024-03-10T00:00:00.000+00:00")
    );
    assert_eq!(report2.new_files, 1);
    assert_eq!(report2.files.len(), 4);

    feeds.acknowledge(&report2).unwrap();
    server.clear();
    let third = options(&server, at(2024, 1, 1), at(2024, 3, 10), 2000);
    let report3 = feeds.sync_nvd(&third, &mut NoProgress).unwrap();
    assert!(server.requests().is_empty(), "already up to date");
    assert!(report3.files.is_empty());
    assert_eq!(report3.up_to.as_deref(), Some("2024-03-10T00:00:00+00:00"));
}

#[test]
fn spans_longer_than_120_days_are_split() {
    let records = records();
    let server = Server::start(move |req| page(&records, req));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let report = feeds
        .sync_nvd(
            &options(&server, at(2024, 1, 1), at(2024, 10, 27), 2000),
            &mut NoProgress,
        )
        .unwrap();
    assert_eq!(report.files.len(), 3);
    let windows: Vec<(DateTime<Utc>, DateTime<Utc>)> = server
        .requests()
        .iter()
        .map(|r| {
            let p = |k| {
                DateTime::parse_from_rfc3339(r.query(k).unwrap())
                    .unwrap()
                    .to_utc()
            };
            (p("lastModStartDate"), p("lastModEndDate"))
        })
        .collect();
    assert_eq!(windows.len(), 3);
    assert_eq!(windows[0].0, at(2024, 1, 1));
    assert_eq!(windows[2].1, at(2024, 10, 27));
    for (a, b) in &windows {
        assert!(*b - *a <= chrono::TimeDelta::days(120));
    }
    assert_eq!(windows[0].1, windows[1].0);
    assert_eq!(windows[1].1, windows[2].0);
}

#[test]
fn the_api_key_goes_in_the_header_and_raises_the_rate_limit() {
    let records = records();
    let records = Arc::new(records);
    let r = records.clone();
    let server = Server::start(move |req| page(&r, req));

    // With a key: 50 per 30 s, so seven pages go without waiting.
    let clock = TestClock::new();
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(clock.clone())).unwrap();
    let mut with_key = options(&server, at(2024, 1, 1), at(2024, 2, 1), 6);
    with_key.api_key = Some("SECRET-KEY-0123".into());
    let report = feeds.sync_nvd(&with_key, &mut NoProgress).unwrap();
    assert_eq!(report.files.len(), 7);
    let requests = server.requests();
    assert_eq!(requests.len(), 7);
    assert!(
        requests
            .iter()
            .all(|r| r.header("apikey") == Some("SECRET-KEY-0123"))
    );
    assert!(
        requests.iter().all(|r| r.query("apiKey").is_none()),
        "never in the URL"
    );
    assert_eq!(clock.total_slept(), Duration::ZERO);

    // Without: 5 per rolling 30 s, so the sixth request waits 30 s (on the test clock).
    server.clear();
    let clock = TestClock::new();
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(clock.clone())).unwrap();
    let report = feeds
        .sync_nvd(
            &options(&server, at(2024, 1, 1), at(2024, 2, 1), 6),
            &mut NoProgress,
        )
        .unwrap();
    assert_eq!(report.files.len(), 7);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("apikey").is_none())
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(30)]);

    // An injected limiter replaces NVD's.
    let clock = TestClock::new();
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(clock.clone())).unwrap();
    let mut custom = options(&server, at(2024, 1, 1), at(2024, 2, 1), 20);
    custom.rate_limit = Some(Arc::new(RateLimiter::new(1, Duration::from_millis(100))));
    feeds.sync_nvd(&custom, &mut NoProgress).unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(100)]);
}

#[test]
fn the_api_key_never_appears_in_errors() {
    let server =
        Server::start(|_| Reply::status(404).with_header("message", "Invalid apiKey parameter"));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let mut o = options(&server, at(2024, 1, 1), at(2024, 2, 1), 10);
    o.api_key = Some("SECRET-KEY-0123".into());
    let err = feeds.sync_nvd(&o, &mut NoProgress).unwrap_err();
    let shown = format!("{err} {err:?} {o:?} {feeds:?}");
    assert!(!shown.contains("SECRET-KEY-0123"), "{shown}");
    assert!(matches!(err, FeedError::Status { status: 404, .. }));
    assert!(
        err.to_string().contains("Invalid apiKey parameter"),
        "{err}"
    );
    assert!(
        err.to_string().contains(&server.base),
        "the URL is named: {err}"
    );
}

#[test]
fn rate_limit_answers_are_retried_with_backoff() {
    let records = records();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let server = Server::start(move |req| match c.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::status(429).with_header("Retry-After", "7"),
        1 => Reply::status(403),
        2 => Reply::status(503),
        _ => page(&records, req),
    });
    let clock = TestClock::new();
    let cache = tempfile::tempdir().unwrap();
    let mut cfg = config(clock.clone());
    cfg.retry.max_attempts = 4;
    let feeds = Feeds::new(cache.path(), cfg).unwrap();
    let mut o = options(&server, at(2024, 1, 1), at(2024, 2, 1), 2000);
    o.rate_limit = Some(Arc::new(RateLimiter::new(100, Duration::from_secs(30))));
    let report = feeds.sync_nvd(&o, &mut NoProgress).unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(server.requests().len(), 4);
    // Retry-After honoured, then the backoff doubling with each retry (2 s · 2^n).
    assert_eq!(
        clock.sleeps(),
        vec![
            Duration::from_secs(7),
            Duration::from_secs(4),
            Duration::from_secs(8)
        ]
    );
}

#[test]
fn a_page_cut_off_mid_body_is_fetched_again() {
    let records = records();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let server = Server::start(move |req| {
        let reply = page(&records, req);
        if c.fetch_add(1, Ordering::SeqCst) == 0
            && let Reply::Full { body, .. } = reply
        {
            let send = body.len() / 2;
            return Reply::Truncated {
                headers: vec![],
                body,
                send,
            };
        }
        reply
    });
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let report = feeds
        .sync_nvd(
            &options(&server, at(2024, 1, 1), at(2024, 2, 1), 2000),
            &mut NoProgress,
        )
        .unwrap();
    assert_eq!(server.requests().len(), 2);
    let bytes = std::fs::read(&report.files[0].path).unwrap();
    let page: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(page["vulnerabilities"].as_array().unwrap().len(), 40);
}

#[test]
fn an_interrupted_window_resumes_at_the_next_page() {
    let records = records();
    let failing = Arc::new(Mutex::new(true));
    let f = failing.clone();
    let server = Server::start(move |req| {
        if *f.lock().unwrap() && req.query("startIndex") == Some("15") {
            Reply::status(500)
        } else {
            page(&records, req)
        }
    });
    let cache = tempfile::tempdir().unwrap();
    let mut cfg = config(TestClock::new());
    cfg.retry.max_attempts = 2;
    let feeds = Feeds::new(cache.path(), cfg).unwrap();

    let o = options(&server, at(2024, 1, 1), at(2024, 3, 1), 15);
    let err = feeds.sync_nvd(&o, &mut NoProgress).unwrap_err();
    assert!(
        matches!(err, FeedError::Status { status: 500, .. }),
        "{err}"
    );
    let state: Value =
        serde_json::from_slice(&std::fs::read(cache.path().join("nvd/state.json")).unwrap())
            .unwrap();
    assert_eq!(state["window"]["next_index"], 15);
    assert_eq!(state["pending"].as_array().unwrap().len(), 1);
    assert!(state["last_mod_end"].is_null());

    // The next run (even with another end date) finishes that window from page 2 first.
    *failing.lock().unwrap() = false;
    server.clear();
    let o = options(&server, at(2024, 1, 1), at(2024, 3, 5), 15);
    let report = feeds.sync_nvd(&o, &mut NoProgress).unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].query("startIndex"), Some("15"));
    assert_eq!(
        requests[0].query("lastModEndDate"),
        Some("2024-03-01T00:00:00.000+00:00")
    );
    // 2 more pages of the old window, then 3 pages of 2024-03-01 .. 2024-03-05.
    assert_eq!(requests.len(), 5);
    assert_eq!(
        requests[2].query("lastModStartDate"),
        Some("2024-03-01T00:00:00.000+00:00")
    );
    assert_eq!(report.files.len(), 6);
    assert_eq!(report.up_to.as_deref(), Some("2024-03-05T00:00:00+00:00"));
}

#[test]
fn a_first_run_without_since_fetches_everything_without_dates() {
    let records = records();
    let server = Server::start(move |req| page(&records, req));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let o = NvdOptions {
        base_url: server.url("/rest/json/cves/2.0"),
        until: Some(at(2024, 3, 1)),
        ..NvdOptions::default()
    };
    let report = feeds.sync_nvd(&o, &mut NoProgress).unwrap();
    assert_eq!(report.files.len(), 1);
    let r = &server.requests()[0];
    assert!(r.query("lastModStartDate").is_none());
    assert_eq!(r.query("resultsPerPage"), Some("2000"));
    assert_eq!(report.up_to.as_deref(), Some("2024-03-01T00:00:00+00:00"));
}
