//! The one error type of every provider (SPEC §0, §7.1, §8, §10).

use std::sync::Arc;

use ssokit_config_parser::Location;

/// Whether a chain should try the next provider or stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// This provider is not configured for the selected profile: a chain tries the next.
    NotConfigured,
    /// This provider is configured but failed: a chain stops and reports it.
    Failed,
}

/// Which entry of the SPEC §0 catalogue an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// E-HOME: no home directory.
    Home,
    /// E-READ: a config, credentials or cache file could not be read.
    Read,
    /// E-PARSE: a config or credentials file breaks the grammar.
    Parse,
    /// E-BOOL: a boolean setting is not `true`/`false`.
    Bool,
    /// T-PROFILE / S-PROFILE: the profile does not exist.
    ProfileNotFound,
    /// T-NOSESSION: the profile has no `sso_session` (token provider).
    NoSession,
    /// T-LEGACY: a legacy profile asked for a bearer token.
    LegacyProfile,
    /// T-SESSION: the `[sso-session]` section does not exist.
    SessionNotFound,
    /// T-SESSKEY: the `[sso-session]` section lacks a required key.
    SessionKeyMissing,
    /// T-NOTOKEN / S-NOTOKEN: no cached token.
    TokenNotFound,
    /// T-CORRUPT: the cache file is not a token file.
    TokenCorrupt,
    /// T-KEY / S-KEYS: a required member of the cache file is missing or mistyped.
    TokenKey,
    /// T-EXPIRES: `expiresAt` is not a valid time.
    TokenExpiresAt,
    /// T-FAILED: the token expired and could not be refreshed.
    RefreshFailed,
    /// S-LEGACY / S-SESSION: the profile lacks SSO settings.
    IncompleteSsoProfile,
    /// S-MISMATCH: the profile and its session disagree.
    SessionMismatch,
    /// S-EXPIRED: the legacy token has expired.
    TokenExpired,
    /// S-401, S-403, S-404, S-HTTP: the portal refused.
    Service,
    /// N-*, S-SHAPE, P-CA, P-PROXY: transport or response problems.
    Transport,
    /// P-REGION, P-FIPS, P-URL, P-HTTP: no usable endpoint.
    Endpoint,
    /// K-ENV: an environment variable is not set.
    EnvNotSet,
    /// K-HALF: only one of the static keys is set.
    HalfStaticKeys,
    /// R-ROLE / W-ROLE: STS refused a role, or the call failed.
    AssumeRole,
    /// R-NOSOURCE, R-BOTH, R-MISSING, R-SOURCE, R-DURATION, R-SESSNAME, W-NOROLE,
    /// W-ENVROLE: a role profile's settings cannot work.
    RoleSettings,
    /// R-CYCLE, R-DEPTH: the `source_profile` path loops or is too long.
    RoleCycle,
    /// R-NAMED: the `credential_source` gave no credentials.
    CredentialSource,
    /// R-MFA, R-MFACODE: no usable MFA code.
    Mfa,
    /// W-NONE: `AWS_WEB_IDENTITY_TOKEN_FILE` is not set.
    WebIdentityNotSet,
    /// W-READ: the web identity token file cannot be read or is empty.
    WebIdentityToken,
    /// C-NONE: neither container credentials variable is set.
    ContainerNotSet,
    /// C-URL, C-HOST, C-TOKEN, C-HTTP, C-SHAPE: the container endpoint gave no
    /// credentials.
    Container,
    /// I-DISABLED, I-UNREACH, I-NOROLE: no instance metadata credentials here.
    ImdsUnavailable,
    /// I-HTTP, I-TOKEN, I-SHAPE, I-V1OFF, I-ENDPOINT: the instance metadata service failed.
    Imds,
    /// L-*: a login cannot start or did not end with a token.
    Login,
    /// C-STATIC, C-CHAINED, C-PARTITION, C-HTTP, C-SHAPE, C-BROWSER of `ssokit console`:
    /// no console sign-in link, or no browser took it.
    Console,
    /// C-DURATION, C-DEST: an invalid `ssokit console` argument (a usage error).
    ConsoleArgument,
    /// K-NOCREDS, R-SRCNOCREDS: the profile holds no credentials.
    NoCredentials,
    /// `credential_process` failed.
    Process,
    /// An invalid setting that has no catalogue entry (e.g. `max_attempts`).
    InvalidSetting,
    /// The load was abandoned (the runtime shut down).
    Cancelled,
}

/// Why a provider produced no credentials or token.
///
/// `Display` is the SPEC §0 text, complete; no secret or token ever appears in it.
/// [`kind`](Self::kind) tells a chain whether to try the next provider,
/// [`location`](Self::location) where in which file the offending setting is.
///
/// [`source()`](std::error::Error::source) is the lower error that caused it, when there
/// is one (the HTTP client's, whose own chain reaches the I/O or TLS error; the cache
/// file's; the endpoint's).
#[derive(Clone, Debug)]
pub struct CredentialsError {
    kind: ErrorKind,
    code: ErrorCode,
    message: Arc<str>,
    location: Option<Location>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl std::fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl CredentialsError {
    pub(crate) fn new(kind: ErrorKind, code: ErrorCode, message: impl Into<Arc<str>>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            location: None,
            source: None,
        }
    }

    pub(crate) fn failed(code: ErrorCode, message: impl Into<Arc<str>>) -> Self {
        Self::new(ErrorKind::Failed, code, message)
    }

    pub(crate) fn not_configured(code: ErrorCode, message: impl Into<Arc<str>>) -> Self {
        Self::new(ErrorKind::NotConfigured, code, message)
    }

    /// The lower error behind this one (its text is usually part of the message).
    #[must_use]
    pub(crate) fn caused_by(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// [`caused_by`](Self::caused_by) with an error already shared.
    #[must_use]
    pub(crate) fn caused_by_shared(
        mut self,
        source: Arc<dyn std::error::Error + Send + Sync>,
    ) -> Self {
        self.source = Some(source);
        self
    }

    /// The same error, failed: in a role chain nothing is "not configured" (SPEC §15.3).
    #[must_use]
    pub(crate) fn into_failed(mut self) -> Self {
        self.kind = ErrorKind::Failed;
        self
    }

    /// The same error, not configured (the next provider of a chain is asked).
    #[must_use]
    pub(crate) fn into_not_configured(mut self) -> Self {
        self.kind = ErrorKind::NotConfigured;
        self
    }

    /// A failed error of `code` whose text is `prefix` + this error's text and whose
    /// source is this error (R-ROLE, R-NAMED, W-ROLE wrap their cause so).
    #[must_use]
    pub(crate) fn wrapped(self, code: ErrorCode, prefix: &str) -> Self {
        let location = self.location.clone();
        Self::failed(code, format!("{prefix}{}", self.message))
            .at(location)
            .caused_by(self)
    }

    #[must_use]
    pub(crate) fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Not configured (try the next provider) or failed (stop).
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether a chain should try the next provider.
    pub fn is_not_configured(&self) -> bool {
        self.kind == ErrorKind::NotConfigured
    }

    /// Which catalogue entry this is.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The file and line of the setting the error is about, when it is about one.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The message (the same as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The error type of token providers: the same type as for credentials.
pub type TokenError = CredentialsError;
