//! The CycloneDX fields Baton reads, as a lenient serde model shared by the JSON reader (which
//! borrows strings from the document) and the XML reader (which fills the same structs).
//!
//! Every field is one of three wrappers that accept any JSON value: a value of the wrong type
//! is consumed and remembered as [`Found`] instead of failing the document, so the converter can
//! warn about it with its JSON pointer and go on.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The kind of JSON value found where another kind was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Found {
    pub fn describe(self) -> &'static str {
        match self {
            Found::Null => "null",
            Found::Bool => "a boolean",
            Found::Number => "a number",
            Found::String => "a string",
            Found::Array => "an array",
            Found::Object => "an object",
        }
    }
}

/// A string field. Numbers and booleans keep their text (the converter warns and uses it).
/// Another type is rare, so it is boxed: the field then takes no more room than its text
/// (components are moved whole while they are read).
#[derive(Debug, Default)]
pub enum Str<'a> {
    #[default]
    Absent,
    Text(Cow<'a, str>),
    Other(Box<(Found, Option<String>)>),
}

/// An array field.
#[derive(Debug, Default)]
pub enum List<T> {
    #[default]
    Absent,
    Items(Few<T>),
    Other(Found),
}

impl<T> List<T> {
    pub fn items(items: Vec<T>) -> Self {
        List::Items(Few::Many(items))
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> List<U> {
        match self {
            List::Absent => List::Absent,
            List::Items(items) => List::Items(Few::Many(items.into_iter().map(f).collect())),
            List::Other(found) => List::Other(found),
        }
    }
}

/// A list that holds up to two items without a heap allocation: components carry a couple of
/// hashes, licenses and properties each, and allocating a vector for each was a tenth of the time
/// on large SBOMs.
#[derive(Debug, Default)]
pub enum Few<T> {
    #[default]
    Zero,
    One(T),
    Two(T, T),
    Many(Vec<T>),
}

impl<T> Few<T> {
    pub fn push(&mut self, item: T) {
        *self = match std::mem::replace(self, Few::Zero) {
            Few::Zero => Few::One(item),
            Few::One(a) => Few::Two(a, item),
            Few::Two(a, b) => Few::Many(vec![a, b, item]),
            Few::Many(mut items) => {
                items.push(item);
                Few::Many(items)
            }
        };
    }

    pub fn len(&self) -> usize {
        match self {
            Few::Zero => 0,
            Few::One(_) => 1,
            Few::Two(..) => 2,
            Few::Many(items) => items.len(),
        }
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        match (self, index) {
            (Few::One(a) | Few::Two(a, _), 0) => Some(a),
            (Few::Two(_, b), 1) => Some(b),
            (Few::Many(items), i) => items.get(i),
            _ => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        let (first, second, rest): (Option<&T>, Option<&T>, &[T]) = match self {
            Few::Zero => (None, None, &[]),
            Few::One(a) => (Some(a), None, &[]),
            Few::Two(a, b) => (Some(a), Some(b), &[]),
            Few::Many(items) => (None, None, items.as_slice()),
        };
        first.into_iter().chain(second).chain(rest.iter())
    }
}

impl<T> IntoIterator for Few<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<
        std::iter::Chain<std::option::IntoIter<T>, std::option::IntoIter<T>>,
        std::vec::IntoIter<T>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        let (first, second, rest) = match self {
            Few::Zero => (None, None, Vec::new()),
            Few::One(a) => (Some(a), None, Vec::new()),
            Few::Two(a, b) => (Some(a), Some(b), Vec::new()),
            Few::Many(items) => (None, None, items),
        };
        first.into_iter().chain(second).chain(rest)
    }
}

/// An object field.
#[derive(Debug, Default)]
pub enum Obj<T> {
    #[default]
    Absent,
    Value(T),
    Other(Found),
}

/// How a lenient field takes each kind of JSON value; anything it does not take is skipped.
trait Lenient<'de>: Sized {
    const EXPECTING: &'static str;
    fn other(found: Found, text: Option<String>) -> Self;
    fn string(value: Cow<'de, str>) -> Self {
        Self::other(Found::String, Some(value.into_owned()))
    }
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::other(Found::Array, None))
    }
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Self::other(Found::Object, None))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Ok(T::other(Found::Bool, Some(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Ok(T::other(Found::Number, Some(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Ok(T::other(Found::Number, Some(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<T, E> {
        Ok(T::other(Found::Number, Some(v.to_string())))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::other(Found::Null, None))
    }
    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::other(Found::Null, None))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<T, E> {
        Ok(T::string(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::string(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok(T::string(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::map(map)
    }
}

impl<'de: 'a, 'a> Lenient<'de> for Str<'a> {
    const EXPECTING: &'static str = "a string";
    fn other(found: Found, text: Option<String>) -> Self {
        Str::Other(Box::new((found, text)))
    }
    fn string(value: Cow<'de, str>) -> Self {
        Str::Text(value)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Lenient<'de> for List<T> {
    const EXPECTING: &'static str = "an array";
    fn other(found: Found, _: Option<String>) -> Self {
        List::Other(found)
    }
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut items = Few::Zero;
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(List::Items(items))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Lenient<'de> for Obj<T> {
    const EXPECTING: &'static str = "an object";
    fn other(found: Found, _: Option<String>) -> Self {
        Obj::Other(found)
    }
    fn map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Obj::Value)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(PhantomData))
    }
}

/// `metadata.tools`: an array of tools up to 1.4, an object of components and services from 1.5.
#[derive(Debug, Default)]
pub enum Tools<'a> {
    #[default]
    Absent,
    Legacy(Vec<Obj<RawTool<'a>>>),
    Modern(Box<RawToolSet<'a>>),
    Other(Found),
}

impl<'de: 'a, 'a> Lenient<'de> for Tools<'a> {
    const EXPECTING: &'static str = "an array or object of tools";
    fn other(found: Found, _: Option<String>) -> Self {
        Tools::Other(found)
    }
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tools::Legacy(items))
    }
    fn map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        RawToolSet::deserialize(MapAccessDeserializer::new(map))
            .map(|set| Tools::Modern(Box::new(set)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Tools<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(PhantomData))
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawBom<'a> {
    #[serde(rename = "bomFormat", borrow)]
    pub bom_format: Str<'a>,
    #[serde(rename = "specVersion", borrow)]
    pub spec_version: Str<'a>,
    #[serde(rename = "serialNumber", borrow)]
    pub serial_number: Str<'a>,
    #[serde(borrow)]
    pub metadata: Obj<RawMetadata<'a>>,
    #[serde(borrow)]
    pub components: List<Obj<RawComponent<'a>>>,
    #[serde(borrow)]
    pub services: List<Obj<RawService<'a>>>,
    #[serde(borrow)]
    pub dependencies: List<Obj<RawDependency<'a>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawMetadata<'a> {
    #[serde(borrow)]
    pub timestamp: Str<'a>,
    #[serde(borrow)]
    pub tools: Tools<'a>,
    #[serde(borrow)]
    pub authors: List<Obj<RawContact<'a>>>,
    #[serde(borrow)]
    pub component: Obj<RawComponent<'a>>,
    /// 1.5: the manufacturer of the described component (deprecated in 1.6).
    #[serde(borrow)]
    pub manufacture: Obj<RawEntity<'a>>,
    /// 1.6: the organization that created the BOM.
    #[serde(borrow)]
    pub manufacturer: Obj<RawEntity<'a>>,
    #[serde(borrow)]
    pub supplier: Obj<RawEntity<'a>>,
    #[serde(borrow)]
    pub licenses: List<Obj<RawLicenseChoice<'a>>>,
    #[serde(borrow)]
    pub properties: List<Obj<RawProperty<'a>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawTool<'a> {
    #[serde(borrow)]
    pub vendor: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub version: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawToolSet<'a> {
    #[serde(borrow)]
    pub components: List<Obj<RawTool<'a>>>,
    #[serde(borrow)]
    pub services: List<Obj<RawTool<'a>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawEntity<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawContact<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub email: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawComponent<'a> {
    #[serde(rename = "bom-ref", borrow)]
    pub bom_ref: Str<'a>,
    #[serde(rename = "type", borrow)]
    pub kind: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub version: Str<'a>,
    #[serde(borrow)]
    pub supplier: Obj<RawEntity<'a>>,
    #[serde(borrow)]
    pub manufacturer: Obj<RawEntity<'a>>,
    #[serde(borrow)]
    pub publisher: Str<'a>,
    #[serde(borrow)]
    pub author: Str<'a>,
    /// Boxed, as `swid` and `pedigree`: rarely there, and components are moved whole while they
    /// are read.
    #[serde(borrow)]
    pub authors: List<Box<Obj<RawContact<'a>>>>,
    #[serde(borrow)]
    pub description: Str<'a>,
    #[serde(borrow)]
    pub scope: Str<'a>,
    #[serde(borrow)]
    pub hashes: List<Obj<RawHash<'a>>>,
    #[serde(borrow)]
    pub licenses: List<Obj<RawLicenseChoice<'a>>>,
    #[serde(borrow)]
    pub cpe: Str<'a>,
    #[serde(borrow)]
    pub purl: Str<'a>,
    #[serde(borrow)]
    pub swid: Obj<Box<RawSwid<'a>>>,
    #[serde(borrow)]
    pub pedigree: Obj<Box<RawPedigree<'a>>>,
    #[serde(borrow)]
    pub properties: List<Obj<RawProperty<'a>>>,
    /// Boxed: a list holds its first items inline, and a component cannot contain itself.
    #[serde(borrow)]
    pub components: List<Box<Obj<RawComponent<'a>>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawHash<'a> {
    #[serde(borrow)]
    pub alg: Str<'a>,
    #[serde(borrow)]
    pub content: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawLicenseChoice<'a> {
    #[serde(borrow)]
    pub license: Obj<RawLicense<'a>>,
    #[serde(borrow)]
    pub expression: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawLicense<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub text: Obj<RawAttachment<'a>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawAttachment<'a> {
    #[serde(borrow)]
    pub encoding: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawSwid<'a> {
    #[serde(rename = "tagId", borrow)]
    pub tag_id: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawPedigree<'a> {
    #[serde(borrow)]
    pub patches: List<Obj<RawPatch<'a>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawPatch<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Str<'a>,
    #[serde(borrow)]
    pub resolves: List<Obj<RawIssue<'a>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawIssue<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawProperty<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub value: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawService<'a> {
    #[serde(rename = "bom-ref", borrow)]
    pub bom_ref: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub data: List<Obj<RawDataFlow<'a>>>,
    #[serde(borrow)]
    pub properties: List<Obj<RawProperty<'a>>>,
    #[serde(borrow)]
    pub services: List<Box<Obj<RawService<'a>>>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawDataFlow<'a> {
    #[serde(borrow)]
    pub flow: Str<'a>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawDependency<'a> {
    #[serde(rename = "ref", borrow)]
    pub reference: Str<'a>,
    #[serde(rename = "dependsOn", borrow)]
    pub depends_on: List<Str<'a>>,
    /// Where the XML reader found this entry (XML nests dependencies, so indices do not say).
    #[serde(skip)]
    pub xml_path: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn wrong_types_are_remembered_not_fatal() {
        let text =
            r#"{"name": 5, "version": {"a": [1]}, "hashes": "x", "swid": [], "purl": "pkg:x/y"}"#;
        let c: RawComponent = serde_json::from_str(text).unwrap();
        assert!(
            matches!(c.name, Str::Other(ref o) if matches!(**o, (Found::Number, Some(ref s)) if s == "5"))
        );
        assert!(matches!(c.version, Str::Other(ref o) if matches!(**o, (Found::Object, None))));
        assert!(matches!(c.hashes, List::Other(Found::String)));
        assert!(matches!(c.swid, Obj::Other(Found::Array)));
        assert!(matches!(c.purl, Str::Text(Cow::Borrowed("pkg:x/y"))));
    }

    #[test]
    fn a_string_field_takes_the_room_of_its_text() {
        assert_eq!(std::mem::size_of::<Str>(), std::mem::size_of::<Cow<str>>());
    }

    #[test]
    fn escaped_strings_are_owned() {
        let c: RawComponent = serde_json::from_str(r#"{"name": "a\"b"}"#).unwrap();
        assert!(matches!(c.name, Str::Text(Cow::Owned(ref s)) if s == "a\"b"));
    }

    #[test]
    fn tools_both_forms() {
        let m: RawMetadata = serde_json::from_str(r#"{"tools": [{"name": "a"}]}"#).unwrap();
        assert!(matches!(m.tools, Tools::Legacy(ref v) if v.len() == 1));
        let m: RawMetadata =
            serde_json::from_str(r#"{"tools": {"components": [{"name": "a"}]}}"#).unwrap();
        assert!(matches!(m.tools, Tools::Modern(_)));
    }
}
