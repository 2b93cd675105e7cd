//! Attribute values of a well-formed name (NISTIR 7695 §5.3): the logical
//! values ANY and NA, and attribute-value strings with quoting and the `*`
//! and `?` wildcards.

use std::fmt;

use crate::CpeError;

/// One of the eleven WFN attributes, in the order of the formatted string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attribute {
    Part,
    Vendor,
    Product,
    Version,
    Update,
    Edition,
    Language,
    SwEdition,
    TargetSw,
    TargetHw,
    Other,
}

impl Attribute {
    /// All attributes, in binding order.
    pub const ALL: [Attribute; 11] = [
        Attribute::Part,
        Attribute::Vendor,
        Attribute::Product,
        Attribute::Version,
        Attribute::Update,
        Attribute::Edition,
        Attribute::Language,
        Attribute::SwEdition,
        Attribute::TargetSw,
        Attribute::TargetHw,
        Attribute::Other,
    ];

    /// The attribute's name as NISTIR 7695 writes it (`sw_edition`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Part => "part",
            Attribute::Vendor => "vendor",
            Attribute::Product => "product",
            Attribute::Version => "version",
            Attribute::Update => "update",
            Attribute::Edition => "edition",
            Attribute::Language => "language",
            Attribute::SwEdition => "sw_edition",
            Attribute::TargetSw => "target_sw",
            Attribute::TargetHw => "target_hw",
            Attribute::Other => "other",
        }
    }

    /// Looks an attribute up by its NISTIR 7695 name.
    pub fn from_name(name: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Position in [`Attribute::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One attribute's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// ANY: no constraint (`*` in the formatted string, empty in the URI).
    #[default]
    Any,
    /// NA: the attribute does not apply (`-` in both bindings).
    Na,
    /// An attribute-value string, possibly with wildcards.
    Str(AvString),
}

impl Value {
    /// The string value, if this is neither ANY nor NA.
    pub fn as_av_string(&self) -> Option<&AvString> {
        match self {
            Value::Str(s) => Some(s),
            Value::Any | Value::Na => None,
        }
    }
}

/// One unit of an attribute-value string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// A character standing for itself (quoted punctuation included).
    Char(char),
    /// Unquoted `*`: zero or more characters.
    AnyRun,
    /// Unquoted `?`: one character (zero at the very ends, per NISTIR 7696).
    AnyOne,
}

/// An attribute-value string, kept in its canonical WFN form: letters,
/// digits and `_` as themselves, every other printable character quoted
/// with `\`, wildcards unquoted and only at the ends.
///
/// The form is canonical (however the value was written: `\_` or `_`,
/// `%2e` or `.`) so that equal values have equal texts, ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AvString(String);

impl AvString {
    /// Parses a value in WFN quoting (what goes between the quotes of
    /// `version="8\.0"`). Errors report offsets within `text`.
    pub fn parse(attribute: Attribute, text: &str) -> Result<AvString, CpeError> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = wfn_tokens(attribute, &chars, 0)?;
        AvString::from_tokens(attribute, &tokens, 0)
    }

    /// A value meaning exactly `text`: every character is taken literally
    /// (so `*` and `?` are quoted, not wildcards).
    pub fn literal(attribute: Attribute, text: &str) -> Result<AvString, CpeError> {
        let mut tokens = Vec::with_capacity(text.len());
        for (offset, ch) in text.chars().enumerate() {
            if !is_printable(ch) {
                return Err(CpeError::InvalidCharacter {
                    attribute,
                    offset,
                    ch,
                });
            }
            tokens.push((Token::Char(ch), offset));
        }
        AvString::from_tokens(attribute, &tokens, 0)
    }

    /// Builds the canonical form from tokens, checking where the wildcards
    /// stand. Each token carries its offset in the caller's input, for errors;
    /// `start` is where the value begins, for an empty one.
    pub(crate) fn from_tokens(
        attribute: Attribute,
        tokens: &[(Token, usize)],
        start: usize,
    ) -> Result<AvString, CpeError> {
        let Some(&(_, first_offset)) = tokens.first() else {
            return Err(CpeError::EmptyValue {
                attribute,
                offset: start,
            });
        };
        let is_wild = |t: &Token| !matches!(t, Token::Char(_));
        let lead = tokens.iter().take_while(|(t, _)| is_wild(t)).count();
        if lead == tokens.len() {
            // A run of `?` alone is a real pattern (one to n characters);
            // with a `*` it would match anything, which is ANY's job.
            if tokens.iter().any(|(t, _)| *t == Token::AnyRun) {
                return Err(CpeError::WildcardOnly {
                    attribute,
                    offset: first_offset,
                });
            }
        } else {
            let trail = tokens.iter().rev().take_while(|(t, _)| is_wild(t)).count();
            check_end(attribute, &tokens[..lead])?;
            check_end(attribute, &tokens[tokens.len() - trail..])?;
            // NISTIR 7695 §5.3.2 (ABNF `body`): a quoted hyphen cannot be the
            // whole body unless wildcards lead, so a lone `-` always means NA.
            if lead == 0 && tokens.len() - trail == 1 && tokens[0].0 == Token::Char('-') {
                return Err(CpeError::LoneHyphen {
                    attribute,
                    offset: first_offset,
                });
            }
            if let Some(&(t, offset)) = tokens[lead..tokens.len() - trail]
                .iter()
                .find(|(t, _)| is_wild(t))
            {
                return Err(CpeError::MisplacedWildcard {
                    attribute,
                    offset,
                    ch: if t == Token::AnyRun { '*' } else { '?' },
                });
            }
        }
        let mut text = String::with_capacity(tokens.len() * 2);
        for (t, _) in tokens {
            match *t {
                Token::Char(c) if c.is_ascii_alphanumeric() || c == '_' => text.push(c),
                Token::Char(c) => {
                    text.push('\\');
                    text.push(c);
                }
                Token::AnyRun => text.push('*'),
                Token::AnyOne => text.push('?'),
            }
        }
        Ok(AvString(text))
    }

    /// The canonical WFN text, e.g. `8\.0\.6001` or `8\.*`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value's tokens in order.
    pub fn tokens(&self) -> Tokens<'_> {
        Tokens {
            chars: self.0.chars(),
        }
    }

    /// Whether the value has an unquoted `*` or `?`.
    pub fn has_wildcards(&self) -> bool {
        self.tokens().any(|t| !matches!(t, Token::Char(_)))
    }

    /// The characters the value stands for, quoting removed (`8\.0` gives
    /// `8.0`); `None` when it has wildcards.
    pub fn unquoted(&self) -> Option<String> {
        self.tokens()
            .map(|t| match t {
                Token::Char(c) => Some(c),
                Token::AnyRun | Token::AnyOne => None,
            })
            .collect()
    }

    /// The same value with ASCII letters lowercased (the URI binding and
    /// name matching are case-insensitive).
    pub(crate) fn to_lowercase(&self) -> AvString {
        AvString(self.0.to_ascii_lowercase())
    }
}

impl fmt::Display for AvString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Iterator over an [`AvString`]'s tokens.
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    chars: std::str::Chars<'a>,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        // The canonical form guarantees a character after every backslash.
        match self.chars.next()? {
            '\\' => self.chars.next().map(Token::Char),
            '*' => Some(Token::AnyRun),
            '?' => Some(Token::AnyOne),
            c => Some(Token::Char(c)),
        }
    }
}

/// One end of a value holds either a single `*` or a run of `?`.
fn check_end(attribute: Attribute, end: &[(Token, usize)]) -> Result<(), CpeError> {
    if end.len() > 1 && end.iter().any(|(t, _)| *t == Token::AnyRun) {
        let offset = end.get(1).map_or(0, |&(_, o)| o);
        return Err(CpeError::MixedWildcards { attribute, offset });
    }
    Ok(())
}

/// Printable ASCII other than space: the only characters CPE values hold.
pub(crate) fn is_printable(c: char) -> bool {
    c.is_ascii_graphic()
}

/// Printable punctuation: what may follow a backslash.
pub(crate) fn is_quotable(c: char) -> bool {
    c.is_ascii_graphic() && !c.is_ascii_alphanumeric()
}

/// Tokenizes a value in WFN quoting: letters, digits and `_` plain, other
/// punctuation quoted, `*`/`?` unquoted as wildcards. `base` is the offset
/// of `chars[0]` in the caller's input.
pub(crate) fn wfn_tokens(
    attribute: Attribute,
    chars: &[char],
    base: usize,
) -> Result<Vec<(Token, usize)>, CpeError> {
    let mut tokens = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let offset = base + i;
        match c {
            '\\' => {
                let q = quoted(attribute, chars.get(i + 1).copied(), offset)?;
                tokens.push((Token::Char(q), offset));
                i += 2;
                continue;
            }
            '*' => tokens.push((Token::AnyRun, offset)),
            '?' => tokens.push((Token::AnyOne, offset)),
            c if c.is_ascii_alphanumeric() || c == '_' => tokens.push((Token::Char(c), offset)),
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
        }
        i += 1;
    }
    Ok(tokens)
}

/// The character after a backslash at `offset`, checked.
pub(crate) fn quoted(
    attribute: Attribute,
    next: Option<char>,
    offset: usize,
) -> Result<char, CpeError> {
    match next {
        None => Err(CpeError::DanglingEscape { attribute, offset }),
        Some(c) if is_quotable(c) => Ok(c),
        Some(ch) if ch.is_ascii() => Err(CpeError::BadEscape {
            attribute,
            offset,
            ch,
        }),
        Some(ch) => Err(CpeError::InvalidCharacter {
            attribute,
            offset: offset + 1,
            ch,
        }),
    }
}

/// Checks `part` and `language`, whose values are restricted; other
/// attributes take any string. `offset` locates the value for errors.
pub(crate) fn check_restricted(
    attribute: Attribute,
    value: Value,
    offset: usize,
) -> Result<Value, CpeError> {
    let Value::Str(s) = &value else {
        return Ok(value);
    };
    match attribute {
        Attribute::Part => {
            let lower = s.to_lowercase();
            match lower.as_str() {
                "a" | "o" | "h" => Ok(Value::Str(lower)),
                _ => Err(CpeError::InvalidPart {
                    offset,
                    found: s.as_str().to_owned(),
                }),
            }
        }
        Attribute::Language => {
            if s.unquoted().is_some_and(|t| is_language_tag(&t)) {
                Ok(value)
            } else {
                Err(CpeError::InvalidLanguage {
                    offset,
                    found: s.as_str().to_owned(),
                })
            }
        }
        _ => Ok(value),
    }
}

/// RFC 5646 as NISTIR 7695 restricts it: `2*3ALPHA ["-" (2ALPHA / 3DIGIT)]`.
fn is_language_tag(tag: &str) -> bool {
    let (language, region) = match tag.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (tag, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok = match region {
        None => true,
        Some(r) => {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    language_ok && region_ok
}
