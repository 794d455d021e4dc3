//! How long the spec validation adds per request: `tcss_emulator::spec::validate`
//! on the parameters of a Detail call and of a nested List call (Filters etc.),
//! in a timed loop with `black_box`, median of rounds.
//!
//! `validate` takes the parameters by value, as the pipeline hands them over after
//! parsing; the loop therefore clones the parsed map each time. That clone (and the
//! drop of the result) is measured alone in the same way and subtracted.

use std::hint::black_box;
use std::time::Instant;

use serde_json::{Map, Value, json};
use tcss_emulator::spec;

#[derive(Debug, Clone, clap::Args)]
pub struct ValidateArgs {
    /// Rounds (the median is kept).
    #[arg(long, default_value_t = 15)]
    pub rounds: usize,
}

/// One request's figures, in nanoseconds per call.
#[derive(Debug, Clone)]
pub struct ValidateResult {
    pub name: &'static str,
    /// `clone + validate + drop`, median of rounds.
    pub total_ns: f64,
    /// `clone + drop` alone, median of rounds.
    pub baseline_ns: f64,
}

impl ValidateResult {
    /// What validation itself adds.
    pub fn validate_ns(&self) -> f64 {
        (self.total_ns - self.baseline_ns).max(0.0)
    }
}

fn cases() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "Detail {Id}",
            "DescribeAssetImageRegistryDetail",
            json!({"Id": 5427}),
        ),
        (
            "Detail {Id as digit string, ImageId}",
            "DescribeAssetImageRegistryDetail",
            json!({"Id": "5427", "ImageId": "sha256:e68ba1280908f76a9e22a813b9ea0c7358e9bcf0ed616fddf88dad557e33d1ca"}),
        ),
        (
            "List {Limit, Offset, 3 Filters, By, Order, OnlyShowLatest}",
            "DescribeAssetImageRegistryList",
            json!({
                "Limit": 10,
                "Offset": 0,
                "Filters": [
                    {"Name": "ImageName", "Values": ["nginx", "redis"], "ExactMatch": true},
                    {"Name": "ScanStatus", "Values": ["SCANNED"], "ExactMatch": false},
                    {"Name": "RegistryType", "Values": ["ccr", "tcr", "harbor"]}
                ],
                "By": "ImageSize",
                "Order": "DESC",
                "OnlyShowLatest": true
            }),
        ),
    ]
}

fn per_call_ns(iters: u64, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed().as_nanos() as f64 / iters as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs every case; each round lasts about 20 ms per measurement.
pub fn measure(rounds: usize) -> crate::Result<Vec<ValidateResult>> {
    let svc = spec::tcss();
    let mut out = Vec::new();
    for (name, action, params) in cases() {
        let action = svc
            .action(action)
            .ok_or_else(|| format!("the spec has no action {action}"))?;
        let input = svc.object(action.input);
        let Value::Object(map) = params.clone() else {
            return Err("parameters are an object".into());
        };
        // Sanity: it must validate.
        spec::validate(svc, input, map.clone()).map_err(|e| format!("{name}: {e:?}"))?;
        let run_validate = || {
            let p: Map<String, Value> = black_box(&map).clone();
            black_box(spec::validate(svc, input, p).is_ok());
        };
        let run_baseline = || {
            let p: Map<String, Value> = black_box(&map).clone();
            black_box(&p);
            drop(black_box(p));
        };
        // Calibrate: iterations for ~20 ms.
        let probe = per_call_ns(2_000, run_validate).max(1.0);
        let iters = ((20_000_000.0 / probe) as u64).max(1_000);
        let (mut totals, mut bases) = (Vec::new(), Vec::new());
        for _ in 0..rounds.max(1) {
            totals.push(per_call_ns(iters, run_validate));
            bases.push(per_call_ns(iters, run_baseline));
        }
        out.push(ValidateResult {
            name,
            total_ns: median(totals),
            baseline_ns: median(bases),
        });
    }
    Ok(out)
}

pub fn main(args: &ValidateArgs) -> crate::Result<()> {
    for r in measure(args.rounds)? {
        println!(
            "{:<60} validate {:>7.0} ns/call  (clone+validate {:.0} ns, clone alone {:.0} ns)",
            r.name,
            r.validate_ns(),
            r.total_ns,
            r.baseline_ns
        );
    }
    Ok(())
}
