//! The engine: each kind of binding implemented once, over the spec's types.
//!
//! Asynchronous work (an install, a defence switch) is a pending change kept in the
//! record (`__pending`: when, and the fields it sets) and applied by the first read
//! at or after its time on the emulator clock: nothing runs in the background, and a
//! test advances the clock instead of sleeping.

use serde_json::{Map, Value};

use super::{Bind, Env, Id, Resource, known_member, member_object, object, project, query};
use crate::answer::Answer;
use crate::error::ApiError;
use crate::spec::{self, Action};
use crate::store::Record;

/// The record key holding pending changes: `[{"at": ms, "set": {...}}]`.
pub const PENDING: &str = "__pending";

/// Runs `action`, bound to `res` by `bind`, with validated `params`; the answer
/// shaped to the response schema (or pre-rendered). Runs on the caller's thread
/// when the store is free (a hand-off to the blocking pool costs more than a short
/// lookup), else on the blocking pool, so a long admin write cannot stall the async
/// threads.
pub async fn call(
    env: Env,
    res: &'static Resource,
    bind: &'static Bind,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Answer, ApiError> {
    if env.store.is_free() {
        return answer(&env, res, bind, action, params);
    }
    match tokio::task::spawn_blocking(move || answer(&env, res, bind, action, params)).await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(error = %e, "resource task failed");
            Err(ApiError::internal())
        }
    }
}

fn answer(
    env: &Env,
    res: &'static Resource,
    bind: &'static Bind,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Answer, ApiError> {
    if let Bind::Rendered { hook, .. } = bind {
        return hook(env, res, params);
    }
    let raw = run(env, res, bind, action, params)?;
    Ok(Answer::Fields(crate::answer::shaped(
        spec::tcss(),
        action,
        &raw,
    )))
}

fn run(
    env: &Env,
    res: &'static Resource,
    bind: &'static Bind,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match *bind {
        Bind::List { items, total, .. } => list(env, res, action, items, total, &params),
        Bind::Read { by, into, .. } => read(env, res, action, by, into, &params),
        Bind::Create { from, returns, .. } => create(env, res, from, returns, params),
        Bind::Update { by, from, .. } => update(env, res, by, from, params),
        Bind::Delete { ids, .. } => delete(env, res, ids, &params),
        Bind::Status { ids, set, .. } => status(env, res, ids, set, &params),
        Bind::Get { .. } => get(env, res, action),
        Bind::Put { from, .. } => put_setting(env, res, from, params),
        Bind::Export { list, .. } => super::export::export(env, res, action, list, params),
        Bind::Hook { hook, .. } => hook(env, res, params),
        // Answered before shaping, in `answer`.
        Bind::Rendered { .. } => Err(ApiError::internal()),
    }
}

/// Applies the pending changes of `fields` whose time has come.
pub fn settle(fields: &mut Map<String, Value>, now_ms: i64) {
    let Some(Value::Array(pending)) = fields.shift_remove(PENDING) else {
        return;
    };
    let mut later = Vec::new();
    for change in pending {
        let at = change.get("at").and_then(Value::as_i64).unwrap_or(0);
        if at > now_ms {
            later.push(change);
        } else if let Some(Value::Object(set)) = change.get("set") {
            for (k, v) in set {
                fields.insert(k.clone(), v.clone());
            }
        }
    }
    if !later.is_empty() {
        fields.insert(PENDING.into(), Value::Array(later));
    }
}

/// Sets `now` at once and schedules `then` for `at_ms`, replacing what was pending.
pub fn transition(
    fields: &mut Map<String, Value>,
    now: &[(&str, Value)],
    at_ms: i64,
    then: &[(&str, Value)],
) {
    fields.shift_remove(PENDING);
    for (k, v) in now {
        fields.insert((*k).to_string(), v.clone());
    }
    let set: Map<String, Value> = then
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    fields.insert(
        PENDING.into(),
        Value::Array(vec![serde_json::json!({"at": at_ms, "set": set})]),
    );
}

/// The item type of a list action's `items` member.
pub fn item_type(action: &'static Action, items: &str) -> &'static spec::Object {
    member_object(object_of(action.output), items).unwrap_or(object(""))
}

/// The identifiers a list request names for the resource's links (`ImageID` of an
/// image's components): `(link, wanted)`.
pub fn link_filters(res: &Resource, params: &Map<String, Value>) -> Vec<(&'static str, String)> {
    res.links
        .iter()
        .filter_map(|link| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(link))
                .and_then(|(_, v)| id_text(v))
                .map(|wanted| (*link, wanted))
        })
        .collect()
}

/// `account`'s records of `res` that a list request selects by the resource's links,
/// settled.
pub fn linked(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
) -> Result<Vec<Record>, ApiError> {
    let mut records = load(env, res)?;
    for (link, wanted) in link_filters(res, params) {
        records.retain(|r| {
            super::field(&r.fields, link).and_then(id_text).as_deref() == Some(&wanted)
        });
    }
    Ok(records)
}

/// When the next pending change of `fields` is due after `now_ms`, if any.
fn next_pending(fields: &Map<String, Value>, now_ms: i64) -> Option<i64> {
    fields
        .get(PENDING)?
        .as_array()?
        .iter()
        .filter_map(|c| c.get("at").and_then(Value::as_i64))
        .filter(|at| *at > now_ms)
        .min()
}

/// `account`'s records of `res`, settled at the call's "now".
pub fn load(env: &Env, res: &Resource) -> Result<Vec<Record>, ApiError> {
    let mut records = env.store.records(res.name, &env.account)?;
    for r in &mut records {
        settle(&mut r.fields, env.now_ms);
    }
    Ok(records)
}

/// One record, settled; `ResourceNotFound` naming `member` when there is none.
pub fn load_one(env: &Env, res: &Resource, member: &str, id: &str) -> Result<Record, ApiError> {
    let mut record = env
        .store
        .record(res.name, &env.account, id)?
        .ok_or_else(|| {
            ApiError::not_found(res.name.trim_end_matches('s'), &format!("{member} `{id}`"))
        })?;
    settle(&mut record.fields, env.now_ms);
    Ok(record)
}

pub fn save(env: &Env, records: &[Record]) -> Result<(), ApiError> {
    env.store.put_records(records)?;
    Ok(())
}

/// An identifier value as record text: strings as they are, numbers as digits.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The identifiers a request member holds (one, or a list).
pub fn ids_of(params: &Map<String, Value>, member: &str) -> Vec<String> {
    match params.get(member) {
        Some(Value::Array(items)) => items.iter().filter_map(id_text).collect(),
        Some(v) => id_text(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A new record of `res` for `env`'s account: its identifier allocated, its
/// identifier member set.
pub fn new_record(env: &Env, res: &Resource) -> Result<Record, ApiError> {
    let seq = env.store.next_seq(res.name, &env.account)?;
    let (id, value) = match res.id {
        // Some APIs type an integer identifier as a string (`TaskID`).
        Id::Int(member) => match known_member(res, member).map(|m| m.kind) {
            Some(spec::Kind::String) => (seq.to_string(), Value::from(seq.to_string())),
            _ => (seq.to_string(), Value::from(seq)),
        },
        Id::Str(_, prefix) => {
            let mut n = seq;
            loop {
                let id = format!("{prefix}{}", code(res.name, &env.account, n));
                if env.store.record(res.name, &env.account, &id)?.is_none() {
                    break (id.clone(), Value::from(id));
                }
                n += 1;
            }
        }
        Id::Seq => (seq.to_string(), Value::Null),
        Id::Singleton => ("default".to_string(), Value::Null),
    };
    let mut fields = Map::new();
    if let Some(member) = res.id.member() {
        fields.insert(member.to_string(), value);
    }
    Ok(Record {
        collection: res.name.to_string(),
        account: env.account.clone(),
        id,
        seq,
        fields,
    })
}

/// The account's record of a one-per-account resource (a settings document), or a
/// new one when nothing was put yet.
pub fn singleton(env: &Env, res: &Resource) -> Result<Record, ApiError> {
    match env.store.record(res.name, &env.account, "default")? {
        Some(r) => Ok(r),
        None => new_record(env, res),
    }
}

/// 8 lower-case letters and digits, the same for the same collection, account and
/// number: identifiers a test can predict.
fn code(collection: &str, account: &str, n: i64) -> String {
    let mut x = collection
        .bytes()
        .chain(account.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
        ^ n.unsigned_abs();
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(8);
    for _ in 0..8 {
        // splitmix64 steps
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push(char::from(DIGITS[usize::try_from(z % 36).unwrap_or(0)]));
    }
    out
}

/// The request's members (or those of `from`) that are fields of `res`, under the
/// spelling of its types; the identifier member left out.
pub fn fields_from(
    res: &Resource,
    params: Map<String, Value>,
    from: Option<&str>,
) -> Map<String, Value> {
    let source = match from {
        Some(m) => match params.get(m) {
            Some(Value::Object(inner)) => inner.clone(),
            _ => Map::new(),
        },
        None => params,
    };
    let id_member = res.id.member();
    source
        .into_iter()
        .filter_map(|(k, v)| {
            let m = known_member(res, &k)?;
            (Some(m.name) != id_member).then(|| (m.name.to_string(), v))
        })
        .collect()
}

fn list(
    env: &Env,
    res: &Resource,
    action: &'static Action,
    items: &str,
    total: &str,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let item = item_type(action, items);
    let plan = query::plan(res, action, item, params)?;
    let view = env
        .store
        .columns(res.name, &env.account, env.now_ms, &|fields, now| {
            settle(fields, now);
            next_pending(fields, now)
        })?;
    let (rows, n) = query::select_columns(&plan, item, &view, &link_filters(res, params), params)?;
    // A list answered twice over (`RuleSet` beside `RuleExtSet`): the same page in
    // each, every record shown as each list's own item type.
    let output = object_of(action.output);
    let mut lists: Vec<(&str, &'static spec::Object, Vec<Value>)> = vec![(items, item, Vec::new())];
    for m in output.members.iter().filter(|m| m.list && m.name != items) {
        if let Some(other) = member_object(output, m.name) {
            lists.push((m.name, other, Vec::new()));
        }
    }
    // The page straight from the view: its records settled as of now, as they were
    // when it was read or patched (no read back, no JSON decoded).
    for row in rows {
        for (_, shown_as, page) in &mut lists {
            let fields = shown_as
                .members
                .iter()
                .filter_map(|m| Some((m.name.to_string(), view.value(row, m.name)?.clone())))
                .collect();
            page.push(Value::Object(fields));
        }
    }
    let mut out = Map::new();
    for (name, _, page) in lists {
        out.insert(name.into(), Value::Array(page));
    }
    out.insert(total.into(), Value::from(n));
    Ok(out)
}

fn object_of(index: u16) -> &'static spec::Object {
    spec::tcss().object(index)
}

fn read(
    env: &Env,
    res: &Resource,
    action: &'static Action,
    by: &str,
    into: Option<&str>,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.get(by).and_then(id_text).unwrap_or_default();
    let record = load_one(env, res, by, &id)?;
    let output = object_of(action.output);
    Ok(match into {
        None => project(&record.fields, output),
        Some(member) => {
            let inner = member_object(output, member).unwrap_or(object(""));
            let mut out = Map::new();
            out.insert(member.into(), Value::Object(project(&record.fields, inner)));
            out
        }
    })
}

fn create(
    env: &Env,
    res: &Resource,
    from: Option<&str>,
    returns: Option<&str>,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    // AddEdit*: a source naming an existing record edits it.
    let source = match from {
        Some(m) => params
            .get(m)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        None => params.clone(),
    };
    let existing = match res.id.member() {
        Some(member) => match super::field(&source, member).and_then(id_text) {
            Some(id) if id != "0" => env.store.record(res.name, &env.account, &id)?,
            _ => None,
        },
        None => None,
    };
    let mut record = match existing {
        Some(r) => r,
        None => new_record(env, res)?,
    };
    settle(&mut record.fields, env.now_ms);
    record.fields.extend(fields_from(res, params, from));
    save(env, std::slice::from_ref(&record))?;
    let mut out = Map::new();
    if let (Some(returns), Some(member)) = (returns, res.id.member()) {
        out.insert(
            returns.into(),
            record.fields.get(member).cloned().unwrap_or(Value::Null),
        );
    }
    Ok(out)
}

fn update(
    env: &Env,
    res: &Resource,
    by: &str,
    from: Option<&str>,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.get(by).and_then(id_text).unwrap_or_default();
    let mut record = load_one(env, res, by, &id)?;
    record.fields.extend(fields_from(res, params, from));
    save(env, std::slice::from_ref(&record))?;
    let mut out = Map::new();
    if let Some(member) = res.id.member() {
        out.insert(
            by.into(),
            record.fields.get(member).cloned().unwrap_or(Value::Null),
        );
    }
    Ok(out)
}

/// One identifier (a scalar member) must name a record; of a list, the records
/// found are deleted and the rest ignored.
fn delete(
    env: &Env,
    res: &Resource,
    ids: &str,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let list = ids_of(params, ids);
    let n = env.store.delete_records(res.name, &env.account, &list)?;
    if n == 0 && !matches!(params.get(ids), Some(Value::Array(_))) {
        let id = list.first().cloned().unwrap_or_default();
        return Err(ApiError::not_found(
            res.name.trim_end_matches('s'),
            &format!("{ids} `{id}`"),
        ));
    }
    Ok(Map::new())
}

/// Sets fields on the records found; of a list of identifiers, those that name none
/// are ignored, and one identifier (a scalar member) must name a record.
fn status(
    env: &Env,
    res: &Resource,
    ids: &str,
    set: &[(&str, &str)],
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    if let Some(one) = params.get(ids).filter(|v| !v.is_array()) {
        let id = id_text(one).unwrap_or_default();
        load_one(env, res, ids, &id)?;
    }
    let mut changed = Vec::new();
    for id in ids_of(params, ids) {
        if let Some(mut record) = env.store.record(res.name, &env.account, &id)? {
            settle(&mut record.fields, env.now_ms);
            for (field, member) in set {
                if let Some(v) = params.get(*member) {
                    record.fields.insert((*field).to_string(), v.clone());
                }
            }
            changed.push(record);
        }
    }
    save(env, &changed)?;
    Ok(Map::new())
}

/// A settings document: the documented example, overlaid with what was put.
fn get(env: &Env, res: &Resource, action: &'static Action) -> Result<Map<String, Value>, ApiError> {
    let mut out = crate::actions::example_response(action);
    if let Some(record) = env.store.record(res.name, &env.account, "default")? {
        out.extend(record.fields);
    }
    Ok(project(&out, object_of(action.output)))
}

fn put_setting(
    env: &Env,
    res: &Resource,
    from: Option<&str>,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut record = singleton(env, res)?;
    record.fields.extend(fields_from(res, params, from));
    save(env, std::slice::from_ref(&record))?;
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pending_changes_apply_once_their_time_has_come() {
        let mut f = json!({"AccessedStatus": "AccessedNone"})
            .as_object()
            .cloned()
            .unwrap();
        transition(
            &mut f,
            &[("AccessedStatus", json!("AccessedInstalling"))],
            5_000,
            &[("AccessedStatus", json!("AccessedInstalled"))],
        );
        let mut early = f.clone();
        settle(&mut early, 4_999);
        assert_eq!(early["AccessedStatus"], "AccessedInstalling");
        assert!(early.contains_key(PENDING));
        settle(&mut f, 5_000);
        assert_eq!(f["AccessedStatus"], "AccessedInstalled");
        assert!(!f.contains_key(PENDING));
    }

    #[test]
    fn codes_are_stable_and_look_like_the_examples() {
        let a = code("clusters", "default", 1);
        assert_eq!(a, code("clusters", "default", 1));
        assert_ne!(a, code("clusters", "default", 2));
        assert_eq!(a.len(), 8);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }
}
