//! The built steps of a role chain (SPEC §15.4): one cached provider for the base and one
//! [`AssumeRoleLoad`] per hop, each signing with the step below it. Every step is a
//! [`Cached`], so a chain refreshes only the steps that need it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::provider::{Cached, Load};
use crate::providers::assume_role::AssumeRoleLoad;
use crate::providers::container::container_credentials;
use crate::providers::environment::environment_credentials;
use crate::providers::imds::ImdsLoad;
use crate::providers::web_identity::assume_role_with_web_identity;
use crate::role_chain::{Base, NamedSource, RoleChain, Roles};
use crate::types::Credentials;

/// One built step: the base or a hop, cached.
pub(crate) struct Step {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(Step, credentials, "ProfileCredentialsProvider");

/// Builds the steps of `chain` (no I/O) and returns the last one, whose value is the
/// chain's.
pub(crate) fn build(config: &ProviderConfig, chain: RoleChain, window: Duration) -> Arc<Step> {
    let RoleChain { base, roles } = chain;
    let base_load = BaseLoad {
        config: config.clone(),
        base,
    };
    let mut top = Arc::new(Step {
        cached: Cached::new(config.clock_arc(), window, base_load),
    });
    let Some(Roles { hops, sts }) = roles else {
        return top;
    };
    for hop in hops {
        let load = AssumeRoleLoad {
            config: config.clone(),
            source: top,
            hop,
            sts: Ok(sts.clone()),
        };
        top = Arc::new(Step {
            cached: Cached::new(config.clock_arc(), window, load),
        });
    }
    top
}

/// The base's load.
struct BaseLoad {
    config: ProviderConfig,
    base: Base,
}

#[async_trait]
impl Load<Credentials> for BaseLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        match &self.base {
            Base::Static { credentials, .. } => Ok(credentials.clone()),
            Base::Named {
                profile,
                source,
                location,
            } => named(&self.config, *source).await.map_err(|e| {
                e.wrapped(
                    ErrorCode::CredentialSource,
                    &format!(
                        "Profile {profile} could not get credentials from credential_source = {}: ",
                        source.name()
                    ),
                )
                .at(location.clone())
            }),
            Base::WebIdentity { web, sts } => {
                assume_role_with_web_identity(&self.config, web, sts).await
            }
            Base::Sso(plan) => plan.run(&self.config).await,
            Base::Process(step) => step.run(&self.config).await,
        }
    }
}

/// The credentials a `credential_source` names: the environment's keys, the container
/// endpoint's or IMDS's (sharing the configuration's IMDS state).
async fn named(
    config: &ProviderConfig,
    source: NamedSource,
) -> Result<Credentials, CredentialsError> {
    match source {
        NamedSource::Environment => environment_credentials(config.env(), "AWS")
            .or_else(|aws| environment_credentials(config.env(), "AMAZON").map_err(|_| aws)),
        NamedSource::Ec2InstanceMetadata => ImdsLoad::for_source(config.clone()).load().await,
        NamedSource::EcsContainer => container_credentials(config).await,
    }
}
