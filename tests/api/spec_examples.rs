//! Generated from the spec: every documented example request of all 357 actions is
//! sent signed, and the answer is checked against the response schema.

use serde_json::Value;
use tcss_emulator::spec::{self, Kind, Member, Service};

use crate::helpers::*;

/// Every member present, of the schema's JSON type, never null; `path` names a failure.
fn check_object(
    svc: &'static Service,
    members: &[Member],
    value: &Value,
    path: &str,
) -> Result<(), String> {
    let obj = value
        .as_object()
        .ok_or_else(|| format!("{path}: not an object: {value}"))?;
    for m in members {
        if m.name == "RequestId" {
            continue;
        }
        let v = obj
            .get(m.name)
            .ok_or_else(|| format!("{path}.{}: missing", m.name))?;
        if m.list {
            let items = v
                .as_array()
                .ok_or_else(|| format!("{path}.{}: not an array: {v}", m.name))?;
            for (i, item) in items.iter().enumerate() {
                check_kind(svc, m.kind, item, &format!("{path}.{}.{i}", m.name))?;
            }
        } else {
            check_kind(svc, m.kind, v, &format!("{path}.{}", m.name))?;
        }
    }
    Ok(())
}

fn check_kind(svc: &'static Service, kind: Kind, v: &Value, path: &str) -> Result<(), String> {
    let ok = match kind {
        Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso => v.is_string(),
        Kind::Uint64 => v.is_u64(),
        Kind::Int64 => v.is_i64(),
        Kind::Float => v.is_number(),
        Kind::Bool => v.is_boolean(),
        Kind::Object(i) => return check_object(svc, svc.object(i).members, v, path),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{path}: {v} is not {kind:?}"))
    }
}

#[tokio::test]
async fn every_documented_example_request_gets_a_schema_valid_answer() {
    let app = spawn_with(&["--rate-limit", "0"]).await;
    let svc = spec::tcss();
    let mut sent = 0;
    let mut failures = Vec::new();
    for action in svc.actions {
        for (n, example) in action.examples.iter().enumerate() {
            let params: Value = serde_json::from_str(example.request).unwrap();
            let res = app.call(action.name, params).await;
            sent += 1;
            if let Some(err) = res.get("Error") {
                failures.push(format!("{} #{n}: {err}", action.name));
                continue;
            }
            if let Err(e) = check_object(svc, svc.object(action.output).members, &res, action.name)
            {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(svc.actions.len(), 357);
    assert!(sent >= 357, "{sent}");
}
