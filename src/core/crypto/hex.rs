//! Lowercase hexadecimal text of bytes (how SigV4 writes hashes and signatures).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends two lowercase hex digits per byte of `bytes` to `out`.
pub fn push_hex(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

/// Lowercase hex of `bytes`, two digits per byte.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    push_hex(bytes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_as_two_lowercase_digits() {
        let bytes: Vec<u8> = (0..=255).collect();
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(to_hex(&bytes), expected);
        assert_eq!(to_hex(&[]), "");
    }
}
