//! Image-registry records: lookups, upserts, deletes.

use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Map, Value};

use super::{Store, StoreError};

/// One image record. `fields` holds the API fields (without `Id`), as validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRecord {
    pub id: i64,
    pub account: String,
    pub fields: Map<String, Value>,
}

impl ImageRecord {
    /// The record's `ImageId`, or `""`.
    pub fn image_id(&self) -> &str {
        self.fields
            .get("ImageId")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<(i64, String, String)> {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    }

    pub(super) fn decode((id, account, record): (i64, String, String)) -> Result<Self, StoreError> {
        Ok(Self {
            id,
            account,
            fields: serde_json::from_str(&record)?,
        })
    }
}

const COLUMNS: &str = "id, account, record";

impl Store {
    /// The record of `account` with `id` and/or `image_id` (both must match when both
    /// are given; by `image_id` alone, the lowest Id wins).
    pub fn find_image(
        &self,
        account: &str,
        id: Option<i64>,
        image_id: Option<&str>,
    ) -> Result<Option<ImageRecord>, StoreError> {
        let conn = self.conn();
        let row = match (id, image_id) {
            (Some(id), Some(image_id)) => conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM images WHERE id = ?1 AND image_id = ?2 AND account = ?3"
                ))?
                .query_row(params![id, image_id, account], ImageRecord::from_row)
                .optional()?,
            (Some(id), None) => conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM images WHERE id = ?1 AND account = ?2"
                ))?
                .query_row(params![id, account], ImageRecord::from_row)
                .optional()?,
            (None, Some(image_id)) => conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM images WHERE image_id = ?1 AND account = ?2 ORDER BY id LIMIT 1"
                ))?
                .query_row(params![image_id, account], ImageRecord::from_row)
                .optional()?,
            (None, None) => None,
        };
        row.map(ImageRecord::decode).transpose()
    }

    /// Any account's record with `id` (admin view).
    pub fn get_image(&self, id: i64) -> Result<Option<ImageRecord>, StoreError> {
        let conn = self.conn();
        let row = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM images WHERE id = ?1"))?
            .query_row(params![id], ImageRecord::from_row)
            .optional()?;
        row.map(ImageRecord::decode).transpose()
    }

    /// Every record, by Id (admin view).
    pub fn list_images(&self) -> Result<Vec<ImageRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM images ORDER BY id"))?;
        let rows = stmt.query_map([], ImageRecord::from_row)?;
        rows.map(|r| ImageRecord::decode(r?)).collect()
    }

    pub fn count_images(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM images", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Inserts or replaces `records` by Id, all or nothing.
    pub fn upsert_images(&self, records: &[ImageRecord]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        insert_all(&tx, records)?;
        tx.commit()?;
        Ok(records.len())
    }

    /// Replaces every record with `records`, all or nothing.
    pub fn replace_images(&self, records: &[ImageRecord]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM images", [])?;
        insert_all(&tx, records)?;
        tx.commit()?;
        Ok(records.len())
    }

    /// Deletes the record with `id`; `false` when there was none.
    pub fn delete_image(&self, id: i64) -> Result<bool, StoreError> {
        let n = self
            .conn()
            .prepare_cached("DELETE FROM images WHERE id = ?1")?
            .execute(params![id])?;
        Ok(n > 0)
    }
}

pub(super) fn insert_all(
    tx: &rusqlite::Transaction<'_>,
    records: &[ImageRecord],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO images (id, account, image_id, record) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET account = excluded.account,
             image_id = excluded.image_id, record = excluded.record",
    )?;
    for r in records {
        let json = serde_json::to_string(&r.fields)?;
        stmt.execute(params![r.id, r.account, r.image_id(), json])?;
    }
    Ok(())
}
