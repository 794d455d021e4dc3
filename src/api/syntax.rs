//! JSON syntax checked without building anything: the errors `serde_json` gives for a
//! body, without the memory its values would take (tens of times its text). The
//! pipeline checks a JSON body this way before the signature and builds its values
//! only once the signature is verified.

/// Parses `body` with a visitor that accepts everything and keeps nothing, the way a
/// `Value` would be built (same recursion limit, numbers and strings checked alike).
/// `Ok(true)` for an object, `Ok(false)` for another JSON value.
pub fn check(body: &[u8]) -> Result<bool, serde_json::Error> {
    serde_json::from_slice::<Syntax>(body).map(|s| matches!(s, Syntax::Object))
}

/// What [`check`] learns of a JSON value: only whether it is an object.
enum Syntax {
    Object,
    Other,
}

impl<'de> serde::Deserialize<'de> for Syntax {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SyntaxVisitor)
    }
}

struct SyntaxVisitor;

impl<'de> serde::de::Visitor<'de> for SyntaxVisitor {
    type Value = Syntax;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Syntax, E> {
        Ok(Syntax::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Syntax, E> {
        Ok(Syntax::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Syntax, E> {
        Ok(Syntax::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Syntax, E> {
        Ok(Syntax::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Syntax, E> {
        Ok(Syntax::Other)
    }
    fn visit_unit<E>(self) -> Result<Syntax, E> {
        Ok(Syntax::Other)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Syntax, A::Error> {
        while seq.next_element::<Syntax>()?.is_some() {}
        Ok(Syntax::Other)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Syntax, A::Error> {
        while map.next_entry::<Syntax, Syntax>()?.is_some() {}
        Ok(Syntax::Object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_fails_exactly_where_building_the_value_fails() {
        let deep = format!("{{\"a\":{}}}", "[".repeat(200));
        let cases: Vec<Vec<u8>> = vec![
            br#"{"Id": 5427, "F": [{"N": "x", "V": [1, 2.5, -3, true, null]}]}"#.to_vec(),
            b"[1]".to_vec(),
            b"\"x\"".to_vec(),
            b"{".to_vec(),
            b"{\"a\":1}{".to_vec(),
            b"{\"a\": 1e400}".to_vec(),
            b"{\"a\": 18446744073709551616}".to_vec(),
            b"{\"a\": \"\\ud800\"}".to_vec(),
            b"{\"a\": \"\xff\"}".to_vec(),
            b"{\"a\": tru}".to_vec(),
            deep.into_bytes(),
        ];
        for body in cases {
            let built = serde_json::from_slice::<serde_json::Value>(&body);
            let checked = check(&body);
            match (&built, &checked) {
                (Ok(v), Ok(object)) => assert_eq!(v.is_object(), *object),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                _ => panic!(
                    "{}: {built:?} vs {checked:?}",
                    String::from_utf8_lossy(&body)
                ),
            }
        }
    }
}
