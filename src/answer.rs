//! What a successful call answers, and the shaping every answer goes through: a leaf
//! below the API layer, the actions and the resource model (each of them builds
//! answers; none needs the others to do it).

use serde_json::{Map, Value};

use crate::spec::{self, Action, Service};

/// What a successful call answers: the content of `Response` without `RequestId`.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The fields, shaped to the action's response schema.
    Fields(Map<String, Value>),
    /// The same, already encoded: the text of a JSON object (a pre-rendered record).
    Rendered(String),
}

/// `raw` shaped to `action`'s response schema, without `RequestId` (the envelope
/// adds it).
pub fn shaped(
    svc: &'static Service,
    action: &'static Action,
    raw: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = spec::shape(svc, svc.object(action.output), raw);
    out.shift_remove("RequestId");
    out
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
