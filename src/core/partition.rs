//! Where a record lands: the 128-bit hash key (MD5 of the partition key, or the ExplicitHashKey) and
//! the shard whose hash-key range holds it.

use crate::core::crypto::md5::md5;
use crate::core::error::{char_prefix, quoted, Error, ErrorCode, Result};
use crate::core::text::{text, Padded};

/// The hash key Kinesis derives from a partition key: MD5 of its UTF-8 bytes as a big-endian u128.
pub fn partition_hash_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(md5(partition_key.as_bytes()))
}

/// The hash key that places a record: the ExplicitHashKey when given, else the partition key's MD5.
pub fn effective_hash_key(partition_key: &str, explicit_hash_key: Option<&str>) -> Result<u128> {
    match explicit_hash_key {
        Some(explicit) => parse_explicit_hash_key(explicit),
        None => Ok(partition_hash_key(partition_key)),
    }
}

/// 2^128-1, the largest hash key, in decimal.
const MAX_HASH_KEY_DECIMAL: &[u8] = b"340282366920938463463374607431768211455";

/// Checks an ExplicitHashKey without computing it: decimal digits, no sign, no leading zeros (except
/// "0" itself), at most 2^128-1 — the pattern Kinesis accepts. Equal-length digit strings compare
/// like their values, so the bound is a byte comparison.
pub fn validate_explicit_hash_key(text: &str) -> Result<()> {
    let invalid = |why: &str| {
        let shown = char_prefix(text, 48);
        let ellipsis = if shown.len() < text.len() { "…" } else { "" };
        Error::new(
            ErrorCode::InvalidExplicitHashKey,
            text!("explicitHashKey {}{} {}; it must be a decimal integer in 0..=340282366920938463463374607431768211455 (2^128-1)", quoted(shown), ellipsis, why),
        )
    };
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(invalid("is empty"));
    }
    if !bytes.iter().all(u8::is_ascii_digit) {
        return Err(invalid("has a character that is not a decimal digit"));
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return Err(invalid("has a leading zero"));
    }
    let max = MAX_HASH_KEY_DECIMAL;
    if bytes.len() > max.len() || (bytes.len() == max.len() && bytes > max) {
        return Err(invalid("is above 2^128-1"));
    }
    Ok(())
}

/// Parses an ExplicitHashKey (validated as [`validate_explicit_hash_key`] says) to its value.
pub fn parse_explicit_hash_key(text: &str) -> Result<u128> {
    validate_explicit_hash_key(text)?;
    Ok(text
        .bytes()
        .fold(0u128, |value, digit| value * 10 + u128::from(digit - b'0')))
}

/// One shard's inclusive hash-key range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardRange {
    /// First hash key of the range.
    pub start: u128,
    /// Last hash key of the range (inclusive).
    pub end: u128,
    /// The shard's id, e.g. `shardId-000000000000`.
    pub shard_id: String,
}

/// The open shards of a stream, sorted by range, answering which shard holds a hash key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardMap {
    ranges: Vec<ShardRange>,
}

impl ShardMap {
    /// Builds a map from ranges in any order. Errors (`InvalidConfig`) when a range has start > end
    /// or two ranges overlap. Gaps are allowed; a hash in a gap has no shard.
    pub fn new(mut ranges: Vec<ShardRange>) -> Result<ShardMap> {
        ranges.sort_by_key(|range| range.start);
        for range in &ranges {
            if range.start > range.end {
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    text!(
                        "shard {} has start {} above end {}",
                        range.shard_id,
                        range.start,
                        range.end
                    ),
                ));
            }
        }
        for pair in ranges.windows(2) {
            if pair[1].start <= pair[0].end {
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    text!(
                        "shards {} and {} overlap at hash key {}",
                        pair[0].shard_id,
                        pair[1].shard_id,
                        pair[1].start
                    ),
                ));
            }
        }
        Ok(ShardMap { ranges })
    }

    /// `count` shards splitting the hash-key space evenly, the way `CreateStream` does, named
    /// `shardId-000000000000` upwards. Errors (`InvalidConfig`) for zero shards.
    pub fn even(count: u32) -> Result<ShardMap> {
        if count == 0 {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                "shard count is 0; it must be at least 1",
            ));
        }
        let width = u128::MAX / u128::from(count);
        let ranges = (0..count)
            .map(|i| {
                let start = width * u128::from(i);
                let end = if i + 1 == count {
                    u128::MAX
                } else {
                    width * u128::from(i + 1) - 1
                };
                ShardRange {
                    start,
                    end,
                    shard_id: text!(
                        "shardId-{}",
                        Padded {
                            value: u64::from(i),
                            width: 12
                        }
                    ),
                }
            })
            .collect();
        ShardMap::new(ranges)
    }

    /// The shard whose range holds `hash_key`, if any.
    pub fn shard_for(&self, hash_key: u128) -> Option<&ShardRange> {
        let after = self.ranges.partition_point(|range| range.start <= hash_key);
        let candidate = self.ranges.get(after.checked_sub(1)?)?;
        (hash_key <= candidate.end).then_some(candidate)
    }

    /// The ranges, sorted by start.
    pub fn ranges(&self) -> &[ShardRange] {
        &self.ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits_u128(text: &str) -> bool {
        text.bytes()
            .try_fold(0u128, |value, digit| {
                value.checked_mul(10)?.checked_add(u128::from(digit - b'0'))
            })
            .is_some()
    }

    #[test]
    fn the_byte_bound_agrees_with_u128_arithmetic() {
        let max = String::from_utf8(MAX_HASH_KEY_DECIMAL.to_vec()).unwrap();
        assert_eq!(max, u128::MAX.to_string());
        let mut texts = vec![max.clone(), "1".repeat(39), "9".repeat(38), "1".repeat(40)];
        // Every single-digit change of the bound, and pseudo-random 38..=40 digit numbers.
        for position in 0..max.len() {
            for digit in b'0'..=b'9' {
                let mut bytes = max.clone().into_bytes();
                bytes[position] = digit;
                texts.push(String::from_utf8(bytes).unwrap());
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3_000 {
            let len = 38 + (state % 3) as usize;
            let text: String = (0..len)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let digit = if i == 0 { 1 + state % 9 } else { state % 10 };
                    char::from(b'0' + digit as u8)
                })
                .collect();
            texts.push(text);
        }
        for text in texts.iter().filter(|text| !text.starts_with('0')) {
            assert_eq!(
                validate_explicit_hash_key(text).is_ok(),
                fits_u128(text),
                "{text}"
            );
            if fits_u128(text) {
                assert_eq!(parse_explicit_hash_key(text).unwrap().to_string(), *text);
            }
        }
    }
}
