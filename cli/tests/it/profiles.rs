//! `ssokit profiles`: what ssokit sees, which provider would answer, no secrets, no network.

use crate::{LEGACY_CACHE, SECRETS, SESSION_CACHE, Sandbox, now_plus};

#[test]
fn text_lists_profiles_sessions_and_answers() {
    let sandbox = Sandbox::new();
    let expired = now_plus(-60);
    sandbox.set_expires_at(LEGACY_CACHE, &expired);
    let home = sandbox.home.path().display().to_string();
    let out = sandbox.run(&["profiles"]).success();
    let expected = format!(
        "config file: {home}/.aws/config
credentials file: {home}/.aws/credentials (absent)
selected profile: default (from the default)
environment: no AWS_* or AMAZON_* access keys set
web identity: none: WebIdentityTokenCredentialsProvider: AWS_WEB_IDENTITY_TOKEN_FILE is not set
container: none: ContainerCredentialsProvider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set
instance metadata: none: ImdsCredentialsProvider: IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)

profile a ({home}/.aws/config:1)
  credentials: answers: ProfileCredentialsProvider: SSO (legacy sso_start_url form): account 111122223333, role LegacyRole (GetRoleCredentials)
  token: fails: SsoTokenProvider: Profile \"a\" is missing required property \"sso_session\". Bearer tokens need a profile that refers to an [sso-session] section; this profile uses the legacy sso_start_url form.
  token cache: {home}/{LEGACY_CACHE} (expires {}, expired)

profile s ({home}/.aws/config:7)
  credentials: answers: ProfileCredentialsProvider: SSO through sso-session dev: account 444455556666, role SessionRole (GetRoleCredentials)
  token: answers: SsoTokenProvider: sso-session dev (its cached token, refreshed when it expires)

sso-session dev ({home}/.aws/config:12)
  start URL https://d-abc123.awsapps.com/start, region eu-west-1
  token cache: {home}/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json (expires {}, valid, refreshable)
",
        expired, sandbox.expires_at
    );
    assert_eq!(out, expected);
    for secret in SECRETS {
        assert!(!out.contains(secret), "{secret}");
    }
    assert_eq!(sandbox.gets() + sandbox.posts(), 0, "no network");
}

#[test]
fn json_has_the_same_facts() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_PROFILE", "s");
    sandbox.env("AMAZON_ACCESS_KEY_ID", "AKID");
    sandbox.env("AMAZON_SECRET_ACCESS_KEY", "x");
    sandbox.write(
        ".aws/credentials",
        "[half]\naws_access_key_id = AKID\n[tok]\nsso_session = dev\n",
    );
    let out = sandbox.run(&["profiles", "--format", "json"]).success();
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["selected_profile"], "s");
    assert_eq!(value["environment_keys"], serde_json::json!(["AMAZON"]));
    let profiles = value["profiles"].as_array().unwrap();
    let names: Vec<&str> = profiles
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "half", "s", "tok"]);
    assert_eq!(profiles[1]["credentials"]["outcome"], "fails");
    assert_eq!(
        profiles[1]["credentials"]["why"],
        "Profile half sets aws_access_key_id but not aws_secret_access_key"
    );
    assert_eq!(profiles[2]["selected"], true);
    assert_eq!(profiles[3]["credentials"]["outcome"], "none");
    // Tokens read the config file only (SPEC §7.1): a profile of the credentials file has
    // none, as the token provider itself says.
    assert_eq!(profiles[3]["token"]["outcome"], "none");
    assert_eq!(profiles[3]["token"]["why"], "Profile \"tok\" not found");
    let token = sandbox.run(&["token", "--profile", "tok"]);
    assert!(
        token
            .stderr()
            .contains("SsoTokenProvider: Profile \"tok\" not found"),
        "{}",
        token.stderr()
    );
    assert_eq!(value["sso_sessions"][0]["token_cache"]["state"], "valid");
    assert_eq!(value["sso_sessions"][0]["token_cache"]["refreshable"], true);
    for secret in SECRETS {
        assert!(!out.contains(secret), "{secret}");
    }
}

/// The session token's refreshability is the provider's own judgement: a client
/// registration that expired makes it "not refreshable", with the provider's reason.
#[test]
fn an_expired_client_registration_is_not_refreshable() {
    let sandbox = Sandbox::new();
    let text = sandbox.read(SESSION_CACHE);
    let key = "\"registrationExpiresAt\": \"";
    let start = text.find(key).unwrap() + key.len();
    let end = start + text[start..].find('"').unwrap();
    sandbox.write(
        SESSION_CACHE,
        format!("{}2026-01-01T00:00:00Z{}", &text[..start], &text[end..]),
    );
    let out = sandbox.run(&["profiles"]).success();
    let home = sandbox.home.path().display().to_string();
    assert!(
        out.contains(&format!(
            "token cache: {home}/{SESSION_CACHE} (expires {}, valid, not refreshable: client registration expired at 2026-01-01T00:00:00Z)",
            sandbox.expires_at
        )),
        "{out}"
    );
    let json = sandbox.run(&["profiles", "--format", "json"]).success();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cache = &value["sso_sessions"][0]["token_cache"];
    assert_eq!(cache["refreshable"], false);
    assert_eq!(
        cache["not_refreshable_because"],
        "client registration expired at 2026-01-01T00:00:00Z"
    );
}

/// A profile whose `sso_region` disagrees with its session's is reported with the
/// provider's S-MISMATCH text, as the provider would fail.
#[test]
fn a_session_mismatch_is_reported_with_the_provider_text() {
    let sandbox = Sandbox::new();
    let config = sandbox.read(".aws/config");
    sandbox.write(
        ".aws/config",
        config.replacen(
            "sso_session = dev\n",
            "sso_session = dev\nsso_region = us-west-2\n",
            1,
        ),
    );
    let out = sandbox.run(&["profiles"]).success();
    assert!(
        out.contains(
            "  credentials: fails: ProfileCredentialsProvider: Profile s sets sso_region \"us-west-2\" but sso-session dev sets \"eu-west-1\"; remove it from the profile or make the values equal\n"
        ),
        "{out}"
    );
    // The provider itself says the same.
    let run = sandbox.run(&["credentials", "--profile", "s"]);
    assert!(
        run.stderr().contains(
            "Profile s sets sso_region \"us-west-2\" but sso-session dev sets \"eu-west-1\""
        ),
        "{}",
        run.stderr()
    );
}
