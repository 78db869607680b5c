//! Unique, time-ordered event ids: UUIDv7 (RFC 9562) with a monotonic counter within a millisecond.
//!
//! Layout: 48-bit Unix milliseconds, version 7, a 42-bit counter (12 bits of `rand_a` plus the top
//! 30 bits of `rand_b`), variant `10`, 32 random bits. Each new millisecond seeds the counter randomly
//! below 2^41, leaving at least 2^41 increments of room; if it still overflows, or the clock goes back,
//! the timestamp is carried forward so ids never decrease.

use std::fmt;
use std::str::FromStr;

use crate::core::error::{quoted, Error, ErrorCode, Result};

use crate::core::rng::Rng;
use crate::core::text::{text, PushText};

/// An event id; `Display` gives the canonical lowercase UUID text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub u128);

impl EventId {
    /// The Unix millisecond timestamp in the id's first 48 bits.
    pub fn timestamp_ms(self) -> u64 {
        (self.0 >> 80) as u64
    }
}

impl EventId {
    /// The canonical lowercase UUID text (`8-4-4-4-12` hex digits) as ASCII bytes, built on the
    /// stack.
    pub fn to_ascii(self) -> [u8; 36] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'-'; 36];
        let mut at = text.len();
        // From the last digit back, the lower half first: 64-bit shifts, not 128-bit ones.
        for half in [self.0 as u64, (self.0 >> 64) as u64] {
            let mut value = half;
            for _ in 0..16 {
                at -= 1;
                if matches!(at, 8 | 13 | 18 | 23) {
                    at -= 1;
                }
                text[at] = DIGITS[(value & 0xf) as usize];
                value >>= 4;
            }
        }
        text
    }

    /// The canonical lowercase UUID text, as `Display` writes it.
    pub fn to_text(self) -> String {
        // Hex digits and dashes only: always UTF-8.
        String::from_utf8(self.to_ascii().to_vec()).unwrap_or_default()
    }
}

impl PushText for EventId {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        out.push_str(&self.to_text());
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

const COUNTER_BITS: u32 = 42;
const TIMESTAMP_MASK: u64 = (1 << 48) - 1;

/// Hands out strictly increasing UUIDv7 ids.
#[derive(Clone, Debug, Default)]
pub struct EventIdGenerator {
    last_ms: u64,
    counter: u64,
}

impl EventIdGenerator {
    /// A generator that has not issued an id yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next id for an event put at `now_ms`; greater than every id this generator gave before.
    pub fn next_id(&mut self, now_ms: u64, rng: &mut Rng) -> EventId {
        let now_ms = now_ms & TIMESTAMP_MASK;
        if now_ms > self.last_ms {
            self.last_ms = now_ms;
            self.counter = rng.next_u64() >> (64 - (COUNTER_BITS - 1));
        } else {
            self.counter += 1;
            if self.counter >> COUNTER_BITS != 0 {
                self.last_ms = (self.last_ms + 1) & TIMESTAMP_MASK;
                self.counter = rng.next_u64() >> (64 - (COUNTER_BITS - 1));
            }
        }
        let counter_high = u128::from(self.counter >> 30);
        let counter_low = u128::from(self.counter & ((1 << 30) - 1));
        let random = u128::from(rng.next_u64() as u32);
        EventId(
            (u128::from(self.last_ms) << 80)
                | (0x7 << 76)
                | (counter_high << 64)
                | (0b10 << 62)
                | (counter_low << 32)
                | random,
        )
    }
}

impl FromStr for EventId {
    type Err = Error;

    /// Parses the canonical 36-character UUID text `Display` writes (either case).
    fn from_str(text: &str) -> Result<Self> {
        let bad = || {
            Error::new(
                ErrorCode::InvalidData,
                text!("event id {} is not a 36-character UUID", quoted(text)),
            )
        };
        if text.len() != 36 {
            return Err(bad());
        }
        let mut value: u128 = 0;
        // 36 bytes: a byte that is part of a longer character is neither '-' nor a hex digit.
        for (index, &byte) in text.as_bytes().iter().enumerate() {
            if matches!(index, 8 | 13 | 18 | 23) {
                if byte != b'-' {
                    return Err(bad());
                }
                continue;
            }
            let digit = char::from(byte).to_digit(16).ok_or_else(bad)?;
            value = (value << 4) | u128::from(digit);
        }
        Ok(EventId(value))
    }
}

#[cfg(test)]
mod tests {
    use super::EventId;

    #[test]
    fn the_ascii_is_the_hex_of_each_half_in_8_4_4_4_12_groups() {
        let id = EventId(0x0190_1234_5678_7abc_8def_0123_4567_89ab);
        assert_eq!(&id.to_ascii(), b"01901234-5678-7abc-8def-0123456789ab");
        assert_eq!(
            &EventId(u128::MAX).to_ascii(),
            b"ffffffff-ffff-ffff-ffff-ffffffffffff"
        );
        assert_eq!(
            &EventId(1 << 64).to_ascii(),
            b"00000000-0000-0001-0000-000000000000"
        );
        assert_eq!(
            &EventId((1 << 64) - 1).to_ascii(),
            b"00000000-0000-0000-ffff-ffffffffffff"
        );
    }
}
