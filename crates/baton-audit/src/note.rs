//! Signed notes (C2SP signed-note) with Ed25519 keys, and the key strings of the Go
//! `sumdb/note` package.
//!
//! A signed note is a text ending in a newline, a blank line, then one or more lines
//! `— <key name> <base64(key id || signature)>`. The key id is the first four bytes (big-endian)
//! of SHA-256(key name || 0x0A || 0x01 || 32-byte public key); 0x01 is the Ed25519 type.
//!
//! Keys are written as:
//! - verifier: `<name>+<8 hex digits of key id>+<base64(0x01 || public key)>`;
//! - signer: `PRIVATE+KEY+<name>+<8 hex digits of key id>+<base64(0x01 || 32-byte seed)>`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The signature type byte of Ed25519 in C2SP signed-note.
pub const ALG_ED25519: u8 = 0x01;

/// The largest note accepted, in bytes. A checkpoint with a few signatures is well under 1 KiB;
/// this leaves room for the 16 signatures the spec asks verifiers to accept and for long ones.
pub const MAX_NOTE_SIZE: usize = 64 * 1024;

/// The most signature lines accepted in one note (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";

/// What can be wrong with a note, a key or a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    /// More bytes than [`MAX_NOTE_SIZE`].
    #[error("note is {size} bytes, more than the {max} accepted")]
    TooLarge {
        /// The note's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not UTF-8.
    #[error("note is not valid UTF-8")]
    NotUtf8,
    /// A control character other than newline.
    #[error("note has control character U+{code:04X} at byte {offset}")]
    ControlCharacter {
        /// Its byte offset.
        offset: usize,
        /// The character.
        code: u32,
    },
    /// The note's structure is wrong (no blank line before signatures, no final newline, …).
    #[error("malformed note: {0}")]
    Malformed(String),
    /// A signature line that is not `— <name> <base64>`.
    #[error("malformed signature line {line}: {reason}")]
    MalformedSignature {
        /// 1-based, counted from the first signature line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// More signature lines than [`MAX_SIGNATURES`].
    #[error("note has more than {max} signatures")]
    TooManySignatures {
        /// The limit.
        max: usize,
    },
    /// No signature from a known key.
    #[error("note has no signature from a known key")]
    NoKnownSignature,
    /// A signature from a known key that does not verify.
    #[error("invalid signature for key {name}+{key_id:08x}")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key id.
        key_id: u32,
    },
    /// A verifier or signer key string that cannot be used.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A note text that is not a checkpoint.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    /// The operating system gave no randomness for a new key.
    #[error("no randomness for a new key: {0}")]
    Random(String),
}

/// Whether `name` can name a key: non-empty, no Unicode space, no `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// The key id of an Ed25519 public key under `name`.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public_key);
    let digest = h.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A public key that verifies note signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// The verifier for an Ed25519 public key under `name`.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidKey`] for an invalid name or bytes that are not a curve point.
    pub fn from_public_key(name: &str, public_key: [u8; 32]) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKey(format!("invalid key name {name:?}")));
        }
        let key = VerifyingKey::from_bytes(&public_key)
            .map_err(|_| NoteError::InvalidKey("not an Ed25519 public key".into()))?;
        Ok(Self {
            name: name.to_owned(),
            id: key_id(name, &public_key),
            key,
        })
    }

    /// Reads `<name>+<hex id>+<base64(0x01 || public key)>`, checking the id.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidKey`] naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let text = text.trim_end_matches(['\n', '\r']);
        let (name, rest) = text
            .split_once('+')
            .ok_or_else(|| NoteError::InvalidKey("expected <name>+<id>+<key>".into()))?;
        let (id_hex, key_b64) = rest
            .split_once('+')
            .ok_or_else(|| NoteError::InvalidKey("expected <name>+<id>+<key>".into()))?;
        let id = parse_key_id(id_hex)?;
        let public_key = decode_typed_key(key_b64)?;
        let verifier = Self::from_public_key(name, public_key)?;
        if verifier.id != id {
            return Err(NoteError::InvalidKey(format!(
                "key id {id:08x} does not match the key (expected {:08x})",
                verifier.id
            )));
        }
        Ok(verifier)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// The raw Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Whether `signature` is this key's Ed25519 signature of `message` (strict verification:
    /// non-canonical and small-order encodings are refused).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(message, &signature).is_ok()
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut typed = Vec::with_capacity(33);
        typed.push(ALG_ED25519);
        typed.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.id, BASE64.encode(typed))
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

/// A private key that signs notes. Its `Debug` shows the name and id only; the seed leaves
/// only through [`NoteSigner::to_private_key_string`].
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    id: u32,
    key: SigningKey,
}

impl NoteSigner {
    /// The signer for a 32-byte Ed25519 seed under `name`.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidKey`] for an invalid name.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKey(format!("invalid key name {name:?}")));
        }
        let key = SigningKey::from_bytes(&seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// A new signer from the operating system's randomness.
    ///
    /// # Errors
    ///
    /// [`NoteError::Random`] when the OS has no randomness to give, or an invalid name.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| NoteError::Random(e.to_string()))?;
        let signer = Self::from_seed(name, seed);
        seed.fill(0);
        signer
    }

    /// Reads `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`, checking the id.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidKey`] naming what is wrong (never the key itself).
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let text = text.trim_end_matches(['\n', '\r']);
        let rest = text.strip_prefix("PRIVATE+KEY+").ok_or_else(|| {
            NoteError::InvalidKey("expected PRIVATE+KEY+<name>+<id>+<key>".into())
        })?;
        let (name, rest) = rest.split_once('+').ok_or_else(|| {
            NoteError::InvalidKey("expected PRIVATE+KEY+<name>+<id>+<key>".into())
        })?;
        let (id_hex, key_b64) = rest.split_once('+').ok_or_else(|| {
            NoteError::InvalidKey("expected PRIVATE+KEY+<name>+<id>+<key>".into())
        })?;
        let id = parse_key_id(id_hex)?;
        let mut seed = decode_typed_key(key_b64)?;
        let signer = Self::from_seed(name, seed);
        seed.fill(0);
        let signer = signer?;
        if signer.id != id {
            return Err(NoteError::InvalidKey(format!(
                "key id {id:08x} does not match the key (expected {:08x})",
                signer.id
            )));
        }
        Ok(signer)
    }

    /// The private key string. Keep it secret.
    pub fn to_private_key_string(&self) -> String {
        let mut typed = Vec::with_capacity(33);
        typed.push(ALG_ED25519);
        typed.extend_from_slice(self.key.as_bytes());
        let text = format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            BASE64.encode(&typed)
        );
        typed.fill(0);
        text
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// This key's signature line for `text`: `— <name> <base64(id || signature)>\n`.
    fn signature_line(&self, text: &str) -> String {
        let signature = self.key.sign(text.as_bytes());
        let mut bytes = Vec::with_capacity(4 + 64);
        bytes.extend_from_slice(&self.id.to_be_bytes());
        bytes.extend_from_slice(&signature.to_bytes());
        format!("{SIG_PREFIX}{} {}\n", self.name, BASE64.encode(bytes))
    }

    /// Signs a note text (which must end in a newline and hold no control character but
    /// newline) and returns the whole signed note.
    ///
    /// # Errors
    ///
    /// [`NoteError::Malformed`] or [`NoteError::ControlCharacter`] for a text that cannot be a
    /// note's text, [`NoteError::TooLarge`] when the note would be too large to read back.
    pub fn sign_note(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let note = format!("{text}\n{}", self.signature_line(text));
        if note.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge {
                size: note.len(),
                max: MAX_NOTE_SIZE,
            });
        }
        Ok(note)
    }
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteSigner({}+{:08x})", self.name, self.id)
    }
}

fn parse_key_id(text: &str) -> Result<u32, NoteError> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(NoteError::InvalidKey("key id is not 8 hex digits".into()));
    }
    u32::from_str_radix(text, 16)
        .map_err(|_| NoteError::InvalidKey("key id is not 8 hex digits".into()))
}

fn decode_typed_key(text: &str) -> Result<[u8; 32], NoteError> {
    let bytes = BASE64
        .decode(text)
        .map_err(|_| NoteError::InvalidKey("key is not standard base64".into()))?;
    match bytes.split_first() {
        Some((&ALG_ED25519, key)) => <[u8; 32]>::try_from(key)
            .map_err(|_| NoteError::InvalidKey("Ed25519 key is not 32 bytes".into())),
        Some((alg, _)) => Err(NoteError::InvalidKey(format!(
            "unknown key algorithm {alg:#04x}"
        ))),
        None => Err(NoteError::InvalidKey("empty key".into())),
    }
}

/// A note text: ends in a newline, no control character but newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed(
            "text does not end with a newline".into(),
        ));
    }
    check_characters(text)
}

fn check_characters(text: &str) -> Result<(), NoteError> {
    match text.char_indices().find(|&(_, c)| c < ' ' && c != '\n') {
        Some((offset, c)) => Err(NoteError::ControlCharacter {
            offset,
            code: u32::from(c),
        }),
        None => Ok(()),
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key id.
    pub key_id: u32,
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

/// A note read from bytes, its signatures not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

impl SignedNote {
    /// Reads a signed note's structure (nothing is verified yet).
    ///
    /// # Errors
    ///
    /// [`NoteError`] for a note too large, not UTF-8, with a control character, without a blank
    /// line before the signatures or a final newline, with a malformed signature line, or with
    /// more than [`MAX_SIGNATURES`] signatures.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        if bytes.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge {
                size: bytes.len(),
                max: MAX_NOTE_SIZE,
            });
        }
        let note = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        check_characters(note)?;
        // The text is separated from the signatures by the last empty line.
        let split = note
            .rfind("\n\n")
            .ok_or_else(|| NoteError::Malformed("no blank line before the signatures".into()))?;
        let text = &note[..=split];
        let block = &note[split + 2..];
        if block.is_empty() {
            return Err(NoteError::Malformed("no signature lines".into()));
        }
        if !block.ends_with('\n') {
            return Err(NoteError::Malformed(
                "the last signature line does not end with a newline".into(),
            ));
        }
        let mut signatures = Vec::new();
        for (i, line) in block[..block.len() - 1].split('\n').enumerate() {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures {
                    max: MAX_SIGNATURES,
                });
            }
            signatures.push(parse_signature_line(line, i + 1)?);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Checks the note against the known keys: every signature whose key name and id match a
    /// known key must verify, and at least one must. Signatures of unknown keys are ignored.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidSignature`] for a known key's signature that does not verify,
    /// [`NoteError::NoKnownSignature`] when no known key signed.
    pub fn verify(&self, keys: &[VerifierKey]) -> Result<(), NoteError> {
        let mut verified = 0usize;
        for signature in &self.signatures {
            for key in keys
                .iter()
                .filter(|k| k.name == signature.name && k.id == signature.key_id)
            {
                if !key.verify(self.text.as_bytes(), &signature.signature) {
                    return Err(NoteError::InvalidSignature {
                        name: signature.name.clone(),
                        key_id: signature.key_id,
                    });
                }
                verified += 1;
            }
        }
        if verified == 0 {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(())
    }

    /// Adds `signer`'s signature (a cosignature, or a new key's during rotation).
    pub fn add_signature(&mut self, signer: &NoteSigner) {
        let signature = signer.key.sign(self.text.as_bytes());
        self.signatures.push(NoteSignature {
            name: signer.name.clone(),
            key_id: signer.id,
            signature: signature.to_bytes().to_vec(),
        });
    }
}

impl fmt::Display for SignedNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.text)?;
        for signature in &self.signatures {
            let mut bytes = Vec::with_capacity(4 + signature.signature.len());
            bytes.extend_from_slice(&signature.key_id.to_be_bytes());
            bytes.extend_from_slice(&signature.signature);
            writeln!(f, "{SIG_PREFIX}{} {}", signature.name, BASE64.encode(bytes))?;
        }
        Ok(())
    }
}

fn parse_signature_line(line: &str, number: usize) -> Result<NoteSignature, NoteError> {
    let malformed = |reason: &str| NoteError::MalformedSignature {
        line: number,
        reason: reason.to_owned(),
    };
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or_else(|| malformed("does not start with an em dash (U+2014) and a space"))?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or_else(|| malformed("no space between the key name and the signature"))?;
    if !is_valid_key_name(name) {
        return Err(malformed("invalid key name"));
    }
    if encoded.is_empty() {
        return Err(malformed("empty signature"));
    }
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| malformed("signature is not standard base64"))?;
    if bytes.len() < 5 {
        return Err(malformed("signature shorter than a key id and one byte"));
    }
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        signature: bytes[4..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: [u8; 32] = [7; 32];

    #[test]
    fn sign_parse_verify_round_trip() {
        let signer = NoteSigner::from_seed("example.org/log", SEED).unwrap();
        let note = signer.sign_note("hello\nworld\n").unwrap();
        let parsed = SignedNote::parse(note.as_bytes()).unwrap();
        assert_eq!(parsed.text, "hello\nworld\n");
        assert_eq!(parsed.to_string(), note);
        assert_eq!(parsed.verify(&[signer.verifier()]), Ok(()));
    }

    #[test]
    fn unknown_keys_are_ignored_but_one_known_is_needed() {
        let signer = NoteSigner::from_seed("a", SEED).unwrap();
        let other = NoteSigner::from_seed("b", [9; 32]).unwrap();
        let mut note = SignedNote::parse(signer.sign_note("x\n").unwrap().as_bytes()).unwrap();
        assert_eq!(
            note.verify(&[other.verifier()]),
            Err(NoteError::NoKnownSignature)
        );
        note.add_signature(&other);
        assert_eq!(note.verify(&[other.verifier()]), Ok(()));
        assert_eq!(note.verify(&[signer.verifier(), other.verifier()]), Ok(()));
        // Same name, other key: a different id, so ignored rather than failed.
        let impostor = NoteSigner::from_seed("a", [1; 32]).unwrap();
        assert_eq!(
            note.verify(&[impostor.verifier()]),
            Err(NoteError::NoKnownSignature)
        );
    }

    #[test]
    fn a_bad_signature_from_a_known_key_rejects_the_note() {
        let signer = NoteSigner::from_seed("a", SEED).unwrap();
        let mut note = SignedNote::parse(signer.sign_note("x\n").unwrap().as_bytes()).unwrap();
        note.signatures[0].signature[10] ^= 1;
        assert!(matches!(
            note.verify(&[signer.verifier()]),
            Err(NoteError::InvalidSignature { .. })
        ));
        note.signatures[0].signature.truncate(10);
        assert!(matches!(
            note.verify(&[signer.verifier()]),
            Err(NoteError::InvalidSignature { .. })
        ));
    }

    #[test]
    fn texts_that_cannot_be_signed() {
        let signer = NoteSigner::from_seed("a", SEED).unwrap();
        assert!(signer.sign_note("no newline").is_err());
        assert!(signer.sign_note("tab\there\n").is_err());
        assert!(signer.sign_note(&"x".repeat(MAX_NOTE_SIZE)).is_err());
        assert!(NoteSigner::from_seed("with space", SEED).is_err());
        assert!(NoteSigner::from_seed("with+plus", SEED).is_err());
        assert!(NoteSigner::from_seed("", SEED).is_err());
    }

    #[test]
    fn key_strings_round_trip_and_debug_hides_the_seed() {
        let signer = NoteSigner::from_seed("example.org/log", SEED).unwrap();
        let private = signer.to_private_key_string();
        let again = NoteSigner::parse(&private).unwrap();
        assert_eq!(again.verifier(), signer.verifier());
        let public = signer.verifier().to_string();
        assert_eq!(VerifierKey::parse(&public).unwrap(), signer.verifier());
        assert_eq!(
            VerifierKey::parse(&format!("{public}\n")).unwrap(),
            signer.verifier()
        );
        let debug = format!("{signer:?}");
        assert!(!debug.contains(&private[private.len() - 20..]));
        assert!(debug.contains("example.org/log"));
    }

    #[test]
    fn generated_keys_differ() {
        let a = NoteSigner::generate("a").unwrap();
        let b = NoteSigner::generate("a").unwrap();
        assert_ne!(a.verifier().public_key(), b.verifier().public_key());
    }
}
