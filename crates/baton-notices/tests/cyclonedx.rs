#![allow(clippy::unwrap_used, clippy::expect_used)]
//! CycloneDX lifecycle properties: a device BOM written for Baton (valid against the
//! CycloneDX 1.6 schema), the medical-device case-study SBOMs (free-form "End-of-Support"
//! properties, which are not lifecycle milestones), and every JSON BOM of the CycloneDX
//! bom-examples (none carries `cdx:lifecycle` properties; all must read without error).

use std::path::{Path, PathBuf};

use baton_notices::{Mapped, NoticeFormat, NoticeMilestone, ProductRef, When, parse};
use chrono::NaiveDate;

fn shared_data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ms(source: &str, mapped: Mapped, raw: &str, location: &str) -> NoticeMilestone {
    let when = match raw
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        Some(d) => When::Date(d),
        None => When::Unreadable,
    };
    NoticeMilestone {
        source_name: source.into(),
        mapped,
        when,
        effective: when.date(),
        raw: raw.into(),
        detail: None,
        location: location.into(),
    }
}

const P: &str = "cdx:lifecycle:milestone:";

#[test]
fn device_bom_with_lifecycle_properties() {
    let notices = parse(
        "cyclonedx-lifecycle.json",
        include_bytes!("data/cyclonedx-lifecycle.json"),
    )
    .unwrap();
    let locations: Vec<&str> = notices.iter().map(|n| n.location.as_str()).collect();
    // The board support package and fatFS have no lifecycle dates, so no notice.
    assert_eq!(
        locations,
        [
            "/metadata/component",
            "/components/0",
            "/components/1",
            "/components/2/components/0"
        ]
    );
    assert!(notices.iter().all(|n| n.format == NoticeFormat::CycloneDx));
    assert!(notices.iter().all(|n| n.announced.is_none()));

    let device = &notices[0];
    assert_eq!(
        device.product,
        ProductRef {
            purl: Some("pkg:generic/aurora-medical/pm7@7.3.0".into()),
            vendor: Some("Aurora Medical Systems".into()),
            product: Some("Aurora PM-7 Patient Monitor".into()),
            version: Some("7.3.0".into()),
            ..ProductRef::default()
        }
    );
    let at = |i: usize| format!("/metadata/component/properties/{i}/value");
    assert_eq!(
        device.milestones,
        [
            ms(
                &format!("{P}generalAvailability"),
                Mapped::GeneralAvailability,
                "2021-09-01",
                &at(0)
            ),
            ms(
                &format!("{P}endOfMarketing"),
                Mapped::Eol,
                "2026-06-30",
                &at(1)
            ),
            ms(
                &format!("{P}endOfSupport"),
                Mapped::Eos,
                "2031-06-30",
                &at(2)
            ),
            ms(
                &format!("{P}endOfLife"),
                Mapped::EndOfLife,
                "2032-12-31",
                &at(3)
            ),
        ]
    );
    // CycloneDX dates take effect on their own day.
    assert_eq!(
        device.eol().and_then(|m| m.effective),
        Some(day("2026-06-30"))
    );
    assert_eq!(
        device.eos().and_then(|m| m.effective),
        Some(day("2031-06-30"))
    );
    assert!(device.warnings.is_empty());

    let os = &notices[1];
    assert_eq!(os.product.vendor.as_deref(), Some("Microsoft"));
    assert_eq!(
        os.product.cpe.as_deref(),
        Some("cpe:2.3:o:microsoft:windows_10_21h2:-:*:*:*:*:*:*:*")
    );
    assert_eq!(
        os.milestones,
        [ms(
            &format!("{P}endOfSupport"),
            Mapped::Eos,
            "2032-01-13",
            "/components/0/properties/1/value"
        )]
    );

    // The FDA taxonomy's end-of-support date is the component's EOS.
    let openssl = &notices[2];
    assert_eq!(
        openssl.product.vendor.as_deref(),
        Some("OpenSSL Software Foundation")
    );
    assert_eq!(
        openssl.milestones,
        [ms(
            "cdx:fda:end-of-support-date",
            Mapped::Eos,
            "2026-09-07",
            "/components/1/properties/1/value"
        )]
    );

    let wifi = &notices[3];
    assert_eq!(wifi.product.vendor.as_deref(), Some("Lumen Radio Modules"));
    let at = |i: usize| format!("/components/2/components/0/properties/{i}/value");
    assert_eq!(
        wifi.milestones,
        [
            ms(
                &format!("{P}endOfDevelopment"),
                Mapped::Other,
                "2024-12-31",
                &at(2)
            ),
            ms(
                &format!("{P}endOfProduction"),
                Mapped::Eol,
                "2025-03-31T00:00:00Z",
                &at(0)
            ),
            ms(
                &format!("{P}endOfMarketing"),
                Mapped::Eol,
                "2025-06-30",
                &at(1)
            ),
            ms(
                &format!("{P}endOfFieldService"),
                Mapped::Other,
                "2030-01-01",
                &at(3)
            ),
            ms(&format!("{P}endOfSupport"), Mapped::Eos, "Q4 2027", &at(4)),
        ]
    );
    // End of production comes before end of marketing: the earlier one is N70 EOL.
    assert_eq!(
        wifi.eol().map(|m| m.source_name.as_str()),
        Some("cdx:lifecycle:milestone:endOfProduction")
    );
    // An unreadable end of support is still an EOS, without a date.
    assert_eq!(
        wifi.eos().map(|m| (m.when, m.effective)),
        Some((When::Unreadable, None))
    );
    let warnings: Vec<(&str, &str)> = wifi
        .warnings
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "/components/2/components/0/properties/3/name",
                "`cdx:lifecycle:milestone:endOfFieldService` is not a milestone of the CycloneDX lifecycle taxonomy; kept as other"
            ),
            (
                "/components/2/components/0/properties/4/value",
                "`Q4 2027` is not a date; `cdx:lifecycle:milestone:endOfSupport` is kept without an effective date"
            ),
        ]
    );
}

#[test]
fn case_study_free_form_support_properties_are_not_milestones() {
    for name in ["narrow.sbom.json", "extended.sbom.json"] {
        let path = shared_data().join("medical-sbom-case-study").join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let notices = parse(name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(notices.is_empty(), "{name}: {notices:?}");
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_cyclonedx_bom_example_reads() {
    let mut files = Vec::new();
    json_files(&shared_data().join("cyclonedx-bom-examples"), &mut files);
    files.sort();
    let mut boms = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let is_bom = serde_json::from_slice::<serde_json::Value>(&bytes)
            .is_ok_and(|v| v["bomFormat"] == "CycloneDX");
        if !is_bom {
            continue;
        }
        boms += 1;
        let name = path.display().to_string();
        let notices = parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            notices.is_empty(),
            "{name}: no example has lifecycle milestones"
        );
    }
    assert!(boms >= 50, "only {boms} CycloneDX JSON BOMs found");
}
