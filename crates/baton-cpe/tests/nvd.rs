#![allow(clippy::unwrap_used, clippy::expect_used)]
//! NVD CVE API 2.0 applicability configurations on real records: the BD
//! Alaris PCU (firmware AND hardware), a fresh Baxter record without
//! configurations, and a full NVD API page from anchore/vunnel's fixtures.

use std::cmp::Ordering;
use std::path::PathBuf;

use baton_cpe::Wfn;
use baton_cpe::nvd::{
    Configuration, CveConfigurations, Node, Operator, Truth, cve_applies, dotted_numeric, evaluate,
};

fn shared_data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

fn record(path: &str) -> CveConfigurations {
    let text = std::fs::read_to_string(shared_data().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn names(texts: &[&str]) -> Vec<Wfn> {
    texts.iter().map(|t| Wfn::parse(t).unwrap()).collect()
}

const ALARIS_FIRMWARE_12_1_3: &str = "cpe:2.3:o:bd:alaris_8015_pcu_firmware:12.1.3:*:*:*:*:*:*:*";
const ALARIS_HARDWARE: &str = "cpe:2.3:h:bd:alaris_8015_pcu:-:*:*:*:*:*:*:*";

#[test]
fn bd_alaris_needs_firmware_and_hardware() {
    let cve = record("nvd-cve-2.0-meddev/CVE-2023-30559.json");
    assert_eq!(cve.id.as_deref(), Some("CVE-2023-30559"));
    assert_eq!(cve.configurations.len(), 1);
    let config = &cve.configurations[0];
    assert_eq!(config.operator, Some(Operator::And));

    // The firmware alone matches its entry but the configuration needs the
    // hardware too.
    let firmware_only = names(&[ALARIS_FIRMWARE_12_1_3]);
    let e = evaluate(config, &firmware_only, dotted_numeric);
    assert_eq!(e.applies, Truth::No);
    assert_eq!(e.entries[0].truth, Truth::Yes);
    assert_eq!(e.entries[1].truth, Truth::No);

    // Firmware and hardware: applies, and the vulnerable entry is the
    // firmware's (the hardware entry is `vulnerable: false`).
    let device = names(&[ALARIS_HARDWARE, ALARIS_FIRMWARE_12_1_3]);
    let e = evaluate(config, &device, dotted_numeric);
    assert_eq!(e.applies, Truth::Yes);
    let vulnerable: Vec<_> = e.vulnerable_matches().collect();
    assert_eq!(vulnerable.len(), 1);
    assert_eq!(
        vulnerable[0].match_criteria_id.as_deref(),
        Some("F594B01D-BC1A-46AE-9251-F4BBAE6178D5")
    );
    assert_eq!(vulnerable[0].platform, Some(1), "the firmware name");
    assert_eq!(e.entries[1].truth, Truth::Yes);
    assert!(!e.entries[1].vulnerable);
    assert_eq!(
        cve_applies(&cve.configurations, &device, dotted_numeric),
        Truth::Yes
    );

    // The hardware alone does not make it applicable either.
    let e = evaluate(config, &names(&[ALARIS_HARDWARE]), dotted_numeric);
    assert_eq!(e.applies, Truth::No);
}

#[test]
fn bd_alaris_version_range_end_including_12_1_3() {
    let cve = record("nvd-cve-2.0-meddev/CVE-2023-30559.json");
    let config = &cve.configurations[0];
    let with_firmware =
        |firmware: &str| evaluate(config, &names(&[firmware, ALARIS_HARDWARE]), dotted_numeric);
    let firmware = |v: &str| format!("cpe:2.3:o:bd:alaris_8015_pcu_firmware:{v}:*:*:*:*:*:*:*");

    assert_eq!(with_firmware(&firmware("12.1.2")).applies, Truth::Yes);
    assert_eq!(with_firmware(&firmware("9.33")).applies, Truth::Yes);
    let fixed = with_firmware(&firmware("12.1.4"));
    assert_eq!(fixed.applies, Truth::No);
    assert_eq!(
        fixed.entries[0].note.as_deref(),
        Some("version 12.1.4 is not <= 12.1.3")
    );
    assert_eq!(with_firmware(&firmware("12.2")).applies, Truth::No);

    // Unknown firmware version: may be affected, and says why.
    let unknown = with_firmware(&firmware("*"));
    assert_eq!(unknown.applies, Truth::Unknown);
    assert!(
        unknown.entries[0]
            .note
            .as_deref()
            .unwrap()
            .contains("unknown (ANY)")
    );

    // A version the placeholder comparator cannot order is Unknown too.
    let odd = with_firmware(&firmware("12.1.3a"));
    assert_eq!(odd.applies, Truth::Unknown);
    assert_eq!(
        odd.entries[0].note.as_deref(),
        Some("cannot compare version 12.1.3a with <= 12.1.3")
    );
    // ...unless the comparator plugged in can.
    let lexical = |a: &str, b: &str| Some(a.cmp(b));
    let e = evaluate(
        config,
        &names(&[&firmware("12.1.3a"), ALARIS_HARDWARE]),
        lexical,
    );
    assert_eq!(e.applies, Truth::No);

    // Another vendor's firmware with the same product name does not match.
    let e = evaluate(
        config,
        &names(&[
            "cpe:2.3:o:acme:alaris_8015_pcu_firmware:1.0:*:*:*:*:*:*:*",
            ALARIS_HARDWARE,
        ]),
        dotted_numeric,
    );
    assert_eq!(e.applies, Truth::No);
}

#[test]
fn fresh_record_without_configurations_is_unknown() {
    let cve = record("nvd-cve-2.0-meddev/CVE-2024-6795.json");
    assert_eq!(cve.id.as_deref(), Some("CVE-2024-6795"));
    assert!(cve.configurations.is_empty());
    let device = names(&["cpe:2.3:a:baxter:connex_health_portal:*:*:*:*:*:*:*:*"]);
    assert_eq!(
        cve_applies(&cve.configurations, &device, dotted_numeric),
        Truth::Unknown
    );
}

#[derive(serde::Deserialize)]
struct Page {
    vulnerabilities: Vec<Item>,
}

#[derive(serde::Deserialize)]
struct Item {
    cve: CveConfigurations,
}

fn vunnel_page() -> (Page, serde_json::Value) {
    let text =
        std::fs::read_to_string(shared_data().join("vunnel-fixtures/nvd/full-page.json")).unwrap();
    (
        serde_json::from_str(&text).unwrap(),
        serde_json::from_str(&text).unwrap(),
    )
}

#[test]
fn nvd_api_page_configurations_read_and_write_back() {
    let (page, raw) = vunnel_page();
    assert_eq!(page.vulnerabilities.len(), 38);
    let mut criteria = 0;
    for (item, raw_item) in page
        .vulnerabilities
        .iter()
        .zip(raw["vulnerabilities"].as_array().unwrap())
    {
        // Serializing gives back exactly NVD's `configurations`.
        let ours = serde_json::to_value(&item.cve.configurations).unwrap();
        let theirs = raw_item["cve"]
            .get("configurations")
            .cloned()
            .unwrap_or_else(|| serde_json::Value::Array(vec![]));
        assert_eq!(ours, theirs, "{:?}", item.cve.id);
        for config in &item.cve.configurations {
            for node in &config.nodes {
                for m in &node.cpe_match {
                    Wfn::from_formatted_string(&m.criteria)
                        .unwrap_or_else(|e| panic!("{}: {e}", m.criteria));
                    criteria += 1;
                }
            }
        }
    }
    assert_eq!(criteria, 56);
}

#[test]
fn nvd_api_page_application_and_platform() {
    let (page, _) = vunnel_page();
    let cve = &page
        .vulnerabilities
        .iter()
        .find(|i| i.cve.id.as_deref() == Some("CVE-2022-22377"))
        .unwrap()
        .cve;
    let app =
        |v: &str| format!("cpe:2.3:a:ibm:security_verify_privilege_on-premises:{v}:*:*:*:*:*:*:*");
    let windows = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*";
    let linux = "cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*";
    let applies =
        |platforms: &[&str]| cve_applies(&cve.configurations, &names(platforms), dotted_numeric);
    assert_eq!(applies(&[&app("11.4"), windows]), Truth::Yes);
    assert_eq!(
        applies(&[&app("11.5"), windows]),
        Truth::No,
        "versionEndExcluding 11.5"
    );
    assert_eq!(
        applies(&[&app("11.4"), linux]),
        Truth::No,
        "needs macOS or Windows"
    );
    assert_eq!(applies(&[windows]), Truth::No);

    // versionStartIncluding and versionEndIncluding together (Oracle MySQL).
    let mysql = &page
        .vulnerabilities
        .iter()
        .find(|i| i.cve.id.as_deref() == Some("CVE-2023-22068"))
        .unwrap()
        .cve;
    let mysql_applies = |v: &str| {
        let platform = format!("cpe:2.3:a:oracle:mysql:{v}:*:*:*:*:*:*:*");
        cve_applies(&mysql.configurations, &names(&[&platform]), dotted_numeric)
    };
    assert_eq!(mysql_applies("8.0"), Truth::Yes);
    assert_eq!(mysql_applies("8.0.34"), Truth::Yes);
    assert_eq!(mysql_applies("8.0.35"), Truth::No);
    assert_eq!(mysql_applies("5.7.44"), Truth::No);
}

#[test]
fn negation_and_three_valued_logic() {
    let node = |operator, negate, entries: &[(&str, bool)]| Node {
        operator,
        negate,
        cpe_match: entries
            .iter()
            .map(|&(criteria, vulnerable)| {
                serde_json::from_value(serde_json::json!({
                    "vulnerable": vulnerable,
                    "criteria": criteria,
                }))
                .unwrap()
            })
            .collect(),
    };
    // "Product X on anything but Windows".
    let config = Configuration {
        operator: Some(Operator::And),
        negate: false,
        nodes: vec![
            node(
                Operator::Or,
                false,
                &[("cpe:2.3:a:acme:pump_manager:*:*:*:*:*:*:*:*", true)],
            ),
            node(
                Operator::Or,
                true,
                &[("cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*", false)],
            ),
        ],
    };
    let on = |os: &str| {
        evaluate(
            &config,
            &names(&["cpe:2.3:a:acme:pump_manager:2.0:*:*:*:*:*:*:*", os]),
            dotted_numeric,
        )
        .applies
    };
    assert_eq!(
        on("cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*"),
        Truth::Yes
    );
    assert_eq!(
        on("cpe:2.3:o:microsoft:windows:10:*:*:*:*:*:*:*"),
        Truth::No
    );

    // A malformed criteria is Unknown, not "not affected".
    let broken = Configuration {
        operator: None,
        negate: false,
        nodes: vec![node(Operator::Or, false, &[("cpe:2.3:a:acme", true)])],
    };
    let e = evaluate(
        &broken,
        &names(&["cpe:2.3:a:acme:x:1:*:*:*:*:*:*:*"]),
        dotted_numeric,
    );
    assert_eq!(e.applies, Truth::Unknown);
    assert!(
        e.entries[0]
            .note
            .as_deref()
            .unwrap()
            .starts_with("criteria is not a CPE 2.3 formatted string")
    );

    // Empty configurations say nothing.
    assert_eq!(
        evaluate(&Configuration::default(), &[], dotted_numeric).applies,
        Truth::Unknown
    );
    // A platform name less specific than the criteria: maybe.
    let exact = Configuration {
        operator: None,
        negate: false,
        nodes: vec![node(
            Operator::Or,
            false,
            &[("cpe:2.3:a:acme:pump_manager:2.0:*:*:*:*:*:*:*", true)],
        )],
    };
    let e = evaluate(
        &exact,
        &names(&["cpe:2.3:a:acme:pump_manager:*:*:*:*:*:*:*:*"]),
        dotted_numeric,
    );
    assert_eq!(e.applies, Truth::Unknown);
}

#[test]
fn placeholder_version_order() {
    assert_eq!(dotted_numeric("1.2", "1.10"), Some(Ordering::Less));
    assert_eq!(dotted_numeric("1.2", "1.2.0"), Some(Ordering::Equal));
    assert_eq!(dotted_numeric("01.2", "1.2"), Some(Ordering::Equal));
    assert_eq!(dotted_numeric("12.1.3", "12.1.2"), Some(Ordering::Greater));
    assert_eq!(
        dotted_numeric("99999999999999999999999", "99999999999999999999998"),
        Some(Ordering::Greater),
        "no overflow on long numbers"
    );
    for (a, b) in [
        ("1.2a", "1.2"),
        ("1..2", "1.2"),
        ("", "1"),
        ("1.2-rc1", "1.2"),
        ("v1", "1"),
    ] {
        assert_eq!(dotted_numeric(a, b), None, "{a} vs {b}");
    }
}
