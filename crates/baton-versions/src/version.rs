//! A parsed version of some scheme: parse once, compare many times.

use std::cmp::Ordering;
use std::fmt;

use crate::{
    Scheme, VersionError, apk, deb, firmware, gem, generic, maven, nuget, pypi, rpm, semver_family,
};

/// A version string read under one [`Scheme`].
///
/// Parsing checks the string once; [`Version::compare`] then only walks the
/// parsed parts. A firmware version may be a wildcard pattern (`12.2.x.x`),
/// which only ranges accept as a bound.
#[derive(Debug, Clone)]
pub struct Version {
    scheme: Scheme,
    text: Text,
    repr: Repr,
}

/// The original string, kept inline when short: most versions are, and
/// `vers check` parses one or more per line.
#[derive(Clone)]
enum Text {
    Inline { len: u8, bytes: [u8; 30] },
    Heap(Box<str>),
}

impl Text {
    fn new(s: &str) -> Text {
        let mut bytes = [0u8; 30];
        match (u8::try_from(s.len()), bytes.get_mut(..s.len())) {
            (Ok(len), Some(slot)) => {
                slot.copy_from_slice(s.as_bytes());
                Text::Inline { len, bytes }
            }
            _ => Text::Heap(s.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Text::Heap(s) => s,
        }
    }

    /// The bytes of the string, without checking UTF-8 again (the schemes
    /// that compare the text itself only hold ASCII).
    fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Text::Heap(s) => s.as_bytes(),
        }
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[derive(Debug, Clone)]
enum Repr {
    Semver(semver::Version),
    /// `pep440_rs::Version` is a pointer already.
    Pypi(pep440_rs::Version),
    Maven(maven::MavenVersion),
    Deb(deb::DebVersion),
    Rpm(rpm::RpmVersion),
    Nuget(nuget::NugetVersion),
    Gem(gem::GemVersion),
    Apk(apk::ApkVersion),
    Generic(generic::GenericVersion),
    Firmware(firmware::FirmwareVersion),
}

impl Version {
    /// Reads `text` as a version of `scheme`.
    pub fn parse(scheme: Scheme, text: &str) -> Result<Version, VersionError> {
        if is_blank(text) {
            return Err(VersionError::Empty { scheme });
        }
        let invalid = |reason: String| VersionError::Invalid {
            scheme,
            version: text.to_string(),
            reason,
        };
        let repr = match scheme {
            Scheme::Semver | Scheme::Cargo => {
                Repr::Semver(semver_family::parse_strict(text).map_err(invalid)?)
            }
            Scheme::Npm => Repr::Semver(semver_family::parse_npm(text).map_err(invalid)?),
            Scheme::Golang => Repr::Semver(semver_family::parse_golang(text).map_err(invalid)?),
            Scheme::Pypi => Repr::Pypi(pypi::parse(text).map_err(invalid)?),
            Scheme::Maven => Repr::Maven(maven::MavenVersion::parse(text).map_err(invalid)?),
            Scheme::Deb => Repr::Deb(deb::DebVersion::parse(text).map_err(invalid)?),
            Scheme::Rpm => Repr::Rpm(rpm::RpmVersion::parse(text).map_err(invalid)?),
            Scheme::Nuget => Repr::Nuget(nuget::NugetVersion::parse(text).map_err(invalid)?),
            Scheme::Gem => Repr::Gem(gem::GemVersion::parse(text).map_err(invalid)?),
            Scheme::Apk => Repr::Apk(apk::ApkVersion::parse(text).map_err(invalid)?),
            Scheme::Generic => {
                Repr::Generic(generic::GenericVersion::parse(text).map_err(invalid)?)
            }
            Scheme::Firmware => {
                Repr::Firmware(firmware::FirmwareVersion::parse(text).map_err(invalid)?)
            }
        };
        Ok(Version {
            scheme,
            text: Text::new(text),
            repr,
        })
    }

    /// The scheme this version was read with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The string as given.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// True for a firmware wildcard pattern such as `4.x` or `12.2.x.x`.
    pub fn is_wildcard(&self) -> bool {
        matches!(&self.repr, Repr::Firmware(f) if f.is_pattern())
    }

    /// Orders two versions of the same scheme. Fails for different schemes,
    /// for wildcard patterns and for firmware versions that have no order
    /// (different product-line prefixes, letters against numbers).
    pub fn compare(&self, other: &Version) -> Result<Ordering, VersionError> {
        for v in [self, other] {
            if v.is_wildcard() {
                return Err(VersionError::Wildcard {
                    scheme: v.scheme,
                    version: v.as_str().to_string(),
                });
            }
        }
        self.order(other, Mode::Exact)
    }

    /// Where this concrete version lies relative to a range bound, which
    /// may be a wildcard pattern: `Equal` means "matched by the bound".
    pub(crate) fn locate(&self, bound: &Version) -> Result<Ordering, VersionError> {
        if self.is_wildcard() {
            return Err(VersionError::Wildcard {
                scheme: self.scheme,
                version: self.as_str().to_string(),
            });
        }
        self.order(bound, Mode::Locate)
    }

    /// [`Version::locate`] for a version known not to be a wildcard
    /// pattern and of the bound's scheme.
    pub(crate) fn locate_concrete(&self, bound: &Version) -> Result<Ordering, VersionError> {
        self.order(bound, Mode::Locate)
    }

    /// Order of two range bounds, used to check that constraints are
    /// sorted; overlapping wildcard patterns compare `Equal`.
    pub(crate) fn bound_order(&self, other: &Version) -> Result<Ordering, VersionError> {
        self.order(other, Mode::Bounds)
    }

    fn order(&self, other: &Version, mode: Mode) -> Result<Ordering, VersionError> {
        if self.scheme != other.scheme {
            return Err(VersionError::SchemeMismatch {
                left: self.scheme,
                right: other.scheme,
            });
        }
        let result = match (&self.repr, &other.repr) {
            (Repr::Semver(a), Repr::Semver(b)) => Ok(a.cmp_precedence(b)),
            (Repr::Pypi(a), Repr::Pypi(b)) => Ok(a.cmp(b)),
            (Repr::Maven(a), Repr::Maven(b)) => Ok(a.cmp(b)),
            (Repr::Deb(a), Repr::Deb(b)) => Ok(deb::compare(
                a,
                self.text.as_bytes(),
                b,
                other.text.as_bytes(),
            )),
            (Repr::Rpm(a), Repr::Rpm(b)) => Ok(rpm::compare(
                a,
                self.text.as_bytes(),
                b,
                other.text.as_bytes(),
            )),
            (Repr::Nuget(a), Repr::Nuget(b)) => Ok(a.cmp(b)),
            (Repr::Gem(a), Repr::Gem(b)) => Ok(a.cmp(b)),
            (Repr::Apk(a), Repr::Apk(b)) => Ok(a.cmp(b)),
            (Repr::Generic(a), Repr::Generic(b)) => Ok(a.cmp(b)),
            (Repr::Firmware(a), Repr::Firmware(b)) => match mode {
                Mode::Exact => a.compare(b),
                Mode::Locate => a.locate(b),
                Mode::Bounds => a.bound_order(b),
            },
            // Same scheme always means the same representation.
            _ => Err("internal representation mismatch".to_string()),
        };
        result.map_err(|reason| VersionError::Incomparable {
            scheme: self.scheme,
            left: self.as_str().to_string(),
            right: other.as_str().to_string(),
            reason,
        })
    }
}

/// Whether `text` is empty or only whitespace, without walking the whole
/// string in the usual case of a first character that is plainly not
/// whitespace.
fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b'!'..=b'~') => false,
        _ => text.trim().is_empty(),
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Exact,
    Locate,
    Bounds,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Orders two version strings of `scheme`.
///
/// ```
/// use std::cmp::Ordering;
/// use baton_versions::{compare, Scheme};
/// assert_eq!(compare(Scheme::Pypi, "1.0rc1", "1.0"), Ok(Ordering::Less));
/// assert!(compare(Scheme::Firmware, "A10", "B2").is_err());
/// ```
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Version::parse(scheme, a)?.compare(&Version::parse(scheme, b)?)
}
