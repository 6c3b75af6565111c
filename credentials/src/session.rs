//! The session token algorithm (SPEC §7.2): read the cache file, return a valid token, or
//! refresh it through `CreateToken` at most once across providers (shared state) and
//! processes (the cache file's lock), writing the result back losslessly.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use ssokit_config_parser::{Location, ProfileSet, Section};
use ssokit_http::{Endpoint, EndpointConfig};
use ssokit_sso_client::{CreateTokenRequest, Service, SsoClient};
use ssokit_token_cache::{
    CacheLock, CachedToken, LockError, LockOptions, ReadError, TokenCacheFile, format_time,
};

use crate::clock::Clock;
use crate::config::{ProviderConfig, Warner};
use crate::error::{CredentialsError, ErrorCode};
use crate::refresh_state::{SessionTokenState, within_throttle};
use crate::types::Token;

/// What the session token needs besides the cache file: names, the OIDC endpoint and the
/// client (both resolved up front; their errors only matter if a refresh is needed).
#[derive(Clone)]
pub(crate) struct SessionRequest {
    pub(crate) session: String,
    pub(crate) window: Duration,
    pub(crate) endpoint: Result<EndpointConfig, CredentialsError>,
    pub(crate) client: Result<SsoClient, CredentialsError>,
}

impl SessionRequest {
    /// The SSO-OIDC endpoint `CreateToken` would be sent to (pure: no I/O).
    pub(crate) fn oidc_endpoint(&self) -> Result<Endpoint, CredentialsError> {
        self.endpoint
            .as_ref()
            .map_err(Clone::clone)?
            .resolve(Service::Oidc)
            .map_err(|e| CredentialsError::failed(ErrorCode::Endpoint, e.to_string()).caused_by(e))
    }
}

/// Why no refresh happened or it failed (`<why>` of T-FAILED).
enum Why {
    Cannot(String),
    Failed(String),
    /// The endpoint or the `CreateToken` call failed: the error is T-FAILED's source.
    FailedWith(String, Arc<dyn std::error::Error + Send + Sync>),
}

impl Why {
    fn failed_with(cause: String, error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Why::FailedWith(cause, Arc::new(error))
    }
}

/// The token of sso-session `request.session` (SPEC §7.2). When there is none, or it is
/// expired and cannot be refreshed, while an `ssokit login` of that session is in progress
/// in another process (its login lock is held), it waits for that login and uses its
/// token (issue #14: one login, one browser, and everyone uses its result).
pub(crate) async fn session_token(
    config: &ProviderConfig,
    request: SessionRequest,
) -> Result<Token, CredentialsError> {
    match session_token_once(config, request.clone()).await {
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::TokenNotFound | ErrorCode::RefreshFailed
            ) && waited_for_login(config, &request.session).await =>
        {
            session_token_once(config, request).await
        }
        outcome => outcome,
    }
}

/// Whether a login of the cache key `key` (an sso-session name, or a legacy start URL) was
/// in progress, waited for until it ended (bounded by the lock options). Only an existing
/// login lock file is tried: providers never create one.
pub(crate) async fn waited_for_login(config: &ProviderConfig, key: &str) -> bool {
    let Ok(cache) = config.cache_file(key) else {
        return false;
    };
    if !cache.login_lock_path().exists() {
        return false;
    }
    let once = LockOptions::default().with_timeout(Duration::ZERO);
    match cache.login_lock(&once) {
        Err(ssokit_token_cache::LockError::TimedOut { .. }) => {}
        _ => return false,
    }
    tracing::info!(
        key,
        "an ssokit login of this token is in progress: waiting for it"
    );
    let options = config.lock_options().clone();
    tokio::task::spawn_blocking(move || cache.login_lock(&options).is_ok())
        .await
        .unwrap_or(false)
}

/// One attempt of [`session_token`].
async fn session_token_once(
    config: &ProviderConfig,
    request: SessionRequest,
) -> Result<Token, CredentialsError> {
    let cache = config.cache_file(&request.session)?;
    let now = config.clock().now();
    let cached = read_session(&cache, &request.session).await?;
    if valid(&cached, now, request.window) {
        return Ok(token_of(&cached));
    }
    if let Err(reason) = refreshable(&cached, now) {
        return give_up(
            &cached,
            now,
            &request.session,
            Why::Cannot(reason),
            &config.warner(),
        );
    }
    let state = config.session_token_states().state(cache.path());
    let flight = state.flight().join_or_start(|| {
        if state.recent_attempt(now) {
            return None;
        }
        let leader = Leader {
            clock: config.clock_arc(),
            lock_options: config.lock_options().clone(),
            cache: cache.clone(),
            state: Arc::clone(&state),
            request: request.clone(),
            fallback: cached.clone(),
            warner: config.warner(),
        };
        Some(leader.run())
    });
    let Some(flight) = flight else {
        // Throttled; another provider of this chain may have refreshed it meanwhile.
        let latest = read_session(&cache, &request.session).await?;
        if valid(&latest, now, request.window) {
            return Ok(token_of(&latest));
        }
        return give_up(
            &latest,
            now,
            &request.session,
            Why::Cannot("a refresh was attempted less than 30 s ago".to_owned()),
            &config.warner(),
        );
    };
    flight.wait().await.unwrap_or_else(|_abandoned| {
        Err(CredentialsError::failed(
            ErrorCode::Cancelled,
            "the token refresh was abandoned (its runtime shut down)",
        ))
    })
}

/// The provider that leads a refresh; runs as its own task so that no caller can cancel it.
#[derive(Clone)]
struct Leader {
    clock: Arc<dyn Clock>,
    lock_options: LockOptions,
    cache: TokenCacheFile,
    state: Arc<SessionTokenState>,
    request: SessionRequest,
    fallback: CachedToken,
    /// The configuration's warnings (SPEC §7.1: a failed write-back, an unusable lock, a
    /// token used without a refresh).
    warner: Warner,
}

/// What the locked re-read decided.
enum Decision {
    Use(CachedToken),
    GiveUp(CachedToken, Why),
    Refresh(Option<CacheLock>, CachedToken),
}

impl Leader {
    /// Under the lock: re-read, re-check, record the attempt (SPEC §7.2 e). Blocking.
    fn decide(self, now: Timestamp) -> Result<Decision, CredentialsError> {
        let (cache, session, warner) = (&self.cache, &self.request.session, &self.warner);
        let mut lock = match cache.lock(&self.lock_options) {
            Ok(lock) => Some(lock),
            Err(e @ LockError::TimedOut { .. }) => {
                return Ok(Decision::GiveUp(self.fallback, Why::Cannot(e.to_string())));
            }
            Err(e) => {
                warner.warn(&format!(
                    "could not lock the SSO token cache, refreshing without the lock: {e}"
                ));
                None
            }
        };
        let latest = match cache.read() {
            Ok(Some(token)) => token,
            Ok(None) => return Err(not_found(cache, session)),
            Err(e) => return Err(read_error(&e, LoginHint::Session(session))),
        };
        if valid(&latest, now, self.request.window) {
            return Ok(Decision::Use(latest));
        }
        if let Err(reason) = refreshable(&latest, now) {
            return Ok(Decision::GiveUp(latest, Why::Cannot(reason)));
        }
        if let Some(lock) = &lock {
            match lock.last_attempt() {
                Ok(Some(last)) if within_throttle(last, now) => {
                    return Ok(Decision::GiveUp(
                        latest,
                        Why::Cannot("a refresh was attempted less than 30 s ago".to_owned()),
                    ));
                }
                Ok(_) => {}
                Err(e) => warner.warn(&e.to_string()),
            }
        }
        self.state.record_attempt(now);
        if let Some(Err(e)) = lock.as_mut().map(|lock| lock.record_attempt(now)) {
            warner.warn(&e.to_string());
        }
        Ok(Decision::Refresh(lock, latest))
    }

    async fn run(self) -> Result<Token, CredentialsError> {
        let now = self.clock.now();
        let session = self.request.session.clone();
        let decision = {
            let leader = self.clone();
            tokio::task::spawn_blocking(move || leader.decide(now))
                .await
                .map_err(|e| {
                    CredentialsError::failed(
                        ErrorCode::Cancelled,
                        format!("the token refresh task failed: {e}"),
                    )
                })??
        };
        let (lock, latest) = match decision {
            Decision::Use(token) => return Ok(token_of(&token)),
            Decision::GiveUp(token, why) => {
                return give_up(&token, now, &session, why, &self.warner);
            }
            Decision::Refresh(lock, token) => (lock, token),
        };
        let outcome = self.create_token(&latest).await;
        let result = match outcome {
            Ok((access_token, expires_in, refresh_token)) => {
                let expiry = Timestamp::from_second(now.as_second())
                    .ok()
                    .and_then(|t| t.checked_add(expires_in).ok())
                    .unwrap_or(Timestamp::MAX);
                let updated = latest.with_refresh(&access_token, expiry, refresh_token.as_deref());
                let cache = self.cache.clone();
                let written = tokio::task::spawn_blocking(move || cache.write(&updated)).await;
                match written {
                    Ok(Ok(())) => {
                        tracing::debug!(cache_file = %self.cache.path().display(), "SSO token refreshed and cached");
                    }
                    Ok(Err(e)) => self.warner.warn(&format!(
                        "could not update the SSO token cache {}: {e}",
                        self.cache.path().display()
                    )),
                    Err(e) => self.warner.warn(&format!(
                        "could not update the SSO token cache {}: {e}",
                        self.cache.path().display()
                    )),
                }
                Ok(Token::new(access_token, Some(expiry)))
            }
            Err(why) => give_up(&latest, now, &session, why, &self.warner),
        };
        drop(lock);
        result
    }

    async fn create_token(
        &self,
        token: &CachedToken,
    ) -> Result<(String, Duration, Option<String>), Why> {
        let failed = |e: &CredentialsError| Why::failed_with(e.to_string(), e.clone());
        let endpoint = self.request.oidc_endpoint().map_err(|e| failed(&e))?;
        let client = self.request.client.as_ref().map_err(failed)?;
        let (Some(id), Some(secret), Some(refresh)) = (
            token.client_id(),
            token.client_secret(),
            token.refresh_token(),
        ) else {
            return Err(Why::Failed(
                "the cache file lacks the refresh fields".to_owned(),
            ));
        };
        let request = CreateTokenRequest::refresh(id, secret, refresh);
        tracing::debug!(session = %self.request.session, "calling CreateToken");
        let response = client
            .create_token(&endpoint, &request)
            .await
            .map_err(|e| Why::failed_with(e.cause(), e))?;
        Ok((
            response.access_token().to_owned(),
            response.expires_in(),
            response.refresh_token().map(str::to_owned),
        ))
    }
}

/// `expiresAt > now + window`.
pub(crate) fn valid(token: &CachedToken, now: Timestamp, window: Duration) -> bool {
    now.checked_add(window)
        .is_ok_and(|limit| token.expires_at() > limit)
}

fn token_of(token: &CachedToken) -> Token {
    Token::new(token.access_token(), Some(token.expires_at()))
}

/// SPEC §7.2 c: `Err(reason)` when the token cannot be refreshed.
pub(crate) fn refreshable(token: &CachedToken, now: Timestamp) -> Result<(), String> {
    if token.client_id().is_none() {
        return Err("no clientId in cache".to_owned());
    }
    if token.client_secret().is_none() {
        return Err("no clientSecret in cache".to_owned());
    }
    if token.refresh_token().is_none() {
        return Err("no refresh token in cache".to_owned());
    }
    match token.registration_expires_at() {
        Some(Ok(at)) if at <= now => Err(format!(
            "client registration expired at {}",
            format_time(at)
        )),
        Some(Err(e)) => Err(format!(
            "client registration expiry {} is not a valid time",
            e.json()
        )),
        _ => Ok(()),
    }
}

/// SPEC §7.2 g.
fn give_up(
    token: &CachedToken,
    now: Timestamp,
    session: &str,
    why: Why,
    warner: &Warner,
) -> Result<Token, CredentialsError> {
    let (why, source) = match why {
        Why::Cannot(reason) => (format!("cannot be refreshed ({reason})"), None),
        Why::Failed(cause) => (format!("the refresh failed ({cause})"), None),
        Why::FailedWith(cause, source) => (format!("the refresh failed ({cause})"), Some(source)),
    };
    if token.expires_at() > now {
        warner.warn(&format!(
            "the SSO token of sso-session \"{session}\" expires at {} and {why}; using it until then",
            format_time(token.expires_at())
        ));
        return Ok(token_of(token));
    }
    let error = CredentialsError::failed(
        ErrorCode::RefreshFailed,
        format!(
            "SSO Token refresh failed: the token for sso-session \"{session}\" expired at {} and {why}. Please log in using \"aws sso login --sso-session {session}\".{}",
            format_time(token.expires_at()),
            LoginHint::Session(session).ssokit()
        ),
    );
    Err(match source {
        Some(source) => error.caused_by_shared(source),
        None => error,
    })
}

/// Who a login hint is for: an sso-session, or a legacy profile (SPEC-commands' amendment
/// to §0: the SDK's wording stays, and ssokit's command follows it).
#[derive(Clone, Copy, Debug)]
pub(crate) enum LoginHint<'a> {
    Session(&'a str),
    Profile(&'a str),
}

impl LoginHint<'_> {
    /// `aws sso login --sso-session <s>` / `--profile <p>`.
    pub(crate) fn aws(self) -> String {
        match self {
            LoginHint::Session(s) => format!("aws sso login --sso-session {s}"),
            LoginHint::Profile(p) => format!("aws sso login --profile {p}"),
        }
    }

    /// ` With ssokit: ssokit login --sso-session <s>.` / `--profile <p>.`
    pub(crate) fn ssokit(self) -> String {
        match self {
            LoginHint::Session(s) => format!(" With ssokit: ssokit login --sso-session {s}."),
            LoginHint::Profile(p) => format!(" With ssokit: ssokit login --profile {p}."),
        }
    }
}

fn not_found(cache: &TokenCacheFile, session: &str) -> CredentialsError {
    CredentialsError::failed(
        ErrorCode::TokenNotFound,
        format!(
            "Cached token not found at {}. Please log in using \"{}\".{}",
            cache.path().display(),
            LoginHint::Session(session).aws(),
            LoginHint::Session(session).ssokit()
        ),
    )
}

/// Reads the cache file of a session off the runtime (SPEC §7.2 a).
async fn read_session(
    cache: &TokenCacheFile,
    session: &str,
) -> Result<CachedToken, CredentialsError> {
    session_read(cache, session, read_blocking(cache).await?)
}

/// What a read of a session's cache file means: T-NOTOKEN, T-CORRUPT (with the session's
/// login hint), T-KEY, T-EXPIRES, or the token.
pub(crate) fn session_read(
    cache: &TokenCacheFile,
    session: &str,
    read: Result<Option<CachedToken>, ReadError>,
) -> Result<CachedToken, CredentialsError> {
    match read {
        Ok(Some(token)) => Ok(token),
        Ok(None) => Err(not_found(cache, session)),
        Err(e) => Err(read_error(&e, LoginHint::Session(session))),
    }
}

/// `TokenCacheFile::read` on a blocking thread.
pub(crate) async fn read_blocking(
    cache: &TokenCacheFile,
) -> Result<Result<Option<CachedToken>, ReadError>, CredentialsError> {
    let cache = cache.clone();
    tokio::task::spawn_blocking(move || cache.read())
        .await
        .map_err(|e| {
            CredentialsError::failed(
                ErrorCode::Cancelled,
                format!("reading the SSO token cache failed: {e}"),
            )
        })
}

/// A cache read error as a provider error; `login` is the command of T-CORRUPT's hint.
pub(crate) fn read_error(e: &ReadError, login: LoginHint<'_>) -> CredentialsError {
    let error = match e {
        ReadError::Corrupt { .. } => CredentialsError::failed(
            ErrorCode::TokenCorrupt,
            format!(
                "{e} Please log in using \"{}\".{}",
                login.aws(),
                login.ssokit()
            ),
        ),
        ReadError::MissingKey { .. } | ReadError::NotAString { .. } => {
            CredentialsError::failed(ErrorCode::TokenKey, e.to_string())
        }
        ReadError::InvalidExpiresAt { .. } => {
            CredentialsError::failed(ErrorCode::TokenExpiresAt, e.to_string())
        }
        _ => CredentialsError::failed(ErrorCode::Read, e.to_string()),
    };
    error.caused_by(e.clone())
}

/// The `[sso-session]` section a profile names and its region (SPEC §7.1 step 4).
pub(crate) fn session_section<'a>(
    set: &'a ProfileSet,
    profile: &Section<'a>,
    session_name: &str,
) -> Result<(Section<'a>, &'a str), CredentialsError> {
    let referrer = profile.property("sso_session").map(|p| p.location());
    named_session(set, referrer, session_name)
}

/// The `[sso-session]` section `session_name` and its region (T-SESSION, at `referrer`,
/// the line that names it; T-SESSKEY).
pub(crate) fn named_session<'a>(
    set: &'a ProfileSet,
    referrer: Option<Location>,
    session_name: &str,
) -> Result<(Section<'a>, &'a str), CredentialsError> {
    let Some(session) = set.sso_session(session_name) else {
        return Err(CredentialsError::failed(
            ErrorCode::SessionNotFound,
            format!("Sso session \"{session_name}\" not found"),
        )
        .at(referrer));
    };
    for key in ["sso_start_url", "sso_region"] {
        if session.get(key).is_none() {
            return Err(CredentialsError::failed(
                ErrorCode::SessionKeyMissing,
                format!("Sso session \"{session_name}\" is missing required property \"{key}\"."),
            )
            .at(Some(session.location())));
        }
    }
    let region = session.get("sso_region").unwrap_or_default();
    Ok((session, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn token(json: &str) -> CachedToken {
        CachedToken::parse(json.as_bytes(), std::path::Path::new("t.json"))
            .unwrap()
            .unwrap()
    }

    const FULL: &str = r#"{"accessToken":"a","expiresAt":"2026-03-01T12:02:00Z","clientId":"c","clientSecret":"s","refreshToken":"r"}"#;

    #[test]
    fn validity_window() {
        let t = token(FULL);
        let now = ts("2026-03-01T12:00:00Z");
        assert!(!valid(&t, now, Duration::from_secs(300)));
        assert!(valid(&t, now, Duration::from_secs(119)));
        assert!(!valid(&t, now, Duration::from_secs(120)));
    }

    #[test]
    fn refreshable_reasons_in_order() {
        let now = ts("2026-03-01T12:00:00Z");
        assert_eq!(refreshable(&token(FULL), now), Ok(()));
        let cases = [
            (r#""clientId":"c","#, "no clientId in cache"),
            (r#""clientSecret":"s","#, "no clientSecret in cache"),
            (r#","refreshToken":"r""#, "no refresh token in cache"),
        ];
        for (cut, reason) in cases {
            assert_eq!(
                refreshable(&token(&FULL.replace(cut, "")), now),
                Err(reason.to_owned())
            );
        }
        let expired = FULL.replace('}', r#","registrationExpiresAt":"2026-02-01T00:00:00Z"}"#);
        assert_eq!(
            refreshable(&token(&expired), now),
            Err("client registration expired at 2026-02-01T00:00:00Z".to_owned())
        );
        let bad = FULL.replace('}', r#","registrationExpiresAt":"soon"}"#);
        assert_eq!(
            refreshable(&token(&bad), now),
            Err("client registration expiry \"soon\" is not a valid time".to_owned())
        );
    }

    #[test]
    fn give_up_returns_a_valid_token_or_t_failed() {
        let t = token(FULL);
        let ok = give_up(
            &t,
            ts("2026-03-01T12:00:00Z"),
            "dev",
            Why::Cannot("x".into()),
            &Warner::default(),
        )
        .unwrap();
        assert_eq!(ok.token(), "a");
        let error = give_up(
            &t,
            ts("2026-03-01T12:02:00Z"),
            "dev",
            Why::Failed("E: m".into()),
            &Warner::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "SSO Token refresh failed: the token for sso-session \"dev\" expired at 2026-03-01T12:02:00Z and the refresh failed (E: m). Please log in using \"aws sso login --sso-session dev\". With ssokit: ssokit login --sso-session dev."
        );
    }
}
