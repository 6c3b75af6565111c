//! [`ContainerCredentialsProvider`] (SPEC §16.1): the credentials of an ECS task role, ECS
//! Anywhere or EKS Pod Identity, from the container credentials endpoint the environment
//! names, with the authorization token read again at every load.

use std::time::Duration;

use async_trait::async_trait;
use ssokit_config_parser::Env;
use ssokit_metadata_client::{ContainerEndpoint, ContainerError, check_authorization};

use crate::cache::CREDENTIALS_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::provider::{Cached, Load};
use crate::types::Credentials;

const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Credentials from the container credentials endpoint (v2 `ECSCredentials`), cached (15 s
/// window) and single-flight.
///
/// The endpoint is `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2), else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (plain http only to loopback and the container
/// agents' addresses); the `authorization` header is the content of
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read at every load (EKS rotates it), else
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. Neither URI variable is C-NONE, not configured;
/// every other error is failed.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use ssokit_config_parser::Env;
/// use ssokit_credentials::{ContainerCredentialsProvider, ProviderConfig, TestClock};
///
/// let config = ProviderConfig::new(Env::new(), TestClock::new("2026-03-01T12:00:00Z".parse()?));
/// let error = ContainerCredentialsProvider::new(config).get().await.unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
/// );
/// assert!(error.is_not_configured());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AWS.ECSCredentials")]
#[doc(alias = "ECSCredentials")]
#[doc(alias = "EcsCredentialsProvider")]
pub struct ContainerCredentialsProvider {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(
    ContainerCredentialsProvider,
    credentials,
    "ContainerCredentialsProvider"
);

impl ContainerCredentialsProvider {
    /// A provider over `config`. No I/O.
    pub fn new(config: ProviderConfig) -> Self {
        Self::with_expiry_window(config, CREDENTIALS_WINDOW)
    }

    /// A provider over `config` whose values count as stale `window` before they expire.
    pub fn with_expiry_window(config: ProviderConfig, window: Duration) -> Self {
        Self {
            cached: Cached::new(config.clock_arc(), window, ContainerLoad { config }),
        }
    }
}

pub(crate) struct ContainerLoad {
    pub(crate) config: ProviderConfig,
}

#[async_trait]
impl Load<Credentials> for ContainerLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        container_credentials(&self.config).await
    }
}

/// The container endpoint's credentials for the environment of `config` (C-NONE not
/// configured, every other error failed).
pub(crate) async fn container_credentials(
    config: &ProviderConfig,
) -> Result<Credentials, CredentialsError> {
    let env = config.env();
    let endpoint = container_endpoint(env)?;
    let token = authorization(env).await?;
    tracing::debug!(url = %endpoint.url_without_query(), "calling the container credentials endpoint");
    let answer = config
        .container_client()
        .credentials(&endpoint, token.as_deref())
        .await
        .map_err(failed)?;
    let now = config.clock().now();
    if answer.expiration() <= now {
        tracing::warn!(
            "the container credentials endpoint returned credentials that expired at {}; using them",
            answer.expiration()
        );
    }
    Ok(Credentials::new(
        answer.access_key_id(),
        answer.secret_access_key(),
        Some(answer.token().to_owned()),
        Some(answer.expiration()),
        "Container",
    )
    .with_account_id(answer.account_id().map(str::to_owned)))
}

/// The endpoint the environment names, or C-NONE (not configured), C-URL, C-HOST.
pub(crate) fn container_endpoint(env: &Env) -> Result<ContainerEndpoint, CredentialsError> {
    ContainerEndpoint::from_variables(env.get(RELATIVE_URI), env.get(FULL_URI))
        .map_err(failed)?
        .ok_or_else(|| {
            CredentialsError::not_configured(
                ErrorCode::ContainerNotSet,
                format!("{RELATIVE_URI} and {FULL_URI} are not set"),
            )
        })
}

/// Where the authorization token comes from: the file variable, else the token variable.
pub(crate) fn authorization_source(env: &Env) -> Option<&'static str> {
    let set = |name: &str| env.get(name).is_some_and(|v| !v.is_empty());
    if set(TOKEN_FILE) {
        Some(TOKEN_FILE)
    } else if set(TOKEN) {
        Some(TOKEN)
    } else {
        None
    }
}

/// The authorization token: the file's bytes unmodified (read now), else the variable;
/// C-TOKEN when unreadable, empty or holding CR or LF.
async fn authorization(env: &Env) -> Result<Option<String>, CredentialsError> {
    match authorization_source(env) {
        Some(TOKEN_FILE) => {
            let path = env.get(TOKEN_FILE).unwrap_or_default().to_owned();
            let token = tokio::fs::read_to_string(&path).await.map_err(|e| {
                CredentialsError::failed(
                    ErrorCode::Container,
                    format!("could not read {path} ({TOKEN_FILE}): {e}"),
                )
                .caused_by(e)
            })?;
            check_authorization(&token, &path).map_err(failed)?;
            Ok(Some(token))
        }
        Some(_) => {
            let token = env.get(TOKEN).unwrap_or_default().to_owned();
            check_authorization(&token, TOKEN).map_err(failed)?;
            Ok(Some(token))
        }
        None => Ok(None),
    }
}

fn failed(error: ContainerError) -> CredentialsError {
    CredentialsError::failed(ErrorCode::Container, error.to_string()).caused_by(error)
}
