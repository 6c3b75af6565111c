//! [`EnvironmentCredentialsProvider`]: static keys from `AWS_*` or `AMAZON_*` variables.

use async_trait::async_trait;
use ssokit_config_parser::Env;

use crate::cache::CREDENTIALS_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::provider::{Cached, Load, ProvideCredentials};
use crate::types::Credentials;

/// Credentials from `<PREFIX>_ACCESS_KEY_ID`, `<PREFIX>_SECRET_ACCESS_KEY`, optional
/// `<PREFIX>_SESSION_TOKEN` and `<PREFIX>_ACCOUNT_ID` of the environment snapshot.
/// Whitespace-only values are unset; a missing key is K-ENV, not configured.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use ssokit_config_parser::Env;
/// use ssokit_credentials::{EnvironmentCredentialsProvider, ProviderConfig, TestClock};
///
/// let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "s")]);
/// let config = ProviderConfig::new(env, TestClock::new("2026-03-01T12:00:00Z".parse()?));
/// let creds = EnvironmentCredentialsProvider::new(config, "AWS").get().await?;
/// assert_eq!(creds.access_key_id(), "AKIDENV");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AWS.EnvironmentCredentials")]
pub struct EnvironmentCredentialsProvider {
    cached: Cached<Credentials>,
    name: String,
}

impl std::fmt::Debug for EnvironmentCredentialsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.cached.finish_debug(
            f.debug_struct("EnvironmentCredentialsProvider")
                .field("name", &self.name),
        )
    }
}

impl std::ops::Deref for EnvironmentCredentialsProvider {
    type Target = Cached<Credentials>;

    fn deref(&self) -> &Cached<Credentials> {
        &self.cached
    }
}

impl EnvironmentCredentialsProvider {
    /// A provider reading variables with `prefix` (`AWS` or `AMAZON`). No I/O.
    pub fn new(config: ProviderConfig, prefix: &str) -> Self {
        let cached = Cached::new(
            config.clock_arc(),
            CREDENTIALS_WINDOW,
            EnvLoad {
                config,
                prefix: prefix.to_owned(),
            },
        );
        Self {
            cached,
            name: format!("EnvironmentCredentialsProvider({prefix})"),
        }
    }
}

#[async_trait]
impl ProvideCredentials for EnvironmentCredentialsProvider {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.get().await
    }

    fn provider_name(&self) -> &str {
        &self.name
    }
}

struct EnvLoad {
    config: ProviderConfig,
    prefix: String,
}

#[async_trait]
impl Load<Credentials> for EnvLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        environment_credentials(self.config.env(), &self.prefix)
    }
}

/// The keys of `<prefix>_*` in `env`, or K-ENV (not configured) for the first one missing.
pub(crate) fn environment_credentials(
    env: &Env,
    prefix: &str,
) -> Result<Credentials, CredentialsError> {
    let var = |suffix: &str| {
        env.get(&format!("{prefix}_{suffix}"))
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };
    let missing = |suffix: &str| {
        CredentialsError::not_configured(
            ErrorCode::EnvNotSet,
            format!("{prefix}_{suffix} is not set"),
        )
    };
    let id = var("ACCESS_KEY_ID").ok_or_else(|| missing("ACCESS_KEY_ID"))?;
    let secret = var("SECRET_ACCESS_KEY").ok_or_else(|| missing("SECRET_ACCESS_KEY"))?;
    Ok(
        Credentials::new(id, secret, var("SESSION_TOKEN"), None, "Environment")
            .with_account_id(var("ACCOUNT_ID")),
    )
}
