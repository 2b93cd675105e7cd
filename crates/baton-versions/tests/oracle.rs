#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Differential test against univers (PyPI `univers` 32.0.1), the Python
//! reference implementation of `vers`.
//!
//! Ignored by default. To run it, install univers in a virtual environment
//! and point `BATON_ORACLE_PYTHON` at its interpreter:
//!
//! ```text
//! python3 -m venv target/univers-venv && target/univers-venv/bin/pip install univers==32.0.1
//! BATON_ORACLE_PYTHON=target/univers-venv/bin/python \
//!   cargo test -p baton-versions --test oracle -- --ignored --nocapture
//! ```
//!
//! A seeded generator writes at least 10,000 `RANGE<TAB>VERSION` cases per
//! scheme univers knows; `tests/oracle/univers_oracle.py` answers them with
//! univers and Baton answers them with `check_lines`. Answers are compared
//! as `true` / `false` / `error`. Every disagreement must be explained by a
//! rule in [`KNOWN_DIFFERENCES`]; the test prints the agreement per scheme.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use baton_versions::{Scheme, Version, check_lines, parse_vers};

const CASES_PER_SCHEME: usize = 10_000;
const SEED: u64 = 0x5EED_BA70_0001;

/// SplitMix64: a small, seedable generator (the test must be reproducible).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn num(&mut self) -> u64 {
        const NUMS: [u64; 12] = [0, 0, 1, 1, 2, 3, 5, 9, 10, 11, 12, 20];
        NUMS[self.below(NUMS.len())]
    }
}

fn dotted(rng: &mut Rng, min: usize, max: usize) -> String {
    let n = min + rng.below(max - min + 1);
    (0..n)
        .map(|_| rng.num().to_string())
        .collect::<Vec<_>>()
        .join(".")
}

fn semver_core(rng: &mut Rng) -> String {
    format!("{}.{}.{}", rng.num(), rng.num(), rng.num())
}

fn semver_pre(rng: &mut Rng) -> String {
    let ids = [
        "alpha",
        "beta",
        "rc",
        "alpha.1",
        "beta.2",
        "rc.1",
        "rc.10",
        "0",
        "1",
        "x-y",
        "alpha.beta",
        "RC.1",
    ];
    rng.pick(&ids).to_string()
}

fn gen_npm(rng: &mut Rng, cargo: bool) -> String {
    let mut v = semver_core(rng);
    if rng.chance(35) {
        v = format!("{v}-{}", semver_pre(rng));
    }
    if rng.chance(8) {
        v = format!(
            "{v}+{}",
            rng.pick(&["build.1", "build.2", "001", "sha.5114f85"])
        );
    }
    if !cargo && rng.chance(5) {
        v = format!("v{v}");
    }
    if rng.chance(3) {
        // Not SemVer: shorthand or leading zero.
        v = rng.pick(&["1.2", "1", "01.2.3", "1.2.3.4"]).to_string();
    }
    v
}

fn gen_golang(rng: &mut Rng) -> String {
    let mut v = match rng.below(10) {
        0 => format!(
            "0.0.0-2019{:02}{:02}021931-daa7c04131f5",
            1 + rng.below(12),
            1 + rng.below(28)
        ),
        1 => format!(
            "{}.{}.{}-0.2020{:02}01000000-abcdefabcdef",
            rng.num(),
            rng.num(),
            rng.num(),
            1 + rng.below(12)
        ),
        2 => format!("{}.0.0+incompatible", 2 + rng.below(3)),
        3 => format!("{}.{}", rng.num(), rng.num()),
        _ => {
            let mut v = semver_core(rng);
            if rng.chance(25) {
                v = format!("{v}-{}", semver_pre(rng));
            }
            v
        }
    };
    if rng.chance(70) {
        v = format!("v{v}");
    }
    v
}

fn gen_pypi(rng: &mut Rng) -> String {
    let mut v = dotted(rng, 1, 4);
    if rng.chance(5) {
        v = format!("{}!{v}", 1 + rng.below(2));
    }
    if rng.chance(30) {
        v = format!(
            "{v}{}{}",
            rng.pick(&["a", "b", "rc", "RC", ".a", "-beta", "c", "alpha", "pre"]),
            rng.num()
        );
    }
    if rng.chance(12) {
        v = format!(
            "{v}{}{}",
            rng.pick(&[".post", "-", ".post", "post"]),
            rng.num()
        );
    }
    if rng.chance(10) {
        v = format!("{v}.dev{}", rng.num());
    }
    if rng.chance(5) {
        v = format!("{v}+{}", rng.pick(&["ubuntu1", "abc.5", "local.1", "1"]));
    }
    if rng.chance(3) {
        v = format!("v{v}");
    }
    v
}

fn gen_maven(rng: &mut Rng) -> String {
    let base = dotted(rng, 1, 4);
    let qualifiers = [
        "-SNAPSHOT",
        "-alpha-1",
        "-alpha1",
        "-beta-2",
        "-beta2",
        "-rc1",
        "-RC2",
        ".RC1",
        "-cr1",
        ".Final",
        ".GA",
        "-final",
        "-ga",
        "-sp1",
        "-sp",
        "-jre",
        "-android",
        "-1",
        "-2",
        ".M1",
        "-m2",
        "-20200101.120000-1",
        "-release",
        "a1",
        "b2",
        "-foo",
        "-foo10",
        ".a",
        "-M3",
        "-milestone-1",
        "-alpha-1-SNAPSHOT",
        "-0",
        "-redhat-00001",
    ];
    if rng.chance(40) {
        format!("{base}{}", rng.pick(&qualifiers))
    } else {
        base
    }
}

fn gen_deb(rng: &mut Rng) -> String {
    let mut upstream = dotted(rng, 1, 3);
    if rng.chance(15) {
        upstream = format!(
            "{upstream}{}",
            rng.pick(&[
                "~rc1",
                "~beta2",
                "+dfsg",
                "+ds1",
                "a",
                "b",
                "~",
                "+really1.0",
                "~~"
            ])
        );
    }
    let mut v = upstream;
    if rng.chance(65) {
        let rev = rng.pick(&[
            "1",
            "2",
            "9",
            "10",
            "1ubuntu1",
            "1ubuntu0.1",
            "9+deb12u4",
            "2~deb11u1",
            "0.1",
            "1+b1",
        ]);
        v = format!("{v}-{rev}");
    }
    if rng.chance(10) {
        v = format!("{}:{v}", rng.below(3));
    }
    if rng.chance(2) {
        v = rng.pick(&["a1.0-1", "1.0-", "1:", "-1"]).to_string();
    }
    v
}

fn gen_rpm(rng: &mut Rng) -> String {
    let mut version = dotted(rng, 1, 3);
    if rng.chance(15) {
        version = format!(
            "{version}{}",
            rng.pick(&["~rc1", "^20200101git", "a", "k", "~beta", "_1", "+git"])
        );
    }
    let mut v = version;
    if rng.chance(60) {
        v = format!(
            "{v}-{}",
            rng.pick(&[
                "1", "2", "7.el8", "151.el9", "1.el8_6", "3.fc40", "1.1", "0.rc1", "10"
            ])
        );
    }
    if rng.chance(12) {
        v = format!("{}:{v}", rng.below(3));
    }
    v
}

fn gen_nuget(rng: &mut Rng) -> String {
    let mut v = dotted(rng, 1, 4);
    if rng.chance(30) {
        v = format!(
            "{v}-{}",
            rng.pick(&[
                "beta",
                "Beta",
                "beta.2",
                "rc.1",
                "alpha",
                "preview.1",
                "RC1",
                "rc1",
                "1",
                "alpha.10"
            ])
        );
    }
    if rng.chance(5) {
        v = format!("{v}+{}", rng.pick(&["build", "sha.1"]));
    }
    if rng.chance(3) {
        v = format!("0{v}");
    }
    v
}

fn gen_gem(rng: &mut Rng) -> String {
    let mut v = dotted(rng, 1, 4);
    if rng.chance(30) {
        v = format!(
            "{v}{}",
            rng.pick(&[
                ".rc1", ".pre", ".beta", ".beta2", "-rc1", "-beta", ".a", "a", ".alpha.1",
                ".pre.1", "-beta-2", ".RC1"
            ])
        );
    }
    v
}

fn gen_apk(rng: &mut Rng) -> String {
    let mut v = dotted(rng, 1, 4);
    if rng.chance(10) {
        v = format!("{v}{}", rng.pick(&["a", "b", "k", "z"]));
    }
    if rng.chance(25) {
        let suffix = rng.pick(&[
            "_alpha", "_beta", "_pre", "_rc", "_p", "_git2020", "_svn", "_cvs", "_hg", "_rc1",
            "_p2", "_beta3",
        ]);
        v = format!("{v}{suffix}");
    }
    if rng.chance(60) {
        v = format!("{v}-r{}", rng.num());
    }
    if rng.chance(4) {
        v = rng
            .pick(&["1.02.3-r0", "1.2.03", "1.0.0_alpha_beta"])
            .to_string();
    }
    v
}

fn gen_generic(rng: &mut Rng) -> String {
    let mut v = dotted(rng, 1, 4);
    if rng.chance(25) {
        v = format!(
            "{v}{}",
            rng.pick(&[
                "-rc1",
                "-beta.2",
                "-alpha",
                "a",
                "b",
                ".post1",
                "-1",
                "rc2",
                "-SNAPSHOT"
            ])
        );
    }
    v
}

fn generate(scheme: Scheme, rng: &mut Rng) -> String {
    match scheme {
        Scheme::Npm => gen_npm(rng, false),
        Scheme::Cargo => gen_npm(rng, true),
        Scheme::Golang => gen_golang(rng),
        Scheme::Pypi => gen_pypi(rng),
        Scheme::Maven => gen_maven(rng),
        Scheme::Deb => gen_deb(rng),
        Scheme::Rpm => gen_rpm(rng),
        Scheme::Nuget => gen_nuget(rng),
        Scheme::Gem => gen_gem(rng),
        Scheme::Apk => gen_apk(rng),
        Scheme::Generic => gen_generic(rng),
        Scheme::Semver | Scheme::Firmware => unreachable!("univers does not know {scheme}"),
    }
}

fn encode(v: &str) -> String {
    let mut out = String::new();
    for c in v.chars() {
        if matches!(c, '<' | '>' | '=' | '!' | '*' | '|' | '%' | ' ') {
            write!(out, "%{:02X}", u32::from(c)).unwrap();
        } else {
            out.push(c);
        }
    }
    out
}

const COMPARATOR_SEQUENCES: &[&[&str]] = &[
    &[""],
    &["!="],
    &["<"],
    &["<="],
    &[">"],
    &[">="],
    &[">=", "<"],
    &[">", "<="],
    &[">=", "<="],
    &["<", ">="],
    &["<=", ">"],
    &["", ""],
    &["", "", ""],
    &["!=", "!="],
    &[">=", "!=", "<"],
    &["", ">="],
    &["<", "", ">"],
    &[">=", "<", ">=", "<"],
    &[">=", "<", "", ">"],
    &["<", ">=", "<"],
    &["<=", "!=", ">"],
];

#[derive(Debug)]
struct Case {
    scheme: Scheme,
    range: String,
    version: String,
}

fn make_case(scheme: Scheme, rng: &mut Rng) -> Case {
    let sequence = COMPARATOR_SEQUENCES[rng.below(COMPARATOR_SEQUENCES.len())];
    // Constraint versions, sorted and de-duplicated with Baton's order; a
    // few cases keep the generator's order to exercise strictness.
    let mut versions: Vec<String> = (0..sequence.len()).map(|_| generate(scheme, rng)).collect();
    if !rng.chance(3) {
        let parsed: Option<Vec<Version>> = versions
            .iter()
            .map(|v| Version::parse(scheme, v).ok())
            .collect();
        if let Some(mut parsed) = parsed
            && parsed.iter().all(|p| p.compare(&parsed[0]).is_ok())
        {
            parsed.sort_by(|a, b| a.compare(b).unwrap());
            parsed.dedup_by(|a, b| a.compare(b).unwrap().is_eq());
            versions = parsed.iter().map(|p| p.as_str().to_string()).collect();
        }
    }
    let constraints: Vec<String> = versions
        .iter()
        .zip(sequence.iter().cycle())
        .map(|(v, c)| format!("{c}{}", encode(v)))
        .collect();
    let range = format!("vers:{}/{}", scheme.key(), constraints.join("|"));
    let version = if rng.chance(40) {
        versions[rng.below(versions.len())].clone()
    } else {
        generate(scheme, rng)
    };
    Case {
        scheme,
        range,
        version,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    True,
    False,
    Error,
}

fn answer(line: &str) -> Answer {
    match line {
        "true" => Answer::True,
        "false" => Answer::False,
        _ => Answer::Error,
    }
}

/// A documented reason why Baton and univers answer a case differently.
struct Known {
    schemes: &'static [Scheme],
    rule: &'static str,
    applies: fn(&Case, Answer, Answer) -> bool,
}

fn range_versions(case: &Case) -> Vec<String> {
    let body = case
        .range
        .split_once('/')
        .map(|(_, b)| b)
        .unwrap_or_default();
    body.split('|')
        .map(|c| c.trim_start_matches(['<', '>', '=', '!']).to_string())
        .collect()
}

fn all_versions(case: &Case) -> Vec<String> {
    let mut v = range_versions(case);
    v.push(case.version.clone());
    v
}

fn constraints_of(case: &Case) -> Vec<(String, String)> {
    let body = case
        .range
        .split_once('/')
        .map(|(_, b)| b)
        .unwrap_or_default();
    body.split('|')
        .map(|c| {
            let version = c.trim_start_matches(['<', '>', '=', '!']);
            (
                c[..c.len() - version.len()].to_string(),
                version.to_string(),
            )
        })
        .collect()
}

fn baton_order(scheme: Scheme, a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Version::parse(scheme, a)
        .ok()?
        .compare(&Version::parse(scheme, b).ok()?)
        .ok()
}

fn only_not_equal(case: &Case) -> bool {
    let cs = constraints_of(case);
    cs.len() > 1 && cs.iter().all(|(c, _)| c == "!=")
}

fn unsorted_for_baton(case: &Case) -> bool {
    matches!(parse_vers(&case.range), Err(e) if e.to_string().contains("not sorted"))
}

fn has_percent_escape(case: &Case) -> bool {
    case.range.contains('%')
}

fn has_build_metadata(case: &Case) -> bool {
    all_versions(case).iter().any(|v| v.contains('+'))
}

fn baton_rejects_non_semver(case: &Case, b: Answer, _: Answer) -> bool {
    b == Answer::Error
        && all_versions(case).iter().any(|v| {
            Version::parse(case.scheme, v).is_err()
                && semver::Version::parse(v.trim_start_matches('v')).is_err()
        })
}

fn maven_dot_qualifier(case: &Case) -> bool {
    all_versions(case).iter().any(|v| {
        v.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic())
    })
}

fn maven_release_qualifier(case: &Case) -> bool {
    all_versions(case)
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("release"))
}

fn deb_upstream_not_digit(case: &Case) -> bool {
    all_versions(case).iter().any(|v| {
        let upstream = v.split_once(':').map_or(v.as_str(), |(_, r)| r);
        !upstream.starts_with(|c: char| c.is_ascii_digit()) || upstream.contains(':')
    })
}

fn deb_empty_revision(case: &Case) -> bool {
    all_versions(case).iter().any(|v| v.ends_with('-'))
}

fn apk_post_release_suffix(case: &Case) -> bool {
    all_versions(case).iter().any(|v| {
        ["_cvs", "_svn", "_git", "_hg"]
            .iter()
            .any(|s| v.contains(s))
    })
}

/// univers' apk versions order `<`, `>` and `==` with a Gentoo `vercmp`
/// but inherit `<=` and `>=` from a plain string comparison.
fn apk_string_le_ge(case: &Case) -> bool {
    constraints_of(case).iter().any(|(c, v)| {
        (c == "<=" || c == ">=")
            && baton_order(case.scheme, &case.version, v)
                .is_some_and(|o| o != case.version.as_str().cmp(v.as_str()))
    })
}

/// univers' `generic` scheme: SemVer after `semantic_version.Version.coerce`
/// (missing numbers are 0, text after a third number is build metadata,
/// other text is a pre-release).
mod coerced {
    use std::cmp::Ordering;

    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Id {
        Num(u64),
        Alpha(String),
    }

    #[derive(Debug, PartialEq, Eq)]
    pub struct Coerced {
        core: (u64, u64, u64),
        pre: Option<Vec<Id>>,
        build: Vec<String>,
    }

    fn ids(s: &str) -> Option<Vec<Id>> {
        s.split('.')
            .map(|id| {
                if id.is_empty() {
                    None
                } else if id.bytes().all(|b| b.is_ascii_digit()) {
                    if id.len() > 1 && id.starts_with('0') {
                        None
                    } else {
                        id.parse().ok().map(Id::Num)
                    }
                } else {
                    Some(Id::Alpha(id.to_string()))
                }
            })
            .collect()
    }

    pub fn coerce(s: &str) -> Option<Coerced> {
        let s = s.trim_start_matches(['v', 'V']);
        let mut end = 0;
        let mut dots = 0;
        let b = s.as_bytes();
        while end < b.len() {
            if b[end].is_ascii_digit() {
                end += 1;
            } else if b[end] == b'.' && dots < 2 && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
                dots += 1;
                end += 1;
            } else {
                break;
            }
        }
        if end == 0 {
            return None;
        }
        let mut nums = s[..end].split('.').map(|n| n.parse::<u64>().ok());
        let core = (
            nums.next()??,
            nums.next().flatten().unwrap_or(0),
            nums.next().flatten().unwrap_or(0),
        );
        let rest: String = s[end..]
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let (pre, build) = if rest.is_empty() {
            (String::new(), String::new())
        } else if let Some(b) = rest.strip_prefix('+').or_else(|| rest.strip_prefix('.')) {
            (String::new(), b.to_string())
        } else {
            let r = rest.strip_prefix('-').unwrap_or(&rest);
            match r.split_once('+') {
                Some((p, b)) => (p.to_string(), b.to_string()),
                None => (r.to_string(), String::new()),
            }
        };
        let build = build.replace('+', ".");
        Some(Coerced {
            core,
            pre: if pre.is_empty() {
                None
            } else {
                Some(ids(&pre)?)
            },
            build: if build.is_empty() {
                Vec::new()
            } else {
                build.split('.').map(str::to_string).collect()
            },
        })
    }

    /// `None` when univers gives no answer: equal precedence but different
    /// build metadata makes `<`, `>` and `==` all false there.
    pub fn cmp(a: &Coerced, b: &Coerced) -> Option<Ordering> {
        let precedence = a.core.cmp(&b.core).then_with(|| match (&a.pre, &b.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        });
        if precedence == Ordering::Equal && a.build != b.build {
            None
        } else {
            Some(precedence)
        }
    }
}

fn generic_model_differs(case: &Case) -> bool {
    let versions: Vec<String> = constraints_of(case).into_iter().map(|(_, v)| v).collect();
    let differs = |a: &str, b: &str| match (
        coerced::coerce(a),
        coerced::coerce(b),
        baton_order(case.scheme, a, b),
    ) {
        (Some(x), Some(y), Some(o)) => coerced::cmp(&x, &y) != Some(o),
        _ => true,
    };
    versions.iter().any(|v| differs(&case.version, v))
        || versions.windows(2).any(|w| differs(&w[0], &w[1]))
}

const ALL: &[Scheme] = &ORACLE_SCHEMES;
const SEMVER_LIKE: &[Scheme] = &[
    Scheme::Npm,
    Scheme::Cargo,
    Scheme::Golang,
    Scheme::Nuget,
    Scheme::Generic,
];

const KNOWN_DIFFERENCES: &[Known] = &[
    Known {
        schemes: ALL,
        rule: "unsorted constraints: the vers specification requires tools to report an error; univers sorts them itself",
        applies: |c, b, _| b == Answer::Error && unsorted_for_baton(c),
    },
    Known {
        schemes: ALL,
        rule: "a range of only `!=` constraints: Baton reads 'every version except these' (as univers does for a single `!=`); univers returns false for two or more",
        applies: |c, b, u| only_not_equal(c) && b == Answer::True && u == Answer::False,
    },
    Known {
        schemes: &[Scheme::Pypi],
        rule: "percent-encoded versions (`1%212.0` for the epoch `1!2.0`): the vers specification requires `!` to be encoded and decoded; univers does not decode",
        applies: |c, _, u| u == Answer::Error && has_percent_escape(c),
    },
    Known {
        schemes: &[Scheme::Npm, Scheme::Cargo],
        rule: "non-SemVer strings (`1.2`, `1`, `01.2.3`, `1.2.3.4`): npm and Cargo reject them; univers coerces them to SemVer",
        applies: baton_rejects_non_semver,
    },
    Known {
        schemes: SEMVER_LIKE,
        rule: "build metadata (`+incompatible`, `+build.1`): SemVer precedence ignores it, so `2.0.0+incompatible` = `2.0.0` (SemVer 2.0.0 §10-11, Go, npm, NuGet); in univers such versions are neither equal nor ordered (`==`, `<`, `>` all false)",
        applies: |c, _, _| has_build_metadata(c),
    },
    Known {
        schemes: &[Scheme::Maven],
        rule: "`.qualifier` equals `-qualifier` (`2.0.a` = `2.0-a`, Maven 3.9 ComparableVersion, MNG-7644); univers ports an older ComparableVersion where `.a` sorts below any `-` list",
        applies: |c, _, _| maven_dot_qualifier(c),
    },
    Known {
        schemes: &[Scheme::Maven],
        rule: "`release` is a release qualifier like `ga` and `final` (Maven 3.9, MNG-7559); univers treats it as an unknown qualifier, after the release",
        applies: |c, _, _| maven_release_qualifier(c),
    },
    Known {
        schemes: &[Scheme::Deb],
        rule: "an upstream version not starting with a digit (`a1.0-1`, `~1`) or holding a `:` after the epoch: dpkg accepts it (Policy: 'should start with a digit'); univers rejects it",
        applies: |c, _, u| u == Answer::Error && deb_upstream_not_digit(c),
    },
    Known {
        schemes: &[Scheme::Deb],
        rule: "an empty revision (`1.0-`): dpkg rejects it ('revision number is empty'); univers accepts it",
        applies: |c, b, _| b == Answer::Error && deb_empty_revision(c),
    },
    Known {
        schemes: &[Scheme::Apk],
        rule: "Alpine's post-release suffixes `_cvs`, `_svn`, `_git`, `_hg` (apk-tools version.c): univers knows only Gentoo's suffixes and rejects them",
        applies: |c, _, u| u == Answer::Error && apk_post_release_suffix(c),
    },
    Known {
        schemes: &[Scheme::Apk],
        rule: "univers' apk versions compare `<=`/`>=` as plain strings (`>=` is inherited from the string, `<`/`>` use vercmp): `12.3` >= `3.11` is false there",
        applies: |c, _, _| apk_string_le_ge(c),
    },
    Known {
        schemes: &[Scheme::Generic],
        rule: "`generic`: Baton follows the vers specification's libversion-like algorithm (`1.0a` > `1.0.1`, `1.2.3.10` > `1.2.3.9`, `0-1` = `0.1`); univers coerces to SemVer (letters make a pre-release; a 4th number is build metadata, which leaves `1.2.3.10` and `1.2.3.9` unordered)",
        applies: |c, _, _| generic_model_differs(c),
    },
];

fn run_univers(python: &str, input: &str) -> String {
    let driver = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/oracle/univers_oracle.py"
    );
    let mut child = Command::new(python)
        .arg(driver)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the univers driver");
    let mut stdin = child.stdin.take().expect("driver stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("univers driver output");
    writer
        .join()
        .expect("writer thread")
        .expect("write to driver");
    assert!(
        output.status.success(),
        "univers driver failed: {:?}",
        output.status
    );
    String::from_utf8(output.stdout).expect("driver prints UTF-8")
}

const ORACLE_SCHEMES: [Scheme; 11] = [
    Scheme::Pypi,
    Scheme::Npm,
    Scheme::Maven,
    Scheme::Deb,
    Scheme::Rpm,
    Scheme::Golang,
    Scheme::Cargo,
    Scheme::Nuget,
    Scheme::Gem,
    Scheme::Apk,
    Scheme::Generic,
];

#[test]
#[ignore = "needs BATON_ORACLE_PYTHON pointing at a Python with univers installed"]
fn agrees_with_univers() {
    let python = std::env::var("BATON_ORACLE_PYTHON")
        .expect("set BATON_ORACLE_PYTHON to a Python interpreter with univers 32.0.1 installed");
    let mut rng = Rng(SEED);
    let mut cases = Vec::new();
    for scheme in ORACLE_SCHEMES {
        for _ in 0..CASES_PER_SCHEME {
            cases.push(make_case(scheme, &mut rng));
        }
    }
    let mut input = String::new();
    for c in &cases {
        writeln!(input, "{}\t{}", c.range, c.version).unwrap();
    }
    // Kept for timing `vers check` against univers by hand.
    std::fs::write(
        std::env::temp_dir().join("baton-versions-oracle-input.tsv"),
        &input,
    )
    .unwrap();
    let mut baton_out = String::new();
    check_lines(&input, &mut baton_out).unwrap();
    let univers_out = run_univers(&python, &input);
    let baton: Vec<&str> = baton_out.lines().collect();
    let univers: Vec<&str> = univers_out.lines().collect();
    assert_eq!(baton.len(), cases.len());
    assert_eq!(univers.len(), cases.len());

    let mut stats: BTreeMap<Scheme, (usize, usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let (b, u) = (answer(baton[i]), answer(univers[i]));
        let entry = stats.entry(case.scheme).or_default();
        entry.0 += 1;
        if b == u {
            entry.1 += 1;
            continue;
        }
        match KNOWN_DIFFERENCES
            .iter()
            .find(|k| k.schemes.contains(&case.scheme) && (k.applies)(case, b, u))
        {
            Some(k) => *entry.2.entry(k.rule).or_default() += 1,
            None => unexplained.push(format!(
                "{}\t{}\tbaton={}\tunivers={}",
                case.range, case.version, baton[i], univers[i]
            )),
        }
    }
    println!("scheme   cases  agree   agree%  explained differences");
    for (scheme, (total, agree, rules)) in &stats {
        println!(
            "{:<8} {:>6} {:>6} {:>7.2}%  {}",
            scheme.key(),
            total,
            agree,
            100.0 * *agree as f64 / *total as f64,
            rules.values().sum::<usize>()
        );
        for (rule, n) in rules {
            println!("           {n:>5} × {rule}");
        }
    }
    if !unexplained.is_empty() {
        let path = std::env::temp_dir().join("baton-versions-oracle-unexplained.tsv");
        std::fs::write(&path, unexplained.join("\n")).unwrap();
        println!("unexplained disagreements written to {}", path.display());
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreements, first ones:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
