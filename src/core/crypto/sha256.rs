//! SHA-256 (FIPS 180-4 §6.2) as one rolled compression loop: small in the `.wasm`, about as fast as
//! any portable implementation per byte.

/// First 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 §4.2.2).
const ROUND_CONSTANTS: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// First 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Bytes in one SHA-256 message block.
pub const BLOCK_BYTES: usize = 64;

/// Bytes in a SHA-256 digest.
pub const DIGEST_BYTES: usize = 32;

/// An incremental SHA-256: feed bytes with [`Sha256::update`], read the digest with
/// [`Sha256::finish`]. Gives the same digest however the input is split.
#[derive(Clone)]
pub struct Sha256 {
    state: [u32; 8],
    block: [u8; BLOCK_BYTES],
    /// Bytes waiting in `block` (always below 64 between calls).
    filled: usize,
    /// Message length so far, in bytes.
    length: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Sha256::new()
    }
}

impl Sha256 {
    /// A hash of the empty message, ready for input.
    pub fn new() -> Self {
        Sha256 {
            state: INITIAL_STATE,
            block: [0; BLOCK_BYTES],
            filled: 0,
            length: 0,
        }
    }

    /// Appends `data` to the message.
    pub fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.filled > 0 {
            let take = data.len().min(BLOCK_BYTES - self.filled);
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < BLOCK_BYTES {
                return;
            }
            let block = self.block;
            compress(&mut self.state, &block);
            self.filled = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK_BYTES>();
        for block in blocks {
            compress(&mut self.state, block);
        }
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// The digest of everything appended: padding (a 1 bit, zeros, the bit length as a big-endian
    /// u64) completes the last block.
    pub fn finish(mut self) -> [u8; DIGEST_BYTES] {
        let bit_length = self.length.wrapping_mul(8);
        let mut padding = [0u8; BLOCK_BYTES + 8];
        padding[0] = 0x80;
        // One 0x80 byte, then zeros up to 56 mod 64, then the 8 length bytes.
        let zeros = (BLOCK_BYTES + 55 - self.filled) % BLOCK_BYTES;
        let end = 1 + zeros;
        padding[end..end + 8].copy_from_slice(&bit_length.to_be_bytes());
        self.update(&padding[..end + 8]);
        let mut digest = [0u8; DIGEST_BYTES];
        for index in 0..8 {
            digest[index * 4..index * 4 + 4].copy_from_slice(&self.state[index].to_be_bytes());
        }
        digest
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; DIGEST_BYTES] {
    let mut hash = Sha256::new();
    hash.update(data);
    hash.finish()
}

/// One application of the compression function to a 64-byte block. The message schedule is kept
/// as a rolling window of 16 words, indexed modulo 16.
fn compress(state: &mut [u32; 8], block: &[u8; BLOCK_BYTES]) {
    let mut window = [0u32; 16];
    for (word, bytes) in window.iter_mut().zip(block.as_chunks::<4>().0) {
        *word = u32::from_be_bytes(*bytes);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for t in 0..64 {
        let word = if t < 16 {
            window[t]
        } else {
            let w15 = window[(t + 1) & 15];
            let w2 = window[(t + 14) & 15];
            let sigma0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
            let sigma1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
            let next = sigma1
                .wrapping_add(window[(t + 9) & 15])
                .wrapping_add(sigma0)
                .wrapping_add(window[t & 15]);
            window[t & 15] = next;
            next
        };
        let big_sigma1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let choose = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(big_sigma1)
            .wrapping_add(choose)
            .wrapping_add(ROUND_CONSTANTS[t])
            .wrapping_add(word);
        let big_sigma0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let majority = (a & b) ^ (a & c) ^ (b & c);
        let t2 = big_sigma0.wrapping_add(majority);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    let added = [a, b, c, d, e, f, g, h];
    for index in 0..8 {
        state[index] = state[index].wrapping_add(added[index]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_primes(count: usize) -> Vec<u128> {
        (2u128..)
            .filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0))
            .take(count)
            .collect()
    }

    /// The largest r with r^power <= value.
    fn integer_root(value: u128, power: u32) -> u128 {
        let (mut low, mut high) = (0u128, 1u128 << (128 / power + 1));
        while low < high {
            let mid = (low + high).div_ceil(2);
            match mid.checked_pow(power) {
                Some(p) if p <= value => low = mid,
                _ => high = mid - 1,
            }
        }
        low
    }

    #[test]
    fn constants_are_the_fractional_parts_of_prime_roots() {
        for (constant, prime) in ROUND_CONSTANTS.iter().zip(first_primes(64)) {
            // floor(cbrt(p) * 2^32) mod 2^32, exactly.
            let root = integer_root(prime << 96, 3);
            assert_eq!(*constant, root as u32, "cube root of {prime}");
        }
        for (word, prime) in INITIAL_STATE.iter().zip(first_primes(8)) {
            let root = integer_root(prime << 64, 2);
            assert_eq!(*word, root as u32, "square root of {prime}");
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn fips_180_examples() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_million_a_in_uneven_pieces() {
        let mut hash = Sha256::new();
        let piece = [b'a'; 997];
        let mut left = 1_000_000;
        while left > 0 {
            let take = left.min(piece.len());
            hash.update(&piece[..take]);
            left -= take;
        }
        assert_eq!(
            hex(&hash.finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }
}
