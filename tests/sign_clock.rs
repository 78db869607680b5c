//! Clock skew learning against simulated servers whose clocks are off, and the skew-rejection path:
//! sign, get rejected with a `Date`, correct, re-sign, get accepted.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::clock::{ClockSkew, MAX_SAMPLES};
use kinesis_clickstream::core::credentials::Credentials;
use kinesis_clickstream::core::http_date::{format_amz_date, format_http_date};
use kinesis_clickstream::core::retry::{classify, Classification};
use kinesis_clickstream::core::sigv4::{self, payload_sha256_hex, SigningRequest};
use proptest::prelude::*;

const T0: u64 = 1_795_700_677_000;
const DAY_MS: i64 = 86_400_000;
const SIGV4_WINDOW_MS: u64 = 5 * 60_000;

/// One exchange with a server whose clock is `skew_ms` ahead of ours: the request leaves at
/// `sent`, the server stamps its `Date` at `sent + stamp_after`, the response arrives at
/// `sent + round_trip`.
#[derive(Clone, Copy, Debug)]
struct Exchange {
    gap_before_ms: u64,
    round_trip_ms: u64,
    stamp_fraction: f64,
}

fn exchange() -> impl Strategy<Value = Exchange> {
    (
        0u64..120_000,
        prop_oneof![4 => 0u64..400, 1 => 0u64..120_000],
        0.0f64..=1.0,
    )
        .prop_map(|(gap_before_ms, round_trip_ms, stamp_fraction)| Exchange {
            gap_before_ms,
            round_trip_ms,
            stamp_fraction,
        })
}

proptest! {
    /// After any sequence of responses, the applied offset is within
    /// 2 × (500 ms + shortest kept round trip / 2) + 1 s of the true skew: the estimate of the
    /// best sample is within its uncertainty, and the offset only stays put when it is within
    /// that uncertainty plus 1 s of the estimate.
    #[test]
    fn offset_stays_within_the_date_resolution_bound(
        skew_ms in -DAY_MS..DAY_MS,
        seeded in prop::option::of(-DAY_MS..DAY_MS),
        exchanges in prop::collection::vec(exchange(), 1..25),
    ) {
        let mut clock = seeded.map(ClockSkew::with_offset).unwrap_or_default();
        let mut local = T0;
        let mut round_trips = Vec::new();
        for e in exchanges {
            let sent = local + e.gap_before_ms;
            let received = sent + e.round_trip_ms;
            let stamped_local = sent + (e.round_trip_ms as f64 * e.stamp_fraction) as u64;
            let server_ms = (stamped_local as i64 + skew_ms) as u64;
            clock.observe(&format_http_date(server_ms), sent, received).unwrap();
            round_trips.push(e.round_trip_ms);
            local = received;
            let kept = &round_trips[round_trips.len().saturating_sub(MAX_SAMPLES)..];
            let best = *kept.iter().min().unwrap();
            let bound = 2 * (500 + best.div_ceil(2)) + 1_000;
            let error = clock.offset_ms().abs_diff(skew_ms);
            prop_assert!(error <= bound, "error {error} > bound {bound}");
        }
    }

    /// A rejection sets the offset within 500 ms + round trip / 2 of the truth at once, whatever
    /// was learned or seeded before.
    #[test]
    fn rejection_corrects_within_one_sample_uncertainty(
        skew_ms in -DAY_MS..DAY_MS,
        seeded in -DAY_MS..DAY_MS,
        e in exchange(),
    ) {
        let mut clock = ClockSkew::with_offset(seeded);
        let sent = T0;
        let received = sent + e.round_trip_ms;
        let stamped_local = sent + (e.round_trip_ms as f64 * e.stamp_fraction) as u64;
        let date = format_http_date((stamped_local as i64 + skew_ms) as u64);
        let offset = clock.correct_from_rejection(&date, sent, received).unwrap();
        prop_assert_eq!(offset, clock.offset_ms());
        prop_assert!(offset.abs_diff(skew_ms) <= 500 + e.round_trip_ms.div_ceil(2));
    }
}

/// A Kinesis stand-in that checks only the signing time, as the service does before anything else.
struct SkewedServer {
    skew_ms: i64,
}

impl SkewedServer {
    fn now(&self, local_ms: u64) -> u64 {
        local_ms.saturating_add_signed(self.skew_ms)
    }

    /// Ok, or the AWS error name, message and `Date` header of a rejection.
    fn check(&self, amz_date: &str, local_ms: u64) -> Result<(), (String, String, String)> {
        let server_now = self.now(local_ms);
        let earliest = format_amz_date(server_now - SIGV4_WINDOW_MS);
        let latest = format_amz_date(server_now + SIGV4_WINDOW_MS);
        // YYYYMMDDTHHMMSSZ strings order like the times they name.
        let date = format_http_date(server_now);
        if amz_date < earliest.as_str() {
            return Err((
                "InvalidSignatureException".into(),
                format!("Signature expired: {amz_date} is now earlier than {earliest}"),
                date,
            ));
        }
        if amz_date > latest.as_str() {
            return Err((
                "InvalidSignatureException".into(),
                format!("Signature not yet current: {amz_date} is still later than {latest}"),
                date,
            ));
        }
        Ok(())
    }
}

#[test]
fn skew_rejection_is_corrected_and_the_resigned_request_accepted() {
    let credentials =
        Credentials::new("ASIAEXAMPLE", "secret", Some("token".into()), None, 0).unwrap();
    let hash = payload_sha256_hex(b"{}");
    for skew_ms in [-3 * 3_600_000i64, -301_000, 301_000, 25 * 3_600_000] {
        let server = SkewedServer { skew_ms };
        let mut clock = ClockSkew::new();
        let local = T0;
        let request = SigningRequest::put_records(
            "us-east-1",
            "127.0.0.1:4567",
            &hash,
            clock.signing_time_ms(local),
        );
        let signed = sigv4::sign(&credentials, &request);
        let (name, message, date) = server
            .check(&signed.amz_date, local + 40)
            .expect_err("a skewed clock is rejected");
        assert_eq!(
            classify(400, Some(&name), &message),
            Classification::CorrectClock,
            "{name}: {message}"
        );

        clock
            .correct_from_rejection(&date, local, local + 80)
            .unwrap();
        let retry_at = local + 100;
        let request = SigningRequest {
            time_ms: clock.signing_time_ms(retry_at),
            ..request
        };
        let resigned = sigv4::sign(&credentials, &request);
        assert!(
            server.check(&resigned.amz_date, retry_at + 40).is_ok(),
            "skew {skew_ms}: {} still rejected",
            resigned.amz_date
        );
        assert!(
            clock.offset_ms().abs_diff(skew_ms) <= 1_000,
            "skew {skew_ms}"
        );
    }
}

#[test]
fn an_accurate_clock_is_accepted_without_correction() {
    let server = SkewedServer { skew_ms: 0 };
    let clock = ClockSkew::new();
    let amz_date = format_amz_date(clock.signing_time_ms(T0));
    assert!(server.check(&amz_date, T0).is_ok());
    let late = format_amz_date(T0 - SIGV4_WINDOW_MS - 1_000);
    assert!(server.check(&late, T0).is_err());
}
