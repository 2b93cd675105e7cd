//! Whole-log verification: a clean log, then each way a log can be tampered with, and the
//! first bad entry named.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_audit::{
    AuditEvent, Checkpoint, LogEntry, LogError, LogVerifier, MerkleTree, NoteError, NoteSigner,
    RecordChange, SignedCheckpoint, canonical_json, leaf_bytes, leaf_hash, record_digest,
    verify_log, verify_log_entries,
};
use serde_json::{Value, json};

const ORIGIN: &str = "baton.example/audit";

fn event(i: u64) -> AuditEvent {
    AuditEvent {
        actor: if i.is_multiple_of(3) {
            "alice".into()
        } else {
            "bob".into()
        },
        organization: i.is_multiple_of(2).then(|| "General Hospital".to_owned()),
        time: format!("2026-03-01T10:{:02}:{:02}Z", i / 60 % 60, i % 60),
        action: "import.inventory".into(),
        target: format!("inventory-{i}.csv"),
        changes: vec![RecordChange {
            table: "assets".into(),
            key: format!("A-{i}"),
            before: (i > 0).then(|| record_digest(&json!({"asset": i - 1}))),
            after: Some(record_digest(&json!({"asset": i}))),
        }],
        detail: json!({"rows": i, "ratio": 0.1 * i as f64}),
    }
}

struct Log {
    signer: NoteSigner,
    leaves: Vec<Vec<u8>>,
    tree: MerkleTree,
}

impl Log {
    fn new(n: u64) -> Self {
        let signer = NoteSigner::from_seed(ORIGIN, [11; 32]).unwrap();
        let leaves: Vec<Vec<u8>> = (0..n).map(|i| leaf_bytes(&event(i))).collect();
        let mut tree = MerkleTree::new();
        for leaf in &leaves {
            tree.push_leaf(leaf);
        }
        Self {
            signer,
            leaves,
            tree,
        }
    }

    fn checkpoint(&self, size: u64) -> SignedCheckpoint {
        let checkpoint = Checkpoint::new(ORIGIN, size, self.tree.root(size).unwrap());
        SignedCheckpoint::sign(checkpoint, &self.signer).unwrap()
    }

    fn pairs(&self) -> Vec<(u64, Vec<u8>)> {
        self.leaves
            .iter()
            .enumerate()
            .map(|(i, leaf)| (i as u64, leaf.clone()))
            .collect()
    }

    fn entries(&self) -> Vec<LogEntry> {
        self.leaves
            .iter()
            .enumerate()
            .map(|(i, leaf)| LogEntry {
                index: i as u64,
                leaf: leaf.clone(),
                stored_hash: Some(leaf_hash(leaf)),
            })
            .collect()
    }
}

/// Leaf `i` with its actor changed, still canonical: an edit that only the tree can see.
fn forged_leaf(i: u64) -> Vec<u8> {
    let mut forged = event(i);
    forged.actor = "mallory".into();
    leaf_bytes(&forged)
}

#[test]
fn a_clean_log_verifies() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let verified = verify_log(log.pairs(), Some(&log.checkpoint(10)), &key).unwrap();
    assert_eq!(verified.entries, 10);
    assert_eq!(verified.checkpoint_size, 10);
    assert_eq!(verified.unsigned_tail, 0);
    assert_eq!(verified.root, log.tree.current_root());
    assert_eq!(verified.origin.as_deref(), Some(ORIGIN));
    assert!(verified.warnings().is_empty());
    // And through a note read back from text.
    let text = log.checkpoint(10).to_note_string();
    let read = SignedCheckpoint::parse(text.as_bytes()).unwrap();
    assert!(verify_log(log.pairs(), Some(&read), &key).is_ok());
}

#[test]
fn an_empty_log_verifies_with_or_without_a_checkpoint() {
    let log = Log::new(0);
    let key = log.signer.verifier();
    let verified = verify_log(Vec::new(), None, &key).unwrap();
    assert_eq!(
        (
            verified.entries,
            verified.checkpoint_size,
            verified.unsigned_tail
        ),
        (0, 0, 0)
    );
    assert!(verify_log(Vec::new(), Some(&log.checkpoint(0)), &key).is_ok());
}

#[test]
fn an_unsigned_tail_is_a_warning() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let verified = verify_log(log.pairs(), Some(&log.checkpoint(7)), &key).unwrap();
    assert_eq!(verified.unsigned_tail, 3);
    assert_eq!(verified.warnings(), ["3 entries after the last checkpoint"]);
    assert!(
        verified
            .to_string()
            .ends_with("; 3 entries after the last checkpoint")
    );
    let unsigned = verify_log(log.pairs().into_iter().take(1), None, &key).unwrap();
    assert_eq!(unsigned.warnings(), ["1 entry after the last checkpoint"]);
}

#[test]
fn gaps_repeats_and_reorderings_name_the_index() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let checkpoint = log.checkpoint(10);

    let mut gap = log.pairs();
    gap.remove(4);
    let err = verify_log(gap, Some(&checkpoint), &key).unwrap_err();
    assert_eq!(
        err,
        LogError::IndexGap {
            expected: 4,
            found: 5
        }
    );
    assert_eq!(err.to_string(), "index 4 expected, 5 found");

    let mut swapped = log.pairs();
    swapped.swap(3, 4);
    assert_eq!(
        verify_log(swapped, Some(&checkpoint), &key).unwrap_err(),
        LogError::IndexGap {
            expected: 3,
            found: 4
        }
    );

    let mut repeated = log.pairs();
    repeated.insert(4, repeated[3].clone());
    assert_eq!(
        verify_log(repeated, Some(&checkpoint), &key).unwrap_err(),
        LogError::IndexGap {
            expected: 4,
            found: 3
        }
    );

    let mut from_one = log.pairs();
    from_one.remove(0);
    assert_eq!(
        verify_log(from_one, Some(&checkpoint), &key).unwrap_err(),
        LogError::IndexGap {
            expected: 0,
            found: 1
        }
    );
}

#[test]
fn an_edited_row_that_is_not_canonical_is_named() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let checkpoint = log.checkpoint(10);
    let reformatted = serde_json::to_vec_pretty(&event(6)).unwrap();
    let by_hand = String::from_utf8(log.leaves[6].clone())
        .unwrap()
        .replace("\"actor\":\"alice\"", "\"actor\": \"mallory\"");
    let mut extra: Value = serde_json::from_slice(&log.leaves[6]).unwrap();
    extra["approved_by"] = json!("nobody");
    let extra = canonical_json(&extra).unwrap().into_bytes();
    let mut bad_time = event(6);
    bad_time.time = "yesterday".into();
    for (what, leaf) in [
        ("pretty", reformatted),
        ("hand edit", by_hand.into_bytes()),
        ("extra member", extra),
        ("invalid time", leaf_bytes(&bad_time)),
        ("not JSON", b"\x00\x01garbage".to_vec()),
        ("empty", Vec::new()),
    ] {
        let mut pairs = log.pairs();
        pairs[6].1 = leaf;
        match verify_log(pairs, Some(&checkpoint), &key) {
            Err(LogError::NotAnEvent { index: 6, reason }) => assert!(!reason.is_empty(), "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn a_canonical_forgery_is_caught_by_the_root() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let mut pairs = log.pairs();
    pairs[6].1 = forged_leaf(6);
    let err = verify_log(pairs, Some(&log.checkpoint(10)), &key).unwrap_err();
    match &err {
        LogError::RootMismatch {
            size: 10,
            after_size: None,
            computed,
            signed,
        } => {
            assert_ne!(computed, signed);
            assert_eq!(signed, &baton_audit::to_hex(&log.tree.current_root()));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("among 0..10"), "{err}");
}

#[test]
fn stored_leaf_hashes_name_the_forged_entry() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let mut entries = log.entries();
    entries[6].leaf = forged_leaf(6);
    match verify_log_entries(entries, &[log.checkpoint(10)], &key).unwrap_err() {
        LogError::LeafHashMismatch {
            index: 6,
            stored,
            computed,
        } => {
            assert_eq!(stored, baton_audit::to_hex(&leaf_hash(&log.leaves[6])));
            assert_eq!(computed, baton_audit::to_hex(&leaf_hash(&forged_leaf(6))));
        }
        other => panic!("{other:?}"),
    }
    // The forger who also rewrote the stored hash is still caught by the signed root.
    let mut entries = log.entries();
    entries[6].leaf = forged_leaf(6);
    entries[6].stored_hash = Some(leaf_hash(&forged_leaf(6)));
    assert!(matches!(
        verify_log_entries(entries, &[log.checkpoint(10)], &key),
        Err(LogError::RootMismatch { size: 10, .. })
    ));
}

#[test]
fn intermediate_checkpoints_narrow_down_the_divergence() {
    let log = Log::new(20);
    let key = log.signer.verifier();
    let checkpoints = [
        log.checkpoint(16),
        log.checkpoint(4),
        log.checkpoint(8),
        log.checkpoint(20),
    ];
    let mut entries = log.entries();
    for entry in &mut entries {
        entry.stored_hash = None;
    }
    assert!(verify_log_entries(entries.clone(), &checkpoints, &key).is_ok());
    entries[6].leaf = forged_leaf(6);
    let err = verify_log_entries(entries, &checkpoints, &key).unwrap_err();
    assert!(
        matches!(
            err,
            LogError::RootMismatch {
                size: 8,
                after_size: Some(4),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("among 4..8"), "{err}");
}

#[test]
fn truncation_is_an_error() {
    let log = Log::new(10);
    let key = log.signer.verifier();
    let pairs: Vec<_> = log.pairs().into_iter().take(7).collect();
    let err = verify_log(pairs, Some(&log.checkpoint(10)), &key).unwrap_err();
    assert_eq!(
        err,
        LogError::Truncated {
            entries: 7,
            size: 10
        }
    );
    assert_eq!(
        err.to_string(),
        "the log has 7 entries but a checkpoint signs 10: entries 7..10 are missing"
    );
    assert_eq!(
        verify_log(Vec::new(), Some(&log.checkpoint(10)), &key).unwrap_err(),
        LogError::Truncated {
            entries: 0,
            size: 10
        }
    );
}

#[test]
fn checkpoints_must_be_signed_by_the_key_and_agree() {
    let log = Log::new(10);
    let stranger = NoteSigner::from_seed(ORIGIN, [12; 32]).unwrap();
    assert_eq!(
        verify_log(log.pairs(), Some(&log.checkpoint(10)), &stranger.verifier()).unwrap_err(),
        LogError::Checkpoint {
            size: 10,
            source: NoteError::NoKnownSignature
        }
    );
    // A checkpoint whose text was changed after signing.
    let altered = log
        .checkpoint(10)
        .to_note_string()
        .replace("\n10\n", "\n11\n");
    let altered = SignedCheckpoint::parse(altered.as_bytes()).unwrap();
    assert_eq!(altered.checkpoint().size, 11);
    assert!(matches!(
        verify_log(log.pairs(), Some(&altered), &log.signer.verifier()),
        Err(LogError::Checkpoint {
            size: 11,
            source: NoteError::InvalidSignature { .. }
        })
    ));
    // Two signed heads of one size with different roots: a fork.
    let fork = SignedCheckpoint::sign(Checkpoint::new(ORIGIN, 10, [0; 32]), &log.signer).unwrap();
    assert_eq!(
        verify_log_entries(
            log.entries(),
            &[log.checkpoint(10), fork],
            &log.signer.verifier()
        )
        .unwrap_err(),
        LogError::ConflictingCheckpoints { size: 10 }
    );
    // Another log's head, signed by the same key.
    let other = SignedCheckpoint::sign(
        Checkpoint::new("other.example/log", 3, [0; 32]),
        &log.signer,
    )
    .unwrap();
    assert!(matches!(
        verify_log_entries(
            log.entries(),
            &[log.checkpoint(10), other],
            &log.signer.verifier()
        ),
        Err(LogError::MixedOrigins { .. })
    ));
}

#[test]
fn the_incremental_verifier_reports_as_it_reads() {
    let log = Log::new(12);
    let key = log.signer.verifier();
    let mut verifier = LogVerifier::new(&[log.checkpoint(5), log.checkpoint(12)], &key).unwrap();
    for entry in log.entries().iter().take(5) {
        verifier.push(entry).unwrap();
    }
    let mut bad = log.entries()[5].clone();
    bad.index = 9;
    assert_eq!(
        verifier.push(&bad),
        Err(LogError::IndexGap {
            expected: 5,
            found: 9
        })
    );
    for entry in log.entries().iter().skip(5) {
        verifier.push(entry).unwrap();
    }
    let verified = verifier.finish().unwrap();
    assert_eq!(verified.entries, 12);
    assert_eq!(verified.root, log.tree.current_root());
}

#[test]
fn a_larger_log_verifies_quickly() {
    let log = Log::new(3_000);
    let key = log.signer.verifier();
    let checkpoints: Vec<_> = [1_000, 2_048, 2_999]
        .iter()
        .map(|&s| log.checkpoint(s))
        .collect();
    let verified = verify_log_entries(log.entries(), &checkpoints, &key).unwrap();
    assert_eq!(verified.unsigned_tail, 1);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Random bytes as a leaf: an error naming that entry, never a panic.
    #[test]
    fn random_leaves_are_named_never_panic(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        at in 0usize..4,
    ) {
        let log = Log::new(4);
        let mut pairs = log.pairs();
        pairs[at].1 = bytes;
        let result = verify_log(pairs, None, &log.signer.verifier());
        let named = matches!(result, Err(LogError::NotAnEvent { index, .. }) if index == at as u64);
        proptest::prop_assert!(named);
    }
}
