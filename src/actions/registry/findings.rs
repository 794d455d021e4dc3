//! An image's findings: vulnerabilities, risks, viruses (lists and exports).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{
    AssetFilter, Finding, ImageInfo, check_filters, descending, load, page, params, passes,
    sort_by, view, visible_findings,
};
use crate::error::ApiError;
use crate::exports::{self, Column};
use crate::resources::{Env, Resource};
use crate::spec;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FindingsRequest {
    limit: Option<u64>,
    offset: Option<u64>,
    #[serde(default)]
    filters: Vec<AssetFilter>,
    image_info: Option<ImageInfo>,
    by: Option<String>,
    order: Option<String>,
    id: Option<u64>,
    #[serde(default)]
    export_field: Vec<String>,
}

/// The findings of `kind` of the image the request names, filtered and sorted.
fn select(
    env: &Env,
    req: &FindingsRequest,
    kind: Finding,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let object = spec::tcss()
        .object_named(kind.type_name())
        .ok_or_else(ApiError::internal)?;
    check_filters(&req.filters, &|name| object.member(name).is_some())?;
    let by = match req.by.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => Some(object.member(b).map(|m| m.name).ok_or_else(|| {
            ApiError::invalid_parameter_value(
                "By",
                &format!("`{b}` is not a field of {}", object.name),
            )
        })?),
        None => None,
    };
    let desc = descending(req.order.as_deref(), "Order")?;
    if req.id.is_none() && req.image_info.is_none() {
        return Err(ApiError::missing_id_or_image_info());
    }
    let (records, running) = load(env)?;
    let record = records
        .iter()
        .find(|r| {
            req.id.is_none_or(|id| u64::try_from(r.id) == Ok(id))
                && req
                    .image_info
                    .as_ref()
                    .is_none_or(|info| info.matches(&r.fields))
        })
        .ok_or_else(|| {
            ApiError::image_not_found(&match req.id {
                Some(id) => format!("Id `{id}`"),
                None => "ImageInfo".into(),
            })
        })?;
    let v = view(record, running.get(&record.id), env.now_ms);
    let mut items: Vec<Map<String, Value>> = visible_findings(&v, record, kind)
        .into_iter()
        .filter_map(|f| match f {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .filter(|m| passes(m, &req.filters))
        .collect();
    if let Some(by) = by {
        sort_by(&mut items, by, desc);
    }
    Ok(items)
}

fn list(env: &Env, raw: Map<String, Value>, kind: Finding) -> Result<Map<String, Value>, ApiError> {
    let req: FindingsRequest = params(raw)?;
    let items = select(env, &req, kind)?;
    super::paged(items, req.limit, req.offset)
}

fn export(
    env: &Env,
    raw: Map<String, Value>,
    kind: Finding,
    action: &str,
) -> Result<Map<String, Value>, ApiError> {
    let req: FindingsRequest = params(raw)?;
    let object = spec::tcss()
        .object_named(kind.type_name())
        .ok_or_else(ApiError::internal)?;
    let fields: Vec<&str> = object.members.iter().map(|m| m.name).collect();
    let columns = export_columns(action, &req.export_field, &fields, object.name)?;
    let items = select(env, &req, kind)?;
    let rows = match (req.limit, req.offset) {
        (None, None) => items,
        _ => page(items, req.limit, req.offset)?,
    };
    finish_export(env, columns, &rows)
}

/// The `ExportField` names the documented examples of `action` ask for.
fn documented_columns(action: &str) -> Vec<String> {
    let Some(action) = spec::tcss().action(action) else {
        return Vec::new();
    };
    action
        .examples
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(e.request).ok())
        .filter_map(|r| match r.get("ExportField") {
            Some(Value::Array(names)) => Some(names.clone()),
            _ => None,
        })
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The columns `asked` of an export of `action` whose rows have `fields` (see
/// [`exports::columns`]); none asked: the first row's fields, in [`finish_export`].
pub fn export_columns(
    action: &str,
    asked: &[String],
    fields: &[&str],
    row_type: &str,
) -> Result<Vec<Column>, ApiError> {
    exports::columns(asked, fields, &documented_columns(action), row_type)
}

/// Keeps the CSV of `rows` (with `columns`, or the first row's fields when none) and
/// answers where to download it: a URL that works by itself (it carries its `sign`).
pub fn finish_export(
    env: &Env,
    columns: Vec<Column>,
    rows: &[Map<String, Value>],
) -> Result<Map<String, Value>, ApiError> {
    let columns = if columns.is_empty() {
        rows.first()
            .map(|r| {
                r.keys()
                    .map(|k| Column {
                        header: k.clone(),
                        field: Some(k.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        columns
    };
    let made = exports::build(&columns, rows, exports::MAX_FILE_BYTES)?;
    let job = uuid::Uuid::new_v4().to_string();
    let sign = exports::new_sign();
    let url = exports::download_url(&env.base_url, &job, &sign);
    env.exports.put(job.clone(), sign, made);
    let mut out = Map::new();
    out.insert("DownloadUrl".into(), Value::String(url));
    out.insert("JobId".into(), Value::String(job));
    Ok(out)
}

macro_rules! findings_actions {
    ($($list:ident, $export:ident => $kind:expr, $action:literal;)*) => {$(
        pub fn $list(
            env: &Env,
            _res: &'static Resource,
            raw: Map<String, Value>,
        ) -> Result<Map<String, Value>, ApiError> {
            list(env, raw, $kind)
        }

        pub fn $export(
            env: &Env,
            _res: &'static Resource,
            raw: Map<String, Value>,
        ) -> Result<Map<String, Value>, ApiError> {
            export(env, raw, $kind, $action)
        }
    )*};
}

findings_actions! {
    vul_list, vul_export => Finding::Vul, "DescribeAssetImageRegistryVulListExport";
    risk_list, risk_export => Finding::Risk, "DescribeAssetImageRegistryRiskListExport";
    virus_list, virus_export => Finding::Virus, "DescribeAssetImageRegistryVirusListExport";
}
