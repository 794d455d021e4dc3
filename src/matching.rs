//! Matching shared by stubs and faults: whether a request's parameters contain a
//! matcher, how specific a matcher is, and the error an injected answer names. A leaf:
//! neither stubs nor faults need the other, nor the actions.

use serde::Deserialize;
use serde_json::Value;

/// The error a stub or fault answers: a Tencent-style code and its message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectedError {
    pub code: String,
    #[serde(default)]
    pub message: Option<String>,
}

/// Number of leaf values in a matcher: the more, the more specific.
pub fn leaves(value: &Value) -> usize {
    match value {
        Value::Object(m) => m.values().map(leaves).sum(),
        Value::Array(a) => a.iter().map(leaves).sum::<usize>().max(1),
        _ => 1,
    }
}

/// `want` is a subset of `got`: objects by key, everything else by equality.
pub fn matches(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| matches(v, gv))),
        _ => want == got,
    }
}

/// A code that looks like Tencent's: `Word` or `Word.Word...`.
pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.split('.').all(|part| {
            !part.is_empty()
                && part.starts_with(|c: char| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}
