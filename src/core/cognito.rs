//! Cognito Identity on the wire: `GetId` and `GetCredentialsForIdentity` request bodies and the
//! parsing of their answers, for browsers that get temporary credentials from an identity pool.
//!
//! Both calls are AWS JSON 1.1 `POST /` requests to the Cognito Identity endpoint, unsigned, with
//! `Content-Type: application/x-amz-json-1.1` and the `X-Amz-Target` of the operation. Without
//! `Logins` they use the pool's unauthenticated role. The flow: `GetId` once (the identity id can be
//! kept, e.g. in storage), then `GetCredentialsForIdentity` at each refresh; a
//! `ResourceNotFoundException` for a kept identity means it was deleted: call `GetId` again
//! ([`CognitoFailure::invalidates_identity`]).

use crate::core::credentials::Credentials;
use crate::core::error::{char_prefix, quoted, Error, ErrorCode, Result};
use crate::core::json::{self, JsonValue};
use crate::core::sigv4::AMZ_JSON_CONTENT_TYPE;
use crate::core::text::text;
use crate::core::text::{char_count, split_once_ascii};
use crate::core::wire::{normalize_error_name, write_json_string_contents};

/// `X-Amz-Target` of `GetId`.
pub const GET_ID_TARGET: &str = "AWSCognitoIdentityService.GetId";
/// `X-Amz-Target` of `GetCredentialsForIdentity`.
pub const GET_CREDENTIALS_FOR_IDENTITY_TARGET: &str =
    "AWSCognitoIdentityService.GetCredentialsForIdentity";
/// Longest identity pool id or identity id Cognito accepts.
pub const MAX_ID_LENGTH: usize = 55;

/// Identity-provider name to token (e.g. `accounts.google.com` to an ID token), sent as `Logins` in
/// this order; [`insert_login`] keeps it sorted by provider with one token each. A `Vec` rather than a
/// `BTreeMap<String, String>`: the `.wasm` then carries one `BTreeMap` instantiation fewer.
pub type Logins = Vec<(String, String)>;

/// Adds `provider`'s `token` at its sorted place, replacing the token it had.
pub fn insert_login(logins: &mut Logins, provider: String, token: String) {
    match logins.binary_search_by(|(known, _)| known.as_str().cmp(&provider)) {
        Ok(index) => {
            if let Some(entry) = logins.get_mut(index) {
                entry.1 = token;
            }
        }
        Err(index) => logins.insert(index, (provider, token)),
    }
}

/// The Cognito Identity endpoint of `region`: `https://cognito-identity.{region}.amazonaws.com/`.
pub fn default_endpoint(region: &str) -> String {
    text!("https://cognito-identity.{}.amazonaws.com/", region)
}

/// Whether `part` is a non-empty run of ASCII letters, digits and '-'.
fn is_id_part(part: &str) -> bool {
    let mut well_formed = !part.is_empty();
    for &byte in part.as_bytes() {
        well_formed &= byte.is_ascii_alphanumeric() || byte == b'-';
    }
    well_formed
}

fn check_id(field: &str, value: &str) -> Result<()> {
    let len = char_count(value);
    let well_formed = match split_once_ascii(value, b':') {
        Some((region, id)) => is_id_part(region) && is_id_part(id),
        None => false,
    };
    if !well_formed || len > MAX_ID_LENGTH {
        let shown = char_prefix(value, MAX_ID_LENGTH + 5);
        return Err(Error::new(
            ErrorCode::InvalidConfig,
            text!(
                "{} {} must be \"<region>:<id>\" of letters, digits and '-', at most \
                 {} characters ({} given)",
                field,
                quoted(shown),
                MAX_ID_LENGTH,
                len
            ),
        ));
    }
    Ok(())
}

/// The region an identity pool id (`us-east-1:…`) belongs to, after checking its form.
pub fn region_of_identity_pool(identity_pool_id: &str) -> Result<&str> {
    check_id("cognitoIdentityPoolId", identity_pool_id)?;
    Ok(split_once_ascii(identity_pool_id, b':')
        .map(|(region, _)| region)
        .unwrap_or_default())
}

/// A Cognito Identity call to send: `POST /` to the endpoint with [`Self::headers`] and `body`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CognitoRequest {
    /// The operation's `X-Amz-Target`.
    pub target: &'static str,
    /// The JSON body.
    pub body: String,
}

impl CognitoRequest {
    /// The headers to set: `Content-Type` and `X-Amz-Target`.
    pub fn headers(&self) -> [(&'static str, &str); 2] {
        [
            ("Content-Type", AMZ_JSON_CONTENT_TYPE),
            ("X-Amz-Target", self.target),
        ]
    }
}

/// Appends `text` to `out` as a JSON string.
fn push_json_string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    write_json_string_contents(text, out);
    out.push(b'"');
}

/// `{"<key>":"<id>","Logins":{...}}` (keys in sorted order, `Logins` only when not empty).
fn body_with_logins(key: &str, id: &str, logins: &Logins) -> String {
    let mut body = b"{".to_vec();
    push_json_string(key, &mut body);
    body.push(b':');
    push_json_string(id, &mut body);
    if !logins.is_empty() {
        body.extend_from_slice(b",\"Logins\":{");
        for (index, (provider, token)) in logins.iter().enumerate() {
            if index > 0 {
                body.push(b',');
            }
            push_json_string(provider, &mut body);
            body.push(b':');
            push_json_string(token, &mut body);
        }
        body.push(b'}');
    }
    body.push(b'}');
    // Escaping copies UTF-8 text and adds ASCII, so the bytes stay UTF-8.
    String::from_utf8(body).unwrap_or_default()
}

/// `GetId` for `identity_pool_id`, with `logins` for an authenticated identity (empty: unauthenticated).
pub fn get_id_request(identity_pool_id: &str, logins: &Logins) -> Result<CognitoRequest> {
    check_id("cognitoIdentityPoolId", identity_pool_id)?;
    Ok(CognitoRequest {
        target: GET_ID_TARGET,
        body: body_with_logins("IdentityPoolId", identity_pool_id, logins),
    })
}

/// `GetCredentialsForIdentity` for `identity_id`, with the same `logins` as its `GetId`.
pub fn get_credentials_request(identity_id: &str, logins: &Logins) -> Result<CognitoRequest> {
    check_id("identityId", identity_id)?;
    Ok(CognitoRequest {
        target: GET_CREDENTIALS_FOR_IDENTITY_TARGET,
        body: body_with_logins("IdentityId", identity_id, logins),
    })
}

fn protocol_error(message: String) -> Error {
    Error::new(ErrorCode::ProtocolError, message)
}

fn parse_object<'a>(operation: &str, body: &'a str) -> Result<JsonValue<'a>> {
    match json::parse(body) {
        Ok(object @ JsonValue::Object(_)) => Ok(object),
        _ => Err(protocol_error(text!(
            "Cognito {} response is not a JSON object ({} bytes)",
            operation,
            body.len()
        ))),
    }
}

fn string_field<'v>(object: &'v JsonValue<'_>, operation: &str, field: &str) -> Result<&'v str> {
    match object.get(field) {
        Some(JsonValue::String(text)) if !text.is_empty() => Ok(text),
        Some(_) => Err(protocol_error(text!(
            "Cognito {} response field {} is not a non-empty string",
            operation,
            field
        ))),
        None => Err(protocol_error(text!(
            "Cognito {} response has no {}",
            operation,
            field
        ))),
    }
}

/// Milliseconds from a JSON number of seconds, rounded half up, saturating at `u64::MAX`; `None`
/// unless the number is positive. Computed on the decimal digits, so no float is parsed: the digits
/// before the millisecond point make the integer, the digit after it decides the rounding.
fn millis_from_seconds(number: &str) -> Option<u64> {
    let bytes = number.as_bytes();
    let mut exponent_at = 0;
    while exponent_at < bytes.len() && !matches!(bytes[exponent_at], b'e' | b'E') {
        exponent_at += 1;
    }
    let (mantissa, exponent) = bytes.split_at(exponent_at);
    let mut exponent_value: i64 = 0;
    let mut exponent_sign = 1;
    for (index, &byte) in exponent.iter().enumerate() {
        match byte {
            _ if index == 0 => {}
            b'+' if index == 1 => {}
            b'-' if index == 1 => exponent_sign = -1,
            b'0'..=b'9' => {
                exponent_value = (exponent_value * 10 + i64::from(byte - b'0')).min(100_000);
            }
            _ => return None,
        }
    }
    let mut integer_len = 0;
    while integer_len < mantissa.len() && mantissa[integer_len] != b'.' {
        integer_len += 1;
    }
    // Digits before this position (counted over the mantissa without its '.') are whole
    // milliseconds; milliseconds are seconds times 10^3.
    let point = integer_len as i64 + 3 + exponent_sign * exponent_value;
    let mut millis: u64 = 0;
    let mut round_up = false;
    let mut positive = false;
    let mut position: i64 = 0;
    for (index, &byte) in mantissa.iter().enumerate() {
        if index == integer_len {
            continue;
        }
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        positive |= digit != 0;
        if position < point {
            millis = millis.saturating_mul(10).saturating_add(u64::from(digit));
        } else if position == point {
            round_up = digit >= 5;
        }
        position += 1;
    }
    if !positive {
        return None;
    }
    while position < point && millis != 0 && millis != u64::MAX {
        millis = millis.saturating_mul(10);
        position += 1;
    }
    Some(millis.saturating_add(u64::from(round_up)))
}

/// The `IdentityId` of a successful `GetId` response body.
pub fn parse_get_id_response(body: &str) -> Result<String> {
    let object = parse_object("GetId", body)?;
    let identity_id = string_field(&object, "GetId", "IdentityId")?;
    check_id("identityId", identity_id)
        .map_err(|e| protocol_error(text!("Cognito GetId response: {}", e.message())))?;
    Ok(identity_id.to_owned())
}

/// Temporary credentials from `GetCredentialsForIdentity`, with the identity they belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CognitoCredentials {
    /// The identity id the response names (Cognito may return a merged identity's id).
    pub identity_id: String,
    /// The credentials, validated against `now_ms`.
    pub credentials: Credentials,
}

/// Parses a successful `GetCredentialsForIdentity` response body. `Expiration` is epoch seconds,
/// integer or fractional; it becomes milliseconds (rounded). Credentials already expired at
/// `now_ms` are a `CredentialsError`; a malformed body is a `ProtocolError`. Messages never
/// contain the body (it holds secrets).
pub fn parse_get_credentials_response(body: &str, now_ms: u64) -> Result<CognitoCredentials> {
    const OPERATION: &str = "GetCredentialsForIdentity";
    let object = parse_object(OPERATION, body)?;
    let identity_id = string_field(&object, OPERATION, "IdentityId")?.to_owned();
    let credentials = match object.get("Credentials") {
        Some(credentials @ JsonValue::Object(_)) => credentials,
        _ => {
            return Err(protocol_error(text!(
                "Cognito {} response has no Credentials object",
                OPERATION
            )))
        }
    };
    let access_key_id = string_field(credentials, OPERATION, "AccessKeyId")?;
    let secret_key = string_field(credentials, OPERATION, "SecretKey")?;
    let session_token = string_field(credentials, OPERATION, "SessionToken")?;
    let expires_at_ms = match credentials.get("Expiration") {
        None | Some(JsonValue::Null) => None,
        Some(value) => match value {
            JsonValue::Number(seconds) => millis_from_seconds(seconds),
            _ => None,
        }
        .map(Some)
        .ok_or_else(|| {
            protocol_error(text!(
                "Cognito {} response field Expiration is not a positive number of epoch \
                 seconds",
                OPERATION
            ))
        })?,
    };
    let credentials = Credentials::new(
        access_key_id,
        secret_key,
        Some(session_token.to_owned()),
        expires_at_ms,
        now_ms,
    )
    .map_err(|e| {
        Error::new(
            ErrorCode::CredentialsError,
            text!(
                "Cognito {} returned unusable credentials: {}",
                OPERATION,
                e.message()
            ),
        )
    })?;
    Ok(CognitoCredentials {
        identity_id,
        credentials,
    })
}

/// A failed Cognito call: the HTTP status and the AWS error name and message from the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CognitoFailure {
    /// HTTP status of the response.
    pub status: u16,
    /// AWS error name without namespace, e.g. `NotAuthorizedException`; `Unknown` when the body
    /// does not say.
    pub name: String,
    /// The service's message; empty when the body has none.
    pub message: String,
}

/// The string value of the first of `keys` whose member in `object` is a string.
fn first_string<'v>(object: &'v JsonValue<'_>, keys: &[&str]) -> Option<&'v str> {
    for key in keys {
        if let Some(text) = object.get(key).and_then(JsonValue::as_str) {
            return Some(text);
        }
    }
    None
}

/// The AWS error name and message of an AWS JSON error body: `__type` (a `namespace#` prefix and a
/// `:…` suffix are dropped) or `code`, then `message` or `Message`. `None` when the body says
/// neither.
pub fn parse_aws_error_body(body: &str) -> Option<(String, String)> {
    let object = match json::parse(body) {
        Ok(object @ JsonValue::Object(_)) => object,
        _ => return None,
    };
    let raw = first_string(&object, &["__type", "code", "Code"])?;
    let name = normalize_error_name(raw);
    if name.is_empty() {
        return None;
    }
    let message = first_string(&object, &["message", "Message"]).unwrap_or_default();
    Some((name.to_owned(), message.to_owned()))
}

impl CognitoFailure {
    /// Reads a non-2xx response of a Cognito call.
    pub fn from_response(status: u16, body: &str) -> Self {
        let (name, message) =
            parse_aws_error_body(body).unwrap_or_else(|| ("Unknown".to_owned(), String::new()));
        CognitoFailure {
            status,
            name,
            message,
        }
    }

    /// Worth retrying later unchanged: throttling, internal errors, 5xx.
    pub fn is_retryable(&self) -> bool {
        self.status >= 500
            || self.status == 429
            || matches!(
                self.name.as_str(),
                "TooManyRequestsException" | "InternalErrorException" | "LimitExceededException"
            )
    }

    /// The kept identity id is gone (deleted identity): forget it and call `GetId` again.
    pub fn invalidates_identity(&self) -> bool {
        self.name == "ResourceNotFoundException"
    }

    /// A `CredentialsError` naming the operation, status, AWS error name and message.
    pub fn to_error(&self, operation: &str) -> Error {
        let mut message = text!(
            "Cognito {} failed with HTTP {}: {}",
            operation,
            // As u32: the module then carries one PushText impl fewer.
            u32::from(self.status),
            self.name
        );
        if !self.message.is_empty() {
            message.push_str(": ");
            message.push_str(char_prefix(&self.message, 300));
        }
        Error::new(ErrorCode::CredentialsError, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_700_677_000;
    const POOL: &str = "us-east-1:4f1c2a77-9e0e-4a53-b7a4-6c1a1f0d2c11";

    #[test]
    fn get_id_body_without_and_with_logins() {
        let request = get_id_request(POOL, &Logins::new()).unwrap();
        assert_eq!(request.target, "AWSCognitoIdentityService.GetId");
        assert_eq!(request.body, format!(r#"{{"IdentityPoolId":"{POOL}"}}"#));
        let logins = Logins::from([("accounts.google.com".to_owned(), "eyJ\"x".to_owned())]);
        let request = get_id_request(POOL, &logins).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(parsed["Logins"]["accounts.google.com"], "eyJ\"x");
        assert_eq!(
            request.headers(),
            [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AWSCognitoIdentityService.GetId")
            ]
        );
    }

    #[test]
    fn get_credentials_body() {
        let request = get_credentials_request(POOL, &Logins::new()).unwrap();
        assert_eq!(
            request.target,
            "AWSCognitoIdentityService.GetCredentialsForIdentity"
        );
        assert_eq!(request.body, format!(r#"{{"IdentityId":"{POOL}"}}"#));
    }

    #[test]
    fn ids_are_checked_and_the_region_extracted() {
        assert_eq!(region_of_identity_pool(POOL).unwrap(), "us-east-1");
        for bad in [
            "",
            "us-east-1",
            ":abc",
            "us-east-1:",
            "us east-1:abc",
            "us-east-1:a\"b",
            "us-east-1:0123456789012345678901234567890123456789012345",
        ] {
            let error = get_id_request(bad, &Logins::new()).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidConfig, "{bad}");
            assert!(error.message().contains("cognitoIdentityPoolId"), "{bad}");
        }
        assert!(get_credentials_request("nope", &Logins::new())
            .unwrap_err()
            .message()
            .contains("identityId"));
        assert_eq!(
            default_endpoint("eu-west-1"),
            "https://cognito-identity.eu-west-1.amazonaws.com/"
        );
    }

    #[test]
    fn parses_identity_id() {
        assert_eq!(
            parse_get_id_response(&format!(r#"{{"IdentityId":"{POOL}"}}"#)).unwrap(),
            POOL
        );
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"IdentityId":3}"#,
            r#"{"IdentityId":"x"}"#,
        ] {
            assert_eq!(
                parse_get_id_response(bad).unwrap_err().code(),
                ErrorCode::ProtocolError,
                "{bad}"
            );
        }
    }

    fn credentials_body(expiration: &str) -> String {
        format!(
            r#"{{"IdentityId":"{POOL}","Credentials":{{"AccessKeyId":"ASIAQEXAMPLE",
            "SecretKey":"s3cr3t/KEY","SessionToken":"IQoJtoken==","Expiration":{expiration}}}}}"#
        )
    }

    #[test]
    fn parses_credentials_with_integer_or_fractional_expiration() {
        for (expiration, ms) in [
            ("1795704277", 1_795_704_277_000),
            ("1795704277.5", 1_795_704_277_500),
            ("1.7957042771234E9", 1_795_704_277_123),
        ] {
            let parsed =
                parse_get_credentials_response(&credentials_body(expiration), NOW).unwrap();
            assert_eq!(parsed.identity_id, POOL);
            assert_eq!(parsed.credentials.access_key_id(), "ASIAQEXAMPLE");
            assert_eq!(parsed.credentials.secret_access_key(), "s3cr3t/KEY");
            assert_eq!(parsed.credentials.session_token(), Some("IQoJtoken=="));
            assert_eq!(parsed.credentials.expires_at_ms(), Some(ms), "{expiration}");
        }
    }

    #[test]
    fn expiration_seconds_become_rounded_milliseconds_without_floats() {
        for (text, ms) in [
            ("1", Some(1_000)),
            ("0.0005", Some(1)),
            ("0.0004999", Some(0)),
            ("1795704277.1234", Some(1_795_704_277_123)),
            ("1795704277.1235", Some(1_795_704_277_124)),
            ("17957042771235e-4", Some(1_795_704_277_124)),
            ("1.795704277E+9", Some(1_795_704_277_000)),
            ("1e-400", Some(0)),
            ("1e400", Some(u64::MAX)),
            ("5e-4", Some(1)),
            ("0.5e-3", Some(1)),
            ("4.9999e-4", Some(0)),
            ("18446744073709551.614", Some(u64::MAX - 1)),
            ("18446744073709551.6145", Some(u64::MAX)),
            ("18446744073709551616", Some(u64::MAX)),
            (
                "123456789012345678901234567890123456789012345",
                Some(u64::MAX),
            ),
            ("0", None),
            ("0.000e5", None),
            ("-1", None),
            ("-0.5", None),
        ] {
            assert_eq!(millis_from_seconds(text), ms, "{text}");
        }
        // Agrees with rounding the float product wherever the decimal has at most 3 fraction digits
        // (no float rounding ties).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let seconds = (state >> 34) % 4_000_000_000;
            let millis = (state >> 20) % 1_000;
            let exponent = (state % 7) as i32 - 3;
            let text = format!("{seconds}.{millis:03}e{exponent}");
            let float: f64 = text.parse().unwrap();
            let expected = (float * 1_000.0).round() as u64;
            let ours = millis_from_seconds(&text);
            if float > 0.0 {
                let ours = ours.unwrap();
                assert!(ours.abs_diff(expected) <= 1, "{text}: {ours} vs {expected}");
                if exponent >= 0 {
                    assert_eq!(ours, expected, "{text}");
                }
            } else {
                assert_eq!(ours, None, "{text}");
            }
        }
    }

    #[test]
    fn credentials_errors_name_the_field_and_never_echo_secrets() {
        let expired =
            parse_get_credentials_response(&credentials_body("1795700000"), NOW).unwrap_err();
        assert_eq!(expired.code(), ErrorCode::CredentialsError);
        assert!(expired.message().contains("expiration"), "{expired}");
        let cases = [
            (credentials_body("\"soon\""), "Expiration"),
            (credentials_body("-1"), "Expiration"),
            (
                credentials_body("1795704277").replace("SecretKey", "Secret"),
                "SecretKey",
            ),
            (
                credentials_body("1795704277")
                    .replace("\"SessionToken\":\"IQoJtoken==\"", "\"SessionToken\":7"),
                "SessionToken",
            ),
            (format!(r#"{{"IdentityId":"{POOL}"}}"#), "Credentials"),
            (r#"{"Credentials":{}}"#.to_owned(), "IdentityId"),
            ("not json s3cr3t".to_owned(), "not a JSON object"),
        ];
        for (body, field) in cases {
            let error = parse_get_credentials_response(&body, NOW).unwrap_err();
            assert_eq!(error.code(), ErrorCode::ProtocolError, "{body}");
            assert!(error.message().contains(field), "{error}");
            assert!(!error.message().contains("s3cr3t"), "{error}");
            assert!(!error.message().contains("IQoJ"), "{error}");
        }
    }

    #[test]
    fn error_bodies_give_the_aws_name() {
        let failure = CognitoFailure::from_response(
            400,
            r#"{"__type":"com.amazonaws.cognito.identity#NotAuthorizedException:http://internal/","message":"Unauthenticated access is not supported for this identity pool."}"#,
        );
        assert_eq!(failure.name, "NotAuthorizedException");
        assert!(!failure.is_retryable());
        let error = failure.to_error("GetId");
        assert_eq!(error.code(), ErrorCode::CredentialsError);
        assert_eq!(
            error.message(),
            "Cognito GetId failed with HTTP 400: NotAuthorizedException: Unauthenticated access is \
             not supported for this identity pool."
        );
        let throttled = CognitoFailure::from_response(
            400,
            r#"{"__type":"TooManyRequestsException","Message":"Rate exceeded"}"#,
        );
        assert!(throttled.is_retryable());
        assert_eq!(throttled.message, "Rate exceeded");
        let gone = CognitoFailure::from_response(
            400,
            r#"{"__type":"ResourceNotFoundException","message":"Identity 'x' not found."}"#,
        );
        assert!(gone.invalidates_identity());
        let opaque = CognitoFailure::from_response(502, "<html>Bad Gateway</html>");
        assert_eq!(opaque.name, "Unknown");
        assert!(opaque.is_retryable());
        assert_eq!(
            opaque.to_error("GetId").message(),
            "Cognito GetId failed with HTTP 502: Unknown"
        );
    }
}
