//! The compliance whitelist: one entry per policy item, covering every asset or the
//! assets it lists (`__assets`). Adding merges into the item's entry (ids allocated
//! ascending); removing the last asset of an entry, or an entry's item with no asset
//! list, deletes the entry. Policy items or assets that name no record are ignored in
//! a list, `ResourceNotFound` when named alone.

use serde_json::{Map, Value, json};

use super::super::super::engine::{ids_of, load_one, new_record, save};
use super::super::super::{Env, Resource, resource};
use super::super::datetime;
use super::super::series::text;
use super::{Answer, COVERED, ITEMS, World, answer, covers, id_of, numbers, of_types};
use crate::error::ApiError;
use crate::store::Record;

/// The change to one item's entry.
enum Change {
    /// Cover every asset.
    All,
    /// Cover these assets too.
    Add(Vec<i64>),
    /// Stop covering these assets (`None`: the entry goes).
    Remove(Option<Vec<i64>>),
}

/// Applies `change` to the entry of the policy item `item` (an existing item).
fn apply(env: &Env, w: &World, item: &Record, change: Change) -> Result<(), ApiError> {
    let Some(res) = resource(super::WHITELIST) else {
        return Ok(());
    };
    let existing = w.entry(id_of(item)).cloned();
    let mut entry = match (existing, &change) {
        (Some(e), _) => e,
        (None, Change::Remove(_)) => return Ok(()),
        (None, _) => {
            let mut e = new_record(env, res)?;
            e.fields
                .insert("CustomerPolicyItemId".into(), json!(id_of(item)));
            e.fields
                .insert("InsertTime".into(), json!(datetime(env.now_ms)));
            e.fields.insert(COVERED.into(), json!([]));
            e
        }
    };
    let all_assets: Vec<i64> = w.assets_of(item).map(id_of).collect();
    match change {
        Change::All => {
            entry.fields.shift_remove(COVERED);
        }
        Change::Add(assets) => {
            if entry.fields.contains_key(COVERED) {
                let mut have = numbers(entry.fields.get(COVERED));
                have.extend(assets.into_iter().filter(|a| all_assets.contains(a)));
                have.sort_unstable();
                have.dedup();
                entry.fields.insert(COVERED.into(), json!(have));
            }
        }
        Change::Remove(None) => {
            env.store
                .delete_records(res.name, &env.account, &[entry.id.clone()])?;
            return Ok(());
        }
        Change::Remove(Some(assets)) => {
            let left: Vec<i64> = all_assets
                .iter()
                .copied()
                .filter(|a| covers(&entry, *a) && !assets.contains(a))
                .collect();
            entry.fields.insert(COVERED.into(), json!(left));
        }
    }
    if entry
        .fields
        .get(COVERED)
        .is_some_and(|c| numbers(Some(c)).is_empty())
    {
        env.store
            .delete_records(res.name, &env.account, &[entry.id.clone()])?;
        return Ok(());
    }
    entry
        .fields
        .insert("LastUpdateTime".into(), json!(datetime(env.now_ms)));
    save(env, std::slice::from_ref(&entry))
}

fn items_named<'a>(w: &'a World, ids: &[i64]) -> Vec<&'a Record> {
    w.items.iter().filter(|i| ids.contains(&id_of(i))).collect()
}

/// The policy item `member` names: it must exist.
fn one_item(env: &Env, params: &Map<String, Value>, member: &str) -> Result<i64, ApiError> {
    let id = ids_of(params, member)
        .into_iter()
        .next()
        .unwrap_or_default();
    match resource(ITEMS) {
        Some(items) => Ok(id_of(&load_one(env, items, "CustomerPolicyItemId", &id)?)),
        None => Ok(0),
    }
}

/// Each change in turn, on a fresh view (one may create the entry the next changes).
fn each(env: &Env, changes: Vec<(i64, Change)>) -> Answer {
    for (item, change) in changes {
        let w = World::load(env)?;
        if let Some(item) = items_named(&w, &[item]).first() {
            apply(env, &w, item, change)?;
        }
    }
    Ok(Map::new())
}

/// A change to some assets, or (`ids` empty) to all of them.
fn assets_change(ids: Vec<i64>, add: bool) -> Change {
    match (ids.is_empty(), add) {
        (true, true) => Change::All,
        (true, false) => Change::Remove(None),
        (false, true) => Change::Add(ids),
        (false, false) => Change::Remove(Some(ids)),
    }
}

pub fn add_items(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let ids = numbers(params.get("CustomerPolicyItemIdSet"));
    each(env, ids.into_iter().map(|i| (i, Change::All)).collect())
}

pub fn add_policy_assets(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let item = one_item(env, &params, "CustomerPolicyItemId")?;
    let assets = numbers(params.get("CustomerAssetItemIdSet"));
    each(env, vec![(item, assets_change(assets, true))])
}

/// Each `{CustomerAssetItemId, CustomerPolicyItemIdSet}` (no items: all of the
/// asset's) as changes per item.
fn asset_policies(
    env: &Env,
    pairs: Vec<(i64, Vec<i64>)>,
    add: bool,
) -> Result<Vec<(i64, Change)>, ApiError> {
    let w = World::load(env)?;
    let mut changes = Vec::new();
    for (asset_id, items) in pairs {
        let Some(asset) = w.assets.iter().find(|a| id_of(a) == asset_id) else {
            continue;
        };
        for item in w.items_of(asset) {
            if items.is_empty() || items.contains(&id_of(item)) {
                let change = if add {
                    Change::Add(vec![asset_id])
                } else {
                    Change::Remove(Some(vec![asset_id]))
                };
                changes.push((id_of(item), change));
            }
        }
    }
    Ok(changes)
}

pub fn add_asset_policies(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let pairs = params
        .get("AssetPolicySetList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p.get("CustomerAssetItemId")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
                numbers(p.get("CustomerPolicyItemIdSet")),
            )
        })
        .collect();
    let changes = asset_policies(env, pairs, true)?;
    each(env, changes)
}

pub fn delete_asset_policies(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Answer {
    let asset = ids_of(&params, "AssetItemId")
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let changes = asset_policies(
        env,
        vec![(asset, numbers(params.get("CustomerPolicyItemIdSet")))],
        false,
    )?;
    each(env, changes)
}

pub fn delete_policy_assets(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let changes = params
        .get("PolicyAssetSetList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let item = p.get("CustomerPolicyItemId").and_then(Value::as_i64)?;
            Some((
                item,
                assets_change(numbers(p.get("CustomerAssetItemIdSet")), false),
            ))
        })
        .collect();
    each(env, changes)
}

/// `DescribeComplianceWhitelistItemList`: each entry with its policy item's name and
/// standard, and the number of assets it covers.
pub fn list(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let w = World::load(env)?;
    let rows = w
        .whitelist
        .iter()
        .filter_map(|e| {
            let item_id = super::super::series::num(&e.fields, "CustomerPolicyItemId");
            let item = w.items.iter().find(|i| id_of(i) == item_id)?;
            if !of_types(&params, text(&item.fields, "AssetType")) {
                return None;
            }
            let mut v = e.fields.clone();
            v.insert("Name".into(), json!(text(&item.fields, "Name")));
            v.insert(
                "StandardName".into(),
                json!(text(&item.fields, "BenchmarkStandardName")),
            );
            v.insert(
                "StandardId".into(),
                item.fields
                    .get("BenchmarkStandardId")
                    .cloned()
                    .unwrap_or(json!(0)),
            );
            let n = w.assets_of(item).filter(|a| covers(e, id_of(a))).count();
            v.insert("AffectedAssetCount".into(), json!(n));
            Some(v)
        })
        .collect();
    answer(
        res,
        "DescribeComplianceWhitelistItemList",
        "WhitelistItemSet",
        "TotalCount",
        rows,
        &params,
    )
}
