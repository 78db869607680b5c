//! When to fetch credentials, as a sans-IO state machine.
//!
//! [`CredentialManager::poll`] says what to do now: sign with the current credentials, start a
//! refresh, wait, or stop because no credentials can ever be obtained. The caller runs the refresh
//! (a JS provider function, Cognito) and reports the result with
//! [`CredentialManager::on_refreshed`] or [`CredentialManager::on_refresh_failed`].
//!
//! Rules:
//! - A refresh starts when there are no credentials, when they were invalidated, or from the
//!   *refresh time* on: `refresh_margin_ms` before expiry, or halfway to expiry for credentials
//!   that arrive with less than the margin left (so short-lived credentials cannot cause a
//!   refresh loop).
//! - At most one refresh is in flight. One that reports nothing within `refresh_timeout_ms`
//!   counts as failed; a success reported later is still taken.
//! - Credentials are handed out only before their expiry, including while a refresh runs.
//! - Failed refreshes are retried after a full-jitter backoff (random in
//!   `0..=min(backoff_max_ms, backoff_base_ms * 2^(failures - 1))`), forever, with the last error
//!   kept for reporting; the caller keeps its events buffered meanwhile.
//! - Fixed credentials (no provider) are never refreshed: once expired or invalidated the manager
//!   reports [`CredentialStep::Unavailable`] with a `CredentialsError` until
//!   [`CredentialManager::replace`] installs new ones. It never asks to refresh them.
//!
//! All times are local ms since the epoch; expirations are compared with them directly (the
//! 5-minute default margin absorbs ordinary clock skew).

use crate::core::credentials::Credentials;
use crate::core::decimal::Decimal;
use crate::core::error::{Error, ErrorCode};
use crate::core::http_date::format_iso8601;
use crate::core::retry::Backoff;
use crate::core::rng::Rng;
use crate::core::text::text;

/// Timing of refreshes. Every field is in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Refresh this long before expiry. Default 5 minutes.
    pub refresh_margin_ms: u64,
    /// First retry delay bound after a failed refresh. Default 1 s.
    pub backoff_base_ms: u64,
    /// Largest retry delay bound. Default 60 s.
    pub backoff_max_ms: u64,
    /// A refresh without a result after this long counts as failed. Default 30 s.
    pub refresh_timeout_ms: u64,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            refresh_margin_ms: 5 * 60_000,
            backoff_base_ms: 1_000,
            backoff_max_ms: 60_000,
            refresh_timeout_ms: 30_000,
        }
    }
}

/// What the caller should do now, from [`CredentialManager::poll`].
#[derive(Debug, PartialEq, Eq)]
pub enum CredentialStep<'a> {
    /// Sign with these; they are not expired at the polled time.
    Ready(&'a Credentials),
    /// Fetch new credentials now and report the result; the refresh counts as in flight.
    StartRefresh,
    /// Nothing usable yet (refresh running or backing off); poll again at this time or when a
    /// refresh result arrives.
    WaitUntil(u64),
    /// No credentials and no way to get any (fixed credentials expired or rejected); polling again
    /// changes nothing until [`CredentialManager::replace`].
    Unavailable(&'a Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RefreshState {
    Idle,
    InFlight { started_at_ms: u64 },
    BackingOff { until_ms: u64 },
}

/// Decides when credentials are usable and when to refresh them. See the module docs.
#[derive(Debug)]
pub struct CredentialManager {
    refreshable: bool,
    policy: RefreshPolicy,
    current: Option<Credentials>,
    refresh_at_ms: Option<u64>,
    state: RefreshState,
    failures: u32,
    last_error: Option<Error>,
    outage_report: Option<Error>,
    rng: Rng,
}

impl CredentialManager {
    /// A manager with a provider: it asks for credentials at the first poll and refreshes them.
    /// `seed` drives the backoff jitter.
    pub fn refreshable(policy: RefreshPolicy, seed: u64) -> Self {
        CredentialManager {
            refreshable: true,
            policy,
            current: None,
            refresh_at_ms: None,
            state: RefreshState::Idle,
            failures: 0,
            last_error: None,
            outage_report: None,
            rng: Rng::new(seed),
        }
    }

    /// A manager for credentials given once, without a provider: it never refreshes.
    pub fn fixed(credentials: Credentials) -> Self {
        CredentialManager {
            refreshable: false,
            policy: RefreshPolicy::default(),
            current: Some(credentials),
            refresh_at_ms: None,
            state: RefreshState::Idle,
            failures: 0,
            last_error: None,
            outage_report: None,
            rng: Rng::new(0),
        }
    }

    /// Whether this manager can refresh (it has a provider).
    pub fn is_refreshable(&self) -> bool {
        self.refreshable
    }

    /// What to do at `now_ms`. Returning [`CredentialStep::StartRefresh`] marks a refresh in flight.
    pub fn poll(&mut self, now_ms: u64) -> CredentialStep<'_> {
        if let RefreshState::InFlight { started_at_ms } = self.state {
            if now_ms >= started_at_ms.saturating_add(self.policy.refresh_timeout_ms) {
                let error = Error::new(
                    ErrorCode::CredentialsError,
                    text!(
                        "credential refresh gave no result within refreshTimeoutMs {} ms",
                        Decimal::from(self.policy.refresh_timeout_ms)
                    ),
                );
                self.record_failure(error, now_ms);
            }
        }
        if self.current.as_ref().is_some_and(|c| c.is_expired(now_ms)) {
            let expired = self.current.take().and_then(|c| c.expires_at_ms());
            if !self.refreshable {
                self.last_error = Some(Error::new(
                    ErrorCode::CredentialsError,
                    text!(
                        "credentials expired at {} and cannot be refreshed: they were given as a \
                         fixed object; pass a provider function or a Cognito identity pool, or set \
                         new credentials",
                        expired.map(format_iso8601).unwrap_or_default()
                    ),
                ));
            }
        }
        if !self.refreshable {
            return match &self.current {
                Some(credentials) => CredentialStep::Ready(credentials),
                None => CredentialStep::Unavailable(self.last_error.get_or_insert_with(|| {
                    Error::new(ErrorCode::CredentialsError, "no credentials were given")
                })),
            };
        }
        let refresh_due = match (&self.current, self.refresh_at_ms) {
            (None, _) => true,
            (Some(_), Some(at)) => now_ms >= at,
            (Some(_), None) => false,
        };
        if refresh_due {
            let may_start = match self.state {
                RefreshState::Idle => true,
                RefreshState::BackingOff { until_ms } => now_ms >= until_ms,
                RefreshState::InFlight { .. } => false,
            };
            if may_start {
                self.state = RefreshState::InFlight {
                    started_at_ms: now_ms,
                };
                return CredentialStep::StartRefresh;
            }
        }
        if let Some(credentials) = &self.current {
            return CredentialStep::Ready(credentials);
        }
        match self.state {
            RefreshState::InFlight { started_at_ms } => CredentialStep::WaitUntil(
                started_at_ms.saturating_add(self.policy.refresh_timeout_ms),
            ),
            RefreshState::BackingOff { until_ms } => CredentialStep::WaitUntil(until_ms),
            // Not reached: without credentials a refresh is due and an idle manager starts it.
            RefreshState::Idle => CredentialStep::StartRefresh,
        }
    }

    /// The earliest time a poll may have something new to do without any result arriving: a
    /// refresh timeout, the end of a backoff, or the refresh time of the current credentials.
    pub fn next_wake_ms(&self) -> Option<u64> {
        match self.state {
            RefreshState::InFlight { started_at_ms } => {
                Some(started_at_ms.saturating_add(self.policy.refresh_timeout_ms))
            }
            RefreshState::BackingOff { until_ms } => Some(until_ms),
            RefreshState::Idle if self.refreshable => self.refresh_at_ms,
            RefreshState::Idle => self.current.as_ref().and_then(|c| c.expires_at_ms()),
        }
    }

    /// A refresh produced `credentials` at `now_ms`. They replace the current ones unless already
    /// expired, which counts as a failed refresh (the error is returned).
    pub fn on_refreshed(&mut self, credentials: Credentials, now_ms: u64) -> Result<(), Error> {
        if credentials.is_expired(now_ms) {
            let error = Error::new(
                ErrorCode::CredentialsError,
                text!("the credentials provider returned credentials whose expiration {} is not after \
                     the current time {}", credentials
                        .expires_at_ms()
                        .map(format_iso8601)
                        .unwrap_or_default(), format_iso8601(now_ms)),
            );
            self.on_refresh_failed(error.clone(), now_ms);
            return Err(error);
        }
        self.install(credentials, now_ms);
        Ok(())
    }

    /// The refresh in flight failed with `error` at `now_ms`: back off, keep the error for
    /// [`Self::last_error`]. Ignored when no refresh is in flight (a timed-out one reporting late).
    pub fn on_refresh_failed(&mut self, error: Error, now_ms: u64) {
        if matches!(self.state, RefreshState::InFlight { .. }) {
            self.record_failure(error, now_ms);
        }
    }

    /// The service rejected a request signed with the key `access_key_id` as expired: drop those
    /// credentials if they are still current (a refresh follows at the next poll, or, for fixed
    /// credentials, the manager becomes unavailable). Returns whether anything was dropped.
    pub fn invalidate(&mut self, access_key_id: &str) -> bool {
        if self
            .current
            .as_ref()
            .is_none_or(|c| c.access_key_id() != access_key_id)
        {
            return false;
        }
        self.current = None;
        if !self.refreshable {
            self.last_error = Some(Error::new(
                ErrorCode::CredentialsError,
                "the service reported the credentials as expired and they cannot be refreshed: \
                 they were given as a fixed object; pass a provider function or a Cognito identity \
                 pool, or set new credentials",
            ));
        }
        true
    }

    /// Installs credentials given directly (e.g. the application set new ones), for either kind of
    /// manager. Clears failures; an in-flight refresh may still report and replace them.
    pub fn replace(&mut self, credentials: Credentials, now_ms: u64) {
        self.install(credentials, now_ms);
    }

    /// The current credentials, if any, whether or not expired.
    pub fn current(&self) -> Option<&Credentials> {
        self.current.as_ref()
    }

    /// The error of the last failed refresh (or why fixed credentials are unavailable); cleared by
    /// a success.
    pub fn last_error(&self) -> Option<&Error> {
        self.last_error.as_ref()
    }

    /// Failed refreshes since the last success.
    pub fn consecutive_failures(&self) -> u32 {
        self.failures
    }

    /// The failure that began the current outage (the first failed refresh, whether an error, an
    /// unusable result or a timeout, after a success or since creation), handed out once so that the
    /// application hears of each outage exactly once; `None` until the next outage begins.
    pub fn take_outage_report(&mut self) -> Option<Error> {
        self.outage_report.take()
    }

    fn install(&mut self, credentials: Credentials, now_ms: u64) {
        self.refresh_at_ms = match credentials.expires_at_ms() {
            Some(expiry) if self.refreshable => {
                let by_margin = expiry.saturating_sub(self.policy.refresh_margin_ms);
                Some(if by_margin > now_ms {
                    by_margin
                } else {
                    now_ms + expiry.saturating_sub(now_ms) / 2
                })
            }
            _ => None,
        };
        self.current = Some(credentials);
        self.state = RefreshState::Idle;
        self.failures = 0;
        self.outage_report = None;
        self.last_error = None;
    }

    fn record_failure(&mut self, error: Error, now_ms: u64) {
        self.failures = self.failures.saturating_add(1);
        if self.failures == 1 {
            self.outage_report = Some(error.clone());
        }
        let backoff = Backoff {
            base_ms: self.policy.backoff_base_ms,
            max_ms: self.policy.backoff_max_ms,
        };
        let delay = backoff.delay_ms(self.failures - 1, &mut self.rng);
        self.state = RefreshState::BackingOff {
            until_ms: now_ms.saturating_add(delay),
        };
        self.last_error = Some(error);
    }
}
