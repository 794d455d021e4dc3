//! The image-registry actions (`DescribeAssetImageRegistry*`).
//!
//! Request and response members come from the spec tables; answers are shaped to
//! the response schema, so a field a record lacks is its zero value, never null.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::blocking;
use crate::app::AppState;
use crate::error::ApiError;
use crate::signature::Caller;
use crate::spec::{self, Action, Service};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DetailRequest {
    id: Option<u64>,
    image_id: Option<String>,
}

/// `DescribeAssetImageRegistryDetail`: one record by `Id` and/or `ImageId`.
pub async fn describe_detail(
    app: &AppState,
    caller: &Caller,
    svc: &'static Service,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let req: DetailRequest = serde_json::from_value(Value::Object(params)).map_err(|e| {
        ApiError::invalid_parameter(
            format!("Invalid parameters: {e}."),
            format!("参数错误：{e}。"),
        )
    })?;
    let image_id = req.image_id.filter(|s| !s.is_empty());
    if req.id.is_none() && image_id.is_none() {
        return Err(ApiError::invalid_parameter(
            "Parameter `Id` or `ImageId` is required.",
            "参数`Id`和`ImageId`至少需要一个。",
        ));
    }
    let what = match (&req.id, &image_id) {
        (Some(id), Some(image)) => format!("Id `{id}` + ImageId `{image}`"),
        (Some(id), None) => format!("Id `{id}`"),
        (None, Some(image)) => format!("ImageId `{image}`"),
        (None, None) => String::new(),
    };
    // An Id beyond SQLite's integer range names no record.
    let id = match req.id.map(i64::try_from) {
        Some(Err(_)) => return Err(ApiError::image_not_found(&what)),
        Some(Ok(id)) => Some(id),
        None => None,
    };
    let store = app.store.clone();
    let account = caller.account.clone();
    let record = blocking(move || store.find_image(&account, id, image_id.as_deref()))
        .await?
        .ok_or_else(|| ApiError::image_not_found(&what))?;
    let mut fields = record.fields;
    fields.insert("Id".into(), Value::Number(record.id.into()));
    let mut out = spec::shape(svc, svc.object(action.output), &fields);
    out.shift_remove("RequestId");
    Ok(out)
}
