//! Drives the sans-IO core from JavaScript: the pump that polls it, sends its requests (hash, sign,
//! fetch), feeds responses and clock samples back, refreshes credentials, keeps one wake-up timer and
//! delivers events to `onError` / `onFlush` and to waiting `flush()` promises.
//!
//! Rules kept here:
//! - Records are taken from the core only when usable credentials are at hand, so nothing sits "in
//!   flight" waiting for a refresh. The credential manager allows one refresh at a time and gives up
//!   on one that hangs, so every `StartRefresh` it returns starts one.
//! - One timer at most, for the earliest of the core's and the credential manager's wake-ups; none when
//!   both are idle, and none after `close()` has resolved.
//! - In request-scoped runtimes (workerd) nothing sends in the background: the newest `flush()`
//!   drives sending from its own request (see [`drive_flush`]), so `ctx.waitUntil(producer.flush())`
//!   delivers everything put before it.
//! - User callbacks run after the state borrow is released, so they may call back into the producer.
//! - Fixed credentials that expire (or are rejected) stop sending: `onError` gets one
//!   `CredentialsError`, records stay buffered, and waiting `flush()` promises resolve with what is
//!   still pending instead of hanging.
//! - A provider or Cognito that fails: `onError` gets one `CredentialsError` per outage (the first
//!   failed refresh after a success, a timed-out one included), refreshes are retried with backoff, and meanwhile records still
//!   expire by `recordTtlMs`, so a `flush()` settles at the latest when its records' TTL passes.

use crate::core::decimal::Decimal;
use crate::core::text::text;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::core::clock::ClockSkew;
use crate::core::cognito_flow::CognitoFlow;
use crate::core::credential_refresh::{CredentialManager, CredentialStep};
use crate::core::credentials::Credentials;
use crate::core::error::{Error, ErrorCode};
use crate::core::events::ProducerEvent;
use crate::core::flush::{FlushId, FlushReport};
use crate::core::producer::{
    Action, HttpResponse, OutgoingRequest, Producer as CoreProducer, ResponseOutcome,
    TransportErrorKind as CoreTransportErrorKind,
};
use crate::core::sigv4::{self, SigningRequest};

use super::config::Endpoint;
use super::credentials::{self, CredentialSource};
use super::dynamic::{get, set};
use super::js_error;
use super::local_cache::LocalCache;
use super::log::Logger;
use super::now_ms;
use super::task::{spawn, Task};
use super::timer::WakeTimer;
use super::transport::{self, TransportErrorKind};

/// Chromium refuses `keepalive` requests once 64 KiB of their bodies are in flight; stay below it.
pub const KEEPALIVE_BUDGET_BYTES: usize = 60 * 1024;

/// How often a superseded flush driver checks whether its flush completed (request-scoped runtimes).
const SUPERSEDED_POLL_MS: u32 = 100;

/// A `flush()` or `close()` promise waiting for its report.
struct FlushWaiter {
    id: FlushId,
    resolve: Function,
    /// Lifetime counters when the flush was asked for, to report progress if sending stops.
    sent_before: u64,
    failed_before: u64,
    retried_before: u64,
}

/// Everything the edge keeps besides the core.
pub struct Edge {
    /// The sans-IO producer.
    pub core: CoreProducer,
    /// Signing region.
    pub region: String,
    /// Where PutRecords goes.
    pub endpoint: Endpoint,
    /// Per-request timeout.
    pub request_timeout_ms: u32,
    /// Console output.
    pub logger: Logger,
    /// `onError`.
    pub on_error: Option<Function>,
    /// `onFlush`.
    pub on_flush: Option<Function>,
    /// Where credentials come from.
    pub source: CredentialSource,
    /// When to refresh them.
    pub credentials: CredentialManager,
    /// Cognito refresh state (the identity id kept between refreshes), for a Cognito source.
    pub cognito: Option<CognitoFlow>,
    /// Server-minus-local time offset.
    pub clock: ClockSkew,
    /// Where the clock offset and the Cognito identity id are kept across page views, if anywhere.
    pub cache: Option<LocalCache>,
    timer: WakeTimer,
    waiters: Vec<FlushWaiter>,
    pump_scheduled: bool,
    /// Bytes of `keepalive` request bodies in flight (the browser's budget is 64 KiB).
    pub keepalive_bytes: usize,
    /// The `keepalive` requests in flight.
    pub keepalive_requests: Vec<crate::core::producer::RequestId>,
    /// The persisted copy of the buffer (see [`super::storage`]).
    pub durable: super::storage::DurableQueue,
    warned_long_term: bool,
    reported_unavailable: bool,
    /// `close()` was called; once its report resolves no timer is scheduled again.
    pub closing: bool,
    /// The page is being hidden or left: hash synchronously so each `fetch` starts at once.
    pub urgent: bool,
    /// The page lifecycle and network listener; dropped, and so removed, when sending stops.
    pub lifecycle: Option<super::lifecycle::PageLifecycle>,
    /// The runtime cancels a request's I/O when the request ends (workerd); see [`drive_flush`].
    pub request_scoped: bool,
    /// Wakes the newest flush driver (request-scoped runtimes only).
    kick: Option<(FlushId, Function)>,
    driver_generation: u64,
    stopped: bool,
}

/// Work to do after the state borrow is released.
#[derive(Default)]
struct Deferred {
    calls: Vec<(Function, JsValue)>,
}

impl Deferred {
    fn run(self, logger: Logger) {
        // By reference: no consuming iterator for the pair type.
        for (function, argument) in &self.calls {
            if let Err(thrown) = function.call1(&JsValue::UNDEFINED, argument) {
                logger.error(&text!(
                    "a callback threw: {}",
                    js_error::describe_js_value(&thrown)
                ));
            }
        }
    }
}

/// The shared, reference-counted edge state.
pub type Shared = Rc<RefCell<Edge>>;

impl Edge {
    /// A new edge around `core`; nothing is scheduled until the first pump.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        core: CoreProducer,
        region: String,
        endpoint: Endpoint,
        request_timeout_ms: u32,
        logger: Logger,
        on_error: Option<Function>,
        on_flush: Option<Function>,
        source: CredentialSource,
        credentials: CredentialManager,
    ) -> Edge {
        Edge {
            core,
            region,
            endpoint,
            request_timeout_ms,
            logger,
            on_error,
            on_flush,
            source,
            credentials,
            cognito: None,
            clock: ClockSkew::new(),
            cache: None,
            timer: WakeTimer::new(),
            waiters: Vec::new(),
            pump_scheduled: false,
            keepalive_bytes: 0,
            keepalive_requests: Vec::new(),
            durable: super::storage::DurableQueue::memory(),
            warned_long_term: false,
            reported_unavailable: false,
            closing: false,
            urgent: false,
            lifecycle: None,
            request_scoped: transport::is_request_scoped_runtime(),
            kick: None,
            driver_generation: 0,
            stopped: false,
        }
    }

    /// Logs a one-time warning when credentials are long-term IAM user keys.
    pub fn check_long_term(&mut self, credentials: &Credentials) {
        if credentials.is_long_term() && !self.warned_long_term {
            self.warned_long_term = true;
            self.logger.warn(
                "long-term access keys (AKIA…) are in use; ship only temporary credentials to clients",
            );
        }
    }

    /// Keeps the applied clock offset for the endpoint's host, for the next producer (page view).
    fn remember_clock_offset(&self) {
        if let Some(cache) = &self.cache {
            cache.store_clock_offset_ms(&self.endpoint.host, self.clock.offset_ms());
        }
    }

    /// Whether `close()` has completed: nothing is sent or scheduled any more.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Whether a `flush()`/`close()` promise for `id` is still unresolved.
    pub fn is_waiting(&self, id: FlushId) -> bool {
        self.waiters.iter().any(|waiter| waiter.id == id)
    }

    /// Registers a `flush()`/`close()` promise's resolve function for `id`.
    pub fn add_waiter(&mut self, id: FlushId, resolve: Function) {
        let stats = self.core.stats(now_ms());
        self.waiters.push(FlushWaiter {
            id,
            resolve,
            sent_before: stats.sent,
            failed_before: stats.failed_total(),
            retried_before: stats.retried,
        });
    }
}

/// The JS object a `flush()` promise resolves with.
pub fn report_to_js(report: &FlushReport) -> JsValue {
    const KEYS: [&str; 5] = ["sent", "failed", "retried", "dropped", "pending"];
    let values = [
        report.sent,
        report.failed,
        report.retried,
        report.dropped,
        report.pending,
    ];
    let object: JsValue = js_sys::Object::new().into();
    // Plain data properties on a fresh object, in this order.
    for (index, key) in KEYS.iter().enumerate() {
        set(&object, key, &JsValue::from_f64(values[index] as f64));
    }
    object
}

/// Runs a pump soon (in a microtask), once however often it is asked for before it runs.
pub fn schedule_pump(shared: &Shared) {
    {
        let mut edge = shared.borrow_mut();
        if edge.pump_scheduled || edge.stopped {
            return;
        }
        edge.pump_scheduled = true;
    }
    spawn(shared, Task::Pump);
}

/// Polls credentials and the core, starts every due send and refresh, re-arms the timer and delivers
/// events. Safe to call at any time. In request-scoped runtimes it only delivers events and wakes the
/// newest `flush()` driver, which does the sending from its own request (see [`drive_flush`]).
pub fn pump(shared: &Shared) {
    if shared.borrow().request_scoped {
        let mut deferred = Deferred::default();
        let logger = {
            let mut edge = shared.borrow_mut();
            edge.pump_scheduled = false;
            collect_events(&mut edge, &mut deferred);
            if let Some((flush, kick)) = edge.kick.take() {
                // A driver whose flush is complete may belong to a finished request: let it be.
                if edge.core.flush_report(flush).is_none() {
                    deferred.calls.push((kick, JsValue::UNDEFINED));
                }
            }
            edge.logger
        };
        deferred.run(logger);
    } else {
        pump_now(shared);
    }
}

/// The pump proper; returns the earliest wake-up it needs (also armed as the timer unless the
/// runtime is request-scoped).
fn pump_now(shared: &Shared) -> Option<u64> {
    let now = now_ms();
    let mut deferred = Deferred::default();
    let mut start_refresh = false;
    let mut unavailable: Option<Error> = None;
    let mut wake: Option<u64> = None;
    let credentials = {
        let mut edge = shared.borrow_mut();
        edge.pump_scheduled = false;
        if edge.stopped {
            return None;
        }
        let credentials = match edge.credentials.poll(now) {
            CredentialStep::Ready(credentials) => Some(credentials.clone()),
            CredentialStep::StartRefresh => {
                start_refresh = true;
                None
            }
            CredentialStep::WaitUntil(at) => {
                wake = Some(at);
                None
            }
            CredentialStep::Unavailable(error) => {
                unavailable = Some(error.clone());
                None
            }
        };
        if credentials.is_some() {
            edge.reported_unavailable = false;
        }
        credentials
    };
    if let Some(credentials) = &credentials {
        // Each request is taken with the state borrowed and sent without it (signing borrows it).
        // Sending changes nothing the core's next poll reads: the same as polling them all first.
        loop {
            let action = shared.borrow_mut().core.poll(now);
            match action {
                Action::Send(request) => send(shared, request, credentials.clone(), false),
                Action::WaitUntil(at) => {
                    wake = Some(wake.map_or(at, |w| w.min(at)));
                    break;
                }
                Action::Idle => break,
            }
        }
    }
    let logger = {
        let mut edge = shared.borrow_mut();
        if credentials.is_none() {
            // Nothing can be signed, yet records still expire by TTL and flushes settle.
            let expiry = edge.core.poll_unsigned(now);
            if unavailable.is_none() {
                if let Some(at) = expiry {
                    wake = Some(wake.map_or(at, |w| w.min(at)));
                }
            }
        }
        collect_events(&mut edge, &mut deferred);
        // The failure (error, unusable result or timeout) that began an outage, once per outage.
        if let (Some(error), Some(on_error)) =
            (edge.credentials.take_outage_report(), edge.on_error.clone())
        {
            deferred
                .calls
                .push((on_error, js_error::to_js_error(&error)));
        }
        if let Some(error) = unavailable {
            report_unavailable(&mut edge, &error, &mut deferred);
        }
        if edge.closing && edge.waiters.is_empty() {
            edge.stopped = true;
            edge.durable.stop();
            edge.timer.cancel();
            // This may run inside a lifecycle listener: free the listener after it returns.
            if let Some(lifecycle) = edge.lifecycle.take() {
                spawn(shared, Task::Release(lifecycle));
            }
        } else if !edge.request_scoped {
            match wake {
                Some(at) => {
                    let weak = Rc::downgrade(shared);
                    edge.timer
                        .schedule_at(at, now, Box::new(move |_| wake_up(&weak)));
                }
                None => edge.timer.cancel(),
            }
        }
        edge.logger
    };
    if start_refresh {
        refresh(shared);
    }
    super::storage::schedule_write(shared);
    deferred.run(logger);
    wake
}

/// Drives sending for flush `id` in a request-scoped runtime (workerd): each I/O of a request
/// context must be started from that context and is cancelled when it ends, and a context lives
/// until its `ctx.waitUntil(flush())` settles. So only the newest flush's driver (which covers every
/// record put before it) polls the core, from its own promise continuations: its sends, timers and
/// responses all belong to its request. Every other event only wakes it (`kick`). A driver stops
/// when its flush has completed; one that a newer flush took over waits for that with a timer.
pub fn drive_flush(shared: &Shared, id: FlushId) {
    let generation = {
        let mut edge = shared.borrow_mut();
        edge.driver_generation += 1;
        edge.driver_generation
    };
    drive_step(Rc::clone(shared), id, generation);
}

/// One round of [`drive_flush`]: pumps (unless superseded), then resumes itself from the promise of
/// the next kick or wake-up. Superseded: the newer driver sends and resolves this flush; until then
/// keep a timer pending here, or the runtime takes this request for hung and cancels its `waitUntil`.
fn drive_step(shared: Shared, id: FlushId, generation: u64) {
    let superseded = shared.borrow().driver_generation != generation;
    let wake = if superseded { None } else { pump_now(&shared) };
    let wait = {
        let mut edge = shared.borrow_mut();
        if !edge.is_waiting(id) || edge.stopped {
            return;
        }
        // Resolved by the next kick or, when the core needs a wake-up, at that time.
        let delay = if superseded {
            Some(SUPERSEDED_POLL_MS)
        } else {
            wake.map(|at| at.saturating_sub(now_ms()).min(super::timer::MAX_DELAY_MS) as u32)
        };
        let (wait, resolve) = transport::pending_until(delay);
        if !superseded {
            edge.kick = Some((id, resolve));
        }
        wait
    };
    let resume: Box<dyn FnOnce(JsValue)> = Box::new(move |_| drive_step(shared, id, generation));
    transport::then(&wait, &Closure::once_into_js(resume));
}

fn wake_up(weak: &Weak<RefCell<Edge>>) {
    if let Some(shared) = weak.upgrade() {
        // The timer fired: forget it, then pump outside the timer callback.
        shared.borrow_mut().timer.cancel();
        schedule_pump(&shared);
    }
}

/// Moves the core's events to callbacks and resolves finished `flush()` promises.
fn collect_events(edge: &mut Edge, deferred: &mut Deferred) {
    // By reference: no consuming iterator for the event type.
    for event in &edge.core.drain_events() {
        edge.durable.on_event(event);
        match event {
            &ProducerEvent::FlushCompleted { id, report } => {
                // In place, in order: no generic partition/drain code for the waiter type.
                let mut index = 0;
                while index < edge.waiters.len() {
                    if edge.waiters[index].id == id {
                        let waiter = edge.waiters.remove(index);
                        deferred.calls.push((waiter.resolve, report_to_js(&report)));
                    } else {
                        index += 1;
                    }
                }
            }
            ProducerEvent::BatchDelivered { ids, .. } => {
                edge.logger
                    .debug(&text!("delivered a batch of {} records", ids.len()));
                if let Some(on_flush) = &edge.on_flush {
                    let info: JsValue = js_sys::Object::new().into();
                    set(&info, "sent", &JsValue::from_f64(ids.len() as f64));
                    set(&info, "ids", &ids_to_js(ids));
                    deferred.calls.push((on_flush.clone(), info));
                }
            }
            ProducerEvent::RecordsFailed {
                ids,
                code,
                aws_error,
                message,
                reason,
            } => {
                let text = text!(
                    "{} records failed after reaching {}: {}",
                    ids.len(),
                    reason.as_str(),
                    message
                );
                edge.logger.error(&text);
                push_error(edge, deferred, *code, &text, aws_error.as_deref(), ids);
            }
            ProducerEvent::RecordsDropped { ids, reason } => {
                let text = text!("{} records dropped ({})", ids.len(), reason.as_str());
                edge.logger.warn(&text);
                push_error(edge, deferred, ErrorCode::BufferFull, &text, None, ids);
            }
            ProducerEvent::Paused { aws_error, message } => {
                let text = text!("sending paused: {}", message);
                edge.logger.error(&text);
                push_error(
                    edge,
                    deferred,
                    ErrorCode::ServiceError,
                    &text,
                    aws_error.as_deref(),
                    &[],
                );
            }
            ProducerEvent::Resumed => edge.logger.info("sending resumed"),
        }
    }
}

/// Event ids as a JS array of strings.
fn ids_to_js(ids: &[crate::core::event_id::EventId]) -> js_sys::Array {
    let list = js_sys::Array::new();
    for id in ids {
        list.push(&super::text::js_event_id(*id));
    }
    list
}

fn push_error(
    edge: &Edge,
    deferred: &mut Deferred,
    code: ErrorCode,
    message: &str,
    aws_error: Option<&str>,
    ids: &[crate::core::event_id::EventId],
) {
    let Some(on_error) = &edge.on_error else {
        return;
    };
    let error = js_error::js_error(code, message, aws_error);
    if !ids.is_empty() {
        set(&error, "ids", &ids_to_js(ids));
    }
    deferred.calls.push((on_error.clone(), error));
}

/// Credentials can never be had: tell `onError` once and resolve waiting flushes with what is pending.
fn report_unavailable(edge: &mut Edge, error: &Error, deferred: &mut Deferred) {
    if !edge.reported_unavailable {
        edge.reported_unavailable = true;
        edge.logger
            .error(&text!("sending stopped: {}", error.message()));
        if let Some(on_error) = &edge.on_error {
            deferred
                .calls
                .push((on_error.clone(), js_error::to_js_error(error)));
        }
    }
    let stats = edge.core.stats(now_ms());
    let pending = (stats.buffered_records + stats.in_flight_records) as u64;
    while !edge.waiters.is_empty() {
        let waiter = edge.waiters.remove(0);
        let report = FlushReport {
            sent: stats.sent.saturating_sub(waiter.sent_before),
            failed: stats.failed_total().saturating_sub(waiter.failed_before),
            retried: stats.retried.saturating_sub(waiter.retried_before),
            dropped: 0,
            pending,
        };
        deferred.calls.push((waiter.resolve, report_to_js(&report)));
    }
}

fn core_kind(kind: TransportErrorKind) -> CoreTransportErrorKind {
    match kind {
        TransportErrorKind::Network => CoreTransportErrorKind::Network,
        TransportErrorKind::Timeout => CoreTransportErrorKind::Timeout,
        TransportErrorKind::Aborted => CoreTransportErrorKind::Aborted,
    }
}

/// Reports `error` to `onError` (outside the state borrow).
pub fn report_error(shared: &Shared, error: &Error) {
    let (on_error, logger) = {
        let edge = shared.borrow();
        (edge.on_error.clone(), edge.logger)
    };
    if let Some(on_error) = on_error {
        let mut deferred = Deferred::default();
        deferred
            .calls
            .push((on_error, js_error::to_js_error(error)));
        deferred.run(logger);
    }
}

/// Hashes, signs and sends one PutRecords request through send.js, which calls back to sign it
/// right before `fetch` and again with the outcome, handed to the core. `reserved`: a page-exit
/// request [`super::page_exit`] already counted in the keepalive budget, hashed in Rust so that
/// `fetch` starts synchronously, always with `keepalive`. The same holds while the page is urgent.
pub fn send(shared: &Shared, request: OutgoingRequest, credentials: Credentials, reserved: bool) {
    let hash_here = !(reserved || shared.borrow().urgent);
    // Shared with the callbacks so that send.js copies the body straight from wasm memory.
    let request = Rc::new(request);
    let body = Rc::clone(&request);
    let shared = Rc::clone(shared);
    let sign: Box<dyn FnOnce(JsValue)> = Box::new(move |message| {
        sign_request(shared, request, credentials, reserved, &message);
    });
    transport::send(&body.body, hash_here, &Closure::once_into_js(sign));
}

/// Counts the request in the keepalive budget when it fits, signs it with the payload hash JS made
/// (or hashes it here) and sets on `message` where and how to send it and the callback for the outcome.
fn sign_request(
    shared: Shared,
    request: Rc<OutgoingRequest>,
    credentials: Credentials,
    reserved: bool,
    message: &JsValue,
) {
    let payload_hash = get(message, "hash")
        .as_string()
        .unwrap_or_else(|| sigv4::payload_sha256_hex(&request.body));
    // Signing is pure Rust: the state stays borrowed rather than its strings copied out.
    let (keepalive, sent_at) = {
        let mut edge = shared.borrow_mut();
        let keepalive =
            reserved || edge.keepalive_bytes + request.body.len() <= KEEPALIVE_BUDGET_BYTES;
        if keepalive && !reserved {
            edge.keepalive_bytes += request.body.len();
            edge.keepalive_requests.push(request.id);
        }
        let sent_at = now_ms();
        let signed = sigv4::sign(
            &credentials,
            &SigningRequest::put_records(
                &edge.region,
                &edge.endpoint.host,
                &payload_hash,
                edge.clock.signing_time_ms(sent_at),
            ),
        );
        set(message, "url", &JsValue::from_str(&edge.endpoint.url));
        set(
            message,
            "headers",
            &transport::headers_to_js(&signed.to_pairs()),
        );
        set(message, "timeout", &JsValue::from(edge.request_timeout_ms));
        (keepalive, sent_at)
    };
    set(message, "keepalive", &JsValue::from_bool(keepalive));
    let done: Box<dyn FnOnce(JsValue)> = Box::new(move |outcome| {
        finish_send(
            &shared,
            &request,
            &credentials,
            keepalive,
            sent_at,
            transport::reply_from_js(&outcome),
        );
        pump(&shared);
    });
    set(message, "done", &Closure::once_into_js(done));
}

/// Releases the request's keepalive budget and hands its result (and the service's clock) to the
/// core.
fn finish_send(
    shared: &Shared,
    request: &OutgoingRequest,
    credentials: &Credentials,
    keepalive: bool,
    sent_at: u64,
    result: std::result::Result<transport::HttpReply, transport::TransportError>,
) {
    let received_at = now_ms();
    {
        let mut edge = shared.borrow_mut();
        if keepalive {
            edge.keepalive_bytes -= request.body.len();
            // Each request id is listed once; the others keep their order.
            let list = &mut edge.keepalive_requests;
            if let Some(index) = list.iter().position(|id| *id == request.id) {
                list.copy_within(index + 1.., index);
                list.pop();
            }
        }
        super::page_exit::on_request_finished(&mut edge, request.id);
        let offset_before = edge.clock.offset_ms();
        match result {
            Ok(reply) => {
                if let Some(date) = &reply.date {
                    let _ = edge.clock.observe(date, sent_at, received_at);
                }
                edge.logger.debug(&text!(
                    "PutRecords of {} records answered HTTP {}",
                    request.record_count,
                    u32::from(reply.status)
                ));
                let outcome = edge.core.on_response(
                    request.id,
                    HttpResponse {
                        status: reply.status,
                        body: reply.body.as_bytes(),
                    },
                    received_at,
                );
                match outcome {
                    ResponseOutcome::RefreshCredentials => {
                        edge.logger
                            .info("the session token expired; refreshing credentials");
                        edge.credentials.invalidate(credentials.access_key_id());
                    }
                    ResponseOutcome::CorrectClock => match &reply.date {
                        Some(date) => {
                            if let Ok(offset) =
                                edge.clock.correct_from_rejection(date, sent_at, received_at)
                            {
                                edge.logger.info(&text!("clock corrected from the service's Date: offset {} ms", Decimal::from(offset)));
                            }
                        }
                        None => edge.logger.warn(
                            "the service rejected the signing time but its Date header is not readable (CORS Access-Control-Expose-Headers)",
                        ),
                    },
                    _ => {}
                }
            }
            Err(error) => {
                edge.logger.debug(&text!(
                    "PutRecords of {} records failed: {} {}",
                    request.record_count,
                    error.kind.as_str(),
                    error.message
                ));
                edge.core
                    .on_transport_error(request.id, core_kind(error.kind), received_at);
            }
        }
        if edge.clock.offset_ms() != offset_before {
            edge.remember_clock_offset();
        }
    }
}

/// Gets credentials from the provider function or Cognito and hands them to the manager. The I/O
/// runs in send.js and calls back; the pump runs again when the result is in.
pub fn refresh(shared: &Shared) {
    // Only what the refresh needs is copied out of the state (never the whole source).
    let (provider, cognito, timeout_ms) = {
        let edge = shared.borrow();
        let provider = match &edge.source {
            CredentialSource::Provider(function) => Some(function.clone()),
            _ => None,
        };
        let cognito = match (&edge.source, &edge.cognito) {
            (CredentialSource::Cognito(pool), Some(flow)) => Some((
                flow.clone(),
                pool.endpoint.clone(),
                // Authenticated identities belong to the logged-in user: never kept.
                pool.logins
                    .is_empty()
                    .then(|| pool.identity_pool_id.clone()),
            )),
            _ => None,
        };
        (provider, cognito, edge.request_timeout_ms)
    };
    let done = Rc::clone(shared);
    if let Some(function) = provider {
        credentials::call_provider(
            &function,
            Box::new(move |result| {
                finish_refresh(
                    &done,
                    result.and_then(|fields| fields.into_credentials(now_ms())),
                );
                schedule_pump(&done);
            }),
        );
    } else if let Some((flow, endpoint, kept_pool)) = cognito {
        let identity_before = flow.identity_id().map(str::to_owned);
        credentials::cognito_refresh(
            flow,
            endpoint,
            timeout_ms,
            Box::new(move |flow, result| {
                {
                    let mut edge = done.borrow_mut();
                    if let (Some(cache), Some(identity), Some(pool_id)) =
                        (&edge.cache, flow.identity_id(), &kept_pool)
                    {
                        if identity_before.as_deref() != Some(identity) {
                            cache.store_identity_id(pool_id, identity);
                        }
                    }
                    edge.cognito = Some(flow);
                }
                finish_refresh(&done, result);
                schedule_pump(&done);
            }),
        );
    } else {
        finish_refresh(
            shared,
            Err(Error::new(
                ErrorCode::CredentialsError,
                "these credentials cannot be refreshed",
            )),
        );
        schedule_pump(shared);
    }
}

/// Hands a refresh's result to the credential manager; the pump that follows reports the failure
/// that began an outage.
fn finish_refresh(shared: &Shared, result: crate::core::error::Result<Credentials>) {
    let mut edge = shared.borrow_mut();
    let now = now_ms();
    match result {
        Ok(credentials) => {
            edge.check_long_term(&credentials);
            edge.logger.info("credentials refreshed");
            if let Err(error) = edge.credentials.on_refreshed(credentials, now) {
                edge.logger.warn(&text!(
                    "refreshed credentials unusable: {}",
                    error.message()
                ));
            }
        }
        Err(error) => {
            edge.logger
                .warn(&text!("getting credentials failed: {}", error.message()));
            edge.credentials.on_refresh_failed(error, now);
        }
    }
}
