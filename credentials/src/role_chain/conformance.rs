//! The profile chain suite, conformance `assume-role-tests.json` (its README §3; SPEC §15.1
//! "Harness"), read in place: each case's parsed profiles and sessions are written back as
//! config text, parsed, resolved by [`resolve`], and the resolution is rendered in the
//! suite's `ProfileChain` form and compared whole (`AccessKey` = a Static base, `AssumeRole`
//! = a hop, `NamedSource`, `WebIdentityToken`, `Sso` = the base's settings).
//!
//! An `Error` output must fail: the resolution, or the base's no-network SPEC §8 checks (the
//! SSO portal endpoint); the wording is ssokit's.
//!
//! One rule reads the suite through SPEC §8: a token-only sso-session profile (no
//! `sso_account_id`, no `sso_role_name`) resolves, for credentials, to S-SESSION (not
//! configured). aws-config's chain holds it as an `Sso` base that fails later. Its `Sso`
//! settings are then those of the token side: what the token provider's own
//! [`token_request`] decides for the profile (the session, its region) and the session's
//! `sso_start_url`.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};
use ssokit_config_parser::{Env, ProfileSet, Source};
use ssokit_fake_portal::sandbox::conformance_dir;

use super::{Base, RoleChain, resolve};
use crate::cache::TOKEN_WINDOW;
use crate::clock::TestClock;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::providers::sso::TokenSource;
use crate::providers::token::token_request;
use crate::session::session_section;

/// The suite's case count (README §3).
const CASES: usize = 28;

/// The case's `profiles` and `sso_sessions` as config file text.
fn config_text(input: &Value) -> String {
    let mut text = String::new();
    let mut section = |header: String, keys: &Value| {
        let _ = writeln!(text, "{header}");
        for (key, value) in keys.as_object().unwrap() {
            let _ = writeln!(text, "{key} = {}", value.as_str().unwrap());
        }
        text.push('\n');
    };
    for (name, keys) in input["profiles"].as_object().unwrap() {
        let header = if name == "default" {
            "[default]".to_owned()
        } else {
            format!("[profile {name}]")
        };
        section(header, keys);
    }
    for (name, keys) in input
        .get("sso_sessions")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        section(format!("[sso-session {name}]"), keys);
    }
    text
}

/// A one-key object `{kind: fields}`, leaving out absent optional fields.
fn element(kind: &str, fields: &[(&str, Option<&str>)]) -> Value {
    let fields: Map<String, Value> = fields
        .iter()
        .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), json!(v))))
        .collect();
    json!({ kind: fields })
}

/// The `[sso-session]` section's `sso_start_url` for `profile`'s session `session`.
fn session_start_url(set: &ProfileSet, profile: &str, session: &str) -> Option<String> {
    let profile = set.profile(profile)?;
    let (section, _) = session_section(set, &profile, session).ok()?;
    section.get("sso_start_url").map(str::to_owned)
}

/// The base as the suite writes it; SSO after its no-network checks.
fn base_element(set: &ProfileSet, base: &Base) -> Result<Value, CredentialsError> {
    Ok(match base {
        Base::Static { credentials, .. } => element(
            "AccessKey",
            &[
                ("access_key_id", Some(credentials.access_key_id())),
                ("secret_access_key", Some(credentials.secret_access_key())),
                ("account_id", credentials.account_id()),
            ],
        ),
        Base::Named { source, .. } => json!({ "NamedSource": source.name() }),
        Base::WebIdentity { web, .. } => element(
            "WebIdentityToken",
            &[
                ("role_arn", Some(&web.role_arn)),
                (
                    "web_identity_token_file",
                    Some(&web.token_file.display().to_string()),
                ),
                ("role_session_name", web.session_name.as_deref()),
            ],
        ),
        Base::Sso(plan) => {
            plan.portal_endpoint()?;
            let (session, start_url) = match &plan.token {
                TokenSource::Session(request) => (
                    Some(request.session.as_str()),
                    session_start_url(set, &plan.profile, &request.session),
                ),
                TokenSource::Legacy { start_url } => (None, Some(start_url.clone())),
            };
            element(
                "Sso",
                &[
                    ("sso_start_url", start_url.as_deref()),
                    ("sso_region", Some(&plan.region)),
                    ("sso_account_id", Some(&plan.account)),
                    ("sso_role_name", Some(&plan.role)),
                    ("sso_session", session),
                ],
            )
        }
        Base::Process(step) => json!({ "CredentialProcess": step.profile }),
    })
}

/// The whole chain, base first, as the suite's `ProfileChain`.
fn profile_chain(set: &ProfileSet, chain: &RoleChain) -> Result<Vec<Value>, CredentialsError> {
    let mut out = vec![base_element(set, &chain.base)?];
    out.extend(chain.roles.iter().flat_map(|roles| &roles.hops).map(|hop| {
        element(
            "AssumeRole",
            &[
                ("role_arn", Some(&hop.role_arn)),
                ("external_id", hop.external_id.as_deref()),
                ("role_session_name", hop.session_name.as_deref()),
            ],
        )
    }));
    Ok(out)
}

/// A token-only sso-session profile (S-SESSION, not configured) as the token side sees it.
fn token_only(
    config: &ProviderConfig,
    set: &ProfileSet,
    selected: &str,
) -> Result<Vec<Value>, CredentialsError> {
    let request = token_request(config, set, selected, TOKEN_WINDOW)?;
    let region = request
        .endpoint
        .as_ref()
        .map_err(Clone::clone)?
        .region_name();
    let start_url = session_start_url(set, selected, &request.session);
    Ok(vec![element(
        "Sso",
        &[
            ("sso_start_url", start_url.as_deref()),
            ("sso_region", region),
            ("sso_session", Some(&request.session)),
        ],
    )])
}

/// What ssokit makes of one case: the rendered chain, or why it fails.
fn outcome(input: &Value) -> Result<Vec<Value>, CredentialsError> {
    let set = ProfileSet::parse(
        Source::new("/conformance/config", config_text(input)),
        Source::empty("/conformance/credentials"),
    )
    .unwrap();
    let selected = input["selected_profile"].as_str().unwrap();
    let config = ProviderConfig::new(Env::new(), TestClock::new(jiff::Timestamp::UNIX_EPOCH));
    match resolve(&config, &set, selected) {
        Ok(chain) => profile_chain(&set, &chain),
        Err(e) if e.code() == ErrorCode::IncompleteSsoProfile && e.is_not_configured() => {
            token_only(&config, &set, selected).map_err(|token| {
                eprintln!("token side: {token}");
                e
            })
        }
        Err(e) => Err(e),
    }
}

#[test]
fn assume_role_tests() {
    let Some(dir) = conformance_dir("assume_role_tests") else {
        return;
    };
    let text = std::fs::read(dir.join("assume-role-tests.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_slice(&text).unwrap();
    let mut ran = 0;
    for (n, case) in cases.iter().enumerate() {
        let docs = format!("case {} ({})", n + 1, case["docs"].as_str().unwrap());
        let got = outcome(&case["input"]);
        let expected = &case["output"];
        if let Some(chain) = expected.get("ProfileChain") {
            let got = got.unwrap_or_else(|e| panic!("{docs}: {e}"));
            assert_eq!(&Value::Array(got), chain, "{docs}");
        } else {
            let wanted = expected["Error"].as_str().unwrap();
            match got {
                Ok(chain) => panic!("{docs}: must fail ({wanted}), resolved to {chain:?}"),
                Err(e) => eprintln!("{docs}: fails as expected ({wanted}): {e}"),
            }
        }
        ran += 1;
    }
    assert_eq!(ran, CASES);
}
