//! OSV `all.zip`: resumable download, conditional re-download, safe unpacking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_feeds::{FeedError, Feeds, FileKind, NoProgress, OsvOptions};
use common::{Reply, Server, TestClock, config, data_dir, static_file};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use zip::write::SimpleFileOptions;

const ETAG: &str = "\"all-zip-v1\"";

fn build_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer
            .start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The first 200 RustSec records (OSV JSON) as an `all.zip`.
fn rustsec_zip() -> (Vec<u8>, usize) {
    let dir = data_dir().join("osv-rustsec/crates");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names.truncate(200);
    let entries: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.clone(), std::fs::read(dir.join(n)).unwrap()))
        .collect();
    (build_zip(&entries), entries.len())
}

fn osv(server: &Server) -> OsvOptions {
    OsvOptions {
        base_url: server.url("/bucket"),
        ecosystem: "crates.io".into(),
    }
}

#[test]
fn a_connection_dropped_mid_download_is_resumed_with_range() {
    let (zip, count) = rustsec_zip();
    let half = zip.len() / 2;
    let served = Arc::new(zip.clone());
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = Server::start(move |req| {
        assert_eq!(req.path, "/bucket/crates.io/all.zip");
        if c.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::Truncated {
                headers: vec![("ETag".into(), ETAG.into())],
                body: served.to_vec(),
                send: half,
            };
        }
        static_file(req, &served, ETAG)
    });
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let report = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].header("range").is_none());
    assert_eq!(
        requests[1].header("range"),
        Some(format!("bytes={half}-").as_str())
    );
    assert_eq!(requests[1].header("if-range"), Some(ETAG));
    assert_eq!(requests[1].header("accept-encoding"), Some("identity"));

    let dir = cache.path().join("osv/crates.io");
    assert_eq!(std::fs::read(dir.join("all.zip")).unwrap(), zip);
    assert!(!dir.join("all.zip.part").exists());
    assert!(!dir.join("all.zip.part.json").exists());
    assert_eq!(report.source, "osv:crates.io");
    assert_eq!(report.files.len(), count);
    assert_eq!(report.new_files, count);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // Each record is an OSV advisory the reader takes.
    let first = &report.files[0];
    assert_eq!(first.kind, FileKind::Advisory);
    let parsed = baton_advisories::parse("x", &std::fs::read(&first.path).unwrap()).unwrap();
    assert!(parsed.advisories[0].id.starts_with("RUSTSEC-"));
}

#[test]
fn a_partial_file_left_by_one_run_is_resumed_by_the_next() {
    let (zip, count) = rustsec_zip();
    let third = zip.len() / 3;
    let served = Arc::new(zip.clone());
    let cut = Arc::new(Mutex::new(true));
    let k = cut.clone();
    let server = Server::start(move |req| {
        if *k.lock().unwrap() {
            return Reply::Truncated {
                headers: vec![("ETag".into(), ETAG.into())],
                body: served.to_vec(),
                send: third,
            };
        }
        static_file(req, &served, ETAG)
    });
    let cache = tempfile::tempdir().unwrap();
    let mut cfg = config(TestClock::new());
    cfg.retry.max_attempts = 1;
    let feeds = Feeds::new(cache.path(), cfg).unwrap();
    let err = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap_err();
    assert!(matches!(err, FeedError::Transport { .. }), "{err}");
    let dir = cache.path().join("osv/crates.io");
    assert_eq!(
        std::fs::metadata(dir.join("all.zip.part")).unwrap().len(),
        third as u64
    );
    assert!(!dir.join("all.zip").exists(), "nothing renamed into place");

    *cut.lock().unwrap() = false;
    server.clear();
    let report = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("range"),
        Some(format!("bytes={third}-").as_str())
    );
    assert_eq!(std::fs::read(dir.join("all.zip")).unwrap(), zip);
    assert_eq!(report.files.len(), count);
}

#[test]
fn an_unchanged_archive_is_not_downloaded_or_unpacked_again() {
    let (zip, count) = rustsec_zip();
    let server = Server::start(move |req| static_file(req, &zip, ETAG));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let first = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap();
    assert_eq!(first.new_files, count);

    server.clear();
    let second = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap();
    assert_eq!(server.requests()[0].header("if-none-match"), Some(ETAG));
    assert_eq!(second.skipped_unchanged, 1);
    assert_eq!(second.new_files, 0);
    // Not yet acknowledged: still handed out.
    assert_eq!(second.files.len(), count);

    feeds.acknowledge(&second).unwrap();
    let third = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap();
    assert!(third.files.is_empty());
}

#[test]
fn traversal_entries_and_oversized_entries_are_rejected() {
    let good = br#"{"id":"RUSTSEC-0000-0001","modified":"2024-01-01T00:00:00Z"}"#.to_vec();
    let entries = vec![
        ("../evil.json".to_string(), good.clone()),
        ("/abs-evil.json".to_string(), good.clone()),
        ("sub/../../evil2.json".to_string(), good.clone()),
        ("..\\evil3.json".to_string(), good.clone()),
        ("RUSTSEC-0000-0001.json".to_string(), good.clone()),
        ("RHSA-2024:0001.json".to_string(), good.clone()),
        ("bomb.json".to_string(), vec![b' '; 100_000]),
        ("broken.json".to_string(), b"{not json".to_vec()),
        ("README.md".to_string(), b"hello".to_vec()),
    ];
    let zip = build_zip(&entries);
    let server = Server::start(move |req| static_file(req, &zip, ETAG));
    let root = tempfile::tempdir().unwrap();
    let cache = root.path().join("a/b/cache");
    let mut cfg = config(TestClock::new());
    cfg.max_document_bytes = 10_000;
    let feeds = Feeds::new(&cache, cfg).unwrap();
    let report = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap();

    let mut kept: Vec<String> = std::fs::read_dir(cache.join("osv/crates.io/records"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    kept.sort();
    assert_eq!(kept, ["RHSA-2024_0001.json", "RUSTSEC-0000-0001.json"]);
    assert_eq!(report.files.len(), 2);
    for name in [
        "../evil.json",
        "/abs-evil.json",
        "sub/../../evil2.json",
        "..\\evil3.json",
        "bomb.json",
        "broken.json",
        "README.md",
    ] {
        assert!(
            report
                .errors
                .iter()
                .any(|e| e.contains(&format!("{name:?}"))),
            "{name} not reported: {:#?}",
            report.errors
        );
    }
    assert_eq!(report.errors.len(), 7);
    assert!(
        report.errors.iter().all(|e| e.contains(&server.base)),
        "errors name the URL"
    );
    // Nothing escaped anywhere above the records folder.
    for dir in [
        root.path().to_path_buf(),
        root.path().join("a"),
        root.path().join("a/b"),
        cache.clone(),
        cache.join("osv"),
        cache.join("osv/crates.io"),
    ] {
        for bad in [
            "evil.json",
            "abs-evil.json",
            "evil2.json",
            "evil3.json",
            "..\\evil3.json",
        ] {
            assert!(!dir.join(bad).exists(), "{}", dir.join(bad).display());
        }
    }
}

#[test]
fn a_file_that_is_not_a_zip_is_not_kept() {
    let server = Server::start(|req| static_file(req, b"<html>maintenance</html>", ETAG));
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let err = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap_err();
    assert!(matches!(err, FeedError::Invalid { .. }), "{err}");
    assert!(
        err.to_string().contains("/bucket/crates.io/all.zip"),
        "{err}"
    );
    let dir = cache.path().join("osv/crates.io");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_download_over_the_size_limit_is_refused_naming_the_url() {
    let big = vec![0u8; 50_000];
    let server = Server::start(move |req| static_file(req, &big, ETAG));
    let cache = tempfile::tempdir().unwrap();
    let mut cfg = config(TestClock::new());
    cfg.max_archive_bytes = 10_000;
    let feeds = Feeds::new(cache.path(), cfg).unwrap();
    let err = feeds.sync_osv(&osv(&server), &mut NoProgress).unwrap_err();
    assert!(
        matches!(err, FeedError::TooLarge { limit: 10_000, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains(&server.url("/bucket/crates.io/all.zip")),
        "{err}"
    );
    assert!(!cache.path().join("osv/crates.io/all.zip.part").exists());
    assert_eq!(server.requests().len(), 1, "not retried");
}
