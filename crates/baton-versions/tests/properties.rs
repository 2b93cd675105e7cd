#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Order laws on generated versions, per scheme: reflexivity,
//! antisymmetry, transitivity (a list sorted by insertion is sorted for
//! every pair), and for Debian agreement with the `debversion` crate.

use std::cmp::Ordering;
use std::str::FromStr;

use baton_versions::{Scheme, Version};
use proptest::prelude::*;

/// The order `dpkg --compare-versions` gives, when dpkg is installed.
fn dpkg_order(a: &str, b: &str) -> Option<Ordering> {
    let holds = |op: &str| {
        std::process::Command::new("dpkg")
            .args(["--compare-versions", a, op, b])
            .status()
            .ok()
            .map(|s| s.success())
    };
    Some(match (holds("lt")?, holds("eq")?) {
        (true, _) => Ordering::Less,
        (false, true) => Ordering::Equal,
        (false, false) => Ordering::Greater,
    })
}

fn pattern(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Semver | Scheme::Cargo => {
            r"(0|[1-9][0-9]?)\.(0|[1-9])\.(0|[1-9][0-9]?)(-(alpha|beta|rc|0|[1-9][0-9]?|x-y)(\.(alpha|1|2|10|beta)){0,2})?(\+build(\.[0-9])?)?"
        }
        Scheme::Npm => {
            r"v?(0|[1-9][0-9]?)\.(0|[1-9])\.(0|[1-9][0-9]?)(-(alpha|beta|rc|0|[1-9][0-9]?)(\.(alpha|1|2|10)){0,2})?(\+b[0-9])?"
        }
        Scheme::Golang => {
            r"v?((0|[1-9])\.(0|[1-9])\.(0|[1-9])(-(alpha|beta|rc|0\.20[0-9]{12}-[0-9a-f]{12}|pre\.0\.20[0-9]{12}-[0-9a-f]{12}))?|0\.0\.0-20[0-9]{12}-[0-9a-f]{12}|[1-9](\.[0-9])?)(\+incompatible)?"
        }
        Scheme::Pypi => {
            r"([1-9]!)?(0|[1-9][0-9]?)(\.(0|[1-9][0-9]?)){0,3}((a|b|rc|c|alpha|beta|pre)[0-9]{1,2})?(\.post[0-9]|-[0-9])?(\.dev[0-9])?(\+[a-z0-9]{1,3}(\.[a-z0-9]{1,2})?)?"
        }
        Scheme::Maven => {
            r"[0-9]{1,2}([.-]?([0-9]{1,2}|alpha|beta|a|b|m|rc|cr|snapshot|ga|final|release|sp|foo|x)){0,5}"
        }
        Scheme::Deb => r"([0-9]:)?[0-9][0-9a-z.+~]{0,6}(-[0-9a-z.+~]{1,4})?",
        Scheme::Rpm => r"([0-9]:)?[0-9a-z.~^_+]{1,8}(-[0-9a-z.~^]{1,4})?",
        Scheme::Nuget => {
            r"[0-9]{1,2}(\.[0-9]{1,2}){0,3}(-[0-9A-Za-z]{1,4}(\.[0-9A-Za-z]{1,3}){0,2})?(\+[a-z0-9]{1,3})?"
        }
        Scheme::Gem => r"[0-9]{1,2}(\.[0-9a-zA-Z]{1,3}){0,4}(-[0-9a-z]{1,3}(\.[0-9a-z]{1,2})?)?",
        Scheme::Apk => {
            r"[1-9][0-9]?(\.[0-9]{1,2}){0,3}[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]{0,2}){0,2}(-r[0-9]{1,2})?"
        }
        Scheme::Generic => r"[0-9a-z][0-9a-z.+_-]{0,9}",
        Scheme::Firmware => r"[vV]?[A-Da-d]{0,2}[0-9]{1,3}([._ -][A-Da-d]{0,2}[0-9]{0,3}){0,4}",
    }
}

fn versions(scheme: Scheme, n: usize) -> impl Strategy<Value = Vec<Version>> {
    proptest::collection::vec(
        pattern(scheme).prop_filter_map("parses", move |s| Version::parse(scheme, &s).ok()),
        n,
    )
}

/// Checks the laws on one list of versions of a scheme with a total order.
fn total_order_laws(vs: &[Version]) -> Result<(), TestCaseError> {
    for a in vs {
        prop_assert_eq!(a.compare(a), Ok(Ordering::Equal), "reflexive: {}", a);
        for b in vs {
            let ab = a
                .compare(b)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(b.compare(a), Ok(ab.reverse()), "antisymmetric: {} {}", a, b);
        }
    }
    // Insertion sort, then every pair must be in order: fails on any
    // intransitive triple among the versions.
    let mut sorted: Vec<&Version> = Vec::new();
    for v in vs {
        let pos = sorted
            .iter()
            .position(|s| v.compare(s) == Ok(Ordering::Less))
            .unwrap_or(sorted.len());
        sorted.insert(pos, v);
    }
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            prop_assert_ne!(
                a.compare(b),
                Ok(Ordering::Greater),
                "transitive: {} before {}",
                a,
                b
            );
        }
    }
    Ok(())
}

macro_rules! total_order {
    ($name:ident, $scheme:expr) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn $name(vs in versions($scheme, 8)) {
                total_order_laws(&vs)?;
            }
        }
    };
}

total_order!(semver_is_a_total_order, Scheme::Semver);
total_order!(npm_is_a_total_order, Scheme::Npm);
total_order!(cargo_is_a_total_order, Scheme::Cargo);
total_order!(golang_is_a_total_order, Scheme::Golang);
total_order!(pypi_is_a_total_order, Scheme::Pypi);
total_order!(maven_is_a_total_order, Scheme::Maven);
total_order!(deb_is_a_total_order, Scheme::Deb);
total_order!(rpm_is_a_total_order, Scheme::Rpm);
total_order!(nuget_is_a_total_order, Scheme::Nuget);
total_order!(gem_is_a_total_order, Scheme::Gem);
total_order!(apk_is_a_total_order, Scheme::Apk);
total_order!(generic_is_a_total_order, Scheme::Generic);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Firmware is a partial order: where comparisons are defined they obey
    /// the laws, "cannot be compared" is symmetric, and comparable chains
    /// stay comparable.
    #[test]
    fn firmware_is_a_partial_order(vs in versions(Scheme::Firmware, 3)) {
        let (a, b, c) = (&vs[0], &vs[1], &vs[2]);
        prop_assert_eq!(a.compare(a), Ok(Ordering::Equal));
        match (a.compare(b), b.compare(a)) {
            (Ok(x), Ok(y)) => prop_assert_eq!(x, y.reverse()),
            (Err(_), Err(_)) => {}
            (x, y) => prop_assert!(false, "asymmetric: {} {} {:?} {:?}", a, b, x, y),
        }
        if let (Ok(ab), Ok(bc)) = (a.compare(b), b.compare(c))
            && ab != Ordering::Greater
            && bc != Ordering::Greater
        {
            let ac = a.compare(c);
            prop_assert!(matches!(ac, Ok(Ordering::Less | Ordering::Equal)), "{} <= {} <= {} but {:?}", a, b, c, ac);
        }
    }

    /// Baton's dpkg comparison agrees with the `debversion` crate on every
    /// version both accept, or, where `debversion` is wrong (`1a` against
    /// `1a0~`: dpkg says `1a` is greater, `debversion` less), with dpkg
    /// itself when it is installed.
    #[test]
    fn deb_agrees_with_debversion(a in pattern(Scheme::Deb), b in pattern(Scheme::Deb)) {
        if let (Ok(x), Ok(y), Ok(dx), Ok(dy)) = (
            Version::parse(Scheme::Deb, &a),
            Version::parse(Scheme::Deb, &b),
            debversion::Version::from_str(&a),
            debversion::Version::from_str(&b),
        ) {
            let ours = x.compare(&y);
            let expected = match dpkg_order(&a, &b) {
                Some(dpkg) if ours != Ok(dx.cmp(&dy)) => dpkg,
                _ => dx.cmp(&dy),
            };
            prop_assert_eq!(ours, Ok(expected), "{} vs {}", a, b);
        }
    }
}
