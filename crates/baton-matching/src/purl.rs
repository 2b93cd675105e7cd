//! Just enough of purl to match packages: type, namespace, name and version, and the key that
//! OSV ecosystems and purls share.

/// The parts of a purl that identify a package, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// Lower case (purl types are case-insensitive).
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
}

impl Purl {
    /// Reads `pkg:type/namespace/name@version?qualifiers#subpath`; None when it is not one.
    pub fn parse(text: &str) -> Option<Purl> {
        let rest = text.trim().strip_prefix("pkg:")?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split('#').next().unwrap_or(rest);
        let rest = rest.split('?').next().unwrap_or(rest);
        let (path, version) = match rest.rfind('@') {
            // An `@` before the last `/` is part of an npm scope, not a version.
            Some(at) if !rest[at..].contains('/') => (&rest[..at], Some(decode(&rest[at + 1..]))),
            _ => (rest, None),
        };
        let mut parts = path.split('/').filter(|p| !p.is_empty());
        let kind = parts.next()?.to_ascii_lowercase();
        let segments: Vec<String> = parts.map(decode).collect();
        let (name, namespace) = segments.split_last()?;
        Some(Purl {
            kind,
            namespace: (!namespace.is_empty()).then(|| namespace.join("/")),
            name: name.clone(),
            version: version.filter(|v| !v.is_empty()),
        })
    }

    /// The package key: `type/namespace/name`, case-folded where the ecosystem ignores case and
    /// PyPI names normalized per PEP 503.
    pub fn key(&self) -> String {
        let full = match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        };
        package_key(&self.kind, &full)
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The key of a package `full_name` (namespace and name joined by `/`) of a purl type.
pub fn package_key(kind: &str, full_name: &str) -> String {
    let kind = kind.to_ascii_lowercase();
    let name = match kind.as_str() {
        // PEP 503: runs of `-`, `_`, `.` are one `-`, case ignored.
        "pypi" => {
            let mut n = String::with_capacity(full_name.len());
            let mut sep = false;
            for c in full_name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !n.is_empty() {
                        n.push('-');
                    }
                    sep = false;
                    n.extend(c.to_lowercase());
                }
            }
            n
        }
        // Registries that ignore case.
        "cargo" | "nuget" | "npm" | "composer" | "hex" | "pub" | "github" | "golang" | "deb"
        | "apk" => full_name.to_lowercase(),
        _ => full_name.to_string(),
    };
    format!("{kind}/{name}")
}

/// The purl type of an OSV ecosystem (`crates.io` → `cargo`), without its release suffix.
pub fn purl_type_of_ecosystem(ecosystem: &str) -> Option<&'static str> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem).trim();
    Some(match base {
        "crates.io" => "cargo",
        "PyPI" => "pypi",
        "Go" => "golang",
        "npm" => "npm",
        "Maven" => "maven",
        "NuGet" => "nuget",
        "RubyGems" => "gem",
        "Packagist" => "composer",
        "Hex" => "hex",
        "Pub" => "pub",
        "Debian" | "Ubuntu" => "deb",
        "Alpine" | "Wolfi" | "Chainguard" => "apk",
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia" => "rpm",
        "SwiftURL" => "swift",
        "Hackage" => "hackage",
        "CRAN" => "cran",
        "GitHub Actions" => "github",
        _ => return None,
    })
}

/// The package key of an OSV package (`ecosystem` + `name`). Maven names are `group:artifact`,
/// purl's `group/artifact`.
pub fn osv_package_key(ecosystem: &str, name: &str) -> Option<String> {
    let kind = purl_type_of_ecosystem(ecosystem)?;
    let name = if kind == "maven" {
        name.replacen(':', "/", 1)
    } else if let Some(distro) = distro_namespace(ecosystem) {
        // Distribution packages are namespaced by distribution in purls: pkg:deb/debian/openssl.
        format!("{distro}/{name}")
    } else {
        name.to_string()
    };
    Some(package_key(kind, &name))
}

/// The purl namespace of a distribution's OSV ecosystem (`Debian:12` → `debian`).
fn distro_namespace(ecosystem: &str) -> Option<&'static str> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem).trim();
    Some(match base {
        "Debian" => "debian",
        "Ubuntu" => "ubuntu",
        "Alpine" => "alpine",
        "Wolfi" => "wolfi",
        "Chainguard" => "chainguard",
        "Red Hat" => "redhat",
        "Rocky Linux" => "rocky",
        "AlmaLinux" => "almalinux",
        "openSUSE" => "opensuse",
        "SUSE" => "suse",
        "Mageia" => "mageia",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_packages_share_keys_with_their_purls() {
        let debian =
            Purl::parse("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64").map(|p| p.key());
        assert_eq!(
            debian.as_deref(),
            osv_package_key("Debian:12", "openssl").as_deref()
        );
        let alpine = Purl::parse("pkg:apk/alpine/zlib@1.2.12-r0").map(|p| p.key());
        assert_eq!(
            alpine.as_deref(),
            osv_package_key("Alpine:v3.16", "zlib").as_deref()
        );
        assert_ne!(
            osv_package_key("Ubuntu:22.04:LTS", "openssl"),
            osv_package_key("Debian:12", "openssl")
        );
    }

    #[test]
    fn purls_and_osv_packages_share_keys() {
        let p = Purl::parse("pkg:cargo/smallvec@0.6.9").map(|p| (p.key(), p.version));
        assert_eq!(
            p,
            Some(("cargo/smallvec".to_string(), Some("0.6.9".to_string())))
        );
        assert_eq!(
            osv_package_key("crates.io", "smallvec").as_deref(),
            Some("cargo/smallvec")
        );
        let npm = Purl::parse("pkg:npm/%40angular/core@1.0.0?x=y#a").map(|p| p.key());
        assert_eq!(npm.as_deref(), Some("npm/@angular/core"));
        assert_eq!(
            osv_package_key("npm", "@angular/core").as_deref(),
            Some("npm/@angular/core")
        );
        let mvn = Purl::parse("pkg:maven/org.apache/log4j-core@2.0").map(|p| p.key());
        assert_eq!(mvn, osv_package_key("Maven", "org.apache:log4j-core"));
        let py = Purl::parse("pkg:pypi/Django_Rest.Framework").map(|p| p.key());
        assert_eq!(py, osv_package_key("PyPI", "django-rest-framework"));
        assert_eq!(Purl::parse("cargo/x"), None);
    }
}
