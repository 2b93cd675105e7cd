//! Property tests: UDIs built from random valid parts, in every carrier
//! form, parse back to those parts.

// Builders below are test code outside #[test] functions: a panic there is
// a test failure, which is what unwrap gives.
#![allow(clippy::unwrap_used)]

use baton_udi::{Issuer, Udi, di_matches, gs1_check_digit, hibc_check_character, parse};
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;

const CSET82: &str =
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const ALNUM: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn text(
    alphabet: &'static str,
    len: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().collect();
    prop::collection::vec(prop::sample::select(chars), len).prop_map(|v| v.into_iter().collect())
}

/// Dates the default reference year (2000) can express with two digits.
fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..36_524).prop_map(|d| {
        NaiveDate::from_ymd_opt(1951, 1, 1)
            .and_then(|b| b.checked_add_days(Days::new(d)))
            .unwrap()
    })
}

fn gtin() -> impl Strategy<Value = String> {
    text("0123456789", 13..=13).prop_map(|body| {
        let c = gs1_check_digit(&body).unwrap();
        format!("{body}{c}")
    })
}

fn yymmdd(d: NaiveDate) -> String {
    d.format("%y%m%d").to_string()
}

#[derive(Debug, Clone)]
struct Gs1Parts {
    gtin: String,
    lot: Option<String>,
    serial: Option<String>,
    production: Option<NaiveDate>,
    expiry: Option<NaiveDate>,
    /// Write the expiry as YYMM00 (it must then be the last day of a month).
    expiry_day_zero: bool,
}

fn gs1_parts() -> impl Strategy<Value = Gs1Parts> {
    (
        gtin(),
        prop::option::of(text(CSET82, 1..=20)),
        prop::option::of(text(CSET82, 1..=20)),
        prop::option::of(date()),
        prop::option::of(date()),
        any::<bool>(),
    )
        .prop_map(|(gtin, lot, serial, production, expiry, zero)| {
            // Move a zero-day expiry to its month's last day, as parsing will.
            let expiry = expiry.map(|d| {
                if zero {
                    let next = if d.month() == 12 {
                        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
                    } else {
                        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
                    };
                    next.and_then(|n| n.pred_opt()).unwrap()
                } else {
                    d
                }
            });
            Gs1Parts {
                gtin,
                lot,
                serial,
                production,
                expiry,
                expiry_day_zero: zero,
            }
        })
}

impl Gs1Parts {
    fn expiry_text(&self) -> Option<String> {
        self.expiry.map(|d| {
            if self.expiry_day_zero {
                format!("{}00", d.format("%y%m"))
            } else {
                yymmdd(d)
            }
        })
    }

    /// Element string with FNC1 as GS after each variable-length value.
    fn element_string(&self) -> String {
        let mut s = format!("]d2\u{1d}01{}", self.gtin);
        if let Some(d) = self.production {
            s += &format!("11{}", yymmdd(d));
        }
        if let Some(e) = self.expiry_text() {
            s += &format!("17{e}");
        }
        if let Some(l) = &self.lot {
            s += &format!("10{l}\u{1d}");
        }
        if let Some(x) = &self.serial {
            s += &format!("21{x}");
        }
        s
    }

    fn bracketed(&self) -> String {
        let esc = |v: &str| v.replace('(', "\\(");
        let mut s = format!("(01){}", self.gtin);
        if let Some(l) = &self.lot {
            s += &format!("(10){}", esc(l));
        }
        if let Some(e) = self.expiry_text() {
            s += &format!("(17){e}");
        }
        if let Some(x) = &self.serial {
            s += &format!("(21){}", esc(x));
        }
        if let Some(d) = self.production {
            s += &format!("(11){}", yymmdd(d));
        }
        s
    }

    fn digital_link(&self) -> String {
        let enc = |v: &str| {
            v.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        // GTIN-14 with a leading zero may be written as GTIN-13.
        let g = self.gtin.strip_prefix('0').unwrap_or(&self.gtin);
        let mut s = format!("https://example.org/dl/01/{g}");
        if let Some(l) = &self.lot {
            s += &format!("/10/{}", enc(l));
        }
        if let Some(x) = &self.serial {
            s += &format!("/21/{}", enc(x));
        }
        let mut q = vec!["utm=x".to_string()];
        if let Some(e) = self.expiry_text() {
            q.push(format!("17={e}"));
        }
        if let Some(d) = self.production {
            q.push(format!("11={}", yymmdd(d)));
        }
        format!("{s}?{}", q.join("&"))
    }

    fn check(&self, udi: &Udi) {
        assert_eq!(udi.issuer, Issuer::Gs1);
        assert_eq!(udi.device_identifier, self.gtin);
        assert_eq!(udi.lot, self.lot);
        assert_eq!(udi.serial, self.serial);
        assert_eq!(udi.production_date, self.production);
        assert_eq!(udi.expiry_date, self.expiry);
        assert!(di_matches(&self.gtin, udi));
    }
}

#[derive(Debug, Clone)]
struct HibcParts {
    lic: String,
    pcn: String,
    uom: u8,
    lot: Option<String>,
    serial: Option<String>,
    expiry: Option<NaiveDate>,
    production: Option<NaiveDate>,
    quantity: Option<u32>,
}

fn hibc_parts() -> impl Strategy<Value = HibcParts> {
    (
        (
            text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1..=1),
            text(ALNUM, 3..=3),
            text(ALNUM, 1..=18),
            0u8..=9,
        ),
        prop::option::of(text(ALNUM, 1..=18)),
        prop::option::of(text(ALNUM, 1..=18)),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(0u32..=99_999),
    )
        .prop_map(
            |((a, b, pcn, uom), lot, serial, expiry, production, quantity)| HibcParts {
                lic: format!("{a}{b}"),
                pcn,
                uom,
                lot,
                serial,
                expiry,
                production,
                quantity,
            },
        )
}

impl HibcParts {
    fn primary(&self) -> String {
        format!("+{}{}{}", self.lic, self.pcn, self.uom)
    }

    /// Secondary segments: `$$[9QQQQQ]3YYMMDDlot`, `/S`, `/16D`.
    fn segments(&self) -> Vec<String> {
        let mut segs = Vec::new();
        let qty = self
            .quantity
            .map(|q| format!("9{q:05}"))
            .unwrap_or_default();
        let date = match self.expiry {
            Some(d) => format!("3{}", yymmdd(d)),
            None => "7".into(),
        };
        segs.push(format!(
            "$${qty}{date}{}",
            self.lot.clone().unwrap_or_default()
        ));
        if let Some(s) = &self.serial {
            segs.push(format!("S{s}"));
        }
        if let Some(d) = self.production {
            segs.push(format!("16D{}", d.format("%Y%m%d")));
        }
        segs
    }

    fn concatenated(&self) -> String {
        let data = format!("{}/{}", self.primary(), self.segments().join("/"));
        format!("{data}{}", hibc_check_character(&data).unwrap())
    }

    fn linear(&self) -> String {
        let p = self.primary();
        let link = hibc_check_character(&p).unwrap();
        let mut s = format!("{p}{link}");
        for seg in self.segments() {
            let sec = format!("+{seg}{link}");
            s += &format!("{sec}{}", hibc_check_character(&sec).unwrap());
        }
        s
    }

    fn check(&self, udi: &Udi) {
        assert_eq!(udi.issuer, Issuer::Hibc);
        assert_eq!(
            udi.device_identifier,
            format!("{}{}{}", self.lic, self.pcn, self.uom)
        );
        assert_eq!(udi.lot, self.lot);
        assert_eq!(udi.serial, self.serial);
        assert_eq!(udi.expiry_date, self.expiry);
        assert_eq!(udi.production_date, self.production);
        assert_eq!(udi.quantity, self.quantity);
        assert!(di_matches(&self.primary(), udi));
    }
}

proptest! {
    #[test]
    fn gs1_round_trips(p in gs1_parts()) {
        for form in [p.element_string(), p.bracketed(), p.digital_link()] {
            let udi = parse(&form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
            p.check(&udi);
        }
    }

    #[test]
    fn hibc_round_trips(p in hibc_parts()) {
        for form in [p.concatenated(), p.linear(), format!("]Q0{}", p.concatenated())] {
            let udi = parse(&form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
            p.check(&udi);
        }
    }

    #[test]
    fn hibc_single_character_damage_is_caught(p in hibc_parts(), pos in any::<prop::sample::Index>(), c in prop::sample::select(ALNUM.chars().collect::<Vec<_>>())) {
        let good = p.concatenated();
        let i = pos.index(good.len());
        let mut bad: Vec<char> = good.chars().collect();
        prop_assume!(bad[i] != c);
        bad[i] = c;
        let bad: String = bad.into_iter().collect();
        // Mod 43 detects every single substitution.
        prop_assert!(parse(&bad).is_err(), "{bad:?} parsed");
    }
}
