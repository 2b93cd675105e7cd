//! `vers check` as a process, for timing against other tools:
//! `cargo run --release --example vers_check < lines.tsv`.

use std::io::{self, BufReader, BufWriter};

fn main() -> io::Result<()> {
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    baton_versions::check_reader(
        BufReader::with_capacity(1 << 16, stdin),
        BufWriter::with_capacity(1 << 16, stdout),
    )
}
