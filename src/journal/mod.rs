//! The request journal: every cloud API call, newest last, bounded in calls and in
//! bytes (oldest dropped first).
//!
//! Like WireMock's request journal, in Tencent's terms: action, SecretId, parameters
//! after unflattening, outcome code, latency, the answer body, and for a refused
//! signature what the emulator computed (canonical request, string to sign) beside the
//! signed headers as received and the likely cause, so a user can see why their
//! client's signature differs (the dashboard shows them side by side). What is kept of one call is bounded too ([`keep`]):
//! its parameters only once its signature is verified, as JSON text of at most
//! [`PARAMS_BYTES`]; a call refused before that keeps only what explains the refusal.

pub mod keep;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::value::RawValue;

/// The most bytes of parameters kept of one call (JSON text).
pub const PARAMS_BYTES: usize = 32 * 1024;
/// The most bytes kept of a canonical request or a string to sign.
pub const SIGNED_TEXT_BYTES: usize = 16 * 1024;
/// The most bytes kept of an answer body.
pub const ANSWER_BYTES: usize = 16 * 1024;
/// The most bytes kept of an action name, SecretId or account.
pub const NAME_BYTES: usize = 256;
/// The default byte budget of the whole journal (`--journal-bytes`).
pub const DEFAULT_BYTES: usize = 32 * 1024 * 1024;

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
    /// Who made the call: the `X-TC-RequestClient` header (Tencent's SDKs and tccli
    /// name themselves there, e.g. `SDK_PYTHON_3.1.195`), else the `User-Agent`.
    pub client: Option<String>,
    /// The parameters as kept (JSON text), `null` when the call was refused before
    /// its signature was verified.
    pub params: Box<RawValue>,
    /// `Success` or the error code.
    pub code: String,
    pub latency_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
    /// TC3: the signed headers of a refused call as received (`name: value` lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_headers: Option<String>,
    /// The likely cause of a refused signature, told from the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The answer body (JSON text, at most [`ANSWER_BYTES`], a cut marked): the
    /// buffer sent, shared with the response, not a copy, unless it was cut.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "text")]
    pub answer: Option<bytes::Bytes>,
}

/// A call as the pipeline saw it, before it is cut down to an [`Entry`].
#[derive(Debug, Default)]
pub struct Call<'a> {
    pub time_ms: i64,
    pub request_id: uuid::Uuid,
    pub action: Option<&'a str>,
    pub secret_id: Option<&'a str>,
    pub account: Option<&'a str>,
    pub client: Option<&'a str>,
    /// Already cut down by [`keep::json`] (see [`params_text`]).
    pub params: Option<String>,
    pub code: &'a str,
    pub latency_us: u64,
    pub canonical_request: Option<&'a str>,
    pub string_to_sign: Option<&'a str>,
    pub signed_headers: Option<&'a str>,
    pub cause: Option<&'a str>,
    /// The answer body as sent (cut to [`ANSWER_BYTES`] here).
    pub answer: Option<bytes::Bytes>,
    /// The session token the call sent, hidden in what is kept.
    pub token: Option<&'a str>,
}

/// A verified call's parameters as the journal keeps them.
pub fn params_text(params: &serde_json::Map<String, serde_json::Value>) -> String {
    keep::json_object(params, PARAMS_BYTES)
}

impl Entry {
    /// What the journal keeps of `call`: names clipped, the signed texts clipped with
    /// the session token hidden.
    pub fn new(call: Call<'_>) -> Entry {
        let name = |s: Option<&str>| s.map(|s| keep::clip(s, NAME_BYTES));
        let signed = |s: Option<&str>| {
            s.map(|s| keep::clip(&keep::redact_token(s, call.token), SIGNED_TEXT_BYTES))
        };
        let params = call
            .params
            .and_then(|text| RawValue::from_string(text).ok())
            .unwrap_or_else(null);
        Entry {
            seq: 0,
            time_ms: call.time_ms,
            request_id: call.request_id,
            action: name(call.action),
            secret_id: name(call.secret_id),
            account: name(call.account),
            client: name(call.client),
            params,
            code: keep::clip(call.code, NAME_BYTES),
            latency_us: call.latency_us,
            canonical_request: signed(call.canonical_request),
            string_to_sign: signed(call.string_to_sign),
            signed_headers: signed(call.signed_headers),
            cause: call.cause.map(|s| keep::clip(s, SIGNED_TEXT_BYTES)),
            answer: call.answer.map(|body| {
                if body.len() <= ANSWER_BYTES {
                    body
                } else {
                    keep::clip(&String::from_utf8_lossy(&body), ANSWER_BYTES).into()
                }
            }),
        }
    }

    /// The bytes this entry holds (its strings and its own size), what the journal's
    /// byte budget counts.
    pub fn bytes(&self) -> usize {
        let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        std::mem::size_of::<Entry>()
            + std::mem::size_of::<Arc<Entry>>()
            + text(&self.action)
            + text(&self.secret_id)
            + text(&self.account)
            + text(&self.client)
            + self.params.get().len()
            + self.code.len()
            + text(&self.canonical_request)
            + text(&self.string_to_sign)
            + text(&self.signed_headers)
            + text(&self.cause)
            + self.answer.as_ref().map_or(0, bytes::Bytes::len)
    }
}

fn null() -> Box<RawValue> {
    RawValue::NULL.to_owned()
}

fn rfc3339_ms<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    let time = chrono::DateTime::from_timestamp_millis(*ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    s.serialize_str(&time)
}

/// Bytes that are UTF-8 text (an answer body) as a JSON string.
fn text<S: serde::Serializer>(v: &Option<bytes::Bytes>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(b) => s.serialize_str(&String::from_utf8_lossy(b)),
        None => s.serialize_none(),
    }
}

fn display<S: serde::Serializer, T: std::fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
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
    budget: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_seq: u64,
    entries: VecDeque<Arc<Entry>>,
    /// The sum of the entries' [`Entry::bytes`].
    bytes: usize,
}

impl Journal {
    /// A journal of at most `capacity` entries holding at most `budget` bytes; either
    /// 0 records nothing.
    pub fn new(capacity: usize, budget: usize) -> Self {
        Self {
            capacity,
            budget,
            state: Mutex::new(State::default()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0 && self.budget > 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `entry` (its `seq` is assigned here), dropping the oldest entries until
    /// both bounds hold; an entry larger than the whole budget is not kept.
    pub fn record(&self, mut entry: Entry) {
        if !self.enabled() {
            return;
        }
        let size = entry.bytes();
        let mut state = self.lock();
        entry.seq = state.next_seq;
        state.next_seq += 1;
        if size > self.budget {
            return;
        }
        while state.entries.len() >= self.capacity || state.bytes + size > self.budget {
            match state.entries.pop_front() {
                Some(old) => state.bytes -= old.bytes(),
                None => break,
            }
        }
        state.bytes += size;
        state.entries.push_back(Arc::new(entry));
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the entries hold (see [`Entry::bytes`]).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn clear(&self) {
        let mut state = self.lock();
        state.entries.clear();
        state.bytes = 0;
    }

    /// The entry numbered `seq`, while the journal keeps it.
    pub fn get(&self, seq: u64) -> Option<Arc<Entry>> {
        let state = self.lock();
        let at = state.entries.binary_search_by_key(&seq, |e| e.seq).ok()?;
        state.entries.get(at).cloned()
    }

    /// The entries matching `query`, oldest first. `since_ms` is the parsed `since`.
    /// Shared, not copied: the lock is held only to collect the pointers.
    pub fn find(&self, query: &Query, since_ms: Option<i64>) -> Vec<Arc<Entry>> {
        let state = self.lock();
        let matching: Vec<&Arc<Entry>> = state
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
        Entry::new(Call {
            time_ms: t,
            action: Some(action),
            secret_id: Some("id"),
            code,
            latency_us: 1,
            ..Call::default()
        })
    }

    #[test]
    fn bounded_oldest_dropped_first() {
        let j = Journal::new(3, DEFAULT_BYTES);
        for i in 0..5 {
            j.record(entry("A", "Success", i));
        }
        let all = j.find(&Query::default(), None);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(j.get(3).map(|e| e.time_ms), Some(3));
        assert!(j.get(1).is_none(), "dropped entries are gone");
    }

    #[test]
    fn the_byte_budget_drops_the_oldest_and_counts_what_is_held() {
        let one = entry("A", "Success", 0).bytes();
        let j = Journal::new(1000, one * 3 + one / 2);
        for i in 0..10 {
            j.record(entry("A", "Success", i));
        }
        assert_eq!(j.len(), 3);
        assert_eq!(j.bytes(), one * 3);
        let big = Entry::new(Call {
            params: Some(format!("[\"{}\"]", "x".repeat(one * 4))),
            ..Call::default()
        });
        j.record(big);
        assert_eq!(j.len(), 3, "an entry over the whole budget is not kept");
        j.clear();
        assert_eq!((j.len(), j.bytes()), (0, 0));
    }

    #[test]
    fn an_entry_keeps_bounded_names_and_signed_texts_without_the_token() {
        let huge = "A".repeat(100_000);
        let sts = format!("GETh/?Action=A&Nonce=1&Token=secret-token&X={huge}");
        let e = Entry::new(Call {
            action: Some(&huge),
            secret_id: Some(&huge),
            string_to_sign: Some(&sts),
            canonical_request: Some("GET\n/\n\nx-tc-token:secret-token\n"),
            token: Some("secret-token"),
            code: "AuthFailure.SignatureFailure",
            ..Call::default()
        });
        assert!(e.action.as_ref().unwrap().len() <= NAME_BYTES);
        assert!(e.secret_id.as_ref().unwrap().len() <= NAME_BYTES);
        let kept = e.string_to_sign.as_ref().unwrap();
        assert!(kept.len() <= SIGNED_TEXT_BYTES && kept.contains("Token=***&X=AAA"));
        assert!(!e.canonical_request.as_ref().unwrap().contains("secret"));
        assert_eq!(e.params.get(), "null");
        assert!(e.bytes() < 40 * 1024);
    }

    #[test]
    fn a_short_answer_is_shared_with_the_response_and_a_long_one_cut() {
        let short = bytes::Bytes::from(r#"{"Response":{"RequestId":"x"}}"#);
        let e = Entry::new(Call {
            answer: Some(short.clone()),
            ..Call::default()
        });
        assert_eq!(e.answer.as_ref().map(|a| a.as_ptr()), Some(short.as_ptr()));
        let long = bytes::Bytes::from(format!("{{\"x\":\"{}\"}}", "a".repeat(100_000)));
        let e = Entry::new(Call {
            answer: Some(long),
            ..Call::default()
        });
        let kept = e.answer.unwrap();
        assert!(kept.len() <= ANSWER_BYTES);
        assert!(String::from_utf8_lossy(&kept).ends_with("…(+83656 bytes)"));
    }

    #[test]
    fn filters_combine_and_limit_keeps_the_newest() {
        let j = Journal::new(100, DEFAULT_BYTES);
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
        let text = params_text(big.as_object().unwrap());
        assert!(text.len() <= PARAMS_BYTES);
        let kept: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(kept["ImageId"].as_str().unwrap().len() < 2_000);
        assert!(kept["Id"].as_array().unwrap().len() <= keep::KEEP_ITEMS + 1);
        let small = serde_json::json!({"Id": 5427, "Filters": [{"Name": "a", "Values": ["b"]}]});
        assert_eq!(params_text(small.as_object().unwrap()), small.to_string());
    }

    #[test]
    fn zero_capacity_or_budget_records_nothing() {
        for j in [Journal::new(0, DEFAULT_BYTES), Journal::new(10, 0)] {
            j.record(entry("A", "Success", 1));
            assert!(j.is_empty());
        }
    }
}
