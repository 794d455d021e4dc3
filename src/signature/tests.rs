use super::*;
use crate::error::ErrorCode;

const ID: &str = "AKIDtest";
const KEY: &str = "secret";
const NOW: i64 = 1_700_000_000;

fn creds() -> Credentials {
    Credentials::new([
        Credential::parse("AKIDtest:secret").unwrap(),
        Credential::parse("AKIDtemp:tempkey:acct-b:tok123").unwrap(),
    ])
}

struct Req {
    method: &'static str,
    host: String,
    query: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    params: Vec<(String, String)>,
    auth: Option<String>,
    ts: Option<String>,
    token: Option<String>,
}

impl Req {
    fn tc3(host: &str, sign_host: &str, service: &str, body: &str) -> Self {
        let auth = tc3::authorization_header(
            ID,
            KEY,
            service,
            "POST",
            sign_host,
            "application/json",
            "",
            body.as_bytes(),
            NOW,
        );
        Self {
            method: "POST",
            host: host.to_string(),
            query: String::new(),
            body: body.as_bytes().to_vec(),
            headers: vec![("content-type".into(), "application/json".into())],
            params: vec![],
            auth: Some(auth),
            ts: Some(NOW.to_string()),
            token: None,
        }
    }
    fn parts(&self) -> SignedParts<'_> {
        SignedParts {
            method: self.method,
            host: &self.host,
            query: &self.query,
            body: &self.body,
            headers: &self.headers,
            authorization: self.auth.as_deref(),
            timestamp: self.ts.as_deref(),
            token: self.token.as_deref(),
            params: &self.params,
        }
    }
    fn verify(&self, mode: Mode) -> Result<Caller, ErrorCode> {
        verify(&self.parts(), &creds(), mode, NOW).map_err(|r| r.error.code)
    }
}

#[test]
fn a_correct_tc3_signature_verifies_in_every_mode() {
    let req = Req::tc3("127.0.0.1:4577", "127.0.0.1:4577", "tcss", "{}");
    for mode in [Mode::Verify, Mode::Strict, Mode::Skip] {
        let caller = req.verify(mode).unwrap();
        assert_eq!(caller.secret_id, ID);
        assert_eq!(caller.account, DEFAULT_ACCOUNT);
    }
}

#[test]
fn node_sdk_signing_host_without_port_and_odd_service_passes_verify_only() {
    // Node signs `hostname` and takes the service from the endpoint's first label.
    let req = Req::tc3("127.0.0.1:4577", "127.0.0.1", "127", "{}");
    assert!(req.verify(Mode::Verify).is_ok());
    assert_eq!(
        req.verify(Mode::Strict),
        Err(ErrorCode::InvalidAuthorization)
    );
    let req = Req::tc3("127.0.0.1:4577", "127.0.0.1", "tcss", "{}");
    assert_eq!(req.verify(Mode::Strict), Err(ErrorCode::SignatureFailure));
}

#[test]
fn tccli_host_with_scheme_verifies_as_sent() {
    let req = Req::tc3(
        "http://127.0.0.1:4577",
        "http://127.0.0.1:4577",
        "tcss",
        "{}",
    );
    assert!(req.verify(Mode::Verify).is_ok());
    assert!(req.verify(Mode::Strict).is_ok());
}

#[test]
fn a_changed_body_is_a_signature_failure_with_the_computed_request() {
    let mut req = Req::tc3("h:1", "h:1", "tcss", r#"{"Id":1}"#);
    req.body = br#"{"Id":2}"#.to_vec();
    let refusal = verify(&req.parts(), &creds(), Mode::Verify, NOW).unwrap_err();
    assert_eq!(refusal.error.code, ErrorCode::SignatureFailure);
    let canonical = refusal.computed.canonical_request.unwrap();
    assert!(canonical.starts_with("POST\n/\n\ncontent-type:application/json\nhost:h:1\n"));
    assert!(
        refusal
            .computed
            .string_to_sign
            .unwrap()
            .starts_with("TC3-HMAC-SHA256\n1700000000\n")
    );
}

#[test]
fn unsigned_payload_header_hashes_the_marker_instead_of_the_body() {
    let auth = tc3::authorization_header(
        ID,
        KEY,
        "tcss",
        "POST",
        "h",
        "application/json",
        "",
        b"UNSIGNED-PAYLOAD",
        NOW,
    );
    let mut req = Req::tc3("h", "h", "tcss", r#"{"Id":1}"#);
    req.auth = Some(auth);
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::SignatureFailure));
    req.headers
        .push(("x-tc-content-sha256".into(), "UNSIGNED-PAYLOAD".into()));
    assert!(req.verify(Mode::Verify).is_ok());
}

#[test]
fn unknown_secret_id_stale_timestamp_and_missing_auth() {
    let mut req = Req::tc3("h", "h", "tcss", "{}");
    req.auth = req.auth.map(|a| a.replace("AKIDtest", "AKIDnope"));
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::SecretIdNotFound));

    let mut req = Req::tc3("h", "h", "tcss", "{}");
    req.ts = Some((NOW - 301).to_string());
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::SignatureExpire));
    req.ts = Some((NOW + 301).to_string());
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::SignatureExpire));
    req.ts = None;
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::MissingParameter));
    req.ts = Some("soon".into());
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::InvalidParameter));

    let mut req = Req::tc3("h", "h", "tcss", "{}");
    req.auth = None;
    assert_eq!(
        req.verify(Mode::Verify),
        Err(ErrorCode::InvalidAuthorization)
    );
    req.auth = Some("SKIP".into());
    assert_eq!(
        req.verify(Mode::Verify),
        Err(ErrorCode::InvalidAuthorization)
    );
    assert!(req.verify(Mode::Skip).is_ok());
}

#[test]
fn a_scope_date_other_than_the_utc_date_of_the_timestamp_fails() {
    let ts: i64 = 1_700_006_500; // 2023-11-15 00:01:40 UTC
    let canonical = tc3::canonical_request(
        "POST",
        "",
        &[("content-type", "application/json"), ("host", "h")],
        &tc3::sha256_hex(b"{}"),
    );
    let sts = tc3::string_to_sign(&ts.to_string(), "2023-11-14", "tcss", &canonical);
    let sig = tc3::sign(&tc3::signing_key(KEY, "2023-11-14", "tcss"), &sts);
    let mut req = Req::tc3("h", "h", "tcss", "{}");
    req.auth = Some(format!(
        "TC3-HMAC-SHA256 Credential={ID}/2023-11-14/tcss/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
    ));
    req.ts = Some(ts.to_string());
    let refusal = verify(&req.parts(), &creds(), Mode::Verify, ts).unwrap_err();
    assert_eq!(refusal.error.code, ErrorCode::SignatureFailure);
}

#[test]
fn session_token_must_match_when_the_credential_has_one() {
    let auth = tc3::authorization_header(
        "AKIDtemp",
        "tempkey",
        "tcss",
        "POST",
        "h",
        "application/json",
        "",
        b"{}",
        NOW,
    );
    let mut req = Req::tc3("h", "h", "tcss", "{}");
    req.auth = Some(auth);
    let message = |req: &Req, mode| {
        verify(&req.parts(), &creds(), mode, NOW)
            .map(|_| String::new())
            .map_err(|r| (r.error.code, r.error.en.into_owned()))
    };
    for mode in [Mode::Verify, Mode::Strict, Mode::Skip] {
        for none in [None, Some(String::new())] {
            req.token = none;
            let (code, en) = message(&req, mode).unwrap_err();
            assert_eq!(code, ErrorCode::TokenFailure, "{mode:?}");
            assert!(en.contains("carries no token"), "{mode:?}: {en}");
        }
        req.token = Some("wrong".into());
        let (code, en) = message(&req, mode).unwrap_err();
        assert_eq!(code, ErrorCode::TokenFailure, "{mode:?}");
        assert!(en.contains("invalid"), "{mode:?}: {en}");
        req.token = Some("tok1234".into());
        assert_eq!(
            req.verify(mode),
            Err(ErrorCode::TokenFailure),
            "a longer token"
        );
        req.token = Some("tok123".into());
        let caller = req.verify(mode).unwrap();
        assert_eq!(caller.account, "acct-b");
    }
    // Skip mode accepts any signature, but still the token of a known credential only.
    req.auth = Some("SKIP".into());
    req.params = vec![("SecretId".into(), "AKIDtemp".into())];
    req.token = None;
    assert_eq!(req.verify(Mode::Skip), Err(ErrorCode::TokenFailure));
    req.token = Some("tok123".into());
    assert!(req.verify(Mode::Skip).is_ok());
}

fn legacy_req(method_name: &str, variant: legacy::Variant, sign_host: &str) -> Req {
    let mut params: Vec<(String, String)> = [
        ("Action", "DescribeAssetImageRegistryDetail"),
        ("Version", "2020-11-01"),
        ("Id", "5427"),
        ("Region", ""),
        ("SecretId", ID),
        ("Nonce", "42"),
        ("Timestamp", "1700000000"),
        ("SignatureMethod", method_name),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sts = legacy::string_to_sign("GET", sign_host, "/", &params, variant);
    let sig = legacy::sign(legacy::Method::parse(Some(method_name)), KEY, &sts);
    params.push(("Signature".into(), sig));
    Req {
        method: "GET",
        host: "127.0.0.1:4577".into(),
        query: String::new(),
        body: vec![],
        headers: vec![],
        params,
        auth: None,
        ts: Some(NOW.to_string()),
        token: None,
    }
}

#[test]
fn legacy_sha1_and_sha256_verify() {
    for m in ["HmacSHA1", "HmacSHA256"] {
        let req = legacy_req(m, legacy::Variant::default(), "127.0.0.1:4577");
        assert!(req.verify(Mode::Strict).is_ok(), "{m}");
    }
}

#[test]
fn go_sdk_legacy_skipping_empty_values_passes_verify_not_strict() {
    let go = legacy::Variant {
        underscore_as_dot: false,
        skip_empty: true,
    };
    let req = legacy_req("HmacSHA256", go, "127.0.0.1:4577");
    assert!(req.verify(Mode::Verify).is_ok());
    assert_eq!(req.verify(Mode::Strict), Err(ErrorCode::SignatureFailure));
}

#[test]
fn legacy_without_secret_id_or_nonce_is_missing_parameter() {
    let mut req = legacy_req("HmacSHA1", legacy::Variant::default(), "127.0.0.1:4577");
    req.params.retain(|(k, _)| k != "Nonce");
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::MissingParameter));
    let mut req = legacy_req("HmacSHA1", legacy::Variant::default(), "127.0.0.1:4577");
    req.params.retain(|(k, _)| k != "SecretId");
    assert_eq!(req.verify(Mode::Verify), Err(ErrorCode::MissingParameter));
}

#[test]
fn credential_flag_parses_account_and_token() {
    let c = Credential::parse("id:key").unwrap();
    assert_eq!(
        (c.account.as_str(), c.token.as_deref()),
        (DEFAULT_ACCOUNT, None)
    );
    let c = Credential::parse("id:key:acct:to:ken").unwrap();
    assert_eq!(
        (c.account.as_str(), c.token.as_deref()),
        ("acct", Some("to:ken"))
    );
    assert!(Credential::parse("id").is_err());
    assert!(Credential::parse(":key").is_err());
    assert!(!format!("{c:?}").contains("key\""));
}

#[test]
fn port_is_stripped_only_when_numeric() {
    assert_eq!(strip_port("127.0.0.1:4577"), Some("127.0.0.1"));
    assert_eq!(strip_port("localhost"), None);
    assert_eq!(strip_port("[::1]:80"), Some("[::1]"));
    assert_eq!(strip_port("h:x"), None);
}
