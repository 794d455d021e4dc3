//! Action dispatch: hand-written (stateful) actions by name; every other action of
//! the spec answers its documented example, shaped to its response schema.

pub mod registry;

use serde_json::{Map, Value};

use crate::api::envelope::Answer;
use crate::error::ApiError;
use crate::spec::{self, Action, Service};
use registry::{Ctx, findings, images, scans};

/// Actions with a hand-written handler.
pub const STATEFUL: &[&str] = &[
    "CreateAssetImageRegistryScanTask",
    "CreateAssetImageRegistryScanTaskOneKey",
    "DescribeAssetImageRegistryDetail",
    "DescribeAssetImageRegistryList",
    "DescribeAssetImageRegistryListExport",
    "DescribeAssetImageRegistryRiskInfoList",
    "DescribeAssetImageRegistryRiskListExport",
    "DescribeAssetImageRegistryScanStatusOneKey",
    "DescribeAssetImageRegistrySummary",
    "DescribeAssetImageRegistryVirusList",
    "DescribeAssetImageRegistryVirusListExport",
    "DescribeAssetImageRegistryVulList",
    "DescribeAssetImageRegistryVulListExport",
    "ModifyAssetImageRegistryScanStop",
    "ModifyAssetImageRegistryScanStopOneKey",
];

/// Whether `action` answers from the store: a registry-image action or one bound
/// to a resource of the model.
pub fn is_stateful(action: &str) -> bool {
    STATEFUL.contains(&action) || crate::resources::bound(action).is_some()
}

/// Runs `action` with validated `params`; the answer is shaped to the response
/// schema here, for every action alike (a pre-rendered record was shaped when it
/// was rendered).
pub async fn dispatch(
    ctx: &Ctx<'_>,
    svc: &'static Service,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Answer, ApiError> {
    if action.name == images::DETAIL {
        return images::describe_detail(ctx, svc, action, params).await;
    }
    if let Some((res, bind)) = crate::resources::bound(action.name) {
        let raw = crate::resources::engine::call(ctx, res, bind, action, params).await?;
        return Ok(Answer::Fields(answer(svc, action, &raw)));
    }
    let raw = run(ctx, action, params).await?;
    Ok(Answer::Fields(answer(svc, action, &raw)))
}

/// `raw` shaped to `action`'s response schema, without `RequestId` (the envelope
/// adds it).
pub fn answer(
    svc: &'static Service,
    action: &'static Action,
    raw: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = spec::shape(svc, svc.object(action.output), raw);
    out.shift_remove("RequestId");
    out
}

async fn run(
    ctx: &Ctx<'_>,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match action.name {
        "DescribeAssetImageRegistryList" => images::describe_list(ctx, params).await,
        "DescribeAssetImageRegistryListExport" => images::export_list(ctx, params).await,
        "DescribeAssetImageRegistrySummary" => images::describe_summary(ctx, params).await,
        "DescribeAssetImageRegistryVulList" => findings::vul_list(ctx, params).await,
        "DescribeAssetImageRegistryVulListExport" => findings::vul_export(ctx, params).await,
        "DescribeAssetImageRegistryRiskInfoList" => findings::risk_list(ctx, params).await,
        "DescribeAssetImageRegistryRiskListExport" => findings::risk_export(ctx, params).await,
        "DescribeAssetImageRegistryVirusList" => findings::virus_list(ctx, params).await,
        "DescribeAssetImageRegistryVirusListExport" => findings::virus_export(ctx, params).await,
        "CreateAssetImageRegistryScanTask" | "CreateAssetImageRegistryScanTaskOneKey" => {
            scans::create_task(ctx, params).await
        }
        "DescribeAssetImageRegistryScanStatusOneKey" => scans::describe_status(ctx, params).await,
        "ModifyAssetImageRegistryScanStop" | "ModifyAssetImageRegistryScanStopOneKey" => {
            scans::stop_scans(ctx, params).await
        }
        _ => Ok(example_response(action)),
    }
}

/// The first documented example response, as documented (an action without
/// examples answers nothing, which shaping turns into zero values).
pub fn example_response(action: &'static Action) -> Map<String, Value> {
    action
        .examples
        .first()
        .and_then(|e| serde_json::from_str::<Map<String, Value>>(e.response).ok())
        .unwrap_or_default()
}

/// Runs a short, indexed store call: inline when the connection is free (a hand-off
/// to the blocking pool costs more than the query), else off the async threads so a
/// long admin write cannot stall them.
pub(crate) async fn quick<T, F>(store: &crate::store::Store, f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
    T: Send + 'static,
{
    if store.is_free() {
        f().map_err(ApiError::from)
    } else {
        blocking(f).await
    }
}

/// Runs a store call off the async threads.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "store task failed");
            Err(ApiError::internal())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_schema_shaped_example_answer() {
        let svc = spec::tcss();
        for action in svc.actions {
            let out = answer(svc, action, &example_response(action));
            let members = svc.object(action.output).members;
            assert_eq!(out.len(), members.len() - 1, "{}", action.name);
            assert!(out.values().all(|v| !v.is_null()), "{}", action.name);
        }
    }

    #[test]
    fn every_stateful_action_is_in_the_spec() {
        for name in STATEFUL {
            assert!(spec::tcss().action(name).is_some(), "{name}");
        }
    }
}
