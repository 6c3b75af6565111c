//! `ssokit profiles`: every profile and sso-session ssokit sees, and for each profile which
//! provider would answer and why. Reads the config files and the token cache files' expiry
//! only: no network, no secrets (token values, keys and client secrets are never printed).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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

    fn json(self) -> Value {
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
    // Only the format asked for is rendered: over a 10,000-profile config the JSON tree
    // alone is tens of megabytes.
    Ok(match format {
        ProfilesFormat::Json => pretty(&report.json()),
        ProfilesFormat::Text => report.text(),
    })
}

/// What `ssokit profiles` reports, before it is rendered as text or JSON.
struct Report {
    config_file: PathBuf,
    credentials_file: PathBuf,
    selected: String,
    /// Where `selected` came from: `AWS_PROFILE` or the default.
    from: &'static str,
    /// The prefixes (`AWS`, `AMAZON`) whose access keys are set.
    env_keys: Vec<&'static str>,
    profiles: Vec<ProfileRow>,
    sessions: Vec<SessionRow>,
}

struct ProfileRow {
    name: String,
    location: String,
    selected: bool,
    credentials: Answer,
    token: Answer,
    /// The legacy form's token cache file.
    token_cache: Option<CacheStatus>,
}

struct SessionRow {
    name: String,
    location: String,
    start_url: Option<String>,
    region: Option<String>,
    token_cache: CacheStatus,
}

/// A token cache file's state, as a line of text and as JSON.
struct CacheStatus {
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
        let env_keys = ["AWS", "AMAZON"]
            .into_iter()
            .filter(|prefix| {
                let set = |suffix: &str| {
                    env.get(&format!("{prefix}_{suffix}"))
                        .is_some_and(|v| !v.trim().is_empty())
                };
                set("ACCESS_KEY_ID") && set("SECRET_ACCESS_KEY")
            })
            .collect();
        let profiles = set
            .sections(SectionKind::Profile)
            .iter()
            .map(|profile| ProfileRow {
                name: profile.name().to_owned(),
                location: profile.location().to_string(),
                selected: profile.name() == selected,
                credentials: credentials_answer(set, profile),
                token: token_answer(set, profile),
                token_cache: match (profile.get("sso_session"), profile.get("sso_start_url")) {
                    (None, Some(url)) => Some(cache_status(cache, url, false)),
                    _ => None,
                },
            })
            .collect();
        let sessions = set
            .sections(SectionKind::SsoSession)
            .iter()
            .map(|session| SessionRow {
                name: session.name().to_owned(),
                location: session.location().to_string(),
                start_url: session.get("sso_start_url").map(str::to_owned),
                region: session.get("sso_region").map(str::to_owned),
                token_cache: cache_status(cache, session.name(), true),
            })
            .collect();
        Self {
            config_file: files.config().to_path_buf(),
            credentials_file: files.credentials().to_path_buf(),
            selected: selected.to_owned(),
            from,
            env_keys,
            profiles,
            sessions,
        }
    }

    fn text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "config file: {}", shown(&self.config_file));
        let _ = writeln!(text, "credentials file: {}", shown(&self.credentials_file));
        let _ = writeln!(
            text,
            "selected profile: {} (from {})",
            self.selected, self.from
        );
        let environment = match self.env_keys.first() {
            Some(prefix) => format!(
                "EnvironmentCredentialsProvider({prefix}) answers first when no --profile is given ({prefix}_ACCESS_KEY_ID is set)"
            ),
            None => "no AWS_* or AMAZON_* access keys set".to_owned(),
        };
        let _ = writeln!(text, "environment: {environment}");
        for row in &self.profiles {
            let selected = if row.selected { " [selected]" } else { "" };
            let _ = writeln!(text, "\nprofile {}{selected} ({})", row.name, row.location);
            let _ = writeln!(text, "  credentials: {}", row.credentials.text());
            let _ = writeln!(text, "  token: {}", row.token.text());
            if let Some(status) = &row.token_cache {
                let _ = writeln!(text, "  token cache: {}", status.text);
            }
        }
        for row in &self.sessions {
            let _ = writeln!(text, "\nsso-session {} ({})", row.name, row.location);
            let _ = writeln!(
                text,
                "  start URL {}, region {}",
                row.start_url.as_deref().unwrap_or("(missing)"),
                row.region.as_deref().unwrap_or("(missing)")
            );
            let _ = writeln!(text, "  token cache: {}", row.token_cache.text);
        }
        if self.profiles.is_empty() {
            let _ = writeln!(text, "\nno profiles");
        }
        text
    }

    /// The JSON form; the rows move into it, so the report is not held twice.
    fn json(self) -> Value {
        let profiles: Vec<Value> = self
            .profiles
            .into_iter()
            .map(|row| {
                let mut entry = Map::new();
                entry.insert("name".into(), row.name.into());
                entry.insert("location".into(), row.location.into());
                entry.insert("selected".into(), row.selected.into());
                entry.insert("credentials".into(), row.credentials.json());
                entry.insert("token".into(), row.token.json());
                if let Some(status) = row.token_cache {
                    entry.insert("token_cache".into(), status.json);
                }
                Value::Object(entry)
            })
            .collect();
        let sessions: Vec<Value> = self
            .sessions
            .into_iter()
            .map(|row| {
                json!({
                    "name": row.name,
                    "location": row.location,
                    "sso_start_url": row.start_url,
                    "sso_region": row.region,
                    "token_cache": row.token_cache.json,
                })
            })
            .collect();
        json!({
            "config_file": self.config_file.display().to_string(),
            "credentials_file": self.credentials_file.display().to_string(),
            "selected_profile": self.selected,
            "environment_keys": self.env_keys,
            "profiles": profiles,
            "sso_sessions": sessions,
        })
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
fn cache_status(cache: &Path, key: &str, session: bool) -> CacheStatus {
    let file = TokenCacheFile::new(cache, key);
    let path = file.path().display().to_string();
    match file.read() {
        Ok(None) => CacheStatus {
            text: format!("{path} (absent: run aws sso login)"),
            json: json!({"path": path, "state": "absent"}),
        },
        Err(e) => CacheStatus {
            text: format!("{path} (unusable: {e})"),
            json: json!({"path": path, "state": "unusable", "error": e.to_string()}),
        },
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
            CacheStatus {
                text: line,
                json: value,
            }
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
