//! The version schemes Baton knows and how their names are spelled in purl
//! types, `vers` types and OSV ecosystems.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::VersionError;

/// A way of writing and ordering versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Strict Semantic Versioning 2.0.0 (`vers:semver`).
    Semver,
    /// node-semver versions: SemVer 2.0.0, an optional leading `v`.
    Npm,
    /// Cargo: strict SemVer 2.0.0.
    Cargo,
    /// Python PEP 440.
    Pypi,
    /// Apache Maven `ComparableVersion`.
    Maven,
    /// Debian `[epoch:]upstream[-revision]`, dpkg ordering.
    Deb,
    /// RPM `[epoch:]version[-release]`, rpmvercmp ordering with `~` and `^`.
    Rpm,
    /// Go modules: SemVer with a `v` prefix (optional here), `vX`/`vX.Y`
    /// shorthands and pseudo-versions.
    Golang,
    /// NuGet: up to four numbers, case-insensitive pre-release labels.
    Nuget,
    /// RubyGems `Gem::Version`.
    Gem,
    /// Alpine `apk` versions.
    Apk,
    /// A generic algorithm for versions with no ecosystem: numeric and
    /// alphabetic components, pre- and post-release keywords.
    Generic,
    /// The version strings of medical-device advisories (`B.06.18`, `L81`,
    /// `12.2.x.x`); see [`crate::firmware`].
    Firmware,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 13] = [
        Scheme::Semver,
        Scheme::Npm,
        Scheme::Cargo,
        Scheme::Pypi,
        Scheme::Maven,
        Scheme::Deb,
        Scheme::Rpm,
        Scheme::Golang,
        Scheme::Nuget,
        Scheme::Gem,
        Scheme::Apk,
        Scheme::Generic,
        Scheme::Firmware,
    ];

    /// The scheme's name: its `vers` type (`firmware` is Baton's own type).
    pub fn key(self) -> &'static str {
        match self {
            Scheme::Semver => "semver",
            Scheme::Npm => "npm",
            Scheme::Cargo => "cargo",
            Scheme::Pypi => "pypi",
            Scheme::Maven => "maven",
            Scheme::Deb => "deb",
            Scheme::Rpm => "rpm",
            Scheme::Golang => "golang",
            Scheme::Nuget => "nuget",
            Scheme::Gem => "gem",
            Scheme::Apk => "apk",
            Scheme::Generic => "generic",
            Scheme::Firmware => "firmware",
        }
    }

    /// The scheme named `key` (a `vers` type, lowercase, exact).
    pub fn from_key(key: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The scheme of a purl package type (`pkg:<type>/…`). Types are
    /// case-insensitive in purl; `github` and `bitbucket` packages carry Go-style
    /// tags only by convention, so they are not guessed.
    pub fn from_purl_type(purl_type: &str) -> Option<Scheme> {
        let t = purl_type.to_ascii_lowercase();
        Some(match t.as_str() {
            "npm" => Scheme::Npm,
            "cargo" => Scheme::Cargo,
            "pypi" => Scheme::Pypi,
            "maven" => Scheme::Maven,
            "deb" => Scheme::Deb,
            "rpm" => Scheme::Rpm,
            "golang" => Scheme::Golang,
            "nuget" => Scheme::Nuget,
            "gem" => Scheme::Gem,
            "apk" => Scheme::Apk,
            "generic" => Scheme::Generic,
            _ => return None,
        })
    }

    /// The scheme of an OSV ecosystem name (`crates.io`, `PyPI`, `Debian:12`,
    /// `Alpine:v3.20`…). The part after `:` is a release of the ecosystem and
    /// does not change the ordering.
    pub fn from_osv_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem).trim();
        Some(match base {
            "crates.io" => Scheme::Cargo,
            "PyPI" => Scheme::Pypi,
            "Go" => Scheme::Golang,
            "npm" => Scheme::Npm,
            "Maven" => Scheme::Maven,
            "Debian" | "Ubuntu" => Scheme::Deb,
            "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
            "RubyGems" => Scheme::Gem,
            "NuGet" => Scheme::Nuget,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia" => Scheme::Rpm,
            _ => return None,
        })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Scheme {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::from_key(s).ok_or_else(|| VersionError::UnknownScheme(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::from_key(s.key()), Some(s));
            assert_eq!(s.key().parse::<Scheme>(), Ok(s));
        }
        assert_eq!(Scheme::from_key("NPM"), None);
        assert!("unknown".parse::<Scheme>().is_err());
    }

    #[test]
    fn purl_types_and_osv_ecosystems() {
        assert_eq!(Scheme::from_purl_type("PyPI"), Some(Scheme::Pypi));
        assert_eq!(Scheme::from_purl_type("github"), None);
        assert_eq!(Scheme::from_osv_ecosystem("crates.io"), Some(Scheme::Cargo));
        assert_eq!(Scheme::from_osv_ecosystem("Debian:12"), Some(Scheme::Deb));
        assert_eq!(
            Scheme::from_osv_ecosystem("Alpine:v3.20"),
            Some(Scheme::Apk)
        );
        assert_eq!(Scheme::from_osv_ecosystem("Go"), Some(Scheme::Golang));
        assert_eq!(Scheme::from_osv_ecosystem("Packagist"), None);
    }
}
