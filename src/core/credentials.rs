//! AWS credentials as the signer uses them: validated at creation, redacted when printed.

use crate::core::text::text;
use std::fmt;

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::http_date::format_iso8601;
use crate::core::text::char_count;

/// Prefix of long-term IAM user access key ids (temporary STS/Cognito ones start with `ASIA`).
const LONG_TERM_KEY_PREFIX: &str = "AKIA";
const REDACTED: &str = "** redacted **";

/// An access key id, secret access key, optional session token and optional expiry.
///
/// Built only through [`Credentials::new`], so every value holds non-empty, header-safe fields
/// and was not expired when created. `Debug` and `Display` never show the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expires_at_ms: Option<u64>,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidCredentials, message)
}

impl Credentials {
    /// Validated credentials. Field names in errors are the JavaScript option names.
    ///
    /// - `accessKeyId`: non-empty, ASCII letters, digits and `_` only (it appears in the
    ///   `Authorization` header's `Credential=` part).
    /// - `secretAccessKey`: non-empty.
    /// - `sessionToken`: when present, non-empty visible ASCII (it is sent as a header value).
    /// - `expiration` (ms since the epoch): when present, after `now_ms`.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at_ms: Option<u64>,
        now_ms: u64,
    ) -> Result<Self> {
        Self::from_strings(
            access_key_id.into(),
            secret_access_key.into(),
            session_token,
            expires_at_ms,
            now_ms,
        )
    }

    /// [`Credentials::new`] after the conversions: one copy of the checks for every argument type.
    fn from_strings(
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        expires_at_ms: Option<u64>,
        now_ms: u64,
    ) -> Result<Self> {
        if access_key_id.is_empty() {
            return Err(invalid("accessKeyId is missing or empty".into()));
        }
        let mut key_ok = true;
        for &byte in access_key_id.as_bytes() {
            key_ok &= byte.is_ascii_alphanumeric() || byte == b'_';
        }
        if !key_ok {
            return Err(invalid(text!(
                "accessKeyId may hold only ASCII letters, digits and '_' ({} characters given)",
                char_count(&access_key_id)
            )));
        }
        if secret_access_key.is_empty() {
            return Err(invalid("secretAccessKey is missing or empty".into()));
        }
        if let Some(token) = &session_token {
            if token.is_empty() {
                return Err(invalid(
                    "sessionToken is empty; omit it for credentials without a session token".into(),
                ));
            }
            let mut token_ok = true;
            for byte in token.as_bytes() {
                token_ok &= byte.is_ascii_graphic();
            }
            if !token_ok {
                return Err(invalid(text!(
                    "sessionToken may hold only visible ASCII characters ({} characters given)",
                    char_count(token)
                )));
            }
        }
        if let Some(expiry) = expires_at_ms {
            if expiry <= now_ms {
                return Err(invalid(text!("expiration {} is not after the current time {}: the credentials have already expired", format_iso8601(expiry), format_iso8601(now_ms))));
            }
        }
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token,
            expires_at_ms,
        })
    }

    /// The access key id (not secret; it names the key in `Authorization`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Used only to derive signing keys; never print it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When the credentials stop working, in ms since the epoch; `None` for no known expiry.
    pub fn expires_at_ms(&self) -> Option<u64> {
        self.expires_at_ms
    }

    /// True for long-term IAM user keys (`AKIA…`), which should never ship to a browser.
    pub fn is_long_term(&self) -> bool {
        self.access_key_id.starts_with(LONG_TERM_KEY_PREFIX)
    }

    /// True once `now_ms` has reached the expiry.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_some_and(|expiry| now_ms >= expiry)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expires_at", &self.expires_at_ms.map(format_iso8601))
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "credentials {}", self.access_key_id)?;
        if self.session_token.is_some() {
            f.write_str(" with session token")?;
        }
        match self.expires_at_ms {
            Some(expiry) => write!(f, ", expiring {}", format_iso8601(expiry)),
            None => f.write_str(", no expiry"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_700_677_000;
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRET";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEtokenTOKEN==";

    fn temporary() -> Credentials {
        Credentials::new(
            "ASIAEXAMPLE123",
            SECRET,
            Some(TOKEN.into()),
            Some(NOW + 3_600_000),
            NOW,
        )
        .unwrap()
    }

    #[test]
    fn debug_and_display_never_show_secret_or_token() {
        let creds = temporary();
        for text in [
            format!("{creds:?}"),
            format!("{creds:#?}"),
            creds.to_string(),
        ] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(TOKEN), "{text}");
            assert!(!text.contains("SECRET"), "{text}");
            assert!(text.contains("ASIAEXAMPLE123"), "{text}");
        }
        assert!(format!("{creds:?}").contains("2026-11-26T14:44:37.000Z"));
    }

    #[test]
    fn accessors_return_what_was_given() {
        let creds = temporary();
        assert_eq!(creds.access_key_id(), "ASIAEXAMPLE123");
        assert_eq!(creds.secret_access_key(), SECRET);
        assert_eq!(creds.session_token(), Some(TOKEN));
        assert_eq!(creds.expires_at_ms(), Some(NOW + 3_600_000));
        assert!(!creds.is_long_term());
        assert!(!creds.is_expired(NOW + 3_599_999));
        assert!(creds.is_expired(NOW + 3_600_000));
    }

    #[test]
    fn akia_keys_are_long_term() {
        let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None, None, NOW).unwrap();
        assert!(creds.is_long_term());
        assert!(!creds.is_expired(u64::MAX));
    }

    #[test]
    fn invalid_fields_name_the_field() {
        let cases: [(Result<Credentials>, &str); 7] = [
            (Credentials::new("", SECRET, None, None, NOW), "accessKeyId"),
            (
                Credentials::new("ASIA KEY", SECRET, None, None, NOW),
                "accessKeyId",
            ),
            (
                Credentials::new("ASIA/KEY", SECRET, None, None, NOW),
                "accessKeyId",
            ),
            (
                Credentials::new("ASIAKEY", "", None, None, NOW),
                "secretAccessKey",
            ),
            (
                Credentials::new("ASIAKEY", SECRET, Some(String::new()), None, NOW),
                "sessionToken",
            ),
            (
                Credentials::new("ASIAKEY", SECRET, Some("tok\nen".into()), None, NOW),
                "sessionToken",
            ),
            (
                Credentials::new("ASIAKEY", SECRET, Some(TOKEN.into()), Some(NOW), NOW),
                "expiration",
            ),
        ];
        for (result, field) in cases {
            let error = result.unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidCredentials);
            assert!(error.message().contains(field), "{error}");
            assert!(!error.message().contains(SECRET), "{error}");
        }
    }

    #[test]
    fn expiry_one_ms_after_now_is_accepted() {
        let creds = Credentials::new("ASIAKEY", SECRET, None, Some(NOW + 1), NOW).unwrap();
        assert!(!creds.is_expired(NOW));
    }
}
