//! Parsing of FDA Unique Device Identifier (UDI) carrier strings.
//!
//! Baton keeps track of medical devices through their lifecycle and ties
//! security information (advisories, patches, recalls) to the devices a
//! hospital actually holds. The link between a physical device and a
//! catalogue entry is the UDI printed on its label: a device identifier
//! (UDI-DI) naming the model, plus production identifiers (lot, serial,
//! dates) naming the unit. This crate turns what a barcode scanner or an
//! operator types into a [`Udi`], and tells whether a catalogue UDI-DI names
//! it ([`di_matches`]).
//!
//! Two FDA-accredited issuing agencies' formats are read:
//!
//! - **GS1**: element strings as scanners send them (FNC1 transmitted as the
//!   ASCII GS character), the bracketed human-readable form `(01)…(17)…`,
//!   GS1 Digital Link URIs, and bare GTINs from EAN/UPC/ITF-14 symbols. Every
//!   Application Identifier is checked against its format ([`ai`]): length,
//!   character set, check digits, dates.
//! - **HIBCC** (HIBC LIC): primary data with or without secondary data, in
//!   the 2D concatenated form and the linear form with link characters,
//!   verifying every Mod 43 check character.
//!
//! An optional AIM symbology identifier (`]d2`, `]C1`, `]Q3`, `]zB`…) is
//! accepted in front of either.
//!
//! The input is treated as hostile: it is bounded to [`MAX_INPUT_LEN`]
//! bytes, never panics, and every rejection says where and why (see
//! [`UdiError`]). The crate does no I/O and does not read the clock; see
//! [`ParseOptions::reference_year`] for how two-digit years are placed.

pub mod ai;
mod check;
mod date;
mod error;
mod gs1;
mod hibc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use check::{gs1_check_digit, hibc_check_character};
pub use error::UdiError;

/// Longest input accepted, in bytes. Real UDI carriers are far shorter
/// (a GS1 DataMatrix holds at most about 2 KiB).
pub const MAX_INPUT_LEN: usize = 4096;

/// Reference year used by [`parse`] and friends: two-digit years 00-50 are
/// read as 2000-2050 and 51-99 as 1951-1999.
pub const DEFAULT_REFERENCE_YEAR: i32 = 2000;

/// Issuing agency whose format the UDI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Issuer {
    Gs1,
    Hibc,
}

/// One GS1 Application Identifier and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Gs1Element {
    pub ai: String,
    pub value: String,
}

/// A parsed UDI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Udi {
    pub issuer: Issuer,
    /// GS1: the GTIN-14 of AI (01). HIBC: labeler code, product code and
    /// unit of measure (no leading `+`, no check character).
    pub device_identifier: String,
    /// GS1 AI (10); HIBC lot/batch.
    pub lot: Option<String>,
    /// GS1 AI (21); HIBC serial number.
    pub serial: Option<String>,
    /// GS1 AI (11); HIBC `16D` production date.
    pub production_date: Option<NaiveDate>,
    /// GS1 AI (17); HIBC expiry. A GS1 day of `00` is the last day of the
    /// month; an HIBC `MMYY` expiry is the first day of the month.
    pub expiry_date: Option<NaiveDate>,
    /// HIBC `YYMMDDHH` / `YYJJJHH` expiry hour.
    pub expiry_hour: Option<u8>,
    /// HIBC quantity.
    pub quantity: Option<u32>,
    /// GS1: every AI and value in input order (a bare GTIN from an EAN/UPC
    /// or ITF-14 symbol gives its implied AI 01). Empty for HIBC.
    pub elements: Vec<Gs1Element>,
    /// AIM symbology identifier the data came with, e.g. `]d2`.
    pub symbology: Option<String>,
}

/// GS1 data that need not identify a device (an SSCC label, a lone lot
/// number...): what [`parse_gs1_message`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gs1Message {
    pub elements: Vec<Gs1Element>,
    pub symbology: Option<String>,
}

/// Settings for parsing. `Default` uses [`DEFAULT_REFERENCE_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Stands in for "the current year" in the GS1 General Specifications
    /// §7.12 century rule, applied to every two-digit year (GS1 and HIBC):
    /// the year is placed from 49 years before to 50 years after this year.
    /// It is a parameter rather than the clock so that a given string always
    /// parses the same way; callers wanting the rule exactly as GS1 states
    /// it pass the current year.
    pub reference_year: i32,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            reference_year: DEFAULT_REFERENCE_YEAR,
        }
    }
}

/// Parses a GS1 or HIBC UDI, telling them apart by the leading `+` of HIBC.
pub fn parse(input: &str) -> Result<Udi, UdiError> {
    ParseOptions::default().parse(input)
}

/// Parses GS1 data that must carry a GTIN (AI 01).
pub fn parse_gs1(input: &str) -> Result<Udi, UdiError> {
    ParseOptions::default().parse_gs1(input)
}

/// Parses HIBC LIC data.
pub fn parse_hibc(input: &str) -> Result<Udi, UdiError> {
    ParseOptions::default().parse_hibc(input)
}

/// Parses and validates any GS1 data into its elements, without requiring a GTIN.
pub fn parse_gs1_message(input: &str) -> Result<Gs1Message, UdiError> {
    ParseOptions::default().parse_gs1_message(input)
}

/// Input split into its optional AIM symbology identifier and the data.
struct Prepared<'a> {
    data: &'a str,
    /// Character offset of `data` in the input.
    base: usize,
    symbology: Option<String>,
}

fn prepare(input: &str) -> Result<Prepared<'_>, UdiError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(UdiError::TooLong {
            len: input.len(),
            max: MAX_INPUT_LEN,
        });
    }
    let data = input.trim_start_matches(|c: char| c.is_ascii_whitespace());
    // Only ASCII was trimmed, so bytes and characters agree.
    let mut base = input.len() - data.len();
    let mut data = data;
    let mut symbology = None;
    if let Some(rest) = data.strip_prefix(']') {
        let b = rest.as_bytes();
        let ok = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1].is_ascii_alphanumeric();
        let (Some(id), Some(rest)) = (data.get(..3), rest.get(2..)) else {
            return Err(UdiError::BadSymbology { offset: base });
        };
        if !ok {
            return Err(UdiError::BadSymbology { offset: base });
        }
        symbology = Some(id.to_string());
        data = rest;
        base += 3;
    }
    Ok(Prepared {
        data,
        base,
        symbology,
    })
}

impl Prepared<'_> {
    fn is_hibc(&self) -> bool {
        self.data.starts_with('+')
    }

    /// GS1 data: trailing whitespace dropped, ASCII without control
    /// characters other than GS (FNC1).
    fn gs1_bytes(&self) -> Result<&[u8], UdiError> {
        let data = self
            .data
            .trim_end_matches(|c: char| c.is_ascii_whitespace());
        if data.is_empty() {
            return Err(UdiError::Empty);
        }
        for (i, ch) in data.chars().enumerate() {
            let context = if !ch.is_ascii() {
                "GS1 data is ASCII only"
            } else if ch.is_ascii_control() && ch != '\u{1d}' {
                "the only control character GS1 data may hold is GS (FNC1)"
            } else {
                continue;
            };
            return Err(UdiError::InvalidCharacter {
                offset: self.base + i,
                ch,
                context,
            });
        }
        Ok(data.as_bytes())
    }

    /// HIBC data: only CR/LF/TAB are trimmed at the end, since a space can
    /// be a check character.
    fn hibc_bytes(&self) -> Result<&[u8], UdiError> {
        let data = self.data.trim_end_matches(['\r', '\n', '\t']);
        if data.is_empty() {
            return Err(UdiError::Empty);
        }
        for (i, ch) in data.chars().enumerate() {
            if !u8::try_from(ch).is_ok_and(|b| check::hibc_value(b).is_some()) {
                return Err(UdiError::HibcInvalidCharacter {
                    offset: self.base + i,
                    ch,
                });
            }
        }
        Ok(data.as_bytes())
    }
}

impl ParseOptions {
    /// Parses a GS1 or HIBC UDI; see [`parse`].
    pub fn parse(&self, input: &str) -> Result<Udi, UdiError> {
        let p = prepare(input)?;
        if p.is_hibc() {
            return self.hibc(&p);
        }
        let first = p.data.as_bytes().first().copied();
        let gtin_only = matches!(p.symbology.as_deref(), Some("]E0" | "]E4" | "]I1"));
        match first {
            None => Err(UdiError::Empty),
            Some(c) if gtin_only || c.is_ascii_digit() || c == b'(' || c == 0x1D => self.gs1(&p),
            Some(b'h' | b'H')
                if p.data
                    .get(..4)
                    .is_some_and(|s| s.eq_ignore_ascii_case("http")) =>
            {
                self.gs1(&p)
            }
            Some(_) => {
                // Reuse the character checks so non-ASCII input is named as such.
                p.gs1_bytes()?;
                Err(UdiError::UnknownFormat { offset: p.base })
            }
        }
    }

    /// Parses GS1 data that must carry a GTIN; see [`parse_gs1`].
    pub fn parse_gs1(&self, input: &str) -> Result<Udi, UdiError> {
        self.gs1(&prepare(input)?)
    }

    /// Parses HIBC data; see [`parse_hibc`].
    pub fn parse_hibc(&self, input: &str) -> Result<Udi, UdiError> {
        self.hibc(&prepare(input)?)
    }

    /// Parses GS1 data into elements; see [`parse_gs1_message`].
    pub fn parse_gs1_message(&self, input: &str) -> Result<Gs1Message, UdiError> {
        let p = prepare(input)?;
        let located = gs1::parse(
            p.gs1_bytes()?,
            p.base,
            p.symbology.as_deref(),
            self.reference_year,
        )?;
        Ok(Gs1Message {
            elements: located
                .into_iter()
                .map(|e| Gs1Element {
                    ai: e.ai,
                    value: e.value,
                })
                .collect(),
            symbology: p.symbology,
        })
    }

    fn gs1(&self, p: &Prepared<'_>) -> Result<Udi, UdiError> {
        let located = gs1::parse(
            p.gs1_bytes()?,
            p.base,
            p.symbology.as_deref(),
            self.reference_year,
        )?;
        let first = |ai: &str| located.iter().find(|e| e.ai == ai).map(|e| e.value.clone());
        // Values were validated, so dates parse; a failure would only drop the date.
        let date = |ai: &str| {
            first(ai).and_then(|v| date::gs1_yymmdd(v.as_bytes(), true, self.reference_year))
        };
        let device_identifier = first("01").ok_or(UdiError::MissingGtin)?;
        Ok(Udi {
            issuer: Issuer::Gs1,
            device_identifier,
            lot: first("10"),
            serial: first("21"),
            production_date: date("11"),
            expiry_date: date("17"),
            expiry_hour: None,
            quantity: None,
            elements: located
                .iter()
                .map(|e| Gs1Element {
                    ai: e.ai.clone(),
                    value: e.value.clone(),
                })
                .collect(),
            symbology: p.symbology.clone(),
        })
    }

    fn hibc(&self, p: &Prepared<'_>) -> Result<Udi, UdiError> {
        let h = hibc::parse(p.hibc_bytes()?, p.base, self.reference_year)?;
        Ok(Udi {
            issuer: Issuer::Hibc,
            device_identifier: h.di,
            lot: h.lot,
            serial: h.serial,
            production_date: h.production,
            expiry_date: h.expiry,
            expiry_hour: h.expiry_hour,
            quantity: h.quantity,
            elements: Vec::new(),
            symbology: p.symbology.clone(),
        })
    }
}

/// A GTIN-8, -12, -13 or -14 as GTIN-14 (left-padded with zeros); `None`
/// for anything else. The check digit is not verified here.
pub fn normalize_gtin(gtin: &str) -> Option<String> {
    gs1::pad_gtin(gtin.as_bytes()).map(|b| b.into_iter().map(char::from).collect())
}

/// Whether a catalogue UDI-DI names this UDI's device identifier.
///
/// For a GS1 UDI the catalogue entry is a GTIN-8/12/13/14 (optionally
/// written `(01)…`), compared as GTIN-14. For an HIBC UDI it is the labeler
/// code, product code and unit of measure, with or without a leading `+`,
/// compared case-insensitively. Surrounding whitespace is ignored; an
/// entry of the other agency's shape never matches.
pub fn di_matches(catalogue_di: &str, udi: &Udi) -> bool {
    let c = catalogue_di.trim();
    if c.is_empty() || udi.device_identifier.is_empty() {
        return false;
    }
    match udi.issuer {
        Issuer::Gs1 => {
            let c = c.strip_prefix("(01)").unwrap_or(c);
            normalize_gtin(c).is_some_and(|g| g == udi.device_identifier)
        }
        Issuer::Hibc => {
            let c = c.strip_prefix('+').unwrap_or(c);
            c.eq_ignore_ascii_case(&udi.device_identifier)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_issuer() {
        let g = parse("]d20109501101530003\u{1d}10AB").unwrap();
        assert_eq!(g.issuer, Issuer::Gs1);
        assert_eq!(g.symbology.as_deref(), Some("]d2"));
        assert_eq!(g.lot.as_deref(), Some("AB"));
        let h = parse(" ]d1+A123BJC5D6E71G\r\n").unwrap();
        assert_eq!(h.issuer, Issuer::Hibc);
        assert_eq!(h.device_identifier, "A123BJC5D6E71");
        assert!(h.elements.is_empty());
    }

    #[test]
    fn gs1_udi_fields() {
        let u = parse("(01)09501101530003(11)240229(17)250200(10)L1(21)S1").unwrap();
        assert_eq!(u.device_identifier, "09501101530003");
        assert_eq!(u.production_date, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(u.expiry_date, NaiveDate::from_ymd_opt(2025, 2, 28));
        assert_eq!(u.serial.as_deref(), Some("S1"));
        assert_eq!(u.elements.len(), 5);
    }

    #[test]
    fn reference_year_moves_the_century() {
        let opts = ParseOptions {
            reference_year: 2040,
        };
        let u = opts.parse("0109501101530003\u{1d}1785010110X").unwrap();
        assert_eq!(u.expiry_date, NaiveDate::from_ymd_opt(2085, 1, 1));
        let u = parse("0109501101530003\u{1d}1785010110X").unwrap();
        assert_eq!(u.expiry_date, NaiveDate::from_ymd_opt(1985, 1, 1));
    }

    #[test]
    fn missing_gtin() {
        assert_eq!(parse("10ABC"), Err(UdiError::MissingGtin));
        let m = parse_gs1_message("10ABC").unwrap();
        assert_eq!(
            m.elements,
            vec![Gs1Element {
                ai: "10".into(),
                value: "ABC".into()
            }]
        );
    }

    #[test]
    fn entry_point_errors() {
        assert_eq!(parse(""), Err(UdiError::Empty));
        assert_eq!(parse("  \t"), Err(UdiError::Empty));
        assert_eq!(parse("]d2"), Err(UdiError::Empty));
        assert_eq!(parse("]"), Err(UdiError::BadSymbology { offset: 0 }));
        assert_eq!(parse(" ]1d01"), Err(UdiError::BadSymbology { offset: 1 }));
        assert_eq!(parse("]dé"), Err(UdiError::BadSymbology { offset: 0 }));
        assert_eq!(parse("hello"), Err(UdiError::UnknownFormat { offset: 0 }));
        assert!(matches!(
            parse("01é"),
            Err(UdiError::InvalidCharacter {
                offset: 2,
                ch: 'é',
                ..
            })
        ));
        assert!(matches!(
            parse("010950110153\u{0}0003"),
            Err(UdiError::InvalidCharacter { offset: 12, .. })
        ));
        assert!(matches!(
            parse("+A123é"),
            Err(UdiError::HibcInvalidCharacter {
                offset: 5, ch: 'é'
            })
        ));
        let long = "1".repeat(MAX_INPUT_LEN + 1);
        assert_eq!(
            parse(&long),
            Err(UdiError::TooLong {
                len: 4097,
                max: 4096
            })
        );
        assert!(matches!(
            parse_hibc("0109501101530003"),
            Err(UdiError::HibcMalformed { .. })
        ));
        assert!(matches!(
            parse_gs1("+A123BJC5D6E71G"),
            Err(UdiError::UnknownAi { .. })
        ));
    }

    #[test]
    fn error_offsets() {
        assert_eq!(parse("+A123BJC5D6E71H").unwrap_err().offset(), Some(14));
        assert_eq!(parse("]d20109501101530004").unwrap_err().offset(), Some(18));
        assert_eq!(parse("10A\u{1d}10B").unwrap_err().offset(), Some(6));
        assert_eq!(parse("10A").unwrap_err().offset(), None);
    }

    #[test]
    fn di_matching() {
        let g = parse("0100012345678905").unwrap();
        assert!(di_matches("00012345678905", &g));
        assert!(di_matches("0012345678905", &g));
        assert!(di_matches("012345678905", &g));
        assert!(di_matches(" (01)00012345678905 ", &g));
        assert!(!di_matches("12345678905", &g));
        assert!(!di_matches("00012345678906", &g));
        assert!(!di_matches("", &g));
        assert!(!di_matches("+A123BJC5D6E71", &g));
        let g8 = parse("]E496385074").unwrap();
        assert!(di_matches("96385074", &g8));

        let h = parse("+A123BJC5D6E71G").unwrap();
        assert!(di_matches("A123BJC5D6E71", &h));
        assert!(di_matches("+a123bjc5d6e71", &h));
        assert!(!di_matches("A123BJC5D6E7", &h));
        assert!(!di_matches("A123BJC5D6E71G", &h));
        assert!(!di_matches("00012345678905", &h));
    }

    #[test]
    fn serde_shape() {
        let u = parse("+A123BJC5D6E71G").unwrap();
        let v = serde_json::to_value(&u).unwrap();
        assert_eq!(v["issuer"], "hibc");
        assert_eq!(serde_json::to_value(Issuer::Gs1).unwrap(), "gs1");
        let back: Udi = serde_json::from_value(v).unwrap();
        assert_eq!(back, u);
    }
}
