//! Fleet findings through the `baton` binary: imports of advisories, KEV and VEX, `findings`,
//! `affected`, `vex`, `identities`, `match`, and `sync` from a server on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use baton_store::testing;
use serde_json::Value;

const ON: &str = "2026-11-28";

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

/// A key file per database, so that tests on PostgreSQL do not share one.
fn log_key(db: &str) -> std::path::PathBuf {
    let name: String = db
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    std::env::temp_dir().join(format!("{name}.log-key"))
}

fn baton(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .args(["--on", ON])
        .env("BATON_DATABASE_URL", db)
        .env("BATON_LOG_KEY", log_key(db))
        .env_remove("NVD_API_KEY")
        .output()
        .expect("run baton")
}

fn ok(db: &str, args: &[&str]) -> String {
    let out = baton(db, args);
    assert!(
        out.status.success(),
        "baton {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(db: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let text = ok(db, &all);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

const MODELS: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Philips,Vue PACS,,,imaging,high,2015-01-01,2025-01-01,2022-06-01,2028-01-01,2025-01-01
";

const ASSETS: &str = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status
gh-1,General Hospital,Philips,Vue PACS,12.2.1.0,,,,,,in-use
gh-2,General Hospital,Philips,Vue PACS,12.2.1.0,,,,,,decommissioned
";

fn setup(db: &str, dir: &Path) {
    std::fs::write(dir.join("models.csv"), MODELS).unwrap();
    std::fs::write(dir.join("assets.csv"), ASSETS).unwrap();
    ok(
        db,
        &["import", "models", dir.join("models.csv").to_str().unwrap()],
    );
    ok(
        db,
        &["import", "assets", dir.join("assets.csv").to_str().unwrap()],
    );
}

#[test]
fn an_hdo_loads_advisories_and_triages_its_findings() {
    for db in testing::all() {
        let dir = tempfile::tempdir().unwrap();
        setup(&db.url, dir.path());
        // A folder with advisories, a README and checksum files: the others are skipped.
        let out = baton(
            &db.url,
            &[
                "import",
                "advisories",
                shared("cisa-csaf-icsma").to_str().unwrap(),
                shared("cisa-kev/known_exploited_vulnerabilities.json")
                    .to_str()
                    .unwrap(),
                "--format",
                "json",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("skipped"), "{stderr}");
        let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(summary[0]["advisories"].as_u64().unwrap() >= 140);
        assert!(summary[0]["kev"].as_u64().unwrap() > 1000);

        let rows = json(&db.url, &["findings", "--asset", "General Hospital/gh-1"]);
        let rows = rows.as_array().unwrap();
        // ICSMA-21-187-01 names sixteen CVEs for Vue PACS <= 12.2.x.x; later Philips advisories
        // add more.
        let total = rows.len();
        assert!(total >= 16, "{rows:#?}");
        // KEV first: CVE-2020-1938 (Ghostcat) is in the catalog.
        let first = &rows[0];
        for key in [
            "finding_id",
            "vulnerability_id",
            "aliases",
            "manufacturer",
            "model",
            "version",
            "component_ref",
            "component_name",
            "component_version",
            "status",
            "justification",
            "confidence",
            "source",
            "kev",
            "epss",
            "cvss",
            "first_seen",
            "last_seen",
            "assets",
        ] {
            assert!(first.get(key).is_some(), "{key} missing: {first}");
        }
        assert_eq!(first["vulnerability_id"], "CVE-2020-1938");
        assert_eq!(first["kev"], true);
        assert_eq!(first["assets"], 1);
        let id = first["finding_id"].as_i64().unwrap().to_string();

        let with_evidence = json(&db.url, &["findings", "--kev", "--evidence"]);
        assert_eq!(with_evidence.as_array().unwrap().len(), 1);
        assert!(
            with_evidence[0]["evidence"][0]["matched"]
                .as_str()
                .unwrap()
                .contains("Vue PACS")
        );

        let affected = json(&db.url, &["affected", "CVE-2020-1938"]);
        assert_eq!(
            affected.as_array().unwrap().len(),
            1,
            "gh-2 is decommissioned"
        );
        let a = &affected[0];
        assert_eq!(a["asset_id"], "gh-1");
        assert_eq!(a["stage"], "limited-support");
        assert!(a["patch_developer"].get("party").is_some());
        assert!(a["patch_deployer"].get("lead").is_some());
        assert!(a["patch_deployer"].get("provider").is_some());

        // Triage.
        let refused = baton(
            &db.url,
            &[
                "vex",
                "set",
                "--finding",
                &id,
                "--status",
                "not_affected",
                "--by",
                "alice",
            ],
        );
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("justification"));
        ok(
            &db.url,
            &[
                "vex",
                "set",
                "--finding",
                &id,
                "--status",
                "not_affected",
                "--justification",
                "vulnerable_code_not_in_execute_path",
                "--note",
                "AJP disabled",
                "--by",
                "alice",
            ],
        );
        let history = json(&db.url, &["vex", "history", "--finding", &id]);
        assert_eq!(history[0]["decided_by"], "alice");
        assert_eq!(history[0]["status"], "not_affected");
        assert!(
            json(&db.url, &["affected", "CVE-2020-1938"])
                .as_array()
                .unwrap()
                .is_empty()
        );
        let open = json(&db.url, &["findings", "--status", "affected"]);
        assert_eq!(open.as_array().unwrap().len(), total - 1);

        // Matching everything again keeps every decision.
        ok(&db.url, &["match"]);
        assert_eq!(
            json(&db.url, &["findings", "--status", "not_affected"])
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // Nothing in this inventory lacks an identity (no SBOM).
        assert!(
            json(&db.url, &["identities", "unmatched"])
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}

/// A tiny HTTP/1.1 server on loopback answering every request with one file, then closing.
fn serve(body: Vec<u8>, requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/kev.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 8192];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (url, handle)
}

#[test]
fn sync_downloads_and_imports_from_a_mirror() {
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    setup(&db.url, dir.path());
    let body = std::fs::read(shared("cisa-kev/known_exploited_vulnerabilities.json")).unwrap();
    let (url, server) = serve(body, 1);
    let cache = dir.path().join("cache");
    let rows = json(
        &db.url,
        &[
            "sync",
            "kev",
            "--url",
            &url,
            "--cache",
            cache.to_str().unwrap(),
        ],
    );
    server.join().unwrap();
    assert_eq!(
        rows[0]["source"].as_str().map(|s| s.contains("kev")),
        Some(true),
        "{rows}"
    );
    assert!(rows[0]["kev"].as_u64().unwrap() > 1000, "{rows}");
}
