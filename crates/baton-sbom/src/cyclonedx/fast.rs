//! A hand-written reader for the bulk of a CycloneDX JSON document: the entries of `components`
//! and `dependencies`, in the shapes documents nearly always have. It fills the same lenient
//! model ([`super::raw`]) as the serde reader and gives the same result, without serde's generic
//! visitor machinery, which took about half the time of reading a large SBOM.
//!
//! It is conservative: anything outside the common shapes (a value of another type, an escaped
//! string, a rarely used field, the document-level fields) is found by a strict JSON scanner and
//! handed, as its own slice of the text, to the serde model, which reads it exactly as it would
//! in place. Whatever it is not sure to read as serde would (an escape in a key, a key repeated
//! in an object, nesting deeper than [`MAX_DEPTH`], any syntax error) makes it give up with
//! [`Unsupported`]; the caller then reads the whole document with serde, which also reports the
//! errors.

use std::borrow::Cow;

use serde::Deserialize;

use super::raw::{
    Few, Found, List, Obj, RawBom, RawComponent, RawDependency, RawEntity, RawHash, RawLicense,
    RawLicenseChoice, RawProperty, Str,
};

/// The document is to be read by serde instead.
#[derive(Debug)]
pub struct Unsupported;

type Read<T> = Result<T, Unsupported>;

/// Deeper than this (serde's own limit is 128) is left to serde.
const MAX_DEPTH: usize = 64;

/// Where the entries of the streamed lists go.
pub trait Entries<'a> {
    fn component(&mut self, item: Obj<RawComponent<'a>>);
    fn dependency(&mut self, item: Obj<RawDependency<'a>>);
    /// Called at the end of each list, so that entries are taken in document order.
    fn flush(&mut self);
}

/// What `components` and `dependencies` were when they were not arrays.
#[derive(Debug, Default)]
pub struct Wrong {
    pub components: Option<Found>,
    pub dependencies: Option<Found>,
}

/// Reads a document whose root is an object: the entries of `components` and `dependencies` go
/// to `entries` in document order, the rest is returned.
pub fn read<'a>(text: &'a str, entries: &mut impl Entries<'a>) -> Read<(RawBom<'a>, Wrong)> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let mut bom = RawBom::default();
    let mut wrong = Wrong::default();
    // A repeated document-level field is left to serde (which keeps the last one).
    let mut seen = Seen::default();
    p.object(|p, key| {
        match key {
            "bomFormat" => {
                seen.first(0)?;
                bom.bom_format = p.str()?;
            }
            "specVersion" => {
                seen.first(1)?;
                bom.spec_version = p.str()?;
            }
            "serialNumber" => {
                seen.first(2)?;
                bom.serial_number = p.str()?;
            }
            "metadata" => {
                seen.first(3)?;
                bom.metadata = p.by_serde()?;
            }
            "services" => {
                seen.first(4)?;
                bom.services = p.by_serde()?;
            }
            "components" => {
                wrong.components = if p.peek() == Some(b'[') {
                    p.array(|p| {
                        let item = p.obj_component()?;
                        entries.component(item);
                        Ok(())
                    })?;
                    None
                } else {
                    Some(p.skip()?)
                };
                entries.flush();
            }
            "dependencies" => {
                wrong.dependencies = if p.peek() == Some(b'[') {
                    p.array(|p| {
                        let item = p.obj_dependency()?;
                        entries.dependency(item);
                        Ok(())
                    })?;
                    None
                } else {
                    Some(p.skip()?)
                };
                entries.flush();
            }
            _ => {
                p.skip()?;
            }
        }
        Ok(())
    })?;
    // Only whitespace may follow the root.
    if p.peek().is_some() {
        return Err(Unsupported);
    }
    Ok((bom, wrong))
}

/// Offset of the first `"`, `\\` or control character in `bytes` (its length if none), eight
/// bytes at a time.
#[inline(always)]
fn special_byte(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte below 0x20, or equal to '"' or '\\' (Mycroft's zero-byte test on each).
        let control = v.wrapping_sub(ONES * 0x20) & !v;
        let q = v ^ (ONES * u64::from(b'"'));
        let quote = q.wrapping_sub(ONES) & !q;
        let b = v ^ (ONES * u64::from(b'\\'));
        let backslash = b.wrapping_sub(ONES) & !b;
        let found = (control | quote | backslash) & HIGH;
        if found != 0 {
            return offset + (found.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    for &b in chunks.remainder() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return offset;
        }
        offset += 1;
    }
    offset
}

/// The fields of one object already read: serde refuses a repeated field of a component, a
/// hash, …, so a repeat is left to it.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn first(&mut self, field: u32) -> Read<()> {
        let bit = 1 << field;
        if self.0 & bit != 0 {
            return Err(Unsupported);
        }
        self.0 |= bit;
        Ok(())
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    /// The next byte that is not JSON whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.at += 1,
                _ => return Some(b),
            }
        }
        None
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Read<()> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(Unsupported)
        }
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported);
        }
        Ok(())
    }

    /// An object: `field` is called with each key, positioned at its value, and must read it.
    #[inline]
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Read<()>) -> Read<()> {
        self.enter()?;
        self.expect(b'{')?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(Unsupported);
            }
            let key = self.key()?;
            self.expect(b':')?;
            field(self, key)?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Unsupported),
            }
        }
    }

    /// An array: `item` is called positioned at each item, and must read it.
    #[inline]
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Read<()>) -> Read<()> {
        self.enter()?;
        self.expect(b'[')?;
        if self.peek() == Some(b']') {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            item(self)?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Unsupported),
            }
        }
    }

    /// The text of a string without escapes, positioned at its opening quote; `None` (and not
    /// moved) when it has an escape.
    #[inline(always)]
    fn plain_string(&mut self) -> Read<Option<&'a str>> {
        let start = self.at + 1;
        let rest = self.bytes.get(start..).unwrap_or_default();
        let len = special_byte(rest);
        match rest.get(len) {
            Some(b'"') => {
                // The quotes are ASCII, so both ends are character boundaries.
                let s = self.text.get(start..start + len).ok_or(Unsupported)?;
                self.at = start + len + 1;
                Ok(Some(s))
            }
            Some(b'\\') => Ok(None),
            _ => Err(Unsupported),
        }
    }

    /// A key, positioned at its opening quote; escaped keys are left to serde.
    #[inline]
    fn key(&mut self) -> Read<&'a str> {
        self.plain_string()?.ok_or(Unsupported)
    }

    /// Skips a string with escapes checked as serde checks them, positioned at its quote.
    fn skip_string(&mut self) -> Read<()> {
        let mut at = self.at + 1;
        loop {
            match self.bytes.get(at) {
                Some(b'"') => break,
                Some(b'\\') => match self.bytes.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                    Some(b'u') => {
                        let hex = self.bytes.get(at + 2..at + 6).ok_or(Unsupported)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(Unsupported);
                        }
                        at += 6;
                    }
                    _ => return Err(Unsupported),
                },
                Some(&b) if b < 0x20 => return Err(Unsupported),
                Some(_) => at += 1,
                None => return Err(Unsupported),
            }
        }
        self.at = at + 1;
        Ok(())
    }

    fn skip_literal(&mut self, literal: &[u8]) -> Read<()> {
        if self.bytes.get(self.at..self.at + literal.len()) == Some(literal) {
            self.at += literal.len();
            Ok(())
        } else {
            Err(Unsupported)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as serde reads numbers.
    fn skip_number(&mut self) -> Read<()> {
        let digits = |p: &mut Self| {
            let start = p.at;
            while p.bytes.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            if p.at == start {
                Err(Unsupported)
            } else {
                Ok(())
            }
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at) {
            Some(b'0') => {
                self.at += 1;
                if self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                    return Err(Unsupported);
                }
            }
            Some(b'1'..=b'9') => digits(self)?,
            _ => return Err(Unsupported),
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            digits(self)?;
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            digits(self)?;
        }
        Ok(())
    }

    /// Skips any value, checking it as serde would; returns its kind.
    fn skip(&mut self) -> Read<Found> {
        match self.peek() {
            Some(b'"') => {
                self.skip_string()?;
                Ok(Found::String)
            }
            Some(b'{') => {
                self.object(|p, _| p.skip().map(drop))?;
                Ok(Found::Object)
            }
            Some(b'[') => {
                self.array(|p| p.skip().map(drop))?;
                Ok(Found::Array)
            }
            Some(b't') => {
                self.skip_literal(b"true")?;
                Ok(Found::Bool)
            }
            Some(b'f') => {
                self.skip_literal(b"false")?;
                Ok(Found::Bool)
            }
            Some(b'n') => {
                self.skip_literal(b"null")?;
                Ok(Found::Null)
            }
            Some(b'-' | b'0'..=b'9') => {
                self.skip_number()?;
                Ok(Found::Number)
            }
            _ => Err(Unsupported),
        }
    }

    /// The next value read by its serde model, from its own slice of the text.
    fn by_serde<T: Deserialize<'a>>(&mut self) -> Read<T> {
        self.peek();
        let start = self.at;
        self.skip()?;
        let slice = self.text.get(start..self.at).ok_or(Unsupported)?;
        serde_json::from_str(slice).map_err(|_| Unsupported)
    }

    /// A string field: a plain string borrowed, anything else by serde.
    #[inline]
    fn str(&mut self) -> Read<Str<'a>> {
        if self.peek() == Some(b'"')
            && let Some(s) = self.plain_string()?
        {
            return Ok(Str::Text(Cow::Borrowed(s)));
        }
        self.by_serde()
    }

    /// An array field whose items `item` reads; anything else by serde.
    #[inline]
    fn list<T: Deserialize<'a>>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Read<T>,
    ) -> Read<List<T>> {
        if self.peek() != Some(b'[') {
            return self.by_serde();
        }
        let mut items = Few::Zero;
        self.array(|p| {
            items.push(item(p)?);
            Ok(())
        })?;
        Ok(List::Items(items))
    }

    /// An object field whose fields `read` reads; anything else by serde.
    #[inline]
    fn obj<T: Deserialize<'a>>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Obj<T>> {
        if self.peek() != Some(b'{') {
            return self.by_serde();
        }
        read(self).map(Obj::Value)
    }

    fn obj_component(&mut self) -> Read<Obj<RawComponent<'a>>> {
        self.obj(Self::component)
    }

    fn component(&mut self) -> Read<RawComponent<'a>> {
        let mut c = RawComponent::default();
        let mut seen = Seen::default();
        self.object(|p, key| {
            match key {
                "bom-ref" => {
                    seen.first(0)?;
                    c.bom_ref = p.str()?;
                }
                "type" => {
                    seen.first(1)?;
                    c.kind = p.str()?;
                }
                "name" => {
                    seen.first(2)?;
                    c.name = p.str()?;
                }
                "version" => {
                    seen.first(3)?;
                    c.version = p.str()?;
                }
                "supplier" => {
                    seen.first(4)?;
                    c.supplier = p.obj(Self::entity)?;
                }
                "manufacturer" => {
                    seen.first(5)?;
                    c.manufacturer = p.obj(Self::entity)?;
                }
                "publisher" => {
                    seen.first(6)?;
                    c.publisher = p.str()?;
                }
                "author" => {
                    seen.first(7)?;
                    c.author = p.str()?;
                }
                "authors" => {
                    seen.first(8)?;
                    c.authors = p.by_serde()?;
                }
                "description" => {
                    seen.first(9)?;
                    c.description = p.str()?;
                }
                "scope" => {
                    seen.first(10)?;
                    c.scope = p.str()?;
                }
                "hashes" => {
                    seen.first(11)?;
                    c.hashes = p.list(|p| p.obj(Self::hash))?;
                }
                "licenses" => {
                    seen.first(12)?;
                    c.licenses = p.list(|p| p.obj(Self::license_choice))?;
                }
                "cpe" => {
                    seen.first(13)?;
                    c.cpe = p.str()?;
                }
                "purl" => {
                    seen.first(14)?;
                    c.purl = p.str()?;
                }
                "swid" => {
                    seen.first(15)?;
                    c.swid = p.by_serde()?;
                }
                "pedigree" => {
                    seen.first(16)?;
                    c.pedigree = p.by_serde()?;
                }
                "properties" => {
                    seen.first(17)?;
                    c.properties = p.list(|p| p.obj(Self::property))?;
                }
                "components" => {
                    seen.first(18)?;
                    c.components = p.list(|p| p.obj_component().map(Box::new))?;
                }
                _ => {
                    p.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(c)
    }

    fn entity(&mut self) -> Read<RawEntity<'a>> {
        let mut e = RawEntity::default();
        let mut seen = Seen::default();
        self.object(|p, key| {
            if key == "name" {
                seen.first(0)?;
                e.name = p.str()?;
            } else {
                p.skip()?;
            }
            Ok(())
        })?;
        Ok(e)
    }

    fn hash(&mut self) -> Read<RawHash<'a>> {
        let mut h = RawHash::default();
        let mut seen = Seen::default();
        self.object(|p, key| {
            match key {
                "alg" => {
                    seen.first(0)?;
                    h.alg = p.str()?;
                }
                "content" => {
                    seen.first(1)?;
                    h.content = p.str()?;
                }
                _ => {
                    p.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(h)
    }

    fn license_choice(&mut self) -> Read<RawLicenseChoice<'a>> {
        let mut l = RawLicenseChoice::default();
        let mut seen = Seen::default();
        self.object(|p, key| {
            match key {
                "license" => {
                    seen.first(0)?;
                    l.license = p.obj(Self::license)?;
                }
                "expression" => {
                    seen.first(1)?;
                    l.expression = p.str()?;
                }
                _ => {
                    p.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(l)
    }

    fn license(&mut self) -> Read<RawLicense<'a>> {
        let mut l = RawLicense::default();
        let mut seen = Seen::default();
        self.object(|p, key| {
            match key {
                "id" => {
                    seen.first(0)?;
                    l.id = p.str()?;
                }
                "name" => {
                    seen.first(1)?;
                    l.name = p.str()?;
                }
                "text" => {
                    seen.first(2)?;
                    l.text = p.by_serde()?;
                }
                _ => {
                    p.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(l)
    }

    fn property(&mut self) -> Read<RawProperty<'a>> {
        let mut prop = RawProperty::default();
        let mut seen = Seen::default();
        self.object(|p, key| {
            match key {
                "name" => {
                    seen.first(0)?;
                    prop.name = p.str()?;
                }
                "value" => {
                    seen.first(1)?;
                    prop.value = p.str()?;
                }
                _ => {
                    p.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(prop)
    }

    fn obj_dependency(&mut self) -> Read<Obj<RawDependency<'a>>> {
        self.obj(|p| {
            let mut d = RawDependency::default();
            let mut seen = Seen::default();
            p.object(|p, key| {
                match key {
                    "ref" => {
                        seen.first(0)?;
                        d.reference = p.str()?;
                    }
                    "dependsOn" => {
                        seen.first(1)?;
                        d.depends_on = p.list(Self::str)?;
                    }
                    _ => {
                        p.skip()?;
                    }
                }
                Ok(())
            })?;
            Ok(d)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    struct Collect<'a>(Vec<Obj<RawComponent<'a>>>, Vec<Obj<RawDependency<'a>>>);

    impl<'a> Entries<'a> for Collect<'a> {
        fn component(&mut self, item: Obj<RawComponent<'a>>) {
            self.0.push(item);
        }
        fn dependency(&mut self, item: Obj<RawDependency<'a>>) {
            self.1.push(item);
        }
        fn flush(&mut self) {}
    }

    fn reads(text: &str) -> bool {
        read(text, &mut Collect(Vec::new(), Vec::new())).is_ok()
    }

    #[test]
    fn finds_the_first_special_byte() {
        for text in ["", "abc", "abcdefgh", "abcdefghijklmnopq", "é€𝄞abcdefgh"] {
            for special in ["\"", "\\", "\u{0}", "\u{1f}", "\n"] {
                for at in 0..=text.len() {
                    if !text.is_char_boundary(at) {
                        continue;
                    }
                    let s = format!("{}{special}{}\"", &text[..at], &text[at..]);
                    assert_eq!(special_byte(s.as_bytes()), at, "{s:?}");
                }
            }
            assert_eq!(special_byte(text.as_bytes()), text.len());
            // Bytes just above the control range and high bytes are not special.
            let other = format!("{text} !#~\u{7f}é");
            assert_eq!(special_byte(other.as_bytes()), other.len());
        }
    }

    #[test]
    fn leaves_what_it_is_unsure_of_to_serde() {
        assert!(reads(
            r#"{"components": [{"name": "a", "version": 1.5e3}], "x": [true, null, -0.5]}"#
        ));
        assert!(reads(
            r#"{"components": [{"name": "a\u00e9\n"}], "dependencies": 5}"#
        ));
        // Serde refuses these, or reads them in ways not worth copying.
        for text in [
            r#"{"components": [{"name": "a", "name": "b"}]}"#,
            r#"{"components": [{"na\u006de": "a"}]}"#,
            r#"{"components": [{"name": "a"},]}"#,
            r#"{"components": [{"name": "a"}]} x"#,
            r#"{"components": [{"version": 01}]}"#,
            r#"{"components": [{"version": 1.}]}"#,
            r#"{"components": [{"name": "a	b"}]}"#,
            r#"{"components": [{"name": "\x"}]}"#,
            r#"{"components": [{"name": "\u12"}]}"#,
            r#"{"components": [{"name": tru}]}"#,
            r#"{"components" [{"name": "a"}]}"#,
            r#"{"components": [{"name": "a"}"#,
            "{\"components\": [{\"name\": \"a\"}]}\u{a0}",
        ] {
            assert!(!reads(text), "{text}");
        }
        let deep = format!("{{\"x\": {}1{}}}", "[".repeat(70), "]".repeat(70));
        assert!(!reads(&deep));
    }
}
