//! The Stubs and faults page (what the SDK then gets) and the Clock page.

use serde_json::json;

use crate::webdriver::{self, Browser};
use crate::{document, emulator, page, sdk};

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
async fn a_fault_added_in_the_form_is_what_the_sdk_gets_until_deleted() {
    let emu = emulator();
    let key = emu.secret_key().to_string();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/stubs")).await;
    browser
        .type_into("#fault-action", "DescribeUserCluster")
        .await;
    browser
        .type_into("#fault-error-code", "RequestLimitExceeded")
        .await;
    browser
        .type_into("#fault-error-message", "from the form")
        .await;
    browser.click("form[action$='/faults'] button").await;
    browser
        .wait_text("#faults + ul", |t| t.contains("RequestLimitExceeded"))
        .await;
    for _ in 0..2 {
        let answer = sdk::call(&emu, &key, "DescribeUserCluster", json!({})).await;
        assert_eq!(answer["error"]["code"], "RequestLimitExceeded", "{answer}");
        assert_eq!(answer["error"]["message"], "from the form", "{answer}");
    }
    browser.click("#faults + ul button").await;
    browser.wait_text("#faults + p", |t| t == "None.").await;
    let answer = sdk::call(&emu, &key, "DescribeUserCluster", json!({})).await;
    assert!(answer["response"]["RequestId"].is_string(), "{answer}");
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
    let shown = browser
        .wait_text("#now", |t| !t.is_empty() && t != tcss_time(before))
        .await;
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
