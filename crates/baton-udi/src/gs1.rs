//! GS1 element strings, bracketed human-readable text and Digital Link URIs.

use crate::ai::{self, AiDef, Lint};
use crate::check::{gs1_check_digit, gs1_check_pair};
use crate::date::{digits, gs1_yymmdd, yyyymmdd};
use crate::error::UdiError;

/// ASCII GS, how scanners transmit FNC1 separators.
pub(crate) const GS: u8 = 0x1D;

/// One parsed element and where its value starts in the input.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub ai: String,
    pub value: String,
    pub offset: usize,
}

/// Maps an index in a value to a character offset in the input; values
/// taken from URIs or escaped text do not sit contiguously in the input.
enum Offsets<'a> {
    Contiguous(usize),
    Mapped { map: &'a [usize], end: usize },
}

impl Offsets<'_> {
    fn at(&self, i: usize) -> usize {
        match self {
            Offsets::Contiguous(base) => base + i,
            Offsets::Mapped { map, end } => map.get(i).copied().unwrap_or(*end),
        }
    }
}

/// Input bytes are checked to be ASCII before any of this runs.
fn text(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// Symbologies that carry a bare GTIN rather than AI element strings
/// (EAN/UPC, EAN-8, ITF-14).
const GTIN_ONLY_SYMBOLOGIES: &[&str] = &["]E0", "]E4", "]I1"];

/// Parses GS1 data (already ASCII-checked, trimmed, AIM prefix removed)
/// into its elements, in input order.
pub(crate) fn parse(
    b: &[u8],
    base: usize,
    symbology: Option<&str>,
    reference_year: i32,
) -> Result<Vec<Located>, UdiError> {
    let elements = if symbology.is_some_and(|s| GTIN_ONLY_SYMBOLOGIES.contains(&s)) {
        bare_gtin(b, base, reference_year)?
    } else if starts_with_ci(b, b"https://") || starts_with_ci(b, b"http://") {
        digital_link(b, base, reference_year)?
    } else if b.first() == Some(&b'(') {
        bracketed(b, base, reference_year)?
    } else {
        element_string(b, base, reference_year)?
    };
    if elements.is_empty() {
        return Err(UdiError::Empty);
    }
    // Two different values for one AI make the label ambiguous.
    for (i, e) in elements.iter().enumerate() {
        if let Some(prev) = elements[..i]
            .iter()
            .find(|p| p.ai == e.ai && p.value != e.value)
        {
            return Err(UdiError::Gs1ConflictingValues {
                ai: e.ai.clone(),
                first: prev.offset,
                second: e.offset,
            });
        }
    }
    Ok(elements)
}

fn starts_with_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

fn unknown_ai(b: &[u8], i: usize, base: usize) -> UdiError {
    let shown: Vec<u8> = b[i..]
        .iter()
        .take_while(|&&c| c != GS)
        .take(4)
        .copied()
        .collect();
    UdiError::UnknownAi {
        ai: text(&shown),
        offset: base + i,
    }
}

/// Raw element strings: AI digits then value, FNC1 (GS) after variable-length values.
fn element_string(b: &[u8], base: usize, ry: i32) -> Result<Vec<Located>, UdiError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Leading FNC1 and doubled separators carry no data.
        if b[i] == GS {
            i += 1;
            continue;
        }
        let Some((def, ai_len)) = ai::lookup_prefix(&b[i..]) else {
            return Err(unknown_ai(b, i, base));
        };
        let ai = text(&b[i..i + ai_len]);
        let vstart = i + ai_len;
        let to_gs = b[vstart..]
            .iter()
            .position(|&c| c == GS)
            .map_or(b.len(), |p| vstart + p);
        let vend = match def.fixed_length() {
            Some(len) => {
                if to_gs - vstart < len {
                    return Err(UdiError::Gs1Truncated {
                        ai,
                        offset: base + vstart,
                        expected: len,
                        found: to_gs - vstart,
                    });
                }
                vstart + len
            }
            None => to_gs,
        };
        let value = &b[vstart..vend];
        validate(def, &ai, value, &Offsets::Contiguous(base + vstart), ry)?;
        out.push(Located {
            ai,
            value: text(value),
            offset: base + vstart,
        });
        i = vend;
    }
    Ok(out)
}

/// Human-readable `(01)…(10)…` form. A literal `(` inside a value is written
/// `\(`, the GS1 Barcode Syntax Engine convention.
fn bracketed(b: &[u8], base: usize, ry: i32) -> Result<Vec<Located>, UdiError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'(' {
            return Err(UdiError::Gs1Bracketed {
                offset: base + i,
                reason: "expected '(' to open an application identifier",
            });
        }
        let close = b[i + 1..]
            .iter()
            .take(5)
            .position(|&c| c == b')')
            .map(|p| i + 1 + p);
        let Some(close) = close else {
            return Err(UdiError::Gs1Bracketed {
                offset: base + i,
                reason: "expected ')' after 2 to 4 AI digits",
            });
        };
        let ai_bytes = &b[i + 1..close];
        if ai_bytes.len() < 2 || !ai_bytes.iter().all(u8::is_ascii_digit) {
            return Err(UdiError::Gs1Bracketed {
                offset: base + i + 1,
                reason: "an application identifier is 2 to 4 digits",
            });
        }
        let ai = text(ai_bytes);
        let Some(def) = ai::lookup(&ai) else {
            return Err(UdiError::UnknownAi {
                ai,
                offset: base + i + 1,
            });
        };
        let vstart = close + 1;
        let mut j = vstart;
        let mut value = Vec::new();
        let mut map = Vec::new();
        while j < b.len() && b[j] != b'(' {
            if b[j] == b'\\' && b.get(j + 1) == Some(&b'(') {
                j += 1;
            }
            value.push(b[j]);
            map.push(base + j);
            j += 1;
        }
        let offsets = Offsets::Mapped {
            map: &map,
            end: base + j,
        };
        validate(def, &ai, &value, &offsets, ry)?;
        out.push(Located {
            ai,
            value: text(&value),
            offset: offsets.at(0),
        });
        i = j;
    }
    Ok(out)
}

/// A GTIN read from a symbology that has no AIs (EAN/UPC, ITF-14).
fn bare_gtin(b: &[u8], base: usize, ry: i32) -> Result<Vec<Located>, UdiError> {
    let Some(def) = ai::lookup("01") else {
        return Err(UdiError::UnknownAi {
            ai: "01".into(),
            offset: base,
        });
    };
    let Some(gtin) = pad_gtin(b) else {
        return Err(UdiError::Gs1InvalidValue {
            ai: "01".into(),
            value: text(b),
            offset: base,
            reason: "an EAN/UPC or ITF-14 symbol must carry 8, 12, 13 or 14 digits",
        });
    };
    let pad = gtin.len() - b.len();
    let map: Vec<usize> = (0..gtin.len())
        .map(|i| base + i.saturating_sub(pad))
        .collect();
    let offsets = Offsets::Mapped {
        map: &map,
        end: base + b.len(),
    };
    validate(def, "01", &gtin, &offsets, ry)?;
    Ok(vec![Located {
        ai: "01".into(),
        value: text(&gtin),
        offset: base,
    }])
}

/// GTIN-8/12/13/14 digits left-padded with zeros to GTIN-14.
pub(crate) fn pad_gtin(b: &[u8]) -> Option<Vec<u8>> {
    if !matches!(b.len(), 8 | 12 | 13 | 14) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut out = vec![b'0'; 14 - b.len()];
    out.extend_from_slice(b);
    Some(out)
}

/// Decodes `%XX` escapes, keeping for each output byte its input offset.
fn percent_decode(seg: &[u8], off: usize) -> Result<(Vec<u8>, Vec<usize>), UdiError> {
    let mut out = Vec::with_capacity(seg.len());
    let mut map = Vec::with_capacity(seg.len());
    let mut i = 0;
    while i < seg.len() {
        if seg[i] == b'%' {
            let hex = seg.get(i + 1..i + 3).and_then(|h| {
                let h = std::str::from_utf8(h).ok()?;
                u8::from_str_radix(h, 16).ok()
            });
            let Some(byte) = hex.filter(|_| seg[i + 1].is_ascii_hexdigit()) else {
                return Err(UdiError::DigitalLink {
                    offset: off + i,
                    reason: "malformed percent-escape: '%' must be followed by two hex digits"
                        .into(),
                });
            };
            if !byte.is_ascii() {
                return Err(UdiError::DigitalLink {
                    offset: off + i,
                    reason: format!("percent-escape %{byte:02X} decodes to a non-ASCII byte"),
                });
            }
            out.push(byte);
            map.push(off + i);
            i += 3;
        } else {
            out.push(seg[i]);
            map.push(off + i);
            i += 1;
        }
    }
    Ok((out, map))
}

/// Splits `b[start..end]` on `sep`, giving each piece with its offset in `b`.
fn split_at_byte(b: &[u8], start: usize, end: usize, sep: u8) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut s = start;
    for k in start..end {
        if b[k] == sep {
            out.push((s, &b[s..k]));
            s = k + 1;
        }
    }
    out.push((s, &b[s..end]));
    out
}

/// GS1 Digital Link URI: primary key and qualifiers in the path, data
/// attributes as numeric query parameters (other parameters are ignored).
fn digital_link(b: &[u8], base: usize, ry: i32) -> Result<Vec<Located>, UdiError> {
    let scheme_len = if starts_with_ci(b, b"https://") { 8 } else { 7 };
    let host_end = b[scheme_len..]
        .iter()
        .position(|&c| matches!(c, b'/' | b'?' | b'#'))
        .map_or(b.len(), |p| scheme_len + p);
    if host_end == scheme_len {
        return Err(UdiError::DigitalLink {
            offset: base + scheme_len,
            reason: "missing host name".into(),
        });
    }
    if let Some(p) = b[scheme_len..host_end]
        .iter()
        .position(|c| !c.is_ascii_graphic())
    {
        return Err(UdiError::DigitalLink {
            offset: base + scheme_len + p,
            reason: "invalid character in host name".into(),
        });
    }
    let frag = b[host_end..]
        .iter()
        .position(|&c| c == b'#')
        .map_or(b.len(), |p| host_end + p);
    let path_end = b[host_end..frag]
        .iter()
        .position(|&c| c == b'?')
        .map_or(frag, |p| host_end + p);

    let mut segs = if path_end > host_end {
        split_at_byte(b, host_end + 1, path_end, b'/')
    } else {
        Vec::new()
    };
    if segs.last().is_some_and(|(_, s)| s.is_empty()) {
        segs.pop();
    }

    // Anything before the primary key is the resolver's own path.
    let is_primary = |seg: &[u8]| {
        std::str::from_utf8(seg)
            .ok()
            .and_then(ai::lookup)
            .is_some_and(|d| d.dl_primary_key.is_some())
    };
    let Some(k) = (0..segs.len()).find(|&k| (segs.len() - k) % 2 == 0 && is_primary(segs[k].1))
    else {
        return Err(UdiError::DigitalLink {
            offset: base + host_end,
            reason: "no GS1 primary key and value (such as /01/<GTIN>) in the path".into(),
        });
    };

    let mut out = Vec::new();
    let (pk_off, pk) = segs[k];
    let primary = text(pk);
    let (pdef, alternatives) = match ai::lookup(&primary) {
        Some(d) => (d, d.dl_primary_key.unwrap_or(&[])),
        None => {
            return Err(UdiError::UnknownAi {
                ai: primary,
                offset: base + pk_off,
            });
        }
    };
    let (voff, vraw) = segs[k + 1];
    let (mut value, mut map) = percent_decode(vraw, base + voff)?;
    // Digital Link allows GTIN-8/12/13 in the path; AI (01) holds GTIN-14.
    if primary == "01"
        && let Some(padded) = pad_gtin(&value).filter(|p| p.len() != value.len())
    {
        let pad = padded.len() - value.len();
        let first = map.first().copied().unwrap_or(base + voff);
        map.splice(0..0, std::iter::repeat_n(first, pad));
        value = padded;
    }
    push_validated(
        &mut out,
        pdef,
        primary.clone(),
        &value,
        &map,
        base + voff,
        ry,
    )?;

    let mut seen: Vec<&str> = Vec::new();
    for pair in segs[k + 2..].chunks(2) {
        let [(qoff, q), (voff, vraw)] = pair else {
            break;
        };
        let qai = text(q);
        let expected = next_qualifiers(alternatives, &seen);
        let Some(pos) = expected.iter().position(|e| *e == qai) else {
            return Err(UdiError::DigitalLinkQualifier {
                ai: qai,
                primary,
                offset: base + qoff,
                expected: if expected.is_empty() {
                    "none".into()
                } else {
                    expected.join(", ")
                },
            });
        };
        seen.push(expected[pos]);
        let Some(qdef) = ai::lookup(&qai) else {
            return Err(UdiError::UnknownAi {
                ai: qai,
                offset: base + qoff,
            });
        };
        let (value, map) = percent_decode(vraw, base + voff)?;
        push_validated(&mut out, qdef, qai, &value, &map, base + voff, ry)?;
    }

    if path_end < frag {
        for (poff, param) in split_at_byte(b, path_end + 1, frag, b'&') {
            if param.is_empty() {
                continue;
            }
            let eq = param.iter().position(|&c| c == b'=').unwrap_or(param.len());
            let (key, _) = percent_decode(&param[..eq], base + poff)?;
            // Non-numeric parameters belong to the resolver, not to GS1.
            if key.is_empty() || !key.iter().all(u8::is_ascii_digit) {
                continue;
            }
            let key = text(&key);
            let Some(def) = ai::lookup(&key) else {
                return Err(UdiError::UnknownAi {
                    ai: key,
                    offset: base + poff,
                });
            };
            if !def.dl_data_attribute {
                return Err(UdiError::DigitalLink {
                    offset: base + poff,
                    reason: format!(
                        "AI ({key}) is not allowed as a query parameter (data attribute)"
                    ),
                });
            }
            let vstart = (eq + 1).min(param.len());
            let (value, map) = percent_decode(&param[vstart..], base + poff + vstart)?;
            push_validated(&mut out, def, key, &value, &map, base + poff + vstart, ry)?;
        }
    }
    Ok(out)
}

fn push_validated(
    out: &mut Vec<Located>,
    def: &AiDef,
    ai: String,
    value: &[u8],
    map: &[usize],
    end: usize,
    ry: i32,
) -> Result<(), UdiError> {
    let offsets = Offsets::Mapped { map, end };
    validate(def, &ai, value, &offsets, ry)?;
    out.push(Located {
        ai,
        value: text(value),
        offset: offsets.at(0),
    });
    Ok(())
}

/// Qualifier AIs that may follow `seen` under any of the alternatives.
fn next_qualifiers<'a>(alternatives: &[&'a [&'a str]], seen: &[&str]) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    for alt in alternatives {
        let mut idx = 0;
        let fits = seen
            .iter()
            .all(|s| match alt[idx..].iter().position(|a| a == s) {
                Some(p) => {
                    idx += p + 1;
                    true
                }
                None => false,
            });
        if fits {
            for a in &alt[idx..] {
                if !out.contains(a) {
                    out.push(a);
                }
            }
        }
    }
    out
}

/// Checks a value against its AI's format: length, character set, and the
/// content rules (check digits, dates...) of each component.
fn validate(def: &AiDef, ai: &str, v: &[u8], offs: &Offsets, ry: i32) -> Result<(), UdiError> {
    let start = offs.at(0);
    if v.is_empty() {
        return Err(UdiError::Gs1EmptyValue {
            ai: ai.into(),
            offset: start,
        });
    }
    let max = def.max_length();
    if v.len() > max {
        return Err(UdiError::Gs1ValueTooLong {
            ai: ai.into(),
            offset: start,
            len: v.len(),
            max,
        });
    }
    let mut pos = 0;
    for c in def.components {
        let remaining = v.len() - pos;
        if remaining == 0 && c.optional {
            break;
        }
        let take = if c.min == c.max {
            usize::from(c.max)
        } else {
            remaining.min(usize::from(c.max))
        };
        if remaining < take || take < usize::from(c.min) {
            return Err(UdiError::Gs1ValueTooShort {
                ai: ai.into(),
                offset: start,
                len: v.len(),
                min: pos + take.max(usize::from(c.min)),
            });
        }
        let part = &v[pos..pos + take];
        if let Some(i) = part.iter().position(|&ch| !c.charset.allows(ch)) {
            return Err(UdiError::Gs1InvalidCharacter {
                ai: ai.into(),
                offset: offs.at(pos + i),
                ch: char::from(part[i]),
                allowed: c.charset.describe(),
            });
        }
        for &l in c.lints {
            lint(l, ai, part, |i| offs.at(pos + i), ry)?;
        }
        pos += take;
    }
    if pos < v.len() {
        return Err(UdiError::Gs1ValueTooLong {
            ai: ai.into(),
            offset: start,
            len: v.len(),
            max: pos,
        });
    }
    Ok(())
}

fn lint(l: Lint, ai: &str, s: &[u8], at: impl Fn(usize) -> usize, ry: i32) -> Result<(), UdiError> {
    let invalid = |reason: &'static str| UdiError::Gs1InvalidValue {
        ai: ai.into(),
        value: text(s),
        offset: at(0),
        reason,
    };
    let two = |i: usize| s.get(i..i + 2).and_then(digits);
    let ok = match l {
        Lint::Csum => {
            let Some((&found, body)) = s.split_last() else {
                return Err(invalid("missing check digit"));
            };
            let expected = gs1_check_digit(&text(body)).map(|d| char::from(b'0' + d));
            if expected != Some(char::from(found)) {
                return Err(UdiError::Gs1CheckDigit {
                    ai: ai.into(),
                    offset: at(s.len() - 1),
                    expected: expected.unwrap_or('?'),
                    found: char::from(found),
                });
            }
            true
        }
        Lint::CsumAlpha => {
            if s.len() < 2 {
                return Err(invalid("too short to hold a check character pair"));
            }
            let (body, pair) = s.split_at(s.len() - 2);
            let expected = gs1_check_pair(body);
            if expected.as_ref().map(|e| e.as_slice()) != Some(pair) {
                return Err(UdiError::Gs1CheckPair {
                    ai: ai.into(),
                    offset: at(s.len() - 2),
                    expected: expected.map_or_else(|| "??".into(), |e| text(&e)),
                    found: text(pair),
                });
            }
            true
        }
        Lint::Yymmdd | Lint::Yymmd0 | Lint::Yyyymmdd => {
            let valid = match l {
                Lint::Yyyymmdd => yyyymmdd(s).is_some(),
                _ => gs1_yymmdd(s, l == Lint::Yymmd0, ry).is_some(),
            };
            if !valid {
                return Err(UdiError::Gs1InvalidDate {
                    ai: ai.into(),
                    value: text(s),
                    offset: at(0),
                });
            }
            true
        }
        Lint::Hh => two(0).is_some_and(|h| h <= 23),
        Lint::Mi | Lint::Ss => two(0).is_some_and(|m| m <= 59),
        Lint::Hhmi => two(0).is_some_and(|h| h <= 23) && two(2).is_some_and(|m| m <= 59),
        Lint::Zero => s == b"0",
        Lint::NonZero => s.iter().any(|&c| c != b'0'),
        Lint::YesNo => s == b"0" || s == b"1",
        Lint::Hyphen => s == b"-",
        Lint::PieceOfTotal => matches!((two(0), two(2)), (Some(p), Some(t)) if p >= 1 && p <= t),
        Lint::Winding => matches!(s, b"0" | b"1" | b"9"),
        Lint::NoZeroPrefix => !(s.len() > 1 && s[0] == b'0'),
        Lint::HasNonDigit => !s.iter().all(u8::is_ascii_digit),
        Lint::PcEnc => s.iter().enumerate().all(|(i, &c)| {
            c != b'%'
                || s.get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        }),
        Lint::Latitude => text(s).parse::<u64>().is_ok_and(|v| v <= 1_800_000_000),
        Lint::Longitude => text(s).parse::<u64>().is_ok_and(|v| v <= 3_600_000_000),
        Lint::Iso5218 => matches!(s, b"0" | b"1" | b"2" | b"9"),
        Lint::GcpPos1
        | Lint::GcpPos2
        | Lint::Iso3166
        | Lint::Iso3166999
        | Lint::Iso3166Alpha2
        | Lint::Iso4217
        | Lint::Iban
        | Lint::MediaType
        | Lint::PackageType
        | Lint::ImporterIdx
        | Lint::CouponCode
        | Lint::CouponPosOffer
        | Lint::PosInSeqSlash => true,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(lint_reason(l)))
    }
}

fn lint_reason(l: Lint) -> &'static str {
    match l {
        Lint::Hh => "hour must be 00-23",
        Lint::Mi => "minute must be 00-59",
        Lint::Ss => "second must be 00-59",
        Lint::Hhmi => "time must be HHMM with hour 00-23 and minute 00-59",
        Lint::Zero => "must be 0",
        Lint::NonZero => "must not be all zeros",
        Lint::YesNo => "must be 0 or 1",
        Lint::Hyphen => "must be '-'",
        Lint::PieceOfTotal => "piece number must be 01 up to the total count",
        Lint::Winding => "winding direction must be 0, 1 or 9",
        Lint::NoZeroPrefix => "must not start with 0",
        Lint::HasNonDigit => "must contain a non-digit",
        Lint::PcEnc => "malformed percent-encoding",
        Lint::Latitude => "latitude out of range",
        Lint::Longitude => "longitude out of range",
        Lint::Iso5218 => "sex code must be 0, 1, 2 or 9",
        _ => "does not satisfy the AI's format",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn els(input: &str) -> Result<Vec<(String, String)>, UdiError> {
        parse(input.as_bytes(), 0, None, 2000)
            .map(|v| v.into_iter().map(|e| (e.ai, e.value)).collect())
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, v)| (a.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn element_string_with_separators() {
        assert_eq!(
            els("\u{1d}0109501101530003\u{1d}\u{1d}17250100109AB\u{1d}21X1"),
            Ok(pairs(&[
                ("01", "09501101530003"),
                ("17", "250100"),
                ("10", "9AB"),
                ("21", "X1")
            ]))
        );
    }

    #[test]
    fn check_digit_error_names_position() {
        let e = els("0109501101530004").unwrap_err();
        assert_eq!(
            e.to_string(),
            "GS1 AI (01) check digit mismatch at offset 15: expected 3, found 4"
        );
    }

    #[test]
    fn invalid_date_error() {
        let e = els("010950110153000317251340").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid date '251340' in AI (17) at offset 18"
        );
        let e = els("010950110153000317250230").unwrap_err();
        assert!(matches!(e, UdiError::Gs1InvalidDate { .. }), "{e}");
        assert!(els("010950110153000317250229").is_err());
        assert!(els("010950110153000317240229").is_ok());
        assert!(els("010950110153000317250200").is_ok());
        assert!(els("010950110153000317250000").is_err());
        assert!(els("010950110153000311250000").is_err());
    }

    #[test]
    fn unknown_ai_error() {
        let e = els("01095011015300032399x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown GS1 application identifier '2399' at offset 16"
        );
        let e = els("0109501101530003\u{1d}9").unwrap_err();
        assert_eq!(
            e,
            UdiError::UnknownAi {
                ai: "9".into(),
                offset: 17
            }
        );
    }

    #[test]
    fn truncated_fixed_length() {
        let e = els("01095011015").unwrap_err();
        assert_eq!(
            e,
            UdiError::Gs1Truncated {
                ai: "01".into(),
                offset: 2,
                expected: 14,
                found: 9
            }
        );
        let e = els("010950110\u{1d}1530003").unwrap_err();
        assert!(matches!(e, UdiError::Gs1Truncated { found: 7, .. }), "{e}");
        assert!(matches!(
            els("17").unwrap_err(),
            UdiError::Gs1Truncated { found: 0, .. }
        ));
    }

    #[test]
    fn variable_length_limits_and_charset() {
        let e = els("10123456789012345678901").unwrap_err();
        assert_eq!(
            e,
            UdiError::Gs1ValueTooLong {
                ai: "10".into(),
                offset: 2,
                len: 21,
                max: 20
            }
        );
        let e = els("10AB|C").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid character '|' at offset 4 in GS1 AI (10): expected a GS1 character set 82 character"
        );
        assert!(matches!(
            els("10\u{1d}21X").unwrap_err(),
            UdiError::Gs1EmptyValue { .. }
        ));
        assert!(matches!(
            els("30A1").unwrap_err(),
            UdiError::Gs1InvalidCharacter { .. }
        ));
    }

    #[test]
    fn optional_components_and_lints() {
        assert!(els("800307071324001021").is_ok());
        assert!(els("800307071324001021ABC").is_ok());
        assert!(matches!(
            els("800307071324001022").unwrap_err(),
            UdiError::Gs1CheckDigit { .. }
        ));
        assert!(matches!(
            els("800317071324001021").unwrap_err(),
            UdiError::Gs1InvalidValue {
                reason: "must be 0",
                ..
            }
        ));
        assert!(els("7011250101").is_ok());
        assert!(els("701125010112").is_err()); // optional HHMM half present
        assert!(els("70112501011230").is_ok());
        assert!(matches!(
            els("70112501012460").unwrap_err(),
            UdiError::Gs1InvalidValue { .. }
        ));
        assert!(els("80060950110153000301020").is_err()); // piece 01 of 02, then one char too many
        assert!(els("800609501101530003010\u{1d}").is_err());
        assert!(els("8006095011015300030102").is_ok());
        assert!(els("8006095011015300030302").is_err());
        assert!(els("80111").is_ok());
        assert!(els("801101").is_err());
        assert!(els("80131987654Ad4X4bL5ttr2310c2K").is_ok());
        assert!(matches!(
            els("80131987654Ad4X4bL5ttr2310c2L").unwrap_err(),
            UdiError::Gs1CheckPair { .. }
        ));
        assert!(els("430918000000003600000000").is_ok());
        assert!(els("430918000000013600000000").is_err());
        assert!(els("430918000000003600000001").is_err());
    }

    #[test]
    fn bracketed_form() {
        assert_eq!(
            els("(01)09501101530003(10)A\\(1)(21)7"),
            Ok(pairs(&[
                ("01", "09501101530003"),
                ("10", "A(1)"),
                ("21", "7")
            ]))
        );
        assert!(matches!(
            els("(01)0950110153000").unwrap_err(),
            UdiError::Gs1ValueTooShort { .. }
        ));
        assert!(matches!(
            els("(1)9").unwrap_err(),
            UdiError::Gs1Bracketed { .. }
        ));
        assert!(matches!(
            els("(01").unwrap_err(),
            UdiError::Gs1Bracketed { .. }
        ));
        assert!(matches!(
            els("(0a)1").unwrap_err(),
            UdiError::Gs1Bracketed { .. }
        ));
        assert!(matches!(
            els("(239)1").unwrap_err(),
            UdiError::UnknownAi { .. }
        ));
        assert!(matches!(
            els("(10)").unwrap_err(),
            UdiError::Gs1EmptyValue { .. }
        ));
        let e = els("(01)09501101530003 (10)1").unwrap_err();
        assert!(matches!(e, UdiError::Gs1ValueTooLong { .. }), "{e}");
    }

    #[test]
    fn conflicting_duplicates() {
        assert!(els("10A\u{1d}10A").is_ok());
        let e = els("10A\u{1d}10B").unwrap_err();
        assert_eq!(
            e,
            UdiError::Gs1ConflictingValues {
                ai: "10".into(),
                first: 2,
                second: 6
            }
        );
    }

    #[test]
    fn digital_link() {
        assert_eq!(
            els(
                "HTTPS://example.com/some/prefix/01/9501101530003/10/A%2FB/21/S1?17=250100&x=1&3103=000123#frag"
            ),
            Ok(pairs(&[
                ("01", "09501101530003"),
                ("10", "A/B"),
                ("21", "S1"),
                ("17", "250100"),
                ("3103", "000123"),
            ]))
        );
        assert!(matches!(
            els("https://e.com/01/09501101530003/21/S1/10/L").unwrap_err(),
            UdiError::DigitalLinkQualifier { .. }
        ));
        assert!(matches!(
            els("https://e.com/01/09501101530003?21=1").unwrap_err(),
            UdiError::DigitalLink { .. }
        ));
        assert!(matches!(
            els("https://e.com/01/09501101530003?999=1").unwrap_err(),
            UdiError::UnknownAi { .. }
        ));
        assert!(matches!(
            els("https://e.com/x/y").unwrap_err(),
            UdiError::DigitalLink { .. }
        ));
        assert!(matches!(
            els("https:///01/1").unwrap_err(),
            UdiError::DigitalLink { .. }
        ));
        assert!(matches!(
            els("https://e.com/01/0950110153000%4").unwrap_err(),
            UdiError::DigitalLink { .. }
        ));
        assert!(matches!(
            els("https://e.com/01/09501101530003/10/%C3%A9").unwrap_err(),
            UdiError::DigitalLink { .. }
        ));
        let e = els("https://e.com/01/09501101530004").unwrap_err();
        assert_eq!(
            e.to_string(),
            "GS1 AI (01) check digit mismatch at offset 30: expected 3, found 4"
        );
    }

    #[test]
    fn bare_gtin_symbologies() {
        let p = |s: &str, sym| parse(s.as_bytes(), 3, Some(sym), 2000);
        assert_eq!(
            p("9501101530003", "]E0").map(|v| v[0].value.clone()),
            Ok("09501101530003".into())
        );
        assert_eq!(
            p("96385074", "]E4").map(|v| v[0].value.clone()),
            Ok("00000096385074".into())
        );
        assert!(matches!(
            p("96385075", "]E4").unwrap_err(),
            UdiError::Gs1CheckDigit { offset: 10, .. }
        ));
        assert!(matches!(
            p("12345", "]E0").unwrap_err(),
            UdiError::Gs1InvalidValue { .. }
        ));
    }

    #[test]
    fn qualifier_alternatives() {
        let alts: &[&[&str]] = &[&["22", "10", "21"], &["235"]];
        assert_eq!(next_qualifiers(alts, &[]), vec!["22", "10", "21", "235"]);
        assert_eq!(next_qualifiers(alts, &["10"]), vec!["21"]);
        assert_eq!(next_qualifiers(alts, &["235"]), Vec::<&str>::new());
    }
}
