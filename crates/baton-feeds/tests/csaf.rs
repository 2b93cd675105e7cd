//! CSAF provider sync: provider metadata → ROLIE feeds or directories → hash-checked advisories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_feeds::{CsafOptions, Feeds, FileKind, NoProgress};
use common::{Reply, Server, TestClock, config, data_dir, static_file};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// A server answering from an editable map of path → bytes (404 otherwise).
fn site() -> (Server, Files) {
    let files: Files = Arc::new(Mutex::new(HashMap::new()));
    let f = files.clone();
    let server = Server::start(move |req| match f.lock().unwrap().get(&req.path) {
        Some(bytes) => {
            let etag = format!("\"{}\"", &hex(&Sha256::digest(bytes))[..16]);
            static_file(req, bytes, &etag)
        }
        None => Reply::status(404),
    });
    (server, files)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn put(files: &Files, path: &str, bytes: impl Into<Vec<u8>>) {
    files.lock().unwrap().insert(path.to_string(), bytes.into());
}

fn icsma(data: &Path, name: &str) -> Vec<u8> {
    std::fs::read(data.join("cisa-csaf-icsma").join(name)).unwrap()
}

fn sha512_file(data: &Path, name: &str) -> Vec<u8> {
    std::fs::read(
        data.join("cisa-csaf-icsma/sha512")
            .join(format!("{name}.sha512")),
    )
    .unwrap()
}

fn entry(server: &Server, name: &str, updated: &str, links: Vec<Value>) -> Value {
    let src = server.url(&format!("/csaf/OT/white/2017/{name}"));
    let mut all = vec![json!({"rel": "self", "href": src})];
    all.extend(links);
    all.push(json!({"rel": "signature", "href": format!("{src}.asc")}));
    json!({
        "id": name.trim_end_matches(".json").to_uppercase(),
        "title": name,
        "link": all,
        "published": "2017-01-09T00:00:00.000000Z",
        "updated": updated,
        "content": {"src": src, "type": "application/json"},
        "format": {"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"}
    })
}

fn feed(entries: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "feed": {
            "id": "csaf-feed-tlp-white",
            "title": "Test TLP:WHITE feed",
            "link": [],
            "category": [{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}],
            "updated": "2024-10-24T06:00:00.000000Z",
            "entry": entries
        }
    }))
    .unwrap()
}

const A: &str = "icsma-17-009-01a.json";
const B: &str = "icsma-17-017-01.json";
const C: &str = "icsma-17-017-02.json";
const D: &str = "icsma-17-082-01.json";

fn doc_path(name: &str) -> String {
    format!("/csaf/OT/white/2017/{name}")
}

/// Publishes A (SHA-512 link), B (SHA-256 link spelled `ref`, as CISA's IT feed does), C (no
/// hash link; a `.sha512` at the conventional place) and D (a wrong `.sha256`), in a TLP:WHITE
/// feed, beside a TLP:AMBER feed that must not be read.
fn publish(server: &Server, files: &Files, data: &Path, a_updated: &str, d_hash_ok: bool) {
    for name in [A, B, C, D] {
        put(files, &doc_path(name), icsma(data, name));
    }
    put(
        files,
        &format!("{}.sha512", doc_path(A)),
        sha512_file(data, A),
    );
    put(
        files,
        &format!("{}.sha256", doc_path(B)),
        format!("{}  {B}\n", hex(&Sha256::digest(icsma(data, B)))),
    );
    put(
        files,
        &format!("{}.sha512", doc_path(C)),
        sha512_file(data, C),
    );
    let d_hash = if d_hash_ok {
        hex(&Sha256::digest(icsma(data, D)))
    } else {
        hex(&Sha256::digest(b"something else"))
    };
    put(
        files,
        &format!("{}.sha256", doc_path(D)),
        format!("{d_hash}  {D}\n"),
    );
    let hash = |name: &str, ext: &str| json!({"rel": "hash", "href": server.url(&format!("{}.{ext}", doc_path(name)))});
    let entries = vec![
        entry(server, A, a_updated, vec![hash(A, "sha512")]),
        entry(
            server,
            B,
            "2017-01-17T00:00:00.000000Z",
            vec![json!({"ref": "hash", "href": server.url(&format!("{}.sha256", doc_path(B)))})],
        ),
        entry(server, C, "2017-01-17T00:00:00.000000Z", vec![]),
        entry(
            server,
            D,
            "2017-03-23T00:00:00.000000Z",
            vec![hash(D, "sha256")],
        ),
    ];
    put(files, "/feeds/white.json", feed(entries));
    put(files, "/feeds/amber.json", feed(vec![]));
    let metadata = json!({
        "canonical_url": server.url("/.well-known/csaf/provider-metadata.json"),
        "distributions": [{"rolie": {"feeds": [
            {"summary": "WHITE", "tlp_label": "WHITE", "url": server.url("/feeds/white.json")},
            {"summary": "AMBER", "tlp_label": "AMBER", "url": server.url("/feeds/amber.json")}
        ]}}],
        "last_updated": "2024-10-24T06:00:00Z",
        "list_on_CSAF_aggregators": true,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": true,
        "publisher": {"category": "coordinator", "name": "Test CERT", "namespace": "https://example.org"},
        "role": "csaf_trusted_provider"
    });
    put(
        files,
        "/.well-known/csaf/provider-metadata.json",
        serde_json::to_vec(&metadata).unwrap(),
    );
}

fn kept_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "state.json")
        .collect();
    names.sort();
    names
}

#[test]
fn rolie_advisories_are_hash_checked_and_unchanged_ones_skipped() {
    let data = data_dir();
    let (server, files) = site();
    publish(&server, &files, &data, "2017-02-06T00:00:00.000000Z", false);
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let options = CsafOptions::new(server.url("/.well-known/csaf/provider-metadata.json"));

    // First run: A, B, C kept; D refused for its hash; the AMBER feed never read.
    let report = feeds.sync_csaf(&options, &mut NoProgress).unwrap();
    assert!(
        report.source.starts_with("csaf:127.0.0.1_"),
        "{}",
        report.source
    );
    assert_eq!(report.files.len(), 3, "{report:#?}");
    assert_eq!(report.new_files, 3);
    assert!(report.files.iter().all(|f| f.kind == FileKind::Advisory));
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(
        report.errors[0].contains(&server.url(&doc_path(D))),
        "{}",
        report.errors[0]
    );
    assert!(
        report.errors[0].contains("hash mismatch"),
        "{}",
        report.errors[0]
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("TLP:AMBER")),
        "{:?}",
        report.warnings
    );
    assert!(server.requests_to("/feeds/amber.json").is_empty());
    assert!(
        server
            .requests_to(&format!("{}.asc", doc_path(A)))
            .is_empty()
    );
    let dir = report.state_file.parent().unwrap().to_path_buf();
    assert_eq!(kept_names(&dir), [A, B, C], "D not kept, no .part left");
    let mut ids: Vec<String> = report
        .files
        .iter()
        .map(|f| {
            let parsed = baton_advisories::parse("x", &std::fs::read(&f.path).unwrap()).unwrap();
            parsed.advisories[0].id.clone()
        })
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["ICSMA-17-009-01A", "ICSMA-17-017-01", "ICSMA-17-017-02"]
    );

    // Second run, nothing changed: A, B, C not fetched again; D tried again and refused again.
    feeds.acknowledge(&report).unwrap();
    server.clear();
    let report = feeds.sync_csaf(&options, &mut NoProgress).unwrap();
    assert_eq!(report.skipped_unchanged, 3);
    assert!(report.files.is_empty());
    for name in [A, B, C] {
        assert!(
            server.requests_to(&doc_path(name)).is_empty(),
            "{name} fetched again"
        );
    }
    assert_eq!(server.requests_to(&doc_path(D)).len(), 1);
    assert_eq!(report.errors.len(), 1);

    // Third run: A's `updated` moved (same bytes: fetched, not handed out again); D fixed.
    publish(&server, &files, &data, "2024-01-01T00:00:00.000000Z", true);
    server.clear();
    let report = feeds.sync_csaf(&options, &mut NoProgress).unwrap();
    assert_eq!(server.requests_to(&doc_path(A)).len(), 1);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.new_files, 1);
    assert_eq!(report.files.len(), 1);
    assert!(report.files[0].path.ends_with(D));
    assert_eq!(report.skipped_unchanged, 3);
    assert_eq!(kept_names(&dir), [A, B, C, D]);
}

#[test]
fn a_provider_without_rolie_is_read_through_its_directory() {
    let data = data_dir();
    let (server, files) = site();
    let base = "/.well-known/csaf/white";
    for name in [A, C] {
        put(&files, &format!("{base}/2017/{name}"), icsma(&data, name));
        put(
            &files,
            &format!("{base}/2017/{name}.sha512"),
            sha512_file(&data, name),
        );
    }
    put(
        &files,
        &format!("{base}/changes.csv"),
        format!("\"2017/{A}\",\"2017-02-06T00:00:00Z\"\n2017/{C},2017-01-17T00:00:00Z\n"),
    );
    let metadata = json!({
        "canonical_url": server.url("/.well-known/csaf/provider-metadata.json"),
        "distributions": [
            {"directory_url": server.url(&format!("{base}/"))},
            {"directory_url": server.url("/.well-known/csaf/amber/")}
        ],
        "metadata_version": "2.0",
        "publisher": {"category": "vendor", "name": "Test", "namespace": "https://example.org"},
        "role": "csaf_provider"
    });
    put(
        &files,
        "/.well-known/csaf/provider-metadata.json",
        serde_json::to_vec(&metadata).unwrap(),
    );
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let options = CsafOptions::new(server.url("/.well-known/csaf/provider-metadata.json"));

    let report = feeds.sync_csaf(&options, &mut NoProgress).unwrap();
    assert_eq!(report.files.len(), 2, "{report:#?}");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        report.warnings.iter().any(|w| w.contains("TLP:AMBER")),
        "{:?}",
        report.warnings
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.contains("/amber/"))
    );

    let again = feeds.sync_csaf(&options, &mut NoProgress).unwrap();
    assert_eq!(again.skipped_unchanged, 2);
    assert_eq!(again.new_files, 0);

    // Without changes.csv, index.txt lists the files; with no dates they are fetched again but,
    // being the same bytes, not handed out as new.
    files.lock().unwrap().remove(&format!("{base}/changes.csv"));
    put(
        &files,
        &format!("{base}/index.txt"),
        format!("2017/{A}\n2017/{C}\n"),
    );
    feeds.acknowledge(&again).unwrap();
    server.clear();
    let third = feeds.sync_csaf(&options, &mut NoProgress).unwrap();
    assert_eq!(server.requests_to(&format!("{base}/index.txt")).len(), 1);
    assert_eq!(third.new_files, 0);
    assert_eq!(third.skipped_unchanged, 2);
    assert!(third.files.is_empty());
}

#[test]
fn a_broken_feed_is_an_error_of_that_feed_only() {
    let (server, files) = site();
    put(&files, "/feeds/white.json", b"<html>".to_vec());
    let metadata = json!({
        "distributions": [{"rolie": {"feeds": [
            {"tlp_label": "WHITE", "url": server.url("/feeds/white.json")},
            {"tlp_label": "WHITE", "url": server.url("/feeds/missing.json")}
        ]}}]
    });
    put(&files, "/pm.json", serde_json::to_vec(&metadata).unwrap());
    let cache = tempfile::tempdir().unwrap();
    let feeds = Feeds::new(cache.path(), config(TestClock::new())).unwrap();
    let report = feeds
        .sync_csaf(&CsafOptions::new(server.url("/pm.json")), &mut NoProgress)
        .unwrap();
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert!(report.errors[0].contains("not a ROLIE feed"));
    assert!(report.errors[1].contains("404"));
}
