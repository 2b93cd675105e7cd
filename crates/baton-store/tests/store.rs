//! Storage behaviour, run on every backend available (SQLite always, PostgreSQL in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_model::reports::{self, Scope};
use baton_store::{ImportKind, Store, StoreError, testing};
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const ON: &str = "2026-11-28";

fn kind_of(name: &str) -> ImportKind {
    match name {
        "aliases.csv" => ImportKind::Aliases,
        "models.csv" => ImportKind::Models,
        "releases.csv" => ImportKind::Releases,
        "assets.csv" => ImportKind::Assets,
        "agreements.csv" => ImportKind::Agreements,
        "capabilities.csv" => ImportKind::Capabilities,
        "policies.csv" => ImportKind::Policies,
        "assessments.csv" => ImportKind::Assessments,
        other => panic!("unexpected file {other}"),
    }
}

fn load_demo(store: &mut Store) {
    let files = baton_demo::generate(&baton_demo::FleetSpec::demo(day(ON)));
    for (name, text) in files.files() {
        store
            .import(kind_of(name), name, text.as_bytes(), day(ON))
            .unwrap();
    }
}

/// Every table's row count, to prove a failed import changed nothing.
fn counts(store: &mut Store) -> Vec<i64> {
    [
        "organizations",
        "organization_aliases",
        "device_models",
        "releases",
        "assets",
        "agreements",
        "capabilities",
        "policies",
        "risk_assessments",
        "imports",
    ]
    .iter()
    .map(|t| {
        let sql: &'static str = match *t {
            "organizations" => "SELECT COUNT(*) FROM organizations",
            "organization_aliases" => "SELECT COUNT(*) FROM organization_aliases",
            "device_models" => "SELECT COUNT(*) FROM device_models",
            "releases" => "SELECT COUNT(*) FROM releases",
            "assets" => "SELECT COUNT(*) FROM assets",
            "agreements" => "SELECT COUNT(*) FROM agreements",
            "capabilities" => "SELECT COUNT(*) FROM capabilities",
            "policies" => "SELECT COUNT(*) FROM policies",
            "risk_assessments" => "SELECT COUNT(*) FROM risk_assessments",
            _ => "SELECT COUNT(*) FROM imports",
        };
        store.db().query(sql, &[]).unwrap()[0][0].int().unwrap()
    })
    .collect()
}

fn reports_json(store: &mut Store) -> String {
    let fleet = store.load_fleet().unwrap().fleet;
    let on = day(ON);
    serde_json::json!({
        "lifecycle": reports::lifecycle(&fleet, on, Scope::default()),
        "gaps": reports::gaps(&fleet, on, Scope::default()),
        "due": reports::due(&fleet, on, Some(90), Scope::default()),
        "transitions": reports::transitions(&fleet, on, 365, Scope::default()),
    })
    .to_string()
}

#[test]
fn demo_fleet_gives_the_same_reports_on_every_backend() {
    let mut seen = Vec::new();
    for db in testing::all() {
        let mut store = Store::open(&db.url).unwrap();
        load_demo(&mut store);
        let fleet = store.load_fleet().unwrap().fleet;
        assert_eq!(fleet.assets.len(), 2000, "{}", db.backend);
        assert_eq!(fleet.models.len(), 60, "{}", db.backend);
        seen.push((db.backend, reports_json(&mut store)));
    }
    for pair in seen.windows(2) {
        assert_eq!(
            pair[0].1, pair[1].1,
            "{} and {} disagree",
            pair[0].0, pair[1].0
        );
    }
}

#[test]
fn reimporting_the_same_files_changes_nothing() {
    for db in testing::all() {
        let mut store = Store::open(&db.url).unwrap();
        load_demo(&mut store);
        let before = reports_json(&mut store);
        let files = baton_demo::generate(&baton_demo::FleetSpec::demo(day(ON)));
        for (name, text) in files.files() {
            let s = store
                .import(kind_of(name), name, text.as_bytes(), day("2027-01-01"))
                .unwrap();
            assert_eq!(s.inserted, 0, "{} {name}", db.backend);
            assert_eq!(s.organizations_created, 0, "{} {name}", db.backend);
        }
        // Import dates of existing assets are kept.
        assert_eq!(before, reports_json(&mut store), "{}", db.backend);
    }
}

const MODELS: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Acme Medical,Pump 1,P1,00614141123452,infusion pump,high,2015-01-01,2025-01-01,2022-06-01,2028-01-01,2025-01-01
Acme Medical,Monitor 2,,,patient monitor,medium,,,,,
";

const ASSET_HEADER: &str = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n";

fn setup(store: &mut Store) {
    store
        .import(
            ImportKind::Aliases,
            "aliases.csv",
            b"name,alias\nAcme Medical,ACME Corp.\n",
            day(ON),
        )
        .unwrap();
    store
        .import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day(ON))
        .unwrap();
}

#[test]
fn a_bad_row_rolls_back_the_whole_import() {
    for db in testing::all() {
        let mut store = Store::open(&db.url).unwrap();
        setup(&mut store);
        store
            .import(
                ImportKind::Assets,
                "assets.csv",
                format!("{ASSET_HEADER}A-1,City Hospital,Acme Medical,Pump 1,1.0,S1,,,,,in-use\n")
                    .as_bytes(),
                day(ON),
            )
            .unwrap();
        let before = counts(&mut store);
        // Row 3 names a model nobody imported; rows 2 and 4 must not land either.
        let bad = format!(
            "{ASSET_HEADER}A-2,City Hospital,Acme Medical,Pump 1,2.0,S2,,,,,in-use\nA-3,City Hospital,Acme Medical,Pump 9,,S3,,,,,in-use\nA-4,New Hospital,Acme Medical,Pump 1,,S4,,,,,in-use\n"
        );
        let err = store
            .import(ImportKind::Assets, "assets.csv", bad.as_bytes(), day(ON))
            .unwrap_err();
        assert!(matches!(err, StoreError::Input(_)));
        assert_eq!(
            err.to_string(),
            "assets.csv, line 3, column model: unknown model 'Pump 9' of 'Acme Medical' (import it with `baton import models` first)",
            "{}",
            db.backend
        );
        assert_eq!(
            before,
            counts(&mut store),
            "{}: the database changed",
            db.backend
        );
    }
}

#[test]
fn udi_must_match_the_model() {
    for db in testing::all() {
        let mut store = Store::open(&db.url).unwrap();
        setup(&mut store);
        let before = counts(&mut store);
        let wrong = format!(
            "{ASSET_HEADER}A-1,City Hospital,Acme Medical,Pump 1,,S1,(01)04012345000016(21)S1,,,,in-use\n"
        );
        let err = store
            .import(ImportKind::Assets, "assets.csv", wrong.as_bytes(), day(ON))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("assets.csv, line 2, column udi: the UDI's device identifier 04012345000016 does not match"), "{err}");
        let bad_check = format!(
            "{ASSET_HEADER}A-1,City Hospital,Acme Medical,Pump 1,,S1,(01)00614141123453(21)S1,,,,in-use\n"
        );
        let err = store
            .import(
                ImportKind::Assets,
                "assets.csv",
                bad_check.as_bytes(),
                day(ON),
            )
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("assets.csv, line 2, column udi:"), "{err}");
        assert_eq!(before, counts(&mut store), "{}", db.backend);
        let good = format!(
            "{ASSET_HEADER}A-1,City Hospital,acme corp., pump 1 ,3.1,S1,(01)00614141123452(17)291231(21)S1,,,,in-use\n"
        );
        let s = store
            .import(ImportKind::Assets, "assets.csv", good.as_bytes(), day(ON))
            .unwrap();
        assert_eq!(
            (s.inserted, s.releases_created, s.organizations_created),
            (1, 1, 1),
            "{}",
            db.backend
        );
    }
}

#[test]
fn names_resolve_through_aliases_and_case() {
    for db in testing::all() {
        let mut store = Store::open(&db.url).unwrap();
        setup(&mut store);
        let rows = format!(
            "{ASSET_HEADER}A-1,City Hospital,ACME CORP.,Pump 1,,,,,,,in-use\nA-2,  city hospital ,acme medical,MONITOR 2,,,,,,,decommissioned\n"
        );
        let s = store
            .import(ImportKind::Assets, "assets.csv", rows.as_bytes(), day(ON))
            .unwrap();
        assert_eq!(s.organizations_created, 1, "{}", db.backend);
        let loaded = store.load_fleet().unwrap();
        let names: Vec<_> = loaded
            .fleet
            .organizations
            .iter()
            .map(|o| (o.name.as_str(), o.kind.key()))
            .collect();
        assert_eq!(
            names,
            vec![("Acme Medical", "mdm"), ("City Hospital", "hdo")],
            "{}",
            db.backend
        );
        assert_eq!(
            store
                .resolve_organization("CITY HOSPITAL", &loaded)
                .unwrap(),
            Some(1)
        );
        // Decommissioned assets are left out of the reports.
        let life = reports::lifecycle(&loaded.fleet, day(ON), Scope::default());
        assert_eq!(life.iter().map(|r| r.assets).sum::<usize>(), 1);
    }
}

#[test]
fn assessments_need_a_known_asset() {
    for db in testing::all() {
        let mut store = Store::open(&db.url).unwrap();
        setup(&mut store);
        let record = baton_formats::inventory::AssessmentRow {
            organization: "City Hospital".into(),
            asset_id: "nope".into(),
            date: day(ON),
            assessor: "R. Chen".into(),
            decision: baton_model::Decision::Accept,
            residual: None,
            note: None,
        };
        let err = store.assess(record.clone(), day(ON)).unwrap_err();
        assert_eq!(err.to_string(), "unknown asset 'City Hospital/nope'");
        store
            .import(
                ImportKind::Assets,
                "a.csv",
                format!("{ASSET_HEADER}nope,City Hospital,Acme Medical,Pump 1,,,,,,,in-use\n")
                    .as_bytes(),
                day(ON),
            )
            .unwrap();
        store.assess(record, day(ON)).unwrap();
        let fleet = store.load_fleet().unwrap().fleet;
        assert_eq!(fleet.assessments.len(), 1, "{}", db.backend);
    }
}

#[test]
fn reopening_migrates_once() {
    for db in testing::all() {
        drop(Store::open(&db.url).unwrap());
        let mut store = Store::open(&db.url).unwrap();
        let versions = store
            .db()
            .query("SELECT COUNT(*) FROM schema_migrations", &[])
            .unwrap();
        assert_eq!(versions[0][0].int(), Some(1), "{}", db.backend);
    }
}
