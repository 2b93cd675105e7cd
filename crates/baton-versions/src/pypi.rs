//! Python PEP 440 versions, read and ordered by `pep440_rs`.
//!
//! Normalisation follows PEP 440: `1.0` = `1.0.0`, `1.0RC1` = `1.0rc1`,
//! a leading `v` and surrounding whitespace are allowed. Local versions
//! (`1.0+ubuntu1`) sort after their public version. Legacy (non-PEP 440)
//! versions are errors.

use std::str::FromStr;

pub(crate) fn parse(text: &str) -> Result<pep440_rs::Version, String> {
    pep440_rs::Version::from_str(text).map_err(|e| e.to_string())
}
