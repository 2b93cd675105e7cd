#![allow(clippy::unwrap_used, clippy::expect_used)]
//! NVD CVE API 2.0 `cpeMatch` ranges from real records
//! (`../shared/data/nvd-cve-2.0-meddev`, `vunnel-fixtures/nvd`).

use std::path::Path;

use baton_versions::{NvdRange, RangeError, Scheme, cpe_version};
use serde_json::Value;

fn cpe_matches(file: &str) -> Vec<NvdRange> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(file);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<NvdRange>) {
        match v {
            Value::Object(o) if o.contains_key("criteria") => {
                out.push(serde_json::from_value(v.clone()).unwrap());
            }
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&doc, &mut out);
    out
}

#[test]
fn bd_alaris_firmware_up_to_12_1_3() {
    // CVE-2023-30559: the firmware CPE with versionEndIncluding 12.1.3 and
    // the hardware CPE with version "-" (not vulnerable itself).
    let matches = cpe_matches("nvd-cve-2.0-meddev/CVE-2023-30559.json");
    assert_eq!(matches.len(), 2);
    let firmware = &matches[0];
    for (v, expected) in [
        ("12.1.3", true),
        ("12.1.2", true),
        ("9.33.1", true),
        ("12.1.4", false),
        ("12.2", false),
    ] {
        assert_eq!(firmware.contains(Scheme::Firmware, v), Ok(expected), "{v}");
    }
    let hardware = &matches[1];
    assert_eq!(hardware.exact_version().as_deref(), Some("-"));
    assert!(matches!(
        hardware.contains(Scheme::Firmware, "1.0"),
        Err(RangeError::Nvd { .. })
    ));
}

#[test]
fn bounds_and_exact_versions_of_a_real_page() {
    let matches = cpe_matches("vunnel-fixtures/nvd/full-page.json");
    // NetApp ONTAP: versionStartIncluding 9.0, versionEndExcluding 9.8.
    let ontap = matches
        .iter()
        .find(|m| m.version_start_including.as_deref() == Some("9.0"))
        .unwrap();
    for (v, expected) in [
        ("9.0", true),
        ("9.7.5", true),
        ("9.8", false),
        ("8.3", false),
    ] {
        assert_eq!(ontap.contains(Scheme::Generic, v), Ok(expected), "{v}");
    }
    // An exact CPE version.
    let mysql = matches
        .iter()
        .find(|m| {
            m.criteria
                .as_deref()
                .is_some_and(|c| c.contains(":mysql:8.1.0:"))
        })
        .unwrap();
    assert_eq!(mysql.exact_version().as_deref(), Some("8.1.0"));
    assert_eq!(mysql.contains(Scheme::Generic, "8.1"), Ok(true));
    assert_eq!(mysql.contains(Scheme::Generic, "8.1.1"), Ok(false));
    // Every match either evaluates or is the NA version "-".
    for m in &matches {
        match m.contains(Scheme::Generic, "1.0") {
            Ok(_) => {}
            Err(e) => assert_eq!(m.exact_version().as_deref(), Some("-"), "{m:?}: {e}"),
        }
    }
}

#[test]
fn contradictions_are_errors() {
    let both_starts = NvdRange {
        version_start_including: Some("1.0".into()),
        version_start_excluding: Some("1.0".into()),
        ..NvdRange::default()
    };
    assert!(both_starts.contains(Scheme::Semver, "1.0.0").is_err());
    let exact_and_bound = NvdRange {
        criteria: Some("cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*".into()),
        version_end_excluding: Some("2.0".into()),
        ..NvdRange::default()
    };
    assert!(exact_and_bound.contains(Scheme::Generic, "1.0").is_err());
    assert_eq!(
        NvdRange::exact("12.2.x.x").contains(Scheme::Firmware, "12.2.7"),
        Ok(true)
    );
    assert_eq!(
        NvdRange::default().contains(Scheme::Firmware, "B.06.18"),
        Ok(true)
    );
    let excluding = NvdRange {
        version_start_excluding: Some("1.0".into()),
        version_end_including: Some("2.0".into()),
        ..NvdRange::default()
    };
    assert_eq!(excluding.contains(Scheme::Pypi, "1.0"), Ok(false));
    assert_eq!(excluding.contains(Scheme::Pypi, "2.0"), Ok(true));
}

#[test]
fn cpe_version_field() {
    assert_eq!(
        cpe_version("cpe:2.3:o:bd:alaris_8015_pcu_firmware:12.1.3:*:*:*:*:*:*:*").as_deref(),
        Some("12.1.3")
    );
    assert_eq!(
        cpe_version(r"cpe:2.3:a:v:p:1.0\:beta:*:*:*:*:*:*:*").as_deref(),
        Some("1.0:beta")
    );
    assert_eq!(
        cpe_version(
            r"cpe:2.3:a:themeisle:wp_maintenance_mode_\&_coming_soon:*:*:*:*:*:wordpress:*:*"
        )
        .as_deref(),
        Some("*")
    );
    assert_eq!(cpe_version("cpe:/a:v:p:1.0"), None);
}
