//! Shard mapping: MD5 hash keys against vectors computed independently with Python's hashlib, the
//! ExplicitHashKey override, and shard-range lookup.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::partition::{
    effective_hash_key, partition_hash_key, ShardMap, ShardRange,
};
use proptest::prelude::*;

/// `int.from_bytes(hashlib.md5(key.encode()).digest(), 'big')`, computed with python3.
const MD5_VECTORS: [(&str, u128); 6] = [
    ("", 281949768489412648962353822266799178366),
    ("a", 16955237001963240173058271559858726497),
    ("user-1", 285573413173782752570879317399258818820),
    ("partitionKey", 193318062818912349798954611745638949166),
    ("é中文😀", 128476083620664537688081999647704012000),
    ("k", 187279361568289349169310600456257773043),
];

#[test]
fn md5_hash_keys_match_python_hashlib() {
    for (key, expected) in MD5_VECTORS {
        assert_eq!(partition_hash_key(key), expected, "key {key:?}");
        assert_eq!(effective_hash_key(key, None).unwrap(), expected);
    }
}

#[test]
fn an_explicit_hash_key_overrides_the_md5() {
    assert_eq!(effective_hash_key("user-1", Some("0")).unwrap(), 0);
    assert_eq!(
        effective_hash_key("user-1", Some("340282366920938463463374607431768211455")).unwrap(),
        u128::MAX
    );
    assert!(effective_hash_key("user-1", Some("-1")).is_err());
}

fn four_shards() -> ShardMap {
    let quarter = 1u128 << 126;
    ShardMap::new(vec![
        ShardRange {
            start: 3 * quarter,
            end: u128::MAX,
            shard_id: "s3".into(),
        },
        ShardRange {
            start: 0,
            end: quarter - 1,
            shard_id: "s0".into(),
        },
        ShardRange {
            start: 2 * quarter,
            end: 3 * quarter - 1,
            shard_id: "s2".into(),
        },
        ShardRange {
            start: quarter,
            end: 2 * quarter - 1,
            shard_id: "s1".into(),
        },
    ])
    .unwrap()
}

#[test]
fn shard_lookup_honours_inclusive_range_ends() {
    let map = four_shards();
    let quarter = 1u128 << 126;
    assert_eq!(map.shard_for(0).unwrap().shard_id, "s0");
    assert_eq!(map.shard_for(quarter - 1).unwrap().shard_id, "s0");
    assert_eq!(map.shard_for(quarter).unwrap().shard_id, "s1");
    assert_eq!(map.shard_for(u128::MAX).unwrap().shard_id, "s3");
    // MD5("user-1") = 285573413173782752570879317399258818820 is in the top quarter.
    assert_eq!(
        map.shard_for(partition_hash_key("user-1"))
            .unwrap()
            .shard_id,
        "s3"
    );
    // MD5("a") = 16955237001963240173058271559858726497 is in the first quarter.
    assert_eq!(
        map.shard_for(partition_hash_key("a")).unwrap().shard_id,
        "s0"
    );
}

#[test]
fn gaps_have_no_shard_and_overlaps_are_rejected() {
    let map = ShardMap::new(vec![
        ShardRange {
            start: 10,
            end: 20,
            shard_id: "a".into(),
        },
        ShardRange {
            start: 30,
            end: 40,
            shard_id: "b".into(),
        },
    ])
    .unwrap();
    assert!(map.shard_for(9).is_none());
    assert!(map.shard_for(25).is_none());
    assert!(map.shard_for(41).is_none());
    assert_eq!(map.shard_for(30).unwrap().shard_id, "b");

    let overlap = ShardMap::new(vec![
        ShardRange {
            start: 10,
            end: 20,
            shard_id: "a".into(),
        },
        ShardRange {
            start: 20,
            end: 40,
            shard_id: "b".into(),
        },
    ]);
    assert!(overlap.is_err());
    let backwards = ShardMap::new(vec![ShardRange {
        start: 5,
        end: 4,
        shard_id: "a".into(),
    }]);
    assert!(backwards.is_err());
}

proptest! {
    #[test]
    fn an_even_split_places_every_hash_in_exactly_one_shard(count in 1u32..=64, hash in any::<u128>()) {
        let map = ShardMap::even(count).unwrap();
        prop_assert_eq!(map.ranges().len(), count as usize);
        prop_assert_eq!(map.ranges()[0].start, 0);
        prop_assert_eq!(map.ranges().last().unwrap().end, u128::MAX);
        let holders: Vec<_> = map.ranges().iter().filter(|r| r.start <= hash && hash <= r.end).collect();
        prop_assert_eq!(holders.len(), 1);
        prop_assert_eq!(map.shard_for(hash), Some(holders[0]));
    }
}
