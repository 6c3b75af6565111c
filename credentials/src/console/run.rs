//! One console sign-in (SPEC §24): from resolved credentials to the login URL, and the
//! browser through the redirector.

use std::fmt;
use std::sync::Arc;

use crate::config::ProviderConfig;
use crate::console::federation::{FEDERATION_PATH, get_signin_token};
use crate::console::origin::CredentialsOrigin;
use crate::console::redirect::redirect_browser;
use crate::console::signin::{
    ConsoleHosts, FEDERATION_ENDPOINT_VAR, check_console_destination, console_region,
    federation_endpoint, login_url, parse_console_duration,
};
use crate::error::{CredentialsError, ErrorCode};
use crate::login::browser::OpenBrowser;
use crate::plan::PlanFiles;
use crate::types::{Credentials, REDACTED};

/// What a console sign-in was asked (`ssokit console`'s options).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsoleRequest {
    /// The profile the credentials were resolved for: its `region`, its plan (the start
    /// URL, role chaining) and its name in the texts.
    pub profile: String,
    /// `--region`.
    pub region: Option<String>,
    /// `--destination`: an absolute https URL (C-DEST); default the console home of the
    /// region.
    pub destination: Option<String>,
    /// `--duration`: the console session's length in seconds, 900-43200 (C-DURATION);
    /// default the sign-in endpoint's (12 hours, or the credentials' own for roles).
    pub duration: Option<u32>,
}

/// The login URL of one console sign-in. It holds the sign-in token (whoever opens it
/// within 15 minutes is signed in): `Debug` shows the federation endpoint only.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsoleLink {
    base: String,
    url: String,
}

impl fmt::Debug for ConsoleLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleLink")
            .field("base", &self.base)
            .field("url", &REDACTED)
            .finish()
    }
}

impl ConsoleLink {
    /// The federation endpoint the URL starts with (`https://signin.aws.amazon.com/federation`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The login URL, sign-in token included: for `--print` and the redirect only.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The console login URL for `credentials` (resolved for `request.profile`, as
/// `ssokit credentials` resolves them): C-STATIC without a session token, C-CHAINED for a
/// duration with role-chained credentials, the region and its partition (C-PARTITION),
/// the federation endpoint (`SSOKIT_FEDERATION_ENDPOINT` under the §5.5 rules), one
/// `getSigninToken` (C-HTTP, C-SHAPE, N-*), and the URL with `Issuer` the SSO start URL
/// behind the credentials (else empty). The arguments are checked again (C-DEST,
/// C-DURATION).
pub async fn console_link(
    config: &ProviderConfig,
    request: &ConsoleRequest,
    credentials: &Credentials,
) -> Result<ConsoleLink, CredentialsError> {
    if let Some(destination) = &request.destination {
        check_console_destination(destination)?;
    }
    if let Some(duration) = request.duration {
        parse_console_duration(&duration.to_string())?;
    }
    let profile = request.profile.as_str();
    if credentials.session_token().is_none_or(str::is_empty) {
        return Err(CredentialsError::failed(
            ErrorCode::Console,
            format!(
                "The AWS console needs temporary credentials, but profile {profile} resolved to long-term access keys (no session token)"
            ),
        ));
    }
    // The files were read when the credentials were resolved; credentials that came from
    // elsewhere (the environment without a home) have no profile behind them.
    let files = PlanFiles::load(config).ok();
    let section = files.as_ref().and_then(|f| f.profiles().profile(profile));
    let origin = match (&files, &section) {
        (Some(files), Some(section)) => {
            CredentialsOrigin::of(config, files, section, credentials).await?
        }
        _ => CredentialsOrigin::default(),
    };
    if request.duration.is_some() && origin.role_chained {
        return Err(CredentialsError::failed(
            ErrorCode::Console,
            format!(
                "--duration cannot be used for profile {profile}: its credentials come from role chaining, for which the sign-in endpoint rejects SessionDuration"
            ),
        ));
    }
    let region = console_region(
        request.region.as_deref(),
        config.env(),
        section.as_ref().and_then(|s| s.get("region")),
        origin.sso_region.as_deref(),
    );
    let hosts = ConsoleHosts::for_region(&region)?;
    let endpoint = federation_endpoint(
        &region,
        config.env().get(FEDERATION_ENDPOINT_VAR),
        config.allow_insecure_http(),
    )?;
    let http = config.http_client(section.as_ref())?;
    let token = get_signin_token(&http, &endpoint, credentials, request.duration).await?;
    let destination = request
        .destination
        .clone()
        .unwrap_or_else(|| hosts.default_destination(&region));
    let base = endpoint.operation_url(FEDERATION_PATH);
    let url = login_url(
        &base,
        origin.start_url.as_deref().unwrap_or_default(),
        &destination,
        token.secret(),
    );
    Ok(ConsoleLink { base, url })
}

/// Opens `link` in `browser` through the one-shot loopback redirector (SPEC §24 step 5):
/// the browser is given `http://127.0.0.1:<port>/<nonce>` only, so the sign-in token is in
/// no process's arguments. `Ok` once the browser fetched the redirect; C-BROWSER when it
/// could not be opened or did not fetch it within 60 s (on the configuration's sleep,
/// [`ProviderConfig::with_sleep`]).
pub async fn open_console(
    config: &ProviderConfig,
    link: &ConsoleLink,
    browser: Arc<dyn OpenBrowser>,
) -> Result<(), CredentialsError> {
    redirect_browser(config, link.url(), browser).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_shows_no_token() {
        let link = ConsoleLink {
            base: "https://signin.aws.amazon.com/federation".to_owned(),
            url: "https://signin.aws.amazon.com/federation?Action=login&SigninToken=st-1"
                .to_owned(),
        };
        assert_eq!(
            format!("{link:?}"),
            "ConsoleLink { base: \"https://signin.aws.amazon.com/federation\", url: \"** redacted **\" }"
        );
    }
}
