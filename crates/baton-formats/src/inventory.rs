//! Inventory CSV files: models, releases, assets, agreements, capabilities, policies, aliases and
//! risk assessments.
//!
//! A careful CSV reader: RFC 4180 quoting, CRLF or LF line ends, an optional UTF-8 byte-order
//! mark, header names matched without regard to case or surrounding spaces and in any order,
//! values trimmed, blank lines skipped. Missing or unknown columns, short or long rows, unknown
//! vocabulary terms, impossible dates, inconsistent milestones and keys repeated within one file
//! are errors naming the file, the line and the column.

use std::collections::HashMap;
use std::fmt;

use baton_model::dates::parse_date;
use baton_model::vocab::{
    AssetStatus, Criticality, Decision, Party, Residual, Setting, Stage, Task,
};
use baton_model::{Dated, Milestones};
use chrono::NaiveDate;

/// Files larger than this are refused before parsing (64 MiB: about 500,000 asset rows).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Where a problem is: file, line (1 = the header) and column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        Ok(())
    }
}

/// A problem with an input file, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct InputError {
    pub location: Location,
    pub message: String,
}

impl InputError {
    pub fn new(
        file: &str,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            location: Location {
                file: file.to_string(),
                line,
                column: column.map(str::to_string),
            },
            message: message.into(),
        }
    }
}

/// A record and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub line: u64,
    pub record: T,
}

/// One data row, read by column name.
struct Row<'a> {
    file: &'a str,
    line: u64,
    columns: &'a [&'static str],
    values: Vec<String>,
}

impl Row<'_> {
    fn err(&self, column: &str, message: impl Into<String>) -> InputError {
        InputError::new(self.file, Some(self.line), Some(column), message)
    }

    fn raw(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.values.get(i))
            .map_or("", String::as_str)
    }

    fn opt(&self, column: &str) -> Option<String> {
        let v = self.raw(column);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn req(&self, column: &str) -> Result<String, InputError> {
        self.opt(column)
            .ok_or_else(|| self.err(column, "a value is required"))
    }

    fn date(&self, column: &str) -> Result<Option<NaiveDate>, InputError> {
        match self.raw(column) {
            "" => Ok(None),
            v => parse_date(v).map(Some).map_err(|e| self.err(column, e)),
        }
    }

    fn term<T: std::str::FromStr<Err = baton_model::UnknownTerm>>(
        &self,
        column: &str,
    ) -> Result<Option<T>, InputError> {
        match self.raw(column) {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|e: baton_model::UnknownTerm| self.err(column, e.to_string())),
        }
    }

    fn req_term<T: std::str::FromStr<Err = baton_model::UnknownTerm>>(
        &self,
        column: &str,
    ) -> Result<T, InputError> {
        self.term(column)?
            .ok_or_else(|| self.err(column, "a value is required"))
    }

    /// EOL/EOS milestones from the usual four columns, checked for order.
    fn milestones(&self, ga_column: Option<&str>) -> Result<Milestones, InputError> {
        let dated = |date_col: &str, ann_col: &str| -> Result<Option<Dated>, InputError> {
            let date = self.date(date_col)?;
            let announced = self.date(ann_col)?;
            match (date, announced) {
                (Some(date), announced) => Ok(Some(Dated { date, announced })),
                (None, Some(_)) => {
                    Err(self.err(ann_col, format!("an announcement date needs a {date_col}")))
                }
                (None, None) => Ok(None),
            }
        };
        let ms = Milestones {
            general_availability: match ga_column {
                Some(c) => self.date(c)?,
                None => None,
            },
            eol: dated("eol_date", "eol_announced")?,
            eos: dated("eos_date", "eos_announced")?,
        };
        ms.validate().map_err(|e| {
            let column = match e {
                baton_model::lifecycle::MilestoneError::BeforeGeneralAvailability {
                    milestone: baton_model::MilestoneKind::Eol,
                    ..
                } => "eol_date",
                _ => "eos_date",
            };
            self.err(column, e.to_string())
        })?;
        Ok(ms)
    }
}

/// Read a CSV file with exactly `columns` (in any order), calling `each` per data row.
fn read_rows<T>(
    file: &str,
    bytes: &[u8],
    columns: &'static [&'static str],
    mut each: impl FnMut(&Row<'_>) -> Result<T, InputError>,
) -> Result<Vec<Located<T>>, InputError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(InputError::new(
            file,
            None,
            None,
            format!(
                "file is {} bytes; the limit is {} bytes (64 MiB): split it into several imports",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InputError::new(
            file,
            Some(1),
            None,
            "file is UTF-16; save it as UTF-8",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => {
            return Err(InputError::new(
                file,
                Some(1),
                None,
                format!("file is empty; expected the header {}", columns.join(",")),
            ));
        }
        Some(h) => h.map_err(|e| csv_error(file, &e))?,
    };
    // Map file column position → contract column index.
    let mut order = Vec::with_capacity(header.len());
    let mut seen = vec![false; columns.len()];
    for (i, name) in header.iter().enumerate() {
        let name = std::str::from_utf8(name)
            .map_err(|_| {
                InputError::new(
                    file,
                    Some(1),
                    None,
                    format!("header field {} is not UTF-8", i + 1),
                )
            })?
            .trim()
            .to_ascii_lowercase();
        match columns.iter().position(|c| *c == name) {
            Some(j) if seen[j] => {
                return Err(InputError::new(
                    file,
                    Some(1),
                    Some(&name),
                    "column appears twice in the header",
                ));
            }
            Some(j) => {
                seen[j] = true;
                order.push(j);
            }
            None => {
                return Err(InputError::new(
                    file,
                    Some(1),
                    Some(&name),
                    format!("unknown column (expected: {})", columns.join(",")),
                ));
            }
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .zip(&seen)
        .filter(|(_, s)| !**s)
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        return Err(InputError::new(
            file,
            Some(1),
            None,
            format!("missing column(s): {}", missing.join(", ")),
        ));
    }
    let mut out = Vec::new();
    // Line numbers counted from byte offsets: the CSV reader's own count misses CR LF ends.
    let mut counted = (0usize, 1u64);
    let mut line_at = |offset: usize| {
        let (from, line) = counted;
        let mut offset = offset.min(bytes.len()).max(from);
        // With CR LF ends a record's position can point at the LF before it.
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        let more = bytes[from..offset].iter().filter(|b| **b == b'\n').count() as u64;
        counted = (offset, line + more);
        line + more
    };
    for record in records {
        let record = record.map_err(|e| csv_error(file, &e))?;
        let line = record.position().map_or(0, |p| line_at(p.byte() as usize));
        if record.len() == 1
            && record
                .get(0)
                .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        if record.len() != columns.len() {
            return Err(InputError::new(
                file,
                Some(line),
                None,
                format!(
                    "row has {} fields, the header has {}",
                    record.len(),
                    columns.len()
                ),
            ));
        }
        let mut values = vec![String::new(); columns.len()];
        for (i, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| {
                InputError::new(
                    file,
                    Some(line),
                    Some(columns[order[i]]),
                    "value is not UTF-8",
                )
            })?;
            values[order[i]] = text.trim().to_string();
        }
        let row = Row {
            file,
            line,
            columns,
            values,
        };
        out.push(Located {
            line,
            record: each(&row)?,
        });
    }
    Ok(out)
}

fn csv_error(file: &str, e: &csv::Error) -> InputError {
    let line = e.position().map(|p| p.line());
    InputError::new(file, line, None, format!("malformed CSV: {e}"))
}

/// Refuse a key seen earlier in the same file.
fn unique_keys<T, K: std::hash::Hash + Eq>(
    file: &str,
    rows: &[Located<T>],
    what: &str,
    key: impl Fn(&T) -> K,
) -> Result<(), InputError> {
    let mut seen: HashMap<K, u64> = HashMap::with_capacity(rows.len());
    for r in rows {
        if let Some(first) = seen.insert(key(&r.record), r.line) {
            return Err(InputError::new(
                file,
                Some(r.line),
                None,
                format!("duplicate {what}: already given on line {first}"),
            ));
        }
    }
    Ok(())
}

/// Names compare without regard to case or surrounding spaces.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRow {
    pub manufacturer: String,
    pub model: String,
    pub model_number: Option<String>,
    pub udi_di: Option<String>,
    pub device_type: Option<String>,
    pub criticality: Option<Criticality>,
    pub milestones: Milestones,
}

pub const MODEL_COLUMNS: &[&str] = &[
    "manufacturer",
    "model",
    "model_number",
    "udi_di",
    "device_type",
    "criticality",
    "general_availability",
    "eol_date",
    "eol_announced",
    "eos_date",
    "eos_announced",
];

pub fn read_models(file: &str, bytes: &[u8]) -> Result<Vec<Located<ModelRow>>, InputError> {
    let rows = read_rows(file, bytes, MODEL_COLUMNS, |r| {
        let udi_di = r.opt("udi_di");
        if let Some(di) = &udi_di
            && !di.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '/' | '$' | '%' | ' ')
            })
        {
            return Err(r.err(
                "udi_di",
                format!("'{di}' is not a device identifier (GTIN or HIBC)"),
            ));
        }
        Ok(ModelRow {
            manufacturer: r.req("manufacturer")?,
            model: r.req("model")?,
            model_number: r.opt("model_number"),
            udi_di,
            device_type: r.opt("device_type"),
            criticality: r.term("criticality")?,
            milestones: r.milestones(Some("general_availability"))?,
        })
    })?;
    unique_keys(file, &rows, "model (manufacturer, model)", |m| {
        (name_key(&m.manufacturer), name_key(&m.model))
    })?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub released: Option<NaiveDate>,
    pub milestones: Milestones,
}

pub const RELEASE_COLUMNS: &[&str] = &[
    "manufacturer",
    "model",
    "version",
    "released",
    "eol_date",
    "eol_announced",
    "eos_date",
    "eos_announced",
];

pub fn read_releases(file: &str, bytes: &[u8]) -> Result<Vec<Located<ReleaseRow>>, InputError> {
    let rows = read_rows(file, bytes, RELEASE_COLUMNS, |r| {
        let released = r.date("released")?;
        let milestones = r.milestones(None)?;
        if let Some(rel) = released {
            for (col, m) in [("eol_date", milestones.eol), ("eos_date", milestones.eos)] {
                if let Some(m) = m
                    && m.date < rel
                {
                    return Err(r.err(col, format!("{} is before the release date {rel}", m.date)));
                }
            }
        }
        Ok(ReleaseRow {
            manufacturer: r.req("manufacturer")?,
            model: r.req("model")?,
            version: r.req("version")?,
            released,
            milestones,
        })
    })?;
    unique_keys(file, &rows, "release (manufacturer, model, version)", |m| {
        (
            name_key(&m.manufacturer),
            name_key(&m.model),
            m.version.clone(),
        )
    })?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub asset_id: String,
    pub organization: String,
    pub manufacturer: String,
    pub model: String,
    pub software_version: Option<String>,
    pub serial: Option<String>,
    pub udi: Option<String>,
    pub parsed_udi: Option<baton_udi::Udi>,
    pub site: Option<String>,
    pub department: Option<String>,
    pub network_zone: Option<String>,
    pub status: AssetStatus,
}

pub const ASSET_COLUMNS: &[&str] = &[
    "asset_id",
    "organization",
    "manufacturer",
    "model",
    "software_version",
    "serial",
    "udi",
    "site",
    "department",
    "network_zone",
    "status",
];

pub fn read_assets(file: &str, bytes: &[u8]) -> Result<Vec<Located<AssetRow>>, InputError> {
    let rows = read_rows(file, bytes, ASSET_COLUMNS, |r| {
        let udi = r.opt("udi");
        let parsed_udi = match &udi {
            None => None,
            Some(u) => Some(baton_udi::parse(u).map_err(|e| r.err("udi", e.to_string()))?),
        };
        Ok(AssetRow {
            asset_id: r.req("asset_id")?,
            organization: r.req("organization")?,
            manufacturer: r.req("manufacturer")?,
            model: r.req("model")?,
            software_version: r.opt("software_version"),
            serial: r.opt("serial"),
            udi,
            parsed_udi,
            site: r.opt("site"),
            department: r.opt("department"),
            network_zone: r.opt("network_zone"),
            status: r.term("status")?.unwrap_or(AssetStatus::InUse),
        })
    })?;
    unique_keys(file, &rows, "asset (organization, asset_id)", |a| {
        (name_key(&a.organization), a.asset_id.clone())
    })?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRow {
    pub manufacturer: String,
    pub model: Option<String>,
    pub hdo: String,
    pub task: Task,
    pub stage: Option<Stage>,
    pub party: Party,
    pub lead: Option<Party>,
    pub provider: Option<String>,
}

pub const AGREEMENT_COLUMNS: &[&str] = &[
    "manufacturer",
    "model",
    "hdo",
    "task",
    "stage",
    "party",
    "lead",
    "provider",
];

pub fn read_agreements(file: &str, bytes: &[u8]) -> Result<Vec<Located<AgreementRow>>, InputError> {
    let rows = read_rows(file, bytes, AGREEMENT_COLUMNS, |r| {
        let party: Party = r.req_term("party")?;
        let lead: Option<Party> = r.term("lead")?;
        match (party, lead) {
            (Party::Shared, None) => {
                return Err(r.err(
                    "lead",
                    "a shared task needs a lead (mdm, hdo or third-party)",
                ));
            }
            (Party::Shared, Some(Party::Shared | Party::None)) => {
                return Err(r.err("lead", "the lead must be mdm, hdo or third-party"));
            }
            (p, Some(_)) if p != Party::Shared => {
                return Err(r.err("lead", "a lead is only given when party is shared"));
            }
            _ => {}
        }
        let provider = r.opt("provider");
        let third_party_acts = party == Party::ThirdParty || lead == Some(Party::ThirdParty);
        if third_party_acts && provider.is_none() {
            return Err(r.err("provider", "a third-party party needs the provider's name"));
        }
        Ok(AgreementRow {
            manufacturer: r.req("manufacturer")?,
            model: r.opt("model"),
            hdo: r.req("hdo")?,
            task: r.req_term("task")?,
            stage: r.term("stage")?,
            party,
            lead,
            provider,
        })
    })?;
    unique_keys(
        file,
        &rows,
        "agreement (manufacturer, model, hdo, task, stage)",
        |a| {
            (
                name_key(&a.manufacturer),
                a.model.as_deref().map(name_key),
                name_key(&a.hdo),
                a.task,
                a.stage,
            )
        },
    )?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityRow {
    pub organization: String,
    pub task: Task,
    pub capable: bool,
}

pub const CAPABILITY_COLUMNS: &[&str] = &["organization", "task", "capable"];

pub fn read_capabilities(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Located<CapabilityRow>>, InputError> {
    let rows = read_rows(file, bytes, CAPABILITY_COLUMNS, |r| {
        let capable = match r.raw("capable").to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            other => return Err(r.err("capable", format!("'{other}' is not true or false"))),
        };
        Ok(CapabilityRow {
            organization: r.req("organization")?,
            task: r.req_term("task")?,
            capable,
        })
    })?;
    unique_keys(file, &rows, "capability (organization, task)", |c| {
        (name_key(&c.organization), c.task)
    })?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRow {
    pub organization: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub setting: Setting,
    pub value: i64,
}

pub const POLICY_COLUMNS: &[&str] = &["organization", "manufacturer", "model", "setting", "value"];

pub fn read_policies(file: &str, bytes: &[u8]) -> Result<Vec<Located<PolicyRow>>, InputError> {
    let rows = read_rows(file, bytes, POLICY_COLUMNS, |r| {
        let setting: Setting = r.req_term("setting")?;
        let text = r.req("value")?;
        let value: i64 = text
            .parse()
            .map_err(|_| r.err("value", format!("'{text}' is not a whole number")))?;
        let (low, high) = match setting {
            Setting::EolNoticeDays | Setting::EosNoticeDays => (0, 36_500),
            _ => (1, 120),
        };
        if !(low..=high).contains(&value) {
            return Err(r.err(
                "value",
                format!("{value} is outside {low}..={high} for {setting}"),
            ));
        }
        let manufacturer = r.opt("manufacturer");
        let model = r.opt("model");
        if model.is_some() && manufacturer.is_none() {
            return Err(r.err("manufacturer", "a model policy needs its manufacturer"));
        }
        Ok(PolicyRow {
            organization: r.req("organization")?,
            manufacturer,
            model,
            setting,
            value,
        })
    })?;
    unique_keys(
        file,
        &rows,
        "policy (organization, manufacturer, model, setting)",
        |p| {
            (
                name_key(&p.organization),
                p.manufacturer.as_deref().map(name_key),
                p.model.as_deref().map(name_key),
                p.setting,
            )
        },
    )?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasRow {
    pub name: String,
    pub alias: String,
}

pub const ALIAS_COLUMNS: &[&str] = &["name", "alias"];

pub fn read_aliases(file: &str, bytes: &[u8]) -> Result<Vec<Located<AliasRow>>, InputError> {
    let rows = read_rows(file, bytes, ALIAS_COLUMNS, |r| {
        Ok(AliasRow {
            name: r.req("name")?,
            alias: r.req("alias")?,
        })
    })?;
    unique_keys(file, &rows, "alias", |a| name_key(&a.alias))?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRow {
    pub organization: String,
    pub asset_id: String,
    pub date: NaiveDate,
    pub assessor: String,
    pub decision: Decision,
    pub residual: Option<Residual>,
    pub note: Option<String>,
}

pub const ASSESSMENT_COLUMNS: &[&str] = &[
    "organization",
    "asset_id",
    "date",
    "assessor",
    "decision",
    "residual",
    "note",
];

pub fn read_assessments(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Located<AssessmentRow>>, InputError> {
    read_rows(file, bytes, ASSESSMENT_COLUMNS, |r| {
        Ok(AssessmentRow {
            organization: r.req("organization")?,
            asset_id: r.req("asset_id")?,
            date: r
                .date("date")?
                .ok_or_else(|| r.err("date", "a value is required"))?,
            assessor: r.req("assessor")?,
            decision: r.req_term("decision")?,
            residual: r.term("residual")?,
            note: r.opt("note"),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\n";

    #[test]
    fn reads_models_with_bom_crlf_and_any_column_order() {
        let text = "\u{feff}Model,Manufacturer,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\r\n\"Pump, large\",Baxter,,,infusion pump,high,2015-01-01,2025-01-01,2023-01-01,2027-01-01,\r\n\r\n";
        let rows = read_models("m.csv", text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].record.model, "Pump, large");
        assert_eq!(rows[0].record.manufacturer, "Baxter");
        assert!(rows[0].record.milestones.eos.unwrap().announced.is_none());
    }

    fn err(text: &str) -> String {
        read_models("m.csv", text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert_eq!(
            err(&format!("{H}A,B,,,,urgent,,,,,\n")),
            "m.csv, line 2, column criticality: unknown criticality 'urgent' (expected one of: life-sustaining, high, medium, low)"
        );
        assert!(
            err(&format!("{H}A,B,,,,,2021-02-30,,,,\n")).starts_with(
                "m.csv, line 2, column general_availability: '2021-02-30' is not a date"
            )
        );
        assert!(
            err(&format!("{H}A,B,,,,,,2022-01-01,,2021-01-01,\n")).starts_with(
                "m.csv, line 2, column eos_date: EOS 2021-01-01 is before EOL 2022-01-01"
            )
        );
        assert!(
            err(&format!("{H}A,B,,,,,,,,,\nA,B,,,,,,,,,\n")).contains("line 3: duplicate model")
        );
        assert!(
            err(&format!("{H}a,b,,,,,,,,,\n  A , B ,,,,,,,,,\n"))
                .contains("line 3: duplicate model")
        );
        assert!(
            err(&format!("{H}A,B,,,,,,,,\n"))
                .contains("line 2: row has 10 fields, the header has 11")
        );
        assert!(
            err("manufacturer,model\nA,B\n").contains("line 1: missing column(s): model_number")
        );
        assert!(
            err(&H.replace("criticality", "criticality,colour"))
                .contains("column colour: unknown column")
        );
        assert!(err("").contains("file is empty"));
        let crlf = format!("{H}A,B,,,,,,,,,\nA,C,,,,,,,,,\n").replace('\n', "\r\n");
        let crlf = format!("{crlf}A,D,,,,,x,,,,\r\n");
        assert!(
            err(&crlf).starts_with("m.csv, line 4, column general_availability"),
            "{}",
            err(&crlf)
        );
        assert!(
            err(&format!("{H},B,,,,,,,,,\n")).contains("column manufacturer: a value is required")
        );
        assert!(
            err(&format!("{H}A,B,,,,,,,2020-01-01,,\n"))
                .contains("column eol_announced: an announcement date needs a eol_date")
        );
    }

    #[test]
    fn too_large_is_refused_before_parsing() {
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        let e = read_models("big.csv", &big).unwrap_err();
        assert!(e.to_string().contains("limit is 67108864 bytes"));
    }

    #[test]
    fn agreements_validate_party_and_lead() {
        let h = "manufacturer,model,hdo,task,stage,party,lead,provider\n";
        let e = |row: &str| {
            read_agreements("a.csv", format!("{h}{row}\n").as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(
            e("M,,H,deploy-patches,,shared,,").contains("column lead: a shared task needs a lead")
        );
        assert!(e("M,,H,deploy-patches,,hdo,mdm,").contains("only given when party is shared"));
        assert!(e("M,,H,deploy-patches,,third-party,,").contains("needs the provider"));
        assert!(e("M,,H,patching,,hdo,,").contains("unknown task 'patching'"));
        let ok = read_agreements(
            "a.csv",
            format!("{h}M,,H,deploy-patches,support,shared,hdo,\n").as_bytes(),
        )
        .unwrap();
        assert_eq!(ok[0].record.stage, Some(Stage::Support));
    }

    #[test]
    fn policies_and_capabilities() {
        let p = "organization,manufacturer,model,setting,value\n";
        assert!(
            read_policies("p.csv", format!("{p}H,,,eol-notice-days,-1\n").as_bytes())
                .unwrap_err()
                .to_string()
                .contains("outside")
        );
        assert!(
            read_policies(
                "p.csv",
                format!("{p}H,,,assessment-months-support,0\n").as_bytes()
            )
            .is_err()
        );
        assert!(
            read_policies(
                "p.csv",
                format!("{p}H,,X,assessment-months-support,6\n").as_bytes()
            )
            .is_err()
        );
        let c = "organization,task,capable\n";
        assert!(
            read_capabilities("c.csv", format!("{c}H,monitor-traffic,yes\n").as_bytes())
                .unwrap_err()
                .to_string()
                .contains("not true or false")
        );
        assert!(
            !read_capabilities("c.csv", format!("{c}H,monitor-traffic,FALSE\n").as_bytes())
                .unwrap()[0]
                .record
                .capable
        );
    }
}
