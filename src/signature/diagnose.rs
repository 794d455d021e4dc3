//! Why a signature was refused, in a sentence a user can act on.
//!
//! When a call's signature does not match, the emulator has what it computed (the
//! canonical request and string to sign) but not what the client computed. The usual
//! culprits can still be told from the request: a scope date that is not the
//! timestamp's UTC date (a clock or time-zone slip), a host signed without its port
//! (or with a default port the `Host` header left out), a service name in the scope other than `tcss`, a signed header that
//! never arrived, a body whose `X-TC-Content-SHA256` no longer matches. Pure functions:
//! the request parts and `now` in, the sentences out.

use super::{Mode, SERVICE, SignedParts, strip_port, tc3};

/// Seconds of distance between the client's timestamp and this machine's clock worth
/// mentioning (well inside the 300 s window, but a sign the client's clock is off).
const SKEW_WORTH_NOTING: i64 = 60;

/// The headers a TC3 call signed, as this request carried them (`name: value` lines in
/// signed order; a signed header that did not arrive is marked).
pub fn signed_headers(parts: &SignedParts<'_>, names: &[&str]) -> String {
    let mut out = String::new();
    for name in names {
        out.push_str(name);
        match parts.header(name) {
            Some(value) => {
                out.push_str(": ");
                out.push_str(value);
            }
            None => out.push_str(" (signed, but not in the request)"),
        }
        out.push('\n');
    }
    out
}

/// What a refused TC3 call's request says about the likely cause, most likely first.
/// `host_matches(host)` says whether signing with `host` instead of the received one
/// would have verified (so a host variant is named only when it is the cause).
pub fn tc3_cause(
    parts: &SignedParts<'_>,
    auth: &tc3::Authorization<'_>,
    timestamp: i64,
    now_secs: i64,
    mode: Mode,
    host_matches: impl Fn(&str) -> bool,
) -> String {
    let mut causes = Vec::new();
    if !tc3::is_utc_date(timestamp, auth.date) {
        causes.push(format!(
            "clock: the credential scope's date `{}` is not the UTC date of the timestamp {timestamp} (`{}`); the client took the date from a local time zone or another clock",
            auth.date,
            tc3::utc_date(timestamp)
        ));
    }
    let skew = now_secs.saturating_sub(timestamp);
    if skew.saturating_abs() > SKEW_WORTH_NOTING {
        causes.push(format!(
            "clock skew: the timestamp is {skew} s {} this machine's clock",
            if skew > 0 { "behind" } else { "ahead of" }
        ));
    }
    causes.extend(host_as_signed(parts, mode, &host_matches));
    if !auth.signed_headers.contains(&"host") {
        causes.push("host: `host` is not among the signed headers".into());
    }
    for name in &auth.signed_headers {
        if parts.header(name).is_none() {
            causes.push(format!(
                "a header signed but changed: `{name}` is signed but did not arrive (dropped on the way?)"
            ));
        }
    }
    if let Some(sent) = parts.header("x-tc-content-sha256") {
        let sent = sent.trim();
        if sent != "UNSIGNED-PAYLOAD" && !sent.eq_ignore_ascii_case(&tc3::sha256_hex(parts.body)) {
            causes.push(format!(
                "a header signed but changed: the body received hashes to {}, not to the `X-TC-Content-SHA256` sent ({sent}): the body changed after signing",
                tc3::sha256_hex(parts.body)
            ));
        }
    }
    if auth.service != SERVICE {
        causes.push(format!(
            "service: the credential scope names the service `{}`, the real gateway wants `{SERVICE}`",
            auth.service
        ));
    }
    if causes.is_empty() {
        causes.push(format!(
            "the date, host and signed headers are consistent: most likely the secret key is not the one of `{}`, or a signed header's value or the body changed after signing; compare the canonical request below with the client's",
            auth.secret_id
        ));
    }
    causes.join("\n")
}

/// What a refused legacy call's request says about the likely cause.
pub fn legacy_cause(
    parts: &SignedParts<'_>,
    mode: Mode,
    host_matches: impl Fn(&str) -> bool,
) -> String {
    host_as_signed(parts, mode, &host_matches).unwrap_or_else(|| {
        "the host and parameters are as the string to sign below shows: most likely the secret key differs, or a parameter changed after signing (legacy signatures cover every parameter, sorted by name); compare the string to sign with the client's".into()
    })
}

/// Whether the client signed the host in another form than the request's `Host`: without
/// its port (named in strict mode, where the host is checked only as received), or with
/// a default port (`:80`, `:443`) that the HTTP client left out of the `Host` header
/// (Python's and Java's do, for an endpoint such as `localhost:80`).
fn host_as_signed(
    parts: &SignedParts<'_>,
    mode: Mode,
    host_matches: &impl Fn(&str) -> bool,
) -> Option<String> {
    let Some(bare) = strip_port(parts.host) else {
        return DEFAULT_PORTS.iter().find_map(|port| {
            let signed = format!("{}:{port}", parts.host);
            host_matches(&signed).then(|| {
                format!(
                    "host: the client signed the host with the port `{port}` (`{signed}`), but the request's Host is `{}` (HTTP clients leave a default port out of it); give the client an endpoint without `:{port}`",
                    parts.host
                )
            })
        });
    };
    (mode == Mode::Strict && host_matches(bare)).then(|| {
        format!(
            "host: the client signed the host without its port (`{bare}`), but the request's Host is `{}`; the real gateway wants it as sent (`--signature verify` accepts this)",
            parts.host
        )
    })
}

/// The ports an HTTP client leaves out of the `Host` header.
const DEFAULT_PORTS: [&str; 2] = ["80", "443"];

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(
        host: &'a str,
        headers: &'a [(String, String)],
        body: &'a [u8],
    ) -> SignedParts<'a> {
        SignedParts {
            method: "POST",
            host,
            query: "",
            body,
            headers,
            authorization: None,
            timestamp: None,
            token: None,
            params: &[],
        }
    }

    fn auth<'a>(date: &'a str, service: &'a str, signed: Vec<&'a str>) -> tc3::Authorization<'a> {
        tc3::Authorization {
            secret_id: "AKIDx",
            date,
            service,
            signed_headers: signed,
            signature: "00",
        }
    }

    const TS: i64 = 1_551_113_065; // 2019-02-25T16:44:25Z

    #[test]
    fn a_scope_date_from_another_day_is_named_as_the_clock() {
        let headers = vec![("host".to_string(), "h".to_string())];
        let p = parts("h", &headers, b"");
        let cause = tc3_cause(
            &p,
            &auth("2019-02-26", "tcss", vec!["host"]),
            TS,
            TS,
            Mode::Verify,
            |_| false,
        );
        assert!(
            cause.starts_with("clock: the credential scope's date `2019-02-26`"),
            "{cause}"
        );
        assert!(cause.contains("`2019-02-25`"), "{cause}");
    }

    #[test]
    fn a_host_signed_without_its_port_is_named_in_strict_mode() {
        let headers = vec![("host".to_string(), "localhost:4577".to_string())];
        let p = parts("localhost:4577", &headers, b"");
        let a = auth("2019-02-25", "tcss", vec!["host"]);
        let cause = tc3_cause(&p, &a, TS, TS, Mode::Strict, |h| h == "localhost");
        assert!(
            cause.starts_with("host: the client signed the host without its port (`localhost`)"),
            "{cause}"
        );
        let cause = tc3_cause(&p, &a, TS, TS, Mode::Strict, |_| false);
        assert!(!cause.contains("host:"), "{cause}");
    }

    #[test]
    fn a_host_signed_with_a_default_port_the_host_header_left_out_is_named() {
        let headers = vec![("host".to_string(), "localhost".to_string())];
        let p = parts("localhost", &headers, b"");
        let a = auth("2019-02-25", "tcss", vec!["host"]);
        for mode in [Mode::Strict, Mode::Verify] {
            let cause = tc3_cause(&p, &a, TS, TS, mode, |h| h == "localhost:80");
            assert!(
                cause.starts_with(
                    "host: the client signed the host with the port `80` (`localhost:80`), but the request's Host is `localhost`"
                ),
                "{cause}"
            );
        }
        let cause = legacy_cause(&p, Mode::Verify, |h| h == "localhost:443");
        assert!(cause.contains("(`localhost:443`)"), "{cause}");
        let cause = tc3_cause(&p, &a, TS, TS, Mode::Verify, |_| false);
        assert!(!cause.contains("host:"), "{cause}");
    }

    #[test]
    fn a_signed_header_that_did_not_arrive_and_a_changed_body_are_named() {
        let headers = vec![
            ("host".to_string(), "h".to_string()),
            ("x-tc-content-sha256".to_string(), tc3::sha256_hex(b"{}")),
        ];
        let p = parts("h", &headers, b"{\"Id\":1}");
        let a = auth(
            "2019-02-25",
            "tcss",
            vec!["host", "content-type", "x-tc-content-sha256"],
        );
        let cause = tc3_cause(&p, &a, TS, TS, Mode::Verify, |_| false);
        assert!(
            cause.contains("`content-type` is signed but did not arrive"),
            "{cause}"
        );
        assert!(cause.contains("the body changed after signing"), "{cause}");
        let listed = signed_headers(&p, &a.signed_headers);
        assert_eq!(listed.lines().next(), Some("host: h"));
        assert!(
            listed.contains("content-type (signed, but not in the request)"),
            "{listed}"
        );
    }

    #[test]
    fn another_service_and_a_skewed_clock_are_named_and_otherwise_the_key() {
        let headers = vec![("host".to_string(), "h".to_string())];
        let p = parts("h", &headers, b"");
        let cause = tc3_cause(
            &p,
            &auth("2019-02-25", "cvm", vec!["host"]),
            TS,
            TS + 200,
            Mode::Verify,
            |_| false,
        );
        assert!(
            cause.contains("service: the credential scope names the service `cvm`"),
            "{cause}"
        );
        assert!(cause.contains("the timestamp is 200 s behind"), "{cause}");
        let cause = tc3_cause(
            &p,
            &auth("2019-02-25", "tcss", vec!["host"]),
            TS,
            TS,
            Mode::Verify,
            |_| false,
        );
        assert!(
            cause.contains("secret key is not the one of `AKIDx`"),
            "{cause}"
        );
    }
}
