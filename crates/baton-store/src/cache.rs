//! Answers of costly reads (a count over a million findings, the assets a vulnerability
//! affects) kept between requests while the data is unchanged.
//!
//! Every change appends to the audit log in its own transaction, so the log's head (its size
//! and Merkle peaks) names the state of the data. An answer is kept only when the head read
//! before computing it equals the head read after, and is used only while the head is still
//! the same: the first read after any change computes again. A restored backup with another
//! history has other peaks, even at the same size.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::StoreError;
use crate::db::Db;

/// How much is kept, in rows (a count weighs one): past this, every answer is dropped, and an
/// answer heavier than this alone is not kept at all. A kept row is at most about a kilobyte.
const MAX_WEIGHT: usize = 200_000;

type Answer = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
struct Entries {
    head: Option<Head>,
    answers: HashMap<String, Answer>,
    weight: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    size: i64,
    peaks: String,
}

/// A cache shared by the connections of one server (it is cheap to clone).
#[derive(Clone, Default)]
pub struct ReadCache {
    entries: Arc<Mutex<Entries>>,
    /// One lock per key being computed, so concurrent misses compute it once.
    computing: Arc<Mutex<HashMap<String, Arc<Mutex<()>>>>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self
            .entries
            .lock()
            .map(|e| e.answers.len())
            .unwrap_or_default();
        f.debug_struct("ReadCache").field("answers", &n).finish()
    }
}

fn head(db: &mut Db) -> Result<Head, StoreError> {
    let row = db
        .query("SELECT size, peaks FROM audit_head WHERE id = 1", &[])?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Corrupt("the audit log has no head".into()))?;
    Ok(Head {
        size: row[0].int().unwrap_or(0),
        peaks: row[1].text().unwrap_or_default().to_string(),
    })
}

impl ReadCache {
    pub fn new() -> ReadCache {
        ReadCache::default()
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .answers
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lookup<T: Send + Sync + 'static>(&self, now: &Head, key: &str) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.head.as_ref() != Some(now) {
            return None;
        }
        entries
            .answers
            .get(key)
            .cloned()
            .and_then(|a| a.downcast::<T>().ok())
    }

    fn keep(&self, at: Head, key: String, answer: Answer, weight: usize) {
        if weight > MAX_WEIGHT {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Only answers about one state are kept: those of the latest answer's.
        if entries.head.as_ref() != Some(&at) || entries.weight + weight > MAX_WEIGHT {
            entries.head = Some(at);
            entries.answers.clear();
            entries.weight = 0;
        }
        entries.weight += weight;
        entries.answers.insert(key, answer);
    }

    /// `compute`'s answer for `key` in the data's current state: kept from an earlier call when
    /// nothing changed since, else computed (once, however many ask at the same time) and kept
    /// if it weighs (`weigh`, in rows) little enough.
    pub(crate) fn get_or<T, F>(
        &self,
        db: &mut Db,
        key: &str,
        weigh: fn(&T) -> usize,
        compute: F,
    ) -> Result<Arc<T>, StoreError>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&mut Db) -> Result<T, StoreError>,
    {
        let before = head(db)?;
        if let Some(hit) = self.lookup::<T>(&before, key) {
            return Ok(hit);
        }
        let lock = self
            .computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.to_string())
            .or_default()
            .clone();
        let answer = self.compute_once(db, key, &lock, weigh, compute);
        drop(lock);
        let mut computing = self
            .computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Only the map holds it: nobody else is waiting on this key.
        if computing
            .get(key)
            .is_some_and(|l| Arc::strong_count(l) == 1)
        {
            computing.remove(key);
        }
        answer
    }

    fn compute_once<T, F>(
        &self,
        db: &mut Db,
        key: &str,
        lock: &Mutex<()>,
        weigh: fn(&T) -> usize,
        compute: F,
    ) -> Result<Arc<T>, StoreError>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&mut Db) -> Result<T, StoreError>,
    {
        let _computing = lock.lock().unwrap_or_else(PoisonError::into_inner);
        // Another caller may have computed it while this one waited.
        let before = head(db)?;
        if let Some(hit) = self.lookup::<T>(&before, key) {
            return Ok(hit);
        }
        let answer = Arc::new(compute(db)?);
        if head(db)? == before {
            let weight = weigh(&answer).max(1);
            self.keep(before, key.to_string(), answer.clone(), weight);
        }
        Ok(answer)
    }
}

/// `compute` through `cache` when there is one (see [`ReadCache::get_or`]).
pub(crate) fn cached<T, F>(
    cache: Option<&ReadCache>,
    db: &mut Db,
    key: &str,
    weigh: fn(&T) -> usize,
    compute: F,
) -> Result<Arc<T>, StoreError>
where
    T: Send + Sync + 'static,
    F: FnOnce(&mut Db) -> Result<T, StoreError>,
{
    match cache {
        Some(c) => c.get_or(db, key, weigh, compute),
        None => compute(db).map(Arc::new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Target;

    fn db() -> Db {
        let mut db = Db::open(&Target::Sqlite(":memory:".into())).unwrap();
        crate::schema::migrate(&mut db).unwrap();
        db
    }

    /// Asks for `key` (an answer weighing `weight` rows) and says whether it was computed.
    fn computed(cache: &ReadCache, db: &mut Db, key: &str, weight: usize) -> bool {
        let mut ran = false;
        let answer = cache
            .get_or(
                db,
                key,
                |w: &usize| *w,
                |_| {
                    ran = true;
                    Ok(weight)
                },
            )
            .unwrap();
        assert_eq!(*answer, weight);
        ran
    }

    #[test]
    fn answers_last_until_the_log_grows_and_heavy_ones_are_not_kept() {
        let mut db = db();
        let cache = ReadCache::new();
        assert!(computed(&cache, &mut db, "a", 10));
        assert!(!computed(&cache, &mut db, "a", 10));
        // A change appends to the log: nothing kept before it is used again.
        db.exec("UPDATE audit_head SET size = size + 1", &[])
            .unwrap();
        assert!(computed(&cache, &mut db, "a", 10));
        assert!(!computed(&cache, &mut db, "a", 10));
        // So does a log with another history at the same size (a restored backup).
        db.exec("UPDATE audit_head SET peaks = 'other'", &[])
            .unwrap();
        assert!(computed(&cache, &mut db, "a", 10));
        // Too heavy to keep at all.
        assert!(computed(&cache, &mut db, "big", MAX_WEIGHT + 1));
        assert!(computed(&cache, &mut db, "big", MAX_WEIGHT + 1));
        // Past the bound, what was kept is dropped for the newcomer.
        assert!(computed(&cache, &mut db, "most", MAX_WEIGHT - 5));
        assert!(!computed(&cache, &mut db, "most", MAX_WEIGHT - 5));
        assert!(computed(&cache, &mut db, "a", 10));
        assert_eq!(cache.len(), 1);
    }
}
