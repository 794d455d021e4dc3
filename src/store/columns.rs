//! Column views of a collection: what makes a list over 100,000 records answer in
//! milliseconds. A view holds, for one account's records of one collection, each
//! top-level field as a column of small codes into the field's distinct values, so a
//! filter is decided once per distinct value and then read per record as a code, and
//! a sort orders codes by the rank of their value. The list then reads only its page
//! of records from the database.
//!
//! A view is built on the first list after a write, and kept while it is current:
//! SQLite's count of rows changed through the connection (`total_changes`) is as it
//! was, and the emulator clock has not reached a record's next pending change (the
//! caller settles records as they are read). A few views are kept, the least recently
//! used dropped first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rusqlite::params;
use serde_json::{Map, Value};

use super::{Store, StoreError};

/// How many views are kept (each is about 0.5 KB per record of a 26-field type).
const KEPT: usize = 8;

/// One field: a code per record (0: absent or null) into its distinct values.
#[derive(Debug, Default)]
pub struct Column {
    /// Distinct values; `values[0]` is `null` (the field is absent or null).
    pub values: Vec<Value>,
    /// One code per record, in the view's record order.
    pub codes: Vec<u32>,
}

/// One account's records of one collection, as columns.
#[derive(Debug)]
pub struct Columns {
    pub collection: String,
    pub account: String,
    /// Each record's identifier, in creation order (the view's record order).
    pub ids: Vec<String>,
    columns: HashMap<String, Column>,
    /// `total_changes` of the connection when the records were read.
    changes: u64,
    /// The emulator clock when they were settled.
    built_ms: i64,
    /// The earliest pending change not yet applied (`i64::MAX`: none).
    next_change_ms: i64,
}

impl Columns {
    /// The column of `name`: by exact name, else without regard to case.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.get(name).or_else(|| {
            self.columns
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, c)| c)
        })
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn current(&self, changes: u64, now_ms: i64) -> bool {
        self.changes == changes && self.built_ms <= now_ms && now_ms < self.next_change_ms
    }
}

/// Builds columns from records already settled.
struct Builder {
    columns: HashMap<String, Building>,
    rows: usize,
}

/// A column being built, with the codes its values were given: strings by their
/// text (no encoding), other values by their JSON.
#[derive(Default)]
struct Building {
    column: Column,
    strings: HashMap<String, u32>,
    others: HashMap<String, u32>,
}

impl Building {
    fn code(&mut self, value: Value) -> u32 {
        let next = u32::try_from(self.column.values.len()).unwrap_or(0);
        let code = match &value {
            Value::String(s) => match self.strings.get(s.as_str()) {
                Some(code) => return *code,
                None => {
                    self.strings.insert(s.clone(), next);
                    next
                }
            },
            other => *self.others.entry(other.to_string()).or_insert(next),
        };
        if code == next {
            self.column.values.push(value);
        }
        code
    }
}

impl Builder {
    fn push(&mut self, fields: Map<String, Value>) {
        let row = self.rows;
        self.rows += 1;
        for (name, value) in fields {
            // Internal keys (`__pending`, `__images`) are no field of any API type.
            if name.starts_with("__") || value.is_null() {
                continue;
            }
            let building = self.columns.entry(name).or_insert_with(|| Building {
                column: Column {
                    values: vec![Value::Null],
                    codes: Vec::new(),
                },
                ..Building::default()
            });
            let code = building.code(value);
            building.column.codes.resize(row, 0);
            building.column.codes.push(code);
        }
    }

    fn finish(self) -> HashMap<String, Column> {
        let rows = self.rows;
        self.columns
            .into_iter()
            .map(|(name, mut b)| {
                b.column.codes.resize(rows, 0);
                (name, b.column)
            })
            .collect()
    }
}

/// Applies a record's pending changes due by a time; when its next one is due.
pub type Settle = dyn Fn(&mut Map<String, Value>, i64) -> Option<i64>;

/// The kept views of a store.
#[derive(Debug, Default)]
pub struct Views(Mutex<Vec<Arc<Columns>>>);

impl Views {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Columns>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store {
    /// `account`'s records of `collection` as columns, current at `now_ms`. `settle`
    /// applies a record's pending changes due by `now_ms` and tells when its next one
    /// is due.
    pub fn columns(
        &self,
        collection: &str,
        account: &str,
        now_ms: i64,
        settle: &Settle,
    ) -> Result<Arc<Columns>, StoreError> {
        // Read the raw rows under the connection's lock; decode after releasing it.
        let (changes, rows) = {
            let conn = self.conn();
            let changes = conn.total_changes();
            let kept = self.views.lock().iter().position(|v| {
                v.collection == collection && v.account == account && v.current(changes, now_ms)
            });
            if let Some(i) = kept {
                let mut views = self.views.lock();
                let view = views.remove(i);
                views.push(view.clone());
                return Ok(view);
            }
            let mut stmt = conn.prepare_cached(
                "SELECT id, record FROM records WHERE collection = ?1 AND account = ?2
                 ORDER BY seq, id",
            )?;
            let rows = stmt
                .query_map(params![collection, account], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            (changes, rows)
        };
        let mut builder = Builder {
            columns: HashMap::new(),
            rows: 0,
        };
        let mut ids = Vec::with_capacity(rows.len());
        let mut next_change_ms = i64::MAX;
        for (id, text) in rows {
            let mut fields: Map<String, Value> = serde_json::from_str(&text)?;
            if let Some(at) = settle(&mut fields, now_ms) {
                next_change_ms = next_change_ms.min(at);
            }
            builder.push(fields);
            ids.push(id);
        }
        let view = Arc::new(Columns {
            collection: collection.to_string(),
            account: account.to_string(),
            ids,
            columns: builder.finish(),
            changes,
            built_ms: now_ms,
            next_change_ms,
        });
        let mut views = self.views.lock();
        views.retain(|v| !(v.collection == collection && v.account == account));
        if views.len() >= KEPT {
            views.remove(0);
        }
        views.push(view.clone());
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Record;
    use serde_json::json;

    fn rec(id: &str, fields: Value) -> Record {
        Record {
            collection: "hosts".into(),
            account: "default".into(),
            id: id.into(),
            seq: 0,
            fields: fields.as_object().cloned().unwrap(),
        }
    }

    fn no_pending(_: &mut Map<String, Value>, _: i64) -> Option<i64> {
        None
    }

    #[test]
    fn columns_code_distinct_values_and_follow_writes() {
        let store = Store::open(None).unwrap();
        store
            .put_records(&[
                rec("h1", json!({"HostID": "h1", "Status": "ONLINE", "N": 1})),
                rec("h2", json!({"HostID": "h2", "Status": "ONLINE"})),
                rec("h3", json!({"HostID": "h3", "Status": "OFFLINE", "N": 1})),
            ])
            .unwrap();
        let v = store.columns("hosts", "default", 0, &no_pending).unwrap();
        assert_eq!(v.ids, ["h1", "h2", "h3"]);
        let status = v.column("status").unwrap();
        assert_eq!(status.codes, [1, 1, 2]);
        assert_eq!(status.values[2], json!("OFFLINE"));
        assert_eq!(v.column("N").unwrap().codes, [1, 0, 1]);
        // Kept while nothing changes; rebuilt after a write.
        let again = store.columns("hosts", "default", 5, &no_pending).unwrap();
        assert!(Arc::ptr_eq(&v, &again));
        store
            .put_records(&[rec("h4", json!({"HostID": "h4"}))])
            .unwrap();
        // The clock reaching a record's pending change, or going back, rebuilds it.
        let at_10 = |_: &mut Map<String, Value>, _: i64| Some(10);
        let after = store.columns("hosts", "default", 5, &at_10).unwrap();
        assert_eq!(after.len(), 4);
        let same = store.columns("hosts", "default", 9, &no_pending).unwrap();
        assert!(Arc::ptr_eq(&after, &same));
        let later = store.columns("hosts", "default", 10, &no_pending).unwrap();
        assert!(!Arc::ptr_eq(&after, &later));
        let back = store.columns("hosts", "default", 9, &no_pending).unwrap();
        assert!(!Arc::ptr_eq(&later, &back));
        assert!(
            store
                .columns("hosts", "other", 0, &no_pending)
                .unwrap()
                .is_empty()
        );
    }
}
