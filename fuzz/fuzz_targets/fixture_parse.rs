//! Fixture documents. Invariants: never panics; an accepted document, written back
//! out as a fixture document, parses to the same records; each record's pre-rendered
//! Detail answer is byte for byte the answer built from the record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use tcss_emulator::actions::{self, registry};
use tcss_emulator::spec;
use tcss_emulator::store::fixtures;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(records) = fixtures::parse("fuzz", text) else {
        return;
    };
    let images: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("Id".into(), json!(r.id));
            m.insert("Account".into(), json!(r.account));
            m.extend(r.fields.clone());
            Value::Object(m)
        })
        .collect();
    let again = fixtures::parse("fuzz", &json!({ "images": images }).to_string());
    assert_eq!(
        again.as_ref(),
        Ok(&records),
        "fixture round trip changed records"
    );
    let svc = spec::tcss();
    let Some(detail) = svc.action(registry::images::DETAIL) else {
        return;
    };
    for record in &records {
        let built = actions::answer(svc, detail, &registry::view(record, None, 0));
        assert_eq!(
            registry::images::render_detail(record),
            serde_json::to_string(&built).ok(),
            "the rendered answer differs from the built one"
        );
    }
});
