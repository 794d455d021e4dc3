//! The Overview (its snippets run with the SDK), Resources (fixtures pasted and uploaded)
//! and the login form.

use serde_json::json;
use tcss_emulator::testing::Emulator;

use crate::webdriver::Browser;
use crate::{document, emulator, page, sdk};

#[tokio::test(flavor = "multi_thread")]
async fn the_overview_and_resources_pages_show_the_instance_and_its_records() {
    let emu = emulator();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "")).await;
    assert_eq!(browser.text("#listen").await, emu.addr().to_string());
    assert_eq!(browser.text("#secret-ids").await, emu.secret_id());
    let python = browser.text("#python").await;
    assert!(
        python.contains(&format!("endpoint=\"{}\"", emu.endpoint())),
        "{python}"
    );
    for id in ["#go", "#node", "#java", "#tccli", "#curl"] {
        let text = browser.text(id).await;
        assert!(text.contains(&emu.endpoint()), "{id}: {text}");
    }
    // The Python snippet, as copied from the page, works with the pinned SDK.
    let script = format!(
        "SECRET_KEY = {:?}\n{python}\n\nfrom tencentcloud.tcss.v20201101 import models\n\
         print(client.DescribeUserCluster(models.DescribeUserClusterRequest()).to_json_string())",
        emu.secret_key()
    );
    let out = sdk::run(&["-c", &script]).await;
    assert!(out.contains("\"RequestId\""), "{out}");
    document(&browser, "overview").await;
    browser.goto(&page(&emu, "/resources")).await;
    browser
        .type_into(
            "#document",
            r#"{"clusters": [{"ClusterID": "cls-fromui01", "ClusterName": "ui"}]}"#,
        )
        .await;
    browser.click("form[action$='/fixtures#load'] button").await;
    browser
        .wait_text("p.ok", |t| t.contains("Written: 1 records"))
        .await;
    document(&browser, "resources").await;
    browser.click("a[href$='/resources/clusters']").await;
    browser
        .wait_text("main", |t| t.contains("cls-fromui01"))
        .await;
    browser
        .click("button[aria-label='Delete cls-fromui01']")
        .await;
    browser
        .wait_text("main", |t| !t.contains("cls-fromui01"))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fixture_file_uploaded_from_the_page_is_checked_then_served_to_the_sdk() {
    let emu = emulator();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"images": [{"Id": 9901, "ImageName": "uploaded", "ImageTag": "v1"}]}"#,
    )
    .unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"images": [{"Id": 9902, "ImageName": "ok"}, {"Id": 9903, "VulCnt": "many"}]}"#,
    )
    .unwrap();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/resources")).await;
    browser.keys("#file", bad.to_str().unwrap()).await;
    browser.click("form[action$='/fixtures#load'] button").await;
    let refused = browser
        .wait_text("p.error", |t| t.contains("Refused, nothing written"))
        .await;
    assert!(refused.contains("VulCnt"), "{refused}");
    browser.keys("#file", good.to_str().unwrap()).await;
    browser.click("form[action$='/fixtures#load'] button").await;
    browser
        .wait_text("p.ok", |t| t.contains("Written: 1 records"))
        .await;
    let key = emu.secret_key().to_string();
    let detail = "DescribeAssetImageRegistryDetail";
    let answer = sdk::call(&emu, &key, detail, json!({"Id": 9901})).await;
    assert_eq!(answer["response"]["ImageName"], "uploaded", "{answer}");
    let answer = sdk::call(&emu, &key, detail, json!({"Id": 9902})).await;
    assert_eq!(answer["error"]["code"], "ResourceNotFound", "{answer}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_an_admin_token_the_pages_need_the_login_form() {
    let emu = Emulator::builder().admin_token("s3cret").start().unwrap();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/requests")).await;
    browser.wait_title("Sign in").await;
    browser.type_into("#token", "wrong").await;
    browser.click("form button").await;
    browser
        .wait_text("p.error", |t| t.contains("not the admin token"))
        .await;
    browser.type_into("#token", "s3cret").await;
    browser.click("form button").await;
    browser.wait_title("Overview").await;
    browser.goto(&page(&emu, "/requests")).await;
    browser.wait_title("Requests").await;
    browser.close().await;
}
