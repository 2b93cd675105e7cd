#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests: binding then unbinding gives the name back (NISTIR 7695
//! §6), comparison laws (NISTIR 7696 §6), and parsers that never panic.

use baton_cpe::{Attribute, AvString, Relation, Value, Wfn, compare, match_line};
use proptest::prelude::*;

/// Printable non-alphanumeric ASCII: what a value may hold quoted.
const PUNCT: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~_";

fn body_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        2 => prop::char::range('0', '9'),
        2 => prop::sample::select(PUNCT.chars().collect::<Vec<_>>()),
    ]
}

/// WFN text of a string value: optional wildcard ends around a quoted body.
fn av_text(wildcards: bool) -> impl Strategy<Value = String> {
    let end = if wildcards {
        prop_oneof![3 => Just(String::new()), 1 => Just("*".to_owned()), 1 => (1usize..3).prop_map(|n| "?".repeat(n))].boxed()
    } else {
        Just(String::new()).boxed()
    };
    (end.clone(), prop::collection::vec(body_char(), 1..10), end).prop_map(|(lead, body, trail)| {
        let mut text = lead;
        for c in body {
            if !c.is_ascii_alphanumeric() && c != '_' {
                text.push('\\');
            }
            text.push(c);
        }
        text.push_str(&trail);
        text
    })
}

fn value(attribute: Attribute, wildcards: bool) -> BoxedStrategy<Value> {
    let string = match attribute {
        Attribute::Part => prop::sample::select(vec!["a", "o", "h"])
            .prop_map(str::to_owned)
            .boxed(),
        Attribute::Language => {
            prop::sample::select(vec!["en", "en\\-us", "fr\\-ca", "es\\-419", "deu"])
                .prop_map(str::to_owned)
                .boxed()
        }
        _ => av_text(wildcards).boxed(),
    };
    prop_oneof![
        2 => Just(Value::Any),
        1 => Just(Value::Na),
        // Some generated texts are not values (a lone `\-`): skip those.
        4 => string.prop_filter_map("not a value", move |t| AvString::parse(attribute, &t).ok().map(Value::Str)),
    ]
    .boxed()
}

fn wfn(wildcards: bool) -> impl Strategy<Value = Wfn> {
    let values: Vec<BoxedStrategy<Value>> = Attribute::ALL
        .into_iter()
        .map(|a| value(a, wildcards))
        .collect();
    values.prop_map(|vs| {
        let mut w = Wfn::new();
        for (a, v) in Attribute::ALL.into_iter().zip(vs) {
            w.set(a, v).unwrap();
        }
        w
    })
}

/// What the URI keeps: everything but case (NISTIR 7695 §6.1.3.2 `decode`
/// lowercases).
fn as_uri_keeps(w: &Wfn) -> Wfn {
    let mut out = Wfn::new();
    for (a, v) in w.iter() {
        let v = match v {
            Value::Str(s) => {
                Value::Str(AvString::parse(a, &s.as_str().to_ascii_lowercase()).unwrap())
            }
            other => other.clone(),
        };
        out.set(a, v).unwrap();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn formatted_string_round_trip(w in wfn(true)) {
        let text = w.to_formatted_string();
        let back = Wfn::from_formatted_string(&text).unwrap();
        prop_assert_eq!(&back, &w, "{}", text);
        prop_assert_eq!(back.to_formatted_string(), text);
    }

    #[test]
    fn uri_round_trip(w in wfn(true)) {
        let text = w.to_uri();
        let back = Wfn::from_uri(&text).unwrap();
        prop_assert_eq!(&back, &as_uri_keeps(&w), "{}", text);
        prop_assert_eq!(back.to_uri(), text.to_ascii_lowercase());
    }

    #[test]
    fn wfn_text_round_trip(w in wfn(true)) {
        let text = w.to_string();
        prop_assert_eq!(Wfn::from_wfn_text(&text).unwrap(), w);
    }

    #[test]
    fn serde_uses_the_formatted_string(w in wfn(true)) {
        let json = serde_json::to_string(&w).unwrap();
        prop_assert_eq!(&json, &serde_json::to_string(&w.to_formatted_string()).unwrap());
        prop_assert_eq!(serde_json::from_str::<Wfn>(&json).unwrap(), w);
    }

    #[test]
    fn across_bindings_names_stay_equal(w in wfn(false)) {
        // Same name through both bindings: EQUAL, since matching ignores case.
        let via_fs = Wfn::from_formatted_string(&w.to_formatted_string()).unwrap();
        let via_uri = Wfn::from_uri(&w.to_uri()).unwrap();
        prop_assert_eq!(compare(&via_fs, &via_uri), Relation::Equal);
    }

    #[test]
    fn comparison_is_reflexive(w in wfn(true)) {
        let wild = w.iter().any(|(_, v)| v.as_av_string().is_some_and(AvString::has_wildcards));
        let expected = if wild { Relation::Undefined } else { Relation::Equal };
        prop_assert_eq!(compare(&w, &w), expected);
    }

    #[test]
    fn comparison_is_antisymmetric_without_wildcards(a in wfn(false), b in wfn(false)) {
        let (ab, ba) = (compare(&a, &b), compare(&b, &a));
        let mirrored = match ab {
            Relation::Subset => Relation::Superset,
            Relation::Superset => Relation::Subset,
            other => other,
        };
        prop_assert_eq!(ba, mirrored);
    }

    #[test]
    fn pattern_matches_what_it_describes(
        body in prop::collection::vec(body_char(), 1..8),
        pre in prop::collection::vec(body_char(), 0..4),
        post in prop::collection::vec(body_char(), 0..4),
        lead in 0u8..3,
        trail in 0u8..3,
    ) {
        // lead/trail: 0 none, 1 `*`, 2 as many `?` as the padding.
        let quote = |cs: &[char]| -> String {
            cs.iter().map(|&c| if c.is_ascii_alphanumeric() || c == '_' { c.to_string() } else { format!("\\{c}") }).collect()
        };
        let (pre, post) = (if lead == 0 { vec![] } else { pre }, if trail == 0 { vec![] } else { post });
        let end = |kind: u8, pad: &[char]| match kind {
            1 => "*".to_owned(),
            2 => "?".repeat(pad.len().max(1)),
            _ => String::new(),
        };
        let pattern = format!("{}{}{}", end(lead, &pre), quote(&body), end(trail, &post));
        let target: Vec<char> = pre.iter().chain(&body).chain(&post).copied().collect();
        let v = Attribute::Product;
        // A lone `-` (as body or whole target) is NA, not a string: skip it.
        let (Ok(source), Ok(target)) = (AvString::parse(v, &pattern), AvString::parse(v, &quote(&target))) else {
            prop_assert!(body == ['-'] || target == ['-']);
            return Ok(());
        };
        let (source, target) = (Value::Str(source), Value::Str(target));
        let r = baton_cpe::compare_values(&source, &target);
        prop_assert!(r == Relation::Superset || r == Relation::Equal, "{pattern}: {r}");
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,80}") {
        let _ = Wfn::parse(&text);
        let _ = Wfn::from_uri(&text);
        let _ = Wfn::from_formatted_string(&text);
        let _ = Wfn::from_wfn_text(&text);
        let line = match_line(&text);
        prop_assert!(!line.contains('\n'));
    }

    #[test]
    fn prefixed_garbage_never_panics(
        prefix in prop::sample::select(vec!["cpe:2.3:", "cpe:/", "wfn:["]),
        rest in "[a-z0-9:\\\\*?%~\"=,\\-\\.!\\]é ]{0,60}",
    ) {
        let text = format!("{prefix}{rest}");
        if let Err(e) = Wfn::parse(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
