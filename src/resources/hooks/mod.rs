//! Behaviour no binding of the table expresses: each module is one family's
//! hand-written actions, called through `Bind::Hook`.

pub mod clusters;
pub mod compliance;
pub mod containers;
pub mod events_a;
pub mod events_a_escape;
pub mod events_a_rules;
pub mod events_b;
pub mod image_scans;
pub mod refresh;
pub mod registries;
pub mod security;
pub mod series;
pub mod settings;
pub mod summaries;
pub mod vulns;

use serde_json::{Map, Value};

/// `{"name": value, ...}` from pairs, for hook answers.
pub fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// `ms` on the emulator clock as the API's `YYYY-MM-DD hh:mm:ss` (UTC).
pub fn datetime(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}
