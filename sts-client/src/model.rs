//! The requests and the answer of the two operations (SPEC §14.1, §14.2). Secrets (keys,
//! tokens, MFA codes, web identity tokens) never appear in `Debug`.

use std::fmt;

use jiff::Timestamp;

const REDACTED: &str = "** redacted **";

/// An MFA device and the code it shows (`SerialNumber`, `TokenCode`).
#[derive(Clone, PartialEq, Eq)]
pub struct Mfa {
    pub(crate) serial: String,
    pub(crate) code: String,
}

impl Mfa {
    /// The device `serial` (the profile's `mfa_serial`) and its current `code`.
    pub fn new(serial: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            serial: serial.into(),
            code: code.into(),
        }
    }
}

impl fmt::Debug for Mfa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mfa")
            .field("serial", &self.serial)
            .field("code", &REDACTED)
            .finish()
    }
}

/// An `AssumeRole` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    pub(crate) role_arn: String,
    pub(crate) role_session_name: String,
    pub(crate) duration_seconds: u32,
    pub(crate) external_id: Option<String>,
    pub(crate) mfa: Option<Mfa>,
}

impl AssumeRoleRequest {
    /// Assume `role_arn` as `role_session_name`, for the default 3600 s.
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            duration_seconds: 3600,
            external_id: None,
            mfa: None,
        }
    }

    /// `DurationSeconds` (default 3600).
    #[must_use]
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// `ExternalId`.
    #[must_use]
    pub fn external_id(mut self, id: Option<String>) -> Self {
        self.external_id = id;
        self
    }

    /// `SerialNumber` and `TokenCode`.
    #[must_use]
    pub fn mfa(mut self, mfa: Option<Mfa>) -> Self {
        self.mfa = mfa;
        self
    }
}

/// An `AssumeRoleWithWebIdentity` request.
#[derive(Clone, PartialEq, Eq)]
pub struct WebIdentityRequest {
    pub(crate) role_arn: String,
    pub(crate) role_session_name: String,
    pub(crate) web_identity_token: String,
    pub(crate) duration_seconds: Option<u32>,
}

impl WebIdentityRequest {
    /// Assume `role_arn` as `role_session_name` with `web_identity_token` (the token file's
    /// bytes, unmodified).
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: web_identity_token.into(),
            duration_seconds: None,
        }
    }

    /// `DurationSeconds` (sent only when set).
    #[must_use]
    pub fn duration_seconds(mut self, seconds: Option<u32>) -> Self {
        self.duration_seconds = seconds;
        self
    }
}

impl fmt::Debug for WebIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityRequest")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &REDACTED)
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

/// Temporary credentials from STS, with the assumed role's ARN and account.
#[derive(Clone, PartialEq, Eq)]
pub struct StsCredentials {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) expiration: Timestamp,
    pub(crate) assumed_role_arn: Option<String>,
    pub(crate) assumed_role_id: Option<String>,
}

impl StsCredentials {
    /// `AccessKeyId`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `SecretAccessKey`.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// `SessionToken`.
    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// `Expiration`.
    pub fn expiration(&self) -> Timestamp {
        self.expiration
    }

    /// `AssumedRoleUser/Arn`, if STS sent it.
    pub fn assumed_role_arn(&self) -> Option<&str> {
        self.assumed_role_arn.as_deref()
    }

    /// `AssumedRoleUser/AssumedRoleId`, if STS sent it.
    pub fn assumed_role_id(&self) -> Option<&str> {
        self.assumed_role_id.as_deref()
    }

    /// The account of the assumed role: field 5 of its ARN when that is 12 digits.
    pub fn account_id(&self) -> Option<&str> {
        let field = self.assumed_role_arn.as_deref()?.split(':').nth(4)?;
        (field.len() == 12 && field.bytes().all(|b| b.is_ascii_digit())).then_some(field)
    }
}

impl fmt::Debug for StsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field("session_token", &REDACTED)
            .field("expiration", &self.expiration)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .field("assumed_role_id", &self.assumed_role_id)
            .finish()
    }
}
