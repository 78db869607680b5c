//! HMAC-SHA-256 (RFC 2104 with SHA-256: 64-byte blocks, 32-byte tags).

use super::sha256::{sha256, Sha256, BLOCK_BYTES, DIGEST_BYTES};

/// HMAC-SHA-256 of `message` under `key` (any length; keys longer than a block are hashed first).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; DIGEST_BYTES] {
    let mut block_key = [0u8; BLOCK_BYTES];
    if key.len() > BLOCK_BYTES {
        block_key[..DIGEST_BYTES].copy_from_slice(&sha256(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    // The inner pad is the key XOR 0x36; XOR with 0x36 ^ 0x5c turns it into the outer pad.
    for byte in &mut block_key {
        *byte ^= 0x36;
    }
    let mut inner = Sha256::new();
    inner.update(&block_key);
    inner.update(message);
    for byte in &mut block_key {
        *byte ^= 0x36 ^ 0x5c;
    }
    let mut outer = Sha256::new();
    outer.update(&block_key);
    outer.update(&inner.finish());
    outer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_4231_test_cases() {
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Case 6: a 131-byte key, hashed before use.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
