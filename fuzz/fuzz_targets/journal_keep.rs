//! The journal's cut-down of a call: parameters written as JSON text under a byte
//! limit, names clipped, session tokens hidden. Input: two bytes of limit (144 +
//! a u16), then a JSON document. Invariants: never panics; the text is valid JSON of
//! at most the limit; a value that fits with room to spare (and hits no per-string or
//! per-list cap) is written exactly as serde_json writes it; clipping and redaction
//! stay within their bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tcss_emulator::journal::keep;

/// `(depth, fits the per-item caps)` of a value.
fn shape(v: &Value) -> (usize, bool) {
    match v {
        Value::String(s) => (0, s.chars().count() <= keep::KEEP_CHARS),
        Value::Array(items) => items.iter().map(shape).fold(
            (1, items.len() <= keep::KEEP_ITEMS),
            |(d, ok), (d2, ok2)| (d.max(d2 + 1), ok && ok2),
        ),
        Value::Object(map) => map.iter().map(|(k, v)| (k, shape(v))).fold(
            (1, map.len() <= keep::KEEP_ITEMS),
            |(d, ok), (k, (d2, ok2))| {
                (
                    d.max(d2 + 1),
                    ok && ok2 && k.chars().count() <= keep::KEEP_CHARS,
                )
            },
        ),
        _ => (0, true),
    }
}

fuzz_target!(|data: &[u8]| {
    let (limit, json) = match data {
        [a, b, rest @ ..] => (144 + usize::from(u16::from_le_bytes([*a, *b])), rest),
        _ => return,
    };
    let text = String::from_utf8_lossy(json);
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        let kept = keep::json(&value, limit);
        assert!(
            kept.len() <= limit,
            "{} bytes over the limit {limit}",
            kept.len()
        );
        if let Err(e) = serde_json::from_str::<Value>(&kept) {
            panic!("not JSON ({e}): {kept}");
        }
        if let Value::Object(map) = &value {
            assert_eq!(
                keep::json_object(map, limit),
                kept,
                "object and value differ"
            );
        }
        let full = serde_json::to_string(&value).unwrap_or_default();
        let (depth, capped_ok) = shape(&value);
        if capped_ok && full.len() + (depth + 3) * 49 <= limit {
            assert_eq!(kept, full, "cut although it fits");
        }
    }
    let clipped = keep::clip(&text, limit);
    assert!(clipped.len() <= limit.max(32));
    assert!(
        text.starts_with(
            clipped
                .trim_end_matches(|c: char| c != '…')
                .trim_end_matches('…')
        )
    );
    let token = "s3cr3t-token";
    let redacted = keep::redact_token(
        &format!("{text}\n&Token={token}\nx-tc-token:{token}\n"),
        Some(token),
    );
    assert!(
        redacted.ends_with("&Token=***\nx-tc-token:***\n"),
        "{redacted}"
    );
});
