#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Time and memory of reading and checking a large SBOM. Ignored by default; run in release:
//!
//! ```text
//! cargo test --release -p baton-sbom --test cyclonedx_bench -- --ignored --nocapture
//! BATON_BENCH_FILE=target/synthetic.json /usr/bin/time -v target/release/deps/cyclonedx_bench-… \
//!     --ignored --nocapture --exact parse_and_check_a_large_sbom
//! ```
//!
//! Without `BATON_BENCH_FILE` the 100,000-component synthetic SBOM is generated in memory (and
//! written to that path if `BATON_BENCH_WRITE` names one).

use std::time::Instant;

use chrono::NaiveDate;

fn status(field: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "benchmark; run with --release --ignored"]
fn parse_and_check_a_large_sbom() {
    let bytes = match std::env::var_os("BATON_BENCH_FILE") {
        Some(path) => std::fs::read(path).unwrap(),
        None => {
            let text = baton_sbom::generate::synthetic_cyclonedx(100_000, 1);
            if let Some(path) = std::env::var_os("BATON_BENCH_WRITE") {
                std::fs::write(path, &text).unwrap();
            }
            text.into_bytes()
        }
    };
    println!(
        "document: {} bytes; resident before parsing: {}",
        bytes.len(),
        status("VmRSS:")
    );
    let on = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    for run in 1..=3 {
        let start = Instant::now();
        let parsed = baton_sbom::parse("bench.json", &bytes).unwrap();
        let parse = start.elapsed();
        let report = baton_sbom::check(&parsed, on);
        let total = start.elapsed();
        println!(
            "run {run}: {} components, {} warnings: parse {:.0} ms, parse + check {:.0} ms; peak resident {}",
            report.components,
            report.warnings.len(),
            parse.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            status("VmHWM:"),
        );
        assert_eq!(report.components, parsed.sbom.components.len());
    }
}
