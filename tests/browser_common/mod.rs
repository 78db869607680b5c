//! Test bodies shared by the page, dedicated-worker and service-worker test binaries, plus helpers
//! that talk to the local stand-ins (kinesalite and the fault proxy) over real `fetch`.
//!
//! The stand-ins' URLs are read at compile time (`option_env!`): run the tests under
//! `node tests/support/standins.mjs -- wasm-pack test ...` (scripts/test-stages/20-browser.sh does).

use js_sys::{Object, Reflect, Uint8Array};
use kinesis_clickstream::core::config::OPTION_TABLE;
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::sigv4::payload_sha256_hex;
use kinesis_clickstream::wasm::api::Producer;
use kinesis_clickstream::wasm::{api, config, envelope, js_error, text, transport};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Declares every shared test as a `#[wasm_bindgen_test]` in the including file.
macro_rules! browser_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn $name() {
                browser_common::$name().await;
            }
        )*
    };
}

/// Every shared test body; each test binary expands this list.
macro_rules! all_browser_tests {
    () => {
        browser_tests!(
            digest_matches_known_vectors_both_ways,
            digest_falls_back_to_rust_without_webcrypto,
            transport_reads_a_whole_kinesalite_response,
            transport_reports_an_http_error_as_a_reply,
            transport_reports_a_refused_connection_as_network,
            transport_times_out_a_stalled_request,
            config_accepts_a_full_valid_config,
            config_rejects_each_bad_value_naming_the_option,
            js_error_carries_code_and_aws_error,
            envelope_is_json_with_page_context_only_where_a_document_exists,
            envelope_rejects_bad_names_and_attributes,
            producer_delivers_every_record_through_partial_failures,
            producer_rejects_bad_input_with_codes_and_keeps_working,
            producer_flushes_when_the_page_is_left,
            text_utf8_bytes_equal_text_encoder_encode,
        );
    };
}

/// The kinesalite URL given by standins.mjs at build time.
pub fn kinesalite_url() -> &'static str {
    match option_env!("KINESALITE_URL") {
        Some(url) => url,
        None => panic!("KINESALITE_URL unset: build under tests/support/standins.mjs"),
    }
}

/// The fault proxy URL given by standins.mjs at build time.
pub fn fault_proxy_url() -> &'static str {
    match option_env!("FAULT_PROXY_URL") {
        Some(url) => url,
        None => panic!("FAULT_PROXY_URL unset: build under tests/support/standins.mjs"),
    }
}

/// The stream standins.mjs created.
pub fn stream_name() -> &'static str {
    option_env!("STREAM_NAME").unwrap_or("clickstream")
}

/// Whether this test runs where a global `document` exists (a page, not a worker).
pub fn has_document() -> bool {
    Reflect::get(&js_sys::global(), &"document".into())
        .map(|d| d.is_object())
        .unwrap_or(false)
}

/// The current time as X-Amz-Date (`20261126T134437Z`), so the fault proxy's skew check passes.
pub fn amz_date_now() -> String {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    let compact: String = iso[..19]
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    format!("{compact}Z")
}

/// POSTs `body` through the shipped transport (send.js `post`) and reads its outcome as the
/// producer does.
pub async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout_ms: u32,
) -> Result<transport::HttpReply, transport::TransportError> {
    let outcome = wasm_bindgen_futures::JsFuture::from(transport::post(
        url,
        &transport::headers_to_js(headers),
        &Uint8Array::from(body),
        timeout_ms,
        false,
    ))
    .await
    .expect("post never rejects");
    transport::reply_from_js(&outcome)
}

/// POSTs an unsigned AWS JSON 1.1 Kinesis call (kinesalite checks only that auth headers exist).
pub async fn kinesis_call(base_url: &str, operation: &str, body: &Value) -> transport::HttpReply {
    let target = format!("Kinesis_20131202.{operation}");
    let date = amz_date_now();
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target.as_str()),
        ("x-amz-date", date.as_str()),
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00",
        ),
    ];
    let bytes = serde_json::to_vec(body).unwrap();
    let url = format!("{}/", base_url.trim_end_matches('/'));
    post(&url, &headers, &bytes, 10_000)
        .await
        .unwrap_or_else(|e| panic!("{operation} to {url} failed: {e:?}"))
}

/// Sends a configuration to the fault proxy (`POST /__faults`) after resetting it.
pub async fn configure_faults(faults: &Value) {
    for (path, body) in [("__reset", json!({})), ("__faults", faults.clone())] {
        let bytes = serde_json::to_vec(&body).unwrap();
        let url = format!("{}/{path}", fault_proxy_url().trim_end_matches('/'));
        let headers = [("content-type", "application/json")];
        let reply = post(&url, &headers, &bytes, 10_000)
            .await
            .expect("fault proxy reachable");
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }
}

fn parse_json(bytes: impl AsRef<[u8]>) -> Value {
    let bytes = bytes.as_ref();
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("bad JSON {e}: {}", String::from_utf8_lossy(bytes)))
}

fn pseudo_random_bytes(length: usize, mut state: u32) -> Vec<u8> {
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// send.js `sha256Hex` of `bytes`: the hex string, or `None` when no JS hash is available.
async fn js_sha256_hex(bytes: &[u8]) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(transport::sha256_hex(&Uint8Array::from(bytes)))
        .await
        .expect("sha256Hex never rejects")
        .as_string()
}

/// Whether `globalThis.crypto.subtle.digest` is a function here.
fn has_webcrypto() -> bool {
    js("typeof globalThis.crypto?.subtle?.digest === 'function'").is_truthy()
}

pub async fn digest_matches_known_vectors_both_ways() {
    assert!(has_webcrypto(), "these runtimes all have crypto.subtle");
    assert!(
        js("typeof globalThis.process?.getBuiltinModule !== 'function'").is_truthy(),
        "browsers have no process.getBuiltinModule, so WebCrypto stays their hash"
    );
    let vectors: [(&[u8], &str); 2] = [
        (
            b"",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
    ];
    for (input, expected) in vectors {
        assert_eq!(payload_sha256_hex(input), expected);
        assert_eq!(js_sha256_hex(input).await.as_deref(), Some(expected));
    }
    for (length, seed) in [(1, 7), (63, 8), (64, 9), (65, 10), (1_048_579, 11)] {
        let bytes = pseudo_random_bytes(length, seed);
        assert_eq!(
            js_sha256_hex(&bytes).await.unwrap(),
            payload_sha256_hex(&bytes),
            "length {length}"
        );
    }
}

/// Hides `globalThis.crypto` for the duration of `body`, restoring the original property after.
async fn without_global_crypto<F: std::future::Future<Output = ()>>(body: impl FnOnce() -> F) {
    let global = js_sys::global();
    let key = JsValue::from_str("crypto");
    let own = Reflect::get_own_property_descriptor(&global, &key).unwrap();
    let shadow = Object::new();
    Reflect::set(&shadow, &"value".into(), &JsValue::UNDEFINED).unwrap();
    Reflect::set(&shadow, &"configurable".into(), &JsValue::TRUE).unwrap();
    Reflect::set(&shadow, &"writable".into(), &JsValue::TRUE).unwrap();
    assert!(
        Reflect::define_property(&global, &key, &shadow).unwrap(),
        "crypto can be shadowed"
    );
    body().await;
    if own.is_undefined() {
        assert!(Reflect::delete_property(&global, &key).unwrap());
    } else {
        assert!(Reflect::define_property(&global, &key, own.unchecked_ref()).unwrap());
    }
    assert!(has_webcrypto(), "crypto restored");
}

pub async fn digest_falls_back_to_rust_without_webcrypto() {
    without_global_crypto(|| async {
        assert!(!has_webcrypto());
        assert_eq!(
            js_sha256_hex(b"abc").await,
            None,
            "no JS hash: the producer hashes in Rust"
        );
    })
    .await;
}

pub async fn transport_reads_a_whole_kinesalite_response() {
    let reply = kinesis_call(
        kinesalite_url(),
        "DescribeStreamSummary",
        &json!({ "StreamName": stream_name() }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = parse_json(&reply.body);
    assert_eq!(
        body["StreamDescriptionSummary"]["StreamName"],
        stream_name()
    );
    let date = reply.date.expect("kinesalite exposes Date");
    assert!(date.ends_with(" GMT"), "{date}");
}

pub async fn transport_reports_an_http_error_as_a_reply() {
    configure_faults(&json!({ "rules": [{ "fault": "error", "status": 400,
        "type": "ProvisionedThroughputExceededException", "times": 1 }] }))
    .await;
    let reply = kinesis_call(
        fault_proxy_url(),
        "PutRecords",
        &json!({ "StreamName": stream_name(), "Records": [{ "Data": "YQ==", "PartitionKey": "k" }] }),
    )
    .await;
    assert_eq!(reply.status, 400);
    let body = parse_json(&reply.body);
    assert!(body["__type"]
        .as_str()
        .unwrap()
        .ends_with("ProvisionedThroughputExceededException"));
    assert!(reply.date.is_some(), "the proxy exposes Date");
    configure_faults(&json!({})).await;
}

pub async fn transport_reports_a_refused_connection_as_network() {
    // Port 9 (discard) has no listener on the loopback interface here.
    let error = post("http://127.0.0.1:9/", &[], b"{}", 10_000)
        .await
        .expect_err("nothing listens there");
    assert_eq!(
        error.kind,
        transport::TransportErrorKind::Network,
        "{error:?}"
    );
}

pub async fn transport_times_out_a_stalled_request() {
    configure_faults(
        &json!({ "rules": [{ "fault": "stall", "ms": 3000, "target": "*", "times": 1 }] }),
    )
    .await;
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "Kinesis_20131202.DescribeStreamSummary"),
    ];
    let url = format!("{}/", fault_proxy_url().trim_end_matches('/'));
    let error = post(&url, &headers, br#"{"StreamName":"x"}"#, 300)
        .await
        .expect_err("the proxy stalls longer than the timeout");
    assert_eq!(
        error.kind,
        transport::TransportErrorKind::Timeout,
        "{error:?}"
    );
    configure_faults(&json!({})).await;
}

/// `value` parsed as JavaScript (objects with functions need real JS values, not JSON).
fn js(source: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return ({source});"))
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

pub async fn config_accepts_a_full_valid_config() {
    let parsed = config::EdgeConfig::from_js(&js(r#"{
        streamName: "clickstream", region: "eu-west-1", endpoint: "http://127.0.0.1:4567",
        credentials: { accessKeyId: "a", secretAccessKey: "b" }, flushIntervalMs: 0, maxBatchRecords: 500,
        maxBatchBytes: 5242880, maxBufferedRecords: 10, maxBufferedBytes: 1e6, recordTtlMs: 60000,
        maxAttempts: 3, maxInFlight: 1, retryBaseMs: 10, retryMaxMs: 1000, pausedRetryMs: 5000,
        overflow: "dropOldest", requestTimeoutMs: 100, partitionKey: (d) => "k", logLevel: "silent",
        onError: () => {}, onFlush: () => {}, persistence: "auto" }"#))
    .unwrap();
    assert_eq!(parsed.endpoint.url, "http://127.0.0.1:4567/");
    assert_eq!(parsed.endpoint.host, "127.0.0.1:4567");
    assert_eq!(parsed.region, "eu-west-1");
    let max_buffered_bytes = OPTION_TABLE
        .iter()
        .position(|option| option.name == "maxBufferedBytes")
        .unwrap();
    assert_eq!(parsed.numbers[max_buffered_bytes], 1_000_000);
    assert_eq!(parsed.request_timeout_ms, 100);
    assert!(matches!(
        parsed.partition_key,
        config::PartitionKeyMode::Function(_)
    ));

    let from_arn = config::EdgeConfig::from_js(&js(
        r#"{ streamArn: "arn:aws:kinesis:ap-south-1:123456789012:stream/s", credentials: async () => ({}) }"#,
    ))
    .unwrap();
    assert_eq!(from_arn.region, "ap-south-1");
    assert_eq!(
        from_arn.endpoint.url,
        "https://kinesis.ap-south-1.amazonaws.com/"
    );
    assert_eq!(from_arn.endpoint.host, "kinesis.ap-south-1.amazonaws.com");
    let https_default_port = config::parse_endpoint("https://kinesis.example.test:443/").unwrap();
    assert_eq!(https_default_port.host, "kinesis.example.test");
}

pub async fn config_rejects_each_bad_value_naming_the_option() {
    let base = r#"streamName: "s", region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }"#;
    let table: &[(&str, &str)] = &[
        ("streamNme: 's'", "streamNme"),
        ("flushIntervalMs: NaN", "flushIntervalMs"),
        ("flushIntervalMs: -1", "flushIntervalMs"),
        ("maxBatchRecords: 1.5", "maxBatchRecords"),
        ("maxBufferedBytes: 1e300", "maxBufferedBytes"),
        ("maxBufferedRecords: Infinity", "maxBufferedRecords"),
        ("recordTtlMs: '1000'", "recordTtlMs"),
        ("maxAttempts: null", "maxAttempts"),
        ("requestTimeoutMs: 99", "requestTimeoutMs"),
        ("requestTimeoutMs: 600001", "requestTimeoutMs"),
        ("logLevel: 'verbose'", "logLevel"),
        ("partitionKey: 'user'", "partitionKey"),
        ("persistence: 'sessionstorage'", "persistence"),
        ("overflow: 'dropNewest'", "overflow"),
        ("onError: 'x'", "onError"),
        ("endpoint: 'ftp://127.0.0.1/'", "endpoint"),
        ("endpoint: 'http://127.0.0.1:1/path'", "endpoint"),
        ("endpoint: 'not a url'", "endpoint"),
        ("region: 'US EAST'", "region"),
    ];
    for (extra, option) in table {
        let source = format!("{{ {base}, {extra} }}");
        let error = config::EdgeConfig::from_js(&js(&source)).expect_err(extra);
        assert_eq!(error.code(), ErrorCode::InvalidConfig, "{extra}");
        assert!(
            error.message().contains(option),
            "{extra}: {}",
            error.message()
        );
    }
    let whole: &[(&str, &str)] = &[
        ("undefined", "config"),
        ("() => {}", "config"),
        (r#"{ region: "us-east-1", credentials: {} }"#, "streamName"),
        (
            r#"{ streamName: "s", streamArn: "arn:aws:kinesis:r:1:stream/s", region: "us-east-1", credentials: {} }"#,
            "streamArn",
        ),
        (r#"{ streamName: "s", credentials: {} }"#, "region"),
        (r#"{ streamName: "s", region: "us-east-1" }"#, "credentials"),
        (
            r#"{ streamName: "s", region: "us-east-1", credentials: "key" }"#,
            "credentials",
        ),
        (
            r#"{ streamName: "", region: "us-east-1", credentials: {} }"#,
            "streamName",
        ),
        (r#"{ streamArn: "stream/s", credentials: {} }"#, "streamArn"),
    ];
    for (source, option) in whole {
        let error = config::EdgeConfig::from_js(&js(source)).expect_err(source);
        assert_eq!(error.code(), ErrorCode::InvalidConfig, "{source}");
        assert!(
            error.message().contains(option),
            "{source}: {}",
            error.message()
        );
    }
}

pub async fn js_error_carries_code_and_aws_error() {
    let error = kinesis_clickstream::core::error::Error::new(
        ErrorCode::RecordTooLarge,
        "partition key + data is 1048577 bytes; the limit is 1048576",
    );
    let value = js_error::to_js_error(&error);
    assert!(value.is_instance_of::<js_sys::Error>());
    assert_eq!(
        Reflect::get(&value, &"code".into()).unwrap(),
        "RecordTooLarge"
    );
    assert_eq!(
        Reflect::get(&value, &"message".into()).unwrap(),
        "partition key + data is 1048577 bytes; the limit is 1048576"
    );
    assert!(Reflect::get(&value, &"awsError".into())
        .unwrap()
        .is_undefined());
    let service = js_error::js_error(
        ErrorCode::ServiceError,
        "stream not found",
        Some("ResourceNotFoundException"),
    );
    assert_eq!(
        Reflect::get(&service, &"awsError".into()).unwrap(),
        "ResourceNotFoundException"
    );
    assert_eq!(
        js_error::describe_js_value(&js("new TypeError('boom')")),
        "boom"
    );
    assert_eq!(js_error::describe_js_value(&js("42")), "42");
    assert_eq!(js_error::describe_js_value(&js("Symbol('s')")), "Symbol(s)");
}

pub async fn envelope_is_json_with_page_context_only_where_a_document_exists() {
    let header = envelope::EnvelopeHeader {
        id: "0190f7a0-0000-7000-8000-000000000000",
        time_ms: 1_795_700_677_123.0,
        session_id: "session-1",
        seq: 7,
    };
    let bytes = envelope::encode(
        header,
        "click",
        &js(r#"{ elementId: "buy", n: 1, nested: { ok: true } }"#),
    )
    .unwrap();
    let value = parse_json(&bytes);
    assert_eq!(value["id"], header.id);
    assert_eq!(value["ts"], "2026-11-26T13:44:37.123Z");
    assert_eq!(value["sessionId"], "session-1");
    assert_eq!(value["seq"], 7);
    assert_eq!(value["name"], "click");
    assert_eq!(
        value["attributes"],
        json!({ "elementId": "buy", "n": 1, "nested": { "ok": true } })
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with(r#"{"id":"#), "field order: {text}");
    if has_document() {
        assert!(
            value["page"]["url"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1"),
            "{text}"
        );
        assert!(value["page"]["title"].is_string());
    } else {
        assert!(value.get("page").is_none(), "{text}");
    }
    let empty = parse_json(envelope::encode(header, "view", &JsValue::UNDEFINED).unwrap());
    assert_eq!(empty["attributes"], json!({}));
}

pub async fn envelope_rejects_bad_names_and_attributes() {
    for name in [
        JsValue::from(1),
        JsValue::from_str(""),
        JsValue::from_str(&"x".repeat(257)),
    ] {
        let error = envelope::check_name(&name).expect_err("bad name");
        assert_eq!(error.code(), ErrorCode::InvalidData);
        assert!(
            error.message().contains("track name"),
            "{}",
            error.message()
        );
    }
    assert_eq!(
        envelope::check_name(&JsValue::from_str(&"é".repeat(256)))
            .unwrap()
            .chars()
            .count(),
        256
    );
    let header = envelope::EnvelopeHeader {
        id: "i",
        time_ms: 0.0,
        session_id: "s",
        seq: 0,
    };
    for source in [
        "'text'",
        "[1, 2]",
        "(() => { const o = {}; o.self = o; return o; })()",
        "{ big: 10n }",
    ] {
        let error = envelope::encode(header, "e", &js(source)).expect_err(source);
        assert_eq!(error.code(), ErrorCode::InvalidData, "{source}");
        assert!(
            error.message().contains("attributes"),
            "{source}: {}",
            error.message()
        );
    }
}

/// Creates `name` with `shards` shards on kinesalite and waits until it is ACTIVE.
pub async fn create_stream(name: &str, shards: u32) {
    let reply = kinesis_call(
        kinesalite_url(),
        "CreateStream",
        &json!({ "StreamName": name, "ShardCount": shards }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    for _ in 0..200 {
        let reply = kinesis_call(
            kinesalite_url(),
            "DescribeStreamSummary",
            &json!({ "StreamName": name }),
        )
        .await;
        if parse_json(&reply.body)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE" {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("stream {name} never became ACTIVE");
}

/// Every record of every shard of `stream`, as (partition key, data), shard by shard in sequence order.
pub async fn read_back(stream: &str) -> Vec<(String, Vec<u8>)> {
    use base64::Engine;
    let shards = parse_json(
        &kinesis_call(
            kinesalite_url(),
            "ListShards",
            &json!({ "StreamName": stream }),
        )
        .await
        .body,
    );
    let mut records = Vec::new();
    for shard in shards["Shards"].as_array().expect("Shards") {
        let iterator = parse_json(
            &kinesis_call(
                kinesalite_url(),
                "GetShardIterator",
                &json!({ "StreamName": stream, "ShardId": shard["ShardId"],
                    "ShardIteratorType": "TRIM_HORIZON" }),
            )
            .await
            .body,
        );
        let mut iterator = iterator["ShardIterator"].as_str().map(str::to_owned);
        while let Some(current) = iterator {
            let page = parse_json(
                &kinesis_call(
                    kinesalite_url(),
                    "GetRecords",
                    &json!({ "ShardIterator": current, "Limit": 10000 }),
                )
                .await
                .body,
            );
            let batch = page["Records"].as_array().cloned().unwrap_or_default();
            for record in &batch {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(record["Data"].as_str().unwrap())
                    .unwrap();
                records.push((record["PartitionKey"].as_str().unwrap().to_owned(), data));
            }
            if batch.is_empty() && page["MillisBehindLatest"].as_u64().unwrap_or(0) == 0 {
                break;
            }
            iterator = page["NextShardIterator"].as_str().map(str::to_owned);
        }
    }
    records
}

/// Asserts both lists hold the same (key, data) pairs the same number of times.
pub fn assert_same_records(
    mut expected: Vec<(String, Vec<u8>)>,
    mut actual: Vec<(String, Vec<u8>)>,
) {
    expected.sort();
    actual.sort();
    assert_eq!(expected.len(), actual.len(), "record count");
    assert!(expected == actual, "records differ");
}

async fn create_producer(config: &JsValue) -> Producer {
    Producer::create(config.clone())
        .await
        .unwrap_or_else(|e| panic!("create failed: {}", js_error::describe_js_value(&e)))
}

async fn await_report(promise: js_sys::Promise) -> Value {
    let report = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("flush resolves");
    let text = String::from(js_sys::JSON::stringify(&report).unwrap());
    serde_json::from_str(&text).unwrap()
}

fn producer_config(stream: &str, endpoint: &str, extra: &str) -> JsValue {
    js(&format!(
        r#"{{ streamName: "{stream}", region: "us-east-1", endpoint: "{endpoint}",
            credentials: {{ accessKeyId: "ASIALOCALTEST", secretAccessKey: "local-secret",
                sessionToken: "local-token" }}, logLevel: "silent" {extra} }}"#
    ))
}

fn error_code(error: &JsValue) -> String {
    Reflect::get(error, &"code".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

pub async fn producer_delivers_every_record_through_partial_failures() {
    let stream = "browser-faults";
    create_stream(stream, 4).await;
    configure_faults(&json!({ "seed": 11, "rules": [
        { "fault": "partial", "fraction": 0.3, "errorCode": "mixed", "times": 8 },
        { "fault": "error", "status": 503, "times": 1 }
    ] }))
    .await;
    let producer = create_producer(&producer_config(
        stream,
        fault_proxy_url(),
        ", maxBatchRecords: 40, retryBaseMs: 1, retryMaxMs: 20",
    ))
    .await;
    let mut expected = Vec::new();
    for i in 0..150u32 {
        let key = format!("key-{}", i % 11);
        let bytes = if i % 2 == 0 {
            format!("event {i} ✓ \"q\"").into_bytes()
        } else {
            pseudo_random_bytes(1 + (i as usize * 53) % 2000, i + 1)
        };
        let data: JsValue = if i % 2 == 0 {
            JsValue::from_str(std::str::from_utf8(&bytes).unwrap())
        } else {
            Uint8Array::from(bytes.as_slice()).into()
        };
        let options = Object::new();
        Reflect::set(&options, &"partitionKey".into(), &JsValue::from_str(&key)).unwrap();
        producer.put(data, options.into()).expect("valid put");
        expected.push((key, bytes));
    }
    let report = await_report(producer.flush()).await;
    assert_eq!(report["sent"], 150, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["pending"], 0, "{report}");
    assert!(
        report["retried"].as_u64().unwrap() > 0,
        "faults were applied: {report}"
    );
    assert_same_records(expected, read_back(stream).await);
    await_report(producer.close()).await;
    configure_faults(&json!({})).await;
}

pub async fn producer_rejects_bad_input_with_codes_and_keeps_working() {
    let stream = "browser-bad-input";
    create_stream(stream, 1).await;
    let bad_configs = [
        (
            r#"{ streamName: "s", region: "us-east-1", credentials: {}, maxInFlight: 0 }"#,
            "InvalidConfig",
        ),
        (
            r#"{ streamName: "s", region: "us-east-1", credentials: { accessKeyId: "a" } }"#,
            "InvalidCredentials",
        ),
        (
            r#"{ streamName: "s", region: "us-east-1", credentials: {}, colour: 1 }"#,
            "InvalidConfig",
        ),
    ];
    for (source, code) in bad_configs {
        let error = Producer::create(js(source)).await.err().expect(source);
        assert_eq!(error_code(&error), code, "{source}");
    }
    let producer = create_producer(&producer_config(
        stream,
        kinesalite_url(),
        ", maxBufferedRecords: 2, partitionKey: 'random'",
    ))
    .await;
    let bad_puts: [(&str, JsValue, &str); 6] = [
        (
            "empty key",
            js(r#"{ partitionKey: "" }"#),
            "InvalidPartitionKey",
        ),
        (
            "long key",
            js(r#"{ partitionKey: "é".repeat(257) }"#),
            "InvalidPartitionKey",
        ),
        (
            "hash key",
            js(r#"{ partitionKey: "k", explicitHashKey: "12a" }"#),
            "InvalidExplicitHashKey",
        ),
        (
            "hash key range",
            js(r#"{ partitionKey: "k", explicitHashKey: (2n ** 128n).toString() }"#),
            "InvalidExplicitHashKey",
        ),
        (
            "unknown option",
            js(r#"{ partitionKey: "k", ttl: 5 }"#),
            "InvalidData",
        ),
        ("options type", JsValue::from_str("k"), "InvalidData"),
    ];
    for (what, options, code) in bad_puts {
        let error = producer
            .put(JsValue::from_str("x"), options)
            .expect_err(what);
        assert_eq!(error_code(&error), code, "{what}");
    }
    let too_large = Uint8Array::new_with_length(1_048_576);
    let error = producer
        .put(too_large.into(), js(r#"{ partitionKey: "k" }"#))
        .expect_err("1 MiB + key");
    assert_eq!(error_code(&error), "RecordTooLarge");
    let error = producer
        .put(js("Symbol('s')"), JsValue::UNDEFINED)
        .expect_err("symbol");
    assert_eq!(error_code(&error), "InvalidData");
    producer
        .put(JsValue::from_str("first"), JsValue::UNDEFINED)
        .unwrap();
    producer
        .track(JsValue::from_str("view"), JsValue::UNDEFINED)
        .unwrap();
    let error = producer
        .put(JsValue::from_str("third"), JsValue::UNDEFINED)
        .expect_err("full");
    assert_eq!(error_code(&error), "BufferFull");
    let report = await_report(producer.flush()).await;
    assert_eq!(report["sent"], 2, "{report}");
    let read = read_back(stream).await;
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].1, b"first");
    let envelope: Value = serde_json::from_slice(&read[1].1).unwrap();
    assert_eq!(envelope["name"], "view");
    assert_eq!(envelope.get("page").is_some(), has_document(), "{envelope}");
    assert_ne!(read[0].0, read[1].0, "random partition keys differ");
    await_report(producer.close()).await;
    let error = producer
        .put(JsValue::from_str("late"), JsValue::UNDEFINED)
        .expect_err("closed");
    assert_eq!(error_code(&error), "Closed");
}

pub async fn producer_flushes_when_the_page_is_left() {
    let stream = "browser-lifecycle";
    create_stream(stream, 1).await;
    let producer = create_producer(&producer_config(
        stream,
        kinesalite_url(),
        ", flushIntervalMs: 600000",
    ))
    .await;
    producer
        .put(JsValue::from_str("before leaving"), JsValue::UNDEFINED)
        .unwrap();
    let sent = || {
        let stats = producer.stats();
        Reflect::get(&stats, &"sent".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    if has_document() {
        js("document.dispatchEvent(new Event('pagehide'))");
        for _ in 0..500 {
            if sent() == 1.0 {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(10).await;
        }
        assert_eq!(sent(), 1.0, "pagehide flushed without an explicit flush()");
    } else {
        gloo_timers::future::TimeoutFuture::new(200).await;
        assert_eq!(
            sent(),
            0.0,
            "no lifecycle events outside pages: the interval still applies"
        );
        await_report(producer.flush()).await;
    }
    let read = read_back(stream).await;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].1, b"before leaving");
    await_report(producer.close()).await;
}

/// The put path's string conversion gives `TextEncoder.encode`'s bytes for ASCII, 2-, 3- and 4-byte
/// characters anywhere in short and long strings and lone surrogates (U+FFFD), and `put` data strings
/// and JSON values take it; ids go back to JS unchanged.
pub async fn text_utf8_bytes_equal_text_encoder_encode() {
    let cases = js(r#"[
        "", "a", "plain ascii ".repeat(40), "é", "aé", "éa", "中文", "x".repeat(300) + "中",
        "\u{1F600}", "a\u{1F600}b", "\uD83D", "a\uD83D", "\uDE00b", "a\uDE00\uD83Db",
        "\uFFFD", "mixed é 中 \u{1F600} \uD800 end", "\u{1F600}".repeat(100),
        "a".repeat(1024), "a".repeat(1025), "é".repeat(1023) + "\u{1F600}", "中".repeat(2000),
        "\u{1F600}".repeat(700) + "\uD800"
    ]"#);
    let encoder = js("new TextEncoder()");
    let encode: js_sys::Function = Reflect::get(&encoder, &"encode".into())
        .unwrap()
        .unchecked_into();
    // The second round runs after growing the wasm memory, which detaches the buffer of every view
    // of it made before.
    let mut grown = Vec::new();
    for round in 0..2 {
        if round == 1 {
            // More than the whole memory holds now: it has to grow.
            let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
            let size = memory
                .buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length();
            grown = vec![1u8; size as usize];
        }
        for case in js_sys::Array::from(&cases).iter() {
            let expected = Uint8Array::new(&encode.call1(&encoder, &case).unwrap()).to_vec();
            let text = case.dyn_ref::<js_sys::JsString>().unwrap();
            assert_eq!(text::utf8_bytes(text), expected, "{:?}", String::from(text));
            assert_eq!(api::data_bytes(&case).unwrap(), expected);
        }
    }
    assert!(!grown.is_empty());
    let object = js(r#"{ "é": "\u{1F600}", n: 1 }"#);
    let json = Uint8Array::new(
        &encode
            .call1(
                &encoder,
                &js(r#"JSON.stringify({ "é": "\u{1F600}", n: 1 })"#),
            )
            .unwrap(),
    )
    .to_vec();
    assert_eq!(api::data_bytes(&object).unwrap(), json);
    for id in [
        "0190a3b4-1234-7abc-8def-123456789012",
        "short",
        "é".repeat(18).as_str(),
    ] {
        assert_eq!(text::js_string(id).as_string().as_deref(), Some(id));
    }
}
