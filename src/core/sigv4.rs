//! AWS Signature Version 4 for AWS JSON 1.1 `POST /` requests (Kinesis `PutRecords` and kin).
//!
//! The request shape is fixed: method `POST`, path `/`, no query string, and exactly the headers
//! `Content-Type: application/x-amz-json-1.1`, `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (when the
//! credentials carry one) and `X-Amz-Target`. For that shape the canonical request, signing key and
//! signature are computed here with `core::crypto`, which keeps aws-sigv4 (and its size) out of the
//! `.wasm`. Native tests prove the `Authorization` header byte-identical to aws-sigv4's
//! `http_request::sign` for generated requests.
//!
//! The payload hash is an input, so callers can compute it with WebCrypto where present and with
//! [`payload_sha256_hex`] elsewhere.

use crate::core::text::text;
use std::fmt;

use crate::core::credentials::Credentials;
use crate::core::crypto::hex::{push_hex, to_hex};
use crate::core::crypto::hmac::hmac_sha256;
use crate::core::crypto::sha256::{sha256, DIGEST_BYTES};
use crate::core::error::{quoted, Error, ErrorCode, Result};
use crate::core::http_date::format_amz_date;

/// The SigV4 algorithm name, first word of `Authorization`.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Signing name of Kinesis Data Streams.
pub const KINESIS_SERVICE: &str = "kinesis";
/// `X-Amz-Target` of Kinesis `PutRecords`.
pub const PUT_RECORDS_TARGET: &str = "Kinesis_20131202.PutRecords";
/// `Content-Type` of every AWS JSON 1.1 request.
pub const AMZ_JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// What to sign: everything about the request besides the credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningRequest<'a> {
    /// AWS region of the endpoint, e.g. `us-east-1`.
    pub region: &'a str,
    /// Signing name of the service, e.g. [`KINESIS_SERVICE`].
    pub service: &'a str,
    /// The `Host` header exactly as it will be sent: lowercase host, `:port` only when not the
    /// scheme's default (see [`host_header_for`]).
    pub host: &'a str,
    /// The `X-Amz-Target` header value, e.g. [`PUT_RECORDS_TARGET`].
    pub target: &'a str,
    /// Lowercase hex SHA-256 of the exact body bytes sent.
    pub payload_sha256_hex: &'a str,
    /// Signing time in ms since the epoch, already corrected for clock skew; seconds are kept.
    pub time_ms: u64,
}

impl<'a> SigningRequest<'a> {
    /// A Kinesis `PutRecords` request to sign.
    pub fn put_records(
        region: &'a str,
        host: &'a str,
        payload_sha256_hex: &'a str,
        time_ms: u64,
    ) -> Self {
        SigningRequest {
            region,
            service: KINESIS_SERVICE,
            host,
            target: PUT_RECORDS_TARGET,
            payload_sha256_hex,
            time_ms,
        }
    }
}

/// The headers a signed request carries besides `Host` (which `fetch` sets from the URL).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Authorization`: algorithm, credential scope, signed header names and signature.
    pub authorization: String,
    /// `X-Amz-Date`: the signing time, `YYYYMMDDTHHMMSSZ`.
    pub amz_date: String,
    /// `X-Amz-Security-Token`: the session token, when the credentials have one.
    pub security_token: Option<String>,
    /// `X-Amz-Target`, as signed.
    pub target: String,
}

impl SignedHeaders {
    /// Every header to set on the request, as (name, value): `Content-Type`, `X-Amz-Target`,
    /// `X-Amz-Date`, `X-Amz-Security-Token` when present, `Authorization`.
    pub fn to_pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = vec![
            ("Content-Type", AMZ_JSON_CONTENT_TYPE),
            ("X-Amz-Target", self.target.as_str()),
            ("X-Amz-Date", self.amz_date.as_str()),
        ];
        if let Some(token) = &self.security_token {
            pairs.push(("X-Amz-Security-Token", token.as_str()));
        }
        pairs.push(("Authorization", self.authorization.as_str()));
        pairs
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = match self.authorization.find(", Signature=") {
            Some(end) => &self.authorization[..end],
            None => "",
        };
        f.debug_struct("SignedHeaders")
            .field(
                "authorization",
                &format_args!("{scope}, Signature=** redacted **"),
            )
            .field("amz_date", &self.amz_date)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("target", &self.target)
            .finish()
    }
}

/// Lowercase hex SHA-256 of `body`, the payload hash SigV4 signs.
pub fn payload_sha256_hex(body: &[u8]) -> String {
    to_hex(&sha256(body))
}

/// The SigV4 signing key: HMAC-SHA-256 chained from `AWS4` + secret through the date stamp
/// (`YYYYMMDD`), region, service and `aws4_request`.
pub fn signing_key(
    secret_access_key: &str,
    date_stamp: &str,
    region: &str,
    service: &str,
) -> [u8; DIGEST_BYTES] {
    let mut secret = Vec::with_capacity(4 + secret_access_key.len());
    secret.extend_from_slice(b"AWS4");
    secret.extend_from_slice(secret_access_key.as_bytes());
    let mut key = hmac_sha256(&secret, date_stamp.as_bytes());
    for part in &[region, service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    key
}

fn signed_header_names(credentials: &Credentials) -> &'static str {
    if credentials.session_token().is_some() {
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
    } else {
        "content-type;host;x-amz-date;x-amz-target"
    }
}

/// The SigV4 canonical request for this request shape (exposed for tests and debugging; it holds
/// the session token, so do not log it).
pub fn canonical_request(
    credentials: &Credentials,
    request: &SigningRequest<'_>,
    amz_date: &str,
) -> String {
    let (token_name, token) = match credentials.session_token() {
        Some(token) => ("\nx-amz-security-token:", token),
        None => ("", ""),
    };
    text!(
        "POST\n/\n\ncontent-type:{}\nhost:{}\nx-amz-date:{}{}{}\nx-amz-target:{}\n\n{}\n{}",
        AMZ_JSON_CONTENT_TYPE,
        request.host,
        amz_date,
        token_name,
        token,
        request.target,
        signed_header_names(credentials),
        request.payload_sha256_hex
    )
}

/// Signs `request` with `credentials` and returns the headers to add.
pub fn sign(credentials: &Credentials, request: &SigningRequest<'_>) -> SignedHeaders {
    let amz_date = format_amz_date(request.time_ms);
    // The date stamp is the `X-Amz-Date` without its `THHMMSSZ` (a year past 9999 has more digits).
    let date_stamp = amz_date
        .get(..amz_date.len().saturating_sub(8))
        .unwrap_or_default();
    let scope = text!(
        "{}/{}/{}/aws4_request",
        date_stamp,
        request.region,
        request.service
    );
    let canonical = canonical_request(credentials, request, &amz_date);
    let mut string_to_sign = text!("{}\n{}\n{}\n", ALGORITHM, amz_date, scope);
    push_hex(&sha256(canonical.as_bytes()), &mut string_to_sign);
    let key = signing_key(
        credentials.secret_access_key(),
        date_stamp,
        request.region,
        request.service,
    );
    let mut authorization = text!(
        "{} Credential={}/{}, SignedHeaders={}, Signature=",
        ALGORITHM,
        credentials.access_key_id(),
        scope,
        signed_header_names(credentials)
    );
    push_hex(
        &hmac_sha256(&key, string_to_sign.as_bytes()),
        &mut authorization,
    );
    SignedHeaders {
        authorization,
        amz_date,
        security_token: credentials.session_token().map(str::to_owned),
        target: request.target.to_owned(),
    }
}

/// The `Host` header `fetch` sends for `endpoint` (`http://` or `https://` URL): host lowercased,
/// `:port` kept unless it is the scheme's default (80 for http, 443 for https). Errors name the
/// `endpoint` option; user info, query and fragment are rejected and the path must be empty or `/`.
pub fn host_header_for(endpoint: &str) -> Result<String> {
    let fail = |why: &str| {
        Error::new(
            ErrorCode::InvalidConfig,
            text!("endpoint {} {}", quoted(endpoint), why),
        )
    };
    let (rest, default_port) = if let Some(rest) = endpoint.strip_prefix("https://") {
        (rest, "443")
    } else if let Some(rest) = endpoint.strip_prefix("http://") {
        (rest, "80")
    } else {
        return Err(fail("must start with http:// or https://"));
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    if !(path.is_empty() || path == "/") || authority.contains(['?', '#']) {
        return Err(fail(
            "must have no path, query or fragment (requests go to \"/\")",
        ));
    }
    if authority.contains('@') {
        return Err(fail("must not contain user info"));
    }
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => {
            !ipv6.is_empty()
                && ipv6
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        }
    };
    if !host_ok {
        return Err(fail("has no valid host name"));
    }
    let host = host.to_ascii_lowercase();
    match port {
        None => Ok(host),
        Some(port) => {
            let number: u16 = port
                .parse()
                .ok()
                .filter(|_| port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| fail("has a port that is not a number in 0..=65535"))?;
            if text!("{}", number) == default_port {
                Ok(host)
            } else {
                Ok(text!("{}:{}", host, number))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_700_677_000;

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials::new("ASIAEXAMPLE", "secret", token.map(str::to_owned), None, NOW).unwrap()
    }

    #[test]
    fn the_scope_date_is_the_date_stamp_in_any_year() {
        // 10000-01-01T00:00:00Z: the year takes five digits.
        for time_ms in [NOW, 253_402_300_800_000] {
            let request = SigningRequest::put_records("us-east-1", "h", "00", time_ms);
            let signed = sign(&credentials(None), &request);
            let stamp = crate::core::http_date::format_date_stamp(time_ms);
            let scope = format!("/{stamp}/us-east-1/kinesis/aws4_request, ");
            assert!(signed.authorization.contains(&scope), "{stamp}");
            assert!(signed.amz_date.starts_with(&format!("{stamp}T")));
        }
    }

    #[test]
    fn payload_hash_of_empty_body_is_the_known_constant() {
        assert_eq!(
            payload_sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn canonical_request_lists_the_fixed_headers_in_order() {
        let hash = payload_sha256_hex(b"{}");
        let request = SigningRequest::put_records("us-east-1", "127.0.0.1:4567", &hash, NOW);
        let canonical =
            canonical_request(&credentials(Some("TOKEN")), &request, "20261126T134437Z");
        assert_eq!(
            canonical,
            format!(
                "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:4567\n\
                 x-amz-date:20261126T134437Z\nx-amz-security-token:TOKEN\n\
                 x-amz-target:Kinesis_20131202.PutRecords\n\n\
                 content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n{hash}"
            )
        );
    }

    #[test]
    fn signed_headers_carry_scope_and_token() {
        let hash = payload_sha256_hex(b"{}");
        let request = SigningRequest::put_records(
            "eu-west-1",
            "kinesis.eu-west-1.amazonaws.com",
            &hash,
            NOW + 999,
        );
        let signed = sign(&credentials(Some("TOKEN")), &request);
        assert_eq!(signed.amz_date, "20261126T134437Z");
        assert!(signed.authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261126/eu-west-1/kinesis/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="
        ));
        let signature = signed.authorization.rsplit('=').next().unwrap();
        assert_eq!(signature.len(), 64);
        assert_eq!(signed.security_token.as_deref(), Some("TOKEN"));
        let names: Vec<_> = signed.to_pairs().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Amz-Target",
                "X-Amz-Date",
                "X-Amz-Security-Token",
                "Authorization"
            ]
        );
        let debug = format!("{signed:?}");
        assert!(!debug.contains(signature), "{debug}");
        assert!(!debug.contains("TOKEN"), "{debug}");
        assert!(debug.contains("eu-west-1/kinesis"), "{debug}");
    }

    #[test]
    fn signature_depends_on_every_input() {
        let hash = payload_sha256_hex(b"{}");
        let base = SigningRequest::put_records("us-east-1", "h:1", &hash, NOW);
        let creds = credentials(None);
        let reference = sign(&creds, &base).authorization;
        let other_hash = payload_sha256_hex(b"{ }");
        let variants = [
            SigningRequest {
                region: "us-east-2",
                ..base
            },
            SigningRequest {
                host: "h:2",
                ..base
            },
            SigningRequest {
                target: "Kinesis_20131202.PutRecord",
                ..base
            },
            SigningRequest {
                payload_sha256_hex: &other_hash,
                ..base
            },
            SigningRequest {
                time_ms: NOW + 1_000,
                ..base
            },
            SigningRequest {
                service: "firehose",
                ..base
            },
        ];
        for variant in variants {
            assert_ne!(
                sign(&creds, &variant).authorization,
                reference,
                "{variant:?}"
            );
        }
        assert_ne!(
            sign(&credentials(Some("T")), &base).authorization,
            reference
        );
    }

    #[test]
    fn host_header_drops_default_ports_only() {
        let cases = [
            (
                "https://kinesis.us-east-1.amazonaws.com",
                "kinesis.us-east-1.amazonaws.com",
            ),
            (
                "https://Kinesis.US-EAST-1.amazonaws.com/",
                "kinesis.us-east-1.amazonaws.com",
            ),
            ("https://example.com:443", "example.com"),
            ("http://example.com:80/", "example.com"),
            ("http://127.0.0.1:4567", "127.0.0.1:4567"),
            ("https://127.0.0.1:80", "127.0.0.1:80"),
            ("http://localhost:443", "localhost:443"),
            ("http://[::1]:8080", "[::1]:8080"),
            ("http://[::1]", "[::1]"),
        ];
        for (endpoint, host) in cases {
            assert_eq!(host_header_for(endpoint).unwrap(), host, "{endpoint}");
        }
        for bad in [
            "kinesis.us-east-1.amazonaws.com",
            "ftp://example.com",
            "https://",
            "https://example.com/stream",
            "https://example.com?x=1",
            "https://user@example.com",
            "https://example.com:99999",
            "https://example.com:+80",
            "https://exa mple.com",
            "http://example.com:80:90",
            "http://[::1:80",
            "http://[]:80",
        ] {
            let error = host_header_for(bad).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidConfig, "{bad}");
            assert!(error.message().contains("endpoint"), "{bad}");
        }
    }
}
