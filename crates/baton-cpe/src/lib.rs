//! CPE 2.3 names for Baton: the well-formed name (WFN), its two bindings,
//! name matching, and NVD applicability configurations.
//!
//! Baton keeps medical devices secure across their lifecycle; to know
//! whether a vulnerability concerns a device, it matches the CPE names that
//! NVD records use against the names of the device's components (firmware,
//! hardware, applications). This crate provides:
//!
//! - [`Wfn`], the well-formed name of NISTIR 7695 §5, with each attribute
//!   ANY, NA or a string ([`Value`], [`AvString`]) that may carry the `*`
//!   and `?` wildcards at its ends;
//! - both bindings, both ways: the CPE 2.3 formatted string
//!   (`cpe:2.3:a:vendor:product:...`, [`Wfn::from_formatted_string`],
//!   [`Wfn::to_formatted_string`]) and the 2.2-compatible URI
//!   (`cpe:/a:vendor:product:...`, [`Wfn::from_uri`], [`Wfn::to_uri`]),
//!   plus the WFN text form itself (`Display`, [`Wfn::from_wfn_text`]);
//!   [`Wfn::parse`] reads any of the three;
//! - name comparison per NISTIR 7696 ([`compare`] giving a [`Relation`]);
//! - the logic of `cpe match` ([`match_lines`], [`match_line`]);
//! - NVD CVE API 2.0 `configurations` and their three-valued evaluation
//!   against a device's platform names ([`nvd`]).
//!
//! Parsing is strict and errors name the attribute and character offset
//! ([`CpeError`]). Input is bounded to [`MAX_NAME_LEN`] bytes. The crate
//! does no I/O of its own.
//!
//! # Choices where the specifications leave room
//!
//! - A name comparison where no single relation holds (an UNDEFINED
//!   attribute, or SUBSET on one attribute and SUPERSET on another) is
//!   [`Relation::Undefined`]; DISJOINT on any attribute still wins.
//! - `?` matches one character, or none at the very ends (NISTIR 7696's
//!   `compare_strings`): `sp?` matches `sp` and `sp1`.
//! - Values are printable ASCII; anything else is rejected with its offset.
//! - A value made only of wildcards is accepted for `?` runs (`??`: one or
//!   two characters) and rejected when it has a `*` (it would be ANY); a
//!   string that is a lone hyphen is rejected (`-` is NA), per the WFN
//!   grammar.
//! - In a formatted string, the needless escapes `\.`, `\-`, `\_` are read
//!   (and dropped); escaping a letter, digit or space is an error.
//! - `part` is read case-insensitively and kept lowercase; `language` must
//!   be `language[-region]` (RFC 5646 as NISTIR 7695 restricts it).
//! - The URI is unbound in lowercase, as NISTIR 7695 §6.1.3.2 prescribes;
//!   the formatted string keeps case. Matching ignores case either way.
//! - The `cpe:2.3:`, `cpe:/` and `wfn:[` prefixes are matched in lowercase.

mod compare;
mod error;
mod fs;
mod lines;
pub mod nvd;
mod uri;
mod value;
mod wfn;

pub use compare::{Relation, combine, compare, compare_attributes, compare_values};
pub use error::CpeError;
pub use lines::{LineStats, MAX_LINE_LEN, match_line, match_lines, match_text};
pub use value::{Attribute, AvString, Token, Tokens, Value};
pub use wfn::Wfn;

/// Longest name accepted, in bytes. Real CPE names are a few hundred bytes
/// at most; the bound keeps matching cheap on hostile input.
pub const MAX_NAME_LEN: usize = 4096;
