//! The provider traits, and the cached-provider surface every provider shares.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::CredentialsError;
use crate::types::{Credentials, Token};

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
    async fn load(&self) -> Result<T, CredentialsError>;
}

/// Returns a `'static` load future for the cache.
pub(crate) fn loader<T: Send + 'static>(
    load: &Arc<dyn Load<T>>,
) -> impl FnOnce() -> std::pin::Pin<Box<dyn Future<Output = Result<T, CredentialsError>> + Send>> {
    let load = Arc::clone(load);
    move || Box::pin(async move { load.load().await })
}

/// The v2 cached-provider methods (SPEC §9) over fields `cache`, `load` and `config`, and
/// a `Debug` that shows the cache state and any listed fields, never a value.
macro_rules! cached_provider {
    ($provider:ident, $value:ty $(, $field:ident)*) => {
        impl std::fmt::Debug for $provider {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($provider))
                    $(.field(stringify!($field), &self.$field))*
                    .field("expired", &self.cache.expired())
                    .field("expire_time", &self.cache.expire_time())
                    .finish_non_exhaustive()
            }
        }

        impl $provider {
            /// The cached value, or a fresh one when [`needs_refresh`](Self::needs_refresh)
            /// (v2 `get` / `getPromise`). Concurrent calls share one load.
            pub async fn get(&self) -> Result<$value, $crate::error::CredentialsError> {
                self.cache
                    .get(self.config.clock(), $crate::provider::loader(&self.load))
                    .await
            }

            /// Loads now, whatever the cache holds (v2 `refresh`); joins a load already in
            /// flight. A failure keeps the old value.
            pub async fn refresh(&self) -> Result<$value, $crate::error::CredentialsError> {
                self.cache
                    .refresh($crate::provider::loader(&self.load))
                    .await
            }

            /// True before the first successful load and after [`expire`](Self::expire)
            /// (v2 `expired`).
            pub fn expired(&self) -> bool {
                self.cache.expired()
            }

            /// Marks the cached value expired, so the next [`get`](Self::get) loads.
            pub fn expire(&self) {
                self.cache.expire();
            }

            /// The expiry of the cached value (v2 `expireTime`).
            pub fn expire_time(&self) -> Option<jiff::Timestamp> {
                self.cache.expire_time()
            }

            /// How long before its expiry a value counts as stale (v2 `expiryWindow`).
            pub fn expiry_window(&self) -> std::time::Duration {
                self.cache.window()
            }

            /// No value, [`expired`](Self::expired), or `now + window > expire_time`
            /// (v2 `needsRefresh`).
            pub fn needs_refresh(&self) -> bool {
                self.cache.needs_refresh(self.config.clock())
            }

            /// The cached value, without loading.
            pub fn cached(&self) -> Option<$value> {
                self.cache.cached()
            }
        }
    };
}

pub(crate) use cached_provider;
