//! The default chains (SPEC §10), in one place: [`DefaultProviders`] (the SDK's default
//! providers over one [`ProviderConfig`]), the chains' `default_providers` and
//! `from_process` constructors, and the one-call [`credentials()`] and [`token()`].

use std::sync::Arc;

use ssokit_credentials::{
    ContainerCredentialsProvider, Credentials, EnvironmentCredentialsProvider,
    ImdsCredentialsProvider, ProfileCredentialsProvider, ProvideCredentials, ProvideToken,
    ProviderConfig, SsoTokenProvider, Token, WebIdentityTokenCredentialsProvider,
};

use crate::chains::{CredentialsProviderChain, TokenProviderChain};
use crate::error::ChainError;
use crate::process::provider_config_from_process;

/// The default providers of both chains (SPEC §10), all sharing one [`ProviderConfig`]:
/// one HTTP client (one connection pool) and one token refresh state, so the credentials
/// chain and the token chain never refresh the same token twice.
///
/// Without a profile name, the profile is `AWS_PROFILE` (else `default`) and the credentials
/// chain is SPEC §17.1's: `EnvironmentCredentialsProvider(AWS)`,
/// `EnvironmentCredentialsProvider(AMAZON)`, `ProfileCredentialsProvider` (role chains
/// included), `WebIdentityTokenCredentialsProvider`, `ContainerCredentialsProvider`,
/// `ImdsCredentialsProvider`. With [`profile_name`](Self::profile_name) (as the AWS CLI's
/// `--profile`), that profile is used, its absence stops the chain, and the environment's
/// keys and web identity are skipped (the container and IMDS stay). The token chain is
/// `[SsoTokenProvider]`.
///
/// ```
/// use ssokit_chain::config::Env;
/// use ssokit_chain::{DefaultProviders, ProviderConfig, TestClock};
///
/// let config = ProviderConfig::new(Env::new(), TestClock::new("2026-03-01T12:00:00Z".parse()?));
/// let defaults = DefaultProviders::new(config);
/// let names: Vec<_> = defaults.credentials_providers().iter().map(|p| p.provider_name().to_owned()).collect();
/// assert_eq!(
///     names,
///     [
///         "EnvironmentCredentialsProvider(AWS)",
///         "EnvironmentCredentialsProvider(AMAZON)",
///         "ProfileCredentialsProvider",
///         "WebIdentityTokenCredentialsProvider",
///         "ContainerCredentialsProvider",
///         "ImdsCredentialsProvider",
///     ]
/// );
/// let names: Vec<_> = defaults.profile_name("dev").credentials_providers().iter().map(|p| p.provider_name().to_owned()).collect();
/// assert_eq!(
///     names,
///     ["ProfileCredentialsProvider", "ContainerCredentialsProvider", "ImdsCredentialsProvider"]
/// );
/// # Ok::<(), jiff::Error>(())
/// ```
#[derive(Clone, Debug)]
#[doc(alias = "defaultProviders")]
pub struct DefaultProviders {
    config: ProviderConfig,
    profile_name: Option<String>,
}

impl DefaultProviders {
    /// The default providers over `config` (which brings the environment, home and clock).
    pub fn new(config: ProviderConfig) -> Self {
        Self {
            config,
            profile_name: None,
        }
    }

    /// The default providers over the real process: its environment, home directory and
    /// the system clock ([`provider_config_from_process`]).
    pub fn from_process() -> Self {
        Self::new(provider_config_from_process())
    }

    /// Use this profile, and skip the environment providers (the AWS CLI's `--profile`).
    #[must_use]
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The shared configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The explicit profile name, if one was set.
    pub fn explicit_profile(&self) -> Option<&str> {
        self.profile_name.as_deref()
    }

    /// The default credentials providers, in order. No I/O.
    pub fn credentials_providers(&self) -> Vec<Arc<dyn ProvideCredentials>> {
        let config = &self.config;
        let container = Arc::new(ContainerCredentialsProvider::new(config.clone()));
        let mut imds = ImdsCredentialsProvider::builder(config.clone());
        if let Some(name) = &self.profile_name {
            let profile = ProfileCredentialsProvider::builder(config.clone())
                .profile_name(name)
                .required(true);
            imds = imds.profile_name(name);
            return vec![Arc::new(profile.build()), container, Arc::new(imds.build())];
        }
        vec![
            Arc::new(EnvironmentCredentialsProvider::new(config.clone(), "AWS")),
            Arc::new(EnvironmentCredentialsProvider::new(
                config.clone(),
                "AMAZON",
            )),
            Arc::new(ProfileCredentialsProvider::builder(config.clone()).build()),
            Arc::new(WebIdentityTokenCredentialsProvider::builder(config.clone()).build()),
            container,
            Arc::new(imds.build()),
        ]
    }

    /// The default token providers: `[SsoTokenProvider]`. No I/O.
    pub fn token_providers(&self) -> Vec<Arc<dyn ProvideToken>> {
        let mut builder = SsoTokenProvider::builder(self.config.clone());
        if let Some(name) = &self.profile_name {
            builder = builder.profile_name(name.clone());
        }
        vec![Arc::new(builder.build())]
    }

    /// The default credentials chain. No I/O.
    pub fn credentials_chain(&self) -> CredentialsProviderChain {
        CredentialsProviderChain::new(self.credentials_providers()).with_context(self.context())
    }

    /// The default token chain. No I/O.
    pub fn token_chain(&self) -> TokenProviderChain {
        TokenProviderChain::new(self.token_providers()).with_context(self.context())
    }

    /// For the trace log: the profile and where it comes from, and the two files.
    fn context(&self) -> String {
        let env = self.config.env();
        let profile = match (&self.profile_name, env.get("AWS_PROFILE")) {
            (Some(name), _) => format!("profile {name} (explicit)"),
            (None, Some(name)) => format!("profile {name} (AWS_PROFILE)"),
            (None, None) => "profile default".to_owned(),
        };
        match self.config.file_locations() {
            Ok(files) => {
                format!(
                    "{profile}, config file {}, credentials file {}",
                    files.config().display(),
                    files.credentials().display()
                )
            }
            Err(error) => format!("{profile}, {error}"),
        }
    }
}

impl CredentialsProviderChain {
    /// The default providers (SPEC §10) over `config`, for the profile `config`'s
    /// environment selects (`AWS_PROFILE`, else `default`); see [`DefaultProviders`] to
    /// choose a profile (v2 `defaultProviders`).
    pub fn default_providers(config: &ProviderConfig) -> Vec<Arc<dyn ProvideCredentials>> {
        DefaultProviders::new(config.clone()).credentials_providers()
    }

    /// The default chain over the real process: its environment, home directory and the
    /// system clock (SPEC §10 defaults; [`DefaultProviders::from_process`]). No I/O until
    /// [`resolve`](Self::resolve).
    #[doc(alias = "default")]
    pub fn from_process() -> Self {
        DefaultProviders::from_process().credentials_chain()
    }
}

impl TokenProviderChain {
    /// The default token providers (SPEC §10) over `config`: `[SsoTokenProvider]` for the
    /// profile `config`'s environment selects (v2 `defaultProviders`).
    pub fn default_providers(config: &ProviderConfig) -> Vec<Arc<dyn ProvideToken>> {
        DefaultProviders::new(config.clone()).token_providers()
    }

    /// The default token chain over the real process ([`DefaultProviders::from_process`]).
    /// No I/O until [`resolve`](Self::resolve).
    #[doc(alias = "default")]
    pub fn from_process() -> Self {
        DefaultProviders::from_process().token_chain()
    }
}

/// Credentials from the default chain over the real process (v2
/// `AWS.config.getCredentials`). Builds a new chain each call: keep a
/// [`CredentialsProviderChain`](crate::CredentialsProviderChain) to reuse its cache.
#[doc(alias = "getCredentials")]
#[doc(alias = "AWS.config.getCredentials")]
pub async fn credentials() -> Result<Credentials, ChainError> {
    DefaultProviders::from_process()
        .credentials_chain()
        .resolve()
        .await
}

/// A bearer token from the default token chain over the real process (v2
/// `AWS.config.getToken`). Builds a new chain each call.
#[doc(alias = "getToken")]
#[doc(alias = "AWS.config.getToken")]
pub async fn token() -> Result<Token, ChainError> {
    DefaultProviders::from_process()
        .token_chain()
        .resolve()
        .await
}
