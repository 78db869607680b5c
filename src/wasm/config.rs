//! Reads the JS configuration object given to `Producer.create` into typed values.
//!
//! Unknown keys are rejected by name (`InvalidConfig`), so a typo never silently falls back to a
//! default. Numeric options must be whole numbers in `0..=Number.MAX_SAFE_INTEGER` within their range
//! (the core's `OPTION_TABLE`, and [`REQUEST_TIMEOUT`] here). The options that exist only at the edge
//! have their defaults and ranges here:
//!
//! | option             | default  | min   | max       | meaning                                        |
//! |--------------------|----------|-------|-----------|------------------------------------------------|
//! | `requestTimeoutMs` | 20 000   | 100   | 600 000   | abort one PutRecords request after this long   |
//! | `logLevel`         | `"warn"` |       |           | `"silent"`, `"error"`, `"warn"`, `"info"`, `"debug"` |
//! | `partitionKey`     | `"session"` |    |           | `"session"`, `"random"` or `(data) => string`  |
//! | `persistence`      | `"memory"` |     |           | `"memory"`, `"auto"` (IndexedDB where present), `"indexeddb"`, `"localstorage"` |
//! | `endpoint`         | `https://kinesis.{region}.amazonaws.com` | | | `http(s)://host[:port]`, path `/` only |

use crate::core::config::{OptionBounds, OPTION_TABLE};
use crate::core::decimal::Decimal;
use crate::core::error::{quoted, Error, ErrorCode, Result};
use crate::core::text::text;
use crate::core::text::{char_count, split_once_ascii};
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::js_error::type_name;
use super::log::LogLevel;

/// Every key `Producer.create` accepts.
pub const KNOWN_OPTIONS: &[&str] = &[
    "streamName",
    "streamArn",
    "region",
    "endpoint",
    "credentials",
    "flushIntervalMs",
    "maxBatchRecords",
    "maxBatchBytes",
    "maxBufferedRecords",
    "maxBufferedBytes",
    "recordTtlMs",
    "maxAttempts",
    "maxInFlight",
    "retryBaseMs",
    "retryMaxMs",
    "pausedRetryMs",
    "overflow",
    "requestTimeoutMs",
    "partitionKey",
    "logLevel",
    "onError",
    "onFlush",
    "persistence",
];

/// Default of `requestTimeoutMs`.
pub const REQUEST_TIMEOUT_DEFAULT_MS: u64 = 20_000;
/// Smallest accepted `requestTimeoutMs`.
pub const REQUEST_TIMEOUT_MIN_MS: u64 = 100;
/// Largest accepted `requestTimeoutMs` (10 minutes).
pub const REQUEST_TIMEOUT_MAX_MS: u64 = 600_000;

/// `requestTimeoutMs` with its default and range, checked like the core's numeric options.
pub const REQUEST_TIMEOUT: OptionBounds = OptionBounds {
    name: "requestTimeoutMs",
    default: REQUEST_TIMEOUT_DEFAULT_MS,
    min: REQUEST_TIMEOUT_MIN_MS,
    max: REQUEST_TIMEOUT_MAX_MS,
};

/// Largest whole number a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Which stream the records go to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamChoice {
    /// `streamName`.
    Name(String),
    /// `streamArn`.
    Arn(String),
}

/// Where requests go: the URL to POST to and the `Host` header value it implies (with the port when
/// it is not the scheme's default), which SigV4 signs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]/`.
    pub url: String,
    /// `host[:port]` exactly as `fetch` sends it.
    pub host: String,
}

/// How a record's partition key is chosen when `put` is not given one.
#[derive(Clone, Debug)]
pub enum PartitionKeyMode {
    /// The producer's session id: one key per session keeps a session's events in order.
    Session,
    /// A fresh random key per record: spreads load over all shards, no ordering.
    Random,
    /// The user's function, called with the event's data; it must return a string.
    Function(Function),
}

/// How buffered records survive a reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// Records live in memory only.
    Memory,
    /// IndexedDB in pages and workers, memory in Node and workerd.
    Auto,
    /// IndexedDB (memory, counted as a fallback, where the runtime has none).
    IndexedDb,
    /// `localStorage` (pages only; memory, counted as a fallback, elsewhere).
    LocalStorage,
}

/// Which record is lost when the buffer is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverflowChoice {
    /// `"rejectNew"` (default): `put` throws `BufferFull`.
    RejectNew,
    /// `"dropOldest"`: the oldest buffered record is dropped and counted.
    DropOldest,
}

/// The whole configuration, read and checked at the JS boundary.
#[derive(Clone, Debug)]
pub struct EdgeConfig {
    /// The target stream.
    pub stream: StreamChoice,
    /// The AWS region (signing scope and default endpoint).
    pub region: String,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// The `credentials` value as given: an object or a function, read by the credentials module.
    pub credentials: JsValue,
    /// The core's numeric options in [`OPTION_TABLE`] order, range-checked, defaults filled in.
    pub numbers: [u64; OPTION_TABLE.len()],
    /// `overflow`, when given.
    pub overflow: Option<OverflowChoice>,
    /// `requestTimeoutMs`.
    pub request_timeout_ms: u32,
    /// `partitionKey`.
    pub partition_key: PartitionKeyMode,
    /// `logLevel`.
    pub log_level: LogLevel,
    /// `onError(error)`, called for records that finally failed and for pauses.
    pub on_error: Option<Function>,
    /// `onFlush(report)`, called after each delivered batch.
    pub on_flush: Option<Function>,
    /// `persistence`.
    pub persistence: Persistence,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}

fn must_be(key: &str, rule: &str, got: &str) -> Error {
    super::js_error::must_be(ErrorCode::InvalidConfig, key, rule, got)
}

/// `InvalidConfig`: `key` must be `rule`, got the type of `value`.
fn wrong_type(key: &str, rule: &str, value: &JsValue) -> Error {
    wrong_type_of(ErrorCode::InvalidConfig, key, rule, value)
}

/// `code`: `subject` must be `rule`, got the type of `value` (`typeof`, `"null"` for `null`).
#[inline(never)]
pub fn wrong_type_of(code: ErrorCode, subject: &str, rule: &str, value: &JsValue) -> Error {
    super::js_error::must_be(code, subject, rule, &type_name(value))
}

/// Reads the options of one config object in order and keeps the first error: every read after it
/// gives a default, and [`EdgeConfig::from_js`] returns that error (so no read needs a branch of its
/// own to stop at).
struct Reader<'a> {
    config: &'a JsValue,
    error: Option<Error>,
}

impl Reader<'_> {
    /// Keeps `error` unless an earlier one is kept.
    #[inline(never)]
    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Keeps the error of `result`, if any.
    fn check(&mut self, result: Result<()>) {
        if let Err(error) = result {
            self.fail(error);
        }
    }

    /// `config[key]`; `undefined` when absent (or when reading it throws, which is the error).
    fn get(&mut self, key: &str) -> JsValue {
        match Reflect::get(self.config, &JsValue::from_str(key)) {
            Ok(value) => value,
            Err(_) => {
                self.fail(invalid(text!(
                    "{} could not be read from the config object",
                    key
                )));
                JsValue::UNDEFINED
            }
        }
    }

    /// An optional string option; present but not a string is `InvalidConfig`.
    fn string(&mut self, key: &str) -> Option<String> {
        let value = self.get(key);
        if value.is_undefined() {
            return None;
        }
        let text = value.as_string();
        if text.is_none() {
            self.fail(wrong_type(key, "a string", &value));
        }
        text
    }

    /// An optional function option.
    fn function(&mut self, key: &str) -> Option<Function> {
        let value = self.get(key);
        if value.is_undefined() {
            return None;
        }
        if value.is_function() {
            return Some(value.unchecked_into());
        }
        self.fail(wrong_type(key, "a function", &value));
        None
    }

    /// The numeric option `bounds.name`: its default when absent, else a whole number in its range.
    fn number(&mut self, bounds: &OptionBounds) -> u64 {
        let value = self.get(bounds.name);
        if value.is_undefined() {
            return bounds.default;
        }
        let number = whole_number(bounds.name, &value)
            .and_then(|number| bounds.check(number).map(|()| number));
        number.unwrap_or_else(|error| {
            self.fail(error);
            bounds.default
        })
    }

    /// [`choice`] of `value`.
    fn choice_of(
        &mut self,
        value: &JsValue,
        key: &str,
        names: &[&str],
        rule: &str,
    ) -> Option<usize> {
        choice(value, key, names, rule).unwrap_or_else(|error| {
            self.fail(error);
            None
        })
    }

    /// The string option `key` as its position in `names` (see [`choice`]).
    fn choice(&mut self, key: &str, names: &[&str], rule: &str) -> Option<usize> {
        let value = self.get(key);
        self.choice_of(&value, key, names, rule)
    }
}

/// Checks that `value` is a whole number in `0..=Number.MAX_SAFE_INTEGER` and returns it.
pub fn whole_number(key: &str, value: &JsValue) -> Result<u64> {
    let Some(number) = value.as_f64() else {
        return Err(wrong_type(key, "a number", value));
    };
    let in_range = number.is_finite()
        && number.fract() == 0.0
        && number >= 0.0
        && number <= MAX_SAFE_INTEGER as f64;
    if !in_range {
        return Err(invalid(text!(
            "{} must be a whole number in 0..={}, got {}",
            key,
            Decimal::from(MAX_SAFE_INTEGER),
            // JS prints the number (NaN, -1, 1.5, 1e+300) without Rust's float formatting code.
            super::js_error::describe_js_value(value)
        )));
    }
    // Checked above: a non-negative whole number no larger than 2^53 - 1.
    Ok(number as u64)
}

/// The position of `value` (a string option's value) in `names`; `None` when it is `undefined`.
/// Anything else is `InvalidConfig` naming `key`, `rule` and the value (a string quoted, else its
/// type).
fn choice(value: &JsValue, key: &str, names: &[&str], rule: &str) -> Result<Option<usize>> {
    if value.is_undefined() {
        return Ok(None);
    }
    let text = value.as_string();
    if let Some(index) = text
        .as_deref()
        .and_then(|text| names.iter().position(|name| *name == text))
    {
        return Ok(Some(index));
    }
    let got = match text {
        Some(text) => quoted(&text),
        None => type_name(value),
    };
    Err(must_be(key, rule, &got))
}

fn reject_unknown_keys(config: &JsValue) -> Result<()> {
    let mut index = 0;
    while let Some(name) = super::dynamic::key_at(config, index) {
        if !KNOWN_OPTIONS.contains(&name.as_str()) {
            let mut message = text!("unknown option {}; known options: ", quoted(&name));
            for (index, option) in KNOWN_OPTIONS.iter().enumerate() {
                if index > 0 {
                    message.push_str(", ");
                }
                message.push_str(option);
            }
            return Err(invalid(message));
        }
        index += 1;
    }
    Ok(())
}

/// Checks a region name: 1..=32 characters of `a-z`, `0-9` and `-` (it becomes part of a host name).
pub fn check_region(region: &str) -> Result<()> {
    let valid = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(must_be(
            "region",
            "1..=32 characters of a-z, 0-9 and -",
            &quoted(region),
        ))
    }
}

/// The region inside a Kinesis stream ARN (`arn:aws:kinesis:us-east-1:123456789012:stream/name`).
pub fn region_of_arn(arn: &str) -> Option<&str> {
    let (scheme, rest) = split_once_ascii(arn, b':')?;
    let (_partition, rest) = split_once_ascii(rest, b':')?;
    let (service, rest) = split_once_ascii(rest, b':')?;
    let region = split_once_ascii(rest, b':').map_or(rest, |(region, _)| region);
    (scheme == "arn" && service == "kinesis").then_some(region)
}

/// The default endpoint of a region (`.amazonaws.com.cn` for the China regions).
pub fn default_endpoint(region: &str) -> Endpoint {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    let host = text!("kinesis.{}.{}", region, suffix);
    Endpoint {
        url: text!("https://{}/", host),
        host,
    }
}

/// Parses an `endpoint` option with the global `URL`: `http:` or `https:`, path `/`, no query or
/// fragment, no user info.
pub fn parse_endpoint(text: &str) -> Result<Endpoint> {
    // `new URL(text)` as `Reflect.construct(URL, [text])`, both found on the global object and called
    // by name: no binding of their own, and none per `URL` property.
    let global = super::dynamic::global_object();
    let url = super::dynamic::call(
        &super::dynamic::get(&global, "Reflect"),
        "construct",
        &[
            &super::dynamic::get(&global, "URL"),
            &super::dynamic::js_array(&[&JsValue::from_str(text)]),
        ],
    )
    .map_err(|_| must_be("endpoint", "an absolute URL", &quoted(text)))?;
    let part = |name: &str| super::dynamic::get(&url, name);
    // Compared as JS strings: no Rust copy of the parts that only need to be checked.
    let is = |name: &str, value: &str| part(name) == JsValue::from_str(value);
    let protocol = part("protocol").as_string().unwrap_or_default();
    if !is("protocol", "http:") && !is("protocol", "https:") {
        return Err(invalid(text!(
            "endpoint must use http: or https:, got {}",
            quoted(&protocol)
        )));
    }
    if !is("pathname", "/") || !is("search", "") || !is("hash", "") {
        return Err(invalid(text!(
            "endpoint must have path \"/\" and no query or fragment, got {}",
            quoted(text)
        )));
    }
    if !is("username", "") || !is("password", "") {
        return Err(invalid(
            "endpoint must not contain a user name or password".to_owned(),
        ));
    }
    let host = part("host").as_string().unwrap_or_default();
    Ok(Endpoint {
        url: text!("{}//{}/", protocol, host),
        host,
    })
}

impl Reader<'_> {
    /// `streamName` or `streamArn` (an empty name after an error).
    fn stream(&mut self) -> StreamChoice {
        let name = self.string("streamName");
        let arn = self.string("streamArn");
        let stream = match (name, arn) {
            (Some(_), Some(_)) => Err(invalid(
                "give either streamName or streamArn, not both".to_owned(),
            )),
            (None, None) => Err(invalid("streamName or streamArn is required".to_owned())),
            (Some(name), None) => {
                let length = char_count(&name);
                if (1..=128).contains(&length) {
                    Ok(StreamChoice::Name(name))
                } else {
                    Err(invalid(text!(
                        "streamName must be 1..=128 characters, got {}",
                        length
                    )))
                }
            }
            (None, Some(arn)) => {
                if region_of_arn(&arn).is_none() || arn.len() > 2048 {
                    Err(invalid(text!("streamArn must look like arn:aws:kinesis:<region>:<account>:stream/<name>, got {}", quoted(&arn))))
                } else {
                    Ok(StreamChoice::Arn(arn))
                }
            }
        };
        stream.unwrap_or_else(|error| {
            self.fail(error);
            StreamChoice::Name(String::new())
        })
    }

    /// `partitionKey`.
    fn partition_key(&mut self) -> PartitionKeyMode {
        let value = self.get("partitionKey");
        if value.is_function() {
            return PartitionKeyMode::Function(value.unchecked_into());
        }
        let mode = self.choice_of(
            &value,
            "partitionKey",
            &["session", "random"],
            "\"session\", \"random\" or a function",
        );
        match mode {
            Some(1) => PartitionKeyMode::Random,
            _ => PartitionKeyMode::Session,
        }
    }

    /// `credentials` as given (`undefined` after an error).
    fn credentials(&mut self) -> JsValue {
        let value = self.get("credentials");
        if value.is_undefined() {
            self.fail(invalid(
                "credentials is required: an object, an async function or { cognitoIdentityPoolId }"
                    .to_owned(),
            ));
        } else if !(value.is_function() || value.is_object()) {
            self.fail(wrong_type("credentials", "an object or a function", &value));
        }
        value
    }
}

impl EdgeConfig {
    /// Reads and checks the config object. Errors are `InvalidConfig` naming the option.
    pub fn from_js(config: &JsValue) -> Result<EdgeConfig> {
        if !config.is_object() {
            return Err(wrong_type("the config", "an object", config));
        }
        reject_unknown_keys(config)?;
        let mut reader = Reader {
            config,
            error: None,
        };
        let stream = reader.stream();
        let region = match (reader.string("region"), &stream) {
            (Some(region), _) => region,
            (None, StreamChoice::Arn(arn)) => region_of_arn(arn).unwrap_or_default().to_owned(),
            (None, StreamChoice::Name(_)) => {
                reader.fail(invalid("region is required".to_owned()));
                String::new()
            }
        };
        reader.check(check_region(&region));
        let endpoint = match reader.string("endpoint") {
            Some(text) => parse_endpoint(&text).unwrap_or_else(|error| {
                reader.fail(error);
                Endpoint::default()
            }),
            None => default_endpoint(&region),
        };
        let credentials = reader.credentials();
        let mut numbers = [0; OPTION_TABLE.len()];
        for (number, bounds) in numbers.iter_mut().zip(&OPTION_TABLE) {
            *number = reader.number(bounds);
        }
        // Fields in the order their errors take precedence.
        let parsed = EdgeConfig {
            stream,
            region,
            endpoint,
            credentials,
            numbers,
            overflow: reader
                .choice(
                    "overflow",
                    &["rejectNew", "dropOldest"],
                    "\"rejectNew\" or \"dropOldest\"",
                )
                .map(|index| [OverflowChoice::RejectNew, OverflowChoice::DropOldest][index]),
            // At most 600 000 after the range check.
            request_timeout_ms: reader.number(&REQUEST_TIMEOUT) as u32,
            partition_key: reader.partition_key(),
            log_level: reader
                .choice(
                    "logLevel",
                    &["silent", "error", "warn", "info", "debug"],
                    "one of \"silent\", \"error\", \"warn\", \"info\", \"debug\"",
                )
                .map_or(LogLevel::DEFAULT, |index| {
                    [
                        LogLevel::Silent,
                        LogLevel::Error,
                        LogLevel::Warn,
                        LogLevel::Info,
                        LogLevel::Debug,
                    ][index]
                }),
            on_error: reader.function("onError"),
            on_flush: reader.function("onFlush"),
            persistence: reader
                .choice(
                    "persistence",
                    &["memory", "auto", "indexeddb", "localstorage"],
                    "\"auto\", \"indexeddb\", \"localstorage\" or \"memory\"",
                )
                .map_or(Persistence::Memory, |index| {
                    [
                        Persistence::Memory,
                        Persistence::Auto,
                        Persistence::IndexedDb,
                        Persistence::LocalStorage,
                    ][index]
                }),
        };
        match reader.error {
            None => Ok(parsed),
            Some(error) => Err(error),
        }
    }
}
