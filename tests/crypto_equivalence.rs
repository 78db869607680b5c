//! core::crypto against the crates it replaces in the shipped build (sha2, hmac, md-5, base64):
//! identical bytes for random inputs, every length around the 64-byte block boundaries, inputs fed
//! in random pieces, and long inputs.
#![cfg(not(target_arch = "wasm32"))]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{KeyInit, Mac};
use kinesis_clickstream::core::crypto::{
    base64 as ours_base64, hex, hmac as ours_hmac, md5, sha256,
};
use kinesis_clickstream::core::partition::partition_hash_key;
use md5_crate::Md5;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

extern crate md5 as md5_crate;

fn reference_sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn reference_hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn reference_md5(data: &[u8]) -> [u8; 16] {
    Md5::digest(data).into()
}

/// Random bytes of the lengths where padding changes shape (one block, two blocks, 56/64 edges).
fn boundary_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(0usize),
        Just(1),
        Just(55),
        Just(56),
        Just(57),
        Just(63),
        Just(64),
        Just(65),
        Just(119),
        Just(120),
        Just(127),
        Just(128),
        Just(129),
    ]
    .prop_flat_map(|len| prop::collection::vec(any::<u8>(), len))
}

#[test]
fn every_length_up_to_300_matches() {
    let data: Vec<u8> = (0..300u32).map(|i| (i * 131 + 7) as u8).collect();
    for len in 0..=data.len() {
        let input = &data[..len];
        assert_eq!(
            sha256::sha256(input),
            reference_sha256(input),
            "sha256 {len}"
        );
        assert_eq!(md5::md5(input), reference_md5(input), "md5 {len}");
        assert_eq!(
            ours_hmac::hmac_sha256(input, input),
            reference_hmac(input, input),
            "hmac {len}"
        );
        assert_eq!(
            ours_base64::encode(input),
            STANDARD.encode(input),
            "base64 {len}"
        );
    }
}

#[test]
fn long_inputs_match() {
    let data: Vec<u8> = (0..5u32 << 20).map(|i| (i ^ (i >> 9)) as u8).collect();
    assert_eq!(sha256::sha256(&data), reference_sha256(&data));
    assert_eq!(md5::md5(&data), reference_md5(&data));
    let encoded = ours_base64::encode(&data);
    assert_eq!(encoded, STANDARD.encode(&data));
    assert_eq!(ours_base64::decode(encoded.as_bytes()).unwrap(), data);
}

#[test]
fn equivalence_can_fail() {
    assert_ne!(sha256::sha256(b"a"), reference_sha256(b"b"));
    assert_ne!(md5::md5(b"a"), reference_md5(b"b"));
    assert_ne!(ours_base64::encode(b"a"), STANDARD.encode(b"b"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn sha256_matches_sha2(
        data in prop_oneof![prop::collection::vec(any::<u8>(), 0..300), boundary_bytes()]
    ) {
        prop_assert_eq!(sha256::sha256(&data), reference_sha256(&data));
    }

    #[test]
    fn sha256_of_pieces_matches_sha2(
        data in prop::collection::vec(any::<u8>(), 0..1200),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(data.len() + 1)).collect();
        cuts.sort_unstable();
        let mut hash = sha256::Sha256::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([data.len()]) {
            hash.update(&data[start..cut]);
            start = cut;
        }
        prop_assert_eq!(hash.finish(), reference_sha256(&data));
    }

    #[test]
    fn hmac_matches_hmac_crate(
        key in prop_oneof![prop::collection::vec(any::<u8>(), 0..200), boundary_bytes()],
        message in prop_oneof![prop::collection::vec(any::<u8>(), 0..300), boundary_bytes()],
    ) {
        prop_assert_eq!(ours_hmac::hmac_sha256(&key, &message), reference_hmac(&key, &message));
    }

    #[test]
    fn md5_matches_md5_crate(
        data in prop_oneof![prop::collection::vec(any::<u8>(), 0..300), boundary_bytes()]
    ) {
        prop_assert_eq!(md5::md5(&data), reference_md5(&data));
    }

    #[test]
    fn partition_hash_key_is_the_big_endian_md5(key in "\\PC{0,80}") {
        let expected = u128::from_be_bytes(reference_md5(key.as_bytes()));
        prop_assert_eq!(partition_hash_key(&key), expected);
    }

    #[test]
    fn base64_encode_and_decode_match_base64_crate(
        data in prop_oneof![prop::collection::vec(any::<u8>(), 0..300), boundary_bytes()]
    ) {
        let encoded = ours_base64::encode(&data);
        prop_assert_eq!(&encoded, &STANDARD.encode(&data));
        let mut appended = b"prefix".to_vec();
        ours_base64::encode_into(&data, &mut appended);
        prop_assert_eq!(&appended[6..], encoded.as_bytes());
        prop_assert_eq!(ours_base64::encoded_len(data.len()), encoded.len());
        prop_assert_eq!(ours_base64::decode(encoded.as_bytes()), Some(data));
    }

    #[test]
    fn base64_accepts_and_rejects_what_base64_crate_does(
        text in prop_oneof![
            "[A-Za-z0-9+/=]{0,16}",
            "[A-Za-z0-9+/]{0,12}={0,3}",
            "([A-Za-z0-9+/]{4}){0,3}[A-Za-z0-9+/]{2,3}={1,2}",
            prop::collection::vec(any::<u8>(), 0..12)
                .prop_map(|bytes| bytes.into_iter().map(char::from).collect::<String>()),
        ]
    ) {
        prop_assert_eq!(ours_base64::decode(text.as_bytes()), STANDARD.decode(text.as_bytes()).ok(), "{:?}", text);
    }

    #[test]
    fn hex_matches_format(data in prop::collection::vec(any::<u8>(), 0..100)) {
        let expected: String = data.iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(hex::to_hex(&data), expected);
    }
}
