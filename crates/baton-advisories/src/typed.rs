//! Building blocks for the typed fast paths: serde structs that read the common, clean shape of
//! a format straight from the text, without building a `serde_json::Value` tree (which, with its
//! many small allocations and hashed maps, was most of the time of reading an advisory corpus).
//!
//! A fast path is strict where the general reader is lenient: a value of another type, an
//! unexpected key or anything that would give a warning makes it give up, and the caller reads
//! the document again with the general reader, which also writes the located warnings. So the
//! two always agree (tests compare them on every corpus).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A JSON string, borrowed from the text unless it has escapes. Nothing else (a number, a
/// boolean) is accepted.
#[derive(Debug)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// `Some` when not blank, as the general reader's `text` gives it.
    pub fn not_blank(this: Option<Text<'a>>) -> Option<String> {
        this.filter(|t| !t.0.trim().is_empty())
            .map(Text::into_string)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// A JSON object read as `T`. serde's derived structs also accept an array of the fields in
/// order; the general reader calls that the wrong type, so the fast path refuses it too.
#[derive(Debug)]
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Object)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A key the fast path does not read: its presence (whatever the value) sends the document to
/// the general reader, as soon as the key is met.
#[derive(Debug, Default)]
pub(crate) struct Refuse;

impl<'de> Deserialize<'de> for Refuse {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(de::Error::custom("left to the general reader"))
    }
}

/// Deeper than this, a document is left to the general reader. serde_json refuses nesting past
/// 128 levels when it builds a tree, but skips ignored fields without a limit: without this
/// check a fast path would read what the general reader refuses.
const MAX_DEPTH: usize = 100;

/// `text` as `T`, when it nests no deeper than [`MAX_DEPTH`] and reads as `T`.
pub(crate) fn from_json<'a, T: Deserialize<'a>>(text: &'a str) -> Option<T> {
    if !within_depth(text.as_bytes()) {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// Whether arrays and objects nest at most [`MAX_DEPTH`] deep (brackets inside strings do not
/// count). Most advisories open fewer brackets than that in all, which a quick count shows;
/// only the others are walked, from one string or opening bracket to the next.
fn within_depth(bytes: &[u8]) -> bool {
    if memchr::memchr2_iter(b'[', b'{', bytes)
        .nth(MAX_DEPTH)
        .is_none()
    {
        return true;
    }
    let closes = |part: &[u8]| part.iter().filter(|&&b| b == b']' || b == b'}').count();
    let (mut depth, mut at) = (0usize, 0usize);
    while let Some(found) = memchr::memchr3(b'"', b'[', b'{', bytes.get(at..).unwrap_or_default()) {
        let next = at + found;
        depth = depth.saturating_sub(closes(bytes.get(at..next).unwrap_or_default()));
        if bytes.get(next) == Some(&b'"') {
            // Skip the string, escapes included.
            let mut end = next + 1;
            loop {
                match memchr::memchr2(b'"', b'\\', bytes.get(end..).unwrap_or_default()) {
                    None => return true,
                    Some(k) if bytes.get(end + k) == Some(&b'\\') => end += k + 2,
                    Some(k) => {
                        end += k + 1;
                        break;
                    }
                }
            }
            at = end;
        } else {
            depth += 1;
            if depth > MAX_DEPTH {
                return false;
            }
            at = next + 1;
        }
    }
    true
}

/// For `#[serde(default, deserialize_with = "present")]`: `None` when the key is absent,
/// `Some` of whatever it holds otherwise, `null` included.
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nesting depth by a plain walk, byte by byte.
    fn depth_of(text: &str) -> usize {
        let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0, false, false);
        for b in text.bytes() {
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'[' | b'{' => {
                        depth += 1;
                        max = max.max(depth);
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
        max
    }

    #[test]
    fn depth_is_counted_outside_strings_only() {
        let wide = format!("[{}]", vec!["[1]"; 150].join(","));
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let quoted = format!(r#"["{}", "\\", "\"[[", {}]"#, "[".repeat(300), deep(50));
        let escaped_quote = format!(r#"{{"a": "\"{}"}}"#, "{".repeat(200));
        for text in [
            wide,
            deep(100),
            deep(101),
            quoted,
            escaped_quote,
            format!("{}\"", deep(120)),
        ] {
            assert_eq!(
                within_depth(text.as_bytes()),
                depth_of(&text) <= MAX_DEPTH,
                "{text}"
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use std::path::{Path, PathBuf};

    /// The shared data folder beside the checkout.
    pub fn data() -> PathBuf {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).to_path_buf()
    }

    /// Every `.json` file under the shared data, in name order.
    pub fn json_files() -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![data()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e} (the shared data is needed)", dir.display()));
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// The first folder of `path` under the shared data.
    pub fn corpus(path: &Path) -> String {
        path.strip_prefix(data())
            .ok()
            .and_then(|p| p.iter().next())
            .map(|c| c.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}
