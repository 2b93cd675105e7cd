//! The audit log in the database. Every change appends its event as a leaf of the Merkle tree in
//! the change's own transaction, and the transaction ends with a checkpoint signed over the new
//! tree head: a change and its log entry commit together or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use baton_audit::{
    AuditEvent, Checkpoint, CompactTree, Hash, LogEntry, LogError, LogVerifier, MerkleTree,
    NoteSigner, SignedCheckpoint, VerifiedLog, VerifierKey, leaf_bytes, leaf_hash, to_hex,
};
use serde_json::Value as Json;

use crate::StoreError;
use crate::db::{Db, Value};

/// Who acts on the store: written into every event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A user's e-mail, or a system actor such as `baton-cli`.
    pub name: String,
    /// The organization acted for; `None` for the operator at the command line.
    pub organization: Option<String>,
}

impl Actor {
    /// A signed-in user acting for their organization.
    pub fn of(principal: &crate::Principal) -> Actor {
        Actor {
            name: principal.email.clone(),
            organization: Some(principal.organization.clone()),
        }
    }

    /// A user if one was found, else `anonymous` (a failed sign-in).
    pub(crate) fn of_found(principal: Option<&crate::Principal>) -> Actor {
        principal.map_or_else(|| Actor::operator("anonymous"), Actor::of)
    }

    /// The operator at the command line, who has the database itself in hand.
    pub fn operator(name: &str) -> Actor {
        Actor {
            name: name.to_string(),
            organization: None,
        }
    }
}

/// The Ed25519 key that signs checkpoints, kept in a file readable by its owner only.
pub struct LogKey {
    path: PathBuf,
    signer: Option<NoteSigner>,
}

impl LogKey {
    pub fn at(path: PathBuf) -> LogKey {
        LogKey { path, signer: None }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The signer, read from the file, or created there (mode 0600) when there is none yet.
    pub fn signer(&mut self) -> Result<&NoteSigner, StoreError> {
        if self.signer.is_none() {
            let signer = match std::fs::read_to_string(&self.path) {
                Ok(text) => NoteSigner::parse(text.trim()).map_err(|e| {
                    StoreError::Audit(format!(
                        "audit-log key '{}' cannot be read: {e}",
                        self.path.display()
                    ))
                })?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.create()?,
                Err(e) => {
                    return Err(StoreError::Audit(format!(
                        "audit-log key '{}': {e}",
                        self.path.display()
                    )));
                }
            };
            self.signer = Some(signer);
        }
        self.signer
            .as_ref()
            .ok_or_else(|| StoreError::Audit("audit-log key not loaded".into()))
    }

    /// The public key, when the key file exists (it is never created just to be shown).
    pub fn verifier(&mut self) -> Result<Option<VerifierKey>, StoreError> {
        if self.signer.is_none() && !self.path.exists() {
            return Ok(None);
        }
        Ok(Some(self.signer()?.verifier()))
    }

    fn create(&self) -> Result<NoteSigner, StoreError> {
        let io = |e: std::io::Error| {
            StoreError::Audit(format!(
                "cannot create audit-log key '{}': {e}",
                self.path.display()
            ))
        };
        let mut suffix = [0u8; 4];
        getrandom::fill(&mut suffix)
            .map_err(|e| StoreError::Audit(format!("no randomness for the key name: {e}")))?;
        let name = format!("baton-audit-{}", to_hex(&suffix));
        let signer = NoteSigner::generate(&name)
            .map_err(|e| StoreError::Audit(format!("cannot generate the audit-log key: {e}")))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&self.path).map_err(io)?;
        file.write_all(signer.to_private_key_string().as_bytes())
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        Ok(signer)
    }
}

fn head(db: &mut Db) -> Result<CompactTree, StoreError> {
    // FOR UPDATE serializes writers on PostgreSQL; SQLite's write transactions already are.
    let sql = if db.is_postgres() {
        "SELECT size, peaks FROM audit_head WHERE id = 1 FOR UPDATE"
    } else {
        "SELECT size, peaks FROM audit_head WHERE id = 1"
    };
    let row = db
        .query(sql, &[])?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Corrupt("audit_head has no row".into()))?;
    let size = row[0].int().unwrap_or(0) as u64;
    let mut peaks = Vec::new();
    for part in row[1].text().unwrap_or_default().split(',') {
        if part.is_empty() {
            continue;
        }
        peaks.push(
            baton_audit::hash_from_hex(part)
                .ok_or_else(|| StoreError::Corrupt(format!("audit_head peak '{part}'")))?,
        );
    }
    CompactTree::from_peaks(size, peaks)
        .ok_or_else(|| StoreError::Corrupt(format!("audit_head peaks do not fit size {size}")))
}

/// Append events and sign the new tree head, inside the caller's transaction.
pub(crate) fn append(
    db: &mut Db,
    signer: &NoteSigner,
    events: &[AuditEvent],
) -> Result<u64, StoreError> {
    if events.is_empty() {
        return Ok(0);
    }
    let mut tree = head(db)?;
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        event
            .validate()
            .map_err(|e| StoreError::Audit(e.to_string()))?;
        let leaf = leaf_bytes(event);
        let hash = leaf_hash(&leaf);
        let seq = tree.push_hash(hash);
        let text = String::from_utf8(leaf)
            .map_err(|e| StoreError::Audit(format!("leaf is not UTF-8: {e}")))?;
        rows.push(vec![
            Value::Int(seq as i64),
            Value::Text(text),
            Value::Text(to_hex(&hash)),
        ]);
    }
    db.insert_many("INSERT INTO audit_log (seq, leaf, leaf_hash)", 3, &rows, "")?;
    let peaks: Vec<String> = tree.peaks().iter().map(|p| to_hex(p)).collect();
    db.exec(
        "UPDATE audit_head SET size = $1, peaks = $2 WHERE id = 1",
        &[Value::Int(tree.size() as i64), Value::Text(peaks.join(","))],
    )?;
    let checkpoint = Checkpoint::new(signer.name(), tree.size(), tree.root());
    let signed = SignedCheckpoint::sign(checkpoint, signer)
        .map_err(|e| StoreError::Audit(format!("cannot sign the checkpoint: {e}")))?;
    db.exec(
        "INSERT INTO audit_checkpoints (size, note, created_at) VALUES ($1, $2, $3)",
        &[
            Value::Int(tree.size() as i64),
            Value::Text(signed.to_note_string()),
            Value::Text(crate::now_utc()),
        ],
    )?;
    Ok(tree.size())
}

/// An event by `actor` now.
pub(crate) fn event(
    actor: &Actor,
    action: &str,
    target: &str,
    changes: Vec<baton_audit::RecordChange>,
    detail: Json,
) -> AuditEvent {
    AuditEvent {
        actor: actor.name.clone(),
        organization: actor.organization.clone(),
        time: crate::now_utc(),
        action: action.to_string(),
        target: target.to_string(),
        changes,
        detail,
    }
}

/// A record change: `table`, natural key, and the records before and after (digested).
pub(crate) fn change(
    table: &str,
    key: impl Into<String>,
    before: Option<&Json>,
    after: Option<&Json>,
) -> baton_audit::RecordChange {
    baton_audit::RecordChange {
        table: table.to_string(),
        key: key.into(),
        before: before.map(baton_audit::record_digest),
        after: after.map(baton_audit::record_digest),
    }
}

fn checkpoints(db: &mut Db) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(db
        .query("SELECT size, note FROM audit_checkpoints ORDER BY id", &[])?
        .into_iter()
        .map(|r| {
            (
                r[0].int().unwrap_or(-1),
                r[1].text().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

/// The latest signed checkpoint, as note text.
pub(crate) fn latest_checkpoint(db: &mut Db) -> Result<Option<String>, StoreError> {
    Ok(db
        .query(
            "SELECT note FROM audit_checkpoints ORDER BY id DESC LIMIT 1",
            &[],
        )?
        .into_iter()
        .next()
        .and_then(|r| r[0].text().map(str::to_string)))
}

const PAGE: i64 = 10_000;

/// Read the log in pages, calling `each` with every entry in order of `seq`.
fn read_entries(
    db: &mut Db,
    mut each: impl FnMut(LogEntry) -> Result<(), LogError>,
) -> Result<Result<(), LogError>, StoreError> {
    let mut after = -1i64;
    loop {
        let rows = db.query(
            "SELECT seq, leaf, leaf_hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[Value::Int(after), Value::Int(PAGE)],
        )?;
        if rows.is_empty() {
            return Ok(Ok(()));
        }
        for r in &rows {
            let seq = r[0].int().unwrap_or(-1);
            after = seq;
            let entry = LogEntry {
                index: seq.max(0) as u64,
                leaf: r[1].text().unwrap_or_default().as_bytes().to_vec(),
                stored_hash: r[2].text().and_then(baton_audit::hash_from_hex),
            };
            if let Err(e) = each(entry) {
                return Ok(Err(e));
            }
        }
    }
}

/// Verify the whole log against every stored checkpoint and `key`.
pub(crate) fn verify(
    db: &mut Db,
    key: &VerifierKey,
) -> Result<Result<VerifiedLog, LogError>, StoreError> {
    let mut signed = Vec::new();
    for (size, note) in checkpoints(db)? {
        match SignedCheckpoint::open(note.as_bytes(), std::slice::from_ref(key)) {
            Ok(c) => signed.push(c),
            Err(source) => {
                return Ok(Err(LogError::Checkpoint {
                    size: size.max(0) as u64,
                    source,
                }));
            }
        }
    }
    let mut verifier = match LogVerifier::new(&signed, key) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    if let Err(e) = read_entries(db, |entry| verifier.push(&entry))? {
        return Ok(Err(e));
    }
    Ok(verifier.finish())
}

/// All leaf hashes, for proofs.
fn tree(db: &mut Db) -> Result<MerkleTree, StoreError> {
    let mut hashes: Vec<Hash> = Vec::new();
    let mut next = 0u64;
    let mut bad: Option<String> = None;
    read_entries(db, |entry| {
        if entry.index != next && bad.is_none() {
            bad = Some(format!("entry {next} missing"));
        }
        next = entry.index + 1;
        hashes.push(leaf_hash(&entry.leaf));
        Ok(())
    })?
    .map_err(|e| StoreError::Audit(e.to_string()))?;
    if let Some(bad) = bad {
        return Err(StoreError::Audit(format!(
            "the log does not verify ({bad}); run `baton log verify`"
        )));
    }
    Ok(MerkleTree::from_leaf_hashes(hashes))
}

/// An inclusion proof of entry `index` in the tree of the latest checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InclusionProof {
    pub index: u64,
    pub leaf: String,
    pub leaf_hash: String,
    pub tree_size: u64,
    pub root: String,
    pub proof: Vec<String>,
    /// The signed checkpoint the proof is against.
    pub checkpoint: String,
}

pub(crate) fn prove(db: &mut Db, index: u64) -> Result<InclusionProof, StoreError> {
    let note = latest_checkpoint(db)?
        .ok_or_else(|| StoreError::NotFound("the audit log is empty".into()))?;
    let signed = SignedCheckpoint::parse(note.as_bytes())
        .map_err(|e| StoreError::Audit(format!("latest checkpoint: {e}")))?;
    let size = signed.checkpoint().size;
    if index >= size {
        return Err(StoreError::NotFound(format!(
            "entry {index} is not in the latest checkpoint (size {size})"
        )));
    }
    let tree = tree(db)?;
    let proof = tree
        .inclusion_proof(index, size)
        .map_err(|e| StoreError::Audit(e.to_string()))?;
    let leaf = db
        .query(
            "SELECT leaf FROM audit_log WHERE seq = $1",
            &[Value::Int(index as i64)],
        )?
        .into_iter()
        .next()
        .and_then(|r| r[0].text().map(str::to_string))
        .unwrap_or_default();
    Ok(InclusionProof {
        index,
        leaf_hash: to_hex(&leaf_hash(leaf.as_bytes())),
        leaf,
        tree_size: size,
        root: to_hex(&signed.checkpoint().root),
        proof: proof.iter().map(|h| to_hex(h)).collect(),
        checkpoint: note,
    })
}

/// A consistency proof from an earlier tree size to the latest checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsistencyProof {
    pub old_size: u64,
    pub old_root: String,
    pub new_size: u64,
    pub new_root: String,
    pub proof: Vec<String>,
    pub checkpoint: String,
}

pub(crate) fn consistency(db: &mut Db, old_size: u64) -> Result<ConsistencyProof, StoreError> {
    let note = latest_checkpoint(db)?
        .ok_or_else(|| StoreError::NotFound("the audit log is empty".into()))?;
    let signed = SignedCheckpoint::parse(note.as_bytes())
        .map_err(|e| StoreError::Audit(format!("latest checkpoint: {e}")))?;
    let size = signed.checkpoint().size;
    if old_size > size {
        return Err(StoreError::NotFound(format!(
            "size {old_size} is beyond the latest checkpoint (size {size})"
        )));
    }
    let tree = tree(db)?;
    let old_root = tree
        .root(old_size)
        .map_err(|e| StoreError::Audit(e.to_string()))?;
    let proof = tree
        .consistency_proof(old_size, size)
        .map_err(|e| StoreError::Audit(e.to_string()))?;
    Ok(ConsistencyProof {
        old_size,
        old_root: to_hex(&old_root),
        new_size: size,
        new_root: to_hex(&signed.checkpoint().root),
        proof: proof.iter().map(|h| to_hex(h)).collect(),
        checkpoint: note,
    })
}

/// Events from `from` on (for a SIEM export), at most `limit`.
pub(crate) fn events(
    db: &mut Db,
    from: u64,
    limit: i64,
) -> Result<Vec<(u64, AuditEvent)>, StoreError> {
    let mut out = Vec::new();
    for r in db.query(
        "SELECT seq, leaf FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
        &[Value::Int(from as i64), Value::Int(limit)],
    )? {
        let seq = r[0].int().unwrap_or(0) as u64;
        let event = AuditEvent::from_leaf(r[1].text().unwrap_or_default().as_bytes())
            .map_err(|e| StoreError::Audit(format!("entry {seq}: {e}")))?;
        out.push((seq, event));
    }
    Ok(out)
}

/// Where committed events are also sent, as they commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Siem {
    /// JSON lines appended to a file.
    File(PathBuf),
    /// RFC 5424 messages over TCP to `HOST:PORT`, framed by octet counting (RFC 6587).
    Syslog(String),
}

impl Siem {
    /// `file:PATH` or `tcp:HOST:PORT`.
    pub fn parse(text: &str) -> Result<Siem, StoreError> {
        if let Some(path) = text.strip_prefix("file:") {
            Ok(Siem::File(PathBuf::from(path)))
        } else if let Some(addr) = text.strip_prefix("tcp:") {
            Ok(Siem::Syslog(addr.to_string()))
        } else {
            Err(StoreError::Invalid(format!(
                "SIEM target '{text}' is neither file:PATH nor tcp:HOST:PORT"
            )))
        }
    }

    /// Send one committed event. The change is already committed, so a failure is returned
    /// for the caller to report, never to undo anything; the log itself keeps the event.
    pub(crate) fn send(&self, event: &AuditEvent, host: &str) -> Result<(), String> {
        match self {
            Siem::File(path) => {
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let mut line = baton_audit::to_json_line(event);
                line.push('\n');
                file.write_all(line.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display()))
            }
            Siem::Syslog(addr) => {
                use std::net::ToSocketAddrs;
                let message = baton_audit::to_syslog_5424(event, host, "baton");
                let target = addr
                    .to_socket_addrs()
                    .map_err(|e| format!("{addr}: {e}"))?
                    .next()
                    .ok_or_else(|| format!("{addr}: no address"))?;
                let mut stream = std::net::TcpStream::connect_timeout(
                    &target,
                    std::time::Duration::from_secs(2),
                )
                .map_err(|e| format!("{addr}: {e}"))?;
                stream
                    .set_write_timeout(Some(std::time::Duration::from_secs(2)))
                    .map_err(|e| format!("{addr}: {e}"))?;
                stream
                    .write_all(format!("{} {message}", message.len()).as_bytes())
                    .map_err(|e| format!("{addr}: {e}"))
            }
        }
    }
}
