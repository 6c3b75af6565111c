//! The `aws-sdk` feature: the chains driven through `aws-credential-types`' traits.

use std::time::SystemTime;

use aws_credential_types::provider::error::{CredentialsError, TokenError};
use aws_credential_types::provider::token::{ProvideToken, SharedTokenProvider};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

use crate::World;

#[tokio::test]
async fn the_credentials_chain_is_an_sdk_credentials_provider() {
    let world = World::new();
    let chain = world.defaults().profile_name("s").credentials_chain();
    let shared = SharedCredentialsProvider::new(chain);
    let credentials = shared.provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(credentials.secret_access_key(), "mockSecretKey");
    assert_eq!(credentials.session_token(), Some("mockSessionToken"));
    assert_eq!(
        credentials.expiry(),
        Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_772_370_000))
    );
    assert_eq!(
        credentials.account_id().map(|a| a.as_str().to_owned()),
        Some("444455556666".to_owned())
    );
    assert_eq!(world.gets(), 1);
}

#[tokio::test]
async fn nothing_configured_is_not_loaded_and_a_failure_is_a_provider_error() {
    let world = World::empty();
    let error = world
        .defaults()
        .credentials_chain()
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(error, CredentialsError::CredentialsNotLoaded(_)),
        "{error:?}"
    );
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(
        source.starts_with("Could not load credentials from any providers: "),
        "{source}"
    );

    let world = World::new();
    world.write(".aws/config", "[profile a]\nsso_start_url = https://x\n");
    let error = world
        .defaults()
        .profile_name("a")
        .credentials_chain()
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(error, CredentialsError::ProviderError(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_token_chain_is_an_sdk_token_provider() {
    let world = World::new();
    let shared = SharedTokenProvider::new(world.defaults().profile_name("s").token_chain());
    let token = shared.provide_token().await.unwrap();
    assert_eq!(token.token(), "session-at");
    assert_eq!(
        token.expiration(),
        Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_772_373_600))
    );

    let error = world
        .defaults()
        .profile_name("a")
        .token_chain()
        .provide_token()
        .await
        .unwrap_err();
    assert!(matches!(error, TokenError::ProviderError(_)), "{error:?}");
    let error = World::empty()
        .defaults()
        .token_chain()
        .provide_token()
        .await
        .unwrap_err();
    assert!(matches!(error, TokenError::TokenNotLoaded(_)), "{error:?}");
}
