//! The cache on disk: atomic writes, state files, safe file names, and the list of files
//! downloaded but not yet acknowledged as imported.

use crate::error::FeedError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder, flushed to disk, then
/// renamed over `path`: a reader sees the old content or the new, never a mix.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    write_replace(path, bytes, true)
}

/// Like [`write_atomic`] but without waiting for the disk: for the many small records unpacked
/// from an archive that is itself kept (a power cut can at worst leave a record the next unpack
/// rewrites, and the reader refuses a broken one). One flush per record would make unpacking a
/// 100,000-record archive take many minutes.
pub(crate) fn write_replace_unsynced(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    write_replace(path, bytes, false)
}

fn write_replace(path: &Path, bytes: &[u8], sync: bool) -> Result<(), FeedError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| FeedError::io(dir, e))?;
    }
    let tmp = crate::http::sibling(path, &format!(".tmp{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        remove_quietly(&tmp);
        return Err(FeedError::io(path, e));
    }
    Ok(())
}

/// Removes a file, ignoring a missing one.
pub(crate) fn remove_quietly(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Reads a JSON file; `Ok(None)` when it does not exist.
pub(crate) fn read_json_opt<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, FeedError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(FeedError::io(path, e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| FeedError::State {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// Loads a state file, or the default state when there is none yet.
pub(crate) fn load_state<T: DeserializeOwned + Default>(path: &Path) -> Result<T, FeedError> {
    Ok(read_json_opt(path)?.unwrap_or_default())
}

/// Saves a state file atomically.
pub(crate) fn save_state<T: Serialize>(path: &Path, state: &T) -> Result<(), FeedError> {
    let bytes = serde_json::to_vec_pretty(state).map_err(|e| FeedError::State {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

/// Adds `relative` to a pending list once.
pub(crate) fn add_pending(pending: &mut Vec<String>, relative: String) {
    if !pending.contains(&relative) {
        pending.push(relative);
    }
}

/// `path` relative to `base`, with `/` separators, for state files.
pub(crate) fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The absolute path of a relative path recorded in a state file; `None` if it would leave the
/// cache folder (a hand-edited state file cannot point elsewhere).
pub(crate) fn resolve(base: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// A file name made from untrusted text (an archive entry name, the last segment of a URL):
/// only letters, digits, `.`, `-` and `_` survive, anything else becomes `_`; a name that would
/// be hidden, empty, or a path (`/`, `\`, `..`, a drive letter) gives `None`.
pub fn safe_file_name(name: &str) -> Option<String> {
    if name.is_empty()
        || name.contains(['/', '\\'])
        || name.starts_with('.')
        || name.contains("..")
        || name.len() > 200
        || name.chars().nth(1) == Some(':')
    {
        return None;
    }
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(
            safe_file_name("RUSTSEC-2020-0001.json").as_deref(),
            Some("RUSTSEC-2020-0001.json")
        );
        assert_eq!(
            safe_file_name("RHSA-2024:0001.json").as_deref(),
            Some("RHSA-2024_0001.json")
        );
        for bad in [
            "",
            "../x.json",
            "a/b.json",
            "a\\b.json",
            "/etc/passwd",
            ".hidden",
            "..",
            "C:x.json",
            "x..json",
        ] {
            assert_eq!(safe_file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn resolve_stays_inside() {
        let base = Path::new("/cache");
        assert_eq!(
            resolve(base, "nvd/pages/a.json"),
            Some(PathBuf::from("/cache/nvd/pages/a.json"))
        );
        assert_eq!(resolve(base, "../x"), None);
        assert_eq!(resolve(base, "/x"), None);
        assert_eq!(
            relative(base, Path::new("/cache/nvd/pages/a.json")),
            "nvd/pages/a.json"
        );
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s/state.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path().join("s")).unwrap().count(), 1);
    }
}
