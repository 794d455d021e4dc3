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
mod requests;
mod resources;
mod sdk;
mod tooling;
mod webdriver;

use tcss_emulator::testing::Emulator;
use webdriver::Browser;

pub fn emulator() -> Emulator {
    Emulator::builder()
        .rate_limit(0)
        .start()
        .expect("start the emulator")
}

pub fn page(emu: &Emulator, path: &str) -> String {
    format!("{}/_emulator/ui{path}", emu.url())
}

/// Writes `docs/ui-NAME.png` from the browser when `TCSS_UPDATE_DOCS=1`.
pub async fn document(browser: &Browser, name: &str) {
    if std::env::var("TCSS_UPDATE_DOCS").as_deref() == Ok("1") {
        let path = format!("{}/docs/ui-{name}.png", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, browser.screenshot().await).expect("write the screenshot");
    }
}

/// The Python SDK's name for itself (`X-TC-RequestClient`), as the SDK says it.
pub fn sdk_client(answer: &serde_json::Value) -> &str {
    let client = answer["client"].as_str().unwrap();
    assert!(client.starts_with("SDK_PYTHON_"), "{answer}");
    client
}
