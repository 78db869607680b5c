//! The injected source of randomness: a seeded SplitMix64 generator (deterministic per seed).

/// A small, fast, seeded pseudo-random generator. Not for secrets: it jitters backoff and fills the
/// random bits of event ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..=max`, uniform up to a bias below 2^-64 per value (multiply-shift).
    pub fn below_inclusive(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            Some(range) => ((u128::from(self.next_u64()) * u128::from(range)) >> 64) as u64,
            None => self.next_u64(),
        }
    }
}
