//! Reading a completed MDS2 workbook (xlsx) from bytes.
//!
//! Forms in circulation differ in layout: title blocks of varying height, columns in another
//! order, instruction sheets in front, merged cells. So the reader looks for the question table
//! instead of assuming a position. See the crate documentation for the rules it follows.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetType, Xlsx};
use chrono::NaiveDate;

use crate::catalogue::{self, AnswerDomain, KNOWN_TYPOS};
use crate::error::{Mds2Error, cell_ref};
use crate::form::{Answer, Mds2Answer, Mds2Form, Warning};

/// Largest workbook accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Largest total size the workbook's zip entries may expand to. Real MDS2 forms expand to a few
/// MiB; the cap keeps a zip bomb from exhausting memory before the sheet parser sees it.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 256 * 1024 * 1024;
/// Most zip entries accepted (a real workbook has a few dozen).
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Excel's own limit on the text of one cell; longer text means a crafted or broken file, and
/// the writer could not put it back.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Reads an MDS2 form from the bytes of an xlsx workbook. `file` is only used in messages.
///
/// # Errors
/// [`Mds2Error`] when the bytes are too large, are not an xlsx workbook, would expand past
/// [`MAX_UNCOMPRESSED_BYTES`], or no sheet has a recognisable header row.
pub fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Mds2Form, Mds2Error> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Mds2Error::TooLarge {
            file: file.to_string(),
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    check_container(file, bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| Mds2Error::NotXlsx {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    let sheet_names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();

    // Only the best candidate's cells are kept, so memory holds one sheet at a time.
    let mut best: Option<(Score, String, Grid, HeaderRow)> = None;
    for name in &sheet_names {
        let grid = load_grid(file, &mut book, name)?;
        let Some(header) = find_header(&grid) else {
            continue;
        };
        let score = score(&grid, &header);
        if best.as_ref().is_none_or(|(s, ..)| score > *s) {
            best = Some((score, name.clone(), grid, header));
        }
    }
    let Some((_, sheet, grid, header)) = best else {
        return Err(Mds2Error::NoHeader {
            file: file.to_string(),
            sheets: sheet_names,
        });
    };
    let merges = book
        .merge_cells_by_sheet_name(&sheet)
        .map_err(|e| Mds2Error::Sheet {
            file: file.to_string(),
            sheet: sheet.clone(),
            reason: format!("cannot read merged cells: {e}"),
        })?;
    let sheet_reader = SheetReader {
        file,
        sheet: &sheet,
        grid: &grid,
        merges: MergeIndex::new(&merges),
    };
    sheet_reader.form(&header)
}

/// Refuses containers that would expand too far, before calamine inflates anything.
fn check_container(file: &str, bytes: &[u8]) -> Result<(), Mds2Error> {
    let not_xlsx = |reason: String| Mds2Error::NotXlsx {
        file: file.to_string(),
        reason,
    };
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(not_xlsx(
            "this is an OLE2 file (a legacy .xls workbook or a password-protected xlsx); \
             save it as an unprotected .xlsx"
                .to_string(),
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_xlsx(format!("not a zip container ({e})")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(not_xlsx(format!(
            "the zip container has {} entries; at most {MAX_ZIP_ENTRIES} are accepted",
            zip.len()
        )));
    }
    let expansion = |entry: String, reason: String| Mds2Error::Expansion {
        file: file.to_string(),
        entry,
        reason,
    };
    // Declared sizes first: cheap, and an honest bomb is refused without inflating anything.
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| not_xlsx(format!("zip entry {i}: {e}")))?;
        declared = declared.saturating_add(entry.size());
        if declared > MAX_UNCOMPRESSED_BYTES {
            return Err(expansion(
                entry_name(&entry),
                format!(
                    "declares {} bytes uncompressed, which takes the workbook past the \
                     {MAX_UNCOMPRESSED_BYTES}-byte limit",
                    entry.size()
                ),
            ));
        }
    }
    // Declared sizes can lie. zip 9 already fails an entry that inflates past its declared
    // size, and calamine reads through the same crate; inflating every entry here, counting,
    // keeps the cap even if that ever changes, and finds damaged entries (CRC) by name.
    let mut budget = MAX_UNCOMPRESSED_BYTES;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| not_xlsx(format!("zip entry {i}: {e}")))?;
        let (name, declared) = (entry_name(&entry), entry.size());
        let inflated = match std::io::copy(&mut (&mut entry).take(budget + 1), &mut std::io::sink())
        {
            Ok(n) => n,
            // zip's own size check; its message is the only thing that tells it from a CRC error.
            Err(e) if e.to_string().contains("declared") => {
                return Err(expansion(
                    name,
                    format!("inflates past the {declared} bytes it declares (a zip bomb?)"),
                ));
            }
            Err(e) => return Err(not_xlsx(format!("zip entry '{name}': {e}"))),
        };
        if inflated > budget {
            return Err(expansion(
                name,
                format!(
                    "expands past the {MAX_UNCOMPRESSED_BYTES}-byte limit for the whole workbook"
                ),
            ));
        }
        budget -= inflated;
    }
    Ok(())
}

fn entry_name<R: Read>(entry: &zip::read::ZipFile<'_, R>) -> String {
    entry.name().map_or_else(
        |_| String::from_utf8_lossy(entry.name_raw()).into_owned(),
        |n| n.into_owned(),
    )
}

/// One non-empty cell, reduced to what the reader needs.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Date(NaiveDate),
    /// Anything else (numbers, booleans, times, error values), as Excel would show it.
    Other(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(t) | Value::Other(t) => t.clone(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The non-empty cells of one sheet, keyed by 0-based (row, column). Sparse on purpose: a
/// sheet with cells at A1 and XFD1048576 must not allocate the rectangle between them.
type Grid = BTreeMap<(u32, u32), Value>;

fn load_grid(file: &str, book: &mut Xlsx<Cursor<&[u8]>>, sheet: &str) -> Result<Grid, Mds2Error> {
    let sheet_error = |e: calamine::XlsxError| Mds2Error::Sheet {
        file: file.to_string(),
        sheet: sheet.to_string(),
        reason: e.to_string(),
    };
    let mut cells = book.worksheet_cells_reader(sheet).map_err(sheet_error)?;
    let mut grid = Grid::new();
    while let Some(cell) = cells.next_cell().map_err(sheet_error)? {
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => Value::Text(s.clone()),
            DataRef::SharedString(s) => Value::Text((*s).to_string()),
            DataRef::Int(i) => Value::Other(i.to_string()),
            DataRef::Float(f) => Value::Other(number_text(*f)),
            DataRef::Bool(b) => Value::Other(if *b { "TRUE" } else { "FALSE" }.to_string()),
            DataRef::DateTime(dt) => match dt.as_datetime() {
                Some(t) if dt.is_datetime() && t.time() == chrono::NaiveTime::MIN => {
                    Value::Date(t.date())
                }
                Some(t) if dt.is_datetime() => {
                    Value::Other(t.format("%Y-%m-%d %H:%M:%S").to_string())
                }
                _ => Value::Other(number_text(dt.as_f64())),
            },
            DataRef::DateTimeIso(s) => match iso_date(s) {
                Some(d) => Value::Date(d),
                None => Value::Other(s.clone()),
            },
            DataRef::DurationIso(s) => Value::Other(s.clone()),
            DataRef::Error(e) => Value::Other(e.to_string()),
        };
        grid.insert(cell.get_position(), value);
    }
    Ok(grid)
}

/// A number as Excel shows it in a General cell: integers without a decimal point.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// Columns of the question table and the row its header is on (0-based).
#[derive(Debug, Clone, Copy)]
struct HeaderRow {
    row: u32,
    id: u32,
    question: u32,
    answer: u32,
    note: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Id,
    Question,
    Answer,
    Note,
}

/// What a header cell names, if anything. Checked in this order because real headers combine
/// words: "Yes, No, N/A, or See Note" is the answer column and "Question ID" the ID column.
fn role(text: &str) -> Option<Role> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Long cells are instructions, not column headings.
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    let has = |options: &[&str]| words.iter().any(|w| options.contains(w));
    if has(&["answer", "answers", "response", "responses", "yes"]) || words == ["y", "n"] {
        Some(Role::Answer)
    } else if has(&["note", "notes", "comment", "comments", "remark", "remarks"]) {
        Some(Role::Note)
    } else if has(&["id", "ids", "qid", "questionid"]) {
        Some(Role::Id)
    } else if has(&["question", "questions"]) {
        Some(Role::Question)
    } else {
        None
    }
}

/// The first row naming ID, question and answer columns (a note column is optional); the
/// leftmost cell wins when a role is named twice.
fn find_header(grid: &Grid) -> Option<HeaderRow> {
    let mut current: Option<u32> = None;
    let mut roles: HashMap<Role, u32> = HashMap::new();
    let done = |row: u32, roles: &HashMap<Role, u32>| -> Option<HeaderRow> {
        Some(HeaderRow {
            row,
            id: *roles.get(&Role::Id)?,
            question: *roles.get(&Role::Question)?,
            answer: *roles.get(&Role::Answer)?,
            note: roles.get(&Role::Note).copied(),
        })
    };
    for (&(row, col), value) in grid {
        if current != Some(row) {
            if let Some(prev) = current
                && let Some(header) = done(prev, &roles)
            {
                return Some(header);
            }
            current = Some(row);
            roles.clear();
        }
        if let Value::Text(t) = value
            && let Some(r) = role(t)
        {
            roles.entry(r).or_insert(col);
        }
    }
    current.and_then(|row| done(row, &roles))
}

/// How well a sheet fits: catalogue IDs first, then any ID-shaped cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    known: usize,
    shaped: usize,
}

fn score(grid: &Grid, header: &HeaderRow) -> Score {
    let mut s = Score {
        known: 0,
        shaped: 0,
    };
    for (&(_, col), value) in grid.range((header.row.saturating_add(1), 0)..) {
        if col != header.id {
            continue;
        }
        if let Some(id) = normalise_id(&value.text()) {
            s.shaped += 1;
            if catalogue::question(&id).is_some() {
                s.known += 1;
            }
        }
    }
    s
}

/// Upper-cases and removes spaces, then keeps the result only if it is ID-shaped.
fn normalise_id(text: &str) -> Option<String> {
    let id: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    catalogue::is_question_id(&id).then_some(id)
}

/// Vertical merged regions by column: a merged cell's value is shown in every row it covers,
/// but the file stores it only in the top-left cell.
struct MergeIndex {
    by_col: HashMap<u32, Vec<(u32, u32, u32)>>,
}

impl MergeIndex {
    fn new(regions: &[calamine::Dimensions]) -> Self {
        let mut by_col: HashMap<u32, Vec<(u32, u32, u32)>> = HashMap::new();
        for d in regions {
            if d.end.0 > d.start.0 {
                by_col
                    .entry(d.start.1)
                    .or_default()
                    .push((d.start.0, d.end.0, d.start.1));
            }
        }
        for v in by_col.values_mut() {
            v.sort_unstable();
        }
        MergeIndex { by_col }
    }

    /// The top-left cell of a multi-row merged region whose first column is `col` and that
    /// covers `row` below its top.
    fn origin(&self, row: u32, col: u32) -> Option<(u32, u32)> {
        let regions = self.by_col.get(&col)?;
        let i = regions.partition_point(|&(start, _, _)| start <= row);
        let &(start, end, c) = regions.get(i.checked_sub(1)?)?;
        (start < row && row <= end).then_some((start, c))
    }
}

struct SheetReader<'a> {
    file: &'a str,
    sheet: &'a str,
    grid: &'a Grid,
    merges: MergeIndex,
}

/// Header-block labels and the form field each one fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Manufacturer,
    Model,
    DocumentId,
    ReleaseDate,
}

impl Field {
    fn from_label(text: &str) -> Option<Field> {
        let lower = text.to_lowercase();
        let label = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        match label.as_str() {
            "manufacturer name" | "manufacturer" => Some(Field::Manufacturer),
            "device model" | "device model s" | "device models" | "model" | "model number" => {
                Some(Field::Model)
            }
            "document id" | "document number" | "document no" => Some(Field::DocumentId),
            "document release date" | "release date" | "document date" => Some(Field::ReleaseDate),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Field::Manufacturer => "Manufacturer Name",
            Field::Model => "Device Model",
            Field::DocumentId => "Document ID",
            Field::ReleaseDate => "Document Release Date",
        }
    }

    /// The DOC question that asks for the same thing.
    fn question(self) -> &'static str {
        match self {
            Field::Manufacturer => "DOC-1",
            Field::Model => "DOC-3",
            Field::DocumentId => "DOC-4",
            Field::ReleaseDate => "DOC-7",
        }
    }
}

impl SheetReader<'_> {
    fn location(&self, row: u32, col: u32) -> String {
        format!(
            "{}, sheet '{}', cell {}",
            self.file,
            self.sheet,
            cell_ref(row, col)
        )
    }

    fn warn(&self, warnings: &mut Vec<Warning>, row: u32, col: u32, message: String) {
        warnings.push(Warning {
            location: self.location(row, col),
            message,
        });
    }

    /// The cell's value, or the value of the merged region it lies in.
    fn value(&self, row: u32, col: u32) -> Option<&Value> {
        self.grid.get(&(row, col)).or_else(|| {
            let origin = self.merges.origin(row, col)?;
            self.grid.get(&origin)
        })
    }

    /// Trimmed text of a cell that feeds the form; `None` when empty.
    fn text(&self, row: u32, col: u32) -> Result<Option<String>, Mds2Error> {
        let Some(value) = self.value(row, col) else {
            return Ok(None);
        };
        let text = value.text();
        if text.chars().count() > MAX_CELL_CHARS {
            return Err(Mds2Error::Cell {
                file: self.file.to_string(),
                sheet: self.sheet.to_string(),
                cell: cell_ref(row, col),
                message: format!("text is longer than Excel's {MAX_CELL_CHARS}-character limit"),
            });
        }
        let trimmed = text.trim();
        Ok((!trimmed.is_empty()).then(|| trimmed.to_string()))
    }

    fn form(&self, header: &HeaderRow) -> Result<Mds2Form, Mds2Error> {
        let mut form = Mds2Form::new(self.sheet);
        let mut warnings = Vec::new();
        let mut first_row: HashMap<String, u32> = HashMap::new();
        // Rows are those with a cell of their own in the ID column.
        let rows: Vec<u32> = self
            .grid
            .range((header.row.saturating_add(1), 0)..)
            .filter(|((_, col), _)| *col == header.id)
            .map(|((row, _), _)| *row)
            .collect();
        for row in rows {
            let Some(raw_id) = self.text(row, header.id)? else {
                continue;
            };
            let Some(mut id) = normalise_id(&raw_id) else {
                // Section titles and notes share the ID column; only a stray answer is worth a word.
                if let Some(a) = self.text(row, header.answer)?
                    && !matches!(Answer::parse(&a), Answer::Other(_) | Answer::Unanswered)
                {
                    self.warn(
                        &mut warnings,
                        row,
                        header.id,
                        format!("'{raw_id}' is not a question ID; the answer '{a}' on this row is ignored"),
                    );
                }
                continue;
            };
            if id != raw_id {
                self.warn(
                    &mut warnings,
                    row,
                    header.id,
                    format!("question ID '{raw_id}' read as {id}"),
                );
            }
            if let Some((_, meant)) = KNOWN_TYPOS.iter().find(|(typo, _)| *typo == id) {
                self.warn(
                    &mut warnings,
                    row,
                    header.id,
                    format!("{id} is a known misprint of {meant}; read as {meant}"),
                );
                id = (*meant).to_string();
            }
            let known = catalogue::question(&id);
            if known.is_none() {
                self.warn(
                    &mut warnings,
                    row,
                    header.id,
                    format!("unknown question ID {id} (not in the HN 1-2019 catalogue); kept"),
                );
            }
            // First wins: the official order puts the real row first, and a later copy is
            // more likely a pasting slip than a correction.
            if let Some(first) = first_row.get(&id) {
                self.warn(
                    &mut warnings,
                    row,
                    header.id,
                    format!("duplicate question ID {id}; the row {} answer is kept and this row ignored", first.saturating_add(1)),
                );
                continue;
            }
            first_row.insert(id.clone(), row);
            let question = self.text(row, header.question)?.unwrap_or_default();
            let answer = Answer::parse(&self.text(row, header.answer)?.unwrap_or_default());
            let expects_text =
                known.is_some_and(|q| matches!(q.domain, AnswerDomain::Text | AnswerDomain::Date));
            if let Answer::Other(text) = &answer
                && !expects_text
            {
                self.warn(
                    &mut warnings,
                    row,
                    header.answer,
                    format!("answer '{text}' is not Yes, No or N/A; kept as written"),
                );
            }
            let note = match header.note {
                Some(col) => self.text(row, col)?,
                None => None,
            };
            form.answers.push(Mds2Answer {
                id,
                question,
                answer,
                note,
                row: row.saturating_add(1),
            });
        }
        self.header_fields(header, &mut form, &mut warnings)?;
        form.warnings = warnings;
        Ok(form)
    }

    /// Fills the device fields from labelled cells above the question table, falling back to
    /// the DOC answers that ask the same thing.
    fn header_fields(
        &self,
        header: &HeaderRow,
        form: &mut Mds2Form,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Mds2Error> {
        let mut found: Vec<(Field, u32, u32)> = Vec::new();
        for (&(row, col), value) in self.grid.range(..(header.row, 0)) {
            if let Value::Text(t) = value
                && let Some(field) = Field::from_label(t)
                && !found.iter().any(|(f, ..)| *f == field)
            {
                // The value is the next non-empty cell to the right on the same row.
                if let Some((&(r, c), _)) = self
                    .grid
                    .range((row, col.saturating_add(1))..=(row, u32::MAX))
                    .next()
                {
                    found.push((field, r, c));
                }
            }
        }
        for field in [
            Field::Manufacturer,
            Field::Model,
            Field::DocumentId,
            Field::ReleaseDate,
        ] {
            let labelled = found
                .iter()
                .find(|(f, ..)| *f == field)
                .map(|&(_, r, c)| (r, c));
            let from_doc = form.answers.iter().find_map(|a| match &a.answer {
                Answer::Other(text) if a.id == field.question() => Some((text.clone(), a.row)),
                _ => None,
            });
            if field == Field::ReleaseDate {
                let labelled_date = match labelled {
                    Some((r, c)) => self.date_cell(r, c, warnings)?,
                    None => None,
                };
                let doc_row = |row: u32| row.saturating_sub(1);
                let doc_date = match (&from_doc, labelled_date) {
                    // Only the date in use is worth a warning when it cannot be read.
                    (Some((text, row)), None) => {
                        self.date_text(text, doc_row(*row), header.answer, warnings)
                    }
                    (Some((text, _)), Some(_)) => parse_date(text).map(|(d, _)| d),
                    (None, _) => None,
                };
                if let (Some(l), Some(d), Some((r, c))) = (labelled_date, doc_date, labelled)
                    && l != d
                {
                    self.warn(
                        warnings,
                        r,
                        c,
                        format!(
                            "{} {l} differs from the DOC-7 answer {d}; the labelled date is used",
                            field.label()
                        ),
                    );
                }
                form.release_date = labelled_date.or(doc_date);
                continue;
            }
            let labelled_text = match labelled {
                Some((r, c)) => self.text(r, c)?,
                None => None,
            };
            if let (Some(l), Some((d, _)), Some((r, c))) = (&labelled_text, &from_doc, labelled)
                && l != d
            {
                self.warn(
                    warnings,
                    r,
                    c,
                    format!(
                        "{} '{l}' differs from the {} answer '{d}'; the labelled value is used",
                        field.label(),
                        field.question()
                    ),
                );
            }
            let value = labelled_text.or(from_doc.map(|(d, _)| d));
            match field {
                Field::Manufacturer => form.manufacturer = value,
                Field::Model => form.model = value,
                Field::DocumentId => form.document_id = value,
                Field::ReleaseDate => {}
            }
        }
        Ok(())
    }

    fn date_cell(
        &self,
        row: u32,
        col: u32,
        warnings: &mut Vec<Warning>,
    ) -> Result<Option<NaiveDate>, Mds2Error> {
        if let Some(Value::Date(d)) = self.value(row, col) {
            return Ok(Some(*d));
        }
        Ok(match self.text(row, col)? {
            Some(text) => self.date_text(&text, row, col, warnings),
            None => None,
        })
    }

    /// Best-effort date from text; unreadable dates become a warning, not an error.
    fn date_text(
        &self,
        text: &str,
        row: u32,
        col: u32,
        warnings: &mut Vec<Warning>,
    ) -> Option<NaiveDate> {
        match parse_date(text) {
            Some((date, None)) => Some(date),
            Some((date, Some(note))) => {
                self.warn(warnings, row, col, format!("date '{text}' {note}"));
                Some(date)
            }
            None => {
                self.warn(
                    warnings,
                    row,
                    col,
                    format!(
                        "'{text}' is not a date Baton can read; the release date is left empty"
                    ),
                );
                None
            }
        }
    }
}

/// `2020-01-05`, or the same at midnight (`2020-01-05T00:00:00`, as some writers store dates).
fn iso_date(text: &str) -> Option<NaiveDate> {
    let (date, time) = text.split_at_checked(10)?;
    let midnight = time.is_empty()
        || matches!(
            time,
            "T00:00:00" | " 00:00:00" | "T00:00:00Z" | "T00:00:00.000"
        );
    midnight
        .then(|| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        .flatten()
}

/// Parses the date spellings found in forms. The second value explains a guess.
fn parse_date(text: &str) -> Option<(NaiveDate, Option<&'static str>)> {
    let t = text.trim();
    if let Some(d) = iso_date(t) {
        return Some((d, None));
    }
    for fmt in [
        "%Y/%m/%d",
        "%d.%m.%Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%d-%b-%Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some((d, None));
        }
    }
    // Slashed day and month are ambiguous; HN 1-2019 is a US form, so month first unless
    // that cannot be a date.
    let parts: Vec<&str> = t.split('/').collect();
    if let [a, b, _] = parts.as_slice() {
        let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
        if let Ok(d) = NaiveDate::parse_from_str(t, "%m/%d/%Y") {
            let note =
                (a <= 12 && b <= 12 && a != b).then_some("is ambiguous; read as month/day/year");
            return Some((d, note));
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, "%d/%m/%Y") {
            return Some((d, Some("read as day/month/year")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_roles() {
        assert_eq!(role("Question ID"), Some(Role::Id));
        assert_eq!(role("ID"), Some(Role::Id));
        assert_eq!(role("question"), Some(Role::Question));
        assert_eq!(role("Answer"), Some(Role::Answer));
        assert_eq!(role("Response"), Some(Role::Answer));
        assert_eq!(role("Yes/No/N/A"), Some(Role::Answer));
        assert_eq!(role("Yes, No, N/A, or See Note"), Some(Role::Answer));
        assert_eq!(role("Note #"), Some(Role::Note));
        assert_eq!(role("Comments"), Some(Role::Note));
        assert_eq!(role("Manufacturer Name"), None);
        assert_eq!(
            role(
                "Answer each question with Yes, No or N/A and add a note where the answer needs explaining"
            ),
            None
        );
    }

    #[test]
    fn dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date("2020-01-05").map(|x| x.0), d(2020, 1, 5));
        assert_eq!(
            parse_date("2020-01-05T00:00:00").map(|x| x.0),
            d(2020, 1, 5)
        );
        assert_eq!(parse_date("January 5, 2020").map(|x| x.0), d(2020, 1, 5));
        assert_eq!(parse_date("5 Jan 2020").map(|x| x.0), d(2020, 1, 5));
        assert_eq!(parse_date("05.01.2020").map(|x| x.0), d(2020, 1, 5));
        assert_eq!(parse_date("12/25/2020"), d(2020, 12, 25).map(|x| (x, None)));
        assert_eq!(
            parse_date("25/12/2020"),
            d(2020, 12, 25).map(|x| (x, Some("read as day/month/year")))
        );
        assert!(
            parse_date("01/05/2020").is_some_and(|(x, n)| Some(x) == d(2020, 1, 5) && n.is_some())
        );
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn numbers_look_like_excel() {
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(2.5), "2.5");
    }

    #[test]
    fn merge_origin() {
        let idx = MergeIndex::new(&[
            calamine::Dimensions::new((4, 2), (7, 2)),
            calamine::Dimensions::new((10, 1), (10, 3)),
        ]);
        assert_eq!(idx.origin(4, 2), None);
        assert_eq!(idx.origin(5, 2), Some((4, 2)));
        assert_eq!(idx.origin(7, 2), Some((4, 2)));
        assert_eq!(idx.origin(8, 2), None);
        assert_eq!(idx.origin(10, 2), None, "horizontal merges do not spread");
    }
}
