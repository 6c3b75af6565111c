//! One walk down a chain's providers, shared by every concurrent caller (single-flight).
//!
//! The walk runs as its own Tokio task and reports through a `watch` channel, so a caller
//! that is dropped cancels nobody; the slot is cleared before the result is published, so
//! the next call after a finished walk starts a new one (chains cache nothing: the
//! providers do).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use ssokit_credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideToken, Token};
use tokio::sync::watch;
use tracing::Instrument;

use crate::error::{ChainError, What};

type Outcome<T> = Option<Result<T, ChainError>>;
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
    in_flight: Arc<Mutex<Option<watch::Receiver<Outcome<T>>>>>,
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
            in_flight: Arc::new(Mutex::new(None)),
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
        let mut receiver = {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(receiver) = in_flight.as_ref() {
                tracing::debug!(chain = self.what.chain_name(), "joining the walk in flight");
                receiver.clone()
            } else {
                let (sender, receiver) = watch::channel(None);
                *in_flight = Some(receiver.clone());
                let members = Arc::clone(&self.members);
                let slot = Arc::clone(&self.in_flight);
                let what = self.what;
                let context = self.context.clone();
                let span = tracing::debug_span!("ssokit_chain_resolve", chain = what.chain_name());
                tokio::spawn(
                    async move {
                        if let Some(context) = context {
                            tracing::debug!(%context, "walking the chain");
                        }
                        let outcome = walk(&members, what).await;
                        *slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
                        sender.send_replace(Some(outcome));
                    }
                    .instrument(span),
                );
                receiver
            }
        };
        let outcome = receiver
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|outcome| outcome.clone());
        outcome.unwrap_or_else(|| {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if in_flight.as_ref().is_some_and(|r| r.has_changed().is_err()) {
                *in_flight = None;
            }
            Err(ChainError::cancelled())
        })
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
