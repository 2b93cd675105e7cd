//! Every SPDX document in the shared corpora is read; package counts agree with the peers
//! (`tests/spdx-expected-counts.tsv`); the negative cases of spdx/tools-java follow the written rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_sbom::{Parsed, SbomError, SbomFormat, SupportDate, spdx, spdx3};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    match std::env::var_os("BATON_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
    }
}

/// UTF-8, or UTF-16 with a byte-order mark (spdx/tools-python ships both encodings). The crate's
/// own decoder belongs to another module; this keeps the SPDX tests independent of it.
fn decode(bytes: &[u8]) -> String {
    let units = |be: bool| -> Vec<u16> {
        bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect()
    };
    match bytes {
        [0xFF, 0xFE, ..] => String::from_utf16(&units(false)).unwrap(),
        [0xFE, 0xFF, ..] => String::from_utf16(&units(true)).unwrap(),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).unwrap(),
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

type Reader = fn(&str, &str) -> Result<Parsed, SbomError>;

/// Which reader a file goes to; `None` for formats out of scope (SPDX XML and RDF).
fn reader(path: &Path, text: &str) -> Option<Reader> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    if name.ends_with(".json") {
        let head: String = text.chars().take(2000).collect();
        let jsonld = head.contains("\"@context\"") || head.contains("\"@graph\"");
        return Some(if jsonld {
            spdx3::parse_jsonld
        } else {
            spdx::parse_json
        });
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return Some(spdx::parse_yaml);
    }
    if name.ends_with(".spdx") {
        return Some(spdx::parse_tag_value);
    }
    None
}

fn parse(rel: &str) -> Result<Parsed, SbomError> {
    let path = data_dir().join(rel);
    let text = decode(&std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}")));
    let read = reader(&path, &text).unwrap_or_else(|| panic!("{rel}: no reader"));
    read(rel, &text)
}

fn parsed(rel: &str) -> Parsed {
    parse(rel).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const CORPORA: &[&str] = &[
    "spdx-examples",
    "spdx-spec-examples",
    "spdx-tools-python-testdata",
    "spdx-tools-java-testdata",
    "osv-scanner-sbom-fixtures",
];

/// SPDX in XML or RDF: out of scope, skipped on purpose.
const SKIPPED: &[&str] = &[
    "spdx-spec-examples/v2.2/SPDXXMLExample-v2.2.spdx.xml",
    "spdx-spec-examples/v2.3/SPDXXMLExample-v2.3.spdx.xml",
    "spdx-tools-python-testdata/SPDXXMLExample-v2.3.spdx.xml",
];

struct Expected {
    path: String,
    packages: usize,
    source: String,
}

fn expected() -> Vec<Expected> {
    let text = include_str!("spdx-expected-counts.tsv");
    let mut rows = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    assert_eq!(
        rows.next().unwrap().split('\t').take(3).collect::<Vec<_>>(),
        ["path", "packages", "source"]
    );
    rows.map(|l| {
        let f: Vec<&str> = l.split('\t').collect();
        Expected {
            path: f[0].to_string(),
            packages: f[1].parse().unwrap(),
            source: f[2].to_string(),
        }
    })
    .collect()
}

#[test]
fn every_corpus_document_is_read_and_package_counts_agree() {
    let mut per_corpus: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in expected() {
        let p = match parse(&e.path) {
            Ok(p) => p,
            Err(err) => {
                failures.push(format!("{}: not read: {err}", e.path));
                continue;
            }
        };
        if p.sbom.components.len() != e.packages {
            failures.push(format!(
                "{}: {} components, {} says {}",
                e.path,
                p.sbom.components.len(),
                e.source,
                e.packages
            ));
        }
        assert!(
            !p.sbom.spec_version.is_empty(),
            "{}: no spec version",
            e.path
        );
        let spdx3 = p.sbom.format == SbomFormat::Spdx3JsonLd;
        assert_eq!(spdx3, p.sbom.spec_version.starts_with("3."), "{}", e.path);
        let corpus = e.path.split('/').next().unwrap().to_string();
        let slot = per_corpus.entry(corpus).or_default();
        slot.0 += 1;
        slot.1 += p.sbom.components.len();
    }
    for (corpus, (docs, comps)) in &per_corpus {
        eprintln!("{corpus}: {docs} documents, {comps} components");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 26 SPDX 3 examples in spdx-examples, the spec's, and tools-java's 3.0.1 one.
    let spdx3 = expected()
        .iter()
        .filter(|e| e.source == "spdx-python-model")
        .count();
    assert_eq!(spdx3, 28);
}

/// Nothing in the corpora escapes the table: each SPDX file is either counted or skipped on purpose.
#[test]
fn every_spdx_file_is_counted_or_skipped() {
    let listed: BTreeSet<String> = expected().into_iter().map(|e| e.path).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<PathBuf> = CORPORA.iter().map(|c| data_dir().join(c)).collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let rel = path
                .strip_prefix(data_dir())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let spdx_like = [".json", ".spdx", ".yaml", ".yml", ".xml", ".rdf"]
                .iter()
                .any(|x| name.ends_with(x));
            if !spdx_like || name.contains("schema") || name.contains(".cdx.") {
                continue;
            }
            seen.insert(rel.clone());
            if SKIPPED.contains(&rel.as_str()) {
                let text = decode(&std::fs::read(&path).unwrap());
                assert!(
                    reader(&path, &text).is_none(),
                    "{rel} is XML and should be skipped"
                );
            } else {
                assert!(
                    listed.contains(&rel),
                    "{rel} is neither in spdx-expected-counts.tsv nor skipped"
                );
            }
        }
    }
    for rel in &listed {
        assert!(
            seen.contains(rel),
            "{rel} is in the table but not in the corpora"
        );
    }
}

/// The negative cases of spdx/tools-java (and the invalid Trivy SBOM of tools-python), with the
/// rule Baton follows. Baton reads an SBOM for its inventory, so it warns about what spdx-tools
/// calls invalid and reads on; it refuses only what is not SPDX 2 at all.
///
/// | file | what is wrong | rule | outcome |
/// |---|---|---|---|
/// | BadJSON | `creators` a string; a package `name` null | a single value where a list belongs is a one-item list; a package without a name keeps an empty name | warned at `/creationInfo/creators` and `/packages/1/name` |
/// | SPDXJSONExample-wrongversion | says SPDX-2.2, uses 2.3 package fields | 2.3-only fields in a 2.2 document are read | warned at `/packages/0/primaryPackagePurpose` … |
/// | SPDXWrongVersion | `SPDX-2.2.1` | another 2.x version is read with the 2.3 rules | warned at `/spdxVersion`, spec_version "2.2.1" |
/// | SPDXTagExample-v2.2-warning | a deprecated license id | license ids are not checked against the SPDX list | read, no warning |
/// | DifferentFileComment (YAML) | `referenceType` as a URL | a listed type written as a URL is read by its last segment | warned, the CPE is read |
/// | SPDXJSONExample-v2.3-with-exception | license `WITH` exception | expressions are kept as written | read, no warning |
/// | trivy (tools-python invalid) | `DESCRIBE`, fractional seconds | `DESCRIBE` read as DESCRIBES; RFC 3339 fractions are fine | warned at `/relationships/0` |
/// | an SPDX-3 version in JSON / not SPDX | — | refused: SPDX 3 is JSON-LD | error (see `spdx_hostile.rs`) |
#[test]
fn negative_cases_follow_the_rule() {
    let warned_at = |rel: &str, places: &[&str]| {
        let p = parsed(rel);
        for place in places {
            assert!(
                p.warnings.iter().any(|w| w.location == *place),
                "{rel}: no warning at {place}; got {:?}",
                p.warnings
            );
        }
        p
    };
    let java = "spdx-tools-java-testdata";
    let p = warned_at(
        &format!("{java}/BadJSON.spdx.json"),
        &["/creationInfo/creators", "/packages/1/name"],
    );
    assert_eq!(p.sbom.authors, vec!["Person: This should be an array"]);
    assert_eq!(p.sbom.components[1].name, "");

    let p = warned_at(
        &format!("{java}/SPDXJSONExample-wrongversion.spdx.json"),
        &[
            "/packages/0/primaryPackagePurpose",
            "/packages/0/validUntilDate",
        ],
    );
    assert_eq!(p.sbom.spec_version, "2.2");

    let p = warned_at(
        &format!("{java}/SPDXWrongVersion.spdx.json"),
        &["/spdxVersion"],
    );
    assert_eq!(p.sbom.spec_version, "2.2.1");

    let p = parsed(&format!("{java}/SPDXTagExample-v2.2-warning.spdx"));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    let p = warned_at(
        &format!("{java}/DifferentFileComment.spdx.yaml"),
        &["packages[0].externalRefs[1]"],
    );
    assert_eq!(
        p.sbom.components[0].cpes,
        vec!["cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*"]
    );

    let p = parsed(&format!(
        "{java}/SPDXJSONExample-v2.3-with-exception.spdx.json"
    ));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert!(
        p.sbom
            .components
            .iter()
            .flat_map(|c| &c.licenses)
            .any(|l| l.contains(" WITH "))
    );

    let p = warned_at(
        "spdx-tools-python-testdata/invalid/spdx-trivy-vmware_log-intelligence-fluentd.json",
        &["/relationships/0"],
    );
    assert_eq!(
        p.sbom.subject.unwrap().reference,
        "SPDXRef-ContainerImage-83c3ff25d55771a4"
    );
    assert_eq!(
        p.sbom.timestamp.unwrap().to_rfc3339(),
        "2022-12-27T23:08:17.349368+00:00"
    );
    let contained: usize = p.sbom.dependencies.iter().map(|d| d.to.len()).sum();
    assert_eq!(
        contained, 513,
        "the image contains 2, the OS 420 and the application 91 packages"
    );
}

/// The SPDX 2.3 reference document, field by field, and the same in tag-value and YAML.
#[test]
fn spec_example_maps_every_field_the_same_in_three_formats() {
    let json = parsed("spdx-spec-examples/v2.3/SPDXJSONExample-v2.3.spdx.json");
    let s = &json.sbom;
    assert_eq!(s.format, SbomFormat::SpdxJson);
    assert_eq!(s.spec_version, "2.3");
    assert_eq!(
        s.serial_number.as_deref(),
        Some("http://spdx.org/spdxdocs/spdx-example-444504E0-4F89-41D3-9A0C-0305E82C3301")
    );
    assert_eq!(s.name.as_deref(), Some("SPDX-Tools-v2.0"));
    assert_eq!(
        s.timestamp.unwrap().to_rfc3339(),
        "2010-01-29T18:30:22+00:00"
    );
    assert_eq!(
        s.authors,
        vec!["Organization: ExampleCodeInspect ()", "Person: Jane Doe ()"]
    );
    assert_eq!(s.tools, vec!["LicenseFind-1.0"]);
    let glibc = &s.components[0];
    assert_eq!(
        s.subject.as_ref(),
        Some(glibc),
        "documentDescribes names a file first, then the package"
    );
    assert_eq!(glibc.reference, "SPDXRef-Package");
    assert_eq!(glibc.name, "glibc");
    assert_eq!(glibc.version.as_deref(), Some("2.11.1"));
    assert_eq!(glibc.supplier.as_deref(), Some("Jane Doe"));
    assert_eq!(glibc.manufacturer.as_deref(), Some("ExampleCodeInspect"));
    assert_eq!(glibc.author, None);
    assert_eq!(glibc.kind.as_deref(), Some("source"));
    assert_eq!(
        glibc.cpes,
        vec!["cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*"]
    );
    let algs: Vec<&str> = glibc.hashes.iter().map(|h| h.algorithm.as_str()).collect();
    assert_eq!(algs, ["MD5", "SHA-1", "SHA-256", "BLAKE2B-384"]);
    assert_eq!(
        glibc.licenses,
        vec![
            "(LGPL-2.0-only OR LicenseRef-3)",
            "(LGPL-2.0-only AND LicenseRef-3)"
        ]
    );
    assert!(
        glibc
            .description
            .as_deref()
            .unwrap()
            .starts_with("The GNU C Library defines")
    );
    assert_eq!(
        glibc.end_of_support,
        Some(SupportDate::Date(
            NaiveDate::from_ymd_opt(2014, 1, 29).unwrap()
        )),
        "validUntilDate is the end of support when no annotation gives one"
    );
    assert_eq!(
        s.components[1].licenses,
        Vec::<String>::new(),
        "NOASSERTION is no license"
    );
    assert_eq!(
        s.components[2].purl.as_deref(),
        Some("pkg:maven/org.apache.jena/apache-jena@3.12.0")
    );
    let deps: Vec<(&str, Vec<&str>)> = s
        .dependencies
        .iter()
        .map(|d| (d.from.as_str(), d.to.iter().map(|t| t.as_str()).collect()))
        .collect();
    assert_eq!(
        deps,
        vec![("SPDXRef-Package", vec!["SPDXRef-Saxon"])],
        "DYNAMIC_LINK; file CONTAINS is not"
    );

    for rel in [
        "spdx-spec-examples/v2.3/SPDXTagExample-v2.3.spdx",
        "spdx-spec-examples/v2.3/SPDXYAMLExample-2.3.spdx.yaml",
        "spdx-tools-python-testdata/SPDXTagExample-v2.3.spdx",
    ] {
        let other = parsed(rel).sbom;
        assert_eq!(other.components, s.components, "{rel}");
        assert_eq!(other.dependencies, s.dependencies, "{rel}");
        assert_eq!(other.subject, s.subject, "{rel}");
        assert_eq!(
            (&other.timestamp, &other.authors, &other.tools),
            (&s.timestamp, &s.authors, &s.tools),
            "{rel}"
        );
    }
    // The 2.2 document in JSON, tag-value and UTF-16, and its YAML read up to its syntax error.
    let v22 = parsed("spdx-spec-examples/v2.2/SPDXJSONExample-v2.2.spdx.json").sbom;
    for rel in [
        "spdx-spec-examples/v2.2/SPDXTagExample-v2.2.spdx",
        "spdx-tools-python-testdata/SPDXJSONExample-UTF-16.spdx.json",
        "spdx-tools-python-testdata/SPDXTagExample-UTF-16.spdx",
    ] {
        assert_eq!(parsed(rel).sbom.components, v22.components, "{rel}");
    }
    let yaml = parsed("spdx-spec-examples/v2.2/SPDXYAMLExample-2.2.spdx.yaml");
    assert_eq!(yaml.sbom.components, v22.components);
    assert!(
        yaml.warnings
            .iter()
            .any(|w| w.location == "line 324, column 48" && w.message.contains("syntax error"))
    );
}

/// The same software described in SPDX 2.x and SPDX 3.0 gives the same packages.
#[test]
fn spdx2_and_spdx3_versions_of_an_example_agree() {
    let pairs = [
        (
            "software/example1/spdx2.2/example1.spdx",
            "software/example1/spdx3.0/example1.json",
        ),
        (
            "software/example6/spdx2.2/example6-lib.spdx",
            "software/example6/spdx3.0/example6-lib.json",
        ),
        (
            "software/example8/spdx2.3/examplemaven-0.0.1.spdx.json",
            "software/example8/spdx3.0/examplemaven-0.0.1.spdx3.json",
        ),
        (
            "software/example9/spdx2.2/appbomination.spdx.json",
            "software/example9/spdx3.0/appbomination.spdx3.json",
        ),
        (
            "software/example11/spdx2.3/sbom.spdx.json",
            "software/example11/spdx3.0/sbom.spdx3.json",
        ),
    ];
    for (two, three) in pairs {
        let a = parsed(&format!("spdx-examples/{two}")).sbom;
        let b = parsed(&format!("spdx-examples/{three}")).sbom;
        let key = |s: &baton_sbom::Sbom| -> BTreeSet<(String, Option<String>, Option<String>)> {
            s.components
                .iter()
                .map(|c| {
                    (
                        c.name.to_string(),
                        c.version.as_ref().map(|v| v.to_string()),
                        c.purl.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(key(&a), key(&b), "{two} vs {three}");
        assert_eq!(
            a.subject.map(|s| s.name),
            b.subject.map(|s| s.name),
            "{two} vs {three}"
        );
        assert_eq!(a.timestamp, b.timestamp, "{two} vs {three}");
    }
}

/// SPDX 3 specifics on the real examples: the subject through an Sbom, agents, tools, hashes,
/// licenses, CPEs, imported dependency targets, a file as the subject.
#[test]
fn spdx3_examples_map_fields() {
    let p = parsed("spdx-spec-examples/v3.0/package_sbom.jsonld.json");
    let s = &p.sbom;
    assert_eq!(s.spec_version, "3.0.1");
    assert_eq!(
        s.serial_number.as_deref(),
        Some("http://spdx.example.com/Document1")
    );
    assert_eq!(s.authors, vec!["Person: Joshua Watt"]);
    let pkg = s.subject.as_ref().unwrap();
    assert_eq!(
        (pkg.name.as_str(), pkg.version.as_deref()),
        ("my-package", Some("1.0.0"))
    );
    assert_eq!(pkg.author.as_deref(), Some("Joshua Watt"));

    let p = parsed("spdx-examples/software/example13/spdx3.0/example13.spdx3.json");
    let s = &p.sbom;
    assert_eq!(
        s.authors,
        vec![
            "Person: Application Owner Jane Doe",
            "Organization: Acme Company"
        ]
    );
    assert_eq!(
        s.subject.as_ref().unwrap().supplier.as_deref(),
        Some("Acme Company")
    );
    let deps: BTreeSet<(String, usize)> = s
        .dependencies
        .iter()
        .map(|d| (d.from.to_string(), d.to.len()))
        .collect();
    assert_eq!(
        deps.len(),
        2,
        "acme contains elliptic and depends on alpine; alpine contains openssl"
    );

    let p = parsed("spdx-examples/software/example7/spdx3.0/example7-golang.spdx3.json");
    let hashes = &p.sbom.components[0].hashes;
    assert!(
        hashes
            .iter()
            .any(|h| h.algorithm == "SHA-256" && h.value.len() == 64),
        "{hashes:?}"
    );

    let p = parsed("spdx-examples/software/example11/spdx3.0/sbom.spdx3.json");
    assert!(
        p.sbom
            .components
            .iter()
            .any(|c| c.purl.as_deref() == Some("pkg:cargo/tokio@1.19.2"))
    );

    let p = parsed("spdx-examples/software/example1/spdx3.0/example1.json");
    assert_eq!(p.sbom.tools.len(), 2);
    assert!(
        !p.sbom.components[0].licenses.is_empty(),
        "hasDeclaredLicense gives the license"
    );

    // A binary file is the root; it statically links packages of another (imported) document.
    let p = parsed("spdx-examples/software/example7/spdx3.0/example7-bin.spdx3.json");
    let subject = p.sbom.subject.as_ref().unwrap();
    assert_eq!(subject.name, "hello");
    assert_eq!(subject.kind.as_deref(), Some("executable"));
    assert!(p.sbom.components.is_empty());
    assert_eq!(p.sbom.dependencies.len(), 1);
    assert_eq!(p.sbom.dependencies[0].from, subject.reference);

    let p = parsed("spdx-examples/ai/example01/spdx3.0/simplehtr-example.json");
    let kinds: BTreeSet<Option<String>> = p
        .sbom
        .components
        .iter()
        .map(|c| c.kind.as_ref().map(|k| k.to_string()))
        .collect();
    assert!(kinds.contains(&Some("model".to_string())), "{kinds:?}");
}
