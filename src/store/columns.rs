//! Column views of a collection: what makes a list over 100,000 records answer in
//! milliseconds. A view holds, for one account's records of one collection, each
//! top-level field as a column of small codes into the field's distinct values, so a
//! filter is decided once per distinct value and then read per record as a code, and
//! a sort orders codes by the rank of their value. The list then shapes its page
//! from the view's own values (nothing read back from the database).
//!
//! A view is built on the first list of a collection, then kept and followed: every
//! write to the `records` table tells the kept views which identifiers it wrote
//! (`Views::wrote`), and the next list reads back just those records and patches
//! their rows in place (a few ms over 100k records, where a rebuild takes seconds).
//! A view is rebuilt when it cannot follow: more records written than a patch is
//! worth, too many placed before others, everything replaced, or the emulator clock
//! gone back or past a record's next pending change (the caller settles records as
//! they are read). A few views are kept, the least recently used dropped first.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

use super::{Store, StoreError};

/// How many views are kept (each is about 0.5 KB per record of a 26-field type).
const KEPT: usize = 8;
/// A view is patched for at most this many records written since it was read (or
/// half its records, when that is more); past that it is rebuilt.
const PATCH_MAX: usize = 4096;
/// At most this many records are patched in between others (each shifts every
/// column); the rest of a patch appends, as new records come last.
const INSERTS_MAX: usize = 16;
/// A value is looked for among at most this many distinct values of its column when
/// a patch codes it; past that it is given a new code (a duplicate value ranks and
/// filters as its twin does).
const SEARCH_MAX: usize = 256;

/// One field: a code per record (0: absent or null) into its distinct values.
#[derive(Debug, Default, Clone)]
pub struct Column {
    /// Distinct values; `values[0]` is `null` (the field is absent or null).
    pub values: Vec<Value>,
    /// One code per record, in the view's record order.
    pub codes: Vec<u32>,
}

/// One account's records of one collection, as columns.
#[derive(Debug, Clone)]
pub struct Columns {
    pub collection: String,
    pub account: String,
    /// Each record's identifier, in creation order (the view's record order).
    pub ids: Vec<String>,
    /// Each record's creation number (`seq`), in the same order.
    seqs: Vec<i64>,
    columns: HashMap<String, Column>,
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

    /// Field `name` (found as [`Columns::column`] finds it) of the record at `row`;
    /// `None` when the record lacks it (or holds null).
    pub fn value(&self, row: usize, name: &str) -> Option<&Value> {
        let column = self.column(name)?;
        let code = usize::try_from(*column.codes.get(row)?).ok()?;
        column.values.get(code).filter(|v| !v.is_null())
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn current(&self, now_ms: i64) -> bool {
        self.built_ms <= now_ms && now_ms < self.next_change_ms
    }

    /// Sets the fields of the record at `row` (every column: a field it lacks is
    /// absent); a field no record had yet gets its column.
    fn set_row(&mut self, row: usize, mut fields: Map<String, Value>) {
        let rows = self.ids.len();
        for (name, column) in &mut self.columns {
            let code = fields.remove(name).map_or(0, |v| column.code_of(v));
            if let Some(slot) = column.codes.get_mut(row) {
                *slot = code;
            }
        }
        for (name, value) in fields {
            if name.starts_with("__") || value.is_null() {
                continue;
            }
            let mut column = Column {
                values: vec![Value::Null],
                codes: vec![0; rows],
            };
            let code = column.code_of(value);
            if let Some(slot) = column.codes.get_mut(row) {
                *slot = code;
            }
            self.columns.insert(name, column);
        }
    }

    /// Adds an empty row at `row` (every field absent).
    fn insert_row(&mut self, row: usize, id: String, seq: i64) {
        self.ids.insert(row, id);
        self.seqs.insert(row, seq);
        for column in self.columns.values_mut() {
            column.codes.insert(row, 0);
        }
    }

    /// Removes the rows `gone` marks.
    fn remove_rows(&mut self, gone: &[bool]) {
        fn keep<T>(items: &mut Vec<T>, gone: &[bool]) {
            let mut i = 0;
            items.retain(|_| {
                i += 1;
                !gone.get(i - 1).copied().unwrap_or(false)
            });
        }
        keep(&mut self.ids, gone);
        keep(&mut self.seqs, gone);
        for column in self.columns.values_mut() {
            keep(&mut column.codes, gone);
        }
    }

    /// Brings the rows of the records `written` up to date with what the database
    /// holds now: changed in place, removed, or added at their place in creation
    /// order. `false` when the view cannot follow (a rebuild is cheaper).
    fn patch(
        &mut self,
        conn: &rusqlite::Connection,
        written: HashSet<String>,
        now_ms: i64,
        settle: &Settle,
    ) -> Result<bool, StoreError> {
        let rows: HashMap<&str, usize> = if written.len() <= 8 {
            self.ids
                .iter()
                .enumerate()
                .filter(|(_, id)| written.contains(id.as_str()))
                .map(|(row, id)| (id.as_str(), row))
                .collect()
        } else {
            self.ids
                .iter()
                .enumerate()
                .map(|(row, id)| (id.as_str(), row))
                .collect()
        };
        let mut stmt = conn.prepare_cached(
            "SELECT seq, record FROM records WHERE collection = ?1 AND account = ?2 AND id = ?3",
        )?;
        let mut changed = Vec::new();
        let mut added = Vec::new();
        let mut gone = Vec::new();
        for id in written {
            let row = rows.get(id.as_str()).copied();
            let stored: Option<(i64, String)> = stmt
                .query_row(params![self.collection, self.account, id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match (row, stored) {
                (Some(row), None) => gone.push(row),
                (None, None) => {}
                (row, Some((seq, text))) => {
                    let mut fields: Map<String, Value> = serde_json::from_str(&text)?;
                    if let Some(at) = settle(&mut fields, now_ms) {
                        self.next_change_ms = self.next_change_ms.min(at);
                    }
                    match row {
                        Some(row) => changed.push((row, fields)),
                        None => added.push((seq, id, fields)),
                    }
                }
            }
        }
        drop(rows);
        for (row, fields) in changed {
            self.set_row(row, fields);
        }
        if !gone.is_empty() {
            let mut mask = vec![false; self.ids.len()];
            for row in gone {
                if let Some(m) = mask.get_mut(row) {
                    *m = true;
                }
            }
            self.remove_rows(&mask);
        }
        added.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut inserts = 0;
        for (seq, id, fields) in added {
            let row = self
                .seqs
                .iter()
                .zip(&self.ids)
                .rposition(|(s, i)| (*s, i.as_str()) < (seq, id.as_str()))
                .map_or(0, |r| r + 1);
            if row < self.ids.len() {
                inserts += 1;
                if inserts > INSERTS_MAX {
                    return Ok(false);
                }
            }
            self.insert_row(row, id, seq);
            self.set_row(row, fields);
        }
        Ok(true)
    }
}

impl Column {
    /// The code of `value`, given a new one when it is not among the first
    /// [`SEARCH_MAX`] distinct values.
    fn code_of(&mut self, value: Value) -> u32 {
        if value.is_null() {
            return 0;
        }
        if self.values.len() <= SEARCH_MAX
            && let Some(code) = self.values.iter().skip(1).position(|v| *v == value)
        {
            return u32::try_from(code + 1).unwrap_or(0);
        }
        self.values.push(value);
        u32::try_from(self.values.len() - 1).unwrap_or(0)
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

/// The kept views of a store, and what was written since each was read.
#[derive(Debug, Default)]
pub struct Views(Mutex<Kept>);

#[derive(Debug, Default)]
struct Kept {
    /// Least recently used first.
    views: Vec<(Arc<Columns>, Written)>,
    /// Writes told so far: a view read before a write it was not kept for yet
    /// cannot know what that write changed.
    writes: u64,
}

/// What was written to a view's records since it was read.
#[derive(Debug)]
enum Written {
    /// These identifiers (none: the view is current).
    Ids(HashSet<String>),
    /// Too much, or something a patch cannot follow: rebuild.
    Unknown,
}

impl Views {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A write of `account`'s record `id` of `collection` (`""`: a record known by
    /// its creation number, not known yet). Told with the connection held, so no
    /// list reads in between.
    pub(super) fn wrote(&self, collection: &str, account: &str, id: &str) {
        let mut kept = self.lock();
        kept.writes += 1;
        let Some((view, written)) = kept
            .views
            .iter_mut()
            .find(|(v, _)| v.collection == collection && v.account == account)
        else {
            return;
        };
        if let Written::Ids(ids) = written {
            if id.is_empty() || ids.len() >= PATCH_MAX.max(view.len() / 2) {
                *written = Written::Unknown;
            } else if !ids.contains(id) {
                ids.insert(id.to_string());
            }
        }
    }

    /// Everything replaced (or removed): no view is kept.
    pub(super) fn wrote_all(&self) {
        let mut kept = self.lock();
        kept.writes += 1;
        kept.views.clear();
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
        // Read the raw rows under the connection's lock (no write in between); decode
        // and build after releasing it.
        let (writes, rows) = {
            let conn = self.conn();
            let found = {
                let mut kept = self.views.lock();
                let at = kept
                    .views
                    .iter()
                    .position(|(v, _)| v.collection == collection && v.account == account);
                at.map(|i| kept.views.remove(i))
            };
            if let Some((mut view, written)) = found
                && view.current(now_ms)
                && let Written::Ids(ids) = written
            {
                let followed =
                    ids.is_empty() || Arc::make_mut(&mut view).patch(&conn, ids, now_ms, settle)?;
                if followed {
                    self.views
                        .lock()
                        .views
                        .push((view.clone(), Written::Ids(HashSet::new())));
                    return Ok(view);
                }
            }
            let mut stmt = conn.prepare_cached(
                "SELECT id, seq, record FROM records WHERE collection = ?1 AND account = ?2
                 ORDER BY seq, id",
            )?;
            let rows = stmt
                .query_map(params![collection, account], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            (self.views.lock().writes, rows)
        };
        let mut builder = Builder {
            columns: HashMap::new(),
            rows: 0,
        };
        let mut ids = Vec::with_capacity(rows.len());
        let mut seqs = Vec::with_capacity(rows.len());
        let mut next_change_ms = i64::MAX;
        for (id, seq, text) in rows {
            let mut fields: Map<String, Value> = serde_json::from_str(&text)?;
            if let Some(at) = settle(&mut fields, now_ms) {
                next_change_ms = next_change_ms.min(at);
            }
            builder.push(fields);
            ids.push(id);
            seqs.push(seq);
        }
        let view = Arc::new(Columns {
            collection: collection.to_string(),
            account: account.to_string(),
            ids,
            seqs,
            columns: builder.finish(),
            built_ms: now_ms,
            next_change_ms,
        });
        let mut kept = self.views.lock();
        // Written to since it was read (between the lock's release and now): which
        // records is not known.
        let written = if kept.writes == writes {
            Written::Ids(HashSet::new())
        } else {
            Written::Unknown
        };
        kept.views
            .retain(|(v, _)| !(v.collection == collection && v.account == account));
        if kept.views.len() >= KEPT {
            kept.views.remove(0);
        }
        kept.views.push((view.clone(), written));
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

    impl Record {
        fn with_seq(mut self, seq: i64) -> Self {
            self.seq = seq;
            self
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

    /// Each row as (identifier, fields that are present), from the columns.
    fn decoded(v: &Columns) -> Vec<(String, Map<String, Value>)> {
        (0..v.len())
            .map(|row| {
                let mut fields = Map::new();
                for (name, col) in &v.columns {
                    let value = &col.values[col.codes[row] as usize];
                    if !value.is_null() {
                        fields.insert(name.clone(), value.clone());
                    }
                }
                (v.ids[row].clone(), fields)
            })
            .collect()
    }

    /// What a view of the store's hosts must hold: the records in creation order.
    fn expected(store: &Store) -> Vec<(String, Map<String, Value>)> {
        store
            .records("hosts", "default")
            .unwrap()
            .into_iter()
            .map(|r| {
                let fields = r
                    .fields
                    .into_iter()
                    .filter(|(k, v)| !k.starts_with("__") && !v.is_null())
                    .collect();
                (r.id, fields)
            })
            .collect()
    }

    #[test]
    fn a_kept_view_follows_writes_as_a_rebuild_would_read_them() {
        let store = Store::open(None).unwrap();
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let statuses = [json!("ONLINE"), json!("OFFLINE"), Value::Null, json!(3)];
        let host = |next: &mut dyn FnMut(u64) -> u64, id: String, seq: i64| {
            let mut f = json!({"HostID": id, "Status": statuses[next(4) as usize].clone()});
            if next(3) == 0 {
                f["Extra"] = json!(format!("x{}", next(500)));
            }
            if next(5) == 0 {
                f["__pending"] = json!([]);
            }
            rec(&id, f).with_seq(seq)
        };
        let mut patched = 0;
        for round in 0..300 {
            let mut writes = Vec::new();
            let mut deletes = Vec::new();
            for _ in 0..=next(4) {
                let id = format!("h{}", next(60));
                match next(10) {
                    0..=1 => deletes.push(id),
                    // Now and then a record placed before others (an explicit number).
                    2 => {
                        let seq = 1 + next(40) as i64;
                        writes.push(host(&mut next, id, seq))
                    }
                    _ => writes.push(host(&mut next, id, 0)),
                }
            }
            store.put_records(&writes).unwrap();
            store.delete_records("hosts", "default", &deletes).unwrap();
            let before = store.views.lock().views.len();
            let v = store.columns("hosts", "default", 0, &no_pending).unwrap();
            patched += usize::from(before == 1);
            assert_eq!(decoded(&v), expected(&store), "round {round}");
            assert_eq!(v.seqs.len(), v.ids.len());
        }
        assert!(patched > 250, "the view was kept and patched: {patched}");
    }
}
