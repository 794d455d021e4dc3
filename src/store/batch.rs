//! Bulk writes fed one record at a time (the admin API's fixture documents): records
//! are written in batches inside one transaction, so a large document never has all
//! its records in memory at once, and is still written whole or not at all.

use std::sync::atomic::Ordering;

use super::columns::Views;
use super::images::insert_all;
use super::records::{Seqs, put};
use super::renders::Renders;
use super::{ImageRecord, Record, Store, StoreError};

/// A batch is written once it holds this many records...
const BATCH_RECORDS: usize = 4096;
/// ...or records made from this much JSON text.
const BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Where [`Store::write_fed`]'s feeder pushes records.
pub struct Batch<'a> {
    tx: rusqlite::Transaction<'a>,
    renders: &'a Renders,
    views: &'a Views,
    seqs: Seqs,
    pending: Vec<ImageRecord>,
    pending_bytes: usize,
    written: usize,
}

impl Batch<'_> {
    /// Adds `record`, made from `text_bytes` of JSON; writes the batch when it is full.
    pub fn push(&mut self, record: ImageRecord, text_bytes: usize) -> Result<(), StoreError> {
        self.pending.push(record);
        self.pending_bytes += text_bytes;
        if self.pending.len() >= BATCH_RECORDS || self.pending_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes a record of the resource model's collections (they are small: no batch).
    pub fn push_record(&mut self, record: &Record) -> Result<(), StoreError> {
        let given = put(&self.tx, record, &mut self.seqs)?;
        // Told before the commit, with the connection held: a write that is then
        // rolled back only makes a list read the record again.
        self.views.wrote(
            &record.collection,
            &record.account,
            given.as_deref().unwrap_or(&record.id),
        );
        self.written += 1;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        insert_all(&self.tx, &self.pending, self.renders)?;
        self.written += self.pending.len();
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(())
    }
}

impl Store {
    /// Writes, by Id, the records `feed` pushes, in one transaction: all of them, or
    /// none when `feed` fails. With `replace`, every record, scan and scan task there
    /// was goes first. Returns how many were written. The connection is held
    /// throughout (reads wait for a bulk write, as for any write).
    pub fn write_fed<E: From<StoreError>>(
        &self,
        replace: bool,
        feed: impl FnOnce(&mut Batch<'_>) -> Result<(), E>,
    ) -> Result<usize, E> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(StoreError::from)?;
        if replace {
            for table in ["images", "scans", "scan_tasks", "records"] {
                tx.execute(&format!("DELETE FROM {table}"), [])
                    .map_err(StoreError::from)?;
            }
            self.renders.clear();
        }
        let mut batch = Batch {
            tx,
            renders: &self.renders,
            views: &self.views,
            seqs: Seqs::default(),
            pending: Vec::new(),
            pending_bytes: 0,
            written: 0,
        };
        feed(&mut batch)?;
        batch.flush()?;
        let Batch { tx, written, .. } = batch;
        tx.commit().map_err(StoreError::from)?;
        if replace {
            self.maybe_scanning.store(false, Ordering::Release);
            self.views.wrote_all();
        }
        Ok(written)
    }
}
