//! The computed vulnerability lists: system, web and emergency vulnerabilities, those
//! that support defence, a vulnerability's images, containers and registry images,
//! a local image's vulnerabilities, the detail and the newest vulnerability.

use serde_json::{Map, Value, json};

use super::super::super::engine::id_text;
use super::super::super::{Env, Resource};
use super::super::series::{num, text};
use super::{Model, computed, filter_on, filter_values, level_number, records};
use crate::error::ApiError;

/// The request's `PocID` (`""` when absent).
fn poc(params: &Map<String, Value>) -> String {
    params.get("PocID").and_then(id_text).unwrap_or_default()
}

/// The listed vulnerabilities of `kind`, narrowed by the documented filters that are
/// no field of the item (`ImageID`, `ImageName`, `ContainerID`, `ContainerName`,
/// `OnlyAffectedContainer`, `OnlyAffectedNewestImage`).
fn of_kind(
    env: &Env,
    params: &Map<String, Value>,
    kind: &str,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let m = Model::load(env)?;
    let contains = |have: &str, want: &Option<Vec<String>>| {
        want.as_ref().is_none_or(|w| {
            w.iter()
                .any(|w| have.to_lowercase().contains(&w.to_lowercase()))
        })
    };
    let (image_id, image_name) = (
        filter_values(params, "ImageID"),
        filter_values(params, "ImageName"),
    );
    let (container_id, container_name) = (
        filter_values(params, "ContainerID"),
        filter_values(params, "ContainerName"),
    );
    let mut out = m.listed_of(Some(kind));
    out.retain(|v| {
        let a = m.affected(text(v, "PocID"));
        let image_ok = (image_id.is_none() && image_name.is_none())
            || a.local.iter().any(|l| {
                let id = text(l, "ImageID");
                let name = m.local_image(id).map_or("", |i| text(i, "ImageName"));
                contains(id, &image_id) && contains(name, &image_name)
            });
        let container_ok = (container_id.is_none() && container_name.is_none())
            || a.containers.iter().any(|c| {
                contains(text(c, "ContainerID"), &container_id)
                    && contains(text(c, "ContainerName"), &container_name)
            });
        image_ok
            && container_ok
            && (!filter_on(params, "OnlyAffectedContainer") || num(v, "ContainerCount") > 0)
            && (!filter_on(params, "OnlyAffectedNewestImage")
                || num(v, "LocalNewestImageCount") + num(v, "RegistryNewestImageCount") > 0)
    });
    Ok(out)
}

fn system_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    of_kind(env, p, "SYSTEM")
}

fn web_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    of_kind(env, p, "WEB")
}

fn emergency_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    of_kind(env, p, "EMERGENCY")
}

computed!(system_list, list "DescribeSystemVulList", "List", system_rows);
computed!(system_export, export "CreateSystemVulExportJob" of "DescribeSystemVulList", "List", system_rows);
computed!(web_list, list "DescribeWebVulList", "List", web_rows);
computed!(web_export, export "CreateWebVulExportJob" of "DescribeWebVulList", "List", web_rows);
computed!(emergency_list, list "DescribeEmergencyVulList", "List", emergency_rows);
computed!(emergency_export, export "CreateEmergencyVulExportJob" of "DescribeEmergencyVulList", "List", emergency_rows);

/// Whether a vulnerability supports defence: it has a `DefenceStatus`.
pub fn defensible(v: &Map<String, Value>) -> bool {
    !text(v, "DefenceStatus").is_empty()
}

/// The listed vulnerabilities that support defence; `Status` 1 when a RASP rule
/// whitelists it, else 0 (`SupportDefenceVul`), `VulId` its `ID`; and the same as
/// `RaspRuleVul` (`VulVulsID`, `VulVulsName`, `CveID`).
fn defence_rows(env: &Env, _: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let m = Model::load(env)?;
    let rules = records(env, "rasp_rules")?;
    Ok(m.listed_of(None)
        .into_iter()
        .filter(defensible)
        .map(|mut v| {
            let id = num(&v, "ID");
            let white = rules.iter().any(|r| num(r, "VulVulsID") == id);
            v.extend(super::super::fields([
                ("VulId", json!(id)),
                ("Status", json!(i64::from(white))),
                ("VulVulsID", json!(id)),
                ("VulVulsName", json!(text(&v, "Name"))),
                ("CveID", json!(text(&v, "CVEID"))),
                ("SupportDefense", json!(1)),
            ]));
            v
        })
        .collect())
}

computed!(support_defence_list, list "DescribeSupportDefenceVul", "List", defence_rows);
computed!(support_defence_export, export "CreateDefenceVulExportJob" of "DescribeSupportDefenceVul", "List", defence_rows);
/// `DescribeRaspRuleVuls`: the vulnerabilities a RASP rule may whitelist. Its
/// documented example filters on `WhiteType`, which every such vulnerability takes
/// (0 or 1), so that filter selects them all.
pub fn rasp_vuls(
    env: &Env,
    res: &'static Resource,
    mut params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    if let Some(Value::Array(filters)) = params.get_mut("Filters") {
        filters.retain(|f| {
            !f.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("WhiteType"))
        });
    }
    super::listed(
        env,
        res,
        "DescribeRaspRuleVuls",
        "List",
        defence_rows,
        &params,
    )
}

/// The local images `PocID` affects (ignored ones left out), with their hosts and
/// containers counted from the model (`VulAffectedImageInfo`).
fn image_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let m = Model::load(env)?;
    let poc = poc(p);
    let a = m.affected(&poc);
    Ok(a.local
        .iter()
        .map(|l| {
            let id = text(l, "ImageID");
            let mut row = m.local_image(id).cloned().unwrap_or_default();
            row.extend((*l).clone());
            let containers: Vec<_> = m
                .containers
                .iter()
                .filter(|c| text(c, "ImageID") == id)
                .collect();
            let mut hosts: Vec<&str> = containers.iter().map(|c| text(c, "HostID")).collect();
            hosts.sort_unstable();
            hosts.dedup();
            row.insert("ContainerCount".into(), json!(containers.len()));
            row.insert("HostCount".into(), json!(hosts.len()));
            row
        })
        .collect())
}

computed!(image_list, list "DescribeVulImageList", "List", image_rows);
computed!(image_export, export "CreateVulImageExportJob" of "DescribeVulImageList", "List", image_rows);

/// The containers running an image `PocID` affects (`VulAffectedContainerInfo`:
/// the container's `Status` as `ContainerStatus`, its host as the node).
fn container_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let m = Model::load(env)?;
    let poc = poc(p);
    Ok(m.affected(&poc)
        .containers
        .iter()
        .map(|c| {
            let mut row = (*c).clone();
            row.extend(super::super::fields([
                ("ContainerStatus", json!(text(c, "Status"))),
                ("NodeName", json!(text(c, "HostName"))),
                ("NodeID", json!(text(c, "HostID"))),
            ]));
            row
        })
        .collect())
}

computed!(container_list, list "DescribeVulContainerList", "List", container_rows);
computed!(container_export, export "CreateVulContainerExportJob" of "DescribeVulContainerList", "List", container_rows);

/// The registry images `PocID` affects, as the registry images show them.
fn registry_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let m = Model::load(env)?;
    let poc = poc(p);
    Ok(m.affected(&poc)
        .registry
        .iter()
        .map(|l| {
            let asset = num(l, "ImageAssetId");
            let mut row = m
                .registry_image(&asset.to_string())
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            if let Some(id) = row.get("ImageId").cloned() {
                row.insert("ImageID".into(), id);
            }
            row.extend((*l).clone());
            row
        })
        .collect())
}

computed!(registry_list, list "DescribeVulRegistryImageList", "List", registry_rows);

/// The vulnerabilities of the local image `ImageID` that are not ignored for it,
/// as `ImagesVul` (the level as 1 to 4; the first affected component's name,
/// version and fixed version).
fn image_vul_rows(env: &Env, p: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let m = Model::load(env)?;
    let image = p.get("ImageID").and_then(id_text).unwrap_or_default();
    let mut out = Vec::new();
    for v in &m.vulns {
        let a = m.affected(text(v, "PocID"));
        let Some(link) = a.local.iter().find(|l| text(l, "ImageID") == image) else {
            continue;
        };
        let component = link
            .get("ComponentList")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut row = v.clone();
        let reference = match v.get("Reference") {
            Some(Value::Array(l)) => l
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        };
        row.extend(super::super::fields([
            ("Level", json!(level_number(text(v, "Level")))),
            ("Des", json!(text(v, "Description"))),
            ("Reference", json!(reference)),
            ("Tag", v.get("Tags").cloned().unwrap_or(json!([]))),
            ("Component", json!(text(&component, "Name"))),
            ("Version", json!(text(&component, "Version"))),
            ("FixedVersions", json!(text(&component, "FixedVersion"))),
            ("IsSuggest", json!(level_number(text(v, "Level")) >= 3)),
        ]));
        out.push(row);
    }
    Ok(out)
}

computed!(asset_image_vuls, list "DescribeAssetImageVulList", "List", image_vul_rows);
computed!(asset_image_vul_export, export "DescribeAssetImageVulListExport" of "DescribeAssetImageVulList", "List", image_vul_rows);
computed!(vul_export, export "CreateVulExportJob" of "DescribeAssetImageVulList", "List", image_vul_rows);

/// `DescribeVulDetail`: the vulnerability `PocID` with its derived counts and
/// components; `ResourceNotFound` when unknown.
pub fn detail(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let m = Model::load(env)?;
    let poc = poc(&params);
    let v = m
        .vuln(&poc)
        .ok_or_else(|| ApiError::not_found("vulnerability", &format!("PocID `{poc}`")))?;
    let mut shown = m.shown(v);
    if !shown.contains_key("ComponentList") {
        shown.insert("ComponentList".into(), components(&m, &poc));
    }
    Ok(super::super::fields([("VulInfo", Value::Object(shown))]))
}

/// The components of the images `poc` affects, by name, with their versions and
/// fixed versions (`VulAffectedComponentInfo`).
fn components(m: &Model, poc: &str) -> Value {
    let a = m.affected(poc);
    let mut out: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    let listed = a.local.iter().chain(a.registry.iter());
    for c in listed
        .filter_map(|l| l.get("ComponentList").and_then(Value::as_array))
        .flatten()
    {
        let Some(c) = c.as_object() else { continue };
        let name = text(c, "Name").to_string();
        let i = match out.iter().position(|(n, _, _)| *n == name) {
            Some(i) => i,
            None => {
                out.push((name, Vec::new(), Vec::new()));
                out.len() - 1
            }
        };
        let (_, versions, fixed) = &mut out[i];
        for (list, field) in [(versions, "Version"), (fixed, "FixedVersion")] {
            let v = text(c, field).to_string();
            if !v.is_empty() && !list.contains(&v) {
                list.push(v);
            }
        }
    }
    out.into_iter()
        .map(|(name, versions, fixed)| json!({"Name": name, "Version": versions, "FixedVersion": fixed}))
        .collect()
}

/// `DescribeNewestVul`: the emergency vulnerability submitted last (any
/// vulnerability when there is no emergency one); empty when there is none.
pub fn newest(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let m = Model::load(env)?;
    let emergency: Vec<_> = m
        .vulns
        .iter()
        .filter(|v| text(v, "CategoryType").eq_ignore_ascii_case("EMERGENCY"))
        .collect();
    let pool = if emergency.is_empty() {
        m.vulns.iter().collect()
    } else {
        emergency
    };
    let Some(v) = pool.into_iter().max_by_key(|v| text(v, "SubmitTime")) else {
        return Ok(Map::new());
    };
    let shown = m.shown(v);
    let status = match text(&shown, "Status") {
        "SCANNING" => "SCANNING",
        "SCANNED_NOT_RISK" | "SCANNED_RISK" => "SCANNED",
        _ => text(&shown, "ScanStatus"),
    };
    Ok(super::super::fields([
        ("PocID", json!(text(v, "PocID"))),
        ("VulName", json!(text(v, "Name"))),
        ("SubmitTime", json!(text(v, "SubmitTime"))),
        ("Status", json!(status)),
        ("CVEID", json!(text(v, "CVEID"))),
        ("SupportDefense", json!(i64::from(defensible(v)))),
    ]))
}
