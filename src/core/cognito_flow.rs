//! One credential refresh through a Cognito identity pool, as a sans-IO sequence of calls.
//!
//! The caller asks [`CognitoFlow::next_request`] what to send, sends it to the Cognito endpoint,
//! and feeds the answer to [`CognitoFlow::on_response`] until it yields credentials or an error.
//! The identity id is kept between refreshes (and can be persisted through
//! [`CognitoFlow::identity_id`] and restored at creation), so a refresh is normally one
//! `GetCredentialsForIdentity` call; `GetId` runs when no identity is known, and again once when a
//! kept identity turns out to be deleted (`ResourceNotFoundException`).

use crate::core::cognito::{
    get_credentials_request, get_id_request, parse_get_credentials_response, parse_get_id_response,
    CognitoFailure, CognitoRequest, Logins,
};
use crate::core::credentials::Credentials;
use crate::core::error::{Error, ErrorCode, Result};

/// What [`CognitoFlow::on_response`] concluded.
#[derive(Debug, PartialEq, Eq)]
pub enum CognitoStep {
    /// Send [`CognitoFlow::next_request`] next (an identity id was obtained or dropped).
    Continue,
    /// The refresh is done.
    Credentials(Credentials),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    GetId,
    GetCredentials { identity_is_fresh: bool },
}

/// The state of Cognito refreshes for one identity pool. See the module docs.
#[derive(Clone, Debug)]
pub struct CognitoFlow {
    identity_pool_id: String,
    logins: Logins,
    identity_id: Option<String>,
    identity_is_fresh: bool,
    pending: Option<Call>,
}

impl CognitoFlow {
    /// A flow for `identity_pool_id` (checked here), with `logins` for authenticated identities and
    /// an identity id kept from earlier, if any.
    pub fn new(
        identity_pool_id: &str,
        logins: Logins,
        kept_identity_id: Option<String>,
    ) -> Result<Self> {
        get_id_request(identity_pool_id, &logins)?;
        Ok(CognitoFlow {
            identity_pool_id: identity_pool_id.to_owned(),
            logins,
            identity_id: kept_identity_id,
            identity_is_fresh: false,
            pending: None,
        })
    }

    /// The identity id in use, for persisting between page views.
    pub fn identity_id(&self) -> Option<&str> {
        self.identity_id.as_deref()
    }

    /// The call to make now: `GetId` without an identity, else `GetCredentialsForIdentity`.
    pub fn next_request(&mut self) -> Result<CognitoRequest> {
        match &self.identity_id {
            None => {
                self.pending = Some(Call::GetId);
                get_id_request(&self.identity_pool_id, &self.logins)
            }
            Some(identity_id) => {
                let request = get_credentials_request(identity_id, &self.logins);
                if request.is_err() {
                    // A kept id that is malformed is useless: start over with GetId.
                    self.identity_id = None;
                    return self.next_request();
                }
                self.pending = Some(Call::GetCredentials {
                    identity_is_fresh: self.identity_is_fresh,
                });
                request
            }
        }
    }

    /// Feeds the answer (HTTP status and body) to the last request, received at `now_ms`. Errors:
    /// the Cognito error as a `CredentialsError` naming the AWS error, or a `ProtocolError` for a
    /// malformed answer; the flow stays usable for the next refresh.
    pub fn on_response(&mut self, status: u16, body: &str, now_ms: u64) -> Result<CognitoStep> {
        let call = self.pending.take().ok_or_else(|| {
            Error::new(
                ErrorCode::ProtocolError,
                "Cognito response received with no request pending",
            )
        })?;
        if !(200..300).contains(&status) {
            let failure = CognitoFailure::from_response(status, body);
            let operation = match call {
                Call::GetId => "GetId",
                Call::GetCredentials { identity_is_fresh } => {
                    if failure.invalidates_identity() && !identity_is_fresh {
                        self.identity_id = None;
                        return Ok(CognitoStep::Continue);
                    }
                    "GetCredentialsForIdentity"
                }
            };
            return Err(failure.to_error(operation));
        }
        match call {
            Call::GetId => {
                self.identity_id = Some(parse_get_id_response(body)?);
                self.identity_is_fresh = true;
                Ok(CognitoStep::Continue)
            }
            Call::GetCredentials { .. } => {
                let parsed = parse_get_credentials_response(body, now_ms)?;
                self.identity_id = Some(parsed.identity_id);
                self.identity_is_fresh = false;
                Ok(CognitoStep::Credentials(parsed.credentials))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cognito::{GET_CREDENTIALS_FOR_IDENTITY_TARGET, GET_ID_TARGET};

    const NOW: u64 = 1_795_700_677_000;
    const POOL: &str = "us-east-1:4f1c2a77-9e0e-4a53-b7a4-6c1a1f0d2c11";
    const IDENTITY: &str = "us-east-1:0b7c4a8e-1111-4222-8333-944455556666";
    const OTHER: &str = "us-east-1:0b7c4a8e-9999-4222-8333-944455556666";

    fn credentials_body(identity: &str) -> String {
        format!(
            r#"{{"IdentityId":"{identity}","Credentials":{{"AccessKeyId":"ASIAQ","SecretKey":"s",
            "SessionToken":"t","Expiration":1795704277}}}}"#
        )
    }

    const NOT_FOUND: &str =
        r#"{"__type":"ResourceNotFoundException","message":"Identity not found"}"#;

    #[test]
    fn without_identity_gets_one_then_credentials() {
        let mut flow = CognitoFlow::new(POOL, Logins::new(), None).unwrap();
        assert_eq!(flow.next_request().unwrap().target, GET_ID_TARGET);
        let step = flow
            .on_response(200, &format!(r#"{{"IdentityId":"{IDENTITY}"}}"#), NOW)
            .unwrap();
        assert_eq!(step, CognitoStep::Continue);
        assert_eq!(flow.identity_id(), Some(IDENTITY));
        let request = flow.next_request().unwrap();
        assert_eq!(request.target, GET_CREDENTIALS_FOR_IDENTITY_TARGET);
        assert!(request.body.contains(IDENTITY));
        match flow
            .on_response(200, &credentials_body(IDENTITY), NOW)
            .unwrap()
        {
            CognitoStep::Credentials(c) => assert_eq!(c.access_key_id(), "ASIAQ"),
            other => panic!("{other:?}"),
        }
        // The next refresh goes straight to GetCredentialsForIdentity.
        assert_eq!(
            flow.next_request().unwrap().target,
            GET_CREDENTIALS_FOR_IDENTITY_TARGET
        );
    }

    #[test]
    fn a_deleted_kept_identity_is_replaced_once() {
        let mut flow = CognitoFlow::new(POOL, Logins::new(), Some(IDENTITY.into())).unwrap();
        assert_eq!(
            flow.next_request().unwrap().target,
            GET_CREDENTIALS_FOR_IDENTITY_TARGET
        );
        assert_eq!(
            flow.on_response(400, NOT_FOUND, NOW).unwrap(),
            CognitoStep::Continue
        );
        assert_eq!(flow.identity_id(), None);
        assert_eq!(flow.next_request().unwrap().target, GET_ID_TARGET);
        flow.on_response(200, &format!(r#"{{"IdentityId":"{OTHER}"}}"#), NOW)
            .unwrap();
        flow.next_request().unwrap();
        // The fresh identity is not found either: an error, not a loop.
        let error = flow.on_response(400, NOT_FOUND, NOW).unwrap_err();
        assert_eq!(error.code(), ErrorCode::CredentialsError);
        assert!(
            error.message().contains("ResourceNotFoundException"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_operation_and_keep_the_flow_usable() {
        let mut flow = CognitoFlow::new(POOL, Logins::new(), None).unwrap();
        flow.next_request().unwrap();
        let error = flow
            .on_response(
                400,
                r#"{"__type":"NotAuthorizedException","message":"Unauthenticated access is not supported"}"#,
                NOW,
            )
            .unwrap_err();
        assert!(error
            .message()
            .starts_with("Cognito GetId failed with HTTP 400: NotAuthorizedException"));
        assert_eq!(flow.next_request().unwrap().target, GET_ID_TARGET);
        assert!(flow.on_response(200, "{}", NOW).is_err());
        assert!(flow
            .on_response(200, "{}", NOW)
            .unwrap_err()
            .message()
            .contains("no request pending"));
    }

    #[test]
    fn merged_identity_id_from_credentials_is_kept() {
        let mut flow = CognitoFlow::new(POOL, Logins::new(), Some(IDENTITY.into())).unwrap();
        flow.next_request().unwrap();
        flow.on_response(200, &credentials_body(OTHER), NOW)
            .unwrap();
        assert_eq!(flow.identity_id(), Some(OTHER));
    }

    #[test]
    fn malformed_kept_identity_falls_back_to_get_id() {
        let mut flow = CognitoFlow::new(POOL, Logins::new(), Some("garbage".into())).unwrap();
        assert_eq!(flow.next_request().unwrap().target, GET_ID_TARGET);
        assert!(CognitoFlow::new("bad", Logins::new(), None).is_err());
    }
}
