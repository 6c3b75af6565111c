//! `CredentialsProviderChain`, `TokenProviderChain` and their builders: order, skipping,
//! stopping, K-ANY, K-EMPTY, one shared walk.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use ssokit_chain::config::Env;
use ssokit_chain::{
    ChainErrorKind, Credentials, CredentialsError, CredentialsProviderChain,
    EnvironmentCredentialsProvider, ProfileCredentialsProvider, ProvideCredentials, ProvideToken,
    ProviderConfig, TestClock, Token, TokenProviderChain,
};

use crate::{NOW, World};

/// Delegates to `inner`, counting calls and waiting `delay` first.
#[derive(Debug)]
struct Counting<P: ?Sized> {
    inner: Arc<P>,
    name: &'static str,
    calls: Arc<AtomicUsize>,
    delay: Duration,
}

impl<P: ?Sized> Counting<P> {
    fn new(inner: Arc<P>, name: &'static str) -> (Arc<Self>, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counting = Arc::new(Self {
            inner,
            name,
            calls: Arc::clone(&calls),
            delay: Duration::ZERO,
        });
        (counting, calls)
    }

    fn slow(inner: Arc<P>, name: &'static str, delay: Duration) -> (Arc<Self>, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counting = Arc::new(Self {
            inner,
            name,
            calls: Arc::clone(&calls),
            delay,
        });
        (counting, calls)
    }
}

#[async_trait]
impl ProvideCredentials for Counting<dyn ProvideCredentials> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.inner.provide_credentials().await
    }

    fn provider_name(&self) -> &str {
        self.name
    }
}

#[async_trait]
impl ProvideToken for Counting<dyn ProvideToken> {
    async fn provide_token(&self) -> Result<Token, CredentialsError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.inner.provide_token().await
    }

    fn provider_name(&self) -> &str {
        self.name
    }
}

fn config(env: Env) -> ProviderConfig {
    ProviderConfig::new(env, TestClock::new(NOW.parse().unwrap()))
}

fn env_provider(env: &Env, prefix: &str) -> Arc<dyn ProvideCredentials> {
    Arc::new(EnvironmentCredentialsProvider::new(
        config(env.clone()),
        prefix,
    ))
}

/// Not configured (K-ENV), or AMAZON_* static keys.
fn amazon_env() -> Env {
    Env::from_pairs([
        ("AMAZON_ACCESS_KEY_ID", "AKIDAMAZON"),
        ("AMAZON_SECRET_ACCESS_KEY", "s"),
    ])
}

#[tokio::test]
async fn the_first_configured_provider_answers_in_order() {
    let env = amazon_env()
        .with("AWS_ACCESS_KEY_ID", "AKIDAWS")
        .with("AWS_SECRET_ACCESS_KEY", "s");
    let (aws, aws_calls) = Counting::new(env_provider(&env, "AWS"), "aws");
    let (amazon, amazon_calls) = Counting::new(env_provider(&env, "AMAZON"), "amazon");
    let builder = CredentialsProviderChain::builder()
        .push_shared(aws)
        .push_shared(amazon);
    assert_eq!(builder.names(), ["aws", "amazon"]);
    let chain = builder.build();
    assert_eq!(chain.resolve().await.unwrap().access_key_id(), "AKIDAWS");
    assert_eq!(aws_calls.load(Ordering::SeqCst), 1);
    assert_eq!(amazon_calls.load(Ordering::SeqCst), 0);

    // Reordered: AMAZON first.
    let chain = CredentialsProviderChain::builder()
        .providers(chain.providers().to_vec())
        .move_to("amazon", 0)
        .build();
    assert_eq!(
        format!("{chain:?}"),
        "CredentialsProviderChain { providers: [\"amazon\", \"aws\"] }"
    );
    assert_eq!(chain.resolve().await.unwrap().access_key_id(), "AKIDAMAZON");
    assert_eq!(aws_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_not_configured_provider_is_skipped() {
    let env = amazon_env();
    let (aws, aws_calls) = Counting::new(env_provider(&env, "AWS"), "aws");
    let chain = CredentialsProviderChain::builder()
        .push_shared(aws)
        .push_shared(env_provider(&env, "AMAZON"))
        .build();
    let credentials = chain.resolve().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDAMAZON");
    assert_eq!(aws_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_provider_stops_the_walk_with_its_error_and_location() {
    let world = World::empty();
    world.write(
        ".aws/config",
        "[default]\nregion = us-east-1\naws_access_key_id = AKID\n",
    );
    let env = world
        .env
        .clone()
        .with("AMAZON_ACCESS_KEY_ID", "AKIDAMAZON")
        .with("AMAZON_SECRET_ACCESS_KEY", "s");
    let profile: Arc<dyn ProvideCredentials> =
        Arc::new(ProfileCredentialsProvider::builder(config(env.clone())).build());
    let (amazon, amazon_calls) = Counting::new(env_provider(&env, "AMAZON"), "amazon");
    let chain = CredentialsProviderChain::builder()
        .push_shared(env_provider(&env, "AWS"))
        .push_shared(profile)
        .push_shared(amazon)
        .build();
    let error = chain.resolve().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile default sets aws_access_key_id but not aws_secret_access_key"
    );
    assert_eq!(error.kind(), ChainErrorKind::ProviderFailed);
    assert_eq!(error.provider_name(), Some("ProfileCredentialsProvider"));
    assert_eq!(
        error.location().map(ToString::to_string),
        Some(format!("{}:3", world.path(".aws/config").display()))
    );
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(amazon_calls.load(Ordering::SeqCst), 0, "the walk stopped");
}

#[tokio::test]
async fn all_not_configured_is_k_any_with_every_reason() {
    let env = Env::new();
    let chain = CredentialsProviderChain::new(vec![
        env_provider(&env, "AWS"),
        env_provider(&env, "AMAZON"),
    ]);
    let error = chain.resolve().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Could not load credentials from any providers: \
         EnvironmentCredentialsProvider(AWS): AWS_ACCESS_KEY_ID is not set; \
         EnvironmentCredentialsProvider(AMAZON): AMAZON_ACCESS_KEY_ID is not set"
    );
    assert_eq!(error.kind(), ChainErrorKind::NoneConfigured);
    let names: Vec<&str> = error.attempts().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "EnvironmentCredentialsProvider(AWS)",
            "EnvironmentCredentialsProvider(AMAZON)"
        ]
    );
    assert!(error.location().is_none());
    assert!(error.provider_error().is_none());
}

#[tokio::test]
async fn no_providers_is_k_empty() {
    let error = CredentialsProviderChain::builder()
        .build()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "No providers");
    assert_eq!(error.kind(), ChainErrorKind::NoProviders);
    let error = TokenProviderChain::builder()
        .build()
        .resolve()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "No providers");
    // Removing the only provider empties the chain too.
    let env = Env::new();
    let chain = CredentialsProviderChain::builder()
        .push_shared(env_provider(&env, "AWS"))
        .remove("EnvironmentCredentialsProvider(AWS)")
        .build();
    assert!(chain.providers().is_empty());
    assert_eq!(
        chain.resolve().await.unwrap_err().to_string(),
        "No providers"
    );
}

#[tokio::test]
async fn insert_places_a_provider_and_clamps_the_index() {
    let env = amazon_env();
    let chain = CredentialsProviderChain::builder()
        .push(EnvironmentCredentialsProvider::new(
            config(env.clone()),
            "AWS",
        ))
        .insert(0, env_provider(&env, "AMAZON"))
        .insert(99, env_provider(&env, "OTHER"))
        .build();
    let names: Vec<&str> = chain
        .providers()
        .iter()
        .map(|p| p.provider_name())
        .collect();
    assert_eq!(
        names,
        [
            "EnvironmentCredentialsProvider(AMAZON)",
            "EnvironmentCredentialsProvider(AWS)",
            "EnvironmentCredentialsProvider(OTHER)"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_resolves_share_one_walk_and_the_chain_caches_nothing() {
    let env = amazon_env();
    let (aws, aws_calls) =
        Counting::slow(env_provider(&env, "AWS"), "aws", Duration::from_millis(150));
    let (amazon, amazon_calls) = Counting::new(env_provider(&env, "AMAZON"), "amazon");
    let chain = Arc::new(
        CredentialsProviderChain::builder()
            .push_shared(aws)
            .push_shared(amazon)
            .build(),
    );
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let chain = Arc::clone(&chain);
            tokio::spawn(async move { chain.resolve().await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().access_key_id(), "AKIDAMAZON");
    }
    assert_eq!(aws_calls.load(Ordering::SeqCst), 1, "one walk");
    assert_eq!(amazon_calls.load(Ordering::SeqCst), 1, "one walk");

    chain.resolve().await.unwrap();
    assert_eq!(
        aws_calls.load(Ordering::SeqCst),
        2,
        "a later call walks again"
    );
}

#[tokio::test]
async fn a_dropped_caller_does_not_cancel_the_walk() {
    let env = amazon_env();
    let (aws, aws_calls) =
        Counting::slow(env_provider(&env, "AWS"), "aws", Duration::from_millis(100));
    let chain = CredentialsProviderChain::builder()
        .push_shared(aws)
        .push_shared(env_provider(&env, "AMAZON"))
        .build();
    let first = tokio::time::timeout(Duration::from_millis(10), chain.resolve()).await;
    assert!(first.is_err(), "the first caller gave up");
    assert_eq!(chain.resolve().await.unwrap().access_key_id(), "AKIDAMAZON");
    assert_eq!(
        aws_calls.load(Ordering::SeqCst),
        1,
        "the second caller joined the first walk"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_token_resolves_share_one_walk_and_one_refresh() {
    let world = World::new();
    let cache = ".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";
    let text = std::fs::read_to_string(world.path(cache))
        .unwrap()
        .replace("2026-03-01T14:00:00Z", "2026-03-01T11:59:00Z");
    world.write(cache, text);
    let defaults = world.defaults().profile_name("s");
    let inner = defaults.token_providers().remove(0);
    let (counting, calls) = Counting::slow(inner, "SsoTokenProvider", Duration::from_millis(50));
    let chain = Arc::new(TokenProviderChain::builder().push_shared(counting).build());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let chain = Arc::clone(&chain);
            tokio::spawn(async move { chain.resolve().await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().token(), "at-2");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(world.posts(), 1);
}

/// Every event and its fields, as text.
#[derive(Clone, Default)]
struct Capture(Arc<std::sync::Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut text = self.0.lock().unwrap();
        text.push_str("\nspan");
        span.record(&mut Fields(&mut text));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.0.lock().unwrap();
        text.push_str("\nevent");
        event.record(&mut Fields(&mut text));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn the_trace_log_names_each_step_and_no_secret() {
    let mut world = World::new();
    world.set_env("AWS_PROFILE", "s");
    let capture = Capture::default();
    // Other tests hit the same callsites on other threads with no subscriber. While only
    // one dispatcher exists, tracing-core decides a new callsite's interest from the
    // registering thread's default (tokio-rs/tracing#3611), so a sibling test could cache
    // "never" for an event this test waits for (seen once in a dozen runs). A second live
    // dispatcher makes it ask every registered one, the capture included.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(capture.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let defaults = world.defaults();
            let chain = defaults.credentials_chain();
            chain.resolve().await.unwrap();
            chain.resolve().await.unwrap();
            defaults.token_chain().resolve().await.unwrap();
        });
    });
    let text = capture.0.lock().unwrap().clone();
    for needle in [
        "span chain=\"CredentialsProviderChain\"",
        "span chain=\"TokenProviderChain\"",
        "context=profile s (AWS_PROFILE), config file",
        "provider=\"EnvironmentCredentialsProvider(AWS)\" reason=AWS_ACCESS_KEY_ID is not set",
        "provider=\"ProfileCredentialsProvider\" answer=source Sso, expires 2026-03-01T13:00:00Z",
        "provider=\"SsoTokenProvider\" answer=expires 2026-03-01T14:00:00Z",
        "message=no fresh cached value: loading",
        "message=cached value is fresh: no load",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    for secret in [
        "session-at",
        "mockSecretKey",
        "mockSessionToken",
        "csecret",
        "rt-1",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
