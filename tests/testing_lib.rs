//! The library for Rust tests: starts, serves, stops.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use tcss_emulator::testing::Emulator;

#[tokio::test]
async fn an_in_process_emulator_serves_its_fixtures_and_stops_when_dropped() {
    let emu = Emulator::builder()
        .without_bundled_fixtures()
        .fixture_json(r#"{"images":[{"Id": 7, "ImageName": "mine", "ImageId": "sha256:mine"}]}"#)
        .credential("AKIDmine", "mykey")
        .rate_limit(0)
        .start()
        .unwrap();
    assert_eq!(emu.secret_id(), "AKIDmine");
    assert_eq!(emu.secret_key(), "mykey");
    assert!(emu.endpoint().starts_with("127.0.0.1:"));
    let res = emu
        .call(
            "DescribeAssetImageRegistryDetail",
            json!({"ImageId": "sha256:mine"}),
        )
        .await
        .unwrap();
    assert_eq!(res["Id"], 7);
    let res = emu
        .call("DescribeAssetImageRegistryDetail", json!({"Id": 5427}))
        .await
        .unwrap();
    assert_eq!(
        res["Error"]["Code"], "ResourceNotFound",
        "no bundled fixtures"
    );
    assert_eq!(emu.state().journal.len(), 2);
    let first = emu.state().journal.get(0).unwrap();
    assert_eq!(
        first.client.as_deref(),
        Some(tcss_emulator::testing::CLIENT),
        "its calls are named in the journal"
    );
    let addr = emu.addr();
    drop(emu);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "stopped"
    );
}

#[test]
fn it_works_from_a_plain_test_too() {
    let emu = Emulator::start().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let res = rt
        .block_on(emu.call("DescribeAssetImageRegistryDetail", json!({"Id": 3421599})))
        .unwrap();
    assert_eq!(res["ImageName"], "mhccrxg");
}
