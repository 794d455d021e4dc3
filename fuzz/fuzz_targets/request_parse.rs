//! Request parsing as the pipeline does it: body kind from Content-Type, common
//! parameters from headers or parameters, form/query decoding and unflattening, then
//! validation of the action's parameters. Must never panic (or overflow the stack).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcss_emulator::api::{form, request};
use tcss_emulator::spec;

fuzz_target!(|data: &[u8]| {
    let incoming = tcss_emulator_fuzz::incoming(data);
    let _ = request::size_limit(
        &incoming.method,
        incoming.header("content-type").ok().flatten(),
    );
    // The flattened-form decoder straight on the raw bytes, too.
    if let Ok(pairs) = form::decode_pairs(&incoming.body) {
        let _ = form::unflatten(pairs);
    }
    let Ok(kind) = incoming.body_kind() else {
        return;
    };
    let multipart = if kind == request::BodyKind::Multipart {
        tcss_emulator_fuzz::lines_as_pairs(&incoming.body)
    } else {
        Vec::new()
    };
    let Ok(req) = request::parse(&incoming, kind, multipart) else {
        return;
    };
    let svc = spec::tcss();
    if let Some(action) = req.action.as_deref().and_then(|a| svc.action(a)) {
        let _ = spec::validate(svc, svc.object(action.input), req.params);
    }
});
