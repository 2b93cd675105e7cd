//! `vers check`: one `RANGE<TAB>VERSION` question per line, one answer per
//! line (`true`, `false` or `error: MESSAGE`), in order.
//!
//! Inputs repeat the same ranges many times (one advisory, many installed
//! versions), so every range string is parsed once and kept (parse errors
//! included) in a bounded table keyed by its text. A version made of plain
//! numbers is answered against a range of plain bounds without being parsed
//! (see `plain`). Input is checked for UTF-8 a block at a time, not line by
//! line; inputs past a few megabytes are answered by a few threads.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufRead, Read, Write};
use std::sync::Arc;

use crate::{VersRange, parse_vers, text};

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

/// Most distinct ranges kept; past this the table starts over, so memory
/// stays bounded (a parsed range takes a few hundred bytes).
const CACHE_LIMIT: usize = 1 << 15;

/// A parsed range, or its error message rendered once.
type Cached = Result<VersRange, Arc<str>>;

type RangeTable = HashMap<Box<[u8]>, Cached, BuildHasherDefault<FastHash>>;

/// Answers `vers check` lines, keeping the ranges it has parsed.
#[derive(Default)]
pub struct Checker {
    ranges: RangeTable,
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

/// A line cut at its tab: the range, and the version unless it is not
/// UTF-8; or the error for a line without a tab.
type Cut<'a> = Result<(&'a [u8], Option<&'a str>), Answer>;

fn no_tab(line: &str) -> Answer {
    Answer::Fresh(format!(
        "line {line:?} has no tab between range and version"
    ))
}

/// Cuts a line known to be UTF-8.
fn cut_text(line: &str) -> Cut<'_> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    match text::split_once(line, b'\t') {
        Some((range, version)) => Ok((range.as_bytes(), Some(version))),
        None => Err(no_tab(line)),
    }
}

/// Cuts a line that may not be UTF-8.
fn cut_bytes(line: &[u8]) -> Cut<'_> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match memchr::memchr(b'\t', line) {
        Some(tab) => Ok((&line[..tab], std::str::from_utf8(&line[tab + 1..]).ok())),
        None => Err(no_tab(&String::from_utf8_lossy(line))),
    }
}

fn parse_cached(range: &[u8]) -> Cached {
    match std::str::from_utf8(range) {
        Ok(text) => parse_vers(text).map_err(|e| one_line(&e.to_string()).into()),
        Err(_) => Err("the range is not UTF-8".into()),
    }
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Answers one line (without its line ending).
    pub fn check_line(&mut self, line: &str) -> CheckOutcome {
        match self.answer(cut_text(line)) {
            Answer::Yes => CheckOutcome::True,
            Answer::No => CheckOutcome::False,
            Answer::Cached(m) => CheckOutcome::Error(m.to_string()),
            Answer::Fresh(m) => CheckOutcome::Error(m),
        }
    }

    fn answer(&mut self, line: Cut<'_>) -> Answer {
        match line {
            Ok((range, version)) => self.evaluate(range, version),
            Err(a) => a,
        }
    }

    fn evaluate(&mut self, range: &[u8], version: Option<&str>) -> Answer {
        if let Some(cached) = self.ranges.get(range) {
            return evaluate(cached, version);
        }
        if self.ranges.len() >= CACHE_LIMIT {
            self.ranges.clear();
        }
        evaluate(
            self.ranges
                .entry(range.into())
                .or_insert_with(|| parse_cached(range)),
            version,
        )
    }

    /// Answers one line, looking in `shared` (the ranges of earlier blocks)
    /// before this checker's own table.
    fn answer_with(&mut self, shared: &Checker, line: Cut<'_>) -> Answer {
        match line {
            Ok((range, version)) => match shared.ranges.get(range) {
                Some(cached) => evaluate(cached, version),
                None => self.evaluate(range, version),
            },
            Err(a) => a,
        }
    }

    /// Moves the ranges of `other` into this checker.
    fn absorb(&mut self, other: &mut Checker) {
        if self.ranges.len() + other.ranges.len() > CACHE_LIMIT {
            self.ranges.clear();
        }
        self.ranges.extend(other.ranges.drain());
    }
}

fn evaluate(cached: &Cached, version: Option<&str>) -> Answer {
    let range = match cached {
        Ok(r) => r,
        Err(m) => return Answer::Cached(Arc::clone(m)),
    };
    let Some(version) = version else {
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
        match checker.answer(cut_text(line)) {
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

/// Input answered by one thread before others join in. Below this, threads
/// cost more than they save (starting them, and waiting at each block for
/// the slowest on a busy machine); the ranges seen meanwhile fill the
/// shared table, so the threads rarely parse a range twice.
const PARALLEL_AFTER: usize = 8 << 20;

/// Streaming form of [`check_lines`]: reads lines from `input` and writes
/// answers to `output`, in order.
///
/// Input is read in blocks and answers are written block by block, so
/// memory stays bounded by the block size (or the longest line) and the
/// range table. Past the first 8 MiB, each block's lines are answered by up
/// to four threads; ranges parsed in one block are shared by every thread
/// in the next ones, so each distinct range is parsed about once whatever
/// the number of threads.
pub fn check_reader<R: BufRead, W: Write>(input: R, output: W) -> io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    check_blocks(input, output, workers, CHUNK, PARALLEL_AFTER)
}

/// [`check_reader`] with its block size (`chunk` bytes per worker) and the
/// input answered by one thread given.
fn check_blocks<R: BufRead, W: Write>(
    mut input: R,
    mut output: W,
    workers: usize,
    chunk: usize,
    parallel_after: usize,
) -> io::Result<()> {
    let mut shared = Checker::new();
    let mut locals: Vec<Checker> = (0..workers).map(|_| Checker::new()).collect();
    let mut outputs: Vec<Vec<u8>> = vec![Vec::new(); workers];
    let mut block: Vec<u8> = Vec::with_capacity(workers * chunk + chunk);
    // Where the search for a line end in `block` goes on from.
    let mut scanned = 0;
    let mut answered = 0;
    let mut at_end = false;
    while !at_end {
        // Fill the block (at least one whole line), then keep only whole
        // lines: the rest waits for the next round.
        let mut has_line = false;
        while block.len() < workers * chunk || !has_line {
            // One large read, not one per buffer of `input`: a buffered
            // reader with nothing buffered reads straight into the block.
            let want = (workers * chunk).saturating_sub(block.len()).max(chunk);
            if (&mut input).take(want as u64).read_to_end(&mut block)? == 0 {
                at_end = true;
                break;
            }
            if !has_line {
                has_line = memchr::memchr(b'\n', &block[scanned..]).is_some();
                scanned = block.len();
            }
        }
        let complete = if at_end {
            block.len()
        } else {
            memchr::memrchr(b'\n', &block).map_or(0, |i| i + 1)
        };
        let threads = if answered < parallel_after {
            1
        } else {
            workers
        };
        answered += complete;
        let pieces = split_at_lines(&block[..complete], threads);
        if pieces.len() <= 1 {
            for piece in &pieces {
                answer_lines(&mut shared, piece, &mut outputs[0])?;
                output.write_all(&outputs[0])?;
                outputs[0].clear();
            }
        } else {
            let shared_ref = &shared;
            std::thread::scope(|scope| -> io::Result<()> {
                let handles: Vec<_> = pieces
                    .iter()
                    .zip(locals.iter_mut())
                    .zip(outputs.iter_mut())
                    .map(|((piece, local), out)| {
                        scope.spawn(move || answer_lines_shared(shared_ref, local, piece, out))
                    })
                    .collect();
                for h in handles {
                    h.join()
                        .map_err(|_| io::Error::other("a vers check worker stopped"))??;
                }
                Ok(())
            })?;
            for local in &mut locals {
                shared.absorb(local);
            }
            for out in outputs.iter_mut().take(pieces.len()) {
                output.write_all(out)?;
                out.clear();
            }
        }
        block.drain(..complete);
        scanned = 0;
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
    match std::str::from_utf8(piece) {
        Ok(piece) => {
            for line in text_lines(piece) {
                write_answer(out, checker.answer(cut_text(line)))?;
            }
        }
        Err(_) => {
            for line in byte_lines(piece) {
                write_answer(out, checker.answer(cut_bytes(line)))?;
            }
        }
    }
    Ok(())
}

/// [`answer_lines`] for one of several threads: ranges come from `shared`
/// when it has them, else from (and into) `local`.
fn answer_lines_shared(
    shared: &Checker,
    local: &mut Checker,
    piece: &[u8],
    out: &mut Vec<u8>,
) -> io::Result<()> {
    match std::str::from_utf8(piece) {
        Ok(piece) => {
            for line in text_lines(piece) {
                write_answer(out, local.answer_with(shared, cut_text(line)))?;
            }
        }
        Err(_) => {
            for line in byte_lines(piece) {
                write_answer(out, local.answer_with(shared, cut_bytes(line)))?;
            }
        }
    }
    Ok(())
}

/// The lines of a piece known to be UTF-8 (checked once for the whole
/// piece, so not again for each version), without their `\n`.
fn text_lines(piece: &str) -> impl Iterator<Item = &str> {
    let body = piece.strip_suffix('\n').unwrap_or(piece);
    (!piece.is_empty())
        .then(|| text::split(body, b'\n'))
        .into_iter()
        .flatten()
}

/// The lines of `piece`, without their `\n` (the last one may lack it).
fn byte_lines(piece: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = piece.strip_suffix(b"\n").unwrap_or(piece);
    (!piece.is_empty())
        .then(|| body.split(|b| *b == b'\n'))
        .into_iter()
        .flatten()
}

fn write_answer(output: &mut impl Write, answer: Answer) -> io::Result<()> {
    match answer {
        Answer::Yes => output.write_all(b"true\n"),
        Answer::No => output.write_all(b"false\n"),
        Answer::Cached(m) => writeln!(output, "error: {m}"),
        Answer::Fresh(m) => writeln!(output, "error: {m}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of every kind: repeated and new ranges, errors, CRLF, empty
    /// lines, a line that is not UTF-8 and lines longer than a block.
    fn mixed_input() -> Vec<u8> {
        let ranges = [
            "vers:npm/>=1.0.0|<2.0.0",
            "vers:pypi/<1.0|>=2.0",
            "vers:deb/<2.36-9+deb12u4",
            "vers:rpm/>=1:1.0-1|<1:2.0~rc1",
            "vers:maven/>=1.0-alpha-1|<1.0",
            "vers:firmware/<=12.2.x.x",
            "vers:npm/<1.0.0|<2.0.0",
            "vers:all/*",
            "vers:gem/!=1.0.a",
        ];
        let versions = [
            "1.5.0",
            "0.9",
            "2.36-9",
            "1:1.5-2",
            "1.0-beta-2",
            "12.2.7",
            "junk",
            "",
        ];
        let mut input = Vec::new();
        for i in 0..6_000usize {
            let range = ranges[i % ranges.len()];
            let version = versions[(i / 7) % versions.len()];
            match i % 997 {
                0 => input.extend_from_slice(b"no tab here\n"),
                1 => input.extend_from_slice(b"\n"),
                2 => input.extend_from_slice(b"vers:npm/1.0.0\t\xff\n"),
                3 => {
                    let long = "9".repeat(5_000);
                    input.extend_from_slice(format!("vers:npm/<{long}.0.0\t1.0.0\n").as_bytes());
                }
                _ => {
                    let end = if i % 5 == 0 { "\r\n" } else { "\n" };
                    let distinct = if i % 3 == 0 {
                        format!("|!=0.0.{i}")
                    } else {
                        String::new()
                    };
                    let range = if range.starts_with("vers:npm/<1") {
                        format!("vers:npm/<0.0.{i}")
                    } else if range.starts_with("vers:npm") {
                        format!("{range}{distinct}")
                    } else {
                        range.to_string()
                    };
                    input.extend_from_slice(format!("{range}\t{version}{end}").as_bytes());
                }
            }
        }
        input.extend_from_slice(b"vers:npm/*\t1.0.0"); // no final newline
        input
    }

    fn expected(input: &[u8]) -> Vec<u8> {
        let mut checker = Checker::new();
        let mut out = Vec::new();
        for line in byte_lines(input) {
            write_answer(&mut out, checker.answer(cut_bytes(line))).unwrap();
        }
        out
    }

    /// Any block size, any number of threads, from the first byte or later:
    /// the same answers as one checker going line by line.
    #[test]
    fn blocks_and_threads_do_not_change_answers() {
        let input = mixed_input();
        let want = expected(&input);
        assert_eq!(
            want.iter().filter(|b| **b == b'\n').count(),
            byte_lines(&input).count()
        );
        for (workers, chunk, parallel_after) in [
            (1, 64, 0),
            (2, 64, 0),
            (3, 1_000, 0),
            (4, 4_096, 10_000),
            (2, 1 << 20, 0),
        ] {
            for capacity in [7, 8_192] {
                let mut out = Vec::new();
                check_blocks(
                    io::BufReader::with_capacity(capacity, input.as_slice()),
                    &mut out,
                    workers,
                    chunk,
                    parallel_after,
                )
                .unwrap();
                assert!(
                    out == want,
                    "workers {workers}, chunk {chunk}, parallel after {parallel_after}, buffer {capacity}"
                );
            }
        }
    }

    #[test]
    fn empty_input_and_lone_newline() {
        for (input, want) in [
            ("", ""),
            (
                "\n",
                "error: line \"\" has no tab between range and version\n",
            ),
        ] {
            let mut out = Vec::new();
            check_blocks(input.as_bytes(), &mut out, 2, 8, 0).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}
