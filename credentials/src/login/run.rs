//! One login from start to token file (SPEC §19.6-§19.9): the target and flow, the login
//! lock (a login already done by another process is reused), the client registration
//! (reused from the AWS CLI's cache or registered), the flow, and the token file written
//! losslessly.

use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ssokit_config_parser::ProfileSet;
use ssokit_http::Endpoint;
use ssokit_sso_client::{
    CreateTokenRequest, CreateTokenResponse, RegisterClientRequest, Service, ServiceErrorKind,
    SsoClient, StartDeviceAuthorizationRequest,
};
use ssokit_token_cache::{
    CacheLock, ClientRegistration, LockError, LockOptions, LoginToken, TokenCacheFile, cache_dir,
    format_time, registration_file, write_registration,
};

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::login::browser::{OpenBrowser, may_open};
use crate::login::callback::CallbackListener;
use crate::login::flow::{Flow, FlowChoice, FlowOptions, OsKind, choose_flow};
use crate::login::pkce::{PkceSecrets, authorize_url};
use crate::login::target::{LoginTarget, LoginTargetRequest, TargetKind};

/// How long the authorization code flow waits for its callback.
const CALLBACK_LIMIT: Duration = Duration::from_secs(600);
/// How long a login waits for another one of the same target.
const LOCK_WAIT: Duration = Duration::from_secs(660);
/// A token this close to its expiry does not count as a reusable login of another process.
const REUSE_MARGIN: SignedDuration = SignedDuration::from_secs(300);

/// Where a login's texts go (the CLI: stderr). Prompts, notices and warnings; never a
/// secret.
pub trait LoginOutput: Send + Sync {
    /// One text (a prompt, a notice, a warning already prefixed by the caller's style).
    fn say(&self, text: &str);

    /// A warning.
    fn warn(&self, text: &str);
}

/// What to log in to, and how.
#[derive(Clone, Debug)]
pub struct LoginRequest {
    /// The target (`--sso-session`, the settings profile).
    pub target: LoginTargetRequest,
    /// `--use-device-code`, `--no-browser`, `--redirect-port`.
    pub flow: FlowOptions,
    /// The operating system, for the browser rules.
    pub os: OsKind,
}

/// How a login ended.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    start_url: String,
    what: String,
    expires_at: Timestamp,
    by_another: bool,
}

impl fmt::Debug for LoginOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl LoginOutcome {
    /// `Logged in to <U> (<what>)[ by another ssokit login]; the token is valid until <t>.`
    pub fn message(&self) -> String {
        let by = if self.by_another {
            " by another ssokit login"
        } else {
            ""
        };
        format!(
            "Logged in to {} ({}){by}; the token is valid until {}.",
            self.start_url,
            self.what,
            format_time(self.expires_at)
        )
    }

    /// The token's expiry.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// Whether another process's login was reused.
    pub fn by_another(&self) -> bool {
        self.by_another
    }
}

/// Logs in (SPEC §19): the token file of the target holds a new token when it returns.
pub async fn login(
    config: &ProviderConfig,
    request: &LoginRequest,
    browser: Arc<dyn OpenBrowser>,
    output: &dyn LoginOutput,
) -> Result<LoginOutcome, CredentialsError> {
    let files = config.file_locations()?;
    let set = ProviderConfig::load_profiles(&files)?;
    let target = LoginTarget::select(&set, &request.target)?;
    let choice = choose_flow(&target, request.flow, config.env(), request.os)?;
    if let Some(notice) = &choice.notice {
        output.say(notice);
    }
    let token_file = config.cache_file(target.cache_key())?;
    refuse_corrupt(&token_file)?;
    let context = Context::new(config, &set, &target)?;
    // The callback listener is bound before any request (SPEC §19.6 step 1).
    let listener = match choice.flow {
        Flow::AuthorizationCode => Some(CallbackListener::bind(request.flow.redirect_port).await?),
        Flow::DeviceCode => None,
    };
    let started = config.clock().now();
    let mut lock = login_lock(&token_file, &target, output).await?;
    if let Some(outcome) = done_by_another(config, &token_file, &lock, &target, started) {
        return Ok(outcome);
    }
    let registration = context.registration(choice.flow, output).await?;
    let token = match listener {
        Some(listener) => {
            context
                .authorization_code(&registration, listener, &choice, &browser, output)
                .await?
        }
        None => {
            context
                .device_code(&registration, &choice, &browser, output)
                .await?
        }
    };
    let expires_at = context
        .write_token(&token_file, &registration, &token, output)
        .await?;
    if let Err(e) = lock.record_attempt(context.now()) {
        output.warn(&format!(
            "could not record the login in {}: {e}",
            lock.path().display()
        ));
    }
    Ok(LoginOutcome {
        start_url: target.start_url().to_owned(),
        what: target.what(),
        expires_at,
        by_another: false,
    })
}

/// L-CORRUPT: a token file that is not a JSON object is never written over.
fn refuse_corrupt(file: &TokenCacheFile) -> Result<(), CredentialsError> {
    let bytes = match std::fs::read(file.path()) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(CredentialsError::failed(
                ErrorCode::Read,
                format!("could not read {}: {e}", file.path().display()),
            ));
        }
    };
    LoginToken::check_existing(&bytes).map_err(|detail| corrupt(file, &detail.to_string()))
}

fn corrupt(file: &TokenCacheFile, detail: &str) -> CredentialsError {
    CredentialsError::failed(
        ErrorCode::Login,
        format!(
            "The SSO token cache file {} is not a valid token file ({detail}) and was left unchanged; delete it, then run ssokit login again.",
            file.path().display()
        ),
    )
}

/// Takes the login lock, telling the user when another login holds it (SPEC §19.9).
async fn login_lock(
    file: &TokenCacheFile,
    target: &LoginTarget,
    output: &dyn LoginOutput,
) -> Result<CacheLock, CredentialsError> {
    let once = LockOptions::default().with_timeout(Duration::ZERO);
    match file.login_lock(&once) {
        Ok(lock) => return Ok(lock),
        Err(LockError::TimedOut { .. }) => {}
        Err(e) => return Err(lock_error(&e)),
    }
    output.say(&format!(
        "Another ssokit login for {} is in progress; waiting for it to finish.",
        target.described()
    ));
    let file = file.clone();
    let wait = LockOptions::default()
        .with_poll_interval(Duration::from_millis(250), Duration::from_millis(250))
        .with_timeout(LOCK_WAIT);
    let described = target.described();
    tokio::task::spawn_blocking(move || {
        file.login_lock(&wait).map_err(|e| match e {
            LockError::TimedOut { path, .. } => CredentialsError::failed(
                ErrorCode::Login,
                format!(
                    "timed out after 11 minutes waiting for another login of {described} ({})",
                    path.display()
                ),
            ),
            other => lock_error(&other),
        })
    })
    .await
    .map_err(|e| CredentialsError::failed(ErrorCode::Login, format!("the lock wait failed: {e}")))?
}

fn lock_error(e: &LockError) -> CredentialsError {
    CredentialsError::failed(ErrorCode::Login, e.to_string())
}

/// A login of another process that finished after this one started (to the second), with a
/// token valid 300 s more: reused (SPEC §19.9).
fn done_by_another(
    config: &ProviderConfig,
    file: &TokenCacheFile,
    lock: &CacheLock,
    target: &LoginTarget,
    started: Timestamp,
) -> Option<LoginOutcome> {
    let last = lock.last_attempt().ok().flatten();
    // The lock holds whole seconds: a login that ended in the second this one started counts.
    if last.is_none_or(|t| t.as_second() < started.as_second()) {
        return None;
    }
    let Ok(Some(token)) = file.read() else {
        return None;
    };
    let now = config.clock().now();
    if token.expires_at() <= now.checked_add(REUSE_MARGIN).unwrap_or(now) {
        return None;
    }
    Some(LoginOutcome {
        start_url: target.start_url().to_owned(),
        what: target.what(),
        expires_at: token.expires_at(),
        by_another: true,
    })
}

/// What the flows share: the world, the target, the client and the OIDC endpoint.
struct Context<'a> {
    config: &'a ProviderConfig,
    target: &'a LoginTarget,
    client: SsoClient,
    oidc: Endpoint,
}

impl<'a> Context<'a> {
    fn new(
        config: &'a ProviderConfig,
        set: &ProfileSet,
        target: &'a LoginTarget,
    ) -> Result<Self, CredentialsError> {
        let profile = target.settings_profile().and_then(|p| set.profile(p));
        let endpoint = config
            .sso_endpoint_for(
                profile.as_ref().map(|p| (set, p)),
                target.region(),
                Service::Oidc,
            )?
            .resolve(Service::Oidc)
            .map_err(|e| {
                CredentialsError::failed(ErrorCode::Endpoint, e.to_string()).caused_by(e)
            })?;
        Ok(Self {
            config,
            target,
            client: config.client(profile.as_ref())?,
            oidc: endpoint,
        })
    }

    fn now(&self) -> Timestamp {
        self.config.clock().now()
    }

    /// The registration: reused from the AWS CLI's cache when it may be, else registered
    /// and saved (SPEC §19.3).
    async fn registration(
        &self,
        flow: Flow,
        output: &dyn LoginOutput,
    ) -> Result<ClientRegistration, CredentialsError> {
        let pkce = flow == Flow::AuthorizationCode;
        let scopes: Option<Vec<&str>> = self
            .target
            .scopes()
            .map(|s| s.iter().map(String::as_str).collect());
        let session = match self.target.kind() {
            TargetKind::Session(name) => Some(name.as_str()),
            TargetKind::Legacy(_) => None,
        };
        let home = self.config.home()?;
        let file = registration_file(
            &cache_dir(home.path()),
            self.target.start_url(),
            self.target.region(),
            scopes.as_deref(),
            session,
        );
        match std::fs::read(file.path()) {
            Ok(bytes) => match ClientRegistration::parse(&bytes)
                .and_then(|r| r.reusable(self.now(), pkce).map(|()| r))
            {
                Ok(registration) => return Ok(registration),
                Err(problem) => output.warn(&format!(
                    "ignoring the client registration {} ({problem})",
                    file.path().display()
                )),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => output.warn(&format!(
                "ignoring the client registration {} ({e})",
                file.path().display()
            )),
        }
        let name = match session {
            Some(name) => format!("ssokit-client-{name}"),
            None => format!("ssokit-client-{}", self.now().as_second()),
        };
        let mut request = if pkce {
            RegisterClientRequest::authorization_code(name, self.target.start_url())
        } else {
            RegisterClientRequest::device_code(name)
        };
        if let Some(scopes) = self.target.scopes() {
            request = request.with_scopes(scopes.iter().cloned());
        }
        let answer = self
            .client
            .register_client(&self.oidc, &request)
            .await
            .map_err(oidc_error)?;
        let expires = i64::try_from(answer.client_secret_expires_at())
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .unwrap_or(Timestamp::MAX);
        let registration = ClientRegistration::new(
            answer.client_id(),
            answer.client_secret(),
            expires,
            request.scopes().map(<[String]>::to_vec),
            pkce.then(|| {
                request
                    .grant_types()
                    .iter()
                    .map(|g| (*g).to_owned())
                    .collect()
            }),
        );
        if let Err(e) = write_registration(&file, &registration) {
            output.warn(&format!(
                "could not save the client registration {}: {e}",
                file.path().display()
            ));
        }
        Ok(registration)
    }

    /// SPEC §19.6: the prompt, the browser, the callback, the exchange.
    async fn authorization_code(
        &self,
        registration: &ClientRegistration,
        listener: CallbackListener,
        choice: &FlowChoice,
        browser: &Arc<dyn OpenBrowser>,
        output: &dyn LoginOutput,
    ) -> Result<CreateTokenResponse, CredentialsError> {
        let secrets = PkceSecrets::generate()?;
        let redirect_uri = listener.redirect_uri();
        let port = listener.port();
        let url = authorize_url(
            &self.oidc.url(),
            registration.client_id(),
            &redirect_uri,
            &secrets,
            self.target.scopes(),
        );
        let mut opening = None;
        if choice.open_browser && may_open(&url) {
            output.say(&format!(
                "Attempting to open your default browser. If it does not open, open this URL on this machine:\n\n{url}\n\nIf this machine has no browser, run this command again with --use-device-code."
            ));
            opening = Some(open_in_background(browser, &url));
        } else {
            output.say(&format!(
                "Open this URL in a browser that can reach 127.0.0.1:{port} on this machine (over SSH: ssh -L {port}:127.0.0.1:{port} <host>):\n\n{url}"
            ));
        }
        let stray = || {
            output.warn("ignored a sign-in callback whose state does not match this login (an old browser tab or another program sent it); still waiting for the browser");
        };
        // The browser is watched while the callback is awaited: a browser that starts slowly
        // (or never exits) does not hold the callback up.
        // The 10-minute limit runs on the injected sleep, so a test can end it at once.
        let limit = self.config.sleep(CALLBACK_LIMIT);
        let wait = async {
            tokio::select! {
                code = listener.wait(secrets.state(), stray) => Ok(code),
                () = limit => Err(()),
            }
        };
        tokio::pin!(wait);
        let waited = loop {
            let Some(task) = opening.as_mut() else {
                break (&mut wait).await;
            };
            tokio::select! {
                waited = &mut wait => break waited,
                opened = task => {
                    opening = None;
                    warn_unopened(opened, output);
                }
            }
        };
        let code = waited.map_err(|()| {
            CredentialsError::failed(
                ErrorCode::Login,
                format!("sign-in timed out: no callback reached {redirect_uri} within 10 minutes"),
            )
        })??;
        let request = CreateTokenRequest::authorization_code(
            registration.client_id(),
            registration.client_secret(),
            code,
            secrets.verifier(),
            redirect_uri,
        );
        self.client
            .create_token(&self.oidc, &request)
            .await
            .map_err(oidc_error)
    }

    /// SPEC §19.7: the device authorization, the prompt, the poll.
    async fn device_code(
        &self,
        registration: &ClientRegistration,
        choice: &FlowChoice,
        browser: &Arc<dyn OpenBrowser>,
        output: &dyn LoginOutput,
    ) -> Result<CreateTokenResponse, CredentialsError> {
        let start = StartDeviceAuthorizationRequest::new(
            registration.client_id(),
            registration.client_secret(),
            self.target.start_url(),
        );
        let device = self
            .client
            .start_device_authorization(&self.oidc, &start)
            .await
            .map_err(oidc_error)?;
        let uri = device.verification_uri();
        let code = device.user_code();
        if choice.open_browser {
            output.say(&format!(
                "Attempting to open your default browser. If it does not open, or to sign in on another device, open:\n\n{uri}\n\nand enter the code:\n\n{code}"
            ));
            // Device code has no callback to wait for: the poll starts after the opener.
            let opened =
                open_in_background(browser, device.verification_uri_complete().unwrap_or(uri))
                    .await;
            warn_unopened(opened, output);
        } else {
            let mut text = format!(
                "Open this URL in a browser on any device:\n\n{uri}\n\nand enter the code:\n\n{code}"
            );
            if let Some(complete) = device.verification_uri_complete() {
                let _ = write!(
                    text,
                    "

Or open this URL, which fills in the code:

{complete}"
                );
            }
            output.say(&text);
        }
        // The server's numbers are not trusted to be sane: a huge `expiresIn` is the end of
        // time, not an overflow, and no wait outlasts the device code.
        let deadline = SignedDuration::try_from(device.expires_in())
            .ok()
            .and_then(|valid| self.now().checked_add(valid).ok())
            .unwrap_or(Timestamp::MAX);
        let mut interval = device.interval();
        let request = CreateTokenRequest::device_code(
            registration.client_id(),
            registration.client_secret(),
            device.device_code(),
        );
        let expired = || {
            CredentialsError::failed(
                ErrorCode::Login,
                "sign-in failed: the device code expired before the sign-in was approved; run ssokit login again",
            )
        };
        loop {
            let left = Duration::try_from(deadline.duration_since(self.now())).unwrap_or_default();
            self.config.sleep(interval.min(left)).await;
            if self.now() >= deadline {
                return Err(expired());
            }
            match self.client.create_token(&self.oidc, &request).await {
                Ok(token) => return Ok(token),
                Err(e) => match e.service_kind() {
                    Some(ServiceErrorKind::AuthorizationPending) => {}
                    Some(ServiceErrorKind::SlowDown) => {
                        interval = interval.saturating_add(Duration::from_secs(5));
                    }
                    Some(ServiceErrorKind::ExpiredToken) => return Err(expired()),
                    Some(ServiceErrorKind::AccessDenied) => {
                        let detail = e.as_service().map_or_else(
                            || e.to_string(),
                            |s| format!("{}: {}", s.code(), s.message()),
                        );
                        return Err(CredentialsError::failed(
                            ErrorCode::Login,
                            format!("sign-in failed: the sign-in request was denied ({detail})"),
                        )
                        .caused_by(e));
                    }
                    _ => return Err(oidc_error(e)),
                },
            }
        }
    }

    /// Writes the token file (SPEC §19.8) under the refresh lock; its expiry.
    async fn write_token(
        &self,
        file: &TokenCacheFile,
        registration: &ClientRegistration,
        token: &CreateTokenResponse,
        output: &dyn LoginOutput,
    ) -> Result<Timestamp, CredentialsError> {
        let now = Timestamp::from_second(self.now().as_second()).unwrap_or(self.now());
        let expires_at = now
            .checked_add(
                SignedDuration::try_from(token.expires_in()).unwrap_or(SignedDuration::ZERO),
            )
            .unwrap_or(Timestamp::MAX);
        let login = LoginToken {
            start_url: self.target.start_url(),
            region: self.target.region(),
            access_token: token.access_token(),
            expires_at,
            client_id: registration.client_id(),
            client_secret: registration.client_secret(),
            registration_expires_at: registration.expires_at(),
            refresh_token: token.refresh_token(),
        };
        // The refresh lock can take up to its timeout: waited for on a blocking thread, so
        // that an interrupt still ends the login meanwhile.
        let (lock_file, options) = (file.clone(), self.config.lock_options().clone());
        let _refresh_lock =
            match tokio::task::spawn_blocking(move || lock_file.lock(&options)).await {
                Ok(Ok(lock)) => Some(lock),
                Ok(Err(e)) => {
                    output.warn(&format!("{e}; writing the token anyway"));
                    None
                }
                Err(e) => {
                    output.warn(&format!(
                        "the lock wait failed ({e}); writing the token anyway"
                    ));
                    None
                }
            };
        let existing = std::fs::read(file.path()).ok();
        let text = login
            .render_over(existing.as_deref())
            .map_err(|detail| corrupt(file, &detail.to_string()))?;
        file.replace(text.as_bytes()).map_err(|e| {
            CredentialsError::failed(
                ErrorCode::Login,
                format!(
                    "could not write the SSO token cache {}: {e}",
                    file.path().display()
                ),
            )
        })?;
        Ok(expires_at)
    }
}

/// Opens `url` in the browser on a blocking thread (the opener watches its program for up
/// to 5 s).
fn open_in_background(
    browser: &Arc<dyn OpenBrowser>,
    url: &str,
) -> tokio::task::JoinHandle<Result<(), String>> {
    let browser = Arc::clone(browser);
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || browser.open(&url))
}

/// A browser that could not be opened is the §19.5 warning (the login keeps waiting).
fn warn_unopened(
    opened: Result<Result<(), String>, tokio::task::JoinError>,
    output: &dyn LoginOutput,
) {
    let detail = match opened {
        Ok(Ok(())) => return,
        Ok(Err(detail)) => detail,
        Err(e) => e.to_string(),
    };
    output.warn(&format!(
        "could not open a browser ({detail}); open the URL above yourself"
    ));
}

/// L-OIDC and L-SHAPE: the client's text (`<Op> failed: …`, `<Op> response lacks …`).
fn oidc_error(e: ssokit_sso_client::Error) -> CredentialsError {
    CredentialsError::failed(ErrorCode::Login, e.to_string()).caused_by(e)
}
