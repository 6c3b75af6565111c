//! [`SsoTokenProvider`] (SPEC §7): the bearer token of an sso-session profile.

use std::time::Duration;

use async_trait::async_trait;
use ssokit_config_parser::ProfileSet;
use ssokit_sso_client::Service;

use crate::cache::TOKEN_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::files::FileOptions;
use crate::provider::{Cached, Load};
use crate::session::{SessionRequest, session_section, session_token};
use crate::types::Token;

/// The SSO bearer token of an sso-session profile, cached (300 s window), refreshed through
/// `CreateToken` when it is about to expire, at most once across providers and processes.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use ssokit_config_parser::{Env, Home};
/// use ssokit_credentials::{ProviderConfig, SsoTokenProvider, TestClock};
///
/// let home = tempfile::tempdir()?;
/// std::fs::create_dir(home.path().join(".aws"))?;
/// std::fs::write(home.path().join(".aws/config"), "[profile a]\nsso_start_url = https://x\n")?;
/// let config = ProviderConfig::new(Env::new(), TestClock::new("2026-03-01T12:00:00Z".parse()?))
///     .with_home(Home::new(home.path()));
/// let error = SsoTokenProvider::builder(config).profile_name("a").build().get().await.unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "Profile \"a\" is missing required property \"sso_session\". Bearer tokens need a profile \
///      that refers to an [sso-session] section; this profile uses the legacy sso_start_url form."
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AWS.SSOTokenProvider")]
#[doc(alias = "SSOTokenProvider")]
pub struct SsoTokenProvider {
    cached: Cached<Token>,
}

crate::provider::cached_provider!(SsoTokenProvider, token, "SsoTokenProvider");

impl SsoTokenProvider {
    /// A builder over `config`.
    pub fn builder(config: ProviderConfig) -> SsoTokenProviderBuilder {
        SsoTokenProviderBuilder {
            config,
            files: FileOptions::default(),
            window: TOKEN_WINDOW,
        }
    }
}

/// Builds a [`SsoTokenProvider`]. Tokens read the config file only.
#[derive(Debug)]
#[must_use]
pub struct SsoTokenProviderBuilder {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
}

impl SsoTokenProviderBuilder {
    crate::builder::builder_setters!(
        profile_name,
        config_file,
        expiry_window = "The expiry window, also the margin under which a cached token is refreshed (default 300 s).",
        oidc_endpoint_url,
        http_client,
        http_settings,
    );

    /// The provider. No I/O.
    pub fn build(self) -> SsoTokenProvider {
        let load = TokenLoad {
            config: self.config.clone(),
            files: self.files,
            window: self.window,
        };
        SsoTokenProvider {
            cached: Cached::new(self.config.clock_arc(), self.window, load),
        }
    }
}

struct TokenLoad {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
}

#[async_trait]
impl Load<Token> for TokenLoad {
    async fn load(&self) -> Result<Token, CredentialsError> {
        let files = self.files.locations(&self.config)?;
        let set = ProviderConfig::load_config_only(&files)?;
        let name = self.files.profile_name(&self.config);
        let request = token_request(&self.config, &set, &name, self.window)?;
        session_token(&self.config, request).await
    }
}

/// What the token of profile `name` needs (SPEC §7.1 steps 2-4): T-PROFILE, T-NOSESSION,
/// T-LEGACY, T-SESSION or T-SESSKEY, else the session, its OIDC endpoint and the client.
pub(crate) fn token_request(
    config: &ProviderConfig,
    set: &ProfileSet,
    name: &str,
    window: Duration,
) -> Result<SessionRequest, CredentialsError> {
    let Some(profile) = set.profile(name) else {
        return Err(CredentialsError::not_configured(
            ErrorCode::ProfileNotFound,
            format!("Profile \"{name}\" not found"),
        ));
    };
    let Some(session_name) = profile.get("sso_session") else {
        let missing = format!("Profile \"{name}\" is missing required property \"sso_session\".");
        return Err(if profile.get("sso_start_url").is_some() {
            CredentialsError::failed(
                ErrorCode::LegacyProfile,
                format!(
                    "{missing} Bearer tokens need a profile that refers to an [sso-session] section; this profile uses the legacy sso_start_url form."
                ),
            )
            .at(profile.property("sso_start_url").map(|p| p.location()))
        } else {
            CredentialsError::not_configured(ErrorCode::NoSession, missing)
                .at(Some(profile.location()))
        });
    };
    let (_, region) = session_section(set, &profile, session_name)?;
    Ok(SessionRequest {
        session: session_name.to_owned(),
        window,
        endpoint: config.sso_endpoint_config(set, &profile, region, Service::Oidc),
        client: config.client(Some(&profile)),
    })
}
