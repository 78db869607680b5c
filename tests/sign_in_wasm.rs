//! The signer inside wasm32: the same headers as natively (the signing key derivation goes through
//! `std::time::SystemTime`, which exists on wasm32-unknown-unknown only as plain arithmetic).
#![cfg(target_arch = "wasm32")]

use kinesis_clickstream::core::credentials::Credentials;
use kinesis_clickstream::core::http_date::{format_amz_date, parse_http_date};
use kinesis_clickstream::core::sigv4::{payload_sha256_hex, sign, SigningRequest};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn signs_like_the_native_build() {
    let credentials =
        Credentials::new("ASIAX", "s", Some("t".into()), None, 0).expect("valid credentials");
    let hash = payload_sha256_hex(b"{}");
    let request =
        SigningRequest::put_records("us-east-1", "127.0.0.1:5000", &hash, 1_795_700_677_000);
    let signed = sign(&credentials, &request);
    assert_eq!(signed.amz_date, "20261126T134437Z");
    // Computed natively by examples/sign_request for the same job.
    assert_eq!(
        signed.authorization,
        "AWS4-HMAC-SHA256 Credential=ASIAX/20261126/us-east-1/kinesis/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
         Signature=91d9f95a96893b489b408858f04b41cacbded160c7859d0e70ecc28405011a21"
    );
}

#[wasm_bindgen_test]
fn dates_round_trip() {
    let ms = parse_http_date("Thu, 26 Nov 2026 13:44:37 GMT").expect("valid date");
    assert_eq!(format_amz_date(ms), "20261126T134437Z");
}
