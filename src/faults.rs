//! Fault injection (`/_emulator/faults`), in Tencent's terms: for an action (or `*`),
//! answer an error with the exact wire shape, delay the answer, or drop the
//! connection; optionally only for calls whose parameters match, for N uses, and
//! with a probability drawn from a seeded generator (so runs are reproducible).
//!
//! The newest fault that applies fires. Faults live in memory; `reset` clears them.

use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::matching::{InjectedError, matches, valid_code};
use crate::spec::{self, Service};

/// What a fault does to a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Error { code: String, message: String },
    Delay(Duration),
    Drop,
}

/// The body of `POST /_emulator/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFault {
    /// An action name, or `*` for every action.
    pub action: String,
    #[serde(default, rename = "match")]
    pub matcher: Option<Map<String, Value>>,
    pub error: Option<InjectedError>,
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub drop: bool,
    pub times: Option<u64>,
    /// 0 < p ≤ 1 (default 1).
    pub probability: Option<f64>,
    /// Seed of the fault's generator (default 0).
    pub seed: Option<u64>,
}

#[derive(Debug, Clone)]
struct Fault {
    id: u64,
    action: String,
    matcher: Map<String, Value>,
    effect: Effect,
    remaining: Option<u64>,
    probability: f64,
    seed: u64,
    /// splitmix64 state.
    rng: u64,
}

impl Fault {
    /// A uniform draw in [0, 1) from the fault's own generator.
    fn draw(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // 53 random bits as a fraction.
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The longest delay a fault may ask for.
pub const MAX_DELAY_MS: u64 = 600_000;

/// The most faults kept at once.
pub const MAX_FAULTS: usize = 1000;

#[derive(Debug, Default)]
pub struct Faults {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    faults: Vec<Fault>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks a new fault and adds it; returns its id.
    pub fn add(&self, svc: &'static Service, new: NewFault) -> Result<u64, String> {
        let matcher = match (new.action.as_str(), new.matcher) {
            (_, None) => Map::new(),
            ("*", Some(m)) => m,
            (name, Some(m)) => {
                let action = svc.action(name).ok_or_else(|| {
                    format!(
                        "`{name}` is not an action of {} {} (use `*` for all)",
                        svc.name, svc.version
                    )
                })?;
                spec::validate_partial(svc, svc.object(action.input), m)
                    .map_err(|e| format!("match: {}", e.en))?
            }
        };
        if new.action != "*" && svc.action(&new.action).is_none() {
            return Err(format!(
                "`{}` is not an action of {} {} (use `*` for all)",
                new.action, svc.name, svc.version
            ));
        }
        let effect = match (new.error, new.delay_ms, new.drop) {
            (Some(err), None, false) => {
                if !valid_code(&err.code) {
                    return Err(format!(
                        "error.code `{}` is not a Tencent error code",
                        err.code
                    ));
                }
                let message = err
                    .message
                    .unwrap_or_else(|| format!("Injected fault {}.", err.code));
                Effect::Error {
                    code: err.code,
                    message,
                }
            }
            (None, Some(ms), false) if ms <= MAX_DELAY_MS => {
                Effect::Delay(Duration::from_millis(ms))
            }
            (None, Some(_), false) => return Err(format!("delay_ms is at most {MAX_DELAY_MS}")),
            (None, None, true) => Effect::Drop,
            _ => return Err("give exactly one of `error`, `delay_ms` and `drop: true`".into()),
        };
        let probability = new.probability.unwrap_or(1.0);
        if !(probability > 0.0 && probability <= 1.0) {
            return Err("probability must be in (0, 1]".into());
        }
        if new.times == Some(0) {
            return Err("`times` must be at least 1 (leave it out for unlimited)".into());
        }
        let seed = new.seed.unwrap_or(0);
        let mut state = self.lock();
        if state.faults.len() >= MAX_FAULTS {
            return Err(format!(
                "at most {MAX_FAULTS} faults are kept: delete some first (DELETE /_emulator/faults)"
            ));
        }
        state.next_id += 1;
        let id = state.next_id;
        state.faults.push(Fault {
            id,
            action: new.action,
            matcher,
            effect,
            remaining: new.times,
            probability,
            seed,
            rng: seed,
        });
        Ok(id)
    }

    /// The effect of the newest fault that applies to this call, if any.
    pub fn take(&self, action: &str, params: &Map<String, Value>) -> Option<Effect> {
        let mut state = self.lock();
        if state.faults.is_empty() {
            return None;
        }
        let params = Value::Object(params.clone());
        for i in (0..state.faults.len()).rev() {
            let fault = &mut state.faults[i];
            if fault.action != "*" && fault.action != action {
                continue;
            }
            if !matches(&Value::Object(fault.matcher.clone()), &params) {
                continue;
            }
            if fault.probability < 1.0 && fault.draw() >= fault.probability {
                continue;
            }
            let effect = fault.effect.clone();
            if let Some(n) = fault.remaining.as_mut() {
                *n -= 1;
                if *n == 0 {
                    state.faults.remove(i);
                }
            }
            return Some(effect);
        }
        None
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut state = self.lock();
        let before = state.faults.len();
        state.faults.retain(|f| f.id != id);
        state.faults.len() != before
    }

    pub fn clear(&self) {
        self.lock().faults.clear();
    }

    pub fn len(&self) -> usize {
        self.lock().faults.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every fault, oldest first, as JSON.
    pub fn list(&self) -> Value {
        let state = self.lock();
        let faults: Vec<Value> = state
            .faults
            .iter()
            .map(|f| {
                let mut v = json!({
                    "id": f.id, "action": f.action, "match": f.matcher,
                    "times_remaining": f.remaining, "probability": f.probability, "seed": f.seed,
                });
                match &f.effect {
                    Effect::Error { code, message } => {
                        v["error"] = json!({"code": code, "message": message})
                    }
                    Effect::Delay(d) => v["delay_ms"] = json!(d.as_millis() as u64),
                    Effect::Drop => v["drop"] = json!(true),
                }
                v
            })
            .collect();
        json!({ "faults": faults })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(faults: &Faults, v: Value) -> Result<u64, String> {
        faults.add(
            spec::tcss(),
            serde_json::from_value(v).map_err(|e| e.to_string())?,
        )
    }

    #[test]
    fn newest_applicable_fault_fires_and_uses_run_out() {
        let f = Faults::default();
        add(&f, json!({"action": "*", "delay_ms": 5})).unwrap();
        add(&f, json!({"action": "DescribeAssetImageRegistryDetail", "match": {"Id": "1"}, "error": {"code": "RequestLimitExceeded"}, "times": 1})).unwrap();
        let p1 = json!({"Id": 1}).as_object().cloned().unwrap();
        let p2 = json!({"Id": 2}).as_object().cloned().unwrap();
        assert!(matches!(
            f.take("DescribeAssetImageRegistryDetail", &p1),
            Some(Effect::Error { .. })
        ));
        assert_eq!(
            f.take("DescribeAssetImageRegistryDetail", &p1),
            Some(Effect::Delay(Duration::from_millis(5)))
        );
        assert_eq!(
            f.take("Other", &p2),
            Some(Effect::Delay(Duration::from_millis(5)))
        );
    }

    #[test]
    fn probability_with_a_seed_is_reproducible() {
        let pattern = |seed: u64| {
            let f = Faults::default();
            add(
                &f,
                json!({"action": "*", "drop": true, "probability": 0.5, "seed": seed}),
            )
            .unwrap();
            (0..64)
                .map(|_| f.take("A", &Map::new()).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(pattern(7), pattern(7));
        assert_ne!(pattern(7), pattern(8));
        let hits = pattern(7).iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn bad_faults_are_refused() {
        let f = Faults::default();
        for bad in [
            json!({"action": "Nope", "drop": true}),
            json!({"action": "*"}),
            json!({"action": "*", "drop": true, "delay_ms": 1}),
            json!({"action": "*", "drop": true, "probability": 0}),
            json!({"action": "*", "drop": true, "probability": 1.5}),
            json!({"action": "*", "delay_ms": 600001}),
            json!({"action": "*", "error": {"code": "no spaces allowed"}}),
            json!({"action": "DescribeAssetImageRegistryDetail", "match": {"Id": "x"}, "drop": true}),
        ] {
            assert!(add(&f, bad.clone()).is_err(), "{bad}");
        }
    }
}
