//! `baton import sbom`, `baton sbom show|diff|check`.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use baton_store::Store;

use crate::Context_;
use crate::output::{Format, write_rows};

fn read_sbom(file: &Path) -> Result<(String, Vec<u8>, baton_sbom::Parsed)> {
    let bytes = crate::read_limited(file, baton_sbom::MAX_DOCUMENT_BYTES)?;
    let name = file.display().to_string();
    let parsed = baton_sbom::parse(&name, &bytes)?;
    Ok((name, bytes, parsed))
}

pub fn import(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    file: &Path,
    release: &str,
) -> Result<()> {
    let (name, bytes, parsed) = read_sbom(file)?;
    let s = store.import_sbom(release, &name, &bytes, &parsed)?;
    match ctx.format {
        Format::Table => {
            writeln!(
                out,
                "{} SBOM {} ({} {}, {} components, {} warnings) for {}",
                if s.new { "stored" } else { "already stored:" },
                &s.sha256[..12],
                s.format,
                parsed.sbom.spec_version,
                s.components,
                s.warnings,
                s.release
            )?;
            if let Some(prev) = &s.superseded {
                writeln!(
                    out,
                    "supersedes {}; component changes:",
                    &prev[..12.min(prev.len())]
                )?;
                write_rows(out, Format::Table, DIFF_COLUMNS, &s.changes)?;
            } else if s.new && !s.current {
                writeln!(
                    out,
                    "an SBOM with a newer timestamp stays current for this release"
                )?;
            }
            for w in parsed.warnings.iter().take(20) {
                writeln!(out, "warning: {name}: {}: {}", w.location, w.message)?;
            }
            if parsed.warnings.len() > 20 {
                writeln!(
                    out,
                    "… {} more warnings (baton sbom check {name})",
                    parsed.warnings.len() - 20
                )?;
            }
        }
        _ => write_rows(out, ctx.format, IMPORT_COLUMNS, &[s])?,
    }
    Ok(())
}

pub const IMPORT_COLUMNS: &[&str] = &[
    "release",
    "sha256",
    "format",
    "components",
    "warnings",
    "new",
    "current",
    "superseded",
    "changes",
];
pub const DIFF_COLUMNS: &[&str] = &["change", "name", "from_version", "to_version", "purl"];
const SBOM_COLUMNS: &[&str] = &[
    "sha256",
    "format",
    "spec_version",
    "serial_number",
    "timestamp",
    "components",
    "warnings",
    "file",
    "imported_at",
    "current",
];
const COMPONENT_COLUMNS: &[&str] = &[
    "reference",
    "name",
    "version",
    "kind",
    "supplier",
    "purl",
    "cpes",
    "support_level",
    "end_of_support",
];

pub fn show(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    release: &str,
    components: bool,
) -> Result<()> {
    let sboms = store.sboms(release)?;
    let Some(current) = sboms.last().cloned() else {
        bail!("no SBOM stored for {release} (baton import sbom FILE --release \"{release}\")");
    };
    if components {
        let rows = store.sbom_components(&current)?;
        write_rows(out, ctx.format, COMPONENT_COLUMNS, &rows)?;
    } else {
        write_rows(out, ctx.format, SBOM_COLUMNS, &sboms)?;
    }
    Ok(())
}

pub fn diff(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    release: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<()> {
    let sboms = store.sboms(release)?;
    let pick = |digest: Option<&str>, fallback: usize| -> Result<baton_store::SbomInfo> {
        match digest {
            Some(d) => {
                let found: Vec<_> = sboms
                    .iter()
                    .filter(|s| s.sha256.starts_with(&d.to_lowercase()))
                    .collect();
                match found.as_slice() {
                    [one] => Ok((*one).clone()),
                    [] => Err(anyhow!("no SBOM of {release} has digest {d}")),
                    _ => Err(anyhow!(
                        "digest prefix {d} names several SBOMs of {release}"
                    )),
                }
            }
            None => sboms
                .get(fallback)
                .cloned()
                .ok_or_else(|| anyhow!("{release} has {} SBOM(s); a diff needs two", sboms.len())),
        }
    };
    let n = sboms.len();
    let a = pick(from, n.saturating_sub(2))?;
    let b = pick(to, n.saturating_sub(1))?;
    if from.is_none() && to.is_none() && n < 2 {
        bail!("{release} has {n} SBOM(s); a diff needs two");
    }
    let changes = store.sbom_diff(&a, &b)?;
    write_rows(out, ctx.format, DIFF_COLUMNS, &changes)?;
    Ok(())
}

pub fn check(out: &mut dyn Write, ctx: &Context_, file: &Path) -> Result<()> {
    let (_, bytes, parsed) = read_sbom(file)?;
    let report = baton_sbom::check::check(&parsed, ctx.on);
    // The process ends right after the report: freeing a model of a large SBOM piece by piece
    // would only cost time.
    std::mem::forget(parsed);
    std::mem::forget(bytes);
    match ctx.format {
        Format::Cyclonedx => bail!("--format cyclonedx is only for `baton scan`"),
        Format::Json | Format::Csv => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Table => {
            let v = serde_json::to_value(&report)?;
            writeln!(
                out,
                "{}: {} {} with {} components",
                file.display(),
                v["format"].as_str().unwrap_or(""),
                v["spec_version"].as_str().unwrap_or(""),
                v["components"]
            )?;
            let ntia = &v["ntia"];
            writeln!(
                out,
                "NTIA minimum elements: {}",
                if ntia["conformant"] == true {
                    "conformant"
                } else {
                    "NOT conformant"
                }
            )?;
            if let Some(missing) = ntia["missing"].as_object() {
                for (element, refs) in missing {
                    let n = refs.as_array().map_or(0, Vec::len);
                    if n > 0 {
                        writeln!(out, "  missing {element}: {n} ({})", preview(refs))?;
                    }
                }
            }
            let fda = &v["fda"];
            writeln!(
                out,
                "FDA support fields: {}",
                if fda["conformant"] == true {
                    "conformant"
                } else {
                    "NOT conformant"
                }
            )?;
            for key in [
                "missing_support_level",
                "missing_end_of_support",
                "unsupported",
            ] {
                let n = fda[key].as_array().map_or(0, Vec::len);
                if n > 0 {
                    writeln!(
                        out,
                        "  {}: {n} ({})",
                        key.replace('_', " "),
                        preview(&fda[key])
                    )?;
                }
            }
            let warnings = v["warnings"].as_array().map_or(0, Vec::len);
            writeln!(out, "warnings: {warnings}")?;
            for w in v["warnings"].as_array().into_iter().flatten().take(20) {
                writeln!(
                    out,
                    "  {}: {}",
                    w["location"].as_str().unwrap_or(""),
                    w["message"].as_str().unwrap_or("")
                )?;
            }
        }
    }
    Ok(())
}

fn preview(refs: &serde_json::Value) -> String {
    let items: Vec<&str> = refs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str())
        .collect();
    let mut s = items.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        s.push_str(", …");
    }
    s
}
