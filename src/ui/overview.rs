//! The Overview page: version, uptime, listen address, the SecretIds accepted (never
//! a key), and how to point each client at this instance, with its real address.

use axum::extract::State;
use axum::http::HeaderMap;
use maud::{Markup, html};

use super::{BASE, layout};
use crate::api::envelope::VERSION;
use crate::app::AppState;

/// `GET /_emulator/ui`.
pub async fn page(State(app): State<AppState>, headers: HeaderMap) -> Markup {
    let listen = app.listen.get().map(ToString::to_string);
    // What the browser reached this instance as names the port an SDK should use;
    // the listen address when the request has no Host.
    let endpoint = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(listen.clone())
        .unwrap_or_else(|| "127.0.0.1:4577".into());
    let secret_id = app
        .credentials
        .secret_ids()
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let uptime = app.started.elapsed().as_secs();
    layout(
        "Overview",
        Some(""),
        html! {
            h1 { "Overview" }
            dl.facts {
                dt { "Version" } dd #version { (VERSION) " (TCSS 2020-11-01)" }
                dt { "Uptime" } dd { (uptime / 3600) " h " (uptime / 60 % 60) " min " (uptime % 60) " s" }
                dt { "Listening on" } dd #listen { (listen.as_deref().unwrap_or("-")) }
                dt { "Signature mode" } dd { (format!("{:?}", app.signature_mode).to_lowercase()) }
                dt { "SecretIds accepted" } dd #secret-ids { (app.credentials.secret_ids()) }
                dt { "Journal" } dd { a href={ (BASE) "/requests" } { (app.journal.len()) " calls" } }
                dt { "Stubs, faults" } dd { a href={ (BASE) "/stubs" } { (app.stubs.len()) ", " (app.faults.len()) } }
            }
            h2 { "Point a client at this instance" }
            p { "Each needs the endpoint " code { (endpoint) } " and plain " code { "http" } ", and an accepted SecretId with its key (keys are never shown here)." }
            @for (id, name, text) in snippets(&endpoint, &secret_id) {
                section.snippet aria-labelledby={ (id) "-h" } {
                    h3 #{ (id) "-h" } { (name) }
                    pre #(id) tabindex="0" { (text) }
                    button.copy type="button" data-copy=(id) { "Copy " (name) }
                }
            }
        },
    )
}

/// `(element id, client, snippet)` for each client, with `endpoint` filled in.
fn snippets(endpoint: &str, secret_id: &str) -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "python",
            "Python",
            format!(
                "from tencentcloud.common import credential\n\
             from tencentcloud.common.profile.client_profile import ClientProfile\n\
             from tencentcloud.common.profile.http_profile import HttpProfile\n\
             from tencentcloud.tcss.v20201101 import tcss_client\n\n\
             cred = credential.Credential(\"{secret_id}\", SECRET_KEY)\n\
             client = tcss_client.TcssClient(cred, \"\", ClientProfile(\n    httpProfile=HttpProfile(protocol=\"http\", endpoint=\"{endpoint}\")))"
            ),
        ),
        (
            "go",
            "Go",
            format!(
                "cpf := profile.NewClientProfile()\n\
             cpf.HttpProfile.Endpoint = \"{endpoint}\"\n\
             cpf.HttpProfile.Scheme = \"HTTP\"\n\
             client, _ := tcss.NewClient(common.NewCredential(\"{secret_id}\", secretKey), \"\", cpf)"
            ),
        ),
        (
            "node",
            "Node.js",
            format!(
                "const client = new TcssClient({{\n  credential: {{ secretId: \"{secret_id}\", secretKey }},\n  profile: {{ httpProfile: {{ endpoint: \"{endpoint}\", protocol: \"http://\" }} }},\n}})"
            ),
        ),
        (
            "java",
            "Java",
            format!(
                "HttpProfile p = new HttpProfile();\n\
             p.setEndpoint(\"{endpoint}\");\n\
             p.setProtocol(HttpProfile.REQ_HTTP);\n\
             ClientProfile cp = new ClientProfile(); cp.setHttpProfile(p);\n\
             TcssClient client = new TcssClient(new Credential(\"{secret_id}\", secretKey), \"\", cp);"
            ),
        ),
        (
            "tccli",
            "tccli",
            format!(
                "tccli tcss DescribeAssetImageRegistryDetail --Id 5427 --endpoint http://{endpoint} \\\n  --secretId {secret_id} --secretKey \"$SECRET_KEY\" --region ap-guangzhou"
            ),
        ),
        (
            "curl",
            "Admin API (curl)",
            format!(
                "curl -s http://{endpoint}/_emulator/requests?limit=5\ncurl -s http://{endpoint}/_emulator/clock -d '{{\"advance_seconds\": 5}}'"
            ),
        ),
    ]
}
