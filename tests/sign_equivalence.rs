//! Our small SigV4 signer against aws-sigv4's full `http_request` signer: identical headers for
//! generated requests, plus AWS's published signing-key derivation example.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use kinesis_clickstream::core::credentials::Credentials;
use kinesis_clickstream::core::sigv4::{
    self, payload_sha256_hex, SigningRequest, AMZ_JSON_CONTENT_TYPE, PUT_RECORDS_TARGET,
};
use proptest::prelude::*;

/// Headers aws-sigv4's full signer adds, as lowercase (name, value).
fn reference_headers(
    access_key_id: &str,
    secret: &str,
    token: Option<&str>,
    request: &SigningRequest<'_>,
    body: &[u8],
) -> Vec<(String, String)> {
    let identity: Identity = aws_credential_types::Credentials::new(
        access_key_id,
        secret,
        token.map(str::to_owned),
        None,
        "equivalence-test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(request.region)
        .name(request.service)
        .time(UNIX_EPOCH + Duration::from_millis(request.time_ms))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [
        ("content-type", AMZ_JSON_CONTENT_TYPE),
        ("host", request.host),
        ("x-amz-target", request.target),
    ];
    let signable = SignableRequest::new(
        "POST",
        format!("https://{}/", request.host),
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();
    let mut out: Vec<(String, String)> = instructions
        .headers()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
        .collect();
    out.sort();
    out
}

fn our_headers(
    access_key_id: &str,
    secret: &str,
    token: Option<&str>,
    request: &SigningRequest<'_>,
) -> Vec<(String, String)> {
    let credentials =
        Credentials::new(access_key_id, secret, token.map(str::to_owned), None, 0).unwrap();
    let signed = sigv4::sign(&credentials, request);
    let mut out = vec![
        ("authorization".to_owned(), signed.authorization),
        ("x-amz-date".to_owned(), signed.amz_date),
    ];
    if let Some(token) = signed.security_token {
        out.push(("x-amz-security-token".to_owned(), token));
    }
    out.sort();
    out
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("us-east-1".to_owned()),
        Just("eu-central-1".to_owned()),
        Just("ap-southeast-2".to_owned()),
        "[a-z]{2}-[a-z]{4,9}-[1-9]",
        "us-gov-[a-z]{4}-[1-3]",
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        region().prop_map(|r| format!("kinesis.{r}.amazonaws.com")),
        (1u16..=65535).prop_map(|port| format!("127.0.0.1:{port}")),
        (1u16..=65535).prop_map(|port| format!("[::1]:{port}")),
        "[a-z0-9]{1,12}(\\.[a-z0-9-]{1,12}){0,3}(:[1-9][0-9]{0,4})?",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let record = ("[A-Za-z0-9+/]{0,40}={0,2}", "\\PC{1,20}")
        .prop_map(|(data, key)| serde_json::json!({"Data": data, "PartitionKey": key}));
    prop_oneof![
        ("[a-zA-Z0-9_.-]{1,128}", prop::collection::vec(record, 0..5)).prop_map(
            |(stream, records)| {
                serde_json::to_vec(&serde_json::json!({"StreamName": stream, "Records": records}))
                    .unwrap()
            }
        ),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

fn target() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(PUT_RECORDS_TARGET.to_owned()),
        1 => Just("Kinesis_20131202.DescribeStreamSummary".to_owned()),
        1 => "[A-Za-z]{1,20}_[0-9]{8}\\.[A-Za-z]{1,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn same_headers_as_aws_sigv4_full_signer(
        access_key_id in "(AKIA|ASIA)[A-Z0-9]{12,16}",
        secret in "[^\\n]{1,60}",
        token in prop::option::of("[A-Za-z0-9+/]{1,600}={0,2}"),
        region in region(),
        host in host(),
        target in target(),
        body in body(),
        // 1970 to 2100, millisecond precision.
        time_ms in 0u64..4_102_444_800_000,
        service in prop_oneof![3 => Just("kinesis".to_owned()), 1 => "[a-z]{2,12}"],
    ) {
        let hash = payload_sha256_hex(&body);
        let request = SigningRequest {
            region: &region,
            service: &service,
            host: &host,
            target: &target,
            payload_sha256_hex: &hash,
            time_ms,
        };
        let ours = our_headers(&access_key_id, &secret, token.as_deref(), &request);
        let reference = reference_headers(&access_key_id, &secret, token.as_deref(), &request, &body);
        prop_assert_eq!(ours, reference);
    }
}

#[test]
fn equivalence_check_can_fail_on_a_wrong_host() {
    let hash = payload_sha256_hex(b"{}");
    let request =
        SigningRequest::put_records("us-east-1", "127.0.0.1:4567", &hash, 1_795_700_677_000);
    let other = SigningRequest {
        host: "127.0.0.1:4568",
        ..request
    };
    let ours = our_headers("ASIAEXAMPLE", "secret", Some("token"), &request);
    let reference = reference_headers("ASIAEXAMPLE", "secret", Some("token"), &other, b"{}");
    assert_ne!(ours, reference);
    assert_eq!(
        ours,
        reference_headers("ASIAEXAMPLE", "secret", Some("token"), &request, b"{}")
    );
}

#[test]
fn aws_published_signing_key_example() {
    // AWS SigV4 documentation: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, date 20120215,
    // region us-east-1, service iam.
    let time = UNIX_EPOCH + Duration::from_secs(1_329_264_000);
    let key = v4::generate_signing_key(
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        time,
        "us-east-1",
        "iam",
    );
    let hex: String = key.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
    let ours = sigv4::signing_key(
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "20120215",
        "us-east-1",
        "iam",
    );
    assert_eq!(ours.as_slice(), key.as_ref());
    assert_eq!(
        kinesis_clickstream::core::http_date::format_date_stamp(1_329_264_000_000),
        "20120215"
    );
}
