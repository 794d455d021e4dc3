//! The rest of the security surface (issue #11 point 5): warning rules, log search
//! templates and which hosts deliver each security log. The Kafka/CLS delivery
//! options and topic reset sit with their settings (`catalog/settings.rs`).

use super::super::Bind::{Create, Delete, Hook, List};
use super::super::hooks::security;
use super::super::{Id, Resource};

pub static RESOURCES: &[Resource] = &[
    Resource {
        name: "warning_rules",
        id: Id::Singleton,
        types: &["DescribeWarningRulesResponse"],
        bind: &[
            Hook {
                action: "DescribeWarningRules",
                hook: security::warning_rules_get,
            },
            Hook {
                action: "AddEditWarningRules",
                hook: security::warning_rules_put,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "search_templates",
        id: Id::Int("Id"),
        types: &["SearchTemplate"],
        bind: &[
            Create {
                action: "CreateSearchTemplate",
                from: Some("SearchTemplate"),
                returns: None,
            },
            list!("DescribeSearchTemplates"),
            Delete {
                action: "DeleteSearchTemplate",
                ids: "Id",
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "sec_log_join_objects",
        id: Id::Singleton,
        types: &[
            "DescribeSecLogJoinObjectListResponse",
            "SecLogJoinObjectInfo",
        ],
        bind: &[
            Hook {
                action: "DescribeSecLogJoinObjectList",
                hook: security::join_objects_get,
            },
            Hook {
                action: "ModifySecLogJoinObjects",
                hook: security::join_objects_put,
            },
        ],
        filter_fields: &[("Status", "HostStatus")],
        links: &[],
    },
];
