//! Errors, each naming the file and, where there is one, the sheet and cell.

/// Why a workbook could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum Mds2Error {
    #[error("{file}: {size} bytes is more than the {limit}-byte limit for an MDS2 workbook")]
    TooLarge {
        file: String,
        size: usize,
        limit: usize,
    },
    #[error("{file}: not a readable xlsx workbook: {reason}")]
    NotXlsx { file: String, reason: String },
    /// The zip container would expand past the reader's limits (a zip bomb, or simply too big).
    #[error("{file}: zip entry '{entry}': {reason}")]
    Expansion {
        file: String,
        entry: String,
        reason: String,
    },
    #[error("{file}, sheet '{sheet}': {reason}")]
    Sheet {
        file: String,
        sheet: String,
        reason: String,
    },
    #[error(
        "{file}: no sheet has a header row naming the question ID, question and answer columns \
         (sheets looked at: {})",
        quote_list(.sheets)
    )]
    NoHeader { file: String, sheets: Vec<String> },
    /// A cell the reader cannot accept (so far only text longer than Excel allows).
    #[error("{file}, sheet '{sheet}', cell {cell}: {message}")]
    Cell {
        file: String,
        sheet: String,
        cell: String,
        message: String,
    },
    /// Writing failed. The writer works on bytes and has no file name, so the sheet and, where
    /// known, the cell say where.
    #[error("writing sheet '{sheet}'{}: {message}", cell.as_deref().map(|c| format!(", cell {c}")).unwrap_or_default())]
    Write {
        sheet: String,
        cell: Option<String>,
        message: String,
    },
}

fn quote_list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `A1`-style reference for a 0-based (row, column).
pub(crate) fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut out: String = letters.into_iter().collect();
    out.push_str(&(u64::from(row) + 1).to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(13, 2), "C14");
        assert_eq!(cell_ref(0, 25), "Z1");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn messages_name_the_place() {
        let e = Mds2Error::Cell {
            file: "form.xlsx".into(),
            sheet: "MDS2".into(),
            cell: "C14".into(),
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "form.xlsx, sheet 'MDS2', cell C14: bad");
        let e = Mds2Error::NoHeader {
            file: "x.xlsx".into(),
            sheets: vec!["Sheet1".into(), "Notes".into()],
        };
        assert!(e.to_string().starts_with("x.xlsx: no sheet"));
        assert!(e.to_string().contains("'Sheet1', 'Notes'"));
    }
}
