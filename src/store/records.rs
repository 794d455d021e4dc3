//! Records of the resource model's collections (`records` table, migration 0004):
//! read, write and delete by collection, account and identifier.

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use super::images::insert_all;
use super::{ImageRecord, Store, StoreError};

/// One record of a collection: its identifier as text, its creation order, and its
/// API fields (the identifier member included).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub collection: String,
    pub account: String,
    pub id: String,
    pub seq: i64,
    pub fields: Map<String, Value>,
}

type Row = (String, String, String, i64, String);

fn decode((collection, account, id, seq, record): Row) -> Result<Record, StoreError> {
    Ok(Record {
        collection,
        account,
        id,
        seq,
        fields: serde_json::from_str(&record)?,
    })
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

const COLUMNS: &str = "collection, account, id, seq, record";

/// The next creation numbers of the collections one transaction writes to, each read
/// from the table once and then counted up (a bulk seed would otherwise look up the
/// highest number for every record).
#[derive(Debug, Default)]
pub(super) struct Seqs(Vec<(String, String, i64)>);

impl Seqs {
    /// The number `record` is created with: its own, or the next of its collection.
    fn take(&mut self, tx: &Transaction<'_>, record: &Record) -> Result<i64, StoreError> {
        let at = self
            .0
            .iter()
            .position(|(c, a, _)| *c == record.collection && *a == record.account);
        let at = match at {
            Some(at) => at,
            None => {
                let max: Option<i64> = tx
                    .prepare_cached(
                        "SELECT MAX(seq) FROM records WHERE collection = ?1 AND account = ?2",
                    )?
                    .query_row(params![record.collection, record.account], |r| r.get(0))?;
                self.0.push((
                    record.collection.clone(),
                    record.account.clone(),
                    max.unwrap_or(0) + 1,
                ));
                self.0.len() - 1
            }
        };
        let Some((_, _, next)) = self.0.get_mut(at) else {
            return Ok(record.seq);
        };
        let seq = if record.seq > 0 { record.seq } else { *next };
        *next = (*next).max(seq + 1);
        Ok(seq)
    }
}

/// Writes `record` (its fields replace those of the record with its key, whose
/// creation number stays). A record without an identifier member (`Id::Seq`) is
/// known by its number: returns the identifier it was given then.
pub(super) fn put(
    tx: &Transaction<'_>,
    record: &Record,
    seqs: &mut Seqs,
) -> Result<Option<String>, StoreError> {
    let seq = seqs.take(tx, record)?;
    let given = record.id.is_empty().then(|| seq.to_string());
    tx.prepare_cached(
        "INSERT INTO records (collection, account, id, seq, record) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (collection, account, id) DO UPDATE SET record = excluded.record",
    )?
    .execute(params![
        record.collection,
        record.account,
        given.as_deref().unwrap_or(&record.id),
        seq,
        serde_json::to_string(&record.fields)?
    ])?;
    Ok(given)
}

impl Store {
    /// `account`'s records of `collection`, in creation order.
    pub fn records(&self, collection: &str, account: &str) -> Result<Vec<Record>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM records WHERE collection = ?1 AND account = ?2 ORDER BY seq, id"
        ))?;
        let rows = stmt
            .query_map(params![collection, account], read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(decode).collect()
    }

    /// One record, by identifier.
    pub fn record(
        &self,
        collection: &str,
        account: &str,
        id: &str,
    ) -> Result<Option<Record>, StoreError> {
        let conn = self.conn();
        let row = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM records WHERE collection = ?1 AND account = ?2 AND id = ?3"
            ))?
            .query_row(params![collection, account, id], read_row)
            .optional()?;
        row.map(decode).transpose()
    }

    /// The records of `collection` (of one account, or of all), by account and order.
    pub fn collection_records(
        &self,
        collection: &str,
        account: Option<&str>,
    ) -> Result<Vec<Record>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM records WHERE collection = ?1 AND (?2 IS NULL OR account = ?2)
             ORDER BY account, seq, id"
        ))?;
        let rows = stmt
            .query_map(params![collection, account], read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(decode).collect()
    }

    /// Every record of every collection and account (collection, account, order).
    pub fn all_records(&self) -> Result<Vec<Record>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM records ORDER BY collection, account, seq, id"
        ))?;
        let rows = stmt
            .query_map([], read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(decode).collect()
    }

    /// How many records each collection holds (all accounts).
    pub fn record_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT collection, COUNT(*) FROM records GROUP BY collection ORDER BY collection",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The next creation number of `account`'s `collection` (one above the highest).
    pub fn next_seq(&self, collection: &str, account: &str) -> Result<i64, StoreError> {
        let conn = self.conn();
        let max: Option<i64> = conn
            .prepare_cached("SELECT MAX(seq) FROM records WHERE collection = ?1 AND account = ?2")?
            .query_row(params![collection, account], |r| r.get(0))?;
        Ok(max.unwrap_or(0) + 1)
    }

    /// Writes records (insert, or replace the fields of the one with the same key;
    /// its creation number stays), in one transaction. A record whose `seq` is 0 gets
    /// the next number of its collection; one whose `id` is empty is known by it.
    pub fn put_records(&self, records: &[Record]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut seqs = Seqs::default();
        let mut given = Vec::with_capacity(records.len());
        for record in records {
            given.push(put(&tx, record, &mut seqs)?);
        }
        tx.commit()?;
        for (r, given) in records.iter().zip(&given) {
            self.views
                .wrote(&r.collection, &r.account, given.as_deref().unwrap_or(&r.id));
        }
        Ok(records.len())
    }

    /// Deletes `account`'s records of `collection` with these identifiers; how many
    /// there were.
    pub fn delete_records(
        &self,
        collection: &str,
        account: &str,
        ids: &[String],
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut n = 0;
        for id in ids {
            n += tx
                .prepare_cached(
                    "DELETE FROM records WHERE collection = ?1 AND account = ?2 AND id = ?3",
                )?
                .execute(params![collection, account, id])?;
        }
        tx.commit()?;
        for id in ids {
            self.views.wrote(collection, account, id);
        }
        Ok(n)
    }

    /// Upserts a fixture document's registry images and records in one transaction;
    /// how many records it held.
    pub fn upsert_document(
        &self,
        images: &[ImageRecord],
        records: &[Record],
    ) -> Result<usize, StoreError> {
        self.write_document(images, records, false)?;
        Ok(images.len() + records.len())
    }

    /// Replaces everything (registry images and every collection) with a document,
    /// atomically; how many records are stored then (a document may name one twice).
    pub fn replace_document(
        &self,
        images: &[ImageRecord],
        records: &[Record],
    ) -> Result<usize, StoreError> {
        self.write_document(images, records, true)
    }

    /// Writes a document in one transaction (after deleting everything when
    /// `replace`); how many records are stored then.
    fn write_document(
        &self,
        images: &[ImageRecord],
        records: &[Record],
        replace: bool,
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if replace {
            tx.execute("DELETE FROM images", [])?;
            tx.execute("DELETE FROM records", [])?;
            self.renders.clear();
        }
        insert_all(&tx, images, &self.renders)?;
        let mut seqs = Seqs::default();
        let mut given = Vec::with_capacity(records.len());
        for record in records {
            given.push(put(&tx, record, &mut seqs)?);
        }
        let stored: i64 = tx.query_row(
            "SELECT (SELECT count(*) FROM images) + (SELECT count(*) FROM records)",
            [],
            |r| r.get(0),
        )?;
        tx.commit()?;
        if replace {
            self.views.wrote_all();
        } else {
            for (r, given) in records.iter().zip(&given) {
                self.views
                    .wrote(&r.collection, &r.account, given.as_deref().unwrap_or(&r.id));
            }
        }
        Ok(usize::try_from(stored).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(collection: &str, id: &str, seq: i64, fields: Value) -> Record {
        Record {
            collection: collection.into(),
            account: "default".into(),
            id: id.into(),
            seq,
            fields: fields.as_object().cloned().unwrap(),
        }
    }

    #[test]
    fn records_round_trip_by_collection_and_id() {
        let store = Store::open(None).unwrap();
        store
            .put_records(&[
                rec("clusters", "cls-b", 2, json!({"ClusterId": "cls-b"})),
                rec("clusters", "cls-a", 1, json!({"ClusterId": "cls-a"})),
                rec("hosts", "h1", 1, json!({"HostID": "h1"})),
            ])
            .unwrap();
        let clusters = store.records("clusters", "default").unwrap();
        assert_eq!(
            clusters.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["cls-a", "cls-b"]
        );
        assert_eq!(store.next_seq("clusters", "default").unwrap(), 3);
        assert_eq!(store.next_seq("clusters", "other").unwrap(), 1);
        assert!(
            store
                .record("clusters", "other", "cls-a")
                .unwrap()
                .is_none()
        );
        // A rewrite keeps the creation number.
        store
            .put_records(&[rec(
                "clusters",
                "cls-a",
                9,
                json!({"ClusterId": "cls-a", "X": 1}),
            )])
            .unwrap();
        let a = store
            .record("clusters", "default", "cls-a")
            .unwrap()
            .unwrap();
        assert_eq!((a.seq, a.fields["X"].clone()), (1, json!(1)));
        assert_eq!(
            store
                .delete_records("clusters", "default", &["cls-a".into(), "nope".into()])
                .unwrap(),
            1
        );
        assert_eq!(
            store.record_counts().unwrap(),
            [("clusters".to_string(), 1), ("hosts".to_string(), 1)]
        );
    }
}
