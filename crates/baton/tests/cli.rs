//! The `baton` binary as a user runs it, on every available database backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use baton_store::testing;
use serde_json::Value;

const ON: &str = "2026-11-28";

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
        .env("BATON_DATABASE_URL", db)
        .env("BATON_LOG_KEY", log_key(db))
        .env_remove("RUST_LOG")
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
    let text = ok(db, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn demo(db: &str, dir: &Path) -> String {
    ok(
        db,
        &[
            "demo",
            "--dir",
            dir.to_str().unwrap(),
            "--database",
            db,
            "--on",
            ON,
        ],
    )
}

#[test]
fn demo_then_every_report() {
    for db in testing::all() {
        let dir = tempfile::tempdir().unwrap();
        let report = demo(&db.url, dir.path());
        assert!(
            report.contains("Baton fleet report on 2026-11-28"),
            "{report}"
        );
        for stage in [
            "development",
            "support",
            "limited-support",
            "end-of-support",
        ] {
            assert!(report.contains(stage));
        }
        // Options after the subcommand, as well as before.
        let life = json(&db.url, &["lifecycle", "--format", "json", "--on", ON]);
        let life = life.as_array().unwrap();
        assert_eq!(life.len(), 60, "{}", db.backend);
        let keys: Vec<&str> = life[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "manufacturer",
                "model",
                "stage",
                "next_milestone",
                "next_milestone_date",
                "transfer_window",
                "assets",
                "notice_findings",
                "stage_reviews"
            ]
        );
        let stages: std::collections::BTreeSet<&str> =
            life.iter().map(|r| r["stage"].as_str().unwrap()).collect();
        assert_eq!(stages.len(), 4, "every stage present");
        assert!(life.iter().any(|r| {
            r["notice_findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "short-notice")
        }));
        assert!(life.iter().any(|r| {
            r["notice_findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "unannounced" && f["lead_days"].is_null())
        }));
        let sorted: Vec<(String, String)> = life
            .iter()
            .map(|r| {
                (
                    r["manufacturer"].as_str().unwrap().into(),
                    r["model"].as_str().unwrap().into(),
                )
            })
            .collect();
        let mut expected = sorted.clone();
        expected.sort();
        assert_eq!(sorted, expected);

        let gaps = json(&db.url, &["--format", "json", "--on", ON, "gaps"]);
        let gaps = gaps.as_array().unwrap();
        assert!(!gaps.is_empty(), "the demo has gaps");
        let g = &gaps[0];
        let keys: Vec<&str> = g.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "organization",
                "asset_id",
                "manufacturer",
                "model",
                "task",
                "stage",
                "reason"
            ]
        );
        assert!(
            gaps.iter()
                .all(|g| g["reason"] == "not-capable" || g["reason"] == "no-party")
        );

        // Responsibilities of the first asset with a gap.
        let asset = format!(
            "{}/{}",
            g["organization"].as_str().unwrap(),
            g["asset_id"].as_str().unwrap()
        );
        let resp = json(
            &db.url,
            &[
                "--format",
                "json",
                "--on",
                ON,
                "responsibilities",
                "--asset",
                &asset,
            ],
        );
        let resp = resp.as_array().unwrap();
        assert_eq!(resp.len(), 16);
        let first: Vec<&str> = resp[0]
            .as_object()
            .unwrap()
            .keys()
            .take(6)
            .map(String::as_str)
            .collect();
        assert_eq!(
            first,
            ["task", "stage", "party", "lead", "provider", "source"]
        );
        let tasks: Vec<&str> = resp.iter().map(|r| r["task"].as_str().unwrap()).collect();
        let mut sorted = tasks.clone();
        sorted.sort();
        assert_eq!(tasks, sorted);

        let due = json(&db.url, &["--format", "json", "--on", ON, "due"]);
        let due = due.as_array().unwrap();
        assert!(due.iter().all(|d| d["overdue_days"].as_i64().unwrap() >= 0));
        assert!(
            due.iter()
                .any(|d| d["kind"] == "milestone" && d["organization"].is_null())
        );
        let dates: Vec<&str> = due
            .iter()
            .map(|d| d["due_date"].as_str().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "sorted by due_date");
        let ahead = json(
            &db.url,
            &["--format", "json", "--on", ON, "due", "--horizon", "90"],
        );
        assert!(ahead.as_array().unwrap().len() > due.len());
        assert!(
            ahead
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["overdue_days"].as_i64().unwrap() < 0)
        );

        // Recording an assessment today clears that asset from the due list.
        let item = due.iter().find(|d| d["kind"] == "risk-assessment").unwrap();
        let target = format!(
            "{}/{}",
            item["organization"].as_str().unwrap(),
            item["asset_id"].as_str().unwrap()
        );
        ok(
            &db.url,
            &[
                "--on",
                ON,
                "assess",
                "--asset",
                &target,
                "--date",
                ON,
                "--decision",
                "mitigate",
                "--assessor",
                "R. Chen",
                "--residual",
                "medium",
                "--note",
                "segmented onto isolated VLAN",
            ],
        );
        let after = json(&db.url, &["--format", "json", "--on", ON, "due"]);
        assert!(!after.as_array().unwrap().iter().any(|d| d["organization"]
            == item["organization"]
            && d["asset_id"] == item["asset_id"]));
    }
}

#[test]
fn demo_is_deterministic_for_a_date() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let run = |dir: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args([
                "--on",
                ON,
                "--format",
                "json",
                "demo",
                "--dir",
                dir.to_str().unwrap(),
            ])
            .env_remove("BATON_DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = run(a.path());
    assert_eq!(first, run(b.path()));
    let summary: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(
        summary["assets"].as_u64().unwrap() + summary["decommissioned"].as_u64().unwrap(),
        2000
    );
    assert!(a.path().join("baton.db").exists());
    assert!(a.path().join("assets.csv").exists());
}

#[test]
fn csv_and_table_output() {
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    demo(&db.url, dir.path());
    let csv = ok(&db.url, &["--format", "csv", "--on", ON, "lifecycle"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers[7], "notice_findings");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 60);
    // Nested lists are one JSON-encoded cell.
    assert!(
        rows.iter()
            .all(|r| serde_json::from_str::<Value>(&r[7]).unwrap().is_array())
    );
    let table = ok(&db.url, &["--on", ON, "gaps"]);
    assert!(table.lines().next().unwrap().starts_with("organization"));
}

#[test]
fn errors_go_to_stderr_with_a_failure_status() {
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models.csv");
    std::fs::write(&models, "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\nAcme,Pump,,,,extreme,,,,,\n").unwrap();
    let out = baton(
        &db.url,
        &[
            "--format",
            "json",
            "import",
            "models",
            models.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "stdout holds only JSON, and nothing on error"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("models.csv, line 2, column criticality: unknown criticality 'extreme'"),
        "{err}"
    );

    let out = baton(&db.url, &["responsibilities", "--asset", "no-slash"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ORGANIZATION/ASSET_ID"));
    let out = baton(&db.url, &["--on", "2026-02-30", "lifecycle"]);
    assert!(!out.status.success());
}

#[test]
fn udi_parse() {
    let db = testing::sqlite();
    let v = json(
        &db.url,
        &[
            "--format",
            "json",
            "udi",
            "parse",
            "(01)00614141123452(17)291200(10)LOT7(21)SN123",
        ],
    );
    let u = &v[0];
    assert_eq!(u["issuer"], "gs1");
    assert_eq!(u["device_identifier"], "00614141123452");
    assert_eq!(u["expiry_date"], "2029-12-31");
    assert_eq!(
        (u["lot"].as_str(), u["serial"].as_str()),
        (Some("LOT7"), Some("SN123"))
    );
    let v = json(
        &db.url,
        &[
            "--format",
            "json",
            "udi",
            "parse",
            "+A123BJC5D6E71G+2001510X3GG",
        ],
    );
    assert_eq!(v[0]["issuer"], "hibc");
    let out = baton(&db.url, &["udi", "parse", "+A123BJC5D6E71++$$52001510X3+D"]);
    assert!(!out.status.success());
}

#[test]
fn a_100_megabyte_file_is_refused_and_changes_nothing() {
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assets.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let out = baton(&db.url, &["import", "assets", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("assets.csv: file is 104857600 bytes; the limit is 67108864 bytes"),
        "{err}"
    );
    let life = json(&db.url, &["--format", "json", "lifecycle"]);
    assert_eq!(life.as_array().unwrap().len(), 0);
}

fn shared_data() -> std::path::PathBuf {
    std::env::var_os("BATON_SHARED_DATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        std::path::PathBuf::from,
    )
}

#[test]
fn documentation_sboms_notices_and_mds2() {
    for db in testing::all() {
        let dir = tempfile::tempdir().unwrap();
        demo(&db.url, dir.path());
        let url = db.url.as_str();
        let release = "Baxter/Spectrion Syringe@9.9";
        let data = shared_data().join("medical-sbom-case-study");
        let narrow = data.join("narrow.sbom.json");
        let extended = data.join("extended.sbom.json");

        // SBOM check needs no database.
        let check = json(
            "sqlite:///nonexistent/never-created.db",
            &[
                "--format",
                "json",
                "--on",
                ON,
                "sbom",
                "check",
                narrow.to_str().unwrap(),
            ],
        );
        assert_eq!(check["format"], "cyclonedx-json");
        assert_eq!(check["components"], 55);
        assert!(!check["fda"]["unsupported"].as_array().unwrap().is_empty());

        // The extended SBOM is older by its own timestamp: imported second, it does not supersede.
        let first = json(
            url,
            &[
                "--format",
                "json",
                "--on",
                ON,
                "import",
                "sbom",
                narrow.to_str().unwrap(),
                "--release",
                release,
            ],
        );
        assert_eq!(
            (first[0]["new"].as_bool(), first[0]["current"].as_bool()),
            (Some(true), Some(true)),
            "{}",
            db.backend
        );
        let again = json(
            url,
            &[
                "--format",
                "json",
                "import",
                "sbom",
                narrow.to_str().unwrap(),
                "--release",
                release,
            ],
        );
        assert_eq!(again[0]["new"], false);
        let second = json(
            url,
            &[
                "--format",
                "json",
                "import",
                "sbom",
                extended.to_str().unwrap(),
                "--release",
                release,
            ],
        );
        assert_eq!(
            (second[0]["new"].as_bool(), second[0]["current"].as_bool()),
            (Some(true), Some(false))
        );
        let shown = json(
            url,
            &["--format", "json", "sbom", "show", "--release", release],
        );
        assert_eq!(shown.as_array().unwrap().len(), 2);
        let diff = json(
            url,
            &["--format", "json", "sbom", "diff", "--release", release],
        );
        assert!(
            !diff.as_array().unwrap().is_empty(),
            "the two case-study SBOMs differ"
        );
        let components = json(
            url,
            &[
                "--format",
                "json",
                "sbom",
                "show",
                "--release",
                release,
                "--components",
            ],
        );
        assert_eq!(components.as_array().unwrap().len(), 55);

        // Unsupported components and the stage reviews they raise.
        let unsupported = json(url, &["--format", "json", "--on", ON, "unsupported"]);
        assert!(
            unsupported
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["version"] == "9.9"),
            "{}",
            db.backend
        );
        let life = json(url, &["--format", "json", "--on", ON, "lifecycle"]);
        let syringe = life
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["model"] == "Spectrion Syringe")
            .unwrap();
        let _ = &syringe["stage_reviews"];

        // Documents and what is missing.
        let doc = dir.path().join("test-report.pdf");
        std::fs::write(&doc, b"%PDF-1.7 test report").unwrap();
        ok(
            url,
            &[
                "import",
                "document",
                doc.to_str().unwrap(),
                "--release",
                release,
                "--kind",
                "security-test-report",
            ],
        );
        let docs = json(url, &["--format", "json", "--on", ON, "docs"]);
        let row = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["version"] == "9.9")
            .unwrap();
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "manufacturer",
                "model",
                "version",
                "stage",
                "present",
                "missing"
            ]
        );
        assert_eq!(
            row["present"],
            serde_json::json!(["sbom", "security-test-report"])
        );
        assert!(
            row["missing"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["kind"] == "mds2" && m["source"].as_str().unwrap().contains("N70"))
        );

        // A lifecycle notice with the target given.
        let openeox = shared_data()
            .join("oasis-openeox/examples/core-oasis_openeox_tc-core-1_0-2025-maximal.json");
        let applied = json(
            url,
            &[
                "--format",
                "json",
                "import",
                "lifecycle",
                openeox.to_str().unwrap(),
                "--model",
                "Baxter/Spectrion LVP",
                "--announced",
                "2024-01-15",
            ],
        );
        assert_eq!(
            applied[0]["eol"], "2025-09-02",
            "OpenEoX dates are the last day: the milestone takes effect the next day"
        );
        let out = baton(url, &["import", "lifecycle", openeox.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("give --model or --release"));

        // MDS2: import two forms, coverage, diff, export and read back.
        let mut form = baton_mds2::Mds2Form {
            manufacturer: Some("Baxter".into()),
            model: Some("Spectrion Syringe".into()),
            document_id: Some("MDS2-1".into()),
            release_date: None,
            sheet: "MDS2".into(),
            answers: vec![],
            warnings: vec![],
        };
        for (id, answer) in [
            ("AUTH-1", baton_mds2::Answer::Yes),
            ("AUDT-1", baton_mds2::Answer::No),
            ("CSUP-1", baton_mds2::Answer::NotApplicable),
        ] {
            form.answers.push(baton_mds2::Mds2Answer {
                id: id.into(),
                question: String::new(),
                answer,
                note: None,
                row: 0,
            });
        }
        let v1 = dir.path().join("mds2-v1.xlsx");
        std::fs::write(&v1, baton_mds2::write_xlsx(&form).unwrap()).unwrap();
        form.answers[1].answer = baton_mds2::Answer::Yes;
        let v2 = dir.path().join("mds2-v2.xlsx");
        std::fs::write(&v2, baton_mds2::write_xlsx(&form).unwrap()).unwrap();
        ok(
            url,
            &["import", "mds2", v1.to_str().unwrap(), "--release", release],
        );
        ok(
            url,
            &[
                "import",
                "mds2",
                v2.to_str().unwrap(),
                "--release",
                "Baxter/Spectrion Syringe@10.0",
            ],
        );
        let controls = json(url, &["--format", "json", "controls", "--release", release]);
        let categories: Vec<&str> = controls
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["category"].as_str().unwrap())
            .collect();
        assert_eq!(categories.len(), 8);
        assert!(categories.contains(&"event-detection-logging"));
        let changes = json(
            url,
            &[
                "--format",
                "json",
                "mds2",
                "diff",
                "--release",
                release,
                "--release",
                "Baxter/Spectrion Syringe@10.0",
            ],
        );
        let changes = changes.as_array().unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0]["id"], "AUDT-1");
        let exported = dir.path().join("export.xlsx");
        ok(
            url,
            &[
                "export",
                "mds2",
                "--release",
                release,
                exported.to_str().unwrap(),
            ],
        );
        let back =
            baton_mds2::read_xlsx("export.xlsx", &std::fs::read(&exported).unwrap()).unwrap();
        assert_eq!(back.answers.len(), 3);

        // History keeps decommissioned assets.
        let assets = std::fs::read_to_string(dir.path().join("assets.csv")).unwrap();
        let gone = assets
            .lines()
            .find(|l| l.ends_with(",decommissioned"))
            .unwrap();
        let cells: Vec<&str> = gone.split(',').collect();
        let history = json(
            url,
            &[
                "--format",
                "json",
                "history",
                "--asset",
                &format!("{}/{}", cells[1], cells[0]),
            ],
        );
        assert!(
            history[0]["detail"]
                .as_str()
                .unwrap()
                .contains("status now decommissioned"),
            "{history}"
        );
    }
}

#[test]
fn a_cle_notice_finds_its_model_and_release_by_purl() {
    for db in testing::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        let models = dir.path().join("models.csv");
        std::fs::write(&models, "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\nAcme Medical,VitaFlow,,,infusion pump,high,2019-03-01,,,,\n").unwrap();
        ok(url, &["import", "models", models.to_str().unwrap()]);
        let sbom = dir.path().join("vitaflow.cdx.json");
        std::fs::write(
            &sbom,
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
                "metadata":{"timestamp":"2025-01-01T00:00:00Z","component":{"type":"firmware","name":"vitaflow-firmware","version":"2.1.0","purl":"pkg:generic/acme-medical/vitaflow-firmware@2.1.0"}},
                "components":[{"type":"library","bom-ref":"zlib","name":"zlib","version":"1.3.1","purl":"pkg:generic/zlib@1.3.1"}]}"#,
        )
        .unwrap();
        ok(
            url,
            &[
                "import",
                "sbom",
                sbom.to_str().unwrap(),
                "--release",
                "Acme Medical/VitaFlow@2.1.0",
            ],
        );
        let cle = dir.path().join("vitaflow.cle.json");
        std::fs::write(
            &cle,
            r#"{"identifier":"pkg:generic/acme-medical/vitaflow-firmware","updatedAt":"2025-06-02T09:00:00Z",
                "definitions":{"support":[{"id":"standard","description":"security fixes"}]},
                "events":[
                  {"id":2,"type":"endOfSupport","supportId":"standard","versions":[{"version":"2.1.0"}],"effective":"2029-06-30T00:00:00Z","published":"2025-06-02T09:00:00Z"},
                  {"id":3,"type":"endOfLife","versions":[{"range":"vers:generic/>=2.0.0|<3.0.0"}],"effective":"2031-12-31T00:00:00Z","published":"2025-06-02T09:00:00Z"},
                  {"id":1,"type":"endOfMarketing","effective":"2027-12-31T00:00:00Z","published":"2025-05-01T12:00:00Z"}
                ]}"#,
        )
        .unwrap();
        let applied = json(
            url,
            &[
                "--format",
                "json",
                "import",
                "lifecycle",
                cle.to_str().unwrap(),
            ],
        );
        let applied = applied.as_array().unwrap();
        assert_eq!(applied.len(), 3, "{}: {applied:?}", db.backend);
        let release = applied.iter().find(|a| a["eos"] == "2029-06-30").unwrap();
        assert!(release["target"].as_str().unwrap().ends_with("@2.1.0"));
        assert_eq!(release["announced"], "2025-06-02");
        // A `vers:` range is evaluated against the release's version.
        let ranged = applied
            .iter()
            .find(|a| a["end_of_life"] == "2031-12-31")
            .unwrap();
        assert!(ranged["target"].as_str().unwrap().ends_with("@2.1.0"));
        let model = applied.iter().find(|a| a["eol"] == "2027-12-31").unwrap();
        assert_eq!(model["announced"], "2025-05-01");
        let life = json(
            url,
            &["--format", "json", "--on", "2026-01-01", "lifecycle"],
        );
        let row = &life[0];
        assert_eq!(row["next_milestone"], "eol");
        assert_eq!(row["next_milestone_date"], "2027-12-31");
        // Announced 974 days ahead: no notice problem.
        assert_eq!(row["notice_findings"], serde_json::json!([]));
    }
}

#[test]
fn an_sbom_over_the_size_limit_is_refused_by_its_size() {
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.cdx.json");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: no disk is used, and Baton must not read it.
    file.set_len(baton_sbom::MAX_DOCUMENT_BYTES + 1).unwrap();
    for args in [
        vec!["sbom", "check", path.to_str().unwrap()],
        vec![
            "import",
            "sbom",
            path.to_str().unwrap(),
            "--release",
            "A/B@1",
        ],
    ] {
        let out = baton(&db.url, &args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("huge.cdx.json: file is 536870913 bytes; the limit is 536870912 bytes"),
            "{err}"
        );
    }
}

fn with_stdin(args: &[&str], input: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn cpe_match_answers_every_line_in_order() {
    let input = "cpe:2.3:o:bd:alaris_8015_pcu_firmware:*:*:*:*:*:*:*:*\tcpe:2.3:o:bd:alaris_8015_pcu_firmware:12.1.3:*:*:*:*:*:*:*\n\
                 cpe:2.3:o:bd:alaris_8015_pcu_firmware:12.1.3:*:*:*:*:*:*:*\tcpe:/o:bd:alaris_8015_pcu_firmware:12.1.3\n\
                 cpe:2.3:h:bd:alaris_8015_pcu:-:*:*:*:*:*:*:*\tcpe:2.3:o:bd:alaris_8015_pcu_firmware:*:*:*:*:*:*:*:*\n\
                 not a cpe\n";
    let out = with_stdin(&["cpe", "match"], input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(&lines[..3], ["superset", "equal", "disjoint"]);
    assert!(lines[3].starts_with("error: "));
}

#[test]
fn vers_check_answers_every_line_in_order() {
    let input = "vers:npm/>=1.0.0|<2.0.0\t1.5.0\n\
                 vers:pypi/<1.0\t1.0.post1\n\
                 vers:npm/<2.0.0|>=1.0.0\t1.5.0\n\
                 vers:foo/1\t1\n\
                 no tab here\n\
                 vers:deb/>=2.36-9\t2.36-9+deb12u4\n";
    let out = with_stdin(&["vers", "check"], input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], "true");
    assert_eq!(lines[1], "false");
    assert!(lines[2].starts_with("error: ") && lines[2].contains("not sorted"));
    assert!(lines[3].starts_with("error: ") && lines[3].contains("foo"));
    assert!(lines[4].starts_with("error: "));
    assert_eq!(lines[5], "true");
}

#[test]
fn scan_a_device_sbom_against_the_icsma_corpus() {
    let db = testing::sqlite();
    let sbom =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../baton-matching/tests/data/devices.cdx.json");
    let icsma = shared_data().join("cisa-csaf-icsma");
    let args = [
        "--format",
        "json",
        "--on",
        ON,
        "scan",
        "--sbom",
        sbom.to_str().unwrap(),
        "--advisories",
        icsma.to_str().unwrap(),
    ];
    let out = baton(&db.url, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert!(!findings.is_empty());
    let keys: Vec<&str> = findings[0]
        .as_object()
        .unwrap()
        .keys()
        .take(14)
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "vulnerability_id",
            "aliases",
            "component_ref",
            "component_name",
            "component_version",
            "component_purl",
            "component_cpes",
            "status",
            "justification",
            "confidence",
            "source",
            "kev",
            "epss",
            "cvss"
        ]
    );
    let alaris = findings
        .iter()
        .find(|f| f["vulnerability_id"] == "CVE-2023-30559")
        .unwrap();
    assert_eq!(alaris["status"], "affected");
    assert_eq!(alaris["source"], serde_json::json!(["ICSMA-23-194-01"]));
    // Files that are no advisory (the README, checksums) are skipped with a warning.
    assert!(String::from_utf8_lossy(&out.stderr).contains("README"));
    let cdx = baton(
        &db.url,
        &[
            "--format",
            "cyclonedx",
            "--on",
            ON,
            "scan",
            "--sbom",
            sbom.to_str().unwrap(),
            "--advisories",
            icsma.to_str().unwrap(),
        ],
    );
    let bom: Value = serde_json::from_slice(&cdx.stdout).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(
        bom["vulnerabilities"].as_array().unwrap().len(),
        findings.len()
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read as _;
    let db = testing::sqlite();
    let dir = tempfile::tempdir().unwrap();
    demo(&db.url, dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["--on", ON, "--format", "json", "due", "--horizon", "3650"])
        .env("BATON_DATABASE_URL", &db.url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, long before the report ends.
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
