//! The client registration cache the AWS CLI v2 and ssokit share (SPEC §19.3): one file per
//! start URL, region, scopes and session, holding the OIDC client a login registered, so
//! both tools register once.

use std::fmt;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

use crate::cli_key::{KeyValue, cli_json_in_order, registration_file_name};
use crate::file::{TokenCacheFile, WriteError};
use crate::time::{format_time, parse_time};

/// A registration is reused only while its secret stays valid this long (the CLI's window:
/// the token must stay refreshable).
pub const REGISTRATION_WINDOW: SignedDuration = SignedDuration::from_secs(900);

/// The grant type a PKCE registration holds and a device-code registration does not.
const AUTHORIZATION_CODE: &str = "authorization_code";

/// An OIDC client registration: `clientId`, `clientSecret`, `expiresAt`, and the `scopes`
/// and `grantTypes` it was registered with. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    client_id: String,
    client_secret: String,
    expires_at: Timestamp,
    scopes: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"** redacted **")
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .finish()
    }
}

/// Why a registration file cannot be reused (`<detail>` of the warning
/// `ignoring the client registration <path> (<detail>)`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationProblem {
    /// Not a JSON object.
    #[error("not a JSON object")]
    NotObject,
    /// `clientId`, `clientSecret` or `expiresAt` is absent, not a string, or empty.
    #[error("{0} is missing or empty")]
    Missing(&'static str),
    /// `expiresAt` is not a time.
    #[error("expiresAt \"{0}\" is not a valid time")]
    InvalidExpiresAt(String),
    /// The secret expires within the reuse window.
    #[error("its client secret expires at {}", format_time(*.0))]
    Expiring(Timestamp),
    /// Registered for the other flow.
    #[error("registered for the {0} flow")]
    OtherFlow(&'static str),
}

impl ClientRegistration {
    /// A registration as `RegisterClient` answered it, with the scopes (configured, or
    /// the PKCE default) and grant types it asked for (`None` for device code).
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        expires_at: Timestamp,
        scopes: Option<Vec<String>>,
        grant_types: Option<Vec<String>>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            expires_at,
            scopes,
            grant_types,
        }
    }

    /// Reads a registration file's bytes: a JSON object with non-empty string `clientId`,
    /// `clientSecret` and an `expiresAt` time; `scopes` and `grantTypes` when they are lists
    /// of strings.
    pub fn parse(bytes: &[u8]) -> Result<Self, RegistrationProblem> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|_| RegistrationProblem::NotObject)?;
        let object = value.as_object().ok_or(RegistrationProblem::NotObject)?;
        let text = |key: &'static str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .ok_or(RegistrationProblem::Missing(key))
        };
        let expires = text("expiresAt")?;
        Ok(Self {
            client_id: text("clientId")?.to_owned(),
            client_secret: text("clientSecret")?.to_owned(),
            expires_at: parse_time(expires)
                .ok_or_else(|| RegistrationProblem::InvalidExpiresAt(expires.to_owned()))?,
            scopes: strings(object, "scopes"),
            grant_types: strings(object, "grantTypes"),
        })
    }

    /// Whether a login of this kind (`pkce`: authorization code; else device code) may
    /// reuse it at `now`.
    pub fn reusable(&self, now: Timestamp, pkce: bool) -> Result<(), RegistrationProblem> {
        let window_end = now
            .checked_add(REGISTRATION_WINDOW)
            .unwrap_or(Timestamp::MAX);
        if self.expires_at < window_end {
            return Err(RegistrationProblem::Expiring(self.expires_at));
        }
        let for_pkce = self
            .grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|t| t == AUTHORIZATION_CODE));
        match (pkce, for_pkce) {
            (true, false) => Err(RegistrationProblem::OtherFlow("device code")),
            (false, true) => Err(RegistrationProblem::OtherFlow("authorization code")),
            _ => Ok(()),
        }
    }

    /// The file's text as the AWS CLI writes it: `clientId`, `clientSecret`, `expiresAt`,
    /// then `scopes` and `grantTypes` when present, Python's `json.dumps` layout.
    pub fn render(&self) -> String {
        let expires = format_time(self.expires_at);
        let mut members = vec![
            ("clientId", KeyValue::Str(&self.client_id)),
            ("clientSecret", KeyValue::Str(&self.client_secret)),
            ("expiresAt", KeyValue::Str(&expires)),
        ];
        if let Some(scopes) = &self.scopes {
            members.push(("scopes", string_list(scopes)));
        }
        if let Some(grants) = &self.grant_types {
            members.push(("grantTypes", string_list(grants)));
        }
        cli_json_in_order(&members)
    }

    /// `clientId`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `clientSecret`.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// `expiresAt`.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// `scopes`, when it holds some.
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// `grantTypes`, when it holds some.
    pub fn grant_types(&self) -> Option<&[String]> {
        self.grant_types.as_deref()
    }
}

fn string_list(values: &[String]) -> KeyValue<'_> {
    KeyValue::List(values.iter().map(String::as_str).collect())
}

fn strings(object: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    object
        .get(key)?
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The registration cache file of a target below `cache_dir` (SPEC §19.3's name).
pub fn registration_file(
    cache_dir: &Path,
    start_url: &str,
    region: &str,
    scopes: Option<&[&str]>,
    session_name: Option<&str>,
) -> TokenCacheFile {
    TokenCacheFile::at_path(cache_dir.join(registration_file_name(
        start_url,
        region,
        scopes,
        session_name,
    )))
}

/// Writes `registration` to `file` atomically (0600), replacing what it holds.
pub fn write_registration(
    file: &TokenCacheFile,
    registration: &ClientRegistration,
) -> Result<(), WriteError> {
    file.replace(registration.render().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn pkce() -> ClientRegistration {
        ClientRegistration::new(
            "client-1",
            "csecret-1",
            ts("2026-05-30T12:00:00Z"),
            Some(vec!["sso:account:access".to_owned()]),
            Some(vec![
                "authorization_code".to_owned(),
                "refresh_token".to_owned(),
            ]),
        )
    }

    #[test]
    fn renders_as_the_cli_writes_it_and_reads_back() {
        let text = pkce().render();
        assert_eq!(
            text,
            r#"{"clientId": "client-1", "clientSecret": "csecret-1", "expiresAt": "2026-05-30T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#
        );
        assert_eq!(ClientRegistration::parse(text.as_bytes()), Ok(pkce()));
        let device = ClientRegistration::new("c", "s", ts("2026-05-30T12:00:00Z"), None, None);
        assert_eq!(
            device.render(),
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2026-05-30T12:00:00Z"}"#
        );
        assert!(!format!("{:?}", pkce()).contains("csecret-1"));
    }

    #[test]
    fn reuse_needs_900_seconds_and_the_right_flow() {
        let registration = pkce();
        assert_eq!(
            registration.reusable(ts("2026-05-30T11:45:00Z"), true),
            Ok(())
        );
        assert_eq!(
            registration
                .reusable(ts("2026-05-30T11:45:01Z"), true)
                .map_err(|e| e.to_string()),
            Err("its client secret expires at 2026-05-30T12:00:00Z".to_owned())
        );
        assert_eq!(
            registration.reusable(ts("2026-03-01T12:00:00Z"), false),
            Err(RegistrationProblem::OtherFlow("authorization code"))
        );
        let device = ClientRegistration::new("c", "s", ts("2026-05-30T12:00:00Z"), None, None);
        assert_eq!(device.reusable(ts("2026-03-01T12:00:00Z"), false), Ok(()));
        assert_eq!(
            device.reusable(ts("2026-03-01T12:00:00Z"), true),
            Err(RegistrationProblem::OtherFlow("device code"))
        );
    }

    #[test]
    fn files_that_cannot_be_reused_say_why() {
        for (text, detail) in [
            ("[]", "not a JSON object"),
            ("{", "not a JSON object"),
            (
                r#"{"clientSecret": "s", "expiresAt": "2026-05-30T12:00:00Z"}"#,
                "clientId is missing or empty",
            ),
            (
                r#"{"clientId": "c", "clientSecret": "", "expiresAt": "2026-05-30T12:00:00Z"}"#,
                "clientSecret is missing or empty",
            ),
            (
                r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "soon"}"#,
                "expiresAt \"soon\" is not a valid time",
            ),
        ] {
            let problem = ClientRegistration::parse(text.as_bytes()).unwrap_err();
            assert_eq!(problem.to_string(), detail, "{text}");
        }
    }
}
