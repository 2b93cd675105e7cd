#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hostile and broken CycloneDX input: a clear error naming the place, never a panic, and time
//! and memory bounded by the input (no entity expansion, nesting limits). Small cases are files
//! in tests/hostile-cdx/; large ones are generated here.

use std::time::{Duration, Instant};

use proptest::prelude::*;

fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/hostile-cdx/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Parses and requires an error within a second; returns "location || message".
fn refused(name: &str, bytes: &[u8]) -> String {
    let start = Instant::now();
    let err = baton_sbom::parse(name, bytes).expect_err(name);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{name} took {:?}",
        start.elapsed()
    );
    assert!(err.location.starts_with(name), "{name}: {}", err.location);
    format!("{} || {}", err.location, err.message)
}

#[test]
fn billion_laughs_is_refused_at_the_doctype() {
    let e = refused("billion-laughs.xml", &hostile("billion-laughs.xml"));
    assert!(e.contains("(line 13, column 2)"), "{e}");
    assert!(e.contains("DOCTYPE is not accepted"), "{e}");
}

#[test]
fn external_entities_are_refused() {
    let e = refused("xxe.xml", &hostile("xxe.xml"));
    assert!(e.contains("DOCTYPE is not accepted"), "{e}");
    // Without a DOCTYPE the reference is merely undefined: still an error, and nothing is read.
    let e = refused("undeclared-entity.xml", &hostile("undeclared-entity.xml"));
    assert!(
        e.contains("/bom/components/component/name (line 5, column 18)"),
        "{e}"
    );
    assert!(e.contains("undefined entity &xxe;"), "{e}");
    let e = refused(
        "entity-in-attribute.xml",
        &hostile("entity-in-attribute.xml"),
    );
    assert!(e.contains("line 4"), "{e}");
    assert!(e.contains("unrecognized entity `xxe`"), "{e}");
}

#[test]
fn truncated_documents_name_where_they_stop() {
    let e = refused("truncated.json", &hostile("truncated.json"));
    assert!(
        e.starts_with("truncated.json: /components/1/name (line 6, column 38)"),
        "{e}"
    );
    assert!(e.contains("ends early (truncated file?)"), "{e}");
    let e = refused("truncated.xml", &hostile("truncated.xml"));
    assert!(
        e.starts_with("truncated.xml: /bom/components/component/name (line 10"),
        "{e}"
    );
    assert!(e.contains("ends before its elements are closed"), "{e}");
}

#[test]
fn deep_json_nesting_is_refused_without_overflowing_the_stack() {
    let mut doc =
        String::from(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": "#);
    for _ in 0..10_000 {
        doc.push_str(r#"[{"type": "library", "name": "x", "components": "#);
    }
    let e = refused("deep.json", doc.as_bytes());
    assert!(e.contains("/components/0/components/0/"), "{e}");
    assert!(e.contains("nesting too deep: more than 128"), "{e}");
    // Closed, in nested services: still refused at the limit.
    let mut doc = String::from(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "services": "#);
    doc.push_str(&"[{\"name\": \"s\", \"services\": ".repeat(10_000));
    doc.push_str("[]");
    doc.push_str(&"}]".repeat(10_000));
    doc.push('}');
    let e = refused("deep-services.json", doc.as_bytes());
    assert!(e.contains("/services/0/services/0/"), "{e}");
    assert!(e.contains("nesting too deep"), "{e}");
}

#[test]
fn deep_arrays_in_an_ignored_field_are_skipped_without_recursion() {
    let mut doc =
        String::from(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "x-extension": "#);
    doc.push_str(&"[".repeat(10_000));
    doc.push_str(&"]".repeat(10_000));
    doc.push_str(r#", "metadata": {"x": "#);
    doc.push_str(&"{\"x\": ".repeat(10_000));
    doc.push('1');
    doc.push_str(&"}".repeat(10_001));
    doc.push_str(
        r#", "components": [{"type": "library", "bom-ref": "a", "name": "a", "version": "1"}]}"#,
    );
    let parsed = baton_sbom::parse("deep-ignored.json", doc.as_bytes()).unwrap();
    assert_eq!(parsed.sbom.components.len(), 1);
}

#[test]
fn deep_xml_nesting_is_refused() {
    let mut doc = String::from(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>"#);
    for _ in 0..10_000 {
        doc.push_str(r#"<component type="library"><name>x</name><components>"#);
    }
    let e = refused("deep.xml", doc.as_bytes());
    assert!(
        e.starts_with("deep.xml: /bom/components/component/components/…"),
        "{e}"
    );
    assert!(e.contains("deeper than 256 levels"), "{e}");
    // Deep elements in a foreign namespace count too.
    let mut doc =
        String::from(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6" xmlns:x="urn:x">"#);
    doc.push_str(&"<x:a>".repeat(10_000));
    let e = refused("deep-foreign.xml", doc.as_bytes());
    assert!(e.contains("deeper than 256 levels"), "{e}");
}

#[test]
fn utf16_input_is_read() {
    let parsed = baton_sbom::parse("utf16le-bom.json", &hostile("utf16le-bom.json")).unwrap();
    assert_eq!(parsed.sbom.components[0].name, "Gerät");
    // The same document as UTF-16BE without a byte-order mark.
    let text = String::from_utf16(
        &hostile("utf16le-bom.json")[2..]
            .chunks(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let parsed = baton_sbom::parse("utf16be.json", &be).unwrap();
    assert_eq!(parsed.sbom.components[0].name, "Gerät");
    let xml = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><components><component type=\"library\" bom-ref=\"a\"><name>Gerät</name></component></components></bom>";
    let mut le = vec![0xFF, 0xFE];
    le.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    let parsed = baton_sbom::parse("utf16.xml", &le).unwrap();
    assert_eq!(parsed.sbom.components[0].name, "Gerät");
}

#[test]
fn invalid_utf8_names_the_byte() {
    let e = refused("invalid-utf8.json", &hostile("invalid-utf8.json"));
    assert!(e.starts_with("invalid-utf8.json: byte 96 ||"), "{e}");
    assert!(e.contains("0xe9"), "{e}");
}

#[test]
fn documents_that_are_not_cyclonedx() {
    let e = refused("not-sbom.json", &hostile("not-sbom.json"));
    assert!(e.contains("not an SBOM"), "{e}");
    let e = refused("not-sbom.xml", &hostile("not-sbom.xml"));
    assert!(e.contains("not CycloneDX"), "{e}");
    let e = refused("array-root.json", &hostile("array-root.json"));
    assert!(e.contains("not a recognised SBOM"), "{e}");
    // Called directly, the readers say what they expected.
    let e = baton_sbom::cyclonedx::parse_json("a.json", "[1]").unwrap_err();
    assert_eq!(e.location, "a.json: /");
    let e = baton_sbom::cyclonedx::parse_json("b.json", r#"{"bomFormat": 3}"#).unwrap_err();
    assert_eq!(e.location, "b.json: /bomFormat");
    let e =
        baton_sbom::cyclonedx::parse_json("c.json", r#"{"bomFormat": "CycloneDX"} x"#).unwrap_err();
    assert!(e.message.contains("trailing characters"), "{}", e.message);
}

#[test]
fn wrong_types_become_located_warnings() {
    let parsed = baton_sbom::parse("wrong-types.json", &hostile("wrong-types.json")).unwrap();
    let has = |at: &str, says: &str| {
        parsed
            .warnings
            .iter()
            .any(|w| w.location == at && w.message.contains(says))
    };
    assert!(has(
        "/components/0",
        "expected a component object, found a string"
    ));
    assert!(has(
        "/components/1/version",
        "found a number; read as \"1.5\""
    ));
    assert!(has(
        "/components/1/hashes",
        "expected an array, found an object"
    ));
    assert!(has("/components/1/purl", "found null"));
    assert!(has("/components/2/name", "found an object"));
    assert!(has("/dependencies", "expected an array, found an object"));
    assert!(has(
        "/metadata/component",
        "expected an object, found a string"
    ));
    assert_eq!(parsed.sbom.components.len(), 2);
    assert_eq!(parsed.sbom.components[0].version.as_deref(), Some("1.5"));
    assert_eq!(parsed.sbom.components[1].reference, "/components/2");
}

#[test]
fn many_warnings_stay_proportionate() {
    // 20,000 components without bom-ref: one warning each, read quickly.
    let mut doc =
        String::from(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ["#);
    for i in 0..20_000 {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&format!(
            r#"{{"type": "library", "name": "n{i}", "version": "1"}}"#
        ));
    }
    doc.push_str("]}");
    let start = Instant::now();
    let parsed = baton_sbom::parse("many.json", doc.as_bytes()).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(parsed.warnings.len(), 20_000);
}

const SMALL_JSON: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
 "metadata": {"timestamp": "2024-01-01T00:00:00Z", "authors": [{"name": "A"}], "tools": {"components": [{"name": "t"}]}},
 "components": [{"type": "library", "bom-ref": "a", "name": "a", "version": "1", "purl": "pkg:npm/a@1",
   "hashes": [{"alg": "SHA-1", "content": "e6b1000b94e835ffd37f4c6dcbdad43f4b48a02a"}],
   "licenses": [{"license": {"id": "MIT"}}], "properties": [{"name": "Level of Support", "value": "abandoned"}],
   "components": [{"type": "file", "bom-ref": "b", "name": "b"}]}],
 "dependencies": [{"ref": "a", "dependsOn": ["b"]}]}"#;

const SMALL_XML: &str = r#"<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">
  <metadata><timestamp>2024-01-01T00:00:00Z</timestamp><tools><tool><name>t</name></tool></tools></metadata>
  <components>
    <component type="library" bom-ref="a"><name>a</name><version>1</version>
      <hashes><hash alg="SHA-1">e6b1000b94e835ffd37f4c6dcbdad43f4b48a02a</hash></hashes>
      <licenses><license><id>MIT</id></license></licenses><purl>pkg:npm/a@1</purl>
      <properties><property name="End-of-Support">2025-01-01</property></properties>
      <components><component type="file" bom-ref="b"><name>b</name></component></components>
    </component>
  </components>
  <dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies>
</bom>"#;

#[test]
fn the_fuzz_seeds_parse_cleanly() {
    for (name, doc) in [("s.json", SMALL_JSON), ("s.xml", SMALL_XML)] {
        let parsed = baton_sbom::parse(name, doc.as_bytes()).unwrap();
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
        assert_eq!(parsed.sbom.components.len(), 2);
        assert_eq!(parsed.sbom.dependencies.len(), 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mangled_documents_never_panic(
        xml in any::<bool>(),
        cut in 0usize..2000,
        edits in proptest::collection::vec((0usize..2000, any::<u8>()), 0..8),
    ) {
        let mut bytes = if xml { SMALL_XML } else { SMALL_JSON }.as_bytes().to_vec();
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        bytes.truncate(cut.min(bytes.len()));
        match baton_sbom::parse("fuzz", &bytes) {
            Ok(parsed) => prop_assert!(parsed.sbom.components.len() <= 2),
            Err(e) => prop_assert!(e.location.starts_with("fuzz") && !e.message.is_empty()),
        }
    }
}
