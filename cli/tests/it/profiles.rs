//! `ssokit profiles`: what ssokit sees, which provider would answer, no secrets, no network.

use crate::{LEGACY_CACHE, SECRETS, Sandbox, now_plus};

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

profile a ({home}/.aws/config:1)
  credentials: answers: ProfileCredentialsProvider: SSO (legacy sso_start_url form): account 111122223333, role LegacyRole (GetRoleCredentials)
  token: fails: SsoTokenProvider: legacy sso_start_url form: bearer tokens need a profile that refers to an [sso-session] section
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
    assert_eq!(profiles[3]["token"]["outcome"], "answers");
    assert_eq!(value["sso_sessions"][0]["token_cache"]["state"], "valid");
    assert_eq!(value["sso_sessions"][0]["token_cache"]["refreshable"], true);
    for secret in SECRETS {
        assert!(!out.contains(secret), "{secret}");
    }
}
