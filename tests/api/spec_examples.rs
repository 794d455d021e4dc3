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
    // The stateful actions' examples name images by Id: give them records to find.
    let mut ids = Vec::new();
    for name in tcss_emulator::actions::STATEFUL {
        for example in svc.action(name).unwrap().examples {
            let params: Value = serde_json::from_str(example.request).unwrap();
            match &params["Id"] {
                Value::Array(list) => ids.extend(list.iter().filter_map(Value::as_u64)),
                v => ids.extend(
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok())),
                ),
            }
        }
    }
    let records: Vec<Value> = ids
        .iter()
        .map(|id| serde_json::json!({"Id": id, "ImageName": format!("example-{id}")}))
        .collect();
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            "fixtures",
            Some(&serde_json::json!({ "images": records }).to_string()),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let mut sent = 0;
    let mut failures = Vec::new();
    for action in svc.actions {
        for (n, example) in action.examples.iter().enumerate() {
            let params: Value = serde_json::from_str(example.request).unwrap();
            let names_task = params.get("TaskID").is_some();
            let res = app.call(action.name, params).await;
            sent += 1;
            if let Some(err) = res.get("Error") {
                // A documented TaskID names a task of Tencent's, not one made here;
                // scan examples may find their images still being scanned by an
                // earlier example (scans take 5 s of emulator time).
                let code = err["Code"].as_str().unwrap_or("");
                // An example of the resource model names a record of Tencent's (a
                // cluster `abc`); ModifyDefendStatus's example sends InstanceType `abc`.
                let bound = tcss_emulator::resources::bound(action.name).is_some();
                let expected = (names_task && code == "ResourceNotFound")
                    || code == "FailedOperation.ErrAlreadyScanning"
                    || (bound && code == "ResourceNotFound")
                    || (action.name == "ModifyDefendStatus" && code == "InvalidParameterValue");
                if !expected {
                    failures.push(format!("{} #{n}: {err}", action.name));
                }
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
