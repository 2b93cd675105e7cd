//! SBOM readers. Every supported format is read into one [`Sbom`] model; reading never stops at
//! the first problem: it returns the document and a list of located warnings, and fails only when
//! nothing sensible can be read.
//!
//! [`parse`] takes the file's bytes: it decodes them ([`decode`]), recognises the format
//! ([`detect`]) and hands the text to that format's reader. [`check`](check::check) then reports
//! the NTIA minimum elements and the FDA support fields.

pub mod model;

pub use model::{
    CompactString, Component, Dependency, Hash, Parsed, Sbom, SbomError, SbomFormat, SupportDate,
    Warning,
};

pub mod check;
pub mod cyclonedx;
pub mod decode;
pub mod generate;
pub mod spdx;
pub mod spdx3;

pub use check::{CheckReport, check};

/// Sets of references (bom-refs, SPDX ids) keyed by a 128-bit fingerprint instead of the string:
/// looking a reference up then touches only the table, not the string's bytes scattered through a
/// large document, which dominated the time on 100,000-component SBOMs. The fingerprint is a
/// SipHash-1-3 value under a per-process random key (so a document cannot be made to collide on
/// purpose) beside an FNV-1a value; two different references share one with a probability far
/// below one in 10¹⁸ even for millions of them.
pub(crate) mod refs {
    use std::collections::hash_map::RandomState;
    use std::collections::{HashMap, HashSet};
    use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

    /// A reference's fingerprint: two 64-bit halves rather than a `u128`, whose 16-byte
    /// alignment would pad every table entry beside a small value.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Fingerprint {
        keyed: u64,
        fnv: u64,
    }

    impl Hash for Fingerprint {
        fn hash<H: Hasher>(&self, state: &mut H) {
            // The keyed half: the table's hash must not be predictable from the document.
            state.write_u64(self.keyed);
        }
    }

    /// The fingerprint is already uniformly random, so the table uses it as its hash.
    #[derive(Default)]
    pub struct Passthrough(u64);

    impl Hasher for Passthrough {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(b);
            }
        }
        fn write_u64(&mut self, v: u64) {
            self.0 = v;
        }
    }

    pub type RefMap<V> = HashMap<Fingerprint, V, BuildHasherDefault<Passthrough>>;
    pub type RefSet = HashSet<Fingerprint, BuildHasherDefault<Passthrough>>;

    pub struct Fingerprints(RandomState);

    impl Fingerprints {
        pub fn new() -> Self {
            Fingerprints(RandomState::new())
        }

        pub fn of(&self, reference: &str) -> Fingerprint {
            let fnv = reference.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            Fingerprint {
                keyed: self.0.hash_one(reference),
                fnv,
            }
        }
    }
}

/// Largest document Baton reads. Callers refuse larger files by their size, before reading them.
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// Recognises the format of a decoded document from its content (never its file name):
/// CycloneDX JSON has a `bomFormat` key; CycloneDX XML has a root `bom` in a
/// `http://cyclonedx.org/schema/bom/…` namespace (the reader then requires `1.x`); SPDX JSON has
/// `spdxVersion`; SPDX 3 JSON-LD has an `@context` naming `spdx.org/rdf/3.0`; tag-value has a
/// `SPDXVersion:` line and YAML a `spdxVersion:` line. In JSON the key found first wins.
pub fn detect(text: &str) -> Option<SbomFormat> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    match t.as_bytes().first()? {
        b'{' => detect_json(t),
        b'<' => detect_xml(t).then_some(SbomFormat::CycloneDxXml),
        _ => detect_lines(t),
    }
}

fn detect_json(t: &str) -> Option<SbomFormat> {
    // Each later key is only looked for before the best one so far, so a large CycloneDX file
    // with `bomFormat` near its start is not scanned to the end for SPDX keys.
    let mut best = json_key(t, "bomFormat").map(|at| (at, SbomFormat::CycloneDxJson));
    let limit = |best: &Option<(usize, SbomFormat)>| best.map_or(t.len(), |(at, _)| at);
    if let Some(at) = json_key(&t[..limit(&best)], "spdxVersion") {
        best = Some((at, SbomFormat::SpdxJson));
    }
    let mut from = 0;
    while let Some(at) = json_key(&t[from..limit(&best)], "@context").map(|at| from + at) {
        let window = &t.as_bytes()[at..t.len().min(at + 4096)];
        if memchr::memmem::find(window, b"spdx.org/rdf/3.0").is_some() {
            best = Some((at, SbomFormat::Spdx3JsonLd));
            break;
        }
        from = at;
    }
    best.map(|(_, format)| format)
}

/// Offset just past the first `"key"` used as an object key (followed by `:`).
fn json_key(t: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let finder = memchr::memmem::Finder::new(quoted.as_bytes());
    let mut from = 0;
    while let Some(found) = finder.find(&t.as_bytes()[from..]) {
        let end = from + found + quoted.len();
        if t[end..].trim_start().starts_with(':') {
            return Some(end);
        }
        from = end;
    }
    None
}

/// Whether the root element is a `bom` in a CycloneDX namespace; the prolog (declaration,
/// comments, processing instructions, a DOCTYPE) is skipped so the reader can refuse a DOCTYPE
/// itself with a clear message.
fn detect_xml(t: &str) -> bool {
    let mut rest = t;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            let Some(end) = r.find("?>") else {
                return false;
            };
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let Some(end) = r.find("-->") else {
                return false;
            };
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<!") {
            // A DOCTYPE, whose internal subset may contain `>`.
            let end = match (r.find('['), r.find('>')) {
                (Some(open), Some(close)) if open < close => r[open..]
                    .find("]")
                    .and_then(|c| r[open + c..].find('>').map(|g| open + c + g)),
                (_, close) => close,
            };
            let Some(end) = end else { return false };
            rest = &r[end + 1..];
        } else {
            break;
        }
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let name = tag
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default();
    let local = name.rsplit(':').next().unwrap_or_default();
    local == "bom" && tag.contains("http://cyclonedx.org/schema/bom/")
}

fn detect_lines(t: &str) -> Option<SbomFormat> {
    for line in t.lines() {
        let line = line.trim_start();
        if line.starts_with("SPDXVersion:") {
            return Some(SbomFormat::SpdxTagValue);
        }
        if ["spdxVersion:", "\"spdxVersion\":", "'spdxVersion':"]
            .iter()
            .any(|k| line.starts_with(k))
        {
            return Some(SbomFormat::SpdxYaml);
        }
    }
    None
}

/// Reads an SBOM file: decodes its bytes, recognises its format and parses it.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, SbomError> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_DOCUMENT_BYTES {
        return Err(SbomError {
            location: file.to_string(),
            message: format!(
                "{} bytes is more than the {MAX_DOCUMENT_BYTES} bytes Baton reads",
                bytes.len()
            ),
        });
    }
    let text = decode::decode_cow(file, bytes)?;
    let Some(format) = detect(&text) else {
        let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let message = match trimmed.as_bytes().first() {
            None => "the file is empty".to_string(),
            Some(b'{') => "a JSON document, but not an SBOM: it has no `bomFormat` (CycloneDX), `spdxVersion` \
                           (SPDX 2) or SPDX 3 `@context`"
                .to_string(),
            Some(b'<') => "an XML document, but not CycloneDX: the root is not a <bom> in a \
                           http://cyclonedx.org/schema/bom/1.x namespace"
                .to_string(),
            Some(_) => "not a recognised SBOM (CycloneDX JSON or XML, SPDX JSON, tag-value or YAML, SPDX 3 JSON-LD)"
                .to_string(),
        };
        return Err(SbomError {
            location: file.to_string(),
            message,
        });
    };
    match format {
        SbomFormat::CycloneDxJson => cyclonedx::parse_json(file, &text),
        SbomFormat::CycloneDxXml => cyclonedx::parse_xml(file, &text),
        SbomFormat::SpdxJson => spdx::parse_json(file, &text),
        SbomFormat::SpdxTagValue => spdx::parse_tag_value(file, &text),
        SbomFormat::SpdxYaml => spdx::parse_yaml(file, &text),
        SbomFormat::Spdx3JsonLd => spdx3::parse_jsonld(file, &text),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn detects_each_format() {
        assert_eq!(
            detect(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#),
            Some(SbomFormat::CycloneDxJson)
        );
        assert_eq!(
            detect("\u{feff}  {\"components\": [], \"bomFormat\" : \"CycloneDX\"}"),
            Some(SbomFormat::CycloneDxJson)
        );
        assert_eq!(
            detect(r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}"#),
            Some(SbomFormat::SpdxJson)
        );
        assert_eq!(
            detect(
                r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#
            ),
            Some(SbomFormat::Spdx3JsonLd)
        );
        assert_eq!(
            detect("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n"),
            Some(SbomFormat::SpdxTagValue)
        );
        assert_eq!(
            detect("## comment\nSPDXVersion: SPDX-2.2\n"),
            Some(SbomFormat::SpdxTagValue)
        );
        assert_eq!(
            detect("---\nspdxVersion: SPDX-2.3\nname: x\n"),
            Some(SbomFormat::SpdxYaml)
        );
        assert_eq!(
            detect(
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\" version=\"1\"/>"
            ),
            Some(SbomFormat::CycloneDxXml)
        );
        assert_eq!(
            detect("<cdx:bom xmlns:cdx=\"http://cyclonedx.org/schema/bom/1.6\"></cdx:bom>"),
            Some(SbomFormat::CycloneDxXml)
        );
        assert_eq!(
            detect(
                "<!DOCTYPE bom [<!ENTITY x \"<y>\">]><bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>"
            ),
            Some(SbomFormat::CycloneDxXml)
        );
    }

    #[test]
    fn detects_keys_not_values() {
        // A string value mentioning a key name does not make a format.
        assert_eq!(
            detect(r#"{"note": "bomFormat", "spdxVersion": "SPDX-2.3"}"#),
            Some(SbomFormat::SpdxJson)
        );
        // The first real key wins.
        assert_eq!(
            detect(r#"{"bomFormat": "CycloneDX", "x": {"spdxVersion": "SPDX-2.3"}}"#),
            Some(SbomFormat::CycloneDxJson)
        );
        assert_eq!(
            detect(r#"{"@context": "https://openvex.dev/ns/v0.2.0"}"#),
            None
        );
    }

    #[test]
    fn rejects_what_is_not_an_sbom() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("{\"name\": \"x\"}"), None);
        assert_eq!(detect("[1, 2]"), None);
        assert_eq!(
            detect("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>"),
            None
        );
        assert_eq!(detect("<bom/>"), None);
        assert_eq!(detect("hello\nworld\n"), None);
    }

    #[test]
    fn parse_reports_unrecognised_documents() {
        let err = parse("x.json", b"{\"name\": \"x\"}").unwrap_err();
        assert_eq!(err.location, "x.json");
        assert!(err.message.contains("not an SBOM"), "{}", err.message);
        let err = parse("x", b"").unwrap_err();
        assert!(err.message.contains("empty"), "{}", err.message);
        let err = parse("x.xml", b"<html/>").unwrap_err();
        assert!(err.message.contains("not CycloneDX"), "{}", err.message);
    }
}
