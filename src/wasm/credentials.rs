//! Where credentials come from, as given in the `credentials` option, and how to get them.
//!
//! Three forms:
//! - a static object `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }`;
//! - a function (usually async) returning such an object, called whenever credentials are needed or
//!   about to expire (an AWS SDK v3 credential provider fits);
//! - `{ cognitoIdentityPoolId, cognitoEndpoint?, logins? }`: unauthenticated (or `logins`-authenticated)
//!   Cognito Identity credentials fetched over the global `fetch`. An unauthenticated identity id is
//!   kept in `localStorage` where there is one (see [`super::local_cache`]).
//!
//! `expiration` may be a `Date`, a number (ms since the epoch) or a date string `Date.parse` reads.
//! Extra keys on a credentials object are ignored (SDK providers add e.g. `credentialScope`).

use crate::core::cognito_flow::{CognitoFlow, CognitoStep};
use crate::core::credentials::Credentials;
use crate::core::error::{quoted, Error, ErrorCode, Result};
use crate::core::text::split_once_ascii;
use crate::core::text::text;
use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::dynamic::get;
use super::js_error::{describe_js_value, from_js_value};
use super::now_ms;
use super::transport;

/// Cognito calls a refresh may make: `GetId`, a retried `GetId` after a deleted identity, and
/// `GetCredentialsForIdentity` twice.
const MAX_COGNITO_CALLS: usize = 4;

/// Credential fields read from a JS object, not yet validated by the core.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CredentialFields {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `secretAccessKey`.
    pub secret_access_key: String,
    /// `sessionToken`, when present.
    pub session_token: Option<String>,
    /// `expiration` in ms since the epoch, when present.
    pub expiration_ms: Option<u64>,
}

impl std::fmt::Debug for CredentialFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialFields")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiration_ms", &self.expiration_ms)
            .finish()
    }
}

/// The Cognito Identity pool to get credentials from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CognitoPool {
    /// `cognitoIdentityPoolId`, e.g. `us-east-1:1234abcd-…`.
    pub identity_pool_id: String,
    /// `cognitoEndpoint`, default `https://cognito-identity.{pool region}.amazonaws.com/`.
    pub endpoint: String,
    /// `logins`: provider name → token, for authenticated identities.
    pub logins: crate::core::cognito::Logins,
}

/// The `credentials` option, classified.
#[derive(Clone, Debug)]
pub enum CredentialSource {
    /// Fixed credentials; never refreshed.
    Static(CredentialFields),
    /// A provider function, called for each refresh.
    Provider(Function),
    /// A Cognito Identity pool.
    Cognito(CognitoPool),
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidCredentials, message)
}

fn wrong_type(subject: &str, rule: &str, value: &JsValue) -> Error {
    super::config::wrong_type_of(ErrorCode::InvalidCredentials, subject, rule, value)
}

fn required_string(object: &JsValue, key: &str) -> Result<String> {
    let value = get(object, key);
    value
        .as_string()
        .ok_or_else(|| wrong_type(&text!("credentials.{}", key), "a string", &value))
}

fn optional_string(object: &JsValue, key: &str) -> Result<Option<String>> {
    let value = get(object, key);
    if value.is_undefined() || super::dynamic::is_null(&value) {
        return Ok(None);
    }
    required_string(object, key).map(Some)
}

/// Reads `expiration` (a `Date`, ms number or date string) as ms since the epoch.
pub fn expiration_ms(value: &JsValue) -> Result<Option<u64>> {
    if value.is_undefined() || super::dynamic::is_null(value) {
        return Ok(None);
    }
    let ms = if let Some(number) = value.as_f64() {
        number
    } else if value.is_string() {
        // `Date.parse(text)` called by name rather than through a binding.
        super::dynamic::global("Date")
            .and_then(|date| super::dynamic::call(&date, "parse", &[value]).ok())
            .and_then(|time| time.as_f64())
            .unwrap_or(f64::NAN)
    } else if value.is_object() {
        // A `Date` (of any realm): its `getTime()`, called by name rather than through a binding.
        super::dynamic::call(value, "getTime", &[])
            .ok()
            .and_then(|time| time.as_f64())
            .unwrap_or(f64::NAN)
    } else {
        f64::NAN
    };
    if !ms.is_finite() || ms < 0.0 {
        return Err(invalid(text!("credentials.expiration must be a Date, a number of ms since the epoch or a date string; got {}", describe_js_value(value))));
    }
    // A finite non-negative time; fractions of a millisecond are dropped.
    Ok(Some(ms as u64))
}

impl CredentialFields {
    /// Validated core credentials (`InvalidCredentials` naming the field, e.g. already expired).
    pub fn into_credentials(self, now_ms: u64) -> Result<Credentials> {
        Credentials::new(
            self.access_key_id,
            self.secret_access_key,
            self.session_token,
            self.expiration_ms,
            now_ms,
        )
    }

    /// Reads `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }`. Field checks beyond the
    /// types (empty values, characters, expiry in the past) are the core's.
    pub fn from_js(value: &JsValue) -> Result<CredentialFields> {
        if !value.is_object() {
            return Err(wrong_type(
                "credentials",
                "an object with accessKeyId and secretAccessKey",
                value,
            ));
        }
        Ok(CredentialFields {
            access_key_id: required_string(value, "accessKeyId")?,
            secret_access_key: required_string(value, "secretAccessKey")?,
            session_token: optional_string(value, "sessionToken")?,
            expiration_ms: expiration_ms(&get(value, "expiration"))?,
        })
    }
}

/// The default Cognito Identity endpoint for a pool id (`{region}:{uuid}`).
pub fn default_cognito_endpoint(identity_pool_id: &str) -> Result<String> {
    let (region, has_colon) = match split_once_ascii(identity_pool_id, b':') {
        Some((region, _)) => (region, true),
        None => (identity_pool_id, false),
    };
    let valid = has_colon
        && !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(invalid(text!(
            "credentials.cognitoIdentityPoolId must look like \"us-east-1:<uuid>\", got {}",
            quoted(identity_pool_id)
        )));
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Ok(text!("https://cognito-identity.{}.{}/", region, suffix))
}

fn parse_logins(value: &JsValue) -> Result<crate::core::cognito::Logins> {
    let mut logins = crate::core::cognito::Logins::new();
    if value.is_undefined() {
        return Ok(logins);
    }
    if !value.is_object() {
        return Err(wrong_type(
            "credentials.logins",
            "an object of provider name to token",
            value,
        ));
    }
    let mut index = 0;
    while let Some(provider) = super::dynamic::key_at(value, index) {
        index += 1;
        let Some(token) = get(value, &provider).as_string() else {
            return Err(invalid(text!(
                "credentials.logins[{}] must be a string token",
                quoted(&provider)
            )));
        };
        crate::core::cognito::insert_login(&mut logins, provider, token);
    }
    Ok(logins)
}

impl CredentialSource {
    /// Classifies the `credentials` option: a function, a Cognito pool (has `cognitoIdentityPoolId`)
    /// or a static object.
    pub fn from_js(value: &JsValue) -> Result<CredentialSource> {
        if value.is_function() {
            return Ok(CredentialSource::Provider(value.clone().unchecked_into()));
        }
        let pool = get(value, "cognitoIdentityPoolId");
        if value.is_object() && !pool.is_undefined() {
            let identity_pool_id = required_string(value, "cognitoIdentityPoolId")?;
            let default_endpoint = default_cognito_endpoint(&identity_pool_id)?;
            let endpoint = optional_string(value, "cognitoEndpoint")?.unwrap_or(default_endpoint);
            return Ok(CredentialSource::Cognito(CognitoPool {
                identity_pool_id,
                endpoint,
                logins: parse_logins(&get(value, "logins"))?,
            }));
        }
        CredentialFields::from_js(value).map(CredentialSource::Static)
    }
}

/// Calls a provider function and hands `done` what it returned or its promise resolved to (after
/// `Promise.allSettled`, in a later microtask, unless it threw). A throw or rejection is
/// `CredentialsError`; a malformed result is `InvalidCredentials`.
pub fn call_provider(provider: &Function, done: Box<dyn FnOnce(Result<CredentialFields>)>) {
    let returned = match provider.apply(&JsValue::UNDEFINED, &Array::new()) {
        Ok(returned) => returned,
        Err(thrown) => {
            return done(Err(from_js_value(
                ErrorCode::CredentialsError,
                "the credentials function threw",
                &thrown,
            )))
        }
    };
    let on_settled: Box<dyn FnOnce(JsValue)> = Box::new(move |settled| {
        let outcome = get(&settled, "0");
        done(
            if get(&outcome, "status").as_string().as_deref() == Some("rejected") {
                Err(from_js_value(
                    ErrorCode::CredentialsError,
                    "the credentials function rejected",
                    &get(&outcome, "reason"),
                ))
            } else {
                CredentialFields::from_js(&get(&outcome, "value"))
            },
        );
    });
    // `Promise.allSettled([returned])` called by name: no binding of its own.
    let settled = super::dynamic::call(
        &get(&super::dynamic::global_object(), "Promise"),
        "allSettled",
        &[&super::dynamic::js_array(&[&returned])],
    )
    .unwrap_or_default();
    transport::then(settled.unchecked_ref(), &Closure::once_into_js(on_settled));
}

/// What [`cognito_refresh`] hands back: the flow (with the identity id it learned) and the result.
pub type CognitoDone = Box<dyn FnOnce(CognitoFlow, Result<Credentials>)>;

/// One refresh through Cognito Identity: the flow's calls (`GetId` when no identity is kept, then
/// `GetCredentialsForIdentity`), each an unsigned POST to `endpoint` over the global `fetch`; `done`
/// gets the outcome in a later microtask.
pub fn cognito_refresh(flow: CognitoFlow, endpoint: String, timeout_ms: u32, done: CognitoDone) {
    cognito_call(flow, endpoint, timeout_ms, MAX_COGNITO_CALLS, done);
}

fn cognito_call(
    mut flow: CognitoFlow,
    endpoint: String,
    timeout_ms: u32,
    calls_left: usize,
    done: CognitoDone,
) {
    if calls_left == 0 {
        return done(
            flow,
            Err(Error::new(
                ErrorCode::CredentialsError,
                text!(
                    "Cognito gave no credentials within {} calls",
                    MAX_COGNITO_CALLS
                ),
            )),
        );
    }
    let request = match flow.next_request() {
        Ok(request) => request,
        Err(error) => return done(flow, Err(error)),
    };
    let reply = transport::post(
        &endpoint,
        &transport::headers_to_js(&request.headers()),
        &Uint8Array::from(request.body.as_bytes()),
        timeout_ms,
        false,
    );
    let target = request.target;
    let on_reply: Box<dyn FnOnce(JsValue)> = Box::new(move |outcome| {
        let step = transport::reply_from_js(&outcome)
            .map_err(|error| {
                Error::new(
                    ErrorCode::CredentialsError,
                    text!(
                        "Cognito {} could not be sent ({}): {}",
                        target,
                        error.kind.as_str(),
                        error.message
                    ),
                )
            })
            .and_then(|reply| flow.on_response(reply.status, &reply.body, now_ms()));
        match step {
            Ok(CognitoStep::Continue) => {
                cognito_call(flow, endpoint, timeout_ms, calls_left - 1, done)
            }
            Ok(CognitoStep::Credentials(credentials)) => done(flow, Ok(credentials)),
            Err(error) => done(flow, Err(error)),
        }
    });
    transport::then(&reply, &Closure::once_into_js(on_reply));
}
