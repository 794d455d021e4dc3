//! Cluster access: `CreateClusterAccess` installs the defender (AccessedInstalling,
//! then AccessedInstalled after the task duration), `ModifyDefendStatus` switches
//! defence on or off (DefenderStatus Defended / UnDefended, AccessedStatus
//! AccessedDefended / AccessedInstalled, after the task duration), and
//! `UninstallClusterContainerSecurity` removes it (AccessedUninstalling, then
//! AccessedNone). The values are the ones `ClusterInfoItem`'s documentation lists.

use serde_json::{Map, Value, json};

use super::super::engine::{ids_of, load, load_one, save, transition};
use super::super::{Env, Resource, field};
use super::fields;
use crate::error::ApiError;
use crate::store::Record;

/// The access states in which the defender is installed.
const INSTALLED: [&str; 3] = [
    "AccessedInstalled",
    "AccessedDefended",
    "AccessedPartialDefence",
];

fn status<'a>(record: &'a Record, name: &str) -> &'a str {
    field(&record.fields, name)
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Every named cluster, or `ResourceNotFound` naming the first that is missing.
fn named(
    env: &Env,
    res: &Resource,
    member: &str,
    params: &Map<String, Value>,
) -> Result<Vec<Record>, ApiError> {
    ids_of(params, member)
        .iter()
        .map(|id| load_one(env, res, "ClusterId", id))
        .collect()
}

/// Moves the named clusters' `AccessedStatus` to `during` now and to `after` (with
/// `DefenderStatus` `UnDefended`) once the task duration has passed; clusters already
/// in `skip` are left as they are.
fn access(
    env: &Env,
    res: &'static Resource,
    params: &Map<String, Value>,
    skip: &[&str],
    during: &str,
    after: &str,
) -> Result<Map<String, Value>, ApiError> {
    let mut clusters = named(env, res, "ClusterIDs", params)?;
    clusters.retain(|c| !skip.contains(&status(c, "AccessedStatus")));
    for c in &mut clusters {
        transition(
            &mut c.fields,
            &[("AccessedStatus", json!(during))],
            env.now_ms + env.task_ms,
            &[
                ("AccessedStatus", json!(after)),
                ("DefenderStatus", json!("UnDefended")),
            ],
        );
    }
    save(env, &clusters)?;
    Ok(Map::new())
}

pub fn create_access(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    access(
        env,
        res,
        &params,
        &INSTALLED,
        "AccessedInstalling",
        "AccessedInstalled",
    )
}

pub fn uninstall(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    access(
        env,
        res,
        &params,
        &[],
        "AccessedUninstalling",
        "AccessedNone",
    )
}

/// `InstanceType` `Cluster`: the named clusters (or, with `IsAll`, every cluster
/// with the defender installed) switch after the task duration. A cluster without
/// the defender cannot be switched (`FailedOperation`). `Node` switches the
/// `DefendStatus` of cluster nodes the same way.
pub fn modify_defend_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let on = params
        .get("SwitchOn")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let all = params
        .get("IsAll")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let kind = params
        .get("InstanceType")
        .and_then(Value::as_str)
        .unwrap_or("");
    let done = env.now_ms + env.task_ms;
    if kind.eq_ignore_ascii_case("Node") {
        let Some(nodes) = super::super::resource("cluster_nodes") else {
            return Ok(Map::new());
        };
        let wanted = ids_of(&params, "InstanceIDs");
        let mut changed: Vec<Record> = load(env, nodes)?
            .into_iter()
            .filter(|n| all || wanted.contains(&n.id))
            .collect();
        for n in &mut changed {
            let to = if on { "Defended" } else { "UnDefended" };
            transition(&mut n.fields, &[], done, &[("DefendStatus", json!(to))]);
        }
        save(env, &changed)?;
        return Ok(Map::new());
    }
    if !kind.eq_ignore_ascii_case("Cluster") {
        return Err(ApiError::invalid_parameter_value(
            "InstanceType",
            &format!("`{kind}` is not Cluster or Node"),
        ));
    }
    let mut clusters = if all {
        load(env, res)?
            .into_iter()
            .filter(|c| INSTALLED.contains(&status(c, "AccessedStatus")))
            .collect()
    } else {
        named(env, res, "InstanceIDs", &params)?
    };
    for c in &mut clusters {
        if !INSTALLED.contains(&status(c, "AccessedStatus")) {
            return Err(ApiError::failed_operation(
                format!(
                    "Cluster `{}` has no defender installed (CreateClusterAccess first).",
                    c.id
                ),
                format!("集群`{}`未接入防护（请先调用CreateClusterAccess）。", c.id),
            ));
        }
        let (defender, accessed) = if on {
            ("Defended", "AccessedDefended")
        } else {
            ("UnDefended", "AccessedInstalled")
        };
        transition(
            &mut c.fields,
            &[],
            done,
            &[
                ("DefenderStatus", json!(defender)),
                ("AccessedStatus", json!(accessed)),
            ],
        );
    }
    save(env, &clusters)?;
    Ok(Map::new())
}

/// Sets `ClusterCheckMode` and `ClusterAutoCheck` on the named clusters.
pub fn set_check_mode(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut clusters = named(env, res, "ClusterIds", &params)?;
    for c in &mut clusters {
        if let Some(mode) = params
            .get("ClusterCheckMode")
            .filter(|v| v.as_str() != Some(""))
        {
            c.fields.insert("ClusterCheckMode".into(), mode.clone());
        }
        if let Some(auto) = params.get("ClusterAutoCheck") {
            let on = matches!(auto.as_str(), Some("1" | "true")) || auto.as_u64() == Some(1);
            c.fields.insert("ClusterAutoCheck".into(), Value::Bool(on));
        }
    }
    save(env, &clusters)?;
    Ok(fields([("SetCheckResult", json!("Succ"))]))
}

fn count(clusters: &[Record], pred: impl Fn(&Record) -> bool) -> Value {
    Value::from(clusters.iter().filter(|c| pred(c)).count())
}

fn risks(c: &Record) -> i64 {
    [
        "SeriousRiskCount",
        "HighRiskCount",
        "MiddleRiskCount",
        "HintRiskCount",
    ]
    .iter()
    .filter_map(|n| field(&c.fields, n).and_then(Value::as_i64))
    .sum()
}

/// `DescribeClusterSummary`, counted from the clusters.
pub fn summary(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let cs = load(env, res)?;
    let ty = |c: &Record| status(c, "ClusterType").to_ascii_uppercase();
    let checked = |c: &Record| matches!(status(c, "CheckStatus"), "NoRisk" | "HasRisk");
    Ok(fields([
        ("TotalCount", Value::from(cs.len())),
        ("RiskClusterCount", count(&cs, |c| risks(c) > 0)),
        (
            "UncheckClusterCount",
            count(&cs, |c| matches!(status(c, "CheckStatus"), "" | "Uncheck")),
        ),
        (
            "ManagedClusterCount",
            count(&cs, |c| ty(c).contains("MANAGED")),
        ),
        (
            "IndependentClusterCount",
            count(&cs, |c| ty(c).contains("INDEPENDENT")),
        ),
        (
            "NoRiskClusterCount",
            count(&cs, |c| checked(c) && risks(c) == 0),
        ),
        ("CheckedClusterCount", count(&cs, checked)),
        (
            "AutoCheckClusterCount",
            count(&cs, |c| {
                field(&c.fields, "ClusterAutoCheck") == Some(&Value::Bool(true))
            }),
        ),
        (
            "ManualCheckClusterCount",
            count(&cs, |c| {
                field(&c.fields, "ClusterAutoCheck") != Some(&Value::Bool(true))
            }),
        ),
        (
            "FailedClusterCount",
            count(&cs, |c| status(c, "CheckStatus") == "Task_Error"),
        ),
        (
            "NotImportedClusterCount",
            count(&cs, |c| {
                matches!(status(c, "AccessedStatus"), "" | "AccessedNone")
            }),
        ),
        (
            "ServerlessClusterCount",
            count(&cs, |c| ty(c).contains("SERVERLESS")),
        ),
        (
            "TkeClusterCount",
            count(&cs, |c| {
                ty(c).contains("TKE") || ty(c).contains("MANAGED") || ty(c).contains("INDEPENDENT")
            }),
        ),
        (
            "UserCreateTencentClusterCount",
            count(&cs, |c| {
                ty(c).contains("USER_CREATE") && !ty(c).contains("HYBRID")
            }),
        ),
        (
            "UserCreateHybridClusterCount",
            count(&cs, |c| ty(c).contains("HYBRID")),
        ),
    ]))
}

/// `DescribeAffectedClusterCount`: clusters with at least one check item of each level.
pub fn affected_count(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let cs = load(env, res)?;
    let with = |name: &str| {
        count(&cs, |c| {
            field(&c.fields, name).and_then(Value::as_i64).unwrap_or(0) > 0
        })
    };
    Ok(fields([
        ("SeriousRiskClusterCount", with("SeriousRiskCount")),
        ("HighRiskClusterCount", with("HighRiskCount")),
        ("MiddleRiskClusterCount", with("MiddleRiskCount")),
        ("HintRiskClusterCount", with("HintRiskCount")),
    ]))
}

/// `CreateClusterCheckTask`: the listed clusters are checked for the task duration
/// (`CheckStatus` `Task_Running`, then `HasRisk` when they have risk items, else
/// `NoRisk`, with `TaskCreateTime`); the answer names a new task.
pub fn create_check_task(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(clusters_res) = super::super::resource("clusters") else {
        return Ok(Map::new());
    };
    let ids: Vec<String> = params
        .get("ClusterCheckTaskList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            item.get("ClusterId")
                .and_then(super::super::engine::id_text)
        })
        .collect();
    let mut clusters = ids
        .iter()
        .map(|id| load_one(env, clusters_res, "ClusterId", id))
        .collect::<Result<Vec<_>, _>>()?;
    let done = env.now_ms + env.task_ms;
    for c in &mut clusters {
        let outcome = if risks(c) > 0 { "HasRisk" } else { "NoRisk" };
        transition(
            &mut c.fields,
            &[
                ("CheckStatus", json!("Task_Running")),
                ("TaskCreateTime", json!(super::datetime(env.now_ms))),
            ],
            done,
            &[("CheckStatus", json!(outcome))],
        );
    }
    let mut task = super::super::engine::new_record(env, res)?;
    let new_id = format!("check-{}", task.id);
    task.fields.insert("NewTaskID".into(), json!(new_id));
    task.fields.insert("CreateResult".into(), json!("Succ"));
    save(env, &clusters)?;
    save(env, std::slice::from_ref(&task))?;
    Ok(task.fields)
}

/// `CreateCheckComponent`: the named clusters must exist; the component is installed.
pub fn create_check_component(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    for item in params
        .get("ClusterInfoList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = item
            .get("ClusterId")
            .and_then(super::super::engine::id_text)
            .unwrap_or_default();
        load_one(env, res, "ClusterId", &id)?;
    }
    Ok(fields([("InstallResult", json!("Succ"))]))
}
