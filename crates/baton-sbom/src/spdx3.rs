//! SPDX 3.0 JSON-LD.

use crate::{Parsed, SbomError};

pub fn parse_jsonld(file: &str, _text: &str) -> Result<Parsed, SbomError> {
    Err(SbomError { location: file.to_string(), message: "SPDX 3.0 JSON-LD is not supported yet".into() })
}
