//! `CreateExportComplianceStatusListJob`: the compliance status as a file, by asset
//! or by policy item, written by the export binding's writer.

use serde_json::{Map, Value};

use super::super::super::engine::item_type;
use super::super::super::{Env, Resource, project, query, resource};
use super::super::series::text;
use super::{Answer, ITEMS, World, asset_view, id_of, item_view, numbers};
use crate::error::ApiError;
use crate::spec;
use crate::store::Record;

/// `CreateExportComplianceStatusListJob`: the assets (`ExportByAsset`) or the policy
/// items of `AssetType`, all (`ExportAll`) or those `IdList` names, as the asset list
/// or the policy item list shows them, filtered by `Filters`.
pub fn export(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let w = World::load(env)?;
    let by_asset = params
        .get("ExportByAsset")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let all = params
        .get("ExportAll")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let wanted = numbers(params.get("IdList"));
    let kind = params
        .get("AssetType")
        .and_then(Value::as_str)
        .unwrap_or("");
    let keep = |r: &Record| {
        (kind.is_empty() || text(&r.fields, "AssetType").eq_ignore_ascii_case(kind))
            && (all || wanted.contains(&id_of(r)))
    };
    let (list, items, rows, list_res): (_, _, Vec<_>, _) = if by_asset {
        let rows = w
            .assets
            .iter()
            .filter(|a| keep(a))
            .map(|a| asset_view(&w, a));
        (
            "DescribeComplianceAssetList",
            "AssetInfoList",
            rows.collect(),
            res,
        )
    } else {
        let rows = w.items.iter().filter(|i| keep(i)).map(|i| item_view(&w, i));
        let items_res = resource(ITEMS).unwrap_or(res);
        (
            "DescribeComplianceTaskPolicyItemSummaryList",
            "PolicyItemSummaryList",
            rows.collect(),
            items_res,
        )
    };
    let (Some(list_action), Some(action)) = (
        spec::tcss().action(list),
        spec::tcss().action("CreateExportComplianceStatusListJob"),
    ) else {
        return Err(ApiError::internal());
    };
    let item = item_type(list_action, items);
    let shown = rows.iter().map(|r| project(r, item)).collect();
    let mut filters = Map::new();
    if let Some(f) = params.get("Filters") {
        filters.insert("Filters".into(), f.clone());
    }
    let rows = query::select(list_res, list_action, item, shown, &filters)?;
    let mut out = super::super::super::export::write(env, res, action, item, &rows, &Map::new())?;
    out.shift_remove("DownloadUrl");
    Ok(out)
}
