#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The embedded catalogue must say what shared/data/mds2/questions.tsv says.

use std::path::PathBuf;

use baton_mds2::catalogue::{self, AnswerDomain};

fn shared_data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        PathBuf::from,
    )
}

#[test]
fn catalogue_matches_questions_tsv() {
    let path = shared_data().join("mds2/questions.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    assert_eq!(
        lines.next(),
        Some("id\tsection\tquestion_paraphrase\tanswer_domain")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), catalogue::QUESTIONS.len(), "question count");
    for (row, q) in rows.iter().zip(catalogue::QUESTIONS) {
        let [id, section, text, domain] = row.as_slice() else {
            panic!("malformed row {row:?}");
        };
        assert_eq!(q.id, *id, "order or ID");
        assert_eq!(q.section, *section, "{id}");
        assert_eq!(q.text, *text, "{id}");
        let want = match *domain {
            "YES_NO_NA" => AnswerDomain::YesNoNa,
            "TEXT" => AnswerDomain::Text,
            "DATE" => AnswerDomain::Date,
            "SECTION_HEADER" => AnswerDomain::SectionHeader,
            other => panic!("{id}: unknown answer domain {other}"),
        };
        assert_eq!(q.domain, want, "{id}");
    }
    // Every section the TSV uses is a catalogue section, in the same order.
    let mut tsv_sections: Vec<&str> = rows.iter().map(|r| r[1]).collect();
    tsv_sections.dedup();
    let ours: Vec<&str> = catalogue::SECTIONS.iter().map(|s| s.code).collect();
    assert_eq!(tsv_sections, ours);
}
