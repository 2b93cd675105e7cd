//! `baton import mds2`, `baton controls`, `baton mds2 diff`, `baton export mds2`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use baton_mds2::Mds2Form;
use baton_store::Store;
use serde::Serialize;

use crate::Context_;
use crate::output::write_rows;

fn form_of(store: &mut Store, release: &str) -> Result<Mds2Form> {
    let json = store
        .mds2_form(release)?
        .ok_or_else(|| anyhow!("no MDS2 form stored for {release} (baton import mds2 FILE.xlsx --release \"{release}\")"))?;
    serde_json::from_str(&json).context("stored MDS2 form cannot be read back")
}

#[derive(Serialize)]
struct Imported {
    release: String,
    sha256: String,
    sheet: String,
    answers: usize,
    warnings: usize,
    new: bool,
}

pub fn import(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    file: &Path,
    release: &str,
) -> Result<()> {
    let bytes = crate::read_limited(file, baton_mds2::MAX_FILE_BYTES as u64)?;
    let name = file.display().to_string();
    let form = baton_mds2::read_xlsx(&name, &bytes)?;
    let json = serde_json::to_string(&form)?;
    let (sha256, new) = store.import_mds2(release, &name, &bytes, &json)?;
    for w in &form.warnings {
        eprintln!("warning: {}: {}", w.location, w.message);
    }
    let row = Imported {
        release: release.to_string(),
        sha256,
        sheet: form.sheet.clone(),
        answers: form.answers.len(),
        warnings: form.warnings.len(),
        new,
    };
    write_rows(
        out,
        ctx.format,
        &["release", "sha256", "sheet", "answers", "warnings", "new"],
        &[row],
    )
}

#[derive(Serialize)]
struct ControlRow {
    category: &'static str,
    title: &'static str,
    questions: usize,
    yes: usize,
    no: usize,
    not_applicable: usize,
    unanswered: usize,
    other: usize,
    gaps: Vec<String>,
}

pub fn controls(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    release: &str,
) -> Result<()> {
    let form = form_of(store, release)?;
    let rows: Vec<ControlRow> = baton_mds2::coverage(&form)
        .into_iter()
        .map(|c| ControlRow {
            category: c.category.key(),
            title: c.category.title(),
            questions: c.questions,
            yes: c.yes,
            no: c.no,
            not_applicable: c.not_applicable,
            unanswered: c.unanswered,
            other: c.other,
            gaps: c.gaps,
        })
        .collect();
    write_rows(
        out,
        ctx.format,
        &[
            "category",
            "title",
            "questions",
            "yes",
            "no",
            "not_applicable",
            "unanswered",
            "other",
            "gaps",
        ],
        &rows,
    )
}

pub fn diff(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    releases: &[String],
) -> Result<()> {
    let [a, b] = releases else {
        bail!("give --release twice: the older release, then the newer");
    };
    let from = form_of(store, a)?;
    let to = form_of(store, b)?;
    let changes = baton_mds2::diff(&from, &to);
    write_rows(
        out,
        ctx.format,
        &[
            "id",
            "question",
            "kind",
            "from",
            "to",
            "note_from",
            "note_to",
        ],
        &changes,
    )
}

pub fn export(out: &mut dyn Write, store: &mut Store, release: &str, file: &Path) -> Result<()> {
    let form = form_of(store, release)?;
    let bytes = baton_mds2::write_xlsx(&form)?;
    std::fs::write(file, &bytes).with_context(|| format!("cannot write {}", file.display()))?;
    writeln!(
        out,
        "wrote {} ({} answers) to {}",
        release,
        form.answers.len(),
        file.display()
    )?;
    Ok(())
}
