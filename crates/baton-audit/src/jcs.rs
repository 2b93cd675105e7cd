//! Canonical JSON: the JSON Canonicalization Scheme of RFC 8785.
//!
//! Members of every object are sorted by the UTF-16 code units of their names, nothing is
//! indented, strings are escaped as ECMAScript's `JSON.stringify` escapes them, and numbers are
//! written as ECMAScript's Number-to-String writes a double.
//!
//! One deliberate departure: an integer that `serde_json` holds exactly (`u64` or `i64`) is
//! written exactly, even beyond ±2^53 where ECMAScript would round it to a double. Inside the
//! I-JSON range the two agree digit for digit; outside it RFC 8785 gives no interoperable
//! answer, and rounding an id or a counter in an audit record would be worse than keeping it.

use serde_json::{Map, Number, Value};

use crate::AuditError;

/// The RFC 8785 canonical form of `value`.
///
/// # Errors
///
/// [`AuditError::NonFiniteNumber`] for NaN or an infinity. A `serde_json::Value` built the usual
/// ways cannot hold one, so in practice this does not fail.
pub fn canonical_json(value: &Value) -> Result<String, AuditError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

/// ECMAScript's Number-to-String for a finite double, as RFC 8785 §3.2.2.3 requires.
///
/// # Errors
///
/// [`AuditError::NonFiniteNumber`] for NaN and the infinities.
pub fn format_number(value: f64) -> Result<String, AuditError> {
    if !value.is_finite() {
        return Err(AuditError::NonFiniteNumber);
    }
    if value == 0.0 {
        // Both zeros are "0".
        return Ok("0".to_owned());
    }
    // Rust's `{:e}` gives a shortest digit string that reads back as the same double; only the
    // layout differs from ECMAScript's. When two strings of that length read back, ECMAScript
    // wants the one closest to the double's exact value, the even one on a tie: that is the
    // correctly rounded string of that length, which `{:.N e}` writes (ties to even).
    let magnitude = value.abs();
    let mut scientific = format!("{magnitude:e}");
    let shortest_digits = scientific
        .split_once('e')
        .map_or(0, |(m, _)| m.chars().filter(char::is_ascii_digit).count());
    if shortest_digits > 1 {
        let rounded = format!("{magnitude:.prec$e}", prec = shortest_digits - 1);
        if rounded.parse::<f64>().ok() == Some(magnitude) {
            scientific = rounded;
        }
    }
    let (mantissa, exponent) = scientific
        .split_once('e')
        .ok_or(AuditError::NonFiniteNumber)?;
    let exponent: i64 = exponent.parse().map_err(|_| AuditError::NonFiniteNumber)?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // value = 0.d1d2…dk × 10^n
    let k = i64::try_from(digits.len()).map_err(|_| AuditError::NonFiniteNumber)?;
    let n = exponent + 1;

    let mut out = String::with_capacity(digits.len() + 8);
    if value < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n(
            '0',
            usize::try_from(n - k).unwrap_or(0),
        ));
    } else if 0 < n && n <= 21 {
        let point = usize::try_from(n).unwrap_or(0);
        out.push_str(&digits[..point]);
        out.push('.');
        out.push_str(&digits[point..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-n).unwrap_or(0)));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n - 1 < 0 { '-' } else { '+' });
        out.push_str(&(n - 1).abs().to_string());
    }
    Ok(out)
}

/// Writes `text` as a JSON string the way RFC 8785 §3.2.2.2 does.
pub fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_value(value: &Value, out: &mut String) -> Result<(), AuditError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_json_number(number, out)?,
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => write_object(members, out)?,
    }
    Ok(())
}

fn write_object(members: &Map<String, Value>, out: &mut String) -> Result<(), AuditError> {
    let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
    sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    out.push('{');
    for (i, (name, member)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(name, out);
        out.push(':');
        write_value(member, out)?;
    }
    out.push('}');
    Ok(())
}

fn write_json_number(number: &Number, out: &mut String) -> Result<(), AuditError> {
    if let Some(unsigned) = number.as_u64() {
        out.push_str(&unsigned.to_string());
    } else if let Some(signed) = number.as_i64() {
        out.push_str(&signed.to_string());
    } else {
        let double = number.as_f64().ok_or(AuditError::NonFiniteNumber)?;
        out.push_str(&format_number(double)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn layout_of_numbers() {
        let cases = [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (-0.0, "0"),
        ];
        for (value, expected) in cases {
            assert_eq!(
                format_number(value).ok().as_deref(),
                Some(expected),
                "{value}"
            );
        }
        assert!(format_number(f64::NAN).is_err());
        assert!(format_number(f64::INFINITY).is_err());
        assert!(format_number(f64::NEG_INFINITY).is_err());
    }

    #[test]
    fn strings_escape_only_what_jcs_escapes() {
        let mut out = String::new();
        write_string(
            "a\"b\\c/\u{1}\u{1f}\u{7f}\u{2028}é\u{8}\u{c}\t\r\n",
            &mut out,
        );
        assert_eq!(
            out,
            "\"a\\\"b\\\\c/\\u0001\\u001f\u{7f}\u{2028}é\\b\\f\\t\\r\\n\""
        );
    }

    #[test]
    fn members_sorted_at_every_level_without_whitespace() {
        let value = json!({"b": [{"z": 1, "a": 2}], "a": {"d": true, "c": null}});
        assert_eq!(
            canonical_json(&value).ok().as_deref(),
            Some(r#"{"a":{"c":null,"d":true},"b":[{"a":2,"z":1}]}"#)
        );
    }

    #[test]
    fn sorting_is_by_utf16_code_units_not_code_points() {
        // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FFFF; by code point it would not.
        let value = json!({"\u{ffff}": 1, "\u{1f600}": 2});
        assert_eq!(
            canonical_json(&value).ok().as_deref(),
            Some("{\"\u{1f600}\":2,\"\u{ffff}\":1}")
        );
    }

    #[test]
    fn integers_are_exact() {
        let value = json!([u64::MAX, i64::MIN, 9_007_199_254_740_993_u64]);
        assert_eq!(
            canonical_json(&value).ok().as_deref(),
            Some("[18446744073709551615,-9223372036854775808,9007199254740993]")
        );
    }
}
