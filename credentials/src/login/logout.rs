//! `ssokit logout` (SPEC §20): which token files it ends, whether each one gets the
//! portal's server-side logout first, and which role credential cache entries go with
//! them; then the deletions, each under the file's lock.

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use ssokit_config_parser::{ProfileSet, Section, SectionKind, Source};
use ssokit_token_cache::{
    CachedToken, RoleCacheEntry, RoleCacheKey, TokenCacheFile, cache_dir, role_cache_dir,
};

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::login::target::{LoginTarget, LoginTargetRequest, TargetKind};

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
            let mut paths = json_files(&cache_dir(home.path()))?;
            paths.sort();
            Ok(paths
                .into_iter()
                .filter_map(|path| any_token_file(path, now))
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

/// A file of `--all` (SPEC §20): a JSON object with `accessToken` is a token file, to be
/// deleted even when the rest of it is not a valid token (no call then); anything else
/// (registrations, unparsable files) is not ours. Read once: a file another tool is
/// writing is no reason to wait here.
fn any_token_file(path: PathBuf, now: Timestamp) -> Option<LogoutFile> {
    let bytes = std::fs::read(&path).ok()?;
    if let Ok(Some(token)) = CachedToken::parse(&bytes, &path) {
        return Some(judge(path, &token, None, now));
    }
    // Not a valid token: still ours when it is an object with `accessToken`.
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let object = value.as_object()?;
    object.get("accessToken")?;
    Some(LogoutFile {
        path,
        start_url: object
            .get("startUrl")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        call: None,
    })
}

/// The role credential cache entries `scope` covers (SPEC §20 targets), in name order:
/// for `--all` every `*.json` of `~/.aws/cli/cache` that is an SSO entry (`"ProviderType":
/// "sso"`; assume-role entries, `session.db` and locks stay); for a session, the entries of
/// every profile with that `sso_session` and an account and role; for a legacy profile,
/// those of every legacy profile with that exact start URL. Only existing files.
pub fn logout_role_entries(
    config: &ProviderConfig,
    set: &ProfileSet,
    scope: &LogoutScope,
) -> Result<Vec<PathBuf>, CredentialsError> {
    let dir = role_cache_dir(config.home()?.path());
    let mut paths = match scope {
        LogoutScope::All => json_files(&dir)?
            .into_iter()
            .filter(|path| std::fs::read(path).is_ok_and(|bytes| RoleCacheEntry::is_sso(&bytes)))
            .collect(),
        LogoutScope::Target(request) => {
            let target = LoginTarget::select(set, request)?;
            set.sections(SectionKind::Profile)
                .iter()
                .filter_map(|profile| {
                    let account_id = profile.get("sso_account_id")?;
                    let role_name = profile.get("sso_role_name")?;
                    let key = match (target.kind(), profile.get("sso_session")) {
                        (TargetKind::Session(name), Some(session)) if session == name => {
                            RoleCacheKey::Sso {
                                account_id,
                                role_name,
                                session_name: session,
                            }
                        }
                        (TargetKind::Legacy(_), None)
                            if profile.get("sso_start_url") == Some(target.start_url()) =>
                        {
                            RoleCacheKey::LegacySso {
                                account_id,
                                role_name,
                                start_url: target.start_url(),
                            }
                        }
                        _ => return None,
                    };
                    Some(dir.join(key.file_name()))
                })
                .filter(|path| path.is_file())
                .collect::<Vec<_>>()
        }
    };
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// The regular `*.json` files directly in `dir` (none when it does not exist).
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, CredentialsError> {
    match std::fs::read_dir(dir) {
        Ok(entries) => Ok(entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(CredentialsError::failed(
            ErrorCode::Read,
            format!("could not list {}: {e}", dir.display()),
        )),
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
        .filter(|r| ssokit_http::is_valid_region(r))
        .or(fallback_region.filter(|r| ssokit_http::is_valid_region(r)));
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

/// The portal's Logout for `token` in `region`, with the settings profile's endpoint
/// settings.
async fn end_session(
    config: &ProviderConfig,
    client: &ssokit_sso_client::SsoClient,
    settings: Option<(&ProfileSet, &Section<'_>)>,
    region: &str,
    token: &str,
) -> Result<(), CredentialsError> {
    let endpoint = config
        .sso_endpoint_for(settings, region, ssokit_sso_client::Service::Portal)?
        .resolve(ssokit_sso_client::Service::Portal)
        .map_err(|e| CredentialsError::failed(ErrorCode::Endpoint, e.to_string()))?;
    client
        .logout(&endpoint, token)
        .await
        .map_err(|e| CredentialsError::failed(ErrorCode::Service, e.to_string()))
}

/// How a logout went: the files deleted, and whether anything failed (exit 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogoutSummary {
    /// Token files deleted.
    pub deleted: usize,
    /// Role credential cache entries deleted.
    pub deleted_entries: usize,
    /// Whether a file could not be deleted (O-DELETE).
    pub failed: bool,
}

/// Logs out (SPEC §20): for each file of `scope`, the portal's Logout when the token
/// deserves it (a failure is the O-CALL warning), then the file deleted under its lock (a
/// lock timeout deletes anyway). `output` gets the `Logged out: …` lines, the warnings and
/// the closing count. The settings profile (`settings`) supplies the endpoint settings.
/// Logging out of everything needs none of them: there, a config that cannot be read,
/// a role cache that cannot be listed or settings that make no HTTP client are warnings,
/// and every token file is still deleted.
pub async fn logout(
    config: &ProviderConfig,
    scope: &LogoutScope,
    settings: &str,
    output: &dyn crate::login::run::LoginOutput,
) -> Result<LogoutSummary, CredentialsError> {
    let locations = config.file_locations()?;
    // Logging out of everything needs no setting: a config that cannot be read, a role
    // cache that cannot be listed or settings that make no HTTP client are warnings, and
    // the token files are deleted all the same. A target needs its config.
    let all = matches!(scope, LogoutScope::All);
    let set = match ProviderConfig::load_profiles(&locations) {
        Ok(set) => set,
        Err(e) if all => {
            output.warn(&format!("{e}; logging out without the config's settings"));
            ProviderConfig::parse(
                Source::empty(locations.config()),
                Source::empty(locations.credentials()),
            )?
        }
        Err(e) => return Err(e),
    };
    let now = config.clock().now();
    let files = logout_files(config, &set, scope, now)?;
    let mut summary = LogoutSummary {
        deleted: 0,
        deleted_entries: 0,
        failed: false,
    };
    let entries = match logout_role_entries(config, &set, scope) {
        Ok(entries) => entries,
        Err(e) if all => {
            summary.failed = true;
            output.warn(&format!("{e}; no cached role credentials deleted"));
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let profile = set.profile(settings);
    let client = match config.client(profile.as_ref()) {
        Ok(client) => Some(client),
        Err(e) if all => {
            output.warn(&format!("{e}; no server session is ended"));
            None
        }
        Err(e) => return Err(e),
    };
    for file in &files {
        let url = file.start_url().unwrap_or("start URL unknown");
        let server = match (file.server_call(), &client) {
            (Some((region, token)), Some(client)) => {
                let settings = profile.as_ref().map(|p| (&set, p));
                match end_session(config, client, settings, region, token).await {
                    Ok(()) => "server session ended",
                    Err(e) => {
                        output.warn(&format!(
                            "could not end the server session for {url} ({e}); the local token is deleted anyway"
                        ));
                        "server session not ended"
                    }
                }
            }
            (Some(_), None) => "server session not ended",
            (None, _) => "no server call: token expired or without region",
        };
        match delete(config, TokenCacheFile::at_path(file.path())).await {
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
    for entry in entries {
        match delete(config, TokenCacheFile::at_path(&entry)).await {
            Ok(()) => summary.deleted_entries += 1,
            Err(e) => {
                summary.failed = true;
                output.warn(&format!("could not delete {}: {e}", entry.display()));
            }
        }
    }
    output.say(&format!(
        "Deleted {} SSO token file(s) and {} cached role credential file(s).",
        summary.deleted, summary.deleted_entries
    ));
    Ok(summary)
}

/// Deletes `file` under its lock (a token file's refresh lock keeps a refresher from
/// writing it back; a role cache entry's, a fetch); a lock that cannot be had in time does
/// not stop the deletion. A missing file is fine.
async fn delete(config: &ProviderConfig, file: TokenCacheFile) -> std::io::Result<()> {
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
