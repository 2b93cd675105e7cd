//! `baton serve` as a process: a token-authenticated upload, a `kill -9` in the middle of one,
//! and `baton backup` / `baton restore`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use baton_store::{Store, testing};

fn baton(db: &testing::TestDatabase, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env("BATON_DATABASE_URL", &db.url)
        .env("BATON_LOG_KEY", db.log_key())
        .output()
        .unwrap()
}

fn ok(db: &testing::TestDatabase, args: &[&str]) -> String {
    let out = baton(db, args);
    assert!(
        out.status.success(),
        "baton {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &testing::TestDatabase) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("BATON_DATABASE_URL", &db.url)
            .env("BATON_LOG_KEY", db.log_key())
            .env("BATON_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/healthz")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const MODELS: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Acme Medical,Pump 9,,,infusion pump,high,,,,,
";

fn setup(db: &testing::TestDatabase, dir: &std::path::Path) -> String {
    let models = dir.join("models.csv");
    std::fs::write(&models, MODELS).unwrap();
    ok(db, &["import", "models", models.to_str().unwrap()]);
    ok(
        db,
        &[
            "admin",
            "org",
            "create",
            "General Hospital",
            "--kind",
            "hdo",
        ],
    );
    ok(
        db,
        &[
            "admin",
            "user",
            "create",
            "ann@gh.example",
            "--org",
            "General Hospital",
            "--role",
            "analyst",
            "--no-password",
        ],
    );
    let token = ok(
        db,
        &[
            "admin",
            "token",
            "create",
            "--user",
            "ann@gh.example",
            "--expires",
            "1",
        ],
    );
    token.lines().nth(1).unwrap().trim().to_string()
}

fn assets_csv(n: usize) -> String {
    let mut csv = String::from(
        "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n",
    );
    for i in 0..n {
        csv.push_str(&format!(
            "A-{i:07},General Hospital,Acme Medical,Pump 9,1.0,SN{i},,Main,ICU,clinical,in-use\n"
        ));
    }
    csv
}

fn count_assets(db: &testing::TestDatabase) -> i64 {
    let mut store = db.open().unwrap();
    store
        .db()
        .query("SELECT COUNT(*) FROM assets", &[])
        .unwrap()[0][0]
        .int()
        .unwrap()
}

#[test]
fn an_upload_through_the_api_is_logged_as_its_user() {
    for db in testing::all() {
        let dir = tempfile::tempdir().unwrap();
        let token = setup(&db, dir.path());
        let server = Server::start(&db);
        let res = ureq::post(&format!(
            "{}/api/v1/imports/assets?file=assets.csv",
            server.base
        ))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "text/csv")
        .send(assets_csv(3).as_str())
        .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(count_assets(&db), 3);
        let mut store = db.open().unwrap();
        let last = store.log_events(0, 1000).unwrap().pop().unwrap().1;
        assert_eq!(
            (
                last.action.as_str(),
                last.actor.as_str(),
                last.organization.as_deref()
            ),
            ("import.assets", "ann@gh.example", Some("General Hospital"))
        );
    }
}

#[test]
fn a_kill_during_an_upload_leaves_the_previous_state_and_a_log_that_verifies() {
    for db in testing::all() {
        let dir = tempfile::tempdir().unwrap();
        let token = setup(&db, dir.path());
        let entries_before = db
            .open()
            .unwrap()
            .verify_log(None)
            .unwrap()
            .unwrap()
            .entries;
        let mut server = Server::start(&db);
        let body = assets_csv(200_000);
        let url = format!("{}/api/v1/imports/assets?file=assets.csv", server.base);
        let upload = std::thread::spawn(move || {
            ureq::post(&url)
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "text/csv")
                .send(body.as_str())
                .map(|r| r.status().as_u16())
        });
        // Wait until the import is under way (its transaction holds the write lock), then kill.
        std::thread::sleep(Duration::from_millis(1500));
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        let answered = upload.join().unwrap();

        let mut store = db.open().unwrap();
        let verified = store.verify_log(None).unwrap().unwrap();
        let imported = store
            .log_events(0, 100_000)
            .unwrap()
            .iter()
            .any(|(_, e)| e.action == "import.assets");
        let assets = count_assets(&db);
        // All or nothing, and the log says which.
        eprintln!(
            "{}: killed {} the commit",
            db.backend,
            if imported { "after" } else { "before" }
        );
        if imported {
            assert_eq!(assets, 200_000);
            assert_eq!(verified.entries, entries_before + 1);
        } else {
            assert_eq!(
                assets, 0,
                "{}: a partial import survived the kill",
                db.backend
            );
            assert_eq!(verified.entries, entries_before);
            assert!(answered.is_err(), "no answer can come from a killed server");
        }
    }
}

#[test]
fn backup_and_restore_keep_a_log_that_verifies() {
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    setup(&db, dir.path());
    let backup = dir.path().join("backup.db");
    ok(&db, &["backup", backup.to_str().unwrap()]);
    assert!(
        !baton(&db, &["backup", backup.to_str().unwrap()])
            .status
            .success(),
        "never overwrites"
    );
    ok(
        &db,
        &["admin", "org", "create", "City Clinic", "--kind", "hdo"],
    );
    let restored = ok(&db, &["restore", backup.to_str().unwrap()]);
    assert!(restored.contains("its log verifies"), "{restored}");
    let orgs = ok(&db, &["--format", "json", "admin", "org", "list"]);
    assert!(
        !orgs.contains("City Clinic"),
        "the restore brought back the earlier state"
    );
    assert!(ok(&db, &["log", "verify"]).contains("log verifies"));

    // A backup whose log was tampered with is refused, and nothing changes.
    let mut copy =
        Store::open_with_key(&format!("sqlite:{}", backup.display()), Some(db.log_key())).unwrap();
    copy.db()
        .exec(
            "UPDATE audit_log SET leaf = REPLACE(leaf, 'analyst', 'admin')",
            &[],
        )
        .unwrap();
    drop(copy);
    let out = baton(&db, &["restore", backup.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the backup's log does not verify"));
    assert!(ok(&db, &["log", "verify"]).contains("log verifies"));
}
