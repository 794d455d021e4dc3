//! Compliance views: the assets, the policy items and the results of their last
//! check, computed when asked from three collections, so that a whitelist change or
//! a finished scan shows at once in every list and count.
//!
//! An asset keeps `__violations`, the policy items it breaks now (what the next scan
//! finds), and `__failed`, what its last scan found (absent: the same as
//! `__violations`, a seeded asset was checked). A policy item applies to the assets
//! of its `AssetType`. A result is `RESULT_FAILED` when the last scan found it and no
//! whitelist entry covers it, else `RESULT_PASSED`; an asset never checked
//! (`CHECK_INIT`) and a policy item not checked (`IsEnable` 0, or its benchmark
//! standard disabled in the periodic task of its asset type) have no results. A whitelist entry names a policy item and the
//! assets it covers (`__assets`; absent: every asset). The values are those the
//! spec documents (`ComplianceAssetInfo`, `CompliancePolicyItemSummary`).

mod export;
pub mod risks;
pub mod scans;
pub mod whitelist;

pub use export::export;

use serde_json::{Map, Value, json};

use super::super::engine::{item_type, load, load_one};
use super::super::{Env, Resource, object, project, query, resource};
use super::series::{num, text};
use crate::error::ApiError;
use crate::spec;
use crate::store::Record;

pub const ASSETS: &str = "compliance_assets";
pub const ITEMS: &str = "compliance_policy_items";
pub const WHITELIST: &str = "compliance_whitelist";
/// What the asset breaks now: what its next scan finds.
pub const VIOLATIONS: &str = "__violations";
/// What its last scan found.
pub const FAILED: &str = "__failed";
/// The assets a whitelist entry covers (absent: all).
pub const COVERED: &str = "__assets";

/// The account's compliance records, settled.
pub struct World {
    pub assets: Vec<Record>,
    pub items: Vec<Record>,
    pub whitelist: Vec<Record>,
    /// The policy items not checked: closed, or of a benchmark standard disabled.
    pub closed: Vec<i64>,
}

fn collection(env: &Env, name: &str) -> Result<Vec<Record>, ApiError> {
    match resource(name) {
        Some(res) => load(env, res),
        None => Ok(Vec::new()),
    }
}

impl World {
    pub fn load(env: &Env) -> Result<Self, ApiError> {
        let items = collection(env, ITEMS)?;
        Ok(Self {
            assets: collection(env, ASSETS)?,
            closed: scans::closed(env, &items)?,
            items,
            whitelist: collection(env, WHITELIST)?,
        })
    }

    /// The whitelist entry of `item`, if any.
    pub fn entry(&self, item: i64) -> Option<&Record> {
        self.whitelist
            .iter()
            .find(|w| num(&w.fields, "CustomerPolicyItemId") == item)
    }

    /// The assets `item` applies to.
    pub fn assets_of<'a>(&'a self, item: &'a Record) -> impl Iterator<Item = &'a Record> {
        self.assets.iter().filter(move |a| applies(item, a))
    }

    /// The policy items that apply to `asset`.
    pub fn items_of<'a>(&'a self, asset: &'a Record) -> impl Iterator<Item = &'a Record> {
        self.items.iter().filter(move |i| applies(i, asset))
    }

    /// The result of checking `asset` against `item`: `None` before its first check,
    /// else whether it failed (whitelisted results pass), and the covering entry.
    pub fn result(&self, asset: &Record, item: &Record) -> (Option<bool>, i64) {
        let entry = self
            .entry(id_of(item))
            .filter(|w| covers(w, id_of(asset)))
            .map_or(0, id_of);
        if !checked(asset) || self.closed.contains(&id_of(item)) {
            return (None, entry);
        }
        let found = numbers(failed(asset)).contains(&id_of(item));
        (Some(found && entry == 0), entry)
    }
}

/// A record's integer identifier.
pub fn id_of(r: &Record) -> i64 {
    r.id.parse().unwrap_or(0)
}

/// The integers of a JSON list (numbers or digit strings).
pub fn numbers(v: Option<&Value>) -> Vec<i64> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_i64().or_else(|| x.as_str()?.parse().ok()))
        .collect()
}

/// What the asset's last scan found.
pub fn failed(asset: &Record) -> Option<&Value> {
    asset
        .fields
        .get(FAILED)
        .or_else(|| asset.fields.get(VIOLATIONS))
}

fn applies(item: &Record, asset: &Record) -> bool {
    text(&item.fields, "AssetType").eq_ignore_ascii_case(text(&asset.fields, "AssetType"))
}

/// Whether a whitelist entry covers the asset `asset`.
pub fn covers(entry: &Record, asset: i64) -> bool {
    match entry.fields.get(COVERED) {
        Some(v) => numbers(Some(v)).contains(&asset),
        None => true,
    }
}

fn checked(asset: &Record) -> bool {
    !matches!(
        text(&asset.fields, "CheckStatus"),
        "" | "CHECK_INIT" | "CHECK_UNINIT"
    ) && !text(&asset.fields, "LastCheckTime").is_empty()
}

fn result_text(failed: bool) -> &'static str {
    if failed {
        "RESULT_FAILED"
    } else {
        "RESULT_PASSED"
    }
}

/// An asset as the lists show it: its record and its counts.
pub fn asset_view(w: &World, asset: &Record) -> Map<String, Value> {
    let results: Vec<_> = w.items_of(asset).map(|i| w.result(asset, i).0).collect();
    let failing = results.iter().filter(|r| **r == Some(true)).count();
    let passing = results.iter().filter(|r| **r == Some(false)).count();
    let mut v = asset.fields.clone();
    v.insert("PassedPolicyItemCount".into(), json!(passing));
    v.insert("FailedPolicyItemCount".into(), json!(failing));
    if checked(asset) {
        v.insert("CheckResult".into(), json!(result_text(failing > 0)));
    }
    v
}

/// A policy item as the lists show it: its record and what its assets' results say.
pub fn item_view(w: &World, item: &Record) -> Map<String, Value> {
    let assets: Vec<&Record> = w.assets_of(item).collect();
    let results: Vec<_> = assets.iter().map(|a| w.result(a, item).0).collect();
    let failing = results.iter().filter(|r| **r == Some(true)).count();
    let passing = results.iter().filter(|r| **r == Some(false)).count();
    let status = |s: &str| assets.iter().any(|a| text(&a.fields, "CheckStatus") == s);
    let check_status = if status("CHECK_RUNNING") {
        "CHECK_RUNNING"
    } else if failing + passing > 0 {
        "CHECK_FINISHED"
    } else {
        "CHECK_INIT"
    };
    let last = assets
        .iter()
        .map(|a| text(&a.fields, "LastCheckTime"))
        .max()
        .unwrap_or("");
    let mut v = item.fields.clone();
    v.insert("PassedAssetCount".into(), json!(passing));
    v.insert("FailedAssetCount".into(), json!(failing));
    v.insert("CheckStatus".into(), json!(check_status));
    v.insert("LastCheckTime".into(), json!(last));
    if failing + passing > 0 {
        v.insert("CheckResult".into(), json!(result_text(failing > 0)));
    }
    v.insert(
        "WhitelistId".into(),
        json!(w.entry(id_of(item)).map_or(0, id_of)),
    );
    v.insert(
        "IsEnable".into(),
        json!(u8::from(!w.closed.contains(&id_of(item)))),
    );
    v
}

/// One result (asset × item) as the two-level lists show it.
fn pair_view(w: &World, asset: &Record, item: &Record) -> Map<String, Value> {
    let (result, entry) = w.result(asset, item);
    let mut v = asset.fields.clone();
    v.extend(item.fields.clone());
    v.insert(
        "CheckStatus".into(),
        json!(match text(&asset.fields, "CheckStatus") {
            "" => "CHECK_INIT",
            s => s,
        }),
    );
    v.insert("CheckResult".into(), json!(result.map_or("", result_text)));
    let last = match text(&asset.fields, "LastCheckTime") {
        "" => "0000-00-00 00:00:00",
        t => t,
    };
    v.insert("LastCheckTime".into(), json!(last));
    v.insert("WhitelistId".into(), json!(entry));
    v
}

/// The answer of the list `action`: `rows` filtered, sorted and paged as the request
/// asks, shown as the list's item type, under `items`, their number under `total`.
pub fn answer(
    res: &Resource,
    action: &str,
    items: &str,
    total: &str,
    rows: Vec<Map<String, Value>>,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(action) = spec::tcss().action(action) else {
        return Err(ApiError::internal());
    };
    let item = item_type(action, items);
    let shown = rows.iter().map(|r| project(r, item)).collect();
    let (page, n) = query::run(res, action, item, shown, params)?;
    let mut out = Map::new();
    out.insert(
        items.into(),
        Value::Array(page.into_iter().map(Value::Object).collect()),
    );
    out.insert(total.into(), json!(n));
    Ok(out)
}

/// Whether `asset_type` is one of the request's `AssetTypeSet` (none given: all).
pub fn of_types(params: &Map<String, Value>, asset_type: &str) -> bool {
    match params.get("AssetTypeSet").and_then(Value::as_array) {
        Some(set) if !set.is_empty() => set.iter().any(|t| {
            t.as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(asset_type))
        }),
        _ => true,
    }
}

type Answer = Result<Map<String, Value>, ApiError>;

pub fn asset_list(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let w = World::load(env)?;
    let rows = w
        .assets
        .iter()
        .filter(|a| of_types(&params, text(&a.fields, "AssetType")))
        .map(|a| asset_view(&w, a))
        .collect();
    answer(
        res,
        "DescribeComplianceAssetList",
        "AssetInfoList",
        "TotalCount",
        rows,
        &params,
    )
}

fn id_param(params: &Map<String, Value>, member: &str) -> String {
    params
        .get(member)
        .and_then(super::super::engine::id_text)
        .unwrap_or_default()
}

fn asset_named(env: &Env, res: &Resource, params: &Map<String, Value>) -> Result<Record, ApiError> {
    load_one(
        env,
        res,
        "CustomerAssetId",
        &id_param(params, "CustomerAssetId"),
    )
}

pub fn asset_detail(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let asset = asset_named(env, res, &params)?;
    let w = World::load(env)?;
    let view = asset_view(&w, &asset);
    let mut out = project(
        &asset.fields,
        object("DescribeComplianceAssetDetailInfoResponse"),
    );
    out.insert(
        "AssetDetailInfo".into(),
        Value::Object(project(&view, object("ComplianceAssetDetailInfo"))),
    );
    Ok(out)
}

pub fn asset_policy_items(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let asset = asset_named(env, res, &params)?;
    let w = World::load(env)?;
    let rows = w
        .items_of(&asset)
        .map(|i| pair_view(&w, &asset, i))
        .collect();
    answer(
        res,
        "DescribeComplianceAssetPolicyItemList",
        "AssetPolicyItemList",
        "TotalCount",
        rows,
        &params,
    )
}

fn item_named(env: &Env, res: &Resource, params: &Map<String, Value>) -> Result<Record, ApiError> {
    load_one(
        env,
        res,
        "CustomerPolicyItemId",
        &id_param(params, "CustomerPolicyItemId"),
    )
}

pub fn item_affected_assets(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Answer {
    let item = item_named(env, res, &params)?;
    let w = World::load(env)?;
    let rows = w
        .assets_of(&item)
        .map(|a| pair_view(&w, a, &item))
        .collect();
    answer(
        res,
        "DescribeCompliancePolicyItemAffectedAssetList",
        "AffectedAssetList",
        "TotalCount",
        rows,
        &params,
    )
}

pub fn item_affected_summary(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Answer {
    let item = item_named(env, res, &params)?;
    let w = World::load(env)?;
    let view = item_view(&w, &item);
    let mut out = Map::new();
    out.insert(
        "PolicyItemSummary".into(),
        Value::Object(project(&view, object("CompliancePolicyItemSummary"))),
    );
    Ok(out)
}

pub fn item_summary_list(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let w = World::load(env)?;
    let rows = w.items.iter().map(|i| item_view(&w, i)).collect();
    let mut out = answer(
        res,
        "DescribeComplianceTaskPolicyItemSummaryList",
        "PolicyItemSummaryList",
        "TotalCount",
        rows,
        &params,
    )?;
    out.insert("TaskId".into(), json!(scans::newest_task(env)?));
    Ok(out)
}

pub use scans::{scan_failed_list, task_asset_summary};
