//! FDA level of support and end-of-support carried in SPDX annotations (and SPDX's own fields),
//! the same in JSON, tag-value, YAML and SPDX 3 JSON-LD.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_sbom::{Component, SupportDate, spdx, spdx3};
use chrono::NaiveDate;

fn date(y: i32, m: u32, d: u32) -> Option<SupportDate> {
    Some(SupportDate::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
}

fn property<'c>(c: &'c Component, name: &str) -> Option<&'c str> {
    c.properties
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

const JSON: &str = r#"{
  "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "pump", "dataLicense": "CC0-1.0",
  "documentNamespace": "https://example.com/baton/fda",
  "creationInfo": {"created": "2024-05-01T10:00:00+02:00", "creators": ["Organization: Example Medical", "Tool: builder-2"]},
  "documentDescribes": ["SPDXRef-pump"],
  "packages": [
    {"SPDXID": "SPDXRef-pump", "name": "pump-firmware", "versionInfo": "4.2", "primaryPackagePurpose": "FIRMWARE",
     "supplier": "Organization: Example Medical", "downloadLocation": "NOASSERTION",
     "annotations": [{"annotationDate": "2024-05-01T00:00:00Z", "annotationType": "OTHER", "annotator": "Organization: Example Medical",
       "comment": "cdx:fda:level-of-support=actively maintained\ncdx:fda:end-of-support-date=2030-12-31\ncdx:fda:justification=n/a"}]},
    {"SPDXID": "SPDXRef-os", "name": "rtos", "versionInfo": "10.4", "primaryPackagePurpose": "OPERATING-SYSTEM",
     "downloadLocation": "NOASSERTION", "validUntilDate": "2027-01-01T00:00:00Z",
     "annotations": [{"annotationDate": "2024-05-01T00:00:00Z", "annotationType": "REVIEW", "annotator": "Person: QA",
       "comment": "Level of Support: no longer maintained"}]},
    {"SPDXID": "SPDXRef-zlib", "name": "zlib", "versionInfo": "1.3", "downloadLocation": "NOASSERTION",
     "annotations": [{"annotationDate": "2024-05-01T00:00:00Z", "annotationType": "OTHER", "annotator": "Person: QA",
       "comment": "end of support = 2026-06-30"}]}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-pump", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-os"},
    {"spdxElementId": "SPDXRef-zlib", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-os"},
    {"spdxElementId": "SPDXRef-zlib", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"}
  ]
}"#;

const TAG_VALUE: &str = "SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: pump
DocumentNamespace: https://example.com/baton/fda
Creator: Organization: Example Medical
Creator: Tool: builder-2
Created: 2024-05-01T10:00:00+02:00
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-pump

PackageName: pump-firmware
SPDXID: SPDXRef-pump
PackageVersion: 4.2
PrimaryPackagePurpose: FIRMWARE
PackageSupplier: Organization: Example Medical
PackageDownloadLocation: NOASSERTION
Annotator: Organization: Example Medical
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-pump
AnnotationComment: <text>cdx:fda:level-of-support=actively maintained
cdx:fda:end-of-support-date=2030-12-31
cdx:fda:justification=n/a</text>

PackageName: rtos
SPDXID: SPDXRef-os
PackageVersion: 10.4
PrimaryPackagePurpose: OPERATING-SYSTEM
PackageDownloadLocation: NOASSERTION
ValidUntilDate: 2027-01-01T00:00:00Z
Annotator: Person: QA
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: REVIEW
SPDXREF: SPDXRef-os
AnnotationComment: Level of Support: no longer maintained

PackageName: zlib
SPDXID: SPDXRef-zlib
PackageVersion: 1.3
PackageDownloadLocation: NOASSERTION
Annotator: Person: QA
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-zlib
AnnotationComment: end of support = 2026-06-30

Relationship: SPDXRef-pump CONTAINS SPDXRef-os
Relationship: SPDXRef-zlib DEPENDENCY_OF SPDXRef-os
Relationship: SPDXRef-zlib DEPENDS_ON NONE
";

fn check(s: &baton_sbom::Sbom, what: &str) {
    assert_eq!(
        s.timestamp.unwrap().to_rfc3339(),
        "2024-05-01T08:00:00+00:00",
        "{what}: read in UTC"
    );
    assert_eq!(s.authors, vec!["Organization: Example Medical"], "{what}");
    assert_eq!(s.tools, vec!["builder-2"], "{what}");
    let [pump, os, zlib] = &s.components[..] else {
        panic!("{what}: three components")
    };
    assert_eq!(s.subject.as_ref(), Some(pump), "{what}");
    assert_eq!(pump.kind.as_deref(), Some("firmware"), "{what}");
    assert_eq!(
        pump.support_level.as_deref(),
        Some("actively maintained"),
        "{what}"
    );
    assert_eq!(pump.end_of_support, date(2030, 12, 31), "{what}");
    assert_eq!(
        property(pump, "cdx:fda:justification"),
        Some("n/a"),
        "{what}"
    );
    assert_eq!(os.kind.as_deref(), Some("operating-system"), "{what}");
    assert_eq!(
        os.support_level.as_deref(),
        Some("no longer maintained"),
        "{what}"
    );
    assert_eq!(
        os.end_of_support,
        date(2027, 1, 1),
        "{what}: validUntilDate when no annotation says"
    );
    assert_eq!(zlib.support_level, None, "{what}");
    assert_eq!(zlib.end_of_support, date(2026, 6, 30), "{what}");
    let deps: Vec<(&str, Vec<&str>)> = s
        .dependencies
        .iter()
        .map(|d| (d.from.as_str(), d.to.iter().map(|t| t.as_str()).collect()))
        .collect();
    assert_eq!(
        deps,
        vec![
            ("SPDXRef-pump", vec!["SPDXRef-os"]),
            ("SPDXRef-os", vec!["SPDXRef-zlib"]),
            ("SPDXRef-zlib", vec![])
        ],
        "{what}: DEPENDENCY_OF reversed; DEPENDS_ON NONE is an empty list"
    );
}

#[test]
fn fda_fields_from_annotations_in_json_tag_value_and_yaml() {
    let json = spdx::parse_json("fda.spdx.json", JSON).unwrap();
    assert!(json.warnings.is_empty(), "{:?}", json.warnings);
    check(&json.sbom, "json");
    let tv = spdx::parse_tag_value("fda.spdx", TAG_VALUE).unwrap();
    assert!(tv.warnings.is_empty(), "{:?}", tv.warnings);
    check(&tv.sbom, "tag-value");
    assert_eq!(tv.sbom.components, json.sbom.components);
    // JSON is YAML: the same document through the YAML reader.
    let yaml = spdx::parse_yaml("fda.spdx.yaml", JSON).unwrap();
    assert!(yaml.warnings.is_empty(), "{:?}", yaml.warnings);
    check(&yaml.sbom, "yaml");
}

#[test]
fn warnings_are_located_per_format() {
    let bad_json = JSON.replace("\"versionInfo\": \"1.3\"", "\"versionInfo\": 1.3");
    let p = spdx::parse_json("x.json", &bad_json).unwrap();
    assert_eq!(p.warnings[0].location, "/packages/2/versionInfo");
    assert_eq!(p.sbom.components[2].version.as_deref(), Some("1.3"));

    let yaml = "spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\ncreationInfo:\n  created: 2024-01-01T00:00:00Z\n  creators: ['Tool: x']\n\
                packages:\n- SPDXID: SPDXRef-a\n  name: a\n  versionInfo: [1, 2]\n";
    let p = spdx::parse_yaml("x.yaml", yaml).unwrap();
    assert_eq!(
        p.warnings[0].location, "packages[0].versionInfo",
        "{:?}",
        p.warnings
    );

    let tv = TAG_VALUE.replace(
        "PackageVersion: 1.3",
        "PackageVersion: 1.3\nPackageChecksum: SHA1",
    );
    let p = spdx::parse_tag_value("x.spdx", &tv).unwrap();
    let line = tv
        .lines()
        .position(|l| l == "PackageChecksum: SHA1")
        .unwrap()
        + 1;
    assert_eq!(
        p.warnings[0].location,
        format!("line {line}"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn fda_fields_in_spdx3() {
    let doc = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
      {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2024-05-01T00:00:00Z",
       "createdBy": ["urn:org"], "createdUsing": ["urn:tool"]},
      {"type": "Organization", "spdxId": "urn:org", "name": "Example Medical", "creationInfo": "_:ci"},
      {"type": "Tool", "spdxId": "urn:tool", "name": "builder-2", "creationInfo": "_:ci"},
      {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:bom"]},
      {"type": "software_Sbom", "spdxId": "urn:bom", "creationInfo": "_:ci", "rootElement": ["urn:pump"]},
      {"type": "software_Package", "spdxId": "urn:pump", "name": "pump-firmware", "software_packageVersion": "4.2",
       "software_primaryPurpose": "firmware", "suppliedBy": "urn:org", "creationInfo": "_:ci"},
      {"type": "software_Package", "spdxId": "urn:os", "name": "rtos", "software_packageVersion": "10.4",
       "software_primaryPurpose": "operatingSystem", "supportLevel": ["limitedSupport"],
       "validUntilTime": "2027-01-01T00:00:00Z", "creationInfo": "_:ci"},
      {"type": "Annotation", "spdxId": "urn:ann", "subject": "urn:pump", "annotationType": "other", "creationInfo": "_:ci",
       "statement": "cdx:fda:level-of-support=actively maintained\ncdx:fda:end-of-support-date=2030-12-31"},
      {"type": "LifecycleScopedRelationship", "spdxId": "urn:rel", "scope": "runtime", "from": "urn:pump", "to": ["urn:os"],
       "relationshipType": "https://spdx.org/rdf/3.0.1/terms/Core/RelationshipType/dependsOn", "creationInfo": "_:ci"}
    ]}"#;
    let p = spdx3::parse_jsonld("fda.spdx3.json", doc).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let s = &p.sbom;
    assert_eq!(s.authors, vec!["Organization: Example Medical"]);
    assert_eq!(s.tools, vec!["builder-2"]);
    let [pump, os] = &s.components[..] else {
        panic!("two components")
    };
    assert_eq!(s.subject.as_ref(), Some(pump));
    assert_eq!(pump.supplier.as_deref(), Some("Example Medical"));
    assert_eq!(pump.support_level.as_deref(), Some("actively maintained"));
    assert_eq!(pump.end_of_support, date(2030, 12, 31));
    assert_eq!(os.kind.as_deref(), Some("operating-system"));
    assert_eq!(os.support_level.as_deref(), Some("limitedSupport"));
    assert_eq!(os.end_of_support, date(2027, 1, 1));
    assert_eq!(s.dependencies.len(), 1);
    assert_eq!(s.dependencies[0].to, vec!["urn:os"]);
}

#[test]
fn spdx3_reference_cycles_end() {
    let doc = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
      {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2024-05-01T00:00:00Z", "createdBy": []},
      {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:a"]},
      {"type": "software_Sbom", "spdxId": "urn:a", "creationInfo": "_:ci", "rootElement": ["urn:b"]},
      {"type": "software_Sbom", "spdxId": "urn:b", "creationInfo": "_:ci", "rootElement": ["urn:a", "urn:doc"]},
      {"type": "software_Package", "spdxId": "urn:p", "name": "p", "creationInfo": "_:ci"},
      {"type": "Relationship", "spdxId": "urn:r", "from": "urn:p", "to": ["urn:p"], "relationshipType": "dependsOn", "creationInfo": "_:ci"}
    ]}"#;
    let p = spdx3::parse_jsonld("cycle.json", doc).unwrap();
    assert_eq!(p.sbom.components.len(), 1);
    assert_eq!(
        p.sbom.subject.as_ref().map(|s| s.name.as_str()),
        Some("p"),
        "the only package, with a warning"
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.message.contains("only package"))
    );
}
