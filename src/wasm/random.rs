//! Randomness for the edge: a seed from `crypto.getRandomValues` (the global one; `Math.random` and
//! the time where it is missing) for the core's [`Rng`], and session ids drawn from it.

use super::dynamic::get;
use crate::core::event_id::EventId;
use crate::core::rng::Rng;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;

/// 64 random bits for seeding.
pub fn random_seed() -> u64 {
    let crypto = get(&super::dynamic::global_object(), "crypto");
    if let Some(fill) = get(&crypto, "getRandomValues").dyn_ref::<js_sys::Function>() {
        // A copy of eight zero bytes: the Uint8Array bindings the edge has anyway.
        let bytes = Uint8Array::from(&[0u8; 8][..]);
        if fill.call1(&crypto, &bytes).is_ok() {
            let mut seed = [0; 8];
            bytes.copy_to(&mut seed);
            return u64::from_le_bytes(seed);
        }
    }
    let time = js_sys::Date::now() as u64;
    // `Math.random()` called by name: a fallback that needs no binding of its own.
    let random = super::dynamic::global("Math")
        .and_then(|math| super::dynamic::call(&math, "random", &[]).ok())
        .and_then(|value| value.as_f64())
        .unwrap_or(0.0);
    let noise = (random * (1u64 << 53) as f64) as u64;
    time.rotate_left(32) ^ noise
}

/// A random (version 4) UUID string from `rng`.
pub fn uuid_v4(rng: &mut Rng) -> String {
    let high = (rng.next_u64() & !0xf000) | 0x4000;
    let low = (rng.next_u64() & !(0b11 << 62)) | (0b10 << 62);
    // The same 8-4-4-4-12 lowercase hex text as an event id of the same 128 bits.
    EventId(u128::from(high) << 64 | u128::from(low)).to_text()
}
