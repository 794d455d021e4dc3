//! The SQLite store: opening, migrating, and the records the actions serve.
//!
//! SQL lives here and in `migrations/`. The schema is versioned with
//! `rusqlite_migration` (SQLite's `user_version`), so a database written by an older
//! version opens in a newer one. One connection behind a `std::sync::Mutex`: every
//! statement is short, and callers in async code go through `spawn_blocking`.

mod batch;
pub mod columns;
mod document;
pub mod fixtures;
mod images;
mod records;
mod renders;
pub mod scans;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use batch::Batch;
pub use images::{Found, ImageRecord, RENDER_ROOM};
pub use records::Record;
pub use scans::{Scan, Task};

/// The ordered migrations; a new schema change is a new file appended here.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_scans.sql"),
    include_str!("../../migrations/0003_rendered_detail.sql"),
    include_str!("../../migrations/0004_records.sql"),
    include_str!("../../migrations/0005_renders_in_memory.sql"),
];

/// The schema the migrations build, in one script, for new databases.
const SCHEMA: &str = include_str!("../../migrations/schema.sql");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored record is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

pub struct Store {
    conn: Mutex<Connection>,
    /// False only when no scan is running: lets the hot path skip scan queries.
    maybe_scanning: std::sync::atomic::AtomicBool,
    /// Renders a registry image's Detail answer (none: lookups answer the record).
    renderer: Option<Renderer>,
    /// The renders of the records read most recently (`renders.rs`).
    renders: renders::Renders,
    /// Column views of collections, for lists (`columns.rs`).
    views: columns::Views,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("maybe_scanning", &self.maybe_scanning)
            .field("renderer", &self.renderer.is_some())
            .finish_non_exhaustive()
    }
}

/// Brings the schema of `conn` up to date: a new database is created from
/// [`SCHEMA`] at once (1 ms less of every start than the migrations one by one), an
/// existing one runs the migrations it has not seen.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if version == 0 && objects == 0 {
        let tx = conn.transaction()?;
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
        tx.commit()?;
        return Ok(());
    }
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect()).to_latest(conn)?;
    Ok(())
}

/// What renders a registry image's Detail answer: the store knows nothing of the
/// API, the actions module supplies this.
#[derive(Debug, Clone)]
pub struct Renderer {
    /// The rendered answer of a record, or `None` to answer the record itself.
    pub render: fn(&ImageRecord) -> Option<String>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one, and
    /// brings its schema up to date.
    pub fn open(path: Option<&Path>) -> Result<Self, StoreError> {
        let mut conn = match path {
            Some(p) => {
                let conn = Connection::open(p)?;
                // Write-ahead log, synchronous NORMAL: a commit is not synced to disk,
                // the log is at checkpoints (every 64 MiB of it). A crash of the
                // emulator loses nothing committed; a power loss may lose the last
                // commits but never corrupts the file. 100k images seeded in batches
                // of 500 took 4.5 s, against 7.3-10 s with a rollback journal synced
                // at every commit (and 6.3 s with checkpoints every 4 MiB).
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
                conn.pragma_update(None, "journal_size_limit", 64 << 20)?;
                // 64 MiB of page cache (the default 2 MiB spills during bulk seeding).
                conn.pragma_update(None, "cache_size", -65_536)?;
                conn
            }
            None => {
                let conn = Connection::open_in_memory()?;
                // Pages of 16 KiB, not 4: 100k hosts seeded with 7% less CPU and 9% less
                // memory, as fewer pages are allocated and split. (A file database keeps
                // SQLite's default, which its random lookups read a page at a time.)
                conn.pragma_update(None, "page_size", 16_384)?;
                conn
            }
        };
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        let store = Self {
            conn: Mutex::new(conn),
            maybe_scanning: std::sync::atomic::AtomicBool::new(true),
            renderer: None,
            renders: renders::Renders::default(),
            views: columns::Views::default(),
        };
        store.refresh_scanning()?;
        Ok(store)
    }

    /// This store, answering Detail lookups with what `renderer` renders.
    pub fn with_renderer(mut self, renderer: Renderer) -> Self {
        self.renderer = Some(renderer);
        self
    }

    /// Whether no call holds the connection right now: a short lookup may then run on
    /// the caller's thread instead of a blocking-pool hand-off (see `actions::quick`).
    pub fn is_free(&self) -> bool {
        !matches!(
            self.conn.try_lock(),
            Err(std::sync::TryLockError::WouldBlock)
        )
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A poisoned lock means a panic mid-statement; SQLite rolled back whatever
        // transaction was open, so the connection is still consistent.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }
}

#[cfg(test)]
mod tests;
