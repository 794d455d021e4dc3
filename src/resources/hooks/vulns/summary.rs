//! Vulnerability summaries, rankings and tendencies, counted from the listed
//! (not ignored) vulnerabilities and the images they affect, and the local images'
//! findings (`image_viruses`, `image_risks`), on the emulator clock.
//!
//! "Serious" is `HIGH` or `CRITICAL`. Levels are `CRITICAL`, `HIGH`, `MIDDLE`
//! (`MEDIUM` counts the same) and `LOW`; virus and risk levels 1 to 4 are `LOW` to
//! `CRITICAL`.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::super::super::Env;
use super::super::super::Resource;
use super::super::fields;
use super::super::series::{self, num, text};
use super::lists::defensible;
use super::{Model, filter_on, filter_values, level_number, one_of, records};
use crate::error::ApiError;

type Answer = Result<Map<String, Value>, ApiError>;

fn serious(v: &Map<String, Value>) -> bool {
    level_number(text(v, "Level")) >= 3
}

fn count(n: usize) -> Value {
    json!(n)
}

/// The request's `CategoryType` (`ALL` or absent: every kind).
fn category(params: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let kind = one_of(
        params,
        "CategoryType",
        &["SYSTEM", "WEB", "EMERGENCY", "ALL"],
    )?;
    Ok(kind.filter(|c| c != "ALL"))
}

pub fn vul_summary(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let kind = filter_values(&params, "CategoryType")
        .and_then(|v| v.into_iter().next())
        .filter(|c| !c.eq_ignore_ascii_case("ALL"))
        .map(|c| c.to_ascii_uppercase());
    let mut vulns: Vec<_> = m
        .listed_of(None)
        .into_iter()
        .filter(|v| !text(v, "CategoryType").eq_ignore_ascii_case("EMERGENCY"))
        .filter(|v| kind.as_deref().is_none_or(|k| text(v, "CategoryType") == k))
        .collect();
    if filter_on(&params, "OnlyAffectedContainer") {
        vulns.retain(|v| num(v, "ContainerCount") > 0);
    }
    if filter_on(&params, "OnlyAffectedNewestImage") {
        vulns.retain(|v| num(v, "LocalNewestImageCount") + num(v, "RegistryNewestImageCount") > 0);
    }
    let tagged = |v: &Map<String, Value>, tag: &str| {
        v.get("Tags").and_then(Value::as_array).is_some_and(|t| {
            t.iter()
                .any(|x| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case(tag)))
        })
    };
    let serious_v: Vec<_> = vulns.iter().filter(|v| serious(v)).collect();
    let (mut local, mut registry) = (HashSet::new(), HashSet::new());
    for v in &serious_v {
        let a = m.affected(text(v, "PocID"));
        local.extend(a.local.iter().map(|l| text(l, "ImageID").to_string()));
        registry.extend(a.registry.iter().map(|l| num(l, "ImageAssetId")));
    }
    let of_kind = |k: &str| {
        serious_v
            .iter()
            .filter(|v| text(v, "CategoryType") == k)
            .count()
    };
    let emergency = m.listed_of(Some("EMERGENCY")).len();
    Ok(fields([
        ("VulTotalCount", count(vulns.len())),
        ("SeriousVulCount", count(serious_v.len())),
        (
            "SuggestVulCount",
            count(
                serious_v
                    .iter()
                    .filter(|v| num(v, "ContainerCount") > 0)
                    .count(),
            ),
        ),
        (
            "PocExpLevelVulCount",
            count(
                vulns
                    .iter()
                    .filter(|v| tagged(v, "POC") || tagged(v, "EXP"))
                    .count(),
            ),
        ),
        (
            "RemoteExpLevelVulCount",
            count(vulns.iter().filter(|v| tagged(v, "EXP")).count()),
        ),
        (
            "SeriousVulNewestImageCount",
            count(
                serious_v
                    .iter()
                    .filter(|v| {
                        num(v, "LocalNewestImageCount") + num(v, "RegistryNewestImageCount") > 0
                    })
                    .count(),
            ),
        ),
        ("SystemVulnerabilityFocusCount", count(of_kind("SYSTEM"))),
        ("WebVulnerabilityFocusCount", count(of_kind("WEB"))),
        ("SeriousVulnerabilityLocalImageCount", count(local.len())),
        (
            "SeriousVulnerabilityRegistryImageCount",
            count(registry.len()),
        ),
        ("EmergencyVulnerabilityCount", count(emergency)),
    ]))
}

/// Listed vulnerabilities of each level (`Critical`, `High`, `Medium`, `Low`).
fn by_level(vulns: &[Map<String, Value>]) -> [usize; 5] {
    let mut n = [0; 5];
    for v in vulns {
        let l = usize::try_from(level_number(text(v, "Level"))).unwrap_or(0);
        n[l.min(4)] += 1;
    }
    n
}

pub fn level_summary(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let n = by_level(&m.listed_of(category(&params)?.as_deref()));
    Ok(fields([
        ("LowLevelVulCount", count(n[1])),
        ("MediumLevelVulCount", count(n[2])),
        ("HighLevelVulCount", count(n[3])),
        ("CriticalLevelVulCount", count(n[4])),
    ]))
}

/// Percent (two decimals) of `part` in `whole`; 0 of nothing.
fn percent(part: usize, whole: usize) -> Value {
    if whole == 0 {
        return json!(0.0);
    }
    let p = part as f64 * 100.0 / whole as f64;
    json!((p * 100.0).round() / 100.0)
}

pub fn level_image_summary(env: &Env, _: &'static Resource, _: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let listed = m.listed_of(None);
    // The images with at least one vulnerability of each level.
    let mut local: [HashSet<String>; 5] = Default::default();
    let mut registry: [HashSet<i64>; 5] = Default::default();
    for v in &listed {
        let l = usize::try_from(level_number(text(v, "Level")))
            .unwrap_or(0)
            .min(4);
        let a = m.affected(text(v, "PocID"));
        local[l].extend(a.local.iter().map(|x| text(x, "ImageID").to_string()));
        registry[l].extend(a.registry.iter().map(|x| num(x, "ImageAssetId")));
    }
    let latest = |f: &Map<String, Value>| f.get("IsLatestImage") == Some(&Value::Bool(true));
    let (nl, nr) = (m.local.len(), m.registry.len());
    Ok(fields([
        ("LowLevelVulLocalImagePercent", percent(local[1].len(), nl)),
        (
            "MediumLevelVulLocalImagePercent",
            percent(local[2].len(), nl),
        ),
        ("HighLevelVulLocalImagePercent", percent(local[3].len(), nl)),
        (
            "CriticalLevelVulLocalImagePercent",
            percent(local[4].len(), nl),
        ),
        (
            "LowLevelVulRegistryImagePercent",
            percent(registry[1].len(), nr),
        ),
        (
            "MediumLevelVulRegistryImagePercent",
            percent(registry[2].len(), nr),
        ),
        (
            "HighLevelVulRegistryImagePercent",
            percent(registry[3].len(), nr),
        ),
        (
            "CriticalLevelVulRegistryImagePercent",
            percent(registry[4].len(), nr),
        ),
        (
            "LocalNewestImageCount",
            count(m.local.iter().filter(|i| latest(i)).count()),
        ),
        (
            "RegistryNewestImageCount",
            count(m.registry.iter().filter(|(_, f)| latest(f)).count()),
        ),
    ]))
}

pub fn image_summary(env: &Env, _: &'static Resource, _: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let listed = m.listed_of(None);
    let mut serious_images = HashSet::new();
    for v in listed.iter().filter(|v| serious(v)) {
        let a = m.affected(text(v, "PocID"));
        serious_images.extend(a.local.iter().map(|l| text(l, "ImageID").to_string()));
    }
    let kind = |k: &str| {
        listed
            .iter()
            .filter(|v| text(v, "CategoryType") == k)
            .count()
    };
    let scanned = m
        .local
        .iter()
        .filter(|i| text(i, "ScanStatus") == "SCANNED")
        .count();
    let authorized = m
        .local
        .iter()
        .filter(|i| matches!(i.get("IsAuthorized"), Some(v) if v == &json!(1) || v == &json!(true)))
        .count();
    let updated = m
        .vulns
        .iter()
        .map(|v| text(v, "SubmitTime"))
        .max()
        .unwrap_or("");
    Ok(fields([
        ("SeriousVulImageCount", count(serious_images.len())),
        ("ScannedImageCount", count(scanned)),
        ("VulTotalCount", count(listed.len())),
        ("SysTemVulCount", count(kind("SYSTEM"))),
        ("WebVulCount", count(kind("WEB"))),
        ("EmergencyVulCount", count(kind("EMERGENCY"))),
        ("AllAuthorizedImageCount", count(authorized)),
        (
            "SupportVulTotalCount",
            count(listed.iter().filter(|v| defensible(v)).count()),
        ),
        ("VulLibraryUpdateTime", json!(updated)),
    ]))
}

/// `DescribeVulTopRanking`: the listed vulnerabilities of `CategoryType` affecting
/// the most images (local and registry), then containers; at most 5.
pub fn top_ranking(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let mut rows: Vec<Map<String, Value>> = m
        .listed_of(category(&params)?.as_deref())
        .into_iter()
        .map(|v| {
            let mut r = v.clone();
            r.insert("VulName".into(), json!(text(&v, "Name")));
            r.insert(
                "AffectedImageCount".into(),
                json!(num(&v, "LocalImageCount") + num(&v, "RegistryImageCount")),
            );
            r.insert(
                "AffectedContainerCount".into(),
                json!(num(&v, "ContainerCount")),
            );
            r
        })
        .collect();
    rows.sort_by_key(|r| {
        std::cmp::Reverse((
            num(r, "AffectedImageCount"),
            num(r, "AffectedContainerCount"),
        ))
    });
    rows.truncate(5);
    let item = super::super::super::object("VulTopRankingInfo");
    let list: Vec<Value> = rows
        .iter()
        .map(|r| Value::Object(super::super::super::project(r, item)))
        .collect();
    Ok(fields([("List", Value::Array(list))]))
}

fn refs(l: &[Map<String, Value>]) -> Vec<&Map<String, Value>> {
    l.iter().collect()
}

/// Per-day counts of `records` by `time_field` as `RunTimeTendencyInfo`.
fn daily(records: &[&Map<String, Value>], time_field: &str, days: &[chrono::NaiveDate]) -> Value {
    series::per_day(records, time_field, days)
        .into_iter()
        .map(|(d, on)| json!({"CurTime": d.to_string(), "Cnt": on.len()}))
        .collect()
}

/// `DescribeVulTendency`: per day, the listed serious vulnerabilities found that day
/// (`FoundTime`) affecting local images (`LOCAL`) and registry images (`REGISTRY`);
/// `SphereOfInfluence` `LATEST` counts only those affecting a latest image,
/// `CONTAINER` only those affecting a container.
pub fn vul_tendency(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let days = series::days(&params, env.now_ms, 7)?;
    let sphere =
        one_of(&params, "SphereOfInfluence", &["LATEST", "CONTAINER"])?.unwrap_or_default();
    let listed: Vec<_> = m
        .listed_of(None)
        .into_iter()
        .filter(serious)
        .filter(|v| match sphere.as_str() {
            "LATEST" => num(v, "LocalNewestImageCount") + num(v, "RegistryNewestImageCount") > 0,
            "CONTAINER" => num(v, "ContainerCount") > 0,
            _ => true,
        })
        .collect();
    let local: Vec<_> = listed
        .iter()
        .filter(|v| num(v, "LocalImageCount") > 0)
        .collect();
    let registry: Vec<_> = listed
        .iter()
        .filter(|v| num(v, "RegistryImageCount") > 0)
        .collect();
    Ok(fields([(
        "VulTendencySet",
        json!([
            {"ImageType": "LOCAL", "VulSet": daily(&local, "FoundTime", &days)},
            {"ImageType": "REGISTRY", "VulSet": daily(&registry, "FoundTime", &days)},
        ]),
    )]))
}

const LEVELS: [&str; 4] = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];

/// `RunTimeRiskInfo` counts, one per level, of `levels` (1 to 4).
fn level_counts(levels: impl Iterator<Item = i64>) -> Value {
    let mut n = [0_i64; 5];
    for l in levels {
        n[usize::try_from(l).unwrap_or(0).min(4)] += 1;
    }
    LEVELS
        .iter()
        .zip([4, 3, 2, 1])
        .map(|(name, i)| json!({"Level": name, "Cnt": n[i]}))
        .collect()
}

/// The listed vulnerabilities that affect a local image.
fn local_vulns(m: &Model) -> Vec<Map<String, Value>> {
    m.listed_of(None)
        .into_iter()
        .filter(|v| num(v, "LocalImageCount") > 0)
        .collect()
}

pub fn image_risk_summary(env: &Env, _: &'static Resource, _: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let vulns = local_vulns(&m);
    let viruses = records(env, "image_viruses")?;
    let risks = records(env, "image_risks")?;
    Ok(fields([
        (
            "VulnerabilityCnt",
            level_counts(vulns.iter().map(|v| level_number(text(v, "Level")))),
        ),
        (
            "MalwareVirusCnt",
            level_counts(viruses.iter().map(|v| num(v, "RiskLevel"))),
        ),
        (
            "RiskCnt",
            level_counts(risks.iter().map(|r| num(r, "Level"))),
        ),
    ]))
}

/// `DescribeImageRiskTendency`: per day, the vulnerabilities found (`FoundTime`),
/// viruses first found (`FirstScanTime`) and risks found (their `FoundTime`) in
/// local images.
pub fn image_risk_tendency(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let m = Model::load(env)?;
    let days = series::days(&params, env.now_ms, 7)?;
    let vulns = local_vulns(&m);
    let viruses = records(env, "image_viruses")?;
    let risks = records(env, "image_risks")?;
    Ok(fields([(
        "ImageRiskTendencySet",
        json!([
            {"ImageRiskType": "IRT_VULNERABILITY", "ImageRiskSet": daily(&refs(&vulns), "FoundTime", &days)},
            {"ImageRiskType": "IRT_MALWARE_VIRUS", "ImageRiskSet": daily(&refs(&viruses), "FirstScanTime", &days)},
            {"ImageRiskType": "IRT_RISK", "ImageRiskSet": daily(&refs(&risks), "FoundTime", &days)},
        ]),
    )]))
}
