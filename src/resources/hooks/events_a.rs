//! Runtime events, part 1 (abnormal processes, access control, reverse shell, risky
//! syscalls): what no binding of the table says. An event's detail is its record
//! shown as each part of the detail answer; `Modify*Status` marks events (or deletes
//! them: `EVENT_DEL`); level counts and tendencies are counted from the events on
//! the emulator clock. Rules and whitelist entries are in [`super::events_a_rules`],
//! container escape in [`super::events_a_escape`].
//! Docs: TCSS API reference, <https://cloud.tencent.com/document/api/1285>.

use serde_json::{Map, Value, json};

use super::super::engine::{id_text, ids_of, load, load_one, save, settle};
use super::super::{Env, Resource, field, member_object, object, project, resource};
use super::series::{count_where, days, per_day, text};
use super::{datetime, fields};
use crate::error::ApiError;
use crate::spec::{self, Kind};

/// Event statuses `Modify*Status` may set, as the lists spell them; `EVENT_IGNORE`
/// is taken for the lists' `EVENT_INGNORE`.
const STATUSES: [&str; 4] = [
    "EVENT_UNDEAL",
    "EVENT_DEALED",
    "EVENT_INGNORE",
    "EVENT_ADD_WHITE",
];

/// The pending status: what level counts and tendencies count.
pub const PENDING: &str = "EVENT_UNDEAL";

/// `account`'s records of the collection `name` (none when it does not exist).
pub fn all(env: &Env, name: &str) -> Result<Vec<Map<String, Value>>, ApiError> {
    match resource(name) {
        Some(res) => Ok(load(env, res)?.into_iter().map(|r| r.fields).collect()),
        None => Ok(Vec::new()),
    }
}

/// The pending events among `records`.
pub fn pending(records: &[Map<String, Value>]) -> Vec<&Map<String, Value>> {
    records
        .iter()
        .filter(|r| text(r, "Status") == PENDING)
        .collect()
}

/// The event `EventId` names, shown as each structure of `action`'s answer: a part
/// the record holds as an object (`ParentProcessInfo`) as it is, the others from the
/// record's own fields (the parent and ancestor processes only when the record has
/// them).
fn detail(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
    action: &str,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.get("EventId").and_then(id_text).unwrap_or_default();
    let mut record = load_one(env, res, "EventId", &id)?;
    let f = &mut record.fields;
    f.entry("EventId").or_insert(json!(id));
    // The detail's names for what the lists call the matched rule and group.
    for (to, from) in [
        ("RuleName", "MatchRuleName"),
        ("GroupName", "MatchGroupName"),
    ] {
        if let Some(v) = f.get(from).cloned() {
            f.entry(to).or_insert(v);
        }
    }
    let output = spec::tcss()
        .action(action)
        .map_or(object(""), |a| spec::tcss().object(a.output));
    let mut out = Map::new();
    for m in output.members {
        let (Kind::Object(_), Some(inner)) = (m.kind, member_object(output, m.name)) else {
            continue;
        };
        let shown = match field(&record.fields, m.name) {
            Some(Value::Object(part)) => project(part, inner),
            _ if m.name.starts_with("Parent") || m.name.starts_with("Ancestor") => Map::new(),
            _ => project(&record.fields, inner),
        };
        out.insert(m.name.to_string(), Value::Object(shown));
    }
    Ok(out)
}

/// Hooks answering the detail action of each event kind.
macro_rules! details {
    ($($name:ident: $action:literal),* $(,)?) => {$(
        pub fn $name(
            env: &Env,
            res: &'static Resource,
            p: Map<String, Value>,
        ) -> Result<Map<String, Value>, ApiError> {
            detail(env, res, &p, $action)
        }
    )*};
}

details! {
    process_detail: "DescribeAbnormalProcessDetail",
    access_detail: "DescribeAccessControlDetail",
    shell_detail: "DescribeReverseShellDetail",
    syscall_detail: "DescribeRiskSyscallDetail",
    escape_detail: "DescribeEscapeEventDetail",
}

/// `Modify*Status`: the events `EventIdSet` names take `Status` (with `Remark` and
/// the time, `OperationTime`); `EVENT_DEL`/`EVENT_DELETE` deletes them. Ids naming no
/// event are ignored; a status the documentation does not list is
/// `InvalidParameterValue`. Answers the events changed.
pub fn mark(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let raw = params.get("Status").and_then(Value::as_str).unwrap_or("");
    let ids = ids_of(params, "EventIdSet");
    if matches!(raw, "EVENT_DEL" | "EVENT_DELETE") {
        env.store.delete_records(res.name, &env.account, &ids)?;
        return Ok(Vec::new());
    }
    let status = if raw == "EVENT_IGNORE" {
        "EVENT_INGNORE"
    } else {
        raw
    };
    if !STATUSES.contains(&status) {
        return Err(ApiError::invalid_parameter_value(
            "Status",
            &format!("`{raw}` is not one of {}, EVENT_DEL", STATUSES.join(", ")),
        ));
    }
    let mut changed = Vec::new();
    for id in ids {
        if let Some(mut r) = env.store.record(res.name, &env.account, &id)? {
            settle(&mut r.fields, env.now_ms);
            r.fields.insert("Status".into(), json!(status));
            r.fields
                .insert("OperationTime".into(), json!(datetime(env.now_ms)));
            if let Some(remark) = params.get("Remark") {
                r.fields.insert("Remark".into(), remark.clone());
            }
            changed.push(r);
        }
    }
    save(env, &changed)?;
    Ok(changed.into_iter().map(|r| r.fields).collect())
}

/// `Modify*Status` of abnormal processes, access control, reverse shell, syscalls.
pub fn set_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    mark(env, res, &params)?;
    Ok(Map::new())
}

/// `DescribeAbnormalProcessLevelSummary`: pending events by `MatchRuleLevel`.
pub fn process_levels(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = all(env, res.name)?;
    let open = pending(&records);
    let level = |l: &str| json!(count_where(open.iter().copied(), "MatchRuleLevel", l));
    Ok(fields([
        ("HighLevelEventCount", level("HIGH")),
        ("MediumLevelEventCount", level("MIDDLE")),
        ("LowLevelEventCount", level("LOW")),
    ]))
}

/// The tendency counters of abnormal processes, by the event's `EventType`; any
/// other type (`MALICE_PROCESS_START`, a user rule's) counts as a user-defined rule's.
const PROCESS_KINDS: [(&str, &str); 7] = [
    ("PROXY_TOOL", "ProxyToolEventCount"),
    ("TRANSFER_CONTROL", "TransferControlEventCount"),
    ("ATTACK_CMD", "AttackCmdEventCount"),
    ("REVERSE_SHELL", "ReverseShellEventCount"),
    ("FILELESS", "FilelessEventCount"),
    ("RISK_CMD", "RiskCmdEventCount"),
    ("ABNORMAL_CHILD_PROC", "AbnormalChildProcessEventCount"),
];

/// Adds one to the counter `name` of `row`.
pub fn bump(row: &mut Map<String, Value>, name: &str) {
    if let Some(n) = row.get_mut(name) {
        *n = json!(n.as_i64().unwrap_or(0) + 1);
    }
}

/// A `*Tendency` answer: per day of `FoundTime` (the request's `StartTime` to
/// `EndTime`), the row `count` makes of the pending events found that day, dated.
pub fn tendency(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
    count: impl Fn(Vec<&Map<String, Value>>) -> Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = all(env, res.name)?;
    let open = pending(&records);
    let days = days(params, env.now_ms, 7)?;
    let list: Vec<Value> = per_day(&open, "FoundTime", &days)
        .into_iter()
        .map(|(day, on)| {
            let mut row = count(on);
            row.insert("Date".into(), json!(day.to_string()));
            Value::Object(row)
        })
        .collect();
    Ok(fields([("List", Value::Array(list))]))
}

/// `DescribeAbnormalProcessEventTendency`: pending events per day, by kind.
pub fn process_tendency(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    tendency(env, res, &params, |on| {
        let mut row = fields([("UserDefinedRuleEventCount", json!(0))]);
        for (_, counter) in PROCESS_KINDS {
            row.insert(counter.into(), json!(0));
        }
        for r in on {
            let kind = text(r, "EventType");
            let counter = PROCESS_KINDS
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(kind))
                .map_or("UserDefinedRuleEventCount", |(_, c)| c);
            bump(&mut row, counter);
        }
        row
    })
}

/// `DescribeRiskSyscallNames`: the names the documented example lists, with every
/// name the account's events and whitelist entries use, sorted.
pub fn syscall_names(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let example = spec::tcss()
        .action("DescribeRiskSyscallNames")
        .map(crate::actions::example_response)
        .unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        let items = match v {
            Some(Value::Array(a)) => a.clone(),
            Some(s @ Value::String(_)) => vec![s.clone()],
            _ => Vec::new(),
        };
        for s in items
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            if !names.iter().any(|n| n == s) {
                names.push(s.to_string());
            }
        }
    };
    add(example.get("SyscallNames"));
    for r in all(env, res.name)? {
        add(field(&r, "SyscallName"));
    }
    for r in all(env, "risk_syscall_whitelists")? {
        add(field(&r, "SyscallNames"));
    }
    names.sort();
    Ok(fields([
        ("TotalCount", json!(names.len())),
        ("SyscallNames", json!(names)),
    ]))
}
