//! The legacy `Signature` parameter (HmacSHA1 / HmacSHA256), signature method v1.
//!
//! <https://cloud.tencent.com/document/api/213/15693>. String to sign:
//! `METHOD + host + path + "?" + name=value&...` over every parameter but `Signature`,
//! sorted by name, values raw (not URL-encoded); signature = base64(HMAC(key, that)).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// Which HMAC: `SignatureMethod=HmacSHA256` picks SHA-256, anything else SHA-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    HmacSha1,
    HmacSha256,
}

impl Method {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("HmacSHA256") => Self::HmacSha256,
            _ => Self::HmacSha1,
        }
    }
}

/// How the client built its string to sign: the variants the official SDKs produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Variant {
    /// The Python SDK writes `_` in names as `.` (in the string to sign only).
    pub underscore_as_dot: bool,
    /// The Go SDK leaves parameters with empty values out of the string to sign.
    pub skip_empty: bool,
}

/// The string to sign. `params` excludes nothing: `Signature` is dropped here.
pub fn string_to_sign(
    method: &str,
    host: &str,
    path: &str,
    params: &[(String, String)],
    variant: Variant,
) -> String {
    let mut sorted: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, v)| k != "Signature" && !(variant.skip_empty && v.is_empty()))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = format!("{method}{host}{path}?");
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        if variant.underscore_as_dot {
            out.push_str(&k.replace('_', "."));
        } else {
            out.push_str(k);
        }
        out.push('=');
        out.push_str(v);
    }
    out
}

fn mac_sha1(key: &str) -> Hmac<Sha1> {
    match Hmac::<Sha1>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts any key length"),
    }
}

fn mac_sha256(key: &str) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts any key length"),
    }
}

/// base64(HMAC(key, string_to_sign)).
pub fn sign(method: Method, key: &str, string_to_sign: &str) -> String {
    let raw = match method {
        Method::HmacSha1 => {
            let mut mac = mac_sha1(key);
            mac.update(string_to_sign.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Method::HmacSha256 => {
            let mut mac = mac_sha256(key);
            mac.update(string_to_sign.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    STANDARD.encode(raw)
}

/// Constant-time check of a base64 signature as sent.
pub fn matches(method: Method, key: &str, string_to_sign: &str, sent_b64: &str) -> bool {
    let Ok(sent) = STANDARD.decode(sent_b64.trim()) else {
        return false;
    };
    match method {
        Method::HmacSha1 => {
            let mut mac = mac_sha1(key);
            mac.update(string_to_sign.as_bytes());
            mac.verify_slice(&sent).is_ok()
        }
        Method::HmacSha256 => {
            let mut mac = mac_sha256(key);
            mac.update(string_to_sign.as_bytes());
            mac.verify_slice(&sent).is_ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

    fn documented_params() -> Vec<(String, String)> {
        [
            ("Action", "DescribeInstances"),
            ("InstanceIds.0", "ins-09dx96dg"),
            ("Limit", "20"),
            ("Nonce", "11886"),
            ("Offset", "0"),
            ("Region", "ap-guangzhou"),
            ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
            ("Timestamp", "1465185768"),
            ("Version", "2017-03-12"),
        ]
        .iter()
        .rev() // order of arrival must not matter
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn documented_string_to_sign() {
        let sts = string_to_sign(
            "GET",
            "cvm.tencentcloudapi.com",
            "/",
            &documented_params(),
            Variant::default(),
        );
        assert_eq!(
            sts,
            "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12"
        );
    }

    #[test]
    fn documented_hmac_sha1_and_sha256_signatures() {
        let sts = string_to_sign(
            "GET",
            "cvm.tencentcloudapi.com",
            "/",
            &documented_params(),
            Variant::default(),
        );
        assert_eq!(
            sign(Method::HmacSha1, KEY, &sts),
            "EliP9YW3pW28FpsEdkXt/+WcGeI="
        );
        assert_eq!(
            sign(Method::HmacSha256, KEY, &sts),
            "bR/zQ3QqOmcEYeRv71IzG/NxfisUDgy9cqRMQC+UB5g="
        );
        assert!(matches(
            Method::HmacSha1,
            KEY,
            &sts,
            "EliP9YW3pW28FpsEdkXt/+WcGeI="
        ));
        assert!(!matches(
            Method::HmacSha256,
            KEY,
            &sts,
            "EliP9YW3pW28FpsEdkXt/+WcGeI="
        ));
        assert!(!matches(Method::HmacSha1, KEY, &sts, "%%%"));
    }

    #[test]
    fn signature_parameter_is_left_out_and_variants_apply() {
        let params = vec![
            ("B_c".to_string(), "1".to_string()),
            ("A".to_string(), String::new()),
            ("Signature".to_string(), "x".to_string()),
        ];
        let plain = string_to_sign("POST", "h", "/", &params, Variant::default());
        assert_eq!(plain, "POSTh/?A=&B_c=1");
        let py = Variant {
            underscore_as_dot: true,
            skip_empty: false,
        };
        assert_eq!(
            string_to_sign("POST", "h", "/", &params, py),
            "POSTh/?A=&B.c=1"
        );
        let go = Variant {
            underscore_as_dot: false,
            skip_empty: true,
        };
        assert_eq!(
            string_to_sign("POST", "h", "/", &params, go),
            "POSTh/?B_c=1"
        );
    }

    #[test]
    fn names_sort_as_bytes_so_12_comes_before_2() {
        let params = vec![
            ("InstanceIds.2".to_string(), "b".to_string()),
            ("InstanceIds.12".to_string(), "a".to_string()),
        ];
        let sts = string_to_sign("GET", "h", "/", &params, Variant::default());
        assert_eq!(sts, "GETh/?InstanceIds.12=a&InstanceIds.2=b");
    }
}
