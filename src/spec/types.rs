//! The shapes of the spec tables in `generated.rs`.
//!
//! The tables are plain `static` data written by `scripts/gen-spec.py` from the
//! official `api.json`/`examples.json` of the `tccli` package: nothing is parsed at
//! start-up. Object types are referred to by their index in [`Service::objects`], so
//! a type that contains itself needs no indirection.

/// The type of one member, as `api.json` spells it in `type`/`member`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Int64,
    Uint64,
    Float,
    Bool,
    /// `date`: a string such as `2024-01-31`.
    Date,
    /// `datetime`: a string such as `2024-01-31 08:00:00`.
    DateTime,
    /// `datetime_iso`: an RFC 3339 string.
    DateTimeIso,
    /// A structure: index into [`Service::objects`].
    Object(u16),
}

/// One member of a request or response structure.
#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub kind: Kind,
    /// `type: list` in `api.json`: a JSON array of `kind`.
    pub list: bool,
    /// Request side: the caller must send it.
    pub required: bool,
    /// Response side: the service always answers it.
    pub output_required: bool,
    /// Response side: the service may answer `null`.
    pub nullable: bool,
    /// Deprecated member (`disabled: true`), still answered.
    pub disabled: bool,
}

/// A named structure: request, response, or a type they reference.
#[derive(Debug)]
pub struct Object {
    pub name: &'static str,
    pub members: &'static [Member],
}

/// One documented example, normalised to JSON.
#[derive(Debug)]
pub struct Example {
    /// The request parameters as a JSON object (flattened GET examples unflattened).
    pub request: &'static str,
    /// The content of `Response` without `RequestId`, as a JSON object, as documented
    /// (not yet shaped to the schema).
    pub response: &'static str,
}

/// One API action.
#[derive(Debug)]
pub struct Action {
    pub name: &'static str,
    /// `status: deprecated` in `api.json`.
    pub deprecated: bool,
    /// Index of the request structure in [`Service::objects`].
    pub input: u16,
    /// Index of the response structure in [`Service::objects`].
    pub output: u16,
    /// The filter names the documentation of the request's `Filters` member lists
    /// (empty when it lists none).
    pub filters: &'static [&'static str],
    pub examples: &'static [Example],
}

/// One service at one API version.
#[derive(Debug)]
pub struct Service {
    /// The service name as in the credential scope and the endpoint, e.g. `tcss`.
    pub name: &'static str,
    /// The API version, e.g. `2020-11-01`.
    pub version: &'static str,
    /// Sorted by name (binary search).
    pub actions: &'static [Action],
    /// Sorted by name (binary search); `Kind::Object` indexes this slice.
    pub objects: &'static [Object],
}
