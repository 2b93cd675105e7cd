//! The reports and the manufacturer's uploads through the real server, on SQLite and (with
//! `BATON_TEST_POSTGRES_URL`) PostgreSQL: what each organization and role sees of lifecycle,
//! responsibilities, history, gaps, due, transitions, the summary and agreements; attempts
//! across organizations and guessed assets answered as unknown and logged; uploads of notices,
//! documents and MDS2 forms by their manufacturer only; and the fleet cache reloading only when
//! the data changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use baton_server::Pool;
use baton_server::config::DatabaseUrl;
use baton_server::fleet::FleetCache;
use baton_store::{ImportKind, testing};
use serde_json::{Value, json};
use support::fixture::*;

const ON: &str = "on=2026-11-28";

/// A CycloneDX lifecycle notice: end of support and end of life of a device.
const NOTICE: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "metadata": {"component": {"type": "device", "name": "Pump 9", "supplier": {"name": "Acme Medical"},
    "properties": [
      {"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2027-03-31"},
      {"name": "cdx:lifecycle:milestone:endOfLife", "value": "2027-09-30"}]}}}"#;

/// `GET path` as `key`, expecting 200: the JSON.
fn ok(fx: &Fixture, key: &str, path: &str) -> Value {
    let r = fx.get(path, &fx.auth(key));
    expect(fx, &r, 200, &format!("{key} GET {path}"));
    r.json()
}

/// A page's items, checking the total.
fn items(page: &Value) -> Vec<Value> {
    let items = page["items"].as_array().unwrap().clone();
    assert_eq!(page["total"].as_u64(), Some(items.len() as u64), "{page}");
    items
}

/// `ORG/ASSET` of the rows that name an asset.
fn asset_names(rows: &[Value]) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r["asset_id"].is_string())
        .map(|r| {
            format!(
                "{}/{}",
                r["organization"].as_str().unwrap(),
                r["asset_id"].as_str().unwrap()
            )
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// `lifecycle` as `key`: (model, assets).
fn lifecycle(fx: &Fixture, key: &str) -> Vec<(String, u64)> {
    items(&ok(fx, key, &format!("/api/v1/lifecycle?{ON}")))
        .iter()
        .map(|r| {
            (
                r["model"].as_str().unwrap().to_string(),
                r["assets"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn due_assets(fx: &Fixture, key: &str) -> BTreeSet<String> {
    asset_names(&items(&ok(
        fx,
        key,
        &format!("/api/v1/due?{ON}&horizon=400&limit=1000"),
    )))
}

fn gap_assets(fx: &Fixture, key: &str) -> BTreeSet<String> {
    asset_names(&items(&ok(
        fx,
        key,
        &format!("/api/v1/gaps?{ON}&limit=1000"),
    )))
}

fn asset_path(spec: &str, what: &str) -> String {
    let (org, id) = spec.rsplit_once('/').unwrap();
    format!("/api/v1/assets/{}/{}/{what}", enc_path(org), enc_path(id))
}

fn enc_path(s: &str) -> String {
    s.replace(' ', "%20")
}

const ALL_GH: [&str; 3] = [
    "General Hospital/gh-1",
    "General Hospital/gh-2",
    "General Hospital/gh-3",
];
const ALL_CC: [&str; 3] = ["City Clinic/cc-1", "City Clinic/cc-2", "City Clinic/cc-3"];

#[test]
fn each_organization_sees_its_own_reports() {
    for mut fx in fixtures() {
        // General Hospital cannot do deploy-patches: every asset of it where it holds the task
        // is a gap (City Clinic's Monitor 1s have ServiceCo).
        let r = fx.csv(
            "/api/v1/imports/capabilities",
            &fx.auth("gh-analyst"),
            "organization,task,capable\nGeneral Hospital,deploy-patches,false\n",
        );
        expect(&fx, &r, 200, "capabilities");
        let r = fx.csv(
            "/api/v1/imports/capabilities",
            &fx.auth("cc-analyst"),
            "organization,task,capable\nCity Clinic,deploy-patches,false\n",
        );
        expect(&fx, &r, 200, "capabilities");

        // Hospitals: their own models and assets, every role alike (by manufacturer, model).
        for key in ["gh-viewer", "gh-analyst:read", "gh-admin"] {
            assert_eq!(
                lifecycle(&fx, key),
                [("Pump 9".to_string(), 2), ("Monitor 1".to_string(), 1)],
                "{}",
                fx.backend
            );
            assert_eq!(due_assets(&fx, key), set(&ALL_GH), "{}", fx.backend);
            assert_eq!(gap_assets(&fx, key), set(&ALL_GH), "{}", fx.backend);
            let report = ok(&fx, key, &format!("/api/v1/report?{ON}"));
            assert_eq!(report["assets"], 3, "{report}");
        }
        assert_eq!(
            lifecycle(&fx, "cc-viewer"),
            [("Pump 9".to_string(), 1), ("Monitor 1".to_string(), 2)]
        );
        assert_eq!(due_assets(&fx, "cc-viewer"), set(&ALL_CC));
        // ServiceCo holds deploy-patches for City Clinic's Monitor 1s: only the pump is a gap.
        assert_eq!(gap_assets(&fx, "cc-viewer"), set(&["City Clinic/cc-1"]));

        // The provider: the assets its agreement assigns, nothing else.
        assert_eq!(lifecycle(&fx, "svc-viewer"), [("Monitor 1".to_string(), 2)]);
        assert_eq!(
            due_assets(&fx, "svc-viewer"),
            set(&["City Clinic/cc-2", "City Clinic/cc-3"])
        );
        assert!(gap_assets(&fx, "svc-viewer").is_empty());
        assert_eq!(
            ok(&fx, "svc-viewer", &format!("/api/v1/report?{ON}"))["assets"],
            2
        );

        // The manufacturer, nothing shared: its model, no installed base.
        assert_eq!(lifecycle(&fx, "acme-viewer"), [("Pump 9".to_string(), 0)]);
        assert!(due_assets(&fx, "acme-viewer").is_empty());
        assert!(gap_assets(&fx, "acme-viewer").is_empty());
        let report = ok(&fx, "acme-viewer", &format!("/api/v1/report?{ON}"));
        assert_eq!((&report["assets"], &report["gaps"]), (&json!(0), &json!(0)));

        // Counts: in the numbers, never as rows.
        let share = |fx: &Fixture, level: &str| {
            let r = fx.json(
                "PUT",
                "/api/v1/sharing/Acme%20Medical",
                &fx.auth("cc-admin"),
                json!({"level": level}),
            );
            expect(fx, &r, 204, level);
        };
        share(&fx, "counts");
        assert_eq!(lifecycle(&fx, "acme-viewer"), [("Pump 9".to_string(), 1)]);
        assert!(due_assets(&fx, "acme-viewer").is_empty());
        assert!(gap_assets(&fx, "acme-viewer").is_empty());
        let report = ok(&fx, "acme-viewer", &format!("/api/v1/report?{ON}"));
        assert_eq!((&report["assets"], &report["gaps"]), (&json!(1), &json!(1)));
        let r = fx.get(
            &asset_path("City Clinic/cc-1", "responsibilities"),
            &fx.auth("acme-viewer"),
        );
        expect(&fx, &r, 404, "counts only: no asset");

        // The asset list: City Clinic's pump, not its monitors, not General Hospital's pumps.
        share(&fx, "assets");
        assert_eq!(lifecycle(&fx, "acme-viewer"), [("Pump 9".to_string(), 1)]);
        assert_eq!(due_assets(&fx, "acme-viewer"), set(&["City Clinic/cc-1"]));
        assert_eq!(gap_assets(&fx, "acme-viewer"), set(&["City Clinic/cc-1"]));
        let rows = ok(
            &fx,
            "acme-viewer",
            &asset_path("City Clinic/cc-1", "responsibilities"),
        );
        assert_eq!(rows.as_array().unwrap().len(), 16, "{rows}");

        // Documentation, per release: a manufacturer its own, others those their assets run.
        let releases = |key: &str| -> Vec<String> {
            items(&ok(&fx, key, &format!("/api/v1/docs?{ON}")))
                .iter()
                .map(|r| {
                    format!(
                        "{}@{}",
                        r["model"].as_str().unwrap(),
                        r["version"].as_str().unwrap()
                    )
                })
                .collect()
        };
        assert_eq!(releases("gh-viewer"), ["Pump 9@1.0", "Monitor 1@2.0"]);
        assert_eq!(
            releases("cc-viewer"),
            ["Pump 9@1.0", "Monitor 1@2.0", "Monitor 1@3.0"]
        );
        assert_eq!(releases("svc-viewer"), ["Monitor 1@2.0", "Monitor 1@3.0"]);
        assert_eq!(releases("acme-viewer"), ["Pump 9@1.0"]);
        for key in ["gh-viewer", "svc-viewer", "acme-viewer"] {
            for query in ["", "&per_asset=true"] {
                let rows = items(&ok(&fx, key, &format!("/api/v1/unsupported?{ON}{query}")));
                assert!(rows.is_empty(), "{key}: {rows:?}");
            }
        }

        // Agreements: those naming the organization.
        let agreements = |key: &str| ok(&fx, key, "/api/v1/agreements").as_array().unwrap().len();
        assert_eq!(
            [
                agreements("cc-viewer"),
                agreements("svc-viewer"),
                agreements("gh-viewer"),
                agreements("acme-viewer")
            ],
            [1, 1, 0, 0]
        );
        let row = &ok(&fx, "svc-viewer", "/api/v1/agreements")[0];
        assert_eq!(
            (&row["task"], &row["party"], &row["provider"]),
            (
                &json!("deploy-patches"),
                &json!("third-party"),
                &json!("ServiceCo")
            )
        );
        fx.assert_log_verifies();
    }
}

#[test]
fn an_asset_outside_the_view_or_guessed_is_unknown_and_logged() {
    for mut fx in fixtures() {
        // Seen: the task rows, with who holds them.
        let rows = ok(
            &fx,
            "svc-viewer",
            &format!(
                "{}?{ON}",
                asset_path("City Clinic/cc-2", "responsibilities")
            ),
        );
        let deploy = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["task"] == "deploy-patches")
            .unwrap();
        assert_eq!(
            (&deploy["party"], &deploy["provider"]),
            (&json!("third-party"), &json!("ServiceCo"))
        );
        for spec in ALL_GH {
            ok(&fx, "gh-viewer", &asset_path(spec, "responsibilities"));
            ok(&fx, "gh-viewer", &asset_path(spec, "history"));
        }
        let history = ok(&fx, "cc-viewer", &asset_path("City Clinic/cc-1", "history"));
        assert_eq!(history[0]["event"], "imported", "{history}");

        // Another hospital's asset, an unassigned one, a guessed id, an unknown organization:
        // the same 404 for each.
        let unknown = [
            ("gh-viewer", "City Clinic/cc-1"),
            ("gh-admin", "City Clinic/cc-2"),
            ("cc-viewer", "General Hospital/gh-1"),
            ("svc-viewer", "City Clinic/cc-1"),
            ("svc-viewer", "General Hospital/gh-3"),
            ("acme-viewer", "City Clinic/cc-1"),
            ("acme-viewer", "General Hospital/gh-1"),
            ("gh-viewer", "General Hospital/gh-999"),
            ("gh-viewer", "Nowhere Hospital/gh-1"),
            ("acme-admin", "Acme Medical/gh-1"),
        ];
        let mut bodies = BTreeSet::new();
        for (key, spec) in unknown {
            for what in ["responsibilities", "history"] {
                let path = asset_path(spec, what);
                let r = fx.get(&path, &fx.auth(key));
                expect(&fx, &r, 404, &format!("{key} {path}"));
                // Only the asset id the caller gave appears in the answer.
                let (_, id) = spec.rsplit_once('/').unwrap();
                bodies.insert(r.body.replace(id, "ID"));
                fx.assert_refused(&email(key), &format!("GET {path}"), "404");
            }
        }
        assert_eq!(bodies.len(), 1, "{bodies:?}");

        // History is the hospital's: a provider that sees the asset is refused, and logged.
        let path = asset_path("City Clinic/cc-2", "history");
        let r = fx.get(&path, &fx.auth("svc-admin"));
        expect(&fx, &r, 403, "provider reads history");
        fx.assert_refused(&email("svc-admin"), &format!("GET {path}"), "403");

        // Bad dates and pages are refused before anything is read.
        for path in [
            "/api/v1/lifecycle?on=2026-13-01",
            "/api/v1/gaps?limit=0",
            "/api/v1/due?horizon=99999",
            "/api/v1/transitions?on=0001-01-01",
            "/api/v1/report?on=yesterday",
        ] {
            let r = fx.get(path, &fx.auth("gh-viewer"));
            expect(&fx, &r, 422, path);
        }
        fx.assert_log_verifies();
    }
}

#[test]
fn manufacturers_upload_notices_documents_and_mds2_for_their_own_releases() {
    for mut fx in fixtures() {
        let post = |fx: &Fixture, key: &str, path: &str, body: &[u8]| {
            fx.send(
                "POST",
                path,
                &fx.auth(key),
                Some(("application/octet-stream", body.to_vec())),
            )
        };
        let notice = "/api/v1/notices?model=Acme%20Medical/Pump%209&file=pump9.cdx.json";
        let document = "/api/v1/documents?release=Acme%20Medical/Pump%209@1.0&kind=security-test-report&file=report.pdf";
        let mds2 = "/api/v1/mds2?release=Acme%20Medical/Pump%209@1.0&file=mds2.xlsx";
        let form = baton_mds2::write_xlsx(&baton_mds2::Mds2Form::new("MDS2")).unwrap();

        // Viewers and read tokens never write.
        for key in ["acme-viewer", "acme-admin:read", "gh-viewer"] {
            expect(
                &fx,
                &post(&fx, key, notice, NOTICE.as_bytes()),
                403,
                &format!("{key} notice"),
            );
            expect(&fx, &post(&fx, key, document, b"%PDF-1.7"), 403, key);
            expect(&fx, &post(&fx, key, mds2, &form), 403, key);
        }
        // Not the manufacturer: a hospital, a provider, another manufacturer's model.
        for key in ["gh-analyst", "svc-analyst"] {
            expect(&fx, &post(&fx, key, notice, NOTICE.as_bytes()), 403, key);
            expect(&fx, &post(&fx, key, document, b"%PDF-1.7"), 403, key);
            expect(&fx, &post(&fx, key, mds2, &form), 403, key);
        }
        let r = post(
            &fx,
            "acme-analyst",
            "/api/v1/notices?model=Other%20Corp/Monitor%201",
            NOTICE.as_bytes(),
        );
        expect(&fx, &r, 403, "Other Corp's model");
        let r = post(
            &fx,
            "acme-analyst",
            "/api/v1/documents?release=Other%20Corp/Monitor%201@2.0&kind=threat-model",
            b"x",
        );
        expect(&fx, &r, 403, "Other Corp's release");
        fx.assert_refused(&email("acme-analyst"), "POST /api/v1/documents", "403");
        // Bad requests change nothing.
        for (path, body) in [
            ("/api/v1/notices", NOTICE.as_bytes()),
            (notice, b"not json".as_slice()),
            (
                "/api/v1/documents?release=Acme%20Medical/Pump%209@1.0&kind=novel",
                b"x".as_slice(),
            ),
            (document, b"".as_slice()),
            (mds2, b"not a workbook".as_slice()),
        ] {
            expect(&fx, &post(&fx, "acme-analyst", path, body), 422, path);
        }
        let before = lifecycle(&fx, "gh-viewer");
        let pump = |fx: &Fixture, key: &str| {
            items(&ok(fx, key, &format!("/api/v1/lifecycle?{ON}")))
                .into_iter()
                .find(|r| r["model"] == "Pump 9")
                .unwrap()
        };
        assert_eq!(pump(&fx, "gh-viewer")["next_milestone"], Value::Null);

        // The manufacturer's analyst: applied at once, seen by the hospitals running it.
        let r = post(&fx, "acme-analyst", notice, NOTICE.as_bytes());
        expect(&fx, &r, 200, "notice");
        assert_eq!(r.json()["applied"][0]["eos"], "2027-03-31", "{}", r.body);
        assert_eq!(lifecycle(&fx, "gh-viewer"), before);
        assert_eq!(pump(&fx, "gh-viewer")["next_milestone"], "eos");
        let transitions = items(&ok(
            &fx,
            "gh-viewer",
            &format!("/api/v1/transitions?{ON}&horizon=365"),
        ));
        let orgs: BTreeSet<&str> = transitions
            .iter()
            .map(|t| t["organization"].as_str().unwrap())
            .collect();
        assert_eq!(
            orgs,
            BTreeSet::from(["General Hospital"]),
            "{transitions:?}"
        );
        // The manufacturer sees the transition, but no hospital running it (nothing shared).
        let transitions = items(&ok(
            &fx,
            "acme-viewer",
            &format!("/api/v1/transitions?{ON}&horizon=365"),
        ));
        assert!(
            !transitions.is_empty() && transitions.iter().all(|t| t["organization"].is_null()),
            "{transitions:?}"
        );
        let due = items(&ok(
            &fx,
            "acme-viewer",
            &format!("/api/v1/due?{ON}&horizon=365"),
        ));
        assert!(
            due.iter().all(|d| d["kind"] == "milestone") && !due.is_empty(),
            "{due:?}"
        );

        let r = post(&fx, "acme-analyst", document, b"%PDF-1.7 report");
        expect(&fx, &r, 200, "document");
        assert_eq!(r.json()["kind"], "security-test-report");
        for key in ["acme-viewer", "gh-viewer"] {
            let docs = items(&ok(&fx, key, &format!("/api/v1/docs?{ON}")));
            let pump = docs.iter().find(|d| d["model"] == "Pump 9").unwrap();
            assert_eq!(pump["present"], json!(["security-test-report"]), "{key}");
        }
        let r = post(&fx, "acme-admin", mds2, &form);
        expect(&fx, &r, 200, "mds2");
        assert_eq!(r.json()["new"], true);
        assert_eq!(post(&fx, "acme-admin", mds2, &form).json()["new"], false);
        fx.assert_log_verifies();
    }
}

#[test]
fn the_fleet_is_read_again_only_after_a_change() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        store
            .import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day())
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let pool = rt
            .block_on(Pool::open_with_key(
                DatabaseUrl::new(db.url.clone()),
                Some(db.log_key()),
                2,
                Duration::from_secs(10),
            ))
            .unwrap();
        let cache = FleetCache::new();
        let first = rt.block_on(cache.current(&pool)).unwrap();
        assert!(first.loaded().fleet.assets.is_empty());
        // Nothing changed: the same snapshot.
        let again = rt.block_on(cache.current(&pool)).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "{}", db.backend);
        // A refusal, a new user: logged, but the fleet is the same.
        store.record_refusal("GET /api/v1/nothing", "404").unwrap();
        store
            .create_user(
                "x@example.test",
                "Acme Medical",
                baton_store::Role::Viewer,
                None,
            )
            .unwrap();
        let after = rt.block_on(cache.current(&pool)).unwrap();
        assert!(Arc::ptr_eq(&first, &after), "{}", db.backend);
        // An import changes it: read again.
        store
            .import(ImportKind::Assets, "assets.csv", ASSETS.as_bytes(), day())
            .unwrap();
        let fresh = rt.block_on(cache.current(&pool)).unwrap();
        assert!(!Arc::ptr_eq(&first, &fresh), "{}", db.backend);
        assert_eq!(fresh.loaded().fleet.assets.len(), 6);
        assert_eq!(fresh.log_size(), store.log_size().unwrap());
        // Requests arriving together after a change share one load.
        store
            .import(
                ImportKind::Agreements,
                "agreements.csv",
                AGREEMENTS.as_bytes(),
                day(),
            )
            .unwrap();
        let (a, b, c) = rt.block_on(async {
            tokio::join!(
                cache.current(&pool),
                cache.current(&pool),
                cache.current(&pool)
            )
        });
        let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
        assert!(!Arc::ptr_eq(&fresh, &a), "{}", db.backend);
        assert!(Arc::ptr_eq(&a, &b) && Arc::ptr_eq(&b, &c), "{}", db.backend);
        assert_eq!(a.loaded().fleet.agreements.len(), 1);
        drop(pool);
    }
}

/// Asserts `value` has every required property of `schema` (a `$ref` into `doc`) and no other
/// than its properties; one level deep.
#[track_caller]
fn matches_schema(doc: &Value, schema: &str, value: &Value) {
    let s = &doc["components"]["schemas"][schema];
    let props = s["properties"].as_object().unwrap();
    let obj = value.as_object().unwrap();
    for key in obj.keys() {
        assert!(props.contains_key(key), "{schema} has no '{key}': {value}");
    }
    for req in s["required"].as_array().into_iter().flatten() {
        assert!(
            obj.contains_key(req.as_str().unwrap()),
            "{schema}.{req} missing: {value}"
        );
    }
}

#[test]
fn rows_match_their_openapi_schemas() {
    let doc: Value =
        serde_json::from_str(&baton_server::openapi::document_json().unwrap()).unwrap();
    for fx in fixtures() {
        let r = fx.decide("gh-analyst", fx.pump, Some("General Hospital/gh-1"));
        expect(&fx, &r, 201, "decide");
        matches_schema(&doc, "FindingDecision", &r.json());
        for row in items(&ok(&fx, "gh-viewer", "/api/v1/findings")) {
            matches_schema(&doc, "FindingRow", &row);
        }
        for row in ok(
            &fx,
            "gh-viewer",
            &format!("/api/v1/findings/{}/decisions", fx.pump),
        )
        .as_array()
        .unwrap()
        {
            matches_schema(&doc, "FindingDecision", row);
        }
        for row in items(&ok(&fx, "gh-viewer", "/api/v1/assets")) {
            matches_schema(&doc, "AssetRow", &row);
        }
        for row in items(&ok(&fx, "gh-viewer", "/api/v1/affected/CVE-2026-0001")) {
            matches_schema(&doc, "AffectedRow", &row);
        }
        for row in items(&ok(&fx, "gh-viewer", "/api/v1/lifecycle")) {
            matches_schema(&doc, "LifecycleRow", &row);
        }
        for row in ok(
            &fx,
            "gh-viewer",
            &asset_path("General Hospital/gh-1", "responsibilities"),
        )
        .as_array()
        .unwrap()
        {
            matches_schema(&doc, "ResponsibilityRow", row);
        }
        matches_schema(
            &doc,
            "FleetSummary",
            &ok(&fx, "gh-viewer", "/api/v1/report"),
        );
        matches_schema(&doc, "Me", &ok(&fx, "gh-viewer", "/api/v1/me"));
    }
}
