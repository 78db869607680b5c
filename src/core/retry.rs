//! What to do after a failure: classification of AWS errors (DESIGN.md §1), full-jitter exponential
//! backoff, and the per-record give-up rules (max attempts, TTL).

use crate::core::error::ErrorCode;
use crate::core::rng::Rng;

/// The reaction to a failed request or record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Classification {
    /// Resend after a backoff; the attempt counts.
    Retryable,
    /// Refresh credentials, then resend at once.
    RefreshCredentials,
    /// Correct the clock from the response `Date` header, then resend at once.
    CorrectClock,
    /// Keep the records, pause sending and report; resending would fail the same way.
    NotRetryable,
}

const RETRYABLE_ERRORS: [&str; 12] = [
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
    "KMSThrottlingException",
    "InternalFailure",
    "InternalFailureException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "InternalServerError",
];

const NOT_RETRYABLE_ERRORS: [&str; 10] = [
    "ResourceNotFoundException",
    "AccessDeniedException",
    "UnrecognizedClientException",
    "InvalidArgumentException",
    "ValidationException",
    "KMSAccessDeniedException",
    "KMSDisabledException",
    "KMSInvalidStateException",
    "KMSNotFoundException",
    "KMSOptInRequiredException",
];

const EXPIRED_TOKEN_ERRORS: [&str; 3] = [
    "ExpiredTokenException",
    "ExpiredToken",
    "TokenRefreshRequired",
];

const SIGNATURE_ERRORS: [&str; 3] = [
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// Whether `haystack` contains `needle` (lowercase ASCII, not empty) in any ASCII case.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Classifies a failure from the HTTP status, the AWS error name (without namespace; `None` when the
/// body had none) and the message. Per-record failures pass status 200 and the record's `ErrorCode`.
///
/// Rules, first match wins: an expired-token name, or a message mentioning an expired security
/// token → `RefreshCredentials`; `RequestTimeTooSkewed`/`RequestExpired`, or a signature error whose
/// message says the signature expired or is not yet current → `CorrectClock`; the DESIGN.md §1
/// not-retryable names → `NotRetryable`; the §1 retryable names, any 5xx and 429 → `Retryable`; any
/// other 4xx → `NotRetryable`; anything else → `Retryable`.
pub fn classify(status: u16, aws_error_name: Option<&str>, message: &str) -> Classification {
    let name = aws_error_name.unwrap_or("");
    if EXPIRED_TOKEN_ERRORS.contains(&name)
        || (contains_ignore_case(message, "token") && contains_ignore_case(message, "expired"))
    {
        return Classification::RefreshCredentials;
    }
    if name == "RequestTimeTooSkewed"
        || name == "RequestExpired"
        || (SIGNATURE_ERRORS.contains(&name)
            && (contains_ignore_case(message, "signature expired")
                || contains_ignore_case(message, "not yet current")))
    {
        return Classification::CorrectClock;
    }
    if NOT_RETRYABLE_ERRORS.contains(&name) {
        return Classification::NotRetryable;
    }
    if RETRYABLE_ERRORS.contains(&name) || status >= 500 || status == 429 {
        return Classification::Retryable;
    }
    if (400..500).contains(&status) {
        return Classification::NotRetryable;
    }
    Classification::Retryable
}

/// Why a record's latest send failed: kept with the record and reported if it finally fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The stable code: `ServiceError`, `TransportError` or `ProtocolError`.
    pub code: ErrorCode,
    /// The AWS error name when the service gave one.
    pub aws_error: Option<String>,
    /// A human message (the AWS message, or what went wrong on the wire).
    pub message: String,
}

/// Full-jitter exponential backoff: the n-th retry (n from 0) waits a uniformly random time in
/// `0..=min(max_ms, base_ms * 2^n)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Ceiling of the first retry.
    pub base_ms: u64,
    /// Largest ceiling.
    pub max_ms: u64,
}

impl Backoff {
    /// The ceiling for retry number `retry` (0 for the first retry).
    pub fn ceiling_ms(&self, retry: u32) -> u64 {
        let doubled = if retry >= 63 {
            u64::MAX
        } else {
            self.base_ms.saturating_mul(1 << retry)
        };
        doubled.min(self.max_ms)
    }

    /// A random delay for retry number `retry` drawn from `rng`.
    pub fn delay_ms(&self, retry: u32, rng: &mut Rng) -> u64 {
        rng.below_inclusive(self.ceiling_ms(retry))
    }
}

/// Why a record stops being retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GiveUp {
    /// It was sent `maxAttempts` times.
    MaxAttempts,
    /// `recordTtlMs` passed since its put.
    Expired,
}

impl GiveUp {
    /// The JS option whose limit was reached.
    pub fn as_str(self) -> &'static str {
        match self {
            GiveUp::MaxAttempts => "maxAttempts",
            GiveUp::Expired => "recordTtlMs",
        }
    }
}

/// Whether a record sent `attempts` times and put at `put_at_ms` may be retried at `now_ms`.
pub fn give_up(
    attempts: u32,
    max_attempts: u32,
    put_at_ms: u64,
    ttl_ms: u64,
    now_ms: u64,
) -> Option<GiveUp> {
    if now_ms >= put_at_ms.saturating_add(ttl_ms) {
        Some(GiveUp::Expired)
    } else if attempts >= max_attempts {
        Some(GiveUp::MaxAttempts)
    } else {
        None
    }
}
