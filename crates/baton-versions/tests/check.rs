#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `vers check`: one answer per line, in order, whatever the input's shape.

use std::io::BufReader;

use baton_versions::{CheckOutcome, Checker, check_lines, check_reader};

#[test]
fn answers_in_order_with_errors_on_their_lines() {
    let input = "vers:npm/>=1.0.0|<2.0.0\t1.5.0\n\
                 vers:npm/>=1.0.0|<2.0.0\t2.0.0\n\
                 no tab here\n\
                 vers:npm/<2.0.0|>=1.0.0\t1.5.0\n\
                 vers:nope/1.0\t1.0\n\
                 vers:firmware/<=L81\tU2\n\
                 vers:npm/>=1.0.0|<2.0.0\tx.y.z\r\n\
                 \n\
                 vers:all/*\t\n";
    let mut out = String::new();
    check_lines(input, &mut out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(lines[0], "true");
    assert_eq!(lines[1], "false");
    assert!(lines[2].starts_with("error: ") && lines[2].contains("no tab"));
    assert!(lines[3].starts_with("error: ") && lines[3].contains("not sorted"));
    assert!(lines[4].starts_with("error: ") && lines[4].contains("unknown versioning scheme"));
    assert!(lines[5].starts_with("error: ") && lines[5].contains("cannot be compared"));
    assert!(lines[6].starts_with("error: ") && lines[6].contains("x.y.z"));
    assert!(lines[7].starts_with("error: "));
    assert_eq!(lines[8], "true");
}

#[test]
fn messages_stay_on_one_line() {
    let mut c = Checker::new();
    match c.check_line("vers:pypi/<1.0\t1.x") {
        CheckOutcome::Error(m) => assert!(!m.contains('\n'), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// The streaming reader gives the same answers as `check_lines`, with
/// lines cut by tiny buffers and inputs large enough for several threads.
#[test]
fn reader_matches_check_lines() {
    let ranges = [
        "vers:npm/>=1.0.0|<2.0.0",
        "vers:pypi/<1.0|>=2.0",
        "vers:deb/<2.36-9+deb12u4",
        "vers:maven/>=1.0-alpha-1|<1.0",
        "vers:firmware/<=12.2.x.x",
        "vers:npm/<1.0.0|<2.0.0",
    ];
    let versions = [
        "1.5.0",
        "0.9",
        "2.36-9",
        "1.0-beta-2",
        "12.2.7",
        "junk",
        "2.1",
    ];
    let mut input = String::new();
    let mut i = 0usize;
    while input.len() < 1_500_000 {
        input.push_str(ranges[i % ranges.len()]);
        input.push('\t');
        input.push_str(versions[(i / 3) % versions.len()]);
        input.push('\n');
        i += 1;
    }
    input.push_str("vers:npm/*\t1.0.0"); // no final newline
    let mut expected = String::new();
    check_lines(&input, &mut expected).unwrap();
    for capacity in [7, 64 * 1024] {
        let mut out = Vec::new();
        check_reader(
            BufReader::with_capacity(capacity, input.as_bytes()),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            expected,
            "buffer {capacity}"
        );
    }
    assert_eq!(expected.lines().count(), i + 1);
}
