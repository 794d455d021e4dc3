//! Shared input decoding for the fuzz targets.
//!
//! Inputs are text-like so the seed corpus is readable and easy to extend:
//!
//! ```text
//! METHOD
//! header-name: value
//! header-name: value
//!
//! query string
//! body bytes (the rest, may be binary)
//! ```
//!
//! Missing parts are empty; header names are lower-cased (as hyper hands them to the
//! pipeline) and values decoded lossily (as `api::pipeline` does).

use std::sync::OnceLock;

use bytes::Bytes;
use tcss_emulator::api::request::Incoming;
use tcss_emulator::signature::{Credential, Credentials};

/// The instant seeds are signed at (`X-TC-Timestamp` / `Timestamp`).
pub const NOW: i64 = 1_700_000_000;
pub const SECRET_ID: &str = "AKIDfuzz";
pub const SECRET_KEY: &str = "fuzz-secret-key";
pub const TOKEN_ID: &str = "AKIDfuzztoken";

/// The credentials the signature target verifies against.
pub fn credentials() -> &'static Credentials {
    static CREDS: OnceLock<Credentials> = OnceLock::new();
    CREDS.get_or_init(|| {
        let list = [
            format!("{SECRET_ID}:{SECRET_KEY}"),
            format!("{TOKEN_ID}:{SECRET_KEY}:other:session-token"),
        ];
        Credentials::new(list.iter().filter_map(|raw| Credential::parse(raw).ok()))
    })
}

fn next_line<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => {
            let line = &data[..i];
            *data = &data[i + 1..];
            line.strip_suffix(b"\r").unwrap_or(line)
        }
        None => {
            let line = *data;
            *data = &[];
            line
        }
    }
}

/// Decodes one input into the raw request the pipeline parses.
pub fn incoming(mut data: &[u8]) -> Incoming {
    let method = String::from_utf8_lossy(next_line(&mut data))
        .trim()
        .to_string();
    let mut headers = Vec::new();
    loop {
        if data.is_empty() {
            break;
        }
        let line = next_line(&mut data);
        if line.is_empty() {
            break;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &b""[..]),
        };
        headers.push((
            String::from_utf8_lossy(name).trim().to_ascii_lowercase(),
            String::from_utf8_lossy(value).trim().to_string(),
        ));
    }
    let query = String::from_utf8_lossy(next_line(&mut data)).into_owned();
    Incoming {
        method,
        headers,
        query,
        body: Bytes::copy_from_slice(data),
    }
}

/// A multipart body stands in as `name=value` lines (the targets are synchronous and
/// do not run multer; the pipeline hands `parse` the fields it read).
pub fn lines_as_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let text = String::from_utf8_lossy(l);
            match text.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (text.into_owned(), String::new()),
            }
        })
        .collect()
}
