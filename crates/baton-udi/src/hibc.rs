//! HIBC Supplier Labeling Standard (HIBC LIC) data structures.
//!
//! Shapes accepted, all starting with `+`:
//! - primary only: `+LLLLPPPU C` (labeler code, product code, unit of
//!   measure, Mod 43 check character; no spaces in the real data);
//! - concatenated (2D symbols): `+LLLLPPPU/secondary/secondary…C`, one check
//!   character over everything;
//! - linear (one or several 1D symbols joined): primary with its own check
//!   character, then each secondary as `+data` + link character (the
//!   primary's check character) + its own check character.
//!
//! Secondary segments: `$lot`, `$+serial`, `$$[8QQ|9QQQQQ][flag date]lot`,
//! `$$+[…]serial`, `/14DYYYYMMDD` expiry, `/16DYYYYMMDD` production date,
//! `/Sserial`, `/Qquantity`, and the old `YYJJJlot` form.

use chrono::NaiveDate;

use crate::check::{HIBC_CHARSET, hibc_value};
use crate::date::{digits, expand_year, yyjjj, yyyymmdd};
use crate::error::UdiError;

/// What an HIBC string says about the device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hibc {
    pub di: String,
    pub lot: Option<String>,
    pub serial: Option<String>,
    pub expiry: Option<NaiveDate>,
    pub expiry_hour: Option<u8>,
    pub production: Option<NaiveDate>,
    pub quantity: Option<u32>,
}

/// Longest product code, lot or serial number HIBC allows.
const MAX_FIELD: usize = 18;

fn malformed(offset: usize, reason: impl Into<String>) -> UdiError {
    UdiError::HibcMalformed {
        offset,
        reason: reason.into(),
    }
}

/// Parses HIBC data `s` (charset-checked, AIM prefix removed) whose first
/// byte sits at input offset `base`.
pub(crate) fn parse(s: &[u8], base: usize, ry: i32) -> Result<Hibc, UdiError> {
    if s.first() != Some(&b'+') {
        return Err(malformed(base, "HIBC data must start with '+'"));
    }
    if !s.get(1).is_some_and(u8::is_ascii_uppercase) {
        return Err(malformed(
            base + 1,
            "the labeler identification code must start with a letter (secondary data alone identifies no device)",
        ));
    }
    let ctx = Ctx {
        s,
        base,
        ry,
        prefix: prefix_sums(s),
    };
    let n = s.len();
    // The primary's own characters are letters and digits; the first other
    // character tells which shape this is.
    let a = s[1..]
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .map_or(n, |p| p + 1);
    if a == n {
        return ctx.linear(n);
    }
    match s[a] {
        b'/' if a + 1 < n && s[a + 1] != b'+' => ctx.concatenated(a),
        b'+' => {
            // Either the check character is the last letter/digit and this
            // '+' opens a secondary, or the check character is this '+'.
            let order = if s.get(a + 1) == Some(&b'+') {
                [a + 1, a]
            } else {
                [a, a + 1]
            };
            let mut first_err = None;
            for e in order {
                if e == a + 1 && !(e == n || s[e] == b'+') {
                    continue;
                }
                match ctx.linear(e) {
                    Ok(h) => return Ok(h),
                    Err(err) => {
                        first_err.get_or_insert(err);
                    }
                }
            }
            Err(first_err.unwrap_or_else(|| malformed(base + a, "unexpected '+'")))
        }
        // Any other symbol here is the primary check character.
        _ if a + 1 == n || s[a + 1] == b'+' => ctx.linear(a + 1),
        _ => Err(malformed(
            base + a + 1,
            "expected '+' or the end of data after the primary check character",
        )),
    }
}

fn prefix_sums(s: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len() + 1);
    let mut sum = 0u32;
    out.push(0);
    for &c in s {
        sum += hibc_value(c).unwrap_or(0);
        out.push(sum);
    }
    out
}

#[derive(Debug, Clone, Default)]
struct Fields {
    lot: Option<String>,
    serial: Option<String>,
    expiry: Option<(NaiveDate, Option<u8>)>,
    production: Option<NaiveDate>,
    quantity: Option<u32>,
}

/// Stores `v`; a second, different value for the same field is an error.
fn put<T: PartialEq>(
    slot: &mut Option<T>,
    v: T,
    field: &'static str,
    offset: usize,
) -> Result<(), UdiError> {
    match slot {
        Some(old) if *old != v => Err(UdiError::HibcConflict { field, offset }),
        _ => {
            *slot = Some(v);
            Ok(())
        }
    }
}

struct Ctx<'a> {
    s: &'a [u8],
    base: usize,
    ry: i32,
    prefix: Vec<u32>,
}

impl Ctx<'_> {
    /// Mod 43 check character over `s[from..to]`.
    fn check(&self, from: usize, to: usize) -> u8 {
        let sum = self.prefix[to] - self.prefix[from];
        HIBC_CHARSET[(sum % 43) as usize]
    }

    fn verify_check(&self, from: usize, at: usize) -> Result<(), UdiError> {
        let expected = self.check(from, at);
        if self.s[at] != expected {
            return Err(UdiError::HibcCheckCharacter {
                offset: self.base + at,
                expected: char::from(expected),
                found: char::from(self.s[at]),
            });
        }
        Ok(())
    }

    /// Labeler code, product code and unit of measure in `s[1..end]`.
    fn primary(&self, end: usize) -> Result<String, UdiError> {
        let s = self.s;
        if end < 7 {
            return Err(malformed(
                self.base + end.min(s.len()),
                "primary data too short: needs a 4-character labeler code, a product code and a unit-of-measure digit",
            ));
        }
        if let Some(p) = s[1..end].iter().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(malformed(
                self.base + 1 + p,
                "primary data may hold only letters and digits",
            ));
        }
        if !s[end - 1].is_ascii_digit() {
            return Err(malformed(
                self.base + end - 1,
                "the unit of measure must be a digit",
            ));
        }
        if end - 6 > MAX_FIELD {
            return Err(malformed(
                self.base + 5,
                format!(
                    "product code is {} characters long; at most {MAX_FIELD} are allowed",
                    end - 6
                ),
            ));
        }
        Ok(s[1..end].iter().map(|&c| char::from(c)).collect())
    }

    /// 2D concatenated form: primary ends at the first '/', one check
    /// character at the very end covers everything.
    fn concatenated(&self, slash: usize) -> Result<Hibc, UdiError> {
        let di = self.primary(slash)?;
        let last = self.s.len() - 1;
        self.verify_check(0, last)?;
        let mut f = Fields::default();
        self.segments(slash + 1, last, &mut f)?;
        Ok(finish(di, f))
    }

    /// Linear form: primary with its check character at `e - 1`, then
    /// secondary structures from `e`.
    fn linear(&self, e: usize) -> Result<Hibc, UdiError> {
        let di = self.primary(e - 1)?;
        self.verify_check(0, e - 1)?;
        let link = self.s[e - 1];
        let mut f = Fields::default();
        let mut pos = e;
        while pos < self.s.len() {
            pos = self.secondary(pos, link, &mut f)?;
        }
        Ok(finish(di, f))
    }

    /// One linear secondary structure starting at `pos` ('+'); returns
    /// where the next one starts.
    fn secondary(&self, pos: usize, link: u8, f: &mut Fields) -> Result<usize, UdiError> {
        let s = self.s;
        let n = s.len();
        if s[pos] != b'+' {
            return Err(malformed(
                self.base + pos,
                "expected '+' to start a secondary data structure",
            ));
        }
        if n - pos < 3 {
            return Err(malformed(
                self.base + pos,
                "secondary data structure too short: needs data, a link character and a check character",
            ));
        }
        // The data may itself contain '+' ("$+", "$$+"), so the end is the
        // first '+' (or end of data) preceded by a valid link and check pair.
        let mut last_err = None;
        for j in pos + 3..=n {
            if j < n && s[j] != b'+' {
                continue;
            }
            if s[j - 2] != link || self.check(pos, j - 1) != s[j - 1] {
                continue;
            }
            let mut trial = f.clone();
            match self.segments(pos + 1, j - 2, &mut trial) {
                Ok(()) => {
                    *f = trial;
                    return Ok(j);
                }
                Err(e) => last_err = (j == n).then_some(e),
            }
        }
        if let Some(e) = last_err {
            return Err(e);
        }
        if s[n - 2] != link {
            return Err(UdiError::HibcLinkCharacter {
                offset: self.base + n - 2,
                expected: char::from(link),
                found: char::from(s[n - 2]),
            });
        }
        self.verify_check(pos, n - 1)?;
        Err(malformed(self.base + pos, "unparseable secondary data"))
    }

    /// '/'-separated secondary segments in `s[from..to]`.
    fn segments(&self, from: usize, to: usize, f: &mut Fields) -> Result<(), UdiError> {
        let mut start = from;
        for k in from..=to {
            if k == to || self.s[k] == b'/' {
                self.segment(start, k, f)?;
                start = k + 1;
            }
        }
        Ok(())
    }

    fn segment(&self, from: usize, to: usize, f: &mut Fields) -> Result<(), UdiError> {
        let seg = &self.s[from..to];
        let off = self.base + from;
        if seg.is_empty() {
            return Err(malformed(off, "empty secondary data segment"));
        }
        if let Some(r) = seg.strip_prefix(b"$$+") {
            self.flagged(r, off + 3, true, f)
        } else if let Some(r) = seg.strip_prefix(b"$$") {
            self.flagged(r, off + 2, false, f)
        } else if let Some(r) = seg.strip_prefix(b"$+") {
            put_text(&mut f.serial, r, off + 2, "serial number", true)
        } else if let Some(r) = seg.strip_prefix(b"$") {
            put_text(&mut f.lot, r, off + 1, "lot number", false)
        } else if let Some(r) = seg.strip_prefix(b"14D") {
            let d = self.date(DateFormat::Yyyymmdd, r, off + 3)?;
            put(&mut f.expiry, d, "expiry date", off)
        } else if let Some(r) = seg.strip_prefix(b"16D") {
            let (d, _) = self.date(DateFormat::Yyyymmdd, r, off + 3)?;
            put(&mut f.production, d, "production date", off)
        } else if let Some(r) = seg.strip_prefix(b"S") {
            put_text(&mut f.serial, r, off + 1, "serial number", true)
        } else if let Some(r) = seg.strip_prefix(b"Q") {
            let q = digits(r)
                .ok_or_else(|| malformed(off + 1, "quantity after 'Q' must be 1 to 9 digits"))?;
            put(&mut f.quantity, q, "quantity", off)
        } else if seg[0].is_ascii_digit() {
            // Old form: Julian expiry date directly followed by the lot.
            let d = self.date(DateFormat::Yyjjj, seg.get(..5).unwrap_or(seg), off)?;
            put(&mut f.expiry, d, "expiry date", off)?;
            put_text(&mut f.lot, &seg[5..], off + 5, "lot number", false)
        } else {
            Err(malformed(
                off,
                format!(
                    "unrecognised secondary data segment starting with '{}'",
                    char::from(seg[0])
                ),
            ))
        }
    }

    /// After `$$` / `$$+`: optional quantity, date format flag and date, then
    /// the lot (or serial when `serial`).
    fn flagged(&self, r: &[u8], off: usize, serial: bool, f: &mut Fields) -> Result<(), UdiError> {
        let mut i = 0;
        let qlen = match r.first() {
            None => return Err(malformed(off, "missing data after '$$'")),
            Some(b'8') => Some(2),
            Some(b'9') => Some(5),
            Some(_) => None,
        };
        if let Some(qlen) = qlen {
            let q = r.get(1..1 + qlen).and_then(digits).ok_or_else(|| {
                malformed(
                    off + 1,
                    format!(
                        "quantity after flag '{}' must be {qlen} digits",
                        char::from(r[0])
                    ),
                )
            })?;
            put(&mut f.quantity, q, "quantity", off)?;
            i = 1 + qlen;
            if i == r.len() {
                return Ok(());
            }
        }
        let (format, flag_len) = match r[i] {
            b'0' | b'1' => (Some(DateFormat::Mmyy), 0),
            b'2' => (Some(DateFormat::Mmddyy), 1),
            b'3' => (Some(DateFormat::Yymmdd), 1),
            b'4' => (Some(DateFormat::Yymmddhh), 1),
            b'5' => (Some(DateFormat::Yyjjj), 1),
            b'6' => (Some(DateFormat::Yyjjjhh), 1),
            b'7' => (None, 1),
            c => {
                return Err(malformed(
                    off + i,
                    format!("unknown date format flag '{}'", char::from(c)),
                ));
            }
        };
        let mut rest = i + flag_len;
        if let Some(format) = format {
            let end = (rest + format.len()).min(r.len());
            let d = self.date(format, &r[rest..end], off + rest)?;
            put(&mut f.expiry, d, "expiry date", off + rest)?;
            rest = end;
        }
        if serial {
            put_text(
                &mut f.serial,
                &r[rest..],
                off + rest,
                "serial number",
                false,
            )
        } else {
            put_text(&mut f.lot, &r[rest..], off + rest, "lot number", false)
        }
    }

    fn date(
        &self,
        format: DateFormat,
        v: &[u8],
        off: usize,
    ) -> Result<(NaiveDate, Option<u8>), UdiError> {
        format
            .parse(v, self.ry)
            .ok_or_else(|| UdiError::HibcInvalidDate {
                value: v.iter().map(|&c| char::from(c)).collect(),
                format: format.name(),
                offset: off,
            })
    }
}

/// Stores a lot or serial number after checking its characters and length.
/// An empty value leaves the field unset unless `required`.
fn put_text(
    slot: &mut Option<String>,
    v: &[u8],
    off: usize,
    field: &'static str,
    required: bool,
) -> Result<(), UdiError> {
    if v.is_empty() {
        return if required {
            Err(malformed(off, format!("empty {field}")))
        } else {
            Ok(())
        };
    }
    if let Some(p) = v
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'-' || c == b'.'))
    {
        return Err(malformed(
            off + p,
            format!("{field} may hold only 0-9, A-Z, '-' and '.'"),
        ));
    }
    if v.len() > MAX_FIELD {
        return Err(malformed(
            off,
            format!(
                "{field} is {} characters long; at most {MAX_FIELD} are allowed",
                v.len()
            ),
        ));
    }
    put(slot, v.iter().map(|&c| char::from(c)).collect(), field, off)
}

fn finish(di: String, f: Fields) -> Hibc {
    Hibc {
        di,
        lot: f.lot,
        serial: f.serial,
        expiry: f.expiry.map(|(d, _)| d),
        expiry_hour: f.expiry.and_then(|(_, h)| h),
        production: f.production,
        quantity: f.quantity,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateFormat {
    Mmyy,
    Mmddyy,
    Yymmdd,
    Yymmddhh,
    Yyjjj,
    Yyjjjhh,
    Yyyymmdd,
}

impl DateFormat {
    fn len(self) -> usize {
        match self {
            DateFormat::Mmyy => 4,
            DateFormat::Yyjjj => 5,
            DateFormat::Mmddyy | DateFormat::Yymmdd => 6,
            DateFormat::Yyjjjhh => 7,
            DateFormat::Yymmddhh | DateFormat::Yyyymmdd => 8,
        }
    }

    fn name(self) -> &'static str {
        match self {
            DateFormat::Mmyy => "MMYY",
            DateFormat::Mmddyy => "MMDDYY",
            DateFormat::Yymmdd => "YYMMDD",
            DateFormat::Yymmddhh => "YYMMDDHH",
            DateFormat::Yyjjj => "YYJJJ",
            DateFormat::Yyjjjhh => "YYJJJHH",
            DateFormat::Yyyymmdd => "YYYYMMDD",
        }
    }

    /// Date and hour (for the forms that carry one). `MMYY` gives the first
    /// day of the month: the earliest reading of a month-only expiry.
    fn parse(self, v: &[u8], ry: i32) -> Option<(NaiveDate, Option<u8>)> {
        if v.len() != self.len() || !v.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let two = |i: usize| digits(&v[i..i + 2]);
        let ymd = |y: u32, m: u32, d: u32| NaiveDate::from_ymd_opt(expand_year(y, ry), m, d);
        let hour = |i: usize| two(i).filter(|h| *h <= 23).map(|h| h as u8);
        Some(match self {
            DateFormat::Mmyy => (ymd(two(2)?, two(0)?, 1)?, None),
            DateFormat::Mmddyy => (ymd(two(4)?, two(0)?, two(2)?)?, None),
            DateFormat::Yymmdd => (ymd(two(0)?, two(2)?, two(4)?)?, None),
            DateFormat::Yymmddhh => (ymd(two(0)?, two(2)?, two(4)?)?, Some(hour(6)?)),
            DateFormat::Yyjjj => (yyjjj(v, ry)?, None),
            DateFormat::Yyjjjhh => (yyjjj(&v[..5], ry)?, Some(hour(5)?)),
            DateFormat::Yyyymmdd => (yyyymmdd(v)?, None),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Hibc, UdiError> {
        parse(s.as_bytes(), 0, 2000)
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// Appends the Mod 43 check character.
    fn with_check(s: &str) -> String {
        let c = crate::check::hibc_check_character(s).unwrap_or('?');
        format!("{s}{c}")
    }

    #[test]
    fn primary_only() {
        let h = p("+A123BJC5D6E71G").unwrap();
        assert_eq!(h.di, "A123BJC5D6E71");
        assert_eq!(h.lot, None);
        let e = p("+A123BJC5D6E71H").unwrap_err();
        assert_eq!(
            e.to_string(),
            "HIBC check character mismatch at offset 14: expected 'G', found 'H'"
        );
    }

    #[test]
    fn primary_structure_errors() {
        assert!(matches!(
            p("A123").unwrap_err(),
            UdiError::HibcMalformed { offset: 0, .. }
        ));
        assert!(matches!(
            p("+1123X1").unwrap_err(),
            UdiError::HibcMalformed { offset: 1, .. }
        ));
        assert!(matches!(
            p(&with_check("+A1231")).unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
        // Unit of measure must be a digit.
        let e = p(&with_check("+A123BCDX")).unwrap_err();
        assert_eq!(e, malformed(8, "the unit of measure must be a digit"));
        // 19-character product code.
        let long = with_check("+A12312345678901234567890");
        assert!(matches!(
            p(&long).unwrap_err(),
            UdiError::HibcMalformed { offset: 5, .. }
        ));
        assert!(p(&with_check("+A1231234567890123456789")).is_ok());
        assert!(matches!(
            p("+$$52001510X3GD").unwrap_err(),
            UdiError::HibcMalformed { offset: 1, .. }
        ));
    }

    #[test]
    fn every_date_flag() {
        let cases: &[(&str, Option<NaiveDate>, Option<u8>)] = &[
            ("$$0525L1", date(2025, 5, 1), None),
            ("$$2053125L1", date(2025, 5, 31), None),
            ("$$3250531L1", date(2025, 5, 31), None),
            ("$$425053123L1", date(2025, 5, 31), Some(23)),
            ("$$525151L1", date(2025, 5, 31), None),
            ("$$62515100L1", date(2025, 5, 31), Some(0)),
            ("$$7L1", None, None),
            ("25151L1", date(2025, 5, 31), None),
            ("14D20250531", date(2025, 5, 31), None),
        ];
        for (sec, exp, hour) in cases {
            let h = p(&with_check(&format!("+A1231231/{sec}"))).unwrap();
            assert_eq!((h.expiry, h.expiry_hour), (*exp, *hour), "{sec}");
        }
    }

    #[test]
    fn invalid_dates() {
        for sec in [
            "$$1325L1",
            "$$2023025L1",
            "$$3250230L1",
            "$$425053124L1",
            "$$525366L1",
            "$$62515124L1",
            "$$325053",
            "14D20250230",
            "16D2025",
            "25000L1",
            "$$0025",
        ] {
            let e = p(&with_check(&format!("+A1231231/{sec}"))).unwrap_err();
            assert!(matches!(e, UdiError::HibcInvalidDate { .. }), "{sec}: {e}");
        }
        let e = p(&with_check("+A1231231/$$3251340")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid HIBC date '251340' (format YYMMDD) at offset 13"
        );
    }

    #[test]
    fn quantities_and_fields() {
        let h = p(&with_check("+A1231231/$$8053251231LOT/$+SER/16D20240101")).unwrap();
        assert_eq!(h.quantity, Some(5));
        assert_eq!(h.expiry, date(2025, 12, 31));
        assert_eq!(h.lot.as_deref(), Some("LOT"));
        assert_eq!(h.serial.as_deref(), Some("SER"));
        assert_eq!(h.production, date(2024, 1, 1));
        let h = p(&with_check("+A1231231/$$+9000127S1")).unwrap();
        assert_eq!((h.quantity, h.serial.as_deref()), (Some(12), Some("S1")));
        assert!(matches!(
            p(&with_check("+A1231231/$$8A")).unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
        assert!(matches!(
            p(&with_check("+A1231231/$$99")).unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
        assert!(matches!(
            p(&with_check("+A1231231/Q")).unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
        assert!(matches!(
            p(&with_check("+A1231231/Q1234567890")).unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
    }

    #[test]
    fn segment_errors() {
        let bad = [
            "+A1231231//$1",                  // empty segment
            "+A1231231/$$",                   // nothing after $$
            "+A1231231/$$X",                  // unknown flag
            "+A1231231/$$80189",              // second quantity flag
            "+A1231231/S",                    // empty serial
            "+A1231231/$+",                   // empty serial
            "+A1231231/XYZ",                  // unknown segment
            "+A1231231/$1234567890123456789", // lot too long
            "+A1231231/$AB%C",                // bad lot char
        ];
        for s in bad {
            let e = p(&with_check(s)).unwrap_err();
            assert!(matches!(e, UdiError::HibcMalformed { .. }), "{s}: {e}");
        }
    }

    #[test]
    fn conflicting_fields() {
        let e = p(&with_check("+A1231231/$LOT1/$LOT2")).unwrap_err();
        assert_eq!(
            e,
            UdiError::HibcConflict {
                field: "lot number",
                offset: 17
            }
        );
        assert!(p(&with_check("+A1231231/$LOT1/$LOT1")).is_ok());
        let e = p(&with_check("+A1231231/$$3250101/14D20250102")).unwrap_err();
        assert!(matches!(
            e,
            UdiError::HibcConflict {
                field: "expiry date",
                ..
            }
        ));
    }

    #[test]
    fn linear_link_and_check() {
        let h = p("+A123BJC5D6E71G+$$52001510X3GD").unwrap();
        assert_eq!(h.expiry, date(2020, 1, 15));
        let e = p("+A123BJC5D6E71G+$$52001510X3GE").unwrap_err();
        assert_eq!(
            e,
            UdiError::HibcCheckCharacter {
                offset: 29,
                expected: 'D',
                found: 'E'
            }
        );
        let e = p("+A123BJC5D6E71G+$$52001510X3HD").unwrap_err();
        assert_eq!(
            e,
            UdiError::HibcLinkCharacter {
                offset: 28,
                expected: 'G',
                found: 'H'
            }
        );
        assert!(matches!(
            p("+A123BJC5D6E71G+").unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
        assert!(matches!(
            p("+A123BJC5D6E71G+G").unwrap_err(),
            UdiError::HibcMalformed { .. }
        ));
        // Check character '/' followed by nothing, or by a linear secondary.
        let prim = "+A1231231";
        let c = crate::check::hibc_check_character(prim).unwrap_or('?');
        assert_eq!(
            p(&format!("{prim}{c}")).map(|h| h.di),
            Ok("A1231231".into())
        );
    }

    #[test]
    fn symbol_check_characters_in_linear_form() {
        // Search for a primary whose check character is a symbol, then use
        // it as the link character of a secondary.
        for pcn in 0..2000u32 {
            let prim = format!("+A123{pcn}1");
            let Some(c) = crate::check::hibc_check_character(&prim) else {
                continue;
            };
            if c.is_ascii_alphanumeric() {
                continue;
            }
            let sec = with_check(&format!("+$$3250101LOT{c}"));
            let h = p(&format!("{prim}{c}{sec}")).unwrap_or_else(|e| panic!("{prim}{c}{sec}: {e}"));
            assert_eq!(h.lot.as_deref(), Some("LOT"));
            assert_eq!(h.di, prim[1..]);
            let only = p(&format!("{prim}{c}")).unwrap_or_else(|e| panic!("{prim}{c}: {e}"));
            assert_eq!(only.lot, None);
        }
    }
}
