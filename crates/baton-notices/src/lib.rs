//! Readers for machine-readable lifecycle notices: the dates a manufacturer or supplier
//! publishes for the end of sale, end of support and end of life of a product, in three formats,
//! read into one model and mapped to the IMDRF N70 milestones that move a device between
//! stages (EOL starts Limited Support, EOS starts End of Support).
//!
//! Bytes in, typed notices out: no I/O, no clock. [`parse`] detects the format, and returns
//! one [`Notice`] per product statement it finds (an OpenEoX shell statement, a CLE version set,
//! a CycloneDX component with lifecycle properties), or a [`NoticeError`] naming the file and
//! the JSON pointer of the problem. Problems that leave the rest readable are [`Warning`]s on
//! the notice; a milestone whose date cannot be read is kept with no effective day
//! ([`When::Unreadable`]), because an event that cannot be evaluated must not be read as
//! "does not apply".
//!
//! # Mapping to N70
//!
//! | format | N70 EOL ([`Mapped::Eol`]) | N70 EOS ([`Mapped::Eos`]) | end of all support ([`Mapped::EndOfLife`]) | [`Mapped::GeneralAvailability`] |
//! |---|---|---|---|---|
//! | OpenEoX core / shell | `end_of_sales` | `end_of_security_support` | `end_of_life` | `general_availability` |
//! | CLE (ECMA-428) | `endOfMarketing`, `endOfDistribution` | `endOfSupport` | `endOfLife` | `released` |
//! | CycloneDX properties | `cdx:lifecycle:milestone:endOfMarketing`, `…:endOfProduction` | `…:endOfSupport`, `cdx:fda:end-of-support-date` | `…:endOfLife`, `cdx:fda:end-of-life-date` | `…:generalAvailability` |
//!
//! Everything else (CLE `endOfDevelopment`, `supersededBy`, `componentRenamed`, CycloneDX
//! `endOfDevelopment`, `endOfGuaranteedSupport`, `endOfBusinessOperations`, unknown names) is
//! kept as [`Mapped::Other`] under its source name.
//!
//! "End of life" in these formats is the end of *all* support, usually after the end of
//! security support; N70's EOL is the end of sale. It is kept beside EOL and EOS, never
//! merged into either.
//!
//! # Dates
//!
//! Timestamps are converted to UTC, then their day is taken. OpenEoX gives the *last* day of a
//! state, so its end milestones take effect the next day ([`NoticeMilestone::effective`]);
//! CLE `effective` and CycloneDX dates take effect on their own day, as Baton's milestones do.
//! `"tba"` (announced, date unknown) is [`When::Tba`]. When several events map to the same
//! milestone, [`Notice::eol`] and [`Notice::eos`] give the earliest.
//!
//! # Limits
//!
//! Documents over [`MAX_BYTES`] are refused before parsing; nesting is bounded by
//! serde_json's recursion limit (128), reported as [`NoticeError::TooDeep`].

mod cle;
mod cyclonedx;
mod dates;
mod error;
mod json;
mod model;
mod openeox;

use serde_json::{Map, Value};

pub use error::NoticeError;
pub use model::{Mapped, Notice, NoticeFormat, NoticeMilestone, ProductRef, Warning, When};

use json::{Reader, kind};

/// The largest document [`parse`] reads: 64 MiB.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Reads a lifecycle notice document (CycloneDX JSON, CLE, OpenEoX core or shell).
///
/// `file` names the document in errors. A shell or CLE document may yield several notices (one
/// per statement or version set); a CycloneDX BOM yields one per component with lifecycle
/// properties, which may be none.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Vec<Notice>, NoticeError> {
    if bytes.len() > MAX_BYTES {
        return Err(NoticeError::TooLarge {
            file: file.to_owned(),
            size: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    // Editors on Windows often save JSON with a byte-order mark, which serde_json rejects.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|e| json_error(file, &e))?;
    let r = Reader { file };
    let Value::Object(root) = &value else {
        return Err(NoticeError::UnknownFormat {
            file: file.to_owned(),
            pointer: String::new(),
            found: kind(&value).to_owned(),
        });
    };
    match detect(root) {
        Some(NoticeFormat::CycloneDx) => cyclonedx::read(r, root),
        Some(NoticeFormat::Cle) => cle::read(r, root),
        Some(NoticeFormat::OpenEoxCore) => openeox::core(r, root),
        Some(NoticeFormat::OpenEoxShell) => openeox::shell(r, root),
        None => Err(NoticeError::UnknownFormat {
            file: file.to_owned(),
            pointer: String::new(),
            found: describe_keys(root),
        }),
    }
}

/// The format of a document's root object: by `bomFormat` or `$schema` first, then by shape
/// for documents whose `$schema` is missing or unfamiliar.
fn detect(root: &Map<String, Value>) -> Option<NoticeFormat> {
    if root.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return Some(NoticeFormat::CycloneDx);
    }
    if let Some(schema) = root.get("$schema").and_then(Value::as_str) {
        let schema = schema.to_ascii_lowercase();
        let words: Vec<&str> = schema.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        if words.contains(&"openeox") {
            if words.contains(&"shell") {
                return Some(NoticeFormat::OpenEoxShell);
            }
            if words.contains(&"core") {
                return Some(NoticeFormat::OpenEoxCore);
            }
        }
        if words.contains(&"cyclonedx") {
            return Some(NoticeFormat::CycloneDx);
        }
        if words.contains(&"cle") || schema.contains("ecma-428") || schema.contains("ecma428") {
            return Some(NoticeFormat::Cle);
        }
    }
    // OpenVEX also has `statements`; only OpenEoX statements carry a `core`.
    let shell_like = root
        .get("statements")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|st| st.get("core").is_some()));
    if shell_like {
        return Some(NoticeFormat::OpenEoxShell);
    }
    if ["end_of_life", "end_of_security_support", "end_of_sales"]
        .iter()
        .any(|k| root.contains_key(*k))
    {
        return Some(NoticeFormat::OpenEoxCore);
    }
    if root.get("events").is_some_and(Value::is_array) {
        return Some(NoticeFormat::Cle);
    }
    None
}

fn describe_keys(root: &Map<String, Value>) -> String {
    const SHOWN: usize = 6;
    if root.is_empty() {
        return "an empty object".into();
    }
    // Sorted, so the message does not depend on whether serde_json keeps insertion order.
    let mut keys: Vec<&str> = root.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys.truncate(SHOWN);
    if root.len() > SHOWN {
        keys.push("…");
    }
    format!("an object with keys {}", keys.join(", "))
}

fn json_error(file: &str, e: &serde_json::Error) -> NoticeError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    // serde_json reports its nesting limit only through the message text.
    if message == "recursion limit exceeded" {
        return NoticeError::TooDeep {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
        };
    }
    NoticeError::NotJson {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: message.to_owned(),
    }
}

/// Puts a notice's milestones in effective-day order (undated last, ties in source order).
pub(crate) fn finish(mut notice: Notice) -> Notice {
    notice.milestones.sort_by_key(model::order_key);
    notice
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detect_json(v: &Value) -> Option<NoticeFormat> {
        detect(v.as_object().unwrap())
    }

    #[test]
    fn detection() {
        assert_eq!(
            detect_json(&json!({"bomFormat": "CycloneDX", "specVersion": "1.6"})),
            Some(NoticeFormat::CycloneDx)
        );
        assert_eq!(
            detect_json(
                &json!({"$schema": "https://docs.oasis-open.org/openeox/tbd/schema/shell.json"})
            ),
            Some(NoticeFormat::OpenEoxShell)
        );
        assert_eq!(
            detect_json(
                &json!({"$schema": "https://docs.oasis-open.org/openeox/v1.0/schema/core.json"})
            ),
            Some(NoticeFormat::OpenEoxCore)
        );
        assert_eq!(
            detect_json(&json!({"$schema": "https://TODO/cle.v1.0.0.json"})),
            Some(NoticeFormat::Cle)
        );
        assert_eq!(
            detect_json(&json!({"$schema": "https://example.com/article.json"})),
            None
        );
        assert_eq!(detect_json(&json!({"events": []})), Some(NoticeFormat::Cle));
        assert_eq!(
            detect_json(&json!({"end_of_life": "tba"})),
            Some(NoticeFormat::OpenEoxCore)
        );
        assert_eq!(
            detect_json(&json!({"statements": [{"core": {}}]})),
            Some(NoticeFormat::OpenEoxShell)
        );
        // An OpenVEX document is not a shell.
        assert_eq!(
            detect_json(
                &json!({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"status": "fixed"}]})
            ),
            None
        );
    }

    #[test]
    fn json_errors_are_classified() {
        let e = parse("x.json", b"{\"a\": ").unwrap_err();
        assert!(matches!(e, NoticeError::NotJson { line: 1, .. }), "{e}");
        assert!(!e.to_string().contains(" at line "), "{e}");
        let deep = "[".repeat(200);
        let e = parse("x.json", deep.as_bytes()).unwrap_err();
        assert!(matches!(e, NoticeError::TooDeep { .. }), "{e}");
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let doc = b"\xEF\xBB\xBF{\"$schema\": \"https://docs.oasis-open.org/openeox/v1.0/schema/core.json\", \"end_of_life\": \"tba\", \"end_of_security_support\": \"tba\", \"last_updated\": \"2025-01-01T00:00:00Z\"}";
        assert_eq!(parse("x.json", doc).unwrap().len(), 1);
    }
}
