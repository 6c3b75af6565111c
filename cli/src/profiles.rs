//! `ssokit profiles`: every profile and sso-session ssokit sees, and for each profile which
//! provider would answer and why, rendered from the credentials crate's [`ProfilePlan`]
//! (the providers' own checks and texts). Reads the config files and the token cache files
//! only: no network, no secrets (token values, keys and client secrets are never printed).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde_json::{Map, Value, json};
use ssokit_chain::config::{SectionKind, selected_profile};
use ssokit_chain::credentials::{
    CacheEntry, CacheState, CredentialsError, CredentialsRoute, ErrorCode, Freshness, PlanFiles,
    ProfilePlan, RoleChainRoute, SsoRoute, StsRoute, TokenRoute, WebIdentityRoute, container_route,
    environment_web_identity_route, imds_endpoint_route,
};
use ssokit_chain::{ProviderConfig, provider_config_from_process};

use crate::failure::Failure;
use crate::format::{pretty, time};

/// `ssokit profiles --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProfilesFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// What a provider would do for a profile.
struct Answer {
    outcome: Outcome,
    provider: &'static str,
    why: String,
    /// More facts for the JSON form (a role chain's steps and STS).
    details: Map<String, Value>,
}

/// Whether the provider would answer, fail (the chain stops), is not configured (the
/// chain moves on), or cannot be told without the network (IMDS).
#[derive(Clone, Copy)]
enum Outcome {
    Answers,
    Fails,
    None,
    Unknown,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Answers => "answers",
            Outcome::Fails => "fails",
            Outcome::None => "none",
            Outcome::Unknown => "unknown",
        }
    }
}

impl Answer {
    fn new(provider: &'static str, why: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Answers,
            provider,
            why: why.into(),
            details: Map::new(),
        }
    }

    /// The provider's own error: `fails`, or `none` when it is not configured.
    fn error(provider: &'static str, error: &CredentialsError) -> Self {
        let outcome = if error.is_not_configured() {
            Outcome::None
        } else {
            Outcome::Fails
        };
        Self {
            outcome,
            provider,
            why: error.to_string(),
            details: Map::new(),
        }
    }

    /// The STS endpoint and region a role chain or web identity role would use, for JSON.
    fn with_sts(mut self, sts: &StsRoute) -> Self {
        self.details.insert("sts_endpoint".into(), sts.url().into());
        self.details
            .insert("sts_region".into(), sts.region().into());
        self
    }

    fn json(self) -> Value {
        let mut value = self.details;
        value.insert("outcome".into(), self.outcome.as_str().into());
        value.insert("provider".into(), self.provider.into());
        value.insert("why".into(), self.why.into());
        Value::Object(value)
    }

    fn text(&self) -> String {
        format!("{}: {}: {}", self.outcome.as_str(), self.provider, self.why)
    }
}

const PROFILE: &str = "ProfileCredentialsProvider";
const TOKEN: &str = "SsoTokenProvider";
const WEB_IDENTITY: &str = "WebIdentityTokenCredentialsProvider";
const CONTAINER: &str = "ContainerCredentialsProvider";
const IMDS: &str = "ImdsCredentialsProvider";

pub(crate) fn run(format: ProfilesFormat) -> Result<String, Failure> {
    render(&provider_config_from_process(), format)
}

/// The report over `config`'s world, in `format`.
fn render(config: &ProviderConfig, format: ProfilesFormat) -> Result<String, Failure> {
    let files = match PlanFiles::load(config) {
        Ok(files) => Ok(files),
        // No home (a container without HOME): no files, but the environment's providers
        // still answer, as they do in the chain (SPEC-chain §17.4).
        Err(e) if e.code() == ErrorCode::Home => Err(e.to_string()),
        Err(e) => return Err(Failure::new(e.to_string(), e.location().cloned())),
    };
    let report = Report::build(config, files.as_ref());
    // Only the format asked for is rendered: over a 10,000-profile config the JSON tree
    // alone is tens of megabytes.
    Ok(match format {
        ProfilesFormat::Json => pretty(&report.json()),
        ProfilesFormat::Text => report.text(),
    })
}

/// What `ssokit profiles` reports, before it is rendered as text or JSON.
struct Report {
    /// The config and credentials files, or why there are none (E-HOME).
    files: Result<(PathBuf, PathBuf), String>,
    selected: String,
    /// Where `selected` came from: `AWS_PROFILE` or the default.
    from: &'static str,
    /// The prefixes (`AWS`, `AMAZON`) whose access keys are set.
    env_keys: Vec<&'static str>,
    /// `WebIdentityTokenCredentialsProvider` (the environment's web identity).
    web_identity: Answer,
    /// `ContainerCredentialsProvider`.
    container: Answer,
    /// `ImdsCredentialsProvider` (never contacted: at best `unknown`).
    instance_metadata: Answer,
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
    fn build(config: &ProviderConfig, files: Result<&PlanFiles, &String>) -> Self {
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
        let web_identity = match environment_web_identity_route(config, files.ok(), selected) {
            Ok(route) => Answer::new(
                WEB_IDENTITY,
                format!(
                    "role {} with the token in {} ({})",
                    route.role_arn(),
                    route.token_file().display(),
                    token_file_state(&route)
                ),
            )
            .with_sts(route.sts()),
            Err(error) => Answer::error(WEB_IDENTITY, &error),
        };
        let container = match container_route(config) {
            Ok(route) => {
                let from = route
                    .authorization()
                    .map(|var| format!(", authorization from {var}"))
                    .unwrap_or_default();
                Answer::new(CONTAINER, format!("{}{from}", route.url()))
            }
            Err(error) => Answer::error(CONTAINER, &error),
        };
        let instance_metadata = match imds_endpoint_route(config, files.ok(), selected) {
            Ok(endpoint) => Answer {
                outcome: Outcome::Unknown,
                ..Answer::new(
                    IMDS,
                    format!("asked last at {endpoint} (not contacted by this command)"),
                )
            },
            Err(error) => Answer::error(IMDS, &error),
        };
        let (profiles, sessions) = match files {
            Ok(files) => (
                ProfileRow::all(config, files, selected),
                SessionRow::all(config, files),
            ),
            Err(_) => (Vec::new(), Vec::new()),
        };
        Self {
            files: files
                .map(|files| {
                    let locations = files.locations();
                    (
                        locations.config().to_path_buf(),
                        locations.credentials().to_path_buf(),
                    )
                })
                .map_err(String::clone),
            selected: selected.to_owned(),
            from,
            env_keys,
            web_identity,
            container,
            instance_metadata,
            profiles,
            sessions,
        }
    }

    fn text(&self) -> String {
        let mut text = String::new();
        let (config_file, credentials_file) = match &self.files {
            Ok((config, credentials)) => (shown(config), shown(credentials)),
            Err(why) => (format!("none: {why}"), format!("none: {why}")),
        };
        let _ = writeln!(text, "config file: {config_file}");
        let _ = writeln!(text, "credentials file: {credentials_file}");
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
        let _ = writeln!(text, "web identity: {}", self.web_identity.text());
        let _ = writeln!(text, "container: {}", self.container.text());
        let _ = writeln!(text, "instance metadata: {}", self.instance_metadata.text());
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
        let (config_file, credentials_file, files_error) = match self.files {
            Ok((config, credentials)) => (
                Some(config.display().to_string()),
                Some(credentials.display().to_string()),
                None,
            ),
            Err(why) => (None, None, Some(why)),
        };
        json!({
            "config_file": config_file,
            "credentials_file": credentials_file,
            "files_error": files_error,
            "selected_profile": self.selected,
            "environment_keys": self.env_keys,
            "web_identity": self.web_identity.json(),
            "container": self.container.json(),
            "instance_metadata": self.instance_metadata.json(),
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

impl SessionRow {
    /// A row for each sso-session of `files`, with its token cache file's state.
    fn all(config: &ProviderConfig, files: &PlanFiles) -> Vec<Self> {
        files
            .profiles()
            .sections(SectionKind::SsoSession)
            .iter()
            .map(|session| Self {
                name: session.name().to_owned(),
                location: session.location().to_string(),
                start_url: session.get("sso_start_url").map(str::to_owned),
                region: session.get("sso_region").map(str::to_owned),
                token_cache: cache_status(&files.session_cache_entry(config, session.name())),
            })
            .collect()
    }
}

impl ProfileRow {
    /// A row for each profile of `files`.
    fn all(config: &ProviderConfig, files: &PlanFiles, selected: &str) -> Vec<Self> {
        files
            .profiles()
            .sections(SectionKind::Profile)
            .iter()
            .map(|profile| Self::of(&ProfilePlan::new(config, files, profile), selected))
            .collect()
    }

    fn of(plan: &ProfilePlan, selected: &str) -> Self {
        let (credentials, token_cache) = match plan.credentials() {
            Ok(route) => credentials_answer(route),
            Err(error) => (Answer::error(PROFILE, error), None),
        };
        let token = match plan.token() {
            Ok(route) => token_answer(route),
            Err(error) => Answer::error(TOKEN, error),
        };
        Self {
            name: plan.name().to_owned(),
            location: plan.location().to_string(),
            selected: plan.name() == selected,
            credentials,
            token,
            token_cache,
        }
    }
}

/// What `ProfileCredentialsProvider` would use, and the legacy token's cache state.
fn credentials_answer(route: &CredentialsRoute) -> (Answer, Option<CacheStatus>) {
    match route {
        CredentialsRoute::StaticKeys => (
            Answer::new(PROFILE, "static keys (aws_access_key_id)"),
            None,
        ),
        CredentialsRoute::Sso(sso) => {
            let (text, cache) = sso_text(sso);
            (
                Answer::new(PROFILE, format!("{text} (GetRoleCredentials)")),
                cache,
            )
        }
        CredentialsRoute::Process { .. } => (
            Answer::new(PROFILE, "credential_process (runs the command)"),
            None,
        ),
        CredentialsRoute::WebIdentity(web) => (
            Answer::new(
                PROFILE,
                format!("{}; {}", web_identity_text(web), sts_text(web.sts())),
            ),
            None,
        ),
        CredentialsRoute::RoleChain(chain) => chain_answer(chain),
        other => base_answer(other),
    }
}

/// A route that only a chain's base has (`credential_source`), or one this ssokit cannot
/// describe.
fn base_answer(route: &CredentialsRoute) -> (Answer, Option<CacheStatus>) {
    let (text, cache) = base_text(route, None);
    (Answer::new(PROFILE, text), cache)
}

/// `role chain: <base> -> AssumeRole <arn> (profile <p>[, MFA <serial>]) -> …; STS <url>
/// (region <r> from <source>)` (SPEC §17.2), and in JSON the steps, the endpoint and the
/// region.
fn chain_answer(chain: &RoleChainRoute) -> (Answer, Option<CacheStatus>) {
    let (base, cache) = base_text(chain.base(), chain.base_profile());
    let mut why = format!("role chain: {base}");
    let mut steps = vec![json!({"base": base})];
    for hop in chain.hops() {
        let mfa = hop
            .mfa_serial()
            .map(|serial| format!(", MFA {serial}"))
            .unwrap_or_default();
        let _ = write!(
            why,
            " -> AssumeRole {} (profile {}{mfa})",
            hop.role_arn(),
            hop.profile()
        );
        steps.push(json!({
            "assume_role": hop.role_arn(),
            "profile": hop.profile(),
            "mfa_serial": hop.mfa_serial(),
        }));
    }
    let _ = write!(why, "; {}", sts_text(chain.sts()));
    let mut answer = Answer::new(PROFILE, why).with_sts(chain.sts());
    answer.details.insert("chain".into(), steps.into());
    (answer, cache)
}

/// A chain's base as §17.2 names it, with its profile.
fn base_text(route: &CredentialsRoute, profile: Option<&str>) -> (String, Option<CacheStatus>) {
    let of = profile
        .map(|p| format!(" (profile {p})"))
        .unwrap_or_default();
    match route {
        CredentialsRoute::StaticKeys => (format!("static keys{of}"), None),
        CredentialsRoute::Sso(sso) => {
            let (text, cache) = sso_text(sso);
            (format!("{text}{of}"), cache)
        }
        CredentialsRoute::Process { .. } => (format!("credential_process{of}"), None),
        CredentialsRoute::WebIdentity(web) => (format!("{}{of}", web_identity_role(web)), None),
        CredentialsRoute::CredentialSource(source) => (format!("credential_source {source}"), None),
        _ => ("a provider this ssokit cannot describe".to_owned(), None),
    }
}

/// An SSO route's text, and for the legacy form its token cache state.
fn sso_text(sso: &SsoRoute) -> (String, Option<CacheStatus>) {
    let cache = sso.session().is_none().then(|| cache_status(sso.cache()));
    (sso_description(sso), cache)
}

/// `SSO through sso-session <s>: account <a>, role <r>`, or the legacy form's
/// `SSO (legacy sso_start_url form): account <a>, role <r>`.
pub(crate) fn sso_description(sso: &SsoRoute) -> String {
    let (account, role) = (sso.account(), sso.role());
    match sso.session() {
        Some(session) => {
            format!("SSO through sso-session {session}: account {account}, role {role}")
        }
        None => format!("SSO (legacy sso_start_url form): account {account}, role {role}"),
    }
}

/// `web identity role <arn> with the token in <path> (exists|absent)`: the file's
/// existence only, never its content.
fn web_identity_text(web: &WebIdentityRoute) -> String {
    format!("{} ({})", web_identity_role(web), token_file_state(web))
}

/// `exists` or `absent`: all `profiles` says of a web identity token file.
fn token_file_state(web: &WebIdentityRoute) -> &'static str {
    if web.token_file_exists() {
        "exists"
    } else {
        "absent"
    }
}

/// `web identity role <arn> with the token in <path>`, as a chain's base names it (SPEC
/// §17.2: the base adds its profile, not the file's state).
fn web_identity_role(web: &WebIdentityRoute) -> String {
    format!(
        "web identity role {} with the token in {}",
        web.role_arn(),
        web.token_file().display()
    )
}

/// `STS <url> (region <r> from <source>)`.
fn sts_text(sts: &StsRoute) -> String {
    format!(
        "STS {} (region {} from {})",
        sts.url(),
        sts.region(),
        sts.region_source()
    )
}

/// What `SsoTokenProvider` would use.
fn token_answer(route: &TokenRoute) -> Answer {
    Answer::new(
        TOKEN,
        format!(
            "sso-session {} (its cached token, refreshed when it expires)",
            route.session()
        ),
    )
}

/// A token cache entry's path, or `(no home)`.
pub(crate) fn entry_path(entry: &CacheEntry) -> String {
    entry
        .path()
        .map_or_else(|| "(no home)".to_owned(), |p| p.display().to_string())
}

/// A token cache entry as the provider judges it: absent, unusable, or its expiry,
/// freshness and (for sessions) whether it can be refreshed. Never the token.
fn cache_status(entry: &CacheEntry) -> CacheStatus {
    let path = entry_path(entry);
    match entry.state() {
        CacheState::Absent(_) => CacheStatus {
            text: format!("{path} (absent: run aws sso login)"),
            json: json!({"path": path, "state": "absent"}),
        },
        CacheState::Found(status) => {
            let state = match status.freshness() {
                Freshness::Valid => "valid",
                Freshness::Expiring => "expiring",
                _ => "expired",
            };
            let expires = time(status.expires_at());
            let mut line = format!("{path} (expires {expires}, {state}");
            let mut value = json!({"path": path, "state": state, "expires_at": expires});
            match status.refresh() {
                Some(Ok(())) => {
                    line.push_str(", refreshable");
                    value["refreshable"] = true.into();
                }
                Some(Err(reason)) => {
                    let _ = write!(line, ", not refreshable: {reason}");
                    value["refreshable"] = false.into();
                    value["not_refreshable_because"] = reason.into();
                }
                None => {}
            }
            line.push(')');
            CacheStatus {
                text: line,
                json: value,
            }
        }
        CacheState::Unusable(error) => unusable(&path, &error.to_string()),
        _ => unusable(&path, "a cache state this ssokit cannot describe"),
    }
}

fn unusable(path: &str, error: &str) -> CacheStatus {
    CacheStatus {
        text: format!("{path} (unusable: {error})"),
        json: json!({"path": path, "state": "unusable", "error": error}),
    }
}

#[cfg(test)]
mod tests {
    use ssokit_chain::config::Env;
    use ssokit_chain::credentials::TestClock;

    use super::*;

    /// A container without a home: no files, but the environment's providers are still
    /// described (the chain moves on past E-HOME too).
    #[test]
    fn without_a_home_the_environment_is_still_described() {
        let env = Env::from_pairs([
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:9/creds",
            ),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let config = ProviderConfig::new(env, TestClock::new(jiff::Timestamp::UNIX_EPOCH));
        let Ok(text) = render(&config, ProfilesFormat::Text) else {
            panic!("no home is not an error");
        };
        assert!(
            text.starts_with(
                "config file: none: Cannot load credentials, HOME path not set\ncredentials file: none: Cannot load credentials, HOME path not set\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "\ncontainer: answers: ContainerCredentialsProvider: http://127.0.0.1:9/creds\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("\nno profiles\n"), "{text}");
        let Ok(json) = render(&config, ProfilesFormat::Json) else {
            panic!("no home is not an error");
        };
        let json: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["config_file"], Value::Null);
        assert_eq!(
            json["files_error"],
            "Cannot load credentials, HOME path not set"
        );
        assert_eq!(json["container"]["outcome"], "answers");
    }
}
