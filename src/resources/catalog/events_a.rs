//! Runtime events, part 1 (issue "One world for all of TCSS (2/2)"): abnormal
//! processes, access control, reverse shell, risky syscalls and container escape:
//! their events, and the rules and whitelists that shape them. Behaviour no binding
//! says is in `hooks/events_a.rs`, `hooks/events_a_rules.rs` and
//! `hooks/events_a_escape.rs`.

use super::super::Bind::{Delete, Export, Hook, List, Read, Status};
use super::super::hooks::events_a as ev;
use super::super::hooks::events_a_escape as esc;
use super::super::hooks::events_a_rules as rules;
use super::super::{Id, Resource};

/// A hand-written action.
macro_rules! hook {
    ($action:literal, $hook:expr) => {
        Hook {
            action: $action,
            hook: $hook,
        }
    };
}

/// A list answered under `items`, counted under `TotalCount`.
macro_rules! items {
    ($action:literal, $items:literal) => {
        List {
            action: $action,
            items: $items,
            total: "TotalCount",
        }
    };
}

/// An export of the rows the list `list` answers.
macro_rules! export {
    ($action:literal, $list:literal) => {
        Export {
            action: $action,
            list: $list,
        }
    };
}

/// A detail read into the member `into`.
macro_rules! read {
    ($action:literal, $by:literal, $into:literal) => {
        Read {
            action: $action,
            by: $by,
            into: Some($into),
        }
    };
}

/// The rules' documented `RuleAction` filter, on the modes their child rules use.
const RULE_FILTERS: &[(&str, &str)] = &[("RuleAction", "RuleActions")];

/// Rules switched on and off by `IsEnable`.
const ENABLE: &[(&str, &str)] = &[("IsEnable", "IsEnable")];

pub static RESOURCES: &[Resource] = &[
    // ---- abnormal processes
    Resource {
        name: "abnormal_process_events",
        id: Id::Str("Id", "ape-"),
        types: &[
            "AbnormalProcessEventInfo",
            "AbnormalProcessEventDescription",
            "ProcessDetailInfo",
            "DescribeAbnormalProcessDetailResponse",
        ],
        bind: &[
            items!("DescribeAbnormalProcessEvents", "EventSet"),
            hook!("DescribeAbnormalProcessDetail", ev::process_detail),
            hook!("ModifyAbnormalProcessStatus", ev::set_status),
            hook!("DescribeAbnormalProcessLevelSummary", ev::process_levels),
            hook!("DescribeAbnormalProcessEventTendency", ev::process_tendency),
            export!(
                "CreateProcessEventsExportJob",
                "DescribeAbnormalProcessEvents"
            ),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "abnormal_process_rules",
        id: Id::Str("RuleId", "rule-"),
        types: &["AbnormalProcessRuleExtSetItem", "AbnormalProcessRuleInfo"],
        bind: &[
            items!("DescribeAbnormalProcessRules", "RuleExtSet"),
            read!("DescribeAbnormalProcessRuleDetail", "RuleId", "RuleDetail"),
            hook!("AddEditAbnormalProcessRule", rules::add_edit),
            Status {
                action: "ModifyAbnormalProcessRuleStatus",
                ids: "RuleIdSet",
                set: ENABLE,
            },
            hook!("DeleteAbnormalProcessRules", rules::delete_rules),
            export!(
                "CreateAbnormalProcessRulesExportJob",
                "DescribeAbnormalProcessRules"
            ),
        ],
        filter_fields: RULE_FILTERS,
        links: &[],
    },
    // ---- access control
    Resource {
        name: "access_control_events",
        id: Id::Str("Id", "ace-"),
        types: &[
            "AccessControlEventInfo",
            "AccessControlEventDescription",
            "ProcessDetailInfo",
            "FileAttributeInfo",
            "DescribeAccessControlDetailResponse",
        ],
        bind: &[
            items!("DescribeAccessControlEvents", "EventSet"),
            hook!("DescribeAccessControlDetail", ev::access_detail),
            hook!("ModifyAccessControlStatus", ev::set_status),
            export!(
                "DescribeAccessControlEventsExport",
                "DescribeAccessControlEvents"
            ),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "access_control_rules",
        id: Id::Str("RuleId", "rule-"),
        types: &["AccessControlRuleExtSetItem", "AccessControlRuleInfo"],
        bind: &[
            items!("DescribeAccessControlRules", "RuleExtSet"),
            read!("DescribeAccessControlRuleDetail", "RuleId", "RuleDetail"),
            hook!("AddEditAccessControlRule", rules::add_edit),
            Status {
                action: "ModifyAccessControlRuleStatus",
                ids: "RuleIdSet",
                set: ENABLE,
            },
            hook!("DeleteAccessControlRules", rules::delete_rules),
            export!(
                "CreateAccessControlsRuleExportJob",
                "DescribeAccessControlRules"
            ),
        ],
        filter_fields: RULE_FILTERS,
        links: &[],
    },
    // ---- reverse shell
    Resource {
        name: "reverse_shell_events",
        id: Id::Str("EventId", "rse-"),
        types: &[
            "ReverseShellEventInfo",
            "ReverseShellEventDescription",
            "ProcessDetailInfo",
            "DescribeReverseShellDetailResponse",
        ],
        bind: &[
            items!("DescribeReverseShellEvents", "EventSet"),
            hook!("DescribeReverseShellDetail", ev::shell_detail),
            hook!("ModifyReverseShellStatus", ev::set_status),
            Delete {
                action: "DeleteReverseShellEvents",
                ids: "EventIdSet",
            },
            export!(
                "DescribeReverseShellEventsExport",
                "DescribeReverseShellEvents"
            ),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "reverse_shell_whitelists",
        id: Id::Str("Id", "wl-"),
        types: &["ReverseShellWhiteListBaseInfo", "ReverseShellWhiteListInfo"],
        bind: &[
            items!("DescribeReverseShellWhiteLists", "WhiteListSet"),
            read!(
                "DescribeReverseShellWhiteListDetail",
                "WhiteListId",
                "WhiteListDetailInfo"
            ),
            hook!("AddEditReverseShellWhiteList", rules::add_edit),
            Delete {
                action: "DeleteReverseShellWhiteLists",
                ids: "WhiteListIdSet",
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "reverse_shell_regexp_whitelists",
        id: Id::Str("RuleID", "rule-"),
        types: &["RegexpRuleInfo", "RegexpRuleListItem"],
        bind: &[
            items!("DescribeReverseShellRegexpWhiteList", "List"),
            read!(
                "DescribeReverseShellRegexpWhiteListInfo",
                "RuleID",
                "RuleInfo"
            ),
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- risky syscalls
    Resource {
        name: "risk_syscall_events",
        id: Id::Str("EventId", "rsc-"),
        types: &[
            "RiskSyscallEventInfo",
            "RiskSyscallEventDescription",
            "ProcessDetailInfo",
            "DescribeRiskSyscallDetailResponse",
        ],
        bind: &[
            items!("DescribeRiskSyscallEvents", "EventSet"),
            hook!("DescribeRiskSyscallDetail", ev::syscall_detail),
            hook!("ModifyRiskSyscallStatus", ev::set_status),
            Delete {
                action: "DeleteRiskSyscallEvents",
                ids: "EventIdSet",
            },
            export!(
                "DescribeRiskSyscallEventsExport",
                "DescribeRiskSyscallEvents"
            ),
            hook!("DescribeRiskSyscallNames", ev::syscall_names),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "risk_syscall_whitelists",
        id: Id::Str("Id", "wl-"),
        types: &["RiskSyscallWhiteListBaseInfo", "RiskSyscallWhiteListInfo"],
        bind: &[
            items!("DescribeRiskSyscallWhiteLists", "WhiteListSet"),
            read!(
                "DescribeRiskSyscallWhiteListDetail",
                "WhiteListId",
                "WhiteListDetailInfo"
            ),
            hook!("AddEditRiskSyscallWhiteList", rules::add_edit),
            Delete {
                action: "DeleteRiskSyscallWhiteLists",
                ids: "WhiteListIdSet",
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- container escape
    Resource {
        name: "escape_events",
        id: Id::Str("EventId", "esc-"),
        types: &[
            "EscapeEventInfo",
            "EscapeEventDescription",
            "ProcessDetailInfo",
            "DescribeEscapeEventDetailResponse",
        ],
        bind: &[
            items!("DescribeEscapeEventInfo", "EventSet"),
            hook!("DescribeEscapeEventDetail", ev::escape_detail),
            hook!("ModifyEscapeEventStatus", esc::escape_status),
            hook!("DescribeEscapeEventTendency", esc::tendency),
            hook!("DescribeEscapeEventTypeSummary", esc::type_summary),
            hook!("DescribeEscapeSafeState", esc::safe_state),
            hook!("DescribeEventEscapeImageList", esc::image_list),
            export!("CreateEscapeEventsExportJob", "DescribeEscapeEventInfo"),
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "escape_whitelists",
        id: Id::Int("ID"),
        types: &["EscapeWhiteListInfo"],
        bind: &[
            items!("DescribeEscapeWhiteList", "List"),
            hook!("AddEscapeWhiteList", esc::add_whitelist),
            hook!("ModifyEscapeWhiteList", esc::modify_whitelist),
            Delete {
                action: "DeleteEscapeWhiteList",
                ids: "IDSet",
            },
            export!("CreateEscapeWhiteListExportJob", "DescribeEscapeWhiteList"),
        ],
        filter_fields: &[],
        links: &[],
    },
];
