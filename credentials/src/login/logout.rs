//! Which token files `ssokit logout` ends (SPEC §20), and whether each one gets the
//! portal's server-side logout first. Reads the cache directory and the files; deletes
//! nothing (the caller does, under each file's lock).

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use ssokit_config_parser::ProfileSet;
use ssokit_token_cache::{CachedToken, TokenCacheFile, cache_dir};

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::login::target::{LoginTarget, LoginTargetRequest};

/// What to log out of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogoutScope {
    /// Every token file in the cache directory (`--all`, the default).
    All,
    /// One target (`--sso-session S` or `--profile P`, SPEC §19.2).
    Target(LoginTargetRequest),
}

/// One token file to end. `Debug` never shows the token.
pub struct LogoutFile {
    path: PathBuf,
    start_url: Option<String>,
    /// The region of the portal's Logout, when the token deserves the call.
    call: Option<(String, String)>,
}

impl fmt::Debug for LogoutFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogoutFile")
            .field("path", &self.path)
            .field("start_url", &self.start_url)
            .field("server_call", &self.call.as_ref().map(|(region, _)| region))
            .finish()
    }
}

impl LogoutFile {
    /// The token file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its `startUrl`, when it names one.
    pub fn start_url(&self) -> Option<&str> {
        self.start_url.as_deref()
    }

    /// The region and bearer token of the server-side Logout, when the token is still
    /// valid and has a region; `None`: no call (`token expired or without region`).
    pub fn server_call(&self) -> Option<(&str, &str)> {
        self.call.as_ref().map(|(r, t)| (r.as_str(), t.as_str()))
    }
}

/// The token files `scope` covers, in name order, judged at `now` (SPEC §20). For a
/// target, a corrupt token file is O-CORRUPT; in `--all`, files that are not token files
/// (registrations, locks, temporary and unparsable files) are left out.
pub fn logout_files(
    config: &ProviderConfig,
    set: &ProfileSet,
    scope: &LogoutScope,
    now: Timestamp,
) -> Result<Vec<LogoutFile>, CredentialsError> {
    let home = config.home()?;
    match scope {
        LogoutScope::All => {
            let dir = cache_dir(home.path());
            let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => {
                    return Err(CredentialsError::failed(
                        ErrorCode::Read,
                        format!("could not list {}: {e}", dir.display()),
                    ));
                }
            };
            paths.sort();
            Ok(paths
                .into_iter()
                .filter_map(|path| {
                    let token = TokenCacheFile::at_path(&path).read().ok().flatten()?;
                    Some(judge(path, &token, None, now))
                })
                .collect())
        }
        LogoutScope::Target(request) => {
            let target = LoginTarget::select(set, request)?;
            let file = config.cache_file(target.cache_key())?;
            match file.read() {
                Ok(Some(token)) => Ok(vec![judge(
                    file.path().to_path_buf(),
                    &token,
                    Some(target.region()),
                    now,
                )]),
                Ok(None) => Ok(Vec::new()),
                Err(e) if e.is_corrupt() => Err(CredentialsError::failed(
                    ErrorCode::Login,
                    format!(
                        "The SSO token cache file {} is not a valid token file ({}) and was left unchanged; delete it yourself to log out.",
                        file.path().display(),
                        e.corrupt_detail()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                )),
                // A token file without accessToken or with a bad expiresAt: nothing to
                // call, but the file is still deleted.
                Err(_) => Ok(vec![LogoutFile {
                    path: file.path().to_path_buf(),
                    start_url: None,
                    call: None,
                }]),
            }
        }
    }
}

/// The server call of a token: only a token valid after `now` with a region (the file's,
/// else, for a target, the session's `sso_region`).
fn judge(
    path: PathBuf,
    token: &CachedToken,
    fallback_region: Option<&str>,
    now: Timestamp,
) -> LogoutFile {
    let region = token
        .region()
        .filter(|r| valid_region(r))
        .or(fallback_region.filter(|r| valid_region(r)));
    let call = match region {
        Some(region) if token.expires_at() > now => {
            Some((region.to_owned(), token.access_token().to_owned()))
        }
        _ => None,
    };
    LogoutFile {
        path,
        start_url: token.start_url().map(str::to_owned),
        call,
    }
}

/// A region usable in a host name.
fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
}

/// How a logout went: the files deleted, and whether anything failed (exit 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogoutSummary {
    /// Token files deleted.
    pub deleted: usize,
    /// Whether a file could not be deleted (O-DELETE).
    pub failed: bool,
}

/// Logs out (SPEC §20): for each file of `scope`, the portal's Logout when the token
/// deserves it (a failure is the O-CALL warning), then the file deleted under its lock (a
/// lock timeout deletes anyway). `output` gets the `Logged out: …` lines, the warnings and
/// the closing count. The settings profile (`settings`) supplies the endpoint settings.
pub async fn logout(
    config: &ProviderConfig,
    scope: &LogoutScope,
    settings: &str,
    output: &dyn crate::login::run::LoginOutput,
) -> Result<LogoutSummary, CredentialsError> {
    let locations = config.file_locations()?;
    let set = ProviderConfig::load_profiles(&locations)?;
    let now = config.clock().now();
    let files = logout_files(config, &set, scope, now)?;
    let profile = set.profile(settings);
    let client = config.client(profile.as_ref())?;
    let mut summary = LogoutSummary {
        deleted: 0,
        failed: false,
    };
    for file in &files {
        let url = file.start_url().unwrap_or("start URL unknown");
        let server = match file.server_call() {
            Some((region, token)) => {
                let ended = async {
                    let endpoint = config
                        .sso_endpoint_for(
                            profile.as_ref().map(|p| (&set, p)),
                            region,
                            ssokit_sso_client::Service::Portal,
                        )?
                        .resolve(ssokit_sso_client::Service::Portal)
                        .map_err(|e| {
                            CredentialsError::failed(ErrorCode::Endpoint, e.to_string())
                        })?;
                    client
                        .logout(&endpoint, token)
                        .await
                        .map_err(|e| CredentialsError::failed(ErrorCode::Service, e.to_string()))
                };
                match ended.await {
                    Ok(()) => "server session ended",
                    Err(e) => {
                        output.warn(&format!(
                            "could not end the server session for {url} ({e}); the local token is deleted anyway"
                        ));
                        "server session not ended"
                    }
                }
            }
            None => "no server call: token expired or without region",
        };
        match delete(config, file.path()).await {
            Ok(()) => {
                summary.deleted += 1;
                output.say(&format!(
                    "Logged out: {} ({url}; {server})",
                    file.path().display()
                ));
            }
            Err(e) => {
                summary.failed = true;
                output.warn(&format!("could not delete {}: {e}", file.path().display()));
            }
        }
    }
    output.say(&format!(
        "Deleted {} SSO token file(s) and 0 cached role credential file(s).",
        summary.deleted
    ));
    Ok(summary)
}

/// Deletes a token file under its refresh lock (so a refresher cannot write it back); a
/// lock that cannot be had in time does not stop the deletion. A missing file is fine.
async fn delete(config: &ProviderConfig, path: &Path) -> std::io::Result<()> {
    let file = TokenCacheFile::at_path(path);
    let options = config.lock_options().clone();
    tokio::task::spawn_blocking(move || {
        let _lock = file.lock(&options).ok();
        match std::fs::remove_file(file.path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    })
    .await
    .map_err(std::io::Error::other)?
}
