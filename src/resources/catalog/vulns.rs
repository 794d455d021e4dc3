//! Vulnerabilities (issue "One world for all of TCSS (2/2)", point 3): system, web
//! and emergency vulnerabilities and the images they affect, ignores, scan tasks,
//! defence (plugins, hosts, events, RASP whitelist rules), the local images'
//! findings and the summaries counted from them. Lists derived from the model are
//! hooks (`hooks/vulns/`); the rest are table bindings.

use super::super::Bind::{Delete, Export, Hook, List, Read};
use super::super::hooks::vulns::{defence, ignores, lists, scan, summary};
use super::super::{Id, Resource};

/// A hook binding in one line.
macro_rules! hook {
    ($action:literal, $hook:path) => {
        Hook {
            action: $action,
            hook: $hook,
        }
    };
}

/// An export binding of the list `$list` in one line.
macro_rules! export {
    ($action:literal, $list:literal) => {
        Export {
            action: $action,
            list: $list,
        }
    };
}

pub static RESOURCES: &[Resource] = &[
    Resource {
        name: "vulns",
        id: Id::Str("PocID", "pcmgr-"),
        types: &["VulInfo", "EmergencyVulInfo", "VulDetailInfo"],
        bind: &[
            hook!("DescribeSystemVulList", lists::system_list),
            hook!("CreateSystemVulExportJob", lists::system_export),
            hook!("DescribeWebVulList", lists::web_list),
            hook!("CreateWebVulExportJob", lists::web_export),
            hook!("DescribeEmergencyVulList", lists::emergency_list),
            hook!("CreateEmergencyVulExportJob", lists::emergency_export),
            hook!("DescribeVulDetail", lists::detail),
            hook!("DescribeNewestVul", lists::newest),
            hook!("DescribeSupportDefenceVul", lists::support_defence_list),
            hook!("CreateDefenceVulExportJob", lists::support_defence_export),
            hook!("DescribeVulImageList", lists::image_list),
            hook!("CreateVulImageExportJob", lists::image_export),
            hook!("DescribeVulContainerList", lists::container_list),
            hook!("CreateVulContainerExportJob", lists::container_export),
            hook!("DescribeVulRegistryImageList", lists::registry_list),
            hook!("DescribeAssetImageVulList", lists::asset_image_vuls),
            hook!(
                "DescribeAssetImageVulListExport",
                lists::asset_image_vul_export
            ),
            hook!("CreateVulExportJob", lists::vul_export),
            hook!("DescribeVulSummary", summary::vul_summary),
            hook!("DescribeVulLevelSummary", summary::level_summary),
            hook!("DescribeVulLevelImageSummary", summary::level_image_summary),
            hook!("DescribeVulImageSummary", summary::image_summary),
            hook!("DescribeVulTopRanking", summary::top_ranking),
            hook!("DescribeVulTendency", summary::vul_tendency),
            hook!("DescribeImageRiskSummary", summary::image_risk_summary),
            hook!("DescribeImageRiskTendency", summary::image_risk_tendency),
        ],
        filter_fields: &[],
        links: &[],
    },
    // What a vulnerability affects: a local image (with its components), a registry
    // image (by its asset id).
    Resource {
        name: "vuln_images",
        id: Id::Seq,
        types: &["VulAffectedImageInfo"],
        bind: &[],
        filter_fields: &[],
        links: &["PocID"],
    },
    Resource {
        name: "vuln_registry_images",
        id: Id::Seq,
        types: &["VulAffectedRegistryImageInfo"],
        bind: &[],
        filter_fields: &[],
        links: &["PocID"],
    },
    // ---- ignores
    Resource {
        name: "vuln_ignores",
        id: Id::Str("PocID", "pcmgr-"),
        types: &["ScanIgnoreVul"],
        bind: &[
            list!("DescribeScanIgnoreVulList"),
            hook!("AddIgnoreVul", ignores::add),
            hook!("DeleteIgnoreVul", ignores::delete),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "vuln_ignored_local_images",
        id: Id::Int("ID"),
        types: &["VulIgnoreLocalImage"],
        bind: &[list!("DescribeVulIgnoreLocalImageList")],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "vuln_ignored_registry_images",
        id: Id::Int("ID"),
        types: &["VulIgnoreRegistryImage"],
        bind: &[list!("DescribeVulIgnoreRegistryImageList")],
        filter_fields: &[],
        links: &[],
    },
    // ---- scan tasks on the clock
    Resource {
        name: "vuln_scan_tasks",
        id: Id::Int("LocalTaskID"),
        types: &["DescribeVulScanInfoResponse"],
        bind: &[
            hook!("CreateVulScanTask", scan::create),
            hook!("StopVulScanTask", scan::stop),
            hook!("DescribeVulScanInfo", scan::info),
            hook!(
                "DescribeVulScanAuthorizedImageSummary",
                scan::authorized_summary
            ),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "vuln_scan_images",
        id: Id::Seq,
        types: &["VulScanImageInfo"],
        bind: &[list!("DescribeVulScanLocalImageList")],
        filter_fields: &[],
        links: &[],
    },
    // ---- defence
    Resource {
        name: "vul_defence_events",
        id: Id::Int("EventID"),
        types: &["VulDefenceEvent", "VulDefenceEventDetail"],
        bind: &[
            list!("DescribeVulDefenceEvent"),
            export!("CreateVulDefenceEventExportJob", "DescribeVulDefenceEvent"),
            Read {
                action: "DescribeVulDefenceEventDetail",
                by: "EventID",
                into: Some("EventDetail"),
            },
            hook!("ModifyVulDefenceEventStatus", defence::modify_event_status),
            hook!("DescribeVulDefenceEventTendency", defence::event_tendency),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "vul_defence_hosts",
        id: Id::Str("HostID", "host-"),
        types: &["VulDefenceHost"],
        bind: &[
            list!("DescribeVulDefenceHost"),
            export!("CreateVulDefenceHostExportJob", "DescribeVulDefenceHost"),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "vul_defence_plugins",
        id: Id::Seq,
        types: &["VulDefencePlugin"],
        bind: &[list!("DescribeVulDefencePlugin")],
        filter_fields: &[],
        links: &["HostID"],
    },
    Resource {
        name: "rasp_rules",
        id: Id::Int("Id"),
        types: &["RaspRule"],
        bind: &[
            list!("DescribeRaspRules"),
            hook!("ModifyRaspRules", defence::modify_rasp_rules),
            Delete {
                action: "DeleteRaspRules",
                ids: "IDs",
            },
            hook!("DescribeRaspRuleVuls", lists::rasp_vuls),
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- the local images' findings (their vulnerabilities are `vulns`)
    Resource {
        name: "image_risks",
        id: Id::Seq,
        types: &["ImageRiskInfo"],
        bind: &[
            list!("DescribeAssetImageRiskList"),
            export!(
                "DescribeAssetImageRiskListExport",
                "DescribeAssetImageRiskList"
            ),
        ],
        filter_fields: &[],
        links: &["ImageID", "FoundTime"],
    },
    Resource {
        name: "image_viruses",
        id: Id::Seq,
        types: &["ImageVirusInfo"],
        bind: &[
            list!("DescribeAssetImageVirusList"),
            export!(
                "DescribeAssetImageVirusListExport",
                "DescribeAssetImageVirusList"
            ),
            export!(
                "CreateAssetImageVirusExportJob",
                "DescribeAssetImageVirusList"
            ),
        ],
        filter_fields: &[],
        links: &["ImageID"],
    },
];
