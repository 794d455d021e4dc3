//! The emulator's one notion of "now".
//!
//! Real time by default; tests can freeze it, set it or move it forward through the
//! admin API, so that rate-limit windows, scan progress and the journal's times move
//! without sleeping. Everything time-based reads [`Clock::now_ms`], except the
//! signature's 300 s window: clients sign with their machine's clock, so that window
//! is checked against the machine's real time.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// A clock that is the system clock plus an offset, or frozen at an instant.
#[derive(Debug, Default)]
pub struct Clock {
    /// Added to the system time while running.
    offset_ms: AtomicI64,
    frozen: AtomicBool,
    /// The instant the clock stands at while frozen.
    frozen_at_ms: AtomicI64,
}

fn system_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Clock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Milliseconds since the Unix epoch, in emulator time.
    pub fn now_ms(&self) -> i64 {
        if self.frozen.load(Ordering::Acquire) {
            self.frozen_at_ms.load(Ordering::Acquire)
        } else {
            system_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
        }
    }

    /// Seconds since the Unix epoch, in emulator time.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen.load(Ordering::Acquire)
    }

    /// Stops the clock at the current emulator time, or lets it run on from there.
    pub fn set_frozen(&self, frozen: bool) {
        let now = self.now_ms();
        if frozen {
            self.frozen_at_ms.store(now, Ordering::Release);
            self.frozen.store(true, Ordering::Release);
        } else {
            self.offset_ms
                .store(now.saturating_sub(system_ms()), Ordering::Relaxed);
            self.frozen.store(false, Ordering::Release);
        }
    }

    /// Sets emulator time to `ms` (frozen or running from there).
    pub fn set_ms(&self, ms: i64) {
        if self.is_frozen() {
            self.frozen_at_ms.store(ms, Ordering::Release);
        } else {
            self.offset_ms
                .store(ms.saturating_sub(system_ms()), Ordering::Relaxed);
        }
    }

    /// Sets emulator time to `set` (default: now), moves it by `advance_ms`, then
    /// freezes or releases it (default: as it was), in one step: a frozen result stands
    /// exactly at the computed instant.
    pub fn apply(&self, set: Option<i64>, advance_ms: Option<i64>, freeze: Option<bool>) {
        let target = set
            .unwrap_or_else(|| self.now_ms())
            .saturating_add(advance_ms.unwrap_or(0));
        if freeze.unwrap_or_else(|| self.is_frozen()) {
            self.frozen_at_ms.store(target, Ordering::Release);
            self.frozen.store(true, Ordering::Release);
        } else {
            self.offset_ms
                .store(target.saturating_sub(system_ms()), Ordering::Relaxed);
            self.frozen.store(false, Ordering::Release);
        }
    }

    /// Back to the machine's time, running: no offset, not frozen (the start-up state).
    pub fn to_real(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
        self.frozen.store(false, Ordering::Release);
    }

    /// Moves emulator time forward (or back, with a negative amount).
    pub fn advance_ms(&self, ms: i64) {
        if self.is_frozen() {
            self.frozen_at_ms.fetch_add(ms, Ordering::AcqRel);
        } else {
            self.offset_ms.fetch_add(ms, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_stands_still_and_moves_only_when_told() {
        let clock = Clock::new();
        clock.set_frozen(true);
        clock.set_ms(1_000_000);
        assert_eq!(clock.now_ms(), 1_000_000);
        clock.advance_ms(2_500);
        assert_eq!(clock.now_ms(), 1_002_500);
        assert_eq!(clock.now_secs(), 1_002);
    }

    #[test]
    fn setting_and_freezing_a_running_clock_lands_exactly_on_the_instant() {
        let clock = Clock::new();
        for _ in 0..1000 {
            clock.apply(None, None, Some(false));
            clock.apply(Some(5_000_000), Some(1_500), Some(true));
            assert_eq!(clock.now_ms(), 5_001_500);
        }
        clock.apply(None, Some(-500), None);
        assert_eq!(clock.now_ms(), 5_001_000, "frozen stays frozen");
    }

    #[test]
    fn running_clock_keeps_an_offset_after_being_set() {
        let clock = Clock::new();
        clock.set_ms(86_400_000); // 1970-01-02
        let now = clock.now_ms();
        assert!((86_400_000..86_400_000 + 60_000).contains(&now), "{now}");
        clock.set_frozen(true);
        let frozen = clock.now_ms();
        assert!(frozen >= now);
        clock.set_frozen(false);
        assert!(clock.now_ms() >= frozen && clock.now_ms() < frozen + 60_000);
    }
}
