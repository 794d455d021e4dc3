//! Validation of request parameters against an action's request structure.
//!
//! Unknown member at any depth → `UnknownParameter` naming its path (`Filters.0.Foo`);
//! missing required member → `MissingParameter`; wrong type → `InvalidParameter`
//! naming the path and the expected type. Values are coerced the way the gateway
//! accepts them: digit strings for integers (the documentation's own examples send
//! `"Id": "5427"`), `true`/`false` strings for booleans (form and query values are
//! strings). String members are strict, as the gateway is: a number or a boolean
//! where the spec says `string` is `InvalidParameter` (form and query values are
//! text, so this only ever refuses JSON). `null` counts as absent.

use serde_json::{Map, Number, Value};

use super::types::{Kind, Member, Object, Service};
use crate::error::ApiError;

/// Validates `params` against `object` and returns them with coerced types.
pub fn validate(
    svc: &'static Service,
    object: &'static Object,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    validate_object(svc, object, params, "", true)
}

/// Like [`validate`], for a subset of the parameters (stub matchers): types and names
/// are checked, required members are not.
pub fn validate_partial(
    svc: &'static Service,
    object: &'static Object,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    validate_object(svc, object, params, "", false)
}

/// Like [`validate`], for an object nested at `prefix` (paths in errors start there).
pub fn validate_at(
    svc: &'static Service,
    object: &'static Object,
    params: Map<String, Value>,
    prefix: &str,
) -> Result<Map<String, Value>, ApiError> {
    validate_object(svc, object, params, prefix, true)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn validate_object(
    svc: &'static Service,
    object: &'static Object,
    params: Map<String, Value>,
    prefix: &str,
    require: bool,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::with_capacity(params.len());
    for (name, value) in params {
        let path = join(prefix, &name);
        let member = object
            .members
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| ApiError::unknown_parameter(&path))?;
        if value.is_null() {
            continue;
        }
        out.insert(name, walk_member(svc, member, value, &path, require)?);
    }
    for member in object.members {
        if require && member.required && !out.contains_key(member.name) {
            return Err(ApiError::missing_parameter(&join(prefix, member.name)));
        }
    }
    Ok(out)
}

/// Checks and coerces one member's value (`path` names it in errors).
pub fn check_member(
    svc: &'static Service,
    member: &'static Member,
    value: Value,
    path: &str,
) -> Result<Value, ApiError> {
    walk_member(svc, member, value, path, true)
}

fn walk_member(
    svc: &'static Service,
    member: &'static Member,
    value: Value,
    path: &str,
    require: bool,
) -> Result<Value, ApiError> {
    if !member.list {
        return check_kind(svc, member.kind, value, path, require);
    }
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| check_kind(svc, member.kind, item, &format!("{path}.{i}"), require))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => {
            let (en, zh) = expected(svc, member.kind);
            Err(ApiError::invalid_type(
                path,
                &format!("an array of {en}"),
                &format!("{zh}数组"),
            ))
        }
    }
}

/// How a kind is named in error messages, in English and Chinese.
fn expected(svc: &'static Service, kind: Kind) -> (String, String) {
    let (en, zh) = match kind {
        Kind::String => ("a string", "字符串"),
        Kind::Int64 => ("an integer", "整数"),
        Kind::Uint64 => ("a non-negative integer", "非负整数"),
        Kind::Float => ("a number", "数字"),
        Kind::Bool => ("a boolean", "布尔值"),
        Kind::Date => ("a date string", "日期字符串"),
        Kind::DateTime => ("a date-time string", "日期时间字符串"),
        Kind::DateTimeIso => ("an ISO 8601 date-time string", "ISO 8601日期时间字符串"),
        Kind::Object(i) => {
            let name = svc.object(i).name;
            return (
                format!("an object of type {name}"),
                format!("{name}类型的对象"),
            );
        }
    };
    (en.into(), zh.into())
}

fn check_kind(
    svc: &'static Service,
    kind: Kind,
    value: Value,
    path: &str,
    require: bool,
) -> Result<Value, ApiError> {
    let wrong = || {
        let (en, zh) = expected(svc, kind);
        ApiError::invalid_type(path, &en, &zh)
    };
    match kind {
        Kind::String | Kind::Date | Kind::DateTime | Kind::DateTimeIso => match value {
            Value::String(_) => Ok(value),
            _ => Err(ApiError::not_a_string(path)),
        },
        Kind::Uint64 => match &value {
            Value::Number(n) if n.is_u64() => Ok(value),
            Value::String(s) => parse_digits(s)
                .and_then(|d| d.parse::<u64>().ok())
                .map(|n| Value::Number(n.into()))
                .ok_or_else(wrong),
            _ => Err(wrong()),
        },
        Kind::Int64 => match &value {
            Value::Number(n) if n.is_i64() => Ok(value),
            Value::String(s) => {
                let digits = s.strip_prefix('-').unwrap_or(s);
                parse_digits(digits)
                    .and_then(|_| s.parse::<i64>().ok())
                    .map(|n| Value::Number(n.into()))
                    .ok_or_else(wrong)
            }
            _ => Err(wrong()),
        },
        Kind::Float => match &value {
            Value::Number(_) => Ok(value),
            Value::String(s) => s
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(wrong),
            _ => Err(wrong()),
        },
        Kind::Bool => match &value {
            Value::Bool(_) => Ok(value),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(wrong()),
        },
        Kind::Object(i) => match value {
            Value::Object(map) => {
                validate_object(svc, svc.object(i), map, path, require).map(Value::Object)
            }
            _ => Err(wrong()),
        },
    }
}

/// `Some(s)` when `s` is one or more ASCII digits.
fn parse_digits(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::spec::tcss;
    use serde_json::json;

    fn check(action: &str, params: Value) -> Result<Value, (ErrorCode, String)> {
        let svc = tcss();
        let a = svc.action(action).unwrap();
        let Value::Object(map) = params else { panic!() };
        validate(svc, svc.object(a.input), map)
            .map(Value::Object)
            .map_err(|e| (e.code, e.en.to_string()))
    }

    #[test]
    fn digit_strings_become_integers() {
        let out = check("DescribeAssetImageRegistryDetail", json!({"Id": "5427"})).unwrap();
        assert_eq!(out, json!({"Id": 5427}));
    }

    #[test]
    fn wrong_types_name_the_parameter() {
        for bad in [
            json!("abc"),
            json!(1.5),
            json!([1]),
            json!(-1),
            json!("-1"),
            json!(""),
            json!({}),
            json!(true),
            json!("18446744073709551616"),
        ] {
            let (code, msg) =
                check("DescribeAssetImageRegistryDetail", json!({"Id": bad})).unwrap_err();
            assert_eq!(code, ErrorCode::InvalidParameter, "{bad}");
            assert!(msg.contains("`Id`"), "{msg}");
        }
    }

    #[test]
    fn unknown_members_are_named_by_path_at_any_depth() {
        let (code, msg) = check("DescribeAssetImageRegistryDetail", json!({"Foo": 1})).unwrap_err();
        assert_eq!(code, ErrorCode::UnknownParameter);
        assert!(msg.contains("`Foo`"));
        let (code, msg) = check(
            "DescribeAssetImageRegistryList",
            json!({"Filters": [{"Name": "ImageName", "Values": ["a"]}, {"Name": "x", "Values": [], "Foo": 1}]}),
        )
        .unwrap_err();
        assert_eq!(code, ErrorCode::UnknownParameter);
        assert!(msg.contains("`Filters.1.Foo`"), "{msg}");
    }

    #[test]
    fn missing_required_nested_member_is_missing_parameter() {
        let (code, msg) = check(
            "DescribeAssetImageRegistryList",
            json!({"Filters": [{"Name": "ImageName"}]}),
        )
        .unwrap_err();
        assert_eq!(code, ErrorCode::MissingParameter);
        assert!(msg.contains("`Filters.0.Values`"), "{msg}");
    }

    #[test]
    fn form_strings_are_coerced_to_bools_and_lists_checked_per_element() {
        let out = check(
            "DescribeAssetImageRegistryList",
            json!({"Limit": "5", "OnlyShowLatest": "True", "Filters": [{"Name": "a", "Values": ["x", "1"], "ExactMatch": "false"}]}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"Limit": 5, "OnlyShowLatest": true, "Filters": [{"Name": "a", "Values": ["x", "1"], "ExactMatch": false}]})
        );
        let (code, msg) = check(
            "DescribeAssetImageRegistryList",
            json!({"Filters": {"Name": "a"}}),
        )
        .unwrap_err();
        assert_eq!(code, ErrorCode::InvalidParameter);
        assert!(msg.contains("array"), "{msg}");
    }

    #[test]
    fn a_number_or_boolean_where_a_string_is_due_is_refused_at_any_depth() {
        let svc = tcss();
        for (action, params, path) in [
            (
                "DescribeAssetImageRegistryDetail",
                json!({"ImageId": 123}),
                "ImageId",
            ),
            (
                "DescribeAssetImageRegistryDetail",
                json!({"ImageId": true}),
                "ImageId",
            ),
            (
                "DescribeAssetImageRegistryList",
                json!({"Filters": [{"Name": "ImageName", "Values": ["x", 1]}]}),
                "Filters.0.Values.1",
            ),
            (
                "DescribeAssetImageRegistryList",
                json!({"Filters": [{"Name": 7, "Values": []}]}),
                "Filters.0.Name",
            ),
            (
                "CreateAssetImageRegistryScanTask",
                json!({"Images": [{"InstanceName": "a", "Namespace": "b", "ImageName": "c", "ImageTag": "d", "Force": true}]}),
                "Images.0.Force",
            ),
        ] {
            let a = svc.action(action).unwrap();
            let Value::Object(map) = params.clone() else {
                panic!()
            };
            let err = validate(svc, svc.object(a.input), map).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParameter, "{params}");
            assert_eq!(
                err.zh,
                format!("参数 `{path}` 取值类型错误。参数类型应为 `string`"),
                "{params}"
            );
            assert_eq!(
                err.en,
                format!(
                    "The value type of parameter `{path}` is wrong. The parameter type should be `string`"
                ),
                "{params}"
            );
        }
    }

    #[test]
    fn null_is_absent() {
        let out = check("DescribeAssetImageRegistryDetail", json!({"Id": null})).unwrap();
        assert_eq!(out, json!({}));
    }
}
