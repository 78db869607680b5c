//! Retry policy: one case per classification row of DESIGN.md §1, full-jitter backoff bounds, and
//! the give-up rules.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::retry::{
    classify, give_up, Backoff, Classification, Classification::*, GiveUp,
};
use kinesis_clickstream::core::rng::Rng;
use proptest::prelude::*;

fn check(status: u16, name: Option<&str>, message: &str, expected: Classification) {
    assert_eq!(
        classify(status, name, message),
        expected,
        "status {status}, name {name:?}, message {message:?}"
    );
}

#[test]
fn retryable_rows() {
    check(500, None, "", Retryable);
    check(502, None, "Bad Gateway", Retryable);
    check(503, Some("ServiceUnavailable"), "", Retryable);
    check(429, None, "Too Many Requests", Retryable);
    check(
        400,
        Some("ProvisionedThroughputExceededException"),
        "Rate exceeded",
        Retryable,
    );
    check(400, Some("LimitExceededException"), "too many", Retryable);
    check(400, Some("KMSThrottlingException"), "", Retryable);
    check(500, Some("InternalFailure"), "", Retryable);
    check(
        200,
        Some("InternalFailure"),
        "Internal service failure.",
        Retryable,
    );
    check(
        200,
        Some("ProvisionedThroughputExceededException"),
        "Rate exceeded for shard",
        Retryable,
    );
    check(400, Some("ThrottlingException"), "Rate exceeded", Retryable);
}

#[test]
fn refresh_credentials_rows() {
    check(
        400,
        Some("ExpiredTokenException"),
        "The security token included in the request is expired",
        RefreshCredentials,
    );
    check(403, Some("ExpiredTokenException"), "", RefreshCredentials);
    check(
        403,
        Some("UnrecognizedClientException"),
        "The security token included in the request is expired",
        RefreshCredentials,
    );
}

#[test]
fn correct_clock_rows() {
    check(
        400,
        Some("InvalidSignatureException"),
        "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)",
        CorrectClock,
    );
    check(
        400,
        Some("InvalidSignatureException"),
        "Signature not yet current: 20240101T002000Z is still later than 20240101T001500Z (20240101T001000Z + 5 min.)",
        CorrectClock,
    );
    check(403, Some("RequestTimeTooSkewed"), "", CorrectClock);
    // A signature error that is not about time is not fixed by a clock correction.
    check(
        400,
        Some("InvalidSignatureException"),
        "The request signature we calculated does not match the signature you provided.",
        NotRetryable,
    );
}

#[test]
fn not_retryable_rows() {
    for name in [
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
    ] {
        check(400, Some(name), "nope", NotRetryable);
        // The name wins over a 5xx status.
        check(500, Some(name), "nope", NotRetryable);
    }
    check(403, None, "Forbidden", NotRetryable);
    check(400, Some("SomethingNew"), "", NotRetryable);
}

#[test]
fn unknown_non_4xx_is_retryable() {
    check(302, None, "", Retryable);
    check(200, Some("SomethingNew"), "", Retryable);
}

#[test]
fn give_up_at_max_attempts_and_ttl() {
    assert_eq!(give_up(2, 3, 0, 1000, 999), None);
    assert_eq!(give_up(3, 3, 0, 1000, 999), Some(GiveUp::MaxAttempts));
    assert_eq!(give_up(1, 3, 0, 1000, 1000), Some(GiveUp::Expired));
    assert_eq!(give_up(1, 3, 500, 1000, 1499), None);
}

#[test]
fn backoff_ceiling_doubles_up_to_the_cap() {
    let backoff = Backoff {
        base_ms: 100,
        max_ms: 20_000,
    };
    let ceilings: Vec<u64> = (0..10).map(|n| backoff.ceiling_ms(n)).collect();
    assert_eq!(
        ceilings,
        [100, 200, 400, 800, 1600, 3200, 6400, 12800, 20000, 20000]
    );
    assert_eq!(backoff.ceiling_ms(200), 20_000);
}

#[test]
fn jitter_spreads_over_the_whole_range() {
    let backoff = Backoff {
        base_ms: 100,
        max_ms: 20_000,
    };
    let mut rng = Rng::new(7);
    let delays: Vec<u64> = (0..2000).map(|_| backoff.delay_ms(0, &mut rng)).collect();
    assert!(delays.iter().all(|&d| d <= 100));
    assert!(delays.iter().any(|&d| d < 10));
    assert!(delays.iter().any(|&d| d > 90));
}

proptest! {
    #[test]
    fn delays_stay_within_the_ceiling(seed in any::<u64>(), retry in 0u32..80, base in 1u64..1000, extra in 0u64..100_000) {
        let backoff = Backoff { base_ms: base, max_ms: base + extra };
        let mut rng = Rng::new(seed);
        let delay = backoff.delay_ms(retry, &mut rng);
        prop_assert!(delay <= backoff.ceiling_ms(retry));
        prop_assert!(backoff.ceiling_ms(retry) <= base + extra);
    }
}
