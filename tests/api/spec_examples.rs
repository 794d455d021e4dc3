//! Generated from the spec: every documented example request of all 357 actions is
//! sent signed, and the answer is checked against the response schema; every action
//! without a handler answers its documented example's values.

use serde_json::Value;
use tcss_emulator::spec::{self, Kind, Member, Service};

use crate::helpers::*;

/// Every member present, of the schema's JSON type, never null; `path` names a failure.
pub fn check_object(
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
    let images = tcss_emulator::resources::resource("images").unwrap();
    for name in images.bind.iter().map(|b| b.action()) {
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
    // The resource model's examples name records of Tencent's: give them records.
    let named = serde_json::json!({
        "clusters": [{"ClusterId": "abc"}, {"ClusterId": "cls-20ry"}, {"ClusterId": "cls-0zmsjvko"}],
        "containers": [{"ContainerID": "cndajlhcklanca"}, {"ContainerID": "289899476e81"}],
        "hosts": [{"HostID": "dskaldjskld"}],
        "local_images": [{"ImageID": "sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b"}],
        "registries": [{"RegistryId": 8329}, {"RegistryId": 10}],
        "compliance_assets": ([2202462, 111, 456, 789, 1002, 10001, 10002]
            .map(|id| serde_json::json!({"CustomerAssetId": id, "AssetType": "ASSET_CONTAINER"}))),
        "compliance_policy_items": ([10001, 45675, 474567, 2798]
            .map(|id| serde_json::json!({"CustomerPolicyItemId": id, "AssetType": "ASSET_CONTAINER"}))),
        "compliance_period_tasks": [{"PeriodTaskId": 1001}],
        "search_templates": [{"Id": 10}],
        "check_items": [{"CheckItemId": 15}, {"CheckItemId": 10071}],
    });
    let (status, body) = app
        .admin(
            reqwest::Method::POST,
            "fixtures",
            Some(&named.to_string()),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Scans started by one example stay running for the examples after it.
    app.state.clock.set_frozen(true);
    let mut sent = 0;
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    for action in svc.actions {
        for (n, example) in action.examples.iter().enumerate() {
            let params: Value = serde_json::from_str(example.request).unwrap();
            let res = app.call(action.name, params).await;
            sent += 1;
            if let Some(err) = res.get("Error") {
                errors.push((
                    action.name,
                    n,
                    err["Code"].as_str().unwrap_or("").to_string(),
                ));
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
    // Exactly these examples are refused, each for a reason of the state model.
    let expected_errors = [
        // Its example sends RequestType IP without a WhiteIPList: nothing to add.
        (
            "AddOrModifyMaliciousConnectionWhiteList",
            0,
            "InvalidParameterValue",
        ),
        // Runtime-event examples name Tencent's rules, tasks, events and samples
        // (`Id` 256, `TaskId` `6177adf5…`, `MD5` `dskaldjskld`), not ones made here.
        ("AddOrModifyVirusWhiteListRule", 0, "ResourceNotFound"),
        // It scans every image (`All`), and those of CreateAssetImageRegistryScanTask's
        // examples, which came before (by name), are still being scanned: the clock
        // is frozen.
        (
            "CreateAssetImageRegistryScanTaskOneKey",
            0,
            "FailedOperation.ErrAlreadyScanning",
        ),
        // Documented event, rule and whitelist ids name Tencent's records.
        ("DescribeAbnormalProcessDetail", 0, "ResourceNotFound"),
        ("DescribeAbnormalProcessRuleDetail", 0, "ResourceNotFound"),
        ("DescribeAbnormalProcessRuleDetail", 1, "ResourceNotFound"),
        ("DescribeAbnormalProcessRuleDetail", 2, "ResourceNotFound"),
        ("DescribeAccessControlDetail", 0, "ResourceNotFound"),
        ("DescribeAccessControlRuleDetail", 0, "ResourceNotFound"),
        ("DescribeAccessControlRuleDetail", 1, "ResourceNotFound"),
        ("DescribeAccessControlRuleDetail", 2, "ResourceNotFound"),
        ("DescribeAccessControlRuleDetail", 3, "ResourceNotFound"),
        ("CreateVirusScanAgain", 0, "ResourceNotFound"),
        // A documented TaskID names one of Tencent's tasks, not one made here.
        (
            "DescribeAssetImageRegistryScanStatusOneKey",
            0,
            "ResourceNotFound",
        ),
        (
            "DescribeAssetImageRegistryScanStatusOneKey",
            1,
            "ResourceNotFound",
        ),
        ("DescribeAssetImageScanStatus", 0, "ResourceNotFound"),
        ("DescribeEscapeEventDetail", 0, "ResourceNotFound"),
        // A documented JobId names one of Tencent's export jobs.
        ("DescribeExportJobDownloadURL", 0, "ResourceNotFound"),
        ("DescribeExportJobResult", 0, "ResourceNotFound"),
        ("DescribeReverseShellDetail", 0, "ResourceNotFound"),
        (
            "DescribeReverseShellRegexpWhiteListInfo",
            0,
            "ResourceNotFound",
        ),
        ("DescribeReverseShellWhiteListDetail", 0, "ResourceNotFound"),
        ("DescribeRiskSyscallDetail", 0, "ResourceNotFound"),
        ("DescribeRiskSyscallWhiteListDetail", 0, "ResourceNotFound"),
        ("DescribeImageDenyEventDetail", 0, "ResourceNotFound"),
        ("DescribeImageDenyRuleDetail", 0, "ResourceNotFound"),
        ("DescribeK8sApiAbnormalEventInfo", 0, "ResourceNotFound"),
        ("DescribeK8sApiAbnormalRuleInfo", 0, "ResourceNotFound"),
        ("DescribeK8sApiAbnormalRuleScopeList", 0, "ResourceNotFound"),
        (
            "DescribeVirusAutoIsolateSampleDetail",
            0,
            "ResourceNotFound",
        ),
        (
            "DescribeVirusAutoIsolateSampleDownloadURL",
            0,
            "ResourceNotFound",
        ),
        ("DescribeVirusDetail", 0, "ResourceNotFound"),
        ("DescribeVirusSampleDownloadUrl", 0, "ResourceNotFound"),
        ("DescribeVirusScanTaskStatus", 0, "ResourceNotFound"),
        // A documented EventID / PocID names one of Tencent's vulnerability records.
        ("DescribeVulDefenceEventDetail", 0, "ResourceNotFound"),
        ("DescribeVulDetail", 0, "ResourceNotFound"),
        (
            "ModifyAssetImageRegistryScanStopOneKey",
            0,
            "ResourceNotFound",
        ),
        ("ModifyAssetImageScanStop", 0, "ResourceNotFound"),
        // Its example sends InstanceType `abc` (documented: Cluster or Node).
        ("ModifyDefendStatus", 0, "InvalidParameterValue"),
        ("ModifyK8sApiAbnormalRuleInfo", 0, "ResourceNotFound"),
        ("ModifyK8sApiAbnormalRuleStatus", 0, "ResourceNotFound"),
        ("ModifyVirusAutoIsolateExampleSwitch", 0, "ResourceNotFound"),
        ("StopVirusScanTask", 0, "ResourceNotFound"),
        // Its example names no RegistryId.
        (
            "UpdateAssetImageRegistryRegistryDetail",
            0,
            "ResourceNotFound",
        ),
    ];
    // Each family lists its own; compared in the order the actions are sent.
    let mut expected: Vec<(&str, usize, String)> = expected_errors
        .iter()
        .map(|(a, n, c)| (*a, *n, c.to_string()))
        .collect();
    expected.sort();
    errors.sort();
    assert_eq!(errors, expected, "examples answered with an error");
    assert_eq!(svc.actions.len(), 357);
    let documented: usize = svc.actions.iter().map(|a| a.examples.len()).sum();
    assert_eq!(sent, documented);
    assert!(svc.actions.iter().all(|a| !a.examples.is_empty()));
}

/// Compares an answer with the documented example it must carry: every member the
/// schema declares has the example's value (a number documented as text for a
/// string member, or a digit string for an integer member, as its other spelling);
/// a member the example leaves out (or sets `null`) is its type's zero value.
/// Differences go to `diffs`, named by path.
fn expect_values(
    svc: &'static Service,
    members: &[Member],
    example: &Value,
    answer: &Value,
    path: &str,
    diffs: &mut Vec<String>,
) {
    for m in members {
        if m.name == "RequestId" {
            continue;
        }
        let at = format!("{path}.{}", m.name);
        let want = example.get(m.name).unwrap_or(&Value::Null);
        let got = &answer[m.name];
        if !m.list {
            expect_value(svc, m.kind, want, got, &at, diffs);
            continue;
        }
        let want: &[Value] = want.as_array().map_or(&[], Vec::as_slice);
        let got: &[Value] = got.as_array().map_or(&[], Vec::as_slice);
        if want.len() != got.len() {
            diffs.push(format!(
                "{at}: {} items documented, {} answered",
                want.len(),
                got.len()
            ));
            continue;
        }
        for (i, (w, g)) in want.iter().zip(got).enumerate() {
            expect_value(svc, m.kind, w, g, &format!("{at}.{i}"), diffs);
        }
    }
}

fn expect_value(
    svc: &'static Service,
    kind: Kind,
    want: &Value,
    got: &Value,
    at: &str,
    diffs: &mut Vec<String>,
) {
    let same = match (kind, want) {
        (Kind::Object(i), _) => {
            let empty = Value::Object(Default::default());
            let want = if want.is_object() { want } else { &empty };
            return expect_values(svc, svc.object(i).members, want, got, at, diffs);
        }
        (_, Value::Null) => match kind {
            Kind::Bool => got == false,
            Kind::Uint64 | Kind::Int64 | Kind::Float => got.as_f64() == Some(0.0),
            _ => got == "",
        },
        (Kind::Float, Value::Number(n)) => got.as_f64() == n.as_f64(),
        (Kind::Uint64 | Kind::Int64 | Kind::Float, Value::String(s)) => got
            .as_f64()
            .is_some_and(|g| s.trim().parse::<f64>() == Ok(g)),
        (Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso, Value::Number(n)) => {
            got.as_str() == Some(n.to_string().as_str())
        }
        _ => got == want,
    };
    if !same {
        diffs.push(format!("{at}: documented {want}, answered {got}"));
    }
}

/// README, Actions: every action without a handler "answers its first documented
/// example response (fresh `RequestId`), shaped to the schema". The answer's values
/// are compared with the example's, for every such action; an example that is not a
/// JSON object fails the test (it would answer zeros).
#[tokio::test]
async fn other_actions_answer_their_documented_example() {
    let app = spawn_with(&["--rate-limit", "0"]).await;
    let svc = spec::tcss();
    let (mut compared, mut without_examples, mut failures) = (0, Vec::new(), Vec::new());
    for action in svc.actions {
        if tcss_emulator::actions::is_stateful(action.name) {
            continue;
        }
        let Some(example) = action.examples.first() else {
            without_examples.push(action.name);
            continue;
        };
        let documented: Value = match serde_json::from_str::<Value>(example.response) {
            Ok(v) if v.is_object() => v,
            other => {
                failures.push(format!(
                    "{}: the example is no JSON object: {other:?}",
                    action.name
                ));
                continue;
            }
        };
        let params: Value = serde_json::from_str(example.request).unwrap();
        let res = app.call(action.name, params).await;
        if let Some(err) = res.get("Error") {
            failures.push(format!("{}: {err}", action.name));
            continue;
        }
        let mut diffs = Vec::new();
        let output = svc.object(action.output).members;
        expect_values(svc, output, &documented, &res, action.name, &mut diffs);
        failures.extend(diffs);
        compared += 1;
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let stateful = svc
        .actions
        .iter()
        .filter(|a| tcss_emulator::actions::is_stateful(a.name))
        .count();
    assert_eq!(compared + without_examples.len() + stateful, 357);
    assert!(
        without_examples.is_empty(),
        "actions without an example: {without_examples:?}"
    );
}
