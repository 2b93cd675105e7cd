//! Errors returned by the parsers.
//!
//! Every variant that concerns a particular spot in the input carries the
//! character offset (0-based, counted in the string given to the parser,
//! including any whitespace and AIM symbology identifier) so that an operator
//! can see exactly where a scanned label is damaged or forged.

/// Why a string is not an acceptable UDI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UdiError {
    /// Nothing left once whitespace and the symbology identifier are removed.
    #[error("empty input: no UDI data after whitespace and symbology identifier")]
    Empty,

    /// Longer than [`crate::MAX_INPUT_LEN`]; refused before any parsing.
    #[error("input is {len} bytes long; the limit is {max} bytes")]
    TooLong { len: usize, max: usize },

    /// A leading `]` not followed by a letter and a letter or digit.
    #[error(
        "malformed AIM symbology identifier at offset {offset}: expected ']' followed by a letter and a letter or digit"
    )]
    BadSymbology { offset: usize },

    /// A character that no UDI syntax allows at all (non-ASCII, control).
    #[error("unexpected character {ch:?} at offset {offset}: {context}")]
    InvalidCharacter {
        offset: usize,
        ch: char,
        context: &'static str,
    },

    /// The issuing agency could not be told from the data.
    #[error(
        "unrecognised UDI at offset {offset}: expected GS1 data (AI digits, '(' or an http(s) URI) or HIBC data starting with '+'"
    )]
    UnknownFormat { offset: usize },

    /// Digits that are not a GS1 Application Identifier.
    #[error("unknown GS1 application identifier '{ai}' at offset {offset}")]
    UnknownAi { ai: String, offset: usize },

    /// A fixed-length AI value cut short by the end of data or a separator.
    #[error(
        "GS1 AI ({ai}) value at offset {offset} is truncated: expected {expected} characters, found {found}"
    )]
    Gs1Truncated {
        ai: String,
        offset: usize,
        expected: usize,
        found: usize,
    },

    /// More characters than the AI's format allows.
    #[error(
        "GS1 AI ({ai}) value at offset {offset} has {len} characters; at most {max} are allowed"
    )]
    Gs1ValueTooLong {
        ai: String,
        offset: usize,
        len: usize,
        max: usize,
    },

    /// Fewer characters than the AI's format requires.
    #[error(
        "GS1 AI ({ai}) value at offset {offset} has {len} characters; at least {min} are required"
    )]
    Gs1ValueTooShort {
        ai: String,
        offset: usize,
        len: usize,
        min: usize,
    },

    /// An AI with no data after it.
    #[error("GS1 AI ({ai}) has an empty value at offset {offset}")]
    Gs1EmptyValue { ai: String, offset: usize },

    /// A character outside the AI's character set.
    #[error("invalid character {ch:?} at offset {offset} in GS1 AI ({ai}): expected {allowed}")]
    Gs1InvalidCharacter {
        ai: String,
        offset: usize,
        ch: char,
        allowed: &'static str,
    },

    /// GS1 mod-10 check digit does not match.
    #[error(
        "GS1 AI ({ai}) check digit mismatch at offset {offset}: expected {expected}, found {found}"
    )]
    Gs1CheckDigit {
        ai: String,
        offset: usize,
        expected: char,
        found: char,
    },

    /// GS1 alphanumeric check character pair (AIs 8013, 8014) does not match.
    #[error(
        "GS1 AI ({ai}) check character pair mismatch at offset {offset}: expected '{expected}', found '{found}'"
    )]
    Gs1CheckPair {
        ai: String,
        offset: usize,
        expected: String,
        found: String,
    },

    /// A date field that is not a calendar date.
    #[error("invalid date '{value}' in AI ({ai}) at offset {offset}")]
    Gs1InvalidDate {
        ai: String,
        value: String,
        offset: usize,
    },

    /// Any other content rule of an AI (time of day, flags, coordinates...).
    #[error("invalid value '{value}' in AI ({ai}) at offset {offset}: {reason}")]
    Gs1InvalidValue {
        ai: String,
        value: String,
        offset: usize,
        reason: &'static str,
    },

    /// The same AI twice with different data: which one is true is unknowable.
    #[error("GS1 AI ({ai}) occurs at offsets {first} and {second} with different values")]
    Gs1ConflictingValues {
        ai: String,
        first: usize,
        second: usize,
    },

    /// Broken `(AI)value` human-readable syntax.
    #[error("malformed GS1 bracketed data at offset {offset}: {reason}")]
    Gs1Bracketed { offset: usize, reason: &'static str },

    /// Broken GS1 Digital Link URI structure.
    #[error("invalid GS1 Digital Link URI at offset {offset}: {reason}")]
    DigitalLink { offset: usize, reason: String },

    /// A Digital Link path qualifier in a place the primary key does not allow.
    #[error(
        "GS1 Digital Link qualifier ({ai}) at offset {offset} is not allowed here after primary key ({primary}); allowed next: {expected}"
    )]
    DigitalLinkQualifier {
        ai: String,
        primary: String,
        offset: usize,
        expected: String,
    },

    /// Well-formed GS1 data that identifies no device (no GTIN).
    #[error("GS1 data carries no AI (01) GTIN, so it holds no UDI device identifier")]
    MissingGtin,

    /// A character outside the HIBC set `0-9 A-Z - . space $ / + %`.
    #[error(
        "invalid HIBC character {ch:?} at offset {offset}: only 0-9, A-Z, '-', '.', ' ', '$', '/', '+' and '%' are allowed"
    )]
    HibcInvalidCharacter { offset: usize, ch: char },

    /// HIBC Mod 43 check character does not match.
    #[error(
        "HIBC check character mismatch at offset {offset}: expected '{expected}', found '{found}'"
    )]
    HibcCheckCharacter {
        offset: usize,
        expected: char,
        found: char,
    },

    /// A linear secondary symbol whose link character is not the primary's check character.
    #[error(
        "HIBC link character mismatch at offset {offset}: expected '{expected}', found '{found}'"
    )]
    HibcLinkCharacter {
        offset: usize,
        expected: char,
        found: char,
    },

    /// Broken HIBC structure.
    #[error("malformed HIBC data at offset {offset}: {reason}")]
    HibcMalformed { offset: usize, reason: String },

    /// An HIBC date or hour that does not exist.
    #[error("invalid HIBC date '{value}' (format {format}) at offset {offset}")]
    HibcInvalidDate {
        value: String,
        format: &'static str,
        offset: usize,
    },

    /// The same HIBC field given twice with different values.
    #[error("HIBC {field} at offset {offset} conflicts with a value given earlier")]
    HibcConflict { field: &'static str, offset: usize },
}

impl UdiError {
    /// Character offset the error points at, when it points at one.
    pub fn offset(&self) -> Option<usize> {
        use UdiError::*;
        match self {
            Empty | TooLong { .. } | MissingGtin => None,
            BadSymbology { offset }
            | InvalidCharacter { offset, .. }
            | UnknownFormat { offset }
            | UnknownAi { offset, .. }
            | Gs1Truncated { offset, .. }
            | Gs1ValueTooLong { offset, .. }
            | Gs1ValueTooShort { offset, .. }
            | Gs1EmptyValue { offset, .. }
            | Gs1InvalidCharacter { offset, .. }
            | Gs1CheckDigit { offset, .. }
            | Gs1CheckPair { offset, .. }
            | Gs1InvalidDate { offset, .. }
            | Gs1InvalidValue { offset, .. }
            | Gs1Bracketed { offset, .. }
            | DigitalLink { offset, .. }
            | DigitalLinkQualifier { offset, .. }
            | HibcInvalidCharacter { offset, .. }
            | HibcCheckCharacter { offset, .. }
            | HibcLinkCharacter { offset, .. }
            | HibcMalformed { offset, .. }
            | HibcInvalidDate { offset, .. }
            | HibcConflict { offset, .. } => Some(*offset),
            Gs1ConflictingValues { second, .. } => Some(*second),
        }
    }
}
