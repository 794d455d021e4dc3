//! The dashboard (`/_emulator/ui`) in a real browser: Debian's headless Chromium,
//! driven over WebDriver, against an emulator on 127.0.0.1:0, shown calls made with
//! the official, pinned Python SDK (`sdk.rs`). Chromium and chromedriver are installed
//! by `scripts/chromium.sh` when missing, the SDK's venv by `scripts/sdk-venv.sh`;
//! there is no switch to skip these tests.
//!
//! With `TCSS_UPDATE_DOCS=1`, the browser's screenshots of each page are written to
//! `docs/` (the README shows them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod sdk;
mod webdriver;

use serde_json::json;
use tcss_emulator::testing::Emulator;
use webdriver::Browser;

fn emulator() -> Emulator {
    Emulator::builder()
        .rate_limit(0)
        .start()
        .expect("start the emulator")
}

fn page(emu: &Emulator, path: &str) -> String {
    format!("{}/_emulator/ui{path}", emu.url())
}

/// Writes `docs/ui-NAME.png` from the browser when `TCSS_UPDATE_DOCS=1`.
async fn document(browser: &Browser, name: &str) {
    if std::env::var("TCSS_UPDATE_DOCS").as_deref() == Ok("1") {
        let path = format!("{}/docs/ui-{name}.png", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, browser.screenshot().await).expect("write the screenshot");
    }
}

/// The Python SDK's name for itself (`X-TC-RequestClient`), as the SDK says it.
fn sdk_client(answer: &serde_json::Value) -> &str {
    let client = answer["client"].as_str().unwrap();
    assert!(client.starts_with("SDK_PYTHON_"), "{answer}");
    client
}

#[tokio::test(flavor = "multi_thread")]
async fn the_requests_page_shows_a_call_the_sdk_made_moments_before_and_then_live() {
    let emu = emulator();
    let key = emu.secret_key().to_string();
    let detail = "DescribeAssetImageRegistryDetail";
    let answer = sdk::call(&emu, &key, detail, json!({"Id": 5427})).await;
    assert_eq!(answer["response"]["Id"], 5427, "{answer}");
    let client = sdk_client(&answer);
    // What a test run leaves besides: a miss and a call signed with a stale key.
    let miss = sdk::call(&emu, &key, detail, json!({"Id": 1})).await;
    assert_eq!(miss["error"]["code"], "ResourceNotFound", "{miss}");
    let stale = sdk::call(&emu, "stale", detail, json!({"Id": 5427})).await;
    assert_eq!(stale["error"]["code"], "AuthFailure.SignatureFailure");
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/requests")).await;
    let rows = browser.wait_text("#rows", |t| t.contains(detail)).await;
    assert!(rows.contains(client), "the SDK named in each row:\n{rows}");
    // A call the SDK makes while the page is open shows up without a reload (live).
    let live = sdk::call(&emu, &key, "DescribeUserCluster", json!({})).await;
    assert!(live["response"]["RequestId"].is_string(), "{live}");
    let rows = browser
        .wait_text("#rows", |t| t.contains("DescribeUserCluster"))
        .await;
    assert!(
        rows.find("DescribeUserCluster") < rows.find(detail),
        "newest first:\n{rows}"
    );
    document(&browser, "requests").await;
    // The first call opens to the SDK's parameters and the answer it parsed.
    browser.click("#rows tr:last-child a").await;
    browser.wait_text("h1", |t| t.contains(detail)).await;
    assert_eq!(browser.text("#client").await, client);
    assert!(browser.text("#params").await.contains("5427"));
    let shown = browser.text("#answer").await;
    let request_id = answer["response"]["RequestId"].as_str().unwrap();
    assert!(shown.contains(request_id), "the SDK's answer: {shown}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_requests_filters_by_action_secret_id_and_code_from_the_keyboard() {
    let (a, b) = (("AKIDfilterA", "key-a"), ("AKIDfilterB", "key-b"));
    let emu = Emulator::builder()
        .credential(a.0, a.1)
        .credential(b.0, b.1)
        .rate_limit(0)
        .start()
        .unwrap();
    let detail = "DescribeAssetImageRegistryDetail";
    for (cred, action, params) in [
        (a, detail, json!({"Id": 5427})),
        (a, detail, json!({"Id": 1})),
        (b, "DescribeUserCluster", json!({})),
    ] {
        sdk::call_as(&emu, cred.0, cred.1, action, params).await;
    }
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/requests")).await;
    browser
        .wait_text("#count", |t| t.starts_with("3 calls"))
        .await;
    // Typed into the form, submitted with Enter.
    browser
        .type_into("input[name=action]", "DescribeUserCluster")
        .await;
    browser.keys("input[name=action]", webdriver::ENTER).await;
    browser
        .wait_text("#count", |t| t.starts_with("1 calls"))
        .await;
    assert!(browser.text("#rows").await.contains(b.0));
    browser.type_into("input[name=action]", "").await;
    browser.type_into("input[name=secret_id]", a.0).await;
    browser
        .keys("input[name=secret_id]", webdriver::ENTER)
        .await;
    browser
        .wait_text("#count", |t| t.starts_with("2 calls"))
        .await;
    let rows = browser.text("#rows").await;
    assert!(!rows.contains("DescribeUserCluster"), "{rows}");
    browser
        .type_into("input[name=code]", "ResourceNotFound")
        .await;
    browser.keys("input[name=code]", webdriver::ENTER).await;
    browser
        .wait_text("#count", |t| t.starts_with("1 calls"))
        .await;
    let rows = browser.text("#rows").await;
    assert!(
        rows.contains("ResourceNotFound") && rows.contains(a.0),
        "{rows}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_the_sdk_made_with_a_wrong_key_shows_its_canonical_request_and_cause() {
    let emu = emulator();
    let answer = sdk::call(
        &emu,
        "not-the-key",
        "DescribeAssetImageRegistryDetail",
        json!({"Id": 5427}),
    )
    .await;
    assert_eq!(answer["error"]["code"], "AuthFailure.SignatureFailure");
    let client = sdk_client(&answer);
    let browser = Browser::start().await;
    browser
        .goto(&page(&emu, "/requests?code=AuthFailure.SignatureFailure"))
        .await;
    browser.click("#rows tr:first-child a").await;
    let canonical = browser
        .wait_text("#canonical-request", |t| !t.is_empty())
        .await;
    assert!(canonical.starts_with("POST\n/\n"), "{canonical}");
    assert!(
        canonical.contains(&format!("host:{}", emu.endpoint())),
        "the SDK signs the host with its port:\n{canonical}"
    );
    assert!(
        browser
            .text("#string-to-sign")
            .await
            .starts_with("TC3-HMAC-SHA256\n")
    );
    let signed = browser.text("#signed-headers").await;
    assert!(
        signed.contains("content-type: application/json")
            && signed.contains(&format!("host: {}", emu.endpoint())),
        "{signed}"
    );
    assert_eq!(browser.text("#client").await, client);
    let request_id = answer["error"]["request_id"].as_str().unwrap();
    assert!(browser.text("main").await.contains(request_id));
    let cause = browser.text("#cause").await;
    let want = format!("secret key is not the one of `{}`", emu.secret_id());
    assert!(cause.contains(&want), "{cause}");
    document(&browser, "signature").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_added_in_the_form_is_served_to_the_sdk() {
    let emu = emulator();
    let key = emu.secret_key().to_string();
    let detail = "DescribeAssetImageRegistryDetail";
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/stubs")).await;
    browser.type_into("#stub-action", detail).await;
    browser.type_into("#stub-match", r#"{"Id": 77}"#).await;
    browser
        .type_into(
            "#stub-response",
            r#"{"ImageName": "from-the-form", "Id": 77}"#,
        )
        .await;
    browser
        .click("form[action$='/stubs'] button[type=submit]")
        .await;
    browser
        .wait_text("#stubs + ul", |t| t.contains("from-the-form"))
        .await;
    document(&browser, "stubs").await;
    let answer = sdk::call(&emu, &key, detail, json!({"Id": 77})).await;
    assert_eq!(answer["response"]["ImageName"], "from-the-form", "{answer}");
    assert_eq!(answer["response"]["Id"], 77, "{answer}");
    // Other parameters are not matched: the emulator answers them itself.
    let other = sdk::call(&emu, &key, detail, json!({"Id": 5427})).await;
    assert_ne!(other["response"]["ImageName"], "from-the-form", "{other}");
    // Deleted from the page, it answers no more.
    browser.click("#stubs + ul button").await;
    browser.wait_text("#stubs + p", |t| t == "None.").await;
    let answer = sdk::call(&emu, &key, detail, json!({"Id": 77})).await;
    assert_eq!(answer["error"]["code"], "ResourceNotFound", "{answer}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clock_buttons_freeze_and_move_the_clock() {
    let emu = emulator();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/clock")).await;
    browser.click("button[name=freeze][value=true]").await;
    browser.wait_text("#frozen", |t| t == "yes").await;
    let before = emu.state().clock.now_ms();
    browser.click("button[name=quick][value='3600']").await;
    let shown = browser.wait_text("#now", |t| t != tcss_time(before)).await;
    assert_eq!(
        emu.state().clock.now_ms() - before,
        3_600_000,
        "frozen, so exactly one hour"
    );
    assert_eq!(shown, tcss_time(before + 3_600_000));
    document(&browser, "clock").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clock_page_works_from_the_keyboard_alone() {
    let emu = emulator();
    emu.state().clock.set_frozen(true);
    let before = emu.state().clock.now_ms();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/clock")).await;
    // The first Tab reaches the skip link.
    browser.keys("body", webdriver::TAB).await;
    assert_eq!(browser.focused_text().await, "Skip to content");
    // Typing a number and Enter submits the form with its first button, Advance.
    browser.type_into("#advance", "120").await;
    browser.keys("#advance", webdriver::ENTER).await;
    browser
        .wait_text("#now", |t| t == tcss_time(before + 120_000))
        .await;
    assert_eq!(emu.state().clock.now_ms() - before, 120_000);
    browser.close().await;
}

fn tcss_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

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
