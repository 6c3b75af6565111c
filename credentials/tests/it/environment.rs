//! `EnvironmentCredentialsProvider`: K-ENV and SPEC §13 scenario 43.

use ssokit_credentials::{EnvironmentCredentialsProvider, ErrorKind, ProvideCredentials};

use crate::World;

#[tokio::test]
async fn s43_environment_keys() {
    let mut w = World::new();
    w.set_env("AWS_ACCESS_KEY_ID", "AKIDENV");
    w.set_env("AWS_SECRET_ACCESS_KEY", "s");
    w.set_env("AWS_SESSION_TOKEN", "tok");
    w.set_env("AWS_ACCOUNT_ID", "123456789012");
    let provider = EnvironmentCredentialsProvider::new(w.config(), "AWS");
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIDENV");
    assert_eq!(creds.secret_access_key(), "s");
    assert_eq!(creds.session_token(), Some("tok"));
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.expire_time(), None);
    assert_eq!(creds.provider_name(), "Environment");
    assert_eq!(
        provider.provider_name(),
        "EnvironmentCredentialsProvider(AWS)"
    );
    assert_eq!(w.portal.requests().len(), 0);
}

#[tokio::test]
async fn s43_blank_values_are_unset() {
    let mut w = World::new();
    w.set_env("AWS_ACCESS_KEY_ID", "  ");
    w.set_env("AWS_SECRET_ACCESS_KEY", "s");
    let error = EnvironmentCredentialsProvider::new(w.config(), "AWS")
        .get()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "AWS_ACCESS_KEY_ID is not set");
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
    w.set_env("AWS_ACCESS_KEY_ID", "AKID");
    w.set_env("AWS_SECRET_ACCESS_KEY", "\t");
    let error = EnvironmentCredentialsProvider::new(w.config(), "AWS")
        .get()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "AWS_SECRET_ACCESS_KEY is not set");
}

#[tokio::test]
async fn s43_amazon_prefix() {
    let mut w = World::new();
    w.set_env("AMAZON_ACCESS_KEY_ID", "AKIDAMAZON");
    w.set_env("AMAZON_SECRET_ACCESS_KEY", "s");
    let aws = EnvironmentCredentialsProvider::new(w.config(), "AWS");
    assert_eq!(
        aws.get().await.unwrap_err().to_string(),
        "AWS_ACCESS_KEY_ID is not set"
    );
    let amazon = EnvironmentCredentialsProvider::new(w.config(), "AMAZON");
    assert_eq!(amazon.get().await.unwrap().access_key_id(), "AKIDAMAZON");
    assert_eq!(
        amazon.provider_name(),
        "EnvironmentCredentialsProvider(AMAZON)"
    );
}
