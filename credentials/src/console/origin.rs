//! What stands behind the credentials a console sign-in uses (SPEC §24 steps 1, 2 and 4),
//! read from the profile's [`ProfilePlan`] (the providers' own decisions, without network):
//! the IAM Identity Center start URL and `sso_region` (for `Issuer` and the region), and
//! whether the credentials come from role chaining (an `AssumeRole` whose source
//! credentials were temporary: the sign-in endpoint then rejects `SessionDuration`).

use ssokit_config_parser::Section;

use crate::config::ProviderConfig;
use crate::error::CredentialsError;
use crate::plan::{CredentialsRoute, PlanFiles, ProfilePlan, RoleChainRoute};
use crate::provider::ProvideCredentials;
use crate::providers::environment::environment_credentials;
use crate::providers::profile::ProfileCredentialsProvider;
use crate::types::Credentials;

/// The facts behind one set of credentials.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CredentialsOrigin {
    /// The SSO start URL, when the credentials (or the base of their role chain) come
    /// from IAM Identity Center.
    pub(crate) start_url: Option<String>,
    /// Its `sso_region`.
    pub(crate) sso_region: Option<String>,
    /// Whether the credentials come from role chaining.
    pub(crate) role_chained: bool,
}

impl CredentialsOrigin {
    /// The origin of `credentials`, resolved for `profile` (a profile of `files`). Only
    /// credentials of the profile provider have a plan behind them; the environment's, the
    /// container's and the instance's have none. A role chain over a `credential_process`
    /// base asks the process again (with the same configuration) whether its credentials
    /// are temporary: the plan never runs it.
    pub(crate) async fn of(
        config: &ProviderConfig,
        files: &PlanFiles,
        profile: &Section<'_>,
        credentials: &Credentials,
    ) -> Result<Self, CredentialsError> {
        if matches!(
            credentials.provider_name(),
            "Environment" | "Container" | "Imds"
        ) {
            return Ok(Self::default());
        }
        let plan = ProfilePlan::new(config, files, profile);
        match plan.credentials() {
            Ok(CredentialsRoute::Sso(sso)) => Ok(Self {
                start_url: Some(sso.start_url().to_owned()),
                sso_region: Some(sso.region().to_owned()),
                role_chained: false,
            }),
            Ok(CredentialsRoute::RoleChain(chain)) => {
                let (start_url, sso_region) = match chain.base() {
                    CredentialsRoute::Sso(sso) => (
                        Some(sso.start_url().to_owned()),
                        Some(sso.region().to_owned()),
                    ),
                    _ => (None, None),
                };
                let role_chained =
                    chain.hops().len() > 1 || base_is_temporary(config, files, chain).await?;
                Ok(Self {
                    start_url,
                    sso_region,
                    role_chained,
                })
            }
            _ => Ok(Self::default()),
        }
    }
}

/// Whether the base of a role chain gives temporary credentials (with a session token).
async fn base_is_temporary(
    config: &ProviderConfig,
    files: &PlanFiles,
    chain: &RoleChainRoute,
) -> Result<bool, CredentialsError> {
    let base_profile = || {
        chain
            .base_profile()
            .and_then(|p| files.profiles().profile(p))
    };
    Ok(match chain.base() {
        CredentialsRoute::StaticKeys => base_profile()
            .and_then(|p| p.get("aws_session_token").map(|t| !t.is_empty()))
            .unwrap_or(false),
        CredentialsRoute::CredentialSource("Environment") => {
            environment_credentials(config.env(), "AWS")
                .or_else(|_| environment_credentials(config.env(), "AMAZON"))
                .is_ok_and(|c| c.session_token().is_some_and(|t| !t.is_empty()))
        }
        CredentialsRoute::Process { .. } => match chain.base_profile() {
            Some(name) => ProfileCredentialsProvider::builder(config.clone())
                .profile_name(name)
                .build()
                .provide_credentials()
                .await?
                .session_token()
                .is_some_and(|t| !t.is_empty()),
            None => false,
        },
        // IAM Identity Center, web identity, the instance and the container: temporary.
        _ => true,
    })
}
