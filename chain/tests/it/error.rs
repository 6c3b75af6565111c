//! `ChainError`: whole texts, kinds, `Debug`.

use ssokit_chain::config::Env;
use ssokit_chain::{ChainErrorKind, DefaultProviders, ProviderConfig, TestClock};

#[tokio::test]
async fn debug_shows_kind_and_message() {
    let home = tempfile::tempdir().unwrap();
    let config = ProviderConfig::new(Env::new(), TestClock::new(crate::NOW.parse().unwrap()))
        .with_home(ssokit_chain::config::Home::new(home.path()));
    let error = DefaultProviders::new(config)
        .profile_name("p")
        .token_chain()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ChainErrorKind::NoneConfigured);
    assert_eq!(
        format!("{error:?}"),
        "ChainError { kind: NoneConfigured, message: \"Could not load token from any providers: \
         SsoTokenProvider: Profile \\\"p\\\" not found\", location: None }"
    );
    let (name, inner) = error.attempts().next().unwrap();
    assert_eq!(name, "SsoTokenProvider");
    assert!(inner.is_not_configured());
}

#[tokio::test]
async fn a_legacy_profile_fails_the_token_chain_with_t_legacy() {
    // Scenario 31 through the chain: failed, not K-ANY.
    let world = crate::World::new();
    let error = world
        .defaults()
        .profile_name("a")
        .token_chain()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ChainErrorKind::ProviderFailed);
    assert_eq!(
        error.to_string(),
        "Profile \"a\" is missing required property \"sso_session\". Bearer tokens need a profile \
         that refers to an [sso-session] section; this profile uses the legacy sso_start_url form."
    );
    assert_eq!(
        error.location().map(ToString::to_string),
        Some(format!("{}:2", world.path(".aws/config").display()))
    );
}
