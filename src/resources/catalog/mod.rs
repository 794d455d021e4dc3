//! The resource table: every TCSS resource the emulator keeps, its identifier, the
//! API types it is shown as and the actions bound to it, one file a family. One
//! engine reads it (`engine.rs`); `tests` below walk it against the spec.

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

mod assets;
mod compliance;
mod events_a;
mod events_b;
mod registry_images;
mod security;
mod settings;
mod vulns;

/// The families' tables, in the order `GET /_emulator/resources` lists them.
static FAMILIES: &[&[Resource]] = &[
    registry_images::RESOURCES,
    assets::RESOURCES,
    settings::RESOURCES,
    events_a::RESOURCES,
    events_b::RESOURCES,
    vulns::RESOURCES,
    compliance::RESOURCES,
    security::RESOURCES,
];

/// Every resource of every family.
pub fn all() -> impl Iterator<Item = &'static Resource> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

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
        for res in all() {
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
                    Bind::Get { .. } | Bind::Hook { .. } | Bind::Rendered { .. } => {}
                }
            }
        }
        assert!(object("").members.is_empty());
    }

    #[test]
    fn every_action_is_bound_once() {
        let mut seen = HashSet::new();
        for res in all() {
            for b in res.bind {
                assert!(seen.insert(b.action()), "{} bound twice", b.action());
                assert!(bound(b.action()).is_some());
            }
        }
    }

    #[test]
    fn filter_fields_name_members_of_the_types() {
        for res in all() {
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
         Generated from `src/resources/catalog/` (a test fails when this page is stale;\n\
         `TCSS_UPDATE_DOCS=1 cargo test --lib docs_resources` rewrites it).\n\n\
         | collection | identifier | shown as | actions |\n|---|---|---|---|\n",
    );
    for r in all() {
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
