#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `run_bench_match` at a small size writes its table and finds something. The full run:
//! `BATON_BENCH_FULL=1 BATON_BENCH_PYTHON=/path/python BATON_BENCH_EXE=target/release/baton \
//!  cargo test --release -p baton-matching --test bench -- --ignored --nocapture`.

use std::path::PathBuf;

use baton_matching::bench::{BenchMatchArgs, run_bench_match};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("baton-bench-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The number after `label` in the table's "  findings" row following `label`.
fn findings_after(table: &str, label: &str) -> usize {
    let mut lines = table.lines().skip_while(|l| !l.starts_with(label));
    lines.next().expect(label);
    let row = lines.next().expect("findings row");
    assert!(row.trim_start().starts_with("findings"), "{row}");
    row.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn small_run_writes_the_table_and_finds_something() {
    let dir = scratch("small");
    let args = BenchMatchArgs {
        advisories: 2_000,
        vers_lines: 200,
        python: None,
        baton_exe: None,
        dir: dir.clone(),
        seed: 7,
    };
    let mut out = Vec::new();
    run_bench_match(&args, &mut out).unwrap();
    let table = String::from_utf8(out).unwrap();
    println!("{table}");
    for label in [
        "index build",
        "scan 1 SBOM × 1000 components",
        "scan 100 SBOMs × 500 components",
        "peak memory (VmHWM)",
        "vers check vs univers",
    ] {
        assert!(table.contains(label), "missing {label:?}:\n{table}");
    }
    assert!(findings_after(&table, "scan 1 SBOM") > 0, "{table}");
    assert!(findings_after(&table, "scan 100 SBOMs") > 0, "{table}");

    // Same seed, same findings.
    let mut again = Vec::new();
    run_bench_match(&args, &mut again).unwrap();
    let again = String::from_utf8(again).unwrap();
    assert_eq!(
        findings_after(&table, "scan 100 SBOMs"),
        findings_after(&again, "scan 100 SBOMs")
    );
    std::fs::remove_dir_all(dir).ok();
}

/// The full benchmark; sizes and tools from the environment.
#[test]
#[ignore = "timing run: use --release --ignored with BATON_BENCH_* set"]
fn full_run() {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let number = |k: &str, d: usize| env(k).map_or(d, |v| v.parse().unwrap());
    let args = BenchMatchArgs {
        advisories: number("BATON_BENCH_ADVISORIES", 300_000),
        vers_lines: number("BATON_BENCH_VERS_LINES", 100_000),
        python: env("BATON_BENCH_PYTHON"),
        baton_exe: env("BATON_BENCH_EXE").map(PathBuf::from),
        dir: env("BATON_BENCH_DIR").map_or_else(|| scratch("full"), PathBuf::from),
        seed: number("BATON_BENCH_SEED", 1) as u64,
    };
    let mut out = Vec::new();
    let result = run_bench_match(&args, &mut out);
    println!("{}", String::from_utf8_lossy(&out));
    result.unwrap();
}
