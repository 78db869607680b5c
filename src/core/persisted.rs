//! The format of one event in durable storage (IndexedDB, localStorage): everything needed to send it
//! again from another page with the same event id and put time.
//!
//! Layout (all integers big-endian): version byte `1`; the 16-byte event id; the 8-byte put time (ms
//! since the Unix epoch); the partition key's UTF-8 length (2 bytes) and bytes; the ExplicitHashKey's
//! length (1 byte, 0 when absent) and ASCII digits; then the data bytes to the end.

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::event_id::EventId;
use crate::core::record::{PutOptions, Record};
use crate::core::text::text;

/// The current format version, the first byte of every encoded record.
pub const FORMAT_VERSION: u8 = 1;

/// Bytes of an encoded record besides its partition key, hash key and data.
pub const FIXED_BYTES: usize = 1 + 16 + 8 + 2 + 1;

/// One persisted event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistedRecord {
    /// The id `put` returned.
    pub id: EventId,
    /// When it was put (ms since the Unix epoch); its TTL counts from here.
    pub put_at_ms: u64,
    /// The partition key.
    pub partition_key: String,
    /// The ExplicitHashKey, when one was given.
    pub explicit_hash_key: Option<String>,
    /// The data bytes.
    pub data: Vec<u8>,
}

fn corrupt(message: String) -> Error {
    Error::new(
        ErrorCode::InvalidData,
        text!("persisted record: {}", message),
    )
}

impl PersistedRecord {
    /// The record for `id` put at `put_at_ms` with `record`'s key, hash key and data.
    pub fn new(id: EventId, put_at_ms: u64, record: &Record) -> Self {
        PersistedRecord {
            id,
            put_at_ms,
            partition_key: record.partition_key().to_owned(),
            explicit_hash_key: record.explicit_hash_key().map(str::to_owned),
            data: record.data().to_vec(),
        }
    }

    /// The size of [`PersistedRecord::encode`]'s output.
    pub fn encoded_len(&self) -> usize {
        FIXED_BYTES
            + self.partition_key.len()
            + self.explicit_hash_key.as_ref().map_or(0, String::len)
            + self.data.len()
    }

    /// The bytes to store (see the module docs for the layout). A partition key over 65535 bytes or
    /// a hash key over 255 bytes cannot pass `Record::new`, so every validated record encodes.
    pub fn encode(&self) -> Result<Vec<u8>> {
        self.to_bytes().ok_or_else(|| {
            let key = self.partition_key.len();
            corrupt(if key > usize::from(u16::MAX) {
                text!("partition key is {} bytes; at most 65535 are stored", key)
            } else {
                text!(
                    "explicitHashKey is {} bytes; at most 255 are stored",
                    self.explicit_hash_key.as_ref().map_or(0, String::len)
                )
            })
        })
    }

    /// What [`PersistedRecord::encode`] returns, `None` where it errs (without its message).
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        encode_fields(
            self.id,
            self.put_at_ms,
            &self.partition_key,
            self.explicit_hash_key.as_deref(),
            &self.data,
        )
    }

    /// Reads bytes written by [`PersistedRecord::encode`]. Errors (`InvalidData`) name the field
    /// that is cut short or malformed; an unknown version is refused.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut reader = Reader::new(bytes);
        Self::parse(&mut reader).ok_or_else(|| {
            corrupt(match reader.failure {
                Malformed::Short { field, needs, at } => text!(
                    "{} needs {} bytes at offset {}; the record has {}",
                    field,
                    needs,
                    at,
                    bytes.len()
                ),
                Malformed::Version(version) => text!(
                    // As u32: the module then carries one PushText impl fewer.
                    "version is {}; this build reads version {}",
                    u32::from(version),
                    u32::from(FORMAT_VERSION)
                ),
                Malformed::NotUtf8(field) => text!("{} is not UTF-8", field),
            })
        })
    }

    /// What [`PersistedRecord::decode`] returns, `None` where it errs (without its message).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        Self::parse(&mut Reader::new(bytes))
    }

    /// The record `reader` holds; `None` with the reason in `reader.failure` when it holds none.
    fn parse(reader: &mut Reader) -> Option<Self> {
        let version = reader.number(1, "version")? as u8;
        if version != FORMAT_VERSION {
            reader.failure = Malformed::Version(version);
            return None;
        }
        let mut id = [0; 16];
        id.copy_from_slice(reader.take(16, "event id")?);
        let put_at_ms = reader.number(8, "put time")?;
        let key_len = reader.number(2, "partition key length")? as usize;
        let partition_key = reader.text(key_len, "partition key")?;
        let hash_len = reader.number(1, "explicitHashKey length")? as usize;
        let explicit_hash_key = match hash_len {
            0 => None,
            n => Some(reader.text(n, "explicitHashKey")?),
        };
        Some(PersistedRecord {
            id: EventId(u128::from_be_bytes(id)),
            put_at_ms,
            partition_key,
            explicit_hash_key,
            data: reader.bytes.get(reader.at..).unwrap_or_default().to_vec(),
        })
    }

    /// The record to send, validated against the Kinesis limits again.
    pub fn to_record(&self) -> Result<Record> {
        Record::new(
            self.data.clone(),
            PutOptions {
                partition_key: self.partition_key.clone(),
                explicit_hash_key: self.explicit_hash_key.clone(),
            },
        )
    }
}

/// The bytes [`PersistedRecord::to_bytes`] returns for the copy [`PersistedRecord::new`] makes of
/// event `id` put at `put_at_ms` as `record`, without making the copy.
pub fn encode_record(id: EventId, put_at_ms: u64, record: &Record) -> Option<Vec<u8>> {
    encode_fields(
        id,
        put_at_ms,
        record.partition_key(),
        record.explicit_hash_key(),
        record.data(),
    )
}

fn encode_fields(
    id: EventId,
    put_at_ms: u64,
    key: &str,
    hash: Option<&str>,
    data: &[u8],
) -> Option<Vec<u8>> {
    let key = key.as_bytes();
    let hash = hash.unwrap_or("").as_bytes();
    let key_len = u16::try_from(key.len()).ok()?;
    let hash_len = u8::try_from(hash.len()).ok()?;
    let mut out = Vec::with_capacity(FIXED_BYTES + key.len() + hash.len() + data.len());
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&id.0.to_be_bytes());
    out.extend_from_slice(&put_at_ms.to_be_bytes());
    out.extend_from_slice(&key_len.to_be_bytes());
    out.extend_from_slice(key);
    out.push(hash_len);
    out.extend_from_slice(hash);
    out.extend_from_slice(data);
    Some(out)
}

/// Why bytes are not a record [`PersistedRecord::encode`] wrote.
enum Malformed {
    /// `field` needs `needs` bytes at offset `at`, past the end.
    Short {
        field: &'static str,
        needs: usize,
        at: usize,
    },
    /// An unknown format version.
    Version(u8),
    /// The text `field` is not UTF-8.
    NotUtf8(&'static str),
}

/// Reads an encoded record front to back; keeps why it stopped.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Why the last read failed; meaningful only once one did.
    failure: Malformed,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            at: 0,
            failure: Malformed::NotUtf8(""),
        }
    }

    fn take(&mut self, n: usize, field: &'static str) -> Option<&'a [u8]> {
        let end = self.at + n;
        let Some(slice) = self.bytes.get(self.at..end) else {
            self.failure = Malformed::Short {
                field,
                needs: n,
                at: self.at,
            };
            return None;
        };
        self.at = end;
        Some(slice)
    }

    /// The next `n` (at most 8) bytes as a big-endian unsigned integer.
    fn number(&mut self, n: usize, field: &'static str) -> Option<u64> {
        let bytes = self.take(n, field)?;
        Some(
            bytes
                .iter()
                .fold(0, |value, &byte| value << 8 | u64::from(byte)),
        )
    }

    fn text(&mut self, n: usize, field: &'static str) -> Option<String> {
        let bytes = self.take(n, field)?;
        let text = String::from_utf8(bytes.to_vec()).ok();
        if text.is_none() {
            self.failure = Malformed::NotUtf8(field);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(hash: Option<&str>, data: &[u8]) -> PersistedRecord {
        PersistedRecord {
            id: EventId(0x0190_1234_5678_7abc_8def_0123_4567_89ab),
            put_at_ms: 1_764_165_600_123,
            partition_key: "session-é".into(),
            explicit_hash_key: hash.map(str::to_owned),
            data: data.to_vec(),
        }
    }

    #[test]
    fn round_trips_with_and_without_hash_key() {
        for record in [
            sample(None, b"{\"a\":1}"),
            sample(Some("340282366920938463463374607431768211455"), b""),
            sample(Some("0"), &[0, 255, 1]),
        ] {
            let bytes = record.encode().unwrap();
            assert_eq!(bytes.len(), record.encoded_len());
            assert_eq!(PersistedRecord::decode(&bytes).unwrap(), record);
        }
    }

    #[test]
    fn every_truncation_is_refused_or_shortens_only_the_data() {
        let record = sample(Some("42"), b"xyz");
        let bytes = record.encode().unwrap();
        let data_start = bytes.len() - 3;
        for cut in 0..bytes.len() {
            match PersistedRecord::decode(&bytes[..cut]) {
                Ok(decoded) => {
                    assert!(cut >= data_start, "cut at {cut} decoded");
                    assert_eq!(decoded.data, &b"xyz"[..cut - data_start]);
                }
                Err(error) => assert_eq!(error.code(), ErrorCode::InvalidData),
            }
        }
    }

    #[test]
    fn from_bytes_and_to_bytes_agree_with_decode_and_encode() {
        let record = sample(Some("42"), b"xyz");
        let bytes = record.to_bytes().unwrap();
        assert_eq!(bytes, record.encode().unwrap());
        for cut in 0..=bytes.len() {
            let quiet = PersistedRecord::from_bytes(&bytes[..cut]);
            assert_eq!(
                quiet,
                PersistedRecord::decode(&bytes[..cut]).ok(),
                "cut at {cut}"
            );
        }
        let mut bad = bytes.clone();
        bad[0] = 7;
        assert_eq!(PersistedRecord::from_bytes(&bad), None);
    }

    #[test]
    fn errors_name_the_field_and_the_limit() {
        let mut long_key = sample(None, b"");
        long_key.partition_key = "k".repeat(65_536);
        assert_eq!(long_key.to_bytes(), None);
        let error = long_key.encode().unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidData);
        assert_eq!(
            error.message(),
            "persisted record: partition key is 65536 bytes; at most 65535 are stored"
        );
        let long_hash = sample(Some(&"1".repeat(256)), b"");
        assert_eq!(
            long_hash.encode().unwrap_err().message(),
            "persisted record: explicitHashKey is 256 bytes; at most 255 are stored"
        );
        let bytes = sample(None, b"").encode().unwrap();
        assert_eq!(
            PersistedRecord::decode(&bytes[..5]).unwrap_err().message(),
            "persisted record: event id needs 16 bytes at offset 1; the record has 5"
        );
        let mut bad_key = bytes.clone();
        bad_key[27] = 0xff;
        assert_eq!(
            PersistedRecord::decode(&bad_key).unwrap_err().message(),
            "persisted record: partition key is not UTF-8"
        );
    }

    #[test]
    fn unknown_version_is_refused() {
        let mut bytes = sample(None, b"a").encode().unwrap();
        bytes[0] = 2;
        let error = PersistedRecord::decode(&bytes).unwrap_err();
        assert!(error.message().contains("version is 2"), "{error}");
    }

    #[test]
    fn encode_record_is_to_bytes_of_the_copy() {
        for hash in [None, Some("42")] {
            let record = Record::new(
                b"xyz".to_vec(),
                PutOptions {
                    partition_key: "session-\u{e9}".into(),
                    explicit_hash_key: hash.map(str::to_owned),
                },
            )
            .unwrap();
            let id = EventId(0x0190_1234_5678_7abc_8def_0123_4567_89ab);
            let bytes = encode_record(id, 1_764_165_600_123, &record);
            assert_eq!(
                bytes,
                PersistedRecord::new(id, 1_764_165_600_123, &record).to_bytes()
            );
            assert_eq!(bytes.unwrap()[0], FORMAT_VERSION);
        }
    }

    #[test]
    fn event_id_text_round_trips() {
        let id = EventId(0x0190_1234_5678_7abc_8def_0123_4567_89ab);
        let text = id.to_string();
        assert_eq!(text.parse::<EventId>().unwrap(), id);
        assert_eq!(text.to_uppercase().parse::<EventId>().unwrap(), id);
        assert!("0190".parse::<EventId>().is_err());
        assert!(text.replace('-', "x").parse::<EventId>().is_err());
    }
}
