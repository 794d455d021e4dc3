//! Where log lines go: to stderr at once when it is a terminal; otherwise gathered
//! and written in batches (when 16 KiB have gathered, every 100 ms, and at exit),
//! like a web server's buffered access log. A line per call is one `write` system
//! call per call otherwise, a measurable share of an answer under load. Warnings and
//! errors are never held back: they flush what is gathered, then themselves.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// How often gathered lines are written at the latest.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Gathered lines are written once they reach this size.
pub const BATCH_BYTES: usize = 16 * 1024;

/// The shared log sink; clones share the buffer.
#[derive(Clone)]
pub struct LogSink {
    inner: Arc<Inner>,
}

struct Inner {
    out: Mutex<Gathered>,
    /// Write every line at once (a terminal).
    immediate: bool,
}

struct Gathered {
    buf: Vec<u8>,
    sink: Box<dyn Write + Send>,
}

impl Gathered {
    fn write_out(&mut self) {
        if !self.buf.is_empty() {
            // Nowhere to report a failing stderr; the lines are dropped.
            let _ = self.sink.write_all(&self.buf);
            let _ = self.sink.flush();
            self.buf.clear();
        }
    }
}

impl LogSink {
    /// Lines for `sink`; `immediate` writes each line as it comes.
    pub fn new(sink: Box<dyn Write + Send>, immediate: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                out: Mutex::new(Gathered {
                    buf: Vec::with_capacity(BATCH_BYTES),
                    sink,
                }),
                immediate,
            }),
        }
    }

    /// Stderr, gathering unless it is a terminal.
    pub fn stderr() -> Self {
        let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Self::new(Box::new(std::io::stderr()), tty)
    }

    fn lock(&self) -> MutexGuard<'_, Gathered> {
        self.inner.out.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes whatever has gathered.
    pub fn flush(&self) {
        self.lock().write_out();
    }

    /// Flushes every [`FLUSH_EVERY`] for as long as the runtime runs.
    pub fn spawn_flusher(&self) {
        let sink = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                sink.flush();
            }
        });
    }
}

/// The sink the binary logs to, once installed: the line per call is then written
/// straight into it (see [`call_line`]).
static INSTALLED: OnceLock<LogSink> = OnceLock::new();

impl LogSink {
    /// Makes this the sink of [`call_line`] (the binary does; a library user's calls
    /// go through `tracing` as usual).
    pub fn install(&self) {
        let _ = INSTALLED.set(self.clone());
    }
}

/// What a call came to, for its log line.
pub struct Call<'a> {
    pub request_id: &'a uuid::Uuid,
    pub action: &'a str,
    pub secret_id: &'a str,
    pub code: &'a str,
    pub latency_us: u64,
    /// For a refused call: what helps its diagnosis (the accepted SecretIds, where the
    /// computed string to sign is), as a last `hint=` field.
    pub hint: Option<&'a str>,
}

/// The target (module path) of the line per call, for `RUST_LOG` filters.
const CALL_TARGET: &str = "tcss_emulator::api";

/// Logs one call at INFO: `call request_id=… action=… secret_id=… code=… latency_us=…`
/// (and `hint=…` for a refused call that has one).
///
/// Written straight into the installed gathering sink, in the same format `tracing`'s
/// formatter writes (the line per call is the one log line on the hot path: going
/// through the formatter costs ≈ 10k instructions, this ≈ 1k). Kept because the
/// benchmark shows it: a Detail call cost 63.9 µs of server CPU through the formatter
/// against 59.6 µs this way (+7%; medians of 3 runs of 4 s, spread ±1 µs). With a
/// terminal, or no installed sink, it is an ordinary `tracing` event.
pub fn call_line(call: &Call<'_>) {
    match INSTALLED.get() {
        Some(sink) if !sink.inner.immediate => {
            if tracing::enabled!(target: CALL_TARGET, Level::INFO) {
                LINE.with_borrow_mut(|line| {
                    line.format(call);
                    let mut out = sink.lock();
                    out.buf.extend_from_slice(line.text.as_bytes());
                    if out.buf.len() >= BATCH_BYTES {
                        out.write_out();
                    }
                });
            }
        }
        _ => tracing::info!(
            target: CALL_TARGET,
            request_id = %call.request_id,
            action = %Plain(call.action),
            secret_id = %Plain(call.secret_id),
            code = %Plain(call.code),
            latency_us = call.latency_us,
            hint = call.hint.map(Plain).map(tracing::field::display),
            "call"
        ),
    }
}

/// Text from a client in a log line: as it is when it is a plain word (the common
/// case), quoted and escaped otherwise (no forged lines or fields).
pub struct Plain<'a>(pub &'a str);

impl std::fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = !self.0.is_empty()
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b));
        if plain {
            f.write_str(self.0)
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

thread_local! {
    static LINE: RefCell<LineBuf> = RefCell::new(LineBuf::default());
}

/// A thread's line buffer, with the formatted second it last wrote.
#[derive(Default)]
struct LineBuf {
    text: String,
    second: Option<u64>,
    /// `YYYY-MM-DDTHH:MM:SS` of `second`.
    prefix: String,
}

impl LineBuf {
    fn format(&mut self, call: &Call<'_>) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        if self.second != Some(now.as_secs()) {
            self.second = Some(now.as_secs());
            self.prefix = i64::try_from(now.as_secs())
                .ok()
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                .unwrap_or_default();
        }
        self.text.clear();
        let _ = write!(
            self.text,
            "{}.{:06}Z  INFO {CALL_TARGET}: call request_id={} action={} secret_id={} code={} latency_us={}",
            self.prefix,
            now.subsec_micros(),
            call.request_id,
            Plain(call.action),
            Plain(call.secret_id),
            Plain(call.code),
            call.latency_us
        );
        if let Some(hint) = call.hint {
            let _ = write!(self.text, " hint={}", Plain(hint));
        }
        self.text.push('\n');
    }
}

/// One event's writer.
pub struct LineWriter<'a> {
    sink: &'a LogSink,
    urgent: bool,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let mut out = self.sink.lock();
        out.buf.extend_from_slice(line);
        if self.urgent || self.sink.inner.immediate || out.buf.len() >= BATCH_BYTES {
            out.write_out();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogSink {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            sink: self,
            urgent: true,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        LineWriter {
            sink: self,
            // More severe levels compare lower.
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Runs `f` with a subscriber that writes to `sink` (no time, for plain lines).
    fn logging(sink: &LogSink, f: impl FnOnce()) {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(sink.clone())
            .without_time()
            .with_target(false)
            .with_level(false)
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, f);
    }

    #[test]
    fn lines_gather_until_a_flush_a_warning_or_a_full_batch() {
        let out = Shared::default();
        let sink = LogSink::new(Box::new(out.clone()), false);
        logging(&sink, || {
            tracing::info!("one");
            tracing::info!("two");
        });
        assert_eq!(out.text(), "");
        sink.flush();
        assert_eq!(out.text(), "one\ntwo\n");

        // A warning writes what gathered before it, in order.
        logging(&sink, || {
            tracing::info!("three");
            tracing::warn!("careful");
        });
        assert_eq!(out.text(), "one\ntwo\nthree\ncareful\n");

        // A full batch goes out without waiting.
        let line = "x".repeat(1000);
        logging(&sink, || {
            for _ in 0..(BATCH_BYTES / 1000 + 1) {
                tracing::info!("{line}");
            }
        });
        assert!(out.text().len() > BATCH_BYTES);
    }

    /// The line per call of a Detail call by `secret_id` that came to `code`.
    fn line_of(secret_id: &str, code: &str, latency_us: u64, hint: Option<&str>) -> String {
        let mut line = LineBuf::default();
        line.format(&Call {
            request_id: &uuid::Uuid::nil(),
            action: "DescribeAssetImageRegistryDetail",
            secret_id,
            code,
            latency_us,
            hint,
        });
        line.text
    }

    #[test]
    fn the_line_per_call_is_written_as_the_formatter_writes_it() {
        let text = &line_of("AKID\"x y", "Success", 42, None);
        let (time, rest) = text.split_once("  ").unwrap();
        // 2026-11-29T03:12:39.841081Z
        assert_eq!(time.len(), 27, "{text}");
        assert!(time.ends_with('Z') && time.as_bytes()[10] == b'T', "{text}");
        assert_eq!(
            rest,
            "INFO tcss_emulator::api: call request_id=00000000-0000-0000-0000-000000000000 \
             action=DescribeAssetImageRegistryDetail secret_id=\"AKID\\\"x y\" code=Success latency_us=42\n"
        );
    }

    #[test]
    fn a_refused_call_line_ends_with_its_hint() {
        let text = line_of(
            "AKIDnope",
            "AuthFailure.SecretIdNotFound",
            7,
            Some("accepted SecretIds: AKIDa,AKIDb"),
        );
        assert!(
            text.ends_with(
                " code=AuthFailure.SecretIdNotFound latency_us=7 hint=\"accepted SecretIds: AKIDa,AKIDb\"\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_terminal_gets_every_line_at_once() {
        let out = Shared::default();
        let sink = LogSink::new(Box::new(out.clone()), true);
        logging(&sink, || tracing::info!("now"));
        assert_eq!(out.text(), "now\n");
    }
}
