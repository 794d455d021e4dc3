//! The request journal: every cloud API call, newest last, bounded (oldest dropped).
//!
//! Like WireMock's request journal, in Tencent's terms: action, SecretId, parameters
//! after unflattening, outcome code, latency, and for a refused signature what the
//! emulator computed (canonical request, string to sign), so a user can see why their
//! client's signature differs.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::{Map, Value};

/// One recorded call.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Entry {
    /// Position in the journal since start (survives clearing; never reused).
    pub seq: u64,
    /// Emulator time of arrival (ms since the epoch); written as `time`, RFC 3339
    /// with milliseconds (formatted when read, not on every call).
    #[serde(rename = "time", serialize_with = "rfc3339_ms")]
    pub time_ms: i64,
    #[serde(serialize_with = "display")]
    pub request_id: uuid::Uuid,
    pub action: Option<String>,
    pub secret_id: Option<String>,
    pub account: Option<String>,
    pub params: Value,
    /// `Success` or the error code.
    pub code: String,
    pub latency_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
}

fn rfc3339_ms<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    let time = chrono::DateTime::from_timestamp_millis(*ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    s.serialize_str(&time)
}

fn display<S: serde::Serializer, T: std::fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// The most of one string, list or object the journal keeps of a call's parameters:
/// its size is bounded by entries, and one call may carry megabytes.
const KEEP_CHARS: usize = 1024;
const KEEP_ITEMS: usize = 256;

/// `params` as the journal keeps them: long strings, lists and objects are cut, with a
/// note of how much was left out.
pub fn keep(params: &Value) -> Value {
    match params {
        Value::String(s) => match s.char_indices().nth(KEEP_CHARS) {
            Some((at, _)) => Value::String(format!("{}…(+{} bytes)", &s[..at], s.len() - at)),
            None => params.clone(),
        },
        Value::Array(items) => {
            let mut kept: Vec<Value> = items.iter().take(KEEP_ITEMS).map(keep).collect();
            if items.len() > KEEP_ITEMS {
                kept.push(Value::String(format!(
                    "…(+{} more)",
                    items.len() - KEEP_ITEMS
                )));
            }
            Value::Array(kept)
        }
        Value::Object(map) => keep_map(map),
        other => other.clone(),
    }
}

/// [`keep`] for a parameter object.
pub fn keep_map(params: &Map<String, Value>) -> Value {
    let mut kept: Map<String, Value> = params
        .iter()
        .take(KEEP_ITEMS)
        .map(|(k, v)| {
            let k = if k.len() <= KEEP_CHARS {
                k.clone()
            } else {
                k.chars().take(KEEP_CHARS).collect()
            };
            (k, keep(v))
        })
        .collect();
    if params.len() > KEEP_ITEMS {
        kept.insert(
            "…".into(),
            Value::String(format!("(+{} more)", params.len() - KEEP_ITEMS)),
        );
    }
    Value::Object(kept)
}

/// Filters of `GET /_emulator/requests`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub action: Option<String>,
    pub code: Option<String>,
    pub secret_id: Option<String>,
    /// RFC 3339: only calls at or after this instant.
    pub since: Option<String>,
    /// At most this many (the newest of those that match).
    pub limit: Option<usize>,
}

#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_seq: u64,
    entries: VecDeque<Entry>,
}

impl Journal {
    /// A journal of at most `capacity` entries; 0 records nothing.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `entry` (its `seq` is assigned here).
    pub fn record(&self, mut entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut state = self.lock();
        entry.seq = state.next_seq;
        state.next_seq += 1;
        if state.entries.len() >= self.capacity {
            state.entries.pop_front();
        }
        state.entries.push_back(entry);
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// The entries matching `query`, oldest first. `since_ms` is the parsed `since`.
    pub fn find(&self, query: &Query, since_ms: Option<i64>) -> Vec<Entry> {
        let state = self.lock();
        let matching: Vec<&Entry> = state
            .entries
            .iter()
            .filter(|e| {
                query
                    .action
                    .as_ref()
                    .is_none_or(|a| e.action.as_ref() == Some(a))
            })
            .filter(|e| query.code.as_ref().is_none_or(|c| &e.code == c))
            .filter(|e| {
                query
                    .secret_id
                    .as_ref()
                    .is_none_or(|s| e.secret_id.as_ref() == Some(s))
            })
            .filter(|e| since_ms.is_none_or(|t| e.time_ms >= t))
            .collect();
        let skip = query.limit.map_or(0, |n| matching.len().saturating_sub(n));
        matching.into_iter().skip(skip).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, code: &str, t: i64) -> Entry {
        Entry {
            seq: 0,
            time_ms: t,
            request_id: uuid::Uuid::nil(),
            action: Some(action.into()),
            secret_id: Some("id".into()),
            account: None,
            params: Value::Null,
            code: code.into(),
            latency_us: 1,
            canonical_request: None,
            string_to_sign: None,
        }
    }

    #[test]
    fn bounded_oldest_dropped_first() {
        let j = Journal::new(3);
        for i in 0..5 {
            j.record(entry("A", "Success", i));
        }
        let all = j.find(&Query::default(), None);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3, 4]);
    }

    #[test]
    fn filters_combine_and_limit_keeps_the_newest() {
        let j = Journal::new(100);
        j.record(entry("A", "Success", 10));
        j.record(entry("B", "ResourceNotFound", 20));
        j.record(entry("A", "ResourceNotFound", 30));
        j.record(entry("A", "Success", 40));
        let q = Query {
            action: Some("A".into()),
            ..Query::default()
        };
        assert_eq!(j.find(&q, None).len(), 3);
        assert_eq!(j.find(&q, Some(25)).len(), 2);
        let q = Query {
            action: Some("A".into()),
            limit: Some(1),
            ..Query::default()
        };
        assert_eq!(j.find(&q, None)[0].time_ms, 40);
        let q = Query {
            code: Some("ResourceNotFound".into()),
            ..Query::default()
        };
        assert_eq!(j.find(&q, None).len(), 2);
    }

    #[test]
    fn huge_parameters_are_cut_before_they_are_kept() {
        let big = serde_json::json!({"ImageId": "x".repeat(8_000_000), "Id": (0..10_000).collect::<Vec<_>>()});
        let kept = keep(&big);
        assert!(kept["ImageId"].as_str().unwrap().len() < 2_000);
        assert_eq!(kept["Id"].as_array().unwrap().len(), KEEP_ITEMS + 1);
        let small = serde_json::json!({"Id": 5427, "Filters": [{"Name": "a", "Values": ["b"]}]});
        assert_eq!(keep(&small), small);
    }

    #[test]
    fn zero_capacity_records_nothing() {
        let j = Journal::new(0);
        j.record(entry("A", "Success", 1));
        assert!(j.is_empty());
    }
}
