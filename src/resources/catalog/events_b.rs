//! Runtime events (part 2 of issue "One world for all of TCSS (2/2)"): viruses (trojan
//! files), their scan tasks, whitelist rules and auto-isolation samples; malicious
//! connection white- and blacklists; K8s API abnormal events and their rules; risky DNS
//! (malicious request) events; image deny (blocked image) events and rules; and the
//! summaries across every runtime event kind.

use super::super::Bind::{Delete, Export, Hook, List, Read, Status};
use super::super::hooks::events_b::{self, k8s, lists, virus, virus_scan};
use super::super::{Id, Resource};

pub static RESOURCES: &[Resource] = &[
    // ---- trojan files found in containers
    Resource {
        name: "virus_events",
        id: Id::Str("Id", "vir-"),
        types: &["VirusInfo", "DescribeVirusDetailResponse"],
        bind: &[
            list!("DescribeVirusList"),
            Export {
                action: "ExportVirusList",
                list: "DescribeVirusList",
            },
            Read {
                action: "DescribeVirusDetail",
                by: "Id",
                into: None,
            },
            Hook {
                action: "ModifyVirusFileStatus",
                hook: events_b::set_status,
            },
            Hook {
                action: "DescribeVirusSummary",
                hook: virus::summary,
            },
            Hook {
                action: "DescribeVirusEventTendency",
                hook: virus::tendency,
            },
            Hook {
                action: "DescribeVirusSampleDownloadUrl",
                hook: virus::event_sample_url,
            },
            // Across every runtime event collection of the model.
            Hook {
                action: "DescribeContainerSecEventSummary",
                hook: events_b::sec_event_summary,
            },
            Hook {
                action: "DescribeSecEventsTendency",
                hook: events_b::sec_events_tendency,
            },
        ],
        filter_fields: &[("TimeRange", "CreateTime")],
        links: &[],
    },
    // (Trojans an image scan found in a local image, `image_viruses`, are the
    // vulnerability family's: `vulns.rs`.)
    Resource {
        name: "virus_scan_tasks",
        id: Id::Int("TaskID"),
        types: &[
            "DescribeVirusScanTaskStatusResponse",
            "CreateVirusScanTaskResponse",
        ],
        bind: &[
            Hook {
                action: "CreateVirusScanTask",
                hook: virus_scan::create_scan,
            },
            Hook {
                action: "CreateVirusScanAgain",
                hook: virus_scan::scan_again,
            },
            Hook {
                action: "StopVirusScanTask",
                hook: virus_scan::stop_scan,
            },
            Hook {
                action: "DescribeVirusScanTaskStatus",
                hook: virus_scan::scan_status,
            },
            Hook {
                action: "DescribeVirusManualScanEstimateTimeout",
                hook: virus_scan::estimate_timeout,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // One record per container of a scan task, named by the task's `TaskId`.
    Resource {
        name: "virus_scan_containers",
        id: Id::Seq,
        types: &["VirusTaskInfo"],
        bind: &[list!("DescribeVirusTaskList")],
        filter_fields: &[("Hostname", "HostName")],
        links: &["TaskId"],
    },
    Resource {
        name: "virus_whitelist_rules",
        id: Id::Int("Id"),
        types: &["VirusWhiteListRuleInfo"],
        bind: &[
            Hook {
                action: "AddOrModifyVirusWhiteListRule",
                hook: virus::put_whitelist_rule,
            },
            list!("DescribeVirusWhiteListRules"),
            Delete {
                action: "DeleteVirusWhiteListRule",
                ids: "RuleIdSet",
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    Resource {
        name: "virus_isolate_samples",
        id: Id::Str("MD5", ""),
        types: &[
            "VirusAutoIsolateSampleInfo",
            "DescribeVirusAutoIsolateSampleDetailResponse",
        ],
        bind: &[
            list!("DescribeVirusAutoIsolateSampleList"),
            Read {
                action: "DescribeVirusAutoIsolateSampleDetail",
                by: "MD5",
                into: None,
            },
            Status {
                action: "ModifyVirusAutoIsolateExampleSwitch",
                ids: "MD5",
                set: &[("AutoIsolateSwitch", "Status")],
            },
            Hook {
                action: "DescribeVirusAutoIsolateSampleDownloadURL",
                hook: virus::sample_url,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
    // ---- malicious connections: custom white- and blacklists of IPs and domains
    Resource {
        name: "malicious_connection_whitelist",
        id: Id::Int("RuleID"),
        types: &["MaliciousConnectionRuleInfo"],
        bind: &[
            list!("DescribeMaliciousConnectionWhiteList"),
            Hook {
                action: "AddOrModifyMaliciousConnectionWhiteList",
                hook: lists::put_whitelist,
            },
        ],
        filter_fields: &[
            ("RequestType", "RuleType"),
            ("WhiteDomain", "Address"),
            ("WhiteIP", "Address"),
        ],
        links: &[],
    },
    Resource {
        name: "malicious_connection_blacklist",
        id: Id::Int("RuleID"),
        types: &["MaliciousConnectionRuleInfo"],
        bind: &[list!("DescribeMaliciousConnectionBlackList")],
        filter_fields: &[
            ("RequestType", "RuleType"),
            ("BlackDomain", "Address"),
            ("BlackIP", "Address"),
        ],
        links: &[],
    },
    // ---- K8s API abnormal requests
    Resource {
        name: "k8s_api_abnormal_events",
        id: Id::Int("ID"),
        types: &["K8sApiAbnormalEventListItem", "K8sApiAbnormalEventInfo"],
        bind: &[
            list!("DescribeK8sApiAbnormalEventList"),
            Export {
                action: "CreateK8sApiAbnormalEventExportJob",
                list: "DescribeK8sApiAbnormalEventList",
            },
            Read {
                action: "DescribeK8sApiAbnormalEventInfo",
                by: "ID",
                into: Some("Info"),
            },
            Hook {
                action: "ModifyK8sApiAbnormalEventStatus",
                hook: events_b::set_status,
            },
            Hook {
                action: "DescribeK8sApiAbnormalSummary",
                hook: k8s::summary,
            },
            Hook {
                action: "DescribeK8sApiAbnormalTendency",
                hook: k8s::tendency,
            },
        ],
        filter_fields: &[("MatchRules", "RuleName"), ("TimeRange", "LastCreateTime")],
        links: &[],
    },
    Resource {
        name: "k8s_api_abnormal_rules",
        id: Id::Str("RuleID", "rule-"),
        types: &["K8sApiAbnormalRuleListItem", "K8sApiAbnormalRuleInfo"],
        bind: &[
            Hook {
                action: "CreateK8sApiAbnormalRuleInfo",
                hook: k8s::create_rule,
            },
            // Computed: the cluster filters keep the rules of all clusters too.
            Hook {
                action: "DescribeK8sApiAbnormalRuleList",
                hook: k8s::rule_list,
            },
            Hook {
                action: "CreateK8sApiAbnormalRuleExportJob",
                hook: k8s::rule_export,
            },
            Read {
                action: "DescribeK8sApiAbnormalRuleInfo",
                by: "RuleID",
                into: Some("Info"),
            },
            Hook {
                action: "ModifyK8sApiAbnormalRuleInfo",
                hook: k8s::modify_rule,
            },
            Status {
                action: "ModifyK8sApiAbnormalRuleStatus",
                ids: "RuleID",
                set: &[("Status", "Status")],
            },
            Delete {
                action: "DeleteK8sApiAbnormalRule",
                ids: "RuleIDSet",
            },
            Hook {
                action: "DescribeK8sApiAbnormalRuleScopeList",
                hook: k8s::scope_list,
            },
        ],
        filter_fields: &[("RuleAction", "RuleActions")],
        links: &[],
    },
    // ---- risky DNS: requests to malicious domains and IPs
    Resource {
        name: "risk_dns_events",
        id: Id::Int("EventID"),
        types: &["RiskDnsEventInfo", "DescribeRiskDnsEventDetailResponse"],
        bind: &[
            list!("DescribeRiskDnsList"),
            Export {
                action: "CreateRiskDnsEventExportJob",
                list: "DescribeRiskDnsList",
            },
            Read {
                action: "DescribeRiskDnsEventDetail",
                by: "EventID",
                into: None,
            },
            Hook {
                action: "ModifyRiskDnsEventStatus",
                hook: events_b::set_status,
            },
        ],
        filter_fields: &[
            ("RiskDns", "Address"),
            ("RiskIP", "Address"),
            ("TimeRange", "LatestFoundTime"),
        ],
        links: &[],
    },
    // ---- image deny: containers of blocked images stopped from starting
    Resource {
        name: "image_deny_events",
        id: Id::Int("EventID"),
        types: &["ImageDenyEvent", "DescribeImageDenyEventDetailResponse"],
        bind: &[
            list!("DescribeImageDenyEventList"),
            Read {
                action: "DescribeImageDenyEventDetail",
                by: "EventID",
                into: None,
            },
            Hook {
                action: "DescribeImageDenyEventTendency",
                hook: lists::deny_tendency,
            },
        ],
        filter_fields: &[("TimeRange", "LatestFoundTime")],
        links: &[],
    },
    Resource {
        name: "image_deny_rules",
        id: Id::Str("RuleID", "deny-"),
        types: &["ImageDenyRule", "DescribeImageDenyRuleDetailResponse"],
        bind: &[
            list!("DescribeImageDenyRuleList"),
            Read {
                action: "DescribeImageDenyRuleDetail",
                by: "RuleID",
                into: None,
            },
            Hook {
                action: "DescribeImageDenyRuleSummary",
                hook: lists::deny_rule_summary,
            },
        ],
        filter_fields: &[],
        links: &[],
    },
];
