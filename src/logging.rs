//! Where log lines go: to stderr at once when it is a terminal; otherwise gathered
//! and written in batches (when 16 KiB have gathered, every 100 ms, and at exit),
//! like a web server's buffered access log. A line per call is one `write` system
//! call per call otherwise, a measurable share of an answer under load. Warnings and
//! errors are never held back: they flush what is gathered, then themselves.

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

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

    #[test]
    fn a_terminal_gets_every_line_at_once() {
        let out = Shared::default();
        let sink = LogSink::new(Box::new(out.clone()), true);
        logging(&sink, || tracing::info!("now"));
        assert_eq!(out.text(), "now\n");
    }
}
