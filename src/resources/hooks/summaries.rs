//! Summaries counted from the collections (`DescribeAssetSummary`,
//! `DescribeContainerAssetSummary`), the registry namespaces derived from the
//! registry images, and the asset sync task (`ModifyAsset`,
//! `DescribeAssetSyncLastTime`: `PROCESSING`, then `PROCESSED` after the task
//! duration).

use serde_json::{Map, Value, json};

use super::super::engine::{load, save, settle, singleton, transition};
use super::super::{Env, Resource, field, resource};
use super::series::{num, text};
use super::{datetime, fields};
use crate::error::ApiError;
use crate::store::Record;

/// `account`'s records of the collection `name` (none when it does not exist).
fn all(env: &Env, name: &str) -> Result<Vec<Record>, ApiError> {
    match resource(name) {
        Some(res) => load(env, res),
        None => Ok(Vec::new()),
    }
}

fn count<'a>(
    items: impl IntoIterator<Item = &'a Map<String, Value>>,
    pred: impl Fn(&Map<String, Value>) -> bool,
) -> Value {
    Value::from(items.into_iter().filter(|r| pred(r)).count())
}

fn container_status(r: &Map<String, Value>) -> String {
    text(r, "Status").to_ascii_uppercase()
}

pub fn asset_summary(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let containers = all(env, "containers")?;
    let cs = containers.iter().map(|r| &r.fields);
    let hosts = all(env, "hosts")?;
    let images = all(env, "local_images")?;
    let im = || images.iter().map(|r| &r.fields);
    let supers = all(env, "super_nodes")?;
    let unsafe_image =
        |r: &Map<String, Value>| num(r, "VulCnt") + num(r, "RiskCnt") + num(r, "VirusCnt") > 0;
    let scanned = |r: &Map<String, Value>| {
        !text(r, "ScanTime").is_empty() || text(r, "ScanStatus") == "SCANNED"
    };
    let latest_scan = im()
        .map(|r| text(r, "ScanTime"))
        .max()
        .unwrap_or("")
        .to_string();
    Ok(fields([
        ("AppCnt", Value::from(all(env, "app_services")?.len())),
        ("ContainerCnt", Value::from(containers.len())),
        (
            "ContainerPause",
            count(cs.clone(), |r| container_status(r).starts_with("PAUSE")),
        ),
        (
            "ContainerRunning",
            count(cs.clone(), |r| container_status(r) == "RUNNING"),
        ),
        (
            "ContainerStop",
            count(cs, |r| {
                matches!(container_status(r).as_str(), "STOPPED" | "EXITED" | "STOP")
            }),
        ),
        ("CreateTime", json!(datetime(env.now_ms))),
        ("DbCnt", Value::from(all(env, "db_services")?.len())),
        ("HostCnt", Value::from(hosts.len())),
        (
            "HostOnline",
            count(hosts.iter().map(|r| &r.fields), |r| {
                text(r, "Status").eq_ignore_ascii_case("ONLINE")
            }),
        ),
        (
            "HostUnInstallCnt",
            count(hosts.iter().map(|r| &r.fields), |r| {
                text(r, "Status").eq_ignore_ascii_case("UNINSTALL")
            }),
        ),
        ("ImageCnt", Value::from(images.len())),
        (
            "ImageHasRiskInfoCnt",
            count(im(), |r| num(r, "RiskCnt") > 0),
        ),
        ("ImageHasVirusCnt", count(im(), |r| num(r, "VirusCnt") > 0)),
        ("ImageHasVulsCnt", count(im(), |r| num(r, "VulCnt") > 0)),
        (
            "ImageUntrustCnt",
            count(im(), |r| {
                field(r, "IsTrustImage") != Some(&Value::Bool(true))
            }),
        ),
        ("ImageUnsafeCnt", count(im(), unsafe_image)),
        ("ListenPortCnt", Value::from(all(env, "ports")?.len())),
        ("ProcessCnt", Value::from(all(env, "processes")?.len())),
        (
            "WebServiceCnt",
            Value::from(all(env, "web_services")?.len()),
        ),
        ("LatestImageScanTime", json!(latest_scan)),
        ("SuperNodeCnt", Value::from(supers.len())),
        (
            "SuperNodeRunningCnt",
            count(supers.iter().map(|r| &r.fields), |r| {
                text(r, "Status") == "Running"
            }),
        ),
        (
            "RecommendedFixImageCnt",
            count(im(), |r| num(r, "VulCnt") > 0),
        ),
        ("ScannedImageCnt", count(im(), scanned)),
        ("UnScannedImageCnt", count(im(), |r| !scanned(r))),
    ]))
}

pub fn container_asset_summary(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let containers = all(env, "containers")?;
    let cs = || containers.iter().map(|r| &r.fields);
    let hosts = all(env, "hosts")?;
    let hs = || hosts.iter().map(|r| &r.fields);
    let local = all(env, "local_images")?.len();
    let registry = env.store.account_images(&env.account)?.len();
    Ok(fields([
        ("ContainerTotalCnt", Value::from(containers.len())),
        (
            "ContainerRunningCnt",
            count(cs(), |r| container_status(r) == "RUNNING"),
        ),
        (
            "ContainerPauseCnt",
            count(cs(), |r| container_status(r).starts_with("PAUSE")),
        ),
        (
            "ContainerStopped",
            count(cs(), |r| {
                matches!(container_status(r).as_str(), "STOPPED" | "EXITED" | "STOP")
            }),
        ),
        ("ImageCnt", Value::from(local)),
        ("HostCnt", Value::from(hosts.len())),
        (
            "HostRunningCnt",
            count(hs(), |r| text(r, "Status").eq_ignore_ascii_case("ONLINE")),
        ),
        (
            "HostOfflineCnt",
            count(hs(), |r| text(r, "Status").eq_ignore_ascii_case("OFFLINE")),
        ),
        (
            "HostUnInstallCnt",
            count(hs(), |r| {
                text(r, "Status").eq_ignore_ascii_case("UNINSTALL")
            }),
        ),
        ("ImageRegistryCnt", Value::from(registry)),
        ("ImageTotalCnt", Value::from(local + registry)),
        (
            "HostSuperNodeCnt",
            Value::from(all(env, "super_nodes")?.len()),
        ),
    ]))
}

/// `ModifyAsset`: a new asset sync task, `PROCESSING` until the task duration has
/// passed, then `PROCESSED` with `AssetSyncLastTime` its end.
pub fn modify_asset(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut sync = singleton(env, res)?;
    settle(&mut sync.fields, env.now_ms);
    let task = num(&sync.fields, "TaskId") + 1;
    let done = env.now_ms + env.task_ms;
    sync.fields.insert("TaskId".into(), json!(task));
    sync.fields.insert("FailedHostCount".into(), json!(0));
    transition(
        &mut sync.fields,
        &[
            ("TaskStatus", json!("PROCESSING")),
            ("TaskProcess", json!(0)),
        ],
        done,
        &[
            ("TaskStatus", json!("PROCESSED")),
            ("TaskProcess", json!(100)),
            ("AssetSyncLastTime", json!(datetime(done))),
        ],
    );
    save(env, std::slice::from_ref(&sync))?;
    Ok(fields([("Status", json!("Succ")), ("TaskId", json!(task))]))
}

pub fn sync_last_time(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match env.store.record(res.name, &env.account, "default")? {
        Some(mut r) => {
            settle(&mut r.fields, env.now_ms);
            Ok(r.fields)
        }
        None => Ok(fields([
            ("TaskStatus", json!("PROCESSED")),
            ("TaskProcess", json!(100)),
        ])),
    }
}

/// The namespaces of the registry images, with their image, registry and risky
/// image counts; `Filters` `Namespace` (contained, without regard to case).
pub fn namespaces(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut by_ns: std::collections::BTreeMap<
        String,
        (u64, std::collections::BTreeSet<String>, u64),
    > = Default::default();
    for image in env.store.account_images(&env.account)? {
        let f = &image.fields;
        let entry = by_ns.entry(text(f, "Namespace").to_string()).or_default();
        entry.0 += 1;
        entry.1.insert(text(f, "InstanceName").to_string());
        if num(f, "VulCnt") + num(f, "RiskCnt") + num(f, "VirusCnt") > 0 {
            entry.2 += 1;
        }
    }
    let wanted: Vec<String> = params
        .get("Filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|f| {
            f.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("Namespace"))
        })
        .flat_map(|f| {
            f.get("Values")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_str().map(str::to_lowercase))
        .collect();
    let rows: Vec<_> = by_ns
        .into_iter()
        .filter(|(ns, _)| wanted.is_empty() || wanted.iter().any(|w| ns.to_lowercase().contains(w)))
        .collect();
    let total = rows.len();
    let limit = params.get("Limit").and_then(Value::as_u64);
    let offset = params.get("Offset").and_then(Value::as_u64);
    let page = crate::actions::registry::page(rows, limit, offset)?;
    Ok(fields([
        ("TotalCount", Value::from(total)),
        ("NamespaceList", Value::Array(page.iter().map(|(ns, _)| json!(ns)).collect())),
        (
            "NamespaceDetail",
            Value::Array(
                page.iter()
                    .map(|(ns, (images, registries, risky))| {
                        json!({"Namespace": ns, "ImageCnt": images, "RegistryCnt": registries.len(), "RiskImageCnt": risky})
                    })
                    .collect(),
            ),
        ),
    ]))
}

fn risky_image(r: &Map<String, Value>) -> bool {
    num(r, "VulCnt") + num(r, "RiskCnt") + num(r, "VirusCnt") > 0
}

/// `DescribeTcssSummary`: images (local and registry), containers and clusters, and
/// whether any scan runs, counted from the collections.
pub fn tcss_summary(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let local = all(env, "local_images")?;
    let registry = env.store.account_images(&env.account)?;
    let clusters = all(env, "clusters")?;
    let scanned = |r: &Map<String, Value>| text(r, "ScanStatus") == "SCANNED";
    let lf = || local.iter().map(|r| &r.fields);
    let rf = || registry.iter().map(|r| &r.fields);
    let risky_local: Vec<&str> = lf()
        .filter(|r| risky_image(r))
        .map(|r| text(r, "ImageID"))
        .collect();
    let risky_containers = all(env, "containers")?
        .iter()
        .filter(|c| risky_local.contains(&text(&c.fields, "ImageID")))
        .count();
    let cluster_risk = |c: &Map<String, Value>| {
        [
            "SeriousRiskCount",
            "HighRiskCount",
            "MiddleRiskCount",
            "HintRiskCount",
        ]
        .iter()
        .map(|n| num(c, n))
        .sum::<i64>()
            > 0
    };
    let scanning = lf()
        .chain(rf())
        .any(|r| text(r, "ScanStatus") == "SCANNING");
    let checking = clusters
        .iter()
        .any(|c| text(&c.fields, "CheckStatus") == "Task_Running");
    Ok(fields([
        ("ImageCnt", Value::from(local.len() + registry.len())),
        (
            "ScannedImageCnt",
            Value::from(lf().chain(rf()).filter(|r| scanned(r)).count()),
        ),
        (
            "UnScannedImageCnt",
            Value::from(lf().chain(rf()).filter(|r| !scanned(r)).count()),
        ),
        ("LocalImageCnt", Value::from(local.len())),
        ("RepositoryImageCnt", Value::from(registry.len())),
        ("RiskLocalImageCnt", Value::from(risky_local.len())),
        ("RiskRepositoryImageCnt", count(rf(), risky_image)),
        ("ContainerCnt", Value::from(all(env, "containers")?.len())),
        ("RiskContainerCnt", Value::from(risky_containers)),
        ("ClusterCnt", Value::from(clusters.len())),
        (
            "RiskClusterCnt",
            count(clusters.iter().map(|c| &c.fields), cluster_risk),
        ),
        (
            "UnScannedClusterCnt",
            count(clusters.iter().map(|c| &c.fields), |c| {
                matches!(text(c, "CheckStatus"), "" | "Uncheck")
            }),
        ),
        (
            "VulRiskImageCnt",
            count(lf().chain(rf()), |r| num(r, "VulCnt") > 0),
        ),
        ("ScanImageStatus", json!(scanning)),
        ("ScanClusterStatus", json!(checking)),
    ]))
}

/// `DescribeValueAddedSrvInfo`: the registry and local images counted.
pub fn value_added(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    Ok(fields([
        (
            "RegistryImageCnt",
            Value::from(env.store.account_images(&env.account)?.len()),
        ),
        (
            "LocalImageCnt",
            Value::from(all(env, "local_images")?.len()),
        ),
        ("UnusedAuthorizedCnt", json!(0)),
    ]))
}

/// `DescribeAssetImageHostList`: which hosts run containers of which local image
/// (from the containers), filtered by `ImageID` / `HostID` (exactly).
pub fn image_hosts(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut pairs: Vec<(String, String)> = all(env, "containers")?
        .iter()
        .map(|c| {
            (
                text(&c.fields, "ImageID").to_string(),
                text(&c.fields, "HostID").to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    for f in params
        .get("Filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = f.get("Name").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = f
            .get("Values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let image = if name.eq_ignore_ascii_case("ImageID") {
            true
        } else if name.eq_ignore_ascii_case("HostID") {
            false
        } else {
            return Err(ApiError::invalid_parameter_value(
                "Filters.Name",
                &format!("`{name}` is not ImageID or HostID"),
            ));
        };
        pairs.retain(|(i, h)| {
            values.is_empty() || values.contains(&if image { i.as_str() } else { h.as_str() })
        });
    }
    Ok(fields([
        ("TotalCount", Value::from(pairs.len())),
        (
            "List",
            Value::Array(
                pairs
                    .iter()
                    .map(|(i, h)| json!({"ImageID": i, "HostID": h}))
                    .collect(),
            ),
        ),
    ]))
}

/// `DeleteMachine`: removes the hosts named by `Uuid`/`UUIDs` (their `HostID` or `Uuid`)
/// or `NodeUniqueIds`; names that match no host are ignored.
pub fn delete_machine(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(hosts) = resource("hosts") else {
        return Ok(Map::new());
    };
    let mut names: Vec<String> = super::super::engine::ids_of(&params, "UUIDs");
    names.extend(super::super::engine::ids_of(&params, "Uuid"));
    names.extend(super::super::engine::ids_of(&params, "NodeUniqueIds"));
    let gone: Vec<String> = load(env, hosts)?
        .into_iter()
        .filter(|h| {
            names
                .iter()
                .any(|n| n == &h.id || n == text(&h.fields, "Uuid"))
        })
        .map(|h| h.id)
        .collect();
    env.store.delete_records(hosts.name, &env.account, &gone)?;
    Ok(Map::new())
}
