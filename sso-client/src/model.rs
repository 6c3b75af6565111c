//! Inputs and outputs of the operations. `Debug` never shows a token, key, client secret,
//! authorization or device code, or code verifier.

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

/// The scope a client registers for when none is configured (SPEC §19.3), and the
/// authorization request's default `scopes`.
pub const DEFAULT_SCOPE: &str = "sso:account:access";

/// The redirect URI an authorization-code client registers: portless, as the AWS CLI
/// registers it (RFC 8252 §7.3: the server accepts any port of a loopback redirect), so both
/// tools can share one registration (SPEC §19.3).
pub const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// The `grantType` of the device code's token exchange (RFC 8628).
pub const DEVICE_CODE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The grant types an authorization-code client registers for, in the spec's order.
const AUTHORIZATION_CODE_GRANT_TYPES: [&str; 2] = ["authorization_code", "refresh_token"];

/// Input of `CreateToken`: the registered client and one grant (SPEC §4.3, §19.6, §19.7).
#[derive(Clone, PartialEq, Eq)]
pub struct CreateTokenRequest {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) grant: Grant,
}

/// The grant a `CreateToken` request carries.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    /// `refresh_token`.
    RefreshToken(String),
    /// `authorization_code` with PKCE.
    AuthorizationCode {
        code: String,
        code_verifier: String,
        redirect_uri: String,
    },
    /// The device code's.
    DeviceCode(String),
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
            grant: Grant::RefreshToken(refresh_token.into()),
        }
    }

    /// An `authorization_code` grant (SPEC §19.6 step 7): the `code` the callback received,
    /// the PKCE `code_verifier` whose challenge the authorization request carried, and the
    /// `redirect_uri` of that request, port included
    /// (`http://127.0.0.1:<port>/oauth/callback`).
    pub fn authorization_code(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        code: impl Into<String>,
        code_verifier: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            grant: Grant::AuthorizationCode {
                code: code.into(),
                code_verifier: code_verifier.into(),
                redirect_uri: redirect_uri.into(),
            },
        }
    }

    /// The device code's grant (SPEC §19.7 step 3): the `device_code` of
    /// `StartDeviceAuthorization`. Polled: the answer is `AuthorizationPendingException`
    /// or `SlowDownException` until the user approves (see [`Error::service_kind`]).
    ///
    /// [`Error::service_kind`]: crate::Error::service_kind
    pub fn device_code(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        device_code: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            grant: Grant::DeviceCode(device_code.into()),
        }
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The grant's `grantType`: `refresh_token`, `authorization_code` or
    /// [`DEVICE_CODE_GRANT_TYPE`].
    pub fn grant_type(&self) -> &'static str {
        match self.grant {
            Grant::RefreshToken(_) => "refresh_token",
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::DeviceCode(_) => DEVICE_CODE_GRANT_TYPE,
        }
    }
}

impl fmt::Debug for CreateTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CreateTokenRequest");
        d.field("client_id", &self.client_id)
            .field("client_secret", &REDACTED);
        match &self.grant {
            Grant::RefreshToken(_) => d.field("refresh_token", &REDACTED),
            Grant::AuthorizationCode { redirect_uri, .. } => d
                .field("grant_type", &self.grant_type())
                .field("code", &REDACTED)
                .field("code_verifier", &REDACTED)
                .field("redirect_uri", redirect_uri),
            Grant::DeviceCode(_) => d
                .field("grant_type", &self.grant_type())
                .field("device_code", &REDACTED),
        };
        d.finish()
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

/// What kind of client `RegisterClient` registers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ClientKind {
    /// For the authorization code grant with PKCE, issued by `issuer_url` (the start URL).
    AuthorizationCode { issuer_url: String },
    /// For the device code grant.
    DeviceCode,
}

/// Input of SSO-OIDC `RegisterClient` (SPEC §19.3): a public client for the authorization
/// code grant with PKCE, or for the device code grant. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterClientRequest {
    pub(crate) client_name: String,
    pub(crate) scopes: Option<Vec<String>>,
    kind: ClientKind,
}

impl RegisterClientRequest {
    /// A client for the authorization code grant with PKCE (grant types
    /// `authorization_code` and `refresh_token`, the redirect URI
    /// [`REGISTERED_REDIRECT_URI`]) of the Identity Center instance whose start URL is
    /// `issuer_url`, for the scope [`DEFAULT_SCOPE`] unless [`with_scopes`] names others.
    ///
    /// [`with_scopes`]: Self::with_scopes
    pub fn authorization_code(
        client_name: impl Into<String>,
        issuer_url: impl Into<String>,
    ) -> Self {
        Self {
            client_name: client_name.into(),
            scopes: Some(vec![DEFAULT_SCOPE.to_owned()]),
            kind: ClientKind::AuthorizationCode {
                issuer_url: issuer_url.into(),
            },
        }
    }

    /// A client for the device code grant; it sends `scopes` only when [`with_scopes`]
    /// names some (as the AWS CLI).
    ///
    /// [`with_scopes`]: Self::with_scopes
    pub fn device_code(client_name: impl Into<String>) -> Self {
        Self {
            client_name: client_name.into(),
            scopes: None,
            kind: ClientKind::DeviceCode,
        }
    }

    /// The configured scopes (`sso_registration_scopes`, already split and trimmed). An
    /// empty list counts as none configured: the default of the client's kind stays.
    #[must_use]
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        if !scopes.is_empty() {
            self.scopes = Some(scopes);
        }
        self
    }

    /// `clientName`.
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// The `scopes` sent: for an authorization-code client the configured ones or
    /// `[DEFAULT_SCOPE]`; for a device-code client the configured ones, or none.
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// The `grantTypes` sent: `["authorization_code", "refresh_token"]` for an
    /// authorization-code client, none (an empty slice) for a device-code client.
    pub fn grant_types(&self) -> &'static [&'static str] {
        match self.kind {
            ClientKind::AuthorizationCode { .. } => &AUTHORIZATION_CODE_GRANT_TYPES,
            ClientKind::DeviceCode => &[],
        }
    }

    /// `issuerUrl`, for an authorization-code client.
    pub fn issuer_url(&self) -> Option<&str> {
        match &self.kind {
            ClientKind::AuthorizationCode { issuer_url } => Some(issuer_url),
            ClientKind::DeviceCode => None,
        }
    }
}

/// A validated `RegisterClient` answer: the client's id and secret, and when the secret
/// expires (SPEC §19.3).
#[derive(Clone, PartialEq, Eq)]
pub struct RegisterClientResponse {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) client_secret_expires_at: u64,
    pub(crate) expires_at: SystemTime,
}

impl RegisterClientResponse {
    /// `clientId` (non-empty; not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `clientSecret` (non-empty).
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// `clientSecretExpiresAt`, in seconds since the Unix epoch (> 0).
    pub fn client_secret_expires_at(&self) -> u64 {
        self.client_secret_expires_at
    }

    /// `clientSecretExpiresAt` as a point in time.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl fmt::Debug for RegisterClientResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterClientResponse")
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .field("client_secret_expires_at", &self.client_secret_expires_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Input of SSO-OIDC `StartDeviceAuthorization` (SPEC §19.7): the registered client and the
/// start URL of the Identity Center instance.
#[derive(Clone, PartialEq, Eq)]
pub struct StartDeviceAuthorizationRequest {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) start_url: String,
}

impl StartDeviceAuthorizationRequest {
    /// A device authorization for the registered client `client_id` / `client_secret` at
    /// `start_url`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        start_url: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            start_url: start_url.into(),
        }
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The start URL.
    pub fn start_url(&self) -> &str {
        &self.start_url
    }
}

impl fmt::Debug for StartDeviceAuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartDeviceAuthorizationRequest")
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .field("start_url", &self.start_url)
            .finish()
    }
}

/// A validated `StartDeviceAuthorization` answer (SPEC §19.7): the device code to poll
/// `CreateToken` with, what the user sees and enters, and the polling timing.
#[derive(Clone, PartialEq, Eq)]
pub struct StartDeviceAuthorizationResponse {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    pub(crate) verification_uri: String,
    pub(crate) verification_uri_complete: Option<String>,
    pub(crate) expires_in: Duration,
    pub(crate) interval: Duration,
}

impl StartDeviceAuthorizationResponse {
    /// `deviceCode` (non-empty; a secret, for [`CreateTokenRequest::device_code`]).
    pub fn device_code(&self) -> &str {
        &self.device_code
    }

    /// `userCode` (non-empty), which the user enters at the verification page.
    pub fn user_code(&self) -> &str {
        &self.user_code
    }

    /// `verificationUri` (non-empty).
    pub fn verification_uri(&self) -> &str {
        &self.verification_uri
    }

    /// `verificationUriComplete` (the page with the user code filled in), when the answer
    /// has a non-empty one.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.verification_uri_complete.as_deref()
    }

    /// `expiresIn`: how long the device code lasts; 600 s when absent or below 1.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// `interval`: the wait between polls; 5 s when absent or below 1.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

impl fmt::Debug for StartDeviceAuthorizationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartDeviceAuthorizationResponse")
            .field("device_code", &REDACTED)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}
