//! Why a document could not be read at all.

use serde::Serialize;

/// A document that cannot be read as a lifecycle notice. Every variant names the file; those
/// about content name the JSON pointer too (`""` is the document root, shown as `(root)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NoticeError {
    #[error("{file}: {size} bytes is more than the {limit} bytes a lifecycle notice may have")]
    TooLarge {
        file: String,
        size: usize,
        limit: usize,
    },
    #[error(
        "{file}: line {line}, column {column}: JSON nested deeper than the reader's recursion limit (128 levels)"
    )]
    TooDeep {
        file: String,
        line: usize,
        column: usize,
    },
    #[error("{file}: line {line}, column {column}: not JSON: {message}")]
    NotJson {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{file}: {}: not a lifecycle notice Baton reads ({found}); expected a CycloneDX JSON BOM, a CLE document or an OpenEoX core or shell",
        shown(pointer)
    )]
    UnknownFormat {
        file: String,
        pointer: String,
        found: String,
    },
    #[error("{file}: {}: expected {expected}, found {found}", shown(pointer))]
    WrongType {
        file: String,
        pointer: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{file}: {}: {message}", shown(pointer))]
    Invalid {
        file: String,
        pointer: String,
        message: String,
    },
}

impl NoticeError {
    /// The file name given to [`crate::parse`].
    pub fn file(&self) -> &str {
        match self {
            Self::TooLarge { file, .. }
            | Self::TooDeep { file, .. }
            | Self::NotJson { file, .. }
            | Self::UnknownFormat { file, .. }
            | Self::WrongType { file, .. }
            | Self::Invalid { file, .. } => file,
        }
    }

    /// The JSON pointer of the offending value, when the document was JSON.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::UnknownFormat { pointer, .. }
            | Self::WrongType { pointer, .. }
            | Self::Invalid { pointer, .. } => Some(pointer),
            Self::TooLarge { .. } | Self::TooDeep { .. } | Self::NotJson { .. } => None,
        }
    }
}

/// The root pointer is the empty string, which reads badly in a message.
fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_and_pointer() {
        let e = NoticeError::WrongType {
            file: "a.json".into(),
            pointer: "/events/3/effective".into(),
            expected: "a string",
            found: "a number",
        };
        assert_eq!(
            e.to_string(),
            "a.json: /events/3/effective: expected a string, found a number"
        );
        assert_eq!(e.pointer(), Some("/events/3/effective"));
        assert_eq!(e.file(), "a.json");
        let root = NoticeError::UnknownFormat {
            file: "b.json".into(),
            pointer: String::new(),
            found: "an array".into(),
        };
        assert!(root.to_string().starts_with("b.json: (root): "));
    }
}
