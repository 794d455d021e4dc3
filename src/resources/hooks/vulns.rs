//! Vulnerabilities ([TCSS vulnerability APIs](https://cloud.tencent.com/document/api/1285/65434)):
//! the vulnerability records (`vulns`, `CategoryType` `SYSTEM`, `WEB` or `EMERGENCY`)
//! and the images each affects (`vuln_images`: a local image id and its components,
//! `vuln_registry_images`: a registry image's asset id), with everything else derived
//! from the model at each read: an affected image's name, hosts and containers come
//! from `local_images` and `containers`, a registry image's from the registry images,
//! and the ignores (`ignores.rs`) take images, or a whole vulnerability, out of every
//! list and count. Lists computed here are filtered, sorted and paged like every list
//! of the model, and exported by the same file writer.

pub mod defence;
pub mod ignores;
pub mod lists;
pub mod scan;
pub mod summary;

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::super::engine::{id_text, item_type, load};
use super::super::{Env, Resource, export, project, query, resource};
use super::series::{num, text};
use crate::error::ApiError;
use crate::spec;

/// The records of the collection `name` in the caller's account (none when the table
/// has no such collection).
pub fn records(env: &Env, name: &str) -> Result<Vec<Map<String, Value>>, ApiError> {
    match resource(name) {
        Some(res) => Ok(load(env, res)?.into_iter().map(|r| r.fields).collect()),
        None => Ok(Vec::new()),
    }
}

/// Everything a vulnerability answer is derived from, read once per call.
pub struct Model {
    pub vulns: Vec<Map<String, Value>>,
    /// `vuln_images`: `PocID`, `ImageID`, `ComponentList`.
    pub links: Vec<Map<String, Value>>,
    /// `vuln_registry_images`: `PocID`, `ImageAssetId`, `ComponentList`.
    pub registry_links: Vec<Map<String, Value>>,
    pub local: Vec<Map<String, Value>>,
    pub containers: Vec<Map<String, Value>>,
    /// The caller's registry images: asset id and fields.
    pub registry: Vec<(i64, Map<String, Value>)>,
    /// Vulnerabilities ignored for every image.
    all_ignored: HashSet<String>,
    /// (PocID, local image id) and (PocID, registry asset id) ignored.
    ignored: HashSet<(String, String)>,
    ignored_registry: HashSet<(String, String)>,
    /// Whether a vulnerability scan task is running.
    scanning: bool,
    /// Indexes: a vulnerability's links, an image's containers, a local image by id.
    links_of: HashMap<String, Vec<usize>>,
    registry_links_of: HashMap<String, Vec<usize>>,
    containers_of: HashMap<String, Vec<usize>>,
    local_of: HashMap<String, usize>,
}

/// The positions of `records` by the text of their field `name`.
fn index(records: &[Map<String, Value>], name: &str) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        out.entry(text(r, name).to_string()).or_default().push(i);
    }
    out
}

/// The positions `index` holds for `key` (none when it holds nothing).
fn positions<'a>(index: &'a HashMap<String, Vec<usize>>, key: &str) -> &'a [usize] {
    index.get(key).map_or(&[], Vec::as_slice)
}

/// A vulnerability's affected, not ignored images.
pub struct Affected<'m> {
    pub local: Vec<&'m Map<String, Value>>,
    pub registry: Vec<&'m Map<String, Value>>,
    pub containers: Vec<&'m Map<String, Value>>,
    /// Whether it names any image at all (ignored or not).
    pub names_images: bool,
}

impl Model {
    pub fn load(env: &Env) -> Result<Self, ApiError> {
        let pair =
            |r: &Map<String, Value>, id: &str| (text(r, "PocID").to_string(), id.to_string());
        let ignores = records(env, "vuln_ignores")?;
        let ignored = records(env, "vuln_ignored_local_images")?
            .iter()
            .map(|r| pair(r, text(r, "ImageID")))
            .collect();
        let ignored_registry = records(env, "vuln_ignored_registry_images")?
            .iter()
            .map(|r| pair(r, text(r, "ImageID")))
            .collect();
        let links = records(env, "vuln_images")?;
        let registry_links = records(env, "vuln_registry_images")?;
        let local = records(env, "local_images")?;
        let containers = records(env, "containers")?;
        Ok(Self {
            vulns: records(env, "vulns")?,
            links_of: index(&links, "PocID"),
            registry_links_of: index(&registry_links, "PocID"),
            containers_of: index(&containers, "ImageID"),
            local_of: local
                .iter()
                .enumerate()
                .map(|(i, r)| (text(r, "ImageID").to_string(), i))
                .collect(),
            links,
            registry_links,
            local,
            containers,
            registry: env
                .store
                .account_images(&env.account)?
                .into_iter()
                .map(|i| (i.id, i.fields))
                .collect(),
            all_ignored: ignores
                .iter()
                .filter(|r| num(r, "IsIgnoreAll") == 1)
                .map(|r| text(r, "PocID").to_string())
                .collect(),
            ignored,
            ignored_registry,
            scanning: records(env, "vuln_scan_tasks")?
                .iter()
                .any(|t| text(t, "Status") == "SCANNING"),
        })
    }

    pub fn vuln(&self, poc: &str) -> Option<&Map<String, Value>> {
        self.vulns.iter().find(|v| text(v, "PocID") == poc)
    }

    /// The registry image with asset id `id` (digits) or image id `id`.
    pub fn registry_image(&self, id: &str) -> Option<&(i64, Map<String, Value>)> {
        self.registry
            .iter()
            .find(|(n, f)| n.to_string() == id || text(f, "ImageId") == id)
    }

    pub fn affected(&self, poc: &str) -> Affected<'_> {
        let all = self.all_ignored.contains(poc);
        let (local_links, registry_links) = (
            positions(&self.links_of, poc),
            positions(&self.registry_links_of, poc),
        );
        let local: Vec<_> = local_links
            .iter()
            .map(|i| &self.links[*i])
            .filter(|l| {
                !all && !self
                    .ignored
                    .contains(&(poc.to_string(), text(l, "ImageID").to_string()))
            })
            .collect();
        let registry: Vec<_> = registry_links
            .iter()
            .map(|i| &self.registry_links[*i])
            .filter(|l| {
                let id = num(l, "ImageAssetId").to_string();
                !all && !self.ignored_registry.contains(&(poc.to_string(), id))
            })
            .collect();
        let mut ids: Vec<&str> = local.iter().map(|l| text(l, "ImageID")).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut containers: Vec<usize> = ids
            .iter()
            .flat_map(|id| self.containers_of.get(*id).into_iter().flatten().copied())
            .collect();
        containers.sort_unstable();
        Affected {
            local,
            registry,
            containers: containers.iter().map(|i| &self.containers[*i]).collect(),
            names_images: !local_links.is_empty() || !registry_links.is_empty(),
        }
    }

    /// Whether the vulnerability is listed: not ignored for every image, and, when it
    /// names images, affecting one that is not ignored.
    pub fn listed(&self, poc: &str) -> bool {
        let a = self.affected(poc);
        !self.all_ignored.contains(poc)
            && (!a.names_images || !a.local.is_empty() || !a.registry.is_empty())
    }

    /// The local image `id`'s record.
    pub fn local_image(&self, id: &str) -> Option<&Map<String, Value>> {
        self.local_of.get(id).map(|i| &self.local[*i])
    }

    /// A vulnerability with its derived counts, as the lists and the detail show it.
    pub fn shown(&self, v: &Map<String, Value>) -> Map<String, Value> {
        let poc = text(v, "PocID");
        let a = self.affected(poc);
        let newest_local = a
            .local
            .iter()
            .filter(|l| {
                self.local_image(text(l, "ImageID"))
                    .is_some_and(|i| i.get("IsLatestImage") == Some(&Value::Bool(true)))
            })
            .count();
        let newest_registry = a
            .registry
            .iter()
            .filter(|l| {
                self.registry_image(&num(l, "ImageAssetId").to_string())
                    .is_some_and(|(_, f)| f.get("IsLatestImage") == Some(&Value::Bool(true)))
            })
            .count();
        // Scanned once a local image was; at risk while it affects an image.
        let risky = !a.local.is_empty() || !a.registry.is_empty();
        let scanned = risky
            || self
                .local
                .iter()
                .any(|i| text(i, "ScanStatus") == "SCANNED");
        let mut out = v.clone();
        if text(v, "CategoryType").eq_ignore_ascii_case("EMERGENCY") {
            let status = match (self.scanning, risky, scanned) {
                (true, _, _) => "SCANNING",
                (_, true, _) => "SCANNED_RISK",
                (_, _, true) => "SCANNED_NOT_RISK",
                _ => "NOT_SCAN",
            };
            out.insert("Status".into(), json!(status));
        }
        out.extend(super::fields([
            (
                "ScanStatus",
                json!(if scanned { "SCANNED" } else { "NOT_SCAN" }),
            ),
            ("LocalImageCount", json!(a.local.len())),
            ("RegistryImageCount", json!(a.registry.len())),
            ("ContainerCount", json!(a.containers.len())),
            ("LocalNewestImageCount", json!(newest_local)),
            ("RegistryNewestImageCount", json!(newest_registry)),
        ]));
        out
    }

    /// The listed vulnerabilities of `kind` (`CategoryType`; `None`: all), shown.
    pub fn listed_of(&self, kind: Option<&str>) -> Vec<Map<String, Value>> {
        self.vulns
            .iter()
            .filter(|v| kind.is_none_or(|k| text(v, "CategoryType").eq_ignore_ascii_case(k)))
            .filter(|v| self.listed(text(v, "PocID")))
            .map(|v| self.shown(v))
            .collect()
    }
}

/// A vulnerability level as the integer some types use (`ImagesVul`, virus and risk
/// levels): LOW 1, MIDDLE/MEDIUM 2, HIGH 3, CRITICAL 4.
pub fn level_number(level: &str) -> i64 {
    match level.to_ascii_uppercase().as_str() {
        "LOW" => 1,
        "MIDDLE" | "MEDIUM" => 2,
        "HIGH" => 3,
        "CRITICAL" => 4,
        _ => 0,
    }
}

/// The request member `member`, upper-cased, when it is one of `allowed` (absent or
/// empty: `None`); any other value is `InvalidParameterValue`.
pub fn one_of(
    params: &Map<String, Value>,
    member: &str,
    allowed: &[&str],
) -> Result<Option<String>, ApiError> {
    match params.get(member).and_then(Value::as_str) {
        None | Some("") => Ok(None),
        Some(v) if allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) => {
            Ok(Some(v.to_ascii_uppercase()))
        }
        Some(v) => Err(ApiError::invalid_parameter_value(
            member,
            &format!("`{v}` is not one of {}", allowed.join(", ")),
        )),
    }
}

/// The values of the filter `name` in a request's `Filters`, when given.
pub fn filter_values(params: &Map<String, Value>, name: &str) -> Option<Vec<String>> {
    params
        .get("Filters")?
        .as_array()?
        .iter()
        .find(|f| {
            f.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .map(|f| {
            f.get("Values")
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(id_text).collect())
                .unwrap_or_default()
        })
}

/// Whether the filter `name` is given as `true`.
pub fn filter_on(params: &Map<String, Value>, name: &str) -> bool {
    filter_values(params, name)
        .is_some_and(|v| v.iter().any(|s| s.eq_ignore_ascii_case("true") || s == "1"))
}

/// Rows of a computed list for a request, before filters.
pub type Rows = fn(&Env, &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError>;

fn item_of(
    list_action: &str,
    items: &str,
) -> Result<(&'static spec::Action, &'static spec::Object), ApiError> {
    let action = spec::tcss().action(list_action).ok_or_else(|| {
        tracing::error!(list_action, "computed list names no action");
        ApiError::internal()
    })?;
    Ok((action, item_type(action, items)))
}

fn shown_as(rows: Vec<Map<String, Value>>, item: &'static spec::Object) -> Vec<Map<String, Value>> {
    rows.iter().map(|r| project(r, item)).collect()
}

/// A computed list answered like a list binding: `items` and `TotalCount`.
pub fn listed(
    env: &Env,
    res: &'static Resource,
    list_action: &str,
    items: &str,
    rows: Rows,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (action, item) = item_of(list_action, items)?;
    let shown = shown_as(rows(env, params)?, item);
    let (page, n) = query::run(res, action, item, shown, params)?;
    let mut out = Map::new();
    out.insert(
        items.into(),
        Value::Array(page.into_iter().map(Value::Object).collect()),
    );
    out.insert("TotalCount".into(), json!(n));
    Ok(out)
}

/// The export `export_action` of a computed list: the rows it answers for the same
/// filters, written like every export of the model.
pub fn exported(
    env: &Env,
    res: &'static Resource,
    export_action: &str,
    list_action: &str,
    items: &str,
    rows: Rows,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (action, item) = item_of(list_action, items)?;
    let Some(export_action) = spec::tcss().action(export_action) else {
        return Err(ApiError::internal());
    };
    let shown = shown_as(rows(env, params)?, item);
    let rows = query::select(res, action, item, shown, params)?;
    export::write_page(env, res, export_action, item, rows, params)
}

/// A hook answering a computed list (`listed`) or its export (`exported`).
macro_rules! computed {
    ($name:ident, list $action:literal, $items:literal, $rows:path) => {
        pub fn $name(
            env: &Env,
            res: &'static Resource,
            params: Map<String, Value>,
        ) -> Result<Map<String, Value>, ApiError> {
            $crate::resources::hooks::vulns::listed(env, res, $action, $items, $rows, &params)
        }
    };
    ($name:ident, export $export:literal of $action:literal, $items:literal, $rows:path) => {
        pub fn $name(
            env: &Env,
            res: &'static Resource,
            params: Map<String, Value>,
        ) -> Result<Map<String, Value>, ApiError> {
            $crate::resources::hooks::vulns::exported(
                env, res, $export, $action, $items, $rows, &params,
            )
        }
    };
}
pub(crate) use computed;
