//! Compliance (baseline checks, issue #11 point 4): the assets checked, the policy
//! items they are checked against, the whitelist that ignores results, periodic
//! tasks and the scans that produce the results on the emulator clock. The pass/fail
//! counts are computed from the results when asked (`hooks/compliance`), so a
//! whitelist change shows at once.

use super::super::Bind::{Delete, Hook, List};
use super::super::hooks::compliance::{self as c, scans, whitelist};
use super::super::{Id, Resource};

pub static RESOURCES: &[Resource] = &[
    Resource {
        name: "compliance_assets",
        id: Id::Int("CustomerAssetId"),
        types: &[
            "ComplianceAssetInfo",
            "ComplianceAssetDetailInfo",
            "ComplianceScanFailedAsset",
            "DescribeComplianceAssetDetailInfoResponse",
        ],
        bind: &[
            Hook {
                action: "DescribeComplianceAssetList",
                hook: c::asset_list,
            },
            Hook {
                action: "DescribeComplianceAssetDetailInfo",
                hook: c::asset_detail,
            },
            Hook {
                action: "DescribeComplianceAssetPolicyItemList",
                hook: c::asset_policy_items,
            },
            Hook {
                action: "DescribeComplianceScanFailedAssetList",
                hook: c::scan_failed_list,
            },
            Hook {
                action: "DescribeComplianceTaskAssetSummary",
                hook: c::task_asset_summary,
            },
            Hook {
                action: "CreateExportComplianceStatusListJob",
                hook: c::export,
            },
            Hook {
                action: "ScanComplianceAssets",
                hook: scans::assets,
            },
            Hook {
                action: "ScanComplianceAssetsByPolicyItem",
                hook: scans::assets_by_item,
            },
            Hook {
                action: "ScanComplianceScanFailedAssets",
                hook: scans::failed_assets,
            },
            Hook {
                action: "ScanCompliancePolicyItems",
                hook: scans::policy_items,
            },
            Hook {
                action: "CreateComplianceTask",
                hook: scans::create_task,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "compliance_policy_items",
        id: Id::Int("CustomerPolicyItemId"),
        types: &["CompliancePolicyItemSummary", "ComplianceAssetPolicyItem"],
        bind: &[
            Hook {
                action: "DescribeComplianceTaskPolicyItemSummaryList",
                hook: c::item_summary_list,
            },
            Hook {
                action: "DescribeCompliancePolicyItemAffectedSummary",
                hook: c::item_affected_summary,
            },
            Hook {
                action: "DescribeCompliancePolicyItemAffectedAssetList",
                hook: c::item_affected_assets,
            },
        ],
        filter_fields: &[("ItemType", "Category"), ("IsOpen", "IsEnable")],
        links: &[],
    },
    Resource {
        name: "compliance_whitelist",
        id: Id::Int("WhitelistItemId"),
        types: &["ComplianceWhitelistItem"],
        bind: &[
            Hook {
                action: "DescribeComplianceWhitelistItemList",
                hook: whitelist::list,
            },
            Hook {
                action: "AddCompliancePolicyItemToWhitelist",
                hook: whitelist::add_items,
            },
            Hook {
                action: "AddCompliancePolicyAssetSetToWhitelist",
                hook: whitelist::add_policy_assets,
            },
            Hook {
                action: "AddComplianceAssetPolicySetToWhitelist",
                hook: whitelist::add_asset_policies,
            },
            Hook {
                action: "DeleteComplianceAssetPolicySetFromWhitelist",
                hook: whitelist::delete_asset_policies,
            },
            Hook {
                action: "DeleteCompliancePolicyAssetSetFromWhitelist",
                hook: whitelist::delete_policy_assets,
            },
            Delete {
                action: "DeleteCompliancePolicyItemFromWhitelist",
                ids: "WhitelistIdSet",
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "compliance_period_tasks",
        id: Id::Int("PeriodTaskId"),
        types: &["CompliancePeriodTask"],
        bind: &[
            List {
                action: "DescribeCompliancePeriodTaskList",
                items: "PeriodTaskSet",
                total: "TotalCount",
            },
            Hook {
                action: "ModifyCompliancePeriodTask",
                hook: scans::modify_period_task,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "compliance_tasks",
        id: Id::Int("TaskId"),
        types: &["DescribeComplianceTaskPolicyItemSummaryListResponse"],
        bind: &[],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "compliance_environment",
        id: Id::Singleton,
        types: &["DescribeComplianceTaskAssetSummaryResponse"],
        bind: &[Hook {
            action: "InitializeUserComplianceEnvironment",
            hook: scans::initialize,
        }],
        filter_fields: &[],
        links: &[],
    },
];
