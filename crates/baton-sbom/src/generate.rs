//! A synthetic CycloneDX 1.6 SBOM for benchmarks (`baton bench sbom`): every component carries
//! what Baton reads (supplier, purl, CPE, two hashes, a license, a description, the two FDA
//! properties) and takes part in the dependency graph. The same `(components, seed)` always gives
//! the same text; 100,000 components come to about 70 MB.

use std::fmt::Write as _;

/// Description length in characters, tuned so a component takes about 700 bytes.
const DESCRIPTION_CHARS: usize = 40;

const WORDS: &[&str] = &[
    "library",
    "parses",
    "device",
    "telemetry",
    "frames",
    "secure",
    "transport",
    "for",
    "embedded",
    "pump",
    "firmware",
    "updates",
    "with",
    "signed",
    "images",
    "and",
    "bounded",
    "memory",
    "use",
    "on",
    "monitors",
    "ventilators",
    "imaging",
    "consoles",
    "logging",
    "network",
    "stack",
    "cryptographic",
    "primitives",
    "drivers",
];
const LICENSES: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "GPL-2.0-only",
    "LGPL-2.1-or-later",
    "MPL-2.0",
];
const LEVELS: &[&str] = &[
    "actively maintained",
    "actively maintained",
    "actively maintained",
    "no longer maintained",
    "abandoned",
];

/// SplitMix64: small, fast and fully determined by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        // n is small; the modulo bias is irrelevant for synthetic data.
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    fn hex(&mut self, out: &mut String, digits: usize) {
        let mut left = digits;
        while left > 0 {
            let word = self.next();
            let take = left.min(16);
            let _ = write!(out, "{:016x}", word);
            out.truncate(out.len() - (16 - take));
            left -= take;
        }
    }
}

/// A deterministic CycloneDX 1.6 JSON document with `components` components.
pub fn synthetic_cyclonedx(components: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(components * 720 + 1024);
    out.push_str("{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"serialNumber\": \"urn:uuid:");
    let mut uuid = String::new();
    rng.hex(&mut uuid, 32);
    let _ = write!(
        out,
        "{}-{}-4{}-a{}-{}",
        &uuid[0..8],
        &uuid[8..12],
        &uuid[13..16],
        &uuid[17..20],
        &uuid[20..32]
    );
    out.push_str("\",\n  \"version\": 1,\n  \"metadata\": {\n");
    out.push_str("    \"timestamp\": \"2026-01-15T08:00:00Z\",\n");
    out.push_str("    \"authors\": [{ \"name\": \"Baton synthetic SBOM generator\" }],\n");
    out.push_str("    \"tools\": { \"components\": [{ \"type\": \"application\", \"name\": \"baton\", \"version\": \"");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str("\" }] },\n");
    out.push_str("    \"component\": { \"bom-ref\": \"device\", \"type\": \"device\", \"name\": \"Synthetic infusion pump\", \"version\": \"4.2.0\", \"supplier\": { \"name\": \"Baton Medical\" } }\n");
    out.push_str("  },\n  \"components\": [\n");
    for i in 0..components {
        let vendor = rng.below(500);
        let version = format!("{}.{}.{}", rng.below(12), rng.below(30), rng.below(100));
        // One compact line per component, as large generators write them.
        let _ = write!(
            out,
            "    {{\"bom-ref\":\"c{i}\",\"type\":\"library\",\"supplier\":{{\"name\":\"Vendor {vendor}\"}},\
             \"name\":\"component-{i}\",\"version\":\"{version}\",\"description\":\""
        );
        let start = out.len();
        while out.len() - start < DESCRIPTION_CHARS {
            out.push_str(WORDS[rng.below(WORDS.len())]);
            out.push(' ');
        }
        out.pop();
        out.push_str("\",\"hashes\":[{\"alg\":\"SHA-1\",\"content\":\"");
        rng.hex(&mut out, 40);
        out.push_str("\"},{\"alg\":\"SHA-256\",\"content\":\"");
        rng.hex(&mut out, 64);
        let license = LICENSES[rng.below(LICENSES.len())];
        let level = LEVELS[rng.below(LEVELS.len())];
        let _ = write!(
            out,
            "\"}}],\"licenses\":[{{\"license\":{{\"id\":\"{license}\"}}}}],\
             \"purl\":\"pkg:generic/vendor-{vendor}/component-{i}@{version}\",\
             \"cpe\":\"cpe:2.3:a:vendor_{vendor}:component_{i}:{version}:*:*:*:*:*:*:*\",\
             \"properties\":[{{\"name\":\"cdx:fda:level-of-support\",\"value\":\"{level}\"}},\
             {{\"name\":\"cdx:fda:end-of-support-date\",\"value\":\"{}-{:02}-{:02}\"}}]}}",
            2024 + rng.below(12),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        out.push_str(if i + 1 == components { "\n" } else { ",\n" });
    }
    out.push_str("  ],\n  \"dependencies\": [\n    { \"ref\": \"device\", \"dependsOn\": [");
    for i in 0..components.min(20) {
        let _ = write!(out, "{}\"c{i}\"", if i == 0 { "" } else { ", " });
    }
    out.push_str("] }");
    for i in 0..components {
        let _ = write!(out, ",\n    {{\"ref\":\"c{i}\",\"dependsOn\":[");
        let later = components - i - 1;
        for k in 0..rng.below(4).min(later) {
            let target = i + 1 + rng.below(later);
            let _ = write!(out, "{}\"c{target}\"", if k == 0 { "" } else { "," });
        }
        out.push_str("]}");
    }
    out.push_str("\n  ]\n}\n");
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn deterministic_and_valid_json() {
        let a = synthetic_cyclonedx(50, 7);
        assert_eq!(a, synthetic_cyclonedx(50, 7));
        assert_ne!(a, synthetic_cyclonedx(50, 8));
        let v: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["components"].as_array().unwrap().len(), 50);
        assert_eq!(v["dependencies"].as_array().unwrap().len(), 51);
        let zero: serde_json::Value = serde_json::from_str(&synthetic_cyclonedx(0, 1)).unwrap();
        assert_eq!(zero["components"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn size_per_component() {
        let doc = synthetic_cyclonedx(2000, 1);
        let per = doc.len() / 2000;
        assert!((650..=750).contains(&per), "{per} bytes per component");
    }
}
