//! The well-formed name (NISTIR 7695 §5): eleven attribute values, and its
//! text form `wfn:[part="a",vendor="microsoft",version="8\.0",...]`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::value::{check_restricted, wfn_tokens};
use crate::{Attribute, AvString, CpeError, MAX_NAME_LEN, Value};

/// A well-formed CPE name. Attributes not set are ANY.
///
/// Equality is structural (same canonical values, case kept); use
/// [`crate::compare`] for what CPE matching says about two names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Wfn {
    values: [Value; 11],
}

impl Wfn {
    /// The name with every attribute ANY.
    pub fn new() -> Wfn {
        Wfn::default()
    }

    /// Parses any of the three textual forms, told apart by the prefix:
    /// `cpe:2.3:` (formatted string), `cpe:/` (URI), `wfn:[` (WFN text).
    pub fn parse(text: &str) -> Result<Wfn, CpeError> {
        if text.starts_with(crate::fs::PREFIX) {
            Wfn::from_formatted_string(text)
        } else if text.starts_with(crate::uri::PREFIX) {
            Wfn::from_uri(text)
        } else if text.starts_with(WFN_PREFIX) {
            Wfn::from_wfn_text(text)
        } else {
            precheck(text)?;
            Err(CpeError::UnknownPrefix)
        }
    }

    /// The value of one attribute.
    pub fn get(&self, attribute: Attribute) -> &Value {
        &self.values[attribute.index()]
    }

    /// Sets one attribute, checking the restricted ones: `part` must be
    /// `a`, `o` or `h` (stored lowercase) and `language` an RFC 5646
    /// `language[-region]` tag. Errors report offset 0.
    pub fn set(&mut self, attribute: Attribute, value: Value) -> Result<(), CpeError> {
        self.values[attribute.index()] = check_restricted(attribute, value, 0)?;
        Ok(())
    }

    /// [`Wfn::set`] for chaining.
    pub fn with(mut self, attribute: Attribute, value: Value) -> Result<Wfn, CpeError> {
        self.set(attribute, value)?;
        Ok(self)
    }

    /// Attributes and values in binding order.
    pub fn iter(&self) -> impl Iterator<Item = (Attribute, &Value)> {
        Attribute::ALL.into_iter().zip(self.values.iter())
    }

    /// Sets a value the parsers have already checked.
    pub(crate) fn put(&mut self, attribute: Attribute, value: Value) {
        self.values[attribute.index()] = value;
    }

    /// Parses the WFN text form. Attributes may come in any order, each at
    /// most once; spaces are allowed around `,` and `=`.
    pub fn from_wfn_text(text: &str) -> Result<Wfn, CpeError> {
        let chars = precheck(text)?;
        if !text.starts_with(WFN_PREFIX) {
            return Err(CpeError::WfnSyntax {
                offset: 0,
                expected: "`wfn:[`",
            });
        }
        let mut p = WfnParser {
            chars: &chars,
            pos: WFN_PREFIX.len(),
        };
        let mut wfn = Wfn::new();
        let mut seen = [false; 11];
        p.skip_spaces();
        if p.peek() == Some(']') {
            p.pos += 1;
        } else {
            loop {
                p.skip_spaces();
                let (attribute, at) = p.name()?;
                if std::mem::replace(&mut seen[attribute.index()], true) {
                    return Err(CpeError::DuplicateAttribute {
                        offset: at,
                        name: attribute.name(),
                    });
                }
                p.skip_spaces();
                p.expect('=', "`=` after the attribute name")?;
                p.skip_spaces();
                let value = p.value(attribute)?;
                wfn.put(attribute, value);
                p.skip_spaces();
                match p.peek() {
                    Some(',') => p.pos += 1,
                    Some(']') => {
                        p.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(CpeError::WfnSyntax {
                            offset: p.pos,
                            expected: "`,` or `]` after a value",
                        });
                    }
                }
            }
        }
        if p.pos != chars.len() {
            return Err(CpeError::WfnSyntax {
                offset: p.pos,
                expected: "end of input after `]`",
            });
        }
        Ok(wfn)
    }
}

const WFN_PREFIX: &str = "wfn:[";

/// Refuses empty and oversized input before any work, and splits into
/// characters so that error offsets count characters.
pub(crate) fn precheck(text: &str) -> Result<Vec<char>, CpeError> {
    if text.is_empty() {
        return Err(CpeError::Empty);
    }
    if text.len() > MAX_NAME_LEN {
        return Err(CpeError::TooLong {
            len: text.len(),
            max: MAX_NAME_LEN,
        });
    }
    Ok(text.chars().collect())
}

struct WfnParser<'a> {
    chars: &'a [char],
    pos: usize,
}

impl WfnParser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: char, expected: &'static str) -> Result<(), CpeError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(CpeError::WfnSyntax {
                offset: self.pos,
                expected,
            })
        }
    }

    fn name(&mut self) -> Result<(Attribute, usize), CpeError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(CpeError::WfnSyntax {
                offset: start,
                expected: "an attribute name",
            });
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        match Attribute::from_name(&name) {
            Some(a) => Ok((a, start)),
            None => Err(CpeError::UnknownAttribute {
                offset: start,
                name,
            }),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        let found = self
            .chars
            .get(self.pos..end)
            .is_some_and(|s| s.iter().copied().eq(word.chars()));
        if found {
            self.pos = end;
        }
        found
    }

    fn value(&mut self, attribute: Attribute) -> Result<Value, CpeError> {
        if self.keyword("ANY") {
            return Ok(Value::Any);
        }
        if self.keyword("NA") {
            return Ok(Value::Na);
        }
        let open = self.pos;
        self.expect('"', "ANY, NA or a quoted value")?;
        let start = self.pos;
        // Find the closing quote, stepping over quoted characters.
        let mut end = start;
        loop {
            match self.chars.get(end) {
                None => {
                    return Err(CpeError::UnterminatedValue {
                        attribute,
                        offset: open,
                    });
                }
                Some('"') => break,
                Some('\\') => end += 2,
                Some(_) => end += 1,
            }
        }
        let tokens = wfn_tokens(attribute, &self.chars[start..end], start)?;
        let value = Value::Str(AvString::from_tokens(attribute, &tokens, start)?);
        self.pos = end + 1;
        check_restricted(attribute, value, start)
    }
}

impl fmt::Display for Wfn {
    /// The WFN text form with all eleven attributes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WFN_PREFIX)?;
        for (i, (attribute, value)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match value {
                Value::Any => write!(f, "{attribute}=ANY")?,
                Value::Na => write!(f, "{attribute}=NA")?,
                Value::Str(s) => write!(f, "{attribute}=\"{s}\"")?,
            }
        }
        f.write_str("]")
    }
}

impl FromStr for Wfn {
    type Err = CpeError;

    fn from_str(s: &str) -> Result<Wfn, CpeError> {
        Wfn::parse(s)
    }
}

impl Serialize for Wfn {
    /// Serialized as the CPE 2.3 formatted string, the form NVD uses.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_formatted_string())
    }
}

impl<'de> Deserialize<'de> for Wfn {
    /// Accepts any of the forms [`Wfn::parse`] reads.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Wfn, D::Error> {
        let text = String::deserialize(deserializer)?;
        Wfn::parse(&text).map_err(serde::de::Error::custom)
    }
}
