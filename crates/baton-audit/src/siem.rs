//! Lines for a SIEM: the event as one JSON line, or as an RFC 5424 syslog message.

use crate::event::{AuditEvent, canonical_text, is_rfc3339_utc};

/// The structured-data id of Baton's syslog element. 32473 is the private enterprise number
/// RFC 5612 reserves for documentation; a deployment with its own number can rewrite the id.
pub const SD_ID: &str = "baton@32473";

/// PRI for facility authpriv (10) and severity notice (5): 10 × 8 + 5.
const PRI: u8 = 85;

/// The event as one line of JSON (its canonical form, the same bytes as its log leaf), without
/// a trailing newline. Control characters are escaped, so it never spans lines.
pub fn to_json_line(event: &AuditEvent) -> String {
    canonical_text(event)
}

/// The event as an RFC 5424 syslog message, without a trailing newline:
///
/// ```text
/// <85>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [baton@32473 actor="…" organization="…" action="…" target="…"] JSON
/// ```
///
/// TIMESTAMP is the event's time (fraction cut to the 6 digits RFC 5424 allows; `-` when the
/// time is not RFC 3339 UTC); HOSTNAME, APP-NAME and MSGID (the action) keep only printable
/// US-ASCII and are cut to 255, 48 and 32 characters, `-` when empty. Parameter values escape
/// `"`, `\` and `]` with a backslash; control characters in them become spaces so the message
/// stays on one line (the JSON MSG keeps them exactly).
pub fn to_syslog_5424(event: &AuditEvent, hostname: &str, app: &str) -> String {
    let mut out = format!(
        "<{PRI}>1 {} {} {} - {} [{SD_ID}",
        syslog_timestamp(&event.time),
        header_field(hostname, 255),
        header_field(app, 48),
        header_field(&event.action, 32),
    );
    push_param(&mut out, "actor", &event.actor);
    if let Some(organization) = &event.organization {
        push_param(&mut out, "organization", organization);
    }
    push_param(&mut out, "action", &event.action);
    push_param(&mut out, "target", &event.target);
    out.push_str("] ");
    out.push_str(&to_json_line(event));
    out
}

fn syslog_timestamp(time: &str) -> String {
    if !is_rfc3339_utc(time) {
        return "-".to_owned();
    }
    // YYYY-MM-DDTHH:MM:SS is 19 bytes; then an optional fraction, then Z.
    let fraction = &time[19..time.len() - 1];
    if fraction.len() <= 7 {
        return time.to_owned();
    }
    format!("{}{}Z", &time[..19], &fraction[..7])
}

fn header_field(value: &str, max: usize) -> String {
    let kept: String = value
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max)
        .collect();
    if kept.is_empty() {
        "-".to_owned()
    } else {
        kept
    }
}

fn push_param(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        match c {
            '"' | '\\' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::RecordChange;
    use serde_json::json;

    fn event() -> AuditEvent {
        AuditEvent {
            actor: "bob \"the\" [admin]\\".into(),
            organization: None,
            time: "2026-03-01T10:00:00.123456789Z".into(),
            action: "user.login".into(),
            target: "line\nbreak".into(),
            changes: vec![RecordChange {
                table: "sessions".into(),
                key: "1".into(),
                before: None,
                after: None,
            }],
            detail: json!({"ok": true}),
        }
    }

    #[test]
    fn json_line_is_one_line() {
        let line = to_json_line(&event());
        assert!(!line.contains('\n'));
        assert!(line.starts_with("{\"action\":\"user.login\""));
        let back: AuditEvent = serde_json::from_str(&line).unwrap();
        assert_eq!(back, event());
    }

    #[test]
    fn syslog_layout_and_escaping() {
        let line = to_syslog_5424(&event(), "db host", "baton");
        let expected_head = "<85>1 2026-03-01T10:00:00.123456Z dbhost baton - user.login [baton@32473 \
             actor=\"bob \\\"the\\\" [admin\\]\\\\\" action=\"user.login\" target=\"line break\"] {";
        assert!(line.starts_with(expected_head), "{line}");
        assert!(line.ends_with(&to_json_line(&event())));
        assert!(!line.contains('\n'));
    }

    #[test]
    fn syslog_fallbacks() {
        let mut e = event();
        e.time = "yesterday".into();
        e.action = String::new();
        e.organization = Some("St. Mary's".into());
        let line = to_syslog_5424(&e, "", "\u{e9}");
        assert!(
            line.starts_with("<85>1 - - - - - [baton@32473 actor="),
            "{line}"
        );
        assert!(line.contains(" organization=\"St. Mary's\""));
        e.time = "2026-03-01T10:00:00Z".into();
        assert!(to_syslog_5424(&e, "h", "a").starts_with("<85>1 2026-03-01T10:00:00Z h a - "));
        e.time = "2026-03-01T10:00:00.5Z".into();
        assert!(to_syslog_5424(&e, "h", "a").starts_with("<85>1 2026-03-01T10:00:00.5Z h a - "));
        assert!(
            to_syslog_5424(&e, &"x".repeat(300), "a").contains(&format!(" {} a ", "x".repeat(255)))
        );
    }
}
