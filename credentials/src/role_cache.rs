//! The role credential disk cache in front of `GetRoleCredentials` and `AssumeRole` (SPEC
//! §21): the AWS CLI's `~/.aws/cli/cache` entries, used while 15 minutes remain, else
//! refetched by one process under the entry's lock and written back atomically.
//!
//! The files, names and lock are token-cache's ([`RoleCacheFile`]); this module decides
//! when an entry is usable, who fetches, and what each failure becomes (the D-* warnings:
//! the cache never fails a load).

use std::future::Future;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ssokit_token_cache::{
    CacheLock, EntrySource, LockError, RoleCacheEntry, RoleCacheError, RoleCacheFile, RoleCacheKey,
};

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::types::Credentials;

/// An entry is used while at least this much of it remains (botocore's window, so a
/// `credential_process` caller never gets credentials it would refresh at once).
pub(crate) const ROLE_CACHE_WINDOW: Duration = Duration::from_secs(900);

/// Fresh credentials and what their entry carries beside them.
pub(crate) struct Fetched {
    pub(crate) credentials: Credentials,
    pub(crate) source: EntrySource,
}

/// The entry file of `key` when the disk cache is on (SPEC §21 switch); E-BOOL for a bad
/// `SSOKIT_DISK_CACHE`.
pub(crate) fn entry_file(
    config: &ProviderConfig,
    key: &RoleCacheKey<'_>,
) -> Result<Option<RoleCacheFile>, CredentialsError> {
    Ok(config.role_cache_dir()?.map(|dir| {
        RoleCacheFile::new(&dir, key).with_corrupt_retry_delay(config.corrupt_retry_delay())
    }))
}

/// The credentials of `file` while usable, else `fetch`ed once under the entry's lock and
/// written back (SPEC §21 algorithm). Without a file (the cache is off) this is `fetch`.
/// `provider` names the credentials' source; `account` is the fallback account id.
pub(crate) async fn through_disk<F, Fut>(
    config: &ProviderConfig,
    file: Option<RoleCacheFile>,
    provider: &'static str,
    account: Option<&str>,
    fetch: F,
) -> Result<Credentials, CredentialsError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Fetched, CredentialsError>>,
{
    let Some(file) = file else {
        return fetch().await.map(|fetched| fetched.credentials);
    };
    match blocking(&file, RoleCacheFile::read).await? {
        Ok(Some(entry)) if usable(&entry, config.clock().now()) => {
            tracing::debug!(path = %file.path().display(), "role credentials from the disk cache");
            return Ok(credentials(&entry, provider, account));
        }
        Ok(_) => {}
        Err(e) => config.warn(&corrupt(&e)),
    }
    let lock = lock(config, &file).await?;
    if lock.is_some()
        && let Ok(Some(entry)) = blocking(&file, RoleCacheFile::read_once).await?
        && usable(&entry, config.clock().now())
    {
        return Ok(credentials(&entry, provider, account));
    }
    let fetched = fetch().await?;
    if let Some(entry) = entry_of(&fetched) {
        let written = blocking(&file, move |f| f.write(&entry)).await?;
        if let Err(e) = written {
            let cause =
                std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string);
            config.warn(&format!(
                "could not update the role credential cache {}: {cause}",
                file.path().display()
            ));
        }
    }
    drop(lock);
    Ok(fetched.credentials)
}

/// Usable: at least [`ROLE_CACHE_WINDOW`] before `Expiration`.
pub(crate) fn usable(entry: &RoleCacheEntry, now: Timestamp) -> bool {
    let window = SignedDuration::try_from(ROLE_CACHE_WINDOW).unwrap_or(SignedDuration::MAX);
    entry.expiration().duration_since(now) >= window
}

/// The entry's credentials; its account, else `account`.
fn credentials(
    entry: &RoleCacheEntry,
    provider: &'static str,
    account: Option<&str>,
) -> Credentials {
    Credentials::new(
        entry.access_key_id(),
        entry.secret_access_key(),
        Some(entry.session_token().to_owned()),
        Some(entry.expiration()),
        provider,
    )
    .with_account_id(entry.account_id().or(account).map(str::to_owned))
}

/// The entry to write for fresh credentials (none without a session token or expiry).
fn entry_of(fetched: &Fetched) -> Option<RoleCacheEntry> {
    let c = &fetched.credentials;
    Some(RoleCacheEntry::new(
        c.access_key_id(),
        c.secret_access_key(),
        c.session_token()?,
        c.expire_time()?,
        c.account_id().map(str::to_owned),
        fetched.source.clone(),
    ))
}

/// D-CORRUPT.
fn corrupt(e: &RoleCacheError) -> String {
    format!(
        "ignoring the role credential cache entry {} ({})",
        e.path().display(),
        e.detail()
    )
}

/// The entry's lock; `None` (and a warning: D-LOCK, or why it could not be taken) when
/// the fetch goes on without it.
async fn lock(
    config: &ProviderConfig,
    file: &RoleCacheFile,
) -> Result<Option<CacheLock>, CredentialsError> {
    let options = config.lock_options().clone();
    match blocking(file, move |f| f.lock(&options)).await? {
        Ok(lock) => Ok(Some(lock)),
        Err(LockError::TimedOut { path, .. }) => {
            config.warn(&format!(
                "timed out waiting for {}; fetching without it",
                path.display()
            ));
            Ok(None)
        }
        Err(e) => {
            config.warn(&format!("{e}; fetching without the lock"));
            Ok(None)
        }
    }
}

/// Runs blocking file I/O on `file` off the runtime's workers.
async fn blocking<T: Send + 'static>(
    file: &RoleCacheFile,
    work: impl FnOnce(&RoleCacheFile) -> T + Send + 'static,
) -> Result<T, CredentialsError> {
    let file = file.clone();
    tokio::task::spawn_blocking(move || work(&file))
        .await
        .map_err(|e| {
            CredentialsError::failed(
                ErrorCode::Cancelled,
                format!("the role credential cache I/O failed: {e}"),
            )
        })
}
