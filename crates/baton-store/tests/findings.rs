//! Stored findings: devices matched from the inventory alone, SBOM components, identities, VEX
//! by author, analysts' decisions, revisions and incremental matching, on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_model::reports;
use baton_store::{
    AdvisoryDoc, DecisionInput, FindingFilter, IdentityInput, ImportKind, Store, testing,
};
use chrono::NaiveDate;

const ON: &str = "2026-11-28";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn shared(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn docs(file: &str, bytes: &[u8]) -> Vec<AdvisoryDoc> {
    baton_advisories::parse(file, bytes)
        .unwrap()
        .advisories
        .into_iter()
        .map(|advisory| AdvisoryDoc {
            file: file.to_string(),
            advisory,
        })
        .collect()
}

fn shared_docs(rel: &str) -> Vec<AdvisoryDoc> {
    docs(rel, &std::fs::read(shared(rel)).unwrap())
}

const MODELS: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Philips,Vue PACS,,,imaging,high,2015-01-01,2025-01-01,2022-06-01,2028-01-01,2025-01-01
BD,Alaris 8015 PCU,,,infusion pump,high,,,,,
Acme Medical,Pump 9,,,infusion pump,high,,,,,
";

const ASSETS: &str = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status
gh-1,General Hospital,Philips,Vue PACS,12.2.1.0,,,,,,in-use
gh-2,General Hospital,Philips,Vue PACS,12.2.1.0,,,,,,in-use
gh-3,General Hospital,Philips,Vue PACS,12.3.0,,,,,,in-use
gh-4,General Hospital,Philips,Vue PACS,12.2.1.0,,,,,,decommissioned
cc-1,City Clinic,Philips,Vue PACS,12.2.1.0,,,,,,in-use
cc-2,City Clinic,BD,Alaris 8015 PCU,12.1.2,,,,,,in-use
cc-3,City Clinic,Acme Medical,Pump 9,1.0,,,,,,in-use
";

fn setup(store: &mut Store) {
    store
        .import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day(ON))
        .unwrap();
    store
        .import(ImportKind::Assets, "assets.csv", ASSETS.as_bytes(), day(ON))
        .unwrap();
}

fn release(spec: &str) -> FindingFilter {
    FindingFilter {
        release: Some(spec.to_string()),
        ..FindingFilter::default()
    }
}

fn asset(spec: &str) -> FindingFilter {
    FindingFilter {
        asset: Some(spec.to_string()),
        ..FindingFilter::default()
    }
}

/// Every findings row as text, to prove that something changed nothing.
fn snapshot(store: &mut Store) -> Vec<Vec<baton_store::Value>> {
    store
        .db()
        .query(
            "SELECT id, release_id, component_id, vulnerability_id, status, matched_status, source, evidence, first_seen, last_seen, present FROM findings ORDER BY id",
            &[],
        )
        .unwrap()
}

#[test]
fn an_inventory_alone_gets_device_findings_with_who_must_act() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        let icsma = shared_docs("cisa-csaf-icsma/icsma-21-187-01.json");
        let summary = store.import_advisories(&icsma, None).unwrap();
        assert_eq!(summary.new, 1, "{}", db.backend);
        // Vue PACS 12.2.1.0 is within "<= 12.2.x.x"; 12.3.0 is not.
        let found = store
            .findings(&release("Philips/Vue PACS@12.2.1.0"))
            .unwrap();
        assert_eq!(found.len(), 16, "{}: {found:#?}", db.backend);
        let tomcat = found
            .iter()
            .find(|f| f.vulnerability_id == "CVE-2020-1938")
            .unwrap();
        assert_eq!(tomcat.component_ref, "device");
        assert_eq!(tomcat.component_name, "Vue PACS");
        assert_eq!(tomcat.status, "affected");
        assert_eq!(tomcat.confidence, "exact");
        assert_eq!(tomcat.source, vec!["ICSMA-21-187-01"]);
        assert_eq!(tomcat.cvss.as_ref().unwrap().score, Some(9.8));
        // gh-1, gh-2 and cc-1; the decommissioned gh-4 does not count.
        assert_eq!(tomcat.assets, 3);
        assert!(!tomcat.evidence.is_empty());
        assert!(
            store
                .findings(&release("Philips/Vue PACS@12.3.0"))
                .unwrap()
                .is_empty()
        );

        let affected = store.affected("CVE-2020-1938", day(ON)).unwrap();
        let ids: Vec<(&str, &str)> = affected
            .iter()
            .map(|a| (a.organization.as_str(), a.asset_id.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("City Clinic", "cc-1"),
                ("General Hospital", "gh-1"),
                ("General Hospital", "gh-2")
            ]
        );
        // The parties are those of `baton responsibilities` for the asset on the date.
        let fleet = store.load_fleet().unwrap();
        let gh1 = fleet
            .fleet
            .assets
            .iter()
            .position(|a| a.asset_id == "gh-1")
            .unwrap();
        let rows = reports::responsibilities(&fleet.fleet, gh1, day(ON));
        let row = |task| rows.iter().find(|r| r.task == task).unwrap();
        let a = &affected[1];
        assert_eq!(a.stage, baton_model::Stage::LimitedSupport);
        assert_eq!(a.status, "affected");
        let dev = row(baton_model::Task::DevelopPatches);
        assert_eq!(
            (a.patch_developer.party, a.patch_developer.lead),
            (dev.party, dev.lead)
        );
        let dep = row(baton_model::Task::DeployPatches);
        assert_eq!(
            (a.patch_deployer.party, a.patch_deployer.lead),
            (dep.party, dep.lead)
        );
        // An alias (here the ICSMA id the CSAF document gives every CVE) finds them too.
        assert_eq!(store.affected("ICSMA-21-187-01", day(ON)).unwrap().len(), 3);

        // The same document again changes nothing.
        let before = snapshot(&mut store);
        let again = store.import_advisories(&icsma, None).unwrap();
        assert_eq!((again.new, again.unchanged), (0, 1));
        assert_eq!(snapshot(&mut store), before, "{}", db.backend);
    }
}

#[test]
fn nvd_hardware_and_firmware_cpes_reach_a_device_from_its_inventory_row() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        store
            .import_advisories(&shared_docs("nvd-cve-2.0-meddev/CVE-2023-30559.json"), None)
            .unwrap();
        let found = store
            .findings(&release("BD/Alaris 8015 PCU@12.1.2"))
            .unwrap();
        assert_eq!(found.len(), 1, "{}: {found:#?}", db.backend);
        let f = &found[0];
        assert_eq!(f.vulnerability_id, "CVE-2023-30559");
        assert_eq!(f.component_ref, "device");
        // Matched through proposed (derived) CPEs: no better than normalized.
        assert_eq!(f.confidence, "normalized");
        assert!(
            f.evidence
                .iter()
                .any(|e| e.matched.contains("alaris_8015_pcu_firmware")),
            "{:#?}",
            f.evidence
        );
        // A person rejects the derived firmware CPEs: the finding goes (kept, absent).
        let ids = store.identities("Alaris 8015 PCU@12.1.2").unwrap();
        let firmware: Vec<_> = ids
            .iter()
            .filter(|i| i.value.contains("alaris_8015_pcu_firmware"))
            .collect();
        assert!(!firmware.is_empty(), "{ids:#?}");
        let mut gone = 0;
        for fw in firmware {
            assert_eq!(
                (fw.state.as_str(), fw.origin.as_str()),
                ("proposed", "derived")
            );
            let change = store
                .set_identity(&IdentityInput {
                    component: fw.component_id.to_string(),
                    kind: "cpe".into(),
                    value: fw.value.clone(),
                    state: "rejected".into(),
                    by: "alice".into(),
                })
                .unwrap();
            gone += change.matching.gone_findings;
        }
        assert_eq!(gone, 1);
        assert!(
            store
                .findings(&release("BD/Alaris 8015 PCU@12.1.2"))
                .unwrap()
                .is_empty()
        );
    }
}

const SBOM: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.5",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "version": 1,
  "metadata": {"timestamp": "2026-01-01T00:00:00Z"},
  "components": [
    {"bom-ref": "pb", "type": "library", "name": "protobuf", "version": "2.5.0"},
    {"bom-ref": "pb-new", "type": "library", "name": "protobuf", "version": "2.6.0", "purl": "pkg:cargo/protobuf@2.6.0"}
  ]
}"#;

#[test]
fn sbom_components_identities_and_incremental_matching() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        let osv = shared_docs("osv-rustsec/crates/RUSTSEC-2019-0003.json");
        store.import_advisories(&osv, None).unwrap();
        let parsed = baton_sbom::parse("pump.cdx.json", SBOM.as_bytes()).unwrap();
        let imported = store
            .import_sbom(
                "Acme Medical/Pump 9@1.0",
                "pump.cdx.json",
                SBOM.as_bytes(),
                &parsed,
            )
            .unwrap();
        assert!(imported.matching.is_some());
        // protobuf 2.5.0 has no purl: nothing can reach it, so it is listed for mapping.
        assert!(
            store
                .findings(&release("Acme Medical/Pump 9@1.0"))
                .unwrap()
                .is_empty()
        );
        let unmatched = store.unmatched_components().unwrap();
        assert_eq!(unmatched.len(), 1, "{unmatched:#?}");
        assert_eq!(unmatched[0].name, "protobuf");
        assert_eq!(unmatched[0].version.as_deref(), Some("2.5.0"));
        assert_eq!(unmatched[0].releases, 1);

        let change = store
            .set_identity(&IdentityInput {
                component: "protobuf@2.5.0".into(),
                kind: "purl".into(),
                value: "pkg:cargo/protobuf@2.5.0".into(),
                state: "confirmed".into(),
                by: "alice".into(),
            })
            .unwrap();
        assert_eq!(change.matching.new_findings, 1, "{}", db.backend);
        assert!(store.unmatched_components().unwrap().is_empty());
        let found = store.findings(&release("Acme Medical/Pump 9@1.0")).unwrap();
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.vulnerability_id, "CVE-2019-15544");
        assert!(f.aliases.contains(&"RUSTSEC-2019-0003".to_string()));
        assert_eq!(f.component_ref, "pb");
        assert_eq!(f.assets, 1);

        // A new, unrelated advisory touches no release.
        let before = snapshot(&mut store);
        let other = store
            .import_advisories(
                &shared_docs("osv-rustsec/crates/RUSTSEC-2016-0001.json"),
                None,
            )
            .unwrap();
        assert_eq!(other.matching.releases, 0, "{:#?}", other.matching);
        assert_eq!(snapshot(&mut store), before);

        // A newer revision that no longer names the package withdraws the finding; the
        // finding keeps its id and history.
        let id = f.finding_id;
        let mut revised = osv[0].advisory.clone();
        revised.modified = Some(revised.modified.unwrap() + chrono::Duration::days(1));
        revised.vulnerabilities[0].affected.clear();
        revised.vulnerabilities[0].statuses.clear();
        revised.products.clear();
        let r = store
            .import_advisories(
                &[AdvisoryDoc {
                    file: "revised.json".into(),
                    advisory: revised,
                }],
                None,
            )
            .unwrap();
        assert_eq!((r.new, r.superseded), (1, 1));
        assert_eq!(r.matching.gone_findings, 1);
        assert!(
            store
                .findings(&release("Acme Medical/Pump 9@1.0"))
                .unwrap()
                .is_empty()
        );
        let rows = store
            .db()
            .query(
                "SELECT present FROM findings WHERE id = $1",
                &[baton_store::Value::Int(id)],
            )
            .unwrap();
        assert_eq!(rows[0][0].int(), Some(0));
        // The older revision imported afterwards does not come back.
        let old = store.import_advisories(&osv, None).unwrap();
        assert_eq!((old.new, old.unchanged), (0, 1));
        assert!(
            store
                .findings(&release("Acme Medical/Pump 9@1.0"))
                .unwrap()
                .is_empty()
        );
    }
}

fn openvex(author: &str, statements: &str) -> Vec<u8> {
    format!(
        r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.org/vex/{}",
  "author": "{author}", "timestamp": "2026-02-01T00:00:00Z", "version": 1,
  "statements": [{statements}]}}"#,
        author.replace(' ', "-")
    )
    .into_bytes()
}

#[test]
fn vex_applies_by_author_and_analysts_decide() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        store
            .import_advisories(&shared_docs("cisa-csaf-icsma/icsma-21-187-01.json"), None)
            .unwrap();
        store
            .import(
                ImportKind::Assets,
                "more.csv",
                b"asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n",
                day(ON),
            )
            .unwrap();
        let cpe = "cpe:2.3:a:philips:vue_pacs:12.2.1.0:*:*:*:*:*:*:*";
        // The hospital's VEX speaks for its own assets only.
        let hospital = openvex(
            "General Hospital",
            &format!(
                r#"{{"vulnerability": {{"name": "CVE-2020-1938"}}, "products": [{{"@id": "{cpe}"}}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}}"#
            ),
        );
        let r = store
            .import_advisories(&docs("hospital.openvex.json", &hospital), None)
            .unwrap();
        assert_eq!(r.vex_documents, 1, "{r:#?}");
        assert_eq!(r.asset_decisions, 2, "gh-1 and gh-2: {r:#?}");
        let status_of = |store: &mut Store, filter: &FindingFilter, cve: &str| {
            store
                .findings(filter)
                .unwrap()
                .into_iter()
                .find(|f| f.vulnerability_id == cve)
                .map(|f| f.status)
        };
        assert_eq!(
            status_of(&mut store, &asset("General Hospital/gh-1"), "CVE-2020-1938").as_deref(),
            Some("not_affected")
        );
        assert_eq!(
            status_of(&mut store, &asset("City Clinic/cc-1"), "CVE-2020-1938").as_deref(),
            Some("affected")
        );
        let affected = store.affected("CVE-2020-1938", day(ON)).unwrap();
        assert_eq!(affected.len(), 1);
        assert_eq!(affected[0].asset_id, "cc-1");
        let count = |store: &mut Store| {
            store
                .findings(&release("Philips/Vue PACS@12.2.1.0"))
                .unwrap()
                .into_iter()
                .find(|f| f.vulnerability_id == "CVE-2020-1938")
                .map(|f| f.assets)
        };
        // Three assets in use; the hospital's VEX closes two of them.
        assert_eq!(count(&mut store), Some(1));

        // The manufacturer's VEX speaks for its release: not affected everywhere, and an
        // "affected" statement nobody else made becomes a finding.
        let mdm = openvex(
            "Philips",
            &format!(
                r#"{{"vulnerability": {{"name": "CVE-2020-1938"}}, "products": [{{"@id": "{cpe}"}}],
                   "status": "not_affected", "justification": "component_not_present"}},
                  {{"vulnerability": {{"name": "CVE-2026-0001"}}, "products": [{{"@id": "{cpe}"}}],
                   "status": "affected", "action_statement": "Update to 12.3"}}"#
            ),
        );
        let r = store
            .import_advisories(&docs("philips.openvex.json", &mdm), None)
            .unwrap();
        assert_eq!((r.vex_documents, r.asset_decisions), (1, 0), "{r:#?}");
        let all = store
            .findings(&release("Philips/Vue PACS@12.2.1.0"))
            .unwrap();
        assert_eq!(all.len(), 17);
        let tomcat = all
            .iter()
            .find(|f| f.vulnerability_id == "CVE-2020-1938")
            .unwrap();
        assert_eq!(tomcat.status, "not_affected");
        assert_eq!(
            tomcat.justification.as_deref(),
            Some("component_not_present")
        );
        assert!(tomcat.source.len() == 2, "{:?}", tomcat.source);
        let new = all
            .iter()
            .find(|f| f.vulnerability_id == "CVE-2026-0001")
            .unwrap();
        assert_eq!(new.status, "affected");
        assert!(store.affected("CVE-2020-1938", day(ON)).unwrap().is_empty());
        assert_eq!(count(&mut store), Some(0));

        // An analyst reopens it; the decision wins over the documents and is kept.
        let d = store
            .decide(&DecisionInput {
                finding: tomcat.finding_id,
                asset: None,
                status: "under_investigation".into(),
                justification: None,
                note: Some("AJP port seen open in the last scan".into()),
                by: "alice".into(),
            })
            .unwrap();
        assert_eq!(d.status, "under_investigation");
        assert_eq!(
            status_of(
                &mut store,
                &release("Philips/Vue PACS@12.2.1.0"),
                "CVE-2020-1938"
            )
            .as_deref(),
            Some("under_investigation")
        );
        assert_eq!(count(&mut store), Some(1));
        // gh-1's own decision still stands for gh-1.
        assert_eq!(
            status_of(&mut store, &asset("General Hospital/gh-1"), "CVE-2020-1938").as_deref(),
            Some("not_affected")
        );
        let history = store.decisions(tomcat.finding_id).unwrap();
        assert_eq!(history.len(), 3, "{history:#?}");
        assert_eq!(history[2].decided_by, "alice");
        assert!(history[0].origin.starts_with("vex:"));
        assert_eq!(history[0].asset.as_deref(), Some("General Hospital/gh-1"));
        // Matching again keeps the decision.
        store.rematch_all().unwrap();
        assert_eq!(
            status_of(
                &mut store,
                &release("Philips/Vue PACS@12.2.1.0"),
                "CVE-2020-1938"
            )
            .as_deref(),
            Some("under_investigation")
        );

        // Bad decisions are refused and change nothing.
        for bad in [
            DecisionInput {
                finding: tomcat.finding_id,
                asset: None,
                status: "not_affected".into(),
                justification: None,
                note: None,
                by: "bob".into(),
            },
            DecisionInput {
                finding: 999_999,
                asset: None,
                status: "fixed".into(),
                justification: None,
                note: None,
                by: "bob".into(),
            },
            DecisionInput {
                finding: tomcat.finding_id,
                asset: Some("City Clinic/cc-2".into()),
                status: "fixed".into(),
                justification: None,
                note: None,
                by: "bob".into(),
            },
        ] {
            assert!(store.decide(&bad).is_err());
        }
        assert_eq!(store.decisions(tomcat.finding_id).unwrap().len(), 3);
    }
}

/// What matching decided, without the times it ran.
fn decided(store: &mut Store) -> Vec<Vec<baton_store::Value>> {
    store
        .db()
        .query(
            "SELECT id, release_id, component_id, vulnerability_id, aliases, status, matched_status, justification, confidence, source, cvss_score, evidence, present FROM findings ORDER BY id",
            &[],
        )
        .unwrap()
}

#[test]
fn incremental_imports_agree_with_a_full_match() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        let parsed = baton_sbom::parse("pump.cdx.json", SBOM.as_bytes()).unwrap();
        store
            .import_sbom(
                "Acme Medical/Pump 9@1.0",
                "pump.cdx.json",
                SBOM.as_bytes(),
                &parsed,
            )
            .unwrap();
        for rel in [
            "cisa-csaf-icsma/icsma-21-187-01.json",
            "osv-rustsec/crates/RUSTSEC-2019-0003.json",
            "nvd-cve-2.0-meddev/CVE-2023-30559.json",
            "cisa-csaf-icsma/icsma-23-194-01.json",
        ] {
            store.import_advisories(&shared_docs(rel), None).unwrap();
        }
        store
            .set_identity(&IdentityInput {
                component: "protobuf@2.5.0".into(),
                kind: "purl".into(),
                value: "pkg:cargo/protobuf@2.5.0".into(),
                state: "confirmed".into(),
                by: "alice".into(),
            })
            .unwrap();
        let incremental = decided(&mut store);
        assert!(
            incremental.len() >= 18,
            "{}: {}",
            db.backend,
            incremental.len()
        );
        store.rematch_all().unwrap();
        assert_eq!(decided(&mut store), incremental, "{}", db.backend);
    }
}

#[test]
fn a_page_of_findings_is_a_slice_of_the_whole_list() {
    for db in testing::all() {
        let mut store = db.open().unwrap();
        setup(&mut store);
        let parsed = baton_sbom::parse("pump.cdx.json", SBOM.as_bytes()).unwrap();
        store
            .import_sbom(
                "Acme Medical/Pump 9@1.0",
                "pump.cdx.json",
                SBOM.as_bytes(),
                &parsed,
            )
            .unwrap();
        for rel in [
            "cisa-csaf-icsma/icsma-21-187-01.json",
            "osv-rustsec/crates/RUSTSEC-2019-0003.json",
            "nvd-cve-2.0-meddev/CVE-2023-30559.json",
            "cisa-csaf-icsma/icsma-23-194-01.json",
        ] {
            store.import_advisories(&shared_docs(rel), None).unwrap();
        }
        // KEV after the findings: the stored order must follow it.
        let whole = store.findings(&FindingFilter::default()).unwrap();
        let entries: Vec<String> = whole
            .iter()
            .rev()
            .take(2)
            .map(|f| {
                format!(
                    r#"{{"cveID":"{}","vendorProject":"v","product":"p","vulnerabilityName":"n","dateAdded":"2026-01-01","shortDescription":"d","requiredAction":"a","dueDate":"2026-02-01","knownRansomwareCampaignUse":"Unknown","notes":""}}"#,
                    f.vulnerability_id
                )
            })
            .collect();
        let kev_json = format!(
            r#"{{"title":"t","catalogVersion":"1","dateReleased":"2026-01-01T00:00:00.000Z","count":{},"vulnerabilities":[{}]}}"#,
            entries.len(),
            entries.join(",")
        );
        let kev = baton_advisories::parse_kev("kev.json", kev_json.as_bytes()).unwrap();
        store.import_kev(&kev).unwrap();
        let filters = [
            FindingFilter::default(),
            FindingFilter {
                status: Some("affected".into()),
                ..Default::default()
            },
            FindingFilter {
                kev: true,
                ..Default::default()
            },
            FindingFilter {
                vulnerability: Some(whole[0].vulnerability_id.clone()),
                ..Default::default()
            },
            FindingFilter {
                release: Some("Philips/Vue PACS@12.2.1.0".into()),
                ..Default::default()
            },
            FindingFilter {
                sort: Some("vulnerability".into()),
                ..Default::default()
            },
            FindingFilter {
                sort: Some("newest".into()),
                status: Some("affected".into()),
                ..Default::default()
            },
        ];
        // One asset's pages, with a decision of its own that overrides its release's status.
        let gh1 = store.findings(&asset("General Hospital/gh-1")).unwrap();
        assert!(gh1.len() >= 2, "{}: {gh1:?}", db.backend);
        // An asset is named by its organization's name or alias, in any case.
        store
            .import(
                ImportKind::Aliases,
                "aliases.csv",
                b"name,alias\nGeneral Hospital,GH\n",
                day(ON),
            )
            .unwrap();
        for spec in [" general hospital /gh-1", "gh/gh-1", "Gh/ gh-1 "] {
            assert_eq!(store.findings(&asset(spec)).unwrap(), gh1, "{spec}");
        }
        for spec in ["City Clinic/gh-1", "Nowhere/gh-1", "gh-1"] {
            assert!(store.findings(&asset(spec)).is_err(), "{spec}");
        }
        store
            .decide(&DecisionInput {
                finding: gh1[0].finding_id,
                asset: Some("General Hospital/gh-1".into()),
                status: "not_affected".into(),
                justification: Some("vulnerable_code_not_in_execute_path".into()),
                note: None,
                by: "alice".into(),
            })
            .unwrap();
        let gh1_filters = [
            asset("General Hospital/gh-1"),
            FindingFilter {
                status: Some("affected".into()),
                ..asset("General Hospital/gh-1")
            },
            FindingFilter {
                status: Some("not_affected".into()),
                ..asset("General Hospital/gh-1")
            },
            FindingFilter {
                kev: true,
                ..asset("General Hospital/gh-1")
            },
            FindingFilter {
                vulnerability: Some(gh1[1].vulnerability_id.clone()),
                ..asset("General Hospital/gh-1")
            },
            // The same release on an asset without decisions of its own.
            asset("General Hospital/gh-2"),
            FindingFilter {
                status: Some("affected".into()),
                ..asset("General Hospital/gh-2")
            },
            FindingFilter {
                kev: true,
                ..asset("General Hospital/gh-2")
            },
            FindingFilter {
                vulnerability: Some(gh1[1].vulnerability_id.clone()),
                ..asset("General Hospital/gh-2")
            },
        ];
        // The orders are what they say.
        let by_id = store
            .findings(&FindingFilter {
                sort: Some("vulnerability".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(
            by_id
                .windows(2)
                .all(|w| w[0].vulnerability_id <= w[1].vulnerability_id)
        );
        assert!(
            store
                .findings(&FindingFilter {
                    sort: Some("sideways".into()),
                    ..Default::default()
                })
                .is_err()
        );
        for filter in filters.into_iter().chain(gh1_filters) {
            let all = store.findings(&filter).unwrap();
            let ids = |rows: &[baton_store::FindingRow]| {
                rows.iter().map(|f| f.finding_id).collect::<Vec<_>>()
            };
            for (offset, limit) in [(0, 3), (2, 5), (0, 1000), (all.len(), 10)] {
                let (page, total) = store
                    .findings_page(&filter, baton_store::Page { offset, limit })
                    .unwrap();
                assert_eq!(total as usize, all.len(), "{} {filter:?}", db.backend);
                let want: Vec<_> = all.iter().skip(offset).take(limit).cloned().collect();
                assert_eq!(
                    ids(&page),
                    ids(&want),
                    "{} {filter:?} {offset}+{limit}",
                    db.backend
                );
                assert_eq!(page, want);
            }
        }
        assert!(
            store
                .findings(&FindingFilter {
                    kev: true,
                    ..Default::default()
                })
                .unwrap()
                .len()
                >= 2
        );
    }
}

#[test]
fn cached_totals_and_affected_assets_follow_each_change() {
    for db in testing::all() {
        let cache = baton_store::ReadCache::new();
        // A server's connection keeps answers in the cache; changes come through another
        // connection (the command line, or another request).
        let mut reader = db.open().unwrap();
        reader.set_read_cache(Some(cache.clone()));
        let mut writer = db.open().unwrap();
        setup(&mut writer);
        for rel in [
            "cisa-csaf-icsma/icsma-21-187-01.json",
            "nvd-cve-2.0-meddev/CVE-2023-30559.json",
        ] {
            writer.import_advisories(&shared_docs(rel), None).unwrap();
        }
        let gh = baton_store::Visibility::Organization {
            id: writer.organization("General Hospital").unwrap().id,
            kind: baton_model::OrgKind::Hdo,
        };
        let affected = FindingFilter {
            status: Some("affected".into()),
            visibility: gh,
            ..FindingFilter::default()
        };
        let page = baton_store::Page {
            offset: 0,
            limit: 100,
        };
        // What a store without a cache answers, to compare with.
        let mut plain = db.open().unwrap();
        let check = |reader: &mut Store, plain: &mut Store| {
            let cached = reader.findings_page(&affected, page).unwrap();
            assert_eq!(cached, plain.findings_page(&affected, page).unwrap());
            cached
        };
        let (rows, total) = check(&mut reader, &mut plain);
        assert!(total >= 2, "{}: {rows:?}", db.backend);
        assert!(!cache.is_empty(), "{}: nothing was kept", db.backend);
        assert_eq!(check(&mut reader, &mut plain).1, total);

        // A release's decision takes its finding out of the affected total at once.
        writer
            .decide(&DecisionInput {
                finding: rows[0].finding_id,
                asset: None,
                status: "not_affected".into(),
                justification: Some("component_not_present".into()),
                note: None,
                by: "alice".into(),
            })
            .unwrap();
        assert_eq!(
            check(&mut reader, &mut plain).1,
            total - 1,
            "{}",
            db.backend
        );

        // The assets a vulnerability affects, a page at a time, the same way.
        let vulnerability = rows[1].vulnerability_id.clone();
        let affected_page = |store: &mut Store, offset: usize| {
            store
                .affected_page(
                    &gh,
                    &vulnerability,
                    day(ON),
                    baton_store::Page { offset, limit: 1 },
                )
                .unwrap()
        };
        let (first, assets) = affected_page(&mut reader, 0);
        assert!(assets >= 2, "{}: {first:?}", db.backend);
        for offset in 0..assets {
            let kept = affected_page(&mut reader, offset);
            assert_eq!(kept, affected_page(&mut plain, offset), "{}", db.backend);
        }
        let hit = &first[0];
        for finding in &hit.findings {
            writer
                .decide(&DecisionInput {
                    finding: *finding,
                    asset: Some(format!("{}/{}", hit.organization, hit.asset_id)),
                    status: "fixed".into(),
                    justification: None,
                    note: None,
                    by: "alice".into(),
                })
                .unwrap();
        }
        let (now, left) = affected_page(&mut reader, 0);
        assert_eq!(left, assets - 1, "{}", db.backend);
        assert_ne!(now.first().map(|r| &r.asset_id), Some(&hit.asset_id));
        assert_eq!((now, left), affected_page(&mut plain, 0));
    }
}
