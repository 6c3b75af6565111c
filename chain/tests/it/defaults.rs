//! `DefaultProviders`: the SDK's default order over one shared configuration (SPEC §10,
//! §13 scenarios 43-46).

use ssokit_chain::{
    ChainError, ChainErrorKind, Credentials, CredentialsProviderChain, DefaultProviders,
    TokenProviderChain,
};

use crate::World;

const LEGACY: &str = "[profile a]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
                      sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = LegacyRole\n";

/// One walk of the default credentials chain of `defaults`.
async fn resolve_credentials(defaults: DefaultProviders) -> Result<Credentials, ChainError> {
    defaults.credentials_chain().resolve().await
}

#[tokio::test]
async fn scenario_43_environment_keys_win_over_the_profile() {
    let mut world = World::new();
    world.set_env("AWS_PROFILE", "a");
    world.set_env("AWS_ACCESS_KEY_ID", "AKIDENV");
    world.set_env("AWS_SECRET_ACCESS_KEY", "s");
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDENV");
    assert_eq!(credentials.secret_access_key(), "s");
    assert_eq!(world.gets(), 0, "no request");
}

#[tokio::test]
async fn scenario_43_blank_environment_keys_fall_through_to_the_profile() {
    let mut world = World::new();
    world.set_env("AWS_PROFILE", "a");
    world.set_env("AWS_ACCESS_KEY_ID", "  ");
    world.set_env("AWS_SECRET_ACCESS_KEY", "\t");
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(credentials.account_id(), Some("111122223333"));
    assert_eq!(world.gets(), 1);
}

#[tokio::test]
async fn scenario_43_an_amazon_pair_alone_answers() {
    let mut world = World::new();
    world.set_env("AWS_PROFILE", "a");
    world.set_env("AMAZON_ACCESS_KEY_ID", "AKIDAMAZON");
    world.set_env("AMAZON_SECRET_ACCESS_KEY", "s");
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDAMAZON");
    assert_eq!(world.gets(), 0);
}

#[tokio::test]
async fn scenario_44_static_keys_win_over_sso_keys_in_one_profile() {
    let mut world = World::new();
    world.write(
        ".aws/config",
        format!("{LEGACY}aws_access_key_id = AKIDSTATIC\naws_secret_access_key = s\n"),
    );
    world.set_env("AWS_PROFILE", "a");
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDSTATIC");
    assert_eq!(world.gets(), 0, "no request");
}

#[tokio::test]
async fn scenario_45_nothing_configured_lists_every_provider() {
    let world = World::empty();
    let error = resolve_credentials(world.defaults()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Could not load credentials from any providers: \
         EnvironmentCredentialsProvider(AWS): AWS_ACCESS_KEY_ID is not set; \
         EnvironmentCredentialsProvider(AMAZON): AMAZON_ACCESS_KEY_ID is not set; \
         ProfileCredentialsProvider: Profile default not found; \
         WebIdentityTokenCredentialsProvider: AWS_WEB_IDENTITY_TOKEN_FILE is not set; \
         ContainerCredentialsProvider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; \
         ImdsCredentialsProvider: IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)"
    );
    assert_eq!(error.kind(), ChainErrorKind::NoneConfigured);
    let error = world.defaults().token_chain().resolve().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Could not load token from any providers: SsoTokenProvider: Profile \"default\" not found"
    );
}

#[tokio::test]
async fn scenario_46_a_broken_session_stops_before_credential_process() {
    let world = World::empty();
    let marker = world.path("process-ran");
    world.write(
        ".aws/config",
        format!(
            "[default]\nsso_session = dev\nsso_account_id = 444455556666\nsso_role_name = SessionRole\n\
             credential_process = sh -c 'touch {}; echo {{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIDPROC\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}}'\n",
            marker.display()
        ),
    );
    let error = resolve_credentials(world.defaults()).await.unwrap_err();
    assert_eq!(error.to_string(), "Sso session \"dev\" not found");
    assert_eq!(error.kind(), ChainErrorKind::ProviderFailed);
    assert_eq!(
        error.location().map(ToString::to_string),
        Some(format!("{}:2", world.path(".aws/config").display()))
    );
    assert!(!marker.exists(), "the process did not run");
}

#[tokio::test]
async fn an_explicit_profile_skips_the_environment() {
    let mut world = World::new();
    world.set_env("AWS_ACCESS_KEY_ID", "AKIDENV");
    world.set_env("AWS_SECRET_ACCESS_KEY", "s");
    let defaults = world.defaults().profile_name("a");
    assert_eq!(defaults.explicit_profile(), Some("a"));
    let credentials = defaults.credentials_chain().resolve().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
    let error = resolve_credentials(world.defaults().profile_name("nope"))
        .await
        .unwrap_err();
    // A named profile that does not exist stops the chain (SPEC §17.1): the container and
    // IMDS after it are not asked.
    assert_eq!(error.to_string(), "Profile nope not found");
    assert_eq!(error.kind(), ChainErrorKind::ProviderFailed);
}

#[tokio::test]
async fn the_profile_comes_from_aws_profile_without_an_explicit_one() {
    let mut world = World::new();
    world.set_env("AWS_PROFILE", "s");
    let defaults = world.defaults();
    assert_eq!(
        defaults.token_chain().resolve().await.unwrap().token(),
        "session-at"
    );
    let credentials = defaults.credentials_chain().resolve().await.unwrap();
    assert_eq!(credentials.account_id(), Some("444455556666"));
    assert_eq!((world.gets(), world.posts()), (1, 0));
}

#[tokio::test]
async fn the_spec_names_give_the_same_providers() {
    let world = World::new();
    let config = world.config();
    let names = |providers: Vec<std::sync::Arc<dyn ssokit_chain::ProvideCredentials>>| {
        providers
            .iter()
            .map(|p| p.provider_name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(CredentialsProviderChain::default_providers(&config)),
        names(world.defaults().credentials_providers())
    );
    let tokens = TokenProviderChain::default_providers(&config);
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].provider_name(), "SsoTokenProvider");
}

#[tokio::test]
async fn both_chains_share_one_refresh_state() {
    let world = World::new();
    let cache = ".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";
    let text = std::fs::read_to_string(world.path(cache))
        .unwrap()
        .replace("2026-03-01T14:00:00Z", "2026-03-01T12:02:00Z");
    world.write(cache, text);
    world.portal.script(
        ssokit_fake_portal::Operation::CreateToken,
        [ssokit_fake_portal::Answer::empty(500)],
    );
    let defaults = world.defaults().profile_name("s");
    // The token chain's refresh fails (the old token is still valid for 2 minutes) ...
    let token = defaults.token_chain().resolve().await.unwrap();
    assert_eq!(token.token(), "session-at");
    let posts = world.posts();
    assert!(posts >= 1);
    // ... and the credentials chain, sharing the state, does not try again within 30 s.
    defaults.credentials_chain().resolve().await.unwrap();
    assert_eq!(world.posts(), posts);
}

/// SPEC §18 scenario 19 (without the container and IMDS, which #13 adds): the order of
/// the environment's keys, the profile and the environment's web identity.
#[tokio::test]
async fn scenario_19_web_identity_comes_after_the_keys_and_the_profile() {
    let mut world = World::empty();
    world.write("token.jwt", "eyJ.web.1\n");
    let token = world.path("token.jwt").display().to_string();
    world.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    world.set_env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Web");

    // No files: only the web identity POST.
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAWEB1");
    assert_eq!(world.portal.requests().len(), 1);

    // `[default]` with keys: those, no request.
    world.portal.reset();
    world.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDBASE");
    assert!(world.portal.requests().is_empty());

    // Keys in the environment win over everything.
    world.set_env("AWS_ACCESS_KEY_ID", "AKIDENV");
    world.set_env("AWS_SECRET_ACCESS_KEY", "env-secret");
    let credentials = resolve_credentials(world.defaults()).await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDENV");
    assert!(world.portal.requests().is_empty());

    // An explicit profile skips the environment's providers, web identity included.
    world.write(".aws/config", "[profile e]\nregion = eu-west-1\n");
    let error = resolve_credentials(world.defaults().profile_name("e"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("Profile e has no credentials"),
        "{error}"
    );
    assert!(
        !error
            .to_string()
            .contains("WebIdentityTokenCredentialsProvider")
    );
    assert!(world.portal.requests().is_empty());
}
