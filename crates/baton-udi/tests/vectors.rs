//! Every HIBC and GS1 vector in shared/data/udi-barcode-vectors, compared
//! field by field with the expected values.
//!
//! The HIBC expectations are the assertions of an HIBC parser's own test
//! suite; the GS1 ones are the output of another GS1 parser (an oracle, not
//! a specification). Where Baton deliberately disagrees, the vector is in an
//! allow-list below with the reason, and the test checks that the
//! disagreement is exactly the one described.

use std::path::PathBuf;

use baton_udi::{Gs1Element, Issuer, UdiError, di_matches, parse, parse_gs1, parse_gs1_message};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

fn data_dir() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
        .join("udi-barcode-vectors")
}

fn load(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `"2020-02-02T16:00:00"` → (date, Some(16)); `"2020-01-15"` → (date, None).
fn expected_date(v: &Value, key: &str) -> (Option<NaiveDate>, Option<u8>) {
    let Some(s) = v.get(key).and_then(|d| d["datetime"].as_str()) else {
        return (None, None);
    };
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        let hour = dt.format("%H").to_string().parse::<u8>().ok();
        (Some(dt.date()), hour)
    } else {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"));
        (Some(d), None)
    }
}

const HIBC_KEYS: &[&str] = &[
    "comment",
    "barcode",
    "aim_symbology_identifier",
    "is_2d",
    "LabelerIdentificationCode",
    "ProductCode",
    "UnitOfMeasure",
    "BatchNumber",
    "SerialNumber",
    "Quantity",
    "ExpirationDate",
    "ProductionDate",
];

/// HIBC vectors Baton deliberately parses differently. Empty: every
/// vector agrees.
const HIBC_ALLOW: &[(&str, &str)] = &[];

/// Checks one valid HIBC vector; `Err` describes the first difference.
fn check_hibc_valid(v: &Value) -> Result<(), String> {
    for key in v.as_object().into_iter().flat_map(|o| o.keys()) {
        assert!(
            HIBC_KEYS.contains(&key.as_str()),
            "unhandled vector field {key}"
        );
    }
    let barcode = str_field(v, "barcode").ok_or("no barcode")?;
    let udi = parse(barcode).map_err(|e| format!("parse failed: {e}"))?;
    let di = format!(
        "{}{}{}",
        str_field(v, "LabelerIdentificationCode").unwrap_or_default(),
        str_field(v, "ProductCode").unwrap_or_default(),
        v.get("UnitOfMeasure")
            .and_then(Value::as_u64)
            .map(|u| u.to_string())
            .unwrap_or_default()
    );
    let (expiry, expiry_hour) = expected_date(v, "ExpirationDate");
    let (production, production_hour) = expected_date(v, "ProductionDate");
    assert_eq!(
        production_hour, None,
        "no HIBC production date carries an hour"
    );
    let checks: [(&str, String, String); 9] = [
        (
            "issuer",
            format!("{:?}", udi.issuer),
            format!("{:?}", Issuer::Hibc),
        ),
        (
            "device_identifier",
            udi.device_identifier.clone(),
            di.clone(),
        ),
        (
            "lot",
            format!("{:?}", udi.lot.as_deref()),
            format!("{:?}", str_field(v, "BatchNumber")),
        ),
        (
            "serial",
            format!("{:?}", udi.serial.as_deref()),
            format!("{:?}", str_field(v, "SerialNumber")),
        ),
        (
            "quantity",
            format!("{:?}", udi.quantity),
            format!(
                "{:?}",
                v.get("Quantity").and_then(Value::as_u64).map(|q| q as u32)
            ),
        ),
        (
            "expiry_date",
            format!("{:?}", udi.expiry_date),
            format!("{expiry:?}"),
        ),
        (
            "expiry_hour",
            format!("{:?}", udi.expiry_hour),
            format!("{expiry_hour:?}"),
        ),
        (
            "production_date",
            format!("{:?}", udi.production_date),
            format!("{production:?}"),
        ),
        (
            "symbology",
            format!("{:?}", udi.symbology.as_deref()),
            format!("{:?}", str_field(v, "aim_symbology_identifier")),
        ),
    ];
    for (field, got, want) in checks {
        if got != want {
            return Err(format!("{field}: got {got}, expected {want}"));
        }
    }
    if !udi.elements.is_empty() {
        return Err("HIBC UDI has GS1 elements".into());
    }
    if !di_matches(&format!("+{}", di.to_lowercase()), &udi) || !di_matches(&di, &udi) {
        return Err("di_matches does not recognise the vector's own DI".into());
    }
    Ok(())
}

#[test]
fn hibc_vectors() {
    let file = load("hibc-vectors.json");
    let mut total = 0;
    let mut passed = 0;
    let mut failures = Vec::new();
    for section in [
        "valid_parse",
        "valid_build",
        "valid_parse_and_build",
        "invalid",
    ] {
        let vectors = file[section]
            .as_array()
            .unwrap_or_else(|| panic!("no section {section}"));
        for v in vectors {
            total += 1;
            let barcode = str_field(v, "barcode").unwrap_or_default();
            let result = if section == "invalid" {
                match parse(barcode) {
                    Ok(u) => Err(format!("parsed although invalid: {u:?}")),
                    Err(e) => {
                        // The vectors' messages are another library's wording;
                        // the kind of error must still be the same.
                        let want = str_field(v, "expected_error").unwrap_or_default();
                        let same_kind = match &e {
                            UdiError::HibcInvalidCharacter { .. } => want.contains("Invalid HIBC Character"),
                            UdiError::HibcCheckCharacter { expected, found, .. } => {
                                want.contains(&format!("Check Character did not match: expected '{expected}' but got '{found}'"))
                            }
                            UdiError::HibcLinkCharacter { expected, found, .. } => {
                                want.contains(&format!("Link Character did not match: expected '{expected}' but got '{found}'"))
                            }
                            _ => false,
                        };
                        if same_kind {
                            Ok(())
                        } else {
                            Err(format!("error {e:?} does not match {want:?}"))
                        }
                    }
                }
            } else {
                check_hibc_valid(v)
            };
            let allowed = HIBC_ALLOW.iter().find(|(b, _)| *b == barcode);
            match (result, allowed) {
                (Ok(()), None) => passed += 1,
                (Ok(()), Some(_)) => failures.push(format!(
                    "{section} {barcode:?}: allow-listed but now agrees; remove it"
                )),
                (Err(_), Some(_)) => {}
                (Err(e), None) => failures.push(format!("{section} {barcode:?}: {e}")),
            }
        }
    }
    println!(
        "HIBC vectors: {passed}/{total} agree, {} allow-listed",
        HIBC_ALLOW.len()
    );
    assert_eq!(total, 33, "vector file changed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// GS1 vectors where the oracle returns elements but Baton rejects the data,
/// with the reason. All are check digit failures: the oracle reports the bad
/// check digit but still returns the element; Baton treats a wrong check digit
/// as a misread or forged label and refuses it (`UdiError::Gs1CheckDigit`).
const GS1_ALLOW: &[(&str, &str)] = &[
    ("0107032069804987", "GTIN check digit should be 8"),
    ("0105901234123458", "GTIN check digit should be 7"),
    ("4101234567890127", "GLN check digit should be 8"),
    ("00376130321109103421", "SSCC check digit should be 0"),
    ("800307071324001022085952", "GRAI check digit should be 1"),
    (
        "  \t 800307071324001022085952 \n  ",
        "GRAI check digit should be 1",
    ),
];

fn elements(v: &Value) -> Vec<Gs1Element> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|e| Gs1Element {
            ai: e["ai"].as_str().unwrap_or_default().to_string(),
            value: e["value"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn sorted(mut v: Vec<Gs1Element>) -> Vec<Gs1Element> {
    v.sort_by(|a, b| (&a.ai, &a.value).cmp(&(&b.ai, &b.value)));
    v
}

/// Checks one GS1 vector; `Err` describes the first difference.
fn check_gs1(v: &Value) -> Result<(), String> {
    let input = str_field(v, "input").ok_or("no input")?;
    let symbology = str_field(v, "symbology_identifier");
    if v.get("error").is_some() {
        return match (parse_gs1_message(input), parse(input)) {
            (Err(_), Err(_)) => Ok(()),
            (m, u) => Err(format!("expected an error, got {m:?} / {u:?}")),
        };
    }
    if let Some(gtin) = str_field(v, "gtin_only") {
        let udi = parse(input).map_err(|e| format!("parse failed: {e}"))?;
        let want = format!("{gtin:0>14}");
        if udi.device_identifier != want || udi.symbology.as_deref() != symbology {
            return Err(format!("got {udi:?}, expected GTIN {want}"));
        }
        return if di_matches(gtin, &udi) {
            Ok(())
        } else {
            Err("di_matches failed".into())
        };
    }
    let want = elements(
        v.get("element_strings")
            .ok_or("vector has no expectation")?,
    );
    let msg = parse_gs1_message(input).map_err(|e| format!("parse failed: {e}"))?;
    if msg.elements != want {
        return Err(format!("elements {:?}, expected {want:?}", msg.elements));
    }
    if msg.symbology.as_deref() != symbology {
        return Err(format!(
            "symbology {:?}, expected {symbology:?}",
            msg.symbology
        ));
    }
    // The oracle's own renderings of the same data must parse the same way.
    if let Some(hri) = str_field(v, "hri") {
        let m = parse_gs1_message(hri).map_err(|e| format!("HRI {hri}: {e}"))?;
        if m.elements != want {
            return Err(format!("HRI {hri} gave {:?}", m.elements));
        }
    }
    if let Some(dl) = str_field(v, "digital_link") {
        let m = parse_gs1_message(dl).map_err(|e| format!("Digital Link {dl}: {e}"))?;
        if sorted(m.elements.clone()) != sorted(want.clone()) {
            return Err(format!("Digital Link {dl} gave {:?}", m.elements));
        }
    }
    // UDI fields from AIs 01/10/11/17/21.
    let value = |ai: &str| want.iter().find(|e| e.ai == ai).map(|e| e.value.clone());
    let date = |ai: &str| {
        v["element_strings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["ai"] == ai)
            .map(|e| {
                let d = e["date"].as_str().unwrap_or_default();
                NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_else(|err| panic!("{d}: {err}"))
            })
    };
    match (parse_gs1(input), value("01")) {
        (Ok(udi), Some(gtin)) => {
            let got = (
                &udi.device_identifier,
                &udi.lot,
                &udi.serial,
                udi.production_date,
                udi.expiry_date,
            );
            let exp = (&gtin, &value("10"), &value("21"), date("11"), date("17"));
            if got != exp {
                return Err(format!("UDI fields {got:?}, expected {exp:?}"));
            }
            if udi.issuer != Issuer::Gs1 || udi.elements != want || !di_matches(&gtin, &udi) {
                return Err(format!("UDI {udi:?} inconsistent"));
            }
        }
        // Data without a GTIN is valid GS1 but names no device.
        (Err(UdiError::MissingGtin), None) => {}
        (r, _) => return Err(format!("parse_gs1 gave {r:?}")),
    }
    Ok(())
}

#[test]
fn gs1_vectors() {
    let file = load("gs1-vectors.biip.json");
    let vectors = file["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("no vectors"));
    let mut passed = 0;
    let mut failures = Vec::new();
    for v in vectors {
        let input = str_field(v, "input").unwrap_or_default();
        let result = check_gs1(v);
        match (result, GS1_ALLOW.iter().find(|(i, _)| *i == input)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => {
                failures.push(format!("{input:?}: allow-listed but now agrees; remove it"))
            }
            (Err(_), Some((_, why))) => {
                // The difference must be exactly the documented one.
                match parse_gs1_message(input) {
                    Err(UdiError::Gs1CheckDigit { .. }) => {}
                    other => failures.push(format!(
                        "{input:?} ({why}): expected a check digit error, got {other:?}"
                    )),
                }
            }
            (Err(e), None) => failures.push(format!("{input:?}: {e}")),
        }
    }
    println!(
        "GS1 vectors: {passed}/{} agree, {} allow-listed",
        vectors.len(),
        GS1_ALLOW.len()
    );
    assert_eq!(vectors.len(), 60, "vector file changed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
