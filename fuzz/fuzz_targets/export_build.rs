//! Export building: `ExportField` checked against the columns of an export, then the
//! CSV written row by row under a byte bound. Input: a line of comma-separated names
//! asked, a line naming the row type (`ImageVul`, `ImageRisk`, `ImageVirus`, else
//! `ImageRepoInfo`), a line with the byte bound, then a JSON array of row objects.
//! Invariants: never panics; the columns are distinct fields of the row type (or
//! documented names); a CSV that is built is within the bound and reads back, cell
//! by cell, as the rows' values (text that could start a formula behind a `'`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use tcss_emulator::exports::{self, Column};
use tcss_emulator::spec;

/// RFC 4180 records: fields split on `,`, quoted fields with `""` for `"`.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

fn expected(cell: Option<&Value>) -> String {
    match cell {
        Some(Value::String(s)) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{s}")
        }
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn line<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let out = &data[..end];
    *data = data.get(end + 1..).unwrap_or(&[]);
    out
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let asked: Vec<String> = String::from_utf8_lossy(line(&mut data))
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let type_line = String::from_utf8_lossy(line(&mut data)).trim().to_string();
    let max: usize = String::from_utf8_lossy(line(&mut data))
        .trim()
        .parse()
        .unwrap_or(1 << 20);
    let Ok(Value::Array(rows)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let rows: Vec<Map<String, Value>> = rows
        .into_iter()
        .filter_map(|r| match r {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect();
    let svc = spec::tcss();
    let row_type = match type_line.as_str() {
        t @ ("ImageVul" | "ImageRisk" | "ImageVirus") => t,
        _ => "ImageRepoInfo",
    };
    let Some(object) = svc.object_named(row_type) else {
        return;
    };
    let fields: Vec<&str> = object.members.iter().map(|m| m.name).collect();
    let documented = vec!["ScanStartTime".to_string(), "CVSS_Desc".to_string()];
    let Ok(columns) = exports::columns(&asked, &fields, &documented, row_type) else {
        return;
    };
    assert!(columns.len() <= asked.len());
    for (i, c) in columns.iter().enumerate() {
        if let Some(f) = &c.field {
            assert!(fields.contains(&f.as_str()), "{f} is not a field");
        }
        let fold = |s: &str| s.replace('_', "").to_lowercase();
        assert!(
            columns[..i]
                .iter()
                .all(|o| fold(&o.header) != fold(&c.header)),
            "column {} twice",
            c.header
        );
    }
    if columns.is_empty() {
        return;
    }
    let Ok(csv) = exports::build_csv(&columns, &rows, max) else {
        return;
    };
    assert!(csv.len() <= max, "{} bytes over the bound {max}", csv.len());
    let records = read_csv(&csv);
    assert_eq!(
        records.len(),
        rows.len() + 1,
        "one record per row and a header"
    );
    let header: Vec<String> = columns
        .iter()
        .map(|c| expected(Some(&Value::String(c.header.clone()))))
        .collect();
    assert_eq!(records[0], header);
    for (row, record) in rows.iter().zip(&records[1..]) {
        let want: Vec<String> = columns
            .iter()
            .map(|c: &Column| expected(c.field.as_ref().and_then(|f| row.get(f))))
            .collect();
        assert_eq!(record, &want);
    }
});
