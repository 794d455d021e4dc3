//! A real emulator on 127.0.0.1:0 and a client that signs like the SDKs.

use std::net::SocketAddr;

use clap::Parser;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tcss_emulator::app::AppState;
use tcss_emulator::config::Cli;
use tcss_emulator::signature::{legacy, tc3};
use tokio::sync::oneshot;

pub const ID: &str = "AKIDtestsecretid";
pub const KEY: &str = "test-secret-key";
pub const ACTION: &str = "DescribeAssetImageRegistryDetail";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// The emulator with the bundled fixtures and the test credential.
pub async fn spawn_app() -> TestApp {
    spawn_with(&[]).await
}

/// The emulator with extra command-line flags.
pub async fn spawn_with(extra: &[&str]) -> TestApp {
    let cred = format!("{ID}:{KEY}");
    let mut argv = vec![
        "tcss-emulator",
        "--listen",
        "127.0.0.1:0",
        "--credential",
        &cred,
    ];
    argv.extend_from_slice(extra);
    let cli = Cli::try_parse_from(argv).expect("flags parse");
    let state = tcss_emulator::build_state(&cli.serve, |_| None).expect("state builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(tcss_emulator::serve(listener, state.clone(), async {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        state,
        client: reqwest::Client::new(),
        stop: Some(tx),
        task: Some(task),
    }
}

impl TestApp {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// The machine's time, as the SDKs sign with (not the emulator clock).
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// The headers of a TC3-signed JSON POST, as the Python SDK sends them.
    pub fn tc3_headers(
        &self,
        action: &str,
        body: &[u8],
        id: &str,
        key: &str,
        ts: i64,
    ) -> HeaderMap {
        let auth = tc3::authorization_header(
            id,
            key,
            "tcss",
            "POST",
            &self.host(),
            "application/json",
            "",
            body,
            ts,
        );
        let mut h = HeaderMap::new();
        let mut put = |k: &'static str, v: &str| {
            h.insert(
                HeaderName::from_static(k),
                HeaderValue::from_str(v).expect("header value"),
            );
        };
        put("authorization", &auth);
        put("content-type", "application/json");
        put("x-tc-action", action);
        put("x-tc-version", "2020-11-01");
        put("x-tc-timestamp", &ts.to_string());
        put("x-tc-language", "en-US");
        h
    }

    /// A correctly signed TC3 JSON call; returns the `Response` object.
    pub async fn call(&self, action: &str, params: Value) -> Value {
        let body = serde_json::to_vec(&params).expect("json");
        self.post_signed(action, body).await
    }

    pub async fn post_signed(&self, action: &str, body: Vec<u8>) -> Value {
        self.post_signed_as(action, body, ID, KEY).await
    }

    /// A TC3 JSON call signed with another credential; returns the `Response` object.
    pub async fn call_as(&self, action: &str, params: Value, id: &str, key: &str) -> Value {
        let body = serde_json::to_vec(&params).expect("json");
        self.post_signed_as(action, body, id, key).await
    }

    async fn post_signed_as(&self, action: &str, body: Vec<u8>, id: &str, key: &str) -> Value {
        let headers = self.tc3_headers(action, &body, id, key, self.now());
        let res = self
            .client
            .post(self.url())
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("send");
        response_of(res).await
    }

    /// A legacy-signed call (`method` GET puts parameters in the query, POST in a form body).
    pub async fn call_legacy(
        &self,
        method: &str,
        sig_method: &str,
        params: &[(&str, &str)],
    ) -> Value {
        self.call_legacy_action(ACTION, method, sig_method, params)
            .await
    }

    /// A legacy-signed call of any action.
    pub async fn call_legacy_action(
        &self,
        action: &str,
        method: &str,
        sig_method: &str,
        params: &[(&str, &str)],
    ) -> Value {
        let req = self.legacy_request(action, method, sig_method, params, self.now());
        response_of(req.send().await.expect("send")).await
    }

    /// A legacy-signed request signed at `ts`, not yet sent (headers may be added).
    pub fn legacy_request(
        &self,
        action: &str,
        method: &str,
        sig_method: &str,
        params: &[(&str, &str)],
        ts: i64,
    ) -> reqwest::RequestBuilder {
        let ts = ts.to_string();
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (k, v) in [
            ("Action", action),
            ("Version", "2020-11-01"),
            ("SecretId", ID),
            ("Nonce", "12345"),
            ("Timestamp", ts.as_str()),
            ("SignatureMethod", sig_method),
        ] {
            pairs.push((k.to_string(), v.to_string()));
        }
        let sts = legacy::string_to_sign(
            method,
            &self.host(),
            "/",
            &pairs,
            legacy::Variant::default(),
        );
        let sig = legacy::sign(legacy::Method::parse(Some(sig_method)), KEY, &sts);
        pairs.push(("Signature".into(), sig));
        let encoded = encode(&pairs);
        if method == "GET" {
            self.client.get(format!("{}?{encoded}", self.url()))
        } else {
            self.client
                .post(self.url())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded)
        }
    }

    /// An admin call: `(status, JSON body or null)`.
    pub async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&str>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}_emulator/{path}", self.url()));
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("send");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Stops the server and waits until it has finished.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("join").expect("served");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// An admin POST of a JSON body: `(status, JSON body or null)`.
pub async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    app.admin(reqwest::Method::POST, path, Some(&body.to_string()), None)
        .await
}

pub fn encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Checks the wire format every answer must have and returns `Response`.
pub async fn response_of(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), 200, "API answers are HTTP 200");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert!(res.headers().contains_key("x-tcss-emulator"));
    let body: Value = res.json().await.expect("JSON body");
    let response = body.get("Response").cloned().expect("Response");
    let rid = response["RequestId"].as_str().expect("RequestId");
    let uuid = uuid::Uuid::parse_str(rid).expect("RequestId is a UUID");
    assert_eq!(uuid.get_version_num(), 4);
    response
}

/// The error code of a `Response`, or `None` on success.
pub fn code(response: &Value) -> Option<&str> {
    response.get("Error").and_then(|e| e["Code"].as_str())
}

/// Sends `req` and checks the wire format (`app` keeps the server alive meanwhile).
pub async fn send(app: &TestApp, req: reqwest::RequestBuilder) -> serde_json::Value {
    let _ = app;
    response_of(req.send().await.unwrap()).await
}

/// A TC3-signed multipart call of the Detail action, with an optional `X-TC-Token`.
pub fn multipart_request(
    app: &TestApp,
    body: &str,
    boundary: &str,
    token: Option<&str>,
    id: &str,
    key: &str,
) -> reqwest::RequestBuilder {
    let ct = format!("multipart/form-data; boundary={boundary}");
    let ts = app.now();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        id,
        key,
        "tcss",
        "POST",
        &app.host(),
        &ct,
        "",
        body.as_bytes(),
        ts,
    );
    let mut req = app
        .client
        .post(app.url())
        .header("authorization", auth)
        .header("content-type", ct)
        .header("x-tc-action", ACTION)
        .header("x-tc-version", "2020-11-01")
        .header("x-tc-timestamp", ts.to_string())
        .body(body.to_string());
    if let Some(t) = token {
        req = req.header("x-tc-token", t);
    }
    req
}
