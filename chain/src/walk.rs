//! One walk down a chain's providers, shared by every concurrent caller through the
//! credentials crate's [`SingleFlight`]: a caller that is dropped cancels nobody, and the
//! next call after a finished walk starts a new one (chains cache nothing: the providers
//! do).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ssokit_credentials::{
    Credentials, CredentialsError, ProvideCredentials, ProvideToken, SingleFlight, Token,
};
use tracing::Instrument;

use crate::error::{ChainError, What};

type ProvideFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CredentialsError>> + Send + 'a>>;

/// A chain member: a provider of `T` with a name.
pub(crate) trait Member<T>: Send + Sync + 'static {
    fn name(&self) -> &str;
    fn provide(&self) -> ProvideFuture<'_, T>;
    /// A description of the value for the trace log (never a secret).
    fn describe(value: &T) -> String;
}

impl Member<Credentials> for Arc<dyn ProvideCredentials> {
    fn name(&self) -> &str {
        self.provider_name()
    }

    fn provide(&self) -> ProvideFuture<'_, Credentials> {
        self.provide_credentials()
    }

    fn describe(value: &Credentials) -> String {
        match value.expire_time() {
            Some(at) => format!("source {}, expires {at}", value.provider_name()),
            None => format!("source {}, no expiry", value.provider_name()),
        }
    }
}

impl Member<Token> for Arc<dyn ProvideToken> {
    fn name(&self) -> &str {
        self.provider_name()
    }

    fn provide(&self) -> ProvideFuture<'_, Token> {
        self.provide_token()
    }

    fn describe(value: &Token) -> String {
        match value.expire_time() {
            Some(at) => format!("expires {at}"),
            None => "no expiry".to_owned(),
        }
    }
}

/// The providers of a chain and its in-flight walk.
pub(crate) struct Walker<T, M> {
    members: Arc<[M]>,
    what: What,
    /// What the trace log says at the start of each walk (files and profile), if known.
    context: Option<Arc<str>>,
    flight: SingleFlight<Result<T, ChainError>>,
}

impl<T, M> Walker<T, M>
where
    T: Clone + Send + Sync + 'static,
    M: Member<T>,
{
    pub(crate) fn new(members: Vec<M>, what: What) -> Self {
        Self {
            members: members.into(),
            what,
            context: None,
            flight: SingleFlight::new(),
        }
    }

    pub(crate) fn with_context(mut self, context: String) -> Self {
        self.context = Some(context.into());
        self
    }

    pub(crate) fn members(&self) -> &[M] {
        &self.members
    }

    /// Joins the walk in flight, or starts one.
    pub(crate) async fn resolve(&self) -> Result<T, ChainError> {
        let members = Arc::clone(&self.members);
        let what = self.what;
        let context = self.context.clone();
        let outcome = self
            .flight
            .run(move || {
                let span = tracing::debug_span!("ssokit_chain_resolve", chain = what.chain_name());
                async move {
                    if let Some(context) = context {
                        tracing::debug!(%context, "walking the chain");
                    }
                    walk(&members, what).await
                }
                .instrument(span)
            })
            .await;
        outcome.unwrap_or_else(|_abandoned| Err(ChainError::cancelled()))
    }
}

/// Asks each provider in turn: success returns, not configured moves on, failed stops.
async fn walk<T, M: Member<T>>(members: &[M], what: What) -> Result<T, ChainError> {
    if members.is_empty() {
        tracing::debug!("the chain has no providers");
        return Err(ChainError::no_providers());
    }
    let mut attempts = Vec::new();
    for member in members {
        let name = member.name();
        tracing::debug!(provider = name, "asking provider");
        match member.provide().await {
            Ok(value) => {
                tracing::debug!(provider = name, answer = %M::describe(&value), "provider answered");
                return Ok(value);
            }
            Err(error) if error.is_not_configured() => {
                tracing::debug!(provider = name, reason = %error, "not configured, trying the next provider");
                attempts.push((name.to_owned(), error));
            }
            Err(error) => {
                tracing::debug!(provider = name, reason = %error, "provider failed, stopping");
                return Err(ChainError::failed(name, error));
            }
        }
    }
    tracing::debug!("no provider was configured");
    Err(ChainError::none_configured(what, attempts))
}
