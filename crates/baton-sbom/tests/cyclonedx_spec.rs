#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The CycloneDX specification's own test vectors, 1.2–1.6, JSON and XML.
//!
//! Every `valid-*` vector parses, with no warning other than Baton's note that a component has no
//! bom-ref (optional in CycloneDX; Baton names it `name@version` and says so).
//!
//! Every `invalid-*` vector is either rejected with an error naming the JSON pointer or XML path,
//! or read with a warning that names the place and what was wrong, as the table [`EXPECTED`]
//! states per class of vector. No class is accepted silently.

use std::path::PathBuf;

fn data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

const VERSIONS: &[&str] = &["1.2", "1.3", "1.4", "1.5", "1.6"];

enum Outcome {
    /// Refused: the error's location ends with this (after the file name).
    Rejected {
        at: &'static str,
        says: &'static str,
    },
    /// Read, with a warning whose location ends with `at` (JSON) / `xml_at` (XML) and whose
    /// message contains `says`.
    Warned {
        at: &'static str,
        xml_at: &'static str,
        says: &'static str,
    },
}

use Outcome::{Rejected, Warned};

/// Vector class (file name without `invalid-`, version and extension) → what Baton does.
const EXPECTED: &[(&str, Outcome)] = &[
    (
        "bomformat",
        Rejected {
            at: "/bomFormat",
            says: "expected \"CycloneDX\"",
        },
    ),
    (
        "namespace",
        Rejected {
            at: "/bom (line 1)",
            says: "not a CycloneDX 1.x namespace",
        },
    ),
    // 1.2–1.5: a repeated bom-ref; 1.6 JSON: an empty one; 1.6 XML: both.
    (
        "component-ref",
        Warned {
            at: "/bom-ref",
            xml_at: "/@bom-ref",
            says: "bom-ref",
        },
    ),
    (
        "component-swid",
        Warned {
            at: "/components/0/swid/tagId",
            xml_at: "/component[1]/swid/@tagId",
            says: "no tagId",
        },
    ),
    (
        "component-type",
        Warned {
            at: "/components/0/type",
            xml_at: "/component[1]/@type",
            says: "\"foo\" is not a CycloneDX",
        },
    ),
    (
        "dependency",
        Warned {
            at: "/dependencies/0/ref",
            xml_at: "/dependencies/dependency[1]/@ref",
            says: "no ref",
        },
    ),
    (
        "empty-component",
        Warned {
            at: "/components/0",
            xml_at: "/components/component[1]",
            says: "no name",
        },
    ),
    (
        "hash-alg",
        Warned {
            at: "/hashes/0/alg",
            xml_at: "/hashes/hash[1]/@alg",
            says: "\"FOO\" is not a CycloneDX hash algorithm",
        },
    ),
    (
        "hash-md5",
        Warned {
            at: "/hashes/0/content",
            xml_at: "/hashes/hash[1]",
            says: "MD5 value is 32 hex digits",
        },
    ),
    (
        "hash-sha1",
        Warned {
            at: "/hashes/1/content",
            xml_at: "/hashes/hash[2]",
            says: "SHA-1 value is 40 hex digits",
        },
    ),
    (
        "hash-sha256",
        Warned {
            at: "/hashes/2/content",
            xml_at: "/hashes/hash[3]",
            says: "SHA-256 value is 64 hex digits",
        },
    ),
    (
        "hash-sha512",
        Warned {
            at: "/hashes/3/content",
            xml_at: "/hashes/hash[4]",
            says: "SHA-512 value is 128 hex digits",
        },
    ),
    (
        "issue-type",
        Warned {
            at: "/resolves/0/type",
            xml_at: "/resolves/issue[1]/@type",
            says: "not a CycloneDX issue type",
        },
    ),
    (
        "license-choice",
        Warned {
            at: "/licenses/0",
            xml_at: "/licenses",
            says: "expression",
        },
    ),
    (
        "license-declared-concluded-mix",
        Warned {
            at: "/licenses",
            xml_at: "/licenses",
            says: "expression",
        },
    ),
    (
        "license-encoding",
        Warned {
            at: "/text/encoding",
            xml_at: "/text/@encoding",
            says: "\"base85\" is not a CycloneDX encoding",
        },
    ),
    (
        "license-id",
        Warned {
            at: "/license/id",
            xml_at: "/licenses/*[1]/id",
            says: "\"Apache-2\" is not an SPDX license identifier",
        },
    ),
    (
        "license-id-count",
        Warned {
            at: "-",
            xml_at: "/licenses/*[1]/id",
            says: "more than one <id>",
        },
    ),
    (
        "license-missing-id-and-name",
        Warned {
            at: "/licenses/0/license",
            xml_at: "/licenses/*[1]",
            says: "neither an id nor a name",
        },
    ),
    (
        "license-name-count",
        Warned {
            at: "-",
            xml_at: "/licenses/*[1]/name",
            says: "more than one <name>",
        },
    ),
    (
        "metadata-license",
        Warned {
            at: "/metadata/licenses/0/license/id",
            xml_at: "/metadata/licenses/*[1]/id",
            says: "not an SPDX license identifier",
        },
    ),
    (
        "metadata-timestamp",
        Warned {
            at: "/metadata/timestamp",
            xml_at: "/metadata/timestamp",
            says: "not an RFC 3339 date-time",
        },
    ),
    (
        "missing-component-type",
        Warned {
            at: "/components/0/type",
            xml_at: "/component[1]/@type",
            says: "no type",
        },
    ),
    (
        "patch-type",
        Warned {
            at: "/patches/0/type",
            xml_at: "/patches/patch[1]/@type",
            says: "not a CycloneDX patch type",
        },
    ),
    (
        "properties",
        Warned {
            at: "/properties/0/name",
            xml_at: "/properties/property[1]/@name",
            says: "property has no name",
        },
    ),
    (
        "scope",
        Warned {
            at: "/components/0/scope",
            xml_at: "/component[1]/scope",
            says: "not a CycloneDX scope",
        },
    ),
    (
        "serialnumber",
        Warned {
            at: "/serialNumber",
            xml_at: "/bom/@serialNumber",
            says: "is not a lower-case urn:uuid",
        },
    ),
    (
        "service-data",
        Warned {
            at: "/data/0/flow",
            xml_at: "/data/classification[1]/@flow",
            says: "not a CycloneDX data flow",
        },
    ),
];

fn vectors(prefix: &str) -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for version in VERSIONS {
        let dir = data()
            .join("cyclonedx-spec-testdata/test-resources")
            .join(version);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(prefix) && (name.ends_with(".json") || name.ends_with(".xml")) {
                out.push((version.to_string(), name, path));
            }
        }
    }
    out.sort();
    out
}

fn class(name: &str, version: &str) -> String {
    let stem = name.strip_prefix("invalid-").unwrap();
    let stem = stem.rsplit_once('.').unwrap().0;
    stem.strip_suffix(&format!("-{version}"))
        .unwrap()
        .to_string()
}

#[test]
fn every_valid_vector_parses_cleanly() {
    let vectors = vectors("valid-");
    assert!(
        vectors.len() > 300,
        "found only {} valid vectors",
        vectors.len()
    );
    for (_, name, path) in &vectors {
        let parsed = baton_sbom::parse(name, &std::fs::read(path).unwrap())
            .unwrap_or_else(|e| panic!("{name} must parse: {e}"));
        for w in &parsed.warnings {
            assert!(
                w.message.starts_with("no bom-ref"),
                "{name}: unexpected warning {} {}",
                w.location,
                w.message
            );
        }
    }
    let json = vectors.iter().filter(|v| v.1.ends_with(".json")).count();
    println!(
        "valid vectors parsed: {} ({json} JSON, {} XML)",
        vectors.len(),
        vectors.len() - json
    );
}

#[test]
fn every_invalid_vector_is_rejected_or_warned_as_the_table_says() {
    let vectors = vectors("invalid-");
    assert!(
        vectors.len() > 200,
        "found only {} invalid vectors",
        vectors.len()
    );
    let (mut rejected, mut warned) = (0, 0);
    for (version, name, path) in &vectors {
        let class = class(name, version);
        let expected = EXPECTED
            .iter()
            .find(|(c, _)| *c == class)
            .map(|(_, o)| o)
            .unwrap_or_else(|| {
                panic!("{name}: class {class} is not in the table; decide what Baton does with it")
            });
        let xml = name.ends_with(".xml");
        match (
            expected,
            baton_sbom::parse(name, &std::fs::read(path).unwrap()),
        ) {
            (Rejected { at, says }, Err(e)) => {
                assert_eq!(e.location, format!("{name}: {at}"), "{name}");
                assert!(e.message.contains(says), "{name}: {}", e.message);
                rejected += 1;
            }
            (Rejected { .. }, Ok(_)) => panic!("{name} must be rejected"),
            (Warned { .. }, Err(e)) => {
                panic!("{name} must be read with a warning, not rejected: {e}")
            }
            (Warned { at, xml_at, says }, Ok(parsed)) => {
                let at = if xml { xml_at } else { at };
                let hit = parsed
                    .warnings
                    .iter()
                    .any(|w| w.location.ends_with(at) && w.message.contains(says));
                assert!(
                    hit,
                    "{name}: no warning at …{at} saying {says:?}; got {:#?}",
                    parsed.warnings
                );
                let root = if xml { "/bom" } else { "/" };
                for w in &parsed.warnings {
                    assert!(
                        w.location.starts_with(root),
                        "{name}: location {} is not a pointer/path",
                        w.location
                    );
                }
                warned += 1;
            }
        }
    }
    assert_eq!(rejected + warned, vectors.len());
    println!(
        "invalid vectors: {} ({rejected} rejected, {warned} read with a warning)",
        vectors.len()
    );
}

#[test]
fn table_has_no_stale_classes() {
    let classes: Vec<String> = vectors("invalid-")
        .iter()
        .map(|(v, n, _)| class(n, v))
        .collect();
    for (class, _) in EXPECTED {
        assert!(
            classes.iter().any(|c| c == class),
            "table class {class} matches no vector"
        );
    }
}
