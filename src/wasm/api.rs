//! The exported JavaScript class `Producer` (DESIGN §3): `Producer.create(config)`, `put`, `track`,
//! `flush`, `stats`, `resume` and `close`. Input is checked here at the JS boundary; every error thrown
//! or rejected is a JS `Error` with a stable `code`.
//!
//! `put(data, options)` turns `data` into bytes: a string as UTF-8; a `Uint8Array`, any other
//! `ArrayBuffer` view (its viewed bytes) or an `ArrayBuffer` as is; anything else as `JSON.stringify`
//! text. `options` may hold `partitionKey` (a string) and `explicitHashKey` (a decimal string or a
//! BigInt); other keys are `InvalidData`. Without a `partitionKey` the `partitionKey` option decides.

use crate::core::decimal::Decimal;
use crate::core::text::text;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::clock::ClockSkew;
use crate::core::cognito_flow::CognitoFlow;
use crate::core::config::{OverflowPolicy, ProducerConfig, StreamTarget};
use crate::core::credential_refresh::{CredentialManager, RefreshPolicy};
use crate::core::error::{quoted, Error, ErrorCode, Result};
use crate::core::event_id::EventId;
use crate::core::flush::FlushReport;
use crate::core::producer::Producer as CoreProducer;
use crate::core::record::PutOptions;
use crate::core::stats::Stats;

use super::config::{EdgeConfig, OverflowChoice, PartitionKeyMode, Persistence, StreamChoice};
use super::connectivity;
use super::credentials::CredentialSource;
use super::driver::{self, Edge, Shared};
use super::envelope::{self, EnvelopeHeader};
use super::js_error::{from_js_value, js_string_of, must_be, to_js_error, type_of};
use super::lifecycle::PageLifecycle;
use super::local_cache::LocalCache;
use super::log::Logger;
use super::now_ms;
use super::random::{random_seed, uuid_v4};
use super::storage::{self, DurableQueue, Mode as StorageMode};
use super::task::{self, Task};
use super::text;
use super::transport;
use crate::core::rng::Rng;

/// A clickstream producer: buffers events and sends them to Kinesis with signed `fetch` requests.
#[wasm_bindgen]
pub struct Producer {
    shared: Shared,
    partition_key: PartitionKeyMode,
    session_id: String,
    track_seq: Cell<u64>,
    random: RefCell<Rng>,
}

/// The core's configuration from the JS options (numbers already range-checked, so narrowing them
/// cannot truncate: every maximum in `OPTION_TABLE` fits u32). The core validates it when the
/// producer is created.
fn producer_config(config: &EdgeConfig) -> ProducerConfig {
    let stream = match &config.stream {
        StreamChoice::Name(name) => StreamTarget::Name(name.clone()),
        StreamChoice::Arn(arn) => StreamTarget::Arn(arn.clone()),
    };
    let [flush_interval_ms, max_batch_records, max_batch_bytes, max_buffered_records, max_buffered_bytes, record_ttl_ms, max_attempts, max_in_flight, retry_base_ms, retry_max_ms, paused_retry_ms] =
        config.numbers;
    ProducerConfig {
        stream,
        flush_interval_ms,
        max_batch_records: max_batch_records as usize,
        max_batch_bytes: max_batch_bytes as usize,
        max_buffered_records: max_buffered_records as usize,
        max_buffered_bytes: max_buffered_bytes as usize,
        record_ttl_ms,
        max_attempts: max_attempts as u32,
        max_in_flight: max_in_flight as usize,
        retry_base_ms,
        retry_max_ms,
        paused_retry_ms,
        overflow: match config.overflow {
            Some(OverflowChoice::DropOldest) => OverflowPolicy::DropOldest,
            Some(OverflowChoice::RejectNew) => OverflowPolicy::RejectNew,
            None => OverflowPolicy::default(),
        },
    }
}

/// `code`: `subject` must be `rule`, got `typeof value`.
#[inline(never)]
fn wrong_js_type(code: ErrorCode, subject: &str, rule: &str, value: &JsValue) -> Error {
    must_be(code, subject, rule, &type_of(value))
}

fn invalid_data(message: String) -> Error {
    Error::new(ErrorCode::InvalidData, message)
}

#[wasm_bindgen(module = "/src/wasm/js/binary.js")]
extern "C" {
    /// `which` 0: the first key of the options object other than `partitionKey` and
    /// `explicitHashKey`, else `undefined`; 1: its `partitionKey`; 2: its `explicitHashKey`
    /// (`undefined` when reading it throws). One call each, no property name made in wasm.
    #[wasm_bindgen(js_name = putOption)]
    fn put_option(options: &JsValue, which: u32) -> JsValue;
}

/// The bytes `put` stores for `data` (see the module docs), from one call into JS.
pub fn data_bytes(data: &JsValue) -> Result<Vec<u8>> {
    let bytes = text::data_bytes(data).map_err(|thrown| {
        from_js_value(
            ErrorCode::InvalidData,
            "data cannot be serialised to JSON",
            &thrown,
        )
    })?;
    bytes.ok_or_else(|| {
        wrong_js_type(
            ErrorCode::InvalidData,
            "data",
            "a string, a Uint8Array, an ArrayBuffer or a JSON-serialisable value",
            data,
        )
    })
}

/// A partition key string. One with a lone surrogate is refused: converting it to UTF-8 would
/// replace the surrogate with U+FFFD and silently send the event under another key (another shard).
fn read_partition_key(value: &JsValue, what: &str) -> Result<String> {
    let invalid = |message: String| Error::new(ErrorCode::InvalidPartitionKey, message);
    let Some(text) = value.dyn_ref::<js_sys::JsString>() else {
        return Err(wrong_js_type(
            ErrorCode::InvalidPartitionKey,
            what,
            "a string",
            value,
        ));
    };
    // Keys are short: wasm-bindgen's own conversion, which turns a lone surrogate into U+FFFD; only
    // a key holding U+FFFD needs the unit-by-unit check.
    let key = String::from(text);
    let has_replacement = key
        .as_bytes()
        .windows(3)
        .any(|w| w == "\u{FFFD}".as_bytes());
    // `encodeURIComponent` throws exactly for a lone surrogate: a check every runtime has, without a
    // `charCodeAt` loop here.
    let lone_surrogate = has_replacement
        && super::dynamic::call(
            &super::dynamic::global_object(),
            "encodeURIComponent",
            &[text],
        )
        .is_err();
    if lone_surrogate {
        return Err(invalid(text!(
            "{} holds a lone UTF-16 surrogate; it must be well-formed Unicode",
            what
        )));
    }
    Ok(key)
}

fn read_explicit_hash_key(value: &JsValue) -> Result<String> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if type_of(value) == "bigint" {
        // `String(bigint)` is its decimal digits.
        return Ok(js_string_of(value).unwrap_or_default());
    }
    Err(wrong_js_type(
        ErrorCode::InvalidExplicitHashKey,
        "explicitHashKey",
        "a decimal string or a BigInt",
        value,
    ))
}

fn stats_to_js(stats: &Stats, clock_offset_ms: i64) -> JsValue {
    let object = Object::new();
    // Plain data properties on a fresh object.
    let set = |key: &str, value: JsValue| super::dynamic::set(&object, key, &value);
    let number = |value: u64| JsValue::from_f64(value as f64);
    let counts = |map: &crate::core::name_map::NameMap| {
        let counts = Object::new();
        for (key, value) in map.iter() {
            super::dynamic::set(&counts, key, &number(value));
        }
        JsValue::from(counts)
    };
    set("buffered", number(stats.buffered_records as u64));
    set("bufferedBytes", number(stats.buffered_bytes as u64));
    set("inFlight", number(stats.in_flight_records as u64));
    set("inFlightRequests", number(stats.in_flight_requests as u64));
    set("inFlightBytes", number(stats.in_flight_bytes as u64));
    set("sent", number(stats.sent));
    set("retried", number(stats.retried));
    set("failed", number(stats.failed_total()));
    set("failedByCode", counts(&stats.failed));
    set("dropped", counts(&stats.dropped));
    set("rejected", number(stats.rejected));
    set("requests", number(stats.requests));
    set(
        "oldestAgeMs",
        stats.oldest_age_ms.map_or(JsValue::NULL, number),
    );
    set("paused", JsValue::from_bool(stats.paused));
    set("offline", JsValue::from_bool(stats.offline));
    set("recovered", number(stats.recovered));
    set("clockOffsetMs", JsValue::from_f64(clock_offset_ms as f64));
    object.into()
}

/// What `put` and `track` return: the event id (already a JS string), or the JS error to throw.
#[inline(never)]
fn id_or_error(result: Result<JsValue>) -> std::result::Result<JsValue, JsValue> {
    result.map_err(|error| to_js_error(&error))
}

/// The durable queue for `config`'s `persistence` in this runtime; memory in request-scoped runtimes.
fn durable_queue(
    config: &EdgeConfig,
    tab_id: String,
    request_scoped: bool,
    logger: Logger,
) -> DurableQueue {
    let requested = match config.persistence {
        Persistence::Memory => None,
        Persistence::Auto => None,
        Persistence::IndexedDb => Some(StorageMode::IndexedDb),
        Persistence::LocalStorage => Some(StorageMode::LocalStorage),
    };
    let auto = config.persistence == Persistence::Auto && !request_scoped;
    let (mode, unavailable) = storage::resolve_mode(requested, auto);
    let scope = match &config.stream {
        StreamChoice::Name(name) => name.clone(),
        StreamChoice::Arn(arn) => arn.clone(),
    };
    let mut durable = DurableQueue::new(mode, scope, tab_id);
    if let Some(reason) = unavailable {
        durable.count_fallback(reason);
        logger.warn(
            "the requested persistence is not available here; events are kept in memory only",
        );
    }
    durable
}

impl Producer {
    /// `Producer.create` for Rust callers: the same checks, resolved or rejected alike.
    pub async fn create(config: JsValue) -> std::result::Result<Producer, JsValue> {
        Producer::build(&config).map_err(|error| to_js_error(&error))
    }

    fn build(config: &JsValue) -> Result<Producer> {
        // Borrowed below so that the config is dropped at this one site, whatever fails.
        let config = EdgeConfig::from_js(config)?;
        Producer::build_from(&config)
    }

    fn build_from(config: &EdgeConfig) -> Result<Producer> {
        let core_config = producer_config(config);
        let mut random = Rng::new(random_seed());
        let core = CoreProducer::new(core_config, random.next_u64())?;
        let mut source = CredentialSource::from_js(&config.credentials)?;
        let now = now_ms();
        let logger = Logger::new(config.log_level);
        let (manager, fixed) = match &mut source {
            // Nothing reads static fields once they are credentials: taken, not copied.
            CredentialSource::Static(fields) => {
                let credentials = std::mem::take(fields).into_credentials(now)?;
                (
                    CredentialManager::fixed(credentials.clone()),
                    Some(credentials),
                )
            }
            _ => (
                CredentialManager::refreshable(RefreshPolicy::default(), random.next_u64()),
                None,
            ),
        };
        let mut edge = Edge::new(
            core,
            config.region.clone(),
            config.endpoint.clone(),
            config.request_timeout_ms,
            logger,
            config.on_error.clone(),
            config.on_flush.clone(),
            source,
            manager,
        );
        if let Some(credentials) = &fixed {
            edge.check_long_term(credentials);
        }
        let cache = LocalCache::open();
        if let Some(offset) = cache
            .as_ref()
            .and_then(|cache| cache.clock_offset_ms(&config.endpoint.host))
        {
            edge.logger.debug(&text!(
                "clock offset {} ms for {} restored from localStorage",
                Decimal::from(offset),
                config.endpoint.host
            ));
            edge.clock = ClockSkew::with_offset(offset);
        }
        if let CredentialSource::Cognito(pool) = &edge.source {
            let kept_identity = match &cache {
                Some(cache) if pool.logins.is_empty() => cache.identity_id(&pool.identity_pool_id),
                _ => None,
            };
            edge.cognito = Some(CognitoFlow::new(
                &pool.identity_pool_id,
                pool.logins.clone(),
                kept_identity,
            )?);
        }
        edge.cache = cache;
        let session_id = uuid_v4(&mut random);
        edge.durable = durable_queue(config, uuid_v4(&mut random), edge.request_scoped, logger);
        if connectivity::navigator_online() == Some(false) {
            edge.core.set_online(false, now);
        }
        let durable = edge.durable.is_durable();
        let shared: Shared = Rc::new(RefCell::new(edge));
        let lifecycle = PageLifecycle::attach(Rc::downgrade(&shared));
        shared.borrow_mut().lifecycle = lifecycle;
        if durable {
            task::spawn(&shared, Task::StartStorage);
        }
        driver::schedule_pump(&shared);
        Ok(Producer {
            shared,
            partition_key: config.partition_key.clone(),
            session_id,
            track_seq: Cell::new(0),
            random: RefCell::new(random),
        })
    }

    fn default_partition_key(&self, data: &JsValue) -> Result<String> {
        match &self.partition_key {
            PartitionKeyMode::Session => Ok(self.session_id.clone()),
            PartitionKeyMode::Random => {
                let mut random = self.random.borrow_mut();
                let mut key = String::with_capacity(32);
                crate::core::crypto::hex::push_hex(&random.next_u64().to_be_bytes(), &mut key);
                crate::core::crypto::hex::push_hex(&random.next_u64().to_be_bytes(), &mut key);
                Ok(key)
            }
            PartitionKeyMode::Function(function) => {
                let key = function
                    .call1(&JsValue::UNDEFINED, data)
                    .map_err(|thrown| {
                        from_js_value(
                            ErrorCode::InvalidPartitionKey,
                            "the partitionKey function threw",
                            &thrown,
                        )
                    })?;
                read_partition_key(&key, "the partitionKey function's result")
            }
        }
    }

    #[inline(never)]
    fn put_options(&self, options: &JsValue, data: &JsValue) -> Result<PutOptions> {
        let mut partition_key = None;
        let mut explicit_hash_key = None;
        // `is_object` first (false for `null`): one JS call for the usual options object.
        let is_object = options.is_object();
        if !is_object && !options.is_undefined() && !super::dynamic::is_null(options) {
            return Err(wrong_js_type(
                ErrorCode::InvalidData,
                "put options",
                "an object",
                options,
            ));
        }
        if is_object {
            let unknown = put_option(options, 0);
            if !unknown.is_undefined() {
                return Err(invalid_data(text!(
                    "unknown put option {}; known: partitionKey, explicitHashKey",
                    quoted(&unknown.as_string().unwrap_or_default())
                )));
            }
            let key = put_option(options, 1);
            if !key.is_undefined() {
                partition_key = Some(read_partition_key(&key, "partitionKey")?);
            }
            let hash = put_option(options, 2);
            if !hash.is_undefined() {
                explicit_hash_key = Some(read_explicit_hash_key(&hash)?);
            }
        }
        let partition_key = match partition_key {
            Some(key) => key,
            None => self.default_partition_key(data)?,
        };
        Ok(PutOptions {
            partition_key,
            explicit_hash_key,
        })
    }

    fn put_bytes(&self, bytes: Vec<u8>, options: PutOptions) -> Result<EventId> {
        let mut edge = self.shared.borrow_mut();
        let durable = edge.durable.is_durable();
        // The key is copied only for the durable copy; an empty String allocates nothing.
        let partition_key = if durable {
            options.partition_key.clone()
        } else {
            String::new()
        };
        let id = edge.core.put_event(bytes, options, now_ms())?;
        drop(edge);
        if durable {
            storage::record_put(&self.shared, &id.to_text(), &partition_key);
        }
        driver::schedule_pump(&self.shared);
        Ok(id)
    }

    fn flush_promise(&self, close: bool) -> Promise {
        let (promise, resolve, _reject) = transport::pending();
        let mut edge = self.shared.borrow_mut();
        let now = now_ms();
        if edge.is_stopped() {
            // Closed and done: nothing will be sent any more; report what is still held.
            let stats = edge.core.stats(now);
            let report = FlushReport {
                pending: (stats.buffered_records + stats.in_flight_records) as u64,
                ..FlushReport::default()
            };
            drop(edge);
            let _ = resolve.call1(&JsValue::UNDEFINED, &driver::report_to_js(&report));
        } else {
            let id = if close {
                edge.closing = true;
                edge.core.close(now)
            } else {
                edge.core.flush(now)
            };
            edge.add_waiter(id, resolve);
            let request_scoped = edge.request_scoped;
            drop(edge);
            if request_scoped {
                task::spawn(&self.shared, Task::DriveFlush(id));
            } else {
                driver::schedule_pump(&self.shared);
            }
        }
        promise
    }
}

#[wasm_bindgen]
impl Producer {
    /// Checks `config` and creates a producer. Rejects with `InvalidConfig` (naming the option) or
    /// `InvalidCredentials`. Credentials from a function or Cognito are fetched in the background.
    #[wasm_bindgen(js_name = create, skip_jsdoc, unchecked_return_type = "Promise<Producer>")]
    pub fn create_promise(
        #[wasm_bindgen(unchecked_param_type = "ProducerConfig")] config: JsValue,
    ) -> Promise {
        // Built synchronously: a settled promise needs no future (and no state machine) in the .wasm.
        let (promise, resolve, reject) = transport::pending();
        let _ = match Producer::build(&config) {
            Ok(producer) => resolve.call1(&JsValue::UNDEFINED, &JsValue::from(producer)),
            Err(error) => reject.call1(&JsValue::UNDEFINED, &to_js_error(&error)),
        };
        promise
    }

    /// Buffers one event and returns its id (a UUIDv7). Throws `InvalidData`, `InvalidPartitionKey`,
    /// `InvalidExplicitHashKey`, `RecordTooLarge`, `BufferFull` or `Closed`; a thrown put buffers
    /// nothing.
    #[wasm_bindgen(skip_jsdoc, unchecked_return_type = "string")]
    pub fn put(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "string | Uint8Array | ArrayBuffer | ArrayBufferView | unknown"
        )]
        data: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PutOptions")] options: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let run = || -> Result<EventId> {
            let bytes = data_bytes(&data)?;
            let options = self.put_options(&options, &data)?;
            self.put_bytes(bytes, options)
        };
        id_or_error(run().map(text::js_event_id))
    }

    /// Buffers a clickstream envelope `{id, ts, sessionId, seq, name, attributes, page?}` for the event
    /// `name` and returns its id. Partitioned like `put` without a `partitionKey`.
    #[wasm_bindgen(skip_jsdoc, unchecked_return_type = "string")]
    pub fn track(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown>")]
        attributes: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let run = || -> Result<String> {
            let name = envelope::check_name(&name)?;
            let now = now_ms();
            let seq = self.track_seq.get();
            let partition_key = self.default_partition_key(&attributes)?;
            let mut edge = self.shared.borrow_mut();
            let durable = edge.durable.is_durable();
            // As in `put`: the key is copied only for the durable copy.
            let kept_key = if durable {
                partition_key.clone()
            } else {
                String::new()
            };
            let session_id = &self.session_id;
            let id = edge.core.put_with(
                |id| {
                    envelope::encode(
                        EnvelopeHeader {
                            id,
                            time_ms: now as f64,
                            session_id,
                            seq,
                        },
                        &name,
                        &attributes,
                    )
                },
                PutOptions {
                    partition_key,
                    explicit_hash_key: None,
                },
                now,
            )?;
            drop(edge);
            if durable {
                storage::record_put(&self.shared, &id, &kept_key);
            }
            self.track_seq.set(seq + 1);
            driver::schedule_pump(&self.shared);
            Ok(id)
        };
        id_or_error(run().map(|id| text::js_string(&id)))
    }

    /// Sends everything buffered so far; resolves with `{sent, failed, retried, dropped, pending}` once
    /// each of those records is acknowledged, finally failed, or held by a pause (`pending`).
    #[wasm_bindgen(skip_jsdoc, unchecked_return_type = "Promise<FlushReport>")]
    pub fn flush(&self) -> Promise {
        self.flush_promise(false)
    }

    /// `{buffered, bufferedBytes, inFlight, inFlightRequests, inFlightBytes, sent, retried, failed,
    /// failedByCode, dropped, rejected, requests, oldestAgeMs, paused, offline, recovered,
    /// clockOffsetMs, persistence, persisted, persistedBytes, persistPending, persistenceFallback}`.
    #[wasm_bindgen(skip_jsdoc, unchecked_return_type = "ProducerStats")]
    pub fn stats(&self) -> JsValue {
        let edge = self.shared.borrow();
        let stats = stats_to_js(&edge.core.stats(now_ms()), edge.clock.offset_ms());
        edge.durable.add_stats(stats.unchecked_ref());
        stats
    }

    /// Leaves a pause caused by a non-retryable error now instead of at the next probe.
    pub fn resume(&self) {
        self.shared.borrow_mut().core.resume(now_ms());
        driver::schedule_pump(&self.shared);
    }

    /// The session id the `"session"` partition key and `track` envelopes use.
    #[wasm_bindgen(skip_jsdoc, getter = sessionId, unchecked_return_type = "string")]
    pub fn session_id(&self) -> JsValue {
        text::js_string(&self.session_id)
    }

    /// Flushes, then stops: resolves with the final flush report; afterwards `put` throws `Closed` and
    /// no timer is left.
    #[wasm_bindgen(skip_jsdoc, unchecked_return_type = "Promise<FlushReport>")]
    pub fn close(&self) -> Promise {
        self.flush_promise(true)
    }
}
