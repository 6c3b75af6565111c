//! [`CredentialsProviderChain`] and [`TokenProviderChain`] (SPEC §10), and their builders.
//! Their default constructors live with [`DefaultProviders`](crate::DefaultProviders).

use std::fmt;
use std::sync::Arc;

use ssokit_credentials::{Credentials, ProvideCredentials, ProvideToken, Token};

use crate::error::{ChainError, What};
use crate::walk::{Member, Walker};

macro_rules! provider_chain {
    (
        $(#[$meta:meta])*
        chain $chain:ident, builder $builder:ident, provider $provider:ident,
        value $value:ty, what $what:expr
    ) => {
        $(#[$meta])*
        pub struct $chain {
            walker: Walker<$value, Arc<dyn $provider>>,
        }

        impl $chain {
            /// A chain over these providers, asked in this order.
            pub fn new(providers: Vec<Arc<dyn $provider>>) -> Self {
                Self {
                    walker: Walker::new(providers, $what),
                }
            }

            #[doc = concat!("An empty builder: add providers with [`", stringify!($builder), "::push`].")]
            pub fn builder() -> $builder {
                $builder {
                    providers: Vec::new(),
                }
            }

            /// The same chain, saying `context` in the trace log at the start of each walk.
            pub(crate) fn with_context(self, context: String) -> Self {
                Self {
                    walker: self.walker.with_context(context),
                }
            }

            /// The providers, in order.
            pub fn providers(&self) -> &[Arc<dyn $provider>] {
                self.walker.members()
            }

            /// Asks each provider in turn (v2 `resolve` / `resolvePromise`): the first value
            /// wins; a provider that is not configured is skipped; one that failed stops the
            /// walk with its error. All not configured: K-ANY; no providers: K-EMPTY.
            ///
            /// Concurrent calls share one walk. The chain caches nothing (its providers do),
            /// so a later call walks again. Needs a Tokio runtime.
            pub async fn resolve(&self) -> Result<$value, ChainError> {
                self.walker.resolve().await
            }
        }

        impl fmt::Debug for $chain {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($chain))
                    .field(
                        "providers",
                        &self.providers().iter().map(|p| p.name()).collect::<Vec<_>>(),
                    )
                    .finish()
            }
        }

        #[doc = concat!("Builds a [`", stringify!($chain), "`]: add, insert, remove and reorder providers.")]
        #[must_use]
        pub struct $builder {
            providers: Vec<Arc<dyn $provider>>,
        }

        impl $builder {
            /// Replaces the providers with these.
            pub fn providers(mut self, providers: Vec<Arc<dyn $provider>>) -> Self {
                self.providers = providers;
                self
            }

            /// Appends a provider.
            pub fn push(mut self, provider: impl $provider + 'static) -> Self {
                self.providers.push(Arc::new(provider));
                self
            }

            /// Appends a shared provider.
            pub fn push_shared(mut self, provider: Arc<dyn $provider>) -> Self {
                self.providers.push(provider);
                self
            }

            /// Inserts a provider at `index` (clamped to the end).
            pub fn insert(mut self, index: usize, provider: Arc<dyn $provider>) -> Self {
                let index = index.min(self.providers.len());
                self.providers.insert(index, provider);
                self
            }

            #[doc = concat!("Removes every provider whose [`", stringify!($provider), "::provider_name`] is `name`.")]
            pub fn remove(mut self, name: &str) -> Self {
                self.providers.retain(|p| p.provider_name() != name);
                self
            }

            /// Moves the provider named `name` to `index` (clamped); no-op if absent.
            pub fn move_to(mut self, name: &str, index: usize) -> Self {
                if let Some(from) = self.providers.iter().position(|p| p.provider_name() == name) {
                    let provider = self.providers.remove(from);
                    let index = index.min(self.providers.len());
                    self.providers.insert(index, provider);
                }
                self
            }

            /// The names of the providers so far, in order.
            pub fn names(&self) -> Vec<&str> {
                self.providers.iter().map(|p| p.provider_name()).collect()
            }

            /// The chain. No I/O.
            pub fn build(self) -> $chain {
                $chain::new(self.providers)
            }
        }

        impl fmt::Debug for $builder {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($builder))
                    .field("providers", &self.names())
                    .finish()
            }
        }
    };
}

provider_chain! {
    /// AWS credentials from the first provider that has them (v2
    /// `AWS.CredentialProviderChain`).
    ///
    /// Default order ([`default_providers`](Self::default_providers)):
    /// `EnvironmentCredentialsProvider(AWS)`, `EnvironmentCredentialsProvider(AMAZON)`,
    /// `ProfileCredentialsProvider` (static keys, SSO, `credential_process`).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// # runtime.block_on(async {
    /// use ssokit_chain::config::Env;
    /// use ssokit_chain::{CredentialsProviderChain, EnvironmentCredentialsProvider};
    /// use ssokit_chain::{ProviderConfig, TestClock};
    ///
    /// let env = Env::from_pairs([("AMAZON_ACCESS_KEY_ID", "AKID"), ("AMAZON_SECRET_ACCESS_KEY", "s")]);
    /// let config = ProviderConfig::new(env, TestClock::new("2026-03-01T12:00:00Z".parse()?));
    /// let chain = CredentialsProviderChain::builder()
    ///     .push(EnvironmentCredentialsProvider::new(config.clone(), "AWS"))
    ///     .push(EnvironmentCredentialsProvider::new(config, "AMAZON"))
    ///     .build();
    /// assert_eq!(chain.resolve().await?.access_key_id(), "AKID");
    ///
    /// let empty = CredentialsProviderChain::builder().build();
    /// assert_eq!(empty.resolve().await.unwrap_err().to_string(), "No providers");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    #[doc(alias = "AWS.CredentialProviderChain")]
    #[doc(alias = "CredentialProviderChain")]
    #[doc(alias = "resolvePromise")]
    chain CredentialsProviderChain, builder CredentialsProviderChainBuilder,
    provider ProvideCredentials, value Credentials, what What::Credentials
}

provider_chain! {
    /// An SSO bearer token from the first provider that has one (v2
    /// `AWS.TokenProviderChain`). Default: `[SsoTokenProvider]`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// # runtime.block_on(async {
    /// use ssokit_chain::config::{Env, Home};
    /// use ssokit_chain::{ProviderConfig, TestClock, TokenProviderChain};
    ///
    /// let home = tempfile::tempdir()?;
    /// let config = ProviderConfig::new(Env::new(), TestClock::new("2026-03-01T12:00:00Z".parse()?))
    ///     .with_home(Home::new(home.path()));
    /// let chain = TokenProviderChain::new(TokenProviderChain::default_providers(&config));
    /// assert_eq!(
    ///     chain.resolve().await.unwrap_err().to_string(),
    ///     "Could not load token from any providers: SsoTokenProvider: Profile \"default\" not found"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    #[doc(alias = "AWS.TokenProviderChain")]
    #[doc(alias = "resolvePromise")]
    chain TokenProviderChain, builder TokenProviderChainBuilder,
    provider ProvideToken, value Token, what What::Token
}
