//! User-defined answers per action (`/_emulator/stubs`), like WireMock's stubs but in
//! Tencent's terms: an action, an optional subset of its parameters to match, and a
//! response body (shaped to the response schema) or an error, optionally for N uses.
//!
//! Matching: the most specific stub first (most matched values), then the newest.
//! Stubs live in memory; `reset` clears them.

use std::sync::Mutex;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::answer::Answer;
use crate::error::ApiError;
pub use crate::matching::InjectedError as StubError;
use crate::matching::{leaves, matches, valid_code};
use crate::spec::{self, Service};

/// What a stub answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The `Response` members (without `RequestId`), already shaped.
    Response(Map<String, Value>),
    Error {
        code: String,
        message: String,
    },
}

impl Reply {
    pub fn into_result(self) -> Result<Answer, ApiError> {
        match self {
            Self::Response(map) => Ok(Answer::Fields(map)),
            Self::Error { code, message } => Err(ApiError::custom(&code, &message)),
        }
    }
}

#[derive(Debug, Clone)]
struct Stub {
    id: u64,
    action: &'static str,
    matcher: Map<String, Value>,
    specificity: usize,
    reply: Reply,
    remaining: Option<u64>,
}

/// The body of `POST /_emulator/stubs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStub {
    pub action: String,
    #[serde(default, rename = "match")]
    pub matcher: Option<Map<String, Value>>,
    pub response: Option<Map<String, Value>>,
    pub error: Option<StubError>,
    /// Number of uses; absent: unlimited.
    pub times: Option<u64>,
}

/// The most stubs kept at once.
pub const MAX_STUBS: usize = 1000;

#[derive(Debug, Default)]
pub struct Stubs {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    stubs: Vec<Stub>,
}

impl Stubs {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks a new stub against the spec and adds it; returns its id.
    pub fn add(&self, svc: &'static Service, new: NewStub) -> Result<u64, String> {
        let action = svc.action(&new.action).ok_or_else(|| {
            format!(
                "`{}` is not an action of {} {}",
                new.action, svc.name, svc.version
            )
        })?;
        let matcher = match new.matcher {
            Some(m) => spec::validate_partial(svc, svc.object(action.input), m)
                .map_err(|e| format!("match: {}", e.en))?,
            None => Map::new(),
        };
        let reply = match (new.response, new.error) {
            (Some(response), None) => {
                let output = svc.object(action.output);
                if let Some(bad) = response
                    .keys()
                    .find(|k| output.member(k).is_none() || *k == "RequestId")
                {
                    return Err(format!(
                        "response: `{bad}` is not a member of {}",
                        output.name
                    ));
                }
                Reply::Response(crate::answer::shaped(svc, action, &response))
            }
            (None, Some(err)) => {
                if !valid_code(&err.code) {
                    return Err(format!(
                        "error.code `{}` is not a Tencent error code (e.g. `FailedOperation` or `ResourceNotFound.ImageNotExist`)",
                        err.code
                    ));
                }
                let message = err
                    .message
                    .unwrap_or_else(|| format!("Stubbed error {}.", err.code));
                Reply::Error {
                    code: err.code,
                    message,
                }
            }
            _ => return Err("give exactly one of `response` and `error`".into()),
        };
        if new.times == Some(0) {
            return Err("`times` must be at least 1 (leave it out for unlimited)".into());
        }
        let mut state = self.lock();
        if state.stubs.len() >= MAX_STUBS {
            return Err(format!(
                "at most {MAX_STUBS} stubs are kept: delete some first (DELETE /_emulator/stubs)"
            ));
        }
        state.next_id += 1;
        let id = state.next_id;
        let specificity = leaves(&Value::Object(matcher.clone()));
        state.stubs.push(Stub {
            id,
            action: action.name,
            matcher,
            specificity,
            reply,
            remaining: new.times,
        });
        Ok(id)
    }

    /// The reply of the best stub for this call, using up one of its uses.
    pub fn take(&self, action: &str, params: &Map<String, Value>) -> Option<Reply> {
        let mut state = self.lock();
        if state.stubs.is_empty() {
            return None;
        }
        let params = Value::Object(params.clone());
        let best = state
            .stubs
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.action == action && matches(&Value::Object(s.matcher.clone()), &params)
            })
            .max_by_key(|(_, s)| (s.specificity, s.id))
            .map(|(i, _)| i)?;
        let stub = &mut state.stubs[best];
        let reply = stub.reply.clone();
        if let Some(n) = stub.remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                state.stubs.remove(best);
            }
        }
        Some(reply)
    }

    /// Whether any stub answers `action`.
    pub fn covers(&self, action: &str) -> bool {
        self.lock().stubs.iter().any(|s| s.action == action)
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut state = self.lock();
        let before = state.stubs.len();
        state.stubs.retain(|s| s.id != id);
        state.stubs.len() != before
    }

    pub fn clear(&self) {
        self.lock().stubs.clear();
    }

    pub fn len(&self) -> usize {
        self.lock().stubs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every stub, oldest first, as JSON.
    pub fn list(&self) -> Value {
        let state = self.lock();
        let stubs: Vec<Value> = state
            .stubs
            .iter()
            .map(|s| {
                let mut v = json!({"id": s.id, "action": s.action, "match": s.matcher, "times_remaining": s.remaining});
                match &s.reply {
                    Reply::Response(r) => v["response"] = Value::Object(r.clone()),
                    Reply::Error { code, message } => v["error"] = json!({"code": code, "message": message}),
                }
                v
            })
            .collect();
        json!({ "stubs": stubs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(v: Value) -> NewStub {
        serde_json::from_value(v).unwrap()
    }

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    const LIST: &str = "DescribeAssetImageRegistryList";

    #[test]
    fn most_specific_first_then_newest() {
        let stubs = Stubs::default();
        let svc = spec::tcss();
        stubs
            .add(
                svc,
                new(json!({"action": LIST, "response": {"TotalCount": 1}})),
            )
            .unwrap();
        stubs
            .add(
                svc,
                new(
                    json!({"action": LIST, "match": {"Limit": "5"}, "response": {"TotalCount": 5}}),
                ),
            )
            .unwrap();
        stubs
            .add(
                svc,
                new(json!({"action": LIST, "response": {"TotalCount": 2}})),
            )
            .unwrap();
        let total = |p: Value| match stubs.take(LIST, &params(p)) {
            Some(Reply::Response(r)) => r["TotalCount"].clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            total(json!({"Limit": 5})),
            json!(5),
            "matcher digits were coerced"
        );
        assert_eq!(
            total(json!({"Limit": 6})),
            json!(2),
            "newest of the unspecific"
        );
        assert_eq!(total(json!({})), json!(2));
        assert!(
            stubs
                .take("DescribeAssetImageRegistryDetail", &params(json!({})))
                .is_none()
        );
    }

    #[test]
    fn limited_stubs_are_used_up() {
        let stubs = Stubs::default();
        let svc = spec::tcss();
        stubs
            .add(
                svc,
                new(json!({"action": LIST, "error": {"code": "RequestLimitExceeded"}, "times": 2})),
            )
            .unwrap();
        assert!(matches!(
            stubs.take(LIST, &Map::new()),
            Some(Reply::Error { .. })
        ));
        assert!(matches!(
            stubs.take(LIST, &Map::new()),
            Some(Reply::Error { .. })
        ));
        assert!(stubs.take(LIST, &Map::new()).is_none());
        assert!(!stubs.covers(LIST));
    }

    #[test]
    fn bad_stubs_are_refused_with_a_reason() {
        let stubs = Stubs::default();
        let svc = spec::tcss();
        for bad in [
            json!({"action": "Nope", "response": {}}),
            json!({"action": LIST}),
            json!({"action": LIST, "response": {}, "error": {"code": "X"}}),
            json!({"action": LIST, "response": {"Bogus": 1}}),
            json!({"action": LIST, "match": {"Limit": "many"}, "response": {}}),
            json!({"action": LIST, "match": {"Nope": 1}, "response": {}}),
            json!({"action": LIST, "error": {"code": "bad code!"}}),
            json!({"action": LIST, "response": {}, "times": 0}),
        ] {
            assert!(stubs.add(svc, new(bad.clone())).is_err(), "{bad}");
        }
    }

    #[test]
    fn nested_matchers_are_subsets() {
        assert!(matches(
            &json!({"Filters": [{"Name": "a", "Values": ["x"]}]}),
            &json!({"Filters": [{"Name": "a", "Values": ["x"]}], "Limit": 1})
        ));
        assert!(!matches(&json!({"Limit": 1}), &json!({"Limit": 2})));
        assert!(!matches(&json!({"Limit": 1}), &json!({})));
    }
}
