//! Rendered Detail answers of registry images, kept in memory for the records read
//! most recently: a repeated lookup copies text instead of decoding, shaping and
//! encoding the record again. Rendered on first read, never stored: a seeded record
//! costs its JSON once, not twice. Bounded by the bytes kept; the oldest render goes
//! first. Every write of a record drops its render, with the connection held, so a
//! lookup (which renders under the same lock) never keeps one older than its record.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// At most this much rendered text is kept (≈2,500 answers of 1.6 KB).
const KEPT_BYTES: usize = 4 << 20;

#[derive(Debug)]
struct Render {
    account: String,
    image_id: String,
    text: Box<str>,
}

#[derive(Debug, Default)]
struct Kept {
    by_id: HashMap<i64, Render>,
    /// Ids in the order their renders were kept (some gone since): who goes first.
    order: VecDeque<i64>,
    bytes: usize,
}

#[derive(Debug, Default)]
pub struct Renders(Mutex<Kept>);

impl Renders {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The render of record `id` when it is `account`'s (and has `image_id`, when
    /// given), with `room` bytes of spare capacity.
    pub fn get(
        &self,
        id: i64,
        account: &str,
        image_id: Option<&str>,
        room: usize,
    ) -> Option<String> {
        let kept = self.lock();
        let r = kept.by_id.get(&id)?;
        if r.account != account || image_id.is_some_and(|wanted| r.image_id != wanted) {
            return None;
        }
        let mut text = String::with_capacity(r.text.len() + room);
        text.push_str(&r.text);
        Some(text)
    }

    /// Keeps the render of record `id`, dropping the oldest ones past the bound.
    pub fn put(&self, id: i64, account: &str, image_id: &str, text: &str) {
        if text.len() > KEPT_BYTES / 16 {
            return;
        }
        let mut kept = self.lock();
        let kept = &mut *kept;
        let render = Render {
            account: account.to_string(),
            image_id: image_id.to_string(),
            text: text.into(),
        };
        kept.bytes += text.len();
        if let Some(old) = kept.by_id.insert(id, render) {
            kept.bytes -= old.text.len();
        }
        kept.order.push_back(id);
        while kept.bytes > KEPT_BYTES {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(old) = kept.by_id.remove(&oldest) {
                kept.bytes -= old.text.len();
            }
        }
        // Ids dropped by writes stay in the queue until their turn: keep it near
        // the map's size.
        if kept.order.len() > 2 * kept.by_id.len() + 64 {
            let by_id = &kept.by_id;
            let mut seen = std::collections::HashSet::new();
            kept.order
                .retain(|id| by_id.contains_key(id) && seen.insert(*id));
        }
    }

    /// Record `id` was written (or removed).
    pub fn drop_id(&self, id: i64) {
        let mut kept = self.lock();
        if let Some(old) = kept.by_id.remove(&id) {
            kept.bytes -= old.text.len();
        }
    }

    /// Every record was replaced.
    pub fn clear(&self) {
        let mut kept = self.lock();
        kept.by_id.clear();
        kept.order.clear();
        kept.bytes = 0;
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_are_kept_per_record_and_account_within_the_bound() {
        let renders = Renders::default();
        renders.put(1, "default", "sha-a", "{\"Id\":1}");
        assert_eq!(
            renders.get(1, "default", None, 8).as_deref(),
            Some("{\"Id\":1}")
        );
        assert!(renders.get(1, "default", None, 96).unwrap().capacity() >= 8 + 96);
        assert_eq!(
            renders.get(1, "default", Some("sha-a"), 0).as_deref(),
            Some("{\"Id\":1}")
        );
        assert_eq!(renders.get(1, "default", Some("sha-b"), 0), None);
        assert_eq!(renders.get(1, "other", None, 0), None);
        renders.drop_id(1);
        assert_eq!(renders.get(1, "default", None, 0), None);
        // Past the bound, the oldest go first; the byte count stays exact.
        let text = "x".repeat(KEPT_BYTES / 100);
        for id in 0..1000 {
            renders.put(id, "default", "", &text);
            // Written again and again: the queue of ids stays bounded.
            renders.drop_id(id);
            renders.put(id, "default", "", &text);
        }
        let kept = renders.lock();
        assert!(kept.bytes <= KEPT_BYTES);
        assert_eq!(kept.bytes, kept.by_id.len() * text.len());
        assert!(kept.by_id.contains_key(&999) && !kept.by_id.contains_key(&0));
        assert!(kept.order.len() <= 2 * kept.by_id.len() + 64);
    }
}
