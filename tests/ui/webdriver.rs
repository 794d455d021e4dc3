//! A headless Chromium driven over W3C WebDriver (Debian's `chromedriver`), with the
//! few commands the dashboard tests use: open a URL, find an element by CSS, type,
//! click, read text, take a screenshot.
//!
//! The protocol is a handful of JSON requests, sent with reqwest (already a
//! dependency). The WebDriver client crates pull a few hundred more crates into the
//! lock file (fantoccini 0.22: the `webdriver` crate and ICU's segmenter data) for
//! these same calls. `chromedriver` binds port 0 and is stopped on drop; every wait is
//! a poll with a deadline.

use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The W3C element key.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver's Enter and Tab keys.
pub const ENTER: &str = "\u{E007}";
pub const TAB: &str = "\u{E004}";

/// How long any wait may take (a hang guard, far above what a step needs).
pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    _profile: tempfile::TempDir,
}

/// Installs chromium and chromedriver when missing (scripts/chromium.sh) and returns
/// chromedriver's path.
fn chromedriver() -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/chromium.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/chromium.sh");
    assert!(
        out.status.success(),
        "scripts/chromium.sh failed (its output is above)"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .last()
        .expect("chromium.sh names chromedriver")
        .trim()
        .to_string()
}

/// Starts chromedriver on a port of its choosing; `(process, port)`, or what it said
/// before it stopped.
async fn spawn_driver(path: &str) -> Result<(Child, u16), String> {
    let mut driver = Command::new(path);
    // Its own process group, so that the browsers it starts go with it (see `Drop`).
    driver.process_group(0);
    let mut driver = driver
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {path}: {e}"))?;
    let mut lines = BufReader::new(driver.stdout.take().expect("stdout")).lines();
    let mut errors = BufReader::new(driver.stderr.take().expect("stderr")).lines();
    let port = tokio::time::timeout(DEADLINE, async {
        let mut said = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                return rest
                    .trim_end_matches('.')
                    .parse::<u16>()
                    .map_err(|e| e.to_string());
            }
            said.push_str(&line);
            said.push('\n');
        }
        while let Ok(Some(line)) = errors.next_line().await {
            said.push_str(&line);
            said.push('\n');
        }
        Err(format!(
            "chromedriver stopped before it listened; it said:\n{said}"
        ))
    })
    .await
    .map_err(|_| format!("chromedriver did not listen within {DEADLINE:?}"))??;
    // Keep draining its output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    tokio::spawn(async move { while let Ok(Some(_)) = errors.next_line().await {} });
    Ok((driver, port))
}

impl Browser {
    /// A fresh headless browser (new profile, no network beyond loopback needed).
    pub async fn start() -> Browser {
        let path = chromedriver();
        // A chromedriver that exits before it listens (seen once on a loaded machine)
        // is started again, at most three times in all; what it said is kept.
        let mut said = Vec::new();
        let (driver, port) = loop {
            match spawn_driver(&path).await {
                Ok(started) => break started,
                Err(why) if said.len() < 2 => said.push(why),
                Err(why) => panic!(
                    "chromedriver did not start three times:\n{}\n{why}",
                    said.join("\n")
                ),
            }
        };
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let http = reqwest::Client::new();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": {"args": args},
        }}});
        let base = format!("http://127.0.0.1:{port}");
        let res: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("new session answer");
        let id = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {res}"))
            .to_string();
        Browser {
            driver,
            http,
            session: format!("{base}/session/{id}"),
            _profile: profile,
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res: Value = req
            .send()
            .await
            .expect("webdriver call")
            .json()
            .await
            .expect("webdriver answer");
        res["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        let v = self
            .send(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
        assert!(v.is_null(), "navigation to {url} failed: {v}");
    }

    /// The element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let v = self
                .send(
                    reqwest::Method::POST,
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            if let Some(id) = v[ELEMENT_KEY].as_str() {
                return id.to_string();
            }
            assert!(
                Instant::now() < end,
                "no element `{css}` within {DEADLINE:?}: {v}"
            );
            tokio::task::yield_now().await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        let text = self.try_text(css).await;
        text.unwrap_or_else(|error| panic!("no text for `{css}`: {error}"))
    }

    /// The text of `css`, or the driver's error: an element found on a page that a
    /// form's answer then replaced is stale, and reads as an error, not as "".
    async fn try_text(&self, css: &str) -> Result<String, Value> {
        let id = self.find(css).await;
        let v = self
            .send(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await;
        v.as_str().map(str::to_string).ok_or(v)
    }

    /// Waits until the text of `css` satisfies `want`; returns it.
    pub async fn wait_text(&self, css: &str, want: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let text = self.try_text(css).await;
            if let Ok(text) = &text
                && want(text)
            {
                return text.clone();
            }
            assert!(
                Instant::now() < end,
                "`{css}` never showed what was wanted; it shows:\n{text:?}"
            );
            tokio::task::yield_now().await;
        }
    }

    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        let v = self
            .send(
                reqwest::Method::POST,
                &format!("/element/{id}/click"),
                Some(json!({})),
            )
            .await;
        assert!(v.is_null(), "click on `{css}` failed: {v}");
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.send(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
        let v = self
            .send(
                reqwest::Method::POST,
                &format!("/element/{id}/value"),
                Some(json!({"text": text})),
            )
            .await;
        assert!(v.is_null(), "typing into `{css}` failed: {v}");
    }

    /// Sends keys to the element matching `css` as typed (WebDriver key codes:
    /// [`ENTER`]), without clearing it.
    pub async fn keys(&self, css: &str, keys: &str) {
        let id = self.find(css).await;
        let v = self
            .send(
                reqwest::Method::POST,
                &format!("/element/{id}/value"),
                Some(json!({"text": keys})),
            )
            .await;
        assert!(v.is_null(), "keys to `{css}` failed: {v}");
    }

    /// The text of the element that has the focus.
    pub async fn focused_text(&self) -> String {
        let v = self
            .send(reqwest::Method::GET, "/element/active", None)
            .await;
        let id = v[ELEMENT_KEY]
            .as_str()
            .expect("a focused element")
            .to_string();
        let v = self
            .send(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// The page's title once it is `want` (after a form posts and redirects).
    pub async fn wait_title(&self, want: &str) {
        let end = Instant::now() + DEADLINE;
        loop {
            let v = self.send(reqwest::Method::GET, "/title", None).await;
            if v.as_str().is_some_and(|t| t.starts_with(want)) {
                return;
            }
            assert!(
                Instant::now() < end,
                "the page title stayed {v}, not `{want}…`"
            );
            tokio::task::yield_now().await;
        }
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        let v = self.send(reqwest::Method::GET, "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("screenshot data"))
            .expect("screenshot base64")
    }

    /// Ends the session (the browser quits), then chromedriver's process group goes.
    pub async fn close(self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}

/// A test that fails mid-way drops its browser without `close`: chromedriver's whole
/// process group (chromedriver, Chromium and its helpers) is killed, so nothing is left
/// running.
impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(pid) = self.driver.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stderr(Stdio::null())
                .status();
        }
    }
}
