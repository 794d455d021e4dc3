//! TC3-HMAC-SHA256, the signature of Tencent Cloud API 3.0.
//!
//! <https://cloud.tencent.com/document/api/213/30654>. Pure functions: the canonical
//! request, the string to sign, the derived key and the signature. `mod.rs` decides
//! which variants of the inputs a mode accepts.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub(crate) type HmacSha256 = Hmac<Sha256>;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    pub secret_id: &'a str,
    pub date: &'a str,
    pub service: &'a str,
    /// Lower-case header names, in the order given.
    pub signed_headers: Vec<&'a str>,
    /// The signature as sent (hex).
    pub signature: &'a str,
}

/// Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex`.
pub fn parse_authorization(raw: &str) -> Result<Authorization<'_>, ApiError> {
    let rest = raw
        .trim()
        .strip_prefix(ALGORITHM)
        .ok_or_else(|| ApiError::invalid_authorization("the algorithm is not `TC3-HMAC-SHA256`"))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| ApiError::invalid_authorization("a field is not `Key=Value`"))?;
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(ApiError::invalid_authorization("unknown field")),
        };
        if slot.replace(value.trim()).is_some() {
            return Err(ApiError::invalid_authorization("a field is repeated"));
        }
    }
    let credential =
        credential.ok_or_else(|| ApiError::invalid_authorization("`Credential` is missing"))?;
    let signed =
        signed.ok_or_else(|| ApiError::invalid_authorization("`SignedHeaders` is missing"))?;
    let signature =
        signature.ok_or_else(|| ApiError::invalid_authorization("`Signature` is missing"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [secret_id, date, service, terminator] = parts[..] else {
        return Err(ApiError::invalid_authorization(
            "`Credential` is not ID/DATE/SERVICE/tc3_request",
        ));
    };
    if terminator != "tc3_request" || secret_id.is_empty() || service.is_empty() {
        return Err(ApiError::invalid_authorization(
            "`Credential` is not ID/DATE/SERVICE/tc3_request",
        ));
    }
    if signed.is_empty() {
        return Err(ApiError::invalid_authorization("`SignedHeaders` is empty"));
    }
    Ok(Authorization {
        secret_id,
        date,
        service,
        signed_headers: signed.split(';').collect(),
        signature,
    })
}

/// `lowerhex(SHA256(data))`.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_sha256_hex(&mut out, data);
    out
}

/// Appends `lowerhex(SHA256(data))` to `out` (a table lookup per byte; no
/// intermediate string).
fn push_sha256_hex(out: &mut String, data: &[u8]) {
    let mut hex = [0u8; 64];
    if hex::encode_to_slice(Sha256::digest(data), &mut hex).is_ok() {
        out.extend(hex.iter().map(|&b| char::from(b)));
    }
}

/// The canonical request. `headers` are `(lower-case name, value)` in signed order;
/// values are trimmed and lower-cased here, as the SDKs do.
pub fn canonical_request(
    method: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
) -> String {
    let mut sorted: Vec<(&str, &str)> = headers.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(256);
    out.push_str(method);
    out.push_str("\n/\n");
    out.push_str(canonical_query);
    out.push('\n');
    for (name, value) in &sorted {
        out.push_str(name);
        out.push(':');
        out.extend(value.trim().chars().map(|c| c.to_ascii_lowercase()));
        out.push('\n');
    }
    out.push('\n');
    for (i, (name, _)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// `TC3-HMAC-SHA256\nTIMESTAMP\nDATE/SERVICE/tc3_request\nhex(sha256(canonical))`.
pub fn string_to_sign(timestamp: &str, date: &str, service: &str, canonical: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + timestamp.len() + date.len() + 100);
    for part in [
        ALGORITHM,
        "\n",
        timestamp,
        "\n",
        date,
        "/",
        service,
        "/tc3_request\n",
    ] {
        out.push_str(part);
    }
    push_sha256_hex(&mut out, canonical.as_bytes());
    out
}

fn hmac(key: &[u8], data: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length: new_from_slice cannot fail here.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts any key length"),
    };
    mac.update(data);
    mac
}

/// The UTC date (`YYYY-MM-DD`) of a Unix time, as the credential scope names it
/// (empty when out of range).
pub fn utc_date(timestamp: i64) -> String {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|t| {
            let d = t.date_naive();
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        })
        .unwrap_or_default()
}

/// Whether `date` is [`utc_date`] of `timestamp`, without writing it out (on every
/// request).
pub fn is_utc_date(timestamp: i64, date: &str) -> bool {
    use chrono::Datelike;
    fn number(digits: &[u8]) -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    }
    let Some(day) = chrono::DateTime::from_timestamp(timestamp, 0).map(|t| t.date_naive()) else {
        return false;
    };
    let b = date.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && number(&b[..4]).and_then(|y| i32::try_from(y).ok()) == Some(day.year())
        && number(&b[5..7]) == Some(day.month())
        && number(&b[8..]) == Some(day.day())
}

/// The derived key `kSigning` for one secret key, date and service.
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes()).finalize();
    let k_service = hmac(&k_date.into_bytes(), service.as_bytes()).finalize();
    hmac(&k_service.into_bytes(), b"tc3_request")
        .finalize()
        .into_bytes()
        .into()
}

/// The hex signature of `string_to_sign` under `key`.
pub fn sign(key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac(key, string_to_sign.as_bytes()).finalize().into_bytes())
}

/// Constant-time check of a hex signature as sent.
pub fn matches(key: &[u8; 32], string_to_sign: &str, sent_hex: &str) -> bool {
    matches_keyed(&hmac(key, b""), string_to_sign, sent_hex)
}

/// [`matches`] with the HMAC already keyed (kept per key: keying hashes two blocks).
pub(crate) fn matches_keyed(keyed: &HmacSha256, string_to_sign: &str, sent_hex: &str) -> bool {
    let mut sent = [0u8; 32];
    if hex::decode_to_slice(sent_hex, &mut sent).is_err() {
        return false;
    }
    let mut mac = keyed.clone();
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&sent).is_ok()
}

/// An HMAC keyed with `key`, ready for data.
pub(crate) fn keyed(key: &[u8; 32]) -> HmacSha256 {
    hmac(key, b"")
}

/// Builds the `Authorization` header a client would send (used by the crate's own
/// tests, the benchmark and `testing`): signed headers `content-type;host`.
#[allow(clippy::too_many_arguments)]
pub fn authorization_header(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    method: &str,
    host: &str,
    content_type: &str,
    canonical_query: &str,
    payload: &[u8],
    timestamp: i64,
) -> String {
    let date = utc_date(timestamp);
    let canonical = canonical_request(
        method,
        canonical_query,
        &[("content-type", content_type), ("host", host)],
        &sha256_hex(payload),
    );
    let sts = string_to_sign(&timestamp.to_string(), &date, service, &canonical);
    let signature = sign(&signing_key(secret_key, &date, service), &sts);
    format!(
        "{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_are_zero_padded() {
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(-86_400), "1969-12-31");
        assert_eq!(utc_date(i64::MAX), "");
        for ts in [1_551_113_065, 0, 1_700_000_000, 253_402_300_799] {
            assert!(is_utc_date(ts, &utc_date(ts)), "{ts}");
            assert!(!is_utc_date(ts + 86_400, &utc_date(ts)), "{ts}");
        }
        for wrong in ["2019-2-25", "2019-02-25 ", "2019/02/25", "+019-02-25", ""] {
            assert!(!is_utc_date(1_551_113_065, wrong), "{wrong}");
        }
    }

    // Tencent's worked example (signature method v3 document).
    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const BODY: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const CT: &str = "application/json; charset=utf-8";

    #[test]
    fn documented_example_canonical_request_and_signature() {
        let payload = sha256_hex(BODY.as_bytes());
        assert!(payload.starts_with("35e9c5b0") && payload.ends_with("f064"));
        let canonical = canonical_request(
            "POST",
            "",
            &[("content-type", CT), ("host", "cvm.tencentcloudapi.com")],
            &payload,
        );
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let sts = string_to_sign("1551113065", "2019-02-25", "cvm", &canonical);
        let key = signing_key(KEY, "2019-02-25", "cvm");
        assert_eq!(
            sign(&key, &sts),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert!(matches(
            &key,
            &sts,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        ));
        assert!(!matches(&key, &sts, "72e494ea"));
        assert!(!matches(&key, &sts, "not hex"));
    }

    #[test]
    fn documented_example_with_action_header_lowercases_its_value() {
        let payload = sha256_hex(BODY.as_bytes());
        let canonical = canonical_request(
            "POST",
            "",
            &[
                ("content-type", CT),
                ("host", "cvm.tencentcloudapi.com"),
                ("x-tc-action", "DescribeInstances"),
            ],
            &payload,
        );
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
        let sts = string_to_sign("1551113065", "2019-02-25", "cvm", &canonical);
        assert_eq!(
            sign(&signing_key(KEY, "2019-02-25", "cvm"), &sts),
            "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26"
        );
    }

    #[test]
    fn derived_key_matches_the_documented_prefix_and_suffix() {
        let key = hex::encode(signing_key(KEY, "2019-02-25", "cvm"));
        assert!(
            key.starts_with("ac658d5d") && key.ends_with("66b1"),
            "{key}"
        );
    }

    #[test]
    fn authorization_header_is_parsed() {
        let auth = parse_authorization(
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=abc",
        )
        .unwrap();
        assert_eq!(auth.secret_id, "AKID");
        assert_eq!(auth.date, "2019-02-25");
        assert_eq!(auth.service, "cvm");
        assert_eq!(auth.signed_headers, vec!["content-type", "host"]);
        assert_eq!(auth.signature, "abc");
    }

    #[test]
    fn malformed_authorization_headers_are_rejected() {
        for raw in [
            "",
            "Basic abc",
            "TC3-HMAC-SHA256",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm, SignedHeaders=host, Signature=a",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/other, SignedHeaders=host, Signature=a",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/tc3_request, Signature=a",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/tc3_request, SignedHeaders=host",
            "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=a",
            "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=, Signature=a",
            "TC3-HMAC-SHA256 Foo=bar",
        ] {
            let err = parse_authorization(raw).unwrap_err();
            assert_eq!(
                err.code,
                crate::error::ErrorCode::InvalidAuthorization,
                "{raw}"
            );
        }
    }
}
