//! CycloneDX 1.2–1.6, JSON and XML, into the normalized [`Sbom`].
//!
//! Both readers fill one lenient model ([`raw`]) and share one converter, so a document reads the
//! same in either encoding. Problems that leave the document readable become [`Warning`]s located
//! by JSON pointer (`/components/3/version`) or XML path
//! (`/bom/components/component[4]/version`); only a document that cannot be read at all is an
//! [`SbomError`].
//!
//! Choices where the specification leaves room:
//! - Components are every entry of `components`, nested ones included (with `parent` set);
//!   `metadata.component` is the [`Sbom::subject`] and its own nested components are not counted
//!   (as cyclonedx-python-lib counts), though their `bom-ref`s are valid dependency targets.
//! - SBOM authors are `metadata.authors[]` (name, else e-mail) and, in 1.6, `metadata.manufacturer`
//!   ("the organization that created the BOM"). `metadata.supplier` and the 1.5
//!   `metadata.manufacture` describe the product, not the SBOM, so they fill the subject's
//!   supplier and manufacturer instead.
//! - A component without a usable `bom-ref` is referred to as `name@version` (`name` without a
//!   version, its location when it has no name either), with a warning.
//! - FDA fields come from properties: see [`fda_field`] and [`support_date`].
//! - Versions 1.0, 1.1 and 1.7 are read too, with a warning, checked against the nearest of
//!   1.2–1.6.
//! - An entry that repeats an earlier component exactly (same bom-ref, same content, as some
//!   scanners write) is counted once, with a warning; a repeated bom-ref on different content is
//!   kept, with a warning.
//! - Schema rules Baton checks: required fields, each version's enumerations, hash lengths, SPDX
//!   license ids, urn:uuid serial numbers, purl and CPE shape, the license choice; references in
//!   `dependencies` must name a component or service of the document (or be a BOM-Link).
//!
//! Reading is built for size: JSON strings are borrowed from the text, `components` and
//! `dependencies` are converted as they stream in (the raw lists are never held), the bulk of a
//! JSON document is parsed by a hand-written reader ([`fast`]) that falls back to serde for
//! anything unusual, large documents are parsed on one thread while a second converts (the first
//! converting too when the second falls behind), and reading runs on a thread with a large stack
//! so that the nesting limits, not the stack, stop deep documents. Only what the model keeps is
//! allocated: FDA properties are read while still borrowed, and where a dependency entry stood is
//! remembered only when it cannot be told from its position.

mod fast;
mod raw;
mod xml;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::mem::take;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use compact_str::CompactString;
use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::model::{
    Component, Dependency, Hash, Parsed, Sbom, SbomError, SbomFormat, SupportDate, Warning,
};
use crate::refs::{Fingerprints, RefMap};
use fast::Wrong;
use raw::{
    Few, Found, List, Obj, RawBom, RawComponent, RawDependency, RawLicense, RawLicenseChoice,
    RawMetadata, RawProperty, RawService, Str, Tools,
};

/// The oldest and newest CycloneDX minor versions Baton checks against.
const OLDEST_MINOR: u8 = 2;
const NEWEST_MINOR: u8 = 6;

/// Stack for reading a document: nesting is bounded (128 JSON levels, 256 XML elements), but an
/// unoptimized build needs tens of kilobytes per nested component, more than a test thread has.
const STACK_BYTES: usize = 64 << 20;

/// Runs `read` on a thread with [`STACK_BYTES`] of stack (only what is touched is allocated),
/// or here if no thread can be had.
fn with_stack<F>(file: &str, read: F) -> Result<Parsed, SbomError>
where
    F: FnOnce() -> Result<Parsed, SbomError> + Send,
{
    let slot = std::sync::Mutex::new(Some(read));
    let run = || {
        slot.lock()
            .ok()
            .and_then(|mut s| s.take())
            .map(|read| read())
    };
    // Borrowed, so that `run` is still here if the thread cannot be spawned.
    let on_thread = &run;
    let joined = std::thread::scope(|scope| {
        let builder = std::thread::Builder::new().stack_size(STACK_BYTES);
        builder
            .spawn_scoped(scope, on_thread)
            .ok()
            .map(|handle| handle.join())
    });
    match joined {
        Some(Ok(Some(parsed))) => parsed,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        _ => run().unwrap_or_else(|| Err(error(file, "/", "the reader could not be started"))),
    }
}

/// Reads a CycloneDX JSON document.
pub fn parse_json(file: &str, text: &str) -> Result<Parsed, SbomError> {
    with_stack(file, || {
        parse_json_here(file, text, Threads::by_size(text), Reader::Fast)
    })
}

fn parse_json_here(
    file: &str,
    text: &str,
    threads: Threads,
    reader: Reader,
) -> Result<Parsed, SbomError> {
    match text.trim_start().as_bytes().first() {
        None => return Err(error(file, "/", "the document is empty")),
        Some(b'{') => {}
        Some(_) => {
            return Err(error(
                file,
                "/",
                "the document root must be a JSON object (CycloneDX JSON starts with `{`)",
            ));
        }
    }
    let (raw, mut conv) =
        read_json(text, threads, reader).map_err(|e| json_error(file, text, &e))?;
    match &raw.bom_format {
        Str::Text(f) if f == "CycloneDX" => {}
        Str::Absent => {
            return Err(error(
                file,
                "/bomFormat",
                "missing: a CycloneDX document has `\"bomFormat\": \"CycloneDX\"`",
            ));
        }
        Str::Text(f) => {
            return Err(error(
                file,
                "/bomFormat",
                &format!("expected \"CycloneDX\", found \"{f}\""),
            ));
        }
        Str::Other(other) => {
            return Err(error(
                file,
                "/bomFormat",
                &format!(
                    "expected the string \"CycloneDX\", found {}",
                    other.0.describe()
                ),
            ));
        }
    }
    let spec_version = match raw.spec_version {
        Str::Text(ref v) => v.to_string(),
        Str::Absent => {
            conv.warn(
                "/specVersion".into(),
                "missing (required); read as CycloneDX 1.6".into(),
            );
            String::new()
        }
        Str::Other(ref other) => {
            let (found, text) = &**other;
            conv.warn(
                "/specVersion".into(),
                format!("expected a string, found {}", found.describe()),
            );
            text.clone().unwrap_or_default()
        }
    };
    conv.set_version(&spec_version, "/specVersion");
    Ok(conv.finish(raw, SbomFormat::CycloneDxJson, spec_version))
}

/// Reads a CycloneDX XML document. DTDs and entity declarations are refused, so neither entity
/// expansion nor external entities can happen; elements may nest at most 256 deep.
pub fn parse_xml(file: &str, text: &str) -> Result<Parsed, SbomError> {
    with_stack(file, || parse_xml_here(file, text))
}

fn parse_xml_here(file: &str, text: &str) -> Result<Parsed, SbomError> {
    let doc = xml::read(file, text)?;
    let mut conv = Converter::new(Style::Xml);
    conv.warnings = doc.warnings;
    conv.set_version(&doc.spec_version, "/bom/@xmlns");
    Ok(conv.finish(doc.raw, SbomFormat::CycloneDxXml, doc.spec_version))
}

/// Documents at least this large are read on two threads (see [`read_json`]).
const PIPELINE_BYTES: usize = 4 << 20;

/// How a JSON document is read (see [`read_json`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Threads {
    One,
    /// Two, the reading one converting a batch itself when the other is behind.
    Two,
    /// Two, the reading one converting every other batch (so that tests see both kinds).
    #[cfg(test)]
    TwoAlternating,
}

impl Threads {
    fn by_size(text: &str) -> Self {
        if text.len() >= PIPELINE_BYTES
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
        {
            Threads::Two
        } else {
            Threads::One
        }
    }
}

/// Entries handed from the reading thread to the converting thread at a time.
const BATCH: usize = 128;

/// Batches that may wait for the converting thread.
const QUEUED: usize = 4;

/// Reads the document. Entries of `components` and `dependencies` are converted as soon as they
/// are read, so the raw lists never sit in memory beside the model (for 100,000 components they
/// would add about 70 MB). Large documents are read on two threads: this one parses while a
/// second converts and places what was parsed, in document order, so the result is the same
/// either way, down to the order of the warnings. Converting costs more than parsing, so when
/// the second thread falls behind, this one converts a batch of components itself and hands
/// over the result, which the other then only places (see [`Converter::build_item`]).
///
/// The hand-written reader ([`fast`]) is tried first; if it leaves the document to serde, the
/// document is read again from the start with serde, which also reports its errors.
fn read_json(
    text: &str,
    threads: Threads,
    reader: Reader,
) -> Result<(RawBom<'_>, Converter<'_>), serde_json::Error> {
    if reader == Reader::Fast
        && let Ok(read) = read_json_with(text, threads, read_fast)
    {
        return Ok(read);
    }
    read_json_with(text, threads, read_serde)
}

/// Which reader [`read_json`] tries first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// The hand-written one, then serde if that leaves the document to it.
    Fast,
    /// Serde only (tests compare the two).
    #[cfg(test)]
    Serde,
}

/// How the document is parsed into the sink.
type ReadBom<'a, E> = for<'c> fn(&'a str, Sink<'c, 'a>) -> Result<(RawBom<'a>, Wrong), E>;

fn read_json_with<'a, E: Send>(
    text: &'a str,
    threads: Threads,
    read_bom: ReadBom<'a, E>,
) -> Result<(RawBom<'a>, Converter<'a>), E> {
    if threads == Threads::One {
        let mut conv = Converter::new(Style::Json);
        let (raw, wrong) = read_bom(text, Sink::new(Target::Direct(&mut conv)))?;
        conv.wrong_lists(wrong);
        return Ok((raw, conv));
    }
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch<'_>>(QUEUED);
        let worker = scope.spawn(move || {
            let mut conv = Converter::new(Style::Json);
            let mut path = String::new();
            for batch in receiver {
                match batch {
                    Batch::Components { first, mut items } => {
                        for (k, item) in items.iter_mut().enumerate() {
                            conv.build_item(item, first + k, &mut path, None, None);
                        }
                    }
                    Batch::Built {
                        built,
                        warnings,
                        pending,
                    } => {
                        conv.pending.extend(pending);
                        conv.place_all(built, warnings, &mut path);
                    }
                    Batch::Dependencies(items) => {
                        for item in items {
                            conv.next_dependency(item);
                        }
                    }
                }
            }
            conv
        });
        let sink = Sink::new(Target::Channel {
            sender,
            components: Vec::with_capacity(BATCH),
            dependencies: Vec::with_capacity(BATCH),
            helper: Box::new(Converter::new(Style::Json)),
            threads,
            helped: false,
        });
        let read = read_bom(text, sink);
        // `read_bom` dropped the sender, so the worker finishes what is queued and stops.
        let mut conv = match worker.join() {
            Ok(conv) => conv,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (raw, wrong) = read?;
        conv.wrong_lists(wrong);
        Ok((raw, conv))
    })
}

fn read_fast<'a>(
    text: &'a str,
    mut sink: Sink<'_, 'a>,
) -> Result<(RawBom<'a>, Wrong), fast::Unsupported> {
    fast::read(text, &mut sink)
}

fn read_serde<'a>(
    text: &'a str,
    sink: Sink<'_, 'a>,
) -> Result<(RawBom<'a>, Wrong), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let read = BomSeed { sink }.deserialize(&mut de)?;
    de.end()?;
    Ok(read)
}

enum Batch<'a> {
    /// Top-level components from entry `first` on, as read.
    Components {
        first: usize,
        items: Vec<Obj<RawComponent<'a>>>,
    },
    /// Top-level components converted by the reading thread, with the warnings and the
    /// version-dependent checks of their conversion, to be placed.
    Built {
        built: Vec<Built>,
        warnings: Vec<Warning>,
        pending: Vec<Pending>,
    },
    Dependencies(Vec<Obj<RawDependency<'a>>>),
}

/// Where streamed entries go.
struct Sink<'c, 'a> {
    target: Target<'c, 'a>,
    /// Index of the next top-level component.
    next_component: usize,
    /// The document root, as a location to build on.
    path: String,
}

/// Straight to the converter, or in batches to its thread.
enum Target<'c, 'a> {
    Direct(&'c mut Converter<'a>),
    Channel {
        sender: std::sync::mpsc::SyncSender<Batch<'a>>,
        components: Vec<Obj<RawComponent<'a>>>,
        dependencies: Vec<Obj<RawDependency<'a>>>,
        /// Converts batches on this thread when the converting thread is behind.
        helper: Box<Converter<'a>>,
        threads: Threads,
        /// Whether the helper converted the last batch of components.
        helped: bool,
    },
}

impl<'c, 'a> Sink<'c, 'a> {
    fn new(target: Target<'c, 'a>) -> Self {
        Sink {
            target,
            next_component: 0,
            path: String::new(),
        }
    }
}

impl<'a> fast::Entries<'a> for Sink<'_, 'a> {
    fn component(&mut self, item: Obj<RawComponent<'a>>) {
        let index = self.next_component;
        self.next_component += 1;
        match &mut self.target {
            Target::Direct(conv) => {
                let mut item = item;
                conv.build_item(&mut item, index, &mut self.path, None, None);
            }
            Target::Channel { components, .. } => {
                components.push(item);
                if components.len() == BATCH {
                    self.flush();
                }
            }
        }
    }

    fn dependency(&mut self, item: Obj<RawDependency<'a>>) {
        match &mut self.target {
            Target::Direct(conv) => conv.next_dependency(item),
            Target::Channel { dependencies, .. } => {
                dependencies.push(item);
                if dependencies.len() == BATCH {
                    self.flush();
                }
            }
        }
    }

    fn flush(&mut self) {
        let next_component = self.next_component;
        let Target::Channel {
            sender,
            components,
            dependencies,
            helper,
            threads,
            helped,
        } = &mut self.target
        else {
            return;
        };
        // The worker runs until the sender is dropped, so sending fails only if it panicked,
        // which `read_json` then reports.
        if !components.is_empty() {
            let items = std::mem::replace(components, Vec::with_capacity(BATCH));
            let first = next_component - items.len();
            let batch = Batch::Components { first, items };
            let sent = match threads {
                Threads::One | Threads::Two => sender.try_send(batch),
                #[cfg(test)]
                Threads::TwoAlternating if *helped => sender.try_send(batch),
                #[cfg(test)]
                Threads::TwoAlternating => Err(std::sync::mpsc::TrySendError::Full(batch)),
            };
            *helped = false;
            match sent {
                Ok(()) | Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {}
                Err(std::sync::mpsc::TrySendError::Full(batch)) => {
                    *helped = true;
                    let _ = sender.send(helper.build_batch(batch));
                }
            }
        }
        if !dependencies.is_empty() {
            let items = std::mem::replace(dependencies, Vec::with_capacity(BATCH));
            let _ = sender.send(Batch::Dependencies(items));
        }
    }
}

/// The top-level object: `components` and `dependencies` stream into the sink, the rest is kept
/// raw for [`Converter::finish`].
struct BomSeed<'c, 'a> {
    sink: Sink<'c, 'a>,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for BomSeed<'_, 'a> {
    type Value = (RawBom<'a>, Wrong);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for BomSeed<'_, 'a> {
    type Value = (RawBom<'a>, Wrong);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a CycloneDX JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut bom = RawBom::default();
        let mut wrong = Wrong::default();
        while let Some(key) = map.next_key::<Str<'a>>()? {
            let Str::Text(key) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            match key.as_ref() {
                "bomFormat" => bom.bom_format = map.next_value()?,
                "specVersion" => bom.spec_version = map.next_value()?,
                "serialNumber" => bom.serial_number = map.next_value()?,
                "metadata" => bom.metadata = map.next_value()?,
                "components" => {
                    let seed = StreamSeed::<Obj<RawComponent<'a>>>::new(&mut self.sink);
                    wrong.components = map.next_value_seed(seed)?;
                    fast::Entries::flush(&mut self.sink);
                }
                "dependencies" => {
                    let seed = StreamSeed::<Obj<RawDependency<'a>>>::new(&mut self.sink);
                    wrong.dependencies = map.next_value_seed(seed)?;
                    fast::Entries::flush(&mut self.sink);
                }
                "services" => bom.services = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((bom, wrong))
    }
}

/// An entry type read as a stream.
trait Streamed<'a> {
    fn send(self, sink: &mut Sink<'_, 'a>);
}

impl<'a> Streamed<'a> for Obj<RawComponent<'a>> {
    fn send(self, sink: &mut Sink<'_, 'a>) {
        fast::Entries::component(sink, self);
    }
}

impl<'a> Streamed<'a> for Obj<RawDependency<'a>> {
    fn send(self, sink: &mut Sink<'_, 'a>) {
        fast::Entries::dependency(sink, self);
    }
}

/// An array whose entries go to the sink one by one; returns what stood there if not an array.
struct StreamSeed<'s, 'c, 'a, T> {
    sink: &'s mut Sink<'c, 'a>,
    item: std::marker::PhantomData<T>,
}

impl<'s, 'c, 'a, T> StreamSeed<'s, 'c, 'a, T> {
    fn new(sink: &'s mut Sink<'c, 'a>) -> Self {
        StreamSeed {
            sink,
            item: std::marker::PhantomData,
        }
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de> + Streamed<'a>> DeserializeSeed<'de>
    for StreamSeed<'_, '_, 'a, T>
{
    type Value = Option<Found>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Found>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de> + Streamed<'a>> Visitor<'de> for StreamSeed<'_, '_, 'a, T> {
    type Value = Option<Found>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Found>, A::Error> {
        while let Some(item) = seq.next_element::<T>()? {
            item.send(self.sink);
        }
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Found>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Some(Found::Object))
    }

    fn visit_str<E>(self, _: &str) -> Result<Option<Found>, E> {
        Ok(Some(Found::String))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Option<Found>, E> {
        Ok(Some(Found::Bool))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Option<Found>, E> {
        Ok(Some(Found::Number))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Option<Found>, E> {
        Ok(Some(Found::Number))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Option<Found>, E> {
        Ok(Some(Found::Number))
    }

    fn visit_unit<E>(self) -> Result<Option<Found>, E> {
        Ok(Some(Found::Null))
    }
}

/// The two FDA per-component fields (FDA premarket guidance §V.A.4(b)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdaField {
    LevelOfSupport,
    EndOfSupport,
}

/// Which FDA field a property names, with its rank (lower wins when several are present):
/// 0 for the CycloneDX taxonomy names `cdx:fda:level-of-support` and `cdx:fda:end-of-support-date`;
/// 1 for free-form names that, lower-cased with everything but letters and digits removed, read
/// `levelofsupport`, `endofsupport` or `endofsupportdate` ("Level of Support", "End-of-Support");
/// 2 for `cdx:lifecycle:milestone:endOfSupport`, the taxonomy's end of support of the component.
pub fn fda_field(property_name: &str) -> Option<(FdaField, u8)> {
    match property_name {
        "cdx:fda:level-of-support" => Some((FdaField::LevelOfSupport, 0)),
        "cdx:fda:end-of-support-date" => Some((FdaField::EndOfSupport, 0)),
        "cdx:lifecycle:milestone:endOfSupport" => Some((FdaField::EndOfSupport, 2)),
        name if normalized_eq(name, "levelofsupport") => Some((FdaField::LevelOfSupport, 1)),
        name if normalized_eq(name, "endofsupport") || normalized_eq(name, "endofsupportdate") => {
            Some((FdaField::EndOfSupport, 1))
        }
        _ => None,
    }
}

/// Compares `name`, lower-cased and without non-alphanumerics, with `target`, allocating nothing.
fn normalized_eq(name: &str, target: &str) -> bool {
    let mut normalized = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase);
    let mut expected = target.chars();
    loop {
        match (normalized.next(), expected.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// An end-of-support value: `YYYY-MM-DD`, or an RFC 3339 date-time (its UTC date); anything else
/// (e.g. "Until hardware support ends") is kept as text.
pub fn support_date(value: &str) -> SupportDate {
    let v = trim(value);
    if let Some(date) = iso_date(v) {
        return SupportDate::Date(date);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return SupportDate::Date(t.with_timezone(&Utc).date_naive());
    }
    SupportDate::Text(value.to_string())
}

/// `str::trim`, skipping the Unicode scan when both ends are visible ASCII (nearly always).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Strict `YYYY-MM-DD` (chrono's `%Y-%m-%d` would also take `2024-1-5`).
fn iso_date(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let num = |r: std::ops::Range<usize>| v[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// Whether `bytes` are all hex digits, and whether any is an upper-case letter; one pass
/// without branches, which the compiler vectorizes.
fn hex_shape(bytes: &[u8]) -> (bool, bool) {
    let mut other = false;
    let mut upper = false;
    for &b in bytes {
        let digit = b.wrapping_sub(b'0') < 10;
        let lower_hex = b.wrapping_sub(b'a') < 6;
        let upper_hex = b.wrapping_sub(b'A') < 6;
        other |= !(digit | lower_hex | upper_hex);
        upper |= b.wrapping_sub(b'A') < 26;
    }
    (!other, upper)
}

/// Hash algorithm names as Baton compares them: upper case, dashes (`sha256` → `SHA-256`,
/// `BLAKE2b-256` → `BLAKE2B-256`).
pub fn normalize_hash_algorithm(alg: &str) -> CompactString {
    const CANONICAL: &[(&str, &str)] = &[
        ("SHA-256", "SHA-256"),
        ("SHA-1", "SHA-1"),
        ("SHA-512", "SHA-512"),
        ("SHA-384", "SHA-384"),
        ("MD5", "MD5"),
        ("SHA3-256", "SHA3-256"),
        ("SHA3-384", "SHA3-384"),
        ("SHA3-512", "SHA3-512"),
        ("BLAKE2b-256", "BLAKE2B-256"),
        ("BLAKE2b-384", "BLAKE2B-384"),
        ("BLAKE2b-512", "BLAKE2B-512"),
        ("BLAKE3", "BLAKE3"),
    ];
    // Documents almost always use CycloneDX's own spellings.
    if let Some((_, normalized)) = CANONICAL.iter().find(|(written, _)| *written == alg) {
        return CompactString::const_new(normalized);
    }
    let upper: CompactString = alg
        .trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    match upper.strip_prefix("SHA") {
        Some(bits)
            if bits != "3" && !bits.is_empty() && bits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            compact_str::format_compact!("SHA-{bits}")
        }
        _ => upper,
    }
}

fn error(file: &str, location: &str, message: &str) -> SbomError {
    SbomError {
        location: format!("{file}: {location}"),
        message: message.to_string(),
    }
}

/// A fatal JSON error, located by JSON pointer (found by reading again with path tracking, which
/// only failures pay for) and by line and column.
fn json_error(file: &str, text: &str, e: &serde_json::Error) -> SbomError {
    let mut de = serde_json::Deserializer::from_str(text);
    let pointer = match serde_path_to_error::deserialize::<_, RawBom>(&mut de) {
        Err(pe) => pointer_of(pe.path()),
        Ok(_) => String::new(),
    };
    let full = e.to_string();
    let detail = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(head, _)| head);
    let message = if detail.starts_with("recursion limit exceeded") {
        "nesting too deep: more than 128 nested arrays or objects".to_string()
    } else {
        match e.classify() {
            serde_json::error::Category::Eof => {
                format!("the JSON ends early (truncated file?): {detail}")
            }
            serde_json::error::Category::Syntax => format!("not valid JSON: {detail}"),
            serde_json::error::Category::Data | serde_json::error::Category::Io => {
                format!("unreadable JSON: {detail}")
            }
        }
    };
    let place = if pointer.is_empty() {
        "/".to_string()
    } else {
        pointer
    };
    SbomError {
        location: format!("{file}: {place} (line {}, column {})", e.line(), e.column()),
        message,
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                let _ = write!(out, "/{index}");
            }
            serde_path_to_error::Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            serde_path_to_error::Segment::Enum { variant } => {
                out.push('/');
                out.push_str(variant);
            }
            serde_path_to_error::Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

/// How locations are written: JSON pointers or XML paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Json,
    Xml,
}

impl Style {
    fn root(self) -> &'static str {
        match self {
            Style::Json => "",
            Style::Xml => "/bom",
        }
    }

    /// `path` + the field, named as in JSON or in XML (`/@type` for an attribute).
    fn at(self, path: &str, json: &str, xml: &str) -> String {
        let mut s = String::with_capacity(path.len() + json.len().max(xml.len()));
        s.push_str(path);
        s.push_str(match self {
            Style::Json => json,
            Style::Xml => xml,
        });
        s
    }

    /// Appends item `index` of list `list`: `/list/3` or `/list/item[4]`.
    fn push_item(self, path: &mut String, list: &str, item: &str, index: usize) {
        path.push('/');
        path.push_str(list);
        path.push('/');
        match self {
            Style::Json => push_number(path, index),
            Style::Xml => {
                path.push_str(item);
                path.push('[');
                push_number(path, index + 1);
                path.push(']');
            }
        }
    }
}

/// Appends `n` in decimal; `write!` cost more than the rest of a component's conversion.
fn push_number(path: &mut String, mut n: usize) {
    if n < 10 {
        path.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        path.push(char::from(d));
    }
}

/// A version-dependent check, settled once the version is known.
#[derive(Debug)]
enum Pending {
    /// A component type outside the 1.2 list (later versions added some).
    Type { location: String, kind: String },
    /// No component version (required up to 1.3).
    NoVersion { location: String, name: String },
    /// Licenses mixing expressions with licenses, or several expressions (not allowed in 1.5, 1.6).
    LicenseMix { location: String },
}

/// Who holds a reference, for duplicate messages.
#[derive(Debug, Clone)]
enum Owner {
    /// Its index in the component list (the table keeps 32 bits; no document comes near 2³²
    /// components).
    Component(u32),
    Subject,
    Service,
}

struct Converter<'a> {
    style: Style,
    /// Minor version whose enumerations values are checked against (2..=6).
    minor: u8,
    warnings: Vec<Warning>,
    fingerprints: Fingerprints,
    refs: RefMap<Owner>,
    /// Checks that depend on the spec version, which JSON may give after the components.
    pending: Vec<Pending>,
    /// Dependencies read so far, and where each stood when that is not simply entry `i` of the
    /// JSON list with every target kept (kept sparse: on a clean document it stays empty).
    dependencies: Vec<Dependency>,
    dependency_origins: Vec<(usize, DepOrigin)>,
    dependency_index: usize,
    /// License ids already looked up in the SPDX list (documents repeat a few ids many times).
    licenses_seen: std::collections::HashMap<String, bool>,
    /// The first few of them, looked at first.
    licenses_recent: Vec<(String, bool)>,
    components: Vec<Component>,
    /// Values borrowed from the document live as long as its text.
    text: std::marker::PhantomData<&'a str>,
}

const TYPES_1_2: &[&str] = &[
    "application",
    "framework",
    "library",
    "container",
    "operating-system",
    "device",
    "firmware",
    "file",
];
const TYPES_1_5: &[&str] = &[
    "platform",
    "device-driver",
    "machine-learning-model",
    "data",
];
const TYPES_1_6: &[&str] = &["cryptographic-asset"];
const SCOPES: &[&str] = &["required", "optional", "excluded"];

/// License ids [`Converter::known_license`] compares with before looking them up.
const RECENT_LICENSES: usize = 8;
const PATCH_TYPES: &[&str] = &["unofficial", "monkey", "backport", "cherry-pick"];
const ISSUE_TYPES: &[&str] = &["defect", "enhancement", "security"];
const DATA_FLOWS: &[&str] = &["inbound", "outbound", "bi-directional", "unknown"];

/// Hex digits each algorithm's value must have (BLAKE3 is variable: any of the schema's lengths).
fn hash_lengths(alg: &str) -> Option<&'static [usize]> {
    Some(match alg {
        "MD5" => &[32],
        "SHA-1" => &[40],
        "SHA-256" | "SHA3-256" | "BLAKE2B-256" => &[64],
        "SHA-384" | "SHA3-384" | "BLAKE2B-384" => &[96],
        "SHA-512" | "SHA3-512" | "BLAKE2B-512" => &[128],
        "BLAKE3" => &[32, 40, 64, 96, 128],
        _ => return None,
    })
}

fn describe(found: Found) -> &'static str {
    found.describe()
}

impl<'a> Converter<'a> {
    fn new(style: Style) -> Self {
        Converter {
            style,
            minor: NEWEST_MINOR,
            warnings: Vec::new(),
            fingerprints: Fingerprints::new(),
            pending: Vec::new(),
            licenses_seen: std::collections::HashMap::new(),
            licenses_recent: Vec::new(),
            dependencies: Vec::new(),
            dependency_origins: Vec::new(),
            dependency_index: 0,
            refs: RefMap::default(),
            components: Vec::new(),
            text: std::marker::PhantomData,
        }
    }

    fn warn(&mut self, location: String, message: String) {
        self.warnings.push(Warning { location, message });
    }

    fn set_version(&mut self, spec_version: &str, location: &str) {
        if spec_version.is_empty() {
            return;
        }
        let minor = spec_version
            .strip_prefix("1.")
            .and_then(|m| m.parse::<u8>().ok());
        match minor {
            Some(m) if (OLDEST_MINOR..=NEWEST_MINOR).contains(&m) => self.minor = m,
            Some(m) => {
                self.minor = m.clamp(OLDEST_MINOR, NEWEST_MINOR);
                self.warn(
                    location.to_string(),
                    format!(
                        "CycloneDX {spec_version} is outside the versions Baton checks (1.2–1.6); read leniently as 1.{}",
                        self.minor
                    ),
                );
            }
            None => self.warn(
                location.to_string(),
                format!(
                    "\"{spec_version}\" is not a CycloneDX 1.x version; read as 1.{NEWEST_MINOR}"
                ),
            ),
        }
    }

    fn known_license(&mut self, id: &str) -> bool {
        // Documents use a handful of ids: comparing with those is cheaper than hashing.
        if let Some((_, known)) = self.licenses_recent.iter().find(|(seen, _)| seen == id) {
            return *known;
        }
        let known = match self.licenses_seen.get(id) {
            Some(known) => *known,
            None => {
                let known = spdx::license_id(id).is_some();
                self.licenses_seen.insert(id.to_string(), known);
                known
            }
        };
        if self.licenses_recent.len() < RECENT_LICENSES {
            self.licenses_recent.push((id.to_string(), known));
        }
        known
    }

    fn settle(&mut self) {
        let minor = self.minor;
        for pending in std::mem::take(&mut self.pending) {
            match pending {
                Pending::Type { location, kind } => {
                    let known = (minor >= 5 && TYPES_1_5.contains(&kind.as_str()))
                        || (minor >= 6 && TYPES_1_6.contains(&kind.as_str()));
                    if !known {
                        self.warn(
                            location,
                            format!("\"{kind}\" is not a CycloneDX 1.{minor} component type"),
                        );
                    }
                }
                Pending::NoVersion { location, name } if minor < 4 => self.warn(
                    location,
                    format!(
                        "component \"{name}\" has no version (required in CycloneDX 1.{minor})"
                    ),
                ),
                Pending::LicenseMix { location } if (5..=6).contains(&minor) => self.warn(
                    location,
                    format!(
                        "CycloneDX 1.{minor} takes either licenses or one license expression, \
                         not a mix or several expressions"
                    ),
                ),
                Pending::NoVersion { .. } | Pending::LicenseMix { .. } => {}
            }
        }
    }

    fn text(&mut self, value: Str<'a>, location: impl FnOnce() -> String) -> Option<Cow<'a, str>> {
        match value {
            Str::Absent => None,
            Str::Text(t) => Some(t),
            Str::Other(other) => match *other {
                (found, Some(t)) => {
                    self.warn(
                        location(),
                        format!(
                            "expected a string, found {}; read as \"{t}\"",
                            describe(found)
                        ),
                    );
                    Some(Cow::Owned(t))
                }
                (found, None) => {
                    self.warn(
                        location(),
                        format!("expected a string, found {}; ignored", describe(found)),
                    );
                    None
                }
            },
        }
    }

    /// A text value that must not be empty to mean anything.
    fn nonempty(
        &mut self,
        value: Str<'a>,
        location: impl FnOnce() -> String,
    ) -> Option<Cow<'a, str>> {
        self.text(value, location).filter(|t| !trim(t).is_empty())
    }

    fn list<T>(&mut self, value: List<T>, location: impl FnOnce() -> String) -> Few<T> {
        match value {
            List::Absent => Few::Zero,
            List::Items(items) => items,
            List::Other(found) => {
                self.warn(
                    location(),
                    format!("expected an array, found {}; ignored", describe(found)),
                );
                Few::Zero
            }
        }
    }

    fn obj<T>(&mut self, value: Obj<T>, location: impl FnOnce() -> String) -> Option<T> {
        match value {
            Obj::Absent => None,
            Obj::Value(v) => Some(v),
            Obj::Other(found) => {
                self.warn(
                    location(),
                    format!("expected an object, found {}; ignored", describe(found)),
                );
                None
            }
        }
    }

    fn check_enum(
        &mut self,
        value: &str,
        allowed: &[&str],
        what: &str,
        location: impl FnOnce() -> String,
    ) {
        if !allowed.contains(&value) {
            let listed = allowed.join(", ");
            self.warn(
                location(),
                format!("\"{value}\" is not a CycloneDX {what} (one of: {listed})"),
            );
        }
    }

    fn finish(mut self, raw: RawBom<'a>, format: SbomFormat, spec_version: String) -> Parsed {
        let st = self.style;
        let root = st.root();
        let serial_number = self.text(raw.serial_number, || {
            st.at(root, "/serialNumber", "/@serialNumber")
        });
        if let Some(s) = &serial_number
            && !is_urn_uuid(s)
        {
            self.warn(
                st.at(root, "/serialNumber", "/@serialNumber"),
                format!("\"{s}\" is not a lower-case urn:uuid (urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
            );
        }
        let mut sbom = Sbom {
            format,
            spec_version,
            serial_number: serial_number.map(Cow::into_owned),
            name: None,
            timestamp: None,
            authors: Vec::new(),
            tools: Vec::new(),
            subject: None,
            components: Vec::new(),
            dependencies: Vec::new(),
            properties: Vec::new(),
        };
        let mut path = String::from(root);
        if let Some(metadata) = self.obj(raw.metadata, || st.at(root, "/metadata", "/metadata")) {
            self.metadata(metadata, &mut sbom);
        }
        self.components(raw.components, &mut path);
        self.services(raw.services, &mut path);
        let items = self.list(raw.dependencies, || {
            st.at(root, "/dependencies", "/dependencies")
        });
        for item in items {
            self.next_dependency(item);
        }
        self.check_dependency_targets();
        sbom.dependencies = std::mem::take(&mut self.dependencies);
        self.settle();
        sbom.components = std::mem::take(&mut self.components);
        Parsed {
            sbom,
            warnings: self.warnings,
        }
    }

    fn metadata(&mut self, m: RawMetadata<'a>, sbom: &mut Sbom) {
        let st = self.style;
        let mut path = st.at(st.root(), "/metadata", "/metadata");
        let base = path.len();
        if let Some(ts) = self.text(m.timestamp, || st.at(&path, "/timestamp", "/timestamp")) {
            match timestamp(&ts) {
                Timestamp::Valid(t) => sbom.timestamp = Some(t),
                Timestamp::NoOffset(t) => {
                    sbom.timestamp = Some(t);
                    self.warn(
                        st.at(&path, "/timestamp", "/timestamp"),
                        format!("\"{ts}\" has no UTC offset (RFC 3339 requires one); read as UTC"),
                    );
                }
                Timestamp::Invalid => self.warn(
                    st.at(&path, "/timestamp", "/timestamp"),
                    format!("\"{ts}\" is not an RFC 3339 date-time (e.g. 2024-05-01T12:00:00Z); no timestamp read"),
                ),
            }
        }
        sbom.tools = self.tools(m.tools, &path);
        let authors = self.list(m.authors, || st.at(&path, "/authors", "/authors"));
        for (i, author) in authors.into_iter().enumerate() {
            st.push_item(&mut path, "authors", "author", i);
            if let Some(a) = self.obj(author, || path.clone()) {
                let name = self.nonempty(a.name, || st.at(&path, "/name", "/name"));
                let email = self.nonempty(a.email, || st.at(&path, "/email", "/email"));
                if let Some(who) = name.or(email) {
                    sbom.authors.push(who.trim().to_string());
                }
            }
            path.truncate(base);
        }
        if let Some(maker) = self.obj(m.manufacturer, || {
            st.at(&path, "/manufacturer", "/manufacturer")
        }) && let Some(name) = self.nonempty(maker.name, || {
            st.at(&path, "/manufacturer/name", "/manufacturer/name")
        }) {
            sbom.authors.push(name.trim().to_string());
        }
        let subject_raw = self.obj(m.component, || st.at(&path, "/component", "/component"));
        if let Some(mut raw) = subject_raw {
            let nested = take(&mut raw.components);
            path.push_str("/component");
            let (subject, explicit) = self.component(&mut raw, &mut path);
            if let Some(earlier) = self.claim(&subject.reference, Owner::Subject) {
                self.duplicate(&subject.reference, &earlier, &path, explicit);
            }
            self.nested_subject_refs(nested.map(|b| *b), &mut path);
            path.truncate(base);
            sbom.name = Some(subject.name.to_string()).filter(|n| !n.is_empty());
            sbom.subject = Some(subject);
        }
        let manufacture = self.obj(m.manufacture, || {
            st.at(&path, "/manufacture", "/manufacture")
        });
        let manufacture = manufacture.and_then(|e| {
            self.nonempty(e.name, || {
                st.at(&path, "/manufacture/name", "/manufacture/name")
            })
        });
        let supplier = self.obj(m.supplier, || st.at(&path, "/supplier", "/supplier"));
        let supplier = supplier.and_then(|e| {
            self.nonempty(e.name, || st.at(&path, "/supplier/name", "/supplier/name"))
        });
        if let Some(subject) = sbom.subject.as_mut() {
            if subject.manufacturer.is_none() {
                subject.manufacturer = manufacture.map(CompactString::from);
            }
            if subject.supplier.is_none() {
                subject.supplier = supplier.map(CompactString::from);
            }
        }
        self.licenses(m.licenses, &mut path);
        sbom.properties = self.properties(m.properties, &mut path);
    }

    fn tools(&mut self, tools: Tools<'a>, path: &str) -> Vec<String> {
        let st = self.style;
        let mut out = Vec::new();
        let mut add = |conv: &mut Self, tool: raw::RawTool<'a>, at: &str| {
            let parts = [
                conv.nonempty(tool.vendor, || st.at(at, "/vendor", "/vendor")),
                conv.nonempty(tool.name, || st.at(at, "/name", "/name")),
                conv.nonempty(tool.version, || st.at(at, "/version", "/version")),
            ];
            let words: Vec<&str> = parts.iter().flatten().map(|p| p.trim()).collect();
            if !words.is_empty() {
                out.push(words.join(" "));
            }
        };
        let mut at = st.at(path, "/tools", "/tools");
        let base = at.len();
        match tools {
            Tools::Absent => {}
            Tools::Other(found) => {
                self.warn(
                    at,
                    format!(
                        "expected an array or object of tools, found {}; ignored",
                        describe(found)
                    ),
                );
            }
            Tools::Legacy(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    let _ = match st {
                        Style::Json => write!(at, "/{i}"),
                        Style::Xml => write!(at, "/tool[{}]", i + 1),
                    };
                    if let Some(tool) = self.obj(item, || at.clone()) {
                        add(self, tool, &at);
                    }
                    at.truncate(base);
                }
            }
            Tools::Modern(set) => {
                for (list, item_name, items) in [
                    ("components", "component", set.components),
                    ("services", "service", set.services),
                ] {
                    let items = self.list(items, || {
                        st.at(&at, &format!("/{list}"), &format!("/{list}"))
                    });
                    for (i, item) in items.into_iter().enumerate() {
                        st.push_item(&mut at, list, item_name, i);
                        if let Some(tool) = self.obj(item, || at.clone()) {
                            add(self, tool, &at);
                        }
                        at.truncate(base);
                    }
                }
            }
        }
        out
    }

    /// The top-level `components` list; `path` is the document root.
    fn components(&mut self, list: List<Obj<RawComponent<'a>>>, path: &mut String) {
        let st = self.style;
        let items = self.list(list, || st.at(path, "/components", "/components"));
        for (i, mut item) in items.into_iter().enumerate() {
            self.build_item(&mut item, i, path, None, None);
        }
    }

    fn wrong_lists(&mut self, wrong: Wrong) {
        for (list, found) in [
            ("/components", wrong.components),
            ("/dependencies", wrong.dependencies),
        ] {
            if let Some(found) = found {
                self.warn(
                    list.into(),
                    format!("expected an array, found {}; ignored", describe(found)),
                );
            }
        }
    }

    /// Converts entry `index` of a `components` list under `path`, and its nested components,
    /// and places each in the document, or, given `out`, only converts them into it in document
    /// order: that uses nothing of the rest of the document, so another thread can do it (see
    /// [`read_json`]), and [`Converter::place_all`] then places them.
    fn build_item(
        &mut self,
        item: &mut Obj<RawComponent<'a>>,
        index: usize,
        path: &mut String,
        parent: Option<&str>,
        mut out: Option<&mut Vec<Built>>,
    ) {
        let st = self.style;
        let base = path.len();
        st.push_item(path, "components", "component", index);
        match item {
            Obj::Value(raw) => {
                let children = take(&mut raw.components);
                let (mut component, explicit) = self.component(raw, path);
                component.parent = parent.map(CompactString::from);
                let reference = match children {
                    List::Absent => None,
                    _ => Some(component.reference.clone()),
                };
                match out.as_deref_mut() {
                    None => self.place(component, explicit, path),
                    Some(out) => out.push(Built {
                        component,
                        explicit,
                        warnings_before: self.warnings.len(),
                        index,
                        path: parent.map(|_| path.clone()),
                    }),
                }
                if let Some(reference) = reference {
                    let items = self.list(children, || st.at(path, "/components", "/components"));
                    for (i, mut child) in items.into_iter().enumerate() {
                        self.build_item(&mut child, i, path, Some(&reference), out.as_deref_mut());
                    }
                }
            }
            Obj::Other(found) => self.warn(
                path.clone(),
                format!(
                    "expected a component object, found {}; skipped",
                    describe(*found)
                ),
            ),
            Obj::Absent => {}
        }
        path.truncate(base);
    }

    /// Places components built by [`Converter::build_item`], in order: `warnings` are those of
    /// their conversion, each component's own coming before it is placed. `path` is the
    /// document root.
    fn place_all(&mut self, built: Vec<Built>, warnings: Vec<Warning>, path: &mut String) {
        let st = self.style;
        let mut warnings = warnings.into_iter();
        let mut merged = 0;
        for b in built {
            self.warnings
                .extend(warnings.by_ref().take(b.warnings_before - merged));
            merged = b.warnings_before;
            match &b.path {
                Some(at) => self.place(b.component, b.explicit, at),
                None => {
                    let base = path.len();
                    st.push_item(path, "components", "component", b.index);
                    self.place(b.component, b.explicit, path);
                    path.truncate(base);
                }
            }
        }
        self.warnings.extend(warnings);
    }

    /// Records a converted component's reference and adds it to the list, unless it repeats an
    /// earlier one exactly; `at` is where it stands.
    fn place(&mut self, component: Component, explicit: bool, at: &str) {
        let owner = Owner::Component(u32::try_from(self.components.len()).unwrap_or(u32::MAX));
        match self.claim(&component.reference, owner) {
            None => self.components.push(component),
            // The same component listed twice (scanners do this) is one component.
            Some(Owner::Component(i))
                if explicit && self.components.get(i as usize) == Some(&component) =>
            {
                let message = format!(
                    "bom-ref \"{}\" repeats an earlier component with the same content; \
                     counted once",
                    component.reference
                );
                let st = self.style;
                self.warn(st.at(at, "/bom-ref", "/@bom-ref"), message);
            }
            Some(earlier) => {
                self.duplicate(&component.reference, &earlier, at, explicit);
                self.components.push(component);
            }
        }
    }

    /// Converts a batch of top-level components (see [`read_json`]); other batches are kept.
    fn build_batch(&mut self, batch: Batch<'a>) -> Batch<'a> {
        let Batch::Components { first, mut items } = batch else {
            return batch;
        };
        let mut built = Vec::with_capacity(items.len());
        let mut path = String::new();
        for (k, item) in items.iter_mut().enumerate() {
            self.build_item(item, first + k, &mut path, None, Some(&mut built));
        }
        Batch::Built {
            built,
            warnings: std::mem::take(&mut self.warnings),
            pending: std::mem::take(&mut self.pending),
        }
    }

    /// The subject's own nested components are not listed, but dependencies may name them.
    fn nested_subject_refs(&mut self, list: List<Obj<RawComponent<'a>>>, path: &mut String) {
        let st = self.style;
        let base = path.len();
        for (i, item) in self
            .list(list, || st.at(path, "/components", "/components"))
            .into_iter()
            .enumerate()
        {
            st.push_item(path, "components", "component", i);
            if let Obj::Value(mut raw) = item {
                let children = std::mem::take(&mut raw.components);
                if let Str::Text(r) = raw.bom_ref
                    && !r.is_empty()
                {
                    self.register(&r, Owner::Subject, path);
                }
                self.nested_subject_refs(children.map(|b| *b), path);
            }
            path.truncate(base);
        }
    }

    /// Records a bom-ref; a repeat is a warning (CycloneDX requires them unique in a document).
    /// Records a reference for `owner`; returns the earlier holder if it was taken.
    fn claim(&mut self, reference: &str, owner: Owner) -> Option<Owner> {
        match self.refs.entry(self.fingerprints.of(reference)) {
            std::collections::hash_map::Entry::Occupied(e) => Some(e.get().clone()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(owner);
                None
            }
        }
    }

    /// Records a bom-ref, warning if it repeats one (CycloneDX requires them unique).
    fn register(&mut self, reference: &str, owner: Owner, path: &str) {
        if let Some(earlier) = self.claim(reference, owner) {
            self.duplicate(reference, &earlier, path, true);
        }
    }

    fn duplicate(&mut self, reference: &str, earlier: &Owner, path: &str, explicit: bool) {
        let earlier = match earlier {
            Owner::Component(i) => self.components.get(*i as usize).map_or_else(
                || "an earlier component".to_string(),
                |c| format!("component \"{}\"", c.name),
            ),
            Owner::Subject => "metadata.component".to_string(),
            Owner::Service => "a service".to_string(),
        };
        let st = self.style;
        let message = if explicit {
            format!("bom-ref \"{reference}\" is already used by {earlier}; bom-refs must be unique")
        } else {
            format!("\"{reference}\" also names {earlier}; dependencies cannot tell the two apart")
        };
        self.warn(st.at(path, "/bom-ref", "/@bom-ref"), message);
    }

    /// Converts one component; also returns whether its reference is its own bom-ref (not
    /// Baton's fallback). Whether another holds the reference is for the caller to ask (in
    /// document order): this needs nothing of the rest of the document.
    fn component(&mut self, raw: &mut RawComponent<'a>, path: &mut String) -> (Component, bool) {
        let st = self.style;
        let name = self.text(take(&mut raw.name), || st.at(path, "/name", "/name"));
        let name = match name {
            Some(n) if !trim(&n).is_empty() => CompactString::from(n),
            _ => {
                self.warn(path.to_string(), "component has no name (required)".into());
                CompactString::default()
            }
        };
        let version = self
            .text(take(&mut raw.version), || {
                st.at(path, "/version", "/version")
            })
            .map(CompactString::from);
        if version.is_none() {
            self.pending.push(Pending::NoVersion {
                location: st.at(path, "/version", "/version"),
                name: name.to_string(),
            });
        }
        let (reference, explicit) = match self.text(take(&mut raw.bom_ref), || {
            st.at(path, "/bom-ref", "/@bom-ref")
        }) {
            Some(r) if !r.is_empty() => (CompactString::from(r), true),
            given => {
                let fallback = match (&version, name.is_empty()) {
                    (_, true) => CompactString::from(path.as_str()),
                    (Some(v), false) if !v.is_empty() => compact_str::format_compact!("{name}@{v}"),
                    _ => name.clone(),
                };
                let what = if given.is_some() {
                    "empty bom-ref"
                } else {
                    "no bom-ref"
                };
                self.warn(
                    st.at(path, "/bom-ref", "/@bom-ref"),
                    format!("{what}; Baton refers to this component as \"{fallback}\""),
                );
                (fallback, false)
            }
        };
        let kind = self.text(take(&mut raw.kind), || st.at(path, "/type", "/@type"));
        match &kind {
            None => self.warn(
                st.at(path, "/type", "/@type"),
                "component has no type (required)".into(),
            ),
            Some(k) if TYPES_1_2.contains(&k.as_ref()) => {}
            Some(k) => self.pending.push(Pending::Type {
                location: st.at(path, "/type", "/@type"),
                kind: k.to_string(),
            }),
        }
        if let Some(scope) = self.text(take(&mut raw.scope), || st.at(path, "/scope", "/scope")) {
            self.check_enum(&scope, SCOPES, "scope", || st.at(path, "/scope", "/scope"));
        }
        let supplier = self.entity_name(take(&mut raw.supplier), path, "/supplier");
        let manufacturer = self.entity_name(take(&mut raw.manufacturer), path, "/manufacturer");
        let publisher = self
            .nonempty(take(&mut raw.publisher), || {
                st.at(path, "/publisher", "/publisher")
            })
            .map(CompactString::from);
        let mut author = self
            .nonempty(take(&mut raw.author), || st.at(path, "/author", "/author"))
            .map(CompactString::from);
        let mut names = Vec::new();
        let base = path.len();
        for (i, a) in self
            .list(take(&mut raw.authors), || {
                st.at(path, "/authors", "/authors")
            })
            .into_iter()
            .enumerate()
        {
            st.push_item(path, "authors", "author", i);
            if let Some(a) = self.obj(*a, || path.clone())
                && let Some(n) = self.nonempty(a.name, || st.at(path, "/name", "/name"))
            {
                names.push(n.into_owned());
            }
            path.truncate(base);
        }
        if author.is_none() && !names.is_empty() {
            author = Some(names.join(", ").into());
        }
        let description = self
            .text(take(&mut raw.description), || {
                st.at(path, "/description", "/description")
            })
            .map(Cow::into_owned);
        let hashes = self.hashes(take(&mut raw.hashes), path);
        let licenses = self.licenses(take(&mut raw.licenses), path);
        let mut cpes = Vec::new();
        if let Some(cpe) = self.nonempty(take(&mut raw.cpe), || st.at(path, "/cpe", "/cpe")) {
            if !(cpe.starts_with("cpe:2.3:") || cpe.starts_with("cpe:/")) {
                self.warn(
                    st.at(path, "/cpe", "/cpe"),
                    format!("\"{cpe}\" is not a CPE 2.2 or 2.3 name"),
                );
            }
            // Exactly one slot: `push` would make room for four.
            cpes = vec![cpe.into_owned()];
        }
        let purl = self.nonempty(take(&mut raw.purl), || st.at(path, "/purl", "/purl"));
        if let Some(p) = &purl
            && let Some(problem) = purl_problem(p)
        {
            self.warn(
                st.at(path, "/purl", "/purl"),
                format!("\"{p}\" is not a valid purl: {problem}"),
            );
        }
        let swid = match self.obj(take(&mut raw.swid), || st.at(path, "/swid", "/swid")) {
            Some(s) => {
                let tag = self.nonempty(s.tag_id, || st.at(path, "/swid/tagId", "/swid/@tagId"));
                if tag.is_none() {
                    self.warn(
                        st.at(path, "/swid/tagId", "/swid/@tagId"),
                        "swid has no tagId (required)".into(),
                    );
                }
                if self
                    .nonempty(s.name, || st.at(path, "/swid/name", "/swid/@name"))
                    .is_none()
                {
                    self.warn(
                        st.at(path, "/swid/name", "/swid/@name"),
                        "swid has no name (required)".into(),
                    );
                }
                tag.map(Cow::into_owned)
            }
            None => None,
        };
        if let Some(pedigree) = self.obj(take(&mut raw.pedigree), || {
            st.at(path, "/pedigree", "/pedigree")
        }) {
            path.push_str("/pedigree");
            self.patches(pedigree.patches, path);
            path.truncate(base);
        }
        let fda = self.component_properties(take(&mut raw.properties), path);
        let component = Component {
            reference,
            name,
            version,
            kind: kind.map(CompactString::from),
            supplier,
            manufacturer,
            publisher,
            author,
            purl: purl.map(Cow::into_owned),
            cpes,
            swid,
            hashes,
            licenses,
            description,
            support_level: fda.support_level,
            end_of_support: fda.end_of_support,
            properties: fda.properties,
            parent: None,
        };
        (component, explicit)
    }

    fn entity_name(
        &mut self,
        value: Obj<raw::RawEntity<'a>>,
        path: &str,
        field: &str,
    ) -> Option<CompactString> {
        let st = self.style;
        let entity = self.obj(value, || st.at(path, field, field))?;
        let name = self.text(entity.name, || format!("{path}{field}/name"))?;
        let name = trim(&name);
        (!name.is_empty()).then(|| CompactString::from(name))
    }

    fn hashes(&mut self, list: List<Obj<raw::RawHash<'a>>>, path: &mut String) -> Vec<Hash> {
        let st = self.style;
        let items = self.list(list, || st.at(path, "/hashes", "/hashes"));
        let mut out = Vec::with_capacity(items.len());
        let base = path.len();
        for (i, item) in items.into_iter().enumerate() {
            st.push_item(path, "hashes", "hash", i);
            if let Some(h) = self.obj(item, || path.clone()) {
                let alg = self.nonempty(h.alg, || st.at(path, "/alg", "/@alg"));
                let content = self.nonempty(h.content, || st.at(path, "/content", ""));
                match (alg, content) {
                    (Some(alg), Some(content)) => {
                        let algorithm = normalize_hash_algorithm(&alg);
                        let written = trim(&content);
                        let (hex, upper) = hex_shape(written.as_bytes());
                        let value = if upper {
                            written.to_ascii_lowercase()
                        } else {
                            written.to_string()
                        };
                        match hash_lengths(&algorithm) {
                            None => self.warn(
                                st.at(path, "/alg", "/@alg"),
                                format!("\"{alg}\" is not a CycloneDX hash algorithm"),
                            ),
                            Some(lengths) => {
                                if !hex || !lengths.contains(&value.len()) {
                                    let want = lengths
                                        .iter()
                                        .map(usize::to_string)
                                        .collect::<Vec<_>>()
                                        .join(" or ");
                                    self.warn(
                                        st.at(path, "/content", ""),
                                        format!("a {algorithm} value is {want} hex digits, found \"{content}\""),
                                    );
                                }
                            }
                        }
                        out.push(Hash { algorithm, value });
                    }
                    (None, _) => self.warn(path.clone(), "hash has no alg (required)".into()),
                    (_, None) => self.warn(path.clone(), "hash has no content (required)".into()),
                }
            }
            path.truncate(base);
        }
        out
    }

    fn licenses(
        &mut self,
        list: List<Obj<RawLicenseChoice<'a>>>,
        path: &mut String,
    ) -> Vec<CompactString> {
        let st = self.style;
        let items = self.list(list, || st.at(path, "/licenses", "/licenses"));
        let mut out = Vec::with_capacity(items.len());
        let expressions = items
            .iter()
            .filter(|i| {
                matches!(
                    i,
                    Obj::Value(RawLicenseChoice {
                        expression: Str::Text(_),
                        ..
                    })
                )
            })
            .count();
        if expressions > 0 && items.len() > 1 {
            let location = st.at(path, "/licenses", "/licenses");
            match st {
                // The XML schema has always made `licenses` a choice of one or the other.
                Style::Xml => self.warn(
                    location,
                    "<licenses> holds either <license> elements or one <expression>, not both \
                     or several expressions"
                        .into(),
                ),
                Style::Json => self.pending.push(Pending::LicenseMix { location }),
            }
        }
        let base = path.len();
        for (i, item) in items.into_iter().enumerate() {
            st.push_item(path, "licenses", "*", i);
            if let Some(choice) = self.obj(item, || path.clone()) {
                let license = self.obj(choice.license, || st.at(path, "/license", ""));
                let expression =
                    self.nonempty(choice.expression, || st.at(path, "/expression", ""));
                if license.is_some() && expression.is_some() {
                    self.warn(
                        path.clone(),
                        "an entry holds both a license and an expression; one is allowed".into(),
                    );
                }
                if license.is_none() && expression.is_none() {
                    self.warn(
                        path.clone(),
                        "an entry holds neither a license nor an expression".into(),
                    );
                }
                if let Some(l) = license
                    && let Some(id) = self.license(l, path)
                {
                    out.push(id);
                }
                if let Some(e) = expression {
                    out.push(trim(&e).into());
                }
            }
            path.truncate(base);
        }
        out
    }

    fn license(&mut self, l: RawLicense<'a>, path: &str) -> Option<CompactString> {
        let st = self.style;
        let at = || st.at(path, "/license", "");
        let id = self.nonempty(l.id, || format!("{}/id", at()));
        let name = self.nonempty(l.name, || format!("{}/name", at()));
        if let Some(text) = self.obj(l.text, || format!("{}/text", at()))
            && let Some(encoding) = self.text(text.encoding, || {
                st.at(&at(), "/text/encoding", "/text/@encoding")
            })
            && encoding != "base64"
        {
            self.warn(
                st.at(&at(), "/text/encoding", "/text/@encoding"),
                format!("\"{encoding}\" is not a CycloneDX encoding (only base64)"),
            );
        }
        if let Some(id) = &id
            && !self.known_license(id)
        {
            self.warn(
                format!("{}/id", at()),
                format!(
                    "\"{id}\" is not an SPDX license identifier (SPDX license list {}); other licenses go in `name`",
                    spdx::identifiers::VERSION
                ),
            );
        }
        match (id, name) {
            (Some(id), Some(_)) => {
                self.warn(
                    at(),
                    "a license has both an id and a name; one is allowed".into(),
                );
                Some(trim(&id).into())
            }
            (Some(id), None) => Some(trim(&id).into()),
            (None, Some(name)) => Some(trim(&name).into()),
            (None, None) => {
                self.warn(at(), "a license has neither an id nor a name".into());
                None
            }
        }
    }

    fn patches(&mut self, list: List<Obj<raw::RawPatch<'a>>>, path: &mut String) {
        let st = self.style;
        let base = path.len();
        for (i, item) in self
            .list(list, || st.at(path, "/patches", "/patches"))
            .into_iter()
            .enumerate()
        {
            st.push_item(path, "patches", "patch", i);
            if let Some(patch) = self.obj(item, || path.clone()) {
                match self.text(patch.kind, || st.at(path, "/type", "/@type")) {
                    Some(k) => self.check_enum(&k, PATCH_TYPES, "patch type", || {
                        st.at(path, "/type", "/@type")
                    }),
                    None => self.warn(
                        st.at(path, "/type", "/@type"),
                        "patch has no type (required)".into(),
                    ),
                }
                let inner = path.len();
                for (j, issue) in self
                    .list(patch.resolves, || st.at(path, "/resolves", "/resolves"))
                    .into_iter()
                    .enumerate()
                {
                    st.push_item(path, "resolves", "issue", j);
                    if let Some(issue) = self.obj(issue, || path.clone()) {
                        match self.text(issue.kind, || st.at(path, "/type", "/@type")) {
                            Some(k) => self.check_enum(&k, ISSUE_TYPES, "issue type", || {
                                st.at(path, "/type", "/@type")
                            }),
                            None => self.warn(
                                st.at(path, "/type", "/@type"),
                                "issue has no type (required)".into(),
                            ),
                        }
                    }
                    path.truncate(inner);
                }
            }
            path.truncate(base);
        }
    }

    fn properties(
        &mut self,
        list: List<Obj<RawProperty<'a>>>,
        path: &mut String,
    ) -> Vec<(String, String)> {
        let st = self.style;
        let items = self.list(list, || st.at(path, "/properties", "/properties"));
        let mut out = Vec::with_capacity(items.len());
        let base = path.len();
        for (i, item) in items.into_iter().enumerate() {
            st.push_item(path, "properties", "property", i);
            if let Some(p) = self.obj(item, || path.clone()) {
                let name = self.nonempty(p.name, || st.at(path, "/name", "/@name"));
                let value = self.text(p.value, || st.at(path, "/value", ""));
                match name {
                    Some(name) => out.push((
                        name.into_owned(),
                        value.map(Cow::into_owned).unwrap_or_default(),
                    )),
                    None => self.warn(
                        st.at(path, "/name", "/@name"),
                        "property has no name (required); skipped".into(),
                    ),
                }
            }
            path.truncate(base);
        }
        out
    }

    /// A component's properties: the FDA fields are read from them (see [`fda_field`]) while
    /// they are still borrowed from the document, and only the other properties are copied.
    fn component_properties(
        &mut self,
        list: List<Obj<RawProperty<'a>>>,
        path: &mut String,
    ) -> FdaProperties {
        let st = self.style;
        let items = self.list(list, || st.at(path, "/properties", "/properties"));
        // Named properties in document order, with the FDA field each names.
        let mut named: Few<NamedProperty<'a>> = Few::Zero;
        let base = path.len();
        for (i, item) in items.into_iter().enumerate() {
            st.push_item(path, "properties", "property", i);
            if let Some(p) = self.obj(item, || path.clone()) {
                let name = self.nonempty(p.name, || st.at(path, "/name", "/@name"));
                let value = self.text(p.value, || st.at(path, "/value", ""));
                match name {
                    Some(name) => named.push(NamedProperty {
                        field: fda_field(&name),
                        name,
                        value: value.unwrap_or_default(),
                    }),
                    None => self.warn(
                        st.at(path, "/name", "/@name"),
                        "property has no name (required); skipped".into(),
                    ),
                }
            }
            path.truncate(base);
        }
        let mut out = FdaProperties::default();
        let mut level: Option<(u8, usize)> = None;
        let mut end: Option<(u8, usize)> = None;
        let mut levels = 0;
        let mut ends = 0;
        for (i, p) in named.iter().enumerate() {
            let Some((field, rank)) = p.field else {
                continue;
            };
            let (best, seen) = match field {
                FdaField::LevelOfSupport => (&mut level, &mut levels),
                FdaField::EndOfSupport => (&mut end, &mut ends),
            };
            *seen += 1;
            if best.is_none_or(|(r, _)| rank < r) {
                *best = Some((rank, i));
            }
        }
        // Locations count the named properties only, as the model's list did.
        let location = |i: usize| {
            let mut at = path.to_string();
            st.push_item(&mut at, "properties", "property", i);
            if st == Style::Json {
                at.push_str("/value");
            }
            at
        };
        if let Some((_, i)) = level
            && let Some(p) = named.get(i)
        {
            let value = trim(&p.value);
            if value.is_empty() {
                self.warn(location(i), format!("{} is empty", p.name));
            } else {
                out.support_level = Some(value.into());
            }
            if levels > 1 {
                self.disagreement(&named, i, FdaField::LevelOfSupport, location(i));
            }
        }
        if let Some((_, i)) = end
            && let Some(p) = named.get(i)
        {
            if trim(&p.value).is_empty() {
                self.warn(location(i), format!("{} is empty", p.name));
            } else {
                let date = support_date(&p.value);
                if let SupportDate::Text(t) = &date {
                    self.warn(
                        location(i),
                        format!(
                            "{} \"{t}\" is not a date (YYYY-MM-DD); kept as text",
                            p.name
                        ),
                    );
                }
                out.end_of_support = Some(date);
            }
            if ends > 1 {
                self.disagreement(&named, i, FdaField::EndOfSupport, location(i));
            }
        }
        let others = named.iter().filter(|p| p.field.is_none()).count();
        if others > 0 {
            out.properties = Vec::with_capacity(others);
            for p in named {
                if p.field.is_none() {
                    out.properties
                        .push((p.name.into_owned(), p.value.into_owned()));
                }
            }
        }
        out
    }

    fn disagreement(
        &mut self,
        props: &Few<NamedProperty<'a>>,
        chosen: usize,
        field: FdaField,
        location: String,
    ) {
        let Some(chosen) = props.get(chosen) else {
            return;
        };
        let value = chosen.value.trim();
        let others: Vec<&str> = props
            .iter()
            .filter(|p| p.field.is_some_and(|(f, _)| f == field) && p.value.trim() != value)
            .map(|p| p.name.as_ref())
            .collect();
        if !others.is_empty() {
            self.warn(
                location,
                format!(
                    "{} disagrees with {}; Baton uses \"{value}\" from {}",
                    others.join(", "),
                    chosen.name,
                    chosen.name
                ),
            );
        }
    }

    fn services(&mut self, list: List<Obj<RawService<'a>>>, path: &mut String) {
        let st = self.style;
        let base = path.len();
        for (i, item) in self
            .list(list, || st.at(path, "/services", "/services"))
            .into_iter()
            .enumerate()
        {
            st.push_item(path, "services", "service", i);
            if let Some(s) = self.obj(item, || path.clone()) {
                if let Some(r) = self.nonempty(s.bom_ref, || st.at(path, "/bom-ref", "/@bom-ref")) {
                    self.register(&r, Owner::Service, path);
                }
                if self
                    .nonempty(s.name, || st.at(path, "/name", "/name"))
                    .is_none()
                {
                    self.warn(path.clone(), "service has no name (required)".into());
                }
                let inner = path.len();
                for (j, flow) in self
                    .list(s.data, || st.at(path, "/data", "/data"))
                    .into_iter()
                    .enumerate()
                {
                    st.push_item(path, "data", "classification", j);
                    if let Some(flow) = self.obj(flow, || path.clone()) {
                        match self.text(flow.flow, || st.at(path, "/flow", "/@flow")) {
                            Some(f) => self.check_enum(&f, DATA_FLOWS, "data flow", || {
                                st.at(path, "/flow", "/@flow")
                            }),
                            None => self.warn(
                                st.at(path, "/flow", "/@flow"),
                                "data has no flow (required)".into(),
                            ),
                        }
                    }
                    path.truncate(inner);
                }
                self.properties(s.properties, path);
                self.services(s.services.map(|b| *b), path);
            }
            path.truncate(base);
        }
    }

    /// The next entry of `dependencies`. Whether its references exist is checked at the end,
    /// once every component and service is known.
    fn next_dependency(&mut self, item: Obj<RawDependency<'a>>) {
        let st = self.style;
        let index = self.dependency_index;
        self.dependency_index += 1;
        let d = match item {
            Obj::Value(d) => d,
            Obj::Other(found) => {
                let at = DepAt::Index(index).path(st);
                let message = format!(
                    "expected a dependency object, found {}; skipped",
                    describe(found)
                );
                self.warn(at, message);
                return;
            }
            Obj::Absent => return,
        };
        let at = match d.xml_path {
            Some(p) => DepAt::Xml(p),
            None => DepAt::Index(index),
        };
        let from = self.text(d.reference, || st.at(&at.path(st), "/ref", "/@ref"));
        let Some(from) = from.filter(|f| !f.is_empty()) else {
            self.warn(
                st.at(&at.path(st), "/ref", "/@ref"),
                "dependency has no ref (required); skipped".into(),
            );
            return;
        };
        let targets = self.list(d.depends_on, || st.at(&at.path(st), "/dependsOn", ""));
        let mut to = Vec::with_capacity(targets.len());
        let mut kept: Option<Vec<usize>> = None;
        for (j, target) in targets.into_iter().enumerate() {
            match self.text(target, || at.target(st, j)) {
                Some(t) if !t.is_empty() => {
                    if let Some(kept) = kept.as_mut() {
                        kept.push(j);
                    }
                    to.push(CompactString::from(t));
                }
                _ => {
                    self.warn(
                        at.target(st, j),
                        "empty dependency reference; skipped".into(),
                    );
                    kept.get_or_insert_with(|| (0..to.len()).collect());
                }
            }
        }
        let position = self.dependencies.len();
        if kept.is_some() || !matches!(at, DepAt::Index(i) if i == position) {
            self.dependency_origins
                .push((position, DepOrigin { at, kept }));
        }
        self.dependencies.push(Dependency {
            from: CompactString::from(from),
            to,
        });
    }

    /// Warns about dependency references that name no component or service of the document.
    fn check_dependency_targets(&mut self) {
        let st = self.style;
        let dependencies = std::mem::take(&mut self.dependencies);
        let origins = std::mem::take(&mut self.dependency_origins);
        let mut exceptions = origins.iter().peekable();
        for (position, d) in dependencies.iter().enumerate() {
            let plain;
            let origin = match exceptions.next_if(|(at, _)| *at == position) {
                Some((_, origin)) => origin,
                None => {
                    plain = DepOrigin {
                        at: DepAt::Index(position),
                        kept: None,
                    };
                    &plain
                }
            };
            if !self.known(&d.from) {
                let at = st.at(&origin.at.path(st), "/ref", "/@ref");
                self.unknown(&d.from, at);
            }
            for (k, target) in d.to.iter().enumerate() {
                if !self.known(target) {
                    let j = origin
                        .kept
                        .as_ref()
                        .and_then(|kept| kept.get(k).copied())
                        .unwrap_or(k);
                    self.unknown(target, origin.at.target(st, j));
                }
            }
        }
        self.dependencies = dependencies;
    }

    fn known(&self, reference: &str) -> bool {
        // BOM-Links (urn:cdx:…) point into other documents.
        reference.starts_with("urn:cdx:")
            || self.refs.contains_key(&self.fingerprints.of(reference))
    }

    fn unknown(&mut self, reference: &str, location: String) {
        self.warn(
            location,
            format!(
                "\"{reference}\" is not the bom-ref of any component or service in this document"
            ),
        );
    }
}

/// Where a dependency entry stood: its index (JSON) or its element path (XML).
#[derive(Debug)]
enum DepAt {
    Index(usize),
    Xml(String),
}

impl DepAt {
    fn path(&self, st: Style) -> String {
        match self {
            DepAt::Index(i) => {
                let mut path = String::from(st.root());
                st.push_item(&mut path, "dependencies", "dependency", *i);
                path
            }
            DepAt::Xml(path) => path.clone(),
        }
    }

    fn target(&self, st: Style, j: usize) -> String {
        match st {
            Style::Json => format!("{}/dependsOn/{j}", self.path(st)),
            Style::Xml => format!("{}/dependency[{}]/@ref", self.path(st), j + 1),
        }
    }
}

#[derive(Debug)]
struct DepOrigin {
    at: DepAt,
    /// Original positions of the targets kept, when some were skipped (else they are 0, 1, …).
    kept: Option<Vec<usize>>,
}

/// A component property with a name, still borrowed from the document where it can be.
struct NamedProperty<'a> {
    name: Cow<'a, str>,
    value: Cow<'a, str>,
    /// The FDA field it names, with its rank (see [`fda_field`]).
    field: Option<(FdaField, u8)>,
}

/// A converted component waiting to be placed in the document (see
/// [`Converter::build_item`] and [`Converter::place_all`]).
struct Built {
    component: Component,
    /// Whether its reference is its own bom-ref (not Baton's fallback).
    explicit: bool,
    /// How many warnings of the conversion come before this component is placed.
    warnings_before: usize,
    /// Its index in its `components` list.
    index: usize,
    /// Where it stands, for nested components (top-level ones are found from `index`).
    path: Option<String>,
}

/// A component's FDA fields and the properties left once they are taken out.
#[derive(Default)]
struct FdaProperties {
    support_level: Option<CompactString>,
    end_of_support: Option<SupportDate>,
    properties: Vec<(String, String)>,
}

enum Timestamp {
    Valid(DateTime<Utc>),
    NoOffset(DateTime<Utc>),
    Invalid,
}

fn timestamp(value: &str) -> Timestamp {
    let v = trim(value);
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Timestamp::Valid(t.with_timezone(&Utc));
    }
    match NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f") {
        Ok(t) => Timestamp::NoOffset(t.and_utc()),
        Err(_) => Timestamp::Invalid,
    }
}

fn is_urn_uuid(s: &str) -> bool {
    let Some(uuid) = s.strip_prefix("urn:uuid:") else {
        return false;
    };
    let b = uuid.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
}

/// What is wrong with a purl's shape (`pkg:type/namespace/name@version?qualifiers#subpath`), if
/// anything; the parts are not decoded or checked further.
fn purl_problem(p: &str) -> Option<&'static str> {
    // Every separator is ASCII, so the parts are found on bytes.
    let Some(rest) = p.as_bytes().strip_prefix(b"pkg:") else {
        return Some("it does not start with `pkg:`");
    };
    let slashes = rest.iter().take_while(|&&b| b == b'/').count();
    let rest = &rest[slashes..];
    let Some(slash) = memchr::memchr(b'/', rest) else {
        return Some("it has no `type/name`");
    };
    let (kind, rest) = (&rest[..slash], &rest[slash + 1..]);
    let kind_ok = kind.first().is_some_and(u8::is_ascii_alphabetic)
        && kind
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-'));
    if !kind_ok {
        return Some("its type is not letters, digits, `.`, `+` or `-` starting with a letter");
    }
    let before_subpath = &rest[..memchr::memchr(b'#', rest).unwrap_or(rest.len())];
    let before_qualifiers =
        &before_subpath[..memchr::memchr(b'?', before_subpath).unwrap_or(before_subpath.len())];
    let names = match memchr::memrchr(b'@', before_qualifiers) {
        Some(at) => &before_qualifiers[..at],
        None => before_qualifiers,
    };
    let trailing = names.iter().rev().take_while(|&&b| b == b'/').count();
    let names = &names[..names.len() - trailing];
    let name = match memchr::memrchr(b'/', names) {
        Some(at) => &names[at + 1..],
        None => names,
    };
    if name.is_empty() {
        return Some("it has no name");
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A document with every kind of component problem, repeated so that it fills many batches.
    fn troubled_document(repeats: usize) -> String {
        let entry = |i: usize| {
            format!(
                r#"{{"bom-ref":"c{i}","type":"library","name":"one{i}","version":"1","properties":[
                    {{"value":"nameless"}},{{"name":"Level of Support","value":" kept "}},
                    {{"name":"cdx:fda:level-of-support","value":"abandoned"}},
                    {{"name":"End-of-Support","value":"2020-01-01"}},{{"name":"x","value":5}},
                    {{"name":"cdx:fda:end-of-support-date","value":"Until hardware support ends"}}],
                  "hashes":[{{"alg":"sha256","content":"AB"}},{{"alg":"SHA-1"}}],
                  "licenses":[{{"license":{{"id":"NOTSPDX"}}}},{{"expression":"MIT"}}],
                  "cpe":"x","purl":"y","swid":{{"name":"s"}},
                  "components":[{{"bom-ref":"n{i}","type":"platform","name":"nested"}},
                                {{"bom-ref":"c{i}","type":"library","name":"one{i}"}},
                                {{"name":"deep","components":[{{"type":"file","name":"deeper"}}]}}, 5]}},
                {{"bom-ref":"c{i}","type":"library","name":"one{i}","version":"1","properties":[
                    {{"value":"nameless"}},{{"name":"Level of Support","value":" kept "}},
                    {{"name":"cdx:fda:level-of-support","value":"abandoned"}},
                    {{"name":"End-of-Support","value":"2020-01-01"}},{{"name":"x","value":5}},
                    {{"name":"cdx:fda:end-of-support-date","value":"Until hardware support ends"}}],
                  "hashes":[{{"alg":"sha256","content":"AB"}},{{"alg":"SHA-1"}}],
                  "licenses":[{{"license":{{"id":"NOTSPDX"}}}},{{"expression":"MIT"}}],
                  "cpe":"x","purl":"y","swid":{{"name":"s"}},
                  "components":[{{"bom-ref":"n{i}","type":"platform","name":"nested"}},
                                {{"bom-ref":"c{i}","type":"library","name":"one{i}"}},
                                {{"name":"deep","components":[{{"type":"file","name":"deeper"}}]}}, 5]}},
                {{"bom-ref":"c{i}","name":"other"}}, {{"type":"library","name":"dev"}}, null,
                {{"bom-ref":"dev","name":"clash"}}"#
            )
        };
        let components: Vec<String> = (0..repeats).map(entry).collect();
        let dependencies: Vec<String> = (0..repeats)
            .map(|i| {
                format!(
                    r#"{{"ref":"c{i}","dependsOn":["n{i}","","ghost{i}",7]}}, 3, {{"ref":"dev"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"bomFormat":"CycloneDX","metadata":{{"component":{{"bom-ref":"dev","name":"Dev","type":"device"}}}},
               "components":[{}],"dependencies":[{}],"specVersion":"1.4"}}"#,
            components.join(","),
            dependencies.join(",")
        )
    }

    #[test]
    fn every_way_of_reading_gives_the_same_result() {
        let text = troubled_document(150);
        let one = parse_json_here("t.json", &text, Threads::One, Reader::Fast).unwrap();
        assert!(
            one.sbom.components.len() > 3 * BATCH,
            "{}",
            one.sbom.components.len()
        );
        assert!(one.warnings.len() > 10 * BATCH, "{}", one.warnings.len());
        for threads in [Threads::Two, Threads::TwoAlternating] {
            let other = parse_json_here("t.json", &text, threads, Reader::Fast).unwrap();
            assert_eq!(one, other, "{threads:?}");
        }
        let serde = parse_json_here("t.json", &text, Threads::One, Reader::Serde).unwrap();
        assert_eq!(one, serde);
    }

    /// The purl check as first written on `str` methods: the byte version must agree.
    fn purl_problem_on_str(p: &str) -> Option<&'static str> {
        let Some(rest) = p.strip_prefix("pkg:") else {
            return Some("it does not start with `pkg:`");
        };
        let rest = rest.trim_start_matches('/');
        let Some((kind, rest)) = rest.split_once('/') else {
            return Some("it has no `type/name`");
        };
        let kind_ok = kind.starts_with(|c: char| c.is_ascii_alphabetic())
            && kind
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
        if !kind_ok {
            return Some("its type is not letters, digits, `.`, `+` or `-` starting with a letter");
        }
        let before_subpath = rest.split('#').next().unwrap_or_default();
        let before_qualifiers = before_subpath.split('?').next().unwrap_or_default();
        let names = before_qualifiers
            .rsplit_once('@')
            .map_or(before_qualifiers, |(n, _)| n);
        let name = names
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        if name.is_empty() {
            return Some("it has no name");
        }
        None
    }

    #[test]
    fn purl_check_on_bytes_agrees() {
        const PARTS: &[&str] = &[
            "pkg:", "/", "npm", "a", "@", "#", "?", "é", "1", "+", ".", "-", "_", "x=y",
        ];
        let mut rng = Rng(3);
        for _ in 0..20_000 {
            let n = rng.below(9);
            let p: String = (0..n).map(|_| PARTS[rng.below(PARTS.len())]).collect();
            assert_eq!(purl_problem(&p), purl_problem_on_str(&p), "{p}");
            let p = format!("pkg:{p}");
            assert_eq!(purl_problem(&p), purl_problem_on_str(&p), "{p}");
        }
    }

    #[test]
    fn hex_shape_agrees_with_the_plain_checks() {
        for value in [
            "",
            "00ff",
            "00FF",
            "0g",
            "ABCDEFabcdef0123456789",
            "G",
            "é1",
            "zz",
            "@[`{/:",
        ] {
            let hex = value.bytes().all(|b| b.is_ascii_hexdigit());
            let upper = value.bytes().any(|b| b.is_ascii_uppercase());
            assert_eq!(hex_shape(value.as_bytes()), (hex, upper), "{value}");
        }
        for b in 0..=255u8 {
            assert_eq!(
                hex_shape(&[b]),
                (b.is_ascii_hexdigit(), b.is_ascii_uppercase()),
                "{b}"
            );
        }
    }

    /// SplitMix64, for reproducible mutations.
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
            (self.next() % n as u64) as usize
        }
    }

    /// The hand-written reader gives what serde gives, errors included, on damaged documents.
    #[test]
    fn fast_reader_agrees_with_serde_on_mutated_documents() {
        const PIECES: &[&str] = &[
            "\"",
            "\\",
            "\\u00e9",
            "\\ud800",
            "\\x",
            "\\/",
            ",",
            ":",
            "{",
            "}",
            "[",
            "]",
            "1",
            "-0",
            "01",
            "1.5e3",
            "1.",
            "true",
            "nul",
            "null",
            " ",
            "\t",
            "\u{1}",
            "\"name\":\"x\",",
            "\"version\":2,",
            "\"hashes\":{},",
            "\"bom-ref\":\"c1\",",
            "é",
            "\"x\":[1,{\"a\":[]}],",
            "\"properties\":[{\"name\":\"cdx:fda:level-of-support\",\"value\":7}],",
            "{\"name\":\"n\"},",
            "\"dependsOn\":[\"c1\",null],",
            "\"licenses\":[{\"expression\":1}],",
        ];
        let base = [
            troubled_document(2),
            crate::generate::synthetic_cyclonedx(3, 1),
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"timestamp":"2024-01-01T00:00:00Z","tools":[{"name":"t"}]},
               "components":[{"type":"library","name":"a\u00e9","version":"1","supplier":{"name":"S","url":["x"]},"hashes":[{"alg":"MD5","content":"00"}],
               "licenses":[{"license":{"id":"MIT","text":{"content":"x","encoding":"base64"}}}],"swid":{"tagId":"t","name":"n"},
               "pedigree":{"patches":[{"type":"backport"}]},"authors":[{"name":"x"}],"manufacturer":{"name":"m"},"extra":{"deep":[[[]]]}}],
               "services":[{"name":"s"}],"dependencies":[{"ref":"a","dependsOn":[]}]}"#
                .to_string(),
        ];
        let mut rng = Rng(7);
        let mut fast_kept = 0;
        for round in 0..3000 {
            let mut text = base[round % base.len()].clone();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
                    1 => {
                        let mut end = (at + 1 + rng.below(8)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let mut end = (at + 1 + rng.below(40)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        let piece = text[at..end].to_string();
                        let mut to = rng.below(text.len() + 1);
                        while !text.is_char_boundary(to) {
                            to -= 1;
                        }
                        text.insert_str(to, &piece);
                    }
                }
            }
            let fast = parse_json_here("m.json", &text, Threads::One, Reader::Fast);
            let serde = parse_json_here("m.json", &text, Threads::One, Reader::Serde);
            assert_eq!(fast, serde, "{text}");
            let mut ignored = Vec::new();
            struct Count<'v>(&'v mut Vec<()>);
            impl<'a> fast::Entries<'a> for Count<'_> {
                fn component(&mut self, _: Obj<RawComponent<'a>>) {
                    self.0.push(());
                }
                fn dependency(&mut self, _: Obj<RawDependency<'a>>) {}
                fn flush(&mut self) {}
            }
            if fast::read(&text, &mut Count(&mut ignored)).is_ok() {
                fast_kept += 1;
            }
        }
        // Many damaged documents are still valid JSON and read by the hand-written reader.
        assert!(fast_kept > 300, "{fast_kept}");
    }

    #[test]
    fn fda_property_names() {
        assert_eq!(
            fda_field("cdx:fda:level-of-support"),
            Some((FdaField::LevelOfSupport, 0))
        );
        assert_eq!(
            fda_field("cdx:fda:end-of-support-date"),
            Some((FdaField::EndOfSupport, 0))
        );
        assert_eq!(
            fda_field("Level of Support"),
            Some((FdaField::LevelOfSupport, 1))
        );
        assert_eq!(
            fda_field("level_of_support"),
            Some((FdaField::LevelOfSupport, 1))
        );
        assert_eq!(
            fda_field("End-of-Support"),
            Some((FdaField::EndOfSupport, 1))
        );
        assert_eq!(
            fda_field("END OF SUPPORT DATE"),
            Some((FdaField::EndOfSupport, 1))
        );
        assert_eq!(
            fda_field("cdx:lifecycle:milestone:endOfSupport"),
            Some((FdaField::EndOfSupport, 2))
        );
        assert_eq!(fda_field("cdx:fda:end-of-life-date"), None);
        assert_eq!(fda_field("End of Life"), None);
        assert_eq!(fda_field("Level of Supports"), None);
        assert_eq!(fda_field(""), None);
    }

    #[test]
    fn support_dates() {
        let d = |y, m, day| SupportDate::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert_eq!(support_date("2027-12-31"), d(2027, 12, 31));
        assert_eq!(support_date(" 2027-12-31 "), d(2027, 12, 31));
        assert_eq!(support_date("2027-12-31T23:30:00-02:00"), d(2028, 1, 1));
        assert_eq!(
            support_date("2027-2-30"),
            SupportDate::Text("2027-2-30".into())
        );
        assert_eq!(
            support_date("2027-02-30"),
            SupportDate::Text("2027-02-30".into())
        );
        assert_eq!(
            support_date("Until hardware support ends"),
            SupportDate::Text("Until hardware support ends".into())
        );
    }

    #[test]
    fn hash_algorithm_names() {
        assert_eq!(normalize_hash_algorithm("SHA-256"), "SHA-256");
        assert_eq!(normalize_hash_algorithm("sha256"), "SHA-256");
        assert_eq!(normalize_hash_algorithm("SHA1"), "SHA-1");
        assert_eq!(normalize_hash_algorithm("sha3-512"), "SHA3-512");
        assert_eq!(normalize_hash_algorithm("BLAKE2b-256"), "BLAKE2B-256");
        assert_eq!(normalize_hash_algorithm("sha_512"), "SHA-512");
        assert_eq!(normalize_hash_algorithm("md5"), "MD5");
    }

    #[test]
    fn purl_shapes() {
        assert_eq!(purl_problem("pkg:npm/%40types/node@1.0.0?x=y#a/b"), None);
        assert_eq!(purl_problem("pkg:generic/qualcomm_atheros_qca9563"), None);
        assert!(purl_problem("pkg:pypi/").is_some());
        assert!(purl_problem("pkg:pypi/@1.0").is_some());
        assert!(purl_problem("npm/x").is_some());
        assert!(purl_problem("pkg:1x/y").is_some());
    }

    #[test]
    fn serial_numbers() {
        assert!(is_urn_uuid("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"));
        assert!(!is_urn_uuid("urn:uuid:3e671687-395b-41f5-a30f"));
        assert!(!is_urn_uuid(
            "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79"
        ));
    }

    #[test]
    fn timestamps() {
        assert!(matches!(
            timestamp("2025-07-23T20:52:41.344402+00:00"),
            Timestamp::Valid(_)
        ));
        assert!(matches!(
            timestamp("2020-04-13T20:20:39"),
            Timestamp::NoOffset(_)
        ));
        assert!(matches!(timestamp("2020-04-13"), Timestamp::Invalid));
        let Timestamp::Valid(t) = timestamp("2023-03-02T12:04:22+11:00") else {
            panic!()
        };
        assert_eq!(t.to_rfc3339(), "2023-03-02T01:04:22+00:00");
    }
}
