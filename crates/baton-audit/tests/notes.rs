//! Signed notes and checkpoints: the Go `sumdb/note` documentation's keys and signatures, key
//! strings refused when mangled, malformed notes refused, and hostile bytes never panicking.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_audit::{
    Checkpoint, MAX_NOTE_SIZE, MAX_SIGNATURES, NoteError, NoteSigner, SignedCheckpoint, SignedNote,
    VerifierKey,
};
use proptest::prelude::*;

// The worked example of golang.org/x/mod/sumdb/note's package documentation.
const GO_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                       then you don't know what your problem is.\n";
const GO_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

#[test]
fn go_reference_note_is_reproduced_byte_for_byte() {
    let signer = NoteSigner::parse(GO_SKEY).unwrap();
    assert_eq!(signer.name(), "PeterNeumann");
    assert_eq!(signer.key_id(), 0xc74f_20a3);
    assert_eq!(signer.to_private_key_string(), GO_SKEY);
    assert_eq!(signer.verifier().to_string(), GO_VKEY);
    // Ed25519 is deterministic: the same key and text give the published note.
    let note = signer.sign_note(GO_TEXT).unwrap();
    assert_eq!(note, format!("{GO_TEXT}\n{GO_SIG}"));
    let verifier = VerifierKey::parse(GO_VKEY).unwrap();
    let parsed = SignedNote::parse(note.as_bytes()).unwrap();
    assert_eq!(parsed.text, GO_TEXT);
    assert_eq!(parsed.verify(&[verifier]), Ok(()));
}

#[test]
fn go_reference_doubly_signed_note() {
    let note = format!("{GO_TEXT}\n{GO_SIG}{ENOCH_SIG}");
    let parsed = SignedNote::parse(note.as_bytes()).unwrap();
    assert_eq!(parsed.signatures.len(), 2);
    let peter = VerifierKey::parse(GO_VKEY).unwrap();
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    assert_eq!(parsed.verify(std::slice::from_ref(&enoch)), Ok(()));
    assert_eq!(parsed.verify(std::slice::from_ref(&peter)), Ok(()));
    assert_eq!(parsed.verify(&[peter, enoch]), Ok(()));
    assert_eq!(parsed.to_string(), note);
}

#[test]
fn mangled_key_strings_are_refused() {
    assert!(VerifierKey::parse(GO_VKEY).is_ok());
    assert!(NoteSigner::parse(GO_SKEY).is_ok());
    for key in [GO_VKEY, GO_SKEY] {
        let bytes = key.as_bytes();
        let parse = |text: &str| {
            if key == GO_VKEY {
                VerifierKey::parse(text).is_ok()
            } else {
                NoteSigner::parse(text).is_ok()
            }
        };
        for i in 0..=bytes.len() {
            for j in i + 1..=bytes.len() {
                if i == 0 && j == bytes.len() {
                    continue;
                }
                let part = std::str::from_utf8(&bytes[i..j]).unwrap();
                assert!(!parse(part), "substring {part:?} accepted");
            }
        }
        for i in 0..bytes.len() {
            let mut changed = bytes.to_vec();
            changed[i] = changed[i].wrapping_add(1);
            if let Ok(text) = std::str::from_utf8(&changed) {
                assert!(!parse(text), "{text:?} accepted");
            }
        }
    }
    // Wrong length and unknown algorithm, with the key id adjusted (from the Go tests).
    assert!(
        VerifierKey::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err()
    );
    assert!(
        VerifierKey::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .is_err()
    );
}

fn signed_checkpoint() -> (NoteSigner, String) {
    let signer = NoteSigner::from_seed("baton.example/audit", [42; 32]).unwrap();
    let checkpoint = Checkpoint::new("baton.example/audit", 12_345, [0x5a; 32]);
    let note = SignedCheckpoint::sign(checkpoint, &signer)
        .unwrap()
        .to_note_string();
    (signer, note)
}

#[test]
fn checkpoint_note_layout() {
    let (signer, note) = signed_checkpoint();
    let (body, signature) = note.split_once("\n\n").unwrap();
    assert_eq!(
        body,
        "baton.example/audit\n12345\nWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo="
    );
    assert!(signature.starts_with("\u{2014} baton.example/audit "));
    assert!(signature.ends_with('\n') && signature.lines().count() == 1);
    let opened = SignedCheckpoint::open(note.as_bytes(), &[signer.verifier()]).unwrap();
    assert_eq!(opened.checkpoint().size, 12_345);
    assert_eq!(opened.checkpoint().root, [0x5a; 32]);
}

#[test]
fn malformed_notes_are_refused() {
    let (signer, note) = signed_checkpoint();
    let key = [signer.verifier()];
    let (body, sig_line) = note.split_once("\n\n").unwrap();
    let body = format!("{body}\n");
    let sig_rest = sig_line.strip_prefix("\u{2014} ").unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        (
            "no final newline",
            note.trim_end_matches('\n').as_bytes().to_vec(),
        ),
        ("no blank line", format!("{body}{sig_line}").into_bytes()),
        (
            "blank line after the signatures",
            format!("{note}\n").into_bytes(),
        ),
        (
            "hyphen for em dash",
            format!("{body}\n- {sig_rest}").into_bytes(),
        ),
        (
            "en dash for em dash",
            format!("{body}\n\u{2013} {sig_rest}").into_bytes(),
        ),
        (
            "em dash without space",
            format!("{body}\n\u{2014}{sig_rest}").into_bytes(),
        ),
        (
            "em dash with no-break space",
            format!("{body}\n\u{2014}\u{a0}{sig_rest}").into_bytes(),
        ),
        (
            "two spaces",
            format!("{body}\n\u{2014}  {sig_rest}").into_bytes(),
        ),
        (
            "leading space",
            format!("{body}\n \u{2014} {sig_rest}").into_bytes(),
        ),
        (
            "name with plus",
            format!(
                "{body}\n\u{2014} a+b {}",
                sig_rest.split_once(' ').unwrap().1
            )
            .into_bytes(),
        ),
        (
            "no signature",
            format!("{body}\n\u{2014} baton.example/audit\n").into_bytes(),
        ),
        (
            "empty signature",
            format!("{body}\n\u{2014} baton.example/audit \n").into_bytes(),
        ),
        (
            "not base64",
            format!("{body}\n\u{2014} baton.example/audit !!!!\n").into_bytes(),
        ),
        (
            "short signature",
            format!("{body}\n\u{2014} baton.example/audit AAAA\n").into_bytes(),
        ),
        ("carriage return", note.replace('\n', "\r\n").into_bytes()),
        (
            "tab in text",
            format!("baton.example/audit\t\n{}", &note[20..]).into_bytes(),
        ),
        ("NUL", format!("{note}\0").into_bytes()),
        ("invalid UTF-8", [note.as_bytes(), &[0xff, b'\n']].concat()),
        (
            "empty line in the checkpoint",
            note.replacen('\n', "\n\n", 1).into_bytes(),
        ),
        ("missing root line", {
            let text = "baton.example/audit\n12345\n";
            signer.sign_note(text).unwrap().into_bytes()
        }),
        ("leading zero in size", {
            let text = body.replace("12345", "012345");
            signer.sign_note(&text).unwrap().into_bytes()
        }),
        ("too many signatures", {
            let mut text = note.clone();
            for _ in 0..MAX_SIGNATURES {
                text.push_str(sig_line);
            }
            text.into_bytes()
        }),
        ("oversized", {
            let text = format!("{}\n", "x".repeat(MAX_NOTE_SIZE));
            format!("{text}\n{sig_line}").into_bytes()
        }),
    ];
    for (what, bytes) in cases {
        assert!(
            SignedCheckpoint::open(&bytes, &key).is_err(),
            "{what}: accepted"
        );
    }
    // Exactly at the limit of signatures it still reads.
    let mut many = note.clone();
    for _ in 1..MAX_SIGNATURES {
        many.push_str(sig_line);
    }
    assert_eq!(
        SignedNote::parse(many.as_bytes()).unwrap().signatures.len(),
        MAX_SIGNATURES
    );
    assert_eq!(
        SignedNote::parse(format!("{many}{sig_line}").as_bytes()),
        Err(NoteError::TooManySignatures {
            max: MAX_SIGNATURES
        })
    );
}

#[test]
fn unknown_and_invalid_signatures() {
    let (signer, note) = signed_checkpoint();
    let stranger = NoteSigner::from_seed("baton.example/audit", [1; 32]).unwrap();
    assert_eq!(
        SignedCheckpoint::open(note.as_bytes(), &[stranger.verifier()]),
        Err(NoteError::NoKnownSignature)
    );
    // The same name and id but a forged signature: refused, not ignored.
    let mut parsed = SignedNote::parse(note.as_bytes()).unwrap();
    parsed.signatures[0].signature = vec![0; 64];
    assert!(matches!(
        parsed.verify(&[signer.verifier()]),
        Err(NoteError::InvalidSignature { .. })
    ));
    // A valid signature plus an invalid one from the same known key: refused.
    let mut twice = SignedNote::parse(note.as_bytes()).unwrap();
    let mut bad = twice.signatures[0].clone();
    bad.signature[0] ^= 1;
    twice.signatures.push(bad);
    assert!(twice.verify(&[signer.verifier()]).is_err());
    // A stranger's cosignature beside the known one: fine.
    let mut cosigned = SignedNote::parse(note.as_bytes()).unwrap();
    cosigned.add_signature(&stranger);
    assert_eq!(cosigned.verify(&[signer.verifier()]), Ok(()));
}

#[test]
fn every_single_byte_change_is_refused() {
    let (signer, note) = signed_checkpoint();
    let key = [signer.verifier()];
    let bytes = note.as_bytes();
    for i in 0..bytes.len() {
        // Flipping bit 0 changes every byte into another of its kind (ASCII into ASCII, a UTF-8
        // lead or continuation byte into another), so the checks past UTF-8 decoding are reached.
        let mut changed = bytes.to_vec();
        changed[i] ^= 0x01;
        assert!(
            SignedCheckpoint::open(&changed, &key).is_err(),
            "byte {i} changed and accepted"
        );
    }
}

#[test]
fn every_truncation_is_refused() {
    let (signer, note) = signed_checkpoint();
    let key = [signer.verifier()];
    let bytes = note.as_bytes();
    for end in 0..bytes.len() {
        assert!(
            SignedCheckpoint::open(&bytes[..end], &key).is_err(),
            "prefix of {end} bytes"
        );
        assert!(
            SignedCheckpoint::open(&bytes[end + 1..], &key).is_err(),
            "suffix from {}",
            end + 1
        );
    }
}

fn note_like() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just("\u{2014} ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just(" ".to_owned()),
        Just("+".to_owned()),
        Just("=".to_owned()),
        Just("0".to_owned()),
        "[A-Za-z0-9+/]{0,90}",
        "[a-z./]{1,12}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(token, 0..40).prop_map(|parts| parts.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random bytes: an error or a note, never a panic; and never a verified note.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let key = VerifierKey::parse(GO_VKEY).unwrap();
        let _ = SignedNote::parse(&bytes);
        let _ = Checkpoint::parse(&String::from_utf8_lossy(&bytes));
        prop_assert!(SignedCheckpoint::open(&bytes, &[key]).is_err());
        let _ = VerifierKey::parse(&String::from_utf8_lossy(&bytes));
        let _ = NoteSigner::parse(&String::from_utf8_lossy(&bytes));
    }

    /// Note-shaped noise (em dashes, newlines, base64 runs): same.
    #[test]
    fn note_shaped_noise_never_panics(bytes in note_like()) {
        let key = VerifierKey::parse(GO_VKEY).unwrap();
        if let Ok(note) = SignedNote::parse(&bytes) {
            prop_assert!(note.text.ends_with('\n'));
            prop_assert_eq!(note.to_string().into_bytes(), bytes.clone());
        }
        prop_assert!(SignedCheckpoint::open(&bytes, &[key]).is_err());
    }
}
