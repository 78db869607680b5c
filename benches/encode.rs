//! Encoding throughput of PutRecords bodies (500 x 200 B and 500 x 10 kB) and put() throughput.
//! Plain `std::time` timing; run with `cargo bench --bench encode`. Prints, never asserts.

use std::hint::black_box;
use std::time::{Duration, Instant};

use kinesis_clickstream::core::config::{ProducerConfig, StreamTarget};
use kinesis_clickstream::core::producer::{Action, Producer};
use kinesis_clickstream::core::record::{PutOptions, Record};
use kinesis_clickstream::core::wire::encode_put_records;

const MIN_RUN: Duration = Duration::from_millis(500);

fn records(count: usize, data_bytes: usize) -> Vec<Record> {
    (0..count)
        .map(|i| {
            let data: Vec<u8> = (0..data_bytes).map(|j| (i * 31 + j * 7) as u8).collect();
            Record::new(
                data,
                PutOptions::key(format!("session-{:08x}", i * 2_654_435_761 % 1_000_003)),
            )
            .unwrap()
        })
        .collect()
}

/// Runs `f` repeatedly for at least `MIN_RUN`; returns iterations per second.
fn per_second(mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    let start = Instant::now();
    let mut iterations = 0u64;
    while start.elapsed() < MIN_RUN {
        f();
        iterations += 1;
    }
    iterations as f64 / start.elapsed().as_secs_f64()
}

fn bench_encode(label: &str, count: usize, data_bytes: usize) {
    let stream = StreamTarget::Name("clickstream".into());
    let batch = records(count, data_bytes);
    let payload: usize = batch.iter().map(Record::payload_bytes).sum();
    let mut body_len = 0;
    let bodies_per_second = per_second(|| {
        let mut body = Vec::new();
        encode_put_records(&stream, black_box(&batch), &mut body);
        body_len = body.len();
        black_box(body);
    });
    println!(
        "encode {label}: {:.0} records/s, {:.1} MB/s of payload, {:.1} MB/s of body ({body_len} bytes/body)",
        bodies_per_second * count as f64,
        bodies_per_second * payload as f64 / 1e6,
        bodies_per_second * body_len as f64 / 1e6,
    );
}

fn bench_put(data_bytes: usize, distinct_keys: usize) {
    let mut config = ProducerConfig::new(StreamTarget::Name("clickstream".into()));
    config.max_buffered_records = 1_000_000;
    config.max_buffered_bytes = 1 << 30;
    config.flush_interval_ms = 600_000;
    let data = vec![b'x'; data_bytes];
    let puts = 100_000;
    let keys: Vec<String> = (0..distinct_keys.min(puts))
        .map(|i| format!("session-{i}"))
        .collect();
    let runs_per_second = per_second(|| {
        let mut producer = Producer::new(config.clone(), 1).unwrap();
        for i in 0..puts {
            let id = producer
                .put(
                    data.clone(),
                    PutOptions::key(keys[i % keys.len()].clone()),
                    1_000,
                )
                .unwrap();
            black_box(id);
        }
        black_box(producer.poll(1_000) != Action::Idle);
    });
    println!(
        "put {data_bytes} B over {} keys: {:.0} puts/s (including the data and key copies)",
        keys.len(),
        runs_per_second * puts as f64
    );
}

fn main() {
    bench_encode("500 x 200 B", 500, 200);
    bench_encode("500 x 10 kB", 500, 10_000);
    bench_put(200, 1);
    bench_put(200, 1000);
    bench_put(200, 100_000);
}
