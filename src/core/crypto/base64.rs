//! Standard base64 with padding (RFC 4648 §4), the encoding of PutRecords `Data` and of records kept
//! in `localStorage`. Decoding is strict: only canonical padded text is accepted.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Length of the padded base64 of `n` bytes.
pub fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// A base64 encoder: a table of every two-symbol pair, so that each 24-bit group takes two
/// lookups instead of four (20% faster in wasm for 10 kB records). Building it costs about as much
/// as encoding 3 kB: make one per request body, not per record.
pub struct Encoder {
    /// The symbols of each 12-bit value, the first in the low byte.
    pairs: [u16; 4096],
}

impl Encoder {
    /// An encoder with its pair table built.
    #[inline(never)]
    pub fn new() -> Encoder {
        let mut pairs = [0u16; 4096];
        let mut index = 0;
        while index < pairs.len() {
            pairs[index] = u16::from(ALPHABET[index >> 6]) | u16::from(ALPHABET[index & 63]) << 8;
            index += 1;
        }
        Encoder { pairs }
    }

    /// Appends the padded base64 of `data` to `out`.
    ///
    /// Written for the size-optimised build: fixed-size chunks indexed in a `while` loop, because
    /// slice ranges, `try_into` and iterator adapters stay out-of-line calls there (3.5× slower in
    /// wasm).
    #[inline(never)]
    pub fn encode_into(&self, data: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        extend_zeroed(out, encoded_len(data.len()));
        let (sextets, rest) = data.as_chunks::<6>();
        let (octets, _) = out[start..].as_chunks_mut::<8>();
        let mut index = 0;
        while index < sextets.len() && index < octets.len() {
            octets[index] = self.octet(sextets[index]);
            index += 1;
        }
        if !rest.is_empty() {
            // The last one to five bytes, zero-padded to six: the symbols that carry their bits,
            // then `=` up to the four or eight symbols left.
            let mut last = [0u8; 6];
            last[..rest.len()].copy_from_slice(rest);
            let symbols = self.octet(last);
            let tail = &mut out[start + 8 * sextets.len()..];
            tail.copy_from_slice(&symbols[..tail.len()]);
            tail[(4 * rest.len()).div_ceil(3)..].fill(b'=');
        }
    }

    /// The eight base64 digits of six bytes.
    #[inline(always)]
    fn octet(&self, [a, b, c, d, e, f]: [u8; 6]) -> [u8; 8] {
        (u64::from(self.quad([a, b, c])) | u64::from(self.quad([d, e, f])) << 32).to_le_bytes()
    }

    /// The four base64 digits of the 24-bit group `bytes`, the first in the low byte.
    #[inline(always)]
    fn quad(&self, bytes: [u8; 3]) -> u32 {
        let group = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        u32::from(self.pairs[(group >> 12) as usize & 4095])
            | u32::from(self.pairs[group as usize & 4095]) << 16
    }
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

/// Appends `count` zero bytes by block copies: a byte-at-a-time fill (`Vec::resize` in a
/// size-optimised build) costs a tenth of the time of encoding large records. Blocks of 4 KiB:
/// with 256-byte blocks the calls cost a third as much as the encoding (10 kB records in wasm); the
/// zeros take no room in the `.wasm` (memory starts zeroed, wasm-opt drops zero data).
fn extend_zeroed(out: &mut Vec<u8>, mut count: usize) {
    const ZEROS: [u8; 4096] = [0; 4096];
    out.reserve(count);
    while count > 0 {
        let block = count.min(ZEROS.len());
        out.extend_from_slice(&ZEROS[..block]);
        count -= block;
    }
}

/// Appends the padded base64 of `data` to `out`, through a new [`Encoder`] (for many inputs, keep one).
pub fn encode_into(data: &[u8], out: &mut Vec<u8>) {
    Encoder::new().encode_into(data, out);
}

/// The padded base64 of `data` as text.
pub fn encode(data: &[u8]) -> String {
    let mut out = Vec::new();
    encode_into(data, &mut out);
    // Only ASCII symbols were written, so this never falls back to the empty default.
    String::from_utf8(out).unwrap_or_default()
}

/// The bytes `text` encodes, or `None` unless it is canonical padded base64: a multiple of four
/// symbols from the standard alphabet, `=` only as the last one or two, and zero bits where the
/// padding cuts the last symbol.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let last = (text.len() / 4).wrapping_sub(1);
    for (index, quantum) in text.chunks_exact(4).enumerate() {
        let padding = if index == last {
            quantum.iter().rev().take_while(|&&b| b == b'=').count()
        } else {
            0
        };
        if padding > 2 {
            return None;
        }
        let mut group = 0u32;
        for &symbol in &quantum[..4 - padding] {
            group = group << 6 | symbol_value(symbol)?;
        }
        group <<= 6 * padding;
        let bytes = group.to_be_bytes();
        let kept = 1 + 3 - padding;
        if bytes[kept..].iter().any(|&byte| byte != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[1..kept]);
    }
    Some(out)
}

fn symbol_value(symbol: u8) -> Option<u32> {
    let value = match symbol {
        b'A'..=b'Z' => symbol - b'A',
        b'a'..=b'z' => symbol - b'a' + 26,
        b'0'..=b'9' => symbol - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(encoded_len(plain.len()), encoded.len());
            assert_eq!(decode(encoded.as_bytes()).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn every_length_and_byte_round_trips() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let encoder = Encoder::new();
        for length in 0..40 {
            for start in [0, 1, 2, 100, 470] {
                let plain = &data[start..start + length];
                let mut out = b"prefix".to_vec();
                encoder.encode_into(plain, &mut out);
                assert_eq!(&out[..6], b"prefix");
                assert_eq!(out.len(), 6 + encoded_len(length));
                assert_eq!(
                    decode(&out[6..]).as_deref(),
                    Some(plain),
                    "{length} from {start}"
                );
            }
        }
        assert_eq!(
            encode(&data[..]),
            concat!(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+//",
                "/+/fz7+vn49/b19PPy8fDv7u3s6+rp6Ofm5eTj4uHg397d3Nva2djX1tXU09LR0M/OzczLysnIx8bFxMPCwcC/vr28u7q5uLe2tbSzsrGwr66trKuqqainpqWko6KhoJ+enZybmpmYl5aVlJOSkZCPjo2Mi4qJiIeGhYSDgoGAf359fHt6eXh3dnV0c3JxcG9ubWxramloZ2ZlZGNiYWBfXl1cW1pZWFdWVVRTUlFQT05NTEtKSUhHRkVEQ0JBQD8+PTw7Ojk4NzY1NDMyMTAvLi0sKyopKCcmJSQjIiEgHx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="
            )
        );
    }

    #[test]
    fn rejects_what_is_not_canonical() {
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm9v\n", "Zm 9", "Zm-v",
            "Zm_v",
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad}");
        }
    }
}
