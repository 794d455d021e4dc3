//! Isolating a container moves the `ContainerNetStatus` of the runtime events that
//! name it, on the clock, whichever action isolates it.

use serde_json::{Value, json};

use crate::compliance::advance;
use crate::helpers::*;

/// The demo world's container `web-1`: escape events `esc-demo0001` and `esc-demo0003`
/// and abnormal process event `ape-demo0001` name it; `esc-demo0002` another one.
const WEB1: &str = "3f2a9c1e7b5d4a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a";

/// `(event id, ContainerNetStatus)` of a runtime event list, in list order.
async fn net_statuses(app: &TestApp, action: &str, id: &str) -> Vec<(String, String)> {
    let list = app.call(action, json!({"Limit": 100})).await;
    list["EventSet"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|e| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (text(&e[id]), text(&e["ContainerNetStatus"]))
        })
        .collect()
}

#[tokio::test]
async fn isolating_a_container_moves_the_events_that_name_it() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    app.call(
        "ModifyContainerNetStatus",
        json!({"ContainerID": WEB1, "Status": "EVENT_ISOLATE_CONTAINER"}),
    )
    .await;
    let escape = |s1: &str, s2: &str, s3: &str| {
        vec![
            ("esc-demo0001".to_string(), s1.to_string()),
            ("esc-demo0002".to_string(), s2.to_string()),
            ("esc-demo0003".to_string(), s3.to_string()),
        ]
    };
    let mut escapes = net_statuses(&app, "DescribeEscapeEventInfo", "EventId").await;
    escapes.sort();
    assert_eq!(escapes, escape("ISOLATING", "NORMAL", "ISOLATING"));
    advance(&app, 5).await;
    let mut escapes = net_statuses(&app, "DescribeEscapeEventInfo", "EventId").await;
    escapes.sort();
    assert_eq!(escapes, escape("ISOLATED", "NORMAL", "ISOLATED"));
    let processes = net_statuses(&app, "DescribeAbnormalProcessEvents", "Id").await;
    assert!(
        processes.contains(&("ape-demo0001".into(), "ISOLATED".into())),
        "{processes:?}"
    );
    let container = app
        .call("DescribeAssetContainerDetail", json!({"ContainerId": WEB1}))
        .await;
    assert_eq!(container["NetStatus"], "ISOLATED");

    app.call(
        "ModifyContainerNetStatus",
        json!({"ContainerID": WEB1, "Status": "EVENT_RESOTRE_CONTAINER"}),
    )
    .await;
    advance(&app, 5).await;
    let mut escapes = net_statuses(&app, "DescribeEscapeEventInfo", "EventId").await;
    escapes.sort();
    assert_eq!(escapes, escape("NORMAL", "NORMAL", "NORMAL"));
}
