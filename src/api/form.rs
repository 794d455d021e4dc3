//! Tencent's flattened parameter form (`Filters.0.Name=x&Filters.0.Values.1=y`):
//! decoding `application/x-www-form-urlencoded` and query strings, and unflattening
//! the pairs into the JSON shape the JSON body would have had.

use std::collections::{BTreeMap, HashMap, HashSet};

use percent_encoding::percent_decode;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Decodes `a=1&b=2` (with `+` for space), rejecting invalid UTF-8 and repeated names.
pub fn decode_pairs(raw: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for part in raw.split(|&b| b == b'&') {
        if part.is_empty() {
            continue;
        }
        let (k, v) = match part.iter().position(|&b| b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        };
        let key = decode(k)?;
        if key.is_empty() {
            return Err(ApiError::invalid_parameter(
                "A parameter has an empty name.",
                "存在名称为空的参数。",
            ));
        }
        if !seen.insert(key.clone()) {
            return Err(ApiError::invalid_parameter(
                format!("The parameter `{key}` is given more than once."),
                format!("参数`{key}`重复。"),
            ));
        }
        out.push((key, decode(v)?));
    }
    Ok(out)
}

fn decode(raw: &[u8]) -> Result<String, ApiError> {
    let plus: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&plus)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            ApiError::invalid_parameter(
                "A parameter is not valid UTF-8 after URL decoding.",
                "参数URL解码后不是合法的UTF-8。",
            )
        })
}

/// A node of the tree the flat names describe.
enum Node {
    Leaf(String),
    /// Children in order of first appearance, with an index by name (linear time
    /// however wide the form).
    Map(Vec<(String, Node)>, HashMap<String, usize>),
    /// Indexed children; indexes must end up 0..n without gaps.
    List(BTreeMap<usize, Node>),
}

fn conflict(name: &str) -> ApiError {
    ApiError::invalid_parameter(
        format!("The parameter `{name}` conflicts with another parameter of the same path."),
        format!("参数`{name}`与同一路径的其他参数冲突。"),
    )
}

/// The largest list index accepted in a flattened name.
const MAX_INDEX: usize = 100_000;

/// The most segments a flattened name may have (TCSS nests objects a few levels deep;
/// the bound keeps the unflattening, which recurses, far from the stack's limit).
const MAX_DEPTH: usize = 32;

/// Unflattens `(name, value)` pairs: numeric segments are 0-based list indexes.
pub fn unflatten(pairs: Vec<(String, String)>) -> Result<Map<String, Value>, ApiError> {
    let mut root = Node::Map(Vec::new(), HashMap::new());
    for (name, value) in pairs {
        let segments: Vec<&str> = name.split('.').collect();
        if segments.len() > MAX_DEPTH {
            return Err(ApiError::invalid_parameter(
                format!("The parameter name `{name}` nests deeper than {MAX_DEPTH} levels."),
                format!("参数名`{name}`的嵌套超过{MAX_DEPTH}层。"),
            ));
        }
        if segments.iter().any(|s| s.is_empty()) || segments[0].parse::<usize>().is_ok() {
            return Err(ApiError::invalid_parameter(
                format!("The parameter name `{name}` is not a valid flattened path."),
                format!("参数名`{name}`不是合法的路径。"),
            ));
        }
        insert_node(&mut root, &segments, value, &name)?;
    }
    match to_value(root)? {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

fn empty_for(next: Option<&&str>) -> Node {
    match next {
        None => Node::Leaf(String::new()),
        Some(s) if s.parse::<usize>().is_ok() => Node::List(BTreeMap::new()),
        Some(_) => Node::Map(Vec::new(), HashMap::new()),
    }
}

fn insert_node(node: &mut Node, rest: &[&str], value: String, full: &str) -> Result<(), ApiError> {
    match (node, rest.first()) {
        (Node::Leaf(slot), None) if slot.is_empty() => {
            *slot = value;
            Ok(())
        }
        (Node::Map(children, index), Some(seg)) if seg.parse::<usize>().is_err() => {
            let pos = match index.get(*seg) {
                Some(&p) => p,
                None => {
                    children.push(((*seg).to_string(), empty_for(rest.get(1))));
                    index.insert((*seg).to_string(), children.len() - 1);
                    children.len() - 1
                }
            };
            insert_node(&mut children[pos].1, &rest[1..], value, full)
        }
        (Node::List(items), Some(seg)) => {
            let at: usize = seg.parse().map_err(|_| conflict(full))?;
            if at > MAX_INDEX {
                return Err(ApiError::invalid_parameter(
                    format!("The index in `{full}` is too large."),
                    format!("`{full}`中的下标过大。"),
                ));
            }
            let child = items.entry(at).or_insert_with(|| empty_for(rest.get(1)));
            insert_node(child, &rest[1..], value, full)
        }
        _ => Err(conflict(full)),
    }
}

fn to_value(node: Node) -> Result<Value, ApiError> {
    Ok(match node {
        Node::Leaf(s) => Value::String(s),
        Node::Map(children, _) => {
            let mut m = Map::with_capacity(children.len());
            for (k, child) in children {
                m.insert(k, to_value(child)?);
            }
            Value::Object(m)
        }
        Node::List(items) => {
            if items.keys().enumerate().any(|(pos, i)| pos != *i) {
                return Err(ApiError::invalid_parameter(
                    "A flattened list skips an index (indexes start at 0 and have no gaps).",
                    "扁平化列表的下标不连续（下标从0开始且不能有空缺）。",
                ));
            }
            Value::Array(
                items
                    .into_values()
                    .map(to_value)
                    .collect::<Result<_, _>>()?,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        decode_pairs(raw.as_bytes()).unwrap()
    }

    #[test]
    fn decodes_plus_and_percent() {
        assert_eq!(
            pairs("a=1+2&b=%E4%B8%AD&c"),
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), "中".into()),
                ("c".into(), "".into())
            ]
        );
    }

    #[test]
    fn invalid_utf8_empty_names_and_repeats_are_invalid_parameter() {
        for raw in ["a=%FF", "=1", "a=1&a=2", "%C3=1"] {
            let err = decode_pairs(raw.as_bytes()).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParameter, "{raw}");
        }
    }

    #[test]
    fn unflattens_nested_lists_and_objects() {
        let out = unflatten(pairs(
            "Limit=5&Filters.1.Name=b&Filters.0.Values.0=x&Filters.0.Name=a&Filters.0.Values.1=y&Filters.1.Values.0=z&Id.0=1",
        ))
        .unwrap();
        assert_eq!(
            Value::Object(out),
            json!({
                "Limit": "5",
                "Filters": [{"Values": ["x", "y"], "Name": "a"}, {"Name": "b", "Values": ["z"]}],
                "Id": ["1"]
            })
        );
    }

    #[test]
    fn gaps_conflicts_and_bad_names_are_rejected() {
        for raw in [
            "Id.1=1",
            "Id.0=1&Id.2=2",
            "A=1&A.B=2",
            "A.B=2&A=1",
            "A.0=1&A.B=2",
            "A..B=1",
            "A.=1",
            "0=1",
            "A.999999999=1",
            &format!("A{}=1", ".b".repeat(40)),
        ] {
            let err = unflatten(pairs(raw)).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParameter, "{raw}");
        }
    }
}
