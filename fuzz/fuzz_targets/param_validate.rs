//! Parameter validation against the spec. Input: `ActionName\n{json}` (an unknown
//! name picks an action by its bytes). Invariants: never panics; what validation
//! accepts, validated again, comes back unchanged (coercion is idempotent).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tcss_emulator::spec;

fuzz_target!(|data: &[u8]| {
    let (name, json) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let svc = spec::tcss();
    let name = String::from_utf8_lossy(name);
    let action = svc.action(name.trim()).unwrap_or_else(|| {
        let sum: usize = name.bytes().map(usize::from).sum();
        &svc.actions[sum % svc.actions.len()]
    });
    let Ok(Value::Object(params)) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    let input = svc.object(action.input);
    let _ = spec::validate_partial(svc, input, params.clone());
    if let Ok(valid) = spec::validate(svc, input, params) {
        let again = spec::validate(svc, input, valid.clone());
        assert_eq!(again.as_ref(), Ok(&valid), "validation is not idempotent");
    }
});
