//! The provider traits, and the cached-provider surface every provider shares.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;

use crate::cache::Cache;
use crate::clock::Clock;
use crate::error::CredentialsError;
use crate::types::{Credentials, Expiring, Token};

/// Something that can produce AWS credentials. Object-safe: a chain holds
/// `Vec<Arc<dyn ProvideCredentials>>`.
#[async_trait]
pub trait ProvideCredentials: Send + Sync + std::fmt::Debug {
    /// Credentials, from the provider's cache or a fresh load.
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError>;

    /// The name a chain uses in K-ANY (`ProfileCredentialsProvider`, ...).
    fn provider_name(&self) -> &str;
}

/// Something that can produce an SSO bearer token. Object-safe.
#[async_trait]
pub trait ProvideToken: Send + Sync + std::fmt::Debug {
    /// A token, from the provider's cache or a fresh load.
    async fn provide_token(&self) -> Result<Token, CredentialsError>;

    /// The name a chain uses in K-ANY (`SsoTokenProvider`).
    fn provider_name(&self) -> &str;
}

/// The uncached load of one provider.
#[async_trait]
pub(crate) trait Load<T>: Send + Sync + 'static {
    /// A load because the cached value is missing or stale.
    async fn load(&self) -> Result<T, CredentialsError>;

    /// A load the caller forced (`refresh()`, or `get()` after `expire()`): a provider
    /// that caches what it is built on (a role chain's steps) reloads its own last step
    /// instead of returning that step's still-valid value.
    async fn load_forced(&self) -> Result<T, CredentialsError> {
        self.load().await
    }
}

/// A boxed `'static` load future, as the cache runs it.
type LoadFuture<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, CredentialsError>> + Send>>;

/// Returns the cache's `'static` load future: forced (`true`) picks
/// [`Load::load_forced`].
fn loader<T: Send + 'static>(load: &Arc<dyn Load<T>>) -> impl FnOnce(bool) -> LoadFuture<T> {
    let load = Arc::clone(load);
    move |forced| {
        Box::pin(async move {
            if forced {
                load.load_forced().await
            } else {
                load.load().await
            }
        })
    }
}

/// The cached value of a provider, with v2's cached-provider methods (SPEC §9). Every
/// provider of this crate holds one and dereferences to it, so `provider.get()`,
/// `provider.expired()`, ... are these methods. `Debug` shows the cache state only, never
/// the value.
pub struct Cached<T> {
    clock: Arc<dyn Clock>,
    cache: Cache<T>,
    load: Arc<dyn Load<T>>,
}

impl<T: Expiring> Cached<T> {
    /// A cache of what `load` loads, stale `window` before its expiry by `clock`. No I/O.
    pub(crate) fn new(clock: Arc<dyn Clock>, window: Duration, load: impl Load<T>) -> Self {
        Self {
            clock,
            cache: Cache::new(window),
            load: Arc::new(load),
        }
    }

    /// The cached value, or a fresh one when [`needs_refresh`](Self::needs_refresh)
    /// (v2 `get` / `getPromise`). Concurrent calls share one load.
    pub async fn get(&self) -> Result<T, CredentialsError> {
        self.cache.get(&*self.clock, loader(&self.load)).await
    }

    /// Loads now, whatever the cache holds (v2 `refresh`); joins a load already in flight.
    /// A failure keeps the old value.
    pub async fn refresh(&self) -> Result<T, CredentialsError> {
        let load = loader(&self.load);
        self.cache.refresh(move || load(true)).await
    }

    /// True before the first successful load and after [`expire`](Self::expire) (v2
    /// `expired`).
    pub fn expired(&self) -> bool {
        self.cache.expired()
    }

    /// Marks the cached value expired, so the next [`get`](Self::get) loads.
    pub fn expire(&self) {
        self.cache.expire();
    }

    /// The expiry of the cached value (v2 `expireTime`).
    pub fn expire_time(&self) -> Option<Timestamp> {
        self.cache.expire_time()
    }

    /// How long before its expiry a value counts as stale (v2 `expiryWindow`).
    pub fn expiry_window(&self) -> Duration {
        self.cache.window()
    }

    /// No value, [`expired`](Self::expired), or `now + window > expire_time` (v2
    /// `needsRefresh`).
    pub fn needs_refresh(&self) -> bool {
        self.cache.needs_refresh(&*self.clock)
    }

    /// The cached value, without loading.
    pub fn cached(&self) -> Option<T> {
        self.cache.cached()
    }
}

impl<T: Expiring> Cached<T> {
    /// Ends a provider's `Debug` with the cache state: `expired`, `expire_time`, `..`.
    pub(crate) fn finish_debug(&self, debug: &mut fmt::DebugStruct<'_, '_>) -> fmt::Result {
        debug
            .field("expired", &self.cache.expired())
            .field("expire_time", &self.cache.expire_time())
            .finish_non_exhaustive()
    }
}

impl<T: Expiring> fmt::Debug for Cached<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.finish_debug(&mut f.debug_struct("Cached"))
    }
}

/// Implements, for a provider struct that holds its value in `cached: Cached<_>`, what
/// every such provider has: `Debug` (its name and the cache state, never the value),
/// `Deref` to the `Cached` (so `provider.get()`, `provider.refresh()`, ... are the cache's)
/// and the provider trait under `name` (`credentials`: [`ProvideCredentials`], `token`:
/// [`ProvideToken`]). Written once here instead of three impls per provider.
macro_rules! cached_provider {
    ($provider:ty, credentials, $name:literal) => {
        $crate::provider::cached_provider!(@common $provider, $crate::types::Credentials, $name);

        #[async_trait::async_trait]
        impl $crate::provider::ProvideCredentials for $provider {
            async fn provide_credentials(
                &self,
            ) -> Result<$crate::types::Credentials, $crate::error::CredentialsError> {
                self.get().await
            }

            fn provider_name(&self) -> &str {
                $name
            }
        }
    };
    ($provider:ty, token, $name:literal) => {
        $crate::provider::cached_provider!(@common $provider, $crate::types::Token, $name);

        #[async_trait::async_trait]
        impl $crate::provider::ProvideToken for $provider {
            async fn provide_token(
                &self,
            ) -> Result<$crate::types::Token, $crate::error::CredentialsError> {
                self.get().await
            }

            fn provider_name(&self) -> &str {
                $name
            }
        }
    };
    (@common $provider:ty, $value:ty, $name:literal) => {
        impl std::fmt::Debug for $provider {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.cached.finish_debug(&mut f.debug_struct($name))
            }
        }

        impl std::ops::Deref for $provider {
            type Target = $crate::provider::Cached<$value>;

            fn deref(&self) -> &$crate::provider::Cached<$value> {
                &self.cached
            }
        }
    };
}

pub(crate) use cached_provider;
