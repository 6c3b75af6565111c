//! [`DefaultProviders`]: the SDK's default providers over one [`ProviderConfig`].

use std::sync::Arc;

use ssokit_credentials::{
    EnvironmentCredentialsProvider, ProfileCredentialsProvider, ProvideCredentials, ProvideToken,
    ProviderConfig, SsoTokenProvider,
};

use crate::chains::{CredentialsProviderChain, TokenProviderChain};

/// The default providers of both chains (SPEC §10), all sharing one [`ProviderConfig`]:
/// one HTTP client (one connection pool) and one token refresh state, so the credentials
/// chain and the token chain never refresh the same token twice.
///
/// Without a profile name, the profile is `AWS_PROFILE` (else `default`) and the credentials
/// chain asks the environment first: `EnvironmentCredentialsProvider(AWS)`,
/// `EnvironmentCredentialsProvider(AMAZON)`, `ProfileCredentialsProvider`. With
/// [`profile_name`](Self::profile_name) (as the AWS CLI's `--profile`), that profile is
/// used and the environment providers are skipped. The token chain is `[SsoTokenProvider]`.
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
///     ["EnvironmentCredentialsProvider(AWS)", "EnvironmentCredentialsProvider(AMAZON)", "ProfileCredentialsProvider"]
/// );
/// let names: Vec<_> = defaults.profile_name("dev").credentials_providers().iter().map(|p| p.provider_name().to_owned()).collect();
/// assert_eq!(names, ["ProfileCredentialsProvider"]);
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
    /// the system clock ([`provider_config_from_process`](crate::provider_config_from_process)).
    pub fn from_process() -> Self {
        Self::new(crate::process::provider_config_from_process())
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
        let mut profile = ProfileCredentialsProvider::builder(self.config.clone());
        let mut providers: Vec<Arc<dyn ProvideCredentials>> = Vec::with_capacity(3);
        if let Some(name) = &self.profile_name {
            profile = profile.profile_name(name.clone());
        } else {
            providers.push(Arc::new(EnvironmentCredentialsProvider::new(
                self.config.clone(),
                "AWS",
            )));
            providers.push(Arc::new(EnvironmentCredentialsProvider::new(
                self.config.clone(),
                "AMAZON",
            )));
        }
        providers.push(Arc::new(profile.build()));
        providers
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
