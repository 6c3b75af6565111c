//! Which sign-in a login is for (SPEC §19.2): an sso-session, or a legacy profile's start
//! URL, with the settings profile whose endpoint settings it uses.

use std::path::Path;

use ssokit_config_parser::{ProfileSet, Section, SectionKind};

use crate::error::{CredentialsError, ErrorCode};
use crate::session::named_session;

/// What the user asked to log in to (`--sso-session`, `--profile`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginTargetRequest {
    /// `--sso-session S`: wins over the settings profile's `sso_session`.
    pub sso_session: Option<String>,
    /// The settings profile (`--profile`, else `AWS_PROFILE`, else `default`).
    pub profile: String,
}

/// The sign-in target: an sso-session, or a legacy profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// `[sso-session NAME]`.
    Session(String),
    /// A profile with `sso_start_url` (device code only; no scopes).
    Legacy(String),
}

/// What a login signs in to, resolved from the files alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginTarget {
    kind: TargetKind,
    start_url: String,
    region: String,
    scopes: Option<Vec<String>>,
    /// `sso_use_device_code` of the session (`None`: not set).
    use_device_code: Option<bool>,
    /// The settings profile, when it exists (its endpoint settings apply).
    settings_profile: Option<String>,
}

impl LoginTarget {
    /// The target of `request` in `set` (SPEC §19.2): L-NOSSO, L-KEY, T-SESSION,
    /// T-SESSKEY, E-BOOL as the spec words them.
    pub fn select(
        set: &ProfileSet,
        request: &LoginTargetRequest,
    ) -> Result<Self, CredentialsError> {
        let profile = set.profile(&request.profile);
        let settings_profile = profile.as_ref().map(|p| p.name().to_owned());
        if let Some(session) = &request.sso_session {
            return Self::session(set, session, None, settings_profile);
        }
        let Some(profile) = profile else {
            return Err(no_sso(
                set,
                &format!("Profile \"{}\" not found", request.profile),
            ));
        };
        if let Some(session) = profile.property("sso_session") {
            return Self::session(
                set,
                session.value(),
                Some(session.location()),
                settings_profile,
            );
        }
        if let Some(start_url) = profile.get("sso_start_url") {
            return Self::legacy(&profile, start_url);
        }
        Err(no_sso(
            set,
            &format!(
                "Profile \"{}\" has no sso_session or sso_start_url",
                profile.name()
            ),
        )
        .at(Some(profile.location())))
    }

    fn session(
        set: &ProfileSet,
        name: &str,
        referrer: Option<ssokit_config_parser::Location>,
        settings_profile: Option<String>,
    ) -> Result<Self, CredentialsError> {
        let (section, region) = named_session(set, referrer, name)?;
        let use_device_code = section.get_bool("sso_use_device_code").map_err(|e| {
            CredentialsError::failed(ErrorCode::Bool, e.to_string())
                .at(e.location().cloned())
                .caused_by(e)
        })?;
        Ok(Self {
            kind: TargetKind::Session(name.to_owned()),
            start_url: section.get("sso_start_url").unwrap_or_default().to_owned(),
            region: region.to_owned(),
            scopes: scopes(&section),
            use_device_code,
            settings_profile,
        })
    }

    fn legacy(profile: &Section<'_>, start_url: &str) -> Result<Self, CredentialsError> {
        let Some(region) = profile.get("sso_region") else {
            return Err(CredentialsError::failed(
                ErrorCode::Login,
                format!(
                    "Profile \"{}\" is missing required property \"sso_region\".",
                    profile.name()
                ),
            )
            .at(Some(profile.location())));
        };
        Ok(Self {
            kind: TargetKind::Legacy(profile.name().to_owned()),
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes: None,
            use_device_code: None,
            settings_profile: Some(profile.name().to_owned()),
        })
    }

    /// Session or legacy profile.
    pub fn kind(&self) -> &TargetKind {
        &self.kind
    }

    /// `sso_start_url`, as configured.
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// `sso_region`.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `sso_registration_scopes`, split and trimmed; `None` when not configured.
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// The session's `sso_use_device_code`.
    pub fn use_device_code(&self) -> Option<bool> {
        self.use_device_code
    }

    /// The settings profile, when it exists.
    pub fn settings_profile(&self) -> Option<&str> {
        self.settings_profile.as_deref()
    }

    /// The token cache key: the session name, or the start URL (legacy).
    pub fn cache_key(&self) -> &str {
        match &self.kind {
            TargetKind::Session(name) => name,
            TargetKind::Legacy(_) => &self.start_url,
        }
    }

    /// `sso-session <s>` / `profile <p>` (SPEC §19.10's `<what>`).
    pub fn what(&self) -> String {
        match &self.kind {
            TargetKind::Session(name) => format!("sso-session {name}"),
            TargetKind::Legacy(profile) => format!("profile {profile}"),
        }
    }

    /// `sso-session "<s>"` / `start URL <u>` (SPEC §19.9's `<target>`).
    pub fn described(&self) -> String {
        match &self.kind {
            TargetKind::Session(name) => format!("sso-session \"{name}\""),
            TargetKind::Legacy(_) => format!("start URL {}", self.start_url),
        }
    }
}

/// `sso_registration_scopes`: split on `,`, trimmed, empties dropped; none = `None`.
fn scopes(section: &Section<'_>) -> Option<Vec<String>> {
    let scopes: Vec<String> = section
        .get("sso_registration_scopes")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!scopes.is_empty()).then_some(scopes)
}

/// L-NOSSO: `<first part>; pass --sso-session NAME (<sessions>)`.
fn no_sso(set: &ProfileSet, first: &str) -> CredentialsError {
    let sessions: Vec<String> = set
        .sections(SectionKind::SsoSession)
        .iter()
        .map(|s| s.name().to_owned())
        .collect();
    let config = set.config_path();
    let listed = if sessions.is_empty() {
        format!("{} has no [sso-session] sections", shown(config))
    } else {
        format!("sessions in {}: {}", shown(config), sessions.join(", "))
    };
    CredentialsError::failed(
        ErrorCode::Login,
        format!("{first}; pass --sso-session NAME ({listed})"),
    )
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssokit_config_parser::Source;

    fn set(config: &str) -> ProfileSet {
        ProfileSet::parse(
            Source::new("/h/.aws/config", config),
            Source::empty("/h/.aws/credentials"),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn request(session: Option<&str>, profile: &str) -> LoginTargetRequest {
        LoginTargetRequest {
            sso_session: session.map(str::to_owned),
            profile: profile.to_owned(),
        }
    }

    const CONFIG: &str = "[profile s]\nsso_session = dev\n\n[profile a]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n\n[profile n]\nregion = x\n\n[sso-session dev]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access, ,codewhisperer:completions\n\n[sso-session other]\nsso_start_url = https://o.awsapps.com/start\nsso_region = us-east-2\nsso_use_device_code = true\n";

    #[test]
    fn sessions_profiles_and_legacy_targets() {
        let set = set(CONFIG);
        let target = LoginTarget::select(&set, &request(None, "s")).unwrap();
        assert_eq!(target.kind(), &TargetKind::Session("dev".to_owned()));
        assert_eq!(target.region(), "eu-west-1");
        assert_eq!(
            target.scopes(),
            Some(
                &[
                    "sso:account:access".to_owned(),
                    "codewhisperer:completions".to_owned()
                ][..]
            )
        );
        assert_eq!(target.cache_key(), "dev");
        assert_eq!(target.settings_profile(), Some("s"));
        let other = LoginTarget::select(&set, &request(Some("other"), "s")).unwrap();
        assert_eq!(other.kind(), &TargetKind::Session("other".to_owned()));
        assert_eq!(other.use_device_code(), Some(true));
        let legacy = LoginTarget::select(&set, &request(None, "a")).unwrap();
        assert_eq!(legacy.kind(), &TargetKind::Legacy("a".to_owned()));
        assert_eq!(legacy.cache_key(), "https://d-abc123.awsapps.com/start");
        assert_eq!(legacy.what(), "profile a");
        assert_eq!(legacy.scopes(), None);
    }

    #[test]
    fn the_errors_name_the_sessions() {
        let set = set(CONFIG);
        assert_eq!(
            LoginTarget::select(&set, &request(None, "nope"))
                .unwrap_err()
                .to_string(),
            "Profile \"nope\" not found; pass --sso-session NAME (sessions in /h/.aws/config: dev, other)"
        );
        assert_eq!(
            LoginTarget::select(&set, &request(None, "n"))
                .unwrap_err()
                .to_string(),
            "Profile \"n\" has no sso_session or sso_start_url; pass --sso-session NAME (sessions in /h/.aws/config: dev, other)"
        );
        assert_eq!(
            LoginTarget::select(&set, &request(Some("ghost"), "s"))
                .unwrap_err()
                .to_string(),
            "Sso session \"ghost\" not found"
        );
        let empty =
            self::set("[profile n]\nregion = x\n[profile b]\nsso_start_url = https://x/start\n");
        assert_eq!(
            LoginTarget::select(&empty, &request(None, "default"))
                .unwrap_err()
                .to_string(),
            "Profile \"default\" not found; pass --sso-session NAME (/h/.aws/config has no [sso-session] sections)"
        );
        assert_eq!(
            LoginTarget::select(&empty, &request(None, "b"))
                .unwrap_err()
                .to_string(),
            "Profile \"b\" is missing required property \"sso_region\"."
        );
    }
}
