//! Per-(SecretId, Action) request limit over a sliding one-second window.
//!
//! Tencent's documented default is 20 requests per second per API for each
//! sub-account (<https://cloud.tencent.com/document/product/1278/109059>); a SecretId
//! stands for the sub-account here. Only accepted calls count. Memory stays bounded:
//! each key keeps at most `limit` instants, and keys idle for a full window are swept
//! once the map has grown past its last swept size.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::error::ApiError;

const WINDOW_MS: i64 = 1_000;
const SWEEP_FLOOR: usize = 4_096;

#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    windows: HashMap<String, VecDeque<i64>>,
    sweep_at: usize,
}

impl RateLimiter {
    /// `limit` calls per window; 0 turns limiting off.
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            state: Mutex::new(State {
                windows: HashMap::new(),
                sweep_at: SWEEP_FLOOR,
            }),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Counts one call at `now_ms`, or refuses it with `RequestLimitExceeded`.
    pub fn check(&self, secret_id: &str, action: &str, now_ms: i64) -> Result<(), ApiError> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut key = String::with_capacity(secret_id.len() + action.len() + 1);
        key.push_str(secret_id);
        key.push('\n');
        key.push_str(action);
        // A poisoned lock only means another call panicked mid-update: the
        // timestamps are still usable.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.windows.len() >= state.sweep_at {
            state.windows.retain(|_, w| {
                w.back()
                    .is_some_and(|&t| now_ms - t < WINDOW_MS && t <= now_ms)
            });
            state.sweep_at = (state.windows.len() * 2).max(SWEEP_FLOOR);
        }
        let window = state.windows.entry(key).or_default();
        // Drop instants that left the window (or lie ahead of a clock set back).
        window.retain(|&t| now_ms - t < WINDOW_MS && t <= now_ms);
        let count = u32::try_from(window.len()).unwrap_or(u32::MAX);
        if count >= self.limit {
            return Err(ApiError::request_limit_exceeded(
                count.saturating_add(1),
                self.limit,
            ));
        }
        window.push_back(now_ms);
        Ok(())
    }

    /// Forgets every window (admin reset).
    pub fn clear(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.windows.clear();
        state.sweep_at = SWEEP_FLOOR;
    }

    /// Number of (SecretId, Action) windows held (for metrics and tests).
    pub fn tracked_keys(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .windows
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn burst_of_25_lets_exactly_20_through() {
        let rl = RateLimiter::new(20);
        let ok = (0..25)
            .filter(|i| rl.check("id", "A", 1_000 + i * 10).is_ok())
            .count();
        assert_eq!(ok, 20);
    }

    #[test]
    fn window_slides_and_other_keys_are_unaffected() {
        let rl = RateLimiter::new(2);
        assert!(rl.check("id", "A", 0).is_ok());
        assert!(rl.check("id", "A", 500).is_ok());
        let err = rl.check("id", "A", 999).unwrap_err();
        assert_eq!(err.code, ErrorCode::RequestLimitExceeded);
        assert!(rl.check("id", "B", 999).is_ok());
        assert!(rl.check("other", "A", 999).is_ok());
        assert!(rl.check("id", "A", 1_000).is_ok()); // the call at 0 has left
        assert!(rl.check("id", "A", 1_001).is_err());
    }

    #[test]
    fn refused_calls_do_not_count() {
        let rl = RateLimiter::new(1);
        assert!(rl.check("id", "A", 0).is_ok());
        for t in 1..100 {
            assert!(rl.check("id", "A", t * 10).is_err());
        }
        assert!(rl.check("id", "A", 1_000).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let rl = RateLimiter::new(0);
        assert!((0..1000).all(|_| rl.check("id", "A", 0).is_ok()));
    }

    #[test]
    fn memory_stays_bounded_under_many_secret_ids() {
        let rl = RateLimiter::new(20);
        for i in 0..100_000i64 {
            rl.check(&format!("id{i}"), "A", i * 10).unwrap();
        }
        // At any instant only ids seen in the last second are live (100 here).
        assert!(
            rl.tracked_keys() <= 2 * SWEEP_FLOOR,
            "{}",
            rl.tracked_keys()
        );
    }

    #[test]
    fn clock_set_back_does_not_lock_a_key_out() {
        let rl = RateLimiter::new(1);
        assert!(rl.check("id", "A", 10_000).is_ok());
        assert!(rl.check("id", "A", 5_000).is_ok());
    }
}
