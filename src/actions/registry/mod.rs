//! The registry-image actions (`*AssetImageRegistry*`): one consistent world over the
//! store. Every action first settles scans whose time has come, then reads records
//! through [`view`], which derives what a record does not say itself (counts from
//! findings, live scan progress), so a list, a detail and a scan status always agree.

pub mod findings;
pub mod images;
pub mod scans;

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::resources::Env;
use crate::store::fixtures::{FINDINGS, SCAN_FAILURE};
use crate::store::{ImageRecord, Scan};

/// Runs a store call on this thread (a bound action already runs off the async
/// threads, see `resources::engine::call`).
pub fn run_store<T>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError>,
) -> Result<T, ApiError> {
    f().map_err(ApiError::from)
}

/// Tencent's paging defaults for these actions.
pub const DEFAULT_LIMIT: u64 = 10;
pub const MAX_LIMIT: u64 = 100;

/// The kinds of findings: fixture field, count field, status field, scan type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    Vul,
    Risk,
    Virus,
}

impl Finding {
    pub const ALL: [Finding; 3] = [Finding::Vul, Finding::Risk, Finding::Virus];

    /// The fixture field holding this kind's list.
    pub fn field(self) -> &'static str {
        match self {
            Self::Vul => FINDINGS[0].0,
            Self::Risk => FINDINGS[1].0,
            Self::Virus => FINDINGS[2].0,
        }
    }
    /// The API object type of one finding.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Vul => FINDINGS[0].1,
            Self::Risk => FINDINGS[1].1,
            Self::Virus => FINDINGS[2].1,
        }
    }
    pub fn count_field(self) -> &'static str {
        match self {
            Self::Vul => "VulCnt",
            Self::Risk => "RiskCnt",
            Self::Virus => "VirusCnt",
        }
    }
    pub fn status_field(self) -> &'static str {
        match self {
            Self::Vul => "CveStatus",
            Self::Risk => "RiskStatus",
            Self::Virus => "VirusStatus",
        }
    }
    pub fn progress_field(self) -> &'static str {
        match self {
            Self::Vul => "ScanVulProgress",
            Self::Risk => "ScanRiskProgress",
            Self::Virus => "ScanVirusProgress",
        }
    }
    pub fn error_field(self) -> &'static str {
        match self {
            Self::Vul => "ScanVulError",
            Self::Risk => "ScanRiskError",
            Self::Virus => "ScanVirusError",
        }
    }
    /// The `ScanType` value that asks for this kind.
    pub fn scan_type(self) -> &'static str {
        match self {
            Self::Vul => "CVE",
            Self::Risk => "RISK",
            Self::Virus => "VIRUS",
        }
    }
    pub fn from_scan_type(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.scan_type().eq_ignore_ascii_case(raw))
    }
}

fn str_field<'m>(map: &'m Map<String, Value>, name: &str) -> &'m str {
    map.get(name).and_then(Value::as_str).unwrap_or("")
}

/// RFC 3339 with the offset spelled out, as the API's examples write times.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

/// Whether `view` shows this kind's findings: its scan status (or, when the record
/// has none, the overall one) is `SCANNED`.
pub fn findings_visible(view: &Map<String, Value>, kind: Finding) -> bool {
    let own = str_field(view, kind.status_field());
    let status = if own.is_empty() {
        str_field(view, "ScanStatus")
    } else {
        own
    };
    status == "SCANNED"
}

/// The findings of `kind` a record shows (empty until scanned).
pub fn visible_findings(
    view: &Map<String, Value>,
    record: &ImageRecord,
    kind: Finding,
) -> Vec<Value> {
    if !findings_visible(view, kind) {
        return Vec::new();
    }
    record
        .fields
        .get(kind.field())
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Scan progress (0–99 while running) of `scan` at `at_ms`.
pub fn progress_at(scan: &Scan, at_ms: i64) -> u64 {
    let total = scan.full_ms.max(1);
    let done = (at_ms - scan.started_ms).clamp(0, total);
    u64::try_from(done * 100 / total).unwrap_or(0).min(99)
}

/// The record as the API shows it at `now_ms`: its own fields, `Id`, counts derived
/// from its findings where the fixture gave none, and live progress of a running scan.
pub fn view(record: &ImageRecord, running: Option<&Scan>, now_ms: i64) -> Map<String, Value> {
    view_owned(record.clone(), running, now_ms)
}

/// [`view`] of a record the caller no longer needs (no copy of its fields).
pub fn view_owned(record: ImageRecord, running: Option<&Scan>, now_ms: i64) -> Map<String, Value> {
    let ImageRecord {
        id, fields: mut v, ..
    } = record;
    let derived = derived(id, &v);
    for kind in Finding::ALL {
        v.shift_remove(kind.field());
    }
    v.shift_remove(SCAN_FAILURE);
    for (name, value) in derived {
        v.insert(name.into(), value);
    }
    if let Some(scan) = running {
        let progress = progress_at(scan, now_ms);
        let remaining = (scan.ends_ms - now_ms).max(0);
        v.insert("Progress".into(), Value::from(progress));
        v.insert(
            "ScanRemainTime".into(),
            Value::from((remaining + 999) / 1000),
        );
        for kind in Finding::ALL {
            if str_field(&v, kind.status_field()) == "SCANNING" {
                v.insert(kind.progress_field().into(), Value::from(progress));
            }
        }
    }
    v
}

/// What a record's view adds to its fields when no scan is running: `Id`, and the
/// counts the fixture did not set, following the findings the record shows.
pub fn derived(id: i64, fields: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    let mut out = vec![("Id", Value::from(id))];
    for kind in Finding::ALL {
        if !fields.contains_key(kind.count_field()) {
            let n = if findings_visible(fields, kind) {
                fields
                    .get(kind.field())
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            } else {
                0
            };
            out.push((kind.count_field(), Value::from(n)));
        }
    }
    out
}

/// Settles every scan whose end has come, then returns the caller's records with
/// their running scans.
pub fn load(env: &Env) -> Result<(Vec<ImageRecord>, HashMap<i64, Scan>), ApiError> {
    scans::settle(env)?;
    let store = env.store.clone();
    let account = env.account.clone();
    run_store(move || {
        let records = store.account_images(&account)?;
        let running = store
            .running_scans(Some(&account))?
            .into_iter()
            .map(|s| (s.image, s))
            .collect();
        Ok((records, running))
    })
}

/// `AssetFilters` as the API sends them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssetFilter {
    pub name: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub exact_match: Option<bool>,
}

/// Filters ANDed, values ORed; `ExactMatch` true compares whole values, otherwise a
/// value matches when it is contained (case-insensitively); the value `all` matches
/// anything. `fields` names what may be filtered on.
pub fn check_filters(
    filters: &[AssetFilter],
    fields: &dyn Fn(&str) -> bool,
) -> Result<(), ApiError> {
    for (i, f) in filters.iter().enumerate() {
        if !fields(&f.name) {
            return Err(ApiError::invalid_parameter_value(
                &format!("Filters.{i}.Name"),
                &format!("`{}` is not a field that can be filtered on", f.name),
            ));
        }
    }
    Ok(())
}

/// A JSON value as filter and sort text: strings as they are, numbers as digits,
/// booleans as `true`/`false`, lists element by element.
fn texts(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().flat_map(|i| texts(Some(i))).collect(),
        Some(Value::Null) | None => vec![String::new()],
        Some(other) => vec![other.to_string()],
    }
}

fn value_matches(have: &str, want: &str, exact: bool) -> bool {
    let want_norm = match want {
        "1" if have == "true" || have == "false" => "true",
        "0" if have == "true" || have == "false" => "false",
        w => w,
    };
    if want.eq_ignore_ascii_case("all") {
        return true;
    }
    if exact {
        have == want_norm
    } else {
        contains_ignoring_case(have, want_norm)
    }
}

/// Whether `have` contains `want`, ignoring case (ASCII without allocating).
fn contains_ignoring_case(have: &str, want: &str) -> bool {
    if have.is_ascii() && want.is_ascii() {
        let (h, w) = (have.as_bytes(), want.as_bytes());
        w.is_empty() || h.windows(w.len()).any(|win| win.eq_ignore_ascii_case(w))
    } else {
        have.to_lowercase().contains(&want.to_lowercase())
    }
}

/// Whether a field's value (absent: `None`) passes one filter.
pub fn matches_filter(value: Option<&Value>, f: &AssetFilter) -> bool {
    if f.values.is_empty() {
        return true;
    }
    let have = texts(value);
    f.values.iter().any(|want| {
        have.iter()
            .any(|h| value_matches(h, want, f.exact_match.unwrap_or(false)))
    })
}

/// Whether `item` passes every filter.
pub fn passes(item: &Map<String, Value>, filters: &[AssetFilter]) -> bool {
    filters.iter().all(|f| matches_filter(item.get(&f.name), f))
}

/// How two values of a field sort: numbers by value, anything else by its text.
pub fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        (x, y) => texts(x).cmp(&texts(y)),
    }
}

/// Sorts by `field` (numbers by value, text by bytes), then keeps the given order.
pub fn sort_by(items: &mut [Map<String, Value>], field: &str, descending: bool) {
    items.sort_by(|a, b| {
        let ord = compare(a.get(field), b.get(field));
        if descending { ord.reverse() } else { ord }
    });
}

/// `Order`: `asc`/`desc` (any case) or `+`/`-`; absent is ascending.
pub fn descending(order: Option<&str>, path: &str) -> Result<bool, ApiError> {
    match order.map(str::trim) {
        None | Some("") => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("asc") || o == "+" => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("desc") || o == "-" => Ok(true),
        Some(o) => Err(ApiError::invalid_parameter_value(
            path,
            &format!("`{o}` is not asc, desc, + or -"),
        )),
    }
}

/// `Limit`/`Offset` with Tencent's default (10) and maximum (100).
pub fn page<T>(items: Vec<T>, limit: Option<u64>, offset: Option<u64>) -> Result<Vec<T>, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::invalid_parameter_value(
            "Limit",
            &format!("must be from 1 to {MAX_LIMIT}"),
        ));
    }
    let offset = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(items.into_iter().skip(offset).take(limit).collect())
}

/// `{"List": [...], "TotalCount": n}`: `TotalCount` counts before paging.
pub fn paged(
    items: Vec<Map<String, Value>>,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Map<String, Value>, ApiError> {
    let total = items.len();
    let list = page(items, limit, offset)?;
    let mut out = Map::new();
    out.insert(
        "List".into(),
        Value::Array(list.into_iter().map(Value::Object).collect()),
    );
    out.insert("TotalCount".into(), Value::from(total));
    Ok(out)
}

/// `ImageInfo` as the API sends it: the four naming fields identify an image; the
/// optional ones narrow it down when given.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageInfo {
    pub instance_name: String,
    pub namespace: String,
    pub image_name: String,
    pub image_tag: String,
    #[serde(default)]
    pub image_digest: Option<String>,
    #[serde(default)]
    pub registry_type: Option<String>,
    #[serde(default)]
    pub image_repo_address: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
}

impl ImageInfo {
    pub fn matches(&self, fields: &Map<String, Value>) -> bool {
        let eq = |name: &str, want: &str| str_field(fields, name) == want;
        let opt = |name: &str, want: &Option<String>| {
            want.as_deref().is_none_or(|w| w.is_empty() || eq(name, w))
        };
        eq("InstanceName", &self.instance_name)
            && eq("Namespace", &self.namespace)
            && eq("ImageName", &self.image_name)
            && eq("ImageTag", &self.image_tag)
            && opt("ImageDigest", &self.image_digest)
            && opt("RegistryType", &self.registry_type)
            && opt("ImageRepoAddress", &self.image_repo_address)
            && opt("InstanceId", &self.instance_id)
    }
}

/// Reads validated parameters into an action's request type.
pub fn params<T: serde::de::DeserializeOwned>(params: Map<String, Value>) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(params)).map_err(|e| {
        ApiError::invalid_parameter(
            format!("Invalid parameters: {e}."),
            format!("参数错误：{e}。"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filter(name: &str, values: &[&str], exact: Option<bool>) -> AssetFilter {
        AssetFilter {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            exact_match: exact,
        }
    }

    #[test]
    fn filters_and_across_or_within_fuzzy_unless_exact() {
        let item = json!({"ImageName": "nginx-alpine", "IsAuthorized": 1, "IsLatestImage": true, "Tag": ["a", "b"]});
        let item = item.as_object().unwrap();
        assert!(passes(item, &[filter("ImageName", &["NGINX"], None)]));
        assert!(!passes(
            item,
            &[filter("ImageName", &["nginx"], Some(true))]
        ));
        assert!(passes(
            item,
            &[filter("ImageName", &["redis", "alpine"], None)]
        ));
        assert!(!passes(
            item,
            &[
                filter("ImageName", &["nginx"], None),
                filter("IsAuthorized", &["0"], Some(true))
            ]
        ));
        assert!(passes(
            item,
            &[filter("IsAuthorized", &["all"], Some(true))]
        ));
        assert!(passes(item, &[filter("IsLatestImage", &["1"], Some(true))]));
        assert!(passes(item, &[filter("Tag", &["b"], Some(true))]));
    }

    #[test]
    fn paging_follows_tencent_defaults() {
        let items: Vec<u32> = (0..30).collect();
        assert_eq!(page(items.clone(), None, None).unwrap().len(), 10);
        assert_eq!(
            page(items.clone(), Some(100), Some(25)).unwrap(),
            vec![25, 26, 27, 28, 29]
        );
        assert!(page(items.clone(), Some(101), None).is_err());
        assert!(page(items, Some(0), None).is_err());
    }

    #[test]
    fn a_rendered_detail_is_the_answer_built_from_the_record() {
        let svc = crate::spec::tcss();
        let action = svc.action(images::DETAIL).unwrap();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/registry-images.json"
        ))
        .unwrap();
        let mut records = crate::store::fixtures::parse("registry-images.json", &text).unwrap();
        records.extend(crate::resources::fixtures::bundled().unwrap().images);
        // Findings shown and hidden, counts set and derived, a failure to come.
        records.push(ImageRecord {
            id: 9,
            account: "a".into(),
            fields:
                json!({"ScanStatus": "SCANNED", "CveStatus": "SCANNED", "RiskStatus": "SCANNING",
                "Vulnerabilities": [{"CVEID": "a"}, {"CVEID": "b"}], "Risks": [{"Id": 1}],
                "VirusCnt": 4, "ScanFailure": {"ScanVulError": "x"}, "ImageSize": 12})
                .as_object()
                .cloned()
                .unwrap(),
        });
        assert!(records.len() > 60);
        for record in &records {
            let built = crate::actions::answer(svc, action, &view(record, None, 0));
            assert_eq!(
                images::render_detail(record).unwrap(),
                serde_json::to_string(&built).unwrap(),
                "record {}",
                record.id
            );
        }
    }

    #[test]
    fn live_progress_and_derived_counts() {
        let record = ImageRecord {
            id: 1,
            account: "default".into(),
            fields: json!({"ScanStatus": "SCANNING", "CveStatus": "SCANNING", "Vulnerabilities": [{"CVEID": "a"}], "RiskCnt": 7})
                .as_object()
                .cloned()
                .unwrap(),
        };
        let scan = Scan {
            task: 1,
            image: 1,
            started_ms: 1_000,
            ends_ms: 11_000,
            full_ms: 10_000,
            outcome: "SCANNED".into(),
            state: "running".into(),
            stopped_ms: None,
        };
        let v = view(&record, Some(&scan), 6_000);
        assert_eq!(v["Progress"], 50);
        assert_eq!(v["ScanVulProgress"], 50);
        assert_eq!(v["ScanRemainTime"], 5);
        assert_eq!(v["VulCnt"], 0, "findings hidden while scanning");
        assert_eq!(v["RiskCnt"], 7, "the fixture's count wins");
        assert!(v.get("Vulnerabilities").is_none());
    }
}
