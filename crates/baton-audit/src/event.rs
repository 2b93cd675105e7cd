//! Audit events: what one leaf of the log says happened.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{AuditError, canonical_json, hex};

/// One change to the audit log: who did what to which records, when.
///
/// The leaf stored in the log is [`leaf_bytes`]: the canonical JSON of this struct, every field
/// present (`organization` and digests as `null` when absent), members sorted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// Who acted: a user name, a token's name, or a system actor such as `baton-cli`.
    pub actor: String,
    /// The organization the actor acted for, when there is one.
    pub organization: Option<String>,
    /// When, as RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    pub time: String,
    /// What was done, a short machine name such as `import.inventory` or `vex.decide`.
    pub action: String,
    /// What it was done to: a file name, a release, a user.
    pub target: String,
    /// The records written, each with digests of its content before and after.
    pub changes: Vec<RecordChange>,
    /// Anything else worth keeping (counts, a refusal's reason); any JSON.
    pub detail: Value,
}

/// One record written by an event, named by table and natural key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordChange {
    /// The table (or kind of record).
    pub table: String,
    /// The record's natural key as text.
    pub key: String,
    /// [`record_digest`] of the record before the change; `None` when it was created.
    pub before: Option<String>,
    /// [`record_digest`] of the record after the change; `None` when it was deleted.
    pub after: Option<String>,
}

impl AuditEvent {
    /// Checks the shapes this crate promises: `time` is RFC 3339 UTC and every digest is 64
    /// lowercase hex digits.
    ///
    /// # Errors
    ///
    /// [`AuditError::InvalidEvent`] naming the first field that is wrong.
    pub fn validate(&self) -> Result<(), AuditError> {
        if !is_rfc3339_utc(&self.time) {
            return Err(AuditError::InvalidEvent(format!(
                "time {:?} is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SS[.f]Z)",
                self.time
            )));
        }
        for (i, change) in self.changes.iter().enumerate() {
            for (side, digest) in [("before", &change.before), ("after", &change.after)] {
                if let Some(digest) = digest
                    && !hex::is_sha256_hex(digest)
                {
                    return Err(AuditError::InvalidEvent(format!(
                        "changes[{i}].{side} {digest:?} is not a SHA-256 digest in lowercase hex"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Reads a leaf back and checks it is exactly the canonical form of a valid event: the same
    /// bytes [`leaf_bytes`] would write, so an edited row cannot hide behind reformatting.
    ///
    /// # Errors
    ///
    /// [`AuditError::Json`] when the bytes are not JSON of an event,
    /// [`AuditError::NotCanonical`] when they are but not in canonical form,
    /// [`AuditError::InvalidEvent`] when [`AuditEvent::validate`] fails.
    pub fn from_leaf(bytes: &[u8]) -> Result<Self, AuditError> {
        let event: AuditEvent = serde_json::from_slice(bytes)?;
        if leaf_bytes(&event) != bytes {
            return Err(AuditError::NotCanonical);
        }
        event.validate()?;
        Ok(event)
    }
}

/// SHA-256, in lowercase hex, of the canonical JSON of a record: what [`RecordChange`] keeps as
/// `before` and `after`.
pub fn record_digest(record: &Value) -> String {
    let digest = Sha256::digest(canonical_or_stringify(record).as_bytes());
    hex::encode(&digest)
}

/// The bytes of the log leaf for `event`: its canonical JSON.
pub fn leaf_bytes(event: &AuditEvent) -> Vec<u8> {
    canonical_text(event).into_bytes()
}

/// The canonical JSON of `event` as text (also the SIEM JSON line).
pub(crate) fn canonical_text(event: &AuditEvent) -> String {
    match serde_json::to_value(event) {
        Ok(value) => canonical_or_stringify(&value),
        // Serializing plain strings, options, vectors and a `Value` cannot fail; if it ever
        // did, an empty leaf is what verification would then refuse.
        Err(_) => String::new(),
    }
}

/// Canonical JSON, or — for the NaN/infinity a `serde_json::Value` cannot actually hold — the
/// `null` that ECMAScript's `JSON.stringify` writes, so digests stay total functions.
fn canonical_or_stringify(value: &Value) -> String {
    match canonical_json(value) {
        Ok(text) => text,
        Err(_) => canonical_json(&without_non_finite(value)).unwrap_or_default(),
    }
}

fn without_non_finite(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.as_u64().is_none() && n.as_i64().is_none() => match n.as_f64() {
            Some(f) if f.is_finite() => value.clone(),
            _ => Value::Null,
        },
        Value::Array(items) => Value::Array(items.iter().map(without_non_finite).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), without_non_finite(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a real calendar date and time (leap second allowed).
pub(crate) fn is_rfc3339_utc(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(
                part.iter()
                    .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
            )
        } else {
            None
        }
    };
    let shape = b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    let fraction = &b[19..b.len() - 1];
    let fraction_ok = fraction.is_empty()
        || (fraction.len() >= 2
            && fraction[0] == b'.'
            && fraction[1..].iter().all(u8::is_ascii_digit));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    shape
        && fraction_ok
        && (1..=month_days).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> AuditEvent {
        AuditEvent {
            actor: "alice".into(),
            organization: Some("General Hospital".into()),
            time: "2026-03-01T10:00:00Z".into(),
            action: "vex.decide".into(),
            target: "release 7".into(),
            changes: vec![RecordChange {
                table: "decisions".into(),
                key: "7/CVE-2026-0001".into(),
                before: None,
                after: Some(record_digest(&json!({"status": "not_affected"}))),
            }],
            detail: json!({"b": 1, "a": [1.5, "x"]}),
        }
    }

    #[test]
    fn leaf_is_canonical_and_reads_back() {
        let e = event();
        let bytes = leaf_bytes(&e);
        let text = String::from_utf8(bytes.clone()).unwrap_or_default();
        assert!(
            text.starts_with(r#"{"action":"vex.decide","actor":"alice","changes":[{"after":""#)
        );
        assert!(text.ends_with(r#""time":"2026-03-01T10:00:00Z"}"#));
        assert!(text.contains(r#""detail":{"a":[1.5,"x"],"b":1}"#));
        assert_eq!(AuditEvent::from_leaf(&bytes).ok(), Some(e));
    }

    #[test]
    fn reformatted_or_extended_leaves_are_refused() {
        let bytes = leaf_bytes(&event());
        let pretty = serde_json::to_vec_pretty(&event()).unwrap_or_default();
        assert!(matches!(
            AuditEvent::from_leaf(&pretty),
            Err(AuditError::NotCanonical)
        ));
        let mut extra: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if let Some(members) = extra.as_object_mut() {
            members.insert("zzz".into(), json!(1));
        }
        let extra = canonical_json(&extra).unwrap_or_default();
        assert!(matches!(
            AuditEvent::from_leaf(extra.as_bytes()),
            Err(AuditError::Json(_))
        ));
        let mut missing: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if let Some(members) = missing.as_object_mut() {
            members.remove("organization");
        }
        let missing = canonical_json(&missing).unwrap_or_default();
        assert!(AuditEvent::from_leaf(missing.as_bytes()).is_err());
    }

    #[test]
    fn validation() {
        let mut e = event();
        assert!(e.validate().is_ok());
        e.time = "2026-02-30T10:00:00Z".into();
        assert!(e.validate().is_err());
        e.time = "2026-03-01T10:00:00+01:00".into();
        assert!(e.validate().is_err());
        e.time = "2026-03-01T10:00:00.123456789Z".into();
        assert!(e.validate().is_ok());
        e.changes[0].before = Some("ABC".into());
        assert!(matches!(e.validate(), Err(AuditError::InvalidEvent(_))));
    }

    #[test]
    fn rfc3339_utc_shapes() {
        for good in [
            "2024-02-29T23:59:60Z",
            "2026-01-01T00:00:00.5Z",
            "1999-12-31T23:59:59Z",
        ] {
            assert!(is_rfc3339_utc(good), "{good}");
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T24:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-1-01T00:00:00Z",
            "",
        ] {
            assert!(!is_rfc3339_utc(bad), "{bad}");
        }
    }

    #[test]
    fn record_digest_ignores_member_order() {
        assert_eq!(
            record_digest(&json!({"a": 1, "b": 2})),
            record_digest(&json!({"b": 2, "a": 1}))
        );
        // SHA-256 of "{}".
        assert_eq!(
            record_digest(&json!({})),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }
}
