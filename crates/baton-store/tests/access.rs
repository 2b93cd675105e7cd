//! Organizations, users, tokens and what each organization sees; the audit log and tampering
//! with it, on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_model::OrgKind;
use baton_store::{
    AdvisoryDoc, DecisionInput, FindingFilter, ImportKind, LogError, Page, Role, Sharing, Store,
    StoreError, TokenScope, Value, Visibility, testing,
};
use chrono::NaiveDate;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

const MODELS: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Acme Medical,Pump 9,,,infusion pump,high,,,,,
Other Corp,Monitor 1,,,monitor,high,,,,,
";

const ASSETS: &str = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status
gh-1,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use
gh-2,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use
gh-3,General Hospital,Other Corp,Monitor 1,2.0,,,,,,in-use
cc-1,City Clinic,Acme Medical,Pump 9,1.0,,,,,,in-use
cc-2,City Clinic,Other Corp,Monitor 1,2.0,,,,,,in-use
";

const AGREEMENTS: &str = "manufacturer,model,hdo,task,stage,party,lead,provider
Other Corp,Monitor 1,City Clinic,deploy-patches,,third-party,,ServiceCo
";

/// An advisory on every Acme Pump 9 and Other Corp Monitor 1, through their CPEs.
const ADVISORY: &str = r#"{
  "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "t",
    "publisher": {"category": "vendor", "name": "Acme Medical", "namespace": "https://acme.example"},
    "tracking": {"id": "ACME-1", "status": "final", "version": "1", "initial_release_date": "2026-01-01T00:00:00Z",
      "current_release_date": "2026-01-01T00:00:00Z", "revision_history": [{"number": "1", "date": "2026-01-01T00:00:00Z", "summary": "s"}]}},
  "product_tree": {"branches": [
    {"category": "vendor", "name": "Acme Medical", "branches": [{"category": "product_name", "name": "Pump 9",
      "branches": [{"category": "product_version", "name": "1.0", "product": {"product_id": "P1", "name": "Acme Medical Pump 9 1.0"}}]}]},
    {"category": "vendor", "name": "Other Corp", "branches": [{"category": "product_name", "name": "Monitor 1",
      "branches": [{"category": "product_version", "name": "2.0", "product": {"product_id": "P2", "name": "Other Corp Monitor 1 2.0"}}]}]}
  ]},
  "vulnerabilities": [{"cve": "CVE-2026-0001", "product_status": {"known_affected": ["P1", "P2"]}}]
}"#;

fn setup(store: &mut Store) {
    store
        .import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day())
        .unwrap();
    store
        .import(ImportKind::Assets, "assets.csv", ASSETS.as_bytes(), day())
        .unwrap();
    store
        .import(
            ImportKind::Agreements,
            "agreements.csv",
            AGREEMENTS.as_bytes(),
            day(),
        )
        .unwrap();
    let docs: Vec<AdvisoryDoc> = baton_advisories::parse("acme.json", ADVISORY.as_bytes())
        .unwrap()
        .advisories
        .into_iter()
        .map(|advisory| AdvisoryDoc {
            file: "acme.json".into(),
            advisory,
        })
        .collect();
    store.import_advisories(&docs, None).unwrap();
    store
        .create_organization("Acme Medical", OrgKind::Mdm)
        .unwrap();
    for (email, org, role) in [
        ("ann@gh.example", "General Hospital", Role::Analyst),
        ("cid@cc.example", "City Clinic", Role::Admin),
        ("max@acme.example", "Acme Medical", Role::Analyst),
        ("sam@serviceco.example", "ServiceCo", Role::Viewer),
    ] {
        store
            .create_user(email, org, role, Some("a long enough password"))
            .unwrap();
    }
}

fn view(store: &mut Store, email: &str) -> Visibility {
    let p = store
        .login_password(email, "a long enough password", "test")
        .unwrap()
        .unwrap();
    Visibility::of(&p)
}

fn asset_ids(store: &mut Store, v: &Visibility) -> Vec<String> {
    let (rows, total) = store.assets(v, Page::default()).unwrap();
    assert_eq!(total as usize, rows.len());
    rows.into_iter()
        .map(|a| format!("{}/{}", a.organization, a.asset_id))
        .collect()
}

fn findings(store: &mut Store, v: Visibility) -> Vec<(String, String, i64)> {
    store
        .findings(&FindingFilter {
            visibility: v,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|f| (f.model, f.vulnerability_id, f.assets))
        .collect()
}

#[test]
fn each_organization_sees_only_its_own() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        let gh = view(&mut store, "ann@gh.example");
        let cc = view(&mut store, "cid@cc.example");
        let acme = view(&mut store, "max@acme.example");
        let service = view(&mut store, "sam@serviceco.example");

        assert_eq!(
            asset_ids(&mut store, &gh),
            [
                "General Hospital/gh-1",
                "General Hospital/gh-2",
                "General Hospital/gh-3"
            ],
            "{}",
            db.backend
        );
        assert_eq!(
            asset_ids(&mut store, &cc),
            ["City Clinic/cc-1", "City Clinic/cc-2"]
        );
        assert_eq!(asset_ids(&mut store, &service), ["City Clinic/cc-2"]);
        // Nothing shared yet: the manufacturer sees no installed base.
        assert!(asset_ids(&mut store, &acme).is_empty());
        assert_eq!(asset_ids(&mut store, &Visibility::Operator).len(), 5);

        // Findings: every view sees the releases it may, with counts of its own assets only.
        let mut all = findings(&mut store, Visibility::Operator);
        all.sort();
        assert_eq!(
            all,
            [
                ("Monitor 1".into(), "CVE-2026-0001".into(), 2),
                ("Pump 9".into(), "CVE-2026-0001".into(), 3)
            ]
        );
        let mut mine = findings(&mut store, gh);
        mine.sort();
        assert_eq!(
            mine,
            [
                ("Monitor 1".into(), "CVE-2026-0001".into(), 1),
                ("Pump 9".into(), "CVE-2026-0001".into(), 2)
            ]
        );
        assert_eq!(
            findings(&mut store, acme),
            [("Pump 9".into(), "CVE-2026-0001".into(), 0)]
        );
        assert_eq!(
            findings(&mut store, service),
            [("Monitor 1".into(), "CVE-2026-0001".into(), 1)]
        );

        // City Clinic shares counts, then its asset list, with Acme.
        store
            .set_sharing("City Clinic", "Acme Medical", Sharing::Counts)
            .unwrap();
        assert!(asset_ids(&mut store, &acme).is_empty());
        assert_eq!(
            findings(&mut store, acme),
            [("Pump 9".into(), "CVE-2026-0001".into(), 1)]
        );
        store
            .set_sharing("City Clinic", "Acme Medical", Sharing::Assets)
            .unwrap();
        assert_eq!(asset_ids(&mut store, &acme), ["City Clinic/cc-1"]);
        // A hospital cannot share with a hospital.
        assert!(matches!(
            store.set_sharing("City Clinic", "General Hospital", Sharing::Assets),
            Err(StoreError::Invalid(_))
        ));

        // Another hospital's asset, named or guessed, is as unknown as a missing one.
        for spec in ["City Clinic/cc-1", "City Clinic/cc-9"] {
            let err = store
                .findings(&FindingFilter {
                    asset: Some(spec.into()),
                    visibility: gh,
                    ..Default::default()
                })
                .unwrap_err();
            assert_eq!(err.to_string(), format!("unknown asset '{spec}'"));
        }
        let hits = store
            .affected_for(&gh, "CVE-2026-0001", day())
            .unwrap()
            .into_iter()
            .map(|r| r.asset_id)
            .collect::<Vec<_>>();
        assert_eq!(hits, ["gh-1", "gh-2", "gh-3"]);
        let (page, total) = store
            .affected_page(
                &gh,
                "CVE-2026-0001",
                day(),
                Page {
                    offset: 1,
                    limit: 1,
                },
            )
            .unwrap();
        assert_eq!(total, 3);
        assert_eq!(
            page.iter().map(|r| r.asset_id.as_str()).collect::<Vec<_>>(),
            ["gh-2"]
        );
    }
}

#[test]
fn decisions_stay_within_the_organization() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        let ann = store
            .login_password("ann@gh.example", "a long enough password", "t")
            .unwrap()
            .unwrap();
        let max = store
            .login_password("max@acme.example", "a long enough password", "t")
            .unwrap()
            .unwrap();
        let pump = store
            .findings(&FindingFilter {
                visibility: Visibility::of(&max),
                ..Default::default()
            })
            .unwrap()[0]
            .finding_id;
        let input = |asset: Option<&str>| DecisionInput {
            finding: pump,
            asset: asset.map(str::to_string),
            status: "not_affected".into(),
            justification: Some("vulnerable_code_not_in_execute_path".into()),
            note: None,
            by: "spoofed".into(),
        };
        // The hospital decides for its own asset, recorded under its own name.
        let d = store
            .decide_as(&ann, &input(Some("General Hospital/gh-1")))
            .unwrap();
        assert_eq!(d.decided_by, "ann@gh.example");
        // Not for another hospital's asset, nor for the whole release.
        assert!(matches!(
            store.decide_as(&ann, &input(Some("City Clinic/cc-1"))),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.decide_as(&ann, &input(None)),
            Err(StoreError::Forbidden(_))
        ));
        // The manufacturer decides for its release, not for a hospital's asset.
        store.decide_as(&max, &input(None)).unwrap();
        assert!(matches!(
            store.decide_as(&max, &input(Some("General Hospital/gh-1"))),
            Err(StoreError::NotFound(_))
        ));
        // A finding outside the view is unknown, like a guessed id.
        let monitor = store
            .findings(&FindingFilter::default())
            .unwrap()
            .into_iter()
            .find(|f| f.model == "Monitor 1")
            .unwrap()
            .finding_id;
        for id in [monitor, 999_999] {
            let err = store
                .decide_as(
                    &max,
                    &DecisionInput {
                        finding: id,
                        ..input(None)
                    },
                )
                .unwrap_err();
            assert_eq!(err.to_string(), format!("unknown finding {id}"));
        }
        assert!(store.verify_log(None).unwrap().is_ok());
    }
}

#[test]
fn passwords_tokens_and_sessions() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        store
            .create_organization("General Hospital", OrgKind::Hdo)
            .unwrap();
        assert!(matches!(
            store.create_user(
                "a@gh.example",
                "General Hospital",
                Role::Viewer,
                Some("short")
            ),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.create_user("not an email", "General Hospital", Role::Viewer, None),
            Err(StoreError::Invalid(_))
        ));
        store
            .create_user(
                "a@gh.example",
                "General Hospital",
                Role::Viewer,
                Some("twelve chars!"),
            )
            .unwrap();
        assert!(
            store
                .create_user("A@GH.example", "General Hospital", Role::Admin, None)
                .is_err(),
            "e-mails are unique regardless of case"
        );
        assert!(
            store
                .login_password("a@gh.example", "wrong password", "t")
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .login_password("nobody@gh.example", "twelve chars!", "t")
                .unwrap()
                .is_none()
        );
        let p = store
            .login_password("A@gh.example", "twelve chars!", "t")
            .unwrap()
            .unwrap();
        assert_eq!((p.role, p.kind), (Role::Viewer, OrgKind::Hdo));
        assert!(!p.can_write());

        // Passwords and token secrets are never stored.
        let stored = store
            .db()
            .query("SELECT password_hash FROM users", &[])
            .unwrap();
        let hash = stored[0][0].text().unwrap().to_string();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let (secret, row) = store
            .create_token("a@gh.example", TokenScope::Read, 30)
            .unwrap();
        let tokens = store
            .db()
            .query("SELECT token_hash FROM api_tokens", &[])
            .unwrap();
        assert_ne!(tokens[0][0].text().unwrap(), secret);
        let by_token = store.authenticate_token(&secret).unwrap().unwrap();
        assert_eq!(by_token.token, Some((row.id, TokenScope::Read)));
        assert!(store.authenticate_token("baton_guess").unwrap().is_none());
        store.revoke_token(row.id).unwrap();
        assert!(store.authenticate_token(&secret).unwrap().is_none());
        // Expired tokens stop working.
        let (old, old_row) = store
            .create_token("a@gh.example", TokenScope::Write, 1)
            .unwrap();
        store
            .db()
            .exec(
                "UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE id = $1",
                &[Value::Int(old_row.id)],
            )
            .unwrap();
        assert!(store.authenticate_token(&old).unwrap().is_none());

        let (cookie, csrf) = store.create_session(&p, 60).unwrap();
        let (again, same_csrf) = store.session(&cookie).unwrap().unwrap();
        assert_eq!((again.user_id, same_csrf), (p.user_id, csrf));
        store.set_role("a@gh.example", Role::Analyst).unwrap();
        assert_eq!(
            store.session(&cookie).unwrap().unwrap().0.role,
            Role::Analyst
        );
        store.disable_user("a@gh.example").unwrap();
        assert!(store.session(&cookie).unwrap().is_none());
        assert!(
            store
                .login_password("a@gh.example", "twelve chars!", "t")
                .unwrap()
                .is_none()
        );

        // Every one of those changes and sign-in attempts is in the log, which verifies.
        let actions: Vec<String> = store
            .log_events(0, 1000)
            .unwrap()
            .into_iter()
            .map(|(_, e)| e.action)
            .collect();
        for a in [
            "organization.create",
            "user.create",
            "login.failure",
            "login.success",
            "token.create",
            "token.revoke",
            "user.role",
            "user.disable",
        ] {
            assert!(
                actions.iter().any(|x| x == a),
                "{a} missing from {actions:?}"
            );
        }
        let verified = store.verify_log(None).unwrap().unwrap();
        assert_eq!(verified.entries as usize, actions.len());
        assert_eq!(verified.unsigned_tail, 0);
    }
}

/// A store with a few logged changes, for tampering.
fn logged(db: &testing::TestDatabase) -> Store {
    let mut store = db.open().unwrap();
    assert!(
        store.verify_log(None).unwrap().is_ok(),
        "an empty log verifies"
    );
    store
        .create_organization("General Hospital", OrgKind::Hdo)
        .unwrap();
    store
        .create_organization("Acme Medical", OrgKind::Mdm)
        .unwrap();
    store
        .create_user("a@gh.example", "General Hospital", Role::Admin, None)
        .unwrap();
    store
        .set_sharing("General Hospital", "Acme Medical", Sharing::Counts)
        .unwrap();
    store
        .import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day())
        .unwrap();
    let v = store.verify_log(None).unwrap().unwrap();
    assert_eq!(v.entries, 5);
    store
}

fn failure(store: &mut Store) -> LogError {
    store
        .verify_log(None)
        .unwrap()
        .expect_err("tampering must be found")
}

/// Fresh databases of one backend, one per tampering.
fn fresh(backend: &str) -> Option<testing::TestDatabase> {
    if backend == "sqlite" {
        Some(testing::sqlite())
    } else {
        testing::postgres()
    }
}

#[test]
fn tampering_with_the_log_is_found_and_named() {
    for backend in ["sqlite", "postgres"] {
        let Some(db) = fresh(backend) else { continue };
        // An edited leaf: the stored hash no longer fits it.
        let mut store = logged(&db);
        store
            .db()
            .exec(
                "UPDATE audit_log SET leaf = REPLACE(leaf, 'counts', 'assets') WHERE seq = 3",
                &[],
            )
            .unwrap();
        let e = failure(&mut store);
        assert!(
            matches!(e, LogError::LeafHashMismatch { index: 3, .. }),
            "{e}"
        );

        // An edited leaf with its hash recomputed: the signed root no longer fits.
        let db = fresh(backend).unwrap();
        let mut store = logged(&db);
        let leaf = store
            .db()
            .query("SELECT leaf FROM audit_log WHERE seq = 2", &[])
            .unwrap()[0][0]
            .text()
            .unwrap()
            .replace("admin", "viewer");
        let hash = baton_audit::to_hex(&baton_audit::leaf_hash(leaf.as_bytes()));
        store
            .db()
            .exec(
                "UPDATE audit_log SET leaf = $1, leaf_hash = $2 WHERE seq = 2",
                &[leaf.into(), hash.into()],
            )
            .unwrap();
        let e = failure(&mut store);
        assert!(
            matches!(
                e,
                LogError::RootMismatch {
                    size: 3,
                    after_size: Some(2),
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("among 2..3"), "{e}");

        // A deleted entry: a gap at its index.
        let db = fresh(backend).unwrap();
        let mut store = logged(&db);
        store
            .db()
            .exec("DELETE FROM audit_log WHERE seq = 1", &[])
            .unwrap();
        let e = failure(&mut store);
        assert_eq!(
            e,
            LogError::IndexGap {
                expected: 1,
                found: 2
            }
        );

        // Two entries swapped: the first of them is named.
        let db = fresh(backend).unwrap();
        let mut store = logged(&db);
        store
            .db()
            .exec("UPDATE audit_log SET seq = 100 WHERE seq = 1", &[])
            .unwrap();
        store
            .db()
            .exec("UPDATE audit_log SET seq = 1 WHERE seq = 2", &[])
            .unwrap();
        store
            .db()
            .exec("UPDATE audit_log SET seq = 2 WHERE seq = 100", &[])
            .unwrap();
        let e = failure(&mut store);
        assert!(
            matches!(
                e,
                LogError::RootMismatch {
                    size: 2,
                    after_size: Some(1),
                    ..
                }
            ),
            "{e}"
        );

        // The tail cut off: fewer entries than the latest checkpoint signs.
        let db = fresh(backend).unwrap();
        let mut store = logged(&db);
        store
            .db()
            .exec("DELETE FROM audit_log WHERE seq >= 3", &[])
            .unwrap();
        let e = failure(&mut store);
        assert_eq!(
            e,
            LogError::Truncated {
                entries: 3,
                size: 5
            }
        );

        // A checkpoint signed by another key.
        let db = fresh(backend).unwrap();
        let mut store = logged(&db);
        let other = baton_audit::NoteSigner::from_seed("intruder", [9; 32]).unwrap();
        let forged = baton_audit::SignedCheckpoint::sign(
            baton_audit::Checkpoint::new("intruder", 5, [0; 32]),
            &other,
        )
        .unwrap()
        .to_note_string();
        store
            .db()
            .exec(
                "INSERT INTO audit_checkpoints (size, note, created_at) VALUES (5, $1, '2026-01-01T00:00:00Z')",
                &[forged.into()],
            )
            .unwrap();
        assert!(matches!(
            failure(&mut store),
            LogError::Checkpoint { size: 5, .. }
        ));

        // Verified with the wrong public key, an intact log fails too.
        let db = fresh(backend).unwrap();
        let mut store = logged(&db);
        let wrong = other.verifier();
        assert!(store.verify_log(Some(&wrong)).unwrap().is_err());
    }
}

#[test]
fn proofs_check_against_the_signed_checkpoint() {
    for db in testing::all() {
        let mut store = logged(&db);
        let key = store.log_public_key().unwrap().unwrap();
        let proof = store.prove_inclusion(2).unwrap();
        let checkpoint = baton_audit::SignedCheckpoint::open(
            proof.checkpoint.as_bytes(),
            std::slice::from_ref(&key),
        )
        .unwrap();
        let path: Vec<baton_audit::Hash> = proof
            .proof
            .iter()
            .map(|h| baton_audit::hash_from_hex(h).unwrap())
            .collect();
        assert!(baton_audit::verify_inclusion(
            &baton_audit::leaf_hash(proof.leaf.as_bytes()),
            2,
            checkpoint.checkpoint().size,
            &path,
            &checkpoint.checkpoint().root,
        ));
        let consistency = store.prove_consistency(2).unwrap();
        let path: Vec<baton_audit::Hash> = consistency
            .proof
            .iter()
            .map(|h| baton_audit::hash_from_hex(h).unwrap())
            .collect();
        assert!(baton_audit::verify_consistency(
            2,
            consistency.new_size,
            &baton_audit::hash_from_hex(&consistency.old_root).unwrap(),
            &checkpoint.checkpoint().root,
            &path,
        ));
        assert!(store.prove_inclusion(5).is_err(), "beyond the checkpoint");
    }
}

#[test]
fn a_failed_import_leaves_no_log_entry() {
    for db in testing::all() {
        let mut store = logged(&db);
        let bad = "manufacturer,model\nAcme Medical,\n";
        assert!(
            store
                .import(ImportKind::Models, "bad.csv", bad.as_bytes(), day())
                .is_err()
        );
        let v = store.verify_log(None).unwrap().unwrap();
        assert_eq!(v.entries, 5);
    }
}

#[test]
fn committed_events_reach_a_syslog_collector_and_a_missing_one_loses_nothing() {
    use std::io::Read as _;
    let db = testing::sqlite();
    let mut store = db.open().unwrap();
    let collector = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = collector.local_addr().unwrap();
    let received = std::thread::spawn(move || {
        let mut out = Vec::new();
        for _ in 0..2 {
            let (mut conn, _) = collector.accept().unwrap();
            let mut text = String::new();
            conn.read_to_string(&mut text).unwrap();
            out.push(text);
        }
        out
    });
    store.set_siem(Some(
        baton_store::Siem::parse(&format!("tcp:{addr}")).unwrap(),
    ));
    store
        .create_organization("General Hospital", OrgKind::Hdo)
        .unwrap();
    store
        .create_organization("Acme Medical", OrgKind::Mdm)
        .unwrap();
    let messages = received.join().unwrap();
    assert!(store.take_siem_failures().is_empty());
    for (m, org) in messages.iter().zip(["General Hospital", "Acme Medical"]) {
        // RFC 6587 octet counting, then an RFC 5424 message carrying the event.
        let (len, message) = m.split_once(' ').unwrap();
        assert_eq!(len.parse::<usize>().unwrap(), message.len());
        assert!(message.starts_with("<85>1 "), "{message}");
        assert!(
            message.contains("organization.create") && message.contains(org),
            "{message}"
        );
    }

    // Nobody listening: the change still commits and is in the log; the failure is reported.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    store.set_siem(Some(baton_store::Siem::Syslog(closed.to_string())));
    store
        .create_organization("City Clinic", OrgKind::Hdo)
        .unwrap();
    assert_eq!(store.take_siem_failures().len(), 1);
    assert_eq!(store.verify_log(None).unwrap().unwrap().entries, 3);
    assert!(baton_store::Siem::parse("udp:x").is_err());
}
