//! Answers of costly reads (a count over a million findings, the assets a vulnerability reaches)
//! kept between requests while the data is unchanged.
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

/// Kept answers beyond this many are all dropped (a new head drops them anyway).
const MAX_ENTRIES: usize = 4096;

type Answer = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
struct Entries {
    head: Option<Head>,
    answers: HashMap<String, Answer>,
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

    fn keep(&self, at: Head, key: String, answer: Answer) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.head.as_ref() != Some(&at) {
            // Only answers about one state are kept: those of the latest answer's.
            entries.head = Some(at);
            entries.answers.clear();
        }
        if entries.answers.len() >= MAX_ENTRIES {
            entries.answers.clear();
        }
        entries.answers.insert(key, answer);
    }

    /// `compute`'s answer for `key` in the data's current state: kept from an earlier call when
    /// nothing changed since, else computed (once, however many ask at the same time).
    pub(crate) fn get_or<T, F>(
        &self,
        db: &mut Db,
        key: &str,
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
        let answer = self.compute_once(db, key, &lock, compute);
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
            self.keep(before, key.to_string(), answer.clone());
        }
        Ok(answer)
    }
}

/// `compute` through `cache` when there is one.
pub(crate) fn cached<T, F>(
    cache: Option<&ReadCache>,
    db: &mut Db,
    key: &str,
    compute: F,
) -> Result<Arc<T>, StoreError>
where
    T: Send + Sync + 'static,
    F: FnOnce(&mut Db) -> Result<T, StoreError>,
{
    match cache {
        Some(c) => c.get_or(db, key, compute),
        None => compute(db).map(Arc::new),
    }
}
