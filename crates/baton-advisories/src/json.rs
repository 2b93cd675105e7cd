//! Lenient access to a parsed JSON tree: every accessor takes the JSON pointer of the object it
//! looks into, and a value of the wrong type becomes a located warning instead of an error, so
//! that one odd field never costs the rest of the document.

use crate::model::{Warning, WarningKind};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// A JSON pointer one level down (RFC 6901 escaping).
pub(crate) fn child(ptr: &str, key: &str) -> String {
    let mut out = String::with_capacity(ptr.len() + key.len() + 1);
    out.push_str(ptr);
    out.push('/');
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Collects warnings while a reader walks a document.
#[derive(Default)]
pub(crate) struct Reader {
    pub warnings: Vec<Warning>,
}

impl Reader {
    pub fn warn(
        &mut self,
        kind: WarningKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.warnings.push(Warning {
            kind,
            location: location.into(),
            message: message.into(),
        });
    }

    fn wrong_type(&mut self, ptr: &str, key: &str, want: &str, got: &Value) {
        let got = type_name(got);
        self.warn(
            WarningKind::WrongType,
            child(ptr, key),
            format!("expected {want}, found {got}; ignored"),
        );
    }

    /// A text field. Numbers and booleans are read as their text (YAML and hand-written JSON
    /// often leave versions unquoted) with a warning; null counts as absent.
    pub fn str(&mut self, obj: &Map<String, Value>, ptr: &str, key: &str) -> Option<String> {
        match obj.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            v @ (Value::Number(_) | Value::Bool(_)) => {
                self.warn(
                    WarningKind::WrongType,
                    child(ptr, key),
                    format!("expected a string, found {}; read as text", type_name(v)),
                );
                Some(v.to_string())
            }
            v => {
                self.wrong_type(ptr, key, "a string", v);
                None
            }
        }
    }

    /// A text field that must be there.
    pub fn required_str(
        &mut self,
        obj: &Map<String, Value>,
        ptr: &str,
        key: &str,
    ) -> Option<String> {
        let s = self.str(obj, ptr, key);
        if s.is_none() && !obj.contains_key(key) {
            self.warn(
                WarningKind::Missing,
                child(ptr, key),
                format!("`{key}` is missing"),
            );
        }
        s
    }

    /// Text that is present and not blank.
    pub fn text(&mut self, obj: &Map<String, Value>, ptr: &str, key: &str) -> Option<String> {
        self.str(obj, ptr, key).filter(|s| !s.trim().is_empty())
    }

    pub fn bool(&mut self, obj: &Map<String, Value>, ptr: &str, key: &str) -> Option<bool> {
        match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            v => {
                self.wrong_type(ptr, key, "a boolean", v);
                None
            }
        }
    }

    pub fn number(&mut self, obj: &Map<String, Value>, ptr: &str, key: &str) -> Option<f64> {
        match obj.get(key)? {
            Value::Number(n) => n.as_f64(),
            Value::Null => None,
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    self.warn(
                        WarningKind::WrongType,
                        child(ptr, key),
                        format!("expected a number, found the text {s:?}; ignored"),
                    );
                    None
                }
            },
            v => {
                self.wrong_type(ptr, key, "a number", v);
                None
            }
        }
    }

    pub fn obj<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        ptr: &str,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        match obj.get(key)? {
            Value::Object(m) => Some(m),
            Value::Null => None,
            v => {
                self.wrong_type(ptr, key, "an object", v);
                None
            }
        }
    }

    /// An array field; absent, null or of the wrong type gives an empty slice.
    pub fn arr<'v>(&mut self, obj: &'v Map<String, Value>, ptr: &str, key: &str) -> &'v [Value] {
        match obj.get(key) {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => &[],
            Some(v) => {
                self.wrong_type(ptr, key, "an array", v);
                &[]
            }
        }
    }

    /// The objects of an array field, with their pointers; other items are warned about.
    pub fn objects<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        ptr: &str,
        key: &str,
    ) -> Vec<(String, &'v Map<String, Value>)> {
        let at = child(ptr, key);
        let mut out = Vec::new();
        for (i, item) in self.arr(obj, ptr, key).iter().enumerate() {
            match item {
                Value::Object(m) => out.push((index(&at, i), m)),
                v => {
                    let got = type_name(v);
                    self.warn(
                        WarningKind::WrongType,
                        index(&at, i),
                        format!("expected an object, found {got}; ignored"),
                    );
                }
            }
        }
        out
    }

    /// The strings of an array field with their pointers. A lone string where an array is
    /// expected is taken as a one-item array, with a warning.
    pub fn strings_at(
        &mut self,
        obj: &Map<String, Value>,
        ptr: &str,
        key: &str,
    ) -> Vec<(String, String)> {
        let at = child(ptr, key);
        match obj.get(key) {
            Some(Value::String(s)) => {
                self.warn(
                    WarningKind::WrongType,
                    at.clone(),
                    "expected an array, found a string; read as one item",
                );
                vec![(at, s.clone())]
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push((index(&at, i), s.clone())),
                        Value::Number(n) => {
                            self.warn(
                                WarningKind::WrongType,
                                index(&at, i),
                                "expected a string, found a number; read as text",
                            );
                            out.push((index(&at, i), n.to_string()));
                        }
                        v => {
                            let got = type_name(v);
                            self.warn(
                                WarningKind::WrongType,
                                index(&at, i),
                                format!("expected a string, found {got}; ignored"),
                            );
                        }
                    }
                }
                out
            }
            None | Some(Value::Null) => Vec::new(),
            Some(v) => {
                self.wrong_type(ptr, key, "an array of strings", v);
                Vec::new()
            }
        }
    }

    pub fn strings(&mut self, obj: &Map<String, Value>, ptr: &str, key: &str) -> Vec<String> {
        self.strings_at(obj, ptr, key)
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    }

    /// A timestamp: RFC 3339, or NVD's zone-less `2023-07-13T18:15:09.293` (taken as UTC), or a
    /// bare date (midnight UTC). Anything else is a warning.
    pub fn date(
        &mut self,
        obj: &Map<String, Value>,
        ptr: &str,
        key: &str,
    ) -> Option<DateTime<Utc>> {
        let s = self.str(obj, ptr, key)?;
        let parsed = parse_date(&s);
        if parsed.is_none() {
            self.warn(
                WarningKind::BadDate,
                child(ptr, key),
                format!("{s:?} is not a date-time"),
            );
        }
        parsed
    }
}

pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    // RFC 3339 with a lower-case or space separator, or a zone without a colon (`+0000`).
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Adds `s` to `list` unless it is already there or equal to `except`.
pub(crate) fn push_unique(list: &mut Vec<String>, s: &str, except: &str) {
    let s = s.trim();
    if !s.is_empty() && s != except && !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

/// `CVE-yyyy-nnnn…` (four or more digits after the year).
pub(crate) fn is_cve(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, num)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.bytes().all(|b| b.is_ascii_digit())
}

/// Synthetic product ids made unique with `#2`, `#3`, … in order of appearance; the next suffix
/// per base is remembered so that many repeats of one package stay linear.
#[derive(Default)]
pub(crate) struct UniqueIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl UniqueIds {
    pub fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let mut n = self.next.get(base).copied().unwrap_or(2);
        let mut id = format!("{base}#{n}");
        while self.used.contains(&id) {
            n += 1;
            id = format!("{base}#{n}");
        }
        self.next.insert(base.to_string(), n + 1);
        self.used.insert(id.clone());
        id
    }
}
