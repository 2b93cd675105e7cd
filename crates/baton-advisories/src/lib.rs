//! Advisory readers. Bytes in, advisories out: [`parse`] recognises CSAF 2.0 (security
//! advisories, VEX and the other profiles), OpenVEX, CycloneDX VEX (JSON, 1.4 – 1.6, or an SBOM
//! with vulnerabilities), OSV (JSON or YAML), NVD CVE API 2.0 (a page or one record) and CVE
//! JSON 5 by content, never by file name, and reads them into one
//! [`Advisory`] model in which a vulnerability id is kept apart from the advisories that speak of
//! it. [`parse_kev`] reads the CISA KEV catalog and [`parse_epss`] FIRST's EPSS scores.
//!
//! Reading is lenient: an odd field becomes a [`Warning`] located by JSON pointer and the rest
//! of the document is still read; only a document that cannot be read at all is an
//! [`AdvisoryError`], which names the file and the place. Files that are not advisories
//! (READMEs, checksums, signatures, feeds) give [`AdvisoryError::NotAnAdvisory`] so that a
//! directory scan can skip them.
//!
//! Version data is kept raw (OSV ranges and versions, NVD configuration trees, CVE 5 version
//! lists, CSAF `product_version_range` text): evaluating it is the version engine's work.

mod csaf;
mod cve5;
pub mod cvss_vector;
mod cyclonedx;
mod epss;
mod json;
mod kev;
mod model;
mod nvd;
mod openvex;
mod osv;
mod typed;
mod vendor;
mod yaml;

pub use epss::{EpssEntry, EpssScores, parse_epss};
pub use kev::{KevCatalog, KevEntry, parse_kev};
pub use model::*;
pub use osv::{OsvPackage, osv_packages};
pub use vendor::{
    VENDOR_ALIASES, VendorAlias, canonical_vendor, normalize_vendor, repair_mojibake, same_vendor,
    vendor_alias, vendor_key, vendors_in,
};

use serde_json::Value;
use std::io::Read;

/// Largest document read, before or after gzip inflation. The largest advisory in the corpora,
/// Red Hat's CSAF VEX for RHSA-2020:1358, is 1.2 MB; a full NVD API page (2,000 CVEs) at the
/// 4 KB per CVE of vunnel's sample page is about 9 MB.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads one file. `file` is only used to name the file in errors.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, AdvisoryError> {
    let bytes = inflate(file, bytes)?;
    let text = text_of(file, &bytes)?;
    let trimmed = text.trim_start();
    match trimmed.as_bytes().first() {
        Some(b'{') => {
            // Most files of an advisory corpus are clean OSV records: read those without a
            // JSON tree, and everything else (or anything odd) with the general reader.
            if let Some(advisory) = osv::read_fast(text) {
                return Ok(Parsed {
                    format: Format::OsvJson,
                    advisories: vec![advisory],
                    warnings: Vec::new(),
                });
            }
            let root = json_root(file, text)?;
            read_tree(file, &root, false)
        }
        // A JSON array starts `[{`, `[[` or is `[]`; text such as Debian's DSA list
        // (`[01 Aug 2002] DSA-141 …`) only looks like one.
        Some(b'[')
            if matches!(
                trimmed
                    .get(1..)
                    .unwrap_or_default()
                    .trim_start()
                    .as_bytes()
                    .first(),
                Some(b'{' | b'[' | b']')
            ) =>
        {
            let root = json_root(file, text)?;
            read_tree(file, &root, false)
        }
        Some(_) if looks_like_yaml_record(text) => {
            let doc =
                yaml::read(text).map_err(|(line, column, message)| AdvisoryError::Syntax {
                    file: file.to_string(),
                    line,
                    column,
                    message: format!("YAML: {message}"),
                })?;
            let mut parsed = read_tree(file, &doc.root, true)?;
            if doc.more_documents {
                parsed.warnings.push(Warning {
                    kind: WarningKind::Inconsistent,
                    location: String::new(),
                    message:
                        "the YAML stream holds more than one document; only the first was read"
                            .to_string(),
                });
            }
            Ok(parsed)
        }
        Some(_) => Err(not_advisory(file, describe_text(trimmed))),
        None => Err(not_advisory(file, "the file is empty".to_string())),
    }
}

fn not_advisory(file: &str, reason: String) -> AdvisoryError {
    AdvisoryError::NotAnAdvisory {
        file: file.to_string(),
        reason,
    }
}

/// Inflates gzip (recognised by its magic bytes), refusing more than [`MAX_DOCUMENT_BYTES`]
/// either way so that a small bomb cannot fill memory.
pub(crate) fn inflate<'a>(
    file: &str,
    bytes: &'a [u8],
) -> Result<std::borrow::Cow<'a, [u8]>, AdvisoryError> {
    let too_large = |size: u64| AdvisoryError::TooLarge {
        file: file.to_string(),
        size,
        limit: MAX_DOCUMENT_BYTES,
    };
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| AdvisoryError::Gzip {
            file: file.to_string(),
            message: e.to_string(),
        })?;
    if out.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_large(out.len() as u64));
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// UTF-8 text without a byte-order mark; anything else is not an advisory (every format read
/// here is UTF-8 JSON, YAML or CSV).
pub(crate) fn text_of<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, AdvisoryError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        not_advisory(
            file,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// JSON with serde_json's nesting limit (128), so deep input is an error, not a stack overflow.
pub(crate) fn json_root(file: &str, text: &str) -> Result<Value, AdvisoryError> {
    serde_json::from_str::<Value>(text).map_err(|e| AdvisoryError::Syntax {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: match e.classify() {
            serde_json::error::Category::Eof => format!("JSON ends early (truncated?): {e}"),
            _ => format!("JSON: {e}"),
        },
    })
}

/// Whether text that is not JSON could be an OSV or OpenVEX YAML record: a top-level `id:`,
/// `modified:`, `affected:`, `schema_version:` or `statements:` key. Other text (READMEs,
/// checksums, signatures, CSV) is not an advisory.
fn looks_like_yaml_record(text: &str) -> bool {
    text.lines().take(200).any(|l| {
        [
            "id:",
            "modified:",
            "affected:",
            "schema_version:",
            "statements:",
        ]
        .iter()
        .any(|k| l.starts_with(k))
    })
}

fn describe_text(t: &str) -> String {
    let first = t.lines().next().unwrap_or_default();
    if t.starts_with("-----BEGIN PGP") {
        "an OpenPGP signature".to_string()
    } else if first.len() >= 64
        && first
            .split_whitespace()
            .next()
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        "a checksum file".to_string()
    } else if first.starts_with("#model_version") || first.starts_with("cve,epss") {
        "an EPSS score file (read it with parse_epss)".to_string()
    } else if t.starts_with('<') && t.contains("cyclonedx.org/schema/bom") {
        "CycloneDX XML (only CycloneDX JSON is read as VEX; convert it to JSON)".to_string()
    } else if first.starts_with('#') {
        "Markdown or plain text".to_string()
    } else {
        "text that is neither JSON nor an OSV/OpenVEX YAML record".to_string()
    }
}

/// Which format a JSON tree is, by its keys.
fn read_tree(file: &str, root: &Value, yaml: bool) -> Result<Parsed, AdvisoryError> {
    let osv_format = if yaml {
        Format::OsvYaml
    } else {
        Format::OsvJson
    };
    let obj = match root {
        Value::Object(o) => o,
        Value::Array(items) => {
            // An array of OSV records (as OSV exports and queries return them).
            let all_osv = !items.is_empty()
                && items.iter().all(|i| {
                    i.as_object()
                        .is_some_and(|o| o.contains_key("id") && o.contains_key("modified"))
                });
            if !all_osv {
                return Err(not_advisory(
                    file,
                    "a JSON array that is not a list of OSV records".to_string(),
                ));
            }
            let mut advisories = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if let Value::Object(o) = item {
                    advisories.push(osv::read(file, o, &format!("/{i}"))?);
                }
            }
            return Ok(Parsed {
                format: osv_format,
                advisories,
                warnings: Vec::new(),
            });
        }
        _ => {
            return Err(not_advisory(
                file,
                "the top level is not an object".to_string(),
            ));
        }
    };
    let one = |format: Format, a: Advisory| Parsed {
        format,
        advisories: vec![a],
        warnings: Vec::new(),
    };
    let has = |k: &str| obj.contains_key(k);
    // CycloneDX: VEX when it has vulnerabilities, else an SBOM (not an advisory).
    let cyclonedx = obj
        .get("bomFormat")
        .and_then(Value::as_str)
        .is_some_and(|f| f.eq_ignore_ascii_case("CycloneDX"));
    if cyclonedx {
        return match obj.get("vulnerabilities") {
            Some(Value::Array(v)) if !v.is_empty() => {
                Ok(one(Format::CycloneDxVex, cyclonedx::read(obj)))
            }
            None | Some(Value::Null | Value::Array(_)) => Err(not_advisory(
                file,
                "a CycloneDX SBOM without vulnerabilities".to_string(),
            )),
            Some(_) => Err(AdvisoryError::Invalid {
                file: file.to_string(),
                pointer: "/vulnerabilities".to_string(),
                message: "CycloneDX `vulnerabilities` must be an array".to_string(),
            }),
        };
    }
    let context = obj
        .get("@context")
        .and_then(Value::as_str)
        .unwrap_or_default();

    // CSAF: a `document` with CSAF keys, or any `document` beside a product tree or
    // vulnerabilities (the reader then says what is wrong with it).
    let csaf_doc = match obj.get("document") {
        Some(Value::Object(doc)) => {
            doc.contains_key("csaf_version")
                || doc.contains_key("category")
                || doc.contains_key("tracking")
        }
        Some(_) => has("product_tree") || has("vulnerabilities"),
        None => false,
    };
    if csaf_doc {
        return Ok(one(Format::Csaf, csaf::read(file, obj)?));
    }
    let statements = matches!(obj.get("statements"), Some(Value::Array(_)));
    if statements && (context.contains("openvex") || has("author") || has("@id")) {
        return Ok(one(Format::OpenVex, openvex::read(file, obj)?));
    }
    if has("cveMetadata") || obj.get("dataType").and_then(Value::as_str) == Some("CVE_RECORD") {
        return Ok(one(Format::Cve5, cve5::read(file, obj)?));
    }
    if has("catalogVersion") {
        return Err(not_advisory(
            file,
            "a CISA KEV catalog (read it with parse_kev)".to_string(),
        ));
    }
    let nvd_page = obj.get("format").and_then(Value::as_str) == Some("NVD_CVE")
        || (has("resultsPerPage") && has("vulnerabilities"));
    if nvd_page {
        let (advisories, warnings) = nvd::read_page(file, obj)?;
        return Ok(Parsed {
            format: Format::NvdApi,
            advisories,
            warnings,
        });
    }
    if let Some(Value::Object(cve)) = obj.get("cve")
        && obj.len() == 1
    {
        return Ok(one(Format::NvdApi, nvd::read_cve(file, cve, "/cve")?));
    }
    if has("id")
        && (has("sourceIdentifier") || has("vulnStatus"))
        && (has("descriptions") || has("metrics"))
    {
        return Ok(one(Format::NvdApi, nvd::read_cve(file, obj, "")?));
    }
    if has("id") && (has("modified") || has("affected") || has("schema_version")) {
        return Ok(one(osv_format, osv::read(file, obj, "")?));
    }
    Err(not_advisory(file, describe_json(obj)))
}

fn describe_json(obj: &serde_json::Map<String, Value>) -> String {
    let what = if obj.contains_key("feed") {
        "a ROLIE feed"
    } else if obj.contains_key("canonical_url") && obj.contains_key("publisher") {
        "a CSAF provider metadata document"
    } else if obj.contains_key("aggregator") {
        "a CSAF aggregator document"
    } else if obj.contains_key("$schema")
        && (obj.contains_key("properties")
            || obj.contains_key("definitions")
            || obj.contains_key("$defs"))
    {
        "a JSON schema"
    } else if obj.contains_key("bomFormat") || obj.contains_key("spdxVersion") {
        "an SBOM"
    } else if obj.contains_key("runs") && obj.contains_key("version") {
        "a SARIF report"
    } else if obj.contains_key("ghsaId") {
        "a GitHub advisory in GitHub's own format (not OSV)"
    } else {
        "JSON of no advisory format Baton reads"
    };
    what.to_string()
}
