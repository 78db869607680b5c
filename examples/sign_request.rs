//! Runs the core's signer and Cognito wire format on one JSON job read from stdin and prints the
//! result as JSON on stdout. The end-to-end tests drive it to check the core against moto, a real
//! SigV4 verifier; it is also a way to sign a request by hand.
//!
//! Jobs (`op` selects; `sign` when absent):
//! - `sign`: `{accessKeyId, secretAccessKey, sessionToken?, region, host | endpoint, timeMs, body,
//!   target?, service?}` → the headers to send, `{"Content-Type": …, "X-Amz-Target": …,
//!   "X-Amz-Date": …, "X-Amz-Security-Token"?: …, "Authorization": …}`.
//! - `cognitoGetId`: `{identityPoolId, logins?}` → `{target, body, endpoint}`.
//! - `cognitoGetCredentials`: `{identityId, logins?}` → `{target, body}`.
//! - `cognitoParseId`: `{body}` → `{identityId}`.
//! - `cognitoParseCredentials`: `{body, nowMs}` → `{identityId, accessKeyId, expiresAtMs,
//!   hasSessionToken, debug}` (the secret is never printed).
//! - `cognitoError`: `{status, body}` → `{name, message, retryable, error}`.
//!
//! Failures print `{"error": {"code", "message"}}` and exit with status 1.
//!
//! ```text
//! echo '{"accessKeyId":"ASIA…","secretAccessKey":"…","region":"us-east-1",
//!        "host":"127.0.0.1:5000","timeMs":1795700677000,"body":"{}"}' \
//!   | cargo run -q --example sign_request
//! ```

use std::io::Read;

use kinesis_clickstream::core::cognito::{self, CognitoFailure, Logins};
use kinesis_clickstream::core::credentials::Credentials;
use kinesis_clickstream::core::error::{Error, ErrorCode, Result};
use kinesis_clickstream::core::sigv4::{self, SigningRequest, KINESIS_SERVICE, PUT_RECORDS_TARGET};
use serde_json::{json, Map, Value};

fn bad_job(message: String) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}

fn text<'a>(job: &'a Map<String, Value>, field: &str) -> Result<&'a str> {
    job.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| bad_job(format!("job field {field} must be a string")))
}

fn optional_text<'a>(job: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>> {
    match job.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => text(job, field).map(Some),
    }
}

fn number(job: &Map<String, Value>, field: &str) -> Result<u64> {
    job.get(field)
        .and_then(Value::as_u64)
        .ok_or_else(|| bad_job(format!("job field {field} must be a non-negative integer")))
}

fn logins(job: &Map<String, Value>) -> Result<Logins> {
    match job.get("logins") {
        None | Some(Value::Null) => Ok(Logins::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(provider, token)| match token.as_str() {
                Some(token) => Ok((provider.clone(), token.to_owned())),
                None => Err(bad_job(format!("logins.{provider} must be a string"))),
            })
            .collect(),
        Some(_) => Err(bad_job("job field logins must be an object".into())),
    }
}

fn sign(job: &Map<String, Value>) -> Result<Value> {
    let time_ms = number(job, "timeMs")?;
    let credentials = Credentials::new(
        text(job, "accessKeyId")?,
        text(job, "secretAccessKey")?,
        optional_text(job, "sessionToken")?.map(str::to_owned),
        None,
        time_ms,
    )?;
    let host = match optional_text(job, "host")? {
        Some(host) => host.to_owned(),
        None => sigv4::host_header_for(text(job, "endpoint")?)?,
    };
    let payload_hash = sigv4::payload_sha256_hex(text(job, "body")?.as_bytes());
    let request = SigningRequest {
        region: text(job, "region")?,
        service: optional_text(job, "service")?.unwrap_or(KINESIS_SERVICE),
        host: &host,
        target: optional_text(job, "target")?.unwrap_or(PUT_RECORDS_TARGET),
        payload_sha256_hex: &payload_hash,
        time_ms,
    };
    let signed = sigv4::sign(&credentials, &request);
    let headers: Map<String, Value> = signed
        .to_pairs()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
        .collect();
    Ok(Value::Object(headers))
}

fn run(job: &Map<String, Value>) -> Result<Value> {
    match optional_text(job, "op")?.unwrap_or("sign") {
        "sign" => sign(job),
        "cognitoGetId" => {
            let pool = text(job, "identityPoolId")?;
            let request = cognito::get_id_request(pool, &logins(job)?)?;
            let region = cognito::region_of_identity_pool(pool)?;
            Ok(json!({
                "target": request.target,
                "body": request.body,
                "endpoint": cognito::default_endpoint(region),
            }))
        }
        "cognitoGetCredentials" => {
            let request =
                cognito::get_credentials_request(text(job, "identityId")?, &logins(job)?)?;
            Ok(json!({"target": request.target, "body": request.body}))
        }
        "cognitoParseId" => {
            let identity_id = cognito::parse_get_id_response(text(job, "body")?)?;
            Ok(json!({ "identityId": identity_id }))
        }
        "cognitoParseCredentials" => {
            let parsed =
                cognito::parse_get_credentials_response(text(job, "body")?, number(job, "nowMs")?)?;
            let credentials = &parsed.credentials;
            Ok(json!({
                "identityId": parsed.identity_id,
                "accessKeyId": credentials.access_key_id(),
                "expiresAtMs": credentials.expires_at_ms(),
                "hasSessionToken": credentials.session_token().is_some(),
                "debug": format!("{credentials:?}"),
            }))
        }
        "cognitoError" => {
            let status = u16::try_from(number(job, "status")?)
                .map_err(|_| bad_job("job field status must be an HTTP status".into()))?;
            let failure = CognitoFailure::from_response(status, text(job, "body")?);
            let error = failure.to_error("call");
            Ok(json!({
                "name": failure.name,
                "message": failure.message,
                "retryable": failure.is_retryable(),
                "error": {"code": error.code().as_str(), "message": error.message()},
            }))
        }
        other => Err(bad_job(format!("unknown op {other:?}"))),
    }
}

fn main() {
    let mut input = String::new();
    let result = std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| bad_job(format!("stdin is not readable UTF-8: {e}")))
        .and_then(|_| match serde_json::from_str::<Value>(&input) {
            Ok(Value::Object(job)) => run(&job),
            _ => Err(bad_job("stdin must hold one JSON object".into())),
        });
    match result {
        Ok(output) => println!("{output}"),
        Err(error) => {
            println!(
                "{}",
                json!({"error": {"code": error.code().as_str(), "message": error.message()}})
            );
            std::process::exit(1);
        }
    }
}
