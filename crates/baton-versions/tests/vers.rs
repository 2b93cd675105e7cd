#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `vers` ranges: the specification's examples, its validation rules and
//! the test suite of package-url/vers-spec (`tests/*.json`).

use baton_versions::{Comparator, RangeError, Scheme, parse_vers};

fn contains(range: &str, version: &str) -> bool {
    parse_vers(range)
        .unwrap_or_else(|e| panic!("{e}"))
        .contains(version)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn rejected(range: &str, why: &str) {
    match parse_vers(range) {
        Err(e) => assert!(e.to_string().contains(why), "{range}: {e}"),
        Ok(r) => panic!("{range} should be rejected, got {r}"),
    }
}

#[test]
fn specification_examples() {
    // "vers:npm/1.2.3|>=2.0.0|<5.0.0"
    let r = "vers:npm/1.2.3|>=2.0.0|<5.0.0";
    for (v, expected) in [
        ("1.2.3", true),
        ("2.0.0", true),
        ("4.9.9", true),
        ("1.2.4", false),
        ("5.0.0", false),
        ("0.1.0", false),
    ] {
        assert_eq!(contains(r, v), expected, "{r} {v}");
    }
    // "vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1" (2.0pre1 = 2.0rc1).
    let r = "vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1";
    assert!(contains(r, "2.0rc1"));
    assert!(contains(r, "1.0.0"));
    assert!(!contains(r, "0.0.4"));
    // Apache TomEE, four branches.
    let r =
        "vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0-M1|<=8.0.1";
    for (v, expected) in [
        ("1.0.0-beta1", true),
        ("1.7.5", true),
        ("1.7.6", false),
        ("7.0.0-M2", true),
        ("7.0.8", false),
        ("7.1.1", true),
        ("8.0.0", true),
        ("8.0.2", false),
        ("0.9", false),
    ] {
        assert_eq!(contains(r, v), expected, "{r} {v}");
    }
    // RubyGems "~> 2.2.0, != 2.2.1" (written without the spec's space).
    let r = "vers:gem/>=2.2.0|!=2.2.1|<2.3.0";
    for (v, expected) in [
        ("2.2.0", true),
        ("2.2.1", false),
        ("2.2.5", true),
        ("2.3.0", false),
    ] {
        assert_eq!(contains(r, v), expected, "{r} {v}");
    }
    rejected("vers:gem/>=2.2.0|!= 2.2.1|<2.3.0", "whitespace");
}

#[test]
fn canonical_parse_suite() {
    // vers-spec tests/vers_canonical_parse_test.json.
    let r = parse_vers("vers:npm/>=1.0.0|<2.0.0").unwrap();
    assert_eq!(r.scheme(), Some(Scheme::Npm));
    let cs: Vec<(Comparator, &str)> = r
        .constraints()
        .iter()
        .map(|c| (c.comparator, c.version.as_str()))
        .collect();
    assert_eq!(
        cs,
        vec![(Comparator::Ge, "1.0.0"), (Comparator::Lt, "2.0.0")]
    );
    rejected("vers:npm/>=1.0.0| <2.0.0", "whitespace");
    rejected("vers:npm/|>=1.0.0|<2.0.0", "leading '|'");
    rejected("vers:npm/>=1.0.0|<2.0.0|", "trailing '|'");
    rejected("vers:npm/>=1.0.0||<2.0.0", "consecutive '|'");
    rejected("vers:npm/>=2.0.0|<1.0.0", "not sorted");
    rejected("vers:npm/1.0%2G0", "percent-encoding");
    // Percent-encoding is decoded once (Maven accepts any text).
    let r = parse_vers("vers:maven/1.0%252F0").unwrap();
    assert_eq!(r.constraints()[0].version.as_str(), "1.0%2F0");
    let r = parse_vers("vers:maven/1%202").unwrap();
    assert_eq!(r.constraints()[0].version.as_str(), "1 2");
    assert_eq!(r.to_string(), "vers:maven/1%202");
    rejected("vers:maven/1 2", "whitespace");
    // An epoch's "!" must be encoded.
    assert!(contains("vers:pypi/>=1%212.0", "1!2.1"));
    rejected("vers:pypi/>=1!2.0", "unencoded");
}

#[test]
fn validation_rules() {
    rejected("npm/1.0.0", "vers:");
    rejected("vers:npm", "'/'");
    rejected("vers:NPM/1.0.0", "lowercase");
    rejected("vers:npm/", "no constraints");
    rejected("vers:npm/=1.0.0", "starts with '='");
    rejected("vers:npm/*|1.0.0", "'*'");
    rejected("vers:npm/>=", "no version");
    rejected("vers:pypi/1.0|1.0.0", "same version");
    rejected("vers:npm/<1.0.0|<2.0.0", "two upper bounds");
    rejected("vers:npm/>=1.0.0|>=2.0.0", "two lower bounds");
    rejected("vers:npm/1.0.0|<2.0.0", "equality cannot be followed");
    rejected("vers:npm/1.0.0|>=2.0.0|>3.0.0", "two lower bounds");
    rejected("vers:npm/not.a.version", "invalid npm version");
    rejected("vers:all/1.0", "vers:all/*");
    rejected("vers:vers:npm/1.0.0", "");
    rejected("vers:npm/1.0.0\u{e9}", "non-ASCII");
    // != may stand anywhere.
    assert!(parse_vers("vers:npm/!=0.5.0|>=1.0.0|!=1.5.0|<2.0.0|!=3.0.0").is_ok());
    // Unknown and reserved types (vers-spec tests/vers_reserved_type_test.json):
    // "invalid" is always an error; "example" and "test" define no ordering,
    // and Baton has no warnings, so they are errors too.
    rejected("vers:invalid/*", "reserved type");
    rejected("vers:invalid/1.0.0", "reserved type");
    assert!(matches!(
        parse_vers("vers:example/1.2.3"),
        Err(RangeError::UnknownScheme { .. })
    ));
    assert!(matches!(
        parse_vers("vers:lexicographic/abc"),
        Err(RangeError::UnknownScheme { .. })
    ));
}

#[test]
fn star_all_and_none() {
    assert!(contains("vers:npm/*", "1.0.0"));
    assert!(
        parse_vers("vers:npm/*")
            .unwrap()
            .contains("not-a-version")
            .is_err()
    );
    assert!(contains("vers:all/*", "anything, really"));
    assert!(!contains("vers:none/*", "1.0"));
    assert_eq!(parse_vers("vers:all/*").unwrap().to_string(), "vers:all/*");
}

#[test]
fn pypi_containment_suite() {
    // vers-spec tests/pypi_range_containment_test.json ("recommended").
    for (r, v, expected) in [
        ("vers:pypi/<=1.3.0|3.0.0", "1.0.0", true),
        ("vers:pypi/>0.0.2", "0.0.3", true),
        ("vers:pypi/<0.0.2", "0.0.0.1", true),
        ("vers:pypi/>=1.0.0|<=2.0.0", "1.5", true),
        ("vers:pypi/>=1.0.0|<=2.0.0", "2.0.3", false),
        ("vers:pypi/>=1.0.0|<=2.0.0", "0.0.9", false),
        ("vers:pypi/<=1.0.0|>=2.0.0", "1.5", false),
    ] {
        assert_eq!(contains(r, v), expected, "{r} {v}");
    }
    // Three cases there list constraints out of order; the required
    // canonical-order rule makes them errors. Sorted, they give the
    // suite's answers.
    rejected("vers:pypi/>=3.0.0|2.0.3", "not sorted");
    rejected("vers:pypi/>=3.0.0|!=2.0.3", "not sorted");
    rejected(
        "vers:pypi/0.0.2|0.0.6|>=3.0.0|0.0.1|0.0.4|0.0.5|0.0.3",
        "not sorted",
    );
    assert!(contains("vers:pypi/2.0.3|>=3.0.0", "2.0.3"));
    assert!(!contains("vers:pypi/!=2.0.3|>=3.0.0", "2.0.3"));
    assert!(!contains(
        "vers:pypi/0.0.1|0.0.2|0.0.3|0.0.4|0.0.5|0.0.6|>=3.0.0",
        "2.0.3"
    ));
}

#[test]
fn containment_algorithm_cases() {
    // Outside two intervals, between them, after the last.
    let r = "vers:npm/>=1.0.0|<2.0.0|>=3.0.0|<4.0.0|>=5.0.0";
    for (v, expected) in [
        ("0.9.0", false),
        ("1.5.0", true),
        ("2.5.0", false),
        ("3.0.0", true),
        ("4.0.0", false),
        ("9.0.0", true),
    ] {
        assert_eq!(contains(r, v), expected, "{v}");
    }
    // Leading upper bound.
    let r = "vers:npm/<1.0.0|>=2.0.0|<3.0.0";
    for (v, expected) in [
        ("0.1.0", true),
        ("1.0.0", false),
        ("2.1.0", true),
        ("3.0.0", false),
    ] {
        assert_eq!(contains(r, v), expected, "{v}");
    }
    // A single bound with exclusions.
    let r = "vers:npm/>=1.0.0|!=1.5.0";
    assert!(contains(r, "2.0.0"));
    assert!(!contains(r, "1.5.0"));
    assert!(!contains(r, "0.5.0"));
    // Only exclusions: every other version.
    let r = "vers:npm/!=1.0.0|!=2.0.0";
    assert!(contains(r, "1.5.0"));
    assert!(!contains(r, "2.0.0"));
    // Only equalities.
    assert!(!contains("vers:npm/1.0.0|2.0.0", "1.5.0"));
    // Firmware wildcards as bounds.
    assert!(contains("vers:firmware/<=12.2.x.x", "12.2.1.5"));
    assert!(!contains("vers:firmware/<=12.2.x.x", "12.3"));
    assert!(contains("vers:firmware/>=A.01|<=C.0x", "B.5"));
    rejected("vers:firmware/12.2.x|12.2.5", "same version");
    // Versions the scheme cannot order with the bounds are errors.
    assert!(
        parse_vers("vers:firmware/<=L81")
            .unwrap()
            .contains("U2")
            .is_err()
    );
}

#[test]
fn display_is_canonical() {
    for r in [
        "vers:npm/1.2.3|>=2.0.0|<5.0.0",
        "vers:pypi/>=1%212.0|<2%210",
        "vers:deb/>=1:2.0~rc1-1|<1:2.0-1",
        "vers:firmware/<=12.2.x.x",
        "vers:none/*",
    ] {
        assert_eq!(parse_vers(r).unwrap().to_string(), r);
    }
}
