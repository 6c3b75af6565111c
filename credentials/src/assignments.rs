//! `ssokit accounts` and `ssokit roles` as a library (SPEC-commands §23): the accounts and
//! roles an SSO sign-in may use, every page of them, the roles of many accounts fetched by
//! a few paced workers, and the target's profiles for each role.
//!
//! Why here: a listing needs what the providers have (the §19.2 target, the session token
//! with its refresh or the legacy token with its rules, the portal endpoint, the HTTP
//! client of the settings profile), and its fan-out needs a runtime to spawn workers on;
//! sso-client has the wire (one page, or one listing's pages in sequence) and the http
//! crate the pacing the workers share.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use ssokit_config_parser::{ProfileSet, SectionKind};
use ssokit_http::{Endpoint, Pacing};
use ssokit_sso_client::{AccountInfo, RoleInfo, Service, ServiceErrorKind, SsoClient};
use tokio::task::JoinSet;

use crate::cache::TOKEN_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::login::target::{LoginTarget, LoginTargetRequest, TargetKind};
use crate::providers::sso::legacy_token;
use crate::session::{SessionRequest, session_token};

/// Requests of one listing in flight at most (one per worker).
pub const MAX_IN_FLIGHT: usize = 4;

/// Request starts per second at most, retries included.
pub const STARTS_PER_SECOND: u32 = 10;

/// Attempts a throttled request (429, `TooManyRequestsException`) gets, the first included.
pub const THROTTLED_ATTEMPTS: u32 = 8;

/// The pacing of one listing (SPEC-commands §23): [`STARTS_PER_SECOND`],
/// [`THROTTLED_ATTEMPTS`], and the pause shared by its workers after a throttled answer.
pub fn listing_pacing() -> Pacing {
    Pacing::new(STARTS_PER_SECOND, THROTTLED_ATTEMPTS)
}

/// One role the target may use, with the account it is in and the target's profiles for
/// it (SPEC-commands §23's `roles` row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignedRole {
    account_id: String,
    account_name: Option<String>,
    role_name: String,
    profiles: Vec<String>,
}

impl AssignedRole {
    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The account's name (`None` when the account was given, not listed, or has none).
    pub fn account_name(&self) -> Option<&str> {
        self.account_name.as_deref()
    }

    /// The role name.
    pub fn role_name(&self) -> &str {
        &self.role_name
    }

    /// The target's profiles with this account and role, in file order: for a session,
    /// those with its `sso_session`; for a legacy profile, the legacy profiles with its
    /// start URL.
    pub fn profiles(&self) -> &[String] {
        &self.profiles
    }
}

/// Every account of the target `request` selects (SPEC §19.2), sorted by name (none
/// first), then id: the token (a session's refreshed if it must be, a legacy one read
/// only), then `ListAccounts` page after page on the target's portal endpoint.
///
/// Errors: the target's (L-NOSSO, L-KEY, T-SESSION, T-SESSKEY), the token's (T-NOTOKEN,
/// T-CORRUPT, T-FAILED, S-NOTOKEN, S-KEYS, S-EXPIRED, T-EXPIRES), the endpoint's (P-*),
/// A-401, A-HTTP, N-*, A-SHAPE, A-LOOP.
pub async fn list_accounts(
    config: &ProviderConfig,
    request: &LoginTargetRequest,
) -> Result<Vec<AccountInfo>, CredentialsError> {
    let listing = Listing::prepare(config, request).await?;
    tracing::debug!(of = %listing.target.what(), "listing the accounts (ListAccounts)");
    let mut accounts = listing
        .client
        .list_all_accounts(&listing.endpoint, &listing.token)
        .await
        .map_err(|e| listing.error(e))?;
    accounts.sort_by(|a, b| {
        (a.account_name(), a.account_id()).cmp(&(b.account_name(), b.account_id()))
    });
    Ok(accounts)
}

/// Every role of the target `request` selects, in `account` only or in every account it
/// is assigned, sorted by account name (none first), account id and role name, each with
/// the target's profiles for it.
///
/// Without `account`: `ListAccounts` (every page), then each account's `ListAccountRoles`
/// pages in sequence, [`MAX_IN_FLIGHT`] accounts at a time, all paced by one
/// [`listing_pacing`]; the first error stops every worker. With `account`: only its
/// roles, and no account names. Errors as [`list_accounts`].
pub async fn list_roles(
    config: &ProviderConfig,
    request: &LoginTargetRequest,
    account: Option<&str>,
) -> Result<Vec<AssignedRole>, CredentialsError> {
    let listing = Listing::prepare(config, request).await?;
    let accounts = match account {
        Some(id) => vec![AccountInfo::new(id, None, None)],
        None => listing
            .client
            .list_all_accounts(&listing.endpoint, &listing.token)
            .await
            .map_err(|e| listing.error(e))?,
    };
    let ids: Vec<String> = accounts.iter().map(|a| a.account_id().to_owned()).collect();
    tracing::debug!(
        of = %listing.target.what(),
        accounts = ids.len(),
        workers = MAX_IN_FLIGHT.min(ids.len()),
        "listing the roles of each account (ListAccountRoles)"
    );
    let roles = list_roles_of_accounts(&listing.client, &listing.endpoint, &listing.token, &ids)
        .await
        .map_err(|e| match e {
            Fanout::Call(e) => listing.error(e),
            Fanout::Worker(e) => e,
        })?;
    let mut rows: Vec<AssignedRole> = accounts
        .iter()
        .zip(roles)
        .flat_map(|(account, roles)| {
            roles.into_iter().map(|role| AssignedRole {
                account_id: account.account_id().to_owned(),
                account_name: account.account_name().map(str::to_owned),
                profiles: listing.profiles_for(account.account_id(), role.role_name()),
                role_name: role.role_name().to_owned(),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.account_name(), a.account_id(), a.role_name()).cmp(&(
            b.account_name(),
            b.account_id(),
            b.role_name(),
        ))
    });
    Ok(rows)
}

/// Why a fan-out stopped: a call failed, or a worker could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Fanout {
    /// The first failed call (every other worker was stopped).
    #[error(transparent)]
    Call(ssokit_sso_client::Error),
    /// A worker panicked or was cancelled (the runtime shut down).
    #[error(transparent)]
    Worker(CredentialsError),
}

/// The roles of each of `account_ids`, in that order: each account's `ListAccountRoles`
/// pages in sequence, [`MAX_IN_FLIGHT`] accounts at a time, every request under `client`'s
/// pacing (give it [`listing_pacing`] with [`SsoClient::with_pacing`]). The first failure
/// stops every worker (their requests in flight are dropped).
///
/// For programs that have a token and an endpoint of their own; needs a Tokio runtime.
pub async fn list_roles_of_accounts(
    client: &SsoClient,
    endpoint: &Endpoint,
    access_token: &str,
    account_ids: &[String],
) -> Result<Vec<Vec<RoleInfo>>, Fanout> {
    let queue: Arc<Mutex<VecDeque<(usize, String)>>> = Arc::new(Mutex::new(
        account_ids.iter().cloned().enumerate().collect(),
    ));
    let mut workers = JoinSet::new();
    for _ in 0..MAX_IN_FLIGHT.min(account_ids.len()) {
        let (queue, client, endpoint) = (Arc::clone(&queue), client.clone(), endpoint.clone());
        let token = access_token.to_owned();
        workers.spawn(async move {
            let mut found = Vec::new();
            loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front();
                let Some((index, account)) = next else {
                    return Ok(found);
                };
                let roles = client
                    .list_all_account_roles(&endpoint, &token, &account)
                    .await?;
                found.push((index, roles));
            }
        });
    }
    let mut roles: Vec<Vec<RoleInfo>> = vec![Vec::new(); account_ids.len()];
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(Ok(found)) => {
                for (index, list) in found {
                    if let Some(slot) = roles.get_mut(index) {
                        *slot = list;
                    }
                }
            }
            Ok(Err(e)) => {
                workers.abort_all();
                return Err(Fanout::Call(e));
            }
            Err(e) => {
                workers.abort_all();
                return Err(Fanout::Worker(CredentialsError::failed(
                    ErrorCode::Cancelled,
                    format!("listing the roles stopped: {e}"),
                )));
            }
        }
    }
    Ok(roles)
}

/// What one listing needs once the target is known: the paced client, the portal
/// endpoint, the token, and who to send the user to when the token is refused.
struct Listing {
    client: SsoClient,
    endpoint: Endpoint,
    token: String,
    target: LoginTarget,
    set: ProfileSet,
}

impl Listing {
    async fn prepare(
        config: &ProviderConfig,
        request: &LoginTargetRequest,
    ) -> Result<Self, CredentialsError> {
        let files = config.file_locations()?;
        let set = ProviderConfig::load_profiles(&files)?;
        let target = LoginTarget::select(&set, request)?;
        let settings = target.settings_profile().and_then(|p| set.profile(p));
        let profile = settings.as_ref().map(|p| (&set, p));
        let client = config.client(settings.as_ref())?;
        let endpoint = config
            .sso_endpoint_for(profile, target.region(), Service::Portal)?
            .resolve(Service::Portal)
            .map_err(|e| {
                CredentialsError::failed(ErrorCode::Endpoint, e.to_string()).caused_by(e)
            })?;
        let token = match target.kind() {
            TargetKind::Session(session) => {
                let request = SessionRequest {
                    session: session.clone(),
                    window: TOKEN_WINDOW,
                    endpoint: config.sso_endpoint_for(profile, target.region(), Service::Oidc),
                    client: Ok(client.clone()),
                };
                session_token(config, request).await?.token().to_owned()
            }
            TargetKind::Legacy(name) => legacy_token(config, name, target.start_url()).await?,
        };
        Ok(Self {
            client: client.with_pacing(listing_pacing()),
            endpoint,
            token,
            target,
            set,
        })
    }

    /// A failed call as the command reports it: A-401 for 401 or
    /// `UnauthorizedException`, else the call's own text (A-HTTP, N-*, A-SHAPE, A-LOOP).
    fn error(&self, e: ssokit_sso_client::Error) -> CredentialsError {
        let failed = match e.as_service() {
            Some(service)
                if service.status() == 401
                    || ServiceErrorKind::of(service) == ServiceErrorKind::Unauthorized =>
            {
                let flag = match self.target.kind() {
                    TargetKind::Session(s) => format!("--sso-session {s}"),
                    TargetKind::Legacy(p) => format!("--profile {p}"),
                };
                CredentialsError::failed(
                    ErrorCode::Service,
                    format!(
                        "The SSO session for {} has expired or is otherwise invalid ({}: {}). Run \"ssokit login {flag}\".",
                        self.target.described(),
                        service.code(),
                        service.message()
                    ),
                )
            }
            Some(_) => CredentialsError::failed(ErrorCode::Service, e.to_string()),
            None => CredentialsError::failed(ErrorCode::Transport, e.to_string()),
        };
        failed.caused_by(e)
    }

    /// The target's profiles for `account` and `role`, in file order.
    fn profiles_for(&self, account: &str, role: &str) -> Vec<String> {
        let mut profiles: Vec<_> = self
            .set
            .sections(SectionKind::Profile)
            .into_iter()
            .filter(|p| {
                let ours = match self.target.kind() {
                    TargetKind::Session(s) => p.get("sso_session") == Some(s.as_str()),
                    TargetKind::Legacy(_) => {
                        p.get("sso_session").is_none()
                            && p.get("sso_start_url") == Some(self.target.start_url())
                    }
                };
                ours && p.get("sso_account_id") == Some(account)
                    && p.get("sso_role_name") == Some(role)
            })
            .map(|p| {
                let at = p.location();
                let second_file = at.path() != self.set.config_path();
                ((second_file, at.line()), p.name().to_owned())
            })
            .collect();
        profiles.sort();
        profiles.into_iter().map(|(_, name)| name).collect()
    }
}
