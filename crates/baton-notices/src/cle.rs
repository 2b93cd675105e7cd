//! ECMA-428 Common Lifecycle Enumeration (CLE) 1.0: one document per component, listing
//! lifecycle events newest first, each for a set of versions (plain versions or `vers:` ranges)
//! or, with no versions, for the component as a whole.
//!
//! Reading rules:
//! - A `withdrawn` event cancels the event its `eventId` names, as if that event had never been
//!   published, unless the withdrawal is itself withdrawn. Withdrawals are applied newest first
//!   (descending `id`) so that a withdrawn withdrawal cancels nothing.
//! - Events are grouped by their version set (the specifiers as written, compared as a set);
//!   each group is one notice. Component-wide events (no versions) form their own notice with
//!   empty `versions`, meaning "every version"; Baton does not evaluate `vers:` ranges here.
//! - Warnings about the document as a whole go on the first notice only.
//! - An event that cannot be evaluated (unknown type, missing or unreadable date) is kept with a
//!   warning, never dropped: it must not be read as "does not apply".

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::dates::{self, Rule};
use crate::error::NoticeError;
use crate::json::{Ptr, Reader, Unique, non_empty};
use crate::model::{Mapped, Notice, NoticeFormat, NoticeMilestone, ProductRef, Warning};

/// CLE timestamps are UTC and take effect on their own day.
const RULE: Rule = Rule {
    last_day: false,
    timestamps: true,
};

const WITHDRAWN: &str = "withdrawn";

/// The most identifier bytes the notices of one document may repeat between them.
const MAX_REPEATED_BYTES: usize = 64 * 1024 * 1024;

/// `definitions.support[]`: policy id to its description.
type SupportPolicies = HashMap<String, Option<String>>;

/// N70 meaning of a CLE event type; `None` for a type the standard does not define.
fn mapping(kind: &str) -> Option<Mapped> {
    Some(match kind {
        "released" => Mapped::GeneralAvailability,
        "endOfMarketing" | "endOfDistribution" => Mapped::Eol,
        "endOfSupport" => Mapped::Eos,
        "endOfLife" => Mapped::EndOfLife,
        "endOfDevelopment" | "supersededBy" | "componentRenamed" => Mapped::Other,
        _ => return None,
    })
}

struct Event<'v> {
    at: Ptr,
    id: Option<u64>,
    kind: Option<&'v str>,
    effective: Option<&'v str>,
    published: Option<NaiveDate>,
    /// Specifiers as written, duplicates removed.
    versions: Vec<String>,
    event_id: Option<u64>,
    detail: Option<String>,
    renamed_to: Vec<String>,
    warnings: Vec<Warning>,
}

impl Event<'_> {
    fn is_withdrawal(&self) -> bool {
        self.kind == Some(WITHDRAWN)
    }

    /// The version set compared regardless of order.
    fn key(&self) -> Vec<String> {
        let mut key = self.versions.clone();
        key.sort();
        key
    }
}

struct Group {
    versions: Vec<String>,
    milestones: Vec<NoticeMilestone>,
    warnings: Vec<Warning>,
    published: Option<NaiveDate>,
}

fn warn(warnings: &mut Vec<Warning>, at: &Ptr, message: String) {
    warnings.push(Warning {
        location: at.as_str().to_owned(),
        message,
    });
}

pub(crate) fn read(r: Reader<'_>, root: &Map<String, Value>) -> Result<Vec<Notice>, NoticeError> {
    let at = Ptr::root();
    let mut doc_warnings = Vec::new();

    let identifiers = read_identifiers(r, root, &at)?;
    if identifiers.is_empty() {
        warn(
            &mut doc_warnings,
            &at,
            "no `identifier`: the component this document is about is not named".into(),
        );
    }
    let updated = match r.opt_str(root, "updatedAt", &at)? {
        Some(raw) => dates::announcement(raw, &at.key("updatedAt"), &mut doc_warnings),
        None => None,
    };
    let support = read_support(r, root, &at)?;
    if let Some(next) = root.get("next").filter(|v| !v.is_null()) {
        // Fetching is the caller's job: this crate does no I/O.
        warn(
            &mut doc_warnings,
            &at.key("next"),
            format!("this is one page of a paginated document; later pages ({next}) are not read"),
        );
    }

    let list = r
        .opt_array(root, "events", &at)?
        .ok_or_else(|| r.invalid(&at, "a CLE document needs an `events` array"))?;
    let mut events = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        events.push(read_event(
            r,
            v,
            &at.key("events").index(i),
            support.as_ref(),
        )?);
    }

    let mut seen = HashSet::new();
    for e in &mut events {
        if let Some(id) = e.id
            && !seen.insert(id)
        {
            let at = e.at.key("id");
            warn(
                &mut e.warnings,
                &at,
                format!(
                    "event id {id} is used more than once; a withdrawal naming it cancels every event with it"
                ),
            );
        }
    }

    let (cancelled, withdrawals) = apply_withdrawals(&events, &mut doc_warnings);
    let kept = |e: &Event<'_>| !e.is_withdrawal() && e.id.is_none_or(|id| !cancelled.contains(&id));

    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<Vec<String>, usize> = HashMap::new();
    let mut aliases = Unique::default();
    for id in identifiers.iter().skip(1) {
        aliases.push(id.clone());
    }
    for e in events.iter_mut().filter(|e| kept(e)) {
        let idx = *group_of.entry(e.key()).or_insert_with(|| {
            groups.push(Group {
                versions: e.versions.clone(),
                milestones: Vec::new(),
                warnings: Vec::new(),
                published: None,
            });
            groups.len() - 1
        });
        let group = &mut groups[idx];
        group.warnings.append(&mut e.warnings);
        let mapped = match e.kind {
            Some(kind) => mapping(kind).unwrap_or_else(|| {
                warn(
                    &mut group.warnings,
                    &e.at.key("type"),
                    format!("`{kind}` is not a CLE event type; kept as other"),
                );
                Mapped::Other
            }),
            None => {
                warn(
                    &mut group.warnings,
                    &e.at,
                    "event has no `type`; kept as other".into(),
                );
                Mapped::Other
            }
        };
        let mut m = dates::milestone(
            e.kind.unwrap_or_default(),
            mapped,
            e.effective,
            &e.at.key("effective"),
            RULE,
            e.detail.take(),
            &mut group.warnings,
        );
        m.location = e.at.as_str().to_owned();
        group.milestones.push(m);
        group.published = group.published.max(e.published);
        for alias in e.renamed_to.drain(..) {
            if identifiers.first() != Some(&alias) {
                aliases.push(alias);
            }
        }
    }
    // A withdrawal is news about the version set of the event it cancels.
    let mut by_id: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if let Some(id) = e.id {
            by_id.entry(id).or_default().push(i);
        }
    }
    for (target, published) in withdrawals {
        for &i in by_id.get(&target).into_iter().flatten() {
            if let Some(&g) = group_of.get(&events[i].key()) {
                groups[g].published = groups[g].published.max(published);
            }
        }
    }
    for e in events.iter_mut().filter(|e| e.is_withdrawal()) {
        if e.id.is_none_or(|id| !cancelled.contains(&id)) {
            doc_warnings.append(&mut e.warnings);
        }
    }

    if groups.is_empty() {
        // Still a statement about the component: it is known, with nothing (left) to say.
        groups.push(Group {
            versions: Vec::new(),
            milestones: Vec::new(),
            warnings: Vec::new(),
            published: None,
        });
    }
    let aliases = aliases.into_vec();
    // Every notice repeats the identifiers, so a hostile document with many version sets and
    // long identifiers could multiply its size; refuse rather than exhaust memory.
    let shared = identifiers
        .first()
        .into_iter()
        .chain(&aliases)
        .map(|s| s.len() + size_of::<String>())
        .sum::<usize>();
    if shared.saturating_mul(groups.len()) > MAX_REPEATED_BYTES {
        return Err(r.invalid(
            &at.key("events"),
            format!(
                "{} version sets would each repeat {shared} bytes of identifiers, more than the {MAX_REPEATED_BYTES} bytes Baton expands",
                groups.len()
            ),
        ));
    }
    // Document-wide warnings go on the first notice only, so they are neither lost nor repeated.
    let mut doc_warnings = Some(doc_warnings);
    Ok(groups
        .into_iter()
        .map(|g| {
            let mut warnings = doc_warnings.take().unwrap_or_default();
            warnings.extend(g.warnings);
            crate::finish(Notice {
                format: NoticeFormat::Cle,
                location: String::new(),
                product: ProductRef {
                    purl: identifiers.first().cloned(),
                    versions: g.versions,
                    aliases: aliases.clone(),
                    ..ProductRef::default()
                },
                milestones: g.milestones,
                announced: g.published.or(updated),
                warnings,
            })
        })
        .collect())
}

/// Cancels withdrawn events. Returns the cancelled ids and, for each applied withdrawal, the
/// id it cancelled with the withdrawal's publication day.
fn apply_withdrawals(
    events: &[Event<'_>],
    doc_warnings: &mut Vec<Warning>,
) -> (HashSet<u64>, Vec<(u64, Option<NaiveDate>)>) {
    let ids: HashSet<u64> = events.iter().filter_map(|e| e.id).collect();
    let withdrawal_ids: HashSet<u64> = events
        .iter()
        .filter(|e| e.is_withdrawal())
        .filter_map(|e| e.id)
        .collect();
    let mut order: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].is_withdrawal())
        .collect();
    // Newest first; a withdrawal without an id cannot be ordered, so it comes last.
    order.sort_by_key(|&i| Reverse(events[i].id));
    let mut cancelled = HashSet::new();
    let mut applied = Vec::new();
    for i in order {
        let e = &events[i];
        if e.id.is_some_and(|id| cancelled.contains(&id)) {
            continue;
        }
        let at = e.at.key("eventId");
        let Some(target) = e.event_id else {
            warn(
                doc_warnings,
                &e.at,
                "withdrawn event has no `eventId`; it cancels nothing".into(),
            );
            continue;
        };
        if !ids.contains(&target) {
            warn(
                doc_warnings,
                &at,
                format!("withdrawn event names event {target}, which is not in this document"),
            );
            continue;
        }
        match e.id {
            Some(own) if target >= own => {
                warn(
                    doc_warnings,
                    &at,
                    format!(
                        "withdrawn event {own} names event {target}, which is not older; ignored"
                    ),
                );
                continue;
            }
            None if withdrawal_ids.contains(&target) => {
                warn(
                    doc_warnings,
                    &at,
                    format!(
                        "a withdrawal without an `id` names withdrawal {target}; which came first is unknown, so it is ignored"
                    ),
                );
                continue;
            }
            _ => {}
        }
        cancelled.insert(target);
        applied.push((target, e.published));
    }
    (cancelled, applied)
}

/// `identifier`: a purl, or an array of aliases (purl strings or `{type, value}` objects).
fn read_identifiers(
    r: Reader<'_>,
    root: &Map<String, Value>,
    at: &Ptr,
) -> Result<Vec<String>, NoticeError> {
    let at = at.key("identifier");
    let mut out = Unique::default();
    match root.get("identifier") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            if let Some(id) = non_empty(Some(s)) {
                out.push(id);
            }
        }
        Some(Value::Array(list)) => {
            for (i, v) in list.iter().enumerate() {
                if let Some(id) = identifier(r, v, &at.index(i))? {
                    out.push(id);
                }
            }
        }
        Some(v) => return Err(r.wrong(&at, "a string or an array", v)),
    }
    Ok(out.into_vec())
}

fn identifier(r: Reader<'_>, v: &Value, at: &Ptr) -> Result<Option<String>, NoticeError> {
    match v {
        Value::String(s) => Ok(non_empty(Some(s))),
        Value::Object(o) => Ok(non_empty(r.opt_str(o, "value", at)?)),
        _ => Err(r.wrong(at, "a string or an identifier object", v)),
    }
}

/// `definitions.support[]`; `None` when the document defines none.
fn read_support(
    r: Reader<'_>,
    root: &Map<String, Value>,
    at: &Ptr,
) -> Result<Option<SupportPolicies>, NoticeError> {
    let Some(defs) = r.opt_object(root, "definitions", at)? else {
        return Ok(None);
    };
    let at = at.key("definitions");
    let Some(list) = r.opt_array(defs, "support", &at)? else {
        return Ok(None);
    };
    let mut out = SupportPolicies::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let at = at.key("support").index(i);
        let o = r.object(v, &at)?;
        let id = r
            .opt_str(o, "id", &at)?
            .ok_or_else(|| r.invalid(&at, "support policy has no `id`"))?;
        let description = non_empty(r.opt_str(o, "description", &at)?);
        out.entry(id.to_owned()).or_insert(description);
    }
    Ok(Some(out))
}

fn read_event<'v>(
    r: Reader<'_>,
    v: &'v Value,
    at: &Ptr,
    support: Option<&SupportPolicies>,
) -> Result<Event<'v>, NoticeError> {
    let o = r.object(v, at)?;
    let mut warnings = Vec::new();
    let id = r.opt_u64(o, "id", at)?;
    if id.is_none() {
        warn(
            &mut warnings,
            at,
            "event has no `id`; no withdrawal can name it".into(),
        );
    }
    let kind = r.opt_str(o, "type", at)?;
    let effective = r.opt_str(o, "effective", at)?;
    let published = match r.opt_str(o, "published", at)? {
        Some(raw) => dates::announcement(raw, &at.key("published"), &mut warnings),
        None => None,
    };
    let versions = read_versions(r, o, at, &mut warnings)?;
    let event_id = r.opt_u64(o, "eventId", at)?;

    let mut detail = None;
    let mut renamed = Unique::default();
    match kind {
        Some("endOfSupport" | "endOfDevelopment") => match r.opt_str(o, "supportId", at)? {
            Some(sid) => {
                detail = Some(match support.and_then(|s| s.get(sid)) {
                    Some(Some(desc)) => format!("support policy {sid}: {desc}"),
                    Some(None) => format!("support policy {sid}"),
                    None => {
                        warn(
                            &mut warnings,
                            &at.key("supportId"),
                            format!(
                                "support policy `{sid}` is not defined in `definitions.support`"
                            ),
                        );
                        format!("support policy {sid}")
                    }
                });
            }
            None => warn(
                &mut warnings,
                at,
                format!("`{}` event has no `supportId`", kind.unwrap_or_default()),
            ),
        },
        Some("supersededBy") => {
            if let Some(v) = non_empty(r.opt_str(o, "supersededByVersion", at)?) {
                detail = Some(format!("superseded by version {v}"));
            }
        }
        Some("componentRenamed") => {
            if let Some(list) = r.opt_array(o, "identifiers", at)? {
                for (i, v) in list.iter().enumerate() {
                    if let Some(id) = identifier(r, v, &at.key("identifiers").index(i))? {
                        renamed.push(id);
                    }
                }
            }
        }
        _ => {}
    }
    let renamed_to = renamed.into_vec();
    if !renamed_to.is_empty() {
        detail = Some(format!("renamed to {}", renamed_to.join(", ")));
    }
    Ok(Event {
        at: at.clone(),
        id,
        kind,
        effective,
        published,
        versions,
        event_id,
        detail,
        renamed_to,
        warnings,
    })
}

/// `version` and `versions[]` (`{version}`, `{range}`, or a bare string) as written.
fn read_versions(
    r: Reader<'_>,
    o: &Map<String, Value>,
    at: &Ptr,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<String>, NoticeError> {
    let mut out = Unique::default();
    let mut add = |s: String| out.push(s);
    if let Some(v) = non_empty(r.opt_str(o, "version", at)?) {
        add(v);
    }
    if let Some(list) = r.opt_array(o, "versions", at)? {
        for (i, v) in list.iter().enumerate() {
            let at = at.key("versions").index(i);
            match v {
                Value::String(s) => add(s.clone()),
                Value::Object(spec) => {
                    if let Some(version) = r.opt_str(spec, "version", &at)? {
                        add(version.to_owned());
                    }
                    if let Some(range) = r.opt_str(spec, "range", &at)? {
                        if !range.starts_with("vers:") {
                            warn(
                                warnings,
                                &at.key("range"),
                                format!("`{range}` is not a vers range; kept as written"),
                            );
                        }
                        add(range.to_owned());
                    }
                    if spec.get("version").is_none_or(Value::is_null)
                        && spec.get("range").is_none_or(Value::is_null)
                    {
                        // Dropping it would silently change which versions the event covers.
                        return Err(
                            r.invalid(&at, "version specifier has neither `version` nor `range`")
                        );
                    }
                }
                _ => return Err(r.wrong(&at, "a version specifier object", v)),
            }
        }
    }
    Ok(out.into_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(v: &Value) -> Result<Vec<Notice>, NoticeError> {
        read(Reader { file: "cle.json" }, v.as_object().unwrap())
    }

    #[test]
    fn mapping_table() {
        assert_eq!(mapping("endOfMarketing"), Some(Mapped::Eol));
        assert_eq!(mapping("endOfDistribution"), Some(Mapped::Eol));
        assert_eq!(mapping("endOfSupport"), Some(Mapped::Eos));
        assert_eq!(mapping("endOfLife"), Some(Mapped::EndOfLife));
        assert_eq!(mapping("released"), Some(Mapped::GeneralAvailability));
        assert_eq!(mapping("supersededBy"), Some(Mapped::Other));
        assert_eq!(mapping("componentRenamed"), Some(Mapped::Other));
        assert_eq!(mapping("endOfDevelopment"), Some(Mapped::Other));
        assert_eq!(mapping("endOfFun"), None);
    }

    #[test]
    fn withdrawn_withdrawal_restores_the_event() {
        let v = json!({
            "identifier": "pkg:generic/acme/pump",
            "events": [
                {"id": 3, "type": "withdrawn", "eventId": 2, "effective": "2025-03-01T00:00:00Z", "published": "2025-03-01T00:00:00Z"},
                {"id": 2, "type": "withdrawn", "eventId": 1, "effective": "2025-02-01T00:00:00Z", "published": "2025-02-01T00:00:00Z"},
                {"id": 1, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z", "versions": [{"version": "1.0"}]}
            ]
        });
        let notices = run(&v).unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].milestones.len(), 1);
        assert!(notices[0].warnings.is_empty(), "{:?}", notices[0].warnings);
    }

    #[test]
    fn forward_and_dangling_withdrawals_are_ignored_with_a_warning() {
        let v = json!({
            "identifier": "pkg:generic/acme/pump",
            "events": [
                {"id": 2, "type": "endOfSupport", "supportId": "std", "effective": "2029-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z"},
                {"id": 1, "type": "withdrawn", "eventId": 2, "effective": "2025-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z"},
                {"type": "withdrawn", "eventId": 99, "effective": "2025-01-01T00:00:00Z", "published": "2025-01-01T00:00:00Z"}
            ]
        });
        let n = &run(&v).unwrap()[0];
        assert!(n.eos().is_some());
        let text: Vec<_> = n.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(text.iter().any(|m| m.contains("not older")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("event 99")), "{text:?}");
    }

    #[test]
    fn bad_specifier_is_an_error_with_pointer() {
        let v = json!({"events": [{"id": 1, "type": "endOfLife", "effective": "2030-01-01T00:00:00Z", "versions": [{"version": "1"}, {"vers": "x"}]}]});
        let e = run(&v).unwrap_err();
        assert_eq!(e.pointer(), Some("/events/0/versions/1"));
        let v = json!({"events": [{"id": "1", "type": "endOfLife"}]});
        assert_eq!(run(&v).unwrap_err().pointer(), Some("/events/0/id"));
        let v = json!({"events": {}});
        assert_eq!(run(&v).unwrap_err().pointer(), Some("/events"));
    }
}
