//! The Requests page: calls the SDK made, live, filtered, and a refused signature opened.

use serde_json::json;
use tcss_emulator::testing::Emulator;

use crate::webdriver::{self, Browser};
use crate::{document, emulator, page, sdk, sdk_client};

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
