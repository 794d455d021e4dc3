//! The resource model: TCSS's resources declared as data ([`catalog`]),
//! the way Smithy resource shapes bind lifecycle operations to a resource with
//! identifiers, and one engine ([`engine`]) that implements each kind of binding once
//! over the spec's types. Behaviour no binding expresses (an install state machine, a
//! refresh task) is a small hook module ([`hooks`]) that the table points to.
//!
//! A record is a JSON object in the API's field names, its identifier member
//! included. One resource may be shown as several API types that spell a field
//! differently (`ClusterId` in `ClusterInfoItem`, `ClusterID` in
//! `AssetClusterListItem`): a record holds one value, and [`project`] shows it under
//! each type's own name (names match without regard to case).

pub mod catalog;
pub mod engine;
pub mod export;
pub mod fixtures;
pub mod hooks;
mod query;
pub mod unbound;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use crate::spec::{self, Kind, Object};
use crate::store::Store;

/// The collection kept in the store's `images` table (registry images, with their
/// pre-rendered Detail answers) rather than in `records`.
pub const IMAGES: &str = "images";

/// What a bound action works with: a narrow view of the emulator, cheap to move to a
/// blocking thread.
#[derive(Debug, Clone)]
pub struct Env {
    pub store: Arc<Store>,
    /// The caller's account: every read and write is confined to it.
    pub account: String,
    /// The emulator clock's "now", read once per call.
    pub now_ms: i64,
    /// `http://host:port` as the client reached the emulator (for download URLs).
    pub base_url: String,
    /// How long asynchronous work (installs, switches, refresh tasks) takes.
    pub task_ms: i64,
    /// How long a registry-image scan takes (`--scan-duration`).
    pub scan_ms: i64,
    /// Where export files are kept.
    pub exports: Arc<crate::exports::Exports>,
}

/// How a resource's records are identified and how new identifiers are allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    /// An integer member, allocated ascending per account from 1.
    Int(&'static str),
    /// A string member; new ones are `prefix` plus 8 lower-case letters and digits,
    /// in the style of the documented examples (`cls-jvrv0kf2`).
    Str(&'static str, &'static str),
    /// No identifier member: records are told apart by their creation number
    /// (processes, ports, components).
    Seq,
    /// One record per account: a settings document.
    Singleton,
}

impl Id {
    /// The identifier member's name (`None` for a singleton).
    pub fn member(self) -> Option<&'static str> {
        match self {
            Self::Int(m) | Self::Str(m, _) => Some(m),
            Self::Seq | Self::Singleton => None,
        }
    }
}

/// A hand-written operation: validated parameters in, answer fields out.
pub type Hook = fn(
    &Env,
    &'static Resource,
    Map<String, Value>,
) -> Result<Map<String, Value>, crate::error::ApiError>;

/// A hand-written operation that answers already shaped, or pre-rendered (the
/// registry-image Detail: see the README's state model).
pub type RenderedHook = fn(
    &Env,
    &'static Resource,
    Map<String, Value>,
) -> Result<crate::answer::Answer, crate::error::ApiError>;

/// How one action is bound to a resource.
#[derive(Debug, Clone, Copy)]
pub enum Bind {
    /// Lists records: the answer holds them under `items`, their number before paging
    /// under `total`.
    List {
        action: &'static str,
        items: &'static str,
        total: &'static str,
    },
    /// Reads the record whose identifier is the request member `by`; the answer holds
    /// its fields at the top level, or under the member `into`.
    Read {
        action: &'static str,
        by: &'static str,
        into: Option<&'static str>,
    },
    /// Creates a record from the request's members (or those of the member `from`);
    /// the new identifier is answered under `returns`. When the source names an
    /// existing record by its identifier, that record is updated instead (the
    /// `AddEdit*` actions).
    Create {
        action: &'static str,
        from: Option<&'static str>,
        returns: Option<&'static str>,
    },
    /// Changes the record named by the request member `by` with the request's other
    /// members (or those of `from`).
    Update {
        action: &'static str,
        by: &'static str,
        from: Option<&'static str>,
    },
    /// Deletes the records the request member `ids` names.
    Delete {
        action: &'static str,
        ids: &'static str,
    },
    /// Sets record fields from request members on the records `ids` names:
    /// `set` pairs a record field with the request member giving its value.
    Status {
        action: &'static str,
        ids: &'static str,
        set: &'static [(&'static str, &'static str)],
    },
    /// Describes a settings document: what was put, over the documented example.
    Get { action: &'static str },
    /// Puts a settings document: the request's members (or those of `from`).
    Put {
        action: &'static str,
        from: Option<&'static str>,
    },
    /// Exports, as a file, the rows the list action `list` (bound to the same
    /// resource) answers for the same filters; the job runs for the task duration.
    Export {
        action: &'static str,
        list: &'static str,
    },
    /// Behaviour no binding expresses.
    Hook { action: &'static str, hook: Hook },
    /// The same, answering shaped or pre-rendered text itself.
    Rendered {
        action: &'static str,
        hook: RenderedHook,
    },
}

impl Bind {
    pub fn action(&self) -> &'static str {
        match *self {
            Self::List { action, .. }
            | Self::Read { action, .. }
            | Self::Create { action, .. }
            | Self::Update { action, .. }
            | Self::Delete { action, .. }
            | Self::Status { action, .. }
            | Self::Get { action }
            | Self::Put { action, .. }
            | Self::Export { action, .. }
            | Self::Hook { action, .. }
            | Self::Rendered { action, .. } => action,
        }
    }

    /// The kind of binding, as `GET /_emulator/resources` names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::List { .. } => "list",
            Self::Read { .. } => "read",
            Self::Create { .. } => "create",
            Self::Update { .. } => "update",
            Self::Delete { .. } => "delete",
            Self::Status { .. } => "status",
            Self::Get { .. } => "get",
            Self::Put { .. } => "put",
            Self::Export { .. } => "export",
            Self::Hook { .. } | Self::Rendered { .. } => "hook",
        }
    }
}

/// One resource: a collection of records, how they are identified, the API types
/// they are shown as, and the actions bound to them.
#[derive(Debug)]
pub struct Resource {
    /// The collection's name: the fixture document key and the admin route's.
    pub name: &'static str,
    pub id: Id,
    /// The API types a record is shown as; a fixture record may use any of their
    /// members.
    pub types: &'static [&'static str],
    pub bind: &'static [Bind],
    /// Filter names that are not a field's name, and the field they filter on.
    pub filter_fields: &'static [(&'static str, &'static str)],
    /// Fields a record may carry beyond its types: what it belongs to (an image
    /// component's `ImageID`). A list request member of the same name selects the
    /// records that name it.
    pub links: &'static [&'static str],
}

/// The resource and binding of `action`, if it is bound.
pub fn bound(action: &str) -> Option<(&'static Resource, &'static Bind)> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static Resource, &'static Bind)>> =
        OnceLock::new();
    INDEX
        .get_or_init(|| {
            catalog::all()
                .flat_map(|r| r.bind.iter().map(move |b| (b.action(), (r, b))))
                .collect()
        })
        .get(action)
        .copied()
}

/// The resource whose collection is `name`.
pub fn resource(name: &str) -> Option<&'static Resource> {
    catalog::all().find(|r| r.name == name)
}

/// The object type named `name` (the catalog is tested against the spec, so a miss
/// is an empty type rather than a panic).
pub fn object(name: &str) -> &'static Object {
    static EMPTY: Object = Object {
        name: "",
        members: &[],
    };
    spec::tcss().object_named(name).unwrap_or(&EMPTY)
}

/// The object type of `member` of `obj`, when it is a structure (or a list of them).
pub fn member_object(obj: &'static Object, member: &str) -> Option<&'static Object> {
    obj.members
        .iter()
        .find(|m| m.name == member)
        .and_then(|m| match m.kind {
            Kind::Object(i) => spec::tcss().objects.get(usize::from(i)),
            _ => None,
        })
}

/// The value of `name` in `fields`: by exact name, else without regard to case.
pub fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).or_else(|| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// `fields` shown as `obj`: each member of the type that the record has, under the
/// type's own spelling (shaping adds the rest as zero values).
pub fn project(fields: &Map<String, Value>, obj: &'static Object) -> Map<String, Value> {
    obj.members
        .iter()
        .filter_map(|m| field(fields, m.name).map(|v| (m.name.to_string(), v.clone())))
        .collect()
}

/// The member of one of `res`'s types named `name` (without regard to case; the
/// first type naming it wins). Seeding asks this for every field of every record:
/// an index, not a search through the types.
pub fn known_member(res: &Resource, name: &str) -> Option<&'static spec::Member> {
    /// Per resource: each member by its lowercased name (the first type's wins),
    /// and the same members by the spellings of every type (no lowercasing needed).
    #[derive(Default)]
    struct Members {
        lower: HashMap<String, &'static spec::Member>,
        exact: HashMap<&'static str, &'static spec::Member>,
    }
    static INDEX: OnceLock<HashMap<&'static str, Members>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        catalog::all()
            .map(|r| {
                let mut members = Members::default();
                let all = || r.types.iter().flat_map(|t| object(t).members);
                for m in all() {
                    members
                        .lower
                        .entry(m.name.to_ascii_lowercase())
                        .or_insert(m);
                }
                for m in all() {
                    if let Some(first) = members.lower.get(&m.name.to_ascii_lowercase()) {
                        members.exact.insert(m.name, first);
                    }
                }
                (r.name, members)
            })
            .collect()
    });
    match index.get(res.name) {
        Some(members) => members.exact.get(name).copied().or_else(|| {
            members
                .lower
                .get(name.to_ascii_lowercase().as_str())
                .copied()
        }),
        // A resource outside the catalog (made up by a test).
        None => res
            .types
            .iter()
            .flat_map(|t| object(t).members)
            .find(|m| m.name.eq_ignore_ascii_case(name)),
    }
}
