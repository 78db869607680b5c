//! Randomness for the edge: a seed from `crypto.getRandomValues` (the global one; `Math.random` and
//! the time where it is missing), stretched with SplitMix64 for session ids and random partition keys.

use js_sys::{Reflect, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};

/// 64 random bits for seeding.
pub fn random_seed() -> u64 {
    let global = js_sys::global();
    let crypto = Reflect::get(&global, &JsValue::from_str("crypto")).unwrap_or_default();
    let fill = Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).unwrap_or_default();
    if let Some(fill) = fill.dyn_ref::<js_sys::Function>() {
        let words = Uint32Array::new_with_length(2);
        if fill.call1(&crypto, &words).is_ok() {
            return (u64::from(words.get_index(0)) << 32) | u64::from(words.get_index(1));
        }
    }
    let time = js_sys::Date::now() as u64;
    let noise = (js_sys::Math::random() * (1u64 << 53) as f64) as u64;
    time.rotate_left(32) ^ noise
}

/// SplitMix64: a tiny, fast generator; not for secrets.
#[derive(Clone, Copy, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random (version 4) UUID string.
    pub fn uuid_v4(&mut self) -> String {
        let high = (self.next_u64() & !0xf000) | 0x4000;
        let low = (self.next_u64() & !(0b11 << 62)) | (0b10 << 62);
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }
}
