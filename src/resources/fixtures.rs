//! Fixture documents of the whole model: `{"images": [...], "<collection>": [...]}`.
//! `images` are the registry images (`store::fixtures`); any other key names a
//! collection of the resource table, whose records use the field names of any of the
//! types the resource is shown as (without regard to case: `ClusterID` and
//! `ClusterId` are one field, stored under the first type's spelling), checked
//! against those types. A bad record rejects the document, naming file, record
//! (counted from 1, as `images`), identifier and field.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::engine::id_text;
use super::{Id, Resource, known_member, resource};
use crate::signature::DEFAULT_ACCOUNT;
use crate::spec;
use crate::store::fixtures::{Fed, FixtureError, Item, RecordId, for_each_item, parse_images};
use crate::store::{ImageRecord, Record};

/// What a fixture document holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub images: Vec<ImageRecord>,
    pub records: Vec<Record>,
}

impl Document {
    pub fn extend(&mut self, other: Document) {
        self.images.extend(other.images);
        self.records.extend(other.records);
    }

    /// Records of both kinds.
    pub fn len(&self) -> usize {
        self.images.len() + self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One record of a document, checked.
#[derive(Debug)]
pub enum Entry {
    Image(ImageRecord),
    Record(Record),
}

/// Reads the document `text` record by record (one record's values in memory at a
/// time), handing each checked record and the length of its JSON text to `each`, in
/// order. A record of more than `max_record` bytes is refused. Stops at the first
/// error; a refusal names file, record (counted from 1), identifier and field.
pub fn for_each<E>(
    source: &str,
    text: &str,
    max_record: usize,
    mut each: impl FnMut(Entry, usize) -> Result<(), E>,
) -> Result<(), Fed<E>> {
    let known = |key: &str| key == "images" || resource(key).is_some();
    for_each_item(source, text, max_record, &known, |item, len| match item {
        Item::Image(image) => each(Entry::Image(image), len).map_err(Fed::Other),
        Item::Other(key, value) => {
            let Some(res) = resource(key) else {
                return Ok(());
            };
            let record = parse_record(res, value).map_err(|(id, field, message)| {
                Fed::Fixture(FixtureError {
                    source: source.to_string(),
                    record: None,
                    id: id.as_ref().and_then(RecordId::of),
                    field,
                    message: format!("{key}: {message}"),
                })
            })?;
            each(Entry::Record(record), len).map_err(Fed::Other)
        }
    })
}

/// Parses one fixture document.
pub fn parse(source: &str, text: &str) -> Result<Document, FixtureError> {
    let mut out = Document::default();
    for_each(source, text, usize::MAX, |entry, _| {
        match entry {
            Entry::Image(image) => out.images.push(image),
            Entry::Record(record) => out.records.push(record),
        }
        Ok::<(), FixtureError>(())
    })
    .map_err(|e| match e {
        Fed::Fixture(e) | Fed::Other(e) => e,
    })?;
    Ok(out)
}

type RecordError = (Option<Value>, Option<String>, String);

/// The fixture field of a registry holding its images (registry-image records).
pub const REGISTRY_IMAGES: &str = "Images";
/// Where a registry record keeps them until a sync brings them in.
pub const SYNCED_IMAGES: &str = "__images";

fn parse_record(res: &'static Resource, item: Value) -> Result<Record, RecordError> {
    let Value::Object(map) = item else {
        return Err((None, None, "a record must be a JSON object".into()));
    };
    let svc = spec::tcss();
    let mut account = DEFAULT_ACCOUNT.to_string();
    let mut fields = Map::with_capacity(map.len());
    // The identifier first, so that errors name it.
    let id_value = res.id.member().and_then(|m| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(m))
            .map(|(_, v)| v.clone())
    });
    let shown_id = id_value.clone();
    for (name, value) in map {
        if value.is_null() {
            continue;
        }
        if name == "Account" {
            match value {
                Value::String(s) if !s.is_empty() => account = s,
                _ => {
                    return Err((
                        shown_id,
                        Some(name),
                        "`Account` must be a non-empty string".into(),
                    ));
                }
            }
            continue;
        }
        // A registry's images, registry-image records that its sync brings in.
        if res.name == "registries" && name == REGISTRY_IMAGES {
            let images = parse_images("Images", value)
                .map_err(|e| (shown_id.clone(), Some(name.clone()), e.to_string()))?;
            let kept: Vec<Value> = images
                .iter()
                .map(crate::store::fixtures::image_json)
                .collect();
            fields.insert(SYNCED_IMAGES.into(), Value::Array(kept));
            continue;
        }
        // Internal state the emulator keeps in a record (pending changes and the
        // like, `__`-prefixed): exported with the state, so imported back.
        if name.starts_with("__") {
            fields.insert(name, value);
            continue;
        }
        // A link to what the record belongs to (a string, as identifiers are).
        if let Some(link) = res.links.iter().find(|l| l.eq_ignore_ascii_case(&name)) {
            let Value::String(_) = value else {
                return Err((shown_id, Some(name), format!("`{link}` must be a string")));
            };
            fields.insert((*link).to_string(), value);
            continue;
        }
        let Some(m) = known_member(res, &name) else {
            return Err((
                shown_id,
                Some(name),
                format!("unknown field (not a member of {})", res.types.join(", ")),
            ));
        };
        let value = spec::check_member(svc, m, value, &name)
            .map_err(|e| (shown_id.clone(), Some(name.clone()), e.en.into_owned()))?;
        if fields.insert(m.name.to_string(), value).is_some() {
            return Err((shown_id, Some(name), format!("`{}` is given twice", m.name)));
        }
    }
    let (id, seq) = match res.id {
        Id::Int(member) => {
            let n = id_value
                .as_ref()
                .and_then(|v| match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                })
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    (
                        shown_id.clone(),
                        Some(member.to_string()),
                        format!("every record needs a positive integer `{member}`"),
                    )
                })?;
            (n.to_string(), n)
        }
        Id::Str(member, _) => {
            let id = id_value.as_ref().and_then(id_text).ok_or_else(|| {
                (
                    shown_id.clone(),
                    Some(member.to_string()),
                    format!("every record needs a non-empty `{member}`"),
                )
            })?;
            (id, 0)
        }
        Id::Seq => (String::new(), 0),
        Id::Singleton => ("default".to_string(), 0),
    };
    Ok(Record {
        collection: res.name.to_string(),
        account,
        id,
        seq,
        fields,
    })
}

/// Reads fixture files: each path is a `.json` file or a directory of them (name order).
pub fn load_paths(paths: &[PathBuf]) -> Result<Document, FixtureError> {
    let mut out = Document::default();
    for path in paths {
        for file in crate::store::fixtures::files(path)? {
            out.extend(load_file(&file)?);
        }
    }
    Ok(out)
}

fn load_file(file: &Path) -> Result<Document, FixtureError> {
    let text = std::fs::read_to_string(file).map_err(|e| FixtureError {
        source: file.display().to_string(),
        record: None,
        id: None,
        field: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(&file.display().to_string(), &text)
}

/// The bundled documents, parsed.
pub fn bundled() -> Result<Document, FixtureError> {
    let mut out = Document::default();
    for (name, text) in crate::store::fixtures::BUNDLED {
        out.extend(parse(name, text)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_take_any_of_their_types_spelling() {
        let doc = parse(
            "t",
            r#"{"clusters": [{"ClusterID": "cls-a", "ClusterName": "prod", "Status": "CSR_RUNNING"}],
                "registries": [{"RegistryId": 7, "Name": "hub"}],
                "processes": [{"PID": 1, "Exe": "/pause"}]}"#,
        )
        .unwrap();
        assert_eq!(doc.records.len(), 3);
        let c = &doc.records[0];
        assert_eq!(
            (c.id.as_str(), c.fields["ClusterId"].as_str()),
            ("cls-a", Some("cls-a"))
        );
        assert_eq!(doc.records[1].seq, 7);
    }

    #[test]
    fn bad_collection_records_name_record_id_and_field() {
        let e = parse(
            "f.json",
            r#"{"clusters": [{"ClusterId": "cls-a", "ClusterNodeNum": "x"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.record, Some(1));
        assert_eq!(e.id, Some(RecordId::Str("cls-a".into())));
        assert_eq!(e.field.as_deref(), Some("ClusterNodeNum"));
        let e = parse("f.json", r#"{"clusters": [{"Nope": 1, "ClusterId": "c"}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Nope"));
        let e = parse("f.json", r#"{"clusters": [{"ClusterName": "no id"}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ClusterId"));
        let e = parse("f.json", r#"{"widgets": []}"#).unwrap_err();
        assert!(e.message.contains("unknown"), "{e}");
        assert_eq!(e.field.as_deref(), Some("widgets"));
    }
}
