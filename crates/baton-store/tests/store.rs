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
    ImportKind::from_file_name(name).unwrap()
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
        let mut store = db.open().unwrap();
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
        let mut store = db.open().unwrap();
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
        let mut store = db.open().unwrap();
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
        let mut store = db.open().unwrap();
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
        let mut store = db.open().unwrap();
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
        let mut store = db.open().unwrap();
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
        drop(db.open().unwrap());
        let mut store = db.open().unwrap();
        let versions = store
            .db()
            .query("SELECT COUNT(*) FROM schema_migrations", &[])
            .unwrap();
        assert_eq!(versions[0][0].int(), Some(6), "{}", db.backend);
    }
}

fn sbom(
    timestamp: Option<&str>,
    components: &[(&str, &str, Option<&str>, Option<&str>)],
) -> baton_sbom::Parsed {
    use baton_sbom::{Component, Parsed, Sbom, SbomFormat, SupportDate};
    Parsed {
        sbom: Sbom {
            format: SbomFormat::CycloneDxJson,
            spec_version: "1.6".into(),
            serial_number: None,
            name: None,
            timestamp: timestamp.map(|t| t.parse().unwrap()),
            authors: vec![],
            tools: vec![],
            subject: None,
            components: components
                .iter()
                .map(|(name, version, level, eos)| Component {
                    reference: format!("{name}@{version}").into(),
                    name: (*name).into(),
                    version: Some((*version).into()),
                    support_level: level.map(Into::into),
                    end_of_support: eos.map(|e| match NaiveDate::parse_from_str(e, "%Y-%m-%d") {
                        Ok(d) => SupportDate::Date(d),
                        Err(_) => SupportDate::Text(e.into()),
                    }),
                    ..Component::default()
                })
                .collect(),
            dependencies: vec![],
            properties: vec![],
        },
        warnings: vec![],
    }
}

#[test]
fn sboms_supersede_by_their_own_timestamp_and_feed_the_reports() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        store
            .import(
                ImportKind::Assets,
                "a.csv",
                format!("{ASSET_HEADER}P-1,City Hospital,Acme Medical,Pump 1,2.0,,,,,,in-use\n")
                    .as_bytes(),
                day(ON),
            )
            .unwrap();
        let release = "Acme Medical/Pump 1@2.0";
        let old = sbom(
            Some("2025-01-01T00:00:00Z"),
            &[
                ("openssl", "1.1.1k", None, Some("2023-09-11")),
                (
                    "zlib",
                    "1.2.11",
                    Some("actively maintained"),
                    Some("Until hardware support ends"),
                ),
            ],
        );
        let new = sbom(
            Some("2026-01-01T00:00:00Z"),
            &[
                ("openssl", "3.0.13", None, Some("2026-09-07")),
                ("zlib", "1.2.11", Some("actively maintained"), None),
                ("lwip", "2.1.3", Some("abandoned"), None),
            ],
        );
        let first = store
            .import_sbom(release, "old.json", b"old bytes", &old)
            .unwrap();
        assert!(
            first.new && first.current && first.superseded.is_none(),
            "{}",
            db.backend
        );
        // The same bytes again: nothing changes.
        let again = store
            .import_sbom(release, "old.json", b"old bytes", &old)
            .unwrap();
        assert!(!again.new, "{}", db.backend);
        let second = store
            .import_sbom(release, "new.json", b"new bytes", &new)
            .unwrap();
        assert!(second.current, "{}", db.backend);
        assert_eq!(second.superseded.as_deref(), Some(first.sha256.as_str()));
        let changes: Vec<_> = second
            .changes
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.from_version.as_deref(),
                    c.to_version.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            changes,
            [
                ("lwip", None, Some("2.1.3")),
                ("openssl", Some("1.1.1k"), Some("3.0.13"))
            ],
            "{}",
            db.backend
        );
        // An older document imported later does not supersede.
        let older = store
            .import_sbom(
                release,
                "older.json",
                b"older bytes",
                &sbom(Some("2024-01-01T00:00:00Z"), &[]),
            )
            .unwrap();
        assert!(older.new && !older.current, "{}", db.backend);
        let list = store.sboms(release).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list.last().unwrap().sha256, second.sha256);

        store
            .import_document(
                release,
                baton_model::DocumentKind::Mds2,
                "mds2.xlsx",
                b"form",
            )
            .unwrap();
        let fleet = store.load_fleet().unwrap().fleet;
        assert_eq!(
            fleet.components.len(),
            3,
            "{}: only the current SBOM's components",
            db.backend
        );
        let on = day(ON);
        let unsupported = reports::unsupported(&fleet, on, Scope::default(), false);
        let got: Vec<_> = unsupported
            .iter()
            .map(|u| (u.component.as_str(), u.reason.as_str(), u.review_stage))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "lwip@2.1.3",
                    "level of support: abandoned",
                    Some(baton_model::Stage::EndOfSupport)
                ),
                (
                    "openssl@3.0.13",
                    "end of support 2026-09-07 has passed",
                    Some(baton_model::Stage::EndOfSupport)
                )
            ],
            "{}",
            db.backend
        );
        let per_asset = reports::unsupported(&fleet, on, Scope::default(), true);
        assert_eq!(per_asset.len(), 2);
        assert_eq!(per_asset[0].asset_id.as_deref(), Some("P-1"));
        let life = reports::lifecycle(&fleet, on, Scope::default());
        let pump = life.iter().find(|r| r.model == "Pump 1").unwrap();
        assert_eq!(pump.stage_reviews.len(), 2);
        let docs = reports::docs(&fleet, on, Scope::default());
        let row = docs.iter().find(|d| d.version == "2.0").unwrap();
        assert_eq!(
            row.present,
            [
                baton_model::DocumentKind::Mds2,
                baton_model::DocumentKind::Sbom
            ]
        );
        assert!(
            row.missing
                .iter()
                .any(|m| m.kind == baton_model::DocumentKind::CompensatingControlsGuide),
            "limited support asks for the guide"
        );
    }
}
