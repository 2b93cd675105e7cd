//! SPDX 2.2 and 2.3: JSON, tag-value and YAML.

use crate::{Parsed, SbomError};

fn unsupported(file: &str, what: &str) -> SbomError {
    SbomError { location: file.to_string(), message: format!("{what} is not supported yet") }
}

pub fn parse_json(file: &str, _text: &str) -> Result<Parsed, SbomError> {
    Err(unsupported(file, "SPDX JSON"))
}

pub fn parse_tag_value(file: &str, _text: &str) -> Result<Parsed, SbomError> {
    Err(unsupported(file, "SPDX tag-value"))
}

pub fn parse_yaml(file: &str, _text: &str) -> Result<Parsed, SbomError> {
    Err(unsupported(file, "SPDX YAML"))
}
