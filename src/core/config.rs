//! Producer configuration: every option with its default and its allowed range in one table.

use crate::core::decimal::Decimal;
use crate::core::error::{quoted, Error, ErrorCode, Result};
use crate::core::limits::{
    MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_STREAM_ARN_CHARS, MAX_STREAM_NAME_CHARS,
};
use crate::core::text::text;
use crate::core::text::{char_count, split_once_ascii};

/// Which stream the records go to; encoded as `StreamName` or `StreamARN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamTarget {
    /// A stream name: 1..=128 characters from `[a-zA-Z0-9_.-]`.
    Name(String),
    /// A stream ARN: `arn:<partition>:kinesis:<region>:<account>:stream/<name>`.
    Arn(String),
}

/// What `put` does when the buffer is at `maxBufferedRecords` or `maxBufferedBytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OverflowPolicy {
    /// Reject the new event with `BufferFull` and count it (the default): nothing already accepted is
    /// lost.
    #[default]
    RejectNew,
    /// Drop the oldest records that are not in flight until the new one fits, counting each drop under
    /// the reason `overflow` and reporting their ids; reject with `BufferFull` when even that cannot
    /// make room (everything else is in flight).
    DropOldest,
}

/// One numeric option's JS name, default and inclusive range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionBounds {
    /// The JavaScript option name used in messages.
    pub name: &'static str,
    /// The value used when the option is not given.
    pub default: u64,
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value.
    pub max: u64,
}

const fn bounds(name: &'static str, default: u64, min: u64, max: u64) -> OptionBounds {
    OptionBounds {
        name,
        default,
        min,
        max,
    }
}

/// Default 1000 ms, 0..=600000: how long after the oldest unsent record a partial batch is sent.
pub const FLUSH_INTERVAL_MS: OptionBounds = bounds("flushIntervalMs", 1_000, 0, 600_000);
/// Default 500, 1..=500: records per request.
pub const MAX_BATCH_RECORDS_OPTION: OptionBounds =
    bounds("maxBatchRecords", 500, 1, MAX_BATCH_RECORDS as u64);
/// Default 5 MiB, 1..=5 MiB: partition key plus data bytes per request.
pub const MAX_BATCH_BYTES_OPTION: OptionBounds = bounds(
    "maxBatchBytes",
    MAX_BATCH_BYTES as u64,
    1,
    MAX_BATCH_BYTES as u64,
);
/// Default 10000, 1..=1000000: records held (buffered, backing off or in flight).
pub const MAX_BUFFERED_RECORDS: OptionBounds = bounds("maxBufferedRecords", 10_000, 1, 1_000_000);
/// Default 8 MiB, 1..=1 GiB: key plus data bytes held (buffered, backing off or in flight).
pub const MAX_BUFFERED_BYTES: OptionBounds =
    bounds("maxBufferedBytes", 8 * 1_048_576, 1, 1_073_741_824);
/// Default 24 h, 1000..=7 days: a record not accepted this long after its put fails.
pub const RECORD_TTL_MS: OptionBounds = bounds("recordTtlMs", 86_400_000, 1_000, 604_800_000);
/// Default 10, 1..=100: sends of one record before it fails (credential/clock retries excepted).
pub const MAX_ATTEMPTS: OptionBounds = bounds("maxAttempts", 10, 1, 100);
/// Default 4, 1..=64: requests in flight at once.
pub const MAX_IN_FLIGHT: OptionBounds = bounds("maxInFlight", 4, 1, 64);
/// Default 100 ms, 1..=60000: first backoff ceiling (doubles per attempt).
pub const RETRY_BASE_MS: OptionBounds = bounds("retryBaseMs", 100, 1, 60_000);
/// Default 20000 ms, 1..=3600000: largest backoff ceiling; at least retryBaseMs.
pub const RETRY_MAX_MS: OptionBounds = bounds("retryMaxMs", 20_000, 1, 3_600_000);
/// Default 60000 ms, 1000..=86400000: wait before probing again after a non-retryable error.
pub const PAUSED_RETRY_MS: OptionBounds = bounds("pausedRetryMs", 60_000, 1_000, 86_400_000);

/// Every numeric option, in declaration order.
pub const OPTION_TABLE: [OptionBounds; 11] = [
    FLUSH_INTERVAL_MS,
    MAX_BATCH_RECORDS_OPTION,
    MAX_BATCH_BYTES_OPTION,
    MAX_BUFFERED_RECORDS,
    MAX_BUFFERED_BYTES,
    RECORD_TTL_MS,
    MAX_ATTEMPTS,
    MAX_IN_FLIGHT,
    RETRY_BASE_MS,
    RETRY_MAX_MS,
    PAUSED_RETRY_MS,
];

/// Everything the producer core needs to know; see [`OPTION_TABLE`] for defaults and ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    /// The stream (name or ARN).
    pub stream: StreamTarget,
    /// Default 1000, min 0, max 600000: a partial batch is sent this long after its oldest record's put.
    pub flush_interval_ms: u64,
    /// Default 500, min 1, max 500: records per request.
    pub max_batch_records: usize,
    /// Default 5242880 (5 MiB), min 1, max 5242880: key plus data bytes per request.
    pub max_batch_bytes: usize,
    /// Default 10000, min 1, max 1000000: records held at once (buffered or in flight).
    pub max_buffered_records: usize,
    /// Default 8388608 (8 MiB), min 1, max 1073741824: key plus data bytes held at once.
    pub max_buffered_bytes: usize,
    /// Default 86400000 (24 h), min 1000, max 604800000: a record unaccepted this long after put fails.
    pub record_ttl_ms: u64,
    /// Default 10, min 1, max 100: sends of one record before it fails. A resend right after a
    /// credential refresh or clock correction does not count, unless the previous failure of that
    /// record was one too.
    pub max_attempts: u32,
    /// Default 4, min 1, max 64: requests in flight at once.
    pub max_in_flight: usize,
    /// Default 100, min 1, max 60000: backoff ceiling of the first retry; it doubles per attempt.
    pub retry_base_ms: u64,
    /// Default 20000, min 1, max 3600000 and at least `retry_base_ms`: largest backoff ceiling.
    pub retry_max_ms: u64,
    /// Default 60000, min 1000, max 86400000: pause before probing again after a non-retryable error.
    pub paused_retry_ms: u64,
    /// Default `RejectNew`: what a full buffer does with a new event.
    pub overflow: OverflowPolicy,
}

impl ProducerConfig {
    /// The defaults from [`OPTION_TABLE`] for `stream`.
    pub fn new(stream: StreamTarget) -> Self {
        ProducerConfig {
            stream,
            flush_interval_ms: FLUSH_INTERVAL_MS.default,
            max_batch_records: MAX_BATCH_RECORDS_OPTION.default as usize,
            max_batch_bytes: MAX_BATCH_BYTES_OPTION.default as usize,
            max_buffered_records: MAX_BUFFERED_RECORDS.default as usize,
            max_buffered_bytes: MAX_BUFFERED_BYTES.default as usize,
            record_ttl_ms: RECORD_TTL_MS.default,
            max_attempts: MAX_ATTEMPTS.default as u32,
            max_in_flight: MAX_IN_FLIGHT.default as usize,
            retry_base_ms: RETRY_BASE_MS.default,
            retry_max_ms: RETRY_MAX_MS.default,
            paused_retry_ms: PAUSED_RETRY_MS.default,
            overflow: OverflowPolicy::default(),
        }
    }

    /// Checks every option against its range; the `InvalidConfig` message names the JS option, the
    /// range and the value.
    pub fn validate(&self) -> Result<()> {
        validate_stream(&self.stream)?;
        let values: [u64; 11] = [
            self.flush_interval_ms,
            self.max_batch_records as u64,
            self.max_batch_bytes as u64,
            self.max_buffered_records as u64,
            self.max_buffered_bytes as u64,
            self.record_ttl_ms,
            u64::from(self.max_attempts),
            self.max_in_flight as u64,
            self.retry_base_ms,
            self.retry_max_ms,
            self.paused_retry_ms,
        ];
        for (option, value) in OPTION_TABLE.iter().zip(&values) {
            option.check(*value)?;
        }
        if self.retry_max_ms < self.retry_base_ms {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                text!(
                    "retryMaxMs is {} but must be at least retryBaseMs ({})",
                    Decimal::from(self.retry_max_ms),
                    Decimal::from(self.retry_base_ms)
                ),
            ));
        }
        Ok(())
    }
}

impl OptionBounds {
    /// `InvalidConfig` naming the option, its range and `value` when `value` is outside the range.
    pub fn check(&self, value: u64) -> Result<()> {
        if value < self.min || value > self.max {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                text!(
                    "{} is {}; it must be in {}..={}",
                    self.name,
                    Decimal::from(value),
                    Decimal::from(self.min),
                    Decimal::from(self.max)
                ),
            ));
        }
        Ok(())
    }
}

fn validate_stream(stream: &StreamTarget) -> Result<()> {
    match stream {
        StreamTarget::Name(name) => {
            let chars = char_count(name);
            if chars == 0 || chars > MAX_STREAM_NAME_CHARS {
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    text!(
                        "streamName has {} characters; it must have 1..={}",
                        chars,
                        MAX_STREAM_NAME_CHARS
                    ),
                ));
            }
            let bytes = name.as_bytes();
            let mut bad_at = 0;
            while bad_at < bytes.len()
                && (bytes[bad_at].is_ascii_alphanumeric()
                    || matches!(bytes[bad_at], b'_' | b'.' | b'-'))
            {
                bad_at += 1;
            }
            if let Some(&lead) = bytes.get(bad_at) {
                // Every byte before is ASCII, so `bad_at` starts a character; its lead byte gives its length.
                let len = match lead {
                    0x00..=0x7f => 1,
                    0x80..=0xdf => 2,
                    0xe0..=0xef => 3,
                    _ => 4,
                };
                let bad = name.get(bad_at..bad_at + len).unwrap_or_default();
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    text!(
                        "streamName {} has {}; only [a-zA-Z0-9_.-] is allowed",
                        quoted(name),
                        quoted(bad)
                    ),
                ));
            }
        }
        StreamTarget::Arn(arn) => {
            let chars = char_count(arn);
            if chars == 0 || chars > MAX_STREAM_ARN_CHARS {
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    text!(
                        "streamArn has {} characters; it must have 1..={}",
                        chars,
                        MAX_STREAM_ARN_CHARS
                    ),
                ));
            }
            let well_formed = arn_stream_name(arn).is_some_and(|name| name.len() > "stream/".len());
            if !well_formed {
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    text!("streamArn {} is not of the form arn:<partition>:kinesis:<region>:<account>:stream/<name>", quoted(arn)),
                ));
            }
        }
    }
    Ok(())
}

/// The `stream/<name>` part of `arn:<partition>:kinesis:<region>:<account>:stream/<name>` (the
/// name may contain ':'), when `arn` has that shape.
fn arn_stream_name(arn: &str) -> Option<&str> {
    let (_partition, rest) = split_once_ascii(arn.strip_prefix("arn:")?, b':')?;
    let (_region, rest) = split_once_ascii(rest.strip_prefix("kinesis:")?, b':')?;
    let (_account, resource) = split_once_ascii(rest, b':')?;
    resource.starts_with("stream/").then_some(resource)
}
