//! Lowercase hexadecimal, the only spelling this crate writes and the only one digests are read in.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Reads exactly 32 bytes written as 64 lowercase hex digits.
pub fn decode_32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (lower_nibble(pair[0])? << 4) | lower_nibble(pair[1])?;
    }
    Some(out)
}

/// Whether `text` is a SHA-256 digest as this crate writes it: 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| lower_nibble(b).is_some())
}

fn lower_nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strictness() {
        let bytes: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37)).collect();
        let text = encode(&bytes);
        assert_eq!(text.len(), 64);
        assert_eq!(decode_32(&text).map(|a| a.to_vec()), Some(bytes));
        assert!(is_sha256_hex(&text));
        assert!(!is_sha256_hex(&text.to_uppercase()));
        assert!(decode_32(&text[..62]).is_none());
        assert!(decode_32(&format!("{}g", &text[..63])).is_none());
    }
}
