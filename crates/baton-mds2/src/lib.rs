//! MDS2 forms (the ANSI/NEMA HN 1-2019 *Manufacturer Disclosure Statement for Medical Device
//! Security*) for Baton: the question catalogue, an xlsx reader and writer, the link from each
//! question to FDA's premarket security control categories, and a diff between two forms.
//!
//! Everything works on bytes; the CLI reads and writes the files.
//!
//! # Reading ([`read_xlsx`])
//!
//! * **Size.** At most [`MAX_FILE_BYTES`] (64 MiB) and [`read::MAX_ZIP_ENTRIES`] zip entries.
//!   Before calamine parses anything, the declared uncompressed sizes must add up to no more
//!   than [`MAX_UNCOMPRESSED_BYTES`] (256 MiB); then every entry is inflated into a counter
//!   under the same cap. An entry inflating past its declared size is refused too (zip 9, which
//!   calamine reads through, enforces that). Sheets are read cell by cell into a sparse map,
//!   never as a dense rectangle, and cell text longer than Excel's 32,767 characters is an
//!   error.
//! * **Finding the table.** Every worksheet is searched for a header row whose cells name the
//!   question ID, question and answer columns, in any order and on any row; a note column is
//!   read when present. Header cells are matched on words, case-insensitively: `ID`/`Question
//!   ID` for the ID, `Question` for the text, `Answer`/`Response`/`Yes/No/N/A` (also
//!   "Yes, No, N/A, or See Note") for the answer, `Note`/`Notes`/`Comment` for the note. When
//!   several sheets have such a row, the one with the most catalogue IDs below its header wins
//!   (ties: the earlier sheet). Other sheets are ignored.
//! * **Rows.** A row is a question when its ID cell has the shape of an ID (`AUTH-1`,
//!   `AUDT-2.8.1`; case and spaces are normalised with a warning); other rows (section titles,
//!   blank lines) are skipped. The known misprint `SHAD-15` is read as `SAHD-15`. IDs outside
//!   the catalogue are kept with a warning. For a duplicated ID the **first** row wins and
//!   later ones are reported and dropped.
//! * **Answers.** `Yes`, `No`, `N/A` in any case and spacing (also `Y`, `N`, `NA`, `N.A.`,
//!   `not applicable`); empty is [`Answer::Unanswered`]; anything else is kept as
//!   [`Answer::Other`] with a warning — except for the DOC questions whose answer is text
//!   (manufacturer, model, …), where text is expected.
//! * **Merged cells.** A cell merged over several rows applies to every row it covers, in its
//!   first column only: one `N/A` merged down a block of sub-questions answers each of them,
//!   while a question text merged sideways into the answer column does not become an answer.
//!   ID cells are never filled from merges, so rows are only those with their own ID.
//! * **Device fields.** Labels above the table ("Manufacturer Name", "Device Model",
//!   "Document ID", "Document Release Date" and close variants) take the next non-empty cell to
//!   their right. A field with no labelled value falls back to the DOC answer that asks the same
//!   thing (DOC-1, DOC-3, DOC-4, DOC-7); when both exist and differ, the label wins with a
//!   warning. Dates may be Excel dates or text (ISO, `January 5, 2020`, `5 Jan 2020`,
//!   `05.01.2020`, US `01/05/2020`); unreadable ones leave the field empty with a warning.
//! * **Errors** name the file, and the sheet and cell where there is one. Problems the reader
//!   can work around are [`Warning`]s on the form, each with its location.
//!
//! # Writing ([`write_xlsx`])
//!
//! One sheet: a title, the device fields as label/value pairs, then the header row
//! `Question ID | Question | Answer | Note` and the questions grouped by section.
//! `read_xlsx(write_xlsx(form))` gives the form back (answers, notes, fields, sheet name);
//! warnings and source row numbers are not carried over.
//!
//! # Coverage ([`coverage()`]) and diff ([`diff()`])
//!
//! See [`mapping`] for how questions are linked to the FDA categories and how answers count,
//! and [`diff()`] for how two forms are compared.

pub mod catalogue;
pub mod diff;
pub mod error;
pub mod form;
pub mod mapping;
pub mod read;
pub mod write;

pub use diff::{AnswerChange, ChangeKind, diff};
pub use error::Mds2Error;
pub use form::{Answer, Mds2Answer, Mds2Form, Warning};
pub use mapping::{CategoryCoverage, FdaCategory, coverage};
pub use read::{MAX_FILE_BYTES, MAX_UNCOMPRESSED_BYTES, read_xlsx};
pub use write::write_xlsx;
