//! The crate's one error type: a stable machine-readable code plus a human message.
//!
//! Messages name the field and the limit that was broken and the actual value where it is not secret.
//! Neither `Debug` nor `Display` ever prints credentials, tokens or signatures: callers build messages
//! from field names and sizes only.

use std::fmt;

/// What went wrong, as a stable code. `code()` is the string JavaScript sees as `error.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// Partition key plus data exceed 1 MiB, or the data exceeds a configured batch cap.
    RecordTooLarge,
    /// The partition key is empty or longer than 256 Unicode characters.
    InvalidPartitionKey,
    /// The ExplicitHashKey is not a decimal integer in 0..=2^128-1.
    InvalidExplicitHashKey,
    /// The data given to `put` cannot be turned into bytes.
    InvalidData,
    /// A configuration value is missing, of the wrong type, out of range or unknown.
    InvalidConfig,
    /// Credentials are missing a field, mistyped, or already expired.
    InvalidCredentials,
    /// The buffer is at its record or byte bound and the overflow policy rejects the new event.
    BufferFull,
    /// The producer was closed; it accepts no more events.
    Closed,
    /// A record was never sent before `recordTtlMs` passed (records that were sent and failed keep
    /// their last error's code instead).
    RecordExpired,
    /// A response did not follow the PutRecords protocol (bad JSON, record count mismatch).
    ProtocolError,
    /// The request could not be sent or no response arrived (network, CORS, timeout).
    TransportError,
    /// Kinesis or a proxy answered with an error; the AWS error name is in the message.
    ServiceError,
    /// Fetching or refreshing credentials failed.
    CredentialsError,
    /// Durable storage refused a write (quota, unavailable); records are then kept in memory only.
    StorageError,
}

impl ErrorCode {
    /// The stable string form, identical to the variant name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::RecordTooLarge => "RecordTooLarge",
            ErrorCode::InvalidPartitionKey => "InvalidPartitionKey",
            ErrorCode::InvalidExplicitHashKey => "InvalidExplicitHashKey",
            ErrorCode::InvalidData => "InvalidData",
            ErrorCode::InvalidConfig => "InvalidConfig",
            ErrorCode::InvalidCredentials => "InvalidCredentials",
            ErrorCode::BufferFull => "BufferFull",
            ErrorCode::Closed => "Closed",
            ErrorCode::RecordExpired => "RecordExpired",
            ErrorCode::ProtocolError => "ProtocolError",
            ErrorCode::TransportError => "TransportError",
            ErrorCode::ServiceError => "ServiceError",
            ErrorCode::CredentialsError => "CredentialsError",
            ErrorCode::StorageError => "StorageError",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`] and a message naming the field and the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with the given code and message. The message must not contain secrets.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message (no code prefix).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// The first `max_chars` characters of `text` (all of it when shorter), for messages that show a
/// bounded part of a user's value.
pub fn char_prefix(text: &str, max_chars: usize) -> &str {
    let mut chars = 0;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        // Every character starts with a byte that is not a continuation byte (0b10xx_xxxx).
        if (byte as i8) >= -0x40 {
            if chars == max_chars {
                return text.get(..at).unwrap_or(text);
            }
            chars += 1;
        }
    }
    text
}

/// `text` in double quotes for a message showing a user's value: `"` and `\` get a backslash,
/// newline, carriage return, tab and NUL become `\n`, `\r`, `\t`, `\0`, other controls `\u{..}`
/// (as `{:?}` shows them), everything else is kept. Keeps the size of `Debug` formatting out of the
/// module.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u{");
                let code = c as u32;
                let digits = (32 - code.leading_zeros()).div_ceil(4).max(1);
                for shift in (0..digits).rev() {
                    out.push(char::from(HEX[(code >> (shift * 4)) as usize & 0xf]));
                }
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_prefix_counts_characters_not_bytes() {
        for (text, max, expected) in [
            ("", 3, ""),
            ("abc", 3, "abc"),
            ("abcd", 3, "abc"),
            ("éé😀x", 3, "éé😀"),
            ("éé😀x", 0, ""),
            ("😀", 1, "😀"),
        ] {
            assert_eq!(char_prefix(text, max), expected, "{text} {max}");
            let taken: String = text.chars().take(max).collect();
            assert_eq!(char_prefix(text, max), taken);
        }
    }

    #[test]
    fn quoted_shows_values_as_debug_does_for_ordinary_text() {
        for text in [
            "",
            "plain",
            "a\"b\\c",
            "line\nnext\r\t",
            "\u{0}\u{1f}\u{7f}\u{9f}",
            "é ü 日本 🎉",
        ] {
            assert_eq!(quoted(text), format!("{text:?}"));
        }
    }

    #[test]
    fn display_starts_with_the_stable_code() {
        let error = Error::new(ErrorCode::BufferFull, "maxBufferedRecords 10 reached");
        assert_eq!(error.code().as_str(), "BufferFull");
        assert_eq!(
            error.to_string(),
            "BufferFull: maxBufferedRecords 10 reached"
        );
    }
}
