//! Prometheus metrics (`GET /_emulator/metrics`): calls by action and outcome code,
//! a latency histogram, and gauges filled in at scrape time.
//!
//! The label set is bounded: actions are the spec's (or `-`), and codes, which stubs
//! and faults let callers choose, are counted under their own name for the first
//! [`MAX_CODES`] distinct ones, then under `other` (the codes the emulator answers
//! itself always under their own). `reset` clears everything.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    state: Mutex<State>,
}

/// The most distinct `code` label values; later codes are counted as [`OTHER`].
pub const MAX_CODES: usize = 100;
/// The `code` label of codes beyond [`MAX_CODES`].
pub const OTHER: &str = "other";

#[derive(Debug, Default)]
struct State {
    /// action → code → calls.
    calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// The distinct codes labelled so far.
    codes: BTreeSet<String>,
    /// Cumulative counts per bucket, plus the +Inf bucket last.
    buckets: [u64; BUCKETS.len() + 1],
    sum_seconds: f64,
    count: u64,
}

/// Values read at scrape time.
#[derive(Debug, Default)]
pub struct Gauges {
    pub records: u64,
    pub journal_entries: usize,
    pub journal_bytes: usize,
    pub stubs: usize,
    pub faults: usize,
    pub exports: usize,
    pub export_bytes: usize,
}

impl Metrics {
    /// Counts one call. `action` is a spec action name or `-` (so garbage names
    /// cannot grow the label set).
    pub fn observe(&self, action: &str, code: &str, seconds: f64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let code = if s.codes.contains(code) || own_code(code) {
            code
        } else if s.codes.len() < MAX_CODES {
            s.codes.insert(code.to_string());
            code
        } else {
            OTHER
        };
        // Borrowed look-ups: no allocation once a pair has been seen.
        let codes = match s.calls.get_mut(action) {
            Some(codes) => codes,
            None => s.calls.entry(action.to_string()).or_default(),
        };
        match codes.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                codes.insert(code.to_string(), 1);
            }
        }
        let slot = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        s.buckets[slot] += 1;
        s.sum_seconds += seconds;
        s.count += 1;
    }

    /// Forgets every count (`POST /_emulator/reset`).
    pub fn clear(&self) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = State::default();
    }

    /// The Prometheus text exposition.
    pub fn render(&self, gauges: &Gauges) -> String {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::with_capacity(2048);
        out.push_str(
            "# HELP tcss_emulator_calls_total Cloud API calls by action and outcome code.\n",
        );
        out.push_str("# TYPE tcss_emulator_calls_total counter\n");
        for (action, code, n) in s
            .calls
            .iter()
            .flat_map(|(a, codes)| codes.iter().map(move |(c, n)| (a, c, n)))
        {
            let _ = writeln!(
                out,
                "tcss_emulator_calls_total{{action=\"{}\",code=\"{}\"}} {n}",
                escape(action),
                escape(code)
            );
        }
        out.push_str(
            "# HELP tcss_emulator_call_duration_seconds Time to answer a cloud API call.\n",
        );
        out.push_str("# TYPE tcss_emulator_call_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += s.buckets[i];
            let _ = writeln!(
                out,
                "tcss_emulator_call_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += s.buckets[BUCKETS.len()];
        let _ = writeln!(
            out,
            "tcss_emulator_call_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let _ = writeln!(
            out,
            "tcss_emulator_call_duration_seconds_sum {}",
            s.sum_seconds
        );
        let _ = writeln!(out, "tcss_emulator_call_duration_seconds_count {}", s.count);
        for (name, help, value) in [
            (
                "records",
                "Image records in the store.",
                gauges.records as f64,
            ),
            (
                "journal_entries",
                "Calls held in the request journal.",
                gauges.journal_entries as f64,
            ),
            (
                "journal_bytes",
                "Bytes held by the request journal.",
                gauges.journal_bytes as f64,
            ),
            ("stubs", "Active stubs.", gauges.stubs as f64),
            ("faults", "Active faults.", gauges.faults as f64),
            ("exports", "Export files kept.", gauges.exports as f64),
            (
                "export_bytes",
                "Bytes held by the export files kept.",
                gauges.export_bytes as f64,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP tcss_emulator_{name} {help}\n# TYPE tcss_emulator_{name} gauge\ntcss_emulator_{name} {value}"
            );
        }
        out
    }
}

/// A code the emulator itself answers, always counted under its name (a fixed set).
fn own_code(code: &str) -> bool {
    matches!(code, "Success" | "ConnectionDropped")
        || crate::error::ErrorCode::ALL
            .iter()
            .any(|c| c.as_str() == code)
}

/// Label values are escaped as the text format asks.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_and_fills_the_histogram() {
        let m = Metrics::default();
        m.observe("A", "Success", 0.0002);
        m.observe("A", "Success", 0.002);
        m.observe("-", "InvalidAction", 2.0);
        let text = m.render(&Gauges {
            records: 2,
            ..Gauges::default()
        });
        assert!(text.contains("tcss_emulator_calls_total{action=\"A\",code=\"Success\"} 2"));
        assert!(text.contains("tcss_emulator_calls_total{action=\"-\",code=\"InvalidAction\"} 1"));
        assert!(text.contains("tcss_emulator_call_duration_seconds_bucket{le=\"0.00025\"} 1"));
        assert!(text.contains("tcss_emulator_call_duration_seconds_bucket{le=\"+Inf\"} 3"));
        assert!(text.contains("tcss_emulator_call_duration_seconds_count 3"));
        assert!(text.contains("tcss_emulator_records 2"));
    }

    #[test]
    fn caller_chosen_codes_fold_into_other_beyond_the_cap_and_reset_clears() {
        let m = Metrics::default();
        for i in 0..MAX_CODES + 50 {
            m.observe("A", &format!("FailedOperation.Code{i}"), 0.001);
        }
        m.observe("A", "FailedOperation.Code0", 0.001);
        m.observe("A", "ResourceNotFound", 0.001);
        let text = m.render(&Gauges::default());
        let series = text
            .lines()
            .filter(|l| l.starts_with("tcss_emulator_calls_total{"))
            .count();
        assert_eq!(series, MAX_CODES + 2);
        assert!(
            text.contains("code=\"ResourceNotFound\"} 1"),
            "the emulator's own codes"
        );
        assert!(text.contains("tcss_emulator_calls_total{action=\"A\",code=\"other\"} 50"));
        assert!(text.contains("code=\"FailedOperation.Code0\"} 2"));
        m.clear();
        let text = m.render(&Gauges::default());
        assert!(!text.contains("tcss_emulator_calls_total{"));
        assert!(text.contains("tcss_emulator_call_duration_seconds_count 0"));
    }
}
