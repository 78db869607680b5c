//! One entry point per fuzz target, shared by the cargo-fuzz targets (fuzz/fuzz_targets/) and the
//! native replay test (tests/fuzz_corpus_replay.rs). Each takes raw bytes and panics only when a
//! property of the parser under test is broken; any other panic inside the library is a finding.

use kinesis_clickstream::core::clock::ClockSkew;
use kinesis_clickstream::core::cognito::{
    parse_aws_error_body, parse_get_credentials_response, parse_get_id_response,
    region_of_identity_pool, CognitoFailure,
};
use kinesis_clickstream::core::config::{
    OverflowPolicy, ProducerConfig, StreamTarget, OPTION_TABLE,
};
use kinesis_clickstream::core::credentials::Credentials;
use kinesis_clickstream::core::http_date::{
    format_http_date, format_iso8601, parse_http_date, parse_iso8601,
};
use kinesis_clickstream::core::partition::{effective_hash_key, parse_explicit_hash_key};
use kinesis_clickstream::core::producer::{Action, HttpResponse, Producer};
use kinesis_clickstream::core::record::{PutOptions, Record};
use kinesis_clickstream::core::retry::classify;
use kinesis_clickstream::core::wire::{
    decode_error_body, decode_put_records_request, decode_put_records_response, encode_put_records,
    normalize_error_name, RecordResult,
};

/// A fuzz entry point: takes the raw input, panics on a broken property.
pub type EntryPoint = fn(&[u8]);

/// Every target, by the name of its fuzz target and corpus folder.
pub const TARGETS: [(&str, EntryPoint); 6] = [
    ("wire_response", wire_response),
    ("wire_error_body", wire_error_body),
    ("wire_request", wire_request),
    ("cognito", cognito),
    ("http_date", http_date),
    ("config", config),
];

/// A fixed instant (2026-11-26T12:00:00Z) used as "now" wherever a parser needs one.
const NOW_MS: u64 = 1_795_694_400_000;

/// Reads fixed-width numbers off the front of the input; missing bytes read as zero.
struct Bytes<'a> {
    rest: &'a [u8],
}

impl<'a> Bytes<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bytes { rest: data }
    }

    fn u8(&mut self) -> u8 {
        match self.rest.split_first() {
            Some((first, rest)) => {
                self.rest = rest;
                *first
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        for byte in &mut bytes {
            *byte = self.u8();
        }
        u64::from_le_bytes(bytes)
    }

    /// A string of up to `max` bytes (length from one byte), lossily decoded.
    fn text(&mut self, max: usize) -> String {
        let len = usize::from(self.u8()).min(max).min(self.rest.len());
        let (head, rest) = self.rest.split_at(len);
        self.rest = rest;
        String::from_utf8_lossy(head).into_owned()
    }

    fn rest(&self) -> &'a [u8] {
        self.rest
    }
}

/// `decode_put_records_response` on an arbitrary body for a request of 0..=15 records, then the same
/// body as the answer to a real request inside a `Producer`: every record stays accounted for.
pub fn wire_response(data: &[u8]) {
    let mut input = Bytes::new(data);
    let expected = usize::from(input.u8() % 16);
    let status = 200 + u16::from(input.u8() % 4);
    let body = input.rest();
    if let Ok(response) = decode_put_records_response(body, expected) {
        assert_eq!(response.records.len(), expected);
        let failed = response
            .records
            .iter()
            .filter(|r| matches!(r, RecordResult::Failed { .. }))
            .count();
        assert_eq!(response.failed_record_count, failed);
    }

    let mut config = ProducerConfig::new(StreamTarget::Name("fuzz".into()));
    config.flush_interval_ms = 0;
    let mut producer = Producer::new(config, 7).expect("default config is valid");
    for index in 0..expected {
        producer
            .put(
                vec![b'x'; index + 1],
                PutOptions::key(format!("k{index}")),
                NOW_MS,
            )
            .expect("small record is valid");
    }
    let mut now = NOW_MS;
    let mut puts_seen = 0u64;
    for _ in 0..4 {
        match producer.poll(now) {
            Action::Send(request) => {
                puts_seen += request.record_count as u64;
                producer.on_response(request.id, HttpResponse { status, body }, now + 1);
            }
            Action::WaitUntil(at) => now = at.max(now + 1),
            Action::Idle => break,
        }
    }
    let stats = producer.stats(now);
    let held = stats.buffered_records + stats.in_flight_records;
    let accounted = stats.sent + stats.failed_total() + stats.dropped_total() + held as u64;
    assert_eq!(
        accounted, expected as u64,
        "records lost or invented: {stats:?}"
    );
    assert!(puts_seen <= 4 * expected as u64);
}

/// `decode_error_body` and the classification of whatever it finds, for every status class.
pub fn wire_error_body(data: &[u8]) {
    let mut input = Bytes::new(data);
    let status = 400 + input.u16() % 200;
    let body = input.rest();
    let decoded = decode_error_body(body);
    let (name, message) = match &decoded {
        Some(error) => (
            error.name.as_deref(),
            error.message.as_deref().unwrap_or(""),
        ),
        None => (None, ""),
    };
    if let Some(name) = name {
        assert_eq!(
            normalize_error_name(name),
            name,
            "normalized name is a fixed point"
        );
    }
    let _ = classify(status, name, message);
    let text = String::from_utf8_lossy(body);
    let _ = normalize_error_name(&text);
    let _ = classify(status, Some(&text), &text);
}

/// `decode_put_records_request`: whatever it accepts re-encodes to a body that decodes the same.
pub fn wire_request(data: &[u8]) {
    let Ok(request) = decode_put_records_request(data) else {
        return;
    };
    let mut body = Vec::new();
    encode_put_records(&request.stream, &request.records, &mut body);
    let again = decode_put_records_request(&body).expect("an encoded request decodes");
    assert_eq!(again, request);
    for record in &request.records {
        effective_hash_key(record.partition_key(), record.explicit_hash_key())
            .expect("a validated record has a hash key");
    }
}

/// The Cognito response and error parsers on arbitrary text; accepted credentials are usable.
pub fn cognito(data: &[u8]) {
    let mut input = Bytes::new(data);
    let status = input.u16();
    let now_ms = NOW_MS.wrapping_add(input.u64() % 1_000_000_000_000);
    let text = String::from_utf8_lossy(input.rest());
    if let Ok(id) = parse_get_id_response(&text) {
        assert!(!id.is_empty());
    }
    if let Ok(parsed) = parse_get_credentials_response(&text, now_ms) {
        assert!(!parsed.identity_id.is_empty());
        assert!(!parsed.credentials.is_expired(now_ms));
        assert!(parsed.credentials.session_token().is_some());
    }
    if let Some((name, _message)) = parse_aws_error_body(&text) {
        assert!(!name.is_empty() && !name.contains('#') && !name.contains(':'));
    }
    let failure = CognitoFailure::from_response(status, &text);
    let _ = failure.is_retryable();
    let _ = failure.invalidates_identity();
    assert_eq!(
        failure.to_error("GetId").code().as_str(),
        "CredentialsError"
    );
    if let Ok(region) = region_of_identity_pool(&text) {
        assert!(text.starts_with(region));
    }
}

/// HTTP-date and ISO-8601 parsers: an accepted value formats back to text that parses to the same
/// instant; the clock skew estimator takes any header without panicking.
pub fn http_date(data: &[u8]) {
    let mut input = Bytes::new(data);
    let sent = input.u64();
    let received = sent.saturating_add(input.u64() % 600_000);
    let text = String::from_utf8_lossy(input.rest());
    if let Ok(ms) = parse_http_date(&text) {
        assert_eq!(ms % 1000, 0);
        assert_eq!(parse_http_date(&format_http_date(ms)), Ok(ms));
    }
    if let Ok(ms) = parse_iso8601(&text) {
        assert_eq!(parse_iso8601(&format_iso8601(ms)), Ok(ms));
    }
    let mut clock = ClockSkew::new();
    let _ = clock.observe(&text, sent, received);
    let _ = clock.signing_time_ms(received);
    if clock.correct_from_rejection(&text, sent, received).is_ok() {
        let _ = clock.signing_time_ms(received);
    }
}

/// `ProducerConfig::validate` agrees with the option table; record and credential validation agree
/// with the documented limits and never panic.
pub fn config(data: &[u8]) {
    let mut input = Bytes::new(data);
    let selector = input.u8();
    let mut values = [0u64; 11];
    for (value, option) in values.iter_mut().zip(OPTION_TABLE) {
        let raw = input.u64();
        *value = match raw % 4 {
            0 => option.default,
            1 => option.min.saturating_add(raw >> 8),
            2 => option.max.saturating_sub(raw >> 60),
            _ => raw >> 2,
        };
    }
    let name = input.text(300);
    let stream = if selector & 1 == 0 {
        StreamTarget::Name(name)
    } else {
        StreamTarget::Arn(name)
    };
    let config = ProducerConfig {
        stream,
        flush_interval_ms: values[0],
        max_batch_records: values[1] as usize,
        max_batch_bytes: values[2] as usize,
        max_buffered_records: values[3] as usize,
        max_buffered_bytes: values[4] as usize,
        record_ttl_ms: values[5],
        max_attempts: values[6].min(u64::from(u32::MAX)) as u32,
        max_in_flight: values[7] as usize,
        retry_base_ms: values[8],
        retry_max_ms: values[9],
        paused_retry_ms: values[10],
        overflow: if selector & 2 == 0 {
            OverflowPolicy::RejectNew
        } else {
            OverflowPolicy::DropOldest
        },
    };
    let numbers = [
        config.flush_interval_ms,
        config.max_batch_records as u64,
        config.max_batch_bytes as u64,
        config.max_buffered_records as u64,
        config.max_buffered_bytes as u64,
        config.record_ttl_ms,
        u64::from(config.max_attempts),
        config.max_in_flight as u64,
        config.retry_base_ms,
        config.retry_max_ms,
        config.paused_retry_ms,
    ];
    let numbers_ok = OPTION_TABLE
        .iter()
        .zip(numbers)
        .all(|(option, value)| (option.min..=option.max).contains(&value))
        && config.retry_max_ms >= config.retry_base_ms;
    match config.validate() {
        Ok(()) => {
            assert!(numbers_ok, "validate accepted an out-of-range option");
            Producer::new(config, 1).expect("a validated config builds a producer");
        }
        Err(error) => assert_eq!(error.code().as_str(), "InvalidConfig"),
    }

    let key = input.text(1100);
    let explicit = (selector & 4 != 0).then(|| input.text(64));
    let data_len = usize::from(input.u16()) * if selector & 8 != 0 { 17 } else { 1 };
    if let Some(explicit) = &explicit {
        if let Ok(value) = parse_explicit_hash_key(explicit) {
            assert_eq!(
                value.to_string(),
                *explicit,
                "accepted keys are canonical decimals"
            );
        }
    }
    let options = PutOptions {
        partition_key: key.clone(),
        explicit_hash_key: explicit,
    };
    match Record::new(vec![0; data_len], options) {
        Ok(record) => {
            let units = key.encode_utf16().count();
            assert!(
                (1..=256).contains(&units),
                "accepted a key of {units} UTF-16 units"
            );
            assert!(record.payload_bytes() <= 1_048_576);
        }
        Err(error) => assert!(matches!(
            error.code().as_str(),
            "InvalidPartitionKey" | "InvalidExplicitHashKey" | "RecordTooLarge"
        )),
    }

    let access_key = input.text(40);
    let secret = input.text(40);
    let token = (selector & 16 != 0).then(|| input.text(200));
    let expires = (selector & 32 != 0).then(|| input.u64());
    if let Ok(credentials) = Credentials::new(access_key, secret, token, expires, NOW_MS) {
        assert!(!credentials.is_expired(NOW_MS));
        let secret = credentials.secret_access_key();
        // '~' appears in no field name, access key id, redaction marker or date, only in a secret.
        if secret.contains('~') {
            assert!(
                !format!("{credentials:?}").contains(secret),
                "Debug shows the secret"
            );
            assert!(
                !format!("{credentials}").contains(secret),
                "Display shows the secret"
            );
        }
    }
}
