#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use baton_advisories::Advisory;
use baton_matching::{
    Confidence, Finding, FindingStatus, Method, OutputFormat, ScanArgs, ScanOptions, run_scan_with,
    scan,
};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn local(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn sbom(path: &Path) -> baton_sbom::Sbom {
    let bytes = std::fs::read(path).unwrap();
    baton_sbom::parse(&path.display().to_string(), &bytes)
        .unwrap()
        .sbom
}

fn advisories(paths: &[PathBuf]) -> Vec<Advisory> {
    baton_matching::read_advisories(paths, &mut std::io::sink()).unwrap()
}

fn icsma(ids: &[&str]) -> Vec<Advisory> {
    let paths: Vec<PathBuf> = ids
        .iter()
        .map(|id| shared(&format!("cisa-csaf-icsma/{id}.json")))
        .collect();
    advisories(&paths)
}

fn of<'a>(findings: &'a [Finding], component: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.component_ref == component)
        .collect()
}

#[test]
fn real_medical_sboms_against_the_icsma_corpus() {
    // Hand-checked: the case-study device lists Qualcomm, NXP, wolfSSL, Ubiquiti, Amazon
    // FreeRTOS, .NET libraries …; no ICSMA vendor (medical-device manufacturers) supplies any of
    // its components, and ICSMA products carry no purl or CPE, so nothing matches — not even
    // fuzzily.
    let corpus = advisories(&[shared("cisa-csaf-icsma")]);
    assert!(corpus.len() >= 140, "{} advisories", corpus.len());
    for name in ["narrow", "extended"] {
        let s = sbom(&shared(&format!(
            "medical-sbom-case-study/{name}.sbom.json"
        )));
        assert!(s.components.len() >= 55);
        let options = ScanOptions {
            min_confidence: Confidence::Fuzzy,
            ..ScanOptions::default()
        };
        let report = scan(&s, &corpus, &options);
        assert!(report.findings.is_empty(), "{name}: {:#?}", report.findings);
    }
}

#[test]
fn device_products_from_three_icsma_advisories() {
    let advs = icsma(&[
        "icsma-23-194-01",
        "icsma-21-187-01",
        "icsma-20-170-01",
        "icsma-24-249-01",
    ]);
    let s = sbom(&local("devices.cdx.json"));
    let report = scan(&s, &advs, &ScanOptions::default());
    let f = &report.findings;

    // BD PCU 12.1.3 against "<=12.1.3": the eight CVEs, vendor "BD" through the alias table.
    let pcu = of(f, "bd-pcu");
    assert_eq!(pcu.len(), 8, "{pcu:#?}");
    for x in &pcu {
        assert_eq!(x.status, FindingStatus::Affected);
        assert_eq!(x.confidence, Confidence::Alias);
        assert_eq!(x.source, vec!["ICSMA-23-194-01"]);
        let e = &x.evidence[0];
        assert_eq!(e.method, Method::Product);
        assert_eq!(e.product, "CSAFPID-0001");
        assert!(e.matched.contains("(alias)"), "{}", e.matched);
        assert!(e.version.contains("12.1.3"), "{}", e.version);
    }

    // Guardrails Editor 12.1.3: only CVE-2023-30562 names the exact version 12.1.3; the
    // component name lacks the "BD" prefix of the product (normalized).
    let editor = of(f, "bd-guardrails");
    assert_eq!(editor.len(), 1, "{editor:#?}");
    assert_eq!(editor[0].vulnerability_id, "CVE-2023-30562");
    assert_eq!(editor[0].confidence, Confidence::Normalized);
    assert_eq!(editor[0].evidence[0].product, "CSAFPID-0006");
    // The advisory scores CVE-2023-30562 per product: 3.0 (CVSS 3.1) for CSAFPID-0006.
    assert_eq!(editor[0].cvss.as_ref().unwrap().score, Some(3.0));
    let pcu_30562 = pcu
        .iter()
        .find(|x| x.vulnerability_id == "CVE-2023-30562")
        .unwrap();
    assert_eq!(pcu_30562.cvss.as_ref().unwrap().score, Some(6.7));

    // Philips Vue PACS 12.2.1.0 within "<= 12.2.x.x": the sixteen CVEs, exact names.
    let pacs = of(f, "philips-vue-pacs");
    assert_eq!(pacs.len(), 16);
    assert!(
        pacs.iter()
            .all(|x| x.confidence == Confidence::Exact && x.status == FindingStatus::Affected)
    );
    let tomcat = pacs
        .iter()
        .find(|x| x.vulnerability_id == "CVE-2020-1938")
        .unwrap();
    let cvss = tomcat.cvss.as_ref().unwrap();
    assert_eq!(cvss.score, Some(9.8));
    assert!(cvss.vector.starts_with("CVSS:3."));

    // Vue Motion 12.2.1.6 is above "<= 12.2.1.5": no finding.
    assert!(of(f, "philips-vue-motion").is_empty());
    // "Vue PACS Server" only contains the product's words: fuzzy, not reported by default.
    assert!(of(f, "philips-vue-pacs-server").is_empty());

    // Baxter ExactaMix EM2400 1.13 is one of "1.10 | 1.11 | 1.13 | 1.14"; the publisher
    // "Baxter International Inc." names Baxter through the alias table.
    let mix = of(f, "baxter-exactamix");
    assert_eq!(mix.len(), 7);
    assert!(
        mix.iter()
            .all(|x| x.confidence == Confidence::Alias && x.status == FindingStatus::Affected),
        "{mix:#?}"
    );
    assert!(mix[0].evidence[0].version.contains("1.13 is in"));

    // Connex Health Portal "<8/30/2024" is a date, not a version: under investigation, with
    // the reason, never a silent answer.
    let connex = of(f, "baxter-connex");
    assert_eq!(connex.len(), 2);
    for x in &connex {
        assert_eq!(x.status, FindingStatus::UnderInvestigation);
        assert!(
            x.evidence[0].version.contains("cannot be read"),
            "{}",
            x.evidence[0].version
        );
        assert!(x.evidence[0].version.contains("the advisory says affected"));
    }
    assert_eq!(f.len(), 8 + 1 + 16 + 7 + 2);

    // Sorted by vulnerability then component.
    let keys: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.vulnerability_id.as_str(), x.component_ref.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Every finding has evidence.
    assert!(f.iter().all(|x| !x.evidence.is_empty()));

    // Fuzzy on request: "Vue PACS Server" now matches "Vue PACS".
    let fuzzy = scan(
        &s,
        &advs,
        &ScanOptions {
            min_confidence: Confidence::Fuzzy,
            ..ScanOptions::default()
        },
    );
    let server = of(&fuzzy.findings, "philips-vue-pacs-server");
    assert_eq!(server.len(), 16);
    assert!(server.iter().all(|x| x.confidence == Confidence::Fuzzy));

    // Exact only: the alias and normalized matches go.
    let exact = scan(
        &s,
        &advs,
        &ScanOptions {
            min_confidence: Confidence::Exact,
            ..ScanOptions::default()
        },
    );
    assert_eq!(exact.findings.len(), 16 + 2);
}

#[test]
fn osv_rustsec_affected_and_fixed_versions() {
    let advs = advisories(&[shared("osv-rustsec/crates/RUSTSEC-2019-0003.json")]);
    let s = sbom(&local("rust.cdx.json"));
    let report = scan(&s, &advs, &ScanOptions::default());
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let f = &report.findings[0];
    assert_eq!(f.vulnerability_id, "CVE-2019-15544");
    assert!(f.aliases.contains(&"RUSTSEC-2019-0003".to_string()));
    assert_eq!(f.component_ref, "protobuf-old");
    assert_eq!(f.status, FindingStatus::Affected);
    assert_eq!(f.confidence, Confidence::Exact);
    assert_eq!(f.source, vec!["RUSTSEC-2019-0003"]);
    let e = &f.evidence[0];
    assert_eq!(e.method, Method::Purl);
    assert!(e.matched.contains("pkg:cargo/protobuf@2.5.0"));
    assert!(e.range.as_deref().unwrap().contains("fixed 2.6.0"));
}

#[test]
fn bd_alaris_nvd_record_needs_firmware_and_hardware() {
    let advs = advisories(&[shared("nvd-cve-2.0-meddev/CVE-2023-30559.json")]);
    let both = scan(
        &sbom(&local("alaris-firmware-and-hardware.cdx.json")),
        &advs,
        &ScanOptions::default(),
    );
    assert_eq!(both.findings.len(), 1, "{:#?}", both.findings);
    let f = &both.findings[0];
    assert_eq!(f.vulnerability_id, "CVE-2023-30559");
    assert_eq!(f.component_ref, "pcu-fw");
    assert_eq!(f.status, FindingStatus::Affected);
    let e = &f.evidence[0];
    assert_eq!(e.method, Method::Cpe);
    assert!(e.matched.contains("alaris_8015_pcu_firmware"));
    assert!(
        e.matched
            .contains("running on cpe:2.3:h:bd:alaris_8015_pcu"),
        "{}",
        e.matched
    );
    assert!(e.range.as_deref().unwrap().contains("<= 12.1.3"));
    // NVD primary 3.1 score.
    assert_eq!(f.cvss.as_ref().unwrap().version, "3.1");

    let firmware_only = scan(
        &sbom(&local("alaris-firmware-only.cdx.json")),
        &advs,
        &ScanOptions::default(),
    );
    assert!(
        firmware_only.findings.is_empty(),
        "{:#?}",
        firmware_only.findings
    );
}

#[test]
fn vex_overrides_to_not_affected() {
    let advs = icsma(&["icsma-21-187-01"]);
    let vex = advisories(&[local("vex-vue-pacs.openvex.json")]);
    let options = ScanOptions {
        vex,
        ..ScanOptions::default()
    };
    let report = scan(&sbom(&local("devices.cdx.json")), &advs, &options);
    let pacs = of(&report.findings, "philips-vue-pacs");
    assert_eq!(pacs.len(), 16);
    let tomcat = pacs
        .iter()
        .find(|x| x.vulnerability_id == "CVE-2020-1938")
        .unwrap();
    assert_eq!(tomcat.status, FindingStatus::NotAffected);
    assert_eq!(
        tomcat.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert!(
        tomcat
            .source
            .contains(&"https://hospital.example/vex/vue-pacs-2025-001".to_string())
    );
    assert!(tomcat.evidence.iter().any(|e| e.method == Method::Vex));
    // The other fifteen stay affected.
    assert_eq!(
        pacs.iter()
            .filter(|x| x.status == FindingStatus::Affected)
            .count(),
        15
    );
}

#[test]
fn kev_and_epss_enrichment_from_vunnel_fixtures() {
    let advs = advisories(&[local("enrichment.osv.json")]);
    let kev = baton_advisories::parse_kev(
        "kev",
        &std::fs::read(shared("vunnel-fixtures/kev/valid-catalog-1.json")).unwrap(),
    )
    .unwrap();
    let epss = baton_advisories::parse_epss(
        "epss",
        &std::fs::read(shared("vunnel-fixtures/epss/example-1.csv")).unwrap(),
    )
    .unwrap();
    let options = ScanOptions::default().with_kev(&kev).with_epss(&epss);
    let report = scan(&sbom(&local("rust.cdx.json")), &advs, &options);
    assert_eq!(report.findings.len(), 2, "{:#?}", report.findings);
    let old = &report.findings[0];
    assert_eq!(old.vulnerability_id, "CVE-1999-0005");
    assert!(!old.kev);
    let e = old.epss.unwrap();
    assert_eq!((e.score, e.percentile), (0.91963, 0.99214));
    let new = &report.findings[1];
    assert_eq!(new.vulnerability_id, "CVE-2025-0108");
    assert!(new.kev);
    assert_eq!(new.epss, None);
}

fn args(sbom: PathBuf, advisories: Vec<PathBuf>, format: OutputFormat) -> ScanArgs {
    ScanArgs {
        sbom,
        advisories,
        vex: Vec::new(),
        kev: None,
        epss: None,
        min_confidence: Confidence::Alias,
        aliases: None,
        format,
        on: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
    }
}

#[test]
fn run_scan_json_and_cyclonedx() {
    let a = args(
        local("devices.cdx.json"),
        vec![shared("cisa-csaf-icsma")],
        OutputFormat::Json,
    );
    let mut out = Vec::new();
    let mut warn = Vec::new();
    run_scan_with(&a, &mut out, &mut warn).unwrap();
    let warn = String::from_utf8(warn).unwrap();
    assert!(warn.contains("README.md"), "{warn}");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let arr = v.as_array().unwrap();
    // Against the whole corpus, beyond the four advisories of the test above, ICSMA-24-200-01
    // (Philips Vue PACS < 12.2.8.410) also covers Vue PACS 12.2.1.0: 13 more CVEs.
    let from = |id: &str| {
        arr.iter()
            .filter(|f| f["source"].as_array().unwrap().iter().any(|s| s == id))
            .count()
    };
    assert_eq!(from("ICSMA-24-200-01"), 13);
    assert_eq!(from("ICSMA-21-187-01"), 16);
    let sources: std::collections::BTreeSet<String> = arr
        .iter()
        .flat_map(|f| f["source"].as_array().unwrap().iter())
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        vec![
            "ICSMA-20-170-01",
            "ICSMA-21-187-01",
            "ICSMA-23-194-01",
            "ICSMA-24-200-01",
            "ICSMA-24-249-01"
        ]
    );
    let first = arr[0].as_object().unwrap();
    for key in [
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
        "cvss",
        "evidence",
    ] {
        assert!(first.contains_key(key), "{key}");
    }

    let a = args(
        local("devices.cdx.json"),
        vec![shared("cisa-csaf-icsma/icsma-21-187-01.json")],
        OutputFormat::CycloneDx,
    );
    let mut out = Vec::new();
    run_scan_with(&a, &mut out, &mut std::io::sink()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["specVersion"], "1.6");
    let vulns = v["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 16);
    let refs: Vec<&str> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    for x in vulns {
        let r = x["affects"][0]["ref"].as_str().unwrap();
        assert!(refs.contains(&r));
        assert_eq!(x["analysis"]["state"], "exploitable");
        assert!(x["ratings"][0]["score"].is_number());
    }
}

#[test]
fn cve5_records_match_device_products_with_their_version_ranges() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../baton-advisories/tests/data/cve5");
    let advs = advisories(&[
        dir.join("CVE-2023-30559.json"),
        dir.join("CVE-2024-6795.json"),
    ]);
    let report = scan(
        &sbom(&local("devices.cdx.json")),
        &advs,
        &ScanOptions::default(),
    );
    // BD PCU 12.1.3 is within "0 <= 12.1.3" (custom versions, read as firmware).
    let pcu = of(&report.findings, "bd-pcu");
    assert_eq!(pcu.len(), 1, "{pcu:#?}");
    assert_eq!(pcu[0].vulnerability_id, "CVE-2023-30559");
    assert_eq!(pcu[0].status, FindingStatus::Affected);
    assert!(
        pcu[0].evidence[0].version.contains("12.1.3"),
        "{:?}",
        pcu[0].evidence
    );
    // Connex Health Portal versions are dates ("< 8/30/2024"); "1.0" cannot be compared.
    let connex = of(&report.findings, "baxter-connex");
    assert_eq!(connex.len(), 1, "{connex:#?}");
    assert_eq!(connex[0].status, FindingStatus::UnderInvestigation);

    // A later version is out of the range: no finding.
    let mut s = sbom(&local("devices.cdx.json"));
    for c in &mut s.components {
        if c.reference == "bd-pcu" {
            c.version = Some("12.1.4".into());
        }
    }
    let report = scan(&s, &advs, &ScanOptions::default());
    assert!(of(&report.findings, "bd-pcu").is_empty());
}

#[test]
fn skipping_osv_records_no_component_names_changes_no_finding() {
    // The corpora `baton bench scan-peer` uses, and the SBOMs it scans.
    let paths: Vec<PathBuf> = [
        "osv-rustsec",
        "osv-golang",
        "nvd-cve-2.0-meddev",
        "vunnel-fixtures/nvd",
    ]
    .iter()
    .map(|p| shared(p))
    .collect();
    let all = advisories(&paths);
    let mut found = 0;
    for s in [
        "spdx-examples/software/example11/spdx2.3/sbom.spdx.json",
        "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json",
        "cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json",
        "medical-sbom-case-study/extended.sbom.json",
    ] {
        let s = sbom(&shared(s));
        let keys: std::collections::HashSet<String> = s
            .components
            .iter()
            .filter_map(|c| c.purl.as_deref())
            .filter_map(baton_matching::purl::Purl::parse)
            .map(|p| p.key())
            .collect();
        let some =
            baton_matching::read_advisories_for(&paths, Some(&keys), &mut std::io::sink()).unwrap();
        assert!(
            some.len() < all.len() / 10,
            "{} of {}",
            some.len(),
            all.len()
        );
        let options = ScanOptions {
            min_confidence: Confidence::Fuzzy,
            ..ScanOptions::default()
        };
        let whole = scan(&s, &all, &options);
        assert_eq!(scan(&s, &some, &options), whole);
        found += whole.findings.len();
    }
    assert!(found > 10, "{found}");
}

#[test]
fn user_vendor_aliases_extend_the_built_in_table() {
    let dir = std::env::temp_dir().join(format!("baton-scan-aliases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The BD pump of devices.cdx.json, its supplier spelled in a way no table knows.
    let sbom_path = dir.join("pump.cdx.json");
    std::fs::write(
        &sbom_path,
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
          {"type": "device", "bom-ref": "bd-pcu", "supplier": {"name": "BD Infusion Systems"},
           "name": "BD Alaris Point-of-Care Unit (PCU) Model 8015", "version": "12.1.3"}]}"#,
    )
    .unwrap();
    let aliases = dir.join("aliases.csv");
    // The name is one the built-in table knows by its short form: the alias joins BD.
    std::fs::write(&aliases, "name,alias\nBD,BD Infusion Systems\n").unwrap();
    let run = |aliases: Option<PathBuf>| -> Vec<serde_json::Value> {
        let mut a = args(
            sbom_path.clone(),
            vec![shared("cisa-csaf-icsma/icsma-23-194-01.json")],
            OutputFormat::Json,
        );
        a.aliases = aliases;
        let mut out = Vec::new();
        run_scan_with(&a, &mut out, &mut std::io::sink()).unwrap();
        serde_json::from_slice(&out).unwrap()
    };
    assert!(run(None).is_empty());
    let found = run(Some(aliases.clone()));
    assert_eq!(found.len(), 8, "{found:#?}");
    for f in &found {
        assert_eq!(f["confidence"], "alias");
        assert_eq!(f["status"], "affected");
    }

    // The table, directly: a new vendor of its own, and confidence stays "alias".
    let table = baton_matching::names::VendorAliases::new([("Acme Medical", "ACME Med. Devices")]);
    assert_eq!(
        table.vendor_confidence("ACME Med. Devices GmbH", "Acme Medical"),
        Some(Confidence::Alias)
    );
    assert_eq!(
        baton_matching::names::vendor_confidence("ACME Med. Devices GmbH", "Acme Medical"),
        None
    );
    assert_eq!(
        table.product_confidence(
            "Infusor 3",
            "ACME Med Devices Infusor 3",
            "Acme Medical",
            false
        ),
        Some(Confidence::Normalized)
    );

    // A file that is not the alias CSV is refused with its place.
    std::fs::write(&aliases, "vendor,spelling\nBD,BD Infusion Systems\n").unwrap();
    let mut a = args(sbom_path.clone(), vec![], OutputFormat::Json);
    a.aliases = Some(aliases.clone());
    let err = run_scan_with(&a, &mut Vec::new(), &mut std::io::sink()).unwrap_err();
    assert!(err.to_string().contains("aliases.csv"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
