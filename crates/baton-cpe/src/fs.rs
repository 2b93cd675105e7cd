//! The CPE 2.3 formatted-string binding (NISTIR 7695 §6.2):
//! `cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other`.
//!
//! `*` is ANY and `-` NA; `.`, `-` and `_` stand unquoted inside values,
//! other punctuation is quoted with `\`, and unquoted `*`/`?` are wildcards.

use crate::value::{Token, check_restricted, is_quotable, quoted};
use crate::wfn::precheck;
use crate::{Attribute, AvString, CpeError, Value, Wfn};

pub(crate) const PREFIX: &str = "cpe:2.3:";

impl Wfn {
    /// Unbinds a formatted string (NISTIR 7695 §6.2.3), strictly: exactly
    /// eleven components, valid escapes only, no unquoted punctuation
    /// other than `.`, `-` and `_`, wildcards only at the ends.
    ///
    /// Case is kept as written; matching ignores it.
    pub fn from_formatted_string(text: &str) -> Result<Wfn, CpeError> {
        let chars = precheck(text)?;
        if !text.starts_with(PREFIX) {
            return Err(CpeError::UnknownPrefix);
        }
        let components = split_components(&chars, PREFIX.len());
        if components.len() != 11 {
            return Err(CpeError::ComponentCount {
                found: components.len(),
            });
        }
        let mut wfn = Wfn::new();
        for (attribute, (start, end)) in Attribute::ALL.into_iter().zip(components) {
            let value = unbind_value(attribute, &chars[start..end], start)?;
            wfn.put(attribute, check_restricted(attribute, value, start)?);
        }
        Ok(wfn)
    }

    /// Binds to a formatted string (NISTIR 7695 §6.2.2).
    pub fn to_formatted_string(&self) -> String {
        let mut out = String::from(PREFIX);
        for (i, (_, value)) in self.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            match value {
                Value::Any => out.push('*'),
                Value::Na => out.push('-'),
                Value::Str(s) => bind_string(s, &mut out),
            }
        }
        out
    }
}

/// Component boundaries (start, end) after the prefix: colons split unless
/// quoted by a backslash.
fn split_components(chars: &[char], from: usize) -> Vec<(usize, usize)> {
    let mut components = Vec::with_capacity(11);
    let mut start = from;
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            ':' => {
                components.push((start, i));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    components.push((start, chars.len().max(start)));
    components
}

fn unbind_value(attribute: Attribute, chars: &[char], base: usize) -> Result<Value, CpeError> {
    match chars {
        ['*'] => return Ok(Value::Any),
        ['-'] => return Ok(Value::Na),
        [] => {
            return Err(CpeError::EmptyValue {
                attribute,
                offset: base,
            });
        }
        _ => {}
    }
    let mut tokens = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let offset = base + i;
        let token = match c {
            '\\' => {
                let q = quoted(attribute, chars.get(i + 1).copied(), offset)?;
                i += 1;
                Token::Char(q)
            }
            '*' => Token::AnyRun,
            '?' => Token::AnyOne,
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') => Token::Char(c),
            c if is_quotable(c) => {
                return Err(CpeError::UnquotedSpecial {
                    attribute,
                    offset,
                    ch: c,
                    fix: "escape it with a backslash",
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

fn bind_string(s: &AvString, out: &mut String) {
    for t in s.tokens() {
        match t {
            Token::Char(c) if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') => {
                out.push(c)
            }
            Token::Char(c) => {
                out.push('\\');
                out.push(c);
            }
            Token::AnyRun => out.push('*'),
            Token::AnyOne => out.push('?'),
        }
    }
}
