//! [`WebIdentityTokenCredentialsProvider`] (SPEC §15.7): STS `AssumeRoleWithWebIdentity`
//! with the token file and role the environment names (EKS IRSA, CI OIDC); and the web
//! identity call a profile's base makes (§15.2).

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use ssokit_config_parser::{Env, ProfileSet};

use crate::cache::CREDENTIALS_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::files::FileOptions;
use crate::provider::{Cached, Load};
use crate::providers::assume_role::{default_session_name, sts_credentials};
use crate::role_chain::{StsTarget, WebIdentity, check_session_name, sts_target};
use crate::types::Credentials;

/// Credentials from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and
/// `AWS_ROLE_SESSION_NAME` (v2 `TokenFileWebIdentityCredentials`), cached (15 s window)
/// and single-flight. Every load reads the token file again (the platform rotates it).
///
/// `AWS_WEB_IDENTITY_TOKEN_FILE` unset is W-NONE, not configured; every other error is
/// failed. The STS region and endpoint follow SPEC §15.6 with the selected profile's
/// settings when the profile exists.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use ssokit_config_parser::Env;
/// use ssokit_credentials::{ProviderConfig, TestClock, WebIdentityTokenCredentialsProvider};
///
/// let config = ProviderConfig::new(Env::new(), TestClock::new("2026-03-01T12:00:00Z".parse()?));
/// let provider = WebIdentityTokenCredentialsProvider::builder(config).build();
/// let error = provider.get().await.unwrap_err();
/// assert_eq!(error.to_string(), "AWS_WEB_IDENTITY_TOKEN_FILE is not set");
/// assert!(error.is_not_configured());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AWS.TokenFileWebIdentityCredentials")]
#[doc(alias = "WebIdentityTokenProvider")]
pub struct WebIdentityTokenCredentialsProvider {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(
    WebIdentityTokenCredentialsProvider,
    credentials,
    "WebIdentityTokenCredentialsProvider"
);

impl WebIdentityTokenCredentialsProvider {
    /// A builder over `config`.
    pub fn builder(config: ProviderConfig) -> WebIdentityTokenCredentialsProviderBuilder {
        WebIdentityTokenCredentialsProviderBuilder {
            config,
            files: FileOptions::default(),
            window: CREDENTIALS_WINDOW,
        }
    }
}

/// Builds a [`WebIdentityTokenCredentialsProvider`].
#[derive(Debug)]
#[must_use]
pub struct WebIdentityTokenCredentialsProviderBuilder {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
}

impl WebIdentityTokenCredentialsProviderBuilder {
    crate::builder::builder_setters!(
        profile_name,
        credentials_file,
        config_file,
        expiry_window = "The expiry window (default 15 s).",
    );

    /// The provider. No I/O.
    pub fn build(self) -> WebIdentityTokenCredentialsProvider {
        let load = EnvWebIdentityLoad {
            config: self.config.clone(),
            files: self.files,
        };
        WebIdentityTokenCredentialsProvider {
            cached: Cached::new(self.config.clock_arc(), self.window, load),
        }
    }
}

struct EnvWebIdentityLoad {
    config: ProviderConfig,
    files: FileOptions,
}

/// The role the environment names (W-NONE, W-ENVROLE, R-SESSNAME).
pub(crate) fn environment_web_identity(env: &Env) -> Result<WebIdentity, CredentialsError> {
    let set = |name: &str| env.get(name).filter(|v| !v.trim().is_empty());
    let Some(file) = set("AWS_WEB_IDENTITY_TOKEN_FILE") else {
        return Err(CredentialsError::not_configured(
            ErrorCode::WebIdentityNotSet,
            "AWS_WEB_IDENTITY_TOKEN_FILE is not set",
        ));
    };
    let Some(role_arn) = set("AWS_ROLE_ARN") else {
        return Err(CredentialsError::failed(
            ErrorCode::RoleSettings,
            "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
        ));
    };
    let session_name = set("AWS_ROLE_SESSION_NAME").map(str::to_owned);
    if let Some(name) = &session_name {
        check_session_name(name, "AWS_ROLE_SESSION_NAME")?;
    }
    Ok(WebIdentity {
        profile: None,
        role_arn: role_arn.to_owned(),
        token_file: file.into(),
        session_name,
        duration_seconds: None,
    })
}

/// STS for the environment's role: with profile `name`'s settings when `set` has it.
pub(crate) fn environment_sts(
    config: &ProviderConfig,
    set: Option<&ProfileSet>,
    name: &str,
) -> Result<StsTarget, CredentialsError> {
    match set.and_then(|set| Some((set, set.profile(name)?))) {
        Some((set, profile)) => sts_target(config, Some((set, &profile)), &[name.to_owned()], None),
        None => sts_target(config, None, &[], None),
    }
}

impl EnvWebIdentityLoad {
    /// STS with the selected profile's settings when it exists; no home is the
    /// environment alone.
    fn sts(&self) -> Result<StsTarget, CredentialsError> {
        let set = match self
            .files
            .locations(&self.config)
            .and_then(|files| ProviderConfig::load_profiles(&files))
        {
            Ok(set) => Some(set),
            Err(e) if e.code() == ErrorCode::Home => None,
            Err(e) => return Err(e),
        };
        let name = self.files.profile_name(&self.config);
        environment_sts(&self.config, set.as_ref(), &name)
    }
}

#[async_trait]
impl Load<Credentials> for EnvWebIdentityLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let web = environment_web_identity(self.config.env())?;
        let sts = self.sts()?;
        assume_role_with_web_identity(&self.config, &web, &sts).await
    }
}

/// Reads the token file (W-READ) and calls `AssumeRoleWithWebIdentity` (W-ROLE).
pub(crate) async fn assume_role_with_web_identity(
    config: &ProviderConfig,
    web: &WebIdentity,
    sts: &StsTarget,
) -> Result<Credentials, CredentialsError> {
    let token = read_token(&web.token_file).await?;
    let session = web
        .session_name
        .clone()
        .unwrap_or_else(|| default_session_name(config.clock().now()));
    let request = ssokit_sts_client::WebIdentityRequest::new(&web.role_arn, session, token)
        .duration_seconds(web.duration_seconds);
    tracing::debug!(role = %web.role_arn, "calling AssumeRoleWithWebIdentity");
    let assumed = sts
        .client
        .assume_role_with_web_identity(&sts.endpoint, &request)
        .await
        .map_err(|e| {
            CredentialsError::failed(
                ErrorCode::AssumeRole,
                format!(
                    "could not assume role {} with the web identity token in {}: {e}",
                    web.role_arn,
                    web.token_file.display()
                ),
            )
            .caused_by(e)
        })?;
    Ok(sts_credentials(&assumed, "WebIdentityToken", None))
}

/// The token file's text, as it is (W-READ when unreadable or blank).
async fn read_token(path: &Path) -> Result<String, CredentialsError> {
    let text = tokio::fs::read_to_string(path).await.map_err(|e| {
        CredentialsError::failed(
            ErrorCode::WebIdentityToken,
            format!(
                "could not read web identity token file {}: {e}",
                path.display()
            ),
        )
        .caused_by(e)
    })?;
    if text.trim().is_empty() {
        return Err(CredentialsError::failed(
            ErrorCode::WebIdentityToken,
            format!("web identity token file {} is empty", path.display()),
        ));
    }
    Ok(text)
}
