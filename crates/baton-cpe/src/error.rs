//! Why a string is not an acceptable CPE name.
//!
//! Every variant about a spot in the input carries `offset`: the 0-based
//! character offset in the whole string given to the parser (prefix
//! included), so a bad name in an SBOM or a feed can be fixed by eye.

use crate::Attribute;

/// A rejected CPE name, well-formed name or attribute value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CpeError {
    /// Nothing to parse.
    #[error("empty input: expected a CPE name")]
    Empty,

    /// Longer than [`crate::MAX_NAME_LEN`]; refused before any parsing.
    #[error("CPE name is {len} bytes long; the limit is {max} bytes")]
    TooLong { len: usize, max: usize },

    /// Neither binding nor the WFN text form.
    #[error(
        "not a CPE name at offset 0: expected `cpe:2.3:` (formatted string), `cpe:/` (URI) or `wfn:[` (well-formed name)"
    )]
    UnknownPrefix,

    /// A formatted string always has all eleven attributes.
    #[error(
        "formatted string has {found} components after `cpe:2.3:`; exactly 11 are required (part through other)"
    )]
    ComponentCount { found: usize },

    /// A URI has at most seven components (part through language).
    #[error(
        "URI has {found} components after `cpe:/`; at most 7 are allowed (part through language)"
    )]
    UriComponentCount { found: usize },

    /// `::` in a formatted string, or `""` in a WFN.
    #[error("{attribute} at offset {offset}: empty value (write `*` for ANY or `-` for NA)")]
    EmptyValue { attribute: Attribute, offset: usize },

    /// A value ending in a lone backslash.
    #[error("{attribute} at offset {offset}: backslash at the end of the value escapes nothing")]
    DanglingEscape { attribute: Attribute, offset: usize },

    /// A backslash before something that is not printable punctuation.
    #[error(
        "{attribute} at offset {offset}: `\\` followed by {ch:?} is not a valid escape: only printable punctuation is escaped, never letters, digits, spaces or control characters"
    )]
    BadEscape {
        attribute: Attribute,
        offset: usize,
        ch: char,
    },

    /// Punctuation that the binding requires to be quoted.
    #[error("{attribute} at offset {offset}: special character {ch:?} must be quoted: {fix}")]
    UnquotedSpecial {
        attribute: Attribute,
        offset: usize,
        ch: char,
        fix: &'static str,
    },

    /// Non-ASCII, whitespace or control characters: CPE values are
    /// printable ASCII.
    #[error(
        "{attribute} at offset {offset}: character {ch:?} is not allowed: CPE values are printable ASCII without spaces"
    )]
    InvalidCharacter {
        attribute: Attribute,
        offset: usize,
        ch: char,
    },

    /// `*` or `?` in the middle of a value.
    #[error(
        "{attribute} at offset {offset}: unquoted wildcard {ch:?} is only allowed at the start or end of a value (quote it to mean the character itself)"
    )]
    MisplacedWildcard {
        attribute: Attribute,
        offset: usize,
        ch: char,
    },

    /// `**`, `*?` or `?*` at one end of a value.
    #[error(
        "{attribute} at offset {offset}: one end of a value takes either a single `*` or a run of `?`, not both or `**`"
    )]
    MixedWildcards { attribute: Attribute, offset: usize },

    /// A value of wildcards only, with a `*`: it would mean ANY.
    #[error(
        "{attribute} at offset {offset}: a value made only of wildcards with `*` matches anything: write ANY (`*`) instead"
    )]
    WildcardOnly { attribute: Attribute, offset: usize },

    /// A string that is a single hyphen (optionally with trailing wildcards):
    /// NISTIR 7695's grammar keeps `-` for NA.
    #[error(
        "{attribute} at offset {offset}: a value that is a lone hyphen is not a string: `-` means NA (not applicable)"
    )]
    LoneHyphen { attribute: Attribute, offset: usize },

    /// `part` is one of `a`, `o`, `h`, ANY or NA.
    #[error(
        "part at offset {offset}: {found:?} is not a part: expected `a` (application), `o` (operating system), `h` (hardware), ANY or NA"
    )]
    InvalidPart { offset: usize, found: String },

    /// `language` must be an RFC 5646 tag.
    #[error(
        "language at offset {offset}: {found:?} is not a language tag: expected an RFC 5646 language[-region] such as `en` or `en-us`"
    )]
    InvalidLanguage { offset: usize, found: String },

    /// A `%` not followed by two hex digits naming punctuation, `%01` or `%02`.
    #[error(
        "{attribute} at offset {offset}: invalid percent-encoding {found:?}: expected `%01`, `%02` or `%` and two hex digits of a printable punctuation character"
    )]
    BadPercent {
        attribute: Attribute,
        offset: usize,
        found: String,
    },

    /// A URI edition starting with `~` but not of the form `~ed~sw~tsw~thw~oth`.
    #[error(
        "edition at offset {offset}: a packed edition (starting with `~`) needs exactly five `~` separators, found {found}"
    )]
    BadPackedEdition { offset: usize, found: usize },

    /// Structural error in the `wfn:[name=value,...]` text form.
    #[error("well-formed name at offset {offset}: expected {expected}")]
    WfnSyntax {
        offset: usize,
        expected: &'static str,
    },

    /// An attribute name that is not one of the eleven.
    #[error(
        "well-formed name at offset {offset}: unknown attribute {name:?} (expected part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw or other)"
    )]
    UnknownAttribute { offset: usize, name: String },

    /// The same attribute given twice.
    #[error("well-formed name at offset {offset}: attribute {name} is given twice")]
    DuplicateAttribute { offset: usize, name: &'static str },

    /// A quoted WFN value with no closing quote.
    #[error("{attribute} at offset {offset}: quoted value has no closing `\"`")]
    UnterminatedValue { attribute: Attribute, offset: usize },
}
