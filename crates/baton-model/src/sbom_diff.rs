//! What changed between two SBOMs of a release: components added, removed, or at another version.

use serde::Serialize;

/// A component as far as a diff cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentVersion {
    pub name: String,
    pub version: Option<String>,
    pub purl: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComponentChange {
    pub change: Change,
    pub name: String,
    pub from_version: Option<String>,
    pub to_version: Option<String>,
    pub purl: Option<String>,
}

/// A component's identity across versions: its purl without version and qualifiers, else its
/// name, compared without regard to case.
fn identity(c: &ComponentVersion) -> String {
    if let Some(p) = &c.purl {
        let base = p.split(['?', '#']).next().unwrap_or(p);
        let base = match base.rfind('@') {
            Some(at) if at > base.rfind('/').unwrap_or(0) => &base[..at],
            _ => base,
        };
        return base.to_lowercase();
    }
    c.name.trim().to_lowercase()
}

/// Changes from `from` to `to`, sorted by name. Components with the same identity are paired in
/// version order, so a library present at two versions is not reported as changed.
pub fn diff(from: &[ComponentVersion], to: &[ComponentVersion]) -> Vec<ComponentChange> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<String, (Vec<&ComponentVersion>, Vec<&ComponentVersion>)> =
        BTreeMap::new();
    for c in from {
        groups.entry(identity(c)).or_default().0.push(c);
    }
    for c in to {
        groups.entry(identity(c)).or_default().1.push(c);
    }
    let mut out = Vec::new();
    for (_, (mut old, mut new)) in groups {
        // Versions present on both sides are unchanged.
        old.retain(|o| match new.iter().position(|n| n.version == o.version) {
            Some(i) => {
                new.remove(i);
                false
            }
            None => true,
        });
        old.sort_by(|a, b| a.version.cmp(&b.version));
        new.sort_by(|a, b| a.version.cmp(&b.version));
        let paired = old.len().min(new.len());
        for (o, n) in old.iter().zip(new.iter()) {
            out.push(ComponentChange {
                change: Change::Changed,
                name: n.name.clone(),
                from_version: o.version.clone(),
                to_version: n.version.clone(),
                purl: n.purl.clone(),
            });
        }
        for o in &old[paired..] {
            out.push(ComponentChange {
                change: Change::Removed,
                name: o.name.clone(),
                from_version: o.version.clone(),
                to_version: None,
                purl: o.purl.clone(),
            });
        }
        for n in &new[paired..] {
            out.push(ComponentChange {
                change: Change::Added,
                name: n.name.clone(),
                from_version: None,
                to_version: n.version.clone(),
                purl: n.purl.clone(),
            });
        }
    }
    out.sort_by_key(|c| (c.name.to_lowercase(), c.change));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str, version: &str, purl: Option<&str>) -> ComponentVersion {
        ComponentVersion {
            name: name.into(),
            version: Some(version.into()),
            purl: purl.map(Into::into),
        }
    }

    #[test]
    fn added_removed_changed() {
        let from = [
            c("openssl", "1.1.1k", Some("pkg:generic/openssl@1.1.1k")),
            c("zlib", "1.2.11", None),
            c("busybox", "1.31", None),
        ];
        let to = [
            c(
                "OpenSSL",
                "3.0.13",
                Some("pkg:generic/openssl@3.0.13?arch=arm"),
            ),
            c("zlib", "1.2.11", None),
            c("lwip", "2.1.3", None),
        ];
        let d = diff(&from, &to);
        let got: Vec<_> = d
            .iter()
            .map(|x| {
                (
                    x.change,
                    x.name.as_str(),
                    x.from_version.as_deref(),
                    x.to_version.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Change::Removed, "busybox", Some("1.31"), None),
                (Change::Added, "lwip", None, Some("2.1.3")),
                (Change::Changed, "OpenSSL", Some("1.1.1k"), Some("3.0.13")),
            ]
        );
    }

    #[test]
    fn two_versions_of_one_library() {
        let from = [c("log", "1.0", None), c("log", "2.0", None)];
        let to = [c("log", "2.0", None), c("log", "2.1", None)];
        let d = diff(&from, &to);
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].from_version.as_deref(), d[0].to_version.as_deref()),
            (Some("1.0"), Some("2.1"))
        );
        assert!(diff(&to, &to).is_empty());
    }
}
