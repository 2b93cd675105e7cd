//! Verification of a whole log against its signed checkpoints, naming the first bad entry.
//!
//! Entries are read in order and each is checked as it comes: its index is the next one, its
//! bytes are the canonical JSON of a valid event, and its stored leaf hash (when the store
//! kept one) is the hash of those bytes. The tree is recomputed in O(log n) memory; whenever it
//! reaches the size of a checkpoint, the root must be the one that checkpoint signs. The first
//! failure ends verification, so the error names the earliest entry that is wrong.

use std::fmt;

use thiserror::Error;

use crate::checkpoint::SignedCheckpoint;
use crate::event::AuditEvent;
use crate::hex;
use crate::merkle::{CompactTree, Hash, leaf_hash};
use crate::note::{NoteError, VerifierKey};

/// The first thing found wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LogError {
    /// A checkpoint that is not validly signed by the key.
    #[error("checkpoint at size {size}: {source}")]
    Checkpoint {
        /// The checkpoint's tree size.
        size: u64,
        /// Why it was refused.
        source: NoteError,
    },
    /// Two checkpoints of the same size with different roots: the log forked.
    #[error("two signed checkpoints at size {size} have different roots")]
    ConflictingCheckpoints {
        /// The size both sign.
        size: u64,
    },
    /// Checkpoints of different logs (different origins) given for one log.
    #[error("checkpoints of different logs: {first:?} and {other:?}")]
    MixedOrigins {
        /// The origin of the first checkpoint.
        first: String,
        /// Another origin.
        other: String,
    },
    /// An entry out of place: a gap, a repeat or a reordering.
    #[error("index {expected} expected, {found} found")]
    IndexGap {
        /// The index it should have.
        expected: u64,
        /// The index it has.
        found: u64,
    },
    /// An entry whose bytes are not the canonical JSON of a valid event (an edited row).
    #[error("entry {index}: leaf is not the canonical JSON of an audit event: {reason}")]
    NotAnEvent {
        /// The entry's index.
        index: u64,
        /// What is wrong.
        reason: String,
    },
    /// An entry whose stored leaf hash is not the hash of its bytes.
    #[error("entry {index}: stored leaf hash {stored} but the leaf hashes to {computed}")]
    LeafHashMismatch {
        /// The entry's index.
        index: u64,
        /// The stored hash, hex.
        stored: String,
        /// The recomputed hash, hex.
        computed: String,
    },
    /// The recomputed root differs from a signed one.
    #[error(
        "root of the first {size} entries is {computed}, the checkpoint signs {signed}; {}",
        divergence_text(.after_size, .size)
    )]
    RootMismatch {
        /// The checkpoint's size.
        size: u64,
        /// The recomputed root, hex.
        computed: String,
        /// The signed root, hex.
        signed: String,
        /// The largest smaller checkpoint whose root did match, if any: the divergence lies in
        /// entries `after_size..size`.
        after_size: Option<u64>,
    },
    /// Fewer entries than a checkpoint signs.
    #[error(
        "the log has {entries} entries but a checkpoint signs {size}: entries {entries}..{size} are missing"
    )]
    Truncated {
        /// Entries read.
        entries: u64,
        /// The largest checkpoint size.
        size: u64,
    },
}

fn divergence_text(after_size: &Option<u64>, size: &u64) -> String {
    match after_size {
        Some(after) => format!("the first divergent entry is among {after}..{size}"),
        None => format!("the first divergent entry is among 0..{size}"),
    }
}

/// One entry of the log as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Its index, from 0.
    pub index: u64,
    /// The leaf bytes: the canonical JSON of an [`AuditEvent`].
    pub leaf: Vec<u8>,
    /// The leaf hash the store kept beside it, if it kept one.
    pub stored_hash: Option<Hash>,
}

/// What a verified log looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLog {
    /// Entries read.
    pub entries: u64,
    /// MTH of all the entries.
    pub root: Hash,
    /// The size of the largest checkpoint, 0 without one.
    pub checkpoint_size: u64,
    /// The origin of the largest checkpoint.
    pub origin: Option<String>,
    /// Entries after the largest checkpoint: written but not yet signed.
    pub unsigned_tail: u64,
}

impl VerifiedLog {
    /// Warnings that do not fail verification: an unsigned tail.
    pub fn warnings(&self) -> Vec<String> {
        if self.unsigned_tail == 0 {
            return Vec::new();
        }
        let noun = if self.unsigned_tail == 1 {
            "entry"
        } else {
            "entries"
        };
        vec![format!(
            "{} {noun} after the last checkpoint",
            self.unsigned_tail
        )]
    }
}

impl fmt::Display for VerifiedLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} entries, root {}, {} signed",
            self.entries,
            hex::encode(&self.root),
            self.checkpoint_size
        )?;
        for warning in self.warnings() {
            write!(f, "; {warning}")?;
        }
        Ok(())
    }
}

/// Checks entries one at a time, for a store that reads its log in pages.
#[derive(Debug, Clone)]
pub struct LogVerifier {
    tree: CompactTree,
    /// (size, root) of each checkpoint, ascending, one per size.
    checkpoints: Vec<(u64, Hash)>,
    next_checkpoint: usize,
    last_good: Option<u64>,
    origin: Option<String>,
}

impl LogVerifier {
    /// A verifier for a log whose checkpoints (any order, any number, none for a log that was
    /// never signed) must all be signed by `key` and name the same origin.
    ///
    /// # Errors
    ///
    /// [`LogError::Checkpoint`] for a checkpoint not validly signed by `key`,
    /// [`LogError::MixedOrigins`] for checkpoints of different logs,
    /// [`LogError::ConflictingCheckpoints`] for two of the same size with different roots.
    pub fn new(checkpoints: &[SignedCheckpoint], key: &VerifierKey) -> Result<Self, LogError> {
        let mut heads: Vec<(u64, Hash, &str)> = Vec::with_capacity(checkpoints.len());
        for signed in checkpoints {
            let size = signed.checkpoint().size;
            signed
                .verify(std::slice::from_ref(key))
                .map_err(|source| LogError::Checkpoint { size, source })?;
            let origin = signed.checkpoint().origin.as_str();
            if let Some(&(_, _, first)) = heads.first()
                && first != origin
            {
                return Err(LogError::MixedOrigins {
                    first: first.to_owned(),
                    other: origin.to_owned(),
                });
            }
            heads.push((size, signed.checkpoint().root, origin));
        }
        heads.sort_by_key(|head| head.0);
        let mut unique: Vec<(u64, Hash)> = Vec::with_capacity(heads.len());
        for &(size, root, _) in &heads {
            match unique.last() {
                Some(&(last, last_root)) if last == size => {
                    if last_root != root {
                        return Err(LogError::ConflictingCheckpoints { size });
                    }
                }
                _ => unique.push((size, root)),
            }
        }
        let mut verifier = Self {
            tree: CompactTree::new(),
            checkpoints: unique,
            next_checkpoint: 0,
            last_good: None,
            origin: heads.last().map(|head| head.2.to_owned()),
        };
        verifier.check_reached()?;
        Ok(verifier)
    }

    /// Checks the next entry.
    ///
    /// # Errors
    ///
    /// The first problem this entry shows, or a checkpoint whose size it completes and whose
    /// root differs.
    pub fn push(&mut self, entry: &LogEntry) -> Result<(), LogError> {
        let expected = self.tree.size();
        if entry.index != expected {
            return Err(LogError::IndexGap {
                expected,
                found: entry.index,
            });
        }
        if let Err(e) = AuditEvent::from_leaf(&entry.leaf) {
            return Err(LogError::NotAnEvent {
                index: entry.index,
                reason: e.to_string(),
            });
        }
        let hash = leaf_hash(&entry.leaf);
        if let Some(stored) = entry.stored_hash
            && stored != hash
        {
            return Err(LogError::LeafHashMismatch {
                index: entry.index,
                stored: hex::encode(&stored),
                computed: hex::encode(&hash),
            });
        }
        self.tree.push_hash(hash);
        self.check_reached()
    }

    /// Ends verification.
    ///
    /// # Errors
    ///
    /// [`LogError::Truncated`] when a checkpoint signs more entries than were read.
    pub fn finish(self) -> Result<VerifiedLog, LogError> {
        let entries = self.tree.size();
        let checkpoint_size = self.checkpoints.last().map_or(0, |c| c.0);
        if checkpoint_size > entries {
            return Err(LogError::Truncated {
                entries,
                size: checkpoint_size,
            });
        }
        Ok(VerifiedLog {
            entries,
            root: self.tree.root(),
            checkpoint_size,
            origin: self.origin,
            unsigned_tail: entries - checkpoint_size,
        })
    }

    /// Compares the root with every checkpoint the tree has just reached.
    fn check_reached(&mut self) -> Result<(), LogError> {
        while let Some(&(size, signed)) = self.checkpoints.get(self.next_checkpoint) {
            if size != self.tree.size() {
                break;
            }
            let computed = self.tree.root();
            if computed != signed {
                return Err(LogError::RootMismatch {
                    size,
                    computed: hex::encode(&computed),
                    signed: hex::encode(&signed),
                    after_size: self.last_good,
                });
            }
            self.last_good = Some(size);
            self.next_checkpoint += 1;
        }
        Ok(())
    }
}

/// Verifies a whole log against its latest signed checkpoint (`None` for a log never signed).
///
/// Leaves are `(index, bytes)` in index order. A log with more entries than the checkpoint
/// verifies, with the extra entries reported by [`VerifiedLog::warnings`]; an empty log with no
/// checkpoint verifies.
///
/// # Errors
///
/// The first bad entry or checkpoint, see [`LogError`].
pub fn verify_log<I>(
    leaves: I,
    checkpoint: Option<&SignedCheckpoint>,
    key: &VerifierKey,
) -> Result<VerifiedLog, LogError>
where
    I: IntoIterator<Item = (u64, Vec<u8>)>,
{
    let checkpoints: Vec<SignedCheckpoint> = checkpoint.into_iter().cloned().collect();
    verify_log_entries(
        leaves.into_iter().map(|(index, leaf)| LogEntry {
            index,
            leaf,
            stored_hash: None,
        }),
        &checkpoints,
        key,
    )
}

/// Verifies a whole log against every checkpoint kept (intermediate ones narrow down where a
/// root diverges) and the leaf hashes stored beside the entries (which name the exact entry).
///
/// # Errors
///
/// The first bad entry or checkpoint, see [`LogError`].
pub fn verify_log_entries<I>(
    entries: I,
    checkpoints: &[SignedCheckpoint],
    key: &VerifierKey,
) -> Result<VerifiedLog, LogError>
where
    I: IntoIterator<Item = LogEntry>,
{
    let mut verifier = LogVerifier::new(checkpoints, key)?;
    for entry in entries {
        verifier.push(&entry)?;
    }
    verifier.finish()
}
