#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every distinct `product_version_range` value of the CISA ICSMA CSAF
//! advisories (151 values in 93 files, `../shared/data/cisa-csaf-icsma`)
//! either reads with a documented reading (see `baton_versions::csaf`) or
//! is one of the listed errors. A value that appears in the corpus but not
//! in [`CORPUS`] fails the test, so a new form cannot slip through.

use std::collections::BTreeSet;
use std::path::Path;

use baton_versions::{CsafReading, RangeError, parse_csaf_range};

/// A value's reading (members as displayed) or the reason it is refused.
type Expected = Result<(CsafReading, &'static str), &'static str>;

#[rustfmt::skip]
const CORPUS: &[(&str, Expected)] = &[
    ("053L000091 (global) / 054U000091 (U.S.) and 053L000092 (global) / 054U000092 (U.S.)", Err("list of alternatives")),
    ("3.0|3.1", Ok((CsafReading::Union, "= 3.0 or = 3.1"))),
    ("5.0|5.1", Ok((CsafReading::Union, "= 5.0 or = 5.1"))),
    ("6.x (Wireless Battery Modules (16 | 16D38 | 17 | 17D19 | >= 20D29 | <= v20D32 | >= 22D24 | <= v22D28)", Err("conditions on another component")),
    ("8.x (Wireless Battery Modules v17 | v17D19 >= 20D29 | <= 20D32 | >= 22D24 | <= 22D28)", Err("conditions on another component")),
    ("9.x (with Wireless Battery Modules >= 22D19 | <= v22D28)", Err("conditions on another component")),
    ("<  july 1 2017", Err("a manufacturing or distribution date")),
    ("<  november 29 2017", Err("a manufacturing or distribution date")),
    ("< 012U000040", Ok((CsafReading::Single, "(.., 012U000040)"))),
    ("< 1.003", Ok((CsafReading::Single, "(.., 1.003)"))),
    ("< 1.10", Ok((CsafReading::Single, "(.., 1.10)"))),
    ("< 1.11.00", Ok((CsafReading::Single, "(.., 1.11.00)"))),
    ("< 1.52", Ok((CsafReading::Single, "(.., 1.52)"))),
    ("< 1.7.0.0", Ok((CsafReading::Single, "(.., 1.7.0.0)"))),
    ("< 1.7.15", Ok((CsafReading::Single, "(.., 1.7.15)"))),
    ("< 1.7.2", Ok((CsafReading::Single, "(.., 1.7.2)"))),
    ("< 1.7.5", Ok((CsafReading::Single, "(.., 1.7.5)"))),
    ("< 1.8.4 Service Pack 01", Ok((CsafReading::Single, "(.., 1.8.4 Service Pack 01)"))),
    ("< 2.003", Ok((CsafReading::Single, "(.., 2.003)"))),
    ("< 2.2", Ok((CsafReading::Single, "(.., 2.2)"))),
    ("< 2.4.0", Ok((CsafReading::Single, "(.., 2.4.0)"))),
    ("< 2.43.02", Ok((CsafReading::Single, "(.., 2.43.02)"))),
    ("< 3.0", Ok((CsafReading::Single, "(.., 3.0)"))),
    ("< 3.2", Ok((CsafReading::Single, "(.., 3.2)"))),
    ("< 3.6.7", Ok((CsafReading::Single, "(.., 3.6.7)"))),
    ("< 3.x", Ok((CsafReading::Single, "(.., 3.x)"))),
    ("< 5.3", Ok((CsafReading::Single, "(.., 5.3)"))),
    ("< 7.2.5.7", Ok((CsafReading::Single, "(.., 7.2.5.7)"))),
    ("< 8.2.2", Ok((CsafReading::Single, "(.., 8.2.2)"))),
    ("< B.06.18", Ok((CsafReading::Single, "(.., B.06.18)"))),
    ("< august 28", Err("a manufacturing or distribution date")),
    ("<12.2.8.410", Ok((CsafReading::Single, "(.., 12.2.8.410)"))),
    ("<2024.2", Ok((CsafReading::Single, "(.., 2024.2)"))),
    ("<7.6.2", Ok((CsafReading::Single, "(.., 7.6.2)"))),
    ("<8/30/2024", Err("a manufacturing or distribution date")),
    ("<= 012U000061", Ok((CsafReading::Single, "(.., 012U000061]"))),
    ("<= 028U000061", Ok((CsafReading::Single, "(.., 028U000061]"))),
    ("<= 1.0.0", Ok((CsafReading::Single, "(.., 1.0.0]"))),
    ("<= 1.0.51", Ok((CsafReading::Single, "(.., 1.0.51]"))),
    ("<= 1.11", Ok((CsafReading::Single, "(.., 1.11]"))),
    ("<= 1.20.2", Ok((CsafReading::Single, "(.., 1.20.2]"))),
    ("<= 1.4.1", Ok((CsafReading::Single, "(.., 1.4.1]"))),
    ("<= 1.54 (integrated into GE MobileLink)", Ok((CsafReading::Single, "(.., 1.54]"))),
    ("<= 1.7", Ok((CsafReading::Single, "(.., 1.7]"))),
    ("<= 1.70", Ok((CsafReading::Single, "(.., 1.70]"))),
    ("<= 11.x", Ok((CsafReading::Single, "(.., 11.x]"))),
    ("<= 12.2.1", Ok((CsafReading::Single, "(.., 12.2.1]"))),
    ("<= 12.2.1.5", Ok((CsafReading::Single, "(.., 12.2.1.5]"))),
    ("<= 12.2.x.x", Ok((CsafReading::Single, "(.., 12.2.x.x]"))),
    ("<= 2.0.14.0", Ok((CsafReading::Single, "(.., 2.0.14.0]"))),
    ("<= 2.0.2.2", Ok((CsafReading::Single, "(.., 2.0.2.2]"))),
    ("<= 2.0.3", Ok((CsafReading::Single, "(.., 2.0.3]"))),
    ("<= 2.01 (end-of-life Nov 2017)", Ok((CsafReading::Single, "(.., 2.01]"))),
    ("<= 2.1.0", Ok((CsafReading::Single, "(.., 2.1.0]"))),
    ("<= 2.1.2", Ok((CsafReading::Single, "(.., 2.1.2]"))),
    ("<= 2.2.0", Ok((CsafReading::Single, "(.., 2.2.0]"))),
    ("<= 2.2.3", Ok((CsafReading::Single, "(.., 2.2.3]"))),
    ("<= 2.24", Ok((CsafReading::Single, "(.., 2.24]"))),
    ("<= 2.3.0", Ok((CsafReading::Single, "(.., 2.3.0]"))),
    ("<= 2.3.1", Ok((CsafReading::Single, "(.., 2.3.1]"))),
    ("<= 2.3.6", Ok((CsafReading::Single, "(.., 2.3.6]"))),
    ("<= 2.36.3.3", Ok((CsafReading::Single, "(.., 2.36.3.3]"))),
    ("<= 2.4A", Ok((CsafReading::Single, "(.., 2.4A]"))),
    ("<= 2.6.0", Ok((CsafReading::Single, "(.., 2.6.0]"))),
    ("<= 2.6A", Ok((CsafReading::Single, "(.., 2.6A]"))),
    ("<= 2.7", Ok((CsafReading::Single, "(.., 2.7]"))),
    ("<= 2.7A", Ok((CsafReading::Single, "(.., 2.7A]"))),
    ("<= 3.0", Ok((CsafReading::Single, "(.., 3.0]"))),
    ("<= 3.0 D15", Ok((CsafReading::Single, "(.., 3.0 D15]"))),
    ("<= 3.0.2", Ok((CsafReading::Single, "(.., 3.0.2]"))),
    ("<= 3.01.1744", Ok((CsafReading::Single, "(.., 3.01.1744]"))),
    ("<= 3.02.1757", Ok((CsafReading::Single, "(.., 3.02.1757]"))),
    ("<= 3.06.1803", Ok((CsafReading::Single, "(.., 3.06.1803]"))),
    ("<= 3.1", Ok((CsafReading::Single, "(.., 3.1]"))),
    ("<= 3.2", Ok((CsafReading::Single, "(.., 3.2]"))),
    ("<= 3.3.0", Ok((CsafReading::Single, "(.., 3.3.0]"))),
    ("<= 3.4", Ok((CsafReading::Single, "(.., 3.4]"))),
    ("<= 4.0.0", Ok((CsafReading::Single, "(.., 4.0.0]"))),
    ("<= 4.1", Ok((CsafReading::Single, "(.., 4.1]"))),
    ("<= 4.2", Ok((CsafReading::Single, "(.., 4.2]"))),
    ("<= 4.33", Ok((CsafReading::Single, "(.., 4.33]"))),
    ("<= 4107600010.23", Ok((CsafReading::Single, "(.., 4107600010.23]"))),
    ("<= 5.0.2", Ok((CsafReading::Single, "(.., 5.0.2]"))),
    ("<= 6.2.1", Ok((CsafReading::Single, "(.., 6.2.1]"))),
    ("<= 6.5", Ok((CsafReading::Single, "(.., 6.5]"))),
    ("<= 7.2.8.810", Ok((CsafReading::Single, "(.., 7.2.8.810]"))),
    ("<= 9.0.3", Ok((CsafReading::Single, "(.., 9.0.3]"))),
    ("<= 9.33", Ok((CsafReading::Single, "(.., 9.33]"))),
    ("<= 9.33.1", Ok((CsafReading::Single, "(.., 9.33.1]"))),
    ("<= 9.5", Ok((CsafReading::Single, "(.., 9.5]"))),
    ("<= B.12", Ok((CsafReading::Single, "(.., B.12]"))),
    ("<= C.00.04", Ok((CsafReading::Single, "(.., C.00.04]"))),
    ("<= D25", Ok((CsafReading::Single, "(.., D25]"))),
    ("<= GEH-1.1 (integrated into GE MobileLink)", Ok((CsafReading::Single, "(.., GEH-1.1]"))),
    ("<= K", Ok((CsafReading::Single, "(.., K]"))),
    ("<= L81", Ok((CsafReading::Single, "(.., L81]"))),
    ("<= R4.1L1", Ok((CsafReading::Single, "(.., R4.1L1]"))),
    ("<= R8.0.3", Ok((CsafReading::Single, "(.., R8.0.3]"))),
    ("<= S4 A.07.107", Ok((CsafReading::Single, "(.., S4 A.07.107]"))),
    ("<= U61 |<= L81", Ok((CsafReading::Union, "(.., U61] or (.., L81]"))),
    ("<= VM5.0", Ok((CsafReading::Single, "(.., VM5.0]"))),
    ("<=1.0", Ok((CsafReading::Single, "(.., 1.0]"))),
    ("<=1.1.0.2", Ok((CsafReading::Single, "(.., 1.1.0.2]"))),
    ("<=1.4.0", Ok((CsafReading::Single, "(.., 1.4.0]"))),
    ("<=1.4.1", Ok((CsafReading::Single, "(.., 1.4.1]"))),
    ("<=1.52", Ok((CsafReading::Single, "(.., 1.52]"))),
    ("<=1.9.4.1", Ok((CsafReading::Single, "(.., 1.9.4.1]"))),
    ("<=10.17", Ok((CsafReading::Single, "(.., 10.17]"))),
    ("<=11.2 on Windows 8.1 with IIS 7.5", Err("platform condition")),
    ("<=12.1.2", Ok((CsafReading::Single, "(.., 12.1.2]"))),
    ("<=12.1.3", Ok((CsafReading::Single, "(.., 12.1.3]"))),
    ("<=12.2.4", Ok((CsafReading::Single, "(.., 12.2.4]"))),
    ("<=12.3", Ok((CsafReading::Single, "(.., 12.3]"))),
    ("<=14.0.3", Ok((CsafReading::Single, "(.., 14.0.3]"))),
    ("<=2.3.5", Ok((CsafReading::Single, "(.., 2.3.5]"))),
    ("<=2.6.2", Ok((CsafReading::Single, "(.., 2.6.2]"))),
    ("<=2023.3_Build_9342", Ok((CsafReading::Single, "(.., 2023.3_Build_9342]"))),
    ("<=3.0.0.0", Ok((CsafReading::Single, "(.., 3.0.0.0]"))),
    ("<=3.2.4", Ok((CsafReading::Single, "(.., 3.2.4]"))),
    ("<=3.64", Ok((CsafReading::Single, "(.., 3.64]"))),
    ("<=4.1.6", Ok((CsafReading::Single, "(.., 4.1.6]"))),
    ("<=5.17.1-754993421", Ok((CsafReading::Single, "(.., 5.17.1-754993421]"))),
    ("<=N", Ok((CsafReading::Single, "(.., N]"))),
    ("<May 2018", Err("a manufacturing or distribution date")),
    (">= 1.0.0  | <= 1.3.1", Ok((CsafReading::Interval, "[1.0.0, 1.3.1]"))),
    (">= 1.0.0 | <= 1.1.1", Ok((CsafReading::Interval, "[1.0.0, 1.1.1]"))),
    (">= 1.1 | <= 1.3.2", Ok((CsafReading::Interval, "[1.1, 1.3.2]"))),
    (">= 1.3.3", Ok((CsafReading::Single, "[1.3.3, ..)"))),
    (">= 1.3.4 | < 1.5.3", Ok((CsafReading::Interval, "[1.3.4, 1.5.3)"))),
    (">= 2.0", Ok((CsafReading::Single, "[2.0, ..)"))),
    (">= 2.0 | <= 3.0", Ok((CsafReading::Interval, "[2.0, 3.0]"))),
    (">= 2.5 | <= 3.11", Ok((CsafReading::Interval, "[2.5, 3.11]"))),
    (">= 2003 | <= 2006", Ok((CsafReading::Interval, "[2003, 2006]"))),
    (">= 2018-1 | <= 2021-1", Ok((CsafReading::Interval, "[2018-1, 2021-1]"))),
    (">= 4.0 | <= 4.6", Ok((CsafReading::Interval, "[4.0, 4.6]"))),
    (">= 4.0.1", Ok((CsafReading::Single, "[4.0.1, ..)"))),
    (">= 4.01 | <= 4.34", Ok((CsafReading::Interval, "[4.01, 4.34]"))),
    (">= 4.4 | <= 4.12", Ok((CsafReading::Interval, "[4.4, 4.12]"))),
    (">= 5.01 | <= 6.3.1", Ok((CsafReading::Interval, "[5.01, 6.3.1]"))),
    (">= 5.01 | <= 6.4.0", Ok((CsafReading::Interval, "[5.01, 6.4.0]"))),
    (">= 5.01 | <= 7.0.0", Ok((CsafReading::Interval, "[5.01, 7.0.0]"))),
    (">= 6.0.0 | <= 6.3.1", Ok((CsafReading::Interval, "[6.0.0, 6.3.1]"))),
    (">= 6.1.0 | <= 6.4.0", Ok((CsafReading::Interval, "[6.1.0, 6.4.0]"))),
    (">=BT02 | <= BT06", Ok((CsafReading::Interval, "[BT02, BT06]"))),
    ("A.01 <= C.0x | 4.0", Ok((CsafReading::Union, "[A.01, C.0x] or = 4.0"))),
    ("A10 < A11", Ok((CsafReading::Interval, "[A10, A11]"))),
    ("distributed  < april 1, 2018", Err("a manufacturing or distribution date")),
    ("v6.x (with Wireless Battery Modules v9 | v11 | v13 | v14 | v15 | v16 | v16D38 | v17 | v17D19 | >= v20D29 | <= v20D32 | >= v22D24 | <= v22D28)", Err("conditions on another component")),
    ("v8.x (with Wireless Battery Modules v17 | v17D19 | >= v20D29 | <= v20D32 | >= v22D24 | <= v22D28)", Err("conditions on another component")),
    ("v9.x (with Wireless Battery Module >= v22D19 | <= v22D28)", Err("conditions on another component")),
    ("vers:all/*", Ok((CsafReading::Vers, "vers:all/*"))),
];

fn corpus_values() -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if o.get("category").and_then(|c| c.as_str()) == Some("product_version_range")
                    && let Some(name) = o.get("name").and_then(|n| n.as_str())
                {
                    out.insert(name.to_string());
                }
                o.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cisa-csaf-icsma");
    let mut out = BTreeSet::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().and_then(|e| e.to_str()) == Some("json") {
                let doc: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                walk(&doc, &mut out);
            }
        }
    }
    out
}

#[test]
fn every_corpus_value_is_listed() {
    let values = corpus_values();
    assert_eq!(values.len(), 151);
    let listed: BTreeSet<String> = CORPUS.iter().map(|(v, _)| v.to_string()).collect();
    let missing: Vec<_> = values.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "corpus values without a documented reading: {missing:?}"
    );
}

#[test]
fn every_listed_value_reads_as_documented() {
    for (value, expected) in CORPUS {
        match (parse_csaf_range(value), expected) {
            (Ok(range), Ok((reading, shown))) => {
                assert_eq!(range.reading(), *reading, "{value}");
                assert_eq!(range.to_string(), *shown, "{value}");
            }
            (Err(RangeError::Csaf { value: v, reason }), Err(why)) => {
                assert_eq!(v, *value);
                assert!(reason.contains(why), "{value}: {reason}");
            }
            (got, want) => panic!("{value}: got {got:?}, want {want:?}"),
        }
    }
    let errors = CORPUS.iter().filter(|(_, e)| e.is_err()).count();
    assert_eq!(errors, 14, "the refused values are the 14 listed");
}

fn contains(range: &str, version: &str) -> Result<bool, RangeError> {
    parse_csaf_range(range).unwrap().contains(version)
}

#[test]
fn readings_contain_what_the_advisories_describe() {
    let cases: &[(&str, &str, bool)] = &[
        // "Versions 1.0.0 through 1.1.1": an intersection.
        (">= 1.0.0 | <= 1.1.1", "1.0.0", true),
        (">= 1.0.0 | <= 1.1.1", "1.1.1", true),
        (">= 1.0.0 | <= 1.1.1", "1.0.9", true),
        (">= 1.0.0 | <= 1.1.1", "1.2", false),
        (">= 1.0.0 | <= 1.1.1", "0.9", false),
        (">= 1.3.4 | < 1.5.3", "1.5.3", false),
        (">= 2018-1 | <= 2021-1", "2020-4", true),
        // A union of exact versions and of wildcard patterns.
        ("5.0|5.1", "5.1", true),
        ("5.0|5.1", "5.0.0", true),
        ("5.0|5.1", "5.2", false),
        ("4.X | 5.X", "5.3.1", true),
        ("4.X | 5.X", "6.0", false),
        // Wildcards as bounds.
        ("<= 12.2.x.x", "12.2.1.5", true),
        ("<= 12.2.x.x", "12.2", true),
        ("<= 12.2.x.x", "12.1.9", true),
        ("<= 12.2.x.x", "12.3", false),
        ("< 3.x", "2.9.9", true),
        ("< 3.x", "3", false),
        ("< 3.x", "3.5.1", false),
        ("<= 11.x", "11.9", true),
        ("<= 11.x", "12.0", false),
        // Letters, prefixes and builds.
        ("< B.06.18", "B.06.17", true),
        ("< B.06.18", "B.06.18", false),
        ("< B.06.18", "A.09", true),
        ("<= L81", "L9", true),
        ("<= L81", "L82", false),
        ("A10 < A11", "A10", true),
        ("A10 < A11", "A11", true),
        ("A10 < A11", "A12", false),
        ("<=2023.3_Build_9342", "2023.3_Build_9000", true),
        ("<=2023.3_Build_9342", "2023.3", true),
        ("<=2023.3_Build_9342", "2023.4", false),
        ("<= 3.0 D15", "3.0 D14", true),
        ("<= 3.0 D15", "3.0 D16", false),
        ("<= 2.4A", "2.4", true),
        ("<= 2.4A", "2.5", false),
        ("A.01 <= C.0x | 4.0", "B.05", true),
        ("A.01 <= C.0x | 4.0", "C.09", true),
        ("A.01 <= C.0x | 4.0", "4.0", true),
        ("<= U61 |<= L81", "L50", true),
        ("<= U61 |<= L81", "U61", true),
        ("V2.1.0.57", "2.1.0.57", true),
        ("vers:all/*", "anything at all", true),
        ("<= 1.54 (integrated into GE MobileLink)", "1.53", true),
    ];
    for (range, version, expected) in cases {
        assert_eq!(
            contains(range, version),
            Ok(*expected),
            "{range} ∋ {version}"
        );
    }
}

#[test]
fn no_answer_is_a_guess() {
    // A version on another product line than every bound, or a letter
    // against a number: an error naming both, not "false".
    for (range, version) in [
        ("<= U61 |<= L81", "L90"),
        ("< B.06.18", "7.2"),
        ("A10 < A11", "B10"),
        ("A.01 <= C.0x | 4.0", "3.0"),
        // Outside the interval, but `C.10` against `4.0` has no answer.
        ("A.01 <= C.0x | 4.0", "C.10"),
        ("< 1.8.4 Service Pack 01", "1.8.4 SP2"),
        ("<= 12.2.x.x", "12.2.x.x"),
    ] {
        let e = contains(range, version).unwrap_err().to_string();
        assert!(
            e.contains("cannot be compared") || e.contains("wildcard"),
            "{range} ∋ {version}: {e}"
        );
    }
    // The note survives, and the range reads without it.
    let r = parse_csaf_range("<= 2.01 (end-of-life Nov 2017)").unwrap();
    assert_eq!(r.note(), Some("end-of-life Nov 2017"));
}
