//! Clock skew: how far the local clock is from AWS's, learned from response `Date` headers.
//!
//! SigV4 requests are rejected when their `X-Amz-Date` is more than 5 minutes from the server's
//! time, and device clocks are often wrong by more. Every response's `Date` header is a sample of
//! the offset (server time minus local time); the signer adds the offset to the local time.
//!
//! How a sample is read: `Date` has one-second resolution and is truncated, so the server's time
//! when it answered lies in `[Date, Date + 1 s)`, and that moment lies between sending the request
//! and receiving the response. The estimate is the middle of both intervals:
//! `offset = (Date + 500 ms) - (sent + received) / 2`, uncertain by ±(500 ms + round trip / 2).
//!
//! How samples are combined: the last [`MAX_SAMPLES`] are kept and the one with the shortest round
//! trip wins (the least uncertain; a response delayed in flight has a long round trip and loses).
//! The applied offset only moves when the winner differs from it by more than that winner's
//! uncertainty plus one second: a `Date` cannot show sub-second skew, so chasing it would only add
//! noise, and a 1 s error is far inside SigV4's 5-minute window.
//!
//! When the service rejects a request for its time ([`crate::core::retry::Classification::CorrectClock`]), the offset is set at
//! once from that response's `Date`, older samples are dropped (the local clock may have jumped),
//! and the request can be re-signed.

use crate::core::error::Result;
use crate::core::flush::remove_first;
use crate::core::http_date::parse_http_date;

/// How many recent `Date` samples are kept.
pub const MAX_SAMPLES: usize = 5;
/// Resolution of an HTTP `Date` header.
pub const DATE_RESOLUTION_MS: u64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sample {
    offset_ms: i64,
    round_trip_ms: u64,
}

impl Sample {
    fn from_response(date_header: &str, sent_at_ms: u64, received_at_ms: u64) -> Result<Self> {
        let server_ms = parse_http_date(date_header)? + DATE_RESOLUTION_MS / 2;
        let sent_at_ms = sent_at_ms.min(received_at_ms);
        let round_trip_ms = received_at_ms - sent_at_ms;
        let local_mid_ms = sent_at_ms + round_trip_ms / 2;
        Ok(Sample {
            offset_ms: server_ms as i64 - local_mid_ms as i64,
            round_trip_ms,
        })
    }

    fn uncertainty_ms(&self) -> u64 {
        DATE_RESOLUTION_MS / 2 + self.round_trip_ms.div_ceil(2)
    }
}

/// The learned offset between the server's clock and the local one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClockSkew {
    samples: Vec<Sample>,
    offset_ms: i64,
}

impl ClockSkew {
    /// No skew known yet: offset 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts from a previously learned offset (e.g. persisted from an earlier page view); the next
    /// samples move it only as described in the module docs.
    pub fn with_offset(offset_ms: i64) -> Self {
        ClockSkew {
            samples: Vec::new(),
            offset_ms,
        }
    }

    /// Server time minus local time, in ms, as currently applied (for stats and persistence).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// The time to sign with: local `now_ms` plus the offset, never below 0.
    pub fn signing_time_ms(&self, now_ms: u64) -> u64 {
        now_ms.saturating_add_signed(self.offset_ms)
    }

    /// Learns from the `Date` header of any response (success or error) to a request sent at
    /// `sent_at_ms` and answered at `received_at_ms` (local times). Returns whether the applied
    /// offset changed. An unparsable header is an error and changes nothing.
    pub fn observe(
        &mut self,
        date_header: &str,
        sent_at_ms: u64,
        received_at_ms: u64,
    ) -> Result<bool> {
        let sample = Sample::from_response(date_header, sent_at_ms, received_at_ms)?;
        if self.samples.len() == MAX_SAMPLES {
            remove_first(&mut self.samples);
        }
        self.samples.push(sample);
        // The shortest round trip; among equals the latest.
        let mut best = sample;
        for candidate in self.samples.iter().rev() {
            if candidate.round_trip_ms < best.round_trip_ms {
                best = *candidate;
            }
        }
        let distance = best.offset_ms.abs_diff(self.offset_ms);
        if distance > best.uncertainty_ms() + DATE_RESOLUTION_MS {
            self.offset_ms = best.offset_ms;
            return Ok(true);
        }
        Ok(false)
    }

    /// After the service rejected a request for its time: sets the offset from this response's
    /// `Date` at once and forgets older samples. Returns the new offset.
    pub fn correct_from_rejection(
        &mut self,
        date_header: &str,
        sent_at_ms: u64,
        received_at_ms: u64,
    ) -> Result<i64> {
        let sample = Sample::from_response(date_header, sent_at_ms, received_at_ms)?;
        self.samples.clear();
        self.samples.push(sample);
        self.offset_ms = sample.offset_ms;
        Ok(self.offset_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::http_date::format_http_date;

    const SERVER: u64 = 1_795_700_677_000;

    /// A response whose `Date` shows `server_ms`, sent and received at the given local times.
    fn date(server_ms: u64) -> String {
        format_http_date(server_ms)
    }

    #[test]
    fn starts_at_zero_or_the_seeded_offset() {
        assert_eq!(ClockSkew::new().offset_ms(), 0);
        let seeded = ClockSkew::with_offset(-42_000);
        assert_eq!(seeded.offset_ms(), -42_000);
        assert_eq!(seeded.signing_time_ms(100_000), 58_000);
        assert_eq!(seeded.signing_time_ms(1_000), 0);
    }

    #[test]
    fn learns_a_large_skew_from_one_fast_response() {
        let mut clock = ClockSkew::new();
        let local = SERVER - 600_000; // the device is 10 minutes slow
        assert!(clock
            .observe(&date(SERVER), local - 100, local + 100)
            .unwrap());
        assert_eq!(clock.offset_ms(), 600_500);
        assert_eq!(clock.signing_time_ms(local), SERVER + 500);
    }

    #[test]
    fn ignores_sub_second_noise() {
        let mut clock = ClockSkew::new();
        for (i, sub) in [0u64, 999, 400, 700, 100, 950].into_iter().enumerate() {
            let local = SERVER + sub + i as u64 * 10_000;
            let server = SERVER + i as u64 * 10_000;
            assert!(!clock
                .observe(&date(server), local - 50, local + 50)
                .unwrap());
        }
        assert_eq!(clock.offset_ms(), 0);
    }

    #[test]
    fn one_delayed_response_does_not_move_a_learned_offset() {
        let mut clock = ClockSkew::new();
        let skew = 120_000;
        let local = SERVER - skew;
        clock
            .observe(&date(SERVER), local - 20, local + 20)
            .unwrap();
        assert_eq!(clock.offset_ms(), 120_500);
        // The server answered at once but the response sat in a proxy for 90 s.
        let sent = local + 10_000;
        let received = sent + 90_000;
        assert!(!clock
            .observe(&date(SERVER + 10_000), sent, received)
            .unwrap());
        assert_eq!(clock.offset_ms(), 120_500);
    }

    #[test]
    fn a_delayed_first_response_is_replaced_by_a_faster_one() {
        let mut clock = ClockSkew::new();
        let local = SERVER - 400_000;
        clock
            .observe(&date(SERVER), local - 30_000, local + 1_000)
            .unwrap();
        let rough = clock.offset_ms();
        assert!(rough.abs_diff(400_000) > 10_000, "{rough}");
        clock
            .observe(&date(SERVER + 5_000), local + 4_990, local + 5_010)
            .unwrap();
        assert_eq!(clock.offset_ms(), 400_500);
    }

    #[test]
    fn keeps_only_the_last_samples_so_a_clock_jump_is_eventually_learned() {
        let mut clock = ClockSkew::new();
        clock.observe(&date(SERVER), SERVER, SERVER).unwrap();
        assert_eq!(clock.offset_ms(), 0);
        // The local clock jumps one hour ahead; later samples have longer round trips than the
        // old one, so it wins until it falls out of the window.
        let jump = 3_600_000;
        for i in 1..MAX_SAMPLES as u64 {
            let local = SERVER + jump + i * 1_000;
            clock
                .observe(&date(SERVER + i * 1_000), local - 100, local + 100)
                .unwrap();
            assert_eq!(clock.offset_ms(), 0, "sample {i}");
        }
        let local = SERVER + jump + 10_000;
        assert!(clock
            .observe(&date(SERVER + 10_000), local - 100, local + 100)
            .unwrap());
        assert_eq!(clock.offset_ms(), 500 - jump as i64);
    }

    #[test]
    fn rejection_corrects_at_once_and_forgets_old_samples() {
        let mut clock = ClockSkew::new();
        clock.observe(&date(SERVER), SERVER, SERVER).unwrap();
        let local = SERVER - 900_000;
        let offset = clock
            .correct_from_rejection(&date(SERVER), local - 2_000, local + 2_000)
            .unwrap();
        assert_eq!(offset, 900_500);
        assert_eq!(clock.offset_ms(), 900_500);
        // The old zero-round-trip sample is gone: a later fast sample near the new offset keeps it.
        let local = local + 60_000;
        assert!(!clock
            .observe(&date(SERVER + 60_000), local - 10, local + 10)
            .unwrap());
        assert_eq!(clock.offset_ms(), 900_500);
    }

    #[test]
    fn unparsable_date_changes_nothing() {
        let mut clock = ClockSkew::with_offset(7_000);
        assert!(clock.observe("yesterday", 0, 1).is_err());
        assert!(clock.correct_from_rejection("", 0, 1).is_err());
        assert_eq!(clock.offset_ms(), 7_000);
    }

    #[test]
    fn receive_before_send_is_treated_as_zero_round_trip() {
        let mut clock = ClockSkew::new();
        clock
            .observe(&date(SERVER), SERVER - 9_000, SERVER - 10_000)
            .unwrap();
        assert_eq!(clock.offset_ms(), 10_500);
    }
}
