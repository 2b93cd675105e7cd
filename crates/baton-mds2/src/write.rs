//! Writing a form back out as an xlsx workbook in the layout the reader expects.
//!
//! rust_xlsxwriter cannot edit an existing workbook, so the layout is rebuilt here: a title,
//! the device fields as label/value pairs, a blank row, the header row
//! `Question ID | Question | Answer | Note`, then the questions grouped by section, each
//! section introduced by a row holding its code and title.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};

use crate::catalogue;
use crate::error::{Mds2Error, cell_ref};
use crate::form::{Answer, Mds2Form};

/// Sheet name used when the form's own is not a valid Excel sheet name.
pub const DEFAULT_SHEET: &str = "MDS2";

const TITLE: &str = "Manufacturer Disclosure Statement for Medical Device Security (MDS2)";
const HEADER: [&str; 4] = ["Question ID", "Question", "Answer", "Note"];
/// Row (0-based) of the question table's header.
const HEADER_ROW: u32 = 7;

/// Writes `form` as an xlsx workbook with one sheet, named after `form.sheet` when Excel allows
/// that name and [`DEFAULT_SHEET`] otherwise. Sections follow the HN 1-2019 order; questions
/// keep the form's order within their section; IDs from unknown sections come last. Warnings
/// and source row numbers are not written, and a row whose ID does not have the shape of a
/// question ID is written but will not be read back as a question.
///
/// # Errors
/// [`Mds2Error::Write`] when a value cannot be stored (e.g. text over Excel's 32,767-character
/// cell limit).
pub fn write_xlsx(form: &Mds2Form) -> Result<Vec<u8>, Mds2Error> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name = if sheet.set_name(form.sheet.as_str()).is_ok() {
        form.sheet.clone()
    } else {
        // The fallback is always valid; an error here would be a library bug, reported as such.
        sheet
            .set_name(DEFAULT_SHEET)
            .map_err(|e| write_error(DEFAULT_SHEET, None, &e))?;
        DEFAULT_SHEET.to_string()
    };
    let mut w = SheetWriter {
        sheet,
        name: &name,
        bold: Format::new().set_bold(),
        wrap: Format::new().set_text_wrap(),
        section: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x00D9_E1F2)),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };
    w.layout()?;
    w.fields(form)?;
    w.questions(form)?;
    book.save_to_buffer()
        .map_err(|e| write_error(&name, None, &e))
}

fn write_error(sheet: &str, cell: Option<(u32, u16)>, e: &XlsxError) -> Mds2Error {
    Mds2Error::Write {
        sheet: sheet.to_string(),
        cell: cell.map(|(r, c)| cell_ref(r, u32::from(c))),
        message: e.to_string(),
    }
}

struct SheetWriter<'a> {
    sheet: &'a mut Worksheet,
    name: &'a str,
    bold: Format,
    wrap: Format,
    section: Format,
    date: Format,
}

impl SheetWriter<'_> {
    fn at<T>(&self, row: u32, col: u16, result: Result<T, XlsxError>) -> Result<(), Mds2Error> {
        result
            .map(|_| ())
            .map_err(|e| write_error(self.name, Some((row, col)), &e))
    }

    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: Option<&Format>,
    ) -> Result<(), Mds2Error> {
        // Empty cells stay absent, which is how the reader tells "no value".
        if text.is_empty() {
            return Ok(());
        }
        let result = match format {
            Some(f) => self
                .sheet
                .write_string_with_format(row, col, text, f)
                .map(|_| ()),
            None => self.sheet.write_string(row, col, text).map(|_| ()),
        };
        self.at(row, col, result)
    }

    fn layout(&mut self) -> Result<(), Mds2Error> {
        for (col, width) in [(0u16, 16.0), (1, 70.0), (2, 14.0), (3, 50.0)] {
            let r = self.sheet.set_column_width(col, width).map(|_| ());
            self.at(0, col, r)?;
        }
        let bold = self.bold.clone();
        self.text(0, 0, TITLE, Some(&bold))?;
        for (col, label) in (0u16..).zip(HEADER) {
            self.text(HEADER_ROW, col, label, Some(&bold))?;
        }
        let r = self.sheet.set_freeze_panes(HEADER_ROW + 1, 0).map(|_| ());
        self.at(HEADER_ROW + 1, 0, r)
    }

    fn fields(&mut self, form: &Mds2Form) -> Result<(), Mds2Error> {
        let bold = self.bold.clone();
        let text_fields = [
            ("Manufacturer Name", &form.manufacturer),
            ("Device Model", &form.model),
            ("Document ID", &form.document_id),
        ];
        let mut row = 2;
        for (label, value) in text_fields {
            self.text(row, 0, label, Some(&bold))?;
            self.text(row, 1, value.as_deref().unwrap_or_default(), None)?;
            row += 1;
        }
        self.text(row, 0, "Document Release Date", Some(&bold))?;
        if let Some(date) = form.release_date {
            match excel_date(date) {
                Some(dt) => {
                    let format = self.date.clone();
                    let r = self
                        .sheet
                        .write_datetime_with_format(row, 1, &dt, &format)
                        .map(|_| ());
                    self.at(row, 1, r)?;
                }
                // Excel cannot hold the date as a date; the reader parses ISO text too.
                None => self.text(row, 1, &date.format("%Y-%m-%d").to_string(), None)?,
            }
        }
        Ok(())
    }

    fn questions(&mut self, form: &Mds2Form) -> Result<(), Mds2Error> {
        // Sections in catalogue order, unknown ones after in order of appearance; a stable
        // sort keeps the form's order inside each section.
        let mut unknown: Vec<&str> = Vec::new();
        for a in &form.answers {
            let code = catalogue::section_code(&a.id);
            if catalogue::section_position(code).is_none() && !unknown.contains(&code) {
                unknown.push(code);
            }
        }
        let rank = |code: &str| {
            catalogue::section_position(code).unwrap_or_else(|| {
                catalogue::SECTIONS.len() + unknown.iter().position(|u| *u == code).unwrap_or(0)
            })
        };
        let mut answers: Vec<_> = form.answers.iter().collect();
        answers.sort_by_key(|a| rank(catalogue::section_code(&a.id)));

        let (wrap, section_format) = (self.wrap.clone(), self.section.clone());
        let mut row = HEADER_ROW + 1;
        let mut current: Option<&str> = None;
        for a in answers {
            let code = catalogue::section_code(&a.id);
            if current != Some(code) {
                let title = catalogue::section(code).map_or("Not in HN 1-2019", |s| s.title);
                self.text(row, 0, code, Some(&section_format))?;
                self.text(row, 1, title, Some(&section_format))?;
                row += 1;
                current = Some(code);
            }
            self.text(row, 0, &a.id, None)?;
            self.text(row, 1, &a.question, Some(&wrap))?;
            self.text(row, 2, a.answer.as_text(), None)?;
            self.text(row, 3, a.note.as_deref().unwrap_or_default(), Some(&wrap))?;
            row += 1;
        }
        if row > HEADER_ROW + 1 {
            // A drop-down for the usual answers; "Warning" style still lets free text through.
            let list = DataValidation::new()
                .allow_list_strings(&[
                    Answer::Yes.as_text(),
                    Answer::No.as_text(),
                    Answer::NotApplicable.as_text(),
                ])
                .map_err(|e| write_error(self.name, Some((HEADER_ROW + 1, 2)), &e))?
                .ignore_blank(true)
                .set_error_style(DataValidationErrorStyle::Warning);
            let r = self
                .sheet
                .add_data_validation(HEADER_ROW + 1, 2, row - 1, 2, &list)
                .map(|_| ());
            self.at(HEADER_ROW + 1, 2, r)?;
        }
        Ok(())
    }
}

/// The date as an Excel date, or `None` where Excel's calendar is unreliable: before
/// 1900-03-01 (Excel's phantom 29 February 1900) or after 9999.
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    if date < NaiveDate::from_ymd_opt(1900, 3, 1)? {
        return None;
    }
    let year = u16::try_from(date.year()).ok()?;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_dates_are_not_excel_dates() {
        assert!(excel_date(NaiveDate::from_ymd_opt(1900, 2, 28).unwrap_or_default()).is_none());
        assert!(excel_date(NaiveDate::from_ymd_opt(2020, 1, 5).unwrap_or_default()).is_some());
    }
}
