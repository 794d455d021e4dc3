//! Action dispatch: hand-written (stateful) actions by name; every other action of
//! the spec answers its documented example, shaped to its response schema.

pub mod registry;

use serde_json::{Map, Value};

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

/// Runs `action` with validated `params`.
pub async fn dispatch(
    ctx: &Ctx<'_>,
    svc: &'static Service,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match action.name {
        "DescribeAssetImageRegistryDetail" => {
            images::describe_detail(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryList" => images::describe_list(ctx, svc, action, params).await,
        "DescribeAssetImageRegistryListExport" => {
            images::export_list(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistrySummary" => {
            images::describe_summary(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryVulList" => findings::vul_list(ctx, svc, action, params).await,
        "DescribeAssetImageRegistryVulListExport" => {
            findings::vul_export(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryRiskInfoList" => {
            findings::risk_list(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryRiskListExport" => {
            findings::risk_export(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryVirusList" => {
            findings::virus_list(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryVirusListExport" => {
            findings::virus_export(ctx, svc, action, params).await
        }
        "CreateAssetImageRegistryScanTask" | "CreateAssetImageRegistryScanTaskOneKey" => {
            scans::create_task(ctx, svc, action, params).await
        }
        "DescribeAssetImageRegistryScanStatusOneKey" => {
            scans::describe_status(ctx, svc, action, params).await
        }
        "ModifyAssetImageRegistryScanStop" | "ModifyAssetImageRegistryScanStopOneKey" => {
            scans::stop_scans(ctx, svc, action, params).await
        }
        _ => example_response(svc, action),
    }
}

/// The first documented example response, shaped to the response schema (an action
/// without examples answers zero values).
pub fn example_response(
    svc: &'static Service,
    action: &'static Action,
) -> Result<Map<String, Value>, ApiError> {
    let documented = action
        .examples
        .first()
        .and_then(|e| serde_json::from_str::<Map<String, Value>>(e.response).ok())
        .unwrap_or_default();
    let mut out = spec::shape(svc, svc.object(action.output), &documented);
    out.shift_remove("RequestId");
    Ok(out)
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
            let out = example_response(svc, action).unwrap();
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
