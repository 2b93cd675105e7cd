//! Cross-checks Baton's GS1 Application Identifier table against GS1's
//! machine-readable Barcode Syntax Dictionary in shared/data: the same AIs,
//! flags, component formats, content rules, Digital Link keys and titles.

use std::path::PathBuf;

use baton_udi::ai::{self, AiDef, Charset, Component, Lint};

fn dictionary() -> String {
    let dir = std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let path = dir.join("udi-barcode-vectors/gs1-syntax-dictionary.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn lint_name(l: Lint) -> &'static str {
    match l {
        Lint::Csum => "csum",
        Lint::CsumAlpha => "csumalpha",
        Lint::Yymmdd => "yymmdd",
        Lint::Yymmd0 => "yymmd0",
        Lint::Yyyymmdd => "yyyymmdd",
        Lint::Hh => "hh",
        Lint::Mi => "mi",
        Lint::Ss => "ss",
        Lint::Hhmi => "hhmi",
        Lint::Zero => "zero",
        Lint::NonZero => "nonzero",
        Lint::YesNo => "yesno",
        Lint::Hyphen => "hyphen",
        Lint::PieceOfTotal => "pieceoftotal",
        Lint::Winding => "winding",
        Lint::NoZeroPrefix => "nozeroprefix",
        Lint::HasNonDigit => "hasnondigit",
        Lint::PcEnc => "pcenc",
        Lint::Latitude => "latitude",
        Lint::Longitude => "longitude",
        Lint::Iso5218 => "iso5218",
        Lint::GcpPos1 => "gcppos1",
        Lint::GcpPos2 => "gcppos2",
        Lint::Iso3166 => "iso3166",
        Lint::Iso3166999 => "iso3166999",
        Lint::Iso3166Alpha2 => "iso3166alpha2",
        Lint::Iso4217 => "iso4217",
        Lint::Iban => "iban",
        Lint::MediaType => "mediatype",
        Lint::PackageType => "packagetype",
        Lint::ImporterIdx => "importeridx",
        Lint::CouponCode => "couponcode",
        Lint::CouponPosOffer => "couponposoffer",
        Lint::PosInSeqSlash => "posinseqslash",
    }
}

/// Renders a table entry in the dictionary's notation, e.g.
/// `N13,csum,gcppos1 [X..17]`.
fn render_components(components: &[Component]) -> String {
    components
        .iter()
        .map(|c| {
            let t = match c.charset {
                Charset::Numeric => "N",
                Charset::Cset82 => "X",
                Charset::Cset39 => "Y",
                Charset::Cset64 => "Z",
            };
            let len = if c.min == c.max {
                c.max.to_string()
            } else {
                assert_eq!(c.min, 1, "variable components start at length 1");
                format!("..{}", c.max)
            };
            let fmt = if c.optional {
                format!("[{t}{len}]")
            } else {
                format!("{t}{len}")
            };
            std::iter::once(fmt)
                .chain(c.lints.iter().map(|&l| lint_name(l).to_string()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn render_dl(def: &AiDef) -> Option<String> {
    def.dl_primary_key.map(|alts| {
        if alts.is_empty() {
            "dlpkey".to_string()
        } else {
            let alts: Vec<String> = alts.iter().map(|a| a.join(",")).collect();
            format!("dlpkey={}", alts.join("|"))
        }
    })
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    first: String,
    last: String,
    predefined: bool,
    dl_attr: bool,
    spec: String,
    dl: Option<String>,
    title: Option<String>,
}

fn parse_dictionary(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (body, title) = match line.split_once('#') {
            Some((b, t)) => (b, Some(t.trim().to_string())),
            None => (line, None),
        };
        let mut tokens = body.split_whitespace().peekable();
        let ais = tokens.next().unwrap_or_default();
        let (first, last) = ais.split_once('-').unwrap_or((ais, ais));
        let flags = match tokens.peek() {
            Some(t)
                if t.chars()
                    .all(|c| "*?!\"$%&'()+,-./:;<=>@[\\]^_`{|}~".contains(c)) =>
            {
                tokens.next().unwrap_or_default()
            }
            _ => "",
        };
        let mut spec = Vec::new();
        let mut dl = None;
        for t in tokens {
            if t.starts_with(['N', 'X', 'Y', 'Z', '[']) {
                spec.push(t);
            } else if t.starts_with("dlpkey") {
                dl = Some(t.to_string());
            } else {
                assert!(
                    t.starts_with("req=") || t.starts_with("ex="),
                    "unknown attribute {t} in {line}"
                );
            }
        }
        out.push(Entry {
            first: first.into(),
            last: last.into(),
            predefined: flags.contains('*'),
            dl_attr: flags.contains('?'),
            spec: spec.join(" "),
            dl,
            title,
        });
    }
    out
}

#[test]
fn table_matches_gs1_syntax_dictionary() {
    let dict = parse_dictionary(&dictionary());
    assert!(
        dict.len() > 150,
        "dictionary parse found only {} entries",
        dict.len()
    );
    let ours: Vec<Entry> = ai::table()
        .iter()
        .map(|d| Entry {
            first: d.first.into(),
            last: d.last.into(),
            predefined: d.predefined_length,
            dl_attr: d.dl_data_attribute,
            spec: render_components(d.components),
            dl: render_dl(d),
            // Our titles for the two entries the dictionary leaves untitled
            // are not compared.
            title: Some(d.title.to_string()),
        })
        .collect();
    let mut problems = Vec::new();
    for want in &dict {
        match ours.iter().find(|e| e.first == want.first) {
            None => problems.push(format!("missing AI {}", want.first)),
            Some(got) => {
                let got_cmp = Entry {
                    title: if want.title.is_some() {
                        got.title.clone()
                    } else {
                        None
                    },
                    ..got.clone()
                };
                if got_cmp != *want {
                    problems.push(format!(
                        "AI {}:\n  ours {got_cmp:?}\n  gs1  {want:?}",
                        want.first
                    ));
                }
            }
        }
    }
    for got in &ours {
        if !dict.iter().any(|d| d.first == got.first) {
            problems.push(format!("AI {} is not in the dictionary", got.first));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every AI of every range resolves to its own entry.
    for want in &dict {
        let (a, b): (u32, u32) = (want.first.parse().unwrap(), want.last.parse().unwrap());
        for n in a..=b {
            let ai = format!("{n:0width$}", width = want.first.len());
            assert_eq!(
                ai::lookup(&ai).map(|d| d.first),
                Some(want.first.as_str()),
                "{ai}"
            );
        }
    }
}
