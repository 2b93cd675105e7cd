//! The SemVer 2.0.0 family: `semver`, `cargo`, `npm` and `golang`.
//!
//! All four order by SemVer precedence (SemVer §11): build metadata after
//! `+` is read but never affects the order, so `1.0.0+a` and `1.0.0+b` are
//! equal. They differ only in what they accept:
//!
//! | scheme | accepts beyond strict SemVer |
//! |---|---|
//! | `semver`, `cargo` | nothing (`1.2`, `v1.2.3`, `01.2.3` are errors) |
//! | `npm` | surrounding whitespace and one leading `v` (node-semver strict mode); numbers above 2^53-1 are errors, as in node |
//! | `golang` | an optional leading `v` (Go requires it; OSV records omit it) and the `vX` / `vX.Y` shorthands for `vX.0.0` / `vX.Y.0` when nothing follows them (golang.org/x/mod/semver) |
//!
//! Go pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are SemVer
//! pre-releases and need nothing special: they sort before the release they
//! precede, which is what they were designed for. `+incompatible` is build
//! metadata and is ignored.

/// node-semver's `MAX_SAFE_INTEGER` limit on each number.
const NPM_MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// node-semver's `MAX_LENGTH`.
const NPM_MAX_LENGTH: usize = 256;

pub(crate) fn parse_strict(text: &str) -> Result<semver::Version, String> {
    semver::Version::parse(text).map_err(|e| e.to_string())
}

pub(crate) fn parse_npm(text: &str) -> Result<semver::Version, String> {
    if text.len() > NPM_MAX_LENGTH {
        return Err(format!("longer than {NPM_MAX_LENGTH} characters"));
    }
    let t = text.trim();
    let t = t.strip_prefix('v').unwrap_or(t);
    let v = semver::Version::parse(t).map_err(|e| e.to_string())?;
    if v.major > NPM_MAX_SAFE_INTEGER
        || v.minor > NPM_MAX_SAFE_INTEGER
        || v.patch > NPM_MAX_SAFE_INTEGER
    {
        return Err("a number is larger than 2^53-1".to_string());
    }
    Ok(v)
}

pub(crate) fn parse_golang(text: &str) -> Result<semver::Version, String> {
    let t = text.strip_prefix('v').unwrap_or(text);
    let all_numeric_dots = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let expanded;
    let t = if all_numeric_dots {
        match t.split('.').count() {
            1 => {
                expanded = format!("{t}.0.0");
                expanded.as_str()
            }
            2 => {
                expanded = format!("{t}.0");
                expanded.as_str()
            }
            _ => t,
        }
    } else {
        t
    };
    semver::Version::parse(t).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavours_accept_what_their_tools_accept() {
        assert!(parse_strict("1.2.3").is_ok());
        assert!(parse_strict("v1.2.3").is_err());
        assert!(parse_strict("1.2").is_err());
        assert!(parse_strict("01.2.3").is_err());
        assert!(parse_npm(" v1.2.3-beta.1 ").is_ok());
        assert!(parse_npm("1.2").is_err());
        assert!(parse_npm("9007199254740992.0.0").is_err());
        assert!(parse_golang("v1").is_ok_and(|v| v == semver::Version::new(1, 0, 0)));
        assert!(parse_golang("1.2").is_ok_and(|v| v == semver::Version::new(1, 2, 0)));
        assert!(parse_golang("v1.2-pre").is_err());
        assert!(parse_golang("v0.0.0-20191109021931-daa7c04131f5").is_ok());
        assert!(parse_golang("v2.0.0+incompatible").is_ok());
        assert!(parse_golang("v01.2.3").is_err());
    }
}
