//! CVSS vectors: version, mandatory base metrics, and the base score computed by the RustSec
//! `cvss` crate (2.0, 3.0, 3.1 and 4.0). Scoring is only asked for once every base metric is
//! known to be present, because the crate's 4.0 scoring assumes them.

use std::str::FromStr;

/// A vector that parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// "2.0", "3.0", "3.1" or "4.0".
    pub version: &'static str,
    /// The vector as given, without surrounding blanks or the parentheses old v2 data uses.
    pub text: String,
    /// Metric abbreviation → value, in vector order.
    pub metrics: Vec<(String, String)>,
    /// The computed base score (CVSS-B for 4.0; for 4.0 vectors with threat or environmental
    /// metrics, the score of those as the crate computes it).
    pub score: f64,
}

impl Vector {
    pub fn metric(&self, key: &str) -> Option<&str> {
        self.metrics
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the vector holds only base metrics, so that the stated base score must equal the
    /// computed one.
    pub fn base_only(&self) -> bool {
        let base = base_metrics(self.version);
        self.metrics
            .iter()
            .all(|(k, v)| base.contains(&k.as_str()) || v == "X")
    }
}

fn base_metrics(version: &str) -> &'static [&'static str] {
    match version {
        "2.0" => &["AV", "AC", "Au", "C", "I", "A"],
        "4.0" => &[
            "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
        ],
        _ => &["AV", "AC", "PR", "UI", "S", "C", "I", "A"],
    }
}

/// Parses a vector and computes its base score. The error says what is wrong, for a warning.
pub fn parse(vector: &str) -> Result<Vector, String> {
    let text = vector.trim();
    let text = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text)
        .to_string();
    let mut parts = text.split('/');
    let first = parts.next().unwrap_or_default();
    let (version, rest): (&'static str, Vec<&str>) = match first {
        "CVSS:3.0" => ("3.0", parts.collect()),
        "CVSS:3.1" => ("3.1", parts.collect()),
        "CVSS:4.0" => ("4.0", parts.collect()),
        "CVSS:2.0" => ("2.0", parts.collect()),
        p if p.starts_with("CVSS:") => return Err(format!("unsupported CVSS version {p:?}")),
        _ => ("2.0", text.split('/').collect()),
    };
    let mut metrics: Vec<(String, String)> = Vec::new();
    for part in rest {
        let Some((k, v)) = part.split_once(':') else {
            return Err(format!("{part:?} is not a METRIC:VALUE pair"));
        };
        if metrics.iter().any(|(seen, _)| seen == k) {
            return Err(format!("metric {k} appears twice"));
        }
        metrics.push((k.to_string(), v.to_string()));
    }
    let missing: Vec<&str> = base_metrics(version)
        .iter()
        .copied()
        .filter(|m| !metrics.iter().any(|(k, _)| k == m))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "CVSS {version} vector lacks base metric(s) {}",
            missing.join(", ")
        ));
    }
    // The crate reads v2 without a prefix.
    let for_crate = match first {
        "CVSS:2.0" => text.trim_start_matches("CVSS:2.0/").to_string(),
        _ => text.clone(),
    };
    let parsed = ::cvss::Cvss::from_str(&for_crate).map_err(|e| format!("{e}"))?;
    Ok(Vector {
        version,
        text,
        metrics,
        score: parsed.score(),
    })
}

/// Severity name of a score, as CVSS 3.x/4.0 spell it in JSON (`NONE` … `CRITICAL`); CVSS 2.0 has
/// only LOW, MEDIUM, HIGH.
pub fn severity(version: &str, score: f64) -> &'static str {
    if version == "2.0" {
        return if score < 4.0 {
            "LOW"
        } else if score < 7.0 {
            "MEDIUM"
        } else {
            "HIGH"
        };
    }
    if score <= 0.0 {
        "NONE"
    } else if score < 4.0 {
        "LOW"
    } else if score < 7.0 {
        "MEDIUM"
    } else if score < 9.0 {
        "HIGH"
    } else {
        "CRITICAL"
    }
}

/// (abbreviation in the vector, spelling in JSON), e.g. `("N", "NETWORK")`.
pub type MetricValues = &'static [(&'static str, &'static str)];

/// A JSON property of a CVSS object and the vector metric it mirrors.
pub type JsonMetric = (&'static str, &'static str, MetricValues);

/// JSON property name → (metric, values), after the FIRST CVSS JSON schemas that CSAF, NVD and
/// CVE 5 embed.
pub fn json_properties(version: &str) -> &'static [JsonMetric] {
    const IMPACT3: MetricValues = &[("H", "HIGH"), ("L", "LOW"), ("N", "NONE")];
    const IMPACT2: MetricValues = &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")];
    const V3: &[JsonMetric] = &[
        (
            "attackVector",
            "AV",
            &[
                ("N", "NETWORK"),
                ("A", "ADJACENT_NETWORK"),
                ("L", "LOCAL"),
                ("P", "PHYSICAL"),
            ],
        ),
        ("attackComplexity", "AC", &[("L", "LOW"), ("H", "HIGH")]),
        (
            "privilegesRequired",
            "PR",
            &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
        ),
        ("userInteraction", "UI", &[("N", "NONE"), ("R", "REQUIRED")]),
        ("scope", "S", &[("U", "UNCHANGED"), ("C", "CHANGED")]),
        ("confidentialityImpact", "C", IMPACT3),
        ("integrityImpact", "I", IMPACT3),
        ("availabilityImpact", "A", IMPACT3),
        (
            "exploitCodeMaturity",
            "E",
            &[
                ("X", "NOT_DEFINED"),
                ("U", "UNPROVEN"),
                ("P", "PROOF_OF_CONCEPT"),
                ("F", "FUNCTIONAL"),
                ("H", "HIGH"),
            ],
        ),
        (
            "remediationLevel",
            "RL",
            &[
                ("X", "NOT_DEFINED"),
                ("O", "OFFICIAL_FIX"),
                ("T", "TEMPORARY_FIX"),
                ("W", "WORKAROUND"),
                ("U", "UNAVAILABLE"),
            ],
        ),
        (
            "reportConfidence",
            "RC",
            &[
                ("X", "NOT_DEFINED"),
                ("U", "UNKNOWN"),
                ("R", "REASONABLE"),
                ("C", "CONFIRMED"),
            ],
        ),
    ];
    const V2: &[JsonMetric] = &[
        (
            "accessVector",
            "AV",
            &[("L", "LOCAL"), ("A", "ADJACENT_NETWORK"), ("N", "NETWORK")],
        ),
        (
            "accessComplexity",
            "AC",
            &[("H", "HIGH"), ("M", "MEDIUM"), ("L", "LOW")],
        ),
        (
            "authentication",
            "Au",
            &[("M", "MULTIPLE"), ("S", "SINGLE"), ("N", "NONE")],
        ),
        ("confidentialityImpact", "C", IMPACT2),
        ("integrityImpact", "I", IMPACT2),
        ("availabilityImpact", "A", IMPACT2),
    ];
    match version {
        "2.0" => V2,
        "3.0" | "3.1" => V3,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_the_three_versions() {
        let v = parse("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H").unwrap();
        assert_eq!((v.version, v.score), ("3.1", 5.7));
        let v = parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H").unwrap();
        assert_eq!(v.score, 10.0);
        let v = parse("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap();
        assert_eq!((v.version, v.score), ("2.0", 7.5));
        let v = parse("(AV:N/AC:L/Au:N/C:C/I:C/A:C)").unwrap();
        assert_eq!(v.score, 10.0);
        let v = parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert_eq!((v.version, v.score), ("4.0", 9.3));
        assert!(v.base_only());
    }

    #[test]
    fn refuses_incomplete_or_odd_vectors() {
        assert!(
            parse("CVSS:4.0/AV:N/AC:L")
                .unwrap_err()
                .contains("lacks base")
        );
        assert!(parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").is_err());
        assert!(parse("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
        assert!(parse("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
        assert!(parse("CVSS:5.0/AV:N").is_err());
        assert!(parse("").is_err());
        assert!(parse("7.5").is_err());
    }

    #[test]
    fn severity_bands() {
        assert_eq!(severity("3.1", 0.0), "NONE");
        assert_eq!(severity("3.1", 3.9), "LOW");
        assert_eq!(severity("3.1", 6.9), "MEDIUM");
        assert_eq!(severity("3.1", 9.0), "CRITICAL");
        assert_eq!(severity("2.0", 9.0), "HIGH");
    }
}
