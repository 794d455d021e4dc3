//! Image-registry records: lookups, upserts, deletes.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Map, Value};

use super::renders::Renders;
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

/// A record as [`Store::find_detail`] found it: its rendered answer, or the record
/// itself (no renderer, or a scan running).
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// With [`RENDER_ROOM`] bytes of spare capacity.
    Rendered(String),
    Record(ImageRecord),
}

/// Spare capacity of a [`Found::Rendered`] text: room for the caller to wrap the
/// answer (the API's envelope and `RequestId`) without another allocation. Answers
/// are over a kilobyte, where allocating is not cheap.
pub const RENDER_ROOM: usize = 96;

/// The row of `account`'s record with `id` and/or `image_id` (both must match when
/// both are given; by `image_id` alone, the lowest Id wins), read by `read`. Columns:
/// id, account, record.
fn lookup<T>(
    conn: &Connection,
    account: &str,
    id: Option<i64>,
    image_id: Option<&str>,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>, StoreError> {
    macro_rules! select {
        ($where:literal) => {
            concat!("SELECT id, account, record FROM images", $where)
        };
    }
    Ok(match (id, image_id) {
        (Some(id), Some(image_id)) => conn
            .prepare_cached(select!(" WHERE id = ?1 AND image_id = ?2 AND account = ?3"))?
            .query_row(params![id, image_id, account], read)
            .optional()?,
        (Some(id), None) => conn
            .prepare_cached(select!(" WHERE id = ?1 AND account = ?2"))?
            .query_row(params![id, account], read)
            .optional()?,
        (None, Some(image_id)) => conn
            .prepare_cached(select!(
                " WHERE image_id = ?1 AND account = ?2 ORDER BY id LIMIT 1"
            ))?
            .query_row(params![image_id, account], read)
            .optional()?,
        (None, None) => None,
    })
}

impl Store {
    /// The record of `account` with `id` and/or `image_id` (both must match when both
    /// are given; by `image_id` alone, the lowest Id wins).
    pub fn find_image(
        &self,
        account: &str,
        id: Option<i64>,
        image_id: Option<&str>,
    ) -> Result<Option<ImageRecord>, StoreError> {
        let row = lookup(&self.conn(), account, id, image_id, ImageRecord::from_row)?;
        row.map(ImageRecord::decode).transpose()
    }

    /// Like [`Store::find_image`], but the record's rendered answer while no scan
    /// runs: the one kept from an earlier lookup, else rendered now and kept.
    pub fn find_detail(
        &self,
        account: &str,
        id: Option<i64>,
        image_id: Option<&str>,
    ) -> Result<Option<Found>, StoreError> {
        let conn = self.conn();
        // Read under the lock: a scan task sets it before letting go of the connection.
        let renderer = self.renderer.as_ref().filter(|_| !self.maybe_scanning());
        if renderer.is_some()
            && let Some(id) = id
            && let Some(text) = self.renders.get(id, account, image_id, RENDER_ROOM)
        {
            return Ok(Some(Found::Rendered(text)));
        }
        let Some(raw) = lookup(&conn, account, id, image_id, ImageRecord::from_row)? else {
            return Ok(None);
        };
        if renderer.is_some()
            && id.is_none()
            && let Some(text) = self.renders.get(raw.0, account, image_id, RENDER_ROOM)
        {
            return Ok(Some(Found::Rendered(text)));
        }
        let record = ImageRecord::decode(raw)?;
        // Rendered with the connection held: no write can come between the record
        // read and its render kept.
        if let Some(render) = renderer.and_then(|r| (r.render)(&record)) {
            self.renders
                .put(record.id, &record.account, record.image_id(), &render);
            drop(conn);
            let mut text = render;
            text.reserve(RENDER_ROOM);
            return Ok(Some(Found::Rendered(text)));
        }
        Ok(Some(Found::Record(record)))
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
        insert_all(&tx, records, &self.renders)?;
        tx.commit()?;
        Ok(records.len())
    }

    /// Replaces every record with `records`, all or nothing; returns how many records
    /// are stored (records sharing an Id are one: the last wins).
    pub fn replace_images(&self, records: &[ImageRecord]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM images", [])?;
        self.renders.clear();
        insert_all(&tx, records, &self.renders)?;
        let stored: i64 = tx.query_row("SELECT COUNT(*) FROM images", [], |row| row.get(0))?;
        tx.commit()?;
        Ok(usize::try_from(stored).unwrap_or(0))
    }

    /// Deletes the record with `id`; `false` when there was none.
    pub fn delete_image(&self, id: i64) -> Result<bool, StoreError> {
        let conn = self.conn();
        let n = conn
            .prepare_cached("DELETE FROM images WHERE id = ?1")?
            .execute(params![id])?;
        self.renders.drop_id(id);
        Ok(n > 0)
    }
}

/// Writes `records` (inserted or replaced by Id), dropping their kept renders. Called
/// with the connection held.
pub(super) fn insert_all(
    tx: &rusqlite::Transaction<'_>,
    records: &[ImageRecord],
    renders: &Renders,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO images (id, account, image_id, record) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET account = excluded.account,
             image_id = excluded.image_id, record = excluded.record",
    )?;
    for r in records {
        let json = serde_json::to_string(&r.fields)?;
        stmt.execute(params![r.id, r.account, r.image_id(), json])?;
        renders.drop_id(r.id);
    }
    Ok(())
}
