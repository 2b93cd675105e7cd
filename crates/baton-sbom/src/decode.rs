//! Bytes to text. SBOM files arrive as UTF-8 (with or without a byte-order mark) or, from some
//! Windows tools, as UTF-16; anything else is refused with the byte offset of the first bad byte.

use std::borrow::Cow;

use crate::SbomError;

/// Decodes an SBOM file to text: UTF-8 (a leading BOM is dropped), UTF-16 LE/BE with a BOM, or
/// UTF-16 without a BOM when the first characters show the NUL-byte pattern of ASCII in UTF-16.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String, SbomError> {
    decode_cow(file, bytes).map(Cow::into_owned)
}

/// As [`decode`], but borrows UTF-8 input instead of copying it (large documents are read once).
pub fn decode_cow<'a>(file: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, SbomError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(file, rest, 3).map(Cow::Borrowed);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(file, rest, 2, Endian::Little).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(file, rest, 2, Endian::Big).map(Cow::Owned);
    }
    // Without a BOM, ASCII text in UTF-16 has a NUL in every other byte; UTF-8 text never starts so.
    match bytes {
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => {
            utf16(file, bytes, 0, Endian::Big).map(Cow::Owned)
        }
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => {
            utf16(file, bytes, 0, Endian::Little).map(Cow::Owned)
        }
        _ => utf8(file, bytes, 0).map(Cow::Borrowed),
    }
}

#[derive(Clone, Copy)]
enum Endian {
    Little,
    Big,
}

fn error(file: &str, offset: usize, message: String) -> SbomError {
    SbomError {
        location: format!("{file}: byte {offset}"),
        message,
    }
}

fn utf8<'a>(file: &str, bytes: &'a [u8], skipped: usize) -> Result<&'a str, SbomError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let what = match e.error_len() {
            Some(_) => format!(
                "invalid UTF-8: byte 0x{:02x} (line {line}) cannot appear here",
                bytes[at]
            ),
            None => format!("invalid UTF-8: the file ends inside a character (line {line})"),
        };
        error(
            file,
            skipped + at,
            format!("{what}; SBOM files must be UTF-8 or UTF-16"),
        )
    })
}

fn utf16(file: &str, bytes: &[u8], skipped: usize, endian: Endian) -> Result<String, SbomError> {
    let name = match endian {
        Endian::Little => "UTF-16LE",
        Endian::Big => "UTF-16BE",
    };
    if !bytes.len().is_multiple_of(2) {
        return Err(error(
            file,
            skipped + bytes.len() - 1,
            format!("invalid {name}: odd number of bytes, the file ends inside a character"),
        ));
    }
    let units = bytes.chunks_exact(2).map(|pair| match endian {
        Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => out.push(c),
            Err(e) => {
                // Everything before the bad unit decoded, so its offset is what `out` holds.
                let offset = skipped + out.encode_utf16().count() * 2;
                return Err(error(
                    file,
                    offset,
                    format!(
                        "invalid {name}: unpaired surrogate 0x{:04x}",
                        e.unpaired_surrogate()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    fn utf16be(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_be_bytes());
        }
        v
    }

    #[test]
    fn utf8_plain_and_with_bom() {
        assert_eq!(decode("f", b"{\"a\":1}").unwrap(), "{\"a\":1}");
        assert_eq!(decode("f", b"\xEF\xBB\xBF{}").unwrap(), "{}");
        assert!(matches!(decode_cow("f", b"{}").unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "{\"bomFormat\": \"CycloneDX\", \"name\": \"Gerät 😀\"}";
        assert_eq!(decode("f", &utf16le(text, true)).unwrap(), text);
        assert_eq!(decode("f", &utf16be(text, true)).unwrap(), text);
        assert_eq!(decode("f", &utf16le(text, false)).unwrap(), text);
        assert_eq!(decode("f", &utf16be(text, false)).unwrap(), text);
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = decode("bom.json", b"{\"a\":\n\"\xFF\"}").unwrap_err();
        assert_eq!(err.location, "bom.json: byte 7");
        assert!(err.message.contains("0xff"), "{}", err.message);
        assert!(err.message.contains("line 2"), "{}", err.message);
        let err = decode("bom.json", b"\xEF\xBB\xBF{\xC3").unwrap_err();
        assert_eq!(err.location, "bom.json: byte 4");
        assert!(
            err.message.contains("ends inside a character"),
            "{}",
            err.message
        );
    }

    #[test]
    fn invalid_utf16_names_the_offset() {
        let mut bytes = utf16le("{\"a\"", true);
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        bytes.extend_from_slice(&u16::from(b'x').to_le_bytes());
        let err = decode("f", &bytes).unwrap_err();
        assert_eq!(err.location, "f: byte 10");
        assert!(
            err.message.contains("unpaired surrogate 0xd800"),
            "{}",
            err.message
        );
        let err = decode("f", &[0xFF, 0xFE, b'{', 0, b'}']).unwrap_err();
        assert!(
            err.message.contains("odd number of bytes"),
            "{}",
            err.message
        );
    }

    #[test]
    fn empty_and_tiny_inputs() {
        assert_eq!(decode("f", b"").unwrap(), "");
        assert_eq!(decode("f", b"{").unwrap(), "{");
        assert_eq!(decode("f", &[0xFF, 0xFE]).unwrap(), "");
    }
}
