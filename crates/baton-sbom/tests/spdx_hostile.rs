//! Hostile and broken SPDX input: clear errors or located warnings, never a panic, a stack
//! overflow or unbounded memory. Small cases live in `tests/hostile-spdx/`; large ones are made here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_sbom::{Parsed, SbomError, SupportDate, spdx, spdx3};
use std::time::{Duration, Instant};

type Reader = fn(&str, &str) -> Result<Parsed, SbomError>;

fn hostile(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile-spdx/").to_string() + name;
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn has_warning(p: &Parsed, location: &str, words: &str) -> bool {
    p.warnings
        .iter()
        .any(|w| w.location == location && w.message.contains(words))
}

#[test]
fn truncated_json_is_an_error_naming_the_place() {
    let e = spdx::parse_json("truncated.spdx.json", &hostile("truncated.spdx.json")).unwrap_err();
    assert!(
        e.location
            .starts_with("truncated.spdx.json: line 15, column"),
        "{e}"
    );
    assert!(e.message.contains("truncated"), "{e}");
    // JSON-LD goes through the same reader.
    let e = spdx3::parse_jsonld(
        "t.json",
        r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"#,
    )
    .unwrap_err();
    assert!(e.message.contains("truncated"), "{e}");
}

#[test]
fn deep_json_nesting_is_an_error() {
    for deep in [
        "[".repeat(10_000),
        format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)),
    ] {
        let e = spdx::parse_json("deep.json", &deep).unwrap_err();
        assert!(e.message.contains("nested deeper than 128"), "{e}");
        let e = spdx3::parse_jsonld("deep.json", &deep).unwrap_err();
        assert!(e.message.contains("nested deeper than 128"), "{e}");
    }
    // Deep inside an otherwise valid document.
    let doc = format!(
        r#"{{"spdxVersion":"SPDX-2.3","packages":[{{"name":{}"x"{}}}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = spdx::parse_json("deep.json", &doc).unwrap_err();
    assert!(e.message.contains("nested deeper than 128"), "{e}");
}

#[test]
fn deep_yaml_nesting_is_an_error_not_a_stack_overflow() {
    let cases = [
        // flow sequences
        format!(
            "spdxVersion: SPDX-2.3\npackages: {}x{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        // block sequences on one line: "- - - - x"
        format!(
            "spdxVersion: SPDX-2.3\npackages:\n{}x\n",
            "- ".repeat(10_000)
        ),
        // flow mappings
        format!("{}x{}\n", "{a: ".repeat(10_000), "}".repeat(10_000)),
        // block mappings by indentation (200 levels is past the limit; 10,000 would be 100 MB of spaces)
        (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>()
            + &" ".repeat(200)
            + "x\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let e = spdx::parse_yaml("deep.yaml", text).unwrap_err();
        assert!(
            e.message.contains("nested deeper than 128"),
            "case {i}: {e}"
        );
        assert!(e.location.starts_with("deep.yaml: line "), "case {i}: {e}");
    }
    // 100 levels is allowed.
    let ok = format!(
        "spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nx: {}1{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    spdx::parse_yaml("ok.yaml", &ok).unwrap();
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let start = Instant::now();
    let e = spdx::parse_yaml("alias-bomb.spdx.yaml", &hostile("alias-bomb.spdx.yaml")).unwrap_err();
    assert!(e.message.contains("alias bomb"), "{e}");
    assert!(e.location.starts_with("alias-bomb.spdx.yaml: line "), "{e}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    // Ordinary aliases still work.
    let ok = "spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\ncreationInfo: {created: '2024-01-01T00:00:00Z', creators: &c ['Tool: x']}\n\
              packages:\n- {SPDXID: SPDXRef-a, name: a, attributionTexts: *c}\n- {SPDXID: SPDXRef-b, name: b, attributionTexts: *c}\n";
    let p = spdx::parse_yaml("ok.yaml", ok).unwrap();
    assert_eq!(p.sbom.components.len(), 2);
}

#[test]
fn unclosed_text_is_warned_and_the_rest_is_read() {
    let p = spdx::parse_tag_value("unclosed-text.spdx", &hostile("unclosed-text.spdx")).unwrap();
    assert!(
        has_warning(&p, "line 13", "never closed"),
        "{:?}",
        p.warnings
    );
    let s = &p.sbom;
    assert_eq!(s.components.len(), 2);
    let pump = &s.components[0];
    assert_eq!(
        pump.description.as_deref(),
        Some("This description is never closed")
    );
    assert_eq!(pump.supplier.as_deref(), Some("Example Medical"));
    assert_eq!(s.subject.as_ref().unwrap().reference, "SPDXRef-pump");
    assert_eq!(s.dependencies[0].to, vec!["SPDXRef-zlib"]);
}

#[test]
fn invalid_dates_are_warned_and_kept_as_text() {
    let p = spdx::parse_json(
        "invalid-dates.spdx.json",
        &hostile("invalid-dates.spdx.json"),
    )
    .unwrap();
    assert_eq!(p.sbom.timestamp, None);
    assert!(
        has_warning(&p, "/creationInfo/created", "not an RFC 3339"),
        "{:?}",
        p.warnings
    );
    let monitor = &p.sbom.components[0];
    assert_eq!(
        monitor.end_of_support,
        Some(SupportDate::Text("when the hardware dies".into()))
    );
    assert!(
        has_warning(&p, "/packages/0/validUntilDate", "not an ISO date"),
        "{:?}",
        p.warnings
    );
    // The annotation wins over validUntilDate (itself an impossible 30 February).
    let rtos = &p.sbom.components[1];
    assert_eq!(rtos.support_level.as_deref(), Some("limited"));
    assert_eq!(
        rtos.end_of_support,
        Some(SupportDate::Text("Until hardware support ends".into()))
    );
    assert!(
        has_warning(&p, "/packages/1/annotations/0/comment", "not an ISO date"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn duplicate_ids_are_warned() {
    let p = spdx::parse_json(
        "duplicate-ids.spdx.json",
        &hostile("duplicate-ids.spdx.json"),
    )
    .unwrap();
    assert_eq!(
        p.sbom.components.len(),
        3,
        "both packages named SPDXRef-b are inventory"
    );
    assert!(
        has_warning(&p, "/packages/2/SPDXID", "already used"),
        "{:?}",
        p.warnings
    );
    assert!(
        has_warning(&p, "/relationships/1", "SPDXRef-missing is not defined"),
        "{:?}",
        p.warnings
    );
    assert_eq!(p.sbom.dependencies[0].to, vec!["SPDXRef-b"]);

    // In JSON-LD one id is one node: the first is read.
    let p = spdx3::parse_jsonld(
        "duplicate-ids.spdx3.json",
        &hostile("duplicate-ids.spdx3.json"),
    )
    .unwrap();
    assert_eq!(p.sbom.components.len(), 1);
    assert!(
        has_warning(&p, "/@graph/3", "used again"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn not_spdx_is_an_error_not_a_panic() {
    let cases: [(&str, Reader, &str); 9] = [
        ("empty.json", spdx::parse_json, ""),
        ("array.json", spdx::parse_json, "[1, 2]"),
        (
            "cdx.json",
            spdx::parse_json,
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#,
        ),
        (
            "v3.json",
            spdx::parse_json,
            r#"{"spdxVersion": "SPDX-3.0", "SPDXID": "SPDXRef-DOCUMENT"}"#,
        ),
        ("empty.spdx", spdx::parse_tag_value, ""),
        (
            "binary.spdx",
            spdx::parse_tag_value,
            "\u{0}\u{1}\u{2}\u{fffd}",
        ),
        ("empty.yaml", spdx::parse_yaml, ""),
        ("scalar.yaml", spdx::parse_yaml, "just text"),
        (
            "cdx.jsonld",
            spdx3::parse_jsonld,
            r#"{"bomFormat": "CycloneDX"}"#,
        ),
    ];
    for (name, read, text) in cases {
        let e = read(name, text).unwrap_err();
        assert!(e.location.starts_with(name), "{name}: {e}");
        assert!(!e.message.is_empty(), "{name}");
    }
}

/// Every prefix of real documents: readers return, never panic (a crude fuzz over cut points).
#[test]
fn every_cut_of_a_document_is_handled() {
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/");
    let data = std::env::var("BATON_SHARED_DATA")
        .map(|d| d + "/")
        .unwrap_or(base.to_string());
    let files: [(&str, Reader); 4] = [
        (
            "spdx-spec-examples/v2.3/SPDXJSONExample-v2.3.spdx.json",
            spdx::parse_json,
        ),
        (
            "spdx-spec-examples/v2.3/SPDXTagExample-v2.3.spdx",
            spdx::parse_tag_value,
        ),
        (
            "spdx-spec-examples/v2.3/SPDXYAMLExample-2.3.spdx.yaml",
            spdx::parse_yaml,
        ),
        (
            "spdx-spec-examples/v3.0/package_sbom.jsonld.json",
            spdx3::parse_jsonld,
        ),
    ];
    for (rel, read) in files {
        let text = std::fs::read_to_string(data.clone() + rel).unwrap();
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let _ = read(rel, &text[..cut]);
            }
            cut += 37;
        }
    }
}

/// A large generated document reads in linear time in all three formats.
#[test]
fn large_documents_read_in_linear_time() {
    const N: usize = 20_000;
    let mut json = String::from(
        r#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","documentNamespace":"urn:big",
        "creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: gen"]},"documentDescribes":["SPDXRef-p0"],"packages":["#,
    );
    let mut tv = String::from(
        "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nCreator: Tool: gen\nCreated: 2024-01-01T00:00:00Z\n\
         Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p0\n",
    );
    let mut rels = String::new();
    for i in 0..N {
        let sep = if i == 0 { "" } else { "," };
        json.push_str(&format!(
            r#"{sep}{{"SPDXID":"SPDXRef-p{i}","name":"p{i}","versionInfo":"1.{i}","checksums":[{{"algorithm":"SHA1","checksumValue":"{i:040x}"}}]}}"#
        ));
        tv.push_str(&format!("PackageName: p{i}\nSPDXID: SPDXRef-p{i}\nPackageVersion: 1.{i}\nPackageChecksum: SHA1: {i:040x}\n"));
        if i > 0 {
            let sep = if i == 1 { "" } else { "," };
            rels.push_str(&format!(
                r#"{sep}{{"spdxElementId":"SPDXRef-p0","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-p{i}"}}"#
            ));
            tv.push_str(&format!(
                "Relationship: SPDXRef-p0 DEPENDS_ON SPDXRef-p{i}\n"
            ));
        }
    }
    json.push_str(&format!(r#"],"relationships":[{rels}]}}"#));
    let start = Instant::now();
    for (what, p) in [
        ("json", spdx::parse_json("big.json", &json)),
        ("yaml", spdx::parse_yaml("big.yaml", &json)),
        ("tag-value", spdx::parse_tag_value("big.spdx", &tv)),
    ] {
        let p = p.unwrap();
        assert!(p.warnings.is_empty(), "{what}: {:?}", &p.warnings[..1]);
        assert_eq!(p.sbom.components.len(), N, "{what}");
        assert_eq!(p.sbom.dependencies[0].to.len(), N - 1, "{what}");
    }
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}
