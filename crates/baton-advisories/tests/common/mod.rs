//! Shared helpers for the integration tests: where the shared corpora are, reading and walking.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use baton_advisories::{AdvisoryError, Parsed, Warning, parse};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `shared/data` beside the checkout, or `$BATON_SHARED_DATA`.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("BATON_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
    }
}

/// Every file under `shared/data/<rel>`, sorted, recursively.
pub fn files(rel: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![data_dir().join(rel)];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

pub fn rel(path: &Path) -> String {
    path.strip_prefix(data_dir())
        .unwrap_or(path)
        .to_string_lossy()
        .to_string()
}

pub fn read(rel_path: &str) -> Vec<u8> {
    let path = data_dir().join(rel_path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn parse_file(path: &Path) -> Result<Parsed, AdvisoryError> {
    let bytes = std::fs::read(path).unwrap();
    parse(&rel(path), &bytes)
}

pub fn parsed(rel_path: &str) -> Parsed {
    parse(rel_path, &read(rel_path)).unwrap_or_else(|e| panic!("{e}"))
}

/// Every warning of a parse, the file's own and each advisory's.
pub fn all_warnings(p: &Parsed) -> Vec<&Warning> {
    p.warnings
        .iter()
        .chain(p.advisories.iter().flat_map(|a| a.warnings.iter()))
        .collect()
}

/// Warning counts by kind name.
#[derive(Default, Debug)]
pub struct Tally {
    pub files: usize,
    pub advisories: usize,
    pub vulnerabilities: usize,
    pub warnings: BTreeMap<&'static str, usize>,
}

impl Tally {
    pub fn add(&mut self, p: &Parsed) {
        self.files += 1;
        self.advisories += p.advisories.len();
        self.vulnerabilities += p
            .advisories
            .iter()
            .map(|a| a.vulnerabilities.len())
            .sum::<usize>();
        for w in all_warnings(p) {
            *self.warnings.entry(w.kind.name()).or_default() += 1;
        }
    }

    pub fn report(&self, name: &str) {
        eprintln!(
            "{name}: {} files, {} advisories, {} vulnerabilities, warnings {:?}",
            self.files, self.advisories, self.vulnerabilities, self.warnings
        );
    }
}

/// Every warning's location must be a JSON pointer (or empty for the whole file).
pub fn assert_located(p: &Parsed, file: &str) {
    for w in all_warnings(p) {
        assert!(
            w.location.is_empty() || w.location.starts_with('/'),
            "{file}: warning not located by a JSON pointer: {w:?}"
        );
        assert!(!w.message.is_empty(), "{file}: empty warning message");
    }
}
