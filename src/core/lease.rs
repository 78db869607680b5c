//! Who may send the persisted backlog of a tab that is gone: the lease model used where the Web Locks
//! API is missing (the edge keeps this book in `localStorage`, shared by every tab of the origin).
//!
//! Every tab has an id and writes a heartbeat at least every [`HEARTBEAT_MS`]; a tab whose heartbeat
//! is older than [`TAB_EXPIRY_MS`] is dead, and every persisted record it owns is *claimable*. One tab
//! at a time holds the *drain lease* (lost [`DRAIN_LEASE_MS`] after it was taken or renewed); only its
//! holder claims records, and a claim re-owns them to the claimer in the same storage write, so a
//! claimed record belongs to a live tab again and no second tab claims it. The edge stores each tab's
//! heartbeat under its own key and the drain lease under one key, so tabs never overwrite each other's
//! heartbeats, and assembles this book from them.
//!
//! With Web Locks the edge uses the same rules with locks instead: a tab is alive while it holds its
//! own lock, and the drain lease is a lock taken with `ifAvailable`.
//!
//! The limit of the lease fallback: `localStorage` has no compare-and-set, so two tabs taking the
//! drain lease in the same instant can both claim (a duplicate, never a loss); and a tab frozen longer
//! than [`TAB_EXPIRY_MS`] (a suspended laptop) is taken for dead — [`LeaseBook::heartbeat`] returns
//! `false` when it wakes, and the events it still holds may then be sent twice.

use crate::core::decimal::Decimal;
use crate::core::error::{quoted, Error, ErrorCode, Result};
use crate::core::name_map::NameMap;
use crate::core::text::split_once_ascii;
use crate::core::text::text;

/// A tab writes its heartbeat this often.
pub const HEARTBEAT_MS: u64 = 5_000;
/// A tab without a heartbeat for this long is dead. Background tabs run timers at most once a
/// minute after five minutes hidden (Chromium's intensive throttling), so this is above a minute.
pub const TAB_EXPIRY_MS: u64 = 75_000;
/// The drain lease lasts this long after its last renewal.
pub const DRAIN_LEASE_MS: u64 = 75_000;

/// The drain lease: who holds it, until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrainLease {
    /// The holder's tab id.
    pub tab: String,
    /// It lapses at this time (ms since the Unix epoch).
    pub expires_ms: u64,
}

/// The shared book of heartbeats and the drain lease.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseBook {
    heartbeats: NameMap,
    drain: Option<DrainLease>,
}

impl LeaseBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `tab` is alive at `now_ms`, renews its drain lease if it holds it, and forgets
    /// tabs dead for more than twice the expiry. Returns `false` when `tab` had already been taken
    /// for dead (its records may have been claimed by another tab).
    pub fn heartbeat(&mut self, tab: &str, now_ms: u64) -> bool {
        let was_alive = match self.heartbeats.get(tab) {
            Some(&last) => now_ms < last.saturating_add(TAB_EXPIRY_MS),
            None => true,
        };
        self.heartbeats.insert(tab, now_ms);
        if let Some(lease) = &mut self.drain {
            if lease.tab == tab && now_ms < lease.expires_ms {
                lease.expires_ms = now_ms.saturating_add(DRAIN_LEASE_MS);
            }
        }
        let horizon = now_ms.saturating_sub(2 * TAB_EXPIRY_MS);
        // Removed through `remove_many` with the argument type the edge's store uses already, so
        // no second `Vec::retain` is compiled.
        let mut forgotten: Vec<String> = Vec::new();
        for (tab, last) in self.heartbeats.iter() {
            if last < horizon {
                forgotten.push(tab.to_owned());
            }
        }
        self.heartbeats
            .remove_many(forgotten.iter().map(String::as_str));
        was_alive
    }

    /// Whether `tab` wrote a heartbeat within [`TAB_EXPIRY_MS`] before `now_ms`. A tab never seen is
    /// dead (its records are left over from a page the book has forgotten).
    pub fn is_alive(&self, tab: &str, now_ms: u64) -> bool {
        self.heartbeats
            .get(tab)
            .is_some_and(|&last| now_ms < last.saturating_add(TAB_EXPIRY_MS))
    }

    /// The tabs alive at `now_ms` (see [`LeaseBook::is_alive`]), as names. The holder of the drain
    /// lease may claim the records of every other tab not among them ([`LeaseBook::may_claim`]).
    pub fn alive_tabs(&self, now_ms: u64) -> NameMap {
        let mut alive = NameMap::new();
        for (tab, _) in self.heartbeats.iter() {
            if self.is_alive(tab, now_ms) {
                alive.insert(tab, 0);
            }
        }
        alive
    }

    /// Whether `claimer` may claim a record owned by `owner` at `now_ms`: it holds the drain lease and
    /// the owner is another tab that is dead.
    pub fn may_claim(&self, claimer: &str, owner: &str, now_ms: u64) -> bool {
        owner != claimer && self.holds_drain(claimer, now_ms) && !self.is_alive(owner, now_ms)
    }

    /// Takes the drain lease for `tab` when it is free, lapsed or already `tab`'s; returns whether
    /// `tab` holds it now.
    pub fn try_acquire_drain(&mut self, tab: &str, now_ms: u64) -> bool {
        let free = match &self.drain {
            None => true,
            Some(lease) => lease.tab == tab || now_ms >= lease.expires_ms,
        };
        if free {
            self.drain = Some(DrainLease {
                tab: tab.to_owned(),
                expires_ms: now_ms.saturating_add(DRAIN_LEASE_MS),
            });
        }
        free
    }

    /// Whether `tab` holds an unexpired drain lease at `now_ms`.
    pub fn holds_drain(&self, tab: &str, now_ms: u64) -> bool {
        self.drain
            .as_ref()
            .is_some_and(|lease| lease.tab == tab && now_ms < lease.expires_ms)
    }

    /// The drain lease, if one was taken (it may have lapsed).
    pub fn drain(&self) -> Option<&DrainLease> {
        self.drain.as_ref()
    }

    /// Replaces the drain lease (when the book is assembled from separately stored parts).
    pub fn set_drain(&mut self, drain: Option<DrainLease>) {
        self.drain = drain;
    }

    /// Gives up the drain lease if `tab` holds it.
    pub fn release_drain(&mut self, tab: &str) {
        if self.drain.as_ref().is_some_and(|lease| lease.tab == tab) {
            self.drain = None;
        }
    }

    /// Removes `tab` (a page leaving normally): its records become claimable at once.
    pub fn leave(&mut self, tab: &str) {
        self.heartbeats.remove(tab);
        self.release_drain(tab);
    }

    /// The text stored in `localStorage`: one line per heartbeat `h <tab> <ms>`, and `d <tab> <ms>`
    /// for the drain lease.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (tab, at) in self.heartbeats.iter() {
            out.push_str(&text!("h {} {}\n", tab, Decimal::from(at)));
        }
        if let Some(lease) = &self.drain {
            out.push_str(&text!(
                "d {} {}\n",
                lease.tab,
                Decimal::from(lease.expires_ms)
            ));
        }
        out
    }

    /// Reads [`LeaseBook::encode`]'s text; an `InvalidData` error names the bad line. Tab ids must
    /// not contain whitespace.
    pub fn decode(text: &str) -> Result<Self> {
        let mut book = LeaseBook::new();
        let mut rest = Some(text);
        let mut number = 0usize;
        while let Some(remaining) = rest {
            // Lines as `str::lines` cuts them: at '\n', then without a '\r' before that '\n'.
            let line = match split_once_ascii(remaining, b'\n') {
                Some((line, after)) => {
                    rest = Some(after);
                    line.strip_suffix("\r").unwrap_or(line)
                }
                None => {
                    rest = None;
                    remaining
                }
            };
            number += 1;
            if line.is_empty() {
                continue;
            }
            let bad = || {
                Error::new(
                    ErrorCode::InvalidData,
                    text!(
                        "lease book line {} is {}; expected `h|d <tab> <ms>`",
                        number,
                        quoted(line)
                    ),
                )
            };
            // Three fields: a space inside the last one fails the number parse.
            let Some((kind, (tab, ms))) = split_once_ascii(line, b' ')
                .and_then(|(kind, rest)| Some((kind, split_once_ascii(rest, b' ')?)))
            else {
                return Err(bad());
            };
            let ms: u64 = ms.parse().map_err(|_| bad())?;
            match kind {
                "h" => {
                    book.heartbeats.insert(tab, ms);
                }
                "d" => {
                    book.drain = Some(DrainLease {
                        tab: tab.to_owned(),
                        expires_ms: ms,
                    })
                }
                _ => return Err(bad()),
            }
        }
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alive_tabs_are_the_owners_the_drain_holder_may_not_claim() {
        let mut book = LeaseBook::new();
        book.heartbeat("old", 0);
        book.heartbeat("mid", 40_000);
        book.heartbeat("me", 100_000);
        assert!(book.try_acquire_drain("me", 100_000));
        for now in [100_000, 114_999, 115_000, 130_000, 174_999] {
            let alive = book.alive_tabs(now);
            for owner in ["old", "mid", "me", "never-seen"] {
                assert_eq!(alive.contains_key(owner), book.is_alive(owner, now));
                assert_eq!(
                    book.may_claim("me", owner, now),
                    owner != "me" && !alive.contains_key(owner),
                    "{owner} at {now}"
                );
            }
        }
        assert!(!book.alive_tabs(100_000).contains_key("old"));
        assert!(book.alive_tabs(114_999).contains_key("mid"));
        assert!(!book.alive_tabs(115_000).contains_key("mid"));
    }

    #[test]
    fn decode_takes_exactly_three_space_separated_fields() {
        let book = LeaseBook::decode("h a 1\n\nh  2\nd a 9\n").unwrap();
        assert_eq!(book.encode(), "h  2\nh a 1\nd a 9\n");
        for bad in [
            "h a", "h a 1 2", "h a 1 ", " h a 1", "h a x", "h a -1", "x a 1", "h",
        ] {
            let error = LeaseBook::decode(bad).unwrap_err();
            assert!(error.message().contains("line 1"), "{bad}: {error}");
        }
    }

    #[test]
    fn decode_cuts_lines_as_str_lines_does() {
        let book = LeaseBook::decode("h a 1\r\n\r\nh b 2\nd a 9").unwrap();
        assert_eq!(book.encode(), "h a 1\nh b 2\nd a 9\n");
        for (bad, line) in [("h a 1\r", 1), ("h a 1\n\nh b 2\r", 3), ("h a 1\r\r\n", 1)] {
            let error = LeaseBook::decode(bad).unwrap_err();
            assert!(
                error.message().contains(&format!("line {line} ")),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn a_heartbeat_forgets_tabs_silent_for_two_expiries() {
        let mut book = LeaseBook::new();
        book.heartbeat("old", 1_000);
        book.heartbeat("edge", 2_000);
        book.heartbeat("recent", 2_000 + TAB_EXPIRY_MS);
        let now = 2_000 + 2 * TAB_EXPIRY_MS;
        book.heartbeat("me", now);
        assert_eq!(
            book.encode(),
            format!(
                "h edge 2000\nh me {now}\nh recent {}\n",
                2_000 + TAB_EXPIRY_MS
            )
        );
        assert!(!book.is_alive("old", now));
    }
}
