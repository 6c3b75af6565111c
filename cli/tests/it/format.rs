//! Every output format, whole (SPEC §11, scenario 49, with the account id amendment of
//! SPEC-commands.md).

use crate::Sandbox;

const PROCESS: &str = "{
  \"Version\": 1,
  \"AccessKeyId\": \"ASIAMOCKACCESSKEY\",
  \"SecretAccessKey\": \"mockSecretKey\",
  \"SessionToken\": \"mockSessionToken\",
  \"Expiration\": \"2026-03-01T13:00:00Z\",
  \"AccountId\": \"111122223333\"
}
";

#[test]
fn scenario_49_credentials_process_is_the_default() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "a"]).success(),
        PROCESS
    );
    assert_eq!(
        sandbox
            .run(&["credentials", "--profile", "a", "--format", "process"])
            .success(),
        PROCESS
    );
    assert_eq!(sandbox.gets(), 2);
    let request = &sandbox.portal.requests()[0];
    assert_eq!(
        request.request_line(),
        "GET /federation/credentials?account_id=111122223333&role_name=LegacyRole HTTP/1.1"
    );
}

#[test]
fn scenario_49_credentials_env_is_four_lines_and_the_account_id() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox
            .run(&["credentials", "--profile", "a", "--format", "env"])
            .success(),
        "export AWS_ACCESS_KEY_ID=ASIAMOCKACCESSKEY\n\
         export AWS_SECRET_ACCESS_KEY=mockSecretKey\n\
         export AWS_SESSION_TOKEN=mockSessionToken\n\
         export AWS_CREDENTIAL_EXPIRATION=2026-03-01T13:00:00Z\n\
         export AWS_ACCOUNT_ID=111122223333\n"
    );
}

#[test]
fn credentials_env_no_export_fish_powershell() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox
            .run(&["credentials", "--profile", "s", "--format", "env-no-export"])
            .success(),
        "AWS_ACCESS_KEY_ID=ASIAMOCKACCESSKEY\n\
         AWS_SECRET_ACCESS_KEY=mockSecretKey\n\
         AWS_SESSION_TOKEN=mockSessionToken\n\
         AWS_CREDENTIAL_EXPIRATION=2026-03-01T13:00:00Z\n\
         AWS_ACCOUNT_ID=444455556666\n"
    );
    assert_eq!(
        sandbox
            .run(&["credentials", "--profile", "s", "--format", "fish"])
            .success(),
        "set -gx AWS_ACCESS_KEY_ID \"ASIAMOCKACCESSKEY\"\n\
         set -gx AWS_SECRET_ACCESS_KEY \"mockSecretKey\"\n\
         set -gx AWS_SESSION_TOKEN \"mockSessionToken\"\n\
         set -gx AWS_CREDENTIAL_EXPIRATION \"2026-03-01T13:00:00Z\"\n\
         set -gx AWS_ACCOUNT_ID \"444455556666\"\n"
    );
    assert_eq!(
        sandbox
            .run(&["credentials", "--profile", "s", "--format", "powershell"])
            .success(),
        "$Env:AWS_ACCESS_KEY_ID=\"ASIAMOCKACCESSKEY\"\n\
         $Env:AWS_SECRET_ACCESS_KEY=\"mockSecretKey\"\n\
         $Env:AWS_SESSION_TOKEN=\"mockSessionToken\"\n\
         $Env:AWS_CREDENTIAL_EXPIRATION=\"2026-03-01T13:00:00Z\"\n\
         $Env:AWS_ACCOUNT_ID=\"444455556666\"\n"
    );
}

#[test]
fn credentials_json_has_the_account_and_no_version() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox
            .run(&["credentials", "--profile", "s", "--format", "json"])
            .success(),
        "{
  \"AccessKeyId\": \"ASIAMOCKACCESSKEY\",
  \"SecretAccessKey\": \"mockSecretKey\",
  \"SessionToken\": \"mockSessionToken\",
  \"Expiration\": \"2026-03-01T13:00:00Z\",
  \"AccountId\": \"444455556666\"
}
"
    );
}

#[test]
fn static_keys_omit_what_is_absent_and_quote_what_needs_it() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_ACCESS_KEY_ID", "AKIDENV");
    sandbox.env("AWS_SECRET_ACCESS_KEY", "se cret'x");
    assert_eq!(
        sandbox.run(&["credentials"]).success(),
        "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKIDENV\",\n  \"SecretAccessKey\": \"se cret'x\"\n}\n"
    );
    assert_eq!(
        sandbox.run(&["credentials", "--format", "env"]).success(),
        "export AWS_ACCESS_KEY_ID=AKIDENV\nexport AWS_SECRET_ACCESS_KEY='se cret'\\''x'\n"
    );
    assert_eq!(sandbox.gets(), 0);
}

#[test]
fn scenario_49_token_json_and_raw() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox.run(&["token", "--profile", "s"]).success(),
        format!(
            "{{\n  \"accessToken\": \"session-at\",\n  \"expiresAt\": \"{}\"\n}}\n",
            sandbox.expires_at
        )
    );
    assert_eq!(
        sandbox
            .run(&["token", "--profile", "s", "--format", "raw"])
            .success(),
        "session-at\n"
    );
    assert_eq!(sandbox.posts(), 0);
}

#[test]
fn aws_profile_selects_the_profile_without_the_flag() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_PROFILE", "s");
    assert_eq!(
        sandbox.run(&["token", "--format", "raw"]).success(),
        "session-at\n"
    );
    assert!(
        sandbox
            .run(&["credentials"])
            .success()
            .contains("ASIAMOCKACCESSKEY")
    );
}
