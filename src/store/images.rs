//! Image-registry records: lookups, upserts, deletes.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Map, Value};

use super::{Renderer, Store, StoreError};

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

/// A record as [`Store::find_detail`] found it: its pre-rendered answer, or the
/// record itself when it has none.
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
/// id, account, record, detail.
fn lookup<T>(
    conn: &Connection,
    account: &str,
    id: Option<i64>,
    image_id: Option<&str>,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>, StoreError> {
    macro_rules! select {
        ($where:literal) => {
            concat!("SELECT id, account, record, detail FROM images", $where)
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

    /// Like [`Store::find_image`], but the record's pre-rendered answer when it has
    /// one and no scan is running (the record is then not decoded).
    pub fn find_detail(
        &self,
        account: &str,
        id: Option<i64>,
        image_id: Option<&str>,
    ) -> Result<Option<Found>, StoreError> {
        enum Raw {
            Rendered(String),
            Record((i64, String, String)),
        }
        let conn = self.conn();
        // Read under the lock: a scan task sets it before letting go of the connection.
        let rendered_ok = !self.maybe_scanning();
        let row = lookup(&conn, account, id, image_id, |row| {
            Ok(match row.get_ref(3)?.as_str_or_null()? {
                Some(detail) if rendered_ok => {
                    let mut text = String::with_capacity(detail.len() + RENDER_ROOM);
                    text.push_str(detail);
                    Raw::Rendered(text)
                }
                _ => Raw::Record(ImageRecord::from_row(row)?),
            })
        })?;
        drop(conn);
        row.map(|raw| match raw {
            Raw::Rendered(detail) => Ok(Found::Rendered(detail)),
            Raw::Record(raw) => ImageRecord::decode(raw).map(Found::Record),
        })
        .transpose()
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
        let renders = render_all(self.renderer.as_ref(), records);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        insert_all(&tx, records, &renders)?;
        tx.commit()?;
        Ok(records.len())
    }

    /// Replaces every record with `records`, all or nothing; returns how many records
    /// are stored (records sharing an Id are one: the last wins).
    pub fn replace_images(&self, records: &[ImageRecord]) -> Result<usize, StoreError> {
        let renders = render_all(self.renderer.as_ref(), records);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM images", [])?;
        insert_all(&tx, records, &renders)?;
        let stored: i64 = tx.query_row("SELECT COUNT(*) FROM images", [], |row| row.get(0))?;
        tx.commit()?;
        Ok(usize::try_from(stored).unwrap_or(0))
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

/// The rendered answers of `records` (none without a renderer). Large batches are
/// split over the machine's cores, before the connection is locked: rendering is
/// most of the CPU time of a bulk seed.
pub(super) fn render_all(
    renderer: Option<&Renderer>,
    records: &[ImageRecord],
) -> Vec<Option<String>> {
    const PARALLEL_FROM: usize = 2048;
    let Some(renderer) = renderer else {
        return vec![None; records.len()];
    };
    let render = renderer.render;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || records.len() < PARALLEL_FROM {
        return records.iter().map(render).collect();
    }
    std::thread::scope(|scope| {
        let parts: Vec<_> = records
            .chunks(records.len().div_ceil(threads))
            .map(|part| {
                (
                    part.len(),
                    scope.spawn(move || part.iter().map(render).collect::<Vec<_>>()),
                )
            })
            .collect();
        parts
            .into_iter()
            // A renderer that panicked leaves its part unrendered (served from the record).
            .flat_map(|(len, part)| part.join().unwrap_or_else(|_| vec![None; len]))
            .collect()
    })
}

/// Writes `records` (inserted or replaced by Id), each with its rendered answer
/// (`renders[i]` for `records[i]`).
pub(super) fn insert_all(
    tx: &rusqlite::Transaction<'_>,
    records: &[ImageRecord],
    renders: &[Option<String>],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO images (id, account, image_id, record, detail) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET account = excluded.account,
             image_id = excluded.image_id, record = excluded.record, detail = excluded.detail",
    )?;
    for (i, r) in records.iter().enumerate() {
        let json = serde_json::to_string(&r.fields)?;
        let detail = renders.get(i).and_then(Option::as_deref);
        stmt.execute(params![r.id, r.account, r.image_id(), json, detail])?;
    }
    Ok(())
}
