//! The role chain of a profile (SPEC §15.1): a **base** that produces credentials by
//! itself and the `AssumeRole` **hops** above it, resolved from the two files alone (no
//! other I/O), with the STS endpoint every hop and a web identity base share (§15.6).
//!
//! The profile provider builds its steps from a [`RoleChain`]; the plan describes the same
//! value, so `ssokit profiles` shows what the provider would do.

use std::path::PathBuf;

use ssokit_config_parser::{Location, ProfileSet, Section};
use ssokit_sts_client::{Sts, StsClient, StsEndpoint};

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::process::ProcessStep;
use crate::providers::sso::{SsoPlan, is_sso_profile, sso_plan};
use crate::types::Credentials;

/// The longest role chain ssokit resolves.
pub(crate) const MAX_HOPS: usize = 8;

/// The keys K-NOCREDS and R-SRCNOCREDS list.
const LOOKED_FOR: &str = "aws_access_key_id, role_arn, credential_source, web_identity_token_file, sso_session, sso_start_url, credential_process";

/// What a profile's credentials come from: a base, then the roles assumed over it.
pub(crate) struct RoleChain {
    pub(crate) base: Base,
    /// `None`: the base's credentials are the profile's.
    pub(crate) roles: Option<Roles>,
}

/// The `AssumeRole` hops over a base, and the STS they call.
pub(crate) struct Roles {
    /// Base first, at least one: `hops[0]` is signed with the base's credentials.
    pub(crate) hops: Vec<Hop>,
    pub(crate) sts: StsTarget,
}

/// The step that produces credentials without another profile's.
pub(crate) enum Base {
    /// `aws_access_key_id` and `aws_secret_access_key` (with `aws_session_token`).
    Static {
        profile: String,
        credentials: Credentials,
    },
    /// `credential_source`.
    Named {
        profile: String,
        source: NamedSource,
        location: Option<Location>,
    },
    /// `web_identity_token_file` and `role_arn`, and the STS that takes the token.
    WebIdentity { web: WebIdentity, sts: StsTarget },
    /// IAM Identity Center (SPEC §8).
    Sso(Box<SsoPlan>),
    /// `credential_process`.
    Process(ProcessStep),
}

impl Base {
    /// The profile the base's settings are in (`None` for the environment's web identity).
    pub(crate) fn profile(&self) -> Option<&str> {
        match self {
            Base::Static { profile, .. } | Base::Named { profile, .. } => Some(profile),
            Base::WebIdentity { web, .. } => web.profile.as_deref(),
            Base::Sso(plan) => Some(&plan.profile),
            Base::Process(step) => Some(&step.profile),
        }
    }
}

/// A `credential_source` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NamedSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl NamedSource {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "Environment" => Some(Self::Environment),
            "Ec2InstanceMetadata" => Some(Self::Ec2InstanceMetadata),
            "EcsContainer" => Some(Self::EcsContainer),
            _ => None,
        }
    }

    /// The value as written.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Environment => "Environment",
            Self::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            Self::EcsContainer => "EcsContainer",
        }
    }
}

/// A web identity role: the environment form (no profile) or a profile's.
#[derive(Clone, Debug)]
pub(crate) struct WebIdentity {
    /// The profile that sets it; `None` for the environment variables.
    pub(crate) profile: Option<String>,
    pub(crate) role_arn: String,
    /// As written (no `~` expansion).
    pub(crate) token_file: PathBuf,
    pub(crate) session_name: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
}

/// One `AssumeRole` step (SPEC §15.5), from the profile that sets `role_arn`.
#[derive(Clone, Debug)]
pub(crate) struct Hop {
    /// `None` for a hop built in code (`AssumeRoleCredentialsProvider`).
    pub(crate) profile: Option<String>,
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    /// As configured; [`DEFAULT_DURATION`] is sent when `None` (the role cache key tells
    /// the two apart, SPEC §21).
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) mfa_serial: Option<String>,
}

impl Hop {
    /// The `DurationSeconds` sent.
    pub(crate) fn duration(&self) -> u32 {
        self.duration_seconds.unwrap_or(DEFAULT_DURATION)
    }

    /// The role cache key of this hop's credentials (SPEC §21).
    pub(crate) fn role_cache_key(&self) -> ssokit_token_cache::RoleCacheKey<'_> {
        ssokit_token_cache::RoleCacheKey::AssumeRole {
            role_arn: &self.role_arn,
            role_session_name: self.session_name.as_deref(),
            external_id: self.external_id.as_deref(),
            serial_number: self.mfa_serial.as_deref(),
            duration_seconds: self.duration_seconds,
        }
    }
}

/// Where STS calls go: the endpoint and signing region, the region and where it came
/// from, and the client.
#[derive(Clone, Debug)]
pub(crate) struct StsTarget {
    pub(crate) endpoint: StsEndpoint,
    pub(crate) region: String,
    /// `AWS_REGION`, `profile p`, `the default`, ...
    pub(crate) region_source: String,
    pub(crate) client: StsClient,
}

/// The default `DurationSeconds` of `AssumeRole`.
pub(crate) const DEFAULT_DURATION: u32 = 3600;

/// Resolves profile `selected` (SPEC §15.1). An absent profile is S-PROFILE (not
/// configured); K-NOCREDS is not configured; every other error is failed once a hop or a
/// source profile is involved (§15.3), phase 1's classification otherwise.
pub(crate) fn resolve(
    config: &ProviderConfig,
    set: &ProfileSet,
    selected: &str,
) -> Result<RoleChain, CredentialsError> {
    let Some(first) = set.profile(selected) else {
        return Err(CredentialsError::not_configured(
            ErrorCode::ProfileNotFound,
            format!("Profile {selected} not found"),
        ));
    };
    let mut visited: Vec<String> = Vec::new();
    let mut hops: Vec<Hop> = Vec::new();
    let mut profile = first;
    let mut referrer: Option<(String, Option<Location>)> = None;
    let base = loop {
        let name = profile.name();
        visited.push(name.to_owned());
        let both_keys = ["aws_access_key_id", "aws_secret_access_key"]
            .iter()
            .all(|key| profile.get(key).is_some());
        if !hops.is_empty()
            && both_keys
            && let Some(credentials) = static_keys(&profile)?
        {
            break Base::Static {
                profile: name.to_owned(),
                credentials,
            };
        }
        if let Some(file) = profile.property("web_identity_token_file") {
            let web = web_identity_base(&profile, file.value(), file.location())
                .map_err(|e| if hops.is_empty() { e } else { e.into_failed() })?;
            // The path is complete: this base ends it.
            let sts = sts_target(config, Some((set, &first)), &visited, None)?;
            break Base::WebIdentity { web, sts };
        }
        let Some(role) = profile.property("role_arn") else {
            let base = profile_base(config, set, &profile, referrer.as_ref(), hops.is_empty());
            break base.map_err(|e| if hops.is_empty() { e } else { e.into_failed() })?;
        };
        if hops.len() == MAX_HOPS {
            return Err(CredentialsError::failed(
                ErrorCode::RoleCycle,
                format!(
                    "Profile {selected} needs more than {MAX_HOPS} roles ({}); ssokit stops role chains at {MAX_HOPS}",
                    visited.join(" -> ")
                ),
            )
            .at(Some(role.location())));
        }
        hops.push(hop(&profile, role.value())?);
        let source = one_source(&profile, &role.location())?;
        match source {
            Source::Named(value, location) => {
                break named_base(name, value, location)?;
            }
            Source::Profile(next, location) if next == name => {
                let referrer = (name.to_owned(), location);
                break profile_base(config, set, &profile, Some(&referrer), false)
                    .map_err(CredentialsError::into_failed)?;
            }
            Source::Profile(next, location) => {
                let Some(next_profile) = set.profile(next) else {
                    return Err(CredentialsError::failed(
                        ErrorCode::RoleSettings,
                        format!(
                            "Profile {name} sets source_profile = {next}, but profile {next} does not exist"
                        ),
                    )
                    .at(location));
                };
                if visited.iter().any(|v| v == next) {
                    return Err(CredentialsError::failed(
                        ErrorCode::RoleCycle,
                        format!(
                            "Profiles form a source_profile cycle: {} -> {next}",
                            visited.join(" -> ")
                        ),
                    )
                    .at(location));
                }
                referrer = Some((name.to_owned(), location));
                profile = next_profile;
            }
        }
    };
    if hops.is_empty() {
        return Ok(RoleChain { base, roles: None });
    }
    hops.reverse();
    let sts = match &base {
        Base::WebIdentity { sts, .. } => sts.clone(),
        _ => sts_target(config, Some((set, &first)), &visited, None)?,
    };
    Ok(RoleChain {
        base,
        roles: Some(Roles { hops, sts }),
    })
}

/// What a role profile names as its source.
enum Source<'a> {
    Profile(&'a str, Option<Location>),
    Named(&'a str, Option<Location>),
}

/// `source_profile` or `credential_source`: exactly one (R-BOTH, R-NOSOURCE).
fn one_source<'a>(profile: &Section<'a>, role: &Location) -> Result<Source<'a>, CredentialsError> {
    let name = profile.name();
    match (
        profile.property("source_profile"),
        profile.property("credential_source"),
    ) {
        (Some(_), Some(named)) => {
            Err(both(name, "source_profile", "credential_source").at(Some(named.location())))
        }
        (Some(source), None) => Ok(Source::Profile(source.value(), Some(source.location()))),
        (None, Some(named)) => Ok(Source::Named(named.value(), Some(named.location()))),
        (None, None) => Err(CredentialsError::failed(
            ErrorCode::RoleSettings,
            format!(
                "Profile {name} sets role_arn but neither source_profile nor credential_source"
            ),
        )
        .at(Some(role.clone()))),
    }
}

fn both(profile: &str, a: &str, b: &str) -> CredentialsError {
    CredentialsError::failed(
        ErrorCode::RoleSettings,
        format!("Profile {profile} sets both {a} and {b}; remove one"),
    )
}

/// `credential_source = value` (R-SOURCE unless one of the three).
fn named_base(
    profile: &str,
    value: &str,
    location: Option<Location>,
) -> Result<Base, CredentialsError> {
    let Some(source) = NamedSource::parse(value) else {
        return Err(CredentialsError::failed(
            ErrorCode::RoleSettings,
            format!(
                "Profile {profile} sets credential_source = \"{value}\"; expected Environment, Ec2InstanceMetadata or EcsContainer"
            ),
        )
        .at(location));
    };
    Ok(Base::Named {
        profile: profile.to_owned(),
        source,
        location,
    })
}

/// A profile with `web_identity_token_file` (step 3): R-BOTH, W-NOROLE, or its role.
fn web_identity_base(
    profile: &Section<'_>,
    file: &str,
    location: Location,
) -> Result<WebIdentity, CredentialsError> {
    let name = profile.name();
    for other in ["source_profile", "credential_source"] {
        if let Some(p) = profile.property(other) {
            return Err(both(name, "web_identity_token_file", other).at(Some(p.location())));
        }
    }
    let Some(role_arn) = profile.get("role_arn") else {
        return Err(CredentialsError::failed(
            ErrorCode::RoleSettings,
            format!("Profile {name} sets web_identity_token_file but not role_arn"),
        )
        .at(Some(location)));
    };
    if profile.get("mfa_serial").is_some() {
        tracing::warn!(
            "Profile {name} sets mfa_serial, which a web identity role ignores (STS asks no MFA code for AssumeRoleWithWebIdentity)"
        );
    }
    Ok(WebIdentity {
        profile: Some(name.to_owned()),
        role_arn: role_arn.to_owned(),
        token_file: PathBuf::from(file),
        session_name: session_name(profile)?,
        duration_seconds: duration(profile)?,
    })
}

/// A profile's own credentials (step 5). `referrer` is the profile whose
/// `source_profile` led here (R-SRCNOCREDS names it); `selected` says whether this is the
/// selected profile without hops (then "nothing" is K-NOCREDS, not configured).
fn profile_base(
    config: &ProviderConfig,
    set: &ProfileSet,
    profile: &Section<'_>,
    referrer: Option<&(String, Option<Location>)>,
    selected: bool,
) -> Result<Base, CredentialsError> {
    let name = profile.name();
    if let Some(named) = profile.property("credential_source") {
        return named_base(name, named.value(), Some(named.location()));
    }
    if let Some(credentials) = static_keys(profile)? {
        return Ok(Base::Static {
            profile: name.to_owned(),
            credentials,
        });
    }
    if is_sso_profile(profile) {
        match sso_plan(config, set, profile) {
            Ok(plan) => return Ok(Base::Sso(Box::new(plan))),
            Err(e) if e.is_not_configured() && profile.get("credential_process").is_some() => {}
            Err(e) => return Err(e),
        }
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(Base::Process(ProcessStep::of(profile, command)));
    }
    match referrer {
        Some((referrer, _)) if !selected => Err(CredentialsError::failed(
            ErrorCode::NoCredentials,
            format!(
                "Profile {name} (source_profile of profile {referrer}) has no credentials (looked for {LOOKED_FOR})"
            ),
        )
        .at(Some(profile.location()))),
        _ => Err(CredentialsError::not_configured(
            ErrorCode::NoCredentials,
            format!("Profile {name} has no credentials (looked for {LOOKED_FOR})"),
        )
        .at(Some(profile.location()))),
    }
}

/// Both static keys, one (K-HALF), or none.
pub(crate) fn static_keys(profile: &Section<'_>) -> Result<Option<Credentials>, CredentialsError> {
    let name = profile.name();
    match (
        profile.get("aws_access_key_id"),
        profile.get("aws_secret_access_key"),
    ) {
        (Some(id), Some(secret)) => Ok(Some(
            Credentials::new(
                id,
                secret,
                profile.get("aws_session_token").map(str::to_owned),
                None,
                "Profile",
            )
            .with_account_id(profile.get("aws_account_id").map(str::to_owned)),
        )),
        (Some(_), None) => Err(CredentialsError::failed(
            ErrorCode::HalfStaticKeys,
            format!("Profile {name} sets aws_access_key_id but not aws_secret_access_key"),
        )
        .at(profile.property("aws_access_key_id").map(|p| p.location()))),
        (None, Some(_)) => Err(CredentialsError::failed(
            ErrorCode::HalfStaticKeys,
            format!("Profile {name} sets aws_secret_access_key but not aws_access_key_id"),
        )
        .at(profile
            .property("aws_secret_access_key")
            .map(|p| p.location()))),
        (None, None) => Ok(None),
    }
}

/// The hop of a profile that sets `role_arn` (SPEC §15.5).
fn hop(profile: &Section<'_>, role_arn: &str) -> Result<Hop, CredentialsError> {
    Ok(Hop {
        profile: Some(profile.name().to_owned()),
        role_arn: role_arn.to_owned(),
        session_name: session_name(profile)?,
        external_id: profile.get("external_id").map(str::to_owned),
        duration_seconds: duration(profile)?,
        mfa_serial: profile.get("mfa_serial").map(str::to_owned),
    })
}

/// `role_session_name`, checked (R-SESSNAME).
fn session_name(profile: &Section<'_>) -> Result<Option<String>, CredentialsError> {
    let Some(property) = profile.property("role_session_name") else {
        return Ok(None);
    };
    let source = format!("role_session_name in profile {}", profile.name());
    check_session_name(property.value(), &source)
        .map(|()| Some(property.value().to_owned()))
        .map_err(|e| e.at(Some(property.location())))
}

/// R-SESSNAME: 2 to 64 characters from `A-Za-z0-9_+=,.@-`.
pub(crate) fn check_session_name(value: &str, source: &str) -> Result<(), CredentialsError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b);
    if (2..=64).contains(&value.len()) && value.bytes().all(allowed) {
        return Ok(());
    }
    Err(CredentialsError::failed(
        ErrorCode::RoleSettings,
        format!(
            "invalid value \"{value}\" for {source}: expected 2 to 64 characters from A-Z a-z 0-9 _ + = , . @ -"
        ),
    ))
}

/// `duration_seconds`: digits only, 900 to 43200 (R-DURATION).
fn duration(profile: &Section<'_>) -> Result<Option<u32>, CredentialsError> {
    let Some(property) = profile.property("duration_seconds") else {
        return Ok(None);
    };
    let value = property.value();
    let seconds = Some(value)
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|s| (900..=43_200).contains(s));
    match seconds {
        Some(seconds) => Ok(Some(seconds)),
        None => Err(CredentialsError::failed(
            ErrorCode::RoleSettings,
            format!(
                "invalid value \"{value}\" for duration_seconds in profile {}: expected an integer from 900 to 43200",
                profile.name()
            ),
        )
        .at(Some(property.location()))),
    }
}

/// The STS target of a chain (SPEC §15.6, §14.5): the region `explicit` (set in code),
/// else from the environment, the selected profile, the first `region` along `path` (the
/// profiles the chain visited), else `us-east-1`; the endpoint from the environment and the
/// selected profile's settings.
pub(crate) fn sts_target(
    config: &ProviderConfig,
    selected: Option<(&ProfileSet, &Section<'_>)>,
    path: &[String],
    explicit: Option<(String, &str)>,
) -> Result<StsTarget, CredentialsError> {
    let env = config.env();
    let set = selected.map(|(set, _)| set);
    let explicit = explicit.map(|(region, source)| (region, source.to_owned()));
    let (region, region_source) = explicit
        .into_iter()
        .chain(
            ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .filter_map(|var| {
                    env.get(var)
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| (v.to_owned(), (*var).to_owned()))
                }),
        )
        .next()
        .or_else(|| {
            path.iter().find_map(|name| {
                let region = set?.profile(name)?.get("region")?.to_owned();
                Some((region, format!("profile {name}")))
            })
        })
        .unwrap_or_else(|| ("us-east-1".to_owned(), "the default".to_owned()));
    let profile = selected.map(|(_, p)| p);
    let sts = sts_setting(config, profile)?;
    let endpoint_config = config.sts_endpoint_config(selected, &region)?;
    let endpoint = StsEndpoint::resolve(&endpoint_config, sts)
        .map_err(|e| CredentialsError::failed(ErrorCode::Endpoint, e.to_string()).caused_by(e))?;
    Ok(StsTarget {
        endpoint,
        region,
        region_source,
        client: config.sts_client(profile)?,
    })
}

/// `AWS_STS_REGIONAL_ENDPOINTS`, else `sts_regional_endpoints`: `regional` (default) or
/// `legacy` (R-GLOBAL).
fn sts_setting(
    config: &ProviderConfig,
    profile: Option<&Section<'_>>,
) -> Result<Sts, CredentialsError> {
    let (value, source, location) = match config.env().get("AWS_STS_REGIONAL_ENDPOINTS") {
        Some(v) => (v, "AWS_STS_REGIONAL_ENDPOINTS".to_owned(), None),
        None => match profile.and_then(|p| Some((p.name(), p.property("sts_regional_endpoints")?)))
        {
            Some((name, p)) => (
                p.value(),
                format!("sts_regional_endpoints in profile {name}"),
                Some(p.location()),
            ),
            None => return Ok(Sts::regional()),
        },
    };
    match value.trim() {
        "regional" => Ok(Sts::regional()),
        "legacy" => Ok(Sts::legacy_global()),
        _ => Err(CredentialsError::failed(
            ErrorCode::InvalidSetting,
            format!("invalid value \"{value}\" for {source}: expected regional or legacy"),
        )
        .at(location)),
    }
}

#[cfg(test)]
mod conformance;
