//! Kinesis Data Streams service limits that the client enforces exactly, as named constants.

/// Largest record: partition key (UTF-8 bytes) plus data, 1 MiB.
pub const MAX_RECORD_BYTES: usize = 1_048_576;

/// Longest partition key, in Unicode characters as Kinesis counts them: UTF-16 code units (what
/// JavaScript's `String.length` gives), so a character outside the Basic Multilingual Plane, such as
/// an emoji, counts twice. Counting Rust `char`s instead would accept keys of 129..=256 emoji that
/// the service (and kinesalite) reject, and a rejected request would hold its records forever.
pub const MAX_PARTITION_KEY_CHARS: usize = 256;

/// Shortest partition key, in UTF-16 code units.
pub const MIN_PARTITION_KEY_CHARS: usize = 1;

/// Most records in one `PutRecords` request.
pub const MAX_BATCH_RECORDS: usize = 500;

/// Most bytes of partition keys plus data in one `PutRecords` request, 5 MiB.
pub const MAX_BATCH_BYTES: usize = 5_242_880;

/// Largest ExplicitHashKey, 2^128 - 1 (the top of the hash-key space).
pub const MAX_EXPLICIT_HASH_KEY: u128 = u128::MAX;

/// Records per second one shard accepts.
pub const SHARD_RECORDS_PER_SECOND: u32 = 1_000;

/// Bytes per second one shard accepts, 1 MiB.
pub const SHARD_BYTES_PER_SECOND: u32 = 1_048_576;

/// Stream names are 1..=128 characters from `[a-zA-Z0-9_.-]`.
pub const MAX_STREAM_NAME_CHARS: usize = 128;

/// Stream ARNs are 1..=2048 characters.
pub const MAX_STREAM_ARN_CHARS: usize = 2048;
