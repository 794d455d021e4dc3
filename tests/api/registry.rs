//! The registry-image world over a 60-image fixture (`tests/fixtures/registry-images.json`,
//! made by `tests/fixtures/make-registry-images.py`): list filters, sorting and paging
//! (table-driven, expectations computed from the fixture JSON), list/detail/finding-list
//! consistency, scans on a frozen emulator clock, exports and the clock admin API.

use std::collections::BTreeSet;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const LIST: &str = "DescribeAssetImageRegistryList";
const DETAIL: &str = "DescribeAssetImageRegistryDetail";
const SUMMARY: &str = "DescribeAssetImageRegistrySummary";
const CREATE: &str = "CreateAssetImageRegistryScanTask";
const STATUS: &str = "DescribeAssetImageRegistryScanStatusOneKey";
const STOP: &str = "ModifyAssetImageRegistryScanStop";

/// 2030-01-01T00:00:00Z: a whole second, so scan end times are exact in RFC 3339.
const T0_MS: i64 = 1_893_456_000_000;
/// The default `--scan-duration`.
const SCAN_MS: i64 = 5_000;

fn fixture_path() -> String {
    format!(
        "{}/tests/fixtures/registry-images.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The fixture's records, as written.
fn fixture() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture_path()).expect("fixture file");
    let doc: Value = serde_json::from_str(&text).expect("fixture JSON");
    doc["images"].as_array().expect("images").clone()
}

async fn spawn() -> TestApp {
    let path = fixture_path();
    spawn_with(&["--fixtures", &path, "--rate-limit", "0"]).await
}

/// Freezes the emulator clock at `T0_MS`.
fn freeze(app: &TestApp) {
    app.state.clock.set_frozen(true);
    app.state.clock.set_ms(T0_MS);
}

// ---------------------------------------------------------------------------
// reading fixture records
// ---------------------------------------------------------------------------

fn id(r: &Value) -> u64 {
    r["Id"].as_u64().expect("Id")
}

fn s<'a>(r: &'a Value, field: &str) -> &'a str {
    r[field].as_str().unwrap_or("")
}

fn n(r: &Value, field: &str) -> u64 {
    r[field].as_u64().unwrap_or(0)
}

fn ids(records: &[&Value]) -> Vec<u64> {
    records.iter().map(|r| id(r)).collect()
}

/// The kinds of findings: fixture list, count, own status, list action.
const KINDS: [(&str, &str, &str, &str); 3] = [
    (
        "Vulnerabilities",
        "VulCnt",
        "CveStatus",
        "DescribeAssetImageRegistryVulList",
    ),
    (
        "Risks",
        "RiskCnt",
        "RiskStatus",
        "DescribeAssetImageRegistryRiskInfoList",
    ),
    (
        "Viruses",
        "VirusCnt",
        "VirusStatus",
        "DescribeAssetImageRegistryVirusList",
    ),
];

fn fixture_findings<'a>(r: &'a Value, list: &str) -> &'a [Value] {
    r[list].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// What a fixture record shows of a kind of finding: everything once that kind's
/// status (or, without one, `ScanStatus`) is `SCANNED`, else nothing.
fn visible(r: &Value, list: &str, status: &str) -> usize {
    let st = if s(r, status).is_empty() {
        s(r, "ScanStatus")
    } else {
        s(r, status)
    };
    if st == "SCANNED" {
        fixture_findings(r, list).len()
    } else {
        0
    }
}

/// The count the API answers for a fixture record: the fixture's own, else derived.
fn count(r: &Value, kind: usize) -> u64 {
    let (list, cnt, status, _) = KINDS[kind];
    r.get(cnt)
        .and_then(Value::as_u64)
        .unwrap_or(visible(r, list, status) as u64)
}

fn vul_cnt(r: &Value) -> u64 {
    count(r, 0)
}

fn has_explicit_counts(r: &Value) -> bool {
    KINDS.iter().any(|(_, cnt, _, _)| r.get(*cnt).is_some())
}

/// An unscanned image with vulnerabilities, no ScanFailure and derived counts.
fn scannable(fx: &[Value], skip: usize) -> Value {
    fx.iter()
        .filter(|r| {
            s(r, "ScanStatus") == "NOT_SCAN"
                && !fixture_findings(r, "Vulnerabilities").is_empty()
                && r.get("ScanFailure").is_none()
                && !has_explicit_counts(r)
        })
        .nth(skip)
        .expect("the fixture has unscanned images with findings")
        .clone()
}

fn unscanned(fx: &[Value]) -> u64 {
    fx.iter()
        .filter(|r| s(r, "ScanStatus") != "SCANNED")
        .count() as u64
}

fn filter(name: &str, values: &[&str], exact: Option<bool>) -> Value {
    let mut f = json!({"Name": name, "Values": values});
    if let Some(e) = exact {
        f["ExactMatch"] = json!(e);
    }
    f
}

fn list_ids(res: &Value) -> Vec<u64> {
    res["List"]
        .as_array()
        .unwrap_or_else(|| panic!("no List in {res}"))
        .iter()
        .map(|i| i["Id"].as_u64().expect("Id"))
        .collect()
}

fn ms_of(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339:?} is not RFC 3339: {e}"))
        .timestamp_millis()
}

// ---------------------------------------------------------------------------
// list: filters, sorting, paging (table-driven)
// ---------------------------------------------------------------------------

/// A sort key, as the list orders it (numbers by value, text by bytes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    N(u64),
    S(String),
}

enum Expect {
    /// The whole selection in this exact order (paging is applied by the test).
    Ids(Vec<u64>),
    /// Sorted on a key with ties: the selection (in any tie order) and the key of
    /// each position; `key` reads a list entry.
    Sorted {
        ids: Vec<u64>,
        keys: Vec<Key>,
        key: fn(&Value) -> Key,
    },
    Error(&'static str),
}

struct Case {
    name: &'static str,
    req: Value,
    expect: Expect,
}

fn case(name: &'static str, req: Value, expect: Expect) -> Case {
    Case { name, req, expect }
}

/// Ids (in Id order) of the records that satisfy `keep`.
fn select(fx: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<u64> {
    let v: Vec<&Value> = fx.iter().filter(|r| keep(r)).collect();
    ids(&v)
}

/// Records satisfying `keep`, stably sorted on `key` (Id order within ties).
fn sorted(
    fx: &[Value],
    keep: impl Fn(&Value) -> bool,
    key: impl Fn(&Value) -> Key,
    desc: bool,
) -> (Vec<u64>, Vec<Key>) {
    let mut v: Vec<&Value> = fx.iter().filter(|r| keep(r)).collect();
    v.sort_by(|a, b| {
        let o = key(a).cmp(&key(b));
        if desc { o.reverse() } else { o }
    });
    (ids(&v), v.iter().map(|r| key(r)).collect())
}

fn contains_ci(have: &str, want: &str) -> bool {
    have.to_lowercase().contains(&want.to_lowercase())
}

fn cases(fx: &[Value]) -> Vec<Case> {
    let all = |_: &Value| true;
    let by_size = |r: &Value| Key::N(n(r, "ImageSize"));
    let one = &fx[17];
    let one_image_id = s(one, "ImageId").to_string();
    let (size_desc, _) = sorted(fx, all, by_size, true);
    let (size_asc, _) = sorted(fx, all, by_size, false);
    let (vul_desc, vul_desc_keys) = sorted(fx, all, |r| Key::N(vul_cnt(r)), true);
    let (vul_asc_scanned, vul_asc_scanned_keys) = sorted(
        fx,
        |r| s(r, "ScanStatus") == "SCANNED",
        |r| Key::N(vul_cnt(r)),
        false,
    );
    let (name_asc, name_asc_keys) = sorted(fx, all, |r| Key::S(s(r, "ImageName").into()), false);
    let (name_desc_db, name_desc_db_keys) = sorted(
        fx,
        |r| s(r, "Namespace") == "db",
        |r| Key::S(s(r, "ImageName").into()),
        true,
    );
    let entry_vul = |e: &Value| Key::N(e["VulCnt"].as_u64().expect("VulCnt"));
    let entry_name = |e: &Value| Key::S(e["ImageName"].as_str().expect("ImageName").into());

    vec![
        // -- paging ----------------------------------------------------------
        case(
            "defaults: first 10 by Id",
            json!({}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "Limit 100: everything by Id",
            json!({"Limit": 100}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "Limit 7 Offset 14",
            json!({"Limit": 7, "Offset": 14}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "Offset 55: the last 5",
            json!({"Offset": 55}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "Offset 60: empty page, full TotalCount",
            json!({"Offset": 60}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "Offset 1000 beyond the end",
            json!({"Offset": 1000, "Limit": 100}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "Limit 0",
            json!({"Limit": 0}),
            Expect::Error("InvalidParameterValue"),
        ),
        case(
            "Limit 101",
            json!({"Limit": 101}),
            Expect::Error("InvalidParameterValue"),
        ),
        // -- filters ---------------------------------------------------------
        case(
            "ImageName nginx (default: contains)",
            json!({"Limit": 100, "Filters": [filter("ImageName", &["nginx"], None)]}),
            Expect::Ids(select(fx, |r| contains_ci(s(r, "ImageName"), "nginx"))),
        ),
        case(
            "ImageName NGINX, ExactMatch false: case-insensitive",
            json!({"Limit": 100, "Filters": [filter("ImageName", &["NGINX"], Some(false))]}),
            Expect::Ids(select(fx, |r| s(r, "ImageName") == "nginx")),
        ),
        case(
            "ImageName NGINX, ExactMatch true: nothing",
            json!({"Limit": 100, "Filters": [filter("ImageName", &["NGINX"], Some(true))]}),
            Expect::Ids(vec![]),
        ),
        case(
            "ImageName `gin`, fuzzy: nginx",
            json!({"Limit": 100, "Filters": [filter("ImageName", &["gin"], Some(false))]}),
            Expect::Ids(select(fx, |r| s(r, "ImageName").contains("gin"))),
        ),
        case(
            "ImageName `gin`, exact: nothing",
            json!({"Limit": 100, "Filters": [filter("ImageName", &["gin"], Some(true))]}),
            Expect::Ids(vec![]),
        ),
        case(
            "ImageName redis OR mysql (exact)",
            json!({"Limit": 100, "Filters": [filter("ImageName", &["redis", "mysql"], Some(true))]}),
            Expect::Ids(select(fx, |r| {
                ["redis", "mysql"].contains(&s(r, "ImageName"))
            })),
        ),
        case(
            "ImageTag alpine, fuzzy: every *alpine* tag",
            json!({"Limit": 100, "Filters": [filter("ImageTag", &["alpine"], None)]}),
            Expect::Ids(select(fx, |r| s(r, "ImageTag").contains("alpine"))),
        ),
        case(
            "ImageTag alpine, exact: only the tag `alpine`",
            json!({"Limit": 100, "Filters": [filter("ImageTag", &["alpine"], Some(true))]}),
            Expect::Ids(select(fx, |r| s(r, "ImageTag") == "alpine")),
        ),
        case(
            "Namespace db AND RegistryType tcr",
            json!({"Limit": 100, "Filters": [
                filter("Namespace", &["db"], Some(true)),
                filter("RegistryType", &["tcr"], Some(true)),
            ]}),
            Expect::Ids(select(fx, |r| {
                s(r, "Namespace") == "db" && s(r, "RegistryType") == "tcr"
            })),
        ),
        case(
            "InstanceName `tcr`, fuzzy: tcr-prod and tcr-dev",
            json!({"Limit": 100, "Filters": [filter("InstanceName", &["tcr"], None)]}),
            Expect::Ids(select(fx, |r| s(r, "InstanceName").starts_with("tcr-"))),
        ),
        case(
            "InstanceName tcr-dev, exact",
            json!({"Limit": 100, "Filters": [filter("InstanceName", &["tcr-dev"], Some(true))]}),
            Expect::Ids(select(fx, |r| s(r, "InstanceName") == "tcr-dev")),
        ),
        case(
            "RegistryType harbor OR ccr",
            json!({"Limit": 100, "Filters": [filter("RegistryType", &["harbor", "ccr"], Some(true))]}),
            Expect::Ids(select(fx, |r| s(r, "RegistryType") != "tcr")),
        ),
        case(
            "ImageId exact: one image",
            json!({"Filters": [filter("ImageId", &[&one_image_id], Some(true))]}),
            Expect::Ids(vec![id(one)]),
        ),
        case(
            "ScanStatus SCANNED, exact",
            json!({"Limit": 100, "Filters": [filter("ScanStatus", &["SCANNED"], Some(true))]}),
            Expect::Ids(select(fx, |r| s(r, "ScanStatus") == "SCANNED")),
        ),
        case(
            "ScanStatus NOT_SCAN, exact",
            json!({"Limit": 100, "Filters": [filter("ScanStatus", &["NOT_SCAN"], Some(true))]}),
            Expect::Ids(select(fx, |r| s(r, "ScanStatus") == "NOT_SCAN")),
        ),
        case(
            "ScanStatus `scan`, fuzzy: both statuses contain it",
            json!({"Limit": 100, "Filters": [filter("ScanStatus", &["scan"], None)]}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "OsName windows",
            json!({"Limit": 100, "Filters": [filter("OsName", &["windows"], None)]}),
            Expect::Ids(select(fx, |r| s(r, "OsName") == "windows")),
        ),
        case(
            "IsAuthorized all",
            json!({"Limit": 100, "Filters": [filter("IsAuthorized", &["all"], Some(true))]}),
            Expect::Ids(select(fx, all)),
        ),
        case(
            "IsAuthorized 1",
            json!({"Limit": 100, "Filters": [filter("IsAuthorized", &["1"], Some(true))]}),
            Expect::Ids(select(fx, |r| n(r, "IsAuthorized") == 1)),
        ),
        case(
            "IsAuthorized 0",
            json!({"Limit": 100, "Filters": [filter("IsAuthorized", &["0"], Some(true))]}),
            Expect::Ids(select(fx, |r| n(r, "IsAuthorized") == 0)),
        ),
        case(
            "three filters ANDed, second page of 3",
            json!({"Limit": 3, "Offset": 3, "Filters": [
                filter("Namespace", &["web", "base"], Some(true)),
                filter("IsAuthorized", &["1"], Some(true)),
                filter("OsName", &["linux"], Some(true)),
            ]}),
            Expect::Ids(select(fx, |r| {
                ["web", "base"].contains(&s(r, "Namespace"))
                    && n(r, "IsAuthorized") == 1
                    && s(r, "OsName") == "linux"
            })),
        ),
        case(
            "OnlyShowLatest",
            json!({"Limit": 100, "OnlyShowLatest": true}),
            Expect::Ids(select(fx, |r| r["IsLatestImage"] == json!(true))),
        ),
        case(
            "unknown filter name",
            json!({"Filters": [filter("Colour", &["blue"], None)]}),
            Expect::Error("InvalidParameterValue"),
        ),
        // -- sorting ---------------------------------------------------------
        case(
            "By ImageSize desc",
            json!({"Limit": 100, "By": "ImageSize", "Order": "desc"}),
            Expect::Ids(size_desc.clone()),
        ),
        case(
            "By ImageSize Order - (page 2 of 8)",
            json!({"Limit": 8, "Offset": 8, "By": "ImageSize", "Order": "-"}),
            Expect::Ids(size_desc),
        ),
        case(
            "By ImageSize Order +",
            json!({"Limit": 12, "By": "ImageSize", "Order": "+"}),
            Expect::Ids(size_asc.clone()),
        ),
        case(
            "By ImageSize, no Order: ascending",
            json!({"Limit": 100, "By": "ImageSize"}),
            Expect::Ids(size_asc),
        ),
        case(
            "By ImageSize with a filter: nginx largest first",
            json!({"Limit": 100, "By": "ImageSize", "Order": "DESC",
                   "Filters": [filter("ImageName", &["nginx"], Some(true))]}),
            Expect::Ids(sorted(fx, |r| s(r, "ImageName") == "nginx", by_size, true).0),
        ),
        case(
            "By VulCnt desc (derived counts; the fixture's where it has one)",
            json!({"Limit": 100, "By": "VulCnt", "Order": "desc"}),
            Expect::Sorted {
                ids: vul_desc,
                keys: vul_desc_keys,
                key: entry_vul,
            },
        ),
        case(
            "By VulCnt + among SCANNED",
            json!({"Limit": 100, "By": "VulCnt", "Order": "+",
                   "Filters": [filter("ScanStatus", &["SCANNED"], Some(true))]}),
            Expect::Sorted {
                ids: vul_asc_scanned,
                keys: vul_asc_scanned_keys,
                key: entry_vul,
            },
        ),
        case(
            "By ImageName asc",
            json!({"Limit": 100, "By": "ImageName", "Order": "asc"}),
            Expect::Sorted {
                ids: name_asc,
                keys: name_asc_keys,
                key: entry_name,
            },
        ),
        case(
            "By ImageName - in namespace db",
            json!({"Limit": 100, "By": "ImageName", "Order": "-",
                   "Filters": [filter("Namespace", &["db"], Some(true))]}),
            Expect::Sorted {
                ids: name_desc_db,
                keys: name_desc_db_keys,
                key: entry_name,
            },
        ),
        case(
            "By a field ImageRepoInfo lacks",
            json!({"By": "Colour"}),
            Expect::Error("InvalidParameterValue"),
        ),
        case(
            "Order neither asc nor desc",
            json!({"By": "ImageSize", "Order": "sideways"}),
            Expect::Error("InvalidParameterValue"),
        ),
    ]
}

#[tokio::test]
async fn list_filters_sorting_and_paging_follow_the_fixture() {
    let fx = fixture();
    assert_eq!(fx.len(), 60);
    let app = spawn().await;
    let table = cases(&fx);
    assert!(table.len() >= 20);
    let mut failures = Vec::new();
    for c in &table {
        let res = app.call(LIST, c.req.clone()).await;
        let limit = c.req["Limit"].as_u64().unwrap_or(10) as usize;
        let offset = c.req["Offset"].as_u64().unwrap_or(0) as usize;
        let problem = match &c.expect {
            Expect::Error(want) => {
                (code(&res) != Some(*want)).then(|| format!("expected error {want}, got {res}"))
            }
            _ if code(&res).is_some() => Some(format!("unexpected error: {res}")),
            Expect::Ids(want) => {
                let page: Vec<u64> = want.iter().skip(offset).take(limit).copied().collect();
                let total = res["TotalCount"].as_u64();
                let got = list_ids(&res);
                (total != Some(want.len() as u64) || got != page).then(|| {
                    format!(
                        "TotalCount {total:?} (want {}), ids {got:?} (want {page:?})",
                        want.len()
                    )
                })
            }
            Expect::Sorted { ids, keys, key } => {
                assert!(
                    offset == 0 && limit >= ids.len(),
                    "{}: one full page",
                    c.name
                );
                let total = res["TotalCount"].as_u64();
                let got = list_ids(&res);
                let got_keys: Vec<Key> = res["List"]
                    .as_array()
                    .expect("List")
                    .iter()
                    .map(key)
                    .collect();
                let same_set = got.iter().collect::<BTreeSet<_>>() == ids.iter().collect();
                (total != Some(ids.len() as u64) || !same_set || &got_keys != keys).then(|| {
                    format!(
                        "TotalCount {total:?} (want {}), ids {got:?} (want a permutation of {ids:?}), keys {got_keys:?} (want {keys:?})",
                        ids.len()
                    )
                })
            }
        };
        if let Some(p) = problem {
            failures.push(format!("case `{}` {}: {p}", c.name, c.req));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// one world: list == detail == finding lists
// ---------------------------------------------------------------------------

/// One image's detail and finding lists, checked against its list entry and fixture
/// record; answers how many of its counts the fixture sets.
async fn check_image(app: Arc<TestApp>, entry: Value, record: Value) -> usize {
    let image = id(&record);
    assert_eq!(entry["Id"], image);
    // The fixture's own fields come back as written.
    for field in [
        "ImageName",
        "ImageTag",
        "Namespace",
        "InstanceName",
        "RegistryType",
        "ImageId",
        "ImageDigest",
        "ImageSize",
        "OsName",
        "IsAuthorized",
        "IsLatestImage",
        "ScanStatus",
        "CveStatus",
        "ScanTime",
        "ImageCreateTime",
    ] {
        let want = record.get(field).cloned().unwrap_or(json!(""));
        assert_eq!(entry[field], want, "Id {image}: list field {field}");
    }
    // The detail is the list entry, on every field both have.
    let detail = app.call(DETAIL, json!({"Id": image})).await;
    assert_eq!(code(&detail), None, "{detail}");
    let mut shared = 0;
    for (k, v) in detail.as_object().expect("object") {
        if k == "RequestId" {
            continue;
        }
        if let Some(lv) = entry.get(k) {
            shared += 1;
            assert_eq!(v, lv, "Id {image}: detail {k} vs list {k}");
        }
    }
    assert!(shared >= 30, "Id {image}: only {shared} shared fields");
    if image.is_multiple_of(3) {
        // By ImageId too (a sample, to keep the test fast).
        let by_image_id = app
            .call(DETAIL, json!({"ImageId": s(&record, "ImageId")}))
            .await;
        assert_eq!(by_image_id["Id"], image, "detail by ImageId");
    }

    // Counts: derived from the finding lists, unless the fixture sets them.
    let mut explicit = 0;
    for (k, (list_field, cnt, status, action)) in KINDS.iter().enumerate() {
        let found = app.call(action, json!({"Id": image, "Limit": 100})).await;
        assert_eq!(code(&found), None, "{action} Id {image}: {found}");
        let total = found["TotalCount"].as_u64().expect("TotalCount");
        let n_items = found["List"].as_array().expect("List").len() as u64;
        assert_eq!(total, n_items, "{action} Id {image}");
        let shown = visible(&record, list_field, status) as u64;
        assert_eq!(total, shown, "{action} Id {image}: visible findings");
        assert_eq!(entry[*cnt], count(&record, k), "Id {image}: {cnt}");
        assert_eq!(detail[*cnt], count(&record, k), "Id {image}: detail {cnt}");
        if let Some(own) = record.get(*cnt) {
            explicit += 1;
            assert_eq!(entry[*cnt], *own, "Id {image}: the fixture's {cnt} wins");
        } else {
            assert_eq!(
                entry[*cnt], total,
                "Id {image}: {cnt} == {action} TotalCount"
            );
        }
    }
    explicit
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_listed_image_agrees_with_its_detail_and_its_finding_lists() {
    let fx = fixture();
    let app = Arc::new(spawn().await);
    let list = app.call(LIST, json!({"Limit": 100})).await;
    assert_eq!(list["TotalCount"], 60, "{list}");
    let entries = list["List"].as_array().expect("List").clone();
    assert_eq!(entries.len(), 60);
    let mut checks = tokio::task::JoinSet::new();
    for (entry, record) in entries.into_iter().zip(fx.iter().cloned()) {
        checks.spawn(check_image(app.clone(), entry, record));
    }
    let mut explicit_seen = 0;
    while let Some(done) = checks.join_next().await {
        match done {
            Ok(n) => explicit_seen += n,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    assert_eq!(
        explicit_seen, 6,
        "two images with all three counts explicit"
    );

    // The lists hold the fixture's findings, in fixture order.
    let scanned_with_vuls = fx
        .iter()
        .find(|r| {
            s(r, "ScanStatus") == "SCANNED"
                && fixture_findings(r, "Vulnerabilities").len() >= 3
                && !has_explicit_counts(r)
        })
        .expect("a scanned image with vulnerabilities");
    let vuls = app
        .call(
            KINDS[0].3,
            json!({"Id": id(scanned_with_vuls), "Limit": 100}),
        )
        .await;
    let cves: Vec<&str> = vuls["List"]
        .as_array()
        .expect("List")
        .iter()
        .map(|v| v["CVEID"].as_str().expect("CVEID"))
        .collect();
    let want: Vec<&str> = fixture_findings(scanned_with_vuls, "Vulnerabilities")
        .iter()
        .map(|v| s(v, "CVEID"))
        .collect();
    assert_eq!(cves, want);
    let first = &vuls["List"][0];
    let fixture_first = &fixture_findings(scanned_with_vuls, "Vulnerabilities")[0];
    for f in ["Name", "Level", "Tag", "Component", "Version", "CvssScore"] {
        assert_eq!(first[f], fixture_first[f], "VulList field {f}");
    }

    // The summary counts what the fixture has not scanned.
    let summary = app.call(SUMMARY, json!({})).await;
    assert_eq!(summary["UnScannedImageCnt"], unscanned(&fx), "{summary}");
    let summary = app
        .call(
            SUMMARY,
            json!({"Filters": [filter("ImageName", &["redis"], Some(true))]}),
        )
        .await;
    let want = fx
        .iter()
        .filter(|r| s(r, "ImageName") == "redis" && s(r, "ScanStatus") != "SCANNED")
        .count();
    assert_eq!(summary["UnScannedImageCnt"], want, "{summary}");
}

// ---------------------------------------------------------------------------
// scans on a frozen clock
// ---------------------------------------------------------------------------

async fn detail(app: &TestApp, image: u64) -> Value {
    let d = app.call(DETAIL, json!({"Id": image})).await;
    assert_eq!(code(&d), None, "{d}");
    d
}

async fn unscanned_now(app: &TestApp) -> u64 {
    let s = app.call(SUMMARY, json!({})).await;
    s["UnScannedImageCnt"].as_u64().expect("UnScannedImageCnt")
}

#[tokio::test]
async fn a_scan_runs_on_the_emulator_clock_and_shows_its_findings_when_done() {
    let fx = fixture();
    let target = scannable(&fx, 0);
    let image = id(&target);
    let n_vuls = fixture_findings(&target, "Vulnerabilities").len() as u64;
    let n_risks = fixture_findings(&target, "Risks").len() as u64;
    let n_viruses = fixture_findings(&target, "Viruses").len() as u64;
    let app = spawn().await;
    freeze(&app);
    let before = unscanned_now(&app).await;
    assert_eq!(before, unscanned(&fx));
    assert_eq!(
        detail(&app, image).await["VulCnt"],
        0,
        "nothing shown unscanned"
    );

    let created = app.call(CREATE, json!({"Id": [image]})).await;
    assert_eq!(code(&created), None, "{created}");
    let task = created["TaskID"].as_u64().expect("TaskID");
    assert!(task > 0);

    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCANNING", "{d}");
    assert_eq!(d["CveStatus"], "SCANNING");
    assert_eq!(d["Progress"], 0);
    assert_eq!(d["ScanRemainTime"], 5);
    assert_eq!(d["VulCnt"], 0, "findings show once scanned");
    assert_eq!(unscanned_now(&app).await, before, "SCANNING is not SCANNED");

    app.state.clock.advance_ms(2_000);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCANNING");
    assert_eq!(d["Progress"], 40, "2 s of a 5 s scan");
    assert_eq!(d["ScanVulProgress"], 40);
    assert_eq!(d["ScanRemainTime"], 3);
    let listed = app
        .call(
            LIST,
            json!({"Filters": [filter("ImageId", &[s(&target, "ImageId")], Some(true))]}),
        )
        .await;
    assert_eq!(
        listed["List"][0]["Progress"], 40,
        "the list agrees: {listed}"
    );
    assert_eq!(listed["List"][0]["ScanStatus"], "SCANNING");

    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(code(&st), None, "{st}");
    assert_eq!(st["Status"], "SCANNING", "{st}");
    assert_eq!(st["Schedule"], 40);
    assert_eq!(st["ScanRemainTime"], 3);
    assert_eq!(st["ImageTotal"], 1);
    assert_eq!(st["ImageScanCnt"], 0);
    assert_eq!(st["SuccessCount"], 0);
    assert_eq!(st["ImageStatus"][0]["ImageId"], s(&target, "ImageId"));
    assert_eq!(st["ImageStatus"][0]["ScanStatus"], "SCANNING");
    assert_eq!(st["ImageStatus"][0]["CveProgress"], 40);
    let newest = app.call(STATUS, json!({})).await;
    assert_eq!(newest["Schedule"], 40, "no TaskID: the newest task");

    app.state.clock.advance_ms(2_999);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCANNING", "1 ms before the end");
    assert_eq!(d["Progress"], 99);
    assert_eq!(d["ScanRemainTime"], 1);

    app.state.clock.advance_ms(1);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCANNED", "{d}");
    for f in ["CveStatus", "RiskStatus", "VirusStatus"] {
        assert_eq!(d[f], "SCANNED", "{f}");
    }
    assert_eq!(d["Progress"], 100);
    assert_eq!(d["ScanRemainTime"], 0);
    let scan_time = d["ScanTime"].as_str().expect("ScanTime");
    assert_eq!(ms_of(scan_time), T0_MS + SCAN_MS, "ScanTime {scan_time}");
    assert_eq!(d["VulCnt"], n_vuls);
    assert_eq!(d["RiskCnt"], n_risks);
    assert_eq!(d["VirusCnt"], n_viruses);
    assert!(n_vuls > 0);
    let vuls = app
        .call(KINDS[0].3, json!({"Id": image, "Limit": 100}))
        .await;
    assert_eq!(vuls["TotalCount"], n_vuls, "{vuls}");
    let cves: Vec<&Value> = vuls["List"]
        .as_array()
        .expect("List")
        .iter()
        .map(|v| &v["CVEID"])
        .collect();
    let want: Vec<&Value> = fixture_findings(&target, "Vulnerabilities")
        .iter()
        .map(|v| &v["CVEID"])
        .collect();
    assert_eq!(cves, want);
    let risks = app
        .call(KINDS[1].3, json!({"Id": image, "Limit": 100}))
        .await;
    assert_eq!(risks["TotalCount"], n_risks);

    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["Status"], "SCANNED", "{st}");
    assert_eq!(st["Schedule"], 100);
    assert_eq!(st["ScanRemainTime"], 0);
    assert_eq!(st["ImageScanCnt"], 1);
    assert_eq!(st["SuccessCount"], 1);
    assert_eq!(st["RiskCount"], 1, "the image had findings");
    assert_eq!(st["ImageStatus"][0]["ScanStatus"], "SCANNED");
    assert_eq!(unscanned_now(&app).await, before - 1);

    // A second task, two images by filter: the summary drops by exactly those.
    let a = scannable(&fx, 1);
    let b = scannable(&fx, 2);
    let created = app
        .call(
            CREATE,
            json!({"Filters": [filter("ImageId", &[s(&a, "ImageId"), s(&b, "ImageId")], Some(true))]}),
        )
        .await;
    let task2 = created["TaskID"].as_u64().expect("TaskID");
    assert!(task2 > task);
    let st = app.call(STATUS, json!({"TaskID": task2})).await;
    assert_eq!(st["ImageTotal"], 2, "{st}");
    app.state.clock.advance_ms(SCAN_MS);
    let st = app.call(STATUS, json!({"TaskID": task2})).await;
    assert_eq!(st["Status"], "SCANNED", "{st}");
    assert_eq!(st["SuccessCount"], 2);
    assert_eq!(unscanned_now(&app).await, before - 3);
    for r in [&a, &b] {
        let d = detail(&app, id(r)).await;
        assert_eq!(
            d["VulCnt"],
            fixture_findings(r, "Vulnerabilities").len() as u64
        );
        assert_eq!(
            ms_of(d["ScanTime"].as_str().expect("ScanTime")),
            T0_MS + 2 * SCAN_MS
        );
    }
    // The first task's answer is unchanged by the second.
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["ImageTotal"], 1);
    assert_eq!(st["Status"], "SCANNED");
}

#[tokio::test]
async fn a_scan_failure_in_the_fixture_ends_as_scan_err_with_its_errors() {
    let fx = fixture();
    let failing: Vec<&Value> = fx
        .iter()
        .filter(|r| r.get("ScanFailure").is_some())
        .collect();
    assert_eq!(failing.len(), 2);
    let app = spawn().await;
    freeze(&app);
    let before = unscanned_now(&app).await;
    let created = app
        .call(CREATE, json!({"Id": [id(failing[0]), id(failing[1])]}))
        .await;
    let task = created["TaskID"].as_u64().expect("TaskID");
    app.state.clock.advance_ms(SCAN_MS);
    for r in &failing {
        let d = detail(&app, id(r)).await;
        assert_eq!(d["ScanStatus"], "SCAN_ERR", "Id {}: {d}", id(r));
        assert_eq!(d["Progress"], 100);
        for err in ["ScanVulError", "ScanVirusError", "ScanRiskError"] {
            assert_eq!(
                d[err],
                r["ScanFailure"].get(err).cloned().unwrap_or(json!("")),
                "Id {}: {err}",
                id(r)
            );
        }
        // A kind whose scan failed shows none of its findings.
        if r["ScanFailure"].get("ScanVulError").is_some() {
            assert_eq!(d["CveStatus"], "SCAN_ERR");
            assert_eq!(d["VulCnt"], 0);
        }
    }
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["Status"], "SCAN_ERR", "{st}");
    assert_eq!(st["ImageScanCnt"], 2);
    assert_eq!(st["SuccessCount"], 0);
    assert_eq!(unscanned_now(&app).await, before, "SCAN_ERR is not scanned");
}

/// A `ScanFailure` of a kind the task does not scan cannot fail it: scanning only the
/// risks of an image whose vulnerability scan would fail ends `SCANNED`, and the
/// task's status says so too (its `Status`, `SuccessCount` and `ImageStatus` agree).
#[tokio::test]
async fn a_scan_failure_of_a_kind_not_scanned_fails_neither_image_nor_task() {
    let fx = fixture();
    let record = fx
        .iter()
        .find(|r| {
            r["ScanFailure"]
                .as_object()
                .is_some_and(|f| f.len() == 1 && f.contains_key("ScanVulError"))
                && !fixture_findings(r, "Risks").is_empty()
        })
        .expect("an image whose only scan failure is its vulnerability scan");
    let image = id(record);
    let app = spawn().await;
    freeze(&app);
    let created = app
        .call(CREATE, json!({"Id": [image], "ScanType": ["RISK"]}))
        .await;
    let task = created["TaskID"].as_u64().expect("TaskID");
    app.state.clock.advance_ms(SCAN_MS);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCANNED", "{d}");
    assert_eq!(d["RiskStatus"], "SCANNED");
    assert_eq!(d["CveStatus"], "NOT_SCAN", "the CVE scan never ran");
    assert_eq!(d["ScanVulError"], "");
    assert_eq!(d["RiskCnt"], fixture_findings(record, "Risks").len());
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["ImageStatus"][0]["ScanStatus"], "SCANNED", "{st}");
    assert_eq!(
        st["Status"], "SCANNED",
        "the task agrees with its image: {st}"
    );
    assert_eq!(st["SuccessCount"], 1, "{st}");
}

#[tokio::test]
async fn a_task_timeout_shorter_than_the_scan_ends_as_scan_timeout() {
    let fx = fixture();
    let target = scannable(&fx, 0);
    let image = id(&target);
    let app = spawn().await;
    freeze(&app);
    let created = app.call(CREATE, json!({"Id": [image], "Timeout": 2})).await;
    let task = created["TaskID"].as_u64().expect("TaskID");
    app.state.clock.advance_ms(1_999);
    assert_eq!(detail(&app, image).await["ScanStatus"], "SCANNING");
    app.state.clock.advance_ms(1);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCAN_TIMEOUT", "{d}");
    assert_eq!(d["CveStatus"], "SCAN_TIMEOUT");
    assert_eq!(d["VulCnt"], 0, "a timed-out scan shows no findings");
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["Status"], "SCAN_TIMEOUT", "{st}");
    assert_eq!(st["ImageScanCnt"], 1);
    assert_eq!(st["SuccessCount"], 0);
    // Timeout equal to the scan: the scan finishes.
    let again = app.call(CREATE, json!({"Id": [image], "Timeout": 5})).await;
    assert_eq!(code(&again), None, "{again}");
    app.state.clock.advance_ms(SCAN_MS);
    assert_eq!(detail(&app, image).await["ScanStatus"], "SCANNED");
}

/// Progress is the share of the scan (`--scan-duration`) done, whatever the task's
/// `Timeout`: 1 s of a 5 s scan is 20 %, and a scan cut off after 2 s stays at 40 %.
#[tokio::test]
async fn a_timed_out_scan_keeps_the_progress_it_had_of_the_full_scan() {
    let fx = fixture();
    let image = id(&scannable(&fx, 0));
    let app = spawn().await;
    freeze(&app);
    let created = app.call(CREATE, json!({"Id": [image], "Timeout": 2})).await;
    let task = created["TaskID"].as_u64().expect("TaskID");
    app.state.clock.advance_ms(1_000);
    let d = detail(&app, image).await;
    assert_eq!(d["Progress"], 20, "1 s of a 5 s scan: {d}");
    app.state.clock.advance_ms(1_000);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "SCAN_TIMEOUT");
    assert_eq!(d["Progress"], 40, "cut off after 2 s of a 5 s scan: {d}");
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["Schedule"], 40, "{st}");
}

#[tokio::test]
async fn stopping_a_scan_leaves_it_canceled_at_its_progress() {
    let fx = fixture();
    let target = scannable(&fx, 0);
    let image = id(&target);
    let app = spawn().await;
    freeze(&app);
    let before = unscanned_now(&app).await;
    let created = app.call(CREATE, json!({"Id": [image]})).await;
    let task = created["TaskID"].as_u64().expect("TaskID");
    app.state.clock.advance_ms(3_000);
    let stopped = app.call(STOP, json!({"Id": [image]})).await;
    assert_eq!(code(&stopped), None, "{stopped}");
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "CANCELED", "{d}");
    assert_eq!(d["CveStatus"], "CANCELED");
    assert_eq!(d["Progress"], 60);
    assert_eq!(d["ScanRemainTime"], 0);
    assert_eq!(d["VulCnt"], 0);
    // Long after the scan would have ended, it is still canceled.
    app.state.clock.advance_ms(60_000);
    let d = detail(&app, image).await;
    assert_eq!(d["ScanStatus"], "CANCELED");
    assert_eq!(d["Progress"], 60);
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    assert_eq!(st["Status"], "CANCELED", "{st}");
    assert_eq!(st["Schedule"], 60);
    assert_eq!(st["ImageScanCnt"], 1);
    assert_eq!(st["SuccessCount"], 0);
    assert_eq!(unscanned_now(&app).await, before);
    // Stopping by TaskID a task that is over changes nothing.
    let again = app.call(STOP, json!({"TaskID": task})).await;
    assert_eq!(code(&again), None, "{again}");
    assert_eq!(detail(&app, image).await["ScanStatus"], "CANCELED");
    // A canceled image can be scanned again.
    let rescan = app.call(CREATE, json!({"Id": [image]})).await;
    assert_eq!(code(&rescan), None, "{rescan}");
    app.state.clock.advance_ms(SCAN_MS);
    assert_eq!(detail(&app, image).await["ScanStatus"], "SCANNED");
}

#[tokio::test]
async fn scanning_twice_or_an_unknown_image_is_refused() {
    let fx = fixture();
    let a = id(&scannable(&fx, 0));
    let b = id(&scannable(&fx, 1));
    let app = spawn().await;
    freeze(&app);
    let first = app.call(CREATE, json!({"Id": [a]})).await;
    assert_eq!(code(&first), None, "{first}");
    app.state.clock.advance_ms(1_000);
    let twice = app.call(CREATE, json!({"Id": [a]})).await;
    assert_eq!(
        code(&twice),
        Some("FailedOperation.ErrAlreadyScanning"),
        "{twice}"
    );
    // A task naming a busy image starts nothing.
    let mixed = app.call(CREATE, json!({"Id": [b, a]})).await;
    assert_eq!(
        code(&mixed),
        Some("FailedOperation.ErrAlreadyScanning"),
        "{mixed}"
    );
    assert_eq!(detail(&app, b).await["ScanStatus"], "NOT_SCAN");
    // The running scan is untouched by the refusals.
    assert_eq!(detail(&app, a).await["Progress"], 20);

    let unknown = app.call(CREATE, json!({"Id": [999_999]})).await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"), "{unknown}");
    let partly = app.call(CREATE, json!({"Id": [b, 999_999]})).await;
    assert_eq!(code(&partly), Some("ResourceNotFound"), "{partly}");
    assert_eq!(detail(&app, b).await["ScanStatus"], "NOT_SCAN");
    let no_task = app.call(STATUS, json!({"TaskID": 424_242})).await;
    assert_eq!(code(&no_task), Some("ResourceNotFound"), "{no_task}");
    for action in [DETAIL, KINDS[0].3, KINDS[1].3, KINDS[2].3] {
        let res = app.call(action, json!({"Id": 999_999})).await;
        assert_eq!(code(&res), Some("ResourceNotFound"), "{action}: {res}");
    }

    // Once the scan is over, the image can be scanned again.
    app.state.clock.advance_ms(SCAN_MS);
    let again = app.call(CREATE, json!({"Id": [a]})).await;
    assert_eq!(code(&again), None, "{again}");
}

#[tokio::test]
async fn the_one_key_task_scans_by_registry_type_and_namespace() {
    let fx = fixture();
    let app = spawn().await;
    freeze(&app);
    let created = app
        .call(
            "CreateAssetImageRegistryScanTaskOneKey",
            json!({"All": true, "RegistryType": ["harbor"], "Namespace": ["db"]}),
        )
        .await;
    assert_eq!(code(&created), None, "{created}");
    let task = created["TaskID"].as_u64().expect("TaskID");
    let want: BTreeSet<&str> = fx
        .iter()
        .filter(|r| s(r, "RegistryType") == "harbor" && s(r, "Namespace") == "db")
        .map(|r| s(r, "ImageId"))
        .collect();
    assert!(!want.is_empty());
    let st = app.call(STATUS, json!({"TaskID": task})).await;
    let got: BTreeSet<&str> = st["ImageStatus"]
        .as_array()
        .expect("ImageStatus")
        .iter()
        .map(|i| i["ImageId"].as_str().expect("ImageId"))
        .collect();
    assert_eq!(got, want, "{st}");
    assert_eq!(st["ImageTotal"], want.len());
}

// ---------------------------------------------------------------------------
// exports
// ---------------------------------------------------------------------------

async fn download(app: &TestApp, res: &Value) -> String {
    assert_eq!(code(res), None, "{res}");
    let url = res["DownloadUrl"].as_str().expect("DownloadUrl");
    let job = res["JobId"].as_str().expect("JobId");
    let sign = url
        .strip_prefix(&format!("{}_emulator/exports/{job}.xlsx?sign=", app.url()))
        .unwrap_or_else(|| panic!("{url} serves job {job}"));
    assert_eq!(sign.len(), 64, "{url}: an unguessable sign");
    // The DownloadUrl is the excel file the documentation names...
    let xlsx = app.client.get(url).send().await.expect("download");
    assert_eq!(xlsx.status(), 200, "{url}");
    assert!(
        xlsx.bytes().await.unwrap().starts_with(b"PK"),
        "an .xlsx (zip) file"
    );
    // ...and the same URL ending `.csv` its CSV.
    let csv_url = url.replace(".xlsx?sign=", ".csv?sign=");
    let got = app.client.get(&csv_url).send().await.expect("download");
    assert_eq!(got.status(), 200, "{csv_url}");
    got.text().await.expect("CSV")
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn exports_serve_a_csv_of_the_asked_fields_and_the_selected_rows() {
    let fx = fixture();
    let app = spawn().await;
    let fields = [
        "InstanceName",
        "RegistryType",
        "Namespace",
        "ImageName",
        "ImageTag",
        "ImageSize",
        "ImageId",
        "ScanStatus",
        "VulCnt",
        "ScanStartTime",
        "IsAuthorized",
    ];
    let res = app
        .call(
            "DescribeAssetImageRegistryListExport",
            json!({"ExportField": fields,
                   "Filters": [filter("ImageName", &["redis"], Some(true))]}),
        )
        .await;
    let text = download(&app, &res).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], fields.join(","), "header = ExportField");
    let redis: Vec<&Value> = fx.iter().filter(|r| s(r, "ImageName") == "redis").collect();
    assert_eq!(
        lines.len() - 1,
        redis.len(),
        "one row per selected image:\n{text}"
    );
    for (line, r) in lines[1..].iter().zip(&redis) {
        let want: Vec<String> = fields
            .iter()
            .map(|f| match *f {
                "VulCnt" => vul_cnt(r).to_string(),
                "ScanStartTime" => String::new(), // not a field of the image: empty
                f => csv_cell(&r[f]),
            })
            .collect();
        assert_eq!(*line, want.join(","), "row of Id {}", id(r));
    }

    // With paging, only that page is exported.
    let paged = app
        .call(
            "DescribeAssetImageRegistryListExport",
            json!({"ExportField": ["ImageId"], "Limit": 4, "Offset": 2,
                   "By": "ImageSize", "Order": "desc"}),
        )
        .await;
    let text = download(&app, &paged).await;
    let (sizes, _) = sorted(&fx, |_| true, |r| Key::N(n(r, "ImageSize")), true);
    let want: Vec<String> =
        std::iter::once("ImageId".to_string())
            .chain(sizes[2..6].iter().map(|i| {
                s(fx.iter().find(|r| id(r) == *i).expect("record"), "ImageId").to_string()
            }))
            .collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), want);

    // A finding export: the image's vulnerabilities.
    let record = fx
        .iter()
        .find(|r| {
            s(r, "ScanStatus") == "SCANNED"
                && fixture_findings(r, "Vulnerabilities").len() >= 2
                && !has_explicit_counts(r)
        })
        .expect("a scanned image with vulnerabilities");
    let res = app
        .call(
            "DescribeAssetImageRegistryVulListExport",
            json!({"Id": id(record), "ExportField": ["CVEID", "Level", "Component"]}),
        )
        .await;
    let text = download(&app, &res).await;
    let want: Vec<String> = std::iter::once("CVEID,Level,Component".to_string())
        .chain(
            fixture_findings(record, "Vulnerabilities")
                .iter()
                .map(|v| format!("{},{},{}", s(v, "CVEID"), s(v, "Level"), s(v, "Component"))),
        )
        .collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), want);

    for (action, list, field) in [
        ("DescribeAssetImageRegistryRiskListExport", "Risks", "Desc"),
        (
            "DescribeAssetImageRegistryVirusListExport",
            "Viruses",
            "VirusName",
        ),
    ] {
        let record = fx
            .iter()
            .find(|r| s(r, "ScanStatus") == "SCANNED" && !fixture_findings(r, list).is_empty())
            .expect("a scanned image with such findings");
        let res = app
            .call(action, json!({"Id": id(record), "ExportField": [field]}))
            .await;
        let text = download(&app, &res).await;
        let want: Vec<String> = std::iter::once(field.to_string())
            .chain(
                fixture_findings(record, list)
                    .iter()
                    .map(|v| csv_cell(&v[field])),
            )
            .collect();
        assert_eq!(text.lines().collect::<Vec<_>>(), want, "{action}");
    }

    let (status, _) = app
        .admin(Method::GET, "exports/no-such-job", None, None)
        .await;
    assert_eq!(status, 404);
}

// ---------------------------------------------------------------------------
// the clock admin API
// ---------------------------------------------------------------------------

async fn clock(app: &TestApp, body: Option<Value>) -> (u16, Value) {
    match body {
        Some(b) => {
            app.admin(Method::POST, "clock", Some(&b.to_string()), None)
                .await
        }
        None => app.admin(Method::GET, "clock", None, None).await,
    }
}

#[tokio::test]
async fn the_clock_api_reads_freezes_sets_and_advances_emulator_time() {
    let app = spawn().await;
    let (status, c) = clock(&app, None).await;
    assert_eq!(status, 200);
    assert_eq!(c["frozen"], false, "{c}");
    let real = chrono::Utc::now().timestamp_millis();
    assert!(
        (ms_of(c["now"].as_str().expect("now")) - real).abs() < 60_000,
        "{c}"
    );

    let (status, frozen) = clock(&app, Some(json!({"freeze": true}))).await;
    assert_eq!(status, 200);
    assert_eq!(frozen["frozen"], true);
    let (_, again) = clock(&app, None).await;
    assert_eq!(again, frozen, "a frozen clock stands still");

    let (_, later) = clock(&app, Some(json!({"advance_seconds": 3}))).await;
    assert_eq!(
        ms_of(later["now"].as_str().expect("now")),
        ms_of(frozen["now"].as_str().expect("now")) + 3_000
    );
    assert_eq!(later["frozen"], true);

    // Set and freeze in one call, from a running clock.
    let (_, running) = clock(&app, Some(json!({"freeze": false}))).await;
    assert_eq!(running["frozen"], false);
    let (status, set) = clock(
        &app,
        Some(json!({"now": "2031-05-06T07:08:09Z", "freeze": true})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(set["frozen"], true);
    // Set and frozen in one step: exactly X (clock::tests pins this over many tries).
    assert_eq!(set["now"], "2031-05-06T07:08:09.000Z");
    let (_, set) = clock(
        &app,
        Some(json!({"now": "2031-05-06T07:08:09Z", "freeze": true})),
    )
    .await;
    assert_eq!(set["now"], "2031-05-06T07:08:09.000Z");
    assert_eq!(app.state.clock.now_ms(), ms_of("2031-05-06T07:08:09Z"));

    let (_, c) = clock(&app, Some(json!({"advance_seconds": 2.5}))).await;
    assert_eq!(c["now"], "2031-05-06T07:08:11.500Z");
    let (_, c) = clock(&app, None).await;
    assert_eq!(c["now"], "2031-05-06T07:08:11.500Z");

    // now, then advance, then freeze: all at once.
    let (_, c) = clock(
        &app,
        Some(json!({"now": "2032-01-01T00:00:00+08:00", "advance_seconds": 10, "freeze": true})),
    )
    .await;
    assert_eq!(c["now"], "2031-12-31T16:00:10.000Z");

    // The API follows the moved clock (the client signs with the machine's time).
    let res = app.call(DETAIL, json!({"Id": 1001})).await;
    assert_eq!(code(&res), None, "{res}");
    let j = app
        .admin(
            Method::GET,
            "requests?action=DescribeAssetImageRegistryDetail",
            None,
            None,
        )
        .await
        .1;
    assert_eq!(
        ms_of(j["requests"][0]["time"].as_str().expect("time")),
        ms_of("2031-12-31T16:00:10Z"),
        "{j}"
    );

    for bad in [
        json!({"now": "yesterday"}),
        json!({"advance": 3}),
        json!({"freeze": "yes"}),
    ] {
        let (status, body) = clock(&app, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (_, c) = clock(&app, None).await;
    assert_eq!(
        c["now"], "2031-12-31T16:00:10.000Z",
        "bad changes change nothing"
    );
}

#[tokio::test]
async fn the_clock_goes_back_to_real_time_running_when_asked() {
    let app = spawn().await;
    let moved = json!({"now": "2031-05-06T07:08:09Z", "freeze": true});
    let (_, c) = clock(&app, Some(moved)).await;
    assert_eq!(c["frozen"], true);

    let (status, c) = clock(&app, Some(json!({"real": true}))).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["frozen"], false, "{c}");
    // No offset left: the emulator reads the machine's clock (two reads a moment apart).
    let drift = app.state.clock.now_ms() - chrono::Utc::now().timestamp_millis();
    assert!(drift.abs() < 1_000, "{drift} ms from real time: {c}");

    // `real` comes first, then the rest of the change.
    let (_, c) = clock(&app, Some(json!({"advance_seconds": -3600}))).await;
    assert_eq!(c["frozen"], false);
    let (_, c) = clock(
        &app,
        Some(json!({"real": true, "advance_seconds": 60, "freeze": true})),
    )
    .await;
    assert_eq!(c["frozen"], true);
    let ahead = ms_of(c["now"].as_str().expect("now")) - chrono::Utc::now().timestamp_millis();
    assert!((59_000..=60_000).contains(&ahead), "{ahead} ms ahead: {c}");

    let (status, body) = clock(&app, Some(json!({"real": "yes"}))).await;
    assert_eq!(status, 400, "{body}");
}
