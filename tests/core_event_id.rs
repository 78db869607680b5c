//! Event ids: UUIDv7 layout, uniqueness and order, monotonic within a millisecond and across clock
//! steps backwards.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::event_id::{EventId, EventIdGenerator};
use kinesis_clickstream::core::rng::Rng;
use proptest::prelude::*;

fn is_uuid_v7(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n)
        && text
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        && parts[2].starts_with('7')
        && matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
}

#[test]
fn ids_carry_the_timestamp_and_the_version_and_variant() {
    let mut ids = EventIdGenerator::new();
    let mut rng = Rng::new(1);
    let now = 1_764_165_000_123;
    let id = ids.next_id(now, &mut rng);
    assert_eq!(id.timestamp_ms(), now);
    let text = id.to_string();
    assert!(is_uuid_v7(&text), "{text}");
    assert_eq!(&text[..8], &format!("{:012x}", now)[..8]);
}

#[test]
fn ids_differ_between_seeds_at_the_same_time() {
    let a = EventIdGenerator::new().next_id(5, &mut Rng::new(1));
    let b = EventIdGenerator::new().next_id(5, &mut Rng::new(2));
    assert_ne!(a, b);
}

#[test]
fn a_burst_in_one_millisecond_stays_strictly_increasing() {
    let mut ids = EventIdGenerator::new();
    let mut rng = Rng::new(3);
    let mut last = EventId(0);
    for _ in 0..100_000 {
        let id = ids.next_id(1_000, &mut rng);
        assert!(id > last);
        last = id;
    }
}

proptest! {
    #[test]
    fn ids_increase_whatever_the_clock_does(seed in any::<u64>(), times in proptest::collection::vec(0u64..10_000, 1..200)) {
        let mut ids = EventIdGenerator::new();
        let mut rng = Rng::new(seed);
        let mut last: Option<EventId> = None;
        for now in times {
            let id = ids.next_id(1_700_000_000_000 + now, &mut rng);
            prop_assert!(is_uuid_v7(&id.to_string()));
            if let Some(last) = last {
                prop_assert!(id > last);
                prop_assert!(id.to_string() > last.to_string());
            }
            last = Some(id);
        }
    }
}

proptest! {
    #[test]
    fn the_text_is_the_hex_of_the_value_in_8_4_4_4_12_groups(value in any::<u128>()) {
        let hex = format!("{value:032x}");
        let expected = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
        let id = EventId(value);
        prop_assert_eq!(id.to_text(), expected.clone());
        prop_assert_eq!(id.to_string(), expected.clone());
        prop_assert_eq!(expected.parse::<EventId>().unwrap(), id);
    }
}
