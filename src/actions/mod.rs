//! Action dispatch: an action the resource table binds runs on the resource model
//! (`resources::engine`); every other action of the spec answers its documented
//! example, shaped to its response schema. `registry` holds the registry-image
//! family's hand-written behaviour (scans, findings), bound as hooks.

pub mod registry;

use serde_json::{Map, Value};

use crate::answer::Answer;
pub use crate::answer::{example_response, shaped as answer};
use crate::error::ApiError;
use crate::resources::{self, Env};
use crate::spec::{Action, Service};

/// Whether `action` answers from the store: whether the resource table binds it
/// (the one list of stateful actions).
pub fn is_stateful(action: &str) -> bool {
    resources::bound(action).is_some()
}

/// Runs `action` with validated `params`: the resource model when the table binds
/// it, else its documented example. Every answer is shaped to the response schema
/// (a pre-rendered record was shaped when it was rendered).
pub async fn dispatch(
    env: Env,
    svc: &'static Service,
    action: &'static Action,
    params: Map<String, Value>,
) -> Result<Answer, ApiError> {
    match resources::bound(action.name) {
        Some((res, bind)) => resources::engine::call(env, res, bind, action, params).await,
        None => Ok(Answer::Fields(answer(
            svc,
            action,
            &example_response(action),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

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
}
