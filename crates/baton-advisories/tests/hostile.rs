//! Hostile and broken input: truncated files, deep nesting, wrong types, oversize and gzip
//! bombs, alias bombs, random corruption. Nothing may panic; every error names the file and a
//! place; wrong types inside a readable document are located warnings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_advisories::{
    AdvisoryError, MAX_DOCUMENT_BYTES, Parsed, WarningKind, parse, parse_epss, parse_kev,
};
use common::*;
use std::io::Write;

/// One file of each format.
const SAMPLES: &[&str] = &[
    "cisa-csaf-icsma/icsma-23-194-01.json",
    "oasis-csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json",
    "osv-rustsec/crates/RUSTSEC-2020-0024.json",
    "osv-pypa/vulns/django/PYSEC-2007-1.yaml",
    "vunnel-fixtures/nvd/full-page.json",
    "nvd-cve-2.0-meddev/CVE-2023-30559.json",
    "openvex/go-vex/pkg/vex/testdata/v0.2.0.json",
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json",
];

/// Every error must name the file; syntax errors a line and column.
fn check_error(file: &str, e: &AdvisoryError) {
    let text = e.to_string();
    assert!(text.starts_with(file), "{text}");
    if let AdvisoryError::Syntax { line, column, .. } = e {
        // serde_json counts a column 0 for an error at the start of a line.
        assert!(*line >= 1, "{text}");
        assert!(
            text.contains(&format!("line {line}, column {column}")),
            "{text}"
        );
    }
}

fn must_not_panic(file: &str, bytes: &[u8]) -> Option<Parsed> {
    match parse(file, bytes) {
        Ok(p) => {
            assert_located(&p, file);
            Some(p)
        }
        Err(e) => {
            check_error(file, &e);
            None
        }
    }
}

#[test]
fn truncated_files_are_syntax_errors_or_read_what_is_there() {
    for name in SAMPLES {
        let bytes = read(name);
        let step = (bytes.len() / 97).max(1);
        let mut cuts: Vec<usize> = (1..bytes.len()).step_by(step).collect();
        cuts.extend([1, 2, 3, bytes.len() - 1]);
        for cut in cuts {
            let part = &bytes[..cut];
            // Cutting inside a multi-byte character is not UTF-8 any more.
            let result = parse(name, part);
            if let Err(e) = &result {
                check_error(name, e);
            }
            let only_blanks_lost = part.trim_ascii_end() == bytes.trim_ascii_end();
            if name.ends_with(".json") && std::str::from_utf8(part).is_ok() && !only_blanks_lost {
                match result {
                    Err(AdvisoryError::Syntax { message, .. }) => {
                        assert!(message.contains("JSON"), "{name}@{cut}: {message}")
                    }
                    Err(e) => panic!("{name} cut at {cut}: {e}"),
                    Ok(_) => panic!("{name} cut at {cut} read as whole"),
                }
            }
        }
    }
    let cut = &read(SAMPLES[0])[..5000];
    match parse("cut.json", cut) {
        Err(AdvisoryError::Syntax { message, .. }) => {
            assert!(message.contains("truncated"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn random_corruption_never_panics() {
    let mut seed: u64 = 0x5eed_ba70;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut read_ok = 0;
    for name in SAMPLES {
        let original = read(name);
        for _ in 0..60 {
            let mut bytes = original.clone();
            for _ in 0..(next() % 8 + 1) {
                let at = (next() as usize) % bytes.len();
                bytes[at] = match next() % 4 {
                    0 => b'{',
                    1 => b'"',
                    2 => b'[',
                    _ => (next() % 256) as u8,
                };
            }
            read_ok += usize::from(must_not_panic(name, &bytes).is_some());
        }
    }
    // Most single-byte flips inside strings still read.
    assert!(read_ok > 0);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for depth in [129, 1_000, 100_000] {
        let json = "[".repeat(depth) + &"]".repeat(depth);
        match parse("deep.json", json.as_bytes()) {
            Err(AdvisoryError::Syntax { message, .. }) => {
                assert!(message.contains("recursion limit"), "{message}")
            }
            other => panic!("{depth}: {other:?}"),
        }
        let csaf = format!(
            r#"{{"document": {{"category": "csaf_base", "csaf_version": "2.0"}}, "product_tree": {}}}"#,
            "{\"branches\": [".repeat(depth)
        );
        assert!(matches!(
            parse("deep-csaf.json", csaf.as_bytes()),
            Err(AdvisoryError::Syntax { .. })
        ));
    }
    // Branches nested as deep as JSON allows still read.
    let depth = 60;
    let mut tree = String::from(
        r#"{"category": "product_version", "name": "1", "product": {"product_id": "P", "name": "p"}}"#,
    );
    for _ in 0..depth {
        tree = format!(r#"{{"category": "product_family", "name": "f", "branches": [{tree}]}}"#);
    }
    let csaf = format!(
        r#"{{"document": {{"category": "csaf_base", "csaf_version": "2.0", "tracking": {{"id": "X"}}}}, "product_tree": {{"branches": [{tree}]}}}}"#
    );
    let p = parse("deep-ok.json", csaf.as_bytes()).unwrap();
    assert_eq!(p.advisories[0].products[0].branch_path.len(), depth + 1);

    // YAML: block and flow nesting.
    let mut block = String::from("id: X\nmodified: 2024-01-01T00:00:00Z\nx:\n");
    for i in 0..300 {
        block.push_str(&" ".repeat(i + 1));
        block.push_str("a:\n");
    }
    match parse("deep.yaml", block.as_bytes()) {
        Err(AdvisoryError::Syntax { message, line, .. }) => {
            assert!(message.contains("nested deeper"), "{message}");
            assert!(line > 100, "{line}");
        }
        other => panic!("{other:?}"),
    }
    let flow = format!("id: X\nx: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    assert!(matches!(
        parse("flow.yaml", flow.as_bytes()),
        Err(AdvisoryError::Syntax { .. })
    ));
}

#[test]
fn yaml_alias_bomb_is_refused() {
    let mut bomb = String::from(
        "id: X\nmodified: 2024-01-01T00:00:00Z\na: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    match parse("bomb.yaml", bomb.as_bytes()) {
        Err(AdvisoryError::Syntax { message, .. }) => {
            assert!(message.contains("aliases"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // A few aliases are fine.
    let ok = "id: X\nmodified: 2024-01-01T00:00:00Z\naliases: &al [CVE-2024-0001]\nrelated: *al\n";
    let p = parse("alias.yaml", ok.as_bytes()).unwrap();
    assert_eq!(p.advisories[0].vulnerabilities[0].id, "CVE-2024-0001");
}

#[test]
fn oversize_and_gzip_bombs_are_refused() {
    let big = vec![b' '; MAX_DOCUMENT_BYTES as usize + 1];
    match parse("big.json", &big) {
        Err(AdvisoryError::TooLarge { size, limit, .. }) => {
            assert_eq!((size, limit), (MAX_DOCUMENT_BYTES + 1, MAX_DOCUMENT_BYTES))
        }
        other => panic!("{other:?}"),
    }
    drop(big);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..(MAX_DOCUMENT_BYTES >> 20) + 2 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    for result in [
        parse("bomb.json.gz", &bomb).map(|_| ()),
        parse_kev("bomb.json.gz", &bomb).map(|_| ()),
        parse_epss("bomb.csv.gz", &bomb).map(|_| ()),
    ] {
        assert!(
            matches!(result, Err(AdvisoryError::TooLarge { .. })),
            "{result:?}"
        );
    }
    // A gzipped advisory reads like the plain one.
    let name = SAMPLES[0];
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&read(name)).unwrap();
    assert_eq!(parse(name, &enc.finish().unwrap()).unwrap(), parsed(name));
    assert!(matches!(
        parse("x.gz", &[0x1f, 0x8b, 0, 0]),
        Err(AdvisoryError::Gzip { .. })
    ));
}

#[test]
fn things_that_are_not_advisories() {
    for (bytes, why) in [
        (&b""[..], "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe{\x00}\x00", "UTF-8"),
        (b"# Title\n\nSome text.", "Markdown"),
        (b"-----BEGIN PGP SIGNATURE-----\nabc\n", "OpenPGP"),
        (b"42", "neither"),
        (b"\"a string\"", "neither"),
        (b"[]", "array"),
        (b"[{\"id\": 1}]", "array"),
        (b"{}", "no advisory format"),
        (b"{\"bomFormat\": \"CycloneDX\"}", "SBOM"),
        (b"{\"$schema\": \"x\", \"properties\": {}}", "schema"),
        (
            b"{\"statements\": {}, \"author\": \"x\"}",
            "no advisory format",
        ),
    ] {
        match parse("f", bytes) {
            Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
                assert!(reason.contains(why), "{bytes:?}: {reason}")
            }
            other => panic!("{bytes:?}: {other:?}"),
        }
    }
    let sha = read("cisa-csaf-icsma/sha512/icsma-23-194-01.json.sha512");
    match parse("x.sha512", &sha) {
        Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
            assert!(reason.contains("checksum"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

fn kinds_at(p: &Parsed) -> Vec<(WarningKind, String)> {
    all_warnings(p)
        .iter()
        .map(|w| (w.kind, w.location.clone()))
        .collect()
}

#[test]
fn wrong_types_in_csaf_are_located_warnings() {
    let doc = br#"{
      "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": 7,
                   "tracking": {"id": "X-1", "initial_release_date": "yesterday"}},
      "product_tree": {
        "branches": "not an array",
        "full_product_names": [{"product_id": "P1", "name": "A"}, 5, {"name": "no id"}],
        "relationships": [{"category": "installed_on", "product_reference": "P1",
                           "relates_to_product_reference": "P9",
                           "full_product_name": {"product_id": "P2", "name": "A on B"}},
                          {"category": "installed_on", "product_reference": "P3",
                           "relates_to_product_reference": "P1",
                           "full_product_name": {"product_id": "P4", "name": "x"}},
                          {"category": "installed_on", "product_reference": "P4",
                           "relates_to_product_reference": "P1",
                           "full_product_name": {"product_id": "P3", "name": "y"}}]
      },
      "vulnerabilities": [
        {"cve": "CVE-2024-0001", "notes": [{"category": "summary", "text": "s"}],
         "product_status": {"known_affected": ["P1", 3, "P2"], "maybe_affected": ["P1"], "fixed": "P1"},
         "scores": [{"products": ["P1"], "cvss_v3": "CVSS:3.1/AV:N"},
                    {"products": ["P1"], "cvss_v3": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:Q",
                                                      "baseScore": 5.0, "baseSeverity": "MEDIUM"}}],
         "remediations": [{"category": "vendor_fix", "product_ids": "P1"}],
         "flags": [{"label": "because", "product_ids": ["P1"]}]},
        "not an object",
        {"cve": "not-a-cve", "notes": [], "product_status": {}}
      ]
    }"#;
    let p = parse("wrong.json", doc).unwrap();
    let k = kinds_at(&p);
    let has = |kind: WarningKind, at: &str| k.iter().any(|(x, l)| *x == kind && l == at);
    for (kind, at) in [
        (WarningKind::WrongType, "/document/title"),
        (
            WarningKind::BadDate,
            "/document/tracking/initial_release_date",
        ),
        (WarningKind::WrongType, "/product_tree/branches"),
        (WarningKind::WrongType, "/product_tree/full_product_names/1"),
        (
            WarningKind::Missing,
            "/product_tree/full_product_names/2/product_id",
        ),
        (
            WarningKind::UndefinedProduct,
            "/product_tree/relationships/0/relates_to_product_reference",
        ),
        (
            WarningKind::CircularRelationship,
            "/product_tree/relationships/1/full_product_name",
        ),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/product_status/known_affected/1",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/product_status/maybe_affected",
        ),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/product_status/fixed",
        ),
        (
            // Statuses are visited in key order: fixed before known_affected.
            WarningKind::ContradictingStatus,
            "/vulnerabilities/0/product_status/known_affected/0",
        ),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/scores/0/cvss_v3",
        ),
        (
            WarningKind::BadCvss,
            "/vulnerabilities/0/scores/1/cvss_v3/vectorString",
        ),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/remediations/0/product_ids",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/flags/0/label",
        ),
        (WarningKind::WrongType, "/vulnerabilities/1"),
        (WarningKind::BadId, "/vulnerabilities/2/cve"),
    ] {
        assert!(has(kind, at), "missing {kind:?} at {at}: {k:#?}");
    }
    let a = &p.advisories[0];
    assert_eq!(a.vulnerabilities.len(), 2);
    // The relationship product inherits from its component despite the missing platform.
    let p2 = a.products.iter().find(|p| p.id == "P2").unwrap();
    assert_eq!(p2.relationship.as_ref().unwrap().platform, "P9");
    // The string where an array belongs is read as one item.
    assert_eq!(a.vulnerabilities[0].remediations[0].products, ["P1"]);

    // A CSAF document whose `document` is no object cannot be read: a located error.
    match parse("nodoc.json", br#"{"document": 5, "vulnerabilities": []}"#) {
        Err(AdvisoryError::Invalid { pointer, .. }) => assert_eq!(pointer, "/document"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_types_in_osv_nvd_cve5() {
    let osv = br#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": "CVE-2024-0001",
        "severity": [{"type": "CVSS_V3", "score": "garbage"}, {"type": "Ubuntu", "score": "high"}, "x"],
        "affected": [{"package": {"ecosystem": "npm", "name": "a"},
                      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}, {"fixed": "2"}, 3]},
                                 {"type": "WEIRD", "events": "none"},
                                 {"type": "GIT", "events": [{"introduced": "abc"}]}],
                      "versions": [1, null, "2"]},
                     {"package": "npm:b"}, 9]}"#;
    let p = parse("osv.json", osv).unwrap();
    let k = kinds_at(&p);
    let has = |kind: WarningKind, at: &str| k.iter().any(|(x, l)| *x == kind && l == at);
    for (kind, at) in [
        (WarningKind::WrongType, "/aliases"),
        (WarningKind::BadCvss, "/severity/0/score"),
        (WarningKind::WrongType, "/severity/2"),
        (WarningKind::BadRange, "/affected/0/ranges/0/events/0"),
        (WarningKind::WrongType, "/affected/0/ranges/0/events/2"),
        (WarningKind::UnknownValue, "/affected/0/ranges/1/type"),
        (WarningKind::WrongType, "/affected/0/ranges/1/events"),
        (WarningKind::BadRange, "/affected/0/ranges/1/events"),
        (WarningKind::BadRange, "/affected/0/ranges/2/repo"),
        (WarningKind::WrongType, "/affected/0/versions/1"),
        (WarningKind::WrongType, "/affected/1/package"),
        (WarningKind::WrongType, "/affected/2"),
    ] {
        assert!(has(kind, at), "missing {kind:?} at {at}: {k:#?}");
    }
    assert_eq!(p.advisories[0].vulnerabilities[0].id, "CVE-2024-0001");
    match parse("osv.json", br#"{"id": 5, "modified": "x"}"#) {
        Err(AdvisoryError::Invalid { pointer, file, .. }) => {
            assert_eq!((pointer.as_str(), file.as_str()), ("/id", "osv.json"))
        }
        other => panic!("{other:?}"),
    }

    let nvd = br#"{"id": "CVE-2024-0001", "sourceIdentifier": "x", "descriptions": "none",
        "metrics": {"cvssMetricV31": [{"source": "s", "cvssData": {"version": "3.1",
            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 5.0,
            "baseSeverity": "MEDIUM", "attackVector": "LOCAL"}}]},
        "configurations": [{"nodes": [{"operator": "XOR", "cpeMatch": {"criteria": "x"}},
                                      {"cpeMatch": [{"criteria": "cpe:/a:x:y", "vulnerable": "yes"}]}]}, "x"]}"#;
    let p = parse("nvd.json", nvd).unwrap();
    let k = kinds_at(&p);
    let has = |kind: WarningKind, at: &str| k.iter().any(|(x, l)| *x == kind && l == at);
    for (kind, at) in [
        (WarningKind::WrongType, "/descriptions"),
        (
            WarningKind::CvssScoreMismatch,
            "/metrics/cvssMetricV31/0/cvssData/baseScore",
        ),
        (
            WarningKind::CvssInconsistent,
            "/metrics/cvssMetricV31/0/cvssData/attackVector",
        ),
        (
            WarningKind::UnknownValue,
            "/configurations/0/nodes/0/operator",
        ),
        (WarningKind::WrongType, "/configurations/0/nodes/0/cpeMatch"),
        (WarningKind::Missing, "/configurations/0/nodes/1/operator"),
        (
            WarningKind::WrongType,
            "/configurations/0/nodes/1/cpeMatch/0/vulnerable",
        ),
        (
            WarningKind::BadId,
            "/configurations/0/nodes/1/cpeMatch/0/criteria",
        ),
        (WarningKind::WrongType, "/configurations/1"),
    ] {
        assert!(has(kind, at), "missing {kind:?} at {at}: {k:#?}");
    }

    match parse(
        "c.json",
        br#"{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2024-0001"}}"#,
    ) {
        Err(AdvisoryError::Invalid { pointer, .. }) => assert_eq!(pointer, "/containers"),
        other => panic!("{other:?}"),
    }
    match parse(
        "c.json",
        br#"{"dataType": "CVE_RECORD", "cveMetadata": []}"#,
    ) {
        Err(AdvisoryError::Invalid { pointer, .. }) => assert_eq!(pointer, "/cveMetadata"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_types_in_cyclonedx_are_located_warnings() {
    let doc = br#"{"bomFormat": "CycloneDX", "specVersion": 1.6, "serialNumber": "abc",
      "version": "x", "metadata": {"timestamp": "soon", "component": "not an object"},
      "components": [{"bom-ref": "a", "name": "A", "components": "none"}, 7,
                     {"bom-ref": "a", "name": "A again"}],
      "vulnerabilities": [
        {"id": 5, "references": [{"id": "CVE-2024-0001"}, "x"], "cwes": ["a", 3.5, -1],
         "ratings": [{"method": "CVSSv31", "vector": 9}, {"method": "CVSSv9", "vector": "AV:N"}],
         "analysis": {"state": "maybe", "justification": "because", "response": ["pray", 3],
                      "firstIssued": "yesterday"},
         "affects": [{"ref": "a", "versions": [{"status": "perhaps"}, {"version": "1", "range": "<2"},
                                               "x"]},
                     {"ref": 4}, {"ref": ""}, {}, "y",
                     {"ref": "urn:cdx:11111111-2222-3333-4444-555555555555/1"}]},
        "not an object",
        {"id": "CVE-2024-0002", "affects": "a", "analysis": []}
      ]}"#;
    let p = parse("cdx.json", doc).unwrap();
    assert_located(&p, "cdx.json");
    let k = kinds_at(&p);
    let has = |kind: WarningKind, at: &str| k.iter().any(|(x, l)| *x == kind && l == at);
    for (kind, at) in [
        (WarningKind::WrongType, "/specVersion"),
        (WarningKind::BadId, "/serialNumber"),
        (WarningKind::WrongType, "/version"),
        (WarningKind::BadDate, "/metadata/timestamp"),
        (WarningKind::WrongType, "/metadata/component"),
        (WarningKind::WrongType, "/components/0/components"),
        (WarningKind::WrongType, "/components/1"),
        (WarningKind::DuplicateProduct, "/components/2/bom-ref"),
        (WarningKind::WrongType, "/vulnerabilities/0/id"),
        (WarningKind::WrongType, "/vulnerabilities/0/references/1"),
        (WarningKind::BadId, "/vulnerabilities/0/cwes/0"),
        (WarningKind::BadId, "/vulnerabilities/0/cwes/1"),
        (WarningKind::BadId, "/vulnerabilities/0/cwes/2"),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/ratings/0/vector",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/ratings/1/method",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/analysis/state",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/analysis/justification",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/analysis/response/0",
        ),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/analysis/response/1",
        ),
        (
            WarningKind::BadDate,
            "/vulnerabilities/0/analysis/firstIssued",
        ),
        (
            WarningKind::Missing,
            "/vulnerabilities/0/affects/0/versions/0",
        ),
        (
            WarningKind::UnknownValue,
            "/vulnerabilities/0/affects/0/versions/0/status",
        ),
        (
            WarningKind::Inconsistent,
            "/vulnerabilities/0/affects/0/versions/1",
        ),
        (
            WarningKind::RangeWithoutVers,
            "/vulnerabilities/0/affects/0/versions/1/range",
        ),
        (
            WarningKind::WrongType,
            "/vulnerabilities/0/affects/0/versions/2",
        ),
        (WarningKind::WrongType, "/vulnerabilities/0/affects/1/ref"),
        (WarningKind::Missing, "/vulnerabilities/0/affects/2/ref"),
        (WarningKind::Missing, "/vulnerabilities/0/affects/3/ref"),
        (WarningKind::WrongType, "/vulnerabilities/0/affects/4"),
        (WarningKind::BadId, "/vulnerabilities/0/affects/5/ref"),
        (WarningKind::WrongType, "/vulnerabilities/1"),
        (WarningKind::WrongType, "/vulnerabilities/2/affects"),
        (WarningKind::WrongType, "/vulnerabilities/2/analysis"),
    ] {
        assert!(has(kind, at), "missing {kind:?} at {at}: {k:#?}");
    }
    let a = &p.advisories[0];
    // The serial number is kept even when malformed; the version falls back to 1.
    assert_eq!(a.id, "abc/1");
    assert_eq!(a.vulnerabilities.len(), 2);
    // The CVE from the references; the unreadable state counts as under investigation.
    let v = &a.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2024-0001");
    assert!(
        v.statuses
            .iter()
            .all(|s| s.status == baton_advisories::Status::UnderInvestigation)
    );
    let a1 = a.products.iter().find(|p| p.id == "a#1").unwrap();
    assert_eq!(a1.name.as_deref(), Some("A"));

    // CycloneDX with `vulnerabilities` of the wrong type cannot be read: a located error.
    match parse(
        "v.json",
        br#"{"bomFormat": "CycloneDX", "vulnerabilities": "CVE-2024-0001"}"#,
    ) {
        Err(AdvisoryError::Invalid { pointer, file, .. }) => {
            assert_eq!(
                (pointer.as_str(), file.as_str()),
                ("/vulnerabilities", "v.json")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn many_cyclonedx_targets_stay_linear() {
    // An SBOM with embedded VEX: 20,000 components, one vulnerability naming each, with a
    // version entry apiece, and components nested 60 deep (as deep as JSON's limit allows).
    let n = 20_000;
    let components: Vec<String> = (0..n)
        .map(|i| {
            format!(r#"{{"bom-ref": "c{i}", "name": "c{i}", "purl": "pkg:npm/c{i}@1.0.{i}"}}"#)
        })
        .collect();
    let affects: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"ref": "c{i}", "versions": [{{"version": "1.0.{i}"}}]}}"#))
        .collect();
    let mut nested = String::from(r#"{"bom-ref": "deepest", "name": "deepest"}"#);
    for i in 0..60 {
        nested = format!(r#"{{"bom-ref": "d{i}", "name": "d", "components": [{nested}]}}"#);
    }
    let doc = format!(
        r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{}, {nested}],
        "vulnerabilities": [{{"id": "CVE-2024-0001", "analysis": {{"state": "exploitable"}},
          "affects": [{}, {{"ref": "deepest"}}]}}]}}"#,
        components.join(","),
        affects.join(",")
    );
    let start = std::time::Instant::now();
    let p = parse("big-cdx.json", doc.as_bytes()).unwrap();
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    let a = &p.advisories[0];
    assert_eq!(a.products.len(), n + 1);
    assert_eq!(a.vulnerabilities[0].statuses.len(), n + 1);
    assert!(
        a.warnings.iter().all(|w| w.location == "/serialNumber"),
        "{:?}",
        &a.warnings[..3.min(a.warnings.len())]
    );
    let last = a
        .products
        .iter()
        .find(|p| p.id == format!("c{}#1", n - 1))
        .unwrap();
    assert_eq!(last.purls, [format!("pkg:npm/c{}", n - 1)]);
    assert_eq!(
        last.version.as_deref(),
        Some(format!("1.0.{}", n - 1).as_str())
    );
    assert!(a.products.iter().any(|p| p.id == "deepest"));
}

#[test]
fn errors_name_file_and_place() {
    let e = parse("dir/a.json", b"{\n  \"document\": {\n    \"x\": ]\n}").unwrap_err();
    assert_eq!(e.to_string().split(':').next(), Some("dir/a.json"));
    match e {
        AdvisoryError::Syntax { line, column, .. } => assert_eq!((line, column), (3, 10)),
        other => panic!("{other:?}"),
    }
    let e = parse("b.yaml", b"id: X\nmodified: [unclosed\n").unwrap_err();
    assert!(e.to_string().starts_with("b.yaml: line "), "{e}");
}

#[test]
fn many_products_stay_linear() {
    // Tens of thousands of entries in one record: quadratic bookkeeping would take minutes.
    let n = 40_000;
    let ids: Vec<String> = (0..n).map(|i| format!("\"P{i}\"")).collect();
    let names: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"product_id": "P{i}", "name": "p{i}"}}"#))
        .collect();
    let csaf = format!(
        r#"{{"document": {{"category": "csaf_vex", "csaf_version": "2.0", "tracking": {{"id": "BIG"}}}},
        "product_tree": {{"full_product_names": [{}]}},
        "vulnerabilities": [{{"cve": "CVE-2024-0001", "notes": [],
          "product_status": {{"known_affected": [{ids}], "known_not_affected": []}},
          "flags": [{{"label": "component_not_present", "product_ids": []}}],
          "remediations": [{{"category": "vendor_fix", "product_ids": [{ids}]}}]}}]}}"#,
        names.join(","),
        ids = ids.join(",")
    );
    let p = parse("big.json", csaf.as_bytes()).unwrap();
    let v = &p.advisories[0].vulnerabilities[0];
    assert_eq!(v.statuses.len(), n);
    assert!(
        v.statuses
            .iter()
            .all(|s| s.remediation.as_deref() == Some("vendor_fix"))
    );

    let matches: Vec<String> = (0..n)
        .map(|i| {
            format!(r#"{{"vulnerable": true, "criteria": "cpe:2.3:a:v:p{i}:*:*:*:*:*:*:*:*"}}"#)
        })
        .collect();
    let nvd = format!(
        r#"{{"id": "CVE-2024-0002", "sourceIdentifier": "x", "descriptions": [],
        "configurations": [{{"nodes": [{{"operator": "OR", "cpeMatch": [{}]}}]}}]}}"#,
        matches.join(",")
    );
    let p = parse("big-nvd.json", nvd.as_bytes()).unwrap();
    assert_eq!(p.advisories[0].products.len(), n);

    let products: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"@id": "pkg:npm/p{i}@1"}}"#))
        .collect();
    let vex = format!(
        r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "big", "statements": [
        {{"vulnerability": {{"name": "CVE-2024-0003"}}, "status": "fixed", "products": [{}]}}]}}"#,
        products.join(",")
    );
    let p = parse("big.vex.json", vex.as_bytes()).unwrap();
    assert_eq!(p.advisories[0].products.len(), n);

    let affected: Vec<String> = (0..n)
        .map(|_| {
            r#"{"package": {"ecosystem": "npm", "name": "same"}, "versions": ["1"]}"#.to_string()
        })
        .collect();
    let osv = format!(
        r#"{{"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{}]}}"#,
        affected.join(",")
    );
    let p = parse("big-osv.json", osv.as_bytes()).unwrap();
    assert_eq!(p.advisories[0].products.len(), n);
}
