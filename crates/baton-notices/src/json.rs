//! Typed access to a `serde_json::Value` that names the JSON pointer of every problem.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::error::NoticeError;

/// An RFC 6901 JSON pointer, built while walking the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ptr(String);

impl Ptr {
    pub(crate) const fn root() -> Self {
        Self(String::new())
    }

    pub(crate) fn key(&self, key: &str) -> Self {
        // RFC 6901: `~` and `/` inside a key are escaped, `~` first.
        let escaped = key.replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{escaped}", self.0))
    }

    pub(crate) fn index(&self, i: usize) -> Self {
        Self(format!("{}/{i}", self.0))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// "a string", "an array", … for messages.
pub(crate) const fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The file being read, so every error can name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'f> {
    pub(crate) file: &'f str,
}

impl Reader<'_> {
    pub(crate) fn wrong(&self, at: &Ptr, expected: &'static str, found: &Value) -> NoticeError {
        NoticeError::WrongType {
            file: self.file.to_owned(),
            pointer: at.as_str().to_owned(),
            expected,
            found: kind(found),
        }
    }

    pub(crate) fn invalid(&self, at: &Ptr, message: impl Into<String>) -> NoticeError {
        NoticeError::Invalid {
            file: self.file.to_owned(),
            pointer: at.as_str().to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn object<'v>(
        &self,
        v: &'v Value,
        at: &Ptr,
    ) -> Result<&'v Map<String, Value>, NoticeError> {
        v.as_object().ok_or_else(|| self.wrong(at, "an object", v))
    }

    pub(crate) fn string<'v>(&self, v: &'v Value, at: &Ptr) -> Result<&'v str, NoticeError> {
        v.as_str().ok_or_else(|| self.wrong(at, "a string", v))
    }

    // The `opt_*` getters read `obj[key]` where `at` points at `obj`. A JSON null counts as
    // absent: generators emit `"version": null` for "not known", which is no type error.

    pub(crate) fn opt_str<'v>(
        &self,
        obj: &'v Map<String, Value>,
        key: &str,
        at: &Ptr,
    ) -> Result<Option<&'v str>, NoticeError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.string(v, &at.key(key)).map(Some),
        }
    }

    pub(crate) fn opt_array<'v>(
        &self,
        obj: &'v Map<String, Value>,
        key: &str,
        at: &Ptr,
    ) -> Result<Option<&'v Vec<Value>>, NoticeError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_array()
                .map(Some)
                .ok_or_else(|| self.wrong(&at.key(key), "an array", v)),
        }
    }

    pub(crate) fn opt_object<'v>(
        &self,
        obj: &'v Map<String, Value>,
        key: &str,
        at: &Ptr,
    ) -> Result<Option<&'v Map<String, Value>>, NoticeError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.object(v, &at.key(key)).map(Some),
        }
    }

    pub(crate) fn opt_u64(
        &self,
        obj: &Map<String, Value>,
        key: &str,
        at: &Ptr,
    ) -> Result<Option<u64>, NoticeError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.wrong(&at.key(key), "a non-negative integer", v)),
        }
    }
}

/// Empty strings say nothing about a product; keep them out of identifiers.
pub(crate) fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Strings in first-seen order without repeats; a set keeps hostile lists linear.
#[derive(Debug, Default)]
pub(crate) struct Unique {
    seen: HashSet<String>,
    items: Vec<String>,
}

impl Unique {
    pub(crate) fn push(&mut self, s: String) {
        if self.seen.insert(s.clone()) {
            self.items.push(s);
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_escape_keys() {
        let p = Ptr::root().key("a/b").key("m~n").index(3);
        assert_eq!(p.as_str(), "/a~1b/m~0n/3");
        assert_eq!(Ptr::root().as_str(), "");
    }

    #[test]
    fn getters_name_the_pointer() {
        let r = Reader { file: "f.json" };
        let v = json!({"a": 1, "b": null, "c": "x", "d": -1});
        let obj = v.as_object().unwrap();
        let at = Ptr::root().key("top");
        assert_eq!(r.opt_str(obj, "b", &at).unwrap(), None);
        assert_eq!(r.opt_str(obj, "missing", &at).unwrap(), None);
        assert_eq!(r.opt_str(obj, "c", &at).unwrap(), Some("x"));
        let e = r.opt_str(obj, "a", &at).unwrap_err();
        assert_eq!(e.pointer(), Some("/top/a"));
        assert!(r.opt_array(obj, "c", &at).is_err());
        assert!(r.opt_object(obj, "c", &at).is_err());
        let e = r.opt_u64(obj, "d", &at).unwrap_err();
        assert!(e.to_string().contains("non-negative integer"), "{e}");
    }

    #[test]
    fn unique_keeps_first_seen_order() {
        let mut u = Unique::default();
        for s in ["b", "a", "b", "c", "a"] {
            u.push(s.to_owned());
        }
        assert_eq!(u.into_vec(), ["b", "a", "c"]);
    }

    #[test]
    fn non_empty_drops_blank() {
        assert_eq!(non_empty(Some("  ")), None);
        assert_eq!(non_empty(Some(" x ")), Some("x".into()));
        assert_eq!(non_empty(None), None);
    }
}
