//! The dashboard's HTTP behaviour without a browser (tests/ui drives it in Chromium):
//! the admin token (bearer or login cookie), forms from other sites, refusals shown on
//! the page.

use serde_json::json;

use crate::helpers::*;

/// A client that shows redirects instead of following them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn ui(app: &TestApp, path: &str) -> String {
    format!("{}_emulator/ui{path}", app.url())
}

#[tokio::test]
async fn with_an_admin_token_pages_need_the_bearer_header_or_the_login_cookie() {
    let app = spawn_with(&["--admin-token", "tok en;"]).await;
    let c = client();
    let res = c.get(ui(&app, "/requests")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("<title>Sign in"));
    let res = c
        .get(ui(&app, "/requests"))
        .bearer_auth("tok en;")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let wrong = c
        .post(ui(&app, "/login"))
        .form(&[("token", "tok")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let res = c
        .post(ui(&app, "/login"))
        .form(&[("token", "tok en;")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/_emulator/ui");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();
    let res = c
        .get(ui(&app, "/clock"))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = c
        .get(ui(&app, "/clock"))
        .header("cookie", "tcss_emulator_admin=746f6b")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "a cookie of another token");
    // The cookie opens the dashboard only, not the JSON admin API.
    let res = c
        .get(format!("{}_emulator/requests", app.url()))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_form_posted_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let before = app.state.clock.is_frozen();
    let res = client()
        .post(ui(&app, "/clock"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("freeze", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.state.clock.is_frozen(), before);
    let res = client()
        .post(ui(&app, "/clock"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("freeze", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(app.state.clock.is_frozen());
}

#[tokio::test]
async fn a_bad_fixture_document_from_the_page_writes_nothing_and_says_why() {
    let app = spawn_app().await;
    let before = app.state.store.count_images().unwrap();
    let boundary = "b0undary";
    let doc = json!({"images": [{"Id": 900, "ImageName": "ok"}, {"Id": 901, "VulCnt": "many"}]});
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\n{doc}\r\n--{boundary}--\r\n"
    );
    let res = client()
        .post(ui(&app, "/fixtures"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Refused, nothing written") && page.contains("VulCnt"),
        "{page}"
    );
    assert_eq!(app.state.store.count_images().unwrap(), before);
}

#[tokio::test]
async fn a_stub_form_the_admin_route_would_refuse_is_refused_with_its_reason() {
    let app = spawn_app().await;
    let res = client()
        .post(ui(&app, "/stubs"))
        .form(&[("action", "NoSuchAction"), ("response", "{}")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("NoSuchAction"));
    let res = client()
        .post(ui(&app, "/stubs"))
        .form(&[("action", ACTION), ("response", "{not json")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("`response` is not JSON"));
    assert_eq!(app.state.stubs.len(), 0);
}

#[tokio::test]
async fn a_call_the_journal_does_not_keep_is_a_404_page_and_text_is_escaped() {
    let app = spawn_app().await;
    let res = client()
        .get(ui(&app, "/requests/12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    app.call(
        "DescribeAssetImageRegistryList",
        json!({"Filters": [{"Name": "ImageName", "Values": ["<script>x</script>"]}]}),
    )
    .await;
    let seq = app.state.journal.find(&Default::default(), None)[0].seq;
    let page = client()
        .get(ui(&app, &format!("/requests/{seq}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!page.contains("<script>x</script>"));
}

#[tokio::test]
async fn a_fault_added_from_the_form_fires_and_its_delete_button_removes_it() {
    let app = spawn_app().await;
    let res = client()
        .post(ui(&app, "/faults"))
        .form(&[
            ("action", ACTION),
            ("error_code", "RequestLimitExceeded"),
            ("error_message", "slow down"),
            ("times", "1"),
            ("delay_ms", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let answer = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&answer), Some("RequestLimitExceeded"));
    let res = client()
        .post(ui(&app, "/faults"))
        .form(&[("action", "*"), ("delay_ms", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = client()
        .get(ui(&app, "/stubs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("&quot;delay_ms&quot;:10"), "listed");
    let id = app.state.faults.list()["faults"][0]["id"].as_u64().unwrap();
    let res = client()
        .post(ui(&app, &format!("/faults/{id}/delete")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.state.faults.len(), 0);
}
