//! Which sign-in flow a login uses, and whether it may open a browser (SPEC §19.4).

use ssokit_config_parser::Env;

use crate::error::{CredentialsError, ErrorCode};
use crate::login::target::{LoginTarget, TargetKind};

/// The operating system, as far as opening a browser goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OsKind {
    /// Linux and the BSDs: a browser needs `DISPLAY` or `WAYLAND_DISPLAY` (WSL aside).
    UnixDesktop,
    /// macOS (`open`).
    MacOs,
    /// Windows.
    Windows,
}

impl OsKind {
    /// The one this program runs on.
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            OsKind::MacOs
        } else if cfg!(windows) {
            OsKind::Windows
        } else {
            OsKind::UnixDesktop
        }
    }
}

/// The command line's flow options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowOptions {
    /// `--use-device-code`.
    pub use_device_code: bool,
    /// `--no-browser`.
    pub no_browser: bool,
    /// `--redirect-port N`.
    pub redirect_port: Option<u16>,
}

/// The sign-in flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Authorization code with PKCE and a loopback callback.
    AuthorizationCode,
    /// Device authorization with a user code.
    DeviceCode,
}

/// The flow, the notice that explains an automatic device-code choice, and whether a
/// browser may be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowChoice {
    /// The flow.
    pub flow: Flow,
    /// `No browser can be opened here (<reason>); …` when rule 6 chose device code.
    pub notice: Option<String>,
    /// Whether the login opens a browser (available, and not `--no-browser`).
    pub open_browser: bool,
}

/// SPEC §19.4, first rule that applies. L-PORTFLOW when `--redirect-port` meets a
/// device-code-only target.
pub fn choose_flow(
    target: &LoginTarget,
    options: FlowOptions,
    env: &Env,
    os: OsKind,
) -> Result<FlowChoice, CredentialsError> {
    let no_browser_reason = no_browser_reason(env, os);
    let available = env.get("BROWSER").is_some() || no_browser_reason.is_none();
    let choice = |flow, notice| FlowChoice {
        flow,
        notice,
        open_browser: available && !options.no_browser,
    };
    let device_only = |why: String| {
        if options.redirect_port.is_some() {
            return Err(CredentialsError::failed(
                ErrorCode::Login,
                format!(
                    "--redirect-port needs the authorization code flow, but the device code flow is selected ({why})"
                ),
            ));
        }
        Ok(choice(Flow::DeviceCode, None))
    };
    if let TargetKind::Legacy(profile) = target.kind() {
        return device_only(format!(
            "profile \"{profile}\" uses the legacy sso_start_url form"
        ));
    }
    if options.use_device_code {
        return device_only("--use-device-code".to_owned());
    }
    if let (TargetKind::Session(session), Some(true)) = (target.kind(), target.use_device_code()) {
        return device_only(format!(
            "sso_use_device_code = true in sso-session \"{session}\""
        ));
    }
    if options.no_browser
        || options.redirect_port.is_some()
        || target.use_device_code() == Some(false)
        || env.get("BROWSER").is_some()
    {
        return Ok(choice(Flow::AuthorizationCode, None));
    }
    if let Some(reason) = no_browser_reason {
        let notice = format!(
            "No browser can be opened here ({reason}); using the device code flow. Pass --no-browser to use the authorization code flow anyway."
        );
        return Ok(choice(Flow::DeviceCode, Some(notice)));
    }
    Ok(choice(Flow::AuthorizationCode, None))
}

/// Rule 6: why no browser can be opened here, if one cannot.
fn no_browser_reason(env: &Env, os: OsKind) -> Option<&'static str> {
    if env.get("SSH_CONNECTION").is_some() {
        return Some("SSH_CONNECTION is set");
    }
    if env.get("SSH_TTY").is_some() {
        return Some("SSH_TTY is set");
    }
    if env.get("CI").is_some_and(|v| v != "false" && v != "0") {
        return Some("CI is set");
    }
    let wsl = env.get("WSL_DISTRO_NAME").is_some() || env.get("WSL_INTEROP").is_some();
    let display = env.get("DISPLAY").is_some() || env.get("WAYLAND_DISPLAY").is_some();
    if os == OsKind::UnixDesktop && !wsl && !display {
        return Some("neither DISPLAY nor WAYLAND_DISPLAY is set");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::login::target::LoginTargetRequest;
    use ssokit_config_parser::{ProfileSet, Source};

    fn target(profile: &str, extra: &str) -> LoginTarget {
        let config = format!(
            "[profile s]\nsso_session = dev\n[profile a]\nsso_start_url = https://x/start\nsso_region = us-east-1\n[sso-session dev]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n{extra}"
        );
        let set = ProfileSet::parse(Source::new("c", config), Source::empty("k"))
            .unwrap_or_else(|e| panic!("{e}"));
        LoginTarget::select(
            &set,
            &LoginTargetRequest {
                sso_session: None,
                profile: profile.to_owned(),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn desktop() -> Env {
        Env::from_pairs([("DISPLAY", ":0")])
    }

    #[test]
    fn the_rules_in_order() {
        let s = target("s", "");
        let pick = |options, env: &Env, os| {
            choose_flow(&s, options, env, os).map(|c| (c.flow, c.open_browser))
        };
        assert_eq!(
            pick(FlowOptions::default(), &desktop(), OsKind::UnixDesktop).unwrap(),
            (Flow::AuthorizationCode, true)
        );
        let device = FlowOptions {
            use_device_code: true,
            ..FlowOptions::default()
        };
        assert_eq!(
            pick(device, &desktop(), OsKind::UnixDesktop).unwrap(),
            (Flow::DeviceCode, true)
        );
        let ssh = Env::from_pairs([("SSH_CONNECTION", "1 2 3 4"), ("DISPLAY", ":0")]);
        let choice = choose_flow(&s, FlowOptions::default(), &ssh, OsKind::UnixDesktop).unwrap();
        assert_eq!(choice.flow, Flow::DeviceCode);
        assert!(!choice.open_browser);
        assert_eq!(
            choice.notice.as_deref(),
            Some(
                "No browser can be opened here (SSH_CONNECTION is set); using the device code flow. Pass --no-browser to use the authorization code flow anyway."
            )
        );
        let no_browser = FlowOptions {
            no_browser: true,
            ..FlowOptions::default()
        };
        assert_eq!(
            pick(no_browser, &ssh, OsKind::UnixDesktop).unwrap(),
            (Flow::AuthorizationCode, false)
        );
        let with_browser = Env::from_pairs([("SSH_CONNECTION", "x"), ("BROWSER", "w3m")]);
        assert_eq!(
            pick(FlowOptions::default(), &with_browser, OsKind::UnixDesktop).unwrap(),
            (Flow::AuthorizationCode, true)
        );
        assert_eq!(
            choose_flow(&s, FlowOptions::default(), &Env::new(), OsKind::UnixDesktop)
                .unwrap()
                .notice
                .as_deref(),
            Some(
                "No browser can be opened here (neither DISPLAY nor WAYLAND_DISPLAY is set); using the device code flow. Pass --no-browser to use the authorization code flow anyway."
            )
        );
        assert_eq!(
            pick(FlowOptions::default(), &Env::new(), OsKind::MacOs).unwrap(),
            (Flow::AuthorizationCode, true)
        );
        assert_eq!(
            pick(
                FlowOptions::default(),
                &Env::from_pairs([("CI", "false")]),
                OsKind::Windows
            )
            .unwrap(),
            (Flow::AuthorizationCode, true)
        );
        let wsl = Env::from_pairs([("WSL_DISTRO_NAME", "Ubuntu")]);
        assert_eq!(
            pick(FlowOptions::default(), &wsl, OsKind::UnixDesktop).unwrap(),
            (Flow::AuthorizationCode, true)
        );
    }

    #[test]
    fn device_code_only_targets_refuse_a_redirect_port() {
        let port = FlowOptions {
            redirect_port: Some(8400),
            ..FlowOptions::default()
        };
        assert_eq!(
            choose_flow(&target("a", ""), port, &desktop(), OsKind::UnixDesktop)
                .unwrap_err()
                .to_string(),
            "--redirect-port needs the authorization code flow, but the device code flow is selected (profile \"a\" uses the legacy sso_start_url form)"
        );
        let forced = target("s", "sso_use_device_code = true\n");
        assert_eq!(
            choose_flow(&forced, port, &desktop(), OsKind::UnixDesktop)
                .unwrap_err()
                .to_string(),
            "--redirect-port needs the authorization code flow, but the device code flow is selected (sso_use_device_code = true in sso-session \"dev\")"
        );
        let off = target("s", "sso_use_device_code = false\n");
        assert_eq!(
            choose_flow(
                &off,
                FlowOptions::default(),
                &Env::new(),
                OsKind::UnixDesktop
            )
            .unwrap()
            .flow,
            Flow::AuthorizationCode
        );
    }
}
