//! Registry images: detail, list, summary, list export.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::run_store;
use super::{AssetFilter, check_filters, descending, load, page, params, passes, sort_by};
use crate::answer::Answer;
use crate::error::ApiError;
use crate::resources::{Env, Resource};
use crate::spec::{self, Shaped};
use crate::store::{Found, ImageRecord, Renderer};

/// The action whose answers are rendered once and kept (`store/renders.rs`).
pub const DETAIL: &str = "DescribeAssetImageRegistryDetail";

/// The `DescribeAssetImageRegistryDetail` answer of `record` while no scan runs:
/// exactly what shaping its view would encode, written straight from the record.
pub fn render_detail(record: &ImageRecord) -> Option<String> {
    let svc = spec::tcss();
    let action = svc.action(DETAIL)?;
    let overlay = super::derived(record.id, &record.fields);
    serde_json::to_string(&Shaped {
        svc,
        object: svc.object(action.output),
        value: &record.fields,
        overlay: &overlay,
        skip: Some("RequestId"),
    })
    .ok()
}

/// The store's renderer of Detail answers.
pub fn renderer() -> Renderer {
    Renderer {
        render: render_detail,
    }
}

/// The fields a list can be filtered and sorted on: `ImageRepoInfo`'s.
fn image_field(name: &str) -> bool {
    spec::tcss()
        .object_named("ImageRepoInfo")
        .is_some_and(|o| o.member(name).is_some())
}

/// `By` values the documentation names that are not field names.
fn by_field(by: &str) -> Option<&'static str> {
    let aliased = match by {
        "VirusCount" => "VirusCnt",
        "VulCount" => "VulCnt",
        "RiskCount" => "RiskCnt",
        "SensitiveCount" => "SensitiveInfoCnt",
        "ContainerCount" => "ContainerCnt",
        other => other,
    };
    spec::tcss()
        .object_named("ImageRepoInfo")
        .and_then(|o| o.member(aliased))
        .map(|m| m.name)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DetailRequest {
    id: Option<u64>,
    image_id: Option<String>,
}

/// `DescribeAssetImageRegistryDetail`: one record by `Id` and/or `ImageId`. While
/// no scan runs, the record's rendered answer is served as it is.
pub fn describe_detail(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Answer, ApiError> {
    let req: DetailRequest = params(raw)?;
    let image_id = req.image_id.filter(|s| !s.is_empty());
    if req.id.is_none() && image_id.is_none() {
        return Err(ApiError::invalid_parameter(
            "Parameter `Id` or `ImageId` is required.",
            "参数`Id`和`ImageId`至少需要一个。",
        ));
    }
    let not_found = |id: Option<u64>, image_id: Option<&str>| {
        ApiError::image_not_found(&match (id, image_id) {
            (Some(id), Some(image)) => format!("Id `{id}` + ImageId `{image}`"),
            (Some(id), None) => format!("Id `{id}`"),
            (None, Some(image)) => format!("ImageId `{image}`"),
            (None, None) => String::new(),
        })
    };
    // An Id beyond SQLite's integer range names no record.
    let id = match req.id.map(i64::try_from) {
        Some(Err(_)) => return Err(not_found(req.id, image_id.as_deref())),
        Some(Ok(id)) => Some(id),
        None => None,
    };
    super::scans::settle(env)?;
    let store = env.store.clone();
    let account = env.account.clone();
    let wanted = image_id.clone();
    let found = run_store(move || {
        let found = store.find_detail(&account, id, wanted.as_deref())?;
        let running = match &found {
            Some(Found::Record(record)) if store.maybe_scanning() => store
                .running_scans(Some(&account))?
                .into_iter()
                .find(|s| s.image == record.id),
            _ => None,
        };
        Ok(found.map(|found| (found, running)))
    })?;
    match found {
        None => Err(not_found(req.id, image_id.as_deref())),
        Some((Found::Rendered(text), _)) => Ok(Answer::Rendered(text)),
        Some((Found::Record(record), running)) => {
            let view = super::view_owned(record, running.as_ref(), env.now_ms);
            let svc = spec::tcss();
            let action = svc.action(DETAIL).ok_or_else(ApiError::internal)?;
            Ok(Answer::Fields(crate::answer::shaped(svc, action, &view)))
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRequest {
    limit: Option<u64>,
    offset: Option<u64>,
    #[serde(default)]
    filters: Vec<AssetFilter>,
    by: Option<String>,
    order: Option<String>,
    only_show_latest: Option<bool>,
    is_running: Option<bool>,
    #[serde(default)]
    export_field: Vec<String>,
}

/// The caller's images as views, filtered and sorted as `req` asks (not paged).
fn select(env: &Env, req: &ListRequest) -> Result<Vec<Map<String, Value>>, ApiError> {
    check_filters(&req.filters, &image_field)?;
    let by = match req.by.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => Some(by_field(b).ok_or_else(|| {
            ApiError::invalid_parameter_value("By", &format!("`{b}` is not a field to sort by"))
        })?),
        None => None,
    };
    let desc = descending(req.order.as_deref(), "Order")?;
    let (records, running) = load(env)?;
    let mut items: Vec<Map<String, Value>> = records
        .into_iter()
        .map(|r| {
            let scan = running.get(&r.id);
            super::view_owned(r, scan, env.now_ms)
        })
        .filter(|v| passes(v, &req.filters))
        .filter(|v| {
            req.only_show_latest != Some(true) || v.get("IsLatestImage") == Some(&Value::Bool(true))
        })
        .filter(|v| req.is_running != Some(true) || v.get("IsRunning") == Some(&Value::Bool(true)))
        .collect();
    if let Some(by) = by {
        sort_by(&mut items, by, desc);
    }
    Ok(items)
}

/// `DescribeAssetImageRegistryList`: filters, sorting, `TotalCount` before paging.
pub fn describe_list(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let req: ListRequest = params(raw)?;
    let items = select(env, &req)?;
    super::paged(items, req.limit, req.offset)
}

/// `DescribeAssetImageRegistrySummary`: images not (yet) scanned, under the same
/// filters as the list; the documented pseudo-filter `OnlyShowLatest` with value
/// `true`/`1` keeps only the latest images (other values do not restrict).
pub fn describe_summary(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut req: ListRequest = params(raw)?;
    let mut only_latest = false;
    req.filters.retain(|f| {
        if f.name == "OnlyShowLatest" {
            only_latest |= f
                .values
                .iter()
                .any(|v| v == "1" || v.eq_ignore_ascii_case("true"));
            false
        } else {
            true
        }
    });
    req.only_show_latest = Some(only_latest);
    let items = select(env, &req)?;
    let unscanned = items
        .iter()
        .filter(|v| v.get("ScanStatus").and_then(Value::as_str) != Some("SCANNED"))
        .count();
    let mut out = Map::new();
    out.insert("UnScannedImageCnt".into(), Value::from(unscanned));
    Ok(out)
}

/// `DescribeAssetImageRegistryListExport`: the list's rows as a CSV file of the
/// asked fields (fields of `ImageRepoInfo` or of the Detail answer, or a documented
/// column the record does not have: an empty column).
pub fn export_list(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let req: ListRequest = params(raw)?;
    let svc = spec::tcss();
    let detail = svc.action(DETAIL).map(|a| svc.object(a.output).members);
    let repo = svc.object_named("ImageRepoInfo").map(|o| o.members);
    let fields: Vec<&str> = repo
        .into_iter()
        .chain(detail)
        .flatten()
        .map(|m| m.name)
        .filter(|n| *n != "RequestId")
        .collect();
    let columns = super::findings::export_columns(
        "DescribeAssetImageRegistryListExport",
        &req.export_field,
        &fields,
        "ImageRepoInfo or the Detail answer",
    )?;
    let items = select(env, &req)?;
    let rows = match (req.limit, req.offset) {
        (None, None) => items,
        _ => page(items, req.limit, req.offset)?,
    };
    super::findings::finish_export(env, columns, &rows)
}
