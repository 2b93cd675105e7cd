//! Runs a scan from the command line: `scan SBOM ADVISORY_PATH… [--fuzzy] [--cyclonedx]`.
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flags: Vec<&String> = args.iter().filter(|a| a.starts_with("--")).collect();
    let paths: Vec<PathBuf> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    let Some((sbom, advisories)) = paths.split_first() else {
        return Err("usage: scan SBOM ADVISORY_PATH…".into());
    };
    let scan_args = baton_matching::ScanArgs {
        sbom: sbom.clone(),
        advisories: advisories.to_vec(),
        vex: Vec::new(),
        kev: None,
        epss: None,
        min_confidence: if flags.iter().any(|f| *f == "--fuzzy") {
            baton_matching::Confidence::Fuzzy
        } else {
            baton_matching::Confidence::Alias
        },
        aliases: None,
        format: if flags.iter().any(|f| *f == "--cyclonedx") {
            baton_matching::OutputFormat::CycloneDx
        } else {
            baton_matching::OutputFormat::Json
        },
        on: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).ok_or("date")?,
    };
    baton_matching::run_scan(&scan_args, &mut std::io::stdout())?;
    Ok(())
}
