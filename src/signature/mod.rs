//! Who is calling: credentials, and the verification of both signature methods.
//!
//! <https://www.tencentcloud.com/document/product/1163/52897> (common parameters).
//! `verify` takes everything it needs as arguments (the request parts, the known
//! credentials, the mode and `now`), so it is tested without a server.

mod credentials;
pub mod diagnose;
pub mod legacy;
pub mod tc3;

use crate::error::ApiError;
use credentials::check_token;
pub use credentials::{Credential, Credentials, DEFAULT_ACCOUNT, SecretKey};

/// How strictly signatures are checked (`--signature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    /// Accept every variant the official SDKs and tccli send to a local endpoint.
    #[default]
    Verify,
    /// Accept only what the real gateway accepts.
    Strict,
    /// Accept any signature (the SecretId is still read, for rate limits and accounts).
    Skip,
}

/// The parts of a request that signatures cover, as received.
#[derive(Debug)]
pub struct SignedParts<'a> {
    pub method: &'a str,
    /// The raw `Host` header.
    pub host: &'a str,
    /// The raw query string (without `?`).
    pub query: &'a str,
    pub body: &'a [u8],
    /// `(lower-case name, value)` of every header received.
    pub headers: &'a [(String, String)],
    /// `Authorization`, if sent.
    pub authorization: Option<&'a str>,
    /// `X-TC-Timestamp` (TC3) or `Timestamp` (legacy).
    pub timestamp: Option<&'a str>,
    /// `X-TC-Token` or `Token`.
    pub token: Option<&'a str>,
    /// Legacy signing: every parameter as received, decoded, `Signature` included.
    pub params: &'a [(String, String)],
}

impl SignedParts<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub secret_id: String,
    pub account: String,
}

/// What the emulator computed for a request it refused, so a user can compare it
/// with what their client computed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Computed {
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
    /// TC3: the signed headers as received (`name: value` lines).
    pub signed_headers: Option<String>,
    /// The likely cause, told from the request ([`diagnose`]).
    pub cause: Option<String>,
}

/// A refusal, with what was computed when the signature itself failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error: ApiError,
    /// Boxed: refusals are rare, and a large `Err` slows every verified call.
    pub computed: Box<Computed>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            computed: Box::default(),
        }
    }
}

/// The largest allowed distance between the request's timestamp and `now`.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The service name that the real gateway accepts in the credential scope.
pub const SERVICE: &str = "tcss";

/// Verifies the request's signature (TC3 when `Authorization` is present, legacy when
/// a `Signature` parameter is) and returns the caller. `now_secs` is the machine's real
/// time (clients sign with theirs), never the emulator clock.
pub fn verify(
    parts: &SignedParts<'_>,
    credentials: &Credentials,
    mode: Mode,
    now_secs: i64,
) -> Result<Caller, Refusal> {
    if mode == Mode::Skip {
        return skipped_caller(parts, credentials).map_err(Refusal::from);
    }
    match parts.authorization {
        Some(auth) => verify_tc3(parts, auth, credentials, mode, now_secs),
        None if parts.param("Signature").is_some() => {
            verify_legacy(parts, credentials, mode, now_secs)
        }
        None => {
            Err(ApiError::invalid_authorization("the `Authorization` header is missing").into())
        }
    }
}

/// The SecretId a request claims (Credential scope or `SecretId`), verified or not.
pub fn claimed_secret_id<'a>(parts: &SignedParts<'a>) -> Option<&'a str> {
    parts
        .authorization
        .and_then(|a| tc3::parse_authorization(a).ok().map(|a| a.secret_id))
        .or_else(|| {
            parts
                .params
                .iter()
                .find(|(n, _)| n == "SecretId")
                .map(|(_, v)| v.as_str())
        })
}

/// In skip mode the caller is still named: by the Credential scope, or by `SecretId`.
/// The signature is not checked, but a known credential's session token still is: it
/// is part of the credential, not of the signature.
fn skipped_caller(parts: &SignedParts<'_>, credentials: &Credentials) -> Result<Caller, ApiError> {
    let secret_id = claimed_secret_id(parts).unwrap_or("anonymous").to_string();
    let credential = credentials.get(&secret_id);
    if let Some(credential) = credential {
        check_token(credential, parts.token)?;
    }
    let account = credential
        .map_or(DEFAULT_ACCOUNT, |c| c.account.as_str())
        .to_string();
    Ok(Caller { secret_id, account })
}

/// Parses the timestamp and checks the 300-second window.
fn check_timestamp(raw: Option<&str>, now_secs: i64) -> Result<i64, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::missing_parameter("Timestamp"))?;
    let ts: i64 = raw.trim().parse().map_err(|_| {
        ApiError::invalid_parameter(
            format!("Parameter `Timestamp` type error: `{raw}` is not a Unix time in seconds."),
            format!("参数`Timestamp`类型错误：`{raw}`不是以秒为单位的Unix时间。"),
        )
    })?;
    let skew = now_secs.saturating_sub(ts).saturating_abs();
    if skew > MAX_SKEW_SECONDS {
        return Err(ApiError::signature_expire(skew));
    }
    Ok(ts)
}

fn lookup<'c>(credentials: &'c Credentials, secret_id: &str) -> Result<&'c Credential, ApiError> {
    credentials
        .get(secret_id)
        .ok_or_else(ApiError::secret_id_not_found)
}

/// `host` without a trailing `:port` (the Node SDK signs the host name only).
fn strip_port(host: &str) -> Option<&str> {
    let (name, port) = host.rsplit_once(':')?;
    (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':'))
        .then_some(name)
}

fn verify_tc3(
    parts: &SignedParts<'_>,
    raw_auth: &str,
    credentials: &Credentials,
    mode: Mode,
    now_secs: i64,
) -> Result<Caller, Refusal> {
    let auth = tc3::parse_authorization(raw_auth)?;
    if mode == Mode::Strict {
        if auth.service != SERVICE {
            return Err(
                ApiError::invalid_authorization("`Service` in Credential not valid").into(),
            );
        }
        if !(auth.signed_headers.contains(&"content-type") && auth.signed_headers.contains(&"host"))
        {
            return Err(ApiError::invalid_authorization(
                "`SignedHeaders` must include content-type and host",
            )
            .into());
        }
    }
    let credential = lookup(credentials, auth.secret_id)?;
    let ts = check_timestamp(parts.timestamp, now_secs)?;
    check_token(credential, parts.token)?;

    let payload_hash = if parts
        .header("x-tc-content-sha256")
        .is_some_and(|v| v.trim() == "UNSIGNED-PAYLOAD")
    {
        tc3::sha256_hex(b"UNSIGNED-PAYLOAD")
    } else {
        tc3::sha256_hex(parts.body)
    };
    let query = if parts.method == "GET" {
        parts.query
    } else {
        ""
    };
    let key = credentials.signing_key(credential, auth.date, auth.service);

    // The canonical request and string to sign of the call signed with `host`.
    let compute = |host: &str| {
        let headers: Vec<(&str, &str)> = auth
            .signed_headers
            .iter()
            .map(|name| {
                let value = if *name == "host" {
                    host
                } else {
                    parts.header(name).unwrap_or("")
                };
                (*name, value)
            })
            .collect();
        let canonical = tc3::canonical_request(parts.method, query, &headers, &payload_hash);
        let sts = tc3::string_to_sign(&ts.to_string(), auth.date, auth.service, &canonical);
        let ok = tc3::is_utc_date(ts, auth.date) && tc3::matches_keyed(&key, &sts, auth.signature);
        (ok, canonical, sts)
    };
    // The host as received first; in verify mode also without its port (Node SDK).
    let mut hosts = vec![parts.host];
    if mode == Mode::Verify {
        hosts.extend(strip_port(parts.host));
    }
    let mut first: Option<(String, String)> = None;
    for host in hosts {
        let (ok, canonical, sts) = compute(host);
        if ok {
            return Ok(Caller {
                secret_id: credential.secret_id.clone(),
                account: credential.account.clone(),
            });
        }
        first.get_or_insert((canonical, sts));
    }
    let (canonical, sts) = first.unwrap_or_default();
    let cause = diagnose::tc3_cause(parts, &auth, ts, now_secs, mode, |host| compute(host).0);
    Err(Refusal {
        error: ApiError::signature_failure(),
        computed: Box::new(Computed {
            canonical_request: Some(canonical),
            string_to_sign: Some(sts),
            signed_headers: Some(diagnose::signed_headers(parts, &auth.signed_headers)),
            cause: Some(cause),
        }),
    })
}

fn verify_legacy(
    parts: &SignedParts<'_>,
    credentials: &Credentials,
    mode: Mode,
    now_secs: i64,
) -> Result<Caller, Refusal> {
    let secret_id = parts
        .param("SecretId")
        .ok_or_else(|| ApiError::missing_parameter("SecretId"))?;
    if parts.param("Nonce").is_none() {
        return Err(ApiError::missing_parameter("Nonce").into());
    }
    let credential = lookup(credentials, secret_id)?;
    check_timestamp(parts.timestamp, now_secs)?;
    check_token(credential, parts.token)?;
    let sent = parts.param("Signature").unwrap_or("");
    let method = legacy::Method::parse(parts.param("SignatureMethod"));

    let mut hosts = vec![parts.host];
    let mut variants = vec![legacy::Variant::default()];
    if mode == Mode::Verify {
        hosts.extend(strip_port(parts.host));
        variants.push(legacy::Variant {
            underscore_as_dot: true,
            skip_empty: false,
        });
        variants.push(legacy::Variant {
            underscore_as_dot: false,
            skip_empty: true,
        });
    }
    let mut first = None;
    for host in &hosts {
        for variant in &variants {
            let sts = legacy::string_to_sign(parts.method, host, "/", parts.params, *variant);
            if legacy::matches(method, credential.secret_key.expose(), &sts, sent) {
                return Ok(Caller {
                    secret_id: credential.secret_id.clone(),
                    account: credential.account.clone(),
                });
            }
            first.get_or_insert(sts);
        }
    }
    let cause = diagnose::legacy_cause(parts, mode, |host| {
        variants.iter().any(|variant| {
            let sts = legacy::string_to_sign(parts.method, host, "/", parts.params, *variant);
            legacy::matches(method, credential.secret_key.expose(), &sts, sent)
        })
    });
    Err(Refusal {
        error: ApiError::signature_failure(),
        computed: Box::new(Computed {
            string_to_sign: first,
            cause: Some(cause),
            ..Computed::default()
        }),
    })
}

#[cfg(test)]
mod tests;
