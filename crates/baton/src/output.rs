//! Rendering report rows as a table, JSON or CSV. Rows are serialized once to JSON values, whose
//! keys (in declaration order) are the column names.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// CycloneDX 1.6 with vulnerabilities: `baton scan` only.
    Cyclonedx,
}

/// Write `rows` in `format`. `columns` names the columns when there are no rows to learn them from.
pub fn write_rows<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    columns: &[&str],
    rows: &[T],
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)?;
        }
        Format::Cyclonedx => anyhow::bail!("--format cyclonedx is only for `baton scan`"),
        Format::Csv => {
            let values: Vec<Value> = rows
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?;
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(columns)?;
            for v in &values {
                w.write_record(columns.iter().map(|c| cell(v.get(*c), true)))?;
            }
            w.flush()?;
        }
        Format::Table => {
            let values: Vec<Value> = rows
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?;
            let cells: Vec<Vec<String>> = values
                .iter()
                .map(|v| columns.iter().map(|c| cell(v.get(*c), false)).collect())
                .collect();
            write_table(out, columns, &cells)?;
        }
    }
    Ok(())
}

/// One value as a cell: scalars as text, null empty, nested values JSON-encoded (CSV) or
/// flattened (table).
fn cell(v: Option<&Value>, csv: bool) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(v) if csv => v.to_string(),
        Some(Value::Array(items)) => items.iter().map(flat).collect::<Vec<_>>().join("; "),
        Some(v) => flat(v),
    }
}

fn flat(v: &Value) -> String {
    match v {
        Value::Object(map) => map
            .values()
            .filter(|v| !v.is_null())
            .map(flat)
            .collect::<Vec<_>>()
            .join(" "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn write_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count().min(80));
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| {
                let c: String = if c.chars().count() > 80 {
                    c.chars().take(77).chain("...".chars()).collect()
                } else {
                    c.to_string()
                };
                format!("{c:<w$}")
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&mut headers.iter().copied()))?;
    writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    )?;
    for row in rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}
