//! Randomness for the edge: a seed from `crypto.getRandomValues` (the global one; `Math.random`
//! where it is missing), filled in by `src/wasm/js/random.js`, for the core's [`Rng`], and session
//! ids drawn from it.

use crate::core::event_id::EventId;
use crate::core::rng::Rng;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/src/wasm/js/random.js")]
extern "C" {
    /// Fills `bytes` from `crypto.getRandomValues`, else from `Math.random`.
    #[wasm_bindgen(js_name = fillRandom)]
    fn fill_random(bytes: &mut [u8]);
}

/// 64 random bits for seeding.
pub fn random_seed() -> u64 {
    let mut seed = [0; 8];
    fill_random(&mut seed);
    u64::from_le_bytes(seed)
}

/// A random (version 4) UUID string from `rng`.
pub fn uuid_v4(rng: &mut Rng) -> String {
    let high = (rng.next_u64() & !0xf000) | 0x4000;
    let low = (rng.next_u64() & !(0b11 << 62)) | (0b10 << 62);
    // The same 8-4-4-4-12 lowercase hex text as an event id of the same 128 bits.
    EventId(u128::from(high) << 64 | u128::from(low)).to_text()
}
