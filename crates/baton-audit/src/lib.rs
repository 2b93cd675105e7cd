//! Baton's tamper-evident audit log, the pure half: no database, no clock, no I/O.
//!
//! - [`canonical_json`]: RFC 8785 canonical JSON, the one spelling hashed and signed.
//! - [`AuditEvent`], [`record_digest`], [`leaf_bytes`]: what one log leaf says.
//! - [`MerkleTree`], [`CompactTree`], [`verify_inclusion`], [`verify_consistency`]: the
//!   RFC 9162 §2.1 tree over the leaves, its proofs and their checks.
//! - [`Checkpoint`], [`SignedCheckpoint`], [`NoteSigner`], [`VerifierKey`]: C2SP tlog-checkpoint
//!   tree heads in C2SP signed notes, signed with Ed25519, keys in the Go `sumdb/note` strings.
//! - [`verify_log`], [`verify_log_entries`], [`LogVerifier`]: a whole log against its signed
//!   checkpoints, naming the first bad entry.
//! - [`to_json_line`], [`to_syslog_5424`]: lines for a SIEM.
//!
//! The store appends [`leaf_bytes`] of every change and signs checkpoints; the CLI's
//! `baton log verify|prove|key` calls the functions here.
//!
//! ```
//! use baton_audit::*;
//! use serde_json::json;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let signer = NoteSigner::from_seed("baton.example/audit", [7; 32])?;
//! let event = AuditEvent {
//!     actor: "alice".into(),
//!     organization: None,
//!     time: "2026-03-01T10:00:00Z".into(),
//!     action: "user.login".into(),
//!     target: "alice".into(),
//!     changes: vec![],
//!     detail: json!({}),
//! };
//! let mut tree = MerkleTree::new();
//! let leaf = leaf_bytes(&event);
//! tree.push_leaf(&leaf);
//! let head = Checkpoint::new("baton.example/audit", tree.size(), tree.current_root());
//! let note = SignedCheckpoint::sign(head, &signer)?.to_note_string();
//!
//! // Later, from what was stored:
//! let key = VerifierKey::parse(&signer.verifier().to_string())?;
//! let checkpoint = SignedCheckpoint::open(note.as_bytes(), std::slice::from_ref(&key))?;
//! let verified = verify_log([(0, leaf)], Some(&checkpoint), &key)?;
//! assert_eq!(verified.entries, 1);
//! # Ok(())
//! # }
//! ```

mod checkpoint;
mod event;
mod hex;
mod jcs;
mod merkle;
mod note;
mod siem;
mod verify;

use thiserror::Error;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use event::{AuditEvent, RecordChange, leaf_bytes, record_digest};
pub use jcs::{canonical_json, format_number};
pub use merkle::{
    CompactTree, Hash, MerkleError, MerkleTree, empty_root, leaf_hash, node_hash,
    verify_consistency, verify_inclusion,
};
pub use note::{
    ALG_ED25519, MAX_NOTE_SIZE, MAX_SIGNATURES, NoteError, NoteSignature, NoteSigner, SignedNote,
    VerifierKey, is_valid_key_name, key_id,
};
pub use siem::{SD_ID, to_json_line, to_syslog_5424};
pub use verify::{LogEntry, LogError, LogVerifier, VerifiedLog, verify_log, verify_log_entries};

/// Lowercase hex of a hash (or any bytes), the spelling used in events and messages.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Reads a hash written as 64 lowercase hex digits.
pub fn hash_from_hex(text: &str) -> Option<Hash> {
    hex::decode_32(text)
}

/// What can be wrong with canonical JSON or an event.
#[derive(Debug, Error)]
pub enum AuditError {
    /// NaN or an infinity, which JSON cannot carry.
    #[error("NaN and infinities have no JSON form")]
    NonFiniteNumber,
    /// Bytes that are not JSON of an event.
    #[error("not JSON of an audit event: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON of an event, but not in canonical form.
    #[error("not in canonical form (RFC 8785)")]
    NotCanonical,
    /// An event with a field of the wrong shape.
    #[error("invalid event: {0}")]
    InvalidEvent(String),
}
