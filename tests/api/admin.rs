use serde_json::json;

use crate::helpers::*;

use reqwest::Method;

#[tokio::test]
async fn health_counts_records() {
    let app = spawn_app().await;
    let (status, body) = app.admin(Method::GET, "health", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["records"], 2);
}

#[tokio::test]
async fn a_bad_record_rejects_the_whole_batch_naming_it() {
    let app = spawn_app().await;
    let doc = r#"{"images":[{"Id": 1, "ImageName": "ok"}, {"Id": 2, "VulCnt": "lots"}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(doc), None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["record"], 2, "counted from 1");
    assert_eq!(body["error"]["field"], "VulCnt");
    let (status, _) = app.admin(Method::GET, "images/1", None, None).await;
    assert_eq!(status, 404, "nothing of the batch was written");

    let (status, body) = app
        .admin(
            Method::POST,
            "fixtures",
            Some(r#"{"images":[{"Id": 1, "ImageName": "ok"}]}"#),
            None,
        )
        .await;
    assert_eq!((status, body["upserted"].as_u64()), (200, Some(1)));
    let res = app.call(ACTION, json!({"Id": 1})).await;
    assert_eq!(res["ImageName"], "ok");
}

#[tokio::test]
async fn images_can_be_listed_read_deleted_and_reset_brings_back_the_startup_fixtures() {
    let app = spawn_app().await;
    let (_, list) = app.admin(Method::GET, "images", None, None).await;
    assert_eq!(list["images"].as_array().unwrap().len(), 2);
    let (status, rec) = app.admin(Method::GET, "images/5427", None, None).await;
    assert_eq!((status, rec["ImageName"].as_str()), (200, Some("person1")));
    let (status, _) = app.admin(Method::DELETE, "images/5427", None, None).await;
    assert_eq!(status, 204);
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), Some("ResourceNotFound"));
    app.admin(
        Method::POST,
        "fixtures",
        Some(r#"{"images":[{"Id": 9}]}"#),
        None,
    )
    .await;
    let (status, _) = app.admin(Method::POST, "reset", None, None).await;
    assert_eq!(status, 200);
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None);
    let (status, _) = app.admin(Method::GET, "images/9", None, None).await;
    assert_eq!(status, 404);
    let (status, _) = app.admin(Method::GET, "images/abc", None, None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn admin_token_guards_everything_but_health() {
    let app = spawn_with(&["--admin-token", "s3cret"]).await;
    let (status, _) = app.admin(Method::GET, "health", None, None).await;
    assert_eq!(status, 200);
    for (method, path) in [
        (Method::GET, "images"),
        (Method::POST, "reset"),
        (Method::POST, "fixtures"),
        (Method::DELETE, "images/5427"),
    ] {
        let (status, _) = app.admin(method.clone(), path, Some("{}"), None).await;
        assert_eq!(status, 401, "{path}");
        let (status, _) = app
            .admin(method.clone(), path, Some("{}"), Some("wrong"))
            .await;
        assert_eq!(status, 401, "{path}");
    }
    let (status, _) = app.admin(Method::GET, "images", None, Some("s3cret")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_file_database_keeps_records_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.sqlite");
    let db = db.to_str().unwrap();
    let app = spawn_with(&["--db", db]).await;
    app.admin(
        Method::POST,
        "fixtures",
        Some(r#"{"images":[{"Id": 4242, "ImageName": "kept"}]}"#),
        None,
    )
    .await;
    app.stop().await;
    let app = spawn_with(&["--db", db, "--fixtures", "none"]).await;
    let res = app.call(ACTION, json!({"Id": 4242})).await;
    assert_eq!(res["ImageName"], "kept");
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(
        code(&res),
        None,
        "startup fixtures of the first run are kept too"
    );
}

#[tokio::test]
async fn fixtures_flag_loads_files_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        r#"{"images":[{"Id": 1, "ImageName": "a"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        r#"{"images":[{"Response": {"Id": 2, "ImageName": "b", "RequestId": "x"}}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("ignored.txt"), "not json").unwrap();
    let app = spawn_with(&["--fixtures", dir.path().to_str().unwrap()]).await;
    let (_, list) = app.admin(Method::GET, "images", None, None).await;
    let ids: Vec<u64> = list["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2]);
}

#[tokio::test]
async fn reset_reports_the_records_it_stored_when_init_files_share_an_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        r#"{"images":[{"Id": 1, "ImageName": "first"}, {"Id": 2}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        r#"{"images":[{"Id": 1, "ImageName": "second"}]}"#,
    )
    .unwrap();
    let init = dir.path().to_str().unwrap();
    let app = spawn_with(&["--fixtures", "none", "--init-dir", init]).await;
    let (status, body) = app.admin(Method::POST, "reset", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["records"], 2, "two Ids stored, not three records read");
    let (_, health) = app.admin(Method::GET, "health", None, None).await;
    assert_eq!(health["records"], 2);
    let res = app.call(ACTION, json!({"Id": 1})).await;
    assert_eq!(res["ImageName"], "second", "the later file wins");
}

/// A document written in batches is still whole or absent: a bad last record (or a
/// syntax error at the very end) after thousands of good ones writes nothing, and a
/// refused state import leaves records and scans as they were.
#[tokio::test]
async fn a_large_document_with_a_bad_last_record_writes_nothing() {
    let app = spawn_app().await;
    let mut images: Vec<serde_json::Value> = (1..=10_000)
        .map(|id| json!({"Id": id, "ImageName": format!("img-{id}")}))
        .collect();
    images.push(json!({"Id": 10_001, "VulCnt": "lots"}));
    let doc = json!({ "images": images }).to_string();
    for (path, body) in [
        ("fixtures", doc.clone()),
        ("state", doc.clone()),
        ("fixtures", doc[..doc.len() - 2].replace("\"lots\"", "3")),
    ] {
        let (status, res) = app.admin(Method::POST, path, Some(&body), None).await;
        assert_eq!(status, 400, "{path}: {res}");
        let (_, health) = app.admin(Method::GET, "health", None, None).await;
        assert_eq!(health["records"], 2, "{path}: nothing written");
    }
    let (status, body) = app
        .admin(
            Method::POST,
            "fixtures",
            Some(&doc.replace("\"lots\"", "3")),
            None,
        )
        .await;
    assert_eq!((status, body["upserted"].as_u64()), (200, Some(10_001)));
    let res = app.call(ACTION, json!({"Id": 10_000})).await;
    assert_eq!(res["ImageName"], "img-10000");

    // One record's values are in memory at a time, so one record is bounded too.
    let huge = json!({"images": [{"Id": 7, "LayerInfo": "x".repeat(5 << 20)}]}).to_string();
    let (status, res) = app.admin(Method::POST, "fixtures", Some(&huge), None).await;
    assert_eq!(status, 400, "{res}");
    assert_eq!(res["error"]["record"], 1);
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("4194304"),
        "{res}"
    );
}
