//! `baton bench scan-peer`: `baton scan` beside cve-bin-tool on the same SBOMs and advisory
//! files.
//!
//! The comparison itself needs cve-bin-tool and a release `baton` binary, so it is ignored by
//! default:
//!
//! ```sh
//! python3 -m venv target/cbt-venv && target/cbt-venv/bin/pip install cve-bin-tool
//! cargo build --release -p baton
//! BATON_PEER_PYTHON=target/cbt-venv/bin/python BATON_EXE=target/release/baton \
//!   cargo test -p baton-matching --test scan_peer -- --ignored --nocapture
//! ```
//!
//! Without cve-bin-tool the benchmark says so and does nothing else, which is checked always.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use baton_matching::bench::{ScanPeerArgs, run_bench_scan_peer};

fn args(python: Option<String>, baton: PathBuf, dir: &str) -> ScanPeerArgs {
    let dir = std::env::temp_dir().join(format!("baton-scan-peer-{dir}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    ScanPeerArgs {
        python,
        baton_exe: baton,
        data: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        dir,
        runs: 3,
    }
}

#[test]
fn skips_with_a_reason_without_cve_bin_tool() {
    // No Python given, then a Python that does not exist (so has no cve-bin-tool).
    for (python, expected) in [
        (None, "skipped: cve-bin-tool not given"),
        (
            Some("/nonexistent/python3".to_string()),
            "skipped: cve-bin-tool is not installed",
        ),
    ] {
        let args = args(python, PathBuf::from("baton"), "skip");
        let mut out = Vec::new();
        run_bench_scan_peer(&args, &mut out).unwrap();
        std::fs::remove_dir_all(&args.dir).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(expected), "{text}");
    }
}

#[test]
#[ignore = "needs BATON_PEER_PYTHON (a Python with cve-bin-tool) and BATON_EXE (a release baton)"]
fn baton_scan_beside_cve_bin_tool() {
    let python = std::env::var("BATON_PEER_PYTHON").expect("BATON_PEER_PYTHON");
    let baton = PathBuf::from(std::env::var("BATON_EXE").expect("BATON_EXE"));
    let args = args(Some(python), baton, "run");
    let mut out = Vec::new();
    run_bench_scan_peer(&args, &mut out).unwrap();
    std::fs::remove_dir_all(&args.dir).unwrap();
    let text = String::from_utf8(out).unwrap();
    println!("{text}");
    assert!(!text.contains("skipped: "), "{text}");
    assert!(text.contains("all SBOMs"), "{text}");
}
