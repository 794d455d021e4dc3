use serde_json::{Value, json};

use crate::helpers::*;

fn documented() -> Vec<Value> {
    let text = include_str!("../../fixtures/documented-examples.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["images"].as_array().unwrap().clone()
}

#[tokio::test]
async fn documented_examples_come_back_field_by_field() {
    let app = spawn_app().await;
    for record in documented() {
        let id = record["Id"].as_u64().unwrap();
        for sent in [json!({"Id": id}), json!({"Id": id.to_string()})] {
            let res = app.call(ACTION, sent).await;
            assert_eq!(code(&res), None, "{res}");
            for (k, v) in record.as_object().unwrap() {
                assert_eq!(&res[k], v, "field {k} of {id}");
            }
            assert_eq!(res["SensitiveInfoCnt"], record["SentiveInfoCnt"]);
        }
    }
}

#[tokio::test]
async fn every_schema_member_is_present_with_its_type_and_never_null() {
    let app = spawn_app().await;
    // A record with almost nothing set still answers every member.
    let added = app
        .client
        .post(format!("{}_emulator/fixtures", app.url()))
        .body(r#"{"images":[{"Id": 77, "ImageName": "bare"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let res = app.call(ACTION, json!({"Id": 77})).await;
    let svc = tcss_emulator::spec::tcss();
    let output = svc.object(svc.action(ACTION).unwrap().output);
    for m in output.members {
        let v = &res[m.name];
        assert!(!v.is_null(), "{} is null", m.name);
        use tcss_emulator::spec::Kind;
        match m.kind {
            Kind::Uint64 => assert!(v.is_u64(), "{} {v}", m.name),
            Kind::String | Kind::DateTimeIso => assert!(v.is_string(), "{} {v}", m.name),
            other => panic!("unexpected kind {other:?}"),
        }
    }
    assert_eq!(res["ImageName"], "bare");
    assert_eq!(res["VulCnt"], 0);
    assert_eq!(res["Id"], 77);
}

#[tokio::test]
async fn image_id_lookup_and_both_keys_must_match() {
    let app = spawn_app().await;
    let image_id = documented()[0]["ImageId"].as_str().unwrap().to_string();
    let res = app.call(ACTION, json!({"ImageId": image_id})).await;
    assert_eq!(res["Id"], 5427);
    let res = app
        .call(ACTION, json!({"Id": 5427, "ImageId": image_id}))
        .await;
    assert_eq!(res["Id"], 5427);
    let res = app
        .call(ACTION, json!({"Id": 3421599, "ImageId": image_id}))
        .await;
    assert_eq!(code(&res), Some("ResourceNotFound"));
}

#[tokio::test]
async fn legacy_signatures_over_get_and_form_post() {
    let app = spawn_app().await;
    for method in ["GET", "POST"] {
        for sig in ["HmacSHA1", "HmacSHA256"] {
            let res = app
                .call_legacy(
                    method,
                    sig,
                    &[
                        ("Id", "5427"),
                        ("RequestClient", "SDK_TEST"),
                        ("Language", "en-US"),
                    ],
                )
                .await;
            assert_eq!(code(&res), None, "{method} {sig}: {res}");
            assert_eq!(res["ImageName"], "person1");
        }
    }
}

#[tokio::test]
async fn tc3_get_with_query_parameters() {
    let app = spawn_app().await;
    let query = "Id=3421599";
    let ts = app.now();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        ID,
        KEY,
        "tcss",
        "GET",
        &app.host(),
        "application/x-www-form-urlencoded",
        query,
        b"",
        ts,
    );
    let res = app
        .client
        .get(format!("{}?{query}", app.url()))
        .header("authorization", auth)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-tc-action", ACTION)
        .header("x-tc-version", "2020-11-01")
        .header("x-tc-timestamp", ts.to_string())
        .send()
        .await
        .unwrap();
    let res = response_of(res).await;
    assert_eq!(res["ImageName"], "mhccrxg", "{res}");
}
