//! `ssokit profiles`: every profile and sso-session ssokit sees, and for each profile which
//! provider would answer and why. Reads the config files and the token cache files' expiry
//! only: no network, no secrets (token values, keys and client secrets are never printed).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};
use ssokit_chain::Clock as _;
use ssokit_chain::config::{FileLocations, ProfileSet, Section, SectionKind, selected_profile};
use ssokit_chain::token_cache::{TokenCacheFile, cache_dir};
use ssokit_chain::{ProviderConfig, SystemClock, provider_config_from_process};

use crate::format::{pretty, time};
use crate::{Failure, ProfilesFormat};

/// What a provider would do for a profile.
struct Answer {
    /// `answers`, `fails` (configured but broken: the chain stops) or `none` (not
    /// configured: the chain moves on).
    outcome: &'static str,
    provider: &'static str,
    why: String,
}

impl Answer {
    fn new(outcome: &'static str, provider: &'static str, why: impl Into<String>) -> Self {
        Self {
            outcome,
            provider,
            why: why.into(),
        }
    }

    fn json(&self) -> Value {
        json!({"outcome": self.outcome, "provider": self.provider, "why": self.why})
    }

    fn text(&self) -> String {
        format!("{}: {}: {}", self.outcome, self.provider, self.why)
    }
}

const PROFILE: &str = "ProfileCredentialsProvider";
const TOKEN: &str = "SsoTokenProvider";

pub(crate) fn run(format: ProfilesFormat) -> Result<String, Failure> {
    let config = provider_config_from_process();
    let home = config
        .home()
        .map_err(|e| Failure::new(e.to_string(), None))?
        .clone();
    let files = FileLocations::resolve(config.env(), &home, None, None);
    let set = ProfileSet::load(&files).map_err(|e| Failure::new(e.to_string(), e.location()))?;
    let cache = cache_dir(home.path());
    let report = Report::build(&config, &files, &set, &cache);
    Ok(match format {
        ProfilesFormat::Json => pretty(&report.json),
        ProfilesFormat::Text => report.text,
    })
}

struct Report {
    text: String,
    json: Value,
}

impl Report {
    fn build(
        config: &ProviderConfig,
        files: &FileLocations,
        set: &ProfileSet,
        cache: &Path,
    ) -> Self {
        let env = config.env();
        let selected = selected_profile(None, env);
        let from = if env.get("AWS_PROFILE").is_some() {
            "AWS_PROFILE"
        } else {
            "the default"
        };
        let env_keys: Vec<&str> = ["AWS", "AMAZON"]
            .into_iter()
            .filter(|prefix| {
                let set = |suffix: &str| {
                    env.get(&format!("{prefix}_{suffix}"))
                        .is_some_and(|v| !v.trim().is_empty())
                };
                set("ACCESS_KEY_ID") && set("SECRET_ACCESS_KEY")
            })
            .collect();
        let mut text = String::new();
        let _ = writeln!(text, "config file: {}", shown(files.config()));
        let _ = writeln!(text, "credentials file: {}", shown(files.credentials()));
        let _ = writeln!(text, "selected profile: {selected} (from {from})");
        let environment = match env_keys.first() {
            Some(prefix) => format!(
                "EnvironmentCredentialsProvider({prefix}) answers first when no --profile is given ({prefix}_ACCESS_KEY_ID is set)"
            ),
            None => "no AWS_* or AMAZON_* access keys set".to_owned(),
        };
        let _ = writeln!(text, "environment: {environment}");

        let mut profiles = Vec::new();
        for profile in set.sections(SectionKind::Profile) {
            let credentials = credentials_answer(set, &profile);
            let token = token_answer(set, &profile);
            let _ = writeln!(
                text,
                "\nprofile {}{} ({})",
                profile.name(),
                if profile.name() == selected {
                    " [selected]"
                } else {
                    ""
                },
                profile.location()
            );
            let _ = writeln!(text, "  credentials: {}", credentials.text());
            let _ = writeln!(text, "  token: {}", token.text());
            let mut entry = Map::new();
            entry.insert("name".into(), profile.name().into());
            entry.insert("location".into(), profile.location().to_string().into());
            entry.insert("selected".into(), (profile.name() == selected).into());
            entry.insert("credentials".into(), credentials.json());
            entry.insert("token".into(), token.json());
            if profile.get("sso_session").is_none()
                && let Some(url) = profile.get("sso_start_url")
            {
                let status = cache_status(cache, url, false);
                let _ = writeln!(text, "  token cache: {}", status.0);
                entry.insert("token_cache".into(), status.1);
            }
            profiles.push(Value::Object(entry));
        }
        let mut sessions = Vec::new();
        for session in set.sections(SectionKind::SsoSession) {
            let _ = writeln!(
                text,
                "\nsso-session {} ({})",
                session.name(),
                session.location()
            );
            let url = session.get("sso_start_url");
            let region = session.get("sso_region");
            let _ = writeln!(
                text,
                "  start URL {}, region {}",
                url.unwrap_or("(missing)"),
                region.unwrap_or("(missing)")
            );
            let status = cache_status(cache, session.name(), true);
            let _ = writeln!(text, "  token cache: {}", status.0);
            sessions.push(json!({
                "name": session.name(),
                "location": session.location().to_string(),
                "sso_start_url": url,
                "sso_region": region,
                "token_cache": status.1,
            }));
        }
        if set.sections(SectionKind::Profile).is_empty() {
            let _ = writeln!(text, "\nno profiles");
        }
        let json = json!({
            "config_file": files.config().display().to_string(),
            "credentials_file": files.credentials().display().to_string(),
            "selected_profile": selected,
            "environment_keys": env_keys,
            "profiles": profiles,
            "sso_sessions": sessions,
        });
        Self { text, json }
    }
}

fn shown(path: &Path) -> String {
    if path.exists() {
        path.display().to_string()
    } else {
        format!("{} (absent)", path.display())
    }
}

/// What `ProfileCredentialsProvider` would do (SPEC §10, §8), without network.
fn credentials_answer(set: &ProfileSet, profile: &Section<'_>) -> Answer {
    let name = profile.name();
    if profile.get("role_arn").is_some() {
        return Answer::new(
            "fails",
            PROFILE,
            format!(
                "Profile {name} uses role_arn (assume role), which ssokit does not support yet"
            ),
        );
    }
    if let Some(answer) = static_keys_answer(profile) {
        return answer;
    }
    let process = profile.get("credential_process").is_some();
    let account = profile.get("sso_account_id");
    let role = profile.get("sso_role_name");
    if let Some(session) = profile.get("sso_session") {
        match (account, role) {
            (Some(account), Some(role)) => {
                return match set.sso_session(session) {
                    Some(_) => Answer::new(
                        "answers",
                        PROFILE,
                        format!(
                            "SSO through sso-session {session}: account {account}, role {role} (GetRoleCredentials)"
                        ),
                    ),
                    None => Answer::new(
                        "fails",
                        PROFILE,
                        format!("Sso session \"{session}\" not found"),
                    ),
                };
            }
            (None, None) if process => {}
            (None, None) => {
                return Answer::new(
                    "none",
                    PROFILE,
                    format!(
                        "token-only sso-session profile (no sso_account_id, sso_role_name); Profile {name} has no credentials"
                    ),
                );
            }
            _ => {
                return Answer::new(
                    "fails",
                    PROFILE,
                    format!(
                        "Profile {name} with session {session} does not have valid SSO credentials (it needs both sso_account_id and sso_role_name)"
                    ),
                );
            }
        }
    } else {
        let keys = [
            "sso_start_url",
            "sso_region",
            "sso_account_id",
            "sso_role_name",
        ];
        let present: Vec<&str> = keys
            .into_iter()
            .filter(|k| profile.get(k).is_some())
            .collect();
        if present.len() == keys.len() {
            return Answer::new(
                "answers",
                PROFILE,
                format!(
                    "SSO (legacy sso_start_url form): account {}, role {} (GetRoleCredentials)",
                    account.unwrap_or_default(),
                    role.unwrap_or_default()
                ),
            );
        }
        if !present.is_empty() {
            let missing: Vec<&str> = keys.into_iter().filter(|k| !present.contains(k)).collect();
            return Answer::new(
                "fails",
                PROFILE,
                format!(
                    "Profile {name} does not have valid SSO credentials (missing {})",
                    missing.join(", ")
                ),
            );
        }
    }
    if process {
        return Answer::new("answers", PROFILE, "credential_process (runs the command)");
    }
    Answer::new(
        "none",
        PROFILE,
        format!(
            "Profile {name} has no credentials (looked for aws_access_key_id, sso_session, sso_start_url, credential_process)"
        ),
    )
}

/// What `SsoTokenProvider` would do (SPEC §7.1), without network.
fn token_answer(set: &ProfileSet, profile: &Section<'_>) -> Answer {
    let name = profile.name();
    let Some(session_name) = profile.get("sso_session") else {
        return if profile.get("sso_start_url").is_some() {
            Answer::new(
                "fails",
                TOKEN,
                "legacy sso_start_url form: bearer tokens need a profile that refers to an [sso-session] section",
            )
        } else {
            Answer::new(
                "none",
                TOKEN,
                format!("Profile \"{name}\" is missing required property \"sso_session\"."),
            )
        };
    };
    let Some(session) = set.sso_session(session_name) else {
        return Answer::new(
            "fails",
            TOKEN,
            format!("Sso session \"{session_name}\" not found"),
        );
    };
    for key in ["sso_start_url", "sso_region"] {
        if session.get(key).is_none() {
            return Answer::new(
                "fails",
                TOKEN,
                format!("Sso session \"{session_name}\" is missing required property \"{key}\"."),
            );
        }
    }
    Answer::new(
        "answers",
        TOKEN,
        format!("sso-session {session_name} (its cached token, refreshed when it expires)"),
    )
}

/// The cache file of `key`: absent, unreadable, or its expiry and (for sessions) whether it
/// can be refreshed. Never the token.
fn cache_status(cache: &Path, key: &str, session: bool) -> (String, Value) {
    let file = TokenCacheFile::new(cache, key);
    let path = file.path().display().to_string();
    match file.read() {
        Ok(None) => (
            format!("{path} (absent: run aws sso login)"),
            json!({"path": path, "state": "absent"}),
        ),
        Err(e) => (
            format!("{path} (unusable: {e})"),
            json!({"path": path, "state": "unusable", "error": e.to_string()}),
        ),
        Ok(Some(token)) => {
            let now = SystemClock.now();
            let expires = token.expires_at();
            let valid = expires > now;
            let refreshable = token.refresh_token().is_some()
                && token.client_id().is_some()
                && token.client_secret().is_some();
            let mut line = format!(
                "{path} (expires {}, {}",
                time(expires),
                if valid { "valid" } else { "expired" }
            );
            if session {
                line.push_str(if refreshable {
                    ", refreshable"
                } else {
                    ", not refreshable"
                });
            }
            line.push(')');
            let mut value = json!({
                "path": path,
                "state": if valid { "valid" } else { "expired" },
                "expires_at": time(expires),
            });
            if session {
                value["refreshable"] = refreshable.into();
            }
            (line, value)
        }
    }
}

/// Both static keys answer; one fails (K-HALF); none: `None`.
fn static_keys_answer(profile: &Section<'_>) -> Option<Answer> {
    let name = profile.name();
    match (
        profile.get("aws_access_key_id"),
        profile.get("aws_secret_access_key"),
    ) {
        (Some(_), Some(_)) => Some(Answer::new(
            "answers",
            PROFILE,
            "static keys (aws_access_key_id)",
        )),
        (Some(_), None) => Some(Answer::new(
            "fails",
            PROFILE,
            format!("Profile {name} sets aws_access_key_id but not aws_secret_access_key"),
        )),
        (None, Some(_)) => Some(Answer::new(
            "fails",
            PROFILE,
            format!("Profile {name} sets aws_secret_access_key but not aws_access_key_id"),
        )),
        (None, None) => None,
    }
}
