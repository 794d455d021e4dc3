//! The list binding's query: the spec's filter types (`AssetFilters`,
//! `RunTimeFilters`, `ComplianceFilters`: Name, Values, ExactMatch) with their
//! semantics, sorting and paging, over records shown as the list's item type.
//!
//! A filter's `Name` is, without regard to case: a name the resource maps to a field
//! (`filter_fields`), else a member of the item type, else a name the action's
//! documentation lists (then it matches every record: the emulator keeps no data it
//! could filter on), else `InvalidParameterValue`.

use serde_json::{Map, Value};

use super::Resource;
use crate::actions::registry::{AssetFilter, descending, page, passes, sort_by};
use crate::error::ApiError;
use crate::spec::{Action, Object};

/// The members of a list request that are not filters on the items.
const PAGING: [&str; 5] = ["Limit", "Offset", "Filters", "By", "Order"];

/// A filter resolved to the item field it compares.
fn resolve(
    res: &Resource,
    action: &Action,
    item: &Object,
    i: usize,
    f: AssetFilter,
) -> Result<Option<AssetFilter>, ApiError> {
    let mapped = res
        .filter_fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&f.name))
        .map(|(_, to)| *to);
    let member = mapped.or_else(|| {
        item.members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(&f.name))
            .map(|m| m.name)
    });
    match member {
        Some(name) => Ok(Some(AssetFilter {
            name: name.to_string(),
            ..f
        })),
        None if action
            .filters
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&f.name)) =>
        {
            Ok(None)
        }
        None => Err(ApiError::invalid_parameter_value(
            &format!("Filters.{i}.Name"),
            &format!("`{}` is not a filter of {}", f.name, action.name),
        )),
    }
}

/// A `TimeRange` filter (`["2022-03-31 16:55:00", "2022-03-31 17:00:00"]`, either end
/// may be empty) on the field the resource maps it to: the field, its bounds.
fn time_range(res: &Resource, f: &AssetFilter) -> Option<(&'static str, String, String)> {
    if !f.name.eq_ignore_ascii_case("TimeRange") {
        return None;
    }
    let (_, field) = res
        .filter_fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("TimeRange"))?;
    let bound = |i: usize| f.values.get(i).map(|v| comparable(v)).unwrap_or_default();
    Some((field, bound(0), bound(1)))
}

/// An API time as comparable text: `2022-03-31T16:55:00Z` as `2022-03-31 16:55:00`.
fn comparable(time: &str) -> String {
    time.trim()
        .replacen('T', " ", 1)
        .trim_end_matches('Z')
        .to_string()
}

/// Whether `item`'s time fields fall within the ranges (bounds included).
fn within(item: &Map<String, Value>, ranges: &[(&str, String, String)]) -> bool {
    ranges.iter().all(|(field, from, to)| {
        let t = comparable(item.get(*field).and_then(Value::as_str).unwrap_or(""));
        !t.is_empty() && (from.is_empty() || t >= *from) && (to.is_empty() || t <= *to)
    })
}

/// Filters and sorts `items` (already shown as `item`) as `params` ask (not paged).
pub fn select(
    res: &Resource,
    action: &Action,
    item: &'static Object,
    mut items: Vec<Map<String, Value>>,
    params: &Map<String, Value>,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let mut filters = Vec::new();
    let mut ranges = Vec::new();
    if let Some(Value::Array(raw)) = params.get("Filters") {
        for (i, f) in raw.iter().enumerate() {
            let f: AssetFilter = serde_json::from_value(f.clone()).map_err(|e| {
                ApiError::invalid_parameter_value(&format!("Filters.{i}"), &e.to_string())
            })?;
            if let Some(range) = time_range(res, &f) {
                ranges.push(range);
                continue;
            }
            if let Some(f) = resolve(res, action, item, i, f)? {
                filters.push(f);
            }
        }
    }
    // Other request members that name an item field narrow the list exactly
    // (`DescribeClusterNodes`'s `ClusterId`, `DescribeAssetComponentList`'s
    // `ContainerID`).
    for (name, value) in params {
        if PAGING.contains(&name.as_str()) {
            continue;
        }
        let Some(m) = item
            .members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let want = match value {
            Value::String(s) if s.is_empty() => continue,
            Value::String(s) => s.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            _ => continue,
        };
        filters.push(AssetFilter {
            name: m.name.to_string(),
            values: vec![want],
            exact_match: Some(true),
        });
    }
    items.retain(|i| passes(i, &filters) && within(i, &ranges));
    if let Some(by) = params
        .get("By")
        .and_then(Value::as_str)
        .filter(|b| !b.is_empty())
    {
        let desc = descending(params.get("Order").and_then(Value::as_str), "Order")?;
        if let Some(m) = item
            .members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(by))
        {
            sort_by(&mut items, m.name, desc);
        }
    }
    Ok(items)
}

/// [`select`], then paged with Tencent's defaults (`Limit` 10, at most 100); the page
/// and the number that matched.
pub fn run(
    res: &Resource,
    action: &Action,
    item: &'static Object,
    items: Vec<Map<String, Value>>,
    params: &Map<String, Value>,
) -> Result<(Vec<Map<String, Value>>, usize), ApiError> {
    let items = select(res, action, item, items, params)?;
    let total = items.len();
    let limit = params.get("Limit").and_then(Value::as_u64);
    let offset = params.get("Offset").and_then(Value::as_u64);
    Ok((page(items, limit, offset)?, total))
}
