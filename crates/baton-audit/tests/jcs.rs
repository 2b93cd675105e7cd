//! RFC 8785 vectors: the examples of §3.2.2 and §3.2.3, the reference test data of the RFC's
//! author (arrays, french, structures, unicode, values, weird) and the Appendix B number table,
//! all kept under `tests/vectors/jcs/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use baton_audit::{canonical_json, format_number};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/jcs")
}

#[test]
fn documents_canonicalize_byte_for_byte() {
    let mut names: Vec<String> = std::fs::read_dir(vectors())
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".input.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "arrays",
            "french",
            "rfc8785-3.2.3-sorting",
            "structures",
            "unicode",
            "values",
            "weird"
        ]
    );
    for name in names {
        let input = std::fs::read(vectors().join(format!("{name}.input.json"))).unwrap();
        let expected = std::fs::read(vectors().join(format!("{name}.expected.json"))).unwrap();
        let value: Value = serde_json::from_slice(&input).unwrap();
        let canonical = canonical_json(&value).unwrap();
        assert_eq!(
            canonical.as_bytes(),
            expected.as_slice(),
            "{name}: got {canonical}"
        );
        // Canonical JSON is a fixed point.
        let again: Value = serde_json::from_slice(&expected).unwrap();
        assert_eq!(canonical_json(&again).unwrap(), canonical, "{name} again");
    }
}

#[test]
fn appendix_b_numbers() {
    let table = std::fs::read_to_string(vectors().join("numbers.txt")).unwrap();
    let mut rows = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (bits, expected) = line.split_once(' ').unwrap();
        let value = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        let got = format_number(value);
        if expected == "error" {
            assert!(got.is_err(), "{bits} must be refused");
        } else {
            assert_eq!(got.unwrap(), expected, "{bits}");
            // And through a serde_json value, as events carry numbers.
            if let Some(number) = serde_json::Number::from_f64(value) {
                assert_eq!(canonical_json(&Value::Number(number)).unwrap(), expected);
            }
        }
        rows += 1;
    }
    assert_eq!(rows, 26);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every finite double is written in a form that reads back as the same double, and
    /// canonicalizing the text read back gives the same text.
    #[test]
    fn doubles_round_trip(bits in any::<u64>()) {
        let value = f64::from_bits(bits);
        prop_assume!(value.is_finite());
        let text = format_number(value).unwrap();
        let back: f64 = text.parse().unwrap();
        prop_assert!(back == value, "{} read back as {}", text, back);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(canonical_json(&parsed).unwrap(), text);
    }

    /// Canonical JSON of arbitrary documents is a fixed point of parse-then-canonicalize.
    #[test]
    fn documents_are_fixed_points(value in json_value()) {
        let canonical = canonical_json(&value).unwrap();
        let parsed: Value = serde_json::from_str(&canonical).unwrap();
        prop_assert_eq!(canonical_json(&parsed).unwrap(), canonical);
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".*", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
