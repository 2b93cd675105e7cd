//! `baton admin …` and `baton log …` as an operator runs them, on every available backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use baton_store::{Store, testing};

fn baton(db: &testing::TestDatabase, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env("BATON_DATABASE_URL", &db.url)
        .env("BATON_LOG_KEY", db.log_key())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(db: &testing::TestDatabase, args: &[&str]) -> String {
    let out = baton(db, args, None);
    assert!(
        out.status.success(),
        "baton {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn an_operator_bootstraps_users_and_the_log_proves_itself() {
    for db in testing::all() {
        // An empty log verifies, before any key exists.
        assert!(ok(&db, &["log", "verify"]).contains("log verifies: 0 entries"));
        assert!(!baton(&db, &["log", "key"], None).status.success());

        ok(
            &db,
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
            &db,
            &["admin", "org", "create", "Acme Medical", "--kind", "mdm"],
        );
        let created = ok(
            &db,
            &[
                "admin",
                "user",
                "create",
                "ann@gh.example",
                "--org",
                "general hospital",
                "--role",
                "admin",
            ],
        );
        let password = created
            .lines()
            .find_map(|l| l.strip_prefix("password (shown once): "))
            .expect("a generated password is printed once");
        assert!(password.len() >= 12);
        let out = baton(
            &db,
            &[
                "admin",
                "user",
                "create",
                "max@acme.example",
                "--org",
                "Acme Medical",
                "--role",
                "analyst",
                "--password-stdin",
            ],
            Some("a password from stdin\n"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("a password from stdin"));
        let bad = baton(
            &db,
            &[
                "admin",
                "user",
                "create",
                "x@gh.example",
                "--org",
                "General Hospital",
                "--role",
                "root",
            ],
            None,
        );
        assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role 'root'"));

        let token = ok(
            &db,
            &[
                "admin",
                "token",
                "create",
                "--user",
                "ann@gh.example",
                "--expires",
                "30",
            ],
        );
        let secret = token.lines().nth(1).unwrap().trim().to_string();
        assert!(secret.starts_with("baton_"));
        ok(&db, &["admin", "token", "revoke", "1"]);
        ok(
            &db,
            &[
                "admin",
                "sharing",
                "set",
                "--hospital",
                "General Hospital",
                "--manufacturer",
                "Acme Medical",
                "--level",
                "counts",
            ],
        );
        let users = ok(&db, &["--format", "json", "admin", "user", "list"]);
        assert!(users.contains("ann@gh.example") && users.contains("max@acme.example"));

        // The log: every change above, signed; no secret in it.
        let verified = ok(&db, &["log", "verify"]);
        assert!(verified.contains("log verifies: 7 entries"), "{verified}");
        let key = ok(&db, &["log", "key"]);
        assert!(ok(&db, &["log", "verify", "--key", key.trim()]).contains("7 entries"));
        let exported = ok(&db, &["log", "export"]);
        assert_eq!(exported.lines().count(), 7);
        assert!(!exported.contains(&secret) && !exported.contains(password));
        let syslog = ok(&db, &["log", "export", "--style", "syslog"]);
        assert!(syslog.lines().all(|l| l.starts_with("<")), "{syslog}");
        let proof: serde_json::Value =
            serde_json::from_str(&ok(&db, &["log", "prove", "--entry", "3"])).unwrap();
        assert_eq!(proof["tree_size"], 7);
        assert!(ok(&db, &["log", "checkpoint"]).contains("\n7\n"));

        // Someone with database access rewrites history: verification fails, naming the entry.
        let mut store = Store::open_with_key(&db.url, Some(db.log_key())).unwrap();
        store
            .db()
            .exec(
                "UPDATE audit_log SET leaf = REPLACE(leaf, 'counts', 'assets') WHERE seq = 6",
                &[],
            )
            .unwrap();
        drop(store);
        let out = baton(&db, &["log", "verify"], None);
        assert!(!out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("log does NOT verify: entry 6:"), "{text}");
    }
}

#[test]
fn events_are_appended_to_a_siem_file_as_they_commit() {
    let db = testing::sqlite();
    let siem = db.dir.join("siem.jsonl");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(args)
            .env("BATON_DATABASE_URL", &db.url)
            .env("BATON_LOG_KEY", db.log_key())
            .env("BATON_SIEM", format!("file:{}", siem.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&[
        "admin",
        "org",
        "create",
        "General Hospital",
        "--kind",
        "hdo",
    ]);
    run(&[
        "admin",
        "user",
        "create",
        "ann@gh.example",
        "--org",
        "General Hospital",
        "--role",
        "viewer",
        "--no-password",
    ]);
    let streamed = std::fs::read_to_string(&siem).unwrap();
    // The same lines `baton log export` gives, one per committed change, in order.
    assert_eq!(streamed, run(&["log", "export"]));
    assert_eq!(streamed.lines().count(), 2);
}

#[test]
fn a_siem_that_cannot_be_reached_is_named_on_stderr_and_the_change_still_commits() {
    let db = testing::sqlite();
    // A folder cannot be appended to as a file: every delivery fails.
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args([
            "admin",
            "org",
            "create",
            "General Hospital",
            "--kind",
            "hdo",
        ])
        .env("BATON_DATABASE_URL", &db.url)
        .env("BATON_LOG_KEY", db.log_key())
        .env("BATON_SIEM", format!("file:{}", db.dir.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("warning: an audit event did not reach the SIEM"))
            .count(),
        1,
        "{stderr}"
    );
    // The event is in the log all the same.
    assert_eq!(ok(&db, &["log", "export"]).lines().count(), 1);
}
