//! Files made by the `...Export` actions, served at `/_emulator/exports/{JobId}?sign=…`
//! (the `DownloadUrl` they answer): the columns an export may have, the CSV built row
//! by row under a bound, and the files kept in memory under bounds in count and bytes.
//!
//! A `DownloadUrl` works by itself, like the cloud's pre-signed URLs: it carries a
//! random `sign` that only the caller who made the export was told.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// The most files kept (the oldest dropped first).
pub const KEEP: usize = 64;
/// The most bytes all kept files may hold (the oldest dropped first).
pub const BUDGET_BYTES: usize = 64 * 1024 * 1024;
/// The largest file one export may make (else `LimitExceeded`).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug)]
struct File {
    job_id: String,
    sign: String,
    made: Made,
}

/// An export's file in both forms it is served in: `.xlsx` (what the documentation
/// calls an excel file) and `.csv`.
#[derive(Debug, Clone, Default)]
pub struct Made {
    pub csv: Bytes,
    pub xlsx: Bytes,
}

impl Made {
    fn len(&self) -> usize {
        self.csv.len() + self.xlsx.len()
    }
}

impl From<String> for Made {
    /// A CSV file only (no `.xlsx` form).
    fn from(csv: String) -> Self {
        Self {
            csv: Bytes::from(csv),
            xlsx: Bytes::new(),
        }
    }
}

/// The two forms a download can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Default)]
struct State {
    files: VecDeque<File>,
    bytes: usize,
}

#[derive(Debug, Default)]
pub struct Exports {
    state: Mutex<State>,
}

/// A fresh `sign` for a download URL: 244 random bits (two v4 UUIDs, drawn from a
/// generator seeded by the operating system).
pub fn new_sign() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Exports {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `csv` under `job_id`, downloadable with `sign`, dropping the oldest files
    /// until both bounds hold.
    pub fn put(&self, job_id: String, sign: String, made: impl Into<Made>) {
        let made = made.into();
        let mut state = self.lock();
        while state.files.len() >= KEEP || state.bytes + made.len() > BUDGET_BYTES {
            match state.files.pop_front() {
                Some(old) => state.bytes -= old.made.len(),
                None => break,
            }
        }
        state.bytes += made.len();
        state.files.push_back(File { job_id, sign, made });
    }

    /// The file of `job_id`, when `sign` is its own (compared in constant time) or
    /// the caller is an authorised admin.
    pub fn get(&self, job_id: &str, sign: Option<&str>, admin: bool) -> Option<Bytes> {
        self.get_as(job_id, sign, admin, Format::Csv)
    }

    /// [`Exports::get`] in the form asked (`None` when the file has no such form).
    pub fn get_as(
        &self,
        job_id: &str,
        sign: Option<&str>,
        admin: bool,
        format: Format,
    ) -> Option<Bytes> {
        let state = self.lock();
        let file = state.files.iter().find(|f| f.job_id == job_id)?;
        let signed = sign.is_some_and(|s| bool::from(s.as_bytes().ct_eq(file.sign.as_bytes())));
        let bytes = match format {
            Format::Csv => &file.made.csv,
            Format::Xlsx => &file.made.xlsx,
        };
        (signed || admin)
            .then(|| bytes.clone())
            .filter(|b| format == Format::Csv || !b.is_empty())
    }

    /// `(files, bytes)` kept.
    pub fn usage(&self) -> (usize, usize) {
        let state = self.lock();
        (state.files.len(), state.bytes)
    }

    pub fn clear(&self) {
        let mut state = self.lock();
        state.files.clear();
        state.bytes = 0;
    }
}

/// Where a file is downloaded: its `.xlsx` form (the `.csv` one at the same URL
/// ending `.csv`), with the `sign` that lets it download by itself.
pub fn download_url(base: &str, job: &str, sign: &str) -> String {
    format!("{base}/_emulator/exports/{job}.xlsx?sign={sign}")
}

/// One column of an export: its header as asked, and the row field it shows (none
/// for a documented column the rows do not have: an empty column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub field: Option<String>,
}

/// `ExportField` checked against the columns an export has: the `fields` of its rows
/// (matched ignoring case and underscores, as the documentation spells `CVEId` for
/// `CVEID` and `CVSS_Score` for `CvssScore`) and the names its documented examples
/// ask for. A repeat is dropped; an unknown name is `InvalidParameterValue`.
pub fn columns(
    asked: &[String],
    fields: &[&str],
    documented: &[String],
    row_type: &str,
) -> Result<Vec<Column>, ApiError> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let fields: Vec<(String, &str)> = fields.iter().map(|f| (fold(f), *f)).collect();
    let documented: Vec<String> = documented.iter().map(|d| fold(d)).collect();
    // An exact repeat is skipped before any work: a list may repeat a name 10^6 times.
    let mut asked_before = HashSet::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, name) in asked.iter().enumerate() {
        if !asked_before.insert(name.as_str()) {
            continue;
        }
        let key = fold(name);
        let field = fields.iter().find(|(f, _)| *f == key).map(|(_, f)| *f);
        if field.is_none() && !documented.contains(&key) {
            return Err(ApiError::invalid_parameter_value(
                &format!("ExportField.{i}"),
                &format!("`{name}` is not a column of this export (a field of {row_type})"),
            ));
        }
        if seen.insert(key) {
            out.push(Column {
                header: name.clone(),
                field: field.map(str::to_string),
            });
        }
    }
    Ok(out)
}

/// The CSV of `rows` with `columns`, built row by row; `Err` as soon as it would pass
/// `max_bytes`.
pub fn build_csv(
    columns: &[Column],
    rows: &[Map<String, Value>],
    max_bytes: usize,
) -> Result<String, ApiError> {
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = Option<&Value>>| {
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                out.push(',');
            }
            match cell {
                Some(Value::String(s)) => push_field(out, s, true),
                Some(Value::Null) | None => {}
                // Numbers, booleans, lists: JSON text, never a formula.
                Some(other) => push_field(out, &other.to_string(), false),
            }
        }
        out.push('\n');
    };
    let headers: Vec<Value> = columns
        .iter()
        .map(|c| Value::String(c.header.clone()))
        .collect();
    line(&mut out, &mut headers.iter().map(Some));
    for row in rows {
        if out.len() > max_bytes {
            break;
        }
        let mut cells = columns
            .iter()
            .map(|c| c.field.as_ref().and_then(|f| row.get(f)));
        line(&mut out, &mut cells);
    }
    if out.len() > max_bytes {
        return Err(ApiError::export_too_large(max_bytes));
    }
    Ok(out)
}

/// The `.xlsx` of `rows` with `columns`: one sheet, a header row, text written as
/// text (never a formula), numbers and booleans as themselves, lists as their JSON.
pub fn build_xlsx(columns: &[Column], rows: &[Map<String, Value>]) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::Workbook;
    let failed = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "xlsx export failed");
        ApiError::internal()
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, column) in (0u16..).zip(columns) {
        sheet.write_string(0, c, &column.header).map_err(failed)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, column) in (0u16..).zip(columns) {
            let Some(cell) = column.field.as_ref().and_then(|f| row.get(f)) else {
                continue;
            };
            match cell {
                Value::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                Value::Number(n) => sheet
                    .write_number(r, c, n.as_f64().unwrap_or(0.0))
                    .map(|_| ()),
                Value::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                Value::Null => Ok(()),
                other => sheet.write_string(r, c, other.to_string()).map(|_| ()),
            }
            .map_err(failed)?;
        }
    }
    book.save_to_buffer().map_err(failed)
}

/// Both forms of an export of `rows` with `columns`, under the bound on one file.
pub fn build(
    columns: &[Column],
    rows: &[Map<String, Value>],
    max_bytes: usize,
) -> Result<Made, ApiError> {
    let csv = build_csv(columns, rows, max_bytes)?;
    let xlsx = build_xlsx(columns, rows)?;
    Ok(Made {
        csv: Bytes::from(csv),
        xlsx: Bytes::from(xlsx),
    })
}

/// Appends one CSV field, quoted when it needs to be. A `text` value that a
/// spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'` (OWASP's advice against CSV injection).
fn push_field(out: &mut String, text: &str, text_value: bool) {
    let formula = text_value && text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = text.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// One text field as [`build_csv`] writes it.
pub fn csv_field(text: &str) -> String {
    let mut out = String::new();
    push_field(&mut out, text, true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keeps_the_newest_within_count_and_bytes() {
        let e = Exports::default();
        for i in 0..70 {
            e.put(format!("job{i}"), "s".into(), format!("{i}"));
        }
        assert!(e.get("job0", Some("s"), false).is_none());
        assert_eq!(
            e.get("job69", Some("s"), false).as_deref(),
            Some(&b"69"[..])
        );
        assert_eq!(e.usage().0, KEEP);
        let big = "x".repeat(BUDGET_BYTES / 2 + 1);
        e.put("a".into(), "s".into(), big.clone());
        e.put("b".into(), "s".into(), big);
        assert_eq!(e.usage(), (1, BUDGET_BYTES / 2 + 1));
    }

    #[test]
    fn a_file_needs_its_sign_or_an_admin() {
        let e = Exports::default();
        let sign = new_sign();
        assert_eq!(sign.len(), 64);
        e.put("job".into(), sign.clone(), "csv".to_string());
        assert!(e.get("job", Some(&sign), false).is_some());
        assert!(e.get("job", None, true).is_some());
        assert!(e.get("job", None, false).is_none());
        assert!(e.get("job", Some("0"), false).is_none());
    }

    #[test]
    fn export_fields_are_checked_and_repeats_dropped() {
        let fields = ["CVEID", "CvssScore", "Name"];
        let documented = names(&["CVEId", "CVSS_Desc"]);
        let asked = names(&["CVEId", "cvss_score", "CVEID", "CVSS_Desc", "Name", "name"]);
        let cols = columns(&asked, &fields, &documented, "ImageVul").unwrap();
        let got: Vec<(&str, Option<&str>)> = cols
            .iter()
            .map(|c| (c.header.as_str(), c.field.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("CVEId", Some("CVEID")),
                ("cvss_score", Some("CvssScore")),
                ("CVSS_Desc", None),
                ("Name", Some("Name")),
            ]
        );
        let err = columns(&names(&["Name", "Nope"]), &fields, &documented, "ImageVul").unwrap_err();
        assert_eq!(err.code_str(), "InvalidParameterValue");
        assert!(
            err.en.contains("ExportField.1") && err.en.contains("Nope"),
            "{}",
            err.en
        );
    }

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2", "'-2"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            (
                "=HYPERLINK(\"x\",\"y\")",
                "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
            ),
        ] {
            assert_eq!(csv_field(cell), want, "{cell}");
        }
        let cols = vec![
            Column {
                header: "A".into(),
                field: Some("A".into()),
            },
            Column {
                header: "B".into(),
                field: None,
            },
        ];
        let rows = vec![
            json!({"A": "=cmd|' /C calc'!A0"})
                .as_object()
                .unwrap()
                .clone(),
            json!({"A": -5}).as_object().unwrap().clone(),
        ];
        assert_eq!(
            build_csv(&cols, &rows, 1 << 20).unwrap(),
            "A,B\n'=cmd|' /C calc'!A0,\n-5,\n"
        );
    }

    #[test]
    fn a_file_over_the_bound_is_refused_without_being_built_whole() {
        let cols = vec![Column {
            header: "A".into(),
            field: Some("A".into()),
        }];
        let row = json!({"A": "x".repeat(1000)}).as_object().unwrap().clone();
        let rows = vec![row; 10_000];
        let err = build_csv(&cols, &rows, 100_000).unwrap_err();
        assert_eq!(err.code_str(), "LimitExceeded");
        assert!(build_csv(&cols, &rows[..50], 100_000).is_ok());
    }
}
