//! SPDX 2 tag-value into the neutral tree, shaped like SPDX JSON (`packages[]`, `relationships[]`,
//! …) so one mapping serves all three formats. Every node keeps its line for warnings.

use super::common::Notes;
use super::tree::{Loc, Node, Style, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Document,
    Package,
    File,
    Snippet,
    License,
}

type Entries = Vec<(String, Node)>;

#[derive(Default)]
struct Builder {
    doc: Entries,
    creation: Entries,
    creators: Vec<Node>,
    packages: Vec<(Entries, usize)>,
    files: Vec<(Entries, usize)>,
    snippets: Vec<(Entries, usize)>,
    licenses: Vec<(Entries, usize)>,
    relationships: Vec<Node>,
    annotations: Vec<(Entries, usize)>,
    /// An annotation is open from `Annotator:` until a tag that is not an annotation tag.
    annotation_open: bool,
}

/// Where a package tag goes in the JSON shape.
enum Field {
    Scalar(&'static str),
    List(&'static str),
    Checksum,
    ExternalRef,
    ExternalRefComment,
}

fn package_field(tag: &str) -> Option<Field> {
    use Field::*;
    Some(match tag {
        "PackageVersion" => Scalar("versionInfo"),
        "PackageFileName" => Scalar("packageFileName"),
        "PackageSupplier" => Scalar("supplier"),
        "PackageOriginator" => Scalar("originator"),
        "PackageDownloadLocation" => Scalar("downloadLocation"),
        "FilesAnalyzed" => Scalar("filesAnalyzed"),
        "PackageVerificationCode" => Scalar("packageVerificationCode"),
        "PackageChecksum" => Checksum,
        "PackageHomePage" => Scalar("homepage"),
        "PackageSourceInfo" => Scalar("sourceInfo"),
        "PackageLicenseConcluded" => Scalar("licenseConcluded"),
        "PackageLicenseInfoFromFiles" => List("licenseInfoFromFiles"),
        "PackageLicenseDeclared" => Scalar("licenseDeclared"),
        "PackageLicenseComments" => Scalar("licenseComments"),
        "PackageCopyrightText" => Scalar("copyrightText"),
        "PackageSummary" => Scalar("summary"),
        "PackageDescription" => Scalar("description"),
        "PackageComment" => Scalar("comment"),
        "ExternalRef" => ExternalRef,
        "ExternalRefComment" => ExternalRefComment,
        "PackageAttributionText" => List("attributionTexts"),
        "PrimaryPackagePurpose" => Scalar("primaryPackagePurpose"),
        "ReleaseDate" => Scalar("releaseDate"),
        "BuiltDate" => Scalar("builtDate"),
        "ValidUntilDate" => Scalar("validUntilDate"),
        _ => return None,
    })
}

fn file_field(tag: &str) -> Option<Field> {
    use Field::*;
    Some(match tag {
        "FileType" => List("fileTypes"),
        "FileChecksum" => Checksum,
        "LicenseConcluded" => Scalar("licenseConcluded"),
        "LicenseInfoInFile" => List("licenseInfoInFiles"),
        "LicenseComments" => Scalar("licenseComments"),
        "FileCopyrightText" => Scalar("copyrightText"),
        "FileComment" => Scalar("comment"),
        "FileNotice" => Scalar("noticeText"),
        "FileContributor" => List("fileContributors"),
        "FileAttributionText" => List("attributionTexts"),
        "FileDependency"
        | "ArtifactOfProjectName"
        | "ArtifactOfProjectHomePage"
        | "ArtifactOfProjectURI" => List("ignored"),
        _ => return None,
    })
}

/// Tags of SPDX 2.0–2.3 that Baton reads past without using.
const KNOWN_UNUSED: &[&str] = &[
    "DataLicense",
    "ExternalDocumentRef",
    "LicenseListVersion",
    "CreatorComment",
    "DocumentComment",
    "RelationshipComment",
    "SnippetFromFileSPDXID",
    "SnippetByteRange",
    "SnippetLineRange",
    "SnippetLicenseConcluded",
    "LicenseInfoInSnippet",
    "SnippetLicenseComments",
    "SnippetCopyrightText",
    "SnippetComment",
    "SnippetName",
    "SnippetAttributionText",
    "ExtractedText",
    "LicenseName",
    "LicenseCrossReference",
    "LicenseComment",
    "Reviewer",
    "ReviewDate",
    "ReviewComment",
];

/// One logical `Tag: value` entry, with the line it starts on.
struct Entry<'t> {
    tag: &'t str,
    value: String,
    line: usize,
}

/// Splits the text into entries: `#` comments and blank lines skipped, `<text>…</text>` values may
/// span lines. A `<text>` never closed is warned about and only its first line is taken, so the
/// lines after it are still read as tags.
fn entries<'t>(text: &'t str, notes: &mut Notes) -> Vec<Entry<'t>> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let line = lines[i];
        i += 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some(colon) = trimmed.find(':') else {
            notes.warn(
                &at(line_no),
                format!("not a \"Tag: value\" line: \"{}\"", clip(trimmed)),
            );
            continue;
        };
        let tag = trimmed[..colon].trim();
        let rest = trimmed[colon + 1..].trim();
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            notes.warn(
                &at(line_no),
                format!("not a \"Tag: value\" line: \"{}\"", clip(trimmed)),
            );
            continue;
        }
        let Some(body) = rest.strip_prefix("<text>") else {
            out.push(Entry {
                tag,
                value: rest.to_string(),
                line: line_no,
            });
            continue;
        };
        if let Some(end) = body.find("</text>") {
            trailing(&body[end + 7..], line_no, notes);
            out.push(Entry {
                tag,
                value: body[..end].to_string(),
                line: line_no,
            });
            continue;
        }
        // Multi-line: gather until a line holding </text>.
        let mut value = body.to_string();
        let mut closed = false;
        let mut j = i;
        while j < lines.len() {
            let l = lines[j];
            j += 1;
            value.push('\n');
            if let Some(end) = l.find("</text>") {
                value.push_str(&l[..end]);
                trailing(&l[end + 7..], j, notes);
                closed = true;
                break;
            }
            value.push_str(l);
        }
        if closed {
            i = j;
            out.push(Entry {
                tag,
                value,
                line: line_no,
            });
        } else {
            notes.warn(
                &at(line_no),
                format!(
                    "{tag}: <text> is never closed by </text>; took the rest of this line only"
                ),
            );
            out.push(Entry {
                tag,
                value: body.to_string(),
                line: line_no,
            });
        }
    }
    out
}

fn trailing(rest: &str, line: usize, notes: &mut Notes) {
    if !rest.trim().is_empty() {
        notes.warn(
            &at(line),
            format!("text after </text> ignored: \"{}\"", clip(rest.trim())),
        );
    }
}

fn at(line: usize) -> Loc {
    Loc {
        style: Style::Line,
        path: String::new(),
        line,
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Reads tag-value text into a tree shaped like SPDX JSON. `None` when no line is a tag at all.
pub(crate) fn read(text: &str, notes: &mut Notes) -> Option<Node> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let entries = entries(text, notes);
    if entries.is_empty() {
        return None;
    }
    let mut b = Builder::default();
    let mut section = Section::Document;
    for e in entries {
        let node = Node::text(e.value.clone(), e.line);
        let loc = at(e.line);
        let is_annotation_tag = matches!(
            e.tag,
            "Annotator" | "AnnotationDate" | "AnnotationComment" | "AnnotationType" | "SPDXREF"
        );
        if !is_annotation_tag {
            b.annotation_open = false;
        }
        match e.tag {
            "SPDXVersion" => b.doc.push(("spdxVersion".into(), node)),
            "DocumentName" => b.doc.push(("name".into(), node)),
            "DocumentNamespace" => b.doc.push(("documentNamespace".into(), node)),
            "Creator" => b.creators.push(node),
            "Created" => b.creation.push(("created".into(), node)),
            "PackageName" => {
                section = Section::Package;
                b.packages.push((vec![("name".into(), node)], e.line));
            }
            "FileName" => {
                section = Section::File;
                b.files.push((vec![("fileName".into(), node)], e.line));
            }
            "SnippetSPDXID" => {
                section = Section::Snippet;
                b.snippets.push((vec![("SPDXID".into(), node)], e.line));
            }
            "LicenseID" => {
                section = Section::License;
                b.licenses.push((vec![("licenseId".into(), node)], e.line));
            }
            "SPDXID" => match section {
                Section::Document => b.doc.push(("SPDXID".into(), node)),
                Section::Package => push_last(&mut b.packages, "SPDXID", node),
                Section::File => push_last(&mut b.files, "SPDXID", node),
                Section::Snippet | Section::License => {
                    notes.warn(&loc, "SPDXID inside a snippet or license section; ignored")
                }
            },
            "Relationship" => relationship(&e.value, e.line, &loc, &mut b, notes),
            "Annotator" => {
                b.annotations
                    .push((vec![("annotator".into(), node)], e.line));
                b.annotation_open = true;
            }
            "AnnotationDate" | "AnnotationComment" | "AnnotationType" | "SPDXREF" => {
                let key = match e.tag {
                    "AnnotationDate" => "annotationDate",
                    "AnnotationComment" => "comment",
                    "AnnotationType" => "annotationType",
                    _ => "spdxElementId",
                };
                if !b.annotation_open {
                    notes.warn(
                        &loc,
                        format!("{} without an Annotator line before it", e.tag),
                    );
                    b.annotations.push((Vec::new(), e.line));
                    b.annotation_open = true;
                }
                push_last(&mut b.annotations, key, node);
            }
            tag => {
                let field = match section {
                    Section::Package => package_field(tag),
                    Section::File => file_field(tag),
                    _ => None,
                };
                match field {
                    Some(f) => {
                        let target = if section == Section::Package {
                            &mut b.packages
                        } else {
                            &mut b.files
                        };
                        add_field(target, f, e.value, e.line, &loc, notes);
                    }
                    None if KNOWN_UNUSED.contains(&tag) => {}
                    None if package_field(tag).is_some() || file_field(tag).is_some() => notes
                        .warn(
                            &loc,
                            format!("{tag} outside the section it belongs to; ignored"),
                        ),
                    None => notes.warn(&loc, format!("unknown tag {tag}; ignored")),
                }
            }
        }
    }
    Some(b.finish())
}

fn push_last(list: &mut [(Entries, usize)], key: &str, node: Node) {
    if let Some((entries, _)) = list.last_mut() {
        entries.push((key.to_string(), node));
    }
}

fn add_field(
    target: &mut [(Entries, usize)],
    field: Field,
    value: String,
    line: usize,
    loc: &Loc,
    notes: &mut Notes,
) {
    let Some((entries, _)) = target.last_mut() else {
        return;
    };
    match field {
        Field::Scalar(key) => {
            if entries.iter().any(|(k, _)| k == key) {
                notes.warn(
                    loc,
                    format!("{key} given twice for one element; the last wins"),
                );
            }
            entries.push((key.to_string(), Node::text(value, line)));
        }
        Field::List(key) => append(entries, key, Node::text(value, line), line),
        Field::Checksum => {
            // "SHA1: d6a7…"
            let Some((alg, val)) = value.split_once(':') else {
                notes.warn(
                    loc,
                    format!(
                        "checksum \"{}\" is not \"ALGORITHM: value\"; ignored",
                        clip(&value)
                    ),
                );
                return;
            };
            let item = Node::map(
                vec![
                    ("algorithm".into(), Node::text(alg.trim(), line)),
                    ("checksumValue".into(), Node::text(val.trim(), line)),
                ],
                line,
            );
            append(entries, "checksums", item, line);
        }
        Field::ExternalRef => {
            // "CATEGORY TYPE LOCATOR"
            let mut parts = value.split_whitespace();
            let (Some(cat), Some(typ), Some(locator)) = (parts.next(), parts.next(), parts.next())
            else {
                notes.warn(
                    loc,
                    format!(
                        "ExternalRef \"{}\" is not \"CATEGORY TYPE LOCATOR\"; ignored",
                        clip(&value)
                    ),
                );
                return;
            };
            if parts.next().is_some() {
                notes.warn(
                    loc,
                    "ExternalRef has more than three parts; the rest is ignored",
                );
            }
            let item = Node::map(
                vec![
                    ("referenceCategory".into(), Node::text(cat, line)),
                    ("referenceType".into(), Node::text(typ, line)),
                    ("referenceLocator".into(), Node::text(locator, line)),
                ],
                line,
            );
            append(entries, "externalRefs", item, line);
        }
        Field::ExternalRefComment => {
            let last = entries.iter_mut().rev().find(|(k, _)| k == "externalRefs");
            match last.map(|(_, v)| &mut v.value) {
                Some(Value::List(items)) if !items.is_empty() => {
                    if let Some(Node {
                        value: Value::Map(m),
                        ..
                    }) = items.last_mut()
                    {
                        m.push(("comment".into(), Node::text(value, line)));
                    }
                }
                _ => notes.warn(
                    loc,
                    "ExternalRefComment without an ExternalRef before it; ignored",
                ),
            }
        }
    }
}

fn append(entries: &mut Entries, key: &str, item: Node, line: usize) {
    if let Some((
        _,
        Node {
            value: Value::List(items),
            ..
        },
    )) = entries.iter_mut().find(|(k, _)| k == key)
    {
        items.push(item);
    } else {
        entries.push((key.to_string(), Node::list(vec![item], line)));
    }
}

fn relationship(value: &str, line: usize, loc: &Loc, b: &mut Builder, notes: &mut Notes) {
    let parts: Vec<&str> = value.split_whitespace().collect();
    if parts.len() != 3 {
        notes.warn(
            loc,
            format!(
                "Relationship \"{}\" is not \"ELEMENT TYPE ELEMENT\"; ignored",
                clip(value)
            ),
        );
        return;
    }
    b.relationships.push(Node::map(
        vec![
            ("spdxElementId".into(), Node::text(parts[0], line)),
            ("relationshipType".into(), Node::text(parts[1], line)),
            ("relatedSpdxElement".into(), Node::text(parts[2], line)),
        ],
        line,
    ));
}

impl Builder {
    fn finish(self) -> Node {
        let mut doc = self.doc;
        let mut creation = self.creation;
        let first_line = |entries: &Entries| entries.first().map(|(_, n)| n.line).unwrap_or(0);
        if !self.creators.is_empty() {
            let line = self.creators[0].line;
            creation.push(("creators".into(), Node::list(self.creators, line)));
        }
        if !creation.is_empty() {
            let line = first_line(&creation);
            doc.push(("creationInfo".into(), Node::map(creation, line)));
        }
        let group = |items: Vec<(Entries, usize)>| -> Node {
            let line = items.first().map(|(_, l)| *l).unwrap_or(0);
            Node::list(
                items.into_iter().map(|(e, l)| Node::map(e, l)).collect(),
                line,
            )
        };
        for (key, items) in [
            ("packages", self.packages),
            ("files", self.files),
            ("snippets", self.snippets),
            ("hasExtractedLicensingInfos", self.licenses),
            ("annotations", self.annotations),
        ] {
            if !items.is_empty() {
                doc.push((key.to_string(), group(items)));
            }
        }
        if !self.relationships.is_empty() {
            let line = self.relationships[0].line;
            doc.push(("relationships".into(), Node::list(self.relationships, line)));
        }
        let line = first_line(&doc).max(1);
        Node::map(doc, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_text_and_sections() {
        let mut notes = Notes::default();
        let doc = "SPDXVersion: SPDX-2.3\r\nSPDXID: SPDXRef-DOCUMENT\r\n# comment\r\nPackageName: a\r\nSPDXID: SPDXRef-a\r\n\
                   PackageDescription: <text>one\r\ntwo</text>\r\nPackageChecksum: SHA1: ABC\r\n\
                   ExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1\r\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\r\n";
        let root = read(doc, &mut notes).unwrap();
        assert!(notes.warnings.is_empty(), "{:?}", notes.warnings);
        let pkg = &root.get("packages").unwrap().as_list().unwrap()[0];
        assert_eq!(pkg.get("description").unwrap().as_str(), Some("one\ntwo"));
        assert_eq!(pkg.get("SPDXID").unwrap().line, 5);
        assert_eq!(
            root.get("relationships").unwrap().as_list().unwrap().len(),
            1
        );
    }

    #[test]
    fn unclosed_text_keeps_reading() {
        let mut notes = Notes::default();
        let root = read(
            "PackageName: a\nPackageComment: <text>never closed\nPackageVersion: 1\n",
            &mut notes,
        )
        .unwrap();
        let pkg = &root.get("packages").unwrap().as_list().unwrap()[0];
        assert_eq!(pkg.get("versionInfo").unwrap().as_str(), Some("1"));
        assert_eq!(notes.warnings[0].location, "line 2");
    }
}
