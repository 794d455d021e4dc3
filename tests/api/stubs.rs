use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const LIST: &str = "DescribeAssetImageRegistryList";

async fn admin(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string());
    app.admin(method, path, body.as_deref(), None).await
}

#[tokio::test]
async fn stubs_answer_by_specificity_then_age_and_are_shaped() {
    let app = spawn_app().await;
    let (s, _) = admin(
        &app,
        Method::POST,
        "stubs",
        Some(json!({"action": LIST, "response": {"TotalCount": 1}})),
    )
    .await;
    assert_eq!(s, 201);
    admin(&app, Method::POST, "stubs", Some(json!({"action": LIST, "match": {"Filters": [{"Name": "ImageName", "Values": ["nginx"]}]}, "response": {"TotalCount": 7, "List": [{"ImageName": "nginx"}]}}))).await;
    let res = app
        .call(
            LIST,
            json!({"Filters": [{"Name": "ImageName", "Values": ["nginx"]}], "Limit": 10}),
        )
        .await;
    assert_eq!(res["TotalCount"], 7);
    assert_eq!(res["List"][0]["ImageName"], "nginx");
    assert_eq!(
        res["List"][0]["Id"], 0,
        "shaped: members the stub left out are zero"
    );
    let res = app.call(LIST, json!({})).await;
    assert_eq!(res["TotalCount"], 1);
    // Validation still runs before stubs.
    let res = app.call(LIST, json!({"Bogus": 1})).await;
    assert_eq!(code(&res), Some("UnknownParameter"));
}

#[tokio::test]
async fn error_stubs_limited_uses_listing_deleting_and_reset() {
    let app = spawn_app().await;
    let (_, created) = admin(&app, Method::POST, "stubs", Some(json!({"action": ACTION, "match": {"Id": "5427"}, "error": {"code": "FailedOperation.ErrAlreadyScanning", "message": "busy"}, "times": 1}))).await;
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), Some("FailedOperation.ErrAlreadyScanning"));
    assert_eq!(res["Error"]["Message"], "busy");
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None, "used up after one call");
    let (_, list) = admin(&app, Method::GET, "stubs", None).await;
    assert_eq!(list["stubs"].as_array().unwrap().len(), 0);
    assert!(created["id"].is_u64());

    let (_, created) = admin(
        &app,
        Method::POST,
        "stubs",
        Some(json!({"action": ACTION, "error": {"code": "ResourceNotFound"}})),
    )
    .await;
    let (_, actions) = admin(&app, Method::GET, "actions", None).await;
    let detail = actions["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == ACTION)
        .unwrap();
    assert_eq!(detail["answered_by"], "stubbed");
    let id = created["id"].as_u64().unwrap();
    let (s, _) = admin(&app, Method::DELETE, &format!("stubs/{id}"), None).await;
    assert_eq!(s, 204);
    let (s, _) = admin(&app, Method::DELETE, &format!("stubs/{id}"), None).await;
    assert_eq!(s, 404);

    admin(
        &app,
        Method::POST,
        "stubs",
        Some(json!({"action": ACTION, "error": {"code": "InternalError"}})),
    )
    .await;
    admin(&app, Method::POST, "reset", None).await;
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None, "reset clears stubs");
}

#[tokio::test]
async fn invalid_stubs_are_400_with_a_reason() {
    let app = spawn_app().await;
    for bad in [
        json!({"action": "Nope", "response": {}}),
        json!({"action": LIST, "match": {"Limit": -1}, "response": {}}),
        json!({"nope": 1}),
    ] {
        let (s, body) = admin(&app, Method::POST, "stubs", Some(bad.clone())).await;
        assert_eq!(s, 400, "{bad}");
        assert!(body["error"]["message"].as_str().unwrap().len() > 5);
    }
}

#[tokio::test]
async fn actions_lists_all_357_with_how_they_are_answered() {
    let app = spawn_app().await;
    let (s, body) = admin(&app, Method::GET, "actions", None).await;
    assert_eq!(s, 200);
    assert_eq!(body["actions"].as_array().unwrap().len(), 357);
    let stateful = tcss_emulator::spec::tcss()
        .actions
        .iter()
        .filter(|a| tcss_emulator::actions::is_stateful(a.name))
        .count() as u64;
    assert!(stateful > 15 + 50, "{stateful}");
    assert_eq!(body["counts"]["stateful"], stateful);
    assert_eq!(body["counts"]["example"], 357 - stateful);
    for a in body["actions"].as_array().unwrap() {
        match a["answered_by"].as_str() {
            Some("example") => assert!(
                a["why"].as_str().is_some_and(|w| !w.is_empty()),
                "an example-backed action says why: {a}"
            ),
            _ if tcss_emulator::resources::bound(a["action"].as_str().unwrap()).is_some() => {
                assert!(a["resource"].is_string(), "{a}")
            }
            _ => {}
        }
    }
}

/// README: "Faults are checked after validation and before stubs". A fault and a stub
/// on the same action: a call with invalid parameters gets the validation error (and
/// leaves the one-use fault unspent); a valid call gets the fault, not the stub; the
/// next valid call, the fault spent, gets the stub.
#[tokio::test]
async fn faults_fire_after_validation_and_before_stubs() {
    let app = spawn_app().await;
    let (s, _) = admin(
        &app,
        Method::POST,
        "stubs",
        Some(json!({"action": ACTION, "response": {"ImageName": "from-the-stub"}})),
    )
    .await;
    assert_eq!(s, 201);
    let (s, _) = admin(&app, Method::POST, "faults", Some(json!({"action": ACTION, "error": {"code": "ResourceUnavailable", "message": "from the fault"}, "times": 1}))).await;
    assert_eq!(s, 201);

    for (params, expected) in [
        (json!({"Id": 5427, "Bogus": 1}), "UnknownParameter"),
        (json!({"Id": "five"}), "InvalidParameter"),
    ] {
        let res = app.call(ACTION, params.clone()).await;
        assert_eq!(code(&res), Some(expected), "{params}: {res}");
    }
    let (_, faults) = admin(&app, Method::GET, "faults", None).await;
    assert_eq!(
        faults["faults"].as_array().map(Vec::len),
        Some(1),
        "invalid calls must not spend the fault: {faults}"
    );

    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), Some("ResourceUnavailable"), "{res}");
    assert_eq!(res["Error"]["Message"], "from the fault");

    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None, "{res}");
    assert_eq!(res["ImageName"], "from-the-stub");
}
