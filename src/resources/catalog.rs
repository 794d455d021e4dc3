//! The resource table: every TCSS resource the emulator keeps, its identifier, the
//! API types it is shown as and the actions bound to it. One engine reads it
//! (`engine.rs`); `tests` below walk it against the spec.

use super::Bind::{Create, Delete, Export, Get, Hook, List, Put, Read, Update};
use super::hooks::{clusters, containers, image_scans, refresh, registries, settings, summaries};
use super::{Id, Resource};

/// A list answered as `{"List": [...], "TotalCount": n}`, the common shape.
macro_rules! list {
    ($action:literal) => {
        List {
            action: $action,
            items: "List",
            total: "TotalCount",
        }
    };
}

pub static RESOURCES: &[Resource] = &[
    // ---- image registries (`tencentcloud_tcss_image_registry`)
    Resource {
        name: "registries",
        id: Id::Int("RegistryId"),
        types: &[
            "ImageRepoRegistryInfo",
            "DescribeAssetImageRegistryRegistryDetailResponse",
        ],
        bind: &[
            Create {
                action: "AddAssetImageRegistryRegistryDetail",
                from: None,
                returns: Some("RegistryId"),
            },
            list!("DescribeAssetImageRegistryRegistryList"),
            Read {
                action: "DescribeAssetImageRegistryRegistryDetail",
                by: "RegistryId",
                into: None,
            },
            Update {
                action: "UpdateAssetImageRegistryRegistryDetail",
                by: "RegistryId",
                from: None,
            },
            Delete {
                action: "RemoveAssetImageRegistryRegistryDetail",
                ids: "RegistryId",
            },
            Hook {
                action: "CheckRepeatAssetImageRegistry",
                hook: registries::check_repeat,
            },
            Hook {
                action: "SyncAssetImageRegistryAsset",
                hook: registries::sync,
            },
            Hook {
                action: "DescribeAssetImageRegistryAssetStatus",
                hook: registries::asset_status,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- clusters and their access (`tencentcloud_tcss_cluster_access`)
    Resource {
        name: "clusters",
        id: Id::Str("ClusterId", "cls-"),
        types: &[
            "ClusterInfoItem",
            "AssetClusterListItem",
            "DescribeClusterDetailResponse",
        ],
        bind: &[
            List {
                action: "DescribeUserCluster",
                items: "ClusterInfoList",
                total: "TotalCount",
            },
            list!("DescribeAssetClusterList"),
            Read {
                action: "DescribeClusterDetail",
                by: "ClusterId",
                into: None,
            },
            Hook {
                action: "CreateClusterAccess",
                hook: clusters::create_access,
            },
            Hook {
                action: "UninstallClusterContainerSecurity",
                hook: clusters::uninstall,
            },
            Hook {
                action: "ModifyDefendStatus",
                hook: clusters::modify_defend_status,
            },
            Hook {
                action: "SetCheckMode",
                hook: clusters::set_check_mode,
            },
            Hook {
                action: "DescribeClusterSummary",
                hook: clusters::summary,
            },
            Hook {
                action: "DescribeAffectedClusterCount",
                hook: clusters::affected_count,
            },
            Hook {
                action: "CreateCheckComponent",
                hook: clusters::create_check_component,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "cluster_check_tasks",
        id: Id::Int("TaskId"),
        types: &["CreateClusterCheckTaskResponse"],
        bind: &[Hook {
            action: "CreateClusterCheckTask",
            hook: clusters::create_check_task,
        }],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "check_items",
        id: Id::Int("CheckItemId"),
        types: &["ClusterCheckItem"],
        bind: &[List {
            action: "DescribeCheckItemList",
            items: "ClusterCheckItems",
            total: "TotalCount",
        }],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "cluster_nodes",
        id: Id::Str("InstanceId", "ins-"),
        types: &["ClusterNodeInfo"],
        bind: &[List {
            action: "DescribeClusterNodes",
            items: "ClusterNodeList",
            total: "TotalCount",
        }],
        filter_fields: &[("DefendStatus", "DefendStatus")],
        links: &[],
    },
    Resource {
        name: "pods",
        id: Id::Str("PodName", "pod-"),
        types: &["ClusterPodInfo"],
        bind: &[List {
            action: "DescribeUserPodList",
            items: "PodList",
            total: "TotalCount",
        }],
        filter_fields: &[],
        links: &[],
    },
    // ---- cluster refresh tasks (`tencentcloud_tcss_refresh_task_operation`)
    Resource {
        name: "refresh_tasks",
        id: Id::Int("TaskId"),
        types: &["DescribeUnfinishRefreshTaskResponse"],
        bind: &[
            Hook {
                action: "CreateRefreshTask",
                hook: refresh::create,
            },
            Hook {
                action: "DescribeRefreshTask",
                hook: refresh::describe,
            },
            Hook {
                action: "DescribeUnfinishRefreshTask",
                hook: refresh::unfinished_task,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- assets
    Resource {
        name: "hosts",
        id: Id::Str("HostID", "host-"),
        types: &["HostInfo", "DescribeAssetHostDetailResponse"],
        bind: &[
            list!("DescribeAssetHostList"),
            Export {
                action: "CreateHostExportJob",
                list: "DescribeAssetHostList",
            },
            Read {
                action: "DescribeAssetHostDetail",
                by: "HostId",
                into: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "super_nodes",
        id: Id::Str("NodeID", "eklet-"),
        types: &["SuperNodeListItem"],
        bind: &[list!("DescribeAssetSuperNodeList")],
        filter_fields: &[("AgentStatus", "AgentStatus")],
        links: &[],
    },
    Resource {
        name: "super_node_pods",
        id: Id::Str("PodName", "pod-"),
        types: &["SuperNodePodListItem"],
        bind: &[list!("DescribeSuperNodePodList")],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "containers",
        id: Id::Str("ContainerID", "ctr-"),
        types: &["ContainerInfo", "DescribeAssetContainerDetailResponse"],
        bind: &[
            list!("DescribeAssetContainerList"),
            Read {
                action: "DescribeAssetContainerDetail",
                by: "ContainerId",
                into: None,
            },
            Hook {
                action: "ModifyContainerNetStatus",
                hook: containers::modify_net_status,
            },
        ],
        filter_fields: &[("Runas", "RunAs")],
        links: &[],
    },
    Resource {
        name: "local_images",
        id: Id::Str("ImageID", "sha256:"),
        types: &[
            "ImagesInfo",
            "DescribeAssetImageDetailResponse",
            "AssetSimpleImageInfo",
            "ImageSimpleInfo",
        ],
        bind: &[
            list!("DescribeAssetImageList"),
            Export {
                action: "CreateImageExportJob",
                list: "DescribeAssetImageList",
            },
            list!("DescribeAssetImageSimpleList"),
            List {
                action: "DescribeImageSimpleList",
                items: "ImageList",
                total: "ImageCnt",
            },
            Read {
                action: "DescribeAssetImageDetail",
                by: "ImageID",
                into: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "image_scan_tasks",
        id: Id::Int("TaskID"),
        types: &[
            "DescribeAssetImageScanStatusResponse",
            "DescribeAssetImageScanTaskResponse",
        ],
        bind: &[
            Hook {
                action: "CreateAssetImageScanTask",
                hook: image_scans::create,
            },
            Hook {
                action: "DescribeAssetImageScanStatus",
                hook: image_scans::status,
            },
            Hook {
                action: "DescribeAssetImageScanTask",
                hook: image_scans::newest,
            },
            Hook {
                action: "ModifyAssetImageScanStop",
                hook: image_scans::stop,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "image_components",
        id: Id::Seq,
        types: &["ImageComponent"],
        bind: &[
            list!("DescribeImageComponentList"),
            Export {
                action: "CreateComponentExportJob",
                list: "DescribeImageComponentList",
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "components",
        id: Id::Seq,
        types: &["ComponentInfo"],
        bind: &[list!("DescribeAssetComponentList")],
        filter_fields: &[],
        links: &["ContainerID"],
    },
    Resource {
        name: "processes",
        id: Id::Seq,
        types: &["ProcessInfo"],
        bind: &[list!("DescribeAssetProcessList")],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "ports",
        id: Id::Seq,
        types: &["PortInfo"],
        bind: &[list!("DescribeAssetPortList")],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "app_services",
        id: Id::Str("ServiceID", "svc-"),
        types: &["ServiceInfo"],
        bind: &[list!("DescribeAssetAppServiceList")],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "web_services",
        id: Id::Str("ServiceID", "svc-"),
        types: &["ServiceInfo"],
        bind: &[list!("DescribeAssetWebServiceList")],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "db_services",
        id: Id::Str("ServiceID", "svc-"),
        types: &["ServiceInfo"],
        bind: &[list!("DescribeAssetDBServiceList")],
        filter_fields: &[],
        links: &[],
    },
    // ---- export jobs (every `Export` binding records one)
    Resource {
        name: "export_jobs",
        id: Id::Str("JobID", "job-"),
        types: &["ExportJobInfo", "DescribeExportJobResultResponse"],
        bind: &[
            list!("DescribeExportJobManageList"),
            Read {
                action: "DescribeExportJobResult",
                by: "JobId",
                into: None,
            },
            Read {
                action: "DescribeExportJobDownloadURL",
                by: "JobID",
                into: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- summaries counted from the collections above
    Resource {
        name: "asset_sync",
        id: Id::Singleton,
        types: &["DescribeAssetSyncLastTimeResponse"],
        bind: &[
            Hook {
                action: "DescribeAssetSummary",
                hook: summaries::asset_summary,
            },
            Hook {
                action: "DescribeContainerAssetSummary",
                hook: summaries::container_asset_summary,
            },
            Hook {
                action: "DescribeAssetSyncLastTime",
                hook: summaries::sync_last_time,
            },
            Hook {
                action: "ModifyAsset",
                hook: summaries::modify_asset,
            },
            Hook {
                action: "DescribeImageRegistryNamespaceList",
                hook: summaries::namespaces,
            },
            Hook {
                action: "DescribeTcssSummary",
                hook: summaries::tcss_summary,
            },
            Hook {
                action: "DescribeValueAddedSrvInfo",
                hook: summaries::value_added,
            },
            Hook {
                action: "DescribeAssetImageHostList",
                hook: summaries::image_hosts,
            },
            Hook {
                action: "DeleteMachine",
                hook: summaries::delete_machine,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- settings: what was set is described
    Resource {
        name: "image_scan_setting",
        id: Id::Singleton,
        types: &["DescribeAssetImageScanSettingResponse"],
        bind: &[
            Get {
                action: "DescribeAssetImageScanSetting",
            },
            Put {
                action: "CreateAssetImageScanSetting",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "registry_timing_scan",
        id: Id::Singleton,
        types: &["DescribeImageRegistryTimingScanTaskResponse"],
        bind: &[
            Get {
                action: "DescribeImageRegistryTimingScanTask",
            },
            Put {
                action: "UpdateImageRegistryTimingScanTask",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "virus_monitor_setting",
        id: Id::Singleton,
        types: &[
            "DescribeVirusMonitorSettingResponse",
            "DescribeVirusMonitorConfigResponse",
        ],
        bind: &[
            Get {
                action: "DescribeVirusMonitorSetting",
            },
            Get {
                action: "DescribeVirusMonitorConfig",
            },
            Put {
                action: "ModifyVirusMonitorSetting",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "virus_scan_setting",
        id: Id::Singleton,
        types: &[
            "DescribeVirusScanSettingResponse",
            "DescribeVirusScanConfigResponse",
        ],
        bind: &[
            Get {
                action: "DescribeVirusScanSetting",
            },
            Get {
                action: "DescribeVirusScanConfig",
            },
            Put {
                action: "ModifyVirusScanSetting",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "virus_auto_isolate_setting",
        id: Id::Singleton,
        types: &["DescribeVirusAutoIsolateSettingResponse"],
        bind: &[
            Get {
                action: "DescribeVirusAutoIsolateSetting",
            },
            Put {
                action: "ModifyVirusAutoIsolateSetting",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "vul_defence_setting",
        id: Id::Singleton,
        types: &["DescribeVulDefenceSettingResponse"],
        bind: &[
            Get {
                action: "DescribeVulDefenceSetting",
            },
            Put {
                action: "ModifyVulDefenceSetting",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "image_auto_authorized_rule",
        id: Id::Singleton,
        types: &["DescribeImageAutoAuthorizedRuleResponse"],
        bind: &[
            Get {
                action: "DescribeImageAutoAuthorizedRule",
            },
            Put {
                action: "AddEditImageAutoAuthorizedRule",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "sec_log_clean_setting",
        id: Id::Singleton,
        types: &["DescribeSecLogCleanSettingInfoResponse"],
        bind: &[
            Get {
                action: "DescribeSecLogCleanSettingInfo",
            },
            Put {
                action: "ModifySecLogCleanSettingInfo",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "sec_log_kafka_setting",
        id: Id::Singleton,
        types: &["DescribeSecLogDeliveryKafkaSettingResponse"],
        bind: &[
            Get {
                action: "DescribeSecLogDeliveryKafkaSetting",
            },
            Put {
                action: "ModifySecLogDeliveryKafkaSetting",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "sec_log_cls_setting",
        id: Id::Singleton,
        types: &["DescribeSecLogDeliveryClsSettingResponse"],
        bind: &[
            Hook {
                action: "DescribeSecLogDeliveryClsSetting",
                hook: settings::cls_get,
            },
            Hook {
                action: "ModifySecLogDeliveryClsSetting",
                hook: settings::cls_put,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "escape_rules",
        id: Id::Singleton,
        types: &["DescribeEscapeRuleInfoResponse"],
        bind: &[
            Hook {
                action: "DescribeEscapeRuleInfo",
                hook: settings::escape_get,
            },
            Hook {
                action: "ModifyEscapeRule",
                hook: settings::escape_put,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "sec_log_join_state",
        id: Id::Singleton,
        types: &["DescribeSecLogJoinTypeListResponse"],
        bind: &[
            Hook {
                action: "DescribeSecLogJoinTypeList",
                hook: settings::join_get,
            },
            Hook {
                action: "ModifySecLogJoinState",
                hook: settings::join_put,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "virus_scan_timeout",
        id: Id::Singleton,
        types: &["DescribeVirusScanTimeoutSettingResponse"],
        bind: &[
            Hook {
                action: "DescribeVirusScanTimeoutSetting",
                hook: settings::timeout_get,
            },
            Hook {
                action: "ModifyVirusScanTimeoutSetting",
                hook: settings::timeout_put,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "sec_log_kafka_uin",
        id: Id::Singleton,
        types: &["DescribeSecLogKafkaUINResponse"],
        bind: &[
            Get {
                action: "DescribeSecLogKafkaUIN",
            },
            Put {
                action: "ModifySecLogKafkaUIN",
                from: None,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::super::{Bind, bound, member_object, object};
    use super::*;
    use crate::spec;
    use std::collections::HashSet;

    #[test]
    fn every_name_in_the_table_is_in_the_spec() {
        let svc = spec::tcss();
        let mut names = HashSet::new();
        for res in RESOURCES {
            assert!(names.insert(res.name), "collection {} twice", res.name);
            for t in res.types {
                assert!(svc.object_named(t).is_some(), "{}: type {t}", res.name);
            }
            if let Some(member) = res.id.member() {
                assert!(
                    super::super::known_member(res, member).is_some(),
                    "{}: id member {member} is in none of its types",
                    res.name
                );
            }
            for b in res.bind {
                let action = svc
                    .action(b.action())
                    .unwrap_or_else(|| panic!("{}: {}", res.name, b.action()));
                let input = svc.object(action.input);
                let output = svc.object(action.output);
                let has_in = |m: &str| input.members.iter().any(|x| x.name == m);
                let has_out = |m: &str| output.members.iter().any(|x| x.name == m);
                match *b {
                    Bind::List { items, total, .. } => {
                        assert!(
                            member_object(output, items).is_some(),
                            "{}: {items}",
                            action.name
                        );
                        assert!(has_out(total), "{}: {total}", action.name);
                    }
                    Bind::Read { by, into, .. } => {
                        assert!(has_in(by), "{}: {by}", action.name);
                        if let Some(into) = into {
                            assert!(
                                member_object(output, into).is_some(),
                                "{}: {into}",
                                action.name
                            );
                        }
                    }
                    Bind::Create { from, returns, .. } => {
                        if let Some(from) = from {
                            assert!(
                                member_object(input, from).is_some(),
                                "{}: {from}",
                                action.name
                            );
                        }
                        if let Some(returns) = returns {
                            assert!(has_out(returns), "{}: {returns}", action.name);
                        }
                    }
                    Bind::Update { by, from, .. } => {
                        assert!(has_in(by), "{}: {by}", action.name);
                        if let Some(from) = from {
                            assert!(
                                member_object(input, from).is_some(),
                                "{}: {from}",
                                action.name
                            );
                        }
                    }
                    Bind::Delete { ids, .. } => assert!(has_in(ids), "{}: {ids}", action.name),
                    Bind::Status { ids, set, .. } => {
                        assert!(has_in(ids), "{}: {ids}", action.name);
                        for (field, member) in set {
                            assert!(has_in(member), "{}: {member}", action.name);
                            assert!(
                                super::super::known_member(res, field).is_some(),
                                "{}: field {field}",
                                action.name
                            );
                        }
                    }
                    Bind::Put { from, .. } => {
                        if let Some(from) = from {
                            assert!(
                                member_object(input, from).is_some(),
                                "{}: {from}",
                                action.name
                            );
                        }
                    }
                    Bind::Export { list, .. } => {
                        let (list_res, list_bind) = bound(list)
                            .unwrap_or_else(|| panic!("{}: {list} unbound", action.name));
                        assert!(
                            std::ptr::eq(list_res, res),
                            "{}: {list} is another resource's",
                            action.name
                        );
                        assert_eq!(list_bind.kind(), "list", "{}: {list}", action.name);
                    }
                    Bind::Get { .. } | Bind::Hook { .. } => {}
                }
            }
        }
        assert!(object("").members.is_empty());
    }

    #[test]
    fn every_action_is_bound_once() {
        let mut seen = HashSet::new();
        for res in RESOURCES {
            for b in res.bind {
                assert!(seen.insert(b.action()), "{} bound twice", b.action());
                assert!(bound(b.action()).is_some());
            }
        }
    }

    #[test]
    fn filter_fields_name_members_of_the_types() {
        for res in RESOURCES {
            for (_, field) in res.filter_fields {
                assert!(
                    super::super::known_member(res, field).is_some(),
                    "{}: {field}",
                    res.name
                );
            }
        }
    }
}

/// The resource table as Markdown (`docs/resources.md`, checked by a test).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Resources\n\n\
         Generated from `src/resources/catalog.rs` (a test fails when this page is stale;\n\
         `TCSS_UPDATE_DOCS=1 cargo test --lib docs_resources` rewrites it).\n\n\
         | collection | identifier | shown as | actions |\n|---|---|---|---|\n",
    );
    for r in RESOURCES {
        let id = match r.id {
            Id::Int(m) => format!("`{m}` (integer, ascending)"),
            Id::Str(m, prefix) => format!("`{m}` (`{prefix}…`)"),
            Id::Seq => "creation number".to_string(),
            Id::Singleton => "one per account".to_string(),
        };
        let actions: Vec<String> = r
            .bind
            .iter()
            .map(|b| format!("{} `{}`", b.kind(), b.action()))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.name,
            id,
            r.types
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", "),
            actions.join("<br>")
        ));
    }
    out
}

#[cfg(test)]
mod docs {
    #[test]
    fn docs_resources_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/resources.md");
        let want = super::markdown();
        if std::env::var_os("TCSS_UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/resources.md is stale: run TCSS_UPDATE_DOCS=1 cargo test --lib docs_resources"
        );
    }
}
