//! The dashboard (`/_emulator/ui`) in a real browser: Debian's headless Chromium,
//! driven over WebDriver, against an emulator on 127.0.0.1:0. Chromium and
//! chromedriver are installed by `scripts/chromium.sh` when missing; there is no
//! switch to skip these tests.
//!
//! With `TCSS_UPDATE_DOCS=1`, the browser's screenshots of each page are written to
//! `docs/` (the README shows them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

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

#[tokio::test(flavor = "multi_thread")]
async fn the_requests_page_shows_a_signed_call_made_moments_before_and_then_live() {
    let emu = emulator();
    let answer = emu
        .call("DescribeAssetImageRegistryDetail", json!({"Id": 5427}))
        .await
        .unwrap();
    assert_eq!(answer["Id"], 5427);
    // What a test run leaves besides: a miss and a call signed with a stale key.
    emu.call("DescribeAssetImageRegistryDetail", json!({"Id": 1}))
        .await
        .unwrap();
    emu.call_signed_with(
        "stale",
        "DescribeAssetImageRegistryDetail",
        json!({"Id": 5427}),
    )
    .await
    .unwrap();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/requests")).await;
    browser
        .wait_text("#rows", |t| t.contains("DescribeAssetImageRegistryDetail"))
        .await;
    // A call made while the page is open shows up without a reload (live refresh).
    emu.call("DescribeUserCluster", json!({})).await.unwrap();
    let rows = browser
        .wait_text("#rows", |t| t.contains("DescribeUserCluster"))
        .await;
    assert!(
        rows.find("DescribeUserCluster") < rows.find("DescribeAssetImageRegistryDetail"),
        "newest first:\n{rows}"
    );
    document(&browser, "requests").await;
    // The Detail call opens to its parameters and answer.
    browser.click("#rows tr:last-child a").await;
    browser
        .wait_text("h1", |t| t.contains("DescribeAssetImageRegistryDetail"))
        .await;
    assert!(browser.text("#params").await.contains("5427"));
    assert!(browser.text("#answer").await.contains("\"RequestId\""));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_signature_shows_its_canonical_request_and_likely_cause() {
    let emu = emulator();
    let answer = emu
        .call_signed_with(
            "not-the-key",
            "DescribeAssetImageRegistryDetail",
            json!({"Id": 5427}),
        )
        .await
        .unwrap();
    assert_eq!(answer["Error"]["Code"], "AuthFailure.SignatureFailure");
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
        "{canonical}"
    );
    assert!(
        browser
            .text("#string-to-sign")
            .await
            .starts_with("TC3-HMAC-SHA256\n")
    );
    assert!(
        browser
            .text("#signed-headers")
            .await
            .contains("content-type: application/json")
    );
    let cause = browser.text("#cause").await;
    let want = format!("secret key is not the one of `{}`", emu.secret_id());
    assert!(cause.contains(&want), "{cause}");
    document(&browser, "signature").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_added_in_the_form_is_served_to_a_signed_call() {
    let emu = emulator();
    let browser = Browser::start().await;
    browser.goto(&page(&emu, "/stubs")).await;
    browser
        .type_into("#stub-action", "DescribeAssetImageRegistryDetail")
        .await;
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
    let answer = emu
        .call("DescribeAssetImageRegistryDetail", json!({"Id": 77}))
        .await
        .unwrap();
    assert_eq!(answer["ImageName"], "from-the-form", "{answer}");
    // Deleted from the page, it answers no more.
    browser.click("#stubs + ul button").await;
    browser.wait_text("#stubs + p", |t| t == "None.").await;
    let answer = emu
        .call("DescribeAssetImageRegistryDetail", json!({"Id": 77}))
        .await
        .unwrap();
    assert_eq!(answer["Error"]["Code"], "ResourceNotFound", "{answer}");
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
    assert!(
        browser
            .text("#python")
            .await
            .contains(&format!("endpoint=\"{}\"", emu.endpoint()))
    );
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
