//! `credential_process` through `ProfileCredentialsProvider` (SPEC §10).

use std::time::Duration;

use ssokit_credentials::{ErrorCode, ProfileCredentialsProvider};

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
