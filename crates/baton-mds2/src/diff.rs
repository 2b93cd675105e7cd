//! What changed between two versions of a device's MDS2 form.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::catalogue;
use crate::form::{Answer, Mds2Answer, Mds2Form};

/// How a question differs between the two forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// In both forms, with a different answer or note.
    Changed,
    /// Only in the second form (`from` is `Unanswered`, `note_from` empty).
    Added,
    /// Only in the first form (`to` is `Unanswered`, `note_to` empty).
    Removed,
}

/// One question whose answer or note differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerChange {
    pub id: String,
    /// The question text of the second form, or of the first when the row was removed.
    pub question: String,
    pub kind: ChangeKind,
    pub from: Answer,
    pub to: Answer,
    pub note_from: Option<String>,
    pub note_to: Option<String>,
}

/// Questions whose answer or note differs between `a` (older) and `b` (newer), plus IDs present
/// in only one of them. Catalogue IDs come in form order, unknown IDs after them in order of
/// appearance (first `a`, then `b`). A row present in both with the same answer and note is not
/// reported, even if its question text was reworded. Should a form repeat an ID, its first row
/// counts, as in the reader.
pub fn diff(a: &Mds2Form, b: &Mds2Form) -> Vec<AnswerChange> {
    let (in_a, in_b) = (first_rows(a), first_rows(b));
    let mut ids: Vec<&str> = Vec::new();
    for row in a.answers.iter().chain(&b.answers) {
        if !ids.contains(&row.id.as_str()) {
            ids.push(&row.id);
        }
    }
    // Stable sort: unknown IDs keep their order of appearance after the catalogue ones.
    ids.sort_by_key(|id| catalogue::position(id).unwrap_or(usize::MAX));

    let mut changes = Vec::new();
    for id in ids {
        let change = match (in_a.get(id), in_b.get(id)) {
            (Some(x), Some(y)) if x.answer == y.answer && x.note == y.note => continue,
            (Some(x), Some(y)) => AnswerChange {
                id: id.to_string(),
                question: y.question.clone(),
                kind: ChangeKind::Changed,
                from: x.answer.clone(),
                to: y.answer.clone(),
                note_from: x.note.clone(),
                note_to: y.note.clone(),
            },
            (Some(x), None) => AnswerChange {
                id: id.to_string(),
                question: x.question.clone(),
                kind: ChangeKind::Removed,
                from: x.answer.clone(),
                to: Answer::Unanswered,
                note_from: x.note.clone(),
                note_to: None,
            },
            (None, Some(y)) => AnswerChange {
                id: id.to_string(),
                question: y.question.clone(),
                kind: ChangeKind::Added,
                from: Answer::Unanswered,
                to: y.answer.clone(),
                note_from: None,
                note_to: y.note.clone(),
            },
            (None, None) => continue,
        };
        changes.push(change);
    }
    changes
}

fn first_rows(form: &Mds2Form) -> HashMap<&str, &Mds2Answer> {
    let mut map = HashMap::new();
    for row in &form.answers {
        map.entry(row.id.as_str()).or_insert(row);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rows: &[(&str, Answer, Option<&str>)]) -> Mds2Form {
        let mut f = Mds2Form::new("MDS2");
        f.answers = rows
            .iter()
            .enumerate()
            .map(|(i, (id, answer, note))| Mds2Answer {
                id: (*id).to_string(),
                question: format!("q {id}"),
                answer: answer.clone(),
                note: note.map(str::to_string),
                row: u32::try_from(i).unwrap_or(0) + 1,
            })
            .collect();
        f
    }

    #[test]
    fn identical_forms_have_no_changes() {
        let a = form(&[
            ("AUTH-1", Answer::Yes, Some("LDAP")),
            ("XYZ-1", Answer::No, None),
        ]);
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn changes_additions_removals_in_catalogue_order() {
        let a = form(&[
            ("XYZ-1", Answer::No, None),
            ("PAUT-8", Answer::No, None),
            ("AUTH-1", Answer::Yes, Some("LDAP")),
            ("ALOF-1", Answer::Yes, None),
            ("SBOM-1", Answer::No, None),
        ]);
        let b = form(&[
            ("ALOF-1", Answer::Yes, None),
            ("AUTH-1", Answer::Yes, Some("LDAP and local")),
            ("PAUT-8", Answer::Yes, Some("since 2.0")),
            ("DOC-8", Answer::Yes, None),
            ("ABC-2", Answer::Other("later".into()), None),
        ]);
        let got: Vec<(String, ChangeKind, Answer, Answer)> = diff(&a, &b)
            .into_iter()
            .map(|c| (c.id, c.kind, c.from, c.to))
            .collect();
        let want = vec![
            (
                "DOC-8".to_string(),
                ChangeKind::Added,
                Answer::Unanswered,
                Answer::Yes,
            ),
            (
                "AUTH-1".to_string(),
                ChangeKind::Changed,
                Answer::Yes,
                Answer::Yes,
            ),
            (
                "PAUT-8".to_string(),
                ChangeKind::Changed,
                Answer::No,
                Answer::Yes,
            ),
            (
                "SBOM-1".to_string(),
                ChangeKind::Removed,
                Answer::No,
                Answer::Unanswered,
            ),
            (
                "XYZ-1".to_string(),
                ChangeKind::Removed,
                Answer::No,
                Answer::Unanswered,
            ),
            (
                "ABC-2".to_string(),
                ChangeKind::Added,
                Answer::Unanswered,
                Answer::Other("later".into()),
            ),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn note_only_change_carries_both_notes() {
        let a = form(&[("AUTH-1", Answer::Yes, Some("LDAP"))]);
        let b = form(&[("AUTH-1", Answer::Yes, None)]);
        let c = diff(&a, &b);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].note_from.as_deref(), Some("LDAP"));
        assert_eq!(c[0].note_to, None);
        assert_eq!(c[0].question, "q AUTH-1");
    }

    #[test]
    fn unanswered_to_missing_is_still_reported() {
        let a = form(&[("AUTH-1", Answer::Unanswered, None)]);
        let b = form(&[]);
        let c = diff(&a, &b);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, ChangeKind::Removed);
    }

    #[test]
    fn first_duplicate_counts() {
        let a = form(&[("AUTH-1", Answer::Yes, None), ("AUTH-1", Answer::No, None)]);
        let b = form(&[("AUTH-1", Answer::Yes, None)]);
        assert!(diff(&a, &b).is_empty());
    }
}
