//! The registry images (`*AssetImageRegistry*` but the registries themselves): the
//! family the emulator started with. Their records live in the store's `images`
//! table (each with its Detail answer pre-rendered, see the README's state model)
//! and their behaviour (scans on the clock, findings, exports) is hand-written in
//! `actions::registry`, bound here like any other hook.

use super::super::Bind::{Hook, Rendered};
use super::super::{Id, Resource};
use crate::actions::registry::{findings, images, scans};

pub static RESOURCES: &[Resource] = &[Resource {
    name: "images",
    id: Id::Int("Id"),
    types: &["ImageRepoInfo", "DescribeAssetImageRegistryDetailResponse"],
    bind: &[
        Rendered {
            action: "DescribeAssetImageRegistryDetail",
            hook: images::describe_detail,
        },
        Hook {
            action: "DescribeAssetImageRegistryList",
            hook: images::describe_list,
        },
        Hook {
            action: "DescribeAssetImageRegistryListExport",
            hook: images::export_list,
        },
        Hook {
            action: "DescribeAssetImageRegistrySummary",
            hook: images::describe_summary,
        },
        Hook {
            action: "DescribeAssetImageRegistryVulList",
            hook: findings::vul_list,
        },
        Hook {
            action: "DescribeAssetImageRegistryVulListExport",
            hook: findings::vul_export,
        },
        Hook {
            action: "DescribeAssetImageRegistryRiskInfoList",
            hook: findings::risk_list,
        },
        Hook {
            action: "DescribeAssetImageRegistryRiskListExport",
            hook: findings::risk_export,
        },
        Hook {
            action: "DescribeAssetImageRegistryVirusList",
            hook: findings::virus_list,
        },
        Hook {
            action: "DescribeAssetImageRegistryVirusListExport",
            hook: findings::virus_export,
        },
        Hook {
            action: "CreateAssetImageRegistryScanTask",
            hook: scans::create_task,
        },
        Hook {
            action: "CreateAssetImageRegistryScanTaskOneKey",
            hook: scans::create_task,
        },
        Hook {
            action: "DescribeAssetImageRegistryScanStatusOneKey",
            hook: scans::describe_status,
        },
        Hook {
            action: "ModifyAssetImageRegistryScanStop",
            hook: scans::stop_scans,
        },
        Hook {
            action: "ModifyAssetImageRegistryScanStopOneKey",
            hook: scans::stop_scans,
        },
    ],
    filter_fields: &[],
    links: &[],
}];
