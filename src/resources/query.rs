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
use super::engine::id_text;
use crate::actions::registry::{
    AssetFilter, compare, descending, matches_filter, page, passes, sort_by,
};
use crate::error::ApiError;
use crate::spec::{Action, Object};
use crate::store::columns::{Column, Columns};

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

/// A time field and its bounds (`TimeRange`).
type Range = (&'static str, String, String);

/// A `TimeRange` filter (`["2022-03-31 16:55:00", "2022-03-31 17:00:00"]`, either end
/// may be empty) on the field the resource maps it to: the field, its bounds.
fn time_range(res: &Resource, f: &AssetFilter) -> Option<Range> {
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
fn within(item: &Map<String, Value>, ranges: &[Range]) -> bool {
    ranges
        .iter()
        .all(|(field, from, to)| in_range(item.get(*field), from, to))
}

/// Whether a time value falls within `from..=to` (an empty bound is open).
fn in_range(value: Option<&Value>, from: &str, to: &str) -> bool {
    let t = comparable(value.and_then(Value::as_str).unwrap_or(""));
    !t.is_empty() && (from.is_empty() || t.as_str() >= from) && (to.is_empty() || t.as_str() <= to)
}

/// What a list request asks: its filters (resolved to item fields) and its sort.
pub struct Plan {
    filters: Vec<AssetFilter>,
    /// `TimeRange` filters: a time field and its bounds.
    ranges: Vec<Range>,
    /// The item field to sort by, and whether descending.
    sort: Option<(&'static str, bool)>,
}

/// The filters and sort of a list request whose items are shown as `item`.
pub fn plan(
    res: &Resource,
    action: &Action,
    item: &'static Object,
    params: &Map<String, Value>,
) -> Result<Plan, ApiError> {
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
    let mut sort = None;
    if let Some(by) = params
        .get("By")
        .and_then(Value::as_str)
        .filter(|b| !b.is_empty())
    {
        let desc = descending(params.get("Order").and_then(Value::as_str), "Order")?;
        sort = item
            .members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(by))
            .map(|m| (m.name, desc));
    }
    Ok(Plan {
        filters,
        ranges,
        sort,
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
    let plan = plan(res, action, item, params)?;
    items.retain(|i| passes(i, &plan.filters) && within(i, &plan.ranges));
    if let Some((field, desc)) = plan.sort {
        sort_by(&mut items, field, desc);
    }
    Ok(items)
}

/// [`select`], then paged with Tencent's defaults (`Limit` 10, at most 100): for a
/// hook listing items it made itself. The page and the number that matched.
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

/// The same selection over a column view of the records (`store::columns`), with
/// the resource's links (`(field, wanted identifier)`) applied first: the positions
/// in `view` of the page's records, and how many matched. A filter is decided once
/// per distinct value of its field; a field the item type does not show is absent.
pub fn select_columns(
    plan: &Plan,
    item: &'static Object,
    view: &Columns,
    links: &[(&'static str, String)],
    params: &Map<String, Value>,
) -> Result<(Vec<usize>, usize), ApiError> {
    // One test per field, each distinct value decided once, when a record first
    // shows it (fields with fewer distinct values first: they narrow the most for
    // the least work).
    let mut tests: Vec<Test<'_>> = Vec::new();
    for f in &plan.filters {
        match shown(view, item, &f.name) {
            Some(col) => tests.push(Test::new(col, move |v| matches_filter(v, f))),
            // Absent from every record: the filter compares the empty value.
            None if matches_filter(None, f) => {}
            None => return Ok((Vec::new(), 0)),
        }
    }
    for (field, from, to) in &plan.ranges {
        match shown(view, item, field) {
            Some(col) => tests.push(Test::new(col, move |v| in_range(v, from, to))),
            None => return Ok((Vec::new(), 0)),
        }
    }
    for (link, wanted) in links {
        match view.column(link) {
            Some(col) => tests.push(Test::new(col, move |v| {
                v.and_then(id_text).as_deref() == Some(wanted.as_str())
            })),
            None => return Ok((Vec::new(), 0)),
        }
    }
    tests.sort_by_key(|t| t.column.values.len());
    let mut rows = Vec::new();
    for row in 0..view.len() {
        if tests.iter_mut().all(|t| t.passes(row)) {
            rows.push(row);
        }
    }
    if let Some((field, desc)) = plan.sort
        && let Some(col) = shown(view, item, field)
    {
        let rank = ranks(&col.values);
        let key = |row: usize| {
            col.codes
                .get(row)
                .and_then(|c| rank.get(usize::try_from(*c).unwrap_or(usize::MAX)))
                .copied()
                .unwrap_or(0)
        };
        if desc {
            rows.sort_by_key(|r| std::cmp::Reverse(key(*r)));
        } else {
            rows.sort_by_key(|r| key(*r));
        }
    }
    let total = rows.len();
    let limit = params.get("Limit").and_then(Value::as_u64);
    let offset = params.get("Offset").and_then(Value::as_u64);
    Ok((page(rows, limit, offset)?, total))
}

/// Whether a field's value (absent: `None`) passes.
type Decide<'a> = Box<dyn Fn(Option<&Value>) -> bool + 'a>;

/// A filter over one column, deciding each distinct value once.
struct Test<'a> {
    column: &'a Column,
    decide: Decide<'a>,
    /// Per distinct value: not decided yet, or the decision.
    decided: Vec<Option<bool>>,
}

impl<'a> Test<'a> {
    fn new(column: &'a Column, decide: impl Fn(Option<&Value>) -> bool + 'a) -> Self {
        Self {
            column,
            decide: Box::new(decide),
            decided: vec![None; column.values.len()],
        }
    }

    fn passes(&mut self, row: usize) -> bool {
        let Some(code) = self
            .column
            .codes
            .get(row)
            .and_then(|c| usize::try_from(*c).ok())
        else {
            return false;
        };
        match self.decided.get(code).copied().flatten() {
            Some(known) => known,
            None => {
                let value = self.column.values.get(code).filter(|v| !v.is_null());
                let pass = (self.decide)(value);
                if let Some(slot) = self.decided.get_mut(code) {
                    *slot = Some(pass);
                }
                pass
            }
        }
    }
}

/// The column of an item field, when the item type shows it.
fn shown<'a>(view: &'a Columns, item: &Object, field: &str) -> Option<&'a Column> {
    item.members
        .iter()
        .any(|m| m.name == field)
        .then(|| view.column(field))
        .flatten()
}

/// Each distinct value's rank in the sort order (equal values share one).
fn ranks(values: &[Value]) -> Vec<u32> {
    fn as_field(v: &Value) -> Option<&Value> {
        (!v.is_null()).then_some(v)
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| compare(as_field(&values[*a]), as_field(&values[*b])));
    let mut rank = vec![0u32; values.len()];
    let mut r = 0u32;
    for (i, idx) in order.iter().enumerate() {
        if i > 0 && compare(as_field(&values[order[i - 1]]), as_field(&values[*idx])).is_ne() {
            r += 1;
        }
        rank[*idx] = r;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::engine::item_type;
    use crate::resources::{Bind, bound, project};
    use crate::spec;
    use crate::store::{Record, Store};
    use serde_json::json;

    /// A small deterministic generator (the cases are the same on every run).
    struct Lcg(u64);
    impl Lcg {
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            from[usize::try_from(self.0 >> 33).unwrap() % from.len()]
        }
    }

    const STATUS: &[&str] = &["ONLINE", "OFFLINE", "online", "UNINSTALL", "-"];
    const NAMES: &[&str] = &["web-1", "web-2", "db-1", "Cache", "-"];
    const CORES: &[&str] = &["2", "4", "16", "8", "-"];

    #[test]
    fn column_views_select_exactly_what_the_projected_items_do() {
        let (res, bind) = bound("DescribeAssetHostList").unwrap();
        let Bind::List { items, .. } = bind else {
            panic!("not a list")
        };
        let action = spec::tcss().action("DescribeAssetHostList").unwrap();
        let item = item_type(action, items);
        let store = Store::open(None).unwrap();
        let mut g = Lcg(7);
        let mut records = Vec::new();
        for i in 0..60 {
            let mut f = Map::new();
            f.insert("HostID".into(), json!(format!("host-{i:03}")));
            for (name, from) in [("Status", STATUS), ("HostName", NAMES)] {
                match g.pick(from) {
                    "-" => {}
                    v => {
                        f.insert(name.into(), json!(v));
                    }
                }
            }
            if let Ok(n) = g.pick(CORES).parse::<i64>() {
                f.insert("CoresCnt".into(), json!(n));
            }
            f.insert("IsContainerd".into(), json!(g.pick(&["a", "b"]) == "a"));
            records.push(Record {
                collection: res.name.into(),
                account: "default".into(),
                id: format!("host-{i:03}"),
                seq: 0,
                fields: f,
            });
        }
        store.put_records(&records).unwrap();
        let shown: Vec<_> = store
            .records(res.name, "default")
            .unwrap()
            .iter()
            .map(|r| project(&r.fields, item))
            .collect();
        let view = store.columns(res.name, "default", 0, &|_, _| None).unwrap();
        for case in 0..300 {
            let mut filters = Vec::new();
            for _ in 0..(case % 3 + 1) {
                let name = g.pick(&["Status", "HostName", "status", "CoresCnt", "IsContainerd"]);
                let value = g.pick(&["ONLINE", "web", "1", "0", "16", "ALL", "", "db-1"]);
                let exact = g.pick(&["t", "f"]) == "t";
                filters.push(json!({"Name": name, "Values": [value], "ExactMatch": exact}));
            }
            let by = g.pick(&["HostName", "CoresCnt", "Status", "", "Nope"]);
            let order = g.pick(&["asc", "desc", "-", "+"]);
            let params = json!({"Filters": filters, "By": by, "Order": order, "Limit": 100});
            let params = params.as_object().unwrap();
            let want: Vec<Value> = select(res, action, item, shown.clone(), params)
                .unwrap()
                .iter()
                .map(|i| i["HostID"].clone())
                .collect();
            let plan = plan(res, action, item, params).unwrap();
            let (rows, total) = select_columns(&plan, item, &view, &[], params).unwrap();
            let have: Vec<Value> = rows.iter().map(|r| json!(view.ids[*r])).collect();
            assert_eq!(have, want, "case {case}: {params:?}");
            assert_eq!(total, want.len());
        }
    }
}
