//! `ProfileCredentialsProvider`: SPEC §10 order, scenarios 44 and 46, K-ROLE, K-HALF,
//! K-NOCREDS.

use ssokit_credentials::{ErrorCode, ErrorKind, ProfileCredentialsProvider, ProvideCredentials};

use crate::World;

#[tokio::test]
async fn s44_static_keys_win_over_sso() {
    let w = World::new();
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        config.replace(
            "[profile a]\n",
            "[profile a]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = secret\naws_session_token = st\naws_account_id = 999988887777\n",
        ),
    );
    let provider = w.profile("a");
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIDSTATIC");
    assert_eq!(creds.session_token(), Some("st"));
    assert_eq!(creds.account_id(), Some("999988887777"));
    assert_eq!(creds.provider_name(), "Profile");
    assert_eq!(w.portal.requests().len(), 0);
    assert_eq!(provider.provider_name(), "ProfileCredentialsProvider");
}

#[tokio::test]
async fn profile_provider_resolves_sso_profiles() {
    let w = World::new();
    assert_eq!(
        w.profile("a").get().await.unwrap().access_key_id(),
        "ASIAMOCKACCESSKEY"
    );
    assert_eq!(
        w.profile("s").get().await.unwrap().account_id(),
        Some("444455556666")
    );
}

#[tokio::test]
async fn s46_broken_sso_stops_before_credential_process() {
    let w = World::new();
    let marker = w.path("ran");
    w.write(
        ".aws/config",
        format!(
            "[profile p]\nsso_session = dev\nsso_account_id = 1\nsso_role_name = R\ncredential_process = touch {}\n",
            marker.display()
        ),
    );
    let error = w.profile("p").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Sso session \"dev\" not found");
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert!(!marker.exists());
}

#[tokio::test]
async fn half_static_keys() {
    let w = World::new();
    w.write(".aws/credentials", "[h]\naws_access_key_id = AKID\n");
    let error = w.profile("h").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile h sets aws_access_key_id but not aws_secret_access_key"
    );
    assert_eq!(error.code(), ErrorCode::HalfStaticKeys);
    w.write(".aws/credentials", "[h]\naws_secret_access_key = x\n");
    let error = w.profile("h").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile h sets aws_secret_access_key but not aws_access_key_id"
    );
}

#[tokio::test]
async fn no_credentials_and_no_profile_are_not_configured() {
    let w = World::new();
    w.write(".aws/config", "[profile n]\nregion = us-east-1\n");
    let error = w.profile("n").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile n has no credentials (looked for aws_access_key_id, role_arn, credential_source, web_identity_token_file, sso_session, sso_start_url, credential_process)"
    );
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
    let error = w.profile("default").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Profile default not found");
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
}

#[tokio::test]
async fn credentials_file_static_keys() {
    let w = World::new();
    w.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secret\n",
    );
    let creds = w.profile("default").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIDFILE");
    assert_eq!(creds.session_token(), None);
}

#[tokio::test]
async fn no_home_is_not_configured_unless_a_file_path_is_set() {
    let mut w = World::new();
    w.unset_env("HOME");
    let error = w.profile("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Cannot load credentials, HOME path not set"
    );
    assert_eq!(
        (error.code(), error.kind()),
        (ErrorCode::Home, ErrorKind::NotConfigured)
    );
    // A file path set explicitly means these files: without the home they cannot be
    // found (the other file's default path needs it), which fails.
    let file = w.path(".aws/config");
    let in_builder = ProfileCredentialsProvider::builder(w.config())
        .config_file(file.clone())
        .build();
    let in_config = ProfileCredentialsProvider::builder(w.config().with_config_file(file)).build();
    w.set_env("AWS_SHARED_CREDENTIALS_FILE", "/nowhere/credentials");
    for provider in [in_builder, in_config, w.profile("a")] {
        let error = provider.get().await.unwrap_err();
        assert_eq!(
            (error.code(), error.kind()),
            (ErrorCode::Home, ErrorKind::Failed)
        );
    }
}
