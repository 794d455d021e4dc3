//! Signature verification (TC3 and legacy) on arbitrary requests, in every mode.
//! Invariants: never panics; skip mode accepts everything but a known temporary
//! credential without its token; whatever strict mode accepts, verify mode accepts too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcss_emulator::api::request::{self, BodyKind};
use tcss_emulator::error::ErrorCode;
use tcss_emulator::signature::{self, Mode, SignedParts, tc3};

fuzz_target!(|data: &[u8]| {
    let incoming = tcss_emulator_fuzz::incoming(data);
    if let Ok(Some(auth)) = incoming.header("authorization") {
        let _ = tc3::parse_authorization(auth);
    }
    let kind = incoming.body_kind().unwrap_or(BodyKind::None);
    let multipart = if kind == BodyKind::Multipart {
        tcss_emulator_fuzz::lines_as_pairs(&incoming.body)
    } else {
        Vec::new()
    };
    let Ok(tc) = request::parse(&incoming, kind, multipart) else {
        return;
    };
    let parts = SignedParts {
        method: &incoming.method,
        host: incoming.header("host").ok().flatten().unwrap_or(""),
        query: &incoming.query,
        body: &incoming.body,
        headers: &incoming.headers,
        authorization: tc.authorization.as_deref(),
        timestamp: tc.timestamp.as_deref(),
        token: tc.token.as_deref(),
        params: &tc.pairs,
    };
    let creds = tcss_emulator_fuzz::credentials();
    let now = tcss_emulator_fuzz::NOW;
    if let Err(refusal) = signature::verify(&parts, creds, Mode::Skip, now) {
        assert_eq!(refusal.error.code, ErrorCode::TokenFailure, "skip mode refused");
    }
    let strict = signature::verify(&parts, creds, Mode::Strict, now);
    let verify = signature::verify(&parts, creds, Mode::Verify, now);
    if let Ok(caller) = strict {
        assert_eq!(
            verify.ok(),
            Some(caller),
            "strict accepted what verify refused"
        );
    }
});
