//! Why an action is still answered by its documented example: what `GET
//! /_emulator/actions` says of each action no resource binds.

use crate::spec::Action;

/// Reasons, matched by a part of the action's name (the first that matches wins).
const REASONS: &[(&[&str], &str)] = &[
    (
        &[
            "Purchase",
            "PostPay",
            "ProVersion",
            "Trial",
            "Promotion",
            "ABTest",
            "UnauthorizedCores",
            "ImageAuthorize",
            "AuthorizedInfo",
            "AutoAuthorized",
            "VasInfo",
            "Authorized",
        ],
        "billing, purchase and licence state: the cloud account's, not the emulator's",
    ),
    (
        &[
            "AgentDaemonSetCmd",
            "AgentInstallCommand",
            "PublicKey",
            "InspectionReport",
        ],
        "agent install commands and reports for real hosts",
    ),
    (
        &["DescribeES", "SearchLogs", "SearchExportList", "IndexList"],
        "full-text log search: the emulator keeps no security logs to search",
    ),
    (
        &["AssetImageBindRuleInfo"],
        "the images bound to access-control and abnormal-process rules: a join over the runtime rule families, answered by its example until they are one model",
    ),
    (
        &["LogStorage", "SecLogAlertMsg"],
        "log storage statistics and storage or delivery alerts: the emulator keeps no security logs, so none fill up or fail to deliver",
    ),
];

/// Why `action` answers its documented example.
pub fn why(action: &Action) -> &'static str {
    if action.deprecated {
        return "deprecated by Tencent (network firewall and the like)";
    }
    REASONS
        .iter()
        .find(|(parts, _)| parts.iter().any(|p| action.name.contains(p)))
        .map_or(NOT_MODELLED, |(_, why)| why)
}

/// What an action no reason names is answered with (none is, today: a test holds it).
const NOT_MODELLED: &str = "not modelled yet";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_answered_by_its_example_has_a_named_reason() {
        let unexplained: Vec<&str> = crate::spec::tcss()
            .actions
            .iter()
            .filter(|a| crate::resources::bound(a.name).is_none() && why(a) == NOT_MODELLED)
            .map(|a| a.name)
            .collect();
        assert!(unexplained.is_empty(), "{unexplained:?}");
    }

    /// The README's Actions section lists every non-deprecated action answered by its
    /// example, in the row of its reason (the row's text starts the reason's).
    #[test]
    fn the_readme_lists_every_example_backed_action_with_its_reason() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("\n## Actions\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("README has an Actions section");
        let unbound: Vec<&Action> = crate::spec::tcss()
            .actions
            .iter()
            .filter(|a| !a.deprecated && crate::resources::bound(a.name).is_none())
            .collect();
        for action in &unbound {
            let named = format!("`{}`", action.name);
            let row = section
                .lines()
                .find(|l| l.starts_with("  | ") && l.contains(&named))
                .unwrap_or_else(|| panic!("README, Actions: no row names {named}"));
            let reason_start: String = why(action).chars().take(20).collect();
            assert!(
                row.contains(&reason_start),
                "README, Actions: {named} is in a row that does not give its reason ({reason_start}…)"
            );
        }
        let rows = section.lines().filter(|l| l.starts_with("  | `")).count();
        assert_eq!(rows, 5, "one row a reason");
    }
}
