//! What an SBOM is missing: the NTIA minimum elements (July 2021) and the two per-component fields
//! FDA's premarket guidance adds (§V.A.4(b): level of support, end-of-support date).
//!
//! Readings Baton takes where the texts leave room:
//! - **Supplier name** ("the name of an entity that creates, defines, and identifies components"):
//!   the component's supplier, else its manufacturer, else its publisher. All three name the
//!   organization that puts the component out under its name; a component *author* (a person who
//!   wrote code) is not taken as its supplier.
//! - **Other unique identifiers**: a purl, a CPE, a SWID tag id or a hash.
//! - **Dependency relationship**: the component appears in the dependency graph, as the `from` of
//!   an entry (an entry with no targets states "depends on nothing", as CycloneDX specifies) or
//!   among some entry's targets, or it is nested inside another component ("included in", NTIA's
//!   own relationship). A document merely having a dependency section does not count for
//!   components missing from it: CycloneDX says those have *unknown* dependencies.
//! - **Author** and **timestamp** are document-level and reported as `"document"` when missing.
//! - `missing` always lists all seven elements, empty when nothing lacks them.
//! - FDA **missing**: no level of support, no end-of-support value. An end-of-support written as
//!   text ("Until hardware support ends") is present, though not a date.
//! - FDA **unsupported**: an end-of-support date before the check date, or a level of support (or
//!   a textual end of support) stating that support has ended: after lower-casing and turning
//!   every run of non-alphanumerics into one space, it contains one of [`UNSUPPORTED_PHRASES`] as
//!   whole words. Levels that only announce or hint at an end ("deprecated", "inactive") and
//!   "unknown" are not counted as unsupported.
//! - `conformant` means nothing is missing; unsupported components do not change it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{CompactString, Component, Parsed, SupportDate, Warning};
use crate::refs::{Fingerprints, RefSet};

// One rule for "no longer supported", shared with the fleet reports.
pub use baton_model::support::{UNSUPPORTED_PHRASES, says_unsupported};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub format: &'static str,
    pub spec_version: String,
    /// Number of components.
    pub components: usize,
    pub warnings: Vec<Warning>,
    pub ntia: NtiaReport,
    pub fda: FdaReport,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NtiaReport {
    pub conformant: bool,
    pub missing: NtiaMissing,
}

/// For each NTIA minimum element, the references of the components that lack it (`"document"`
/// for the document-level author and timestamp).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NtiaMissing {
    pub supplier: Vec<CompactString>,
    pub name: Vec<CompactString>,
    pub version: Vec<CompactString>,
    pub identifiers: Vec<CompactString>,
    pub dependencies: Vec<CompactString>,
    pub author: Vec<CompactString>,
    pub timestamp: Vec<CompactString>,
}

impl NtiaMissing {
    fn is_empty(&self) -> bool {
        [
            &self.supplier,
            &self.name,
            &self.version,
            &self.identifiers,
            &self.dependencies,
            &self.author,
            &self.timestamp,
        ]
        .iter()
        .all(|v| v.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FdaReport {
    pub conformant: bool,
    pub missing_support_level: Vec<CompactString>,
    pub missing_end_of_support: Vec<CompactString>,
    pub unsupported: Vec<CompactString>,
}

/// Empty or only whitespace (stops at the first visible character, unlike `trim`).
fn blank(value: &str) -> bool {
    match value.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        _ => value.chars().all(char::is_whitespace),
    }
}

fn present(value: Option<&str>) -> bool {
    value.is_some_and(|v| !blank(v))
}

/// `says_unsupported`, remembered per distinct value: documents repeat a handful of values, so
/// the first few are compared with before the table (which hashes) is asked.
struct Verdicts<'a> {
    recent: Vec<(&'a str, bool)>,
    all: HashMap<&'a str, bool>,
}

/// Values [`Verdicts`] compares with before looking them up.
const RECENT_VALUES: usize = 8;

impl<'a> Verdicts<'a> {
    fn says_unsupported(&mut self, value: &'a str) -> bool {
        if let Some((_, verdict)) = self.recent.iter().find(|(seen, _)| *seen == value) {
            return *verdict;
        }
        let verdict = *self
            .all
            .entry(value)
            .or_insert_with(|| says_unsupported(value));
        if self.recent.len() < RECENT_VALUES {
            self.recent.push((value, verdict));
        }
        verdict
    }

    fn unsupported(&mut self, c: &'a Component, on: NaiveDate) -> bool {
        let ended = match &c.end_of_support {
            Some(SupportDate::Date(d)) => *d < on,
            Some(SupportDate::Text(t)) => self.says_unsupported(t),
            None => false,
        };
        ended
            || c.support_level
                .as_deref()
                .is_some_and(|l| self.says_unsupported(l))
    }
}

/// SBOMs with at least this many components are checked on two threads.
const PARALLEL_COMPONENTS: usize = 20_000;

/// What the components lack, in their order.
struct Findings {
    missing: NtiaMissing,
    missing_support_level: Vec<CompactString>,
    missing_end_of_support: Vec<CompactString>,
    unsupported: Vec<CompactString>,
}

impl Findings {
    fn append(&mut self, mut other: Findings) {
        let m = &mut self.missing;
        let o = &mut other.missing;
        for (mine, theirs) in [
            (&mut m.supplier, &mut o.supplier),
            (&mut m.name, &mut o.name),
            (&mut m.version, &mut o.version),
            (&mut m.identifiers, &mut o.identifiers),
            (&mut m.dependencies, &mut o.dependencies),
            (
                &mut self.missing_support_level,
                &mut other.missing_support_level,
            ),
            (
                &mut self.missing_end_of_support,
                &mut other.missing_end_of_support,
            ),
            (&mut self.unsupported, &mut other.unsupported),
        ] {
            mine.append(theirs);
        }
    }
}

/// Runs `work` on `components` (given the index of the first), on two threads when there are
/// many; `join` puts the results together in component order.
fn split<'c, T: Send>(
    components: &'c [Component],
    work: impl Fn(usize, &'c [Component]) -> T + Sync,
    join: impl FnOnce(T, T) -> T,
) -> T {
    let parallel = components.len() >= PARALLEL_COMPONENTS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if !parallel {
        return work(0, components);
    }
    let half = components.len() / 2;
    let (first, second) = components.split_at(half);
    std::thread::scope(|scope| {
        let later = scope.spawn(|| work(half, second));
        let earlier = work(0, first);
        match later.join() {
            Ok(later) => join(earlier, later),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Whether each component takes part in the dependency graph (see the module notes).
fn in_graph(components: &[Component], graph: &RefSet, fingerprints: &Fingerprints) -> Vec<bool> {
    components
        .iter()
        .map(|c| c.parent.is_some() || graph.contains(&fingerprints.of(&c.reference)))
        .collect()
}

/// The per-component checks; `in_graph` is aligned with `components`.
fn findings(components: &[Component], in_graph: &[bool], on: NaiveDate) -> Findings {
    let mut verdicts = Verdicts {
        recent: Vec::new(),
        all: HashMap::new(),
    };
    let mut f = Findings {
        missing: NtiaMissing::default(),
        missing_support_level: Vec::new(),
        missing_end_of_support: Vec::new(),
        unsupported: Vec::new(),
    };
    let missing = &mut f.missing;
    for (c, in_graph) in components.iter().zip(in_graph) {
        let r = || c.reference.clone();
        if !(present(c.supplier.as_deref())
            || present(c.manufacturer.as_deref())
            || present(c.publisher.as_deref()))
        {
            missing.supplier.push(r());
        }
        if blank(&c.name) {
            missing.name.push(r());
        }
        if !present(c.version.as_deref()) {
            missing.version.push(r());
        }
        let identified = present(c.purl.as_deref())
            || c.cpes.iter().any(|cpe| !blank(cpe))
            || present(c.swid.as_deref())
            || c.hashes.iter().any(|h| !h.value.is_empty());
        if !identified {
            missing.identifiers.push(r());
        }
        if !in_graph {
            missing.dependencies.push(r());
        }
        if !present(c.support_level.as_deref()) {
            f.missing_support_level.push(r());
        }
        match &c.end_of_support {
            None => f.missing_end_of_support.push(r()),
            Some(SupportDate::Text(t)) if blank(t) => f.missing_end_of_support.push(r()),
            Some(_) => {}
        }
        if verdicts.unsupported(c, on) {
            f.unsupported.push(r());
        }
    }
    f
}

/// Checks a parsed SBOM on date `on` (which decides whether an end-of-support date has passed).
pub fn check(parsed: &Parsed, on: NaiveDate) -> CheckReport {
    let sbom = &parsed.sbom;
    let components = &sbom.components;
    // The graph's table is dropped before the lists are made, so that they can reuse its room.
    let in_graph = {
        let fingerprints = Fingerprints::new();
        // Sized for one reference per component, what a dependency graph usually names.
        let mut graph = RefSet::with_capacity_and_hasher(components.len(), Default::default());
        graph.extend(
            sbom.dependencies
                .iter()
                .flat_map(|d| {
                    std::iter::once(d.from.as_str()).chain(d.to.iter().map(CompactString::as_str))
                })
                .map(|r| fingerprints.of(r)),
        );
        split(
            components,
            |_, part| in_graph(part, &graph, &fingerprints),
            |mut a, mut b| {
                a.append(&mut b);
                a
            },
        )
    };
    let found = split(
        components,
        |at, part| findings(part, &in_graph[at..at + part.len()], on),
        |mut a, b| {
            a.append(b);
            a
        },
    );
    let mut missing = found.missing;
    let mut fda = FdaReport {
        conformant: true,
        missing_support_level: found.missing_support_level,
        missing_end_of_support: found.missing_end_of_support,
        unsupported: found.unsupported,
    };
    if sbom.authors.iter().all(|a| blank(a)) {
        missing.author.push("document".into());
    }
    if sbom.timestamp.is_none() {
        missing.timestamp.push("document".into());
    }
    fda.conformant = fda.missing_support_level.is_empty() && fda.missing_end_of_support.is_empty();
    CheckReport {
        format: sbom.format.key(),
        spec_version: sbom.spec_version.clone(),
        components: sbom.components.len(),
        warnings: parsed.warnings.clone(),
        ntia: NtiaReport {
            conformant: missing.is_empty(),
            missing,
        },
        fda,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::{Dependency, Hash, Sbom, SbomFormat};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn complete(reference: &str) -> Component {
        Component {
            reference: reference.into(),
            name: format!("lib-{reference}").into(),
            version: Some("1.0".into()),
            supplier: Some("Acme".into()),
            purl: Some(format!("pkg:generic/lib-{reference}@1.0")),
            support_level: Some("Actively maintained".into()),
            end_of_support: Some(SupportDate::Date(day(2030, 1, 1))),
            ..Component::default()
        }
    }

    fn doc(components: Vec<Component>, dependencies: Vec<Dependency>) -> Parsed {
        Parsed {
            sbom: Sbom {
                format: SbomFormat::CycloneDxJson,
                spec_version: "1.6".into(),
                serial_number: None,
                name: None,
                timestamp: Some(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()),
                authors: vec!["Acme PSIRT".into()],
                tools: vec![],
                subject: None,
                components,
                dependencies,
                properties: vec![],
            },
            warnings: vec![],
        }
    }

    #[test]
    fn a_large_sbom_checked_on_two_threads_reads_as_on_one() {
        let components: Vec<Component> = (0..PARALLEL_COMPONENTS + 7)
            .map(|i| {
                let mut c = complete(&format!("c{i}"));
                if i % 3 == 0 {
                    c.supplier = None;
                }
                if i % 5 == 0 {
                    c.version = Some(" ".into());
                }
                if i % 7 == 0 {
                    c.purl = None;
                }
                if i % 11 == 0 {
                    c.support_level = Some(["abandoned", "", "active"][i % 3].into());
                }
                if i % 13 == 0 {
                    c.end_of_support = [None, Some(SupportDate::Text("EOL".into()))][i % 2].clone();
                }
                if i % 17 == 0 {
                    c.end_of_support = Some(SupportDate::Date(day(2020, 1, 1)));
                }
                c
            })
            .collect();
        let dependencies = vec![Dependency {
            from: "c1".into(),
            to: (0..components.len())
                .step_by(2)
                .map(|i| format!("c{i}").into())
                .collect(),
        }];
        let parsed = doc(components, dependencies);
        let on = day(2026, 1, 1);
        let report = check(&parsed, on);
        let fingerprints = Fingerprints::new();
        let graph: RefSet = parsed.sbom.dependencies[0]
            .to
            .iter()
            .chain(std::iter::once(&parsed.sbom.dependencies[0].from))
            .map(|r| fingerprints.of(r))
            .collect();
        let flags = in_graph(&parsed.sbom.components, &graph, &fingerprints);
        let one = findings(&parsed.sbom.components, &flags, on);
        assert_eq!(report.ntia.missing.supplier, one.missing.supplier);
        assert_eq!(report.ntia.missing.version, one.missing.version);
        assert_eq!(report.ntia.missing.identifiers, one.missing.identifiers);
        assert_eq!(report.ntia.missing.dependencies, one.missing.dependencies);
        assert_eq!(report.fda.missing_support_level, one.missing_support_level);
        assert_eq!(
            report.fda.missing_end_of_support,
            one.missing_end_of_support
        );
        assert_eq!(report.fda.unsupported, one.unsupported);
        assert!(report.fda.unsupported.len() > 1000);
        assert!(report.ntia.missing.dependencies.len() > 1000);
    }

    #[test]
    fn complete_document_is_conformant() {
        let deps = vec![Dependency {
            from: "a".into(),
            to: vec!["b".into()],
        }];
        let report = check(
            &doc(vec![complete("a"), complete("b")], deps),
            day(2026, 11, 28),
        );
        assert!(report.ntia.conformant, "{report:?}");
        assert!(report.fda.conformant, "{report:?}");
        assert!(report.fda.unsupported.is_empty());
        assert_eq!(report.components, 2);
        let json = serde_json::to_value(&report).unwrap();
        let keys: Vec<&str> = json["ntia"]["missing"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 7, "all seven elements are always listed");
    }

    #[test]
    fn supplier_falls_back_to_manufacturer_and_publisher_not_author() {
        let mut by_maker = complete("m");
        by_maker.supplier = None;
        by_maker.manufacturer = Some("Maker".into());
        let mut by_publisher = complete("p");
        by_publisher.supplier = None;
        by_publisher.publisher = Some("Pub".into());
        let mut by_author = complete("x");
        by_author.supplier = None;
        by_author.author = Some("Jane Dev".into());
        let deps = vec![Dependency {
            from: "m".into(),
            to: vec!["p".into(), "x".into()],
        }];
        let report = check(
            &doc(vec![by_maker, by_publisher, by_author], deps),
            day(2026, 1, 1),
        );
        assert_eq!(report.ntia.missing.supplier, vec!["x"]);
    }

    #[test]
    fn identifiers_any_of_purl_cpe_swid_hash() {
        let mut none = complete("none");
        none.purl = None;
        let mut cpe = complete("cpe");
        cpe.purl = None;
        cpe.cpes = vec!["cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*".into()];
        let mut swid = complete("swid");
        swid.purl = None;
        swid.swid = Some("tag".into());
        let mut hash = complete("hash");
        hash.purl = None;
        hash.hashes = vec![Hash {
            algorithm: "SHA-256".into(),
            value: "ab".repeat(32),
        }];
        let deps = vec![Dependency {
            from: "none".into(),
            to: vec!["cpe".into(), "swid".into(), "hash".into()],
        }];
        let report = check(&doc(vec![none, cpe, swid, hash], deps), day(2026, 1, 1));
        assert_eq!(report.ntia.missing.identifiers, vec!["none"]);
    }

    #[test]
    fn dependency_relationship_rules() {
        let mut nested = complete("nested");
        nested.parent = Some("top".into());
        let comps = vec![
            complete("top"),
            nested,
            complete("leaf"),
            complete("target"),
            complete("loose"),
        ];
        let deps = vec![
            Dependency {
                from: "leaf".into(),
                to: vec![],
            },
            Dependency {
                from: "top".into(),
                to: vec!["target".into()],
            },
        ];
        let report = check(&doc(comps, deps), day(2026, 1, 1));
        assert_eq!(report.ntia.missing.dependencies, vec!["loose"]);
        let report = check(&doc(vec![complete("a")], vec![]), day(2026, 1, 1));
        assert_eq!(report.ntia.missing.dependencies, vec!["a"]);
    }

    #[test]
    fn document_level_elements() {
        let mut parsed = doc(vec![], vec![]);
        parsed.sbom.authors = vec![" ".into()];
        parsed.sbom.timestamp = None;
        let report = check(&parsed, day(2026, 1, 1));
        assert_eq!(report.ntia.missing.author, vec!["document"]);
        assert_eq!(report.ntia.missing.timestamp, vec!["document"]);
        assert!(!report.ntia.conformant);
    }

    #[test]
    fn fda_missing_and_text_dates() {
        let mut no_level = complete("a");
        no_level.support_level = None;
        let mut no_end = complete("b");
        no_end.end_of_support = None;
        let mut text_end = complete("c");
        text_end.end_of_support = Some(SupportDate::Text("Until hardware support ends".into()));
        let deps = vec![Dependency {
            from: "a".into(),
            to: vec!["b".into(), "c".into()],
        }];
        let report = check(
            &doc(vec![no_level, no_end, text_end], deps),
            day(2026, 1, 1),
        );
        assert_eq!(report.fda.missing_support_level, vec!["a"]);
        assert_eq!(report.fda.missing_end_of_support, vec!["b"]);
        assert!(report.fda.unsupported.is_empty());
        assert!(!report.fda.conformant);
    }

    #[test]
    fn unsupported_by_date_and_by_words() {
        let mut past = complete("past");
        past.end_of_support = Some(SupportDate::Date(day(2026, 11, 27)));
        let mut today = complete("today");
        today.end_of_support = Some(SupportDate::Date(day(2026, 11, 28)));
        let mut abandoned = complete("abandoned");
        abandoned.support_level = Some("ABANDONED".into());
        let mut eol = complete("eol");
        eol.support_level = Some("End-of-Life".into());
        let mut text = complete("text");
        text.end_of_support = Some(SupportDate::Text("No longer supported".into()));
        let mut deprecated = complete("deprecated");
        deprecated.support_level = Some("Deprecated".into());
        let comps = vec![past, today, abandoned, eol, text, deprecated];
        let report = check(&doc(comps, vec![]), day(2026, 11, 28));
        assert_eq!(
            report.fda.unsupported,
            vec!["past", "abandoned", "eol", "text"]
        );
    }

    #[test]
    fn unsupported_vocabulary() {
        for yes in [
            "No longer maintained",
            "no-longer-maintained",
            "  Abandoned ",
            "unmaintained",
            "EOL",
            "Unsupported",
            "Not supported by vendor",
        ] {
            assert!(says_unsupported(yes), "{yes}");
        }
        for no in [
            "Actively maintained",
            "Maintained",
            "Inactive",
            "Deprecated",
            "Unknown",
            "supported",
            "EOLE",
            "",
        ] {
            assert!(!says_unsupported(no), "{no}");
        }
    }
}
