//! Settings documents: every `Describe*Setting`/`Modify*Setting` pair and the like;
//! what was set is described.

use super::super::Bind::{Get, Hook, Put};
use super::super::hooks::{security, settings};
use super::super::{Id, Resource};

pub static RESOURCES: &[Resource] = &[
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
            Hook {
                action: "DescribeSecLogDeliveryKafkaOptions",
                hook: security::kafka_options,
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
            Hook {
                action: "DescribeSecLogDeliveryClsOptions",
                hook: security::cls_options,
            },
            Hook {
                action: "ResetSecLogTopicConfig",
                hook: security::reset_topic,
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
