use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_burst_of_25_in_one_second_lets_exactly_20_through() {
    let app = spawn_app().await;
    app.state.clock.set_frozen(true); // the whole burst lands in one instant
    let mut ok = 0;
    let mut limited = 0;
    for _ in 0..25 {
        let res = app.call(ACTION, json!({"Id": 5427})).await;
        match code(&res) {
            None => ok += 1,
            Some("RequestLimitExceeded") => limited += 1,
            Some(other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, limited), (20, 5));
    // Other actions of the same SecretId are unaffected.
    let res = app.call("DescribeAssetImageRegistryList", json!({})).await;
    assert_eq!(code(&res), None);
    // Once the window has passed, calls go through again.
    app.state.clock.advance_ms(1_000);
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None);
}

#[tokio::test]
async fn rate_limit_zero_turns_it_off_and_a_flag_changes_it() {
    let app = spawn_with(&["--rate-limit", "0"]).await;
    app.state.clock.set_frozen(true);
    for _ in 0..30 {
        let res = app.call(ACTION, json!({"Id": 5427})).await;
        assert_eq!(code(&res), None);
    }
    let app = spawn_with(&["--rate-limit", "2"]).await;
    app.state.clock.set_frozen(true);
    let codes: Vec<Option<String>> = futures_collect(&app, 3).await;
    assert_eq!(
        codes,
        [None, None, Some("RequestLimitExceeded".to_string())],
        "--rate-limit 2 with the clock frozen: the first two pass, the third is refused"
    );
}

async fn futures_collect(app: &TestApp, n: usize) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for _ in 0..n {
        let res = app.call(ACTION, json!({"Id": 5427})).await;
        out.push(code(&res).map(str::to_string));
    }
    out
}
