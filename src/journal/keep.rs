//! What the journal keeps of a call: its parameters written as JSON text of at most a
//! given number of bytes, and its strings clipped, each cut marked where it was made.
//!
//! The text is written straight from the parameters, never copied whole first: one
//! call may carry megabytes, and most of them are dropped here.

use std::fmt::Write;

use serde_json::{Map, Value};

/// Room kept free for a cut marker and for closing what is open (see [`json`]).
const MARK_ROOM: usize = 48;
/// The most characters kept of one string, whatever room is left.
pub const KEEP_CHARS: usize = 1024;
/// The most items kept of one list or object, whatever room is left.
pub const KEEP_ITEMS: usize = 256;
/// What stands for a list or an object there was no room to open.
const CUT: &str = "\"…\"";

/// `value` as JSON text of at most `limit` bytes (at least 144): identical to
/// `serde_json::to_string` when it fits with room to spare; otherwise long strings end
/// in `…(+N bytes)`, and lists and objects end in an item `"…(+N more)"` (an object:
/// a member `"…": "(+N more)"`). Always valid JSON.
pub fn json(value: &Value, limit: usize) -> String {
    let limit = limit.max(3 * MARK_ROOM);
    let mut out = String::new();
    write_value(&mut out, value, limit);
    out
}

/// [`json`] of a parameter object (without wrapping it in a `Value`).
pub fn json_object(map: &Map<String, Value>, limit: usize) -> String {
    let limit = limit.max(3 * MARK_ROOM);
    let mut out = String::new();
    write_object(&mut out, map, limit);
    out
}

/// Writes `value`; needs `out.len() + MARK_ROOM <= limit` and leaves `out.len() <= limit`.
fn write_value(out: &mut String, value: &Value, limit: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // At most 24 bytes (serde_json writes numbers with the same formatter).
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s, limit),
        Value::Array(items) => {
            if limit.saturating_sub(out.len()) < 2 * MARK_ROOM {
                out.push_str(CUT);
                return;
            }
            // Room for the closing marker and bracket stays free below `inner`.
            let inner = limit - MARK_ROOM - 1;
            out.push('[');
            let mut kept = 0;
            for item in items.iter().take(KEEP_ITEMS) {
                if out.len() + usize::from(kept > 0) + MARK_ROOM > inner {
                    break;
                }
                if kept > 0 {
                    out.push(',');
                }
                write_value(out, item, inner);
                kept += 1;
            }
            if kept < items.len() {
                if kept > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\"…(+{} more)\"", items.len() - kept);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map, limit),
    }
}

/// [`write_value`] of an object.
fn write_object(out: &mut String, map: &Map<String, Value>, limit: usize) {
    if limit.saturating_sub(out.len()) < 3 * MARK_ROOM {
        out.push_str(CUT);
        return;
    }
    let inner = limit - MARK_ROOM - 1;
    out.push('{');
    let mut kept = 0;
    for (key, item) in map.iter().take(KEEP_ITEMS) {
        // A key, its colon and at least a marker as its value must fit.
        if out.len() + usize::from(kept > 0) + 2 * MARK_ROOM + 1 > inner {
            break;
        }
        if kept > 0 {
            out.push(',');
        }
        write_string(out, key, inner - MARK_ROOM - 1);
        out.push(':');
        write_value(out, item, inner);
        kept += 1;
    }
    if kept < map.len() {
        if kept > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"…\":\"(+{} more)\"", map.len() - kept);
    }
    out.push('}');
}

/// Writes `s` quoted and escaped as serde_json does, cut (with a marker inside the
/// quotes) at [`KEEP_CHARS`] characters or where it would pass `limit`.
fn write_string(out: &mut String, s: &str, limit: usize) {
    out.push('"');
    for (n, (at, c)) in s.char_indices().enumerate() {
        let escaped = escaped_len(c);
        if n == KEEP_CHARS || out.len() + escaped + MARK_ROOM > limit {
            let _ = write!(out, "…(+{} bytes)\"", s.len() - at);
            return;
        }
        push_escaped(out, c);
    }
    out.push('"');
}

fn escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}

/// `text` whole when it has at most `max` bytes, else its start and `…(+N bytes)`,
/// `max` bytes in all (at least the marker).
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    // The marker's longest form: `…(+` + 20 digits + ` bytes)`.
    let mut at = max.saturating_sub(32);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}…(+{} bytes)", &text[..at], text.len() - at)
}

/// `text` (a legacy string to sign, or a TC3 canonical request) with the value of its
/// session token hidden: a `Token=` parameter (after `?`, `&` or a line start: `sent`
/// when it is known, else up to the next `&` or line end) and an `x-tc-token:` header
/// line.
pub fn redact_token(text: &str, sent: Option<&str>) -> String {
    const HIDDEN: &str = "***";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut at_line_start = true;
    let mut after_separator = true;
    while !rest.is_empty() {
        if at_line_start && let Some(value) = rest.strip_prefix("x-tc-token:") {
            out.push_str("x-tc-token:");
            out.push_str(HIDDEN);
            rest = &value[value.find('\n').unwrap_or(value.len())..];
            at_line_start = false;
            after_separator = false;
            continue;
        }
        if after_separator && let Some(value) = rest.strip_prefix("Token=") {
            out.push_str("Token=");
            out.push_str(HIDDEN);
            let len = match sent.filter(|t| !t.is_empty() && value.starts_with(*t)) {
                Some(token) => token.len(),
                None => value.find(['&', '\n']).unwrap_or(value.len()),
            };
            rest = &value[len..];
            at_line_start = false;
            after_separator = false;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        rest = &rest[c.len_utf8()..];
        at_line_start = c == '\n';
        after_separator = matches!(c, '\n' | '?' | '&');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parses(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn what_fits_is_written_as_serde_json_writes_it() {
        let mut odd = String::new();
        for c in (0u32..0x80).chain([0x7f, 0xe9, 0x2028, 0x1f600]) {
            odd.extend(char::from_u32(c));
        }
        let value = json!({"Id": 5427, "Neg": -3, "F": 0.1, "Big": 1.7976931348623157e308,
            "Small": 5e-324, "T": true, "N": null, "S": odd,
            "Filters": [{"Name": "a", "Values": ["b", "参数"]}], "E": [], "O": {}});
        assert_eq!(
            json(&value, 1 << 20),
            serde_json::to_string(&value).unwrap()
        );
    }

    #[test]
    fn long_strings_lists_and_objects_are_cut_with_markers() {
        let value = json!({"ImageId": "x".repeat(5000), "Id": (0..1000).collect::<Vec<_>>()});
        let text = json(&value, 1 << 20);
        let kept = parses(&text);
        let s = kept["ImageId"].as_str().unwrap();
        assert!(s.starts_with(&"x".repeat(KEEP_CHARS)) && s.ends_with("…(+3976 bytes)"));
        let ids = kept["Id"].as_array().unwrap();
        assert_eq!(ids.len(), KEEP_ITEMS + 1);
        assert_eq!(ids[KEEP_ITEMS], "…(+744 more)");
        let wide: serde_json::Map<String, Value> =
            (0..300).map(|i| (format!("P{i}"), json!(i))).collect();
        let kept = parses(&json(&Value::Object(wide), 1 << 20));
        assert_eq!(kept["…"], "(+44 more)");
    }

    #[test]
    fn the_byte_limit_holds_at_any_depth_and_width() {
        let mut deep = json!(0);
        for i in 0..120 {
            deep = if i % 2 == 0 {
                json!([deep, "x"])
            } else {
                json!({"k": deep, "j": [1, 2]})
            };
        }
        let cases = [
            Value::from(vec![vec![vec![0; 100]; 50]; 10]),
            json!({"A": vec!["\u{1}\"\\".repeat(400); 300]}),
            json!(["参".repeat(2000)]),
            deep,
        ];
        for value in &cases {
            for limit in [0, 144, 145, 200, 1000, 4096, 32 * 1024] {
                let text = json(value, limit);
                assert!(text.len() <= limit.max(144), "{} > {limit}", text.len());
                parses(&text);
            }
        }
    }

    #[test]
    fn clip_keeps_short_text_and_marks_a_cut() {
        assert_eq!(clip("abc", 10), "abc");
        let cut = clip(&"é".repeat(100), 50);
        assert!(cut.len() <= 50 && cut.ends_with("bytes)"), "{cut}");
    }

    #[test]
    fn session_tokens_are_hidden() {
        let sts = "POST127.0.0.1/?Action=A&Nonce=1&Token=s&cret&Version=V";
        assert_eq!(
            redact_token(sts, Some("s&cret")),
            "POST127.0.0.1/?Action=A&Nonce=1&Token=***&Version=V"
        );
        let canonical = "GET\n/\nLimit=1&Token=abc\ncontent-type:x\nhost:h\nx-tc-token:abc\n\ncontent-type;host;x-tc-token\nff";
        let redacted = redact_token(canonical, None);
        assert!(!redacted.contains("abc"), "{redacted}");
        assert!(redacted.contains("x-tc-token:***\n") && redacted.contains("Token=***\n"));
        assert_eq!(
            redact_token("MyToken=1&XToken=2", None),
            "MyToken=1&XToken=2"
        );
    }
}
