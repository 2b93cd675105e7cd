#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The examples of NISTIR 7695 (naming) and NISTIR 7696 (matching).
//!
//! The PDFs were not at hand when this was written: the examples are
//! reconstructed from the project's standards digest (§7.7) and from the
//! specifications as remembered, each citing the section and example
//! number it comes from. Where a number is not certain the test says
//! "after" the section.

use baton_cpe::{
    Attribute, AvString, CpeError, Relation, Value, Wfn, combine, compare, compare_values,
};

fn wfn(text: &str) -> Wfn {
    Wfn::from_wfn_text(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn fs(text: &str) -> Wfn {
    Wfn::from_formatted_string(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn uri(text: &str) -> Wfn {
    Wfn::from_uri(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn s(attribute: Attribute, text: &str) -> Value {
    Value::Str(AvString::parse(attribute, text).unwrap())
}

// NISTIR 7695 §5.4, Examples 1–5 (WFN text form); the same names are used
// by the binding examples of §6.1.2.3 and §6.2.2.3.
const WFN_EX1: &str = r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY]"#;
const WFN_EX2: &str = r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?",edition=NA,language=ANY]"#;
const WFN_EX3: &str = r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#;
const WFN_EX4: &str = r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",target_sw="linux"]"#;
const WFN_EX5: &str = r#"wfn:[part="a",vendor="foo\\bar",product="big\$money_manager_2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]"#;

#[test]
fn nistir_7695_5_4_wfn_examples_parse() {
    let ex1 = wfn(WFN_EX1);
    assert_eq!(
        ex1.get(Attribute::Version),
        &s(Attribute::Version, r"8\.0\.6001")
    );
    assert_eq!(ex1.get(Attribute::Edition), &Value::Any);
    assert_eq!(ex1.get(Attribute::Language), &Value::Any, "unset means ANY");

    let ex2 = wfn(WFN_EX2);
    let version = ex2.get(Attribute::Version).as_av_string().unwrap();
    assert!(version.has_wildcards());
    assert_eq!(version.as_str(), r"8\.*");
    assert_eq!(ex2.get(Attribute::Edition), &Value::Na);

    let ex5 = wfn(WFN_EX5);
    let vendor = ex5.get(Attribute::Vendor).as_av_string().unwrap();
    assert_eq!(vendor.unquoted().as_deref(), Some(r"foo\bar"));
    let product = ex5.get(Attribute::Product).as_av_string().unwrap();
    assert_eq!(
        product.unquoted().as_deref(),
        Some("big$money_manager_2010")
    );

    // Display prints all eleven attributes and reads back the same.
    for text in [WFN_EX1, WFN_EX2, WFN_EX3, WFN_EX4, WFN_EX5] {
        let w = wfn(text);
        assert_eq!(wfn(&w.to_string()), w, "{text}");
    }
}

#[test]
fn nistir_7695_5_3_value_restrictions() {
    // §5.3.2: unquoted punctuation, embedded wildcards and empty strings
    // are not values; quoted ones are.
    for bad in [
        r#"wfn:[vendor="foo.bar"]"#,      // `.` must be quoted in a WFN
        r#"wfn:[version="7\.4*\.1570"]"#, // `*` in the middle
        r#"wfn:[version="7?\.4"]"#,       // `?` in the middle
        r#"wfn:[version=""]"#,            // empty string
        r#"wfn:[version="*"]"#,           // a lone `*` string is ANY, not a string
        r#"wfn:[part="x"]"#,              // part is a, o or h
        r#"wfn:[language="english"]"#,    // RFC 5646 tag
        r#"wfn:[vendor="a",vendor="b"]"#, // attribute twice
        r#"wfn:[colour="red"]"#,          // unknown attribute
    ] {
        assert!(Wfn::from_wfn_text(bad).is_err(), "{bad} must be rejected");
    }
    for good in [
        r#"wfn:[vendor="foo\.bar"]"#,
        r#"wfn:[version="\*7"]"#,
        r#"wfn:[version="??7\.4"]"#,
        r#"wfn:[version="*7\.4?"]"#,
        r#"wfn:[language="en\-us"]"#,
        r#"wfn:[language="es\-419"]"#,
        "wfn:[]",
    ] {
        assert!(Wfn::from_wfn_text(good).is_ok(), "{good} must be accepted");
    }
}

#[test]
fn nistir_7695_6_1_2_3_bind_to_uri_examples_1_to_5() {
    assert_eq!(
        wfn(WFN_EX1).to_uri(),
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta"
    );
    // Example 2 (edition left ANY): wildcards become %02 and %01.
    let ex2 = wfn(
        r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#,
    );
    assert_eq!(
        ex2.to_uri(),
        "cpe:/a:microsoft:internet_explorer:8.%02:sp%01"
    );
    assert_eq!(
        wfn(WFN_EX3).to_uri(),
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~"
    );
    assert_eq!(
        wfn(WFN_EX4).to_uri(),
        "cpe:/a:hp:openview_network_manager:7.51::~~~linux~~"
    );
    assert_eq!(
        wfn(WFN_EX5).to_uri(),
        "cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~"
    );
}

#[test]
fn nistir_7695_6_1_3_3_unbind_uri_examples_1_to_8() {
    // Example 1.
    assert_eq!(
        uri("cpe:/a:microsoft:internet_explorer:8.0.6001:beta"),
        wfn(
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY,language=ANY]"#
        )
    );
    // Example 2: percent-encoded `*` and `?` are quoted characters.
    assert_eq!(
        uri("cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f"),
        wfn(
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.\*",update="sp\?"]"#
        )
    );
    // Example 3: %02 and %01 are wildcards.
    assert_eq!(
        uri("cpe:/a:microsoft:internet_explorer:8.%02:sp%01"),
        wfn(
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#
        )
    );
    // Example 4: packed edition.
    assert_eq!(
        uri("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~"),
        wfn(
            r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=ANY,edition=ANY,sw_edition="online",target_sw="win2003",target_hw="x64",other=ANY,language=ANY]"#
        )
    );
    // Example 5.
    assert_eq!(
        uri("cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~"),
        wfn(
            r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",update=NA,target_sw="linux"]"#
        )
    );
    // Example 6: %07 is not a legal encoding.
    let err = Wfn::from_uri("cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~")
        .unwrap_err();
    assert!(
        matches!(
            err,
            CpeError::BadPercent {
                attribute: Attribute::Product,
                ..
            }
        ),
        "{err}"
    );
    // Example 7: a bare `~` outside a packed edition is a quoted tilde.
    assert_eq!(
        uri("cpe:/a:foo~bar:big%7emoney_2010"),
        wfn(r#"wfn:[part="a",vendor="foo\~bar",product="big\~money_2010"]"#)
    );
    // Example 8: %02 embedded in a value is an error.
    let err = Wfn::from_uri("cpe:/a:foo:bar:12.%02.1234").unwrap_err();
    assert!(
        matches!(
            err,
            CpeError::MisplacedWildcard {
                attribute: Attribute::Version,
                ch: '*',
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn nistir_7695_6_2_2_3_bind_to_fs_examples_1_to_5() {
    assert_eq!(
        wfn(WFN_EX1).to_formatted_string(),
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"
    );
    let ex2 = wfn(
        r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#,
    );
    assert_eq!(
        ex2.to_formatted_string(),
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"
    );
    let ex3 = wfn(
        r#"wfn:[part="a",vendor="hp",product="insight",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#,
    );
    assert_eq!(
        ex3.to_formatted_string(),
        "cpe:2.3:a:hp:insight:7.4.0.1570:-:*:*:online:win2003:x64:*"
    );
    assert_eq!(
        wfn(WFN_EX4).to_formatted_string(),
        "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*"
    );
    let ex5 = wfn(
        r#"wfn:[part="a",vendor="foo\\bar",product="big\$money_2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]"#,
    );
    assert_eq!(
        ex5.to_formatted_string(),
        r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*"
    );
}

#[test]
fn nistir_7695_6_2_3_unbind_fs_examples() {
    // Example 1.
    assert_eq!(
        fs("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"),
        wfn(WFN_EX1)
    );
    // Example 2: unquoted `*` and `?` at the ends are wildcards.
    assert_eq!(
        fs("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"),
        wfn(
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#
        )
    );
    // Example 3: `-` is NA.
    assert_eq!(
        fs("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*"),
        wfn(
            r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#
        )
    );
    // Example 4: an embedded unquoted `*` is an error.
    let err =
        Wfn::from_formatted_string("cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*:*")
            .unwrap_err();
    assert!(
        matches!(
            err,
            CpeError::MisplacedWildcard {
                attribute: Attribute::Version,
                offset: 37,
                ch: '*'
            }
        ),
        "{err}"
    );
    // Example 5: quoted punctuation stays quoted.
    assert_eq!(
        fs(r"cpe:2.3:a:foo\\bar:big\$money:*:*:*:*:*:*:*:*"),
        wfn(
            r#"wfn:[part="a",vendor="foo\\bar",product="big\$money",version=ANY,update=ANY,edition=ANY,language=ANY,sw_edition=ANY,target_sw=ANY,target_hw=ANY,other=ANY]"#
        )
    );
    // Example 6 (after §6.2.3): a quoted `*` is the character itself.
    let ex6 = fs(r"cpe:2.3:a:hp:insight_diagnostics:7.4.\*.1570:*:*:*:*:*:*:*");
    let v = ex6.get(Attribute::Version).as_av_string().unwrap();
    assert!(!v.has_wildcards());
    assert_eq!(v.unquoted().as_deref(), Some("7.4.*.1570"));
}

/// NISTIR 7696 §6.1, Table 6-2: the seventeen attribute comparisons
/// (source value, target value, relation). `i`, `k` are strings, `m + wild
/// cards` a string with wildcards.
#[test]
fn nistir_7696_table_6_2_rows_1_to_17() {
    let v = Attribute::Version;
    let i = s(v, r"8\.0");
    let k = s(v, r"9\.0");
    let m = s(v, r"8\.*");
    let m2 = s(v, r"9\.*");
    let rows: [(usize, &Value, &Value, Relation); 17] = [
        (1, &Value::Any, &Value::Any, Relation::Equal),
        (2, &Value::Any, &Value::Na, Relation::Superset),
        (3, &Value::Any, &i, Relation::Superset),
        (4, &Value::Any, &m, Relation::Undefined),
        (5, &Value::Na, &Value::Any, Relation::Subset),
        (6, &Value::Na, &Value::Na, Relation::Equal),
        (7, &Value::Na, &i, Relation::Disjoint),
        (8, &Value::Na, &m, Relation::Undefined),
        (9, &i, &i, Relation::Equal),
        (10, &i, &k, Relation::Disjoint),
        (11, &i, &m, Relation::Undefined),
        (12, &i, &Value::Na, Relation::Disjoint),
        (13, &i, &Value::Any, Relation::Subset),
        (14, &m, &i, Relation::Superset),
        (15, &m, &Value::Any, Relation::Subset),
        (16, &m, &Value::Na, Relation::Disjoint),
        (17, &m, &m2, Relation::Undefined),
    ];
    for (row, source, target, expected) in rows {
        assert_eq!(
            compare_values(source, target),
            expected,
            "Table 6-2 row {row}"
        );
    }
    // Row 14's other outcome: a wildcard source that does not match.
    assert_eq!(
        compare_values(&m, &k),
        Relation::Disjoint,
        "Table 6-2 row 14"
    );
}

/// NISTIR 7696 §6.1.2 (`compare_strings`): `*` matches any run, `?` one
/// character (or none at the very ends), quoted characters are literal,
/// and letters compare without case.
#[test]
fn nistir_7696_6_1_2_wildcard_strings() {
    let v = Attribute::Version;
    let cases: &[(&str, &str, Relation)] = &[
        (r"8\.*", r"8\.0\.6001", Relation::Superset),
        (r"8\.*", r"8\.", Relation::Superset),
        (r"8\.*", r"80", Relation::Disjoint),
        (r"*\.1570", r"7\.4\.0\.1570", Relation::Superset),
        (r"*0\.1*", r"7\.4\.0\.1570", Relation::Superset),
        (r"sp?", "sp1", Relation::Superset),
        (r"sp?", "sp", Relation::Superset), // `?` may match nothing at the end
        (r"sp?", "sp12", Relation::Disjoint),
        (r"sp??", "sp12", Relation::Superset),
        (r"?p1", "sp1", Relation::Superset),
        (r"?p1", "p1", Relation::Superset),
        (r"?p1", "xsp1", Relation::Disjoint),
        (r"??", "ab", Relation::Superset),
        (r"??", "abc", Relation::Disjoint),
        (r"\*", "x", Relation::Disjoint), // quoted: the character itself
        (r"\*", r"\*", Relation::Equal),
        (r"a\?*", r"a\?b", Relation::Superset),
        (r"a\?*", "ab", Relation::Disjoint),
        ("Beta", "beta", Relation::Equal), // case-insensitive
        ("BETA*", "beta2", Relation::Superset),
    ];
    for (source, target, expected) in cases {
        assert_eq!(
            compare_values(&s(v, source), &s(v, target)),
            *expected,
            "{source} vs {target}"
        );
    }
}

/// NISTIR 7696 §6.2 (Table 6-4): combining attribute results into the
/// name relation, on the example names of NISTIR 7695 §5.4.
#[test]
fn nistir_7696_6_2_name_comparison() {
    use Relation::*;
    assert_eq!(combine([Equal; 11]), Equal);
    assert_eq!(combine([Equal, Subset, Equal]), Subset);
    assert_eq!(combine([Superset, Equal, Superset]), Superset);
    assert_eq!(combine([Superset, Disjoint, Subset]), Disjoint);
    assert_eq!(combine([Undefined, Disjoint]), Disjoint, "DISJOINT decides");
    assert_eq!(combine([Undefined, Equal]), Undefined);
    assert_eq!(combine([Subset, Superset]), Undefined, "no single relation");

    let ie_8_any = fs("cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*");
    let ie_8_beta = fs("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    assert_eq!(compare(&ie_8_any, &ie_8_beta), Superset);
    assert_eq!(
        compare(&ie_8_beta, &ie_8_any),
        Undefined,
        "wildcards in the target"
    );
    assert_eq!(compare(&ie_8_beta, &ie_8_beta), Equal);
    let ie_any = fs("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*");
    assert_eq!(compare(&ie_8_beta, &ie_any), Subset);
    assert_eq!(compare(&ie_any, &ie_8_beta), Superset);
    let ie_9 = fs("cpe:2.3:a:microsoft:internet_explorer:9.0:*:*:*:*:*:*:*");
    assert_eq!(compare(&ie_9, &ie_8_beta), Disjoint);
    // Either binding, same name: EQUAL (case ignored).
    assert_eq!(
        compare(
            &uri("cpe:/a:Microsoft:Internet_Explorer:8.0.6001:beta"),
            &ie_8_beta
        ),
        Equal
    );
    // ANY against NA (other) and a version against ANY: mixed, undefined.
    let with_na = fs("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:-");
    assert_eq!(compare(&ie_8_beta, &with_na), Undefined);
    assert_eq!(compare(&ie_any, &with_na), Superset);
    assert!(Superset.is_match() && Equal.is_match());
    assert!(!Subset.is_match() && !Disjoint.is_match() && !Undefined.is_match());
}

#[test]
fn relation_keys() {
    let all = [
        (Relation::Equal, "equal"),
        (Relation::Subset, "subset"),
        (Relation::Superset, "superset"),
        (Relation::Disjoint, "disjoint"),
        (Relation::Undefined, "undefined"),
    ];
    for (r, key) in all {
        assert_eq!(r.as_str(), key);
        assert_eq!(r.to_string(), key);
        assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{key}\""));
    }
}

#[test]
fn nistir_7695_error_messages_name_their_place() {
    let cases: &[(&str, &str)] = &[
        (
            "cpe:2.3:a:microsoft:ie:8.0:*:*:*:*:*:*",
            "formatted string has 10 components after `cpe:2.3:`; exactly 11 are required",
        ),
        (
            "cpe:2.3:a:micro!soft:ie:8.0:*:*:*:*:*:*:*",
            "vendor at offset 15: special character '!' must be quoted",
        ),
        (
            r"cpe:2.3:a:microsoft:ie:8\a:*:*:*:*:*:*:*",
            "version at offset 24: `\\` followed by 'a' is not a valid escape",
        ),
        (
            r"cpe:2.3:a:microsoft:ie:*:*:*:*:*:*:*:x\",
            "other at offset 38: backslash at the end of the value escapes nothing",
        ),
        (
            "cpe:2.3:x:microsoft:ie:*:*:*:*:*:*:*:*",
            "part at offset 8: \"x\" is not a part",
        ),
        (
            "cpe:2.3:a:microsoft::*:*:*:*:*:*:*:*",
            "product at offset 20: empty value",
        ),
        (
            "cpe:2.3:a:microsoft:ie:*:*:*:english:*:*:*:*",
            "language at offset 29: \"english\" is not a language tag",
        ),
        (
            "cpe:/a:microsoft:ie:8.0::::",
            "URI has 8 components after `cpe:/`; at most 7 are allowed",
        ),
        (
            "cpe:/a:micro soft",
            "vendor at offset 12: character ' ' is not allowed",
        ),
        (
            "cpe:/a:ms:ie:1.0::~a~b",
            "edition at offset 18: a packed edition (starting with `~`) needs exactly five `~` separators, found 2",
        ),
        ("swid:foo", "not a CPE name at offset 0"),
    ];
    for (input, expected) in cases {
        let err = Wfn::parse(input).unwrap_err().to_string();
        assert!(
            err.starts_with(expected),
            "{input}: got {err:?}, want {expected:?}"
        );
    }
}
