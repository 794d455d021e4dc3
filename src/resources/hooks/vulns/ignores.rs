//! Ignored vulnerabilities: `AddIgnoreVul` ignores a vulnerability for the images it
//! names (`ImageType` `LOCAL`, the default, or `REGISTRY`: a registry image's asset id
//! or image id; any other `ImageType` is `LOCAL`: the documented example sends `2`
//! with a local image id) or, with no `ImageIDs`, for every image (`IsIgnoreAll` 1);
//! `DeleteIgnoreVul` takes the images back (no `ImageIDs`: every ignore of the
//! vulnerability). An unknown `PocID` is ignored all the same, under the id it was
//! given (a gate may ignore an accepted vulnerability before any scan finds it); an
//! empty one is `InvalidParameterValue`. One `ScanIgnoreVul` record per vulnerability
//! counts its ignored images (`DescribeScanIgnoreVulList`); each ignored image is a
//! record of
//! `vuln_ignored_local_images` or `vuln_ignored_registry_images` (their lists take
//! `PocID`). Deleting what is not ignored does nothing; an image the model does not
//! know is kept under the id it was given.

use serde_json::{Map, Value, json};

use super::super::super::engine::{id_text, load, new_record, save};
use super::super::super::{Env, Resource, resource};
use super::super::series::text;
use super::super::{datetime, fields};
use super::Model;
use crate::error::ApiError;
use crate::store::Record;

/// One entry of the request's `List` (`ModifyIgnoreVul`).
struct Entry {
    poc: String,
    images: Vec<String>,
    registry: bool,
}

fn entries(params: &Map<String, Value>) -> Result<Vec<Entry>, ApiError> {
    let list = params.get("List").and_then(Value::as_array);
    Ok(list
        .into_iter()
        .flatten()
        .map(|e| Entry {
            poc: e.get("PocID").and_then(id_text).unwrap_or_default(),
            images: e
                .get("ImageIDs")
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(id_text).collect())
                .unwrap_or_default(),
            registry: e
                .get("ImageType")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("REGISTRY")),
        })
        .collect())
}

fn collection(name: &str) -> Result<&'static Resource, ApiError> {
    resource(name).ok_or_else(ApiError::internal)
}

/// The per-image collection of an entry.
fn images_of(registry: bool) -> Result<&'static Resource, ApiError> {
    collection(if registry {
        "vuln_ignored_registry_images"
    } else {
        "vuln_ignored_local_images"
    })
}

/// Rewrites the `ScanIgnoreVul` record of `poc` from its ignored images (deleted
/// when nothing of it is ignored any more).
fn recount(env: &Env, m: &Model, poc: &str, ignore_all: Option<bool>) -> Result<(), ApiError> {
    let summaries = collection("vuln_ignores")?;
    let existing = env.store.record(summaries.name, &env.account, poc)?;
    let all = ignore_all.unwrap_or_else(|| {
        existing
            .as_ref()
            .is_some_and(|r| r.fields.get("IsIgnoreAll") == Some(&json!(1)))
    });
    let count = |registry: bool| -> Result<usize, ApiError> {
        Ok(load(env, images_of(registry)?)?
            .iter()
            .filter(|r| text(&r.fields, "PocID") == poc)
            .count())
    };
    let (local, registry) = (count(false)?, count(true)?);
    if !all && local == 0 && registry == 0 {
        env.store
            .delete_records(summaries.name, &env.account, &[poc.to_string()])?;
        return Ok(());
    }
    let vuln = m.vuln(poc).cloned().unwrap_or_default();
    let mut record = match existing {
        Some(r) => r,
        None => Record {
            collection: summaries.name.to_string(),
            account: env.account.clone(),
            id: poc.to_string(),
            seq: env.store.next_seq(summaries.name, &env.account)?,
            fields: Map::new(),
        },
    };
    record.fields.extend(fields([
        ("PocID", json!(poc)),
        ("VulName", json!(text(&vuln, "Name"))),
        ("CVEID", json!(text(&vuln, "CVEID"))),
        ("LocalImageCount", json!(local)),
        ("RegistryImageCount", json!(registry)),
        ("IsIgnoreAll", json!(i64::from(all))),
        ("UpdateTime", json!(datetime(env.now_ms))),
    ]));
    save(env, std::slice::from_ref(&record))
}

pub fn add(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let m = Model::load(env)?;
    let list = entries(&params)?;
    if list.iter().any(|e| e.poc.is_empty()) {
        return Err(ApiError::invalid_parameter_value(
            "List.PocID",
            "every entry names a PocID",
        ));
    }
    for e in &list {
        if e.images.is_empty() {
            recount(env, &m, &e.poc, Some(true))?;
            continue;
        }
        let res = images_of(e.registry)?;
        let have = load(env, res)?;
        for id in &e.images {
            let mut row = Map::new();
            let id = if e.registry {
                match m.registry_image(id) {
                    Some((asset, f)) => {
                        row.extend(fields([
                            ("RegistryName", json!(text(f, "InstanceName"))),
                            ("ImageVersion", json!(text(f, "ImageTag"))),
                            ("RegistryPath", json!(text(f, "ImageRepoAddress"))),
                        ]));
                        asset.to_string()
                    }
                    None => id.clone(),
                }
            } else {
                if let Some(image) = m.local_image(id) {
                    row.extend(fields([
                        ("ImageName", json!(text(image, "ImageName"))),
                        ("ImageSize", image.get("Size").cloned().unwrap_or(json!(0))),
                    ]));
                }
                id.clone()
            };
            let known = have
                .iter()
                .any(|r| text(&r.fields, "PocID") == e.poc && text(&r.fields, "ImageID") == id);
            if known {
                continue;
            }
            let mut record = new_record(env, res)?;
            record.fields.extend(row);
            record
                .fields
                .extend(fields([("PocID", json!(e.poc)), ("ImageID", json!(id))]));
            save(env, std::slice::from_ref(&record))?;
        }
        recount(env, &m, &e.poc, None)?;
    }
    Ok(Map::new())
}

pub fn delete(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let m = Model::load(env)?;
    for e in entries(&params)? {
        let kinds: &[bool] = if e.images.is_empty() {
            &[false, true]
        } else {
            &[e.registry]
        };
        for registry in kinds {
            let res = images_of(*registry)?;
            let gone: Vec<String> = load(env, res)?
                .into_iter()
                .filter(|r| text(&r.fields, "PocID") == e.poc)
                .filter(|r| {
                    let id = text(&r.fields, "ImageID");
                    e.images.is_empty()
                        || e.images.iter().any(|want| {
                            want == id
                                || m.registry_image(want)
                                    .is_some_and(|(asset, _)| asset.to_string() == id)
                        })
                })
                .map(|r| r.id)
                .collect();
            env.store.delete_records(res.name, &env.account, &gone)?;
        }
        let all = if e.images.is_empty() {
            Some(false)
        } else {
            None
        };
        recount(env, &m, &e.poc, all)?;
    }
    Ok(Map::new())
}
