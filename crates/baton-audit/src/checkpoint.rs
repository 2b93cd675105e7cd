//! Checkpoints (C2SP tlog-checkpoint): a log's origin, tree size and root hash as the text of a
//! signed note.
//!
//! ```text
//! <origin>
//! <tree size in decimal>
//! <base64 root hash>
//! [extension lines]
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::merkle::Hash;
use crate::note::{NoteError, NoteSigner, SignedNote, VerifierKey};

/// A tree head: which log, how many leaves, what root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, e.g. `baton.example.org/audit`.
    pub origin: String,
    /// The number of leaves.
    pub size: u64,
    /// MTH of those leaves.
    pub root: Hash,
    /// Opaque extra lines, each non-empty (the spec discourages them).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text: origin, size, base64 root, extension lines, each ending in a newline.
    ///
    /// # Errors
    ///
    /// [`NoteError::MalformedCheckpoint`] for an empty origin, an empty extension line, or a
    /// newline inside one.
    pub fn body(&self) -> Result<String, NoteError> {
        if self.origin.is_empty() || self.origin.contains('\n') {
            return Err(NoteError::MalformedCheckpoint(
                "origin must be one non-empty line".into(),
            ));
        }
        if self
            .extensions
            .iter()
            .any(|line| line.is_empty() || line.contains('\n'))
        {
            return Err(NoteError::MalformedCheckpoint(
                "extension lines must be single non-empty lines".into(),
            ));
        }
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        );
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        Ok(text)
    }

    /// Reads a checkpoint from a note text.
    ///
    /// # Errors
    ///
    /// [`NoteError::MalformedCheckpoint`] naming the line that is wrong.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let malformed = |reason: String| NoteError::MalformedCheckpoint(reason);
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| malformed("text does not end with a newline".into()))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        let size = lines
            .next()
            .ok_or_else(|| malformed("no tree size line".into()))?;
        let root = lines
            .next()
            .ok_or_else(|| malformed("no root hash line".into()))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if origin.is_empty() {
            return Err(malformed("empty origin".into()));
        }
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        let size: u64 = size
            .parse()
            .ok()
            .filter(|_| size_ok)
            .ok_or_else(|| malformed(format!("tree size {size:?} is not a decimal number")))?;
        let root: Hash = BASE64
            .decode(root)
            .ok()
            .and_then(|bytes| Hash::try_from(bytes).ok())
            .ok_or_else(|| malformed("root hash is not 32 bytes of standard base64".into()))?;
        if extensions.iter().any(String::is_empty) {
            return Err(malformed("empty extension line".into()));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// A checkpoint with the signed note it was read from (or written as). The checkpoint is
/// always the one the note's text spells, so checking the note's signatures checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    checkpoint: Checkpoint,
    note: SignedNote,
}

impl SignedCheckpoint {
    /// Signs `checkpoint` with `signer`.
    ///
    /// # Errors
    ///
    /// When the checkpoint's body cannot be a note text.
    pub fn sign(checkpoint: Checkpoint, signer: &NoteSigner) -> Result<Self, NoteError> {
        let text = signer.sign_note(&checkpoint.body()?)?;
        let signed = Self::parse(text.as_bytes())?;
        if signed.checkpoint != checkpoint {
            return Err(NoteError::MalformedCheckpoint(
                "checkpoint does not read back as written".into(),
            ));
        }
        Ok(signed)
    }

    /// Reads a signed checkpoint without checking its signatures.
    ///
    /// # Errors
    ///
    /// When the note or its text is malformed.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        Self::from_note(SignedNote::parse(bytes)?)
    }

    /// Reads a signed checkpoint and checks it is signed by one of `keys`.
    ///
    /// # Errors
    ///
    /// When malformed, or not validly signed by a known key.
    pub fn open(bytes: &[u8], keys: &[VerifierKey]) -> Result<Self, NoteError> {
        let signed = Self::parse(bytes)?;
        signed.verify(keys)?;
        Ok(signed)
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signed note.
    pub fn note(&self) -> &SignedNote {
        &self.note
    }

    /// A signed checkpoint from a note already read.
    ///
    /// # Errors
    ///
    /// When the note's text is not a checkpoint.
    pub fn from_note(note: SignedNote) -> Result<Self, NoteError> {
        let checkpoint = Checkpoint::parse(&note.text)?;
        Ok(Self { checkpoint, note })
    }

    /// Checks the signatures (see [`SignedNote::verify`]).
    ///
    /// # Errors
    ///
    /// When no known key signed or a known key's signature fails.
    pub fn verify(&self, keys: &[VerifierKey]) -> Result<(), NoteError> {
        self.note.verify(keys)
    }

    /// The signed note as text, ready to store or print.
    pub fn to_note_string(&self) -> String {
        self.note.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_and_parse_round_trip() {
        let mut checkpoint = Checkpoint::new("example.org/log", 20_852_163, [3; 32]);
        let body = checkpoint.body().unwrap();
        assert_eq!(
            body,
            "example.org/log\n20852163\nAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\n"
        );
        assert_eq!(Checkpoint::parse(&body).unwrap(), checkpoint);
        checkpoint.extensions.push("ext one".into());
        let body = checkpoint.body().unwrap();
        assert_eq!(Checkpoint::parse(&body).unwrap(), checkpoint);
    }

    #[test]
    fn malformed_bodies() {
        let root = BASE64.encode([3u8; 32]);
        for bad in [
            String::new(),
            "\n".to_owned(),
            "o\n1\n".to_owned(),
            format!("\n1\n{root}\n"),
            format!("o\n01\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n+1\n{root}\n"),
            format!("o\n 1\n{root}\n"),
            format!("o\n18446744073709551616\n{root}\n"),
            format!("o\n1\n{root}"),
            format!("o\n1\n{root}\n\n"),
            format!("o\n1\n{root}\next\n\n"),
            "o\n1\nAAAA\n".to_owned(),
            format!("o\n1\n{}\n", &root[..root.len() - 1]),
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
        }
        assert!(Checkpoint::parse(&format!("o\n0\n{root}\n")).is_ok());
        assert!(Checkpoint::new("", 1, [0; 32]).body().is_err());
        assert!(Checkpoint::new("a\nb", 1, [0; 32]).body().is_err());
    }

    #[test]
    fn sign_and_open() {
        let signer = NoteSigner::from_seed("example.org/log", [5; 32]).unwrap();
        let signed =
            SignedCheckpoint::sign(Checkpoint::new("example.org/log", 3, [1; 32]), &signer)
                .unwrap();
        let text = signed.to_note_string();
        let opened = SignedCheckpoint::open(text.as_bytes(), &[signer.verifier()]).unwrap();
        assert_eq!(opened, signed);
        let other = NoteSigner::from_seed("example.org/log", [6; 32]).unwrap();
        assert_eq!(
            SignedCheckpoint::open(text.as_bytes(), &[other.verifier()]),
            Err(NoteError::NoKnownSignature)
        );
    }
}
