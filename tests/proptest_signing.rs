//! Property tests: signing and verification agree (TC3 and legacy) and any one-byte
//! change breaks a signature; the parsers of untrusted input (flattened forms,
//! parameter validation, fixture documents) never panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};
use tcss_emulator::api::form::{decode_pairs, unflatten};
use tcss_emulator::error::ErrorCode;
use tcss_emulator::signature::{
    Credential, Credentials, Mode, SecretKey, SignedParts, legacy, tc3, verify,
};
use tcss_emulator::spec::{self, Kind};
use tcss_emulator::store::fixtures;

/// The verifier's "now"; signatures are made within 299 s of it.
const NOW: i64 = 1_700_000_000;

fn credentials(id: &str, key: &str) -> Credentials {
    Credentials::new([Credential {
        secret_id: id.to_string(),
        secret_key: SecretKey::new(key),
        account: "default".into(),
        token: None,
    }])
}

fn utc_date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

// ------------------------------------------------------------------ TC3

/// A TC3-signed request, owned.
#[derive(Debug, Clone)]
struct Tc3Call {
    id: String,
    key: String,
    method: String,
    query: String,
    body: Vec<u8>,
    /// `(lower-case name, value)`; the first three are signed.
    headers: Vec<(String, String)>,
    authorization: String,
    ts: String,
}

impl Tc3Call {
    fn parts(&self) -> SignedParts<'_> {
        SignedParts {
            method: &self.method,
            host: &self.headers[1].1,
            query: &self.query,
            body: &self.body,
            headers: &self.headers,
            authorization: Some(&self.authorization),
            timestamp: Some(&self.ts),
            token: None,
            params: &[],
        }
    }

    fn signature(&self) -> &str {
        self.authorization.rsplit("Signature=").next().unwrap_or("")
    }
}

#[allow(clippy::too_many_arguments)]
fn sign_tc3(
    id: String,
    key: String,
    get: bool,
    host: String,
    ct: String,
    action: String,
    query: String,
    body: Vec<u8>,
    ts: i64,
) -> Tc3Call {
    let method = if get { "GET" } else { "POST" };
    let query = if get { query } else { String::new() };
    let date = utc_date(ts);
    let signed = [
        ("content-type", ct.as_str()),
        ("host", host.as_str()),
        ("x-tc-action", action.as_str()),
    ];
    let canonical = tc3::canonical_request(method, &query, &signed, &tc3::sha256_hex(&body));
    let sts = tc3::string_to_sign(&ts.to_string(), &date, "tcss", &canonical);
    let sig = tc3::sign(&tc3::signing_key(&key, &date, "tcss"), &sts);
    let authorization = format!(
        "TC3-HMAC-SHA256 Credential={id}/{date}/tcss/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature={sig}"
    );
    Tc3Call {
        headers: vec![
            ("content-type".into(), ct),
            ("host".into(), host),
            ("x-tc-action".into(), action),
            ("x-tc-version".into(), "2020-11-01".into()),
            ("x-tc-timestamp".into(), ts.to_string()),
        ],
        id,
        key,
        method: method.into(),
        query,
        body,
        authorization,
        ts: ts.to_string(),
    }
}

prop_compose! {
    fn tc3_call()(
        id in "AKID[A-Za-z0-9]{1,36}",
        key in ".{1,48}",
        get in any::<bool>(),
        host in "[a-z0-9][a-z0-9.-]{0,30}(:[0-9]{1,5})?",
        ct in prop_oneof![
            Just("application/json".to_string()),
            Just("application/json; charset=utf-8".to_string()),
            Just("application/x-www-form-urlencoded".to_string()),
            "[a-z]{1,10}/[a-z+.-]{1,20}",
        ],
        action in "[A-Z][A-Za-z]{0,40}",
        query in "[A-Za-z0-9=&.%_-]{0,120}",
        body in prop::collection::vec(any::<u8>(), 0..600),
        offset in -299i64..=299,
    ) -> Tc3Call {
        sign_tc3(id, key, get, host, ct, action, query, body, NOW + offset)
    }
}

fn code_of(
    r: Result<tcss_emulator::signature::Caller, tcss_emulator::signature::Refusal>,
) -> Option<ErrorCode> {
    r.err().map(|refusal| refusal.error.code)
}

const ALNUM: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `s` with the character at `at` (a char index, modulo the length) replaced by `c`.
fn replace_char(s: &str, at: usize, c: char) -> String {
    let n = s.chars().count();
    let at = at % n;
    s.chars()
        .enumerate()
        .map(|(i, old)| if i == at { c } else { old })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tc3_sign_then_verify_always_verifies(call in tc3_call()) {
        let creds = credentials(&call.id, &call.key);
        for mode in [Mode::Verify, Mode::Strict] {
            let caller = verify(&call.parts(), &creds, mode, NOW);
            prop_assert!(caller.is_ok(), "{mode:?}: {:?}", caller.err());
            prop_assert_eq!(caller.unwrap().secret_id, call.id.clone());
        }
    }

    #[test]
    fn tc3_any_changed_body_byte_fails(call in tc3_call(), at in any::<usize>(), byte in any::<u8>()) {
        prop_assume!(!call.body.is_empty());
        let mut bad = call.clone();
        let i = at % bad.body.len();
        prop_assume!(bad.body[i] != byte);
        bad.body[i] = byte;
        let creds = credentials(&call.id, &call.key);
        prop_assert_eq!(code_of(verify(&bad.parts(), &creds, Mode::Verify, NOW)), Some(ErrorCode::SignatureFailure));
    }

    /// Header values are signed trimmed and lower-cased (as the SDKs do), so only a
    /// change that survives that is a change.
    #[test]
    fn tc3_any_changed_signed_header_fails(
        call in tc3_call(),
        which in 0usize..3,
        at in any::<usize>(),
        c in prop::char::range(' ', '~'),
    ) {
        let mut bad = call.clone();
        let old = bad.headers[which].1.clone();
        let new = replace_char(&old, at, c);
        prop_assume!(!new.trim().eq_ignore_ascii_case(old.trim()));
        bad.headers[which].1 = new;
        let creds = credentials(&call.id, &call.key);
        prop_assert_eq!(code_of(verify(&bad.parts(), &creds, Mode::Verify, NOW)), Some(ErrorCode::SignatureFailure));
    }

    /// Hex is read in either case, so a digit's other case is the same signature.
    #[test]
    fn tc3_any_changed_signature_character_fails(call in tc3_call(), at in any::<usize>(), c in select(ALNUM.chars().collect::<Vec<_>>())) {
        let sig = call.signature().to_string();
        let new = replace_char(&sig, at, c);
        prop_assume!(!new.eq_ignore_ascii_case(&sig));
        let mut bad = call.clone();
        bad.authorization = call.authorization.replace(&sig, &new);
        let creds = credentials(&call.id, &call.key);
        prop_assert_eq!(code_of(verify(&bad.parts(), &creds, Mode::Verify, NOW)), Some(ErrorCode::SignatureFailure));
    }

    #[test]
    fn tc3_outside_the_window_is_expired(call in tc3_call(), skew in 301i64..100_000, ahead in any::<bool>()) {
        let creds = credentials(&call.id, &call.key);
        let now = if ahead { NOW - skew } else { NOW + skew };
        let ts: i64 = call.ts.parse().unwrap();
        prop_assume!((now - ts).abs() > 300);
        prop_assert_eq!(code_of(verify(&call.parts(), &creds, Mode::Verify, now)), Some(ErrorCode::SignatureExpire));
    }
}

// ------------------------------------------------------------------ legacy

#[derive(Debug, Clone)]
struct LegacyCall {
    id: String,
    key: String,
    method: String,
    host: String,
    headers: Vec<(String, String)>,
    /// Every parameter as sent, `Signature` last.
    params: Vec<(String, String)>,
    ts: String,
    /// How many leading params are the action's own (mutable without other effects).
    own: usize,
}

impl LegacyCall {
    fn parts(&self) -> SignedParts<'_> {
        SignedParts {
            method: &self.method,
            host: &self.host,
            query: "",
            body: b"",
            headers: &self.headers,
            authorization: None,
            timestamp: Some(&self.ts),
            token: None,
            params: &self.params,
        }
    }
}

prop_compose! {
    fn legacy_call()(
        id in "AKID[A-Za-z0-9]{1,36}",
        key in ".{1,48}",
        get in any::<bool>(),
        sha256 in any::<bool>(),
        host in "[a-z0-9][a-z0-9.-]{0,30}(:[0-9]{1,5})?",
        action in "[A-Z][A-Za-z]{0,40}",
        own in prop::collection::btree_map("P[A-Za-z0-9]{0,10}(\\.[0-9]{1,2}){0,2}", ".{1,40}", 0..12),
        nonce in 1u32..u32::MAX,
        offset in -299i64..=299,
    ) -> LegacyCall {
        let method = if get { "GET" } else { "POST" };
        let ts = (NOW + offset).to_string();
        let sig_method = if sha256 { "HmacSHA256" } else { "HmacSHA1" };
        let mut params: Vec<(String, String)> = own.into_iter().collect();
        let n_own = params.len();
        for (k, v) in [
            ("Action", action.as_str()),
            ("Version", "2020-11-01"),
            ("SecretId", id.as_str()),
            ("Nonce", &nonce.to_string()),
            ("Timestamp", ts.as_str()),
            ("SignatureMethod", sig_method),
        ] {
            params.push((k.to_string(), v.to_string()));
        }
        let sts = legacy::string_to_sign(method, &host, "/", &params, legacy::Variant::default());
        let sig = legacy::sign(legacy::Method::parse(Some(sig_method)), &key, &sts);
        params.push(("Signature".into(), sig));
        LegacyCall {
            id,
            key,
            method: method.into(),
            headers: vec![("host".into(), host.clone())],
            host,
            params,
            ts,
            own: n_own,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn legacy_sign_then_verify_always_verifies(call in legacy_call()) {
        let creds = credentials(&call.id, &call.key);
        for mode in [Mode::Verify, Mode::Strict] {
            let caller = verify(&call.parts(), &creds, mode, NOW);
            prop_assert!(caller.is_ok(), "{mode:?}: {:?}", caller.err());
            prop_assert_eq!(caller.unwrap().secret_id, call.id.clone());
        }
    }

    /// A changed value of any parameter but SecretId/Timestamp (which fail on their
    /// own terms) breaks the signature, in the lenient verify mode too.
    #[test]
    fn legacy_any_changed_parameter_value_fails(call in legacy_call(), which in any::<usize>(), at in any::<usize>(), c in any::<char>()) {
        let mut bad = call.clone();
        // The action's own parameters, Action, Version, Nonce, SignatureMethod.
        let mutable: Vec<usize> = (0..bad.params.len())
            .filter(|&i| i < call.own || matches!(bad.params[i].0.as_str(), "Action" | "Version" | "Nonce" | "SignatureMethod"))
            .collect();
        let i = mutable[which % mutable.len()];
        let old = bad.params[i].1.clone();
        let new = replace_char(&old, at, c);
        prop_assume!(new != old);
        // SignatureMethod changed to the other algorithm's name is not a one-byte change.
        bad.params[i].1 = new;
        let creds = credentials(&call.id, &call.key);
        prop_assert_eq!(code_of(verify(&bad.parts(), &creds, Mode::Verify, NOW)), Some(ErrorCode::SignatureFailure));
    }

    #[test]
    fn legacy_any_changed_signature_character_fails(call in legacy_call(), at in any::<usize>(), c in any::<char>()) {
        let mut bad = call.clone();
        let last = bad.params.len() - 1;
        let old = bad.params[last].1.clone();
        let new = replace_char(&old, at, c);
        prop_assume!(new != old);
        bad.params[last].1 = new;
        let creds = credentials(&call.id, &call.key);
        prop_assert_eq!(code_of(verify(&bad.parts(), &creds, Mode::Verify, NOW)), Some(ErrorCode::SignatureFailure));
    }

    #[test]
    fn legacy_another_host_fails(call in legacy_call(), other in "[a-z]{1,20}\\.example") {
        prop_assume!(other != call.host);
        let mut bad = call.clone();
        bad.host = other.clone();
        bad.headers[0].1 = other;
        let creds = credentials(&call.id, &call.key);
        prop_assert_eq!(code_of(verify(&bad.parts(), &creds, Mode::Verify, NOW)), Some(ErrorCode::SignatureFailure));
    }
}

// ------------------------------------------------------------------ parsers

/// Every member name reachable from the image-registry actions' inputs, and the
/// fixture record's fields: keys the generators pick from, so generated parameters
/// and records often get past "unknown parameter" into type checks.
fn spec_keys() -> Vec<&'static str> {
    let svc = spec::tcss();
    let mut keys = vec!["Id", "Account", "Response", "RequestId", "images"];
    let mut stack: Vec<&'static spec::Object> = svc
        .actions
        .iter()
        .filter(|a| a.name.contains("ImageRegistry"))
        .flat_map(|a| [svc.object(a.input), svc.object(a.output)])
        .collect();
    stack.extend(svc.object_named("ImageRepoInfo"));
    let mut seen = std::collections::HashSet::new();
    while let Some(o) = stack.pop() {
        if !seen.insert(o.name) {
            continue;
        }
        for m in o.members {
            keys.push(m.name);
            if let Kind::Object(i) = m.kind {
                stack.push(svc.object(i));
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(spec_keys()).prop_map(str::to_string),
        1 => "[A-Za-z]{1,12}",
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        "-?[0-9]{0,22}".prop_map(Value::String),
        "(true|false|TRUE|False|all|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:]{8}Z)?|[a-z]{0,8})"
            .prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((key(), json_value()), 0..8).prop_map(|kv| kv.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decode_pairs_and_unflatten_never_panic_on_bytes(raw in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(pairs) = decode_pairs(&raw) {
            let _ = unflatten(pairs);
        }
    }

    #[test]
    fn decode_pairs_and_unflatten_never_panic_on_flattened_text(
        raw in "(([A-Za-z]{1,6}|[0-9]{1,3}|%[0-9A-Fa-f]{2}|%|\\+)(\\.([A-Za-z]{1,6}|[0-9]{1,6}|-1|))*(=[^&]{0,6})?&?){0,40}"
    ) {
        if let Ok(pairs) = decode_pairs(raw.as_bytes()) {
            let _ = unflatten(pairs);
        }
    }

    #[test]
    fn unflatten_never_panics_on_any_names(pairs in prop::collection::vec(("[A-Za-z0-9.]{0,30}", ".{0,8}"), 0..30)) {
        let _ = unflatten(pairs);
    }

    /// Validation never panics, and what it accepts it accepts again unchanged.
    #[test]
    fn validate_never_panics_and_is_idempotent(index in any::<usize>(), params in json_object()) {
        let svc = spec::tcss();
        let action = &svc.actions[index % svc.actions.len()];
        let input = svc.object(action.input);
        let _ = spec::validate_partial(svc, input, params.clone());
        if let Ok(valid) = spec::validate(svc, input, params) {
            let again = spec::validate(svc, input, valid.clone());
            prop_assert_eq!(again.ok(), Some(valid));
        }
    }

    #[test]
    fn fixture_parse_never_panics_on_text(text in any::<String>()) {
        let _ = fixtures::parse("prop", &text);
    }

    /// Fixture documents of plausible records: never a panic, and an accepted
    /// document written back out parses to the same records.
    #[test]
    fn fixture_parse_never_panics_and_round_trips(records in prop::collection::vec(json_object(), 0..4), id in any::<i64>()) {
        let images: Vec<Value> = records
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                if i == 0 {
                    r.insert("Id".into(), Value::from(id));
                }
                Value::Object(r)
            })
            .collect();
        let doc = serde_json::json!({ "images": images }).to_string();
        if let Ok(parsed) = fixtures::parse("prop", &doc) {
            let back: Vec<Value> = parsed
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    m.insert("Id".into(), Value::from(r.id));
                    m.insert("Account".into(), Value::from(r.account.clone()));
                    m.extend(r.fields.clone());
                    Value::Object(m)
                })
                .collect();
            let again = fixtures::parse("prop", &serde_json::json!({ "images": back }).to_string());
            prop_assert_eq!(again.ok(), Some(parsed));
        }
    }
}
