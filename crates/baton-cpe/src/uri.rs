//! The CPE 2.2-compatible URI binding (NISTIR 7695 §6.1):
//! `cpe:/part:vendor:product:version:update:edition:language`.
//!
//! Empty is ANY and `-` NA; punctuation other than `.`, `-` and `_` is
//! percent-encoded; the 2.3 wildcards are `%01` (`?`) and `%02` (`*`); the
//! four extended attributes travel packed in the edition as
//! `~edition~sw_edition~target_sw~target_hw~other`.

use std::fmt::Write as _;

use crate::value::{Token, check_restricted, is_quotable};
use crate::wfn::precheck;
use crate::{Attribute, AvString, CpeError, Value, Wfn};

pub(crate) const PREFIX: &str = "cpe:/";

/// The URI components, in order; the edition may carry the packed rest.
const URI_ATTRIBUTES: [Attribute; 7] = [
    Attribute::Part,
    Attribute::Vendor,
    Attribute::Product,
    Attribute::Version,
    Attribute::Update,
    Attribute::Edition,
    Attribute::Language,
];

const PACKED: [Attribute; 5] = [
    Attribute::Edition,
    Attribute::SwEdition,
    Attribute::TargetSw,
    Attribute::TargetHw,
    Attribute::Other,
];

impl Wfn {
    /// Unbinds a URI (NISTIR 7695 §6.1.3). Missing trailing components are
    /// ANY. As the specification prescribes, letters are lowercased.
    pub fn from_uri(text: &str) -> Result<Wfn, CpeError> {
        let chars = precheck(text)?;
        if !text.starts_with(PREFIX) {
            return Err(CpeError::UnknownPrefix);
        }
        let mut components = Vec::with_capacity(7);
        let mut start = PREFIX.len();
        for (i, &c) in chars.iter().enumerate().skip(start) {
            if c == ':' {
                components.push((start, i));
                start = i + 1;
            }
        }
        components.push((start, chars.len()));
        if components.len() > URI_ATTRIBUTES.len() {
            return Err(CpeError::UriComponentCount {
                found: components.len(),
            });
        }
        let mut wfn = Wfn::new();
        for (attribute, (start, end)) in URI_ATTRIBUTES.into_iter().zip(components) {
            let component = &chars[start..end];
            if attribute == Attribute::Edition && component.first() == Some(&'~') {
                unpack(&mut wfn, component, start)?;
            } else {
                let value = decode(attribute, component, start)?;
                wfn.put(attribute, check_restricted(attribute, value, start)?);
            }
        }
        Ok(wfn)
    }

    /// Binds to a URI (NISTIR 7695 §6.1.2). The extended attributes are
    /// packed into the edition only when one of them is not ANY.
    ///
    /// The URI does not keep case: unbinding lowercases.
    pub fn to_uri(&self) -> String {
        let mut components: Vec<String> = Vec::with_capacity(7);
        for attribute in URI_ATTRIBUTES {
            if attribute == Attribute::Edition && PACKED[1..].iter().any(|&a| !is_any(self, a)) {
                let mut packed = String::new();
                for a in PACKED {
                    packed.push('~');
                    packed.push_str(&bind_value(self.get(a)));
                }
                components.push(packed);
            } else {
                components.push(bind_value(self.get(attribute)));
            }
        }
        while components.last().is_some_and(String::is_empty) {
            components.pop();
        }
        format!("{PREFIX}{}", components.join(":"))
    }
}

fn is_any(wfn: &Wfn, attribute: Attribute) -> bool {
    matches!(wfn.get(attribute), Value::Any)
}

fn bind_value(value: &Value) -> String {
    let s = match value {
        Value::Any => return String::new(),
        Value::Na => return "-".to_owned(),
        Value::Str(s) => s,
    };
    let mut out = String::with_capacity(s.as_str().len() * 2);
    for t in s.tokens() {
        match t {
            Token::Char(c) if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') => {
                out.push(c)
            }
            // Writing to a String cannot fail.
            Token::Char(c) => {
                let _ = write!(out, "%{:02x}", u32::from(c));
            }
            Token::AnyRun => out.push_str("%02"),
            Token::AnyOne => out.push_str("%01"),
        }
    }
    out
}

fn unpack(wfn: &mut Wfn, component: &[char], base: usize) -> Result<(), CpeError> {
    let separators = component.iter().filter(|&&c| c == '~').count();
    if separators != PACKED.len() {
        return Err(CpeError::BadPackedEdition {
            offset: base,
            found: separators,
        });
    }
    // Skip the leading `~`; each piece runs up to the next one.
    let mut start = 1;
    let mut pieces = Vec::with_capacity(PACKED.len());
    for (i, &c) in component.iter().enumerate().skip(1) {
        if c == '~' {
            pieces.push((start, i));
            start = i + 1;
        }
    }
    pieces.push((start, component.len()));
    for (attribute, (s, e)) in PACKED.into_iter().zip(pieces) {
        let value = decode(attribute, &component[s..e], base + s)?;
        wfn.put(attribute, value);
    }
    Ok(())
}

/// NISTIR 7695 §6.1.3.2 `decode`: empty is ANY, `-` NA, otherwise letters
/// are lowercased, `.`, `-` and `~` become quoted characters and `%xx`
/// forms are decoded.
fn decode(attribute: Attribute, chars: &[char], base: usize) -> Result<Value, CpeError> {
    match chars {
        [] => return Ok(Value::Any),
        ['-'] => return Ok(Value::Na),
        _ => {}
    }
    let mut tokens = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let offset = base + i;
        let token = match c {
            '%' => {
                let token = percent(attribute, &chars[i + 1..], offset)?;
                i += 2;
                token
            }
            c if c.is_ascii_alphanumeric() || c == '_' => Token::Char(c.to_ascii_lowercase()),
            '.' | '-' | '~' => Token::Char(c),
            c if is_quotable(c) => {
                return Err(CpeError::UnquotedSpecial {
                    attribute,
                    offset,
                    ch: c,
                    fix: "percent-encode it in a URI",
                });
            }
            ch => {
                return Err(CpeError::InvalidCharacter {
                    attribute,
                    offset,
                    ch,
                });
            }
        };
        tokens.push((token, offset));
        i += 1;
    }
    Ok(Value::Str(AvString::from_tokens(attribute, &tokens, base)?))
}

fn percent(attribute: Attribute, rest: &[char], offset: usize) -> Result<Token, CpeError> {
    let digits: String = rest.iter().take(2).collect();
    let bad = || CpeError::BadPercent {
        attribute,
        offset,
        found: format!("%{digits}"),
    };
    let code = match rest {
        [h, l, ..] => match (h.to_digit(16), l.to_digit(16)) {
            (Some(h), Some(l)) => h * 16 + l,
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    match code {
        0x01 => Ok(Token::AnyOne),
        0x02 => Ok(Token::AnyRun),
        _ => match char::from_u32(code) {
            Some(c) if is_quotable(c) => Ok(Token::Char(c)),
            _ => Err(bad()),
        },
    }
}
