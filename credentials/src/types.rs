//! The two values this crate resolves: [`Credentials`] and [`Token`] (SPEC §9).

use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;

/// What `Debug` and `Display` print in place of a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// A set of AWS credentials: access key id, secret access key, optional session token,
/// optional expiry, the account id where known and the name of the provider that made it.
///
/// Cheap to clone (one reference count). `Debug` and `Display` print `** redacted **` for
/// the secret access key and the session token.
///
/// ```
/// use ssokit_credentials::Credentials;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI", None, None, "Static");
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// assert!(!format!("{creds:?} {creds}").contains("wJalrXUtnFEMI"));
/// ```
#[doc(alias = "AWS.Credentials")]
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(Arc<CredentialsInner>);

#[derive(PartialEq, Eq)]
struct CredentialsInner {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expire_time: Option<Timestamp>,
    account_id: Option<String>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts; `provider_name` says where they came from (`Sso`,
    /// `Environment`, `Profile`, `Process`, ...).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expire_time: Option<Timestamp>,
        provider_name: &'static str,
    ) -> Self {
        Self(Arc::new(CredentialsInner {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expire_time,
            account_id: None,
            provider_name,
        }))
    }

    /// The same credentials with the account id set (`None` clears it).
    #[must_use]
    pub fn with_account_id(self, account_id: Option<String>) -> Self {
        let inner = self.into_inner();
        Self(Arc::new(CredentialsInner {
            account_id: account_id.filter(|a| !a.is_empty()),
            ..inner
        }))
    }

    /// The same credentials with another expiry (`None`: they never expire). IMDS's static
    /// stability uses it to extend credentials it could not refresh.
    #[must_use]
    pub fn with_expiry(self, expire_time: Option<Timestamp>) -> Self {
        let inner = self.into_inner();
        Self(Arc::new(CredentialsInner {
            expire_time,
            ..inner
        }))
    }

    /// The parts, moved out when this is the only handle, else copied.
    fn into_inner(self) -> CredentialsInner {
        match Arc::try_unwrap(self.0) {
            Ok(inner) => inner,
            Err(shared) => CredentialsInner {
                access_key_id: shared.access_key_id.clone(),
                secret_access_key: shared.secret_access_key.clone(),
                session_token: shared.session_token.clone(),
                expire_time: shared.expire_time,
                account_id: shared.account_id.clone(),
                provider_name: shared.provider_name,
            },
        }
    }

    /// The access key id (`AKIA…`, `ASIA…`); not a secret.
    #[doc(alias = "accessKeyId")]
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key. A secret: never log it.
    #[doc(alias = "secretAccessKey")]
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials. A secret: never log it.
    #[doc(alias = "sessionToken")]
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When the credentials expire; `None` for long-term keys.
    #[doc(alias = "expireTime")]
    pub fn expire_time(&self) -> Option<Timestamp> {
        self.0.expire_time
    }

    /// The AWS account the credentials belong to, where known.
    #[doc(alias = "accountId")]
    pub fn account_id(&self) -> Option<&str> {
        self.0.account_id.as_deref()
    }

    /// The provider that made them (`Sso`, `Environment`, `Profile`, `Process`).
    pub fn provider_name(&self) -> &'static str {
        self.0.provider_name
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.0.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expire_time", &self.0.expire_time)
            .field("account_id", &self.0.account_id)
            .field("provider_name", &self.0.provider_name)
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials {{ access_key_id: {}, secret_access_key: {REDACTED}",
            self.0.access_key_id
        )?;
        if self.0.session_token.is_some() {
            write!(f, ", session_token: {REDACTED}")?;
        }
        if let Some(t) = self.0.expire_time {
            write!(f, ", expires: {t}")?;
        }
        if let Some(a) = &self.0.account_id {
            write!(f, ", account_id: {a}")?;
        }
        write!(f, ", provider: {} }}", self.0.provider_name)
    }
}

/// An SSO bearer token and its expiry.
///
/// Cheap to clone. `Debug` and `Display` print `** redacted **` for the token.
///
/// ```
/// use ssokit_credentials::Token;
///
/// let expiry = "2026-03-01T14:00:00Z".parse()?;
/// let token = Token::new("session-at", Some(expiry));
/// assert_eq!(token.token(), "session-at");
/// assert!(!format!("{token:?} {token}").contains("session-at"));
/// # Ok::<(), jiff::Error>(())
/// ```
#[doc(alias = "AWS.Token")]
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<TokenInner>);

#[derive(PartialEq, Eq)]
struct TokenInner {
    token: String,
    expire_time: Option<Timestamp>,
}

impl Token {
    /// A token and its expiry.
    pub fn new(token: impl Into<String>, expire_time: Option<Timestamp>) -> Self {
        Self(Arc::new(TokenInner {
            token: token.into(),
            expire_time,
        }))
    }

    /// The bearer token. A secret: never log it.
    pub fn token(&self) -> &str {
        &self.0.token
    }

    /// When the token expires.
    #[doc(alias = "expireTime")]
    pub fn expire_time(&self) -> Option<Timestamp> {
        self.0.expire_time
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("token", &REDACTED)
            .field("expire_time", &self.0.expire_time)
            .finish()
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token {{ token: {REDACTED}")?;
        if let Some(t) = self.0.expire_time {
            write!(f, ", expires: {t}")?;
        }
        f.write_str(" }")
    }
}

/// A value a provider caches: [`Credentials`] or [`Token`], each with an optional expiry.
/// Sealed: no other type implements it.
pub trait Expiring: Clone + Send + Sync + 'static + sealed::Sealed {
    /// When the value expires (`None`: never).
    fn expiry(&self) -> Option<Timestamp>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Credentials {}
    impl Sealed for super::Token {}
}

impl Expiring for Credentials {
    fn expiry(&self) -> Option<Timestamp> {
        self.expire_time()
    }
}

impl Expiring for Token {
    fn expiry(&self) -> Option<Timestamp> {
        self.expire_time()
    }
}
