//! Table-driven, over the resource table itself: for every list, read, delete and
//! status binding, a record is seeded with values no documented example has (through
//! the admin route, as a user seeds), the action is called, and the answer must show
//! that record (not the action's example) in a body valid against the response
//! schema. A resource added to the table is covered without a line here.

use serde_json::{Map, Value, json};
use tcss_emulator::resources::{Bind, Id, Resource, catalog, member_object, object};
use tcss_emulator::spec::{self, Action, Kind, Member};

use crate::helpers::*;
use crate::spec_examples::check_object;

/// A value of `m`'s type that no example holds, or `None` for structures and lists.
fn seed_value(m: &Member, tag: &str) -> Option<Value> {
    if m.list {
        return None;
    }
    Some(match m.kind {
        Kind::String => json!(format!("seed-{}-{tag}", m.name.to_ascii_lowercase())),
        Kind::Date => json!("2026-11-30"),
        Kind::DateTime | Kind::DateTimeIso => json!("2026-11-30 10:00:00"),
        // One type's float is another's integer (`ExportProgress`): 7 is both.
        Kind::Int64 | Kind::Uint64 | Kind::Float => json!(7),
        Kind::Bool => json!(true),
        Kind::Object(_) => return None,
    })
}

/// The identifier a seeded record gets, as the member's type wants it.
fn seed_id(res: &Resource, tag: &str) -> Option<(&'static str, Value)> {
    let member = res.id.member()?;
    let kind = res
        .types
        .iter()
        .flat_map(|t| object(t).members)
        .find(|m| m.name.eq_ignore_ascii_case(member))
        .map(|m| m.kind);
    let value = match (res.id, kind) {
        (Id::Int(_), Some(Kind::String)) => json!("9001"),
        (Id::Int(_), _) => json!(9001),
        (Id::Str(_, prefix), _) => json!(format!("{prefix}seed{tag}")),
        _ => return None,
    };
    Some((member, value))
}

/// A record of `res` in the spelling of `shown_as`: every scalar member a seed value,
/// the identifier member the seeded id.
/// (Records without an identifier member, `Id::Seq`, get none; settings none at all.)
fn seed_record(res: &Resource, shown_as: &spec::Object, tag: &str) -> Option<Map<String, Value>> {
    if res.id == Id::Singleton {
        return None;
    }
    let id = seed_id(res, tag);
    let member = id.as_ref().map_or("", |(m, _)| *m);
    let mut record = Map::new();
    for m in shown_as.members {
        // A record holds one value per name without regard to case (`PortInfo` has
        // both `PublicIP` and `PublicIp`: one field).
        if m.name.eq_ignore_ascii_case(member)
            || m.name == "RequestId"
            || record
                .keys()
                .any(|k: &String| k.eq_ignore_ascii_case(m.name))
        {
            continue;
        }
        if let Some(v) = seed_value(m, tag) {
            record.insert(m.name.to_string(), v);
        }
    }
    if let Some((member, id)) = id {
        record.insert(member.to_string(), id);
    }
    // What the record belongs to (a component's `ContainerID`).
    for link in res.links {
        record
            .entry(link.to_string())
            .or_insert_with(|| json!(format!("seed-{}-{tag}", link.to_ascii_lowercase())));
    }
    Some(record)
}

async fn seed(app: &TestApp, res: &Resource, record: &Map<String, Value>) {
    let doc = json!({ res.name: [record] }).to_string();
    let (status, body) = app
        .admin(reqwest::Method::POST, "fixtures", Some(&doc), None)
        .await;
    assert_eq!(status, 200, "{}: seeding {record:?}: {body}", res.name);
}

/// The request members an action requires, taken from the record by name.
fn required_from(action: &Action, record: &Map<String, Value>) -> Option<Map<String, Value>> {
    let input = spec::tcss().object(action.input);
    let mut params = Map::new();
    for m in input.members.iter().filter(|m| m.required) {
        let v = record
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(m.name))
            .map(|(_, v)| v.clone())?;
        params.insert(m.name.to_string(), v);
    }
    Some(params)
}

fn as_input(action: &Action, member: &str, id: &Value) -> Value {
    let input = spec::tcss().object(action.input);
    let Some(m) = input.member(member) else {
        return id.clone();
    };
    let one = match (m.kind, id) {
        (Kind::String, Value::Number(n)) => json!(n.to_string()),
        (Kind::Int64 | Kind::Uint64, Value::String(s)) => json!(s.parse::<u64>().unwrap_or(0)),
        _ => id.clone(),
    };
    if m.list { json!([one]) } else { one }
}

fn valid(action: &Action, answer: &Value) {
    let out = spec::tcss().object(action.output);
    if let Err(e) = check_object(spec::tcss(), out.members, answer, action.name) {
        panic!("{}: not schema-valid: {e}\n{answer}", action.name);
    }
}

fn shows(answer: &Value, needle: &Value) -> bool {
    match answer {
        v if v == needle => true,
        Value::Object(m) => m.values().any(|v| shows(v, needle)),
        Value::Array(a) => a.iter().any(|v| shows(v, needle)),
        _ => false,
    }
}

#[tokio::test]
async fn every_list_and_read_answers_from_the_records_seeded_for_it() {
    let app = spawn_app().await;
    let svc = spec::tcss();
    let (mut lists, mut reads) = (0, 0);
    for (n, res) in catalog::all().enumerate() {
        if res.name == tcss_emulator::resources::IMAGES {
            continue; // the registry images have their own suites (registry.rs, detail.rs)
        }
        for bind in res.bind {
            let action = svc.action(bind.action()).unwrap();
            let tag = format!("{n}{}", bind.action().len());
            match *bind {
                Bind::List { items, total, .. } => {
                    let item = member_object(object(svc.object(action.output).name), items)
                        .unwrap_or_else(|| panic!("{}: no item type", action.name));
                    let Some(record) = seed_record(res, item, &tag) else {
                        continue;
                    };
                    seed(&app, res, &record).await;
                    let Some(mut params) = required_from(action, &record) else {
                        eprintln!(
                            "skipped {}: a required member the record has not",
                            action.name
                        );
                        continue;
                    };
                    if svc.object(action.input).member("Limit").is_some() {
                        params.insert("Limit".into(), json!(100));
                    }
                    let answer = app.call(action.name, Value::Object(params)).await;
                    assert!(code(&answer).is_none(), "{}: {answer}", action.name);
                    valid(action, &answer);
                    let id = res.id.member().map(|m| record[m].clone());
                    let shown = record
                        .iter()
                        .find(|(k, v)| Some(k.as_str()) != res.id.member() && v.is_string())
                        .map(|(_, v)| v.clone());
                    assert!(
                        answer[total].as_u64().unwrap_or(0) >= 1,
                        "{}: {answer}",
                        action.name
                    );
                    assert!(
                        answer[items].as_array().is_some_and(|l| l
                            .iter()
                            .any(|i| id.as_ref().is_some_and(|id| shows(i, id))
                                || shown.as_ref().is_some_and(|s| shows(i, s)))),
                        "{}: the seeded record is not listed: {answer}",
                        action.name
                    );
                    lists += 1;
                }
                Bind::Read { by, into, .. } => {
                    let shown_as = match into {
                        Some(m) => member_object(object(svc.object(action.output).name), m),
                        None => Some(svc.object(action.output)),
                    };
                    let Some(record) = shown_as.and_then(|o| seed_record(res, o, &tag)) else {
                        continue;
                    };
                    let Some(id) = res.id.member().map(|m| record[m].clone()) else {
                        continue;
                    };
                    seed(&app, res, &record).await;
                    let mut params = required_from(action, &record).unwrap_or_default();
                    params.insert(by.into(), as_input(action, by, &id));
                    let answer = app.call(action.name, Value::Object(params)).await;
                    assert!(code(&answer).is_none(), "{}: {answer}", action.name);
                    valid(action, &answer);
                    let seeded = record
                        .values()
                        .filter(|v| v.as_str().is_some_and(|s| s.starts_with("seed-")))
                        .collect::<Vec<_>>();
                    assert!(
                        seeded.is_empty() || seeded.iter().any(|v| shows(&answer, v)),
                        "{}: the seeded record is not what is read: {answer}",
                        action.name
                    );
                    // An identifier no record has is not answered by the example.
                    let mut params = required_from(action, &record).unwrap_or_default();
                    params.insert(by.into(), as_input(action, by, &json!("404")));
                    let missing = app.call(action.name, Value::Object(params)).await;
                    assert!(code(&missing).is_some(), "{}: {missing}", action.name);
                    reads += 1;
                }
                _ => {}
            }
        }
    }
    assert!(lists >= 21 && reads >= 7, "{lists} lists, {reads} reads");
    app.stop().await;
}

#[tokio::test]
async fn every_delete_and_status_change_reaches_the_record() {
    let app = spawn_app().await;
    let svc = spec::tcss();
    let (mut deletes, mut changes) = (0, 0);
    for (n, res) in catalog::all().enumerate() {
        let Some(shown_as) = res.types.first().map(|t| object(t)) else {
            continue;
        };
        for bind in res.bind {
            let action = svc.action(bind.action()).unwrap();
            let tag = format!("d{n}{}", bind.action().len());
            let Some(record) = seed_record(res, shown_as, &tag) else {
                continue;
            };
            let Some(id) = res.id.member().map(|m| record[m].clone()) else {
                continue;
            };
            let key = match &id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let path = format!("resources/{}/{key}", res.name);
            match *bind {
                Bind::Delete { ids, .. } => {
                    seed(&app, res, &record).await;
                    let mut params = required_from(action, &record).unwrap_or_default();
                    params.insert(ids.into(), as_input(action, ids, &id));
                    let answer = app.call(action.name, Value::Object(params)).await;
                    assert!(code(&answer).is_none(), "{}: {answer}", action.name);
                    valid(action, &answer);
                    let (status, _) = app.admin(reqwest::Method::GET, &path, None, None).await;
                    assert_eq!(status, 404, "{}: {key} is still there", action.name);
                    deletes += 1;
                }
                Bind::Status { ids, set, .. } => {
                    seed(&app, res, &record).await;
                    let mut params = required_from(action, &record).unwrap_or_default();
                    params.insert(ids.into(), as_input(action, ids, &id));
                    let input = svc.object(action.input);
                    let mut want = Vec::new();
                    for (field, member) in set {
                        let Some(m) = input.member(member) else {
                            continue;
                        };
                        if let Some(v) = seed_value(m, "changed") {
                            params.insert((*member).to_string(), v.clone());
                            want.push((*field, v));
                        }
                    }
                    let answer = app.call(action.name, Value::Object(params)).await;
                    assert!(code(&answer).is_none(), "{}: {answer}", action.name);
                    valid(action, &answer);
                    let (status, stored) = app.admin(reqwest::Method::GET, &path, None, None).await;
                    assert_eq!(status, 200, "{}: {stored}", action.name);
                    for (field, v) in want {
                        assert_eq!(stored[field], v, "{}: {field} in {stored}", action.name);
                    }
                    changes += 1;
                }
                _ => {}
            }
        }
    }
    assert!(deletes >= 1, "{deletes} deletes, {changes} status changes");
    app.stop().await;
}
