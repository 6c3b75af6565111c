//! The default chain on AWS compute (SPEC §18 scenarios 16 and 19): no instance metadata
//! service costs one connection attempt and ends in §17.3's K-ANY; a service that never
//! answers ends the same way after its 1 s bound; the order of keys, profile, web identity,
//! container and IMDS; a named profile that does not exist stops the chain.

use ssokit_chain::{ChainErrorKind, DefaultProviders};
use ssokit_fake_portal::Operation;
use ssokit_fake_portal::sandbox::{closed_port, silent_listener};

use crate::World;

/// §17.3's K-ANY up to the IMDS entry.
const K_ANY_HEAD: &str = "Could not load credentials from any providers: \
    EnvironmentCredentialsProvider(AWS): AWS_ACCESS_KEY_ID is not set; \
    EnvironmentCredentialsProvider(AMAZON): AMAZON_ACCESS_KEY_ID is not set; \
    ProfileCredentialsProvider: Profile default not found; \
    WebIdentityTokenCredentialsProvider: AWS_WEB_IDENTITY_TOKEN_FILE is not set; \
    ContainerCredentialsProvider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; \
    ImdsCredentialsProvider: ";

/// An empty home with IMDS at `endpoint` (the flag every world starts with removed).
fn imds_at(endpoint: &str) -> World {
    let mut world = World::empty();
    world.unset_env("AWS_EC2_METADATA_DISABLED");
    world.set_env("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint);
    world
}

#[tokio::test]
async fn s16_no_instance_metadata_service_is_one_connection_attempt() {
    let closed = format!("http://{}", closed_port());
    let world = imds_at(&closed);
    let error = world
        .defaults()
        .credentials_chain()
        .resolve()
        .await
        .unwrap_err();
    let text = error.to_string();
    let rest = text
        .strip_prefix(K_ANY_HEAD)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        rest.starts_with(&format!("no instance metadata service at {closed}: ")),
        "{rest}"
    );
    assert!(rest.contains("refused"), "the connection error: {rest}");
    assert_eq!(error.kind(), ChainErrorKind::NoneConfigured);

    let silent = silent_listener();
    let world = imds_at(silent.url());
    let error = world
        .defaults()
        .credentials_chain()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{K_ANY_HEAD}no instance metadata service at {}: no response within 1 s",
            silent.url()
        )
    );
    assert_eq!(silent.connections(), 1, "one connection, no retry");
}

#[tokio::test]
async fn s16_disabled_and_not_a_boolean() {
    let mut world = World::empty();
    let error = world
        .defaults()
        .credentials_chain()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{K_ANY_HEAD}IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)")
    );
    world.set_env("AWS_EC2_METADATA_DISABLED", "maybe");
    let error = world
        .defaults()
        .credentials_chain()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ChainErrorKind::ProviderFailed);
    assert!(error.to_string().contains("maybe"), "{error}");
}

/// Every source at once: the fake's web identity, container and IMDS.
fn everything() -> World {
    let mut world = imds_at("");
    let url = world.portal.url().to_owned();
    world.set_env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url);
    world.write("token.jwt", "eyJ.web.1\n");
    let token = world.path("token.jwt").display().to_string();
    world.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    world.set_env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Web");
    world.set_env(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{url}/creds"),
    );
    world
}

async fn first(defaults: DefaultProviders) -> String {
    defaults
        .credentials_chain()
        .resolve()
        .await
        .unwrap()
        .access_key_id()
        .to_owned()
}

#[tokio::test]
async fn s19_the_order_keys_profile_web_identity_container_imds() {
    let mut world = everything();
    world.set_env("AWS_ACCESS_KEY_ID", "AKIDENV");
    world.set_env("AWS_SECRET_ACCESS_KEY", "env-secret");
    assert_eq!(first(world.defaults()).await, "AKIDENV");
    assert!(world.portal.requests().is_empty(), "F sees none");

    let mut world = everything();
    world.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    assert_eq!(first(world.defaults()).await, "AKIDBASE");
    assert!(world.portal.requests().is_empty(), "F sees none");

    world.remove(".aws/credentials");
    assert_eq!(first(world.defaults()).await, "ASIAWEB1");
    assert_eq!(
        world.portal.requests().len(),
        1,
        "only the web identity POST"
    );

    world.portal.reset();
    world.unset_env("AWS_WEB_IDENTITY_TOKEN_FILE");
    assert_eq!(first(world.defaults()).await, "ASIACONT");
    assert_eq!(world.portal.requests().len(), 1, "only the container GET");
    assert_eq!(world.portal.count(Operation::ContainerCredentials), 1);

    world.portal.reset();
    world.unset_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assert_eq!(first(world.defaults()).await, "ASIAIMDS");
}

#[tokio::test]
async fn s19_a_named_profile_keeps_the_container_but_not_the_environment() {
    let world = everything();
    let error = world
        .defaults()
        .profile_name("nope")
        .credentials_chain()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "Profile nope not found");
    assert!(world.portal.requests().is_empty(), "F sees none");

    world.write(".aws/config", "[profile e]\nregion = eu-west-1\n");
    assert_eq!(first(world.defaults().profile_name("e")).await, "ASIACONT");
    let requests = world.portal.requests();
    assert_eq!(requests.len(), 1, "only the container GET");
    assert_eq!(requests[0].operation, Some(Operation::ContainerCredentials));
}
