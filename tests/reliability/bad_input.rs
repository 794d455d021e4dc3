//! A table of malformed requests, each with the exact answer it must get, and after
//! each one a valid call that must still succeed. No 5xx, no `InternalError`, no
//! panic anywhere in the server (counted by the panic hook in `support`).
//!
//! Expected codes follow the README's error table ("Error codes", checked in the order
//! method → size → parsing → Action/Version → version → action → signature → rate
//! limit → parameters → the action). Requests that are not HTTP at all are refused
//! by the HTTP layer (hyper) before the emulator sees them: those expect the plain
//! HTTP status hyper gives (400, 414, 431) or a closed connection; the README is
//! silent on them.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use tcss_emulator::signature::tc3;

use crate::support::*;

/// What a case must get back.
#[derive(Debug, Clone)]
enum Expect {
    /// An API envelope with this `Error.Code`.
    Code(&'static str),
    /// An API envelope without `Error`.
    Success,
    /// A plain HTTP status from the HTTP layer (not an envelope).
    Http(u16),
    /// A JSON error of a route (`{"error": {"code": ...}}`) with this status.
    Route(u16, &'static str),
    /// The connection is closed without any response.
    Closed,
    /// A HEAD request: HTTP 200, `Content-Type: application/json`, no body.
    HeadOk,
    /// Pipelined requests: one answer each, in order.
    Seq(Vec<Expect>),
}

/// How a case is sent.
#[derive(Debug, Clone)]
enum Send {
    /// Written in full; the connection stays open for the answer.
    Wire(Wire),
    /// Raw bytes, written in full; the connection stays open for the answer.
    Raw(Vec<u8>),
    /// Raw bytes, then the client half-closes (sends FIN) and reads.
    HalfClose(Vec<u8>),
    /// Raw bytes, then the client closes the connection without reading.
    Abort(Vec<u8>),
    /// The head with `Expect: 100-continue`; the body once `100 Continue` came.
    Continue(Wire),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Srv {
    Verify,
    Strict,
}

struct Case {
    cat: &'static str,
    name: String,
    srv: Srv,
    send: Send,
    expect: Expect,
}

use Expect::{Code, Http, Route, Success};

const OK: &str = r#"{"Id": 5427}"#;
const SCAN: &str = "CreateAssetImageRegistryScanTask";

struct Table {
    cases: Vec<Case>,
    cat: &'static str,
}

impl Table {
    fn cat(&mut self, cat: &'static str) {
        self.cat = cat;
    }
    fn add(&mut self, name: impl Into<String>, send: Send, expect: Expect) {
        self.cases.push(Case {
            cat: self.cat,
            name: name.into(),
            srv: Srv::Verify,
            send,
            expect,
        });
    }
    fn wire(&mut self, name: impl Into<String>, wire: Wire, expect: Expect) {
        self.add(name, Send::Wire(wire), expect);
    }
    fn raw(&mut self, name: impl Into<String>, raw: impl AsRef<[u8]>, expect: Expect) {
        self.add(name, Send::Raw(raw.as_ref().to_vec()), expect);
    }
    fn strict(&mut self, name: impl Into<String>, wire: Wire, expect: Expect) {
        self.cases.push(Case {
            cat: self.cat,
            name: name.into(),
            srv: Srv::Strict,
            send: Send::Wire(wire),
            expect,
        });
    }
}

/// A TC3 `Authorization` over `headers` (name, value) with any date/service/payload.
fn tc3_custom(
    s: &Signer,
    service: &str,
    date: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
    ts: i64,
) -> String {
    let canonical = tc3::canonical_request("POST", "", headers, payload_hash);
    let sts = tc3::string_to_sign(&ts.to_string(), date, service, &canonical);
    let sig = tc3::sign(&tc3::signing_key(&s.key, date, service), &sts);
    let mut names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    format!(
        "TC3-HMAC-SHA256 Credential={}/{date}/{service}/tc3_request, SignedHeaders={}, Signature={sig}",
        s.id,
        names.join(";")
    )
}

fn utc_date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `body` in HTTP/1.1 chunked encoding, `size` bytes a chunk.
fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for c in body.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// A multipart body with boundary `XYZ`.
fn multipart(fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!("--XYZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--XYZ--\r\n");
    out
}

fn json_nested(depth: usize, leaf: &str) -> String {
    format!("{}{leaf}{}", "[".repeat(depth), "]".repeat(depth))
}

fn table(s: &Signer, strict: &Signer) -> Vec<Case> {
    let mut t = Table {
        cases: Vec::new(),
        cat: "",
    };
    let host = s.host.clone();
    let now = s.now;
    let form = "application/x-www-form-urlencoded";

    // ------------------------------------------------------------ methods
    // README: `UnsupportedProtocol` for a method other than GET or POST, checked first.
    t.cat("method");
    for m in [
        "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO", "get", "post", "Post",
    ] {
        t.wire(
            format!("{m} /"),
            s.json(DETAIL, OK).method(m),
            Code("UnsupportedProtocol"),
        );
    }
    t.wire(
        "a 300-character method",
        s.json(DETAIL, OK).method(&"X".repeat(300)),
        Code("UnsupportedProtocol"),
    );
    t.wire(
        "PUT with a 20 MB Content-Length (method before size)",
        Wire::new("PUT", "/")
            .header("Host", &host)
            .header("Content-Length", "20000000"),
        Code("UnsupportedProtocol"),
    );
    t.wire("HEAD /", s.json(DETAIL, OK).method("HEAD"), Expect::HeadOk);
    // Authority-form CONNECT has no path `/`: the route table's 404 (README silent).
    t.wire(
        "CONNECT host:port",
        Wire::new("CONNECT", &host).header("Host", &host),
        Route(404, "NotFound"),
    );

    // ------------------------------------------------------------ request line
    t.cat("request-line");
    for (name, raw) in [
        ("garbage line", &b"GARBAGE\r\n\r\n"[..]),
        ("method only", b"GET\r\n\r\n"),
        ("no version (HTTP/0.9 style)", b"GET /\r\n\r\n"),
        ("HTTP/2.0 version", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n"),
        ("HTTP/1.2 version", b"GET / HTTP/1.2\r\nHost: x\r\n\r\n"),
        ("HTTP/9.9 version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        ("FTP/1.1 protocol", b"GET / FTP/1.1\r\nHost: x\r\n\r\n"),
        ("lower-case http/1.1", b"GET / http/1.1\r\nHost: x\r\n\r\n"),
        ("extra token", b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n"),
        ("NUL in target", b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"),
        (
            "0xFF in target",
            b"GET /?a=\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        ),
        ("space in target", b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("bare CR line ends", b"GET / HTTP/1.1\rHost: x\r\r"),
        ("tab separators", b"GET\t/\tHTTP/1.1\r\nHost: x\r\n\r\n"),
    ] {
        t.raw(name, raw, Http(400));
    }
    t.raw(
        "HTTP/2 connection preface",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        Expect::Closed,
    );
    t.raw(
        "70 KB request target (over the 64 KiB head limit)",
        format!("GET /?{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)),
        Http(414),
    );
    t.add(
        "connect and half-close without a byte",
        Send::HalfClose(Vec::new()),
        Expect::Closed,
    );
    t.add(
        "head cut short, then half-close",
        Send::HalfClose(b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec()),
        Expect::Closed,
    );
    let mut lead = b"\r\n\r\n".to_vec();
    lead.extend(s.json(DETAIL, OK).bytes());
    t.raw("empty lines before the request line", lead, Success);
    t.wire("bare LF line ends", s.json(DETAIL, OK).bare_lf(), Success);
    t.wire("HTTP/1.0", s.json(DETAIL, OK).version("HTTP/1.0"), Success);
    let no_host = Signer {
        host: String::new(),
        ..s.clone()
    };
    t.wire(
        "HTTP/1.0 without Host (signed with an empty host)",
        no_host.json(DETAIL, OK).without("Host").version("HTTP/1.0"),
        Success,
    );
    t.wire(
        "absolute-form target",
        s.json(DETAIL, OK).target(format!("http://{host}/")),
        Success,
    );
    t.wire(
        "asterisk-form OPTIONS *",
        Wire::new("OPTIONS", "*").header("Host", &host),
        Route(404, "NotFound"),
    );
    t.wire(
        "POST /foo",
        s.json(DETAIL, OK).target("/foo"),
        Route(404, "NotFound"),
    );
    t.wire(
        "GET //",
        Wire::new("GET", "//").header("Host", &host),
        Route(404, "NotFound"),
    );

    // ------------------------------------------------------------ headers
    t.cat("headers");
    // README: InvalidParameter for a repeated X-TC-* header (and the emulator treats
    // any header it reads the same way: Authorization, Content-Type, Host).
    for h in [
        "X-TC-Action",
        "X-TC-Version",
        "X-TC-Timestamp",
        "X-TC-Language",
        "Authorization",
        "Content-Type",
        "Host",
    ] {
        t.wire(
            format!("repeated {h}"),
            s.json(DETAIL, OK).dup(h),
            Code("InvalidParameter"),
        );
    }
    t.wire(
        "repeated X-TC-Region",
        s.json(DETAIL, OK)
            .header("X-TC-Region", "ap-guangzhou")
            .dup("X-TC-Region"),
        Code("InvalidParameter"),
    );
    t.wire(
        "repeated X-TC-Token",
        s.json(DETAIL, OK)
            .header("X-TC-Token", "t")
            .dup("X-TC-Token"),
        Code("InvalidParameter"),
    );
    t.wire(
        "X-TC-Action twice, other case, other value",
        s.json(DETAIL, OK).header("x-tc-action", LIST),
        Code("InvalidParameter"),
    );
    // README: MissingParameter for no Action or Version, no Timestamp.
    t.wire(
        "no X-TC-Action",
        s.json(DETAIL, OK).without("X-TC-Action"),
        Code("MissingParameter"),
    );
    t.wire(
        "no X-TC-Version",
        s.json(DETAIL, OK).without("X-TC-Version"),
        Code("MissingParameter"),
    );
    t.wire(
        "no X-TC-Timestamp",
        s.json(DETAIL, OK).without("X-TC-Timestamp"),
        Code("MissingParameter"),
    );
    t.wire(
        "empty X-TC-Action",
        s.json(DETAIL, OK).set("X-TC-Action", ""),
        Code("MissingParameter"),
    );
    t.wire(
        "blank X-TC-Action",
        s.json(DETAIL, OK).set("X-TC-Action", "   "),
        Code("MissingParameter"),
    );
    t.wire(
        "empty X-TC-Version",
        s.json(DETAIL, OK).set("X-TC-Version", ""),
        Code("MissingParameter"),
    );
    // README: NoSuchVersion for a version other than 2020-11-01.
    for v in ["2017-03-12", "2020-11-1", "2020-11-01x", "latest"] {
        t.wire(
            format!("X-TC-Version {v}"),
            s.json(DETAIL, OK).set("X-TC-Version", v),
            Code("NoSuchVersion"),
        );
    }
    t.wire(
        "X-TC-Version invalid UTF-8",
        s.json(DETAIL, OK).set("X-TC-Version", b"2020-11-01\xff"),
        Code("NoSuchVersion"),
    );
    // README: InvalidAction for an action TCSS does not have (case-sensitive).
    for a in [
        "describeAssetImageRegistryDetail",
        "DESCRIBEASSETIMAGEREGISTRYDETAIL",
        "NoSuchAction",
        "DescribeAssetImageRegistryDetail;DROP",
    ] {
        t.wire(
            format!("X-TC-Action {a}"),
            s.json(DETAIL, OK).set("X-TC-Action", a),
            Code("InvalidAction"),
        );
    }
    t.wire(
        "X-TC-Action of 4 KB",
        s.json(DETAIL, OK).set("X-TC-Action", "A".repeat(4096)),
        Code("InvalidAction"),
    );
    t.wire(
        "X-TC-Action invalid UTF-8",
        s.json(DETAIL, OK).set("X-TC-Action", b"\xff\xfe"),
        Code("InvalidAction"),
    );
    // README: InvalidParameter for a non-numeric timestamp.
    for ts in ["", "1e9", "1.5", "abc", "0x10", "99999999999999999999"] {
        t.wire(
            format!("X-TC-Timestamp {ts:?}"),
            s.json(DETAIL, OK).set("X-TC-Timestamp", ts),
            Code("InvalidParameter"),
        );
    }
    t.wire(
        "X-TC-Timestamp invalid UTF-8",
        s.json(DETAIL, OK).set("X-TC-Timestamp", b"17\xff"),
        Code("InvalidParameter"),
    );
    // README: SignatureExpire for a timestamp more than 300 s away.
    for (name, ts) in [
        ("400 s ago", now - 400),
        ("400 s ahead", now + 400),
        ("0", 0),
        ("-1", -1),
        ("i64::MIN", i64::MIN),
    ] {
        t.wire(
            format!("X-TC-Timestamp {name}"),
            s.post_at(DETAIL, "application/json", OK.as_bytes(), ts),
            Code("AuthFailure.SignatureExpire"),
        );
    }
    t.wire(
        "X-TC-Timestamp 240 s ago (inside the window)",
        s.post_at(DETAIL, "application/json", OK.as_bytes(), now - 240),
        Success,
    );
    // Headers the emulator ignores or only reads for the language.
    t.wire(
        "X-TC-Language invalid UTF-8",
        s.json(DETAIL, OK).set("X-TC-Language", b"\xff\xfe"),
        Success,
    );
    t.wire(
        "X-TC-Language zh-CN",
        s.json(DETAIL, OK).set("X-TC-Language", "zh-CN"),
        Success,
    );
    t.wire(
        "X-TC-Region invalid UTF-8 (ignored)",
        s.json(DETAIL, OK).header("X-TC-Region", b"\xff"),
        Success,
    );
    t.wire(
        "X-TC-Token with a credential that has none",
        s.json(DETAIL, OK).header("X-TC-Token", "stray"),
        Success,
    );
    // The signature covers Host.
    t.wire(
        "no Host on HTTP/1.1",
        s.json(DETAIL, OK).without("Host"),
        Code("AuthFailure.SignatureFailure"),
    );
    t.wire(
        "Host with another port",
        s.json(DETAIL, OK).set("Host", "127.0.0.1:1"),
        Code("AuthFailure.SignatureFailure"),
    );
    t.wire(
        "Host localhost instead of the signed address",
        s.json(DETAIL, OK).set("Host", "localhost"),
        Code("AuthFailure.SignatureFailure"),
    );
    // Malformed header syntax: refused by the HTTP layer.
    for (name, line) in [
        ("control character in a value", &b"X-TC-Action: a\x01b"[..]),
        ("NUL in a value", b"X-TC-Action: a\x00b"),
        ("space before the colon", b"X-TC-Action : a"),
        ("line without a colon", b"X-TC-Action"),
        ("empty header name", b": value"),
        ("separator in a header name", b"X(A): 1"),
        ("obsolete line folding", b"X-TC-Action: a\r\n b"),
    ] {
        let mut raw = b"POST / HTTP/1.1\r\nHost: x\r\n".to_vec();
        raw.extend_from_slice(line);
        raw.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        t.raw(name, raw, Http(400));
    }
    let mut many = s.json(DETAIL, OK);
    for i in 0..100 {
        many = many.header(&format!("X-Pad-{i}"), "1");
    }
    t.wire("over 100 header lines", many, Http(431));
    t.wire(
        // hyper's buffer limit is checked between reads, so a head may overshoot
        // 64 KiB by one read; twice the limit is refused whatever the reads
        // (the exact bound: `limits::a_head_just_over_64_kib_is_refused`).
        "a 256 KB header (over twice the 64 KiB head limit)",
        s.json(DETAIL, OK).header("X-Pad", "a".repeat(256 * 1024)),
        Http(431),
    );
    let mut ninety = s.json(DETAIL, OK);
    for i in 0..88 {
        ninety = ninety.header(&format!("X-Pad-{i}"), "1");
    }
    t.wire("96 header lines (under the limit)", ninety, Success);
    t.wire(
        "a 50 KB unrelated header (under the head limit)",
        s.json(DETAIL, OK).header("X-Pad", "a".repeat(50_000)),
        Success,
    );

    // ------------------------------------------------------------ authorization
    t.cat("authorization");
    // README: InvalidAuthorization for no Authorization and no Signature, a malformed
    // Authorization, `SKIP` outside skip mode.
    t.wire(
        "no Authorization",
        s.json(DETAIL, OK).without("Authorization"),
        Code("AuthFailure.InvalidAuthorization"),
    );
    let good = s.auth("POST", "application/json", "", OK.as_bytes(), now);
    let cred = format!("Credential={ID}/{}/tcss/tc3_request", utc_date(now));
    let sig_of_good = good.rsplit("Signature=").next().unwrap_or("").to_string();
    for (name, auth) in [
        ("empty", String::new()),
        ("SKIP", "SKIP".into()),
        ("Basic", "Basic dXNlcjpwYXNz".into()),
        ("Bearer", "Bearer abc".into()),
        ("algorithm only", "TC3-HMAC-SHA256".into()),
        (
            "lower-case algorithm",
            good.replace("TC3-HMAC-SHA256", "tc3-hmac-sha256"),
        ),
        (
            "other algorithm",
            good.replace("TC3-HMAC-SHA256", "TC3-HMAC-SHA1"),
        ),
        (
            "no Credential",
            format!("TC3-HMAC-SHA256 SignedHeaders=content-type;host, Signature={sig_of_good}"),
        ),
        (
            "no SignedHeaders",
            format!("TC3-HMAC-SHA256 {cred}, Signature={sig_of_good}"),
        ),
        (
            "no Signature",
            format!("TC3-HMAC-SHA256 {cred}, SignedHeaders=content-type;host"),
        ),
        (
            "Credential with 3 parts",
            good.replace("/tcss/tc3_request", "/tc3_request"),
        ),
        (
            "Credential with 5 parts",
            good.replace("/tcss/tc3_request", "/tcss/x/tc3_request"),
        ),
        (
            "Credential terminator tc3_requests",
            good.replace("tc3_request", "tc3_requests"),
        ),
        ("empty SecretId", good.replace(&format!("={ID}/"), "=/")),
        ("empty service", good.replace("/tcss/", "//")),
        (
            "empty SignedHeaders",
            good.replace("SignedHeaders=content-type;host", "SignedHeaders="),
        ),
        ("unknown field", format!("{good}, Foo=bar")),
        ("repeated field", format!("{good}, Signature={sig_of_good}")),
        ("field without =", format!("{good}, Junk")),
        (
            "60 KB of junk",
            format!("TC3-HMAC-SHA256 {}", "x".repeat(60_000)),
        ),
    ] {
        t.wire(
            format!("Authorization: {name}"),
            s.json(DETAIL, OK).set("Authorization", auth),
            Code("AuthFailure.InvalidAuthorization"),
        );
    }
    t.wire(
        "Authorization invalid UTF-8 before the algorithm",
        s.json(DETAIL, OK)
            .set("Authorization", b"\xffTC3-HMAC-SHA256"),
        Code("AuthFailure.InvalidAuthorization"),
    );
    // README: SecretIdNotFound for a SecretId the emulator does not know.
    t.wire(
        "unknown SecretId",
        s.with_id("AKIDnobody").json(DETAIL, OK),
        Code("AuthFailure.SecretIdNotFound"),
    );
    t.wire(
        "SecretId in another case",
        s.with_id(&ID.to_ascii_lowercase()).json(DETAIL, OK),
        Code("AuthFailure.SecretIdNotFound"),
    );
    // README: SignatureFailure when the signature does not match (also a scope date
    // that is not the timestamp's UTC date).
    let wrong_key = Signer {
        key: "not-the-key".into(),
        ..s.clone()
    };
    t.wire(
        "signed with another key",
        wrong_key.json(DETAIL, OK),
        Code("AuthFailure.SignatureFailure"),
    );
    for (name, sig) in [
        ("truncated", sig_of_good[..32].to_string()),
        ("not hex", "z".repeat(64)),
        ("empty", String::new()),
        ("one digit changed", {
            let mut b = sig_of_good.clone().into_bytes();
            b[0] = if b[0] == b'0' { b'1' } else { b'0' };
            String::from_utf8(b).unwrap_or_default()
        }),
    ] {
        t.wire(
            format!("Signature {name}"),
            s.json(DETAIL, OK)
                .set("Authorization", good.replace(&sig_of_good, &sig)),
            Code("AuthFailure.SignatureFailure"),
        );
    }
    t.wire(
        "Signature invalid UTF-8",
        s.json(DETAIL, OK).set(
            "Authorization",
            [good.replace(&sig_of_good, "").as_bytes(), b"\xff\xfe"].concat(),
        ),
        Code("AuthFailure.SignatureFailure"),
    );
    // hex::decode reads either case: an upper-case signature is the same signature.
    t.wire(
        "Signature in upper-case hex",
        s.json(DETAIL, OK).set(
            "Authorization",
            good.replace(&sig_of_good, &sig_of_good.to_ascii_uppercase()),
        ),
        Success,
    );
    t.wire(
        "signature of another body",
        s.json(DETAIL, OK).body(r#"{"Id": 3421599}"#),
        Code("AuthFailure.SignatureFailure"),
    );
    let ct_host = [
        ("content-type", "application/json"),
        ("host", host.as_str()),
    ];
    let body_hash = tc3::sha256_hex(OK.as_bytes());
    t.wire(
        "credential scope dated yesterday",
        s.json(DETAIL, OK).set(
            "Authorization",
            tc3_custom(
                s,
                "tcss",
                &utc_date(now - 86_400),
                &ct_host,
                &body_hash,
                now,
            ),
        ),
        Code("AuthFailure.SignatureFailure"),
    );
    t.wire(
        "SignedHeaders names a header not sent",
        s.json(DETAIL, OK).set(
            "Authorization",
            good.replace(
                "SignedHeaders=content-type;host",
                "SignedHeaders=content-type;host;x-foo",
            ),
        ),
        Code("AuthFailure.SignatureFailure"),
    );
    t.wire(
        "SignedHeaders narrower than what was signed",
        s.json(DETAIL, OK).set(
            "Authorization",
            good.replace("SignedHeaders=content-type;host", "SignedHeaders=host"),
        ),
        Code("AuthFailure.SignatureFailure"),
    );
    // README (verify mode): any service name in the scope, host without its port.
    t.wire(
        "service cvm in the scope (verify mode)",
        s.json(DETAIL, OK).set(
            "Authorization",
            tc3_custom(s, "cvm", &utc_date(now), &ct_host, &body_hash, now),
        ),
        Success,
    );
    let portless = Signer {
        host: "127.0.0.1".into(),
        ..s.clone()
    };
    t.wire(
        "host signed without its port (verify mode)",
        portless.json(DETAIL, OK).set("Host", &host),
        Success,
    );
    t.wire(
        "UNSIGNED-PAYLOAD",
        s.json(DETAIL, OK)
            .header("X-TC-Content-SHA256", "UNSIGNED-PAYLOAD")
            .set(
                "Authorization",
                tc3_custom(
                    s,
                    "tcss",
                    &utc_date(now),
                    &ct_host,
                    &tc3::sha256_hex(b"UNSIGNED-PAYLOAD"),
                    now,
                ),
            ),
        Success,
    );
    // README: TokenFailure when the credential has a token and the call sent another
    // or none. The token credential's account has no records: ResourceNotFound.
    let tok = s.with_id(TOKEN_ID);
    t.wire(
        "token credential without X-TC-Token",
        tok.json(DETAIL, OK),
        Code("AuthFailure.TokenFailure"),
    );
    t.wire(
        "token credential with another token",
        tok.json(DETAIL, OK).header("X-TC-Token", "other"),
        Code("AuthFailure.TokenFailure"),
    );
    t.wire(
        "token credential with its token (other account)",
        tok.json(DETAIL, OK).header("X-TC-Token", TOKEN),
        Code("ResourceNotFound"),
    );
    // Strict mode (README): service `tcss` only, content-type and host signed, host
    // exactly as sent.
    t.strict("strict: a valid call", strict.json(DETAIL, OK), Success);
    t.strict(
        "strict: service cvm",
        strict.json(DETAIL, OK).set(
            "Authorization",
            tc3_custom(
                strict,
                "cvm",
                &utc_date(strict.now),
                &[
                    ("content-type", "application/json"),
                    ("host", strict.host.as_str()),
                ],
                &body_hash,
                strict.now,
            ),
        ),
        Code("AuthFailure.InvalidAuthorization"),
    );
    t.strict(
        "strict: content-type not signed",
        strict.json(DETAIL, OK).set(
            "Authorization",
            tc3_custom(
                strict,
                "tcss",
                &utc_date(strict.now),
                &[("host", strict.host.as_str())],
                &body_hash,
                strict.now,
            ),
        ),
        Code("AuthFailure.InvalidAuthorization"),
    );
    t.strict(
        "strict: SKIP",
        strict.json(DETAIL, OK).set("Authorization", "SKIP"),
        Code("AuthFailure.InvalidAuthorization"),
    );
    let strict_portless = Signer {
        host: "127.0.0.1".into(),
        ..strict.clone()
    };
    t.strict(
        "strict: host signed without its port",
        strict_portless.json(DETAIL, OK).set("Host", &strict.host),
        Code("AuthFailure.SignatureFailure"),
    );

    // ------------------------------------------------------------ legacy signature
    t.cat("legacy");
    let id = [("Id", "5427")];
    t.wire("legacy GET", s.legacy("GET", DETAIL, &id, &[]), Success);
    t.wire(
        "legacy POST form",
        s.legacy("POST", DETAIL, &id, &[]),
        Success,
    );
    t.wire(
        "legacy GET HmacSHA1",
        s.legacy(
            "GET",
            DETAIL,
            &[("Id", "5427"), ("SignatureMethod", "HmacSHA1")],
            &[],
        ),
        Success,
    );
    // README: MissingParameter for a legacy call without SecretId or Nonce; no
    // Timestamp; no Action.
    for missing in ["SecretId", "Nonce", "Timestamp", "Action", "Version"] {
        t.wire(
            format!("legacy without {missing}"),
            s.legacy("GET", DETAIL, &id, &[missing]),
            Code("MissingParameter"),
        );
    }
    t.wire(
        "legacy without Signature (nor Authorization)",
        s.legacy("GET", DETAIL, &id, &["Signature"]),
        Code("AuthFailure.InvalidAuthorization"),
    );
    t.wire(
        "legacy unknown SecretId",
        s.with_id("AKIDnobody").legacy("GET", DETAIL, &id, &[]),
        Code("AuthFailure.SecretIdNotFound"),
    );
    t.wire(
        "legacy signed with another key",
        wrong_key.legacy("POST", DETAIL, &id, &[]),
        Code("AuthFailure.SignatureFailure"),
    );
    for sig in ["!!!not base64!!!", "", "AAAA"] {
        t.wire(
            format!("legacy Signature {sig:?}"),
            s.legacy(
                "GET",
                DETAIL,
                &[("Id", "5427"), ("Signature", sig)],
                &["Signature"],
            ),
            Code("AuthFailure.SignatureFailure"),
        );
    }
    t.wire(
        "legacy Timestamp abc",
        s.legacy("GET", DETAIL, &[("Id", "5427"), ("Timestamp", "abc")], &[]),
        Code("InvalidParameter"),
    );
    let old = (now - 400).to_string();
    t.wire(
        "legacy Timestamp 400 s ago",
        s.legacy(
            "GET",
            DETAIL,
            &[("Id", "5427"), ("Timestamp", old.as_str())],
            &[],
        ),
        Code("AuthFailure.SignatureExpire"),
    );
    t.wire(
        "legacy Version 2019-01-01",
        s.legacy(
            "GET",
            DETAIL,
            &[("Id", "5427"), ("Version", "2019-01-01")],
            &[],
        ),
        Code("NoSuchVersion"),
    );
    t.wire(
        "legacy Action unknown",
        s.legacy("GET", "NoSuchAction", &id, &[]),
        Code("InvalidAction"),
    );
    let signed = s.legacy("GET", DETAIL, &id, &[]);
    let target = format!("{}&Timestamp=1", String::from_utf8_lossy(&signed.target));
    t.wire(
        "legacy Timestamp repeated",
        signed.target(target),
        Code("InvalidParameter"),
    );
    t.wire(
        "legacy token credential without Token",
        tok.legacy("GET", DETAIL, &id, &[]),
        Code("AuthFailure.TokenFailure"),
    );
    t.wire(
        "legacy token credential with Token (other account)",
        tok.legacy("GET", DETAIL, &[("Id", "5427"), ("Token", TOKEN)], &[]),
        Code("ResourceNotFound"),
    );
    t.wire(
        "legacy call with an unknown parameter",
        s.legacy("GET", DETAIL, &[("Id", "5427"), ("Foo", "1")], &[]),
        Code("UnknownParameter"),
    );

    // ------------------------------------------------------------ content types
    t.cat("content-type");
    // README: InvalidParameter for an unsupported Content-Type; InvalidRequest for a
    // malformed multipart body.
    for ct in [
        "text/plain",
        "application/xml",
        "application/jsonx",
        "application/json-patch+json",
        "multipart/mixed; boundary=XYZ",
        "; charset=utf-8",
        "json",
        "*/*",
    ] {
        t.wire(
            format!("Content-Type {ct}"),
            s.post(DETAIL, ct, OK.as_bytes()),
            Code("InvalidParameter"),
        );
    }
    t.wire(
        "no Content-Type with a body",
        s.json(DETAIL, OK).without("Content-Type"),
        Code("InvalidParameter"),
    );
    t.wire(
        "Content-Type invalid UTF-8",
        s.json(DETAIL, OK)
            .set("Content-Type", b"application/json\xff"),
        Code("InvalidParameter"),
    );
    for ct in [
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "Application/Json;charset=UTF-8",
        "application/json;;;",
    ] {
        t.wire(
            format!("Content-Type {ct}"),
            s.post(DETAIL, ct, OK.as_bytes()),
            Success,
        );
    }
    t.wire(
        "no Content-Type and no body (no parameters)",
        s.post(DETAIL, "", b"").without("Content-Type"),
        Code("InvalidParameter"),
    );
    let mp = "multipart/form-data; boundary=XYZ";
    t.wire(
        "multipart",
        s.post(DETAIL, mp, &multipart(&[("Id", b"5427")])),
        Success,
    );
    t.wire(
        "multipart without a boundary",
        s.post(
            DETAIL,
            "multipart/form-data",
            &multipart(&[("Id", b"5427")]),
        ),
        Code("InvalidRequest"),
    );
    t.wire(
        "multipart garbage body",
        s.post(DETAIL, mp, b"garbage"),
        Code("InvalidRequest"),
    );
    t.wire(
        "multipart without the closing boundary",
        s.post(
            DETAIL,
            mp,
            b"--XYZ\r\nContent-Disposition: form-data; name=\"Id\"\r\n\r\n5427\r\n",
        ),
        Code("InvalidRequest"),
    );
    t.wire(
        "multipart repeated field",
        s.post(DETAIL, mp, &multipart(&[("Id", b"5427"), ("Id", b"5427")])),
        Code("InvalidRequest"),
    );
    t.wire(
        "multipart field without a name",
        s.post(
            DETAIL,
            mp,
            b"--XYZ\r\nContent-Disposition: form-data\r\n\r\n5427\r\n--XYZ--\r\n",
        ),
        Code("InvalidParameter"),
    );
    t.wire(
        "multipart value invalid UTF-8",
        s.post(DETAIL, mp, &multipart(&[("Id", b"54\xff27")])),
        Code("InvalidParameter"),
    );
    t.wire(
        "form Content-Type with a JSON body",
        s.post(DETAIL, form, OK.as_bytes()),
        Code("UnknownParameter"),
    );
    t.wire(
        "JSON Content-Type with a form body",
        s.post(DETAIL, "application/json", b"Id=5427"),
        Code("InvalidParameter"),
    );
    t.wire(
        "TC3-signed form body",
        s.post(DETAIL, form, b"Id=5427"),
        Success,
    );

    // ------------------------------------------------------------ JSON bodies
    t.cat("json");
    // README: InvalidParameter for malformed JSON or a body that is not an object.
    for (name, body) in [
        ("unclosed object", &b"{"[..]),
        ("array", b"[]"),
        ("null", b"null"),
        ("number", b"1"),
        ("true", b"true"),
        ("string", b"\"x\""),
        ("two objects", b"{\"Id\":5427}{}"),
        ("trailing garbage", b"{\"Id\":5427} x"),
        ("byte-order mark", b"\xef\xbb\xbf{\"Id\":5427}"),
        ("invalid UTF-8 inside a string", b"{\"ImageId\":\"\xff\"}"),
        ("invalid UTF-8 outside strings", b"\xff"),
        ("lone surrogate escape", b"{\"ImageId\":\"\\ud800\"}"),
        (
            "raw control character in a string",
            b"{\"ImageId\":\"a\x01b\"}",
        ),
        ("comment", b"{/* c */\"Id\":5427}"),
        ("single quotes", b"{'Id':5427}"),
        ("trailing comma", b"{\"Id\":5427,}"),
        ("NaN", b"{\"Id\":NaN}"),
        ("Infinity", b"{\"Id\":Infinity}"),
        ("unquoted key", b"{Id:5427}"),
        ("hex number", b"{\"Id\":0x10}"),
        ("leading zero", b"{\"Id\":05427}"),
        ("leading plus", b"{\"Id\":+5427}"),
        ("bare fraction", b"{\"Id\":.5}"),
        ("1e400 (out of range)", b"{\"Id\":1e400}"),
        ("NUL byte", b"{\"Id\":5427}\x00"),
    ] {
        t.wire(
            format!("body: {name}"),
            s.post(DETAIL, "application/json", body),
            Code("InvalidParameter"),
        );
    }
    for (name, body) in [
        ("empty body", ""),
        ("whitespace body", " \n\t "),
        ("empty object", "{}"),
    ] {
        // No Id and no ImageId: the action's own InvalidParameter (README).
        t.wire(
            format!("body: {name}"),
            s.json(DETAIL, body),
            Code("InvalidParameter"),
        );
    }
    // Deep nesting: serde_json's recursion limit (128) turns it into malformed JSON.
    t.wire(
        "200-deep array in Id",
        s.json(DETAIL, &format!("{{\"Id\":{}}}", json_nested(200, "1"))),
        Code("InvalidParameter"),
    );
    t.wire(
        "100,000-deep array",
        s.json(DETAIL, &json_nested(100_000, "")),
        Code("InvalidParameter"),
    );
    t.wire(
        "100-deep array in Id (parses; wrong type)",
        s.json(DETAIL, &format!("{{\"Id\":{}}}", json_nested(100, "1"))),
        Code("InvalidParameter"),
    );
    t.wire(
        "100-deep objects under an unknown name",
        s.json(
            DETAIL,
            &format!("{{\"Foo\":{}1{}}}", "{\"a\":".repeat(100), "}".repeat(100)),
        ),
        Code("UnknownParameter"),
    );
    // serde_json keeps the last of repeated keys (README silent).
    t.wire(
        "repeated key, last one valid",
        s.json(DETAIL, r#"{"Id": "x", "Id": 5427}"#),
        Success,
    );
    // Common parameters in a JSON body are not the action's (README: never unknown).
    t.wire(
        "common parameters in the JSON body",
        s.json(
            DETAIL,
            r#"{"Id": 5427, "Action": "X", "Region": "y", "Language": "zh-CN"}"#,
        ),
        Success,
    );
    let mut keys = String::from("{");
    for i in 0..100_000 {
        keys.push_str(&format!("\"K{i}\":1,"));
    }
    keys.push_str("\"Id\":5427}");
    t.wire(
        "100,000 unknown keys",
        s.json(DETAIL, &keys),
        Code("UnknownParameter"),
    );
    t.wire(
        "5 MB ImageId",
        s.json(
            DETAIL,
            &format!("{{\"ImageId\":\"{}\"}}", "a".repeat(5_000_000)),
        ),
        Code("ResourceNotFound"),
    );
    t.wire(
        "1 MB of digits in Id",
        s.json(DETAIL, &format!("{{\"Id\":\"{}\"}}", "9".repeat(1_000_000))),
        Code("InvalidParameter"),
    );

    // ------------------------------------------------------------ parameter types
    t.cat("types");
    // README: integers accept digit strings; InvalidParameter for a wrong type; null
    // counts as absent; ResourceNotFound when no record matches.
    for (value, expect) in [
        ("\"5427\"", Success),
        ("\"05427\"", Success),
        ("\" 5427\"", Code("InvalidParameter")),
        ("\"+5427\"", Code("InvalidParameter")),
        ("\"-1\"", Code("InvalidParameter")),
        ("-1", Code("InvalidParameter")),
        ("-0", Code("InvalidParameter")),
        ("1.5", Code("InvalidParameter")),
        ("5427.0", Code("InvalidParameter")),
        ("1e3", Code("InvalidParameter")),
        ("\"1e3\"", Code("InvalidParameter")),
        ("true", Code("InvalidParameter")),
        ("\"\"", Code("InvalidParameter")),
        ("\"abc\"", Code("InvalidParameter")),
        ("\"٥٤٢٧\"", Code("InvalidParameter")),
        ("\"0x153\"", Code("InvalidParameter")),
        ("[5427]", Code("InvalidParameter")),
        ("{\"Id\":5427}", Code("InvalidParameter")),
        ("null", Code("InvalidParameter")),
        ("18446744073709551616", Code("InvalidParameter")),
        ("\"18446744073709551616\"", Code("InvalidParameter")),
        ("18446744073709551615", Code("ResourceNotFound")),
        ("9223372036854775808", Code("ResourceNotFound")),
        ("9223372036854775807", Code("ResourceNotFound")),
        ("0", Code("ResourceNotFound")),
    ] {
        t.wire(
            format!("Id {value}"),
            s.json(DETAIL, &format!("{{\"Id\":{value}}}")),
            expect,
        );
    }
    // README: string parameters are strict in JSON: a number or a boolean is refused.
    for (value, expect) in [
        ("5", Code("InvalidParameter")),
        ("true", Code("InvalidParameter")),
        ("1.5", Code("InvalidParameter")),
        ("\"5\"", Code("ResourceNotFound")),
        ("\"   \"", Code("ResourceNotFound")),
        ("\"\"", Code("InvalidParameter")),
        ("null", Code("InvalidParameter")),
        ("[\"x\"]", Code("InvalidParameter")),
        ("{\"a\":1}", Code("InvalidParameter")),
    ] {
        t.wire(
            format!("ImageId {value}"),
            s.json(DETAIL, &format!("{{\"ImageId\":{value}}}")),
            expect,
        );
    }
    t.wire(
        "Id with a null ImageId",
        s.json(DETAIL, r#"{"Id":5427,"ImageId":null}"#),
        Success,
    );
    t.wire(
        "Id and ImageId of different records",
        s.json(DETAIL, r#"{"Id":5427,"ImageId":"sha256:nope"}"#),
        Code("ResourceNotFound"),
    );
    t.wire(
        "unknown parameter set to null",
        s.json(DETAIL, r#"{"Id":5427,"Foo":null}"#),
        Code("UnknownParameter"),
    );
    for (body, expect) in [
        (r#"{"Filters":"x"}"#, Code("InvalidParameter")),
        (r#"{"Filters":{}}"#, Code("InvalidParameter")),
        (r#"{"Filters":[1]}"#, Code("InvalidParameter")),
        (r#"{"Filters":[null]}"#, Code("InvalidParameter")),
        (r#"{"Filters":[[]]}"#, Code("InvalidParameter")),
        (
            r#"{"Filters":[{"Name":"ImageName"}]}"#,
            Code("MissingParameter"),
        ),
        (
            r#"{"Filters":[{"Values":["a"]}]}"#,
            Code("MissingParameter"),
        ),
        (
            r#"{"Filters":[{"Name":null,"Values":[]}]}"#,
            Code("MissingParameter"),
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":"x"}]}"#,
            Code("InvalidParameter"),
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":[{}]}]}"#,
            Code("InvalidParameter"),
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":[null]}]}"#,
            Code("InvalidParameter"),
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":["x"],"Foo":1}]}"#,
            Code("UnknownParameter"),
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":["x"],"ExactMatch":"yes"}]}"#,
            Code("InvalidParameter"),
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":["x"],"ExactMatch":"TRUE"}]}"#,
            Success,
        ),
        (
            r#"{"Filters":[{"Name":"ImageName","Values":[],"ExactMatch":null}]}"#,
            Success,
        ),
        (
            r#"{"Filters":[{"Name":["a"],"Values":[]}]}"#,
            Code("InvalidParameter"),
        ),
        (r#"{"Limit":-1}"#, Code("InvalidParameter")),
        (r#"{"Limit":"1.0"}"#, Code("InvalidParameter")),
        (r#"{"Limit":1e20}"#, Code("InvalidParameter")),
        (r#"{"Limit":[1]}"#, Code("InvalidParameter")),
        (r#"{"OnlyShowLatest":1}"#, Code("InvalidParameter")),
        (r#"{"OnlyShowLatest":"1"}"#, Code("InvalidParameter")),
        (r#"{"OnlyShowLatest":"True"}"#, Success),
        (r#"{"OnlyShowLatest":null}"#, Success),
        (r#"{"By":{"a":1}}"#, Code("InvalidParameter")),
        (r#"{"By":12}"#, Code("InvalidParameter")),
        (r#"{"By":"12"}"#, Code("InvalidParameterValue")),
        (r#"{"By":"ImageName","Order":"desc"}"#, Success),
        (r#"{"Limit":0}"#, Code("InvalidParameterValue")),
        (r#"{"Limit":101}"#, Code("InvalidParameterValue")),
        (r#"{"Limit":100}"#, Success),
        (
            r#"{"Filters":[{"Name":"NoSuchField","Values":["x"]}]}"#,
            Code("InvalidParameterValue"),
        ),
    ] {
        t.wire(format!("{LIST} {body}"), s.json(LIST, body), expect);
    }
    let mut filters = String::from("{\"Filters\":[");
    for _ in 0..5_000 {
        filters.push_str("{\"Name\":\"ImageName\",\"Values\":[\"v\"]},");
    }
    filters.push_str("{\"Name\":\"ImageTag\",\"Values\":[]}]}");
    t.wire("5,000 filters", s.json(LIST, &filters), Success);
    for (body, expect) in [
        (r#"{"Id":[1,"2"]}"#, Code("ResourceNotFound")),
        (r#"{"Id":[5427,"3421599"]}"#, Success),
        (
            r#"{"Id":[5427]}"#,
            Code("FailedOperation.ErrAlreadyScanning"),
        ),
        (r#"{"Id":5}"#, Code("InvalidParameter")),
        (r#"{"Id":[-1]}"#, Code("InvalidParameter")),
        (r#"{"Id":[[1]]}"#, Code("InvalidParameter")),
        (r#"{"Images":[{}]}"#, Code("MissingParameter")),
        (
            r#"{"Images":[{"InstanceName":"a","Namespace":"b","ImageName":"c","ImageTag":"d","Force":"true"}]}"#,
            Code("ResourceNotFound"),
        ),
        (
            r#"{"Images":[{"InstanceName":"a","Namespace":"b","ImageName":"c","ImageTag":"d","Force":true}]}"#,
            Code("InvalidParameter"),
        ),
        (r#"{"ScanType":["CVE",1]}"#, Code("InvalidParameter")),
        (r#"{"ScanType":"CVE"}"#, Code("InvalidParameter")),
        (r#"{"ScanType":["CVE",null]}"#, Code("InvalidParameter")),
        (r#"{"Timeout":"10s"}"#, Code("InvalidParameter")),
        (r#"{"All":"maybe"}"#, Code("InvalidParameter")),
    ] {
        t.wire(format!("{SCAN} {body}"), s.json(SCAN, body), expect);
    }

    // ------------------------------------------------------------ sizes
    t.cat("size");
    // README: RequestSizeLimitExceeded over GET 32 KB, form POST 1 MB, TC3 POST 10 MB;
    // size is checked right after the method.
    let mib = 1024 * 1024;
    t.wire(
        "JSON Content-Length 10 MiB + 1 (head only)",
        s.json(DETAIL, "")
            .set("Content-Length", (10 * mib + 1).to_string()),
        Code("RequestSizeLimitExceeded"),
    );
    let big = vec![b' '; 10 * mib + 1];
    t.wire(
        "JSON body 10 MiB + 1",
        s.post(DETAIL, "application/json", &big),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "chunked JSON body 10 MiB + 1",
        s.post(DETAIL, "application/json", b"")
            .header("Transfer-Encoding", "chunked")
            .body(chunked(&big, 64 * 1024)),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "multipart Content-Length 10 MiB + 1",
        s.post(DETAIL, mp, b"")
            .set("Content-Length", (10 * mib + 1).to_string()),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "form Content-Length 1 MiB + 1",
        s.post(DETAIL, form, b"")
            .set("Content-Length", (mib + 1).to_string()),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "form (charset, upper case) Content-Length 1 MiB + 1",
        s.post(
            DETAIL,
            "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8",
            b"",
        )
        .set("Content-Length", (mib + 1).to_string()),
        Code("RequestSizeLimitExceeded"),
    );
    let mut form_body = b"Id=5427&ImageId=".to_vec();
    form_body.resize(mib, b'a');
    t.wire(
        "form body of exactly 1 MiB",
        s.post(DETAIL, form, &form_body),
        Code("ResourceNotFound"),
    );
    let mut json_body = br#"{"Id":5427,"ImageId":""#.to_vec();
    json_body.resize(mib + 100, b'a');
    json_body.extend_from_slice(b"\"}");
    t.wire(
        "JSON body over 1 MiB (the form limit does not apply)",
        s.post(DETAIL, "application/json", &json_body),
        Code("ResourceNotFound"),
    );
    let mut query = "Id=5427&ImageId=".to_string();
    query.push_str(&"a".repeat(32 * 1024 - query.len()));
    t.wire(
        "GET query of exactly 32 KiB",
        s.get(DETAIL, &query),
        Code("ResourceNotFound"),
    );
    query.push('a');
    t.wire(
        "GET query 32 KiB + 1",
        s.get(DETAIL, &query),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "POST with a query of 32 KiB + 1",
        s.json(DETAIL, OK).target(format!("/?{query}")),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "GET with a 40 KB body",
        s.get(DETAIL, "Id=5427").body("x".repeat(40_000)),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "unknown action, 20 MB Content-Length (size before action)",
        s.json("NoSuchAction", "").set("Content-Length", "20000000"),
        Code("RequestSizeLimitExceeded"),
    );
    t.wire(
        "unsigned, 20 MB Content-Length (size before signature)",
        Wire::new("POST", "/")
            .header("Host", &host)
            .header("Content-Type", "application/json")
            .header("Content-Length", "20000000"),
        Code("RequestSizeLimitExceeded"),
    );
    for cl in ["abc", "-1", "99999999999999999999", "5, 6", "+5", "0x10"] {
        t.wire(
            format!("Content-Length {cl:?}"),
            s.json(DETAIL, OK).set("Content-Length", cl),
            Http(400),
        );
    }
    t.wire(
        "two different Content-Lengths",
        s.json(DETAIL, OK)
            .header("Content-Length", OK.len().to_string())
            .header("Content-Length", (OK.len() + 1).to_string()),
        Http(400),
    );

    // ------------------------------------------------------------ framing
    t.cat("framing");
    let mut cut = s.json(DETAIL, OK).set("Content-Length", "100").bytes();
    cut.truncate(cut.len() - 4);
    // The body ends early: the emulator answers that it could not read it
    // (InvalidParameter; README silent on this case).
    t.add(
        "body shorter than Content-Length, then half-close",
        Send::HalfClose(cut.clone()),
        Code("InvalidParameter"),
    );
    t.add(
        "body shorter than Content-Length, then close",
        Send::Abort(cut),
        Expect::Closed,
    );
    let ok_chunked = || {
        s.json(DETAIL, OK)
            .header("Transfer-Encoding", "chunked")
            .body(chunked(OK.as_bytes(), 5))
    };
    t.wire("chunked body", ok_chunked(), Success);
    t.wire(
        "chunked body with a chunk extension and a trailer",
        s.json(DETAIL, OK)
            .header("Transfer-Encoding", "chunked")
            .body(format!(
                "{:x};ext=1\r\n{OK}\r\n0\r\nX-Trailer: 1\r\n\r\n",
                OK.len()
            )),
        Success,
    );
    t.wire(
        "chunked and Content-Length (chunked wins)",
        ok_chunked().header("Content-Length", "3"),
        Success,
    );
    t.add(
        "chunk size not hex, then half-close",
        Send::HalfClose(
            s.json(DETAIL, OK)
                .header("Transfer-Encoding", "chunked")
                .body("zz\r\nabc\r\n0\r\n\r\n")
                .bytes(),
        ),
        Code("InvalidParameter"),
    );
    t.add(
        "chunk size overflowing 64 bits, then half-close",
        Send::HalfClose(
            s.json(DETAIL, OK)
                .header("Transfer-Encoding", "chunked")
                .body("fffffffffffffffffff\r\nabc")
                .bytes(),
        ),
        Code("InvalidParameter"),
    );
    t.add(
        "chunked body cut short, then half-close",
        Send::HalfClose(
            s.json(DETAIL, OK)
                .header("Transfer-Encoding", "chunked")
                .body("20\r\n{\"Id\"")
                .bytes(),
        ),
        Code("InvalidParameter"),
    );
    t.wire(
        "Transfer-Encoding gzip",
        s.json(DETAIL, OK).header("Transfer-Encoding", "gzip"),
        Http(400),
    );
    t.wire(
        "Transfer-Encoding chunked, gzip",
        s.json(DETAIL, OK)
            .header("Transfer-Encoding", "chunked, gzip"),
        Http(400),
    );
    let mut two = s.json(DETAIL, OK).bytes();
    two.extend(s.json(DETAIL, OK).bytes());
    t.add(
        "two pipelined calls",
        Send::Raw(two),
        Expect::Seq(vec![Success, Success]),
    );
    let mut then_junk = s.json(DETAIL, OK).bytes();
    then_junk.extend_from_slice(b"JUNK\r\n\r\n");
    t.add(
        "a call, then junk on the same connection",
        Send::Raw(then_junk),
        Expect::Seq(vec![Success, Http(400)]),
    );
    let mut longer = s.json(DETAIL, OK).bytes();
    longer.extend_from_slice(b"XYZ garbage\r\n\r\n");
    t.add(
        "body longer than Content-Length",
        Send::Raw(longer),
        Expect::Seq(vec![Success, Http(400)]),
    );
    t.add(
        "Expect: 100-continue",
        Send::Continue(s.json(DETAIL, OK).header("Expect", "100-continue")),
        Success,
    );
    t.wire(
        "Expect: 100-continue with a 20 MB Content-Length",
        s.json(DETAIL, "")
            .header("Expect", "100-continue")
            .set("Content-Length", "20000000"),
        Code("RequestSizeLimitExceeded"),
    );

    // ------------------------------------------------------------ flattened parameters
    t.cat("flatten");
    // README: InvalidParameter for invalid UTF-8 or a repeated name in form/query
    // parameters and for a malformed flattened name; then the spec's checks.
    for (query, expect) in [
        ("Filters.0.Name=ImageName&Filters.0.Values.0=x", Success),
        (
            "Filters.0.Name=Image%4Eame&Filters.0.Values.0=a+b%E4%B8%AD",
            Success,
        ),
        ("Filters%2E0%2EName=ImageName&Filters.0.Values.0=x", Success),
        ("&&&", Success),
        ("OnlyShowLatest=TRUE", Success),
        ("Action=Nope&Limit=1", Success),
        (
            "Filters.1.Name=a&Filters.1.Values.0=x",
            Code("InvalidParameter"),
        ),
        (
            "Filters.0.Name=ImageName&Filters.0.Values.1=x",
            Code("InvalidParameter"),
        ),
        ("Filters.0=a&Filters.0.Name=b", Code("InvalidParameter")),
        ("Filters.0.Name=b&Filters.0=a", Code("InvalidParameter")),
        ("Filters..Name=a", Code("InvalidParameter")),
        ("Filters.0.=a", Code("InvalidParameter")),
        (".Filters=a", Code("InvalidParameter")),
        ("Filters.=a", Code("InvalidParameter")),
        ("0=a", Code("InvalidParameter")),
        ("0.Name=a", Code("InvalidParameter")),
        (
            "Filters.-1.Name=a&Filters.-1.Values.0=x",
            Code("InvalidParameter"),
        ),
        ("Filters.100001.Name=a", Code("InvalidParameter")),
        ("Filters.100000.Name=a", Code("InvalidParameter")),
        (
            "Filters.18446744073709551616.Name=a",
            Code("InvalidParameter"),
        ),
        (
            "Filters.01.Name=a&Filters.1.Name=b",
            Code("InvalidParameter"),
        ),
        ("Limit.0=1", Code("InvalidParameter")),
        ("Limit=1&Limit=2", Code("InvalidParameter")),
        ("Limit=1&Limit.0=2", Code("InvalidParameter")),
        ("Limit=abc", Code("InvalidParameter")),
        ("Limit=", Code("InvalidParameter")),
        ("Limit", Code("InvalidParameter")),
        ("Limit==5", Code("InvalidParameter")),
        ("Limit=%FF", Code("InvalidParameter")),
        ("%FF=1", Code("InvalidParameter")),
        ("%C3%28=1", Code("InvalidParameter")),
        ("Limit=1%00", Code("InvalidParameter")),
        ("=1", Code("InvalidParameter")),
        ("OnlyShowLatest=yes", Code("InvalidParameter")),
        (
            "Filters.0.Values.0.0=x&Filters.0.Name=ImageName",
            Code("InvalidParameter"),
        ),
        (
            "Filters.0.Name.0=a&Filters.0.Values.0=x",
            Code("InvalidParameter"),
        ),
        (
            "Filters.0.Name=ImageName&Filters.0.Values.0=x&Filters.0.ExactMatch=maybe",
            Code("InvalidParameter"),
        ),
        ("Foo=1", Code("UnknownParameter")),
        ("Li+mit=1", Code("UnknownParameter")),
        (
            "Filters.0.Name=ImageName&Filters.0.Values.0=x&Filters.0.Foo=1",
            Code("UnknownParameter"),
        ),
        (
            "Filters.0.Name=ImageName&Filters.0.Values.0=x&Filters.0.Foo.0.Bar=1",
            Code("UnknownParameter"),
        ),
    ] {
        t.wire(format!("GET {query}"), s.get(LIST, query), expect);
    }
    let deep50 = format!("Filters.0.Values.0=x&Filters.0.Name{}=a", ".a".repeat(50));
    t.wire(
        "GET a 50-level name under a string",
        s.get(LIST, &deep50),
        Code("InvalidParameter"),
    );
    let values: Vec<String> = (0..5_000)
        .map(|i| format!("Filters.0.Values.{i}=v"))
        .collect();
    t.wire(
        "form with 5,000 list items",
        s.post(
            LIST,
            form,
            format!("Filters.0.Name=ImageName&{}", values.join("&")).as_bytes(),
        ),
        Success,
    );
    t.wire(
        "form Id=5427&Id=5427",
        s.post(DETAIL, form, b"Id=5427&Id=5427"),
        Code("InvalidParameter"),
    );
    t.wire(
        "form raw 0xFF",
        s.post(DETAIL, form, b"Id=5427&ImageId=\xff"),
        Code("InvalidParameter"),
    );
    t.wire(
        "legacy GET with flattened filters",
        s.legacy(
            "GET",
            LIST,
            &[("Filters.0.Name", "ImageName"), ("Filters.0.Values.0", "x")],
            &[],
        ),
        Success,
    );

    // ------------------------------------------------------------ admin routes
    t.cat("admin");
    let admin = |method: &str, path: &str, body: &[u8]| {
        Wire::new(method, path)
            .header("Host", &host)
            .header("Content-Type", "application/json")
            .body(body)
    };
    for (name, body) in [
        ("not JSON", &b"nope"[..]),
        ("200-deep JSON", json_nested(200, "").as_bytes()),
        ("images not an array", b"{\"images\":{}}"),
        ("unknown top-level field", b"{\"images\":[],\"x\":1}"),
        ("record null", b"{\"images\":[null]}"),
        ("negative Id", b"{\"images\":[{\"Id\":-1}]}"),
        (
            "Id 2^63",
            b"{\"images\":[{\"Id\":\"9223372036854775808\"}]}",
        ),
        ("Id 1e400", b"{\"images\":[{\"Id\":1e400}]}"),
        ("unknown field", b"{\"images\":[{\"Id\":1,\"Nope\":1}]}"),
        (
            "wrong type",
            b"{\"images\":[{\"Id\":1,\"VulCnt\":\"many\"}]}",
        ),
        (
            "empty Account",
            b"{\"images\":[{\"Id\":1,\"Account\":\"\"}]}",
        ),
    ] {
        t.wire(
            format!("POST /_emulator/fixtures {name}"),
            admin("POST", "/_emulator/fixtures", body),
            Route(400, "InvalidFixture"),
        );
    }
    t.wire(
        "POST /_emulator/fixtures invalid UTF-8",
        admin("POST", "/_emulator/fixtures", b"\xff"),
        Route(400, "BadRequest"),
    );
    for path in [
        "/_emulator/images/abc",
        "/_emulator/images/-1",
        "/_emulator/images/99999999999999999999",
    ] {
        t.wire(
            format!("GET {path}"),
            admin("GET", path, b""),
            Route(400, "BadRequest"),
        );
    }
    t.wire(
        "DELETE an unknown image",
        admin("DELETE", "/_emulator/images/424242", b""),
        Route(404, "NotFound"),
    );
    t.wire(
        "GET an unknown admin route",
        admin("GET", "/_emulator/nope", b""),
        Route(404, "NotFound"),
    );
    t.wire(
        "POST /_emulator/stubs malformed",
        admin("POST", "/_emulator/stubs", b"{"),
        Route(400, "BadRequest"),
    );
    t.wire(
        "DELETE /_emulator/stubs/abc",
        admin("DELETE", "/_emulator/stubs/abc", b""),
        Route(400, "BadRequest"),
    );

    t.cases
}

/// Checks one answer against what was expected.
fn check(reply: Option<&Reply>, expect: &Expect) -> Result<(), String> {
    if let Some(r) = reply {
        if r.status >= 500 {
            return Err(format!("HTTP {}: {}", r.status, r.text()));
        }
        if r.code().as_deref() == Some("InternalError") {
            return Err(format!("InternalError: {}", r.text()));
        }
    }
    let describe = |r: Option<&Reply>| match r {
        None => "the connection closed without a response".to_string(),
        Some(r) => match r.code() {
            Some(c) if c.is_empty() => "success".to_string(),
            Some(c) => format!("{c}: {}", r.text()),
            None => format!("HTTP {} {:?}", r.status, r.text()),
        },
    };
    let ok = match (expect, reply) {
        (Expect::Code(c), Some(r)) => {
            if let Err(e) = r.envelope() {
                return Err(format!("expected {c}, got a bad envelope: {e}"));
            }
            r.code().as_deref() == Some(*c)
        }
        (Expect::Success, Some(r)) => {
            if let Err(e) = r.envelope() {
                return Err(format!("expected success, got a bad envelope: {e}"));
            }
            r.code().as_deref() == Some("")
        }
        (Expect::Http(status), Some(r)) => r.status == *status && r.code().is_none(),
        (Expect::Route(status, code), Some(r)) => {
            r.status == *status
                && r.header("content-type") == Some("application/json")
                && serde_json::from_slice::<Value>(&r.body)
                    .is_ok_and(|v| v["error"]["code"] == *code && v["error"]["message"].is_string())
        }
        (Expect::Closed, None) => true,
        (Expect::HeadOk, Some(r)) => {
            r.status == 200 && r.header("content-type") == Some("application/json")
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {expect:?}, got {}", describe(reply)))
    }
}

const LIMIT: Duration = Duration::from_secs(10);

/// How many cases the table has (the README says the same).
const CASES: usize = 413;

async fn run(addr: std::net::SocketAddr, case: &Case) -> Result<(), String> {
    match (&case.send, &case.expect) {
        (Send::Wire(_) | Send::Raw(_), Expect::Seq(expects)) => {
            let bytes = match &case.send {
                Send::Wire(w) => w.bytes(),
                Send::Raw(b) => b.clone(),
                _ => unreachable!(),
            };
            let mut conn = Conn::open(addr).await.map_err(|e| e.to_string())?;
            conn.send(&bytes).await.map_err(|e| e.to_string())?;
            for (i, expect) in expects.iter().enumerate() {
                let reply = tokio::time::timeout(LIMIT, conn.read(false))
                    .await
                    .map_err(|_| format!("answer {i}: none within {LIMIT:?}"))?
                    .map_err(|e| format!("answer {i}: {e}"))?;
                check(reply.as_ref(), expect).map_err(|e| format!("answer {i}: {e}"))?;
            }
            Ok(())
        }
        (Send::Wire(w), expect) => {
            let head = matches!(expect, Expect::HeadOk);
            let reply = exchange(addr, w.bytes(), After::Read, head, LIMIT).await?;
            check(reply.as_ref(), expect)
        }
        (Send::Raw(b), expect) => {
            let reply = exchange(addr, b.clone(), After::Read, false, LIMIT).await?;
            check(reply.as_ref(), expect)
        }
        (Send::HalfClose(b), expect) => {
            let reply = exchange(addr, b.clone(), After::HalfClose, false, LIMIT).await?;
            check(reply.as_ref(), expect)
        }
        (Send::Abort(b), _) => {
            let mut conn = Conn::open(addr).await.map_err(|e| e.to_string())?;
            conn.send(b).await.map_err(|e| e.to_string())?;
            drop(conn);
            Ok(())
        }
        (Send::Continue(w), expect) => {
            let bytes = w.bytes();
            let split = bytes.len() - w.body.len();
            let mut conn = Conn::open(addr).await.map_err(|e| e.to_string())?;
            conn.send(&bytes[..split])
                .await
                .map_err(|e| e.to_string())?;
            let interim = tokio::time::timeout(LIMIT, conn.read(false))
                .await
                .map_err(|_| "no 100 Continue".to_string())?
                .map_err(|e| e.to_string())?;
            match &interim {
                Some(r) if r.status == 100 => {}
                other => return Err(format!("expected 100 Continue, got {other:?}")),
            }
            conn.send(&bytes[split..])
                .await
                .map_err(|e| e.to_string())?;
            let reply = tokio::time::timeout(LIMIT, conn.read(false))
                .await
                .map_err(|_| "no final answer".to_string())?
                .map_err(|e| e.to_string())?;
            check(reply.as_ref(), expect)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_their_documented_answers_and_the_server_keeps_serving() {
    let verify = spawn(&["--rate-limit", "0"]).await;
    let strict = spawn(&["--rate-limit", "0", "--signature", "strict"]).await;
    let cases = table(&verify.signer(), &strict.signer());
    let mut per_cat: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let (addr, signer) = match case.srv {
            Srv::Verify => (verify.addr, verify.signer()),
            Srv::Strict => (strict.addr, strict.signer()),
        };
        let mut result = run(addr, case).await;
        if result.is_ok() {
            result = assert_serves(addr, &signer)
                .await
                .map_err(|e| format!("afterwards: {e}"));
        }
        let entry = per_cat.entry(case.cat).or_default();
        entry.0 += 1;
        if let Err(e) = result {
            entry.1 += 1;
            failures.push(format!("[{}] {}: {e}", case.cat, case.name));
        }
    }
    let summary: Vec<String> = per_cat
        .iter()
        .map(|(cat, (n, failed))| format!("{cat}: {n} ({failed} failed)"))
        .collect();
    eprintln!("bad-input cases: {} — {}", cases.len(), summary.join(", "));
    // The README ("Reliability and fuzzing") names this number: change both together.
    assert_eq!(
        cases.len(),
        CASES,
        "the table's size changed: update CASES and the README"
    );
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&format!("a table of {CASES} malformed requests")),
        "the README's reliability section must name {CASES} cases"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(
        server_panics(),
        0,
        "the server panicked (see the output above)"
    );
}
