//! GS1 Application Identifier table.
//!
//! One entry per AI (or run of AIs sharing a format) giving the data format
//! as a list of components, whether the length is predefined (no FNC1 needed
//! after it), whether the AI may appear as a GS1 Digital Link data attribute
//! (query parameter), and the Digital Link qualifiers it accepts when it is a
//! primary key. The content follows the GS1 General Specifications; the test
//! suite checks it entry by entry against GS1's machine-readable Barcode
//! Syntax Dictionary.
//!
//! Association rules between AIs ("requires"/"excludes") are not enforced: a
//! scanner may see only one of the several symbols on a package.

/// Characters a component may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// Digits 0-9.
    Numeric,
    /// GS1 AI encodable character set 82.
    Cset82,
    /// GS1 AI encodable character set 39 (`#`, `-`, `/`, 0-9, A-Z).
    Cset39,
    /// GS1 AI encodable character set 64 (base64url with `=` padding).
    Cset64,
}

impl Charset {
    pub(crate) fn allows(self, c: u8) -> bool {
        match self {
            Charset::Numeric => c.is_ascii_digit(),
            Charset::Cset82 => crate::check::CSET82.contains(&c),
            Charset::Cset39 => c.is_ascii_digit() || c.is_ascii_uppercase() || b"#-/".contains(&c),
            Charset::Cset64 => c.is_ascii_alphanumeric() || b"-_=".contains(&c),
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Charset::Numeric => "a digit",
            Charset::Cset82 => "a GS1 character set 82 character",
            Charset::Cset39 => "a GS1 character set 39 character (0-9, A-Z, '#', '-', '/')",
            Charset::Cset64 => "a GS1 character set 64 character (A-Z, a-z, 0-9, '-', '_', '=')",
        }
    }
}

/// Content rule applied to one component, named as in GS1's syntax tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lint {
    /// GS1 mod-10 check digit in the last position.
    Csum,
    /// GS1 check character pair in the last two positions.
    CsumAlpha,
    /// `YYMMDD`.
    Yymmdd,
    /// `YYMMDD`, `DD = 00` allowed (last day of the month).
    Yymmd0,
    /// `YYYYMMDD`.
    Yyyymmdd,
    /// Hour 00-23.
    Hh,
    /// Minute 00-59.
    Mi,
    /// Second 00-59.
    Ss,
    /// `HHMM`.
    Hhmi,
    /// Single digit 0.
    Zero,
    /// Not all zeros.
    NonZero,
    /// 0 or 1.
    YesNo,
    /// A `-`.
    Hyphen,
    /// `PPTT`: piece PP of total TT.
    PieceOfTotal,
    /// Winding direction 0, 1 or 9.
    Winding,
    /// No leading zero.
    NoZeroPrefix,
    /// At least one non-digit.
    HasNonDigit,
    /// Well-formed percent-encoding.
    PcEnc,
    /// Latitude in ten-millionths of a degree, offset by 90 degrees.
    Latitude,
    /// Longitude in ten-millionths of a degree, offset by 180 degrees.
    Longitude,
    /// ISO/IEC 5218 sex code.
    Iso5218,
    // The rules below need external code lists or company prefix tables;
    // they are recorded but not checked.
    /// GS1 Company Prefix starts at position 1 (not checked).
    GcpPos1,
    /// GS1 Company Prefix starts at position 2 (not checked).
    GcpPos2,
    /// ISO 3166 numeric country (not checked).
    Iso3166,
    /// ISO 3166 numeric country or 999 (not checked).
    Iso3166999,
    /// ISO 3166 alpha-2 country (not checked).
    Iso3166Alpha2,
    /// ISO 4217 currency (not checked).
    Iso4217,
    /// IBAN (not checked).
    Iban,
    /// AIDC media type code list (not checked).
    MediaType,
    /// Package type code list (not checked).
    PackageType,
    /// Importer index (not checked).
    ImporterIdx,
    /// Coupon code structure (not checked).
    CouponCode,
    /// Positive offer coupon structure (not checked).
    CouponPosOffer,
    /// Birth sequence `n/m` (not checked).
    PosInSeqSlash,
}

/// One component of an AI's data field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    pub charset: Charset,
    /// Minimum length; equal to `max` for a fixed-length component.
    pub min: u8,
    pub max: u8,
    /// May be left out at the end of the data.
    pub optional: bool,
    pub lints: &'static [Lint],
}

/// Definition of one AI or a run of AIs (`first..=last`, same length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiDef {
    pub first: &'static str,
    pub last: &'static str,
    /// Length fixed by the GS1 predefined-length table: no FNC1 after it.
    pub predefined_length: bool,
    /// Allowed as a Digital Link query parameter.
    pub dl_data_attribute: bool,
    pub components: &'static [Component],
    /// `Some` when the AI is a Digital Link primary key: each inner list is
    /// one alternative ordered sequence of optional qualifier AIs.
    pub dl_primary_key: Option<&'static [&'static [&'static str]]>,
    pub title: &'static str,
}

impl AiDef {
    /// Total length when every component is mandatory and fixed.
    pub fn fixed_length(&self) -> Option<usize> {
        self.components.iter().try_fold(0usize, |acc, c| {
            (!c.optional && c.min == c.max).then_some(acc + usize::from(c.max))
        })
    }

    /// Longest value the format allows.
    pub fn max_length(&self) -> usize {
        self.components.iter().map(|c| usize::from(c.max)).sum()
    }

    /// Shortest value the format allows.
    pub fn min_length(&self) -> usize {
        self.components
            .iter()
            .filter(|c| !c.optional)
            .map(|c| usize::from(c.min))
            .sum()
    }

    fn covers(&self, ai: &str) -> bool {
        ai.len() == self.first.len() && self.first <= ai && ai <= self.last
    }
}

/// The definition covering exactly `ai`, if it is a known AI.
pub fn lookup(ai: &str) -> Option<&'static AiDef> {
    if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    TABLE.iter().find(|d| d.covers(ai))
}

/// The known AI that `data` starts with (AIs are prefix-free).
pub(crate) fn lookup_prefix(data: &[u8]) -> Option<(&'static AiDef, usize)> {
    (2..=4).find_map(|len| {
        let ai = std::str::from_utf8(data.get(..len)?).ok()?;
        lookup(ai).map(|d| (d, len))
    })
}

/// Every AI definition, in AI order.
pub fn table() -> &'static [AiDef] {
    TABLE
}

const fn comp(charset: Charset, min: u8, max: u8, lints: &'static [Lint]) -> Component {
    Component {
        charset,
        min,
        max,
        optional: false,
        lints,
    }
}
/// Numeric, fixed length.
const fn n(len: u8, lints: &'static [Lint]) -> Component {
    comp(Charset::Numeric, len, len, lints)
}
/// Numeric, 1..=max.
const fn nv(max: u8, lints: &'static [Lint]) -> Component {
    comp(Charset::Numeric, 1, max, lints)
}
/// CSET 82, fixed length.
const fn x(len: u8, lints: &'static [Lint]) -> Component {
    comp(Charset::Cset82, len, len, lints)
}
/// CSET 82, 1..=max.
const fn xv(max: u8, lints: &'static [Lint]) -> Component {
    comp(Charset::Cset82, 1, max, lints)
}
const fn opt(c: Component) -> Component {
    Component {
        optional: true,
        ..c
    }
}

const fn has_flag(flags: &str, f: u8) -> bool {
    let b = flags.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == f {
            return true;
        }
        i += 1;
    }
    false
}

/// `ai!(first, last, flags, [components], dl_key, title)`; flags use the
/// dictionary's notation: `*` predefined length, `?` Digital Link attribute.
macro_rules! ai {
    ($first:literal, $last:literal, $flags:literal, [$($c:expr),+ $(,)?], $dl:expr, $title:literal) => {
        AiDef {
            first: $first,
            last: $last,
            predefined_length: has_flag($flags, b'*'),
            dl_data_attribute: has_flag($flags, b'?'),
            components: &[$($c),+],
            dl_primary_key: $dl,
            title: $title,
        }
    };
    ($ai:literal, $flags:literal, [$($c:expr),+ $(,)?], $dl:expr, $title:literal) => {
        ai!($ai, $ai, $flags, [$($c),+], $dl, $title)
    };
}

/// The `31nn`-`36nn` trade measures: N6 with the last AI digit giving the
/// decimal point position 0-5.
macro_rules! measure {
    ($p:literal, $title:literal) => {
        AiDef {
            first: concat!($p, "0"),
            last: concat!($p, "5"),
            predefined_length: true,
            dl_data_attribute: true,
            components: &[n(6, &[])],
            dl_primary_key: None,
            title: $title,
        }
    };
}

use Lint::*;

const NO_QUALIFIERS: Option<&[&[&str]]> = Some(&[]);
const C3166: Component = n(3, &[Iso3166]);

static TABLE: &[AiDef] = &[
    ai!("00", "*?", [n(18, &[Csum, GcpPos2])], NO_QUALIFIERS, "SSCC"),
    ai!(
        "01",
        "*?",
        [n(14, &[Csum, GcpPos2])],
        Some(&[&["22", "10", "21"], &["235"]]),
        "GTIN"
    ),
    ai!("02", "*?", [n(14, &[Csum, GcpPos2])], None, "CONTENT"),
    ai!("03", "*", [n(14, &[Csum, GcpPos2])], None, "MTO GTIN"),
    ai!("10", "?", [xv(20, &[])], None, "BATCH/LOT"),
    ai!("11", "*?", [n(6, &[Yymmd0])], None, "PROD DATE"),
    ai!("12", "*?", [n(6, &[Yymmd0])], None, "DUE DATE"),
    ai!("13", "*?", [n(6, &[Yymmd0])], None, "PACK DATE"),
    ai!(
        "15",
        "*?",
        [n(6, &[Yymmd0])],
        None,
        "BEST BEFORE or BEST BY"
    ),
    ai!("16", "*?", [n(6, &[Yymmd0])], None, "SELL BY"),
    ai!("17", "*?", [n(6, &[Yymmd0])], None, "USE BY or EXPIRY"),
    ai!("20", "*?", [n(2, &[])], None, "VARIANT"),
    ai!("21", "", [xv(20, &[])], None, "SERIAL"),
    ai!("22", "", [xv(20, &[])], None, "CPV"),
    ai!("235", "", [xv(28, &[])], None, "TPX"),
    ai!("240", "?", [xv(30, &[])], None, "ADDITIONAL ID"),
    ai!("241", "?", [xv(30, &[])], None, "CUST. PART No."),
    ai!("242", "?", [nv(6, &[])], None, "MTO VARIANT"),
    ai!("243", "?", [xv(20, &[])], None, "PCN"),
    ai!("250", "?", [xv(30, &[])], None, "SECONDARY SERIAL"),
    ai!("251", "?", [xv(30, &[])], None, "REF. TO SOURCE"),
    ai!(
        "253",
        "?",
        [n(13, &[Csum, GcpPos1]), opt(xv(17, &[]))],
        NO_QUALIFIERS,
        "GDTI"
    ),
    ai!("254", "", [xv(20, &[])], None, "GLN EXTENSION COMPONENT"),
    ai!(
        "255",
        "?",
        [n(13, &[Csum, GcpPos1]), opt(nv(12, &[]))],
        NO_QUALIFIERS,
        "GCN"
    ),
    ai!("30", "?", [nv(8, &[])], None, "VAR. COUNT"),
    measure!("310", "NET WEIGHT (kg)"),
    measure!("311", "LENGTH (m)"),
    measure!("312", "WIDTH (m)"),
    measure!("313", "HEIGHT (m)"),
    measure!("314", "AREA (m²)"),
    measure!("315", "NET VOLUME (l)"),
    measure!("316", "NET VOLUME (m³)"),
    measure!("320", "NET WEIGHT (lb)"),
    measure!("321", "LENGTH (in)"),
    measure!("322", "LENGTH (ft)"),
    measure!("323", "LENGTH (yd)"),
    measure!("324", "WIDTH (in)"),
    measure!("325", "WIDTH (ft)"),
    measure!("326", "WIDTH (yd)"),
    measure!("327", "HEIGHT (in)"),
    measure!("328", "HEIGHT (ft)"),
    measure!("329", "HEIGHT (yd)"),
    measure!("330", "GROSS WEIGHT (kg)"),
    measure!("331", "LENGTH (m), log"),
    measure!("332", "WIDTH (m), log"),
    measure!("333", "HEIGHT (m), log"),
    measure!("334", "AREA (m²), log"),
    measure!("335", "VOLUME (l), log"),
    measure!("336", "VOLUME (m³), log"),
    measure!("337", "KG PER m²"),
    measure!("340", "GROSS WEIGHT (lb)"),
    measure!("341", "LENGTH (in), log"),
    measure!("342", "LENGTH (ft), log"),
    measure!("343", "LENGTH (yd), log"),
    measure!("344", "WIDTH (in), log"),
    measure!("345", "WIDTH (ft), log"),
    measure!("346", "WIDTH (yd), log"),
    measure!("347", "HEIGHT (in), log"),
    measure!("348", "HEIGHT (ft), log"),
    measure!("349", "HEIGHT (yd), log"),
    measure!("350", "AREA (in²)"),
    measure!("351", "AREA (ft²)"),
    measure!("352", "AREA (yd²)"),
    measure!("353", "AREA (in²), log"),
    measure!("354", "AREA (ft²), log"),
    measure!("355", "AREA (yd²), log"),
    measure!("356", "NET WEIGHT (tr oz)"),
    measure!("357", "NET VOLUME (oz)"),
    measure!("360", "NET VOLUME (qt (US))"),
    measure!("361", "NET VOLUME (gal.)"),
    measure!("362", "VOLUME (qt (US)), log"),
    measure!("363", "VOLUME (gal (US)), log"),
    measure!("364", "NET VOLUME (in³)"),
    measure!("365", "NET VOLUME (ft³)"),
    measure!("366", "NET VOLUME (yd³)"),
    measure!("367", "VOLUME (in³), log"),
    measure!("368", "VOLUME (ft³), log"),
    measure!("369", "VOLUME (yd³), log"),
    ai!("37", "?", [nv(8, &[])], None, "COUNT"),
    ai!("3900", "3909", "?", [nv(15, &[])], None, "AMOUNT"),
    ai!(
        "3910",
        "3919",
        "?",
        [n(3, &[Iso4217]), nv(15, &[])],
        None,
        "AMOUNT"
    ),
    ai!("3920", "3929", "?", [nv(15, &[])], None, "PRICE"),
    ai!(
        "3930",
        "3939",
        "?",
        [n(3, &[Iso4217]), nv(15, &[])],
        None,
        "PRICE"
    ),
    ai!("3940", "3943", "?", [n(4, &[])], None, "PRCNT OFF"),
    ai!("3950", "3955", "?", [n(6, &[])], None, "PRICE/UoM"),
    ai!("400", "?", [xv(30, &[])], None, "ORDER NUMBER"),
    ai!("401", "?", [xv(30, &[GcpPos1])], NO_QUALIFIERS, "GINC"),
    ai!("402", "?", [n(17, &[Csum, GcpPos1])], NO_QUALIFIERS, "GSIN"),
    ai!("403", "?", [xv(30, &[])], None, "ROUTE"),
    ai!("410", "*?", [n(13, &[Csum, GcpPos1])], None, "SHIP TO LOC"),
    ai!("411", "*?", [n(13, &[Csum, GcpPos1])], None, "BILL TO"),
    ai!(
        "412",
        "*?",
        [n(13, &[Csum, GcpPos1])],
        None,
        "PURCHASE FROM"
    ),
    ai!("413", "*?", [n(13, &[Csum, GcpPos1])], None, "SHIP FOR LOC"),
    ai!(
        "414",
        "*?",
        [n(13, &[Csum, GcpPos1])],
        Some(&[&["254"], &["7040"]]),
        "LOC No."
    ),
    ai!(
        "415",
        "*?",
        [n(13, &[Csum, GcpPos1])],
        Some(&[&["8020"]]),
        "PAY TO"
    ),
    ai!(
        "416",
        "*?",
        [n(13, &[Csum, GcpPos1])],
        None,
        "PROD/SERV LOC"
    ),
    ai!(
        "417",
        "*?",
        [n(13, &[Csum, GcpPos1])],
        Some(&[&["7040"]]),
        "PARTY"
    ),
    ai!("420", "?", [xv(20, &[])], None, "SHIP TO POST"),
    ai!("421", "?", [C3166, xv(9, &[])], None, "SHIP TO POST"),
    ai!("422", "?", [C3166], None, "ORIGIN"),
    ai!(
        "423",
        "?",
        [C3166, opt(C3166), opt(C3166), opt(C3166), opt(C3166)],
        None,
        "COUNTRY - INITIAL PROCESS"
    ),
    ai!("424", "?", [C3166], None, "COUNTRY - PROCESS"),
    ai!(
        "425",
        "?",
        [C3166, opt(C3166), opt(C3166), opt(C3166), opt(C3166)],
        None,
        "COUNTRY - DISASSEMBLY"
    ),
    ai!("426", "?", [C3166], None, "COUNTRY - FULL PROCESS"),
    ai!("427", "?", [xv(3, &[])], None, "ORIGIN SUBDIVISION"),
    ai!("4300", "?", [xv(35, &[PcEnc])], None, "SHIP TO COMP"),
    ai!("4301", "?", [xv(35, &[PcEnc])], None, "SHIP TO NAME"),
    ai!("4302", "?", [xv(70, &[PcEnc])], None, "SHIP TO ADD1"),
    ai!("4303", "?", [xv(70, &[PcEnc])], None, "SHIP TO ADD2"),
    ai!("4304", "?", [xv(70, &[PcEnc])], None, "SHIP TO SUB"),
    ai!("4305", "?", [xv(70, &[PcEnc])], None, "SHIP TO LOC"),
    ai!("4306", "?", [xv(70, &[PcEnc])], None, "SHIP TO REG"),
    ai!(
        "4307",
        "?",
        [x(2, &[Iso3166Alpha2])],
        None,
        "SHIP TO COUNTRY"
    ),
    ai!("4308", "?", [xv(30, &[])], None, "SHIP TO PHONE"),
    ai!(
        "4309",
        "?",
        [n(10, &[Latitude]), n(10, &[Longitude])],
        None,
        "SHIP TO GEO"
    ),
    ai!("4310", "?", [xv(35, &[PcEnc])], None, "RTN TO COMP"),
    ai!("4311", "?", [xv(35, &[PcEnc])], None, "RTN TO NAME"),
    ai!("4312", "?", [xv(70, &[PcEnc])], None, "RTN TO ADD1"),
    ai!("4313", "?", [xv(70, &[PcEnc])], None, "RTN TO ADD2"),
    ai!("4314", "?", [xv(70, &[PcEnc])], None, "RTN TO SUB"),
    ai!("4315", "?", [xv(70, &[PcEnc])], None, "RTN TO LOC"),
    ai!("4316", "?", [xv(70, &[PcEnc])], None, "RTN TO REG"),
    ai!(
        "4317",
        "?",
        [x(2, &[Iso3166Alpha2])],
        None,
        "RTN TO COUNTRY"
    ),
    ai!("4318", "?", [xv(20, &[])], None, "RTN TO POST"),
    ai!("4319", "?", [xv(30, &[])], None, "RTN TO PHONE"),
    ai!("4320", "?", [xv(35, &[PcEnc])], None, "SRV DESCRIPTION"),
    ai!("4321", "?", [n(1, &[YesNo])], None, "DANGEROUS GOODS"),
    ai!("4322", "?", [n(1, &[YesNo])], None, "AUTH TO LEAVE"),
    ai!("4323", "?", [n(1, &[YesNo])], None, "SIG REQUIRED"),
    ai!(
        "4324",
        "?",
        [n(6, &[Yymmd0]), n(4, &[Hhmi])],
        None,
        "NOT BEF DEL DT"
    ),
    ai!(
        "4325",
        "?",
        [n(6, &[Yymmd0]), n(4, &[Hhmi])],
        None,
        "NOT AFT DEL DT"
    ),
    ai!("4326", "?", [n(6, &[Yymmdd])], None, "REL DATE"),
    ai!(
        "4330",
        "?",
        [n(6, &[]), opt(x(1, &[Hyphen]))],
        None,
        "MAX TEMP F."
    ),
    ai!(
        "4331",
        "?",
        [n(6, &[]), opt(x(1, &[Hyphen]))],
        None,
        "MAX TEMP C."
    ),
    ai!(
        "4332",
        "?",
        [n(6, &[]), opt(x(1, &[Hyphen]))],
        None,
        "MIN TEMP F."
    ),
    ai!(
        "4333",
        "?",
        [n(6, &[]), opt(x(1, &[Hyphen]))],
        None,
        "MIN TEMP C."
    ),
    ai!("7001", "?", [n(13, &[])], None, "NSN"),
    ai!("7002", "?", [xv(30, &[])], None, "MEAT CUT"),
    ai!(
        "7003",
        "?",
        [n(6, &[Yymmdd]), n(4, &[Hhmi])],
        None,
        "EXPIRY TIME"
    ),
    ai!("7004", "?", [nv(4, &[])], None, "ACTIVE POTENCY"),
    ai!("7005", "?", [xv(12, &[])], None, "CATCH AREA"),
    ai!("7006", "?", [n(6, &[Yymmdd])], None, "FIRST FREEZE DATE"),
    ai!(
        "7007",
        "?",
        [n(6, &[Yymmdd]), opt(n(6, &[Yymmdd]))],
        None,
        "HARVEST DATE"
    ),
    ai!("7008", "?", [xv(3, &[])], None, "AQUATIC SPECIES"),
    ai!("7009", "?", [xv(10, &[])], None, "FISHING GEAR TYPE"),
    ai!("7010", "?", [xv(2, &[])], None, "PROD METHOD"),
    ai!(
        "7011",
        "?",
        [n(6, &[Yymmdd]), opt(n(4, &[Hhmi]))],
        None,
        "TEST BY DATE"
    ),
    ai!("7020", "?", [xv(20, &[])], None, "REFURB LOT"),
    ai!("7021", "?", [xv(20, &[])], None, "FUNC STAT"),
    ai!("7022", "?", [xv(20, &[])], None, "REV STAT"),
    ai!("7023", "?", [xv(30, &[GcpPos1])], None, "GIAI - ASSEMBLY"),
    ai!(
        "7030",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 0"
    ),
    ai!(
        "7031",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 1"
    ),
    ai!(
        "7032",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 2"
    ),
    ai!(
        "7033",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 3"
    ),
    ai!(
        "7034",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 4"
    ),
    ai!(
        "7035",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 5"
    ),
    ai!(
        "7036",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 6"
    ),
    ai!(
        "7037",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 7"
    ),
    ai!(
        "7038",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 8"
    ),
    ai!(
        "7039",
        "?",
        [n(3, &[Iso3166999]), xv(27, &[])],
        None,
        "PROCESSOR # 9"
    ),
    ai!(
        "7040",
        "",
        [n(1, &[]), x(1, &[]), x(1, &[]), x(1, &[ImporterIdx])],
        None,
        "UIC+EXT"
    ),
    ai!("7041", "", [xv(4, &[PackageType])], None, "UFRGT UNIT TYPE"),
    ai!("710", "?", [xv(20, &[])], None, "NHRN PZN"),
    ai!("711", "?", [xv(20, &[])], None, "NHRN CIP"),
    ai!("712", "?", [xv(20, &[])], None, "NHRN CN"),
    ai!("713", "?", [xv(20, &[])], None, "NHRN DRN"),
    ai!("714", "?", [xv(20, &[])], None, "NHRN AIM"),
    ai!("715", "?", [xv(20, &[])], None, "NHRN NDC"),
    ai!("716", "?", [xv(20, &[])], None, "NHRN AIC"),
    ai!("717", "?", [xv(20, &[])], None, "NHRN SRN"),
    ai!("7230", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 1"),
    ai!("7231", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 2"),
    ai!("7232", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 3"),
    ai!("7233", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 4"),
    ai!("7234", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 5"),
    ai!("7235", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 6"),
    ai!("7236", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 7"),
    ai!("7237", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 8"),
    ai!("7238", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 9"),
    ai!("7239", "?", [x(2, &[]), xv(28, &[])], None, "CERT # 10"),
    ai!("7240", "?", [xv(20, &[])], None, "PROTOCOL"),
    ai!("7241", "?", [n(2, &[MediaType])], None, "AIDC MEDIA TYPE"),
    ai!("7242", "?", [xv(25, &[])], None, "VCN"),
    ai!("7250", "?", [n(8, &[Yyyymmdd])], None, "DOB"),
    ai!(
        "7251",
        "?",
        [n(8, &[Yyyymmdd]), n(4, &[Hhmi])],
        None,
        "DOB TIME"
    ),
    ai!("7252", "?", [n(1, &[Iso5218])], None, "BIO SEX"),
    ai!("7253", "?", [xv(40, &[PcEnc])], None, "FAMILY NAME"),
    ai!("7254", "?", [xv(40, &[PcEnc])], None, "GIVEN NAME"),
    ai!("7255", "?", [xv(10, &[])], None, "SUFFIX"),
    ai!("7256", "?", [xv(90, &[PcEnc])], None, "FULL NAME"),
    ai!("7257", "?", [xv(70, &[PcEnc])], None, "PERSON ADDR"),
    ai!(
        "7258",
        "?",
        [x(3, &[PosInSeqSlash])],
        None,
        "BIRTH SEQUENCE"
    ),
    ai!("7259", "?", [xv(40, &[PcEnc])], None, "BABY"),
    ai!(
        "8001",
        "?",
        [
            n(4, &[NonZero]),
            n(5, &[NonZero]),
            n(3, &[NonZero]),
            n(1, &[Winding]),
            n(1, &[])
        ],
        None,
        "DIMENSIONS"
    ),
    ai!("8002", "?", [xv(20, &[])], None, "CMT No."),
    ai!(
        "8003",
        "?",
        [n(1, &[Zero]), n(13, &[Csum, GcpPos1]), opt(xv(16, &[]))],
        NO_QUALIFIERS,
        "GRAI"
    ),
    ai!(
        "8004",
        "?",
        [xv(30, &[GcpPos1])],
        Some(&[&["7040"]]),
        "GIAI"
    ),
    ai!("8005", "?", [n(6, &[])], None, "PRICE PER UNIT"),
    ai!(
        "8006",
        "?",
        [n(14, &[Csum, GcpPos2]), n(4, &[PieceOfTotal])],
        Some(&[&["22", "10", "21"]]),
        "ITIP"
    ),
    ai!("8007", "?", [xv(34, &[Iban])], None, "IBAN"),
    ai!(
        "8008",
        "?",
        [
            n(6, &[Yymmdd]),
            n(2, &[Hh]),
            opt(n(2, &[Mi])),
            opt(n(2, &[Ss]))
        ],
        None,
        "PROD TIME"
    ),
    ai!("8009", "?", [xv(50, &[])], None, "OPTSEN"),
    ai!(
        "8010",
        "?",
        [comp(Charset::Cset39, 1, 30, &[GcpPos1])],
        Some(&[&["8011"]]),
        "CPID"
    ),
    ai!("8011", "", [nv(12, &[NoZeroPrefix])], None, "CPID SERIAL"),
    ai!("8012", "?", [xv(20, &[])], None, "VERSION"),
    ai!(
        "8013",
        "?",
        [xv(25, &[CsumAlpha, GcpPos1])],
        NO_QUALIFIERS,
        "GMN"
    ),
    ai!(
        "8014",
        "",
        [xv(25, &[CsumAlpha, GcpPos1, HasNonDigit])],
        None,
        "MUDI"
    ),
    ai!(
        "8017",
        "?",
        [n(18, &[Csum, GcpPos1])],
        Some(&[&["8019"]]),
        "GSRN - PROVIDER"
    ),
    ai!(
        "8018",
        "?",
        [n(18, &[Csum, GcpPos1])],
        Some(&[&["8019"]]),
        "GSRN - RECIPIENT"
    ),
    ai!("8019", "", [nv(10, &[])], None, "SRIN"),
    ai!("8020", "", [xv(25, &[])], None, "REF No."),
    ai!(
        "8026",
        "?",
        [n(14, &[Csum, GcpPos2]), n(4, &[PieceOfTotal])],
        None,
        "ITIP CONTENT"
    ),
    ai!(
        "8030",
        "?",
        [comp(Charset::Cset64, 1, 90, &[])],
        None,
        "DIGSIG"
    ),
    ai!("8040", "", [n(15, &[])], None, "IMEI"),
    ai!("8041", "", [n(15, &[])], None, "IMEI2"),
    ai!("8042", "", [n(32, &[])], None, "ESIM"),
    ai!("8043", "", [n(18, &[]), opt(nv(2, &[]))], None, "PSIM"),
    ai!("8110", "?", [xv(70, &[CouponCode])], None, "COUPON CODE"),
    ai!("8111", "?", [n(4, &[])], None, "POINTS"),
    ai!(
        "8112",
        "?",
        [xv(70, &[CouponPosOffer])],
        None,
        "POSITIVE OFFER COUPON"
    ),
    ai!("8200", "", [xv(70, &[])], None, "PRODUCT URL"),
    ai!("90", "?", [xv(30, &[])], None, "INTERNAL"),
    ai!("91", "99", "?", [xv(90, &[])], None, "INTERNAL"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_exact_ai_and_prefix() {
        assert_eq!(lookup("01").map(|d| d.title), Some("GTIN"));
        assert_eq!(lookup("3103").map(|d| d.first), Some("3100"));
        assert!(lookup("3106").is_none());
        assert!(lookup("95").is_some());
        assert!(lookup("0").is_none());
        assert!(lookup("23").is_none());
        assert!(lookup("0a").is_none());
        assert_eq!(
            lookup_prefix(b"8003123").map(|(d, l)| (d.first, l)),
            Some(("8003", 4))
        );
        assert_eq!(
            lookup_prefix(b"1712").map(|(d, l)| (d.first, l)),
            Some(("17", 2))
        );
        assert!(lookup_prefix(b"2399").is_none());
        assert!(lookup_prefix(b"9").is_none());
    }

    #[test]
    fn lengths() {
        let gtin = lookup("01").map(AiDef::fixed_length);
        assert_eq!(gtin, Some(Some(14)));
        let gdti = lookup("253");
        assert_eq!(gdti.map(AiDef::fixed_length), Some(None));
        assert_eq!(gdti.map(AiDef::max_length), Some(30));
        assert_eq!(gdti.map(AiDef::min_length), Some(13));
        // Fixed length but not predefined: needs FNC1 after it.
        let itip = lookup("8006");
        assert_eq!(
            itip.map(|d| (d.fixed_length(), d.predefined_length)),
            Some((Some(18), false))
        );
    }

    #[test]
    fn table_is_sorted_and_prefix_free() {
        for w in TABLE.windows(2) {
            assert!(w[0].last < w[1].first, "{} then {}", w[0].last, w[1].first);
        }
        // Element strings are split without separators between AIs, which
        // only works if no AI is a prefix of another.
        for a in TABLE {
            assert!(a.first <= a.last && a.first.len() == a.last.len(), "{a:?}");
            for b in TABLE.iter().filter(|b| b.first.len() > a.first.len()) {
                let head = &b.first[..a.first.len()];
                let head_last = &b.last[..a.first.len()];
                assert!(
                    !(a.first <= head_last && head <= a.last),
                    "{}-{} is a prefix of {}-{}",
                    a.first,
                    a.last,
                    b.first,
                    b.last
                );
            }
        }
    }
}
