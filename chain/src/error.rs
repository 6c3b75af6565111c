//! [`ChainError`]: why a chain produced nothing (SPEC §0 K-ANY, K-EMPTY, or the failing
//! provider's own error).

use std::fmt;
use std::sync::Arc;

use ssokit_config_parser::Location;
use ssokit_credentials::CredentialsError;

/// What kind of failure a [`ChainError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChainErrorKind {
    /// A provider was configured but failed; the chain stopped there
    /// ([`provider_error`](ChainError::provider_error) is its error).
    ProviderFailed,
    /// No provider was configured (K-ANY); [`attempts`](ChainError::attempts) says what
    /// each one looked for.
    NoneConfigured,
    /// The chain has no providers (K-EMPTY).
    NoProviders,
    /// The walk was abandoned because its Tokio runtime shut down.
    Cancelled,
}

/// Whether a chain resolves credentials or tokens (the K-ANY wording differs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What {
    Credentials,
    Token,
}

impl What {
    pub(crate) fn chain_name(self) -> &'static str {
        match self {
            Self::Credentials => "CredentialsProviderChain",
            Self::Token => "TokenProviderChain",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Credentials => "credentials",
            Self::Token => "token",
        }
    }
}

#[derive(Debug)]
enum Repr {
    Failed {
        provider: String,
        error: CredentialsError,
    },
    NoneConfigured {
        what: What,
        attempts: Vec<(String, CredentialsError)>,
    },
    NoProviders,
    Cancelled,
}

/// Why a [`CredentialsProviderChain`](crate::CredentialsProviderChain) or
/// [`TokenProviderChain`](crate::TokenProviderChain) produced nothing.
///
/// `Display` is the complete SPEC §0 text: the failing provider's own message, K-ANY
/// (`Could not load credentials from any providers: <name>: <msg>; ...`) or K-EMPTY
/// (`No providers`). It never holds a secret. Cheap to clone (concurrent callers of one
/// walk share it).
#[derive(Clone)]
pub struct ChainError(Arc<Repr>);

impl ChainError {
    pub(crate) fn failed(provider: &str, error: CredentialsError) -> Self {
        Self(Arc::new(Repr::Failed {
            provider: provider.to_owned(),
            error,
        }))
    }

    pub(crate) fn none_configured(what: What, attempts: Vec<(String, CredentialsError)>) -> Self {
        Self(Arc::new(Repr::NoneConfigured { what, attempts }))
    }

    pub(crate) fn no_providers() -> Self {
        Self(Arc::new(Repr::NoProviders))
    }

    pub(crate) fn cancelled() -> Self {
        Self(Arc::new(Repr::Cancelled))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ChainErrorKind {
        match &*self.0 {
            Repr::Failed { .. } => ChainErrorKind::ProviderFailed,
            Repr::NoneConfigured { .. } => ChainErrorKind::NoneConfigured,
            Repr::NoProviders => ChainErrorKind::NoProviders,
            Repr::Cancelled => ChainErrorKind::Cancelled,
        }
    }

    /// The name of the provider that failed, when one did.
    pub fn provider_name(&self) -> Option<&str> {
        match &*self.0 {
            Repr::Failed { provider, .. } => Some(provider),
            _ => None,
        }
    }

    /// The error of the provider that failed, when one did.
    pub fn provider_error(&self) -> Option<&CredentialsError> {
        match &*self.0 {
            Repr::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Each provider that was not configured, with what it reported, in chain order.
    /// Empty unless [`kind`](Self::kind) is [`ChainErrorKind::NoneConfigured`].
    pub fn attempts(&self) -> impl Iterator<Item = (&str, &CredentialsError)> {
        let attempts = match &*self.0 {
            Repr::NoneConfigured { attempts, .. } => attempts.as_slice(),
            _ => &[],
        };
        attempts.iter().map(|(name, error)| (name.as_str(), error))
    }

    /// The file and line of the setting the failing provider's error is about, when known.
    pub fn location(&self) -> Option<&Location> {
        self.provider_error().and_then(CredentialsError::location)
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Failed { error, .. } => fmt::Display::fmt(error, f),
            Repr::NoneConfigured { what, attempts } => {
                write!(f, "Could not load {} from any providers: ", what.noun())?;
                for (i, (name, error)) in attempts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{name}: {error}")?;
                }
                Ok(())
            }
            Repr::NoProviders => f.write_str("No providers"),
            Repr::Cancelled => {
                f.write_str("the chain's walk was abandoned (its Tokio runtime shut down)")
            }
        }
    }
}

impl fmt::Debug for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainError")
            .field("kind", &self.kind())
            .field("message", &self.to_string())
            .field("location", &self.location())
            .finish()
    }
}

impl std::error::Error for ChainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.provider_error()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
