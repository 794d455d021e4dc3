//! Fixture documents: `{"images": [record, ...]}`, parsed and checked against the spec.
//!
//! A record uses the API's own field names (those of `DescribeAssetImageRegistryDetail`'s
//! response and of `ImageRepoInfo`) with an integer `Id`, plus an optional `Account`.
//! A record copied from the documentation as `{"Response": {...}}` is accepted. Any
//! unknown field, wrong type or missing Id is rejected, naming file, record and field.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::ImageRecord;
use super::document::{self, DocError};
use crate::signature::DEFAULT_ACCOUNT;
use crate::spec::{self, Member};

/// The fixture documents built into the binary (the repository's `fixtures/`).
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "fixtures/documented-examples.json",
        include_str!("../../fixtures/documented-examples.json"),
    ),
    (
        "fixtures/demo-world.json",
        include_str!("../../fixtures/demo-world.json"),
    ),
    (
        "fixtures/demo-events-a.json",
        include_str!("../../fixtures/demo-events-a.json"),
    ),
    (
        "fixtures/demo-events-b.json",
        include_str!("../../fixtures/demo-events-b.json"),
    ),
    (
        "fixtures/demo-vulns.json",
        include_str!("../../fixtures/demo-vulns.json"),
    ),
    (
        "fixtures/demo-compliance.json",
        include_str!("../../fixtures/demo-compliance.json"),
    ),
];

/// A rejected fixture: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FixtureError {
    /// The file (or `request body`).
    pub source: String,
    /// Position of the record in `images`, counted from 1, when the problem is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    /// The record's identifier, when it has a readable one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// A record's identifier in an error: a number, or a string for collections with
/// string identifiers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum RecordId {
    Int(i64),
    Str(String),
}

impl RecordId {
    /// The identifier a record's JSON value names, if it is a number or a string.
    pub fn of(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().map(Self::Int),
            Value::String(s) => Some(Self::Str(s.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(n) => write!(f, "{n}"),
            Self::Str(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(i) = self.record {
            write!(f, ": record {i}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (Id {id})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FixtureError {}

/// The members a record may carry: the detail response's, then `ImageRepoInfo`'s
/// (looked up once per field of every record, so indexed once).
fn member(name: &str) -> Option<&'static Member> {
    static MEMBERS: OnceLock<HashMap<&'static str, &'static Member>> = OnceLock::new();
    MEMBERS
        .get_or_init(|| {
            let svc = spec::tcss();
            let detail = svc
                .action("DescribeAssetImageRegistryDetail")
                .map(|a| svc.object(a.output).members)
                .unwrap_or_default();
            let repo = svc
                .object_named("ImageRepoInfo")
                .map(|o| o.members)
                .unwrap_or_default();
            let mut map = HashMap::new();
            // Later inserts do not replace: the detail response's spelling wins.
            for m in detail.iter().chain(repo) {
                if m.name != "RequestId" && m.name != "Id" {
                    map.entry(m.name).or_insert(m);
                }
            }
            map
        })
        .get(name)
        .copied()
}

/// Fixture-only fields: an image's findings, in the API's own object types.
pub const FINDINGS: [(&str, &str); 3] = [
    ("Vulnerabilities", "ImageVul"),
    ("Risks", "ImageRisk"),
    ("Viruses", "ImageVirus"),
];

/// The fixture-only field declaring that the next scan of the image fails.
pub const SCAN_FAILURE: &str = "ScanFailure";

/// The error fields a `ScanFailure` may give.
pub const SCAN_ERRORS: [&str; 3] = ["ScanVulError", "ScanVirusError", "ScanRiskError"];

/// Checks a findings list (`Vulnerabilities`, ...) or `ScanFailure`; the value back
/// (`Err`) when `name` is neither.
fn check_extra(name: &str, value: Value) -> Result<Result<Value, String>, Value> {
    let svc = spec::tcss();
    if name == SCAN_FAILURE {
        let Value::Object(map) = value else {
            return Ok(Err(format!(
                "`{SCAN_FAILURE}` is an object of {}",
                SCAN_ERRORS.join(", ")
            )));
        };
        for (k, v) in &map {
            if !SCAN_ERRORS.contains(&k.as_str()) {
                return Ok(Err(format!(
                    "`{SCAN_FAILURE}.{k}` is not one of {}",
                    SCAN_ERRORS.join(", ")
                )));
            }
            if !v.is_string() {
                return Ok(Err(format!("`{SCAN_FAILURE}.{k}` must be a string")));
            }
        }
        return Ok(Ok(Value::Object(map)));
    }
    let Some((_, type_name)) = FINDINGS.iter().find(|(field, _)| *field == name) else {
        return Err(value);
    };
    let Some(object) = svc.object_named(type_name) else {
        return Err(value);
    };
    let Value::Array(items) = value else {
        return Ok(Err(format!("`{name}` must be an array of {type_name}")));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(map) = item else {
            return Ok(Err(format!(
                "`{name}.{i}` must be an object of type {type_name}"
            )));
        };
        match spec::validate_at(svc, object, map, &format!("{name}.{i}")) {
            Ok(m) => out.push(Value::Object(m)),
            Err(e) => return Ok(Err(e.en.into_owned())),
        }
    }
    Ok(Ok(Value::Array(out)))
}

/// Parses one fixture document of image records only (`{"images": [...]}`); the
/// resource model's documents (any collection) are read by `resources::fixtures`.
pub fn parse(source: &str, text: &str) -> Result<Vec<ImageRecord>, FixtureError> {
    let mut records = Vec::new();
    for_each_item(
        source,
        text,
        usize::MAX,
        &|key| key == "images",
        |item, _| {
            if let Item::Image(record) = item {
                records.push(record);
            }
            Ok::<(), Fed<FixtureError>>(())
        },
    )
    .map_err(|e| match e {
        Fed::Fixture(e) | Fed::Other(e) => e,
    })?;
    Ok(records)
}

/// The most JSON text one record may take in a document read record by record: a
/// record's values take tens of times its text while it is checked.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// Why [`for_each_item`] stopped.
#[derive(Debug)]
pub enum Fed<E> {
    /// The document or a record is refused.
    Fixture(FixtureError),
    /// What the caller's `each` said.
    Other(E),
}

/// One record of a document: a registry image (checked), or a record of another
/// top-level array (its collection's name and its JSON value, for the caller to check).
#[derive(Debug)]
pub enum Item<'k> {
    Image(ImageRecord),
    Other(&'k str, Value),
}

/// Reads the document `text` record by record (one record's values in memory at a
/// time), handing each record and the length of its JSON text to `each`, in order.
/// Top-level keys must satisfy `known`; a record of more than `max_record` bytes is
/// refused; a refusal names the record (counted from 1). Stops at the first error.
pub fn for_each_item<E>(
    source: &str,
    text: &str,
    max_record: usize,
    known: &dyn Fn(&str) -> bool,
    mut each: impl FnMut(Item<'_>, usize) -> Result<(), Fed<E>>,
) -> Result<(), Fed<E>> {
    let err = |message: String| FixtureError {
        source: source.to_string(),
        record: None,
        id: None,
        field: None,
        message,
    };
    let read = document::for_each_record(text, known, |key, _, raw| {
        let len = raw.get().len();
        if len > max_record {
            return Err(Fed::Fixture(err(format!(
                "the record's JSON is {len} bytes, more than {max_record}: split it over several records"
            ))));
        }
        let value = serde_json::from_str::<Value>(raw.get())
            .map_err(|e| Fed::Fixture(err(format!("not valid JSON: {e}"))))?;
        if key != "images" {
            return each(Item::Other(key, value), len);
        }
        let record = parse_record(value).map_err(|(id, field, message)| {
            Fed::Fixture(FixtureError {
                id: id.map(RecordId::Int),
                field,
                ..err(message)
            })
        })?;
        each(Item::Image(record), len)
    });
    match read {
        Ok(()) => Ok(()),
        Err(DocError::Json(e)) => Err(Fed::Fixture(err(format!("not valid JSON: {e}")))),
        Err(DocError::NotObject) => Err(Fed::Fixture(err(
            "a fixture document is a JSON object `{\"images\": [...], \"<collection>\": [...]}`".into(),
        ))),
        Err(DocError::UnknownField(key)) => Err(Fed::Fixture(FixtureError {
            field: Some(key),
            ..err(
                "unknown or repeated top-level field (expected `images` or a collection of GET /_emulator/resources, once each)"
                    .into(),
            )
        })),
        Err(DocError::NotArray(key)) => Err(Fed::Fixture(FixtureError {
            message: format!("`{key}` must be an array of records"),
            field: Some(key),
            ..err(String::new())
        })),
        // The record's number goes into a fixture error; the caller's own as is.
        Err(DocError::Record(i, Fed::Fixture(e))) => Err(Fed::Fixture(FixtureError {
            record: Some(i + 1),
            ..e
        })),
        Err(DocError::Record(_, other)) => Err(other),
    }
}

/// A registry-image record as a fixture document holds it (`Id`, `Account`, fields).
pub fn image_json(r: &ImageRecord) -> Value {
    let mut map = Map::with_capacity(r.fields.len() + 2);
    map.insert("Id".into(), Value::from(r.id));
    map.insert("Account".into(), Value::from(r.account.clone()));
    map.extend(r.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    Value::Object(map)
}

/// The records of a document's `images` array.
pub fn parse_images(source: &str, images: Value) -> Result<Vec<ImageRecord>, FixtureError> {
    let err = |message: String| FixtureError {
        source: source.to_string(),
        record: None,
        id: None,
        field: None,
        message,
    };
    let Value::Array(images) = images else {
        return Err(FixtureError {
            field: Some("images".into()),
            ..err("`images` must be an array of records".into())
        });
    };
    images
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            parse_record(record).map_err(|(id, field, message)| FixtureError {
                record: Some(i + 1),
                id: id.map(RecordId::Int),
                field,
                ..err(message)
            })
        })
        .collect()
}

type RecordError = (Option<i64>, Option<String>, String);

fn parse_record(record: Value) -> Result<ImageRecord, RecordError> {
    let Value::Object(mut map) = record else {
        return Err((None, None, "a record must be a JSON object".into()));
    };
    // A record copied from the documentation: {"Response": {...}}.
    if map.len() == 1
        && let Some(Value::Object(inner)) = map.shift_remove("Response")
    {
        map = inner;
        map.shift_remove("RequestId");
    }
    let id = match map.shift_remove("Id") {
        Some(Value::Number(n)) => n.as_i64().filter(|&i| i >= 0),
        Some(Value::String(s)) => s.parse::<i64>().ok().filter(|&i| i >= 0),
        Some(_) => None,
        None => {
            return Err((
                None,
                Some("Id".into()),
                "every record needs an integer `Id`".into(),
            ));
        }
    }
    .ok_or_else(|| {
        (
            None,
            Some("Id".into()),
            "`Id` must be an integer from 0 to 2^63-1".into(),
        )
    })?;
    let account = match map.shift_remove("Account") {
        None | Some(Value::Null) => DEFAULT_ACCOUNT.to_string(),
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(_) => {
            return Err((
                Some(id),
                Some("Account".into()),
                "`Account` must be a non-empty string".into(),
            ));
        }
    };
    let mut fields = Map::with_capacity(map.len() + 1);
    for (name, value) in map {
        if value.is_null() {
            continue;
        }
        let value = match check_extra(&name, value) {
            Ok(checked) => {
                let value = checked.map_err(|e| (Some(id), Some(name.clone()), e))?;
                fields.insert(name, value);
                continue;
            }
            Err(value) => value,
        };
        let Some(m) = member(&name) else {
            return Err((
                Some(id),
                Some(name),
                "unknown field (not a member of the image record)".into(),
            ));
        };
        if value.is_null() {
            continue;
        }
        let value = spec::check_member(spec::tcss(), m, value, &name)
            .map_err(|e| (Some(id), Some(name.clone()), e.en.into_owned()))?;
        fields.insert(name, value);
    }
    // The API spells the sensitive-item count two ways; a record with one has both.
    for (from, to) in [
        ("SentiveInfoCnt", "SensitiveInfoCnt"),
        ("SensitiveInfoCnt", "SentiveInfoCnt"),
    ] {
        if let (Some(v), false) = (fields.get(from).cloned(), fields.contains_key(to)) {
            fields.insert(to.to_string(), v);
        }
    }
    Ok(ImageRecord {
        id,
        account,
        fields,
    })
}

/// The fixture files of `path`: the file itself, or a directory's `.json` files in
/// name order.
pub fn files(path: &Path) -> Result<Vec<PathBuf>, FixtureError> {
    let unreadable = |e: std::io::Error| FixtureError {
        source: path.display().to_string(),
        record: None,
        id: None,
        field: None,
        message: format!("cannot read: {e}"),
    };
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(record: Value) -> Result<ImageRecord, FixtureError> {
        parse("t.json", &json!({ "images": [record] }).to_string()).map(|mut v| v.remove(0))
    }

    #[test]
    fn bundled_fixtures_hold_both_documented_examples() {
        let records = crate::resources::fixtures::bundled().unwrap().images;
        let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![5427, 3421599]);
        let first = &records[0];
        assert_eq!(first.fields["VulCnt"], json!(172));
        assert_eq!(first.fields["SensitiveInfoCnt"], json!(1));
        let layer = first.fields["LayerInfo"].as_str().unwrap();
        assert!(layer.contains("#(nop)  LABEL"), "double spaces kept");
    }

    #[test]
    fn wrapped_response_records_are_accepted() {
        let r = one(json!({"Response": {"Id": 9, "ImageName": "x", "RequestId": "r"}})).unwrap();
        assert_eq!(r.id, 9);
        assert_eq!(
            r.fields,
            json!({"ImageName": "x"}).as_object().unwrap().clone()
        );
    }

    #[test]
    fn bad_records_name_file_record_and_field() {
        let cases = [
            (json!({"ImageName": "x"}), "Id"),
            (json!({"Id": "x"}), "Id"),
            (json!({"Id": -1}), "Id"),
            (json!({"Id": 1, "Bogus": 1}), "Bogus"),
            (json!({"Id": 1, "VulCnt": "many"}), "VulCnt"),
            (json!({"Id": 1, "ImageName": {}}), "ImageName"),
            (json!({"Id": 1, "ImageName": 12345}), "ImageName"),
            (json!({"Id": 1, "ImageTag": true}), "ImageTag"),
            (json!({"Id": 1, "Account": 5}), "Account"),
        ];
        for (record, field) in cases {
            let err = one(record.clone()).unwrap_err();
            assert_eq!(err.source, "t.json");
            assert_eq!(err.record, Some(1), "{record}");
            assert_eq!(err.field.as_deref(), Some(field), "{record}");
            assert!(err.to_string().starts_with("t.json: record 1"), "{err}");
        }
    }

    #[test]
    fn a_non_string_string_field_refuses_the_whole_document_naming_it() {
        let doc = json!({"images": [
            {"Id": 1, "ImageName": "ok"},
            {"Id": 2, "ImageName": "ok"},
            {"Id": 3, "ImageName": 12345},
        ]});
        let err = parse("three.json", &doc.to_string()).unwrap_err();
        assert_eq!(
            (err.record, err.id.clone(), err.field.as_deref()),
            (Some(3), Some(RecordId::Int(3)), Some("ImageName"))
        );
        assert_eq!(
            err.to_string(),
            "three.json: record 3 (Id 3): field `ImageName`: The value type of parameter \
             `ImageName` is wrong. The parameter type should be `string`"
        );
        let err = one(json!({"Id": 4, "Vulnerabilities": [{"CVEID": 7}]})).unwrap_err();
        assert!(err.message.contains("`Vulnerabilities.0.CVEID`"), "{err}");
    }

    #[test]
    fn documents_of_the_wrong_shape_are_rejected() {
        for text in ["[]", "{\"imgs\": []}", "{\"images\": {}}", "not json"] {
            assert!(parse("t.json", text).is_err(), "{text}");
        }
        assert_eq!(parse("t.json", "{}").unwrap(), vec![]);
    }

    #[test]
    fn findings_and_scan_failures_are_checked_against_their_types() {
        let r = one(json!({"Id": 1, "Vulnerabilities": [{"CVEID": "CVE-1", "Level": "3", "Tag": ["a"]}],
            "Risks": [{"Behavior": "2", "Level": "high"}], "Viruses": [], "ScanFailure": {"ScanVulError": "ConnFailed"}}))
        .unwrap();
        assert_eq!(r.fields["Risks"][0]["Behavior"], json!(2));
        for (record, field) in [
            (
                json!({"Id": 1, "Vulnerabilities": [{"Bogus": 1}]}),
                "Vulnerabilities",
            ),
            (
                json!({"Id": 1, "Vulnerabilities": {"CVEID": "x"}}),
                "Vulnerabilities",
            ),
            (json!({"Id": 1, "Risks": [{"Behavior": "high"}]}), "Risks"),
            (
                json!({"Id": 1, "ScanFailure": {"Nope": "x"}}),
                "ScanFailure",
            ),
            (json!({"Id": 1, "ScanFailure": true}), "ScanFailure"),
        ] {
            let err = one(record.clone()).unwrap_err();
            assert_eq!(err.field.as_deref(), Some(field), "{record}");
        }
        let err = one(json!({"Id": 1, "Vulnerabilities": [{}, {"Bogus": 1}]})).unwrap_err();
        assert!(
            err.message.contains("Vulnerabilities.1.Bogus"),
            "{}",
            err.message
        );
    }

    #[test]
    fn image_repo_info_fields_and_accounts_are_accepted() {
        let r = one(json!({"Id": 1, "IsLatestImage": true, "Account": "team-a"})).unwrap();
        assert_eq!(r.account, "team-a");
        assert_eq!(r.fields["IsLatestImage"], json!(true));
    }
}
