//! The SQLite store: opening, migrating, and the records the actions serve.
//!
//! SQL lives here and in `migrations/`. The schema is versioned with
//! `rusqlite_migration` (SQLite's `user_version`), so a database written by an older
//! version opens in a newer one. One connection behind a `std::sync::Mutex`: every
//! statement is short, and callers in async code go through `spawn_blocking`.

pub mod fixtures;
mod images;
pub mod scans;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use images::ImageRecord;
pub use scans::{Scan, Task};

/// The ordered migrations; a new schema change is a new file appended here.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_scans.sql"),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored record is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// False only when no scan is running: lets the hot path skip scan queries.
    maybe_scanning: std::sync::atomic::AtomicBool,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one, and
    /// brings its schema up to date.
    pub fn open(path: Option<&Path>) -> Result<Self, StoreError> {
        let mut conn = match path {
            Some(p) => {
                let conn = Connection::open(p)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                // 64 MiB of page cache (the default 2 MiB spills during bulk seeding).
                conn.pragma_update(None, "cache_size", -65_536)?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        migrations.to_latest(&mut conn)?;
        let store = Self {
            conn: Mutex::new(conn),
            maybe_scanning: std::sync::atomic::AtomicBool::new(true),
        };
        store.refresh_scanning()?;
        Ok(store)
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
