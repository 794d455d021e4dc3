//! Scan tasks and scans of registry images.

use std::sync::atomic::Ordering;

use rusqlite::{OptionalExtension, params};

use super::images::insert_all;
use super::{ImageRecord, Store, StoreError};

/// One image's scan within a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub task: i64,
    pub image: i64,
    pub started_ms: i64,
    pub ends_ms: i64,
    /// The length of the whole scan: progress is measured against it (a timeout ends
    /// the scan before).
    pub full_ms: i64,
    /// What `ends_ms` brings: `SCANNED`, `SCAN_ERR` or `SCAN_TIMEOUT`.
    pub outcome: String,
    /// `running`, then the outcome or `CANCELED`.
    pub state: String,
    pub stopped_ms: Option<i64>,
}

/// A scan task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    pub account: String,
    pub created_ms: i64,
    pub scan_types: Vec<String>,
}

pub const RUNNING: &str = "running";

fn scan_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Scan> {
    Ok(Scan {
        task: row.get(0)?,
        image: row.get(1)?,
        started_ms: row.get(2)?,
        ends_ms: row.get(3)?,
        full_ms: row.get(4)?,
        outcome: row.get(5)?,
        state: row.get(6)?,
        stopped_ms: row.get(7)?,
    })
}

const SCAN_COLUMNS: &str =
    "s.task, s.image, s.started_ms, s.ends_ms, s.full_ms, s.outcome, s.state, s.stopped_ms";

impl Store {
    /// Whether a scan may be running (false means certainly none is).
    pub fn maybe_scanning(&self) -> bool {
        self.maybe_scanning.load(Ordering::Acquire)
    }

    /// Re-reads whether any scan is running.
    pub(super) fn refresh_scanning(&self) -> Result<(), StoreError> {
        let any: bool = self
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM scans WHERE state = ?1)")?
            .query_row(params![RUNNING], |r| r.get(0))?;
        self.maybe_scanning.store(any, Ordering::Release);
        Ok(())
    }

    /// Every record of `account`, by Id.
    pub fn account_images(&self, account: &str) -> Result<Vec<ImageRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, account, record FROM images WHERE account = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![account], ImageRecord::from_row)?;
        rows.map(|r| ImageRecord::decode(r?)).collect()
    }

    /// Creates a task with its scans and the images' new (scanning) records, at once.
    pub fn create_scan_task(
        &self,
        account: &str,
        scan_types: &[String],
        now_ms: i64,
        scans: &[Scan],
        records: &[ImageRecord],
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO scan_tasks (account, created_ms, scan_types) VALUES (?1, ?2, ?3)",
            params![account, now_ms, serde_json::to_string(scan_types)?],
        )?;
        let task = tx.last_insert_rowid();
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO scans (task, image, started_ms, ends_ms, full_ms, outcome, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for s in scans {
                stmt.execute(params![
                    task,
                    s.image,
                    s.started_ms,
                    s.ends_ms,
                    s.full_ms,
                    s.outcome,
                    s.state
                ])?;
            }
        }
        insert_all(&tx, records, &self.renders)?;
        tx.commit()?;
        self.maybe_scanning.store(true, Ordering::Release);
        Ok(task)
    }

    /// Running scans (of `account`, or of everyone).
    pub fn running_scans(&self, account: Option<&str>) -> Result<Vec<Scan>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans s JOIN scan_tasks t ON t.id = s.task
             WHERE s.state = ?1 AND (?2 IS NULL OR t.account = ?2) ORDER BY s.task, s.image"
        ))?;
        let rows = stmt.query_map(params![RUNNING, account], scan_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Running scans whose end has come by `now_ms`.
    pub fn due_scans(&self, now_ms: i64) -> Result<Vec<Scan>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans s WHERE s.state = ?1 AND s.ends_ms <= ?2
             ORDER BY s.task, s.image"
        ))?;
        let rows = stmt.query_map(params![RUNNING, now_ms], scan_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the end of `scans` (their `state` and `stopped_ms` as given) and the
    /// images' new records, at once.
    pub fn end_scans(&self, scans: &[Scan], records: &[ImageRecord]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE scans SET state = ?3, stopped_ms = ?4 WHERE task = ?1 AND image = ?2",
            )?;
            for s in scans {
                stmt.execute(params![s.task, s.image, s.state, s.stopped_ms])?;
            }
        }
        insert_all(&tx, records, &self.renders)?;
        tx.commit()?;
        drop(conn);
        self.refresh_scanning()
    }

    /// The task `id` of `account`.
    pub fn scan_task(&self, account: &str, id: i64) -> Result<Option<Task>, StoreError> {
        let conn = self.conn();
        let row = conn
            .prepare_cached(
                "SELECT id, account, created_ms, scan_types FROM scan_tasks WHERE id = ?1 AND account = ?2",
            )?
            .query_row(params![id, account], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
            })
            .optional()?;
        row.map(|(id, account, created_ms, types)| {
            Ok(Task {
                id,
                account,
                created_ms,
                scan_types: serde_json::from_str(&types)?,
            })
        })
        .transpose()
    }

    /// The newest task of `account`.
    pub fn last_scan_task(&self, account: &str) -> Result<Option<Task>, StoreError> {
        let id: Option<i64> = self
            .conn()
            .prepare_cached("SELECT max(id) FROM scan_tasks WHERE account = ?1")?
            .query_row(params![account], |r| r.get(0))?;
        match id {
            Some(id) => self.scan_task(account, id),
            None => Ok(None),
        }
    }

    /// The scans of task `task`, by image.
    pub fn task_scans(&self, task: i64) -> Result<Vec<Scan>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans s WHERE s.task = ?1 ORDER BY s.image"
        ))?;
        let rows = stmt.query_map(params![task], scan_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// The newest scan of each of `account`'s images that has been scanned.
    pub fn latest_scans(&self, account: &str) -> Result<Vec<Scan>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans s JOIN scan_tasks t ON t.id = s.task
             WHERE t.account = ?1
               AND s.task = (SELECT max(task) FROM scans WHERE image = s.image)
             ORDER BY s.image"
        ))?;
        let rows = stmt.query_map(params![account], scan_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets every scan and task (reset, state import).
    pub fn clear_scans(&self) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM scans", [])?;
        conn.execute("DELETE FROM scan_tasks", [])?;
        self.maybe_scanning.store(false, Ordering::Release);
        Ok(())
    }
}
