//! Helpers for the integration tests: building workbooks with rust_xlsxwriter and crafting
//! hostile zip containers by hand.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read};

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

/// Builds a workbook and returns its bytes.
pub fn book(build: impl FnOnce(&mut Workbook) -> Result<(), XlsxError>) -> Vec<u8> {
    let mut wb = Workbook::new();
    build(&mut wb).expect("build workbook");
    wb.save_to_buffer().expect("save workbook")
}

/// Writes rows of strings starting at `first_row` (0-based); empty strings leave the cell empty.
pub fn rows(ws: &mut Worksheet, first_row: u32, rows: &[&[&str]]) -> Result<(), XlsxError> {
    for (r, cells) in (first_row..).zip(rows) {
        for (c, text) in (0u16..).zip(cells.iter()) {
            if !text.is_empty() {
                ws.write_string(r, c, *text)?;
            }
        }
    }
    Ok(())
}

/// One entry of a hand-made zip: name, method (0 stored, 8 deflate), CRC, sizes, raw data.
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub crc: u32,
    pub uncompressed: u32,
    pub data: Vec<u8>,
}

/// The entries of a real zip, still compressed, so they can be reassembled.
pub fn raw_entries(bytes: &[u8]) -> Vec<Entry> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index_raw(i).unwrap();
            let method = match f.compression() {
                zip::CompressionMethod::Stored => 0,
                zip::CompressionMethod::Deflated => 8,
                other => panic!("unexpected method {other:?}"),
            };
            let (name, crc, uncompressed) = (f.name().unwrap().to_string(), f.crc32(), f.size());
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            Entry {
                name,
                method,
                crc,
                uncompressed: u32::try_from(uncompressed).unwrap(),
                data,
            }
        })
        .collect()
}

/// Assembles a zip from entries; sizes and CRCs are written as given, true or not.
pub fn zip_bytes(entries: &[Entry]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let name_len = u16::try_from(e.name.len()).unwrap();
        let csize = u32::try_from(e.data.len()).unwrap();
        u32le(&mut out, 0x0403_4b50);
        for v in [20, 0, e.method, 0, 0x21] {
            u16le(&mut out, v);
        }
        for v in [e.crc, csize, e.uncompressed] {
            u32le(&mut out, v);
        }
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);

        u32le(&mut central, 0x0201_4b50);
        for v in [20, 20, 0, e.method, 0, 0x21] {
            u16le(&mut central, v);
        }
        for v in [e.crc, csize, e.uncompressed] {
            u32le(&mut central, v);
        }
        for v in [name_len, 0, 0, 0, 0] {
            u16le(&mut central, v);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let cd_size = u32::try_from(central.len()).unwrap();
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    let count = u16::try_from(entries.len()).unwrap();
    for v in [0, 0, count, count] {
        u16le(&mut out, v);
    }
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

/// A raw deflate stream that inflates to `1 + 258 * repeats` spaces in about 13 bits per 258
/// bytes: one literal, then (length 258, distance 1) copies, in a fixed-Huffman block.
pub fn deflate_bomb(repeats: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, len: u32) {
            for i in 0..len {
                self.acc |= ((value >> i) & 1) << self.n;
                self.n += 1;
                if self.n == 8 {
                    self.out.push(u8::try_from(self.acc).unwrap());
                    self.acc = 0;
                    self.n = 0;
                }
            }
        }
        // Huffman codes go most-significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.put((code >> i) & 1, 1);
            }
        }
    }
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // last block
    b.put(1, 2); // fixed Huffman
    b.code(0x30 + u32::from(b' '), 8); // literal ' '
    for _ in 0..repeats {
        b.code(0b1100_0101, 8); // length symbol 285 = 258
        b.code(0, 5); // distance code 0 = 1
    }
    b.code(0, 7); // end of block
    if b.n > 0 {
        b.put(0, 8 - b.n);
    }
    b.out
}

/// CRC-32 (IEEE), bit by bit; test data is small.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `workbook` with its first sheet's XML replaced by `xml`, stored uncompressed.
pub fn with_sheet_xml(workbook: &[u8], xml: &str) -> Vec<u8> {
    let mut entries = raw_entries(workbook);
    let sheet = entries
        .iter_mut()
        .find(|e| e.name == "xl/worksheets/sheet1.xml")
        .unwrap();
    sheet.method = 0;
    sheet.data = xml.as_bytes().to_vec();
    sheet.uncompressed = u32::try_from(xml.len()).unwrap();
    sheet.crc = crc32(xml.as_bytes());
    zip_bytes(&entries)
}
