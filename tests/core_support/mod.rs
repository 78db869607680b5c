//! Shared by the core producer tests: a manual clock, a decoder for what the producer sends, and
//! builders for Kinesis responses.
#![allow(dead_code)]

use kinesis_clickstream::core::config::{ProducerConfig, StreamTarget};
use kinesis_clickstream::core::producer::{
    Action, HttpResponse, OutgoingRequest, Producer, RequestId, ResponseOutcome,
};
use kinesis_clickstream::core::record::{PutOptions, Record};
use kinesis_clickstream::core::wire::decode_put_records_request;

/// A request the producer sent, decoded back from its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: RequestId,
    pub records: Vec<Record>,
    pub payload_bytes: usize,
}

impl Sent {
    pub fn keys(&self) -> Vec<&str> {
        self.records.iter().map(|r| r.partition_key()).collect()
    }

    /// The data of each record as UTF-8 text.
    pub fn texts(&self) -> Vec<String> {
        self.records
            .iter()
            .map(|r| String::from_utf8_lossy(r.data()).into_owned())
            .collect()
    }
}

pub fn decode(request: &OutgoingRequest) -> Sent {
    let decoded =
        decode_put_records_request(&request.body).expect("the producer sends valid bodies");
    assert_eq!(decoded.records.len(), request.record_count);
    let payload: usize = decoded.records.iter().map(Record::payload_bytes).sum();
    assert_eq!(payload, request.payload_bytes);
    Sent {
        id: request.id,
        records: decoded.records,
        payload_bytes: request.payload_bytes,
    }
}

pub fn config() -> ProducerConfig {
    ProducerConfig::new(StreamTarget::Name("clickstream".into()))
}

/// A producer driven by a manual clock.
pub struct Harness {
    pub producer: Producer,
    pub now: u64,
}

pub const START_MS: u64 = 1_764_165_600_000;

impl Harness {
    pub fn new(config: ProducerConfig) -> Self {
        Harness {
            producer: Producer::new(config, 42).unwrap(),
            now: START_MS,
        }
    }

    pub fn put(&mut self, key: &str, text: &str) -> String {
        self.producer
            .put(text.as_bytes().to_vec(), PutOptions::key(key), self.now)
            .unwrap()
    }

    pub fn advance(&mut self, ms: u64) {
        self.now += ms;
    }

    /// Polls until the producer stops sending; returns what it sent and its last answer.
    pub fn poll(&mut self) -> (Vec<Sent>, Action) {
        let mut sent = Vec::new();
        loop {
            match self.producer.poll(self.now) {
                Action::Send(request) => sent.push(decode(&request)),
                other => return (sent, other),
            }
        }
    }

    pub fn poll_one(&mut self) -> Sent {
        let (mut sent, _) = self.poll();
        assert_eq!(sent.len(), 1, "expected exactly one request, got {sent:?}");
        sent.pop().unwrap()
    }

    pub fn respond(&mut self, id: RequestId, status: u16, body: &[u8]) -> ResponseOutcome {
        self.producer
            .on_response(id, HttpResponse { status, body }, self.now)
    }

    pub fn accept(&mut self, sent: &Sent) -> ResponseOutcome {
        let body = ok_body(sent.records.len());
        self.respond(sent.id, 200, &body)
    }
}

/// A 200 body accepting `n` records.
pub fn ok_body(n: usize) -> Vec<u8> {
    partial_body(&vec![true; n])
}

/// A 200 body accepting the records marked `true` and failing the others with
/// `ProvisionedThroughputExceededException`.
pub fn partial_body(accepted: &[bool]) -> Vec<u8> {
    partial_body_with(accepted, "ProvisionedThroughputExceededException")
}

pub fn partial_body_with(accepted: &[bool], error_code: &str) -> Vec<u8> {
    let failed = accepted.iter().filter(|ok| !**ok).count();
    let entries: Vec<String> = accepted
        .iter()
        .enumerate()
        .map(|(i, ok)| {
            if *ok {
                format!(r#"{{"SequenceNumber":"{}","ShardId":"shardId-000000000000"}}"#, 1000 + i)
            } else {
                format!(r#"{{"ErrorCode":"{error_code}","ErrorMessage":"failed for shard shardId-000000000000"}}"#)
            }
        })
        .collect();
    format!(
        r#"{{"FailedRecordCount":{failed},"Records":[{}]}}"#,
        entries.join(",")
    )
    .into_bytes()
}

pub fn error_body(name: &str, message: &str) -> Vec<u8> {
    format!(r#"{{"__type":"{name}","message":"{message}"}}"#).into_bytes()
}
