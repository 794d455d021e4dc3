//! Shaping a response to its schema: every member present, with the schema's JSON
//! type, never `null`. The Go SDK decodes into typed fields, so a member of the wrong
//! JSON type would break it; a missing one shows up as `null` in tccli.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value};

use super::types::{Kind, Member, Object, Service};

/// The zero value of a member: `""`, `0`, `0.0`, `false`, `[]` or a shaped empty object.
pub fn zero_value(svc: &'static Service, member: &Member) -> Value {
    if member.list {
        return Value::Array(Vec::new());
    }
    zero_of(svc, member.kind)
}

fn zero_of(svc: &'static Service, kind: Kind) -> Value {
    match kind {
        Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso => {
            Value::String(String::new())
        }
        Kind::Int64 | Kind::Uint64 => Value::Number(0.into()),
        Kind::Float => Number::from_f64(0.0).map_or(Value::Number(0.into()), Value::Number),
        Kind::Bool => Value::Bool(false),
        Kind::Object(i) => Value::Object(shape(svc, svc.object(i), &Map::new())),
    }
}

/// `value` shaped to `object`: members in schema order, coerced or zeroed; members
/// the schema does not declare are dropped.
pub fn shape(
    svc: &'static Service,
    object: &'static Object,
    value: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = Map::with_capacity(object.members.len());
    for member in object.members {
        let shaped = match value.get(member.name) {
            Some(v) => shape_member(svc, member, v),
            None => zero_value(svc, member),
        };
        out.insert(member.name.to_string(), shaped);
    }
    out
}

fn shape_member(svc: &'static Service, member: &Member, value: &Value) -> Value {
    if member.list {
        return match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| {
                        coerce(svc, member.kind, item).unwrap_or_else(|| zero_of(svc, member.kind))
                    })
                    .collect(),
            ),
            _ => Value::Array(Vec::new()),
        };
    }
    coerce(svc, member.kind, value).unwrap_or_else(|| zero_of(svc, member.kind))
}

/// `value` as `kind`, when it can be read as one.
fn coerce(svc: &'static Service, kind: Kind, value: &Value) -> Option<Value> {
    match (kind, value) {
        (Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso, Value::String(_)) => {
            Some(value.clone())
        }
        (Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso, Value::Number(n)) => {
            Some(Value::String(n.to_string()))
        }
        (Kind::String, Value::Bool(b)) => Some(Value::String(b.to_string())),
        (Kind::Uint64, Value::Number(n)) => n.as_u64().map(|u| Value::Number(u.into())),
        (Kind::Int64, Value::Number(n)) => n.as_i64().map(|i| Value::Number(i.into())),
        (Kind::Uint64, Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .ok()
            .map(|u| Value::Number(u.into())),
        (Kind::Int64, Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .ok()
            .map(|i| Value::Number(i.into())),
        (Kind::Float, Value::Number(n)) => n.as_f64().and_then(Number::from_f64).map(Value::Number),
        (Kind::Float, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        (Kind::Bool, Value::Bool(_)) => Some(value.clone()),
        (Kind::Bool, Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(Value::Bool(true)),
            "false" | "0" | "" => Some(Value::Bool(false)),
            _ => None,
        },
        (Kind::Bool, Value::Number(n)) => n.as_u64().map(|u| Value::Bool(u != 0)),
        (Kind::Object(i), Value::Object(map)) => {
            Some(Value::Object(shape(svc, svc.object(i), map)))
        }
        _ => None,
    }
}

/// [`shape`] and serialisation in one pass: serialises exactly what `shape` would
/// build, borrowing from `value` instead of copying it. For answers rendered ahead of
/// time (seeding many records), where building the shaped copy would cost more than
/// writing it.
pub struct Shaped<'a> {
    pub svc: &'static Service,
    pub object: &'static Object,
    pub value: &'a Map<String, Value>,
    /// Members that take the place of `value`'s (derived values).
    pub overlay: &'a [(&'static str, Value)],
    /// A member to leave out.
    pub skip: Option<&'static str>,
}

impl Serialize for Shaped<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let members = self
            .object
            .members
            .iter()
            .filter(|m| Some(m.name) != self.skip);
        let mut map = s.serialize_map(Some(members.clone().count()))?;
        for member in members {
            let given = self
                .overlay
                .iter()
                .find(|(name, _)| *name == member.name)
                .map(|(_, v)| v)
                .or_else(|| self.value.get(member.name));
            match given {
                Some(value) => map.serialize_entry(
                    member.name,
                    &MemberRef {
                        svc: self.svc,
                        member,
                        value,
                    },
                )?,
                None => map.serialize_entry(member.name, &zero_value(self.svc, member))?,
            }
        }
        map.end()
    }
}

/// One member's value as [`shape_member`] shapes it.
struct MemberRef<'a> {
    svc: &'static Service,
    member: &'static Member,
    value: &'a Value,
}

impl Serialize for MemberRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.member.list {
            return KindRef {
                svc: self.svc,
                kind: self.member.kind,
                value: self.value,
            }
            .serialize(s);
        }
        let items: &[Value] = match self.value {
            Value::Array(items) => items,
            _ => &[],
        };
        let mut seq = s.serialize_seq(Some(items.len()))?;
        for value in items {
            seq.serialize_element(&KindRef {
                svc: self.svc,
                kind: self.member.kind,
                value,
            })?;
        }
        seq.end()
    }
}

/// One value as [`coerce`] (or the zero value) makes it: values that already have
/// the kind's JSON type are written as they are.
struct KindRef<'a> {
    svc: &'static Service,
    kind: Kind,
    value: &'a Value,
}

impl Serialize for KindRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let as_is = match (self.kind, self.value) {
            (Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso, Value::String(_))
            | (Kind::Bool, Value::Bool(_)) => true,
            (Kind::Uint64, Value::Number(n)) => n.is_u64(),
            (Kind::Int64, Value::Number(n)) => n.as_i64().is_some(),
            (Kind::Float, Value::Number(n)) => n.is_f64(),
            (Kind::Object(i), Value::Object(map)) => {
                return Shaped {
                    svc: self.svc,
                    object: self.svc.object(i),
                    value: map,
                    overlay: &[],
                    skip: None,
                }
                .serialize(s);
            }
            _ => false,
        };
        if as_is {
            self.value.serialize(s)
        } else {
            coerce(self.svc, self.kind, self.value)
                .unwrap_or_else(|| zero_of(self.svc, self.kind))
                .serialize(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::tcss;
    use serde_json::json;

    #[test]
    fn missing_members_get_zero_values_of_their_type() {
        let svc = tcss();
        let action = svc.action("DescribeAssetImageRegistryDetail").unwrap();
        let out = shape(svc, svc.object(action.output), &Map::new());
        assert_eq!(out["ImageDigest"], json!(""));
        assert_eq!(out["VulCnt"], json!(0));
        assert_eq!(out["SensitiveInfoCnt"], json!(0));
        assert!(out.values().all(|v| !v.is_null()));
        assert_eq!(out.len(), svc.object(action.output).members.len());
    }

    #[test]
    fn values_are_coerced_to_the_schema_type_and_extras_dropped() {
        let svc = tcss();
        let action = svc.action("DescribeAssetImageRegistryList").unwrap();
        let Value::Object(input) = json!({
            "TotalCount": "3",
            "List": [{"Id": "7", "ImageName": 5, "IsTrustImage": "true", "Nope": 1}],
            "Extra": true
        }) else {
            panic!()
        };
        let out = shape(svc, svc.object(action.output), &input);
        assert_eq!(out["TotalCount"], json!(3));
        let item = &out["List"][0];
        assert_eq!(item["Id"], json!(7));
        assert_eq!(item["ImageName"], json!("5"));
        assert_eq!(item["IsTrustImage"], json!(true));
        assert!(item.get("Nope").is_none());
        assert!(out.get("Extra").is_none());
    }

    #[test]
    fn shaped_writes_what_shape_builds_for_every_documented_answer() {
        let svc = tcss();
        let mut n = 0;
        for action in svc.actions {
            for example in action.examples {
                let value: Map<String, Value> = serde_json::from_str(example.response).unwrap();
                let object = svc.object(action.output);
                let written = serde_json::to_string(&Shaped {
                    svc,
                    object,
                    value: &value,
                    overlay: &[],
                    skip: None,
                })
                .unwrap();
                let built = serde_json::to_string(&shape(svc, object, &value)).unwrap();
                assert_eq!(written, built, "{}", action.name);
                n += 1;
            }
        }
        assert!(n > 300, "{n} examples");
    }

    #[test]
    fn shaped_writes_what_shape_builds() {
        let svc = tcss();
        let action = svc.action("DescribeAssetImageRegistryList").unwrap();
        // Every coercion: numbers as text and back, floats from integers, booleans
        // from text and numbers, values that cannot be read, nested lists of objects.
        let Value::Object(input) = json!({
            "TotalCount": "3",
            "List": [
                {"Id": "7", "ImageName": 5, "IsTrustImage": "true", "Nope": 1,
                 "ImageSize": -4, "VulCnt": 2.5, "HasNeedFixVul": 1, "RiskCnt": "x",
                 "IsRunning": "0", "ContainerCnt": u64::MAX},
                {"Id": -1, "ImageName": true, "IsTrustImage": "maybe", "Layers": {"a": 1}},
                "not an object",
                {}
            ],
            "Extra": true
        }) else {
            panic!()
        };
        let object = svc.object(action.output);
        let built = serde_json::to_string(&shape(svc, object, &input)).unwrap();
        let written = serde_json::to_string(&Shaped {
            svc,
            object,
            value: &input,
            overlay: &[],
            skip: None,
        })
        .unwrap();
        assert_eq!(written, built);

        let mut expected = shape(svc, object, &input);
        expected.insert("TotalCount".into(), json!(9));
        expected.shift_remove("RequestId");
        let written = serde_json::to_string(&Shaped {
            svc,
            object,
            value: &input,
            overlay: &[("TotalCount", json!(9))],
            skip: Some("RequestId"),
        })
        .unwrap();
        assert_eq!(written, serde_json::to_string(&expected).unwrap());
    }
}
