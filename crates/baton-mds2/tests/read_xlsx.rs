#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Real xlsx files, written with rust_xlsxwriter in the shapes forms come in, read back.

mod common;

use baton_mds2::{Answer, Mds2Error, Mds2Form, read_xlsx, write_xlsx};
use chrono::NaiveDate;
use common::{book, deflate_bomb, raw_entries, rows, zip_bytes};
use rust_xlsxwriter::{ExcelDateTime, Format};

fn answers(form: &Mds2Form) -> Vec<(&str, &Answer, Option<&str>, u32)> {
    form.answers
        .iter()
        .map(|a| (a.id.as_str(), &a.answer, a.note.as_deref(), a.row))
        .collect()
}

fn warning_with<'a>(form: &'a Mds2Form, needle: &str) -> &'a baton_mds2::Warning {
    form.warnings
        .iter()
        .find(|w| w.message.contains(needle))
        .unwrap_or_else(|| panic!("no warning containing {needle:?} in {:#?}", form.warnings))
}

fn other(s: &str) -> Answer {
    Answer::Other(s.to_string())
}

#[test]
fn standard_layout_via_temp_file() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("MDS2")?;
        rows(
            ws,
            0,
            &[
                &["Manufacturer Disclosure Statement for Medical Device Security (MDS2)"],
                &[],
                &["Manufacturer Name", "Acme Medical"],
                &["Device Model", "Infuser 3000"],
                &["Document ID", "MDS2-0042"],
                &["Document Release Date"],
            ],
        )?;
        let date = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_datetime_with_format(5, 1, &ExcelDateTime::from_ymd(2021, 3, 14)?, &date)?;
        rows(
            ws,
            7,
            &[
                &["Question ID", "Question", "Answer", "Note"],
                &["DOC", "Document and Manufacturer Information"],
                &["DOC-1", "Manufacturer name", "Acme Medical"],
                &[
                    "DOC-8",
                    "Coordinated vulnerability disclosure?",
                    "Yes",
                    "psirt@example.com",
                ],
                &["AUTH", "AUTHORIZATION"],
                &[
                    "AUTH-1",
                    "Prevents access by unauthorized users?",
                    "Yes",
                    "",
                ],
                &["AUTH-2", "Role-based privileges?", "No", "single role"],
                &["AUTH-3", "Unrestricted admin?", "N/A", ""],
                &["AUTH-4", "API authorization?", "", ""],
            ],
        )?;
        Ok(())
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let form = read_xlsx("form.xlsx", &std::fs::read(&path).unwrap()).unwrap();

    assert_eq!(form.sheet, "MDS2");
    assert_eq!(form.manufacturer.as_deref(), Some("Acme Medical"));
    assert_eq!(form.model.as_deref(), Some("Infuser 3000"));
    assert_eq!(form.document_id.as_deref(), Some("MDS2-0042"));
    assert_eq!(form.release_date, NaiveDate::from_ymd_opt(2021, 3, 14));
    assert_eq!(
        answers(&form),
        vec![
            ("DOC-1", &other("Acme Medical"), None, 10),
            ("DOC-8", &Answer::Yes, Some("psirt@example.com"), 11),
            ("AUTH-1", &Answer::Yes, None, 13),
            ("AUTH-2", &Answer::No, Some("single role"), 14),
            ("AUTH-3", &Answer::NotApplicable, None, 15),
            ("AUTH-4", &Answer::Unanswered, None, 16),
        ]
    );
    assert_eq!(
        form.answers[2].question,
        "Prevents access by unauthorized users?"
    );
    assert!(form.warnings.is_empty(), "{:#?}", form.warnings);
}

#[test]
fn columns_in_another_order() {
    // Note before Answer, ID in column D.
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        rows(
            ws,
            0,
            &[
                &["Question", "Notes", "Yes/No/N/A", "ID"],
                &[
                    "Forced re-authentication after inactivity?",
                    "15 min",
                    "Yes",
                    "ALOF-1",
                ],
                &["Configurable inactivity period?", "", "no", "ALOF-2"],
            ],
        )
    });
    let form = read_xlsx("moved.xlsx", &bytes).unwrap();
    assert_eq!(form.sheet, "Sheet1");
    assert_eq!(
        answers(&form),
        vec![
            ("ALOF-1", &Answer::Yes, Some("15 min"), 2),
            ("ALOF-2", &Answer::No, None, 3),
        ]
    );
    assert_eq!(
        form.answers[0].question,
        "Forced re-authentication after inactivity?"
    );
    assert!(form.warnings.is_empty(), "{:#?}", form.warnings);
}

#[test]
fn header_on_row_nine_after_a_title_block() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("Form")?;
        ws.merge_range(
            0,
            0,
            0,
            3,
            "Manufacturer Disclosure Statement for Medical Device Security",
            &Format::new(),
        )?;
        rows(
            ws,
            1,
            &[
                &["Key: answer every question; see the notes column for details"],
                &["Manufacturer Name:", "", "Globex Health"],
                &["Device Model:", "", "Scanner X"],
                &["Document ID:", "", "GX-7"],
                &["Document Release Date:", "", "January 5, 2020"],
                &[],
                &["Prepared by the product security office"],
            ],
        )?;
        rows(
            ws,
            8,
            &[
                &["Question ID", "Question", "Response", "Comments"],
                &[
                    "EMRG-1",
                    "Break-glass feature?",
                    "Yes",
                    "documented in the manual",
                ],
            ],
        )
    });
    let form = read_xlsx("title.xlsx", &bytes).unwrap();
    assert_eq!(form.manufacturer.as_deref(), Some("Globex Health"));
    assert_eq!(form.model.as_deref(), Some("Scanner X"));
    assert_eq!(form.document_id.as_deref(), Some("GX-7"));
    assert_eq!(form.release_date, NaiveDate::from_ymd_opt(2020, 1, 5));
    assert_eq!(
        answers(&form),
        vec![("EMRG-1", &Answer::Yes, Some("documented in the manual"), 10)]
    );
    assert!(form.warnings.is_empty(), "{:#?}", form.warnings);
}

#[test]
fn merged_cells() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        let plain = Format::new();
        rows(ws, 0, &[&["Question ID", "Question", "Answer", "Note"]])?;
        // Section title merged across the whole table width.
        ws.merge_range(1, 0, 1, 3, "PHYSICAL LOCKS (PLOK)", &plain)?;
        rows(
            ws,
            2,
            &[
                &["PLOK-1", "Software only?", "Yes", ""],
                &["PLOK-2", "Tools needed to remove parts?"],
                &["PLOK-3", "Keyed lock?"],
                &["PLOK-4", "Media lock?"],
                &["SBOM-1", ""],
            ],
        )?;
        // One N/A and one note for the three sub-questions a software-only device skips.
        ws.merge_range(3, 2, 5, 2, "N/A", &plain)?;
        ws.merge_range(3, 3, 5, 3, "software only (PLOK-1)", &plain)?;
        // A question text spilling sideways into the answer column is not an answer.
        ws.merge_range(6, 1, 6, 2, "SBOM available?", &plain)?;
        Ok(())
    });
    let form = read_xlsx("merged.xlsx", &bytes).unwrap();
    let na = Some("software only (PLOK-1)");
    assert_eq!(
        answers(&form),
        vec![
            ("PLOK-1", &Answer::Yes, None, 3),
            ("PLOK-2", &Answer::NotApplicable, na, 4),
            ("PLOK-3", &Answer::NotApplicable, na, 5),
            ("PLOK-4", &Answer::NotApplicable, na, 6),
            ("SBOM-1", &Answer::Unanswered, None, 7),
        ]
    );
    assert_eq!(form.answers[4].question, "SBOM available?");
    assert!(form.warnings.is_empty(), "{:#?}", form.warnings);
}

#[test]
fn instructions_sheet_before_the_real_one() {
    let bytes = book(|wb| {
        let ins = wb.add_worksheet();
        ins.set_name("Instructions")?;
        rows(
            ins,
            0,
            &[
                &["How to fill in this form"],
                &["Answer each question with Yes, No or N/A and explain in the note where needed."],
                &[],
                &["Column", "Meaning"],
                // An example table with a real header and one example row.
                &["Question ID", "Question", "Answer", "Note"],
                &["AUTH-1", "example question", "Yes", "example"],
            ],
        )?;
        let blank = wb.add_worksheet();
        blank.set_name("Revision history")?;
        rows(blank, 0, &[&["Version", "Date"], &["1", "2020-01-01"]])?;
        let ws = wb.add_worksheet();
        ws.set_name("MDS2 2019")?;
        rows(
            ws,
            0,
            &[
                &["ID", "Question", "Answer", "Note"],
                &["AUTH-1", "Prevents access?", "No", ""],
                &["AUTH-2", "Roles?", "Yes", ""],
            ],
        )
    });
    let form = read_xlsx("two-sheets.xlsx", &bytes).unwrap();
    assert_eq!(form.sheet, "MDS2 2019");
    assert_eq!(
        answers(&form),
        vec![
            ("AUTH-1", &Answer::No, None, 2),
            ("AUTH-2", &Answer::Yes, None, 3)
        ]
    );
}

#[test]
fn unknown_misspelt_and_duplicate_ids() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("MDS2")?;
        rows(
            ws,
            0,
            &[
                &["Question ID", "Question", "Answer", "Note"],
                &["XYZ-1", "A question from a newer form", "Yes", ""],
                &["AUTH-99", "Not in 2019", "No", ""],
                &[" auth-2 ", "Roles?", "Yes", ""],
                &["SHAD-15", "BIOS protected?", "Yes", ""],
                &["AUTH-1", "Prevents access?", "Yes", "first"],
                &["AUTH-1", "Prevents access?", "No", "second"],
                &["Notes:", "", "Yes", ""],
            ],
        )
    });
    let form = read_xlsx("odd.xlsx", &bytes).unwrap();
    assert_eq!(
        answers(&form),
        vec![
            ("XYZ-1", &Answer::Yes, None, 2),
            ("AUTH-99", &Answer::No, None, 3),
            ("AUTH-2", &Answer::Yes, None, 4),
            ("SAHD-15", &Answer::Yes, None, 5),
            ("AUTH-1", &Answer::Yes, Some("first"), 6),
        ]
    );
    let w = warning_with(&form, "unknown question ID XYZ-1");
    assert_eq!(w.location, "odd.xlsx, sheet 'MDS2', cell A2");
    warning_with(&form, "unknown question ID AUTH-99");
    assert_eq!(
        warning_with(&form, "read as AUTH-2").location,
        "odd.xlsx, sheet 'MDS2', cell A4"
    );
    warning_with(&form, "SHAD-15 is a known misprint of SAHD-15");
    let dup = warning_with(&form, "duplicate question ID AUTH-1");
    assert_eq!(dup.location, "odd.xlsx, sheet 'MDS2', cell A7");
    assert!(dup.message.contains("row 6"), "{}", dup.message);
    let stray = warning_with(&form, "is not a question ID");
    assert_eq!(stray.location, "odd.xlsx, sheet 'MDS2', cell A8");
    assert_eq!(form.warnings.len(), 6, "{:#?}", form.warnings);
}

#[test]
fn answer_spellings() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        rows(
            ws,
            0,
            &[
                &["Question ID", "Question", "Answer", "Note"],
                &["PAUT-1", "", " yes "],
                &["PAUT-2", "", "YES"],
                &["PAUT-3", "", "n/a"],
                &["PAUT-4", "", "NA"],
                &["PAUT-5", "", "N / A"],
                &["PAUT-6", "", "no."],
                &["PAUT-7", "", "   "],
                &["PAUT-8", "", "Maybe"],
                &["PAUT-9", "", "See Note", "only with the SSO add-on"],
                &["PAUT-10", "", "Y"],
            ],
        )?;
        ws.write_number(11, 0, 0)?; // a stray number in the ID column is no question
        ws.write_string(11, 2, "Yes")?;
        ws.write_string(12, 0, "PAUT-11")?;
        ws.write_number(12, 2, 1)?;
        ws.write_string(13, 0, "PAUT-12")?;
        ws.write_boolean(13, 2, true)?;
        Ok(())
    });
    let form = read_xlsx("spellings.xlsx", &bytes).unwrap();
    let got: Vec<(&str, &Answer)> = form
        .answers
        .iter()
        .map(|a| (a.id.as_str(), &a.answer))
        .collect();
    assert_eq!(
        got,
        vec![
            ("PAUT-1", &Answer::Yes),
            ("PAUT-2", &Answer::Yes),
            ("PAUT-3", &Answer::NotApplicable),
            ("PAUT-4", &Answer::NotApplicable),
            ("PAUT-5", &Answer::NotApplicable),
            ("PAUT-6", &Answer::No),
            ("PAUT-7", &Answer::Unanswered),
            ("PAUT-8", &other("Maybe")),
            ("PAUT-9", &other("See Note")),
            ("PAUT-10", &Answer::Yes),
            ("PAUT-11", &other("1")),
            ("PAUT-12", &other("TRUE")),
        ]
    );
    assert_eq!(
        warning_with(&form, "answer 'Maybe' is not Yes, No or N/A").location,
        "spellings.xlsx, sheet 'Sheet1', cell C9"
    );
    warning_with(&form, "answer 'See Note'");
    warning_with(&form, "answer '1'");
    warning_with(&form, "answer 'TRUE'");
    warning_with(&form, "'0' is not a question ID");
    assert_eq!(form.warnings.len(), 5, "{:#?}", form.warnings);
}

#[test]
fn device_fields_fall_back_to_doc_answers() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        rows(
            ws,
            0,
            &[
                &["Manufacturer Name", "Initech"],
                &["Question ID", "Question", "Answer", "Note"],
                &["DOC-1", "Manufacturer name", "Initech Medical"],
                &["DOC-3", "Device model(s)", "Pump 2"],
                &["DOC-4", "Document ID", "IT-99"],
                &["DOC-7", "Document release date", "2022-11-30"],
            ],
        )
    });
    let form = read_xlsx("doc.xlsx", &bytes).unwrap();
    assert_eq!(
        form.manufacturer.as_deref(),
        Some("Initech"),
        "the label wins"
    );
    assert_eq!(form.model.as_deref(), Some("Pump 2"));
    assert_eq!(form.document_id.as_deref(), Some("IT-99"));
    assert_eq!(form.release_date, NaiveDate::from_ymd_opt(2022, 11, 30));
    let w = warning_with(&form, "differs from the DOC-1 answer 'Initech Medical'");
    assert_eq!(w.location, "doc.xlsx, sheet 'Sheet1', cell B1");
    assert_eq!(form.warnings.len(), 1, "{:#?}", form.warnings);
}

#[test]
fn no_recognisable_header_names_the_file() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("Data")?;
        rows(ws, 0, &[&["AUTH-1", "Yes"], &["AUTH-2", "No"]])?;
        wb.add_worksheet().set_name("Empty")?;
        Ok(())
    });
    let err = read_xlsx("plain.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, Mds2Error::NoHeader { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "plain.xlsx: no sheet has a header row naming the question ID, question and answer \
         columns (sheets looked at: 'Data', 'Empty')"
    );
}

#[test]
fn garbage_and_truncated_files() {
    let err = read_xlsx("noise.xlsx", b"this is not a spreadsheet at all").unwrap_err();
    assert!(matches!(err, Mds2Error::NotXlsx { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("noise.xlsx: not a readable xlsx workbook"),
        "{err}"
    );

    let err = read_xlsx("empty.xlsx", b"").unwrap_err();
    assert!(matches!(err, Mds2Error::NotXlsx { .. }), "{err:?}");

    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let err = read_xlsx("old.xls", &ole).unwrap_err();
    assert!(err.to_string().contains("legacy .xls"), "{err}");

    let good = write_xlsx(&Mds2Form::new("MDS2")).unwrap();
    for cut in [good.len() / 2, good.len() - 10, 30] {
        let err = read_xlsx("cut.xlsx", &good[..cut]).unwrap_err();
        assert!(
            matches!(err, Mds2Error::NotXlsx { .. }),
            "cut at {cut}: {err:?}"
        );
        assert!(err.to_string().starts_with("cut.xlsx: "), "{err}");
    }

    // Intact container, damaged sheet data: the CRC check names the entry.
    let mut entries = raw_entries(&good);
    let sheet = entries
        .iter_mut()
        .find(|e| e.name == "xl/worksheets/sheet1.xml")
        .unwrap();
    let mid = sheet.data.len() / 2;
    for b in &mut sheet.data[mid..mid + 8] {
        *b ^= 0x5A;
    }
    let err = read_xlsx("damaged.xlsx", &zip_bytes(&entries)).unwrap_err();
    assert!(matches!(err, Mds2Error::NotXlsx { .. }), "{err:?}");
    assert!(
        err.to_string().contains("xl/worksheets/sheet1.xml"),
        "{err}"
    );
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = vec![0u8; baton_mds2::MAX_FILE_BYTES + 1];
    let err = read_xlsx("big.xlsx", &big).unwrap_err();
    assert!(matches!(err, Mds2Error::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().starts_with("big.xlsx: "), "{err}");
}

/// A real workbook whose sheet is swapped for ~300 MiB of spaces squeezed into ~2 MB.
fn bomb(declared: u32) -> Vec<u8> {
    let good = write_xlsx(&Mds2Form::new("MDS2")).unwrap();
    let mut entries = raw_entries(&good);
    let sheet = entries
        .iter_mut()
        .find(|e| e.name == "xl/worksheets/sheet1.xml")
        .unwrap();
    sheet.method = 8;
    sheet.data = deflate_bomb(300 * 1024 * 1024 / 258);
    sheet.uncompressed = declared;
    sheet.crc = 0;
    zip_bytes(&entries)
}

#[test]
fn zip_bomb_with_honest_sizes_is_refused_from_the_directory() {
    let bytes = bomb(u32::MAX);
    assert!(bytes.len() < 3 * 1024 * 1024);
    let err = read_xlsx("bomb.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, Mds2Error::Expansion { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("bomb.xlsx: zip entry 'xl/worksheets/sheet1.xml': declares"),
        "{err}"
    );
}

#[test]
fn zip_bomb_that_lies_about_its_size_is_stopped_while_inflating() {
    let err = read_xlsx("liar.xlsx", &bomb(1000)).unwrap_err();
    assert!(matches!(err, Mds2Error::Expansion { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(
            "liar.xlsx: zip entry 'xl/worksheets/sheet1.xml': inflates past the 1000 bytes it declares"
        ),
        "{err}"
    );
}

#[test]
fn too_many_zip_entries() {
    let entries: Vec<common::Entry> = (0..=10_000)
        .map(|i| common::Entry {
            name: format!("e{i}"),
            method: 0,
            crc: 0,
            uncompressed: 0,
            data: Vec::new(),
        })
        .collect();
    let err = read_xlsx("many.xlsx", &zip_bytes(&entries)).unwrap_err();
    assert!(err.to_string().contains("10001 entries"), "{err}");
}

#[test]
fn far_apart_cells_do_not_allocate_the_rectangle_between() {
    // A1 and XFD1048576 span 17 billion cells; reading must stay sparse.
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        rows(
            ws,
            0,
            &[
                &["Question ID", "Question", "Answer"],
                &["AUTH-1", "", "Yes"],
            ],
        )?;
        ws.write_string(1_048_575, 16_383, "far away")?;
        Ok(())
    });
    let form = read_xlsx("sparse.xlsx", &bytes).unwrap();
    assert_eq!(answers(&form), vec![("AUTH-1", &Answer::Yes, None, 2)]);
}

#[test]
fn text_past_excel_cell_limit_is_a_located_error() {
    let cell = |r: &str, t: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#);
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1">{}{}{}</row><row r="2">{}{}</row></sheetData></worksheet>"#,
        cell("A1", "Question ID"),
        cell("B1", "Question"),
        cell("C1", "Answer"),
        cell("A2", "AUTH-1"),
        cell("C2", &"y".repeat(40_000)),
    );
    let bytes = common::with_sheet_xml(&write_xlsx(&Mds2Form::new("MDS2")).unwrap(), &xml);
    let err = read_xlsx("long.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, Mds2Error::Cell { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "long.xlsx, sheet 'MDS2', cell C2: text is longer than Excel's 32767-character limit"
    );
}
