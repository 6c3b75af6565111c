//! `credential_process` through `ProfileCredentialsProvider` (SPEC §10).

use std::time::Duration;

use ssokit_credentials::{
    ErrorCode, MAX_PROCESS_DEPTH, PROCESS_DEPTH_VAR, ProfileCredentialsProvider,
};

use crate::{World, ts};

fn with_process(w: &World, script: &str) {
    w.write("proc.sh", script);
    w.write(
        ".aws/config",
        format!(
            "[profile p]\ncredential_process = sh {}\n",
            w.path("proc.sh").display()
        ),
    );
}

#[tokio::test]
async fn process_version_1_output() {
    let w = World::new();
    with_process(
        &w,
        "echo progress >&2\ncat <<'J'\n{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2026-03-01T13:00:00Z\", \"AccountId\": \"123\"}\nJ\n",
    );
    let creds = w.profile("p").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIDPROC");
    assert_eq!(creds.session_token(), Some("t"));
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    assert_eq!(creds.account_id(), Some("123"));
    assert_eq!(creds.provider_name(), "Process");
}

#[tokio::test]
async fn process_exit_status() {
    let w = World::new();
    with_process(&w, "exit 3\n");
    let error = w.profile("p").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Error retrieving credentials from external process: exited with exit status: 3"
    );
    assert_eq!(error.code(), ErrorCode::Process);
}

#[tokio::test]
async fn process_invalid_output() {
    for output in [
        "echo not json",
        r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}'"#,
        r#"echo '{"Version": 1, "AccessKeyId": "A"}'"#,
    ] {
        let w = World::new();
        with_process(&w, output);
        let error = w.profile("p").get().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "Error retrieving credentials from external process, could not parse response: invalid JSON in response",
            "{output}"
        );
    }
}

#[tokio::test]
async fn process_timeout() {
    let w = World::new();
    with_process(&w, "sleep 5\n");
    let provider = ProfileCredentialsProvider::builder(
        w.config().with_process_timeout(Duration::from_millis(200)),
    )
    .profile_name("p")
    .build();
    let error = provider.get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Error retrieving credentials from external process: timed out after 0.2 s"
    );
}

/// A script that reports the depth it was started at as its access key id.
const DEPTH_ECHO: &str = "printf '{\"Version\": 1, \"AccessKeyId\": \"AK%s\", \"SecretAccessKey\": \"s\"}' \"$SSOKIT_CREDENTIAL_PROCESS_DEPTH\"\n";

fn with_env(w: &World, name: &str, value: &str) -> ProfileCredentialsProvider {
    let env = w.env.clone().with(name, value);
    let config = ssokit_credentials::ProviderConfig::new(env, w.clock.clone());
    ProfileCredentialsProvider::builder(config)
        .profile_name("p")
        .build()
}

#[tokio::test]
async fn each_process_is_told_how_deep_it_runs() {
    let w = World::new();
    with_process(&w, DEPTH_ECHO);
    assert_eq!(w.profile("p").get().await.unwrap().access_key_id(), "AK1");
    let nested = with_env(&w, PROCESS_DEPTH_VAR, "2");
    assert_eq!(nested.get().await.unwrap().access_key_id(), "AK3");
}

#[tokio::test]
async fn a_chain_at_the_limit_starts_no_further_process() {
    let w = World::new();
    let marker = w.path("started");
    with_process(&w, &format!("touch {}\n{DEPTH_ECHO}", marker.display()));
    let provider = with_env(&w, PROCESS_DEPTH_VAR, &MAX_PROCESS_DEPTH.to_string());
    let error = provider.get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Error retrieving credentials from external process: not started: 3 credential_process \
         commands are already running one inside another (SSOKIT_CREDENTIAL_PROCESS_DEPTH=3), so \
         the credential_process of profile p most likely runs ssokit for that profile again; \
         point it at a command that does not come back to this profile"
    );
    assert_eq!(error.code(), ErrorCode::Process);
    assert_eq!(
        error.location().map(ssokit_config_parser::Location::line),
        Some(2)
    );
    assert!(!marker.exists(), "the process was not started");
}

#[tokio::test]
async fn a_depth_that_is_not_a_number_is_named() {
    let w = World::new();
    with_process(&w, DEPTH_ECHO);
    let error = with_env(&w, PROCESS_DEPTH_VAR, "deep")
        .get()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Error retrieving credentials from external process: not started: \
         SSOKIT_CREDENTIAL_PROCESS_DEPTH is \"deep\", not a number; ssokit sets it for the \
         credential_process commands it starts, so unset it"
    );
}
