//! Cluster risks: the check items (`check_items`) the cluster security check found,
//! and what each affects. A check item names the clusters it was found on
//! (`__clusters`), the nodes it affects (`__nodes`, instance ids of `cluster_nodes`)
//! or the workloads (`__workloads`, names of the `pods`' workloads), and the
//! evidence (`__verify`). Nodes and workloads are shown from the assets, so a node
//! that left the cluster is no longer listed.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::super::super::engine::{item_type, load, load_one};
use super::super::super::{Env, Resource, project, query, resource};
use super::super::series::{day_of, days, text};
use super::{Answer, answer};
use crate::error::ApiError;
use crate::spec;
use crate::store::Record;

fn strings(r: &Record, name: &str) -> Vec<String> {
    r.fields
        .get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn all(env: &Env, name: &str) -> Result<Vec<Record>, ApiError> {
    match resource(name) {
        Some(res) => load(env, res),
        None => Ok(Vec::new()),
    }
}

/// `DescribeRiskList`: the check items found on a cluster (on `ClusterId`, when
/// given), filtered and sorted by their fields, each with the clusters and nodes
/// it affects.
pub fn risk_list(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let Some(action) = spec::tcss().action("DescribeRiskList") else {
        return Err(ApiError::internal());
    };
    let cluster = params
        .get("ClusterId")
        .and_then(Value::as_str)
        .unwrap_or("");
    let records: Vec<Record> = load(env, res)?
        .into_iter()
        .filter(|r| {
            let on = strings(r, "__clusters");
            !on.is_empty() && (cluster.is_empty() || on.iter().any(|c| c == cluster))
        })
        .collect();
    let item = item_type(action, "ClusterRiskItems");
    let check = super::super::super::member_object(item, "CheckItem").unwrap_or(item);
    let shown = records.iter().map(|r| project(&r.fields, check)).collect();
    let (page, n) = query::run(res, action, check, shown, &params)?;
    let nodes = all(env, "cluster_nodes")?;
    let rows: Vec<Value> = page
        .into_iter()
        .map(|c| {
            let r = records
                .iter()
                .find(|r| r.fields.get("CheckItemId") == c.get("CheckItemId"));
            let (clusters, affected, verify) = r.map_or((0, 0, ""), |r| {
                let on = strings(r, "__nodes");
                let affected = nodes.iter().filter(|n| on.contains(&n.id)).count();
                (
                    strings(r, "__clusters").len(),
                    affected,
                    text(&r.fields, "__verify"),
                )
            });
            json!({"CheckItem": c, "VerifyInfo": verify, "ErrorMessage": "",
                   "AffectedClusterCount": clusters, "AffectedNodeCount": affected})
        })
        .collect();
    let mut out = Map::new();
    out.insert("ClusterRiskItems".into(), Value::Array(rows));
    out.insert("TotalCount".into(), json!(n));
    Ok(out)
}

fn named(env: &Env, res: &Resource, params: &Map<String, Value>) -> Result<Record, ApiError> {
    let id = params
        .get("CheckItemId")
        .and_then(super::super::super::engine::id_text)
        .unwrap_or_default();
    load_one(env, res, "CheckItemId", &id)
}

/// The cluster record `id`, as fields (empty when unknown).
fn cluster_fields(clusters: &[Record], id: &str) -> Map<String, Value> {
    clusters
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.fields.clone())
        .unwrap_or_default()
}

/// `DescribeAffectedNodeList`: the cluster nodes a check item affects, with their
/// cluster (the one their host is in, else the first the item was found on).
pub fn affected_nodes(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let check = named(env, res, &params)?;
    let on = strings(&check, "__nodes");
    let hosts = all(env, "hosts")?;
    let clusters = all(env, "clusters")?;
    let first = strings(&check, "__clusters")
        .into_iter()
        .next()
        .unwrap_or_default();
    let rows = all(env, "cluster_nodes")?
        .into_iter()
        .filter(|n| on.contains(&n.id))
        .map(|n| {
            let host = hosts.iter().find(|h| h.id == text(&n.fields, "HostID"));
            let cluster_id = host
                .map(|h| text(&h.fields, "ClusterID"))
                .filter(|c| !c.is_empty())
                .unwrap_or(&first);
            let c = cluster_fields(&clusters, cluster_id);
            let containerd = host.and_then(|h| h.fields.get("IsContainerd")) == Some(&json!(true));
            let mut v = n.fields.clone();
            v.insert("ClusterId".into(), json!(cluster_id));
            v.insert("ClusterName".into(), json!(text(&c, "ClusterName")));
            v.insert("ClusterVersion".into(), json!(text(&c, "ClusterVersion")));
            v.insert("Region".into(), json!(text(&c, "Region")));
            v.insert(
                "ContainerRuntime".into(),
                json!(if containerd { "containerd" } else { "docker" }),
            );
            v.insert("VerifyInfo".into(), json!(text(&check.fields, "__verify")));
            v
        })
        .collect();
    answer(
        res,
        "DescribeAffectedNodeList",
        "AffectedNodeList",
        "TotalCount",
        rows,
        &params,
    )
}

/// `DescribeAffectedWorkloadList`: the workloads (of the pods of the clusters the
/// item was found on) a check item affects, one row per cluster and workload.
pub fn affected_workloads(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let check = named(env, res, &params)?;
    let names = strings(&check, "__workloads");
    let on = strings(&check, "__clusters");
    let clusters = all(env, "clusters")?;
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for pod in all(env, "pods")? {
        let cluster = text(&pod.fields, "ClusterId").to_string();
        let name = text(&pod.fields, "WorkloadName").to_string();
        if !names.contains(&name)
            || !on.contains(&cluster)
            || !seen.insert((cluster.clone(), name.clone()))
        {
            continue;
        }
        let c = cluster_fields(&clusters, &cluster);
        rows.push(
            json!({"ClusterId": cluster, "ClusterName": text(&c, "ClusterName"), "WorkloadName": name,
                   "WorkloadType": text(&pod.fields, "WorkloadKind"), "Region": text(&c, "Region"),
                   "VerifyInfo": text(&check.fields, "__verify")})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
    }
    answer(
        res,
        "DescribeAffectedWorkloadList",
        "AffectedWorkloadList",
        "TotalCount",
        rows,
        &params,
    )
}

/// `DescribeTaskResultSummary`: for each of the last 7 days (emulator clock), the
/// nodes affected by check items of each level found by the cluster checks
/// (`CreateClusterCheckTask`'s `TaskCreateTime`) on or before that day.
pub fn task_result_summary(env: &Env, res: &'static Resource, _: Map<String, Value>) -> Answer {
    let week = days(&Map::new(), env.now_ms, 7)?;
    let items = load(env, res)?;
    let clusters = all(env, "clusters")?;
    let checked = |id: &String| {
        clusters
            .iter()
            .find(|c| &c.id == id)
            .and_then(|c| day_of(text(&c.fields, "TaskCreateTime")))
    };
    let series = |level: &str| {
        let series: Vec<usize> = week
            .iter()
            .map(|d| {
                let nodes: BTreeSet<String> = items
                    .iter()
                    .filter(|i| text(&i.fields, "RiskLevel").eq_ignore_ascii_case(level))
                    .filter(|i| {
                        strings(i, "__clusters")
                            .iter()
                            .any(|c| checked(c).is_some_and(|day| day <= *d))
                    })
                    .flat_map(|i| strings(i, "__nodes"))
                    .collect();
                nodes.len()
            })
            .collect();
        json!(series)
    };
    Ok(super::super::fields([
        ("SeriousRiskNodeCount", series("Serious")),
        ("HighRiskNodeCount", series("High")),
        ("MiddleRiskNodeCount", series("Middle")),
        ("HintRiskNodeCount", series("Hint")),
    ]))
}
