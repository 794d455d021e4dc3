//! Integration tests: a real server on 127.0.0.1:0, real SQLite, reqwest as client.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod bindings;
mod compliance;
mod compliance_whitelist;
mod dashboard;
mod detail;
mod errors;
mod events_a;
mod events_a_whitelists;
mod events_b;
mod helpers;
mod isolation;
mod ratelimit;
mod registry;
mod resources;
mod security;
mod security_surface;
mod signing;
mod spec_examples;
mod stubs;
mod tooling;
mod validation;
mod vuln_defence;
mod vulns;
