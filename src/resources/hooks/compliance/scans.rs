//! Compliance scans on the emulator clock: the assets scanned are `CHECK_RUNNING`
//! for the task duration, then `CHECK_FINISHED` with what the scan found (their
//! `__violations` at the time of the scan, for the policy items scanned); each scan
//! is a task whose id is answered. Also the periodic tasks, the environment
//! (`InitializeUserComplianceEnvironment`) and the per-asset-type summary.

use serde_json::{Map, Value, json};

use super::super::super::engine::{
    ids_of, load, load_one, new_record, save, singleton, transition,
};
use super::super::super::{Env, Resource, resource};
use super::super::datetime;
use super::super::series::{count_where, num, text};
use super::{ASSETS, Answer, FAILED, VIOLATIONS, World, failed, id_of, item_view, numbers};
use crate::error::ApiError;
use crate::store::Record;

/// The asset types of the API, in the order the summaries list them.
pub const ASSET_TYPES: [&str; 4] = ["ASSET_CONTAINER", "ASSET_IMAGE", "ASSET_HOST", "ASSET_K8S"];

/// Scans `assets`: all their policy items (`only` `None`) or those `only` names.
fn scan(env: &Env, mut assets: Vec<Record>, only: Option<&[i64]>) -> Answer {
    let done = env.now_ms + env.task_ms;
    for a in &mut assets {
        let truth = numbers(a.fields.get(VIOLATIONS));
        let found: Vec<i64> = match only {
            None => truth,
            Some(items) => numbers(failed(a))
                .into_iter()
                .filter(|i| !items.contains(i))
                .chain(truth.into_iter().filter(|i| items.contains(i)))
                .collect(),
        };
        transition(
            &mut a.fields,
            &[("CheckStatus", json!("CHECK_RUNNING"))],
            done,
            &[
                ("CheckStatus", json!("CHECK_FINISHED")),
                ("LastCheckTime", json!(datetime(done))),
                ("CheckTime", json!(datetime(done))),
                (FAILED, json!(found)),
                ("FailureReason", json!("")),
                ("Suggestion", json!("")),
            ],
        );
    }
    save(env, &assets)?;
    let Some(tasks) = resource("compliance_tasks") else {
        return Err(ApiError::internal());
    };
    let mut task = new_record(env, tasks)?;
    task.fields
        .insert("__created".into(), json!(datetime(env.now_ms)));
    save(env, std::slice::from_ref(&task))?;
    let mut out = Map::new();
    out.insert("TaskId".into(), json!(id_of(&task)));
    Ok(out)
}

/// The assets `member` names (each must exist).
fn named(env: &Env, params: &Map<String, Value>, member: &str) -> Result<Vec<Record>, ApiError> {
    let Some(res) = resource(ASSETS) else {
        return Ok(Vec::new());
    };
    ids_of(params, member)
        .iter()
        .map(|id| load_one(env, res, "CustomerAssetId", id))
        .collect()
}

pub fn assets(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let assets = named(env, &params, "CustomerAssetIdSet")?;
    scan(env, assets, None)
}

pub fn failed_assets(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let assets = named(env, &params, "CustomerAssetIdSet")?;
    scan(env, assets, None)
}

pub fn assets_by_item(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let item = ids_of(&params, "CustomerPolicyItemId");
    if let Some(items) = resource(super::ITEMS) {
        load_one(
            env,
            items,
            "CustomerPolicyItemId",
            item.first().map_or("", String::as_str),
        )?;
    }
    let only: Vec<i64> = item.iter().filter_map(|i| i.parse().ok()).collect();
    let assets = named(env, &params, "CustomerAssetIdSet")?;
    scan(env, assets, Some(&only))
}

/// Every asset the named policy items apply to, for those items.
pub fn policy_items(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let w = World::load(env)?;
    let only = numbers(params.get("CustomerPolicyItemIdSet"));
    let items: Vec<&Record> = w
        .items
        .iter()
        .filter(|i| only.contains(&id_of(i)))
        .collect();
    let assets = w
        .assets
        .iter()
        .filter(|a| items.iter().any(|i| w.items_of(a).any(|x| x.id == i.id)))
        .cloned()
        .collect();
    scan(env, assets, Some(&only))
}

/// `CreateComplianceTask`: every asset of `AssetTypeSet`, or of the periodic task
/// `PeriodTaskId`'s asset type; with neither (a policy set), every asset.
pub fn create_task(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let mut kinds: Vec<String> = params
        .get("AssetTypeSet")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if let (Some(id), Some(periods)) = (
        ids_of(&params, "PeriodTaskId").first(),
        resource("compliance_period_tasks"),
    ) {
        let task = load_one(env, periods, "PeriodTaskId", id)?;
        kinds.push(text(&task.fields, "AssetType").to_string());
    }
    let assets = World::load(env)?
        .assets
        .into_iter()
        .filter(|a| {
            kinds.is_empty()
                || kinds
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(text(&a.fields, "AssetType")))
        })
        .collect();
    scan(env, assets, None)
}

/// The newest scan task's id (0 when there was none).
pub fn newest_task(env: &Env) -> Result<i64, ApiError> {
    let Some(tasks) = resource("compliance_tasks") else {
        return Ok(0);
    };
    Ok(load(env, tasks)?.iter().map(id_of).max().unwrap_or(0))
}

/// The policy items of `items` that are not checked: `IsEnable` 0, or of a benchmark
/// standard that the periodic task of their asset type disables.
pub fn closed(env: &Env, items: &[Record]) -> Result<Vec<i64>, ApiError> {
    let periods = match resource("compliance_period_tasks") {
        Some(p) => load(env, p)?,
        None => Vec::new(),
    };
    let disabled = |item: &Record| {
        periods
            .iter()
            .filter(|p| {
                text(&p.fields, "AssetType").eq_ignore_ascii_case(text(&item.fields, "AssetType"))
            })
            .flat_map(|p| {
                p.fields
                    .get("BenchmarkStandardSet")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .any(|s| {
                s.get("StandardId").and_then(Value::as_i64)
                    == Some(num(&item.fields, "BenchmarkStandardId"))
                    && s.get("Enabled") == Some(&Value::Bool(false))
            })
    };
    Ok(items
        .iter()
        .filter(|i| {
            (i.fields.contains_key("IsEnable") && num(&i.fields, "IsEnable") == 0) || disabled(i)
        })
        .map(id_of)
        .collect())
}

/// `ModifyCompliancePeriodTask`: `PeriodRule` replaced when given; each of
/// `StandardSettings` switches the benchmark standard it names.
pub fn modify_period_task(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let id = ids_of(&params, "PeriodTaskId");
    let mut task = load_one(
        env,
        res,
        "PeriodTaskId",
        id.first().map_or("", String::as_str),
    )?;
    if let Some(rule) = params.get("PeriodRule").filter(|r| r.is_object()) {
        task.fields.insert("PeriodRule".into(), rule.clone());
    }
    let settings = params.get("StandardSettings").and_then(Value::as_array);
    if let Some(Value::Array(standards)) = task.fields.get_mut("BenchmarkStandardSet") {
        for s in settings.into_iter().flatten() {
            let id = s.get("StandardId").and_then(Value::as_i64);
            if let Some(Value::Object(std)) = standards
                .iter_mut()
                .find(|x| x.get("StandardId").and_then(Value::as_i64) == id)
            {
                std.insert(
                    "Enabled".into(),
                    s.get("Enable").cloned().unwrap_or(json!(false)),
                );
            }
        }
    }
    save(env, std::slice::from_ref(&task))?;
    Ok(Map::new())
}

/// `InitializeUserComplianceEnvironment`: `USER_INITIALIZING` for the task duration,
/// then `USER_NORMAL`; a periodic task (weekly at 02:00:00, enabled) for each asset
/// type that has none.
pub fn initialize(env: &Env, res: &'static Resource, _: Map<String, Value>) -> Answer {
    let mut record = singleton(env, res)?;
    transition(
        &mut record.fields,
        &[("Status", json!("USER_INITIALIZING"))],
        env.now_ms + env.task_ms,
        &[("Status", json!("USER_NORMAL"))],
    );
    save(env, std::slice::from_ref(&record))?;
    if let Some(periods) = resource("compliance_period_tasks") {
        let have = load(env, periods)?;
        for kind in ASSET_TYPES {
            if count_where(have.iter().map(|t| &t.fields), "AssetType", kind) == 0 {
                let mut task = new_record(env, periods)?;
                task.fields.insert("AssetType".into(), json!(kind));
                task.fields.insert(
                    "PeriodRule".into(),
                    json!({"Frequency": 7, "ExecutionTime": "02:00:00", "Enable": true}),
                );
                save(env, std::slice::from_ref(&task))?;
            }
        }
    }
    Ok(Map::new())
}

/// The environment's status: what initialising set, else `USER_NORMAL` when the
/// account has compliance assets and `USER_UNINIT` when it has none.
fn user_status(env: &Env, w: &World) -> Result<String, ApiError> {
    if let Some(res) = resource("compliance_environment")
        && let Some(mut r) = env.store.record(res.name, &env.account, "default")?
    {
        super::super::super::engine::settle(&mut r.fields, env.now_ms);
        return Ok(text(&r.fields, "Status").to_string());
    }
    Ok(if w.assets.is_empty() {
        "USER_UNINIT"
    } else {
        "USER_NORMAL"
    }
    .to_string())
}

/// `DescribeComplianceTaskAssetSummary`, per asset type asked, counted from the
/// results.
pub fn task_asset_summary(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let w = World::load(env)?;
    let periods = match resource("compliance_period_tasks") {
        Some(p) => load(env, p)?,
        None => Vec::new(),
    };
    let mut list = Vec::new();
    for kind in ASSET_TYPES.iter().filter(|k| super::of_types(&params, k)) {
        let of = |r: &&Record| text(&r.fields, "AssetType").eq_ignore_ascii_case(kind);
        let assets: Vec<&Record> = w.assets.iter().filter(of).collect();
        let items: Vec<Map<String, Value>> = w
            .items
            .iter()
            .filter(of)
            .map(|i| item_view(&w, i))
            .collect();
        let views: Vec<Map<String, Value>> =
            assets.iter().map(|a| super::asset_view(&w, a)).collect();
        let failing_items: Vec<&Map<String, Value>> = items
            .iter()
            .filter(|i| text(i, "CheckResult") == "RESULT_FAILED")
            .collect();
        let level = |l: &str| count_where(failing_items.iter().copied(), "RiskLevel", l);
        let status = |s: &str| count_where(assets.iter().map(|a| &a.fields), "CheckStatus", s);
        let passed_assets = count_where(views.iter(), "CheckResult", "RESULT_PASSED");
        let failed_assets = count_where(views.iter(), "CheckResult", "RESULT_FAILED");
        let checked = passed_assets + failed_assets;
        let running = status("CHECK_RUNNING");
        let check_status = if running > 0 {
            "CHECK_RUNNING"
        } else if checked > 0 {
            "CHECK_FINISHED"
        } else if assets.is_empty() {
            "CHECK_UNINIT"
        } else {
            "CHECK_INIT"
        };
        let left_ms = assets
            .iter()
            .filter_map(|a| a.fields.get(super::super::super::engine::PENDING))
            .flat_map(|p| p.as_array().into_iter().flatten())
            .filter_map(|p| p.get("at").and_then(Value::as_i64))
            .map(|at| at - env.now_ms)
            .max()
            .unwrap_or(0)
            .max(0);
        let mut hosts: Vec<&str> = assets.iter().map(|a| text(&a.fields, "HostIP")).collect();
        hosts.retain(|h| !h.is_empty());
        hosts.sort_unstable();
        hosts.dedup();
        let period = periods.iter().find(|p| of(p));
        let rate = if checked > 0 {
            100.0 * passed_assets as f64 / checked as f64
        } else {
            0.0
        };
        list.push(json!({
            "AssetType": kind,
            "IsCustomerFirstCheck": checked == 0,
            "CheckStatus": check_status,
            "CheckProgress": if running > 0 { 100.0 * (assets.len() as f64 - running as f64) / assets.len() as f64 } else { 100.0 },
            "PassedPolicyItemCount": count_where(items.iter(), "CheckResult", "RESULT_PASSED"),
            "FailedPolicyItemCount": failing_items.len(),
            "FailedCriticalPolicyItemCount": level("RISK_CRITICAL"),
            "FailedHighRiskPolicyItemCount": level("RISK_HIGH"),
            "FailedMediumRiskPolicyItemCount": level("RISK_MEDIUM"),
            "FailedLowRiskPolicyItemCount": level("RISK_LOW"),
            "NoticePolicyItemCount": count_where(items.iter(), "RiskLevel", "RISK_NOTICE"),
            "PassedAssetCount": passed_assets,
            "FailedAssetCount": failed_assets,
            "AssetPassedRate": rate,
            "ScanFailedAssetCount": status("CHECK_FAILED"),
            "CheckCostTime": env.task_ms as f64 / 1000.0,
            "LastCheckTime": assets.iter().map(|a| text(&a.fields, "LastCheckTime")).max().unwrap_or(""),
            "PeriodRule": period.and_then(|p| p.fields.get("PeriodRule")).cloned().unwrap_or(json!({})),
            "OpenPolicyItemCount": items.iter().filter(|i| num(i, "IsEnable") == 1).count(),
            "IgnoredPolicyItemCount": items.iter().filter(|i| num(i, "WhitelistId") != 0).count(),
            "TotalPolicyItemCount": items.len(),
            "DetectHostCount": hosts.len(),
            "LeftTime": (left_ms + 999) / 1000,
        }));
    }
    let mut out = Map::new();
    out.insert("Status".into(), json!(user_status(env, &w)?));
    out.insert("AssetSummaryList".into(), Value::Array(list));
    Ok(out)
}

/// `DescribeComplianceScanFailedAssetList`: the assets whose last scan failed.
pub fn scan_failed_list(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let rows = load(env, res)?
        .into_iter()
        .filter(|a| text(&a.fields, "CheckStatus") == "CHECK_FAILED")
        .filter(|a| super::of_types(&params, text(&a.fields, "AssetType")))
        .map(|a| a.fields)
        .collect();
    super::answer(
        res,
        "DescribeComplianceScanFailedAssetList",
        "ScanFailedAssetList",
        "TotalCount",
        rows,
        &params,
    )
}
