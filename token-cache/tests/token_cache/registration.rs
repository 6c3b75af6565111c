//! The client registration cache shared with the AWS CLI (SPEC §19.3): a file another tool
//! wrote in the CLI's format is read and reused; ssokit's own file is written atomically,
//! 0600, in that format, under the CLI's name.

use ssokit_token_cache::{ClientRegistration, registration_file, write_registration};

const URL: &str = "https://d-abc123.awsapps.com/start";

/// What AWS CLI v2 writes for a PKCE registration of session `dev` (its `json.dumps`).
const CLI_WRITTEN: &str = r#"{"clientId": "cli-client", "clientSecret": "cli-secret", "expiresAt": "2026-05-30T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#;

#[test]
fn a_registration_the_cli_wrote_is_found_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let file = registration_file(dir.path(), URL, "eu-west-1", None, Some("dev"));
    assert_eq!(
        file.path().file_name().unwrap(),
        "31c6709b4a22ba40b33cc658a6728837f3007d63.json"
    );
    std::fs::write(file.path(), CLI_WRITTEN).unwrap();
    let read = ClientRegistration::parse(&std::fs::read(file.path()).unwrap()).unwrap();
    assert_eq!(read.client_id(), "cli-client");
    let now = "2026-03-01T12:00:00Z".parse().unwrap();
    assert!(read.reusable(now, true).is_ok());
    assert!(
        read.reusable(now, false).is_err(),
        "a PKCE client is not for device code"
    );
    assert_eq!(read.render(), CLI_WRITTEN, "ssokit writes the same bytes");
}

#[cfg(unix)]
#[test]
fn ssokit_writes_it_atomically_and_private() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(".aws/sso/cache");
    let file = registration_file(&cache, URL, "us-east-1", None, None);
    assert_eq!(
        file.path().file_name().unwrap(),
        "c7029af06842ab71c7d71a4f2d85fc584e0c5528.json"
    );
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(file.path(), "corrupt: replaced by design").unwrap();
    let registration = ClientRegistration::parse(CLI_WRITTEN.as_bytes()).unwrap();
    write_registration(&file, &registration).unwrap();
    assert_eq!(std::fs::read_to_string(file.path()).unwrap(), CLI_WRITTEN);
    let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
