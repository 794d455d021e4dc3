//! Reliability: malformed input, resource limits and stalled clients, crash safety,
//! load and soak, what large requests make the process keep. See each module's
//! documentation.
//!
//! Runs in the normal `cargo test` in one to three minutes (debug build, two shared cores; the
//! memory tests send some 200 MB to the real binary).
//! Knobs, all opt-in:
//! - `TCSS_SOAK_SECS=300 cargo test --test reliability soak -- --nocapture`: the long
//!   soak (default 10 s);
//! - `TCSS_CRASH_RECORDS=200000 cargo test --test reliability sigkill`: a larger
//!   batch in the crash-safety test (default 100,000).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_input;
mod crash;
mod limits;
mod load;
mod memory;
mod support;
