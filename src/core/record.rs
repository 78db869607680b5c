//! One event as Kinesis sees it (data, partition key, optional ExplicitHashKey), validated at put time.

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::limits::{MAX_PARTITION_KEY_CHARS, MAX_RECORD_BYTES, MIN_PARTITION_KEY_CHARS};
use crate::core::partition::validate_explicit_hash_key;
use crate::core::text::text;

/// Per-event options given to `put`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutOptions {
    /// Chooses the shard (through its MD5) and the ordering group: 1..=256 Unicode characters.
    pub partition_key: String,
    /// Overrides the MD5 of the partition key: a decimal integer in 0..=2^128-1 without sign or
    /// leading zeros.
    pub explicit_hash_key: Option<String>,
}

impl PutOptions {
    /// Options with only a partition key.
    pub fn key(partition_key: impl Into<String>) -> Self {
        PutOptions {
            partition_key: partition_key.into(),
            explicit_hash_key: None,
        }
    }
}

/// A record that passed every Kinesis limit; it can be encoded into any request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    data: Vec<u8>,
    partition_key: String,
    explicit_hash_key: Option<String>,
}

impl Record {
    /// Validates `data` and `options` against the Kinesis limits, or says which limit was broken.
    ///
    /// Errors: `InvalidPartitionKey` (empty or over 256 characters), `InvalidExplicitHashKey`
    /// (not a decimal integer in 0..=2^128-1), `RecordTooLarge` (key bytes plus data over 1 MiB).
    pub fn new(data: Vec<u8>, options: PutOptions) -> Result<Record> {
        validate_partition_key(&options.partition_key)?;
        if let Some(explicit) = &options.explicit_hash_key {
            validate_explicit_hash_key(explicit)?;
        }
        let size = options.partition_key.len() + data.len();
        if size > MAX_RECORD_BYTES {
            return Err(Error::new(
                ErrorCode::RecordTooLarge,
                text!(
                    "partition key plus data is {} bytes; the Kinesis limit is {} bytes (1 MiB)",
                    size,
                    MAX_RECORD_BYTES
                ),
            ));
        }
        Ok(Record {
            data,
            partition_key: options.partition_key,
            explicit_hash_key: options.explicit_hash_key,
        })
    }

    /// The data bytes, sent base64-encoded.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The partition key.
    pub fn partition_key(&self) -> &str {
        &self.partition_key
    }

    /// The ExplicitHashKey as given (already checked to be a decimal in range).
    pub fn explicit_hash_key(&self) -> Option<&str> {
        self.explicit_hash_key.as_deref()
    }

    /// What Kinesis counts against its size limits: partition key UTF-8 bytes plus data bytes.
    pub fn payload_bytes(&self) -> usize {
        self.partition_key.len() + self.data.len()
    }
}

/// Checks that a partition key has 1..=256 Unicode characters, counted as UTF-16 code units
/// (see [`MAX_PARTITION_KEY_CHARS`]).
pub fn validate_partition_key(key: &str) -> Result<()> {
    // A UTF-16 code unit never takes fewer UTF-8 bytes than one, so a key of at most 256 bytes
    // has at most 256 code units.
    let chars = if key.len() <= MAX_PARTITION_KEY_CHARS {
        if key.is_empty() {
            0
        } else {
            MIN_PARTITION_KEY_CHARS
        }
    } else {
        // One code unit per character, two for a character of four UTF-8 bytes (lead byte 0xF0..).
        let mut units = 0;
        for &byte in key.as_bytes() {
            units += usize::from((byte as i8) >= -0x40) + usize::from(byte >= 0xf0);
        }
        units
    };
    if chars < MIN_PARTITION_KEY_CHARS {
        return Err(Error::new(
            ErrorCode::InvalidPartitionKey,
            text!(
                "partitionKey is empty; it must have {}..={} Unicode characters",
                MIN_PARTITION_KEY_CHARS,
                MAX_PARTITION_KEY_CHARS
            ),
        ));
    }
    if chars > MAX_PARTITION_KEY_CHARS {
        return Err(Error::new(
            ErrorCode::InvalidPartitionKey,
            text!(
                "partitionKey has {} Unicode characters (UTF-16 code units); it must have {}..={}",
                chars,
                MIN_PARTITION_KEY_CHARS,
                MAX_PARTITION_KEY_CHARS
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_key_length_is_counted_in_utf16_code_units() {
        for piece in ["a", "é", "日", "\u{1F600}"] {
            for count in [1, 63, 64, 65, 85, 86, 128, 129, 255, 256, 257, 300] {
                let key = piece.repeat(count);
                let units = key.encode_utf16().count();
                let result = validate_partition_key(&key);
                assert_eq!(
                    result.is_ok(),
                    units <= MAX_PARTITION_KEY_CHARS,
                    "{piece} x {count}"
                );
                if let Err(error) = result {
                    assert!(
                        error.message().contains(&format!("has {units} Unicode")),
                        "{error}"
                    );
                }
            }
        }
        let mixed = "a\u{1F600}é日".repeat(60);
        assert!(validate_partition_key(&mixed).is_err());
        assert!(validate_partition_key(&mixed[..mixed.len() / 2]).is_ok());
    }
}
