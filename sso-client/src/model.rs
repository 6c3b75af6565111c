//! Inputs and outputs of the two operations. `Debug` never shows a token, key or secret.

use std::fmt;
use std::time::{Duration, SystemTime};

const REDACTED: &str = "** redacted **";

/// Input of `GetRoleCredentials`: the account, the role and the SSO access token.
#[derive(Clone, PartialEq, Eq)]
pub struct GetRoleCredentialsRequest {
    pub(crate) account_id: String,
    pub(crate) role_name: String,
    pub(crate) access_token: String,
}

impl GetRoleCredentialsRequest {
    /// Credentials for `role_name` in `account_id`, authorised by `access_token` (the
    /// `accessToken` of the SSO token cache).
    pub fn new(
        account_id: impl Into<String>,
        role_name: impl Into<String>,
        access_token: impl Into<String>,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            role_name: role_name.into(),
            access_token: access_token.into(),
        }
    }

    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The role name.
    pub fn role_name(&self) -> &str {
        &self.role_name
    }
}

impl fmt::Debug for GetRoleCredentialsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetRoleCredentialsRequest")
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .field("access_token", &REDACTED)
            .finish()
    }
}

/// The temporary credentials `GetRoleCredentials` returned, validated (SPEC §4.2).
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) expiration_millis: u64,
    pub(crate) expiration: SystemTime,
}

impl RoleCredentials {
    /// `accessKeyId`, as received.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `secretAccessKey`, as received.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// `sessionToken`, as received.
    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// `expiration` in milliseconds since the Unix epoch (> 0).
    pub fn expiration_millis(&self) -> u64 {
        self.expiration_millis
    }

    /// `expiration` as a point in time.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("access_key_id", &REDACTED)
            .field("secret_access_key", &REDACTED)
            .field("session_token", &REDACTED)
            .field("expiration_millis", &self.expiration_millis)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Input of `CreateToken` with `grant_type=refresh_token` (SPEC §4.3).
#[derive(Clone, PartialEq, Eq)]
pub struct CreateTokenRequest {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) refresh_token: String,
}

impl CreateTokenRequest {
    /// A refresh-token grant for the registered client `client_id` / `client_secret`.
    pub fn refresh(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
        }
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
}

impl fmt::Debug for CreateTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenRequest")
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .field("refresh_token", &REDACTED)
            .finish()
    }
}

/// A validated `CreateToken` answer: a new access token, its lifetime and maybe a new
/// refresh token.
#[derive(Clone, PartialEq, Eq)]
pub struct CreateTokenResponse {
    pub(crate) access_token: String,
    pub(crate) expires_in: Duration,
    pub(crate) refresh_token: Option<String>,
}

impl CreateTokenResponse {
    /// `accessToken` (non-empty).
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `expiresIn` (> 0 seconds).
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// `refreshToken` when the response has a non-empty one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }
}

impl fmt::Debug for CreateTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenResponse")
            .field("access_token", &REDACTED)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}
