//! The logic of `cpe match`: one `SOURCE<TAB>TARGET` pair per line in, one
//! relation or `error: MESSAGE` per line out, in order, never stopping at
//! a bad line.

use std::io::{self, BufRead, Write};

use crate::{MAX_NAME_LEN, Wfn, compare};

/// Counts from [`match_lines`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineStats {
    /// Lines read (and written).
    pub lines: usize,
    /// Of which answered with `error: ...`.
    pub errors: usize,
}

/// Answers one line: `equal`, `subset`, `superset`, `disjoint`,
/// `undefined`, or `error: MESSAGE`. Either name may use either binding
/// (or the WFN text form). A trailing `\r` is ignored.
pub fn match_line(line: &str) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    match answer(line) {
        Ok(relation) => relation.as_str().to_owned(),
        Err(message) => format!("error: {}", one_line(&message)),
    }
}

fn answer(line: &str) -> Result<crate::Relation, String> {
    if line.is_empty() {
        return Err("empty line: expected SOURCE<TAB>TARGET".to_owned());
    }
    let mut fields = line.split('\t');
    let (Some(source), Some(target), None) = (fields.next(), fields.next(), fields.next()) else {
        let tabs = line.matches('\t').count();
        return Err(format!(
            "expected SOURCE<TAB>TARGET with exactly one tab, found {tabs}"
        ));
    };
    let source = Wfn::parse(source).map_err(|e| format!("source: {e}"))?;
    let target = Wfn::parse(target).map_err(|e| format!("target: {e}"))?;
    Ok(compare(&source, &target))
}

/// Keeps the answer on one line whatever the input held.
fn one_line(message: &str) -> String {
    message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// [`match_line`] over every line of a text; each answer ends with `\n`.
pub fn match_text(input: &str) -> String {
    let mut out = String::new();
    for line in input.lines() {
        out.push_str(&match_line(line));
        out.push('\n');
    }
    out
}

/// Longest line [`match_lines`] keeps in memory: two names at the limit,
/// a tab and a `\r`. Longer lines are skipped to their end and answered
/// with an error.
pub const MAX_LINE_LEN: usize = 2 * MAX_NAME_LEN + 2;

/// [`match_line`] from a reader to a writer. Lines that are not UTF-8 or
/// longer than [`MAX_LINE_LEN`] get an error answer; only I/O failures
/// stop the loop.
pub fn match_lines<R: BufRead, W: Write>(mut input: R, mut output: W) -> io::Result<LineStats> {
    let mut stats = LineStats::default();
    let mut buf = Vec::new();
    while let Some(overlong) = read_line_capped(&mut input, &mut buf)? {
        let answer = if overlong {
            format!("error: line is longer than {MAX_LINE_LEN} bytes")
        } else {
            match std::str::from_utf8(&buf) {
                Ok(line) => match_line(line),
                Err(e) => format!(
                    "error: line is not valid UTF-8 (bad byte at offset {})",
                    e.valid_up_to()
                ),
            }
        };
        stats.lines += 1;
        if answer.starts_with("error: ") {
            stats.errors += 1;
        }
        output.write_all(answer.as_bytes())?;
        output.write_all(b"\n")?;
    }
    output.flush()?;
    Ok(stats)
}

/// Reads one line without its `\n` into `buf`, keeping at most
/// [`MAX_LINE_LEN`] bytes so that hostile input cannot exhaust memory.
/// Returns None at end of input, else whether the line was too long.
fn read_line_capped<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    let mut seen_any = false;
    let mut overlong = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(seen_any.then_some(overlong));
        }
        seen_any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        if buf.len() + part.len() > MAX_LINE_LEN {
            overlong = true;
            buf.clear();
        } else if !overlong {
            buf.extend_from_slice(part);
        }
        let used = done.unwrap_or(chunk.len());
        input.consume(used);
        if done.is_some() {
            return Ok(Some(overlong));
        }
    }
}
