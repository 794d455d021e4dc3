//! Assets, clusters and their access, image registries, refresh tasks, exports and the
//! summaries counted from them (issue "One world for all of TCSS (1/2)").

use super::super::Bind::{Create, Delete, Export, Hook, List, Read, Update};
use super::super::hooks::compliance::risks;
use super::super::hooks::{clusters, containers, image_scans, refresh, registries, summaries};
use super::super::{Id, Resource};

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
        bind: &[
            List {
                action: "DescribeCheckItemList",
                items: "ClusterCheckItems",
                total: "TotalCount",
            },
            // The check results: `hooks/compliance/risks.rs`.
            Hook {
                action: "DescribeRiskList",
                hook: risks::risk_list,
            },
            Hook {
                action: "DescribeAffectedNodeList",
                hook: risks::affected_nodes,
            },
            Hook {
                action: "DescribeAffectedWorkloadList",
                hook: risks::affected_workloads,
            },
            Hook {
                action: "DescribeTaskResultSummary",
                hook: risks::task_result_summary,
            },
        ],
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
];
