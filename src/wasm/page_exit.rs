//! What a durable producer sends when its page is hidden or left: only what fits the browser's
//! keepalive budget, as `keepalive` requests hashed and started synchronously; the rest stays
//! persisted for the next page of the origin.
//!
//! The budget is [`KEEPALIVE_BUDGET_BYTES`] of request bodies, counting the keepalive requests
//! already in flight; `core::Producer::poll_keepalive` packs whole records against it. The events
//! of every keepalive request in flight are written to the hand-off list ([`super::handoff`]) so that
//! the tab claiming this page's backlog does not send them a second time.

use crate::core::credential_refresh::CredentialStep;
use crate::core::keepalive::keepalive_room;
use crate::core::text::text;

use super::driver::{self, Shared, KEEPALIVE_BUDGET_BYTES};
use super::handoff;
use super::now_ms;
use super::ownership;

/// Sends what fits the keepalive budget now and lists every keepalive request's events for hand-off.
/// `leaving` is true on `pagehide` (the page is going away), false when it was only hidden.
pub fn on_page_exit(shared: &Shared, leaving: bool) {
    let mut sends = Vec::new();
    let credentials;
    {
        let mut edge = shared.borrow_mut();
        let now = now_ms();
        credentials = match edge.credentials.poll(now) {
            CredentialStep::Ready(credentials) => Some(credentials.clone()),
            _ => None,
        };
        if credentials.is_some() {
            loop {
                let room = keepalive_room(KEEPALIVE_BUDGET_BYTES, edge.keepalive_bytes);
                let Some(request) = edge.core.poll_keepalive(now, room) else {
                    break;
                };
                edge.keepalive_bytes += request.body.len();
                edge.keepalive_requests.push(request.id);
                sends.push(request);
            }
        }
        let edge = &mut *edge;
        let mut listed = String::new();
        let mut listed_count = 0;
        for &id in &edge.keepalive_requests {
            if edge
                .durable
                .handed_off
                .iter()
                .any(|(listed, _)| *listed == id)
            {
                continue;
            }
            if let Some(ids) = edge.core.request_events(id) {
                let mut owned = String::new();
                for event in ids {
                    handoff::push_listed(&mut owned, &event.to_text());
                    listed_count += 1;
                }
                handoff::push_listed(&mut listed, &owned);
                edge.durable.handed_off.push((id, owned));
            }
        }
        if edge.durable.local().is_some() && !handoff::add(&edge.durable.scope, &listed) {
            edge.logger
                .warn("the keepalive hand-off list could not be written (localStorage quota)");
        }
        if leaving {
            ownership::leave(edge);
        }
        edge.logger.debug(&text!(
            "page exit: {} keepalive requests sent, {} events handed off",
            sends.len(),
            listed_count
        ));
    }
    if let Some(credentials) = credentials {
        for request in sends {
            driver::send(shared, request, credentials.clone(), true);
        }
    }
}

/// A request finished while the page was alive: its events leave the hand-off list (they are
/// acknowledged, or will be retried by this page).
pub fn on_request_finished(edge: &mut driver::Edge, id: crate::core::producer::RequestId) {
    let Some(at) = edge
        .durable
        .handed_off
        .iter()
        .position(|(listed, _)| *listed == id)
    else {
        return;
    };
    let (_, ids) = edge.durable.handed_off.swap_remove(at);
    if edge.durable.local().is_some() {
        handoff::remove(&edge.durable.scope, &ids);
    }
}
