//! `vers check`: one `RANGE<TAB>VERSION` question per line, one answer per
//! line (`true`, `false` or `error: MESSAGE`), in order.
//!
//! Inputs repeat the same ranges many times (one advisory, many installed
//! versions), so a range string seen twice is kept parsed (parse errors
//! included) in a bounded cache; a range seen once is not stored. Large
//! inputs are answered block by block by a few threads.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use crate::{VersRange, parse_vers};

/// A multiply-rotate hash over 8-byte words: range strings are short and
/// come from the caller, and the default SipHash costs more than the lookup
/// it guards.
#[derive(Default)]
struct FastHash(u64);

impl Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
        self.0 = h;
    }
}

/// The answer to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    True,
    False,
    Error(String),
}

impl fmt::Display for CheckOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckOutcome::True => f.write_str("true"),
            CheckOutcome::False => f.write_str("false"),
            CheckOutcome::Error(m) => write!(f, "error: {m}"),
        }
    }
}

/// Most distinct ranges kept (and remembered as seen once); past this each
/// table starts over, so memory stays bounded.
const CACHE_LIMIT: usize = 4096;

/// A parsed range, or its error message rendered once.
type Cached = Result<VersRange, Arc<str>>;

/// Answers `vers check` lines, keeping the ranges it sees more than once.
#[derive(Default)]
pub struct Checker {
    ranges: HashMap<Box<[u8]>, Cached, BuildHasherDefault<FastHash>>,
    /// Hashes of ranges seen once: a range is only kept from its second
    /// sighting, so inputs of all-different ranges do not fill the cache.
    seen: HashSet<u64, BuildHasherDefault<FastHash>>,
}

/// Error messages are written on one line.
fn one_line(message: &str) -> String {
    if message.contains(['\n', '\r']) {
        message.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        message.to_string()
    }
}

enum Answer {
    Yes,
    No,
    Cached(Arc<str>),
    Fresh(String),
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Answers one line (without its line ending).
    pub fn check_line(&mut self, line: &str) -> CheckOutcome {
        match self.answer(line.as_bytes()) {
            Answer::Yes => CheckOutcome::True,
            Answer::No => CheckOutcome::False,
            Answer::Cached(m) => CheckOutcome::Error(m.to_string()),
            Answer::Fresh(m) => CheckOutcome::Error(m),
        }
    }

    fn answer(&mut self, line: &[u8]) -> Answer {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(tab) = memchr::memchr(b'\t', line) else {
            return Answer::Fresh(format!(
                "line {:?} has no tab between range and version",
                String::from_utf8_lossy(line)
            ));
        };
        let (range, version) = (&line[..tab], &line[tab + 1..]);
        if let Some(cached) = self.ranges.get(range) {
            return evaluate(cached, version);
        }
        let parsed: Cached = match std::str::from_utf8(range) {
            Ok(text) => parse_vers(text).map_err(|e| one_line(&e.to_string()).into()),
            Err(_) => Err("the range is not UTF-8".into()),
        };
        if self.seen.insert(self.ranges.hasher().hash_one(range)) {
            if self.seen.len() >= CACHE_LIMIT {
                self.seen.clear();
            }
            return evaluate(&parsed, version);
        }
        if self.ranges.len() >= CACHE_LIMIT {
            self.ranges.clear();
        }
        evaluate(self.ranges.entry(range.into()).or_insert(parsed), version)
    }
}

fn evaluate(cached: &Cached, version: &[u8]) -> Answer {
    let range = match cached {
        Ok(r) => r,
        Err(m) => return Answer::Cached(Arc::clone(m)),
    };
    let Ok(version) = std::str::from_utf8(version) else {
        return Answer::Fresh("the version is not UTF-8".to_string());
    };
    match range.contains(version) {
        Ok(true) => Answer::Yes,
        Ok(false) => Answer::No,
        Err(e) => Answer::Fresh(one_line(&e.to_string())),
    }
}

/// Answers every line of `input`, writing one line per input line.
///
/// ```
/// let mut out = String::new();
/// baton_versions::check_lines("vers:npm/>=1.0.0|<2.0.0\t1.5.0\nvers:npm/<1.0.0\tnope\nno tab\n", &mut out).unwrap();
/// let lines: Vec<&str> = out.lines().collect();
/// assert_eq!(lines[0], "true");
/// assert!(lines[1].starts_with("error: "));
/// assert!(lines[2].starts_with("error: "));
/// ```
pub fn check_lines(input: &str, out: &mut impl fmt::Write) -> fmt::Result {
    let mut checker = Checker::new();
    for line in input.lines() {
        match checker.answer(line.as_bytes()) {
            Answer::Yes => out.write_str("true\n")?,
            Answer::No => out.write_str("false\n")?,
            Answer::Cached(m) => writeln!(out, "error: {m}")?,
            Answer::Fresh(m) => writeln!(out, "error: {m}")?,
        }
    }
    Ok(())
}

/// Bytes of input each worker answers per round.
const CHUNK: usize = 256 * 1024;

/// Streaming form of [`check_lines`]: reads lines from `input` and writes
/// answers to `output`, in order.
///
/// Large inputs are read in blocks whose lines are answered by up to four
/// threads (each with its own range cache); answers are written block by
/// block, so memory stays bounded by the block size.
pub fn check_reader<R: BufRead, W: Write>(mut input: R, mut output: W) -> io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let mut checkers: Vec<Checker> = (0..workers).map(|_| Checker::new()).collect();
    let mut outputs: Vec<Vec<u8>> = vec![Vec::new(); workers];
    let mut block: Vec<u8> = Vec::with_capacity(workers * CHUNK + CHUNK);
    let mut at_end = false;
    while !at_end {
        // Fill the block, then keep only whole lines (the rest waits).
        while block.len() < workers * CHUNK {
            let buf = input.fill_buf()?;
            if buf.is_empty() {
                at_end = true;
                break;
            }
            let n = buf.len();
            block.extend_from_slice(buf);
            input.consume(n);
        }
        let complete = if at_end {
            block.len()
        } else {
            memchr::memrchr(b'\n', &block).map_or(0, |i| i + 1)
        };
        let pieces = split_at_lines(&block[..complete], workers);
        if pieces.len() <= 1 {
            for piece in &pieces {
                answer_lines(&mut checkers[0], piece, &mut outputs[0])?;
                output.write_all(&outputs[0])?;
                outputs[0].clear();
            }
        } else {
            std::thread::scope(|scope| -> io::Result<()> {
                let handles: Vec<_> = pieces
                    .iter()
                    .zip(checkers.iter_mut())
                    .zip(outputs.iter_mut())
                    .map(|((piece, checker), out)| {
                        scope.spawn(move || answer_lines(checker, piece, out))
                    })
                    .collect();
                for h in handles {
                    h.join()
                        .map_err(|_| io::Error::other("a vers check worker stopped"))??;
                }
                Ok(())
            })?;
            for out in outputs.iter_mut().take(pieces.len()) {
                output.write_all(out)?;
                out.clear();
            }
        }
        block.drain(..complete);
    }
    output.flush()
}

/// Up to `n` consecutive slices of `block`, each ending at a line end.
fn split_at_lines(block: &[u8], n: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(n);
    let mut start = 0;
    let target = block.len().div_ceil(n.max(1)).max(1);
    while start < block.len() {
        let want = (start + target).min(block.len());
        let end = if want == block.len() {
            want
        } else {
            memchr::memchr(b'\n', &block[want..]).map_or(block.len(), |i| want + i + 1)
        };
        pieces.push(&block[start..end]);
        start = end;
    }
    pieces
}

/// Answers every line of `piece` (the last one may lack its `\n`).
fn answer_lines(checker: &mut Checker, piece: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    let mut start = 0;
    while start < piece.len() {
        let end = memchr::memchr(b'\n', &piece[start..]).map_or(piece.len(), |i| start + i);
        write_answer(out, checker.answer(&piece[start..end]))?;
        start = end + 1;
    }
    Ok(())
}

fn write_answer(output: &mut impl Write, answer: Answer) -> io::Result<()> {
    match answer {
        Answer::Yes => output.write_all(b"true\n"),
        Answer::No => output.write_all(b"false\n"),
        Answer::Cached(m) => writeln!(output, "error: {m}"),
        Answer::Fresh(m) => writeln!(output, "error: {m}"),
    }
}
