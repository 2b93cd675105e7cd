//! The in-memory form: header fields, one row per question, and what the reader noticed.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A completed MDS2 form as read from a workbook (or built by hand for writing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mds2Form {
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub document_id: Option<String>,
    pub release_date: Option<NaiveDate>,
    /// Name of the sheet the answers came from (and the sheet name the writer uses).
    pub sheet: String,
    /// One entry per question row, in sheet order; duplicate IDs are already resolved.
    pub answers: Vec<Mds2Answer>,
    pub warnings: Vec<Warning>,
}

impl Mds2Form {
    /// An empty form whose answers will live on `sheet`.
    pub fn new(sheet: impl Into<String>) -> Self {
        Mds2Form {
            manufacturer: None,
            model: None,
            document_id: None,
            release_date: None,
            sheet: sheet.into(),
            answers: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The answer row for `id`, if the form has one (the first, should there be several).
    pub fn answer(&self, id: &str) -> Option<&Mds2Answer> {
        self.answers.iter().find(|a| a.id == id)
    }
}

/// One question row of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mds2Answer {
    /// Question ID, upper case, e.g. `AUTH-1`.
    pub id: String,
    /// Question text as the form prints it (empty if the cell was empty).
    pub question: String,
    pub answer: Answer,
    pub note: Option<String>,
    /// 1-based sheet row the answer was read from (as Excel numbers rows).
    pub row: u32,
}

/// A manufacturer's answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    NotApplicable,
    /// The answer cell is empty.
    Unanswered,
    /// Anything else, kept verbatim (trimmed): "See note", "Yes, LDAP", a model name for DOC-3, …
    Other(String),
}

impl Answer {
    /// Reads an answer cell's text. Case, surrounding and inner spaces and a trailing full stop
    /// are ignored; `Y`/`N`, `NA`, `N/A`, `N.A.` and `not applicable` are recognised because
    /// completed forms use all of them. Anything else becomes [`Answer::Other`].
    pub fn parse(text: &str) -> Answer {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Answer::Unanswered;
        }
        let key: String = trimmed
            .trim_end_matches('.')
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "yes" | "y" => Answer::Yes,
            "no" | "n" => Answer::No,
            "n/a" | "na" | "n.a" | "notapplicable" => Answer::NotApplicable,
            _ => Answer::Other(trimmed.to_string()),
        }
    }

    /// The text the writer puts in the answer cell; empty for [`Answer::Unanswered`].
    pub fn as_text(&self) -> &str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::NotApplicable => "N/A",
            Answer::Unanswered => "",
            Answer::Other(text) => text,
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Unanswered => f.write_str("(unanswered)"),
            other => f.write_str(other.as_text()),
        }
    }
}

/// Something the reader accepted but a person should look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Where, e.g. `form.xlsx, sheet 'MDS2', cell C14`.
    pub location: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_spellings() {
        for yes in ["Yes", "YES", " yes ", "y", "Yes.", "\u{a0}Yes"] {
            assert_eq!(Answer::parse(yes), Answer::Yes, "{yes:?}");
        }
        for no in ["No", "no", "N", " NO "] {
            assert_eq!(Answer::parse(no), Answer::No, "{no:?}");
        }
        for na in [
            "N/A",
            "n/a",
            "NA",
            "na",
            "N / A",
            "N.A.",
            "Not applicable",
            "n/a ",
        ] {
            assert_eq!(Answer::parse(na), Answer::NotApplicable, "{na:?}");
        }
        for empty in ["", "   ", "\n"] {
            assert_eq!(Answer::parse(empty), Answer::Unanswered, "{empty:?}");
        }
        assert_eq!(
            Answer::parse(" See note "),
            Answer::Other("See note".into())
        );
        assert_eq!(
            Answer::parse("Yes, LDAP"),
            Answer::Other("Yes, LDAP".into())
        );
    }

    #[test]
    fn json_shape() {
        let json = |a: &Answer| serde_json::to_string(a).unwrap_or_default();
        assert_eq!(json(&Answer::Yes), r#""yes""#);
        assert_eq!(json(&Answer::NotApplicable), r#""not_applicable""#);
        assert_eq!(json(&Answer::Unanswered), r#""unanswered""#);
        assert_eq!(
            json(&Answer::Other("See note".into())),
            r#"{"other":"See note"}"#
        );
        let mut form = Mds2Form::new("MDS2");
        form.release_date = NaiveDate::from_ymd_opt(2020, 1, 5);
        let v = serde_json::to_value(&form).unwrap_or_default();
        assert_eq!(v["release_date"], "2020-01-05");
        assert_eq!(v["sheet"], "MDS2");
    }

    #[test]
    fn written_text_parses_back() {
        for a in [
            Answer::Yes,
            Answer::No,
            Answer::NotApplicable,
            Answer::Unanswered,
        ] {
            assert_eq!(Answer::parse(a.as_text()), a);
        }
    }
}
