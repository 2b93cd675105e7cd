#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Each scheme against the ordering examples its ecosystem documents.

use std::cmp::Ordering;

use baton_versions::{Scheme, Version, VersionError, compare};

/// Every pair of `chain` is ordered as listed (strictly increasing).
fn ascending(scheme: Scheme, chain: &[&str]) {
    let parsed: Vec<Version> = chain
        .iter()
        .map(|v| Version::parse(scheme, v).unwrap_or_else(|e| panic!("{scheme} {v}: {e}")))
        .collect();
    for (i, a) in parsed.iter().enumerate() {
        for b in &parsed[i + 1..] {
            assert_eq!(
                a.compare(b),
                Ok(Ordering::Less),
                "{scheme}: expected {a} < {b}"
            );
            assert_eq!(
                b.compare(a),
                Ok(Ordering::Greater),
                "{scheme}: expected {b} > {a}"
            );
        }
    }
}

fn equal(scheme: Scheme, a: &str, b: &str) {
    assert_eq!(
        compare(scheme, a, b),
        Ok(Ordering::Equal),
        "{scheme}: expected {a} = {b}"
    );
    assert_eq!(
        compare(scheme, b, a),
        Ok(Ordering::Equal),
        "{scheme}: expected {b} = {a}"
    );
}

fn cmp(scheme: Scheme, a: &str, b: &str, expected: i32) {
    let want = expected.cmp(&0);
    assert_eq!(compare(scheme, a, b), Ok(want), "{scheme}: {a} vs {b}");
}

fn invalid(scheme: Scheme, v: &str) {
    assert!(
        Version::parse(scheme, v).is_err(),
        "{scheme}: {v:?} should be rejected"
    );
}

#[test]
fn semver_spec_precedence() {
    // SemVer 2.0.0 §11.
    for scheme in [Scheme::Semver, Scheme::Cargo, Scheme::Npm, Scheme::Golang] {
        ascending(scheme, &["1.0.0", "2.0.0", "2.1.0", "2.1.1"]);
        ascending(
            scheme,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
            ],
        );
        // §10: build metadata does not figure in precedence.
        equal(scheme, "1.0.0+20130313144700", "1.0.0");
        equal(scheme, "1.0.0-beta+exp.sha.5114f85", "1.0.0-beta");
    }
    for scheme in [Scheme::Semver, Scheme::Cargo] {
        for v in [
            "1.2", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3.4", " 1.2.3",
        ] {
            invalid(scheme, v);
        }
    }
}

#[test]
fn npm_node_semver_examples() {
    // node-semver: a leading "v" and surrounding whitespace are stripped.
    equal(Scheme::Npm, "v1.2.3", "1.2.3");
    equal(Scheme::Npm, " 1.2.3 ", "1.2.3");
    ascending(
        Scheme::Npm,
        &[
            "1.2.3-alpha.3",
            "1.2.3-alpha.7",
            "1.2.3",
            "3.4.5-alpha.9",
            "3.4.5",
        ],
    );
    for v in ["1.2", "=1.2.3", "1.2.3.4", "9007199254740992.0.0", "a.b.c"] {
        invalid(Scheme::Npm, v);
    }
}

#[test]
fn golang_module_versions() {
    // go.dev/ref/mod#versions and #pseudo-versions.
    ascending(
        Scheme::Golang,
        &[
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.1.0",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4",
            "v2.0.0-alpha",
            "v2.0.0",
        ],
    );
    equal(Scheme::Golang, "v1", "v1.0.0");
    equal(Scheme::Golang, "v1.2", "1.2.0");
    equal(Scheme::Golang, "v2.0.0+incompatible", "v2.0.0");
    for v in ["v1.2-pre", "v1.2.3.4", "v01.2.3", "latest"] {
        invalid(Scheme::Golang, v);
    }
}

#[test]
fn pep440_examples() {
    // PEP 440, "Summary of permitted suffixes and relative ordering".
    ascending(
        Scheme::Pypi,
        &[
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ],
    );
    // Normalisation (PEP 440 "Normalization").
    equal(Scheme::Pypi, "1.0", "1.0.0");
    equal(Scheme::Pypi, "1.1RC1", "1.1rc1");
    equal(Scheme::Pypi, "1.0c1", "1.0rc1");
    equal(Scheme::Pypi, "1.0-post1", "1.0.post1");
    equal(Scheme::Pypi, "1.0-1", "1.0.post1");
    equal(Scheme::Pypi, "v1.0", "1.0");
    ascending(Scheme::Pypi, &["2013.10", "1!1.0"]);
    for v in ["1.0.x", "french toast", "1.0-SNAPSHOT"] {
        invalid(Scheme::Pypi, v);
    }
}

#[test]
fn maven_comparable_version_examples() {
    // ComparableVersionTest: VERSIONS_QUALIFIER and VERSIONS_NUMBER.
    ascending(
        Scheme::Maven,
        &[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ],
    );
    ascending(
        Scheme::Maven,
        &[
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
            "11", "11.a", "11b", "11c", "11m",
        ],
    );
    for (a, b) in [
        ("1", "1.0"),
        ("1", "1.0.0"),
        ("1", "1-0"),
        ("1", "1.0-0"),
        ("1a", "1-a"),
        ("1a", "1.0.0-a"),
        ("1x", "1.0-x"),
        ("1cr", "1rc"),
        ("1a1", "1-alpha-1"),
        ("1b2", "1-beta-2"),
        ("1m3", "1-milestone-3"),
        ("1X", "1x"),
        ("1Cr", "1Rc"),
        ("1m3", "1MILESTONE3"),
        // Same order though not the same version.
        ("1ga", "1"),
        ("1release", "1"),
        ("1final", "1"),
        ("1.0.0-alpha1", "1.0.0-ALPHA1"),
        // Leading zeros.
        ("0000000000000000001", "1"),
        ("000000000000000000", "0"),
    ] {
        equal(Scheme::Maven, a, b);
    }
    for (a, b) in [
        ("1.0-alpha-1", "1.0"),
        ("1.0-alpha-1", "1.0-beta-1"),
        ("1.0-beta-1", "1.0-SNAPSHOT"),
        ("1.0-SNAPSHOT", "1.0"),
        ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
        ("1.0", "1.0-1"),
        ("1.0.0", "1.0-1"),
        ("2.0-1", "2.0.1"),
        ("2.0.1-klm", "2.0.1-lmn"),
        ("2.0.1", "2.0.1-xyz"),
        ("2.0.1-xyz", "2.0.1-123"),
        ("0.2", "1.0.7"),
        // MNG-5568, MNG-6572, MNG-6964.
        ("6.1.0rc3", "6.1.0"),
        ("6.1.0rc3", "6.1H.5-beta"),
        ("6.1.0", "6.1H.5-beta"),
        ("20190126.230843", "1234567890.12345"),
        ("1234567890.12345", "123456789012345.1H.5-beta"),
        (
            "123456789012345.1H.5-beta",
            "12345678901234567890.1H.5-beta",
        ),
        ("1-0.alpha", "1"),
        ("1-0.beta", "1"),
        ("1-0.alpha", "1-0.beta"),
        // MNG-7714.
        ("1.0.final-redhat", "1.0-sp1-redhat"),
        ("1.0.final-redhat", "1.0-sp-1-redhat"),
        ("1.0.final-redhat", "1.0-sp.1-redhat"),
        // POM reference, "Version Order Specification".
        ("1", "1.1"),
        ("1-snapshot", "1"),
        ("1", "1-sp"),
        ("1-foo2", "1-foo10"),
        ("1.foo", "1-1"),
        ("1-1", "1.1"),
        ("1-ga", "1-sp"),
        ("1-ga.1", "1-sp.1"),
        ("5.aardvark", "5.zebra"),
        ("1.K", "1.7"),
    ] {
        ascending(Scheme::Maven, &[a, b]);
    }
    // MNG-7644: 1.0.0.X1 < 1.0.0-X2 and 2-X = 2.0.X = 2.0.0.X for any X.
    for x in [
        "abc",
        "alpha",
        "a",
        "beta",
        "b",
        "def",
        "milestone",
        "m",
        "RC",
    ] {
        ascending(
            Scheme::Maven,
            &[&format!("1.0.0.{x}1"), &format!("1.0.0-{x}2")],
        );
        equal(Scheme::Maven, &format!("2-{x}"), &format!("2.0.{x}"));
        equal(Scheme::Maven, &format!("2-{x}"), &format!("2.0.0.{x}"));
    }
    // The POM reference: "1.ga" = "1-ga" = "1-0" = "1.0" = "1".
    for v in ["1.ga", "1-ga", "1-0", "1.0"] {
        equal(Scheme::Maven, v, "1");
    }
    equal(Scheme::Maven, "1-a1", "1-alpha-1");
}

#[test]
fn debian_policy_examples() {
    // Policy §5.6.12: "~~" < "~~a" < "~" < "" < "a".
    ascending(Scheme::Deb, &["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"]);
    ascending(
        Scheme::Deb,
        &[
            "1.0~rc1-1",
            "1.0-1",
            "1.0-1ubuntu1",
            "1.0-2",
            "1.0.1-1",
            "1:0.1-1",
        ],
    );
    ascending(Scheme::Deb, &["2.36-9", "2.36-9+deb12u4", "2.36-10"]);
    ascending(Scheme::Deb, &["0.9.8c-4", "0.9.8g-1", "0.9.8k-1"]);
    equal(Scheme::Deb, "0:1.0", "1.0");
    equal(Scheme::Deb, "1.0", "1.0-0");
    equal(Scheme::Deb, "1.01", "1.1");
    // A run of zeros reads as no number, so `~` comes next: dpkg --compare-versions 1a gt 1a0~
    // (the `debversion` crate says otherwise).
    ascending(Scheme::Deb, &["1a0~", "1a"]);
    // A letter sorts after the start of a number.
    ascending(Scheme::Deb, &["1.0-1", "a1.0-1"]);
    for v in [
        "1:", "-1", "1.0-", "a:1.0", "1.0:1", "1.0_1", "1.0-1_2", ":1.0",
    ] {
        invalid(Scheme::Deb, v);
    }
}

#[test]
fn rpmvercmp_test_suite() {
    // rpm's tests/rpmvercmp.at.
    let cases: &[(&str, &str, i32)] = &[
        ("1.0", "1.0", 0),
        ("1.0", "2.0", -1),
        ("2.0", "1.0", 1),
        ("2.0.1", "2.0.1", 0),
        ("2.0", "2.0.1", -1),
        ("2.0.1", "2.0", 1),
        ("2.0.1a", "2.0.1a", 0),
        ("2.0.1a", "2.0.1", 1),
        ("2.0.1", "2.0.1a", -1),
        ("5.5p1", "5.5p1", 0),
        ("5.5p1", "5.5p2", -1),
        ("5.5p2", "5.5p1", 1),
        ("5.5p10", "5.5p10", 0),
        ("5.5p1", "5.5p10", -1),
        ("5.5p10", "5.5p1", 1),
        ("10xyz", "10.1xyz", -1),
        ("10.1xyz", "10xyz", 1),
        ("xyz10", "xyz10", 0),
        ("xyz10", "xyz10.1", -1),
        ("xyz10.1", "xyz10", 1),
        ("xyz.4", "xyz.4", 0),
        ("xyz.4", "8", -1),
        ("8", "xyz.4", 1),
        ("xyz.4", "2", -1),
        ("2", "xyz.4", 1),
        ("5.5p2", "5.6p1", -1),
        ("5.6p1", "5.5p2", 1),
        ("5.6p1", "6.5p1", -1),
        ("6.5p1", "5.6p1", 1),
        ("6.0.rc1", "6.0", 1),
        ("6.0", "6.0.rc1", -1),
        ("10b2", "10a1", 1),
        ("10a2", "10b2", -1),
        ("1.0aa", "1.0aa", 0),
        ("1.0a", "1.0aa", -1),
        ("1.0aa", "1.0a", 1),
        ("10.0001", "10.0001", 0),
        ("10.0001", "10.1", 0),
        ("10.1", "10.0001", 0),
        ("10.0001", "10.0039", -1),
        ("10.0039", "10.0001", 1),
        ("4.999.9", "5.0", -1),
        ("5.0", "4.999.9", 1),
        ("20101121", "20101121", 0),
        ("20101121", "20101122", -1),
        ("20101122", "20101121", 1),
        ("2_0", "2_0", 0),
        ("2.0", "2_0", 0),
        ("2_0", "2.0", 0),
        ("a", "a", 0),
        ("a+", "a+", 0),
        ("a+", "a_", 0),
        ("a_", "a+", 0),
        ("+a", "+a", 0),
        ("+a", "_a", 0),
        ("_a", "+a", 0),
        ("+_", "+_", 0),
        ("_+", "+_", 0),
        ("_+", "_+", 0),
        ("+", "_", 0),
        ("_", "+", 0),
        ("1.0~rc1", "1.0~rc1", 0),
        ("1.0~rc1", "1.0", -1),
        ("1.0", "1.0~rc1", 1),
        ("1.0~rc1", "1.0~rc2", -1),
        ("1.0~rc2", "1.0~rc1", 1),
        ("1.0~rc1~git123", "1.0~rc1~git123", 0),
        ("1.0~rc1~git123", "1.0~rc1", -1),
        ("1.0~rc1", "1.0~rc1~git123", 1),
        ("1.0^", "1.0^", 0),
        ("1.0^", "1.0", 1),
        ("1.0", "1.0^", -1),
        ("1.0^git1", "1.0^git1", 0),
        ("1.0^git1", "1.0", 1),
        ("1.0", "1.0^git1", -1),
        ("1.0^git1", "1.0^git2", -1),
        ("1.0^git2", "1.0^git1", 1),
        ("1.0^git1", "1.01", -1),
        ("1.01", "1.0^git1", 1),
        ("1.0^20160101", "1.0^20160101", 0),
        ("1.0^20160101", "1.0.1", -1),
        ("1.0.1", "1.0^20160101", 1),
        ("1.0^20160101^git1", "1.0^20160101^git1", 0),
        ("1.0^20160102", "1.0^20160101^git1", 1),
        ("1.0^20160101^git1", "1.0^20160102", -1),
        ("1.0~rc1^git1", "1.0~rc1^git1", 0),
        ("1.0~rc1^git1", "1.0~rc1", 1),
        ("1.0~rc1", "1.0~rc1^git1", -1),
        ("1.0^git1~pre", "1.0^git1~pre", 0),
        ("1.0^git1", "1.0^git1~pre", 1),
        ("1.0^git1~pre", "1.0^git1", -1),
    ];
    for (a, b, expected) in cases {
        cmp(Scheme::Rpm, a, b, *expected);
    }
    // Epoch and release.
    ascending(Scheme::Rpm, &["1.1.1a-1", "1.1.1k-7.el8", "1:1.1.1a-1"]);
    equal(Scheme::Rpm, "0:1.0-1", "1.0-1");
    for v in ["a:1.0", ":1.0", "1.0-1-2", "1.0-", "-1", "1.0 1"] {
        invalid(Scheme::Rpm, v);
    }
}

#[test]
fn nuget_examples() {
    // docs.microsoft.com/nuget/concepts/package-versioning.
    equal(Scheme::Nuget, "1.0", "1.0.0");
    equal(Scheme::Nuget, "1.0.0", "1.0.0.0");
    equal(Scheme::Nuget, "01.2.3", "1.2.3");
    equal(Scheme::Nuget, "1.0.0-Beta", "1.0.0-beta");
    equal(Scheme::Nuget, "1.0.0+metadata", "1.0.0");
    ascending(
        Scheme::Nuget,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.2",
            "1.0.0-alpha.10",
            "1.0.0-beta",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1-alpha",
            "1.0.1",
        ],
    );
    ascending(Scheme::Nuget, &["1.0.0-1", "1.0.0-alpha"]);
    for v in ["1.0.0.0.0", "1.a", "v1.0", "1.0.0-", "1.0.0-a..b", ""] {
        invalid(Scheme::Nuget, v);
    }
}

#[test]
fn rubygems_examples() {
    // Gem::Version documentation: "Prereleases sort between real releases
    // (newest to oldest): 1.0, 1.0.b1, 1.0.a.2, 0.9", and 1.0.a10 > 1.0.a9.
    ascending(Scheme::Gem, &["0.9", "1.0.a.2", "1.0.b1", "1.0"]);
    ascending(Scheme::Gem, &["1.0.a9", "1.0.a10"]);
    equal(Scheme::Gem, "1", "1.0.0");
    equal(Scheme::Gem, "1.0.a.0", "1.0.a");
    equal(Scheme::Gem, "1.0-rc1", "1.0.pre.rc1");
    ascending(
        Scheme::Gem,
        &["1.0.0.rc1", "1.0.0", "1.0.0.1", "5.0.0.1", "5.1"],
    );
    // Strings compare bytewise: upper case sorts before lower case.
    ascending(Scheme::Gem, &["1.0.RC1", "1.0.rc1"]);
    for v in ["junk", "1.0\n2.0", "1..2", "1.2-", "-1"] {
        invalid(Scheme::Gem, v);
    }
}

#[test]
fn alpine_examples() {
    // vers-spec tests/alpine_version_cmp_test.json (from apk-tools'
    // test/version.data), consecutive pairs.
    let pairs: &[(&str, &str)] = &[
        ("0.1.0_alpha", "2.34"),
        ("0.1.0_alpha", "0.1.3_alpha"),
        ("0.1.0_alpha", "0.1.0_alpha2"),
        ("0.1.0_alpha", "2.2.39-r1"),
        ("1.0.4-r3", "2.2.39-r1"),
        ("1.0.4-r3", "1.0.4-r4"),
        ("1.0.4-r4", "1.6"),
        ("1.0.2", "1.6"),
        ("0.7-r1", "1.0.2"),
        ("0.7-r1", "1.0.0"),
        ("1.0.0", "1.0.1"),
        ("1.0.1", "1.1"),
        ("1.1_alpha1", "1.1"),
        ("1.1_alpha1", "1.2.1"),
        ("1.2", "1.2.1"),
        ("1.2", "1.3_alpha"),
        ("1.3_alpha", "1.3_alpha2"),
        ("1.3_alpha2", "1.3_alpha3"),
        ("0.6.0", "1.3_alpha8"),
        ("0.7.0", "0.8_beta1"),
        ("0.8_beta1", "0.8_beta2"),
        ("0.8_beta4", "4.8-r1"),
        ("3.10.18-r1", "4.8-r1"),
        ("2.3.0b-r1", "3.10.18-r1"),
        ("2.3.0b-r1", "2.3.0b-r2"),
        ("0.12.1", "2.3.0b-r4"),
        ("0.12", "0.12.3"),
        ("0.12", "0.13_beta1"),
        ("0.9.12", "0.13_beta5"),
        ("0.0.16", "0.9.13"),
        ("0.0.16", "0.6"),
    ];
    for (a, b) in pairs {
        ascending(Scheme::Apk, &[a, b]);
    }
    equal(Scheme::Apk, "0.1.0_alpha", "0.1.0_alpha");
    // apk-tools suffix order and leading-zero fractions.
    ascending(
        Scheme::Apk,
        &[
            "1.0_alpha",
            "1.0_beta",
            "1.0_pre",
            "1.0_rc",
            "1.0",
            "1.0_cvs",
            "1.0_svn",
            "1.0_git",
            "1.0_hg",
            "1.0_p1",
            "1.0a",
            "1.0.1",
        ],
    );
    ascending(Scheme::Apk, &["1.001", "1.01", "1.1"]);
    ascending(
        Scheme::Apk,
        &[
            "1.2.3_git20220101-r0",
            "1.2.3_git20220101-r1",
            "1.2.3_p1-r0",
        ],
    );
    for v in [
        "01.2",
        "1.2.3-r",
        "1.2.3_foo",
        "1.2.3A",
        "v1.2.3",
        "1.2.3-1",
    ] {
        invalid(Scheme::Apk, v);
    }
}

#[test]
fn generic_follows_libversion_examples() {
    // libversion doc/ALGORITHM.md, example table.
    ascending(
        Scheme::Generic,
        &[
            "1.0alpha1",
            "1.0beta1",
            "1.0",
            "1.0patch1",
            "1.0.1",
            "1.0a",
            "1.0b",
            "1.1",
            "1.2",
        ],
    );
    equal(Scheme::Generic, "1.0", "1.0.0");
    equal(Scheme::Generic, "1.0alpha1", "1.0a1");
    equal(
        Scheme::Generic,
        "10.2alpha3..patch.4.",
        "10.2.alpha3.patch.4",
    );
    ascending(Scheme::Generic, &["1.0git20190911", "1.0"]);
    ascending(Scheme::Generic, &["1.2.3.9", "1.2.3.10"]);
    invalid(Scheme::Generic, "..");
}

#[test]
fn firmware_examples_from_advisories() {
    ascending(Scheme::Firmware, &["B.06.18", "B.12", "C.00.04"]);
    ascending(Scheme::Firmware, &["K", "N"]);
    ascending(Scheme::Firmware, &["L9", "L81"]);
    ascending(Scheme::Firmware, &["A10", "A11"]);
    ascending(Scheme::Firmware, &["2.4", "2.4A", "2.6A", "2.7A"]);
    ascending(Scheme::Firmware, &["3.0", "3.0 D15", "3.0 D16"]);
    ascending(
        Scheme::Firmware,
        &["2023.3", "2023.3_Build_9342", "2023.3_Build_9400", "2024.2"],
    );
    ascending(Scheme::Firmware, &["1.003", "1.10", "1.52"]);
    ascending(Scheme::Firmware, &["012U000040", "012U000061"]);
    ascending(Scheme::Firmware, &["BT02", "BT06"]);
    ascending(Scheme::Firmware, &["R4.1L1", "R8.0.3"]);
    ascending(Scheme::Firmware, &["5.17.1-754993421", "5.17.2"]);
    equal(Scheme::Firmware, "V2.1.0.57", "2.1.0.57");
    equal(Scheme::Firmware, "2018-1", "2018.1");
    equal(Scheme::Firmware, "1.0.0", "1");
    equal(Scheme::Firmware, "B.06.18", "b.6.18");
    for (a, b) in [
        ("A10", "B2"),
        ("U61", "L81"),
        ("2.4A", "2.4.1"),
        ("1.8.4 SP1", "1.8.4 Service Pack 01"),
        ("beta", "build"),
        ("VM5.0", "5.0"),
    ] {
        match compare(Scheme::Firmware, a, b) {
            Err(VersionError::Incomparable { .. }) => {}
            other => panic!("{a} vs {b}: expected Incomparable, got {other:?}"),
        }
    }
    for v in ["12.2.x.x", "4.X", "1.X", "C.0x"] {
        let parsed = Version::parse(Scheme::Firmware, v).unwrap();
        assert!(parsed.is_wildcard(), "{v}");
        assert!(
            matches!(parsed.compare(&parsed), Err(VersionError::Wildcard { .. })),
            "{v}"
        );
    }
    for v in ["8/30/2024", "1.x.2", "1.0 (beta)", "1*"] {
        invalid(Scheme::Firmware, v);
    }
}

#[test]
fn every_scheme_rejects_empty_and_mixed_schemes() {
    for scheme in Scheme::ALL {
        assert!(
            matches!(Version::parse(scheme, ""), Err(VersionError::Empty { .. })),
            "{scheme}"
        );
        assert!(
            matches!(
                Version::parse(scheme, "  "),
                Err(VersionError::Empty { .. })
            ),
            "{scheme}"
        );
    }
    let a = Version::parse(Scheme::Npm, "1.0.0").unwrap();
    let b = Version::parse(Scheme::Cargo, "1.0.0").unwrap();
    assert!(matches!(
        a.compare(&b),
        Err(VersionError::SchemeMismatch { .. })
    ));
}

#[test]
fn errors_name_the_version() {
    let e = compare(Scheme::Pypi, "1.0", "not a version")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a version") && e.contains("pypi"), "{e}");
    let e = compare(Scheme::Firmware, "A10", "B2")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("A10") && e.contains("B2") && e.contains("cannot be compared"),
        "{e}"
    );
}
