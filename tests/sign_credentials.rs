//! The credential refresh state machine, driven with a manual clock and scripted provider results.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::credential_refresh::{
    CredentialManager, CredentialStep, RefreshPolicy,
};
use kinesis_clickstream::core::credentials::Credentials;
use kinesis_clickstream::core::error::{Error, ErrorCode};
use proptest::prelude::*;

const T0: u64 = 1_795_700_677_000;
const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;

fn creds(id: &str, now: u64, lifetime: Option<u64>) -> Credentials {
    Credentials::new(
        id,
        "secret",
        Some("token".into()),
        lifetime.map(|l| now + l),
        now,
    )
    .unwrap()
}

fn provider_error() -> Error {
    Error::new(ErrorCode::CredentialsError, "provider threw TypeError")
}

fn ready_id(step: CredentialStep<'_>) -> String {
    match step {
        CredentialStep::Ready(c) => c.access_key_id().to_owned(),
        other => panic!("expected Ready, got {other:?}"),
    }
}

#[test]
fn first_poll_starts_a_refresh_then_waits_for_it() {
    let policy = RefreshPolicy::default();
    let mut manager = CredentialManager::refreshable(policy, 1);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    assert_eq!(
        manager.poll(T0 + 10),
        CredentialStep::WaitUntil(T0 + policy.refresh_timeout_ms)
    );
    assert_eq!(manager.next_wake_ms(), Some(T0 + policy.refresh_timeout_ms));
    manager
        .on_refreshed(creds("ASIAONE", T0 + 20, Some(HOUR)), T0 + 20)
        .unwrap();
    assert_eq!(ready_id(manager.poll(T0 + 30)), "ASIAONE");
}

#[test]
fn refreshes_five_minutes_before_expiry_and_keeps_signing_meanwhile() {
    let mut manager = CredentialManager::refreshable(RefreshPolicy::default(), 1);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    manager
        .on_refreshed(creds("ASIAONE", T0, Some(HOUR)), T0)
        .unwrap();
    assert_eq!(manager.next_wake_ms(), Some(T0 + 55 * MINUTE));
    assert_eq!(ready_id(manager.poll(T0 + 55 * MINUTE - 1)), "ASIAONE");
    assert_eq!(manager.poll(T0 + 55 * MINUTE), CredentialStep::StartRefresh);
    // While the refresh runs, the old credentials are still valid and handed out...
    assert_eq!(ready_id(manager.poll(T0 + 55 * MINUTE + 1)), "ASIAONE");
    // ...but never at or after their expiry.
    assert!(matches!(
        manager.poll(T0 + HOUR),
        CredentialStep::WaitUntil(_)
    ));
    assert!(manager.current().is_none());
    manager
        .on_refreshed(creds("ASIATWO", T0 + HOUR + 5, Some(HOUR)), T0 + HOUR + 5)
        .unwrap();
    assert_eq!(ready_id(manager.poll(T0 + HOUR + 6)), "ASIATWO");
}

#[test]
fn only_one_refresh_in_flight_until_it_times_out() {
    let policy = RefreshPolicy::default();
    let mut manager = CredentialManager::refreshable(policy, 7);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    for t in (T0..T0 + policy.refresh_timeout_ms).step_by(997) {
        assert_ne!(
            manager.poll(t),
            CredentialStep::StartRefresh,
            "at +{}",
            t - T0
        );
    }
    // Timed out: counted as a failure with a backoff, then a new refresh.
    let after_timeout = T0 + policy.refresh_timeout_ms;
    let step = manager.poll(after_timeout);
    let retry_at = match step {
        CredentialStep::WaitUntil(t) => t,
        CredentialStep::StartRefresh => after_timeout,
        other => panic!("{other:?}"),
    };
    assert_eq!(manager.consecutive_failures(), 1);
    assert!(manager
        .last_error()
        .unwrap()
        .message()
        .contains("refreshTimeoutMs"));
    assert!(retry_at <= after_timeout + policy.backoff_base_ms);
    if retry_at > after_timeout {
        assert_eq!(manager.poll(retry_at), CredentialStep::StartRefresh);
    }
    // The abandoned refresh reporting a failure late changes nothing; a late success is taken.
    manager
        .on_refreshed(creds("ASIALATE", retry_at + 1, Some(HOUR)), retry_at + 1)
        .unwrap();
    manager.on_refresh_failed(provider_error(), retry_at + 2);
    assert_eq!(manager.consecutive_failures(), 0);
    assert_eq!(ready_id(manager.poll(retry_at + 3)), "ASIALATE");
}

#[test]
fn failed_refreshes_back_off_with_growing_bounds_and_succeed_later() {
    let policy = RefreshPolicy {
        backoff_base_ms: 1_000,
        backoff_max_ms: 8_000,
        ..RefreshPolicy::default()
    };
    let mut manager = CredentialManager::refreshable(policy, 42);
    let mut now = T0;
    for failure in 1..=8u32 {
        assert_eq!(
            manager.poll(now),
            CredentialStep::StartRefresh,
            "failure {failure}"
        );
        manager.on_refresh_failed(provider_error(), now);
        assert_eq!(manager.consecutive_failures(), failure);
        assert_eq!(manager.last_error(), Some(&provider_error()));
        let bound = (1_000u64 << (failure - 1)).min(8_000);
        match manager.poll(now) {
            CredentialStep::WaitUntil(until) => {
                assert!(
                    until - now <= bound,
                    "failure {failure}: {} > {bound}",
                    until - now
                );
                assert_eq!(manager.poll(until - 1), CredentialStep::WaitUntil(until));
                now = until;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(manager.poll(now), CredentialStep::StartRefresh);
    manager
        .on_refreshed(creds("ASIAOK", now, Some(HOUR)), now)
        .unwrap();
    assert_eq!(manager.consecutive_failures(), 0);
    assert!(manager.last_error().is_none());
    assert_eq!(ready_id(manager.poll(now)), "ASIAOK");
}

#[test]
fn each_outage_is_reported_once_whether_it_starts_with_an_error_or_a_timeout() {
    let policy = RefreshPolicy {
        backoff_base_ms: 1_000,
        backoff_max_ms: 1_000,
        ..RefreshPolicy::default()
    };
    let mut manager = CredentialManager::refreshable(policy, 3);
    let mut now = T0;
    // Outage 1 begins with a refresh that never answers.
    assert_eq!(manager.poll(now), CredentialStep::StartRefresh);
    assert_eq!(manager.take_outage_report(), None);
    now += policy.refresh_timeout_ms;
    manager.poll(now);
    let report = manager
        .take_outage_report()
        .expect("the timeout began an outage");
    assert!(report.message().contains("refreshTimeoutMs"), "{report}");
    assert_eq!(manager.take_outage_report(), None, "reported once");
    // Further failures of the same outage are not reported again.
    for _ in 0..3 {
        now += 1_000;
        assert_eq!(manager.poll(now), CredentialStep::StartRefresh);
        manager.on_refresh_failed(provider_error(), now);
        assert_eq!(manager.take_outage_report(), None);
    }
    // A success ends it; the next failure begins outage 2, reported once with its own error.
    now += 1_000;
    assert_eq!(manager.poll(now), CredentialStep::StartRefresh);
    manager
        .on_refreshed(creds("ASIAOK", now, Some(10 * MINUTE)), now)
        .unwrap();
    assert_eq!(manager.take_outage_report(), None);
    now += 10 * MINUTE - policy.refresh_margin_ms;
    assert_eq!(manager.poll(now), CredentialStep::StartRefresh);
    manager.on_refresh_failed(provider_error(), now);
    assert_eq!(manager.take_outage_report(), Some(provider_error()));
    assert_eq!(manager.take_outage_report(), None);
}

#[test]
fn invalidate_drops_only_the_rejected_key_then_refreshes() {
    let mut manager = CredentialManager::refreshable(RefreshPolicy::default(), 1);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    manager
        .on_refreshed(creds("ASIAOLD", T0, Some(HOUR)), T0)
        .unwrap();
    assert_eq!(ready_id(manager.poll(T0 + 1)), "ASIAOLD");
    assert!(!manager.invalidate("ASIAOTHER"));
    assert_eq!(ready_id(manager.poll(T0 + 2)), "ASIAOLD");
    assert!(manager.invalidate("ASIAOLD"));
    assert_eq!(manager.poll(T0 + 3), CredentialStep::StartRefresh);
    assert!(matches!(manager.poll(T0 + 4), CredentialStep::WaitUntil(_)));
    manager
        .on_refreshed(creds("ASIANEW", T0 + 5, Some(HOUR)), T0 + 5)
        .unwrap();
    // A second ExpiredToken for a request signed with the old key must not drop the new one.
    assert!(!manager.invalidate("ASIAOLD"));
    assert_eq!(ready_id(manager.poll(T0 + 6)), "ASIANEW");
}

#[test]
fn fixed_credentials_expire_into_a_clear_error_not_a_loop() {
    let mut manager = CredentialManager::fixed(creds("ASIAFIXED", T0, Some(HOUR)));
    assert!(!manager.is_refreshable());
    // Never a refresh, even inside the margin.
    assert_eq!(ready_id(manager.poll(T0 + HOUR - 1)), "ASIAFIXED");
    assert_eq!(manager.next_wake_ms(), Some(T0 + HOUR));
    for t in [T0 + HOUR, T0 + HOUR + 1, T0 + 2 * HOUR] {
        match manager.poll(t) {
            CredentialStep::Unavailable(error) => {
                assert_eq!(error.code(), ErrorCode::CredentialsError);
                assert!(error.message().contains("cannot be refreshed"), "{error}");
                assert!(
                    error.message().contains("2026-11-26T14:44:37.000Z"),
                    "{error}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(manager.next_wake_ms(), None);
    manager.replace(creds("ASIAFRESH", T0 + 2 * HOUR, Some(HOUR)), T0 + 2 * HOUR);
    assert_eq!(ready_id(manager.poll(T0 + 2 * HOUR)), "ASIAFRESH");
}

#[test]
fn fixed_credentials_rejected_by_the_service_become_unavailable() {
    let mut manager = CredentialManager::fixed(creds("ASIAFIXED", T0, None));
    assert_eq!(ready_id(manager.poll(T0 + 100 * HOUR)), "ASIAFIXED");
    assert!(manager.invalidate("ASIAFIXED"));
    assert!(matches!(
        manager.poll(T0 + 100 * HOUR),
        CredentialStep::Unavailable(e) if e.code() == ErrorCode::CredentialsError
    ));
}

#[test]
fn short_lived_credentials_refresh_halfway_instead_of_looping() {
    let mut manager = CredentialManager::refreshable(RefreshPolicy::default(), 1);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    manager
        .on_refreshed(creds("ASIASHORT", T0, Some(2 * MINUTE)), T0)
        .unwrap();
    assert_eq!(ready_id(manager.poll(T0)), "ASIASHORT");
    assert_eq!(ready_id(manager.poll(T0 + MINUTE - 1)), "ASIASHORT");
    assert_eq!(manager.poll(T0 + MINUTE), CredentialStep::StartRefresh);
}

#[test]
fn credentials_without_expiry_are_never_refreshed() {
    let mut manager = CredentialManager::refreshable(RefreshPolicy::default(), 1);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    manager
        .on_refreshed(creds("ASIAFOREVER", T0, None), T0)
        .unwrap();
    assert_eq!(manager.next_wake_ms(), None);
    assert_eq!(ready_id(manager.poll(T0 + 1_000 * HOUR)), "ASIAFOREVER");
}

#[test]
fn already_expired_refresh_result_counts_as_a_failure() {
    let mut manager = CredentialManager::refreshable(RefreshPolicy::default(), 1);
    assert_eq!(manager.poll(T0), CredentialStep::StartRefresh);
    let stale = creds("ASIASTALE", T0 - HOUR, Some(MINUTE));
    let error = manager.on_refreshed(stale, T0).unwrap_err();
    assert_eq!(error.code(), ErrorCode::CredentialsError);
    assert!(error.message().contains("expiration"), "{error}");
    assert_eq!(manager.consecutive_failures(), 1);
    assert!(manager.current().is_none());
}

#[derive(Clone, Debug)]
enum Event {
    Advance(u64),
    Poll,
    Succeed(u64),
    SucceedForever,
    Fail,
    InvalidateCurrent,
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => (0u64..20 * MINUTE).prop_map(Event::Advance),
        6 => Just(Event::Poll),
        2 => (1u64..2 * HOUR).prop_map(Event::Succeed),
        1 => Just(Event::SucceedForever),
        2 => Just(Event::Fail),
        1 => Just(Event::InvalidateCurrent),
    ]
}

proptest! {
    /// Whatever happens, credentials handed out are unexpired, a refresh never starts while one
    /// is in flight and not timed out, and a refresh is started whenever nothing is usable and no
    /// refresh is running or backing off.
    #[test]
    fn invariants_hold_for_any_event_sequence(
        seed in any::<u64>(),
        events in prop::collection::vec(event(), 1..120),
    ) {
        let policy = RefreshPolicy::default();
        let mut manager = CredentialManager::refreshable(policy, seed);
        let mut now = T0;
        let mut in_flight_since: Option<u64> = None;
        let mut serial = 0u32;
        for event in events {
            match event {
                Event::Advance(dt) => now += dt,
                Event::Poll => match manager.poll(now) {
                    CredentialStep::Ready(c) => prop_assert!(!c.is_expired(now)),
                    CredentialStep::StartRefresh => {
                        if let Some(since) = in_flight_since {
                            prop_assert!(now >= since + policy.refresh_timeout_ms);
                        }
                        in_flight_since = Some(now);
                    }
                    CredentialStep::WaitUntil(t) => {
                        prop_assert!(t > now);
                        prop_assert!(manager.current().is_none());
                    }
                    CredentialStep::Unavailable(_) => prop_assert!(false, "refreshable manager"),
                },
                Event::Succeed(_) | Event::SucceedForever | Event::Fail
                    if in_flight_since.is_none() => {}
                Event::Succeed(lifetime) => {
                    serial += 1;
                    let c = creds(&format!("ASIA{serial}"), now, Some(lifetime));
                    manager.on_refreshed(c, now).unwrap();
                    in_flight_since = None;
                }
                Event::SucceedForever => {
                    serial += 1;
                    manager.on_refreshed(creds(&format!("ASIA{serial}"), now, None), now).unwrap();
                    in_flight_since = None;
                }
                Event::Fail => {
                    manager.on_refresh_failed(provider_error(), now);
                    in_flight_since = None;
                }
                Event::InvalidateCurrent => {
                    if let Some(id) = manager.current().map(|c| c.access_key_id().to_owned()) {
                        prop_assert!(manager.invalidate(&id));
                    }
                }
            }
        }
    }
}
