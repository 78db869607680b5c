//! Small values kept across page views in the global `localStorage`, where the runtime has one
//! (pages; not dedicated or service workers, Node or workerd, where this is a no-op):
//!
//! - `kinesis-clickstream:cognito-identity:{identityPoolId}`: the unauthenticated Cognito identity id,
//!   so the next producer for that pool (e.g. after a reload) skips `GetId`. Identities of
//!   authenticated (`logins`) pools are not kept: they belong to whoever is logged in.
//! - `kinesis-clickstream:clock-offset:{host}`: the learned server-minus-local clock offset in ms for
//!   an endpoint host, so the next producer signs with it from its first request instead of having
//!   that request rejected for skew.
//!
//! Storage that is missing, blocked (`SecurityError` in sandboxed frames) or failing (quota, private
//! mode) counts as empty: nothing here ever fails the producer. `localStorage` is looked up on
//! `globalThis`, never through `window`, so the same code loads in every runtime.

use super::storage_local::LocalStore;
use crate::core::decimal::Decimal;

/// Prefix of every key this crate writes to `localStorage`.
pub const KEY_PREFIX: &str = "kinesis-clickstream:";

/// `kinesis-clickstream:{scope}:{suffix}`: how every key (and Web Lock name) this crate uses is
/// built, written out without the formatting machinery at one site.
pub fn scoped_key(scope: &str, suffix: &str) -> String {
    let mut key = String::with_capacity(KEY_PREFIX.len() + scope.len() + 1 + suffix.len());
    key.push_str(KEY_PREFIX);
    key.push_str(scope);
    key.push(':');
    key.push_str(suffix);
    key
}

/// The `localStorage` key holding the identity id for `identity_pool_id`.
pub fn identity_key(identity_pool_id: &str) -> String {
    scoped_key("cognito-identity", identity_pool_id)
}

/// The `localStorage` key holding the clock offset learned from `host` (`host[:port]`).
pub fn clock_offset_key(host: &str) -> String {
    scoped_key("clock-offset", host)
}

/// The global `localStorage`.
#[derive(Clone, Debug)]
pub struct LocalCache {
    storage: LocalStore,
}

impl LocalCache {
    /// The global `localStorage`, or `None` where there is none or reading it throws.
    pub fn open() -> Option<LocalCache> {
        LocalStore::open().map(|storage| LocalCache { storage })
    }

    fn get(&self, key: &str) -> Option<String> {
        self.storage.get_item(key)
    }

    fn set(&self, key: &str, value: &str) {
        // A full or blocked storage only loses the shortcut; the value is learned again next time.
        self.storage.set_item(key, value);
    }

    /// The identity id kept for `identity_pool_id`, if any.
    pub fn identity_id(&self, identity_pool_id: &str) -> Option<String> {
        self.get(&identity_key(identity_pool_id))
            .filter(|id| !id.is_empty())
    }

    /// Keeps `identity_id` for `identity_pool_id`.
    pub fn store_identity_id(&self, identity_pool_id: &str, identity_id: &str) {
        self.set(&identity_key(identity_pool_id), identity_id);
    }

    /// The clock offset (ms) kept for `host`, if one was stored and reads as a whole number.
    pub fn clock_offset_ms(&self, host: &str) -> Option<i64> {
        // An optional sign and at most 18 decimal digits (no overflow), read byte by byte.
        let text = self.get(&clock_offset_key(host))?;
        let bytes = crate::core::text::trim(&text).as_bytes();
        let (negative, digits) = match bytes {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            _ => (false, bytes),
        };
        if digits.is_empty() || digits.len() > 18 {
            return None;
        }
        let mut magnitude: i64 = 0;
        for &byte in digits {
            if !byte.is_ascii_digit() {
                return None;
            }
            magnitude = magnitude * 10 + i64::from(byte - b'0');
        }
        Some(if negative { -magnitude } else { magnitude })
    }

    /// Keeps `offset_ms` as the clock offset for `host`.
    pub fn store_clock_offset_ms(&self, host: &str, offset_ms: i64) {
        self.set(&clock_offset_key(host), &Decimal::from(offset_ms).to_text());
    }
}
