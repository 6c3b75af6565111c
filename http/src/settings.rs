//! HTTP settings (SPEC §6): timeouts, the retry policy with injectable sleep and jitter,
//! the extra CA bundle and proxies.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::proxy::ProxySettings;
use crate::tls::CaBundle;

/// A boxed future, as returned by a [`HttpSettings::sleep`] function.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

type SleepFn = Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>;
type JitterFn = Arc<dyn Fn() -> f64 + Send + Sync>;

/// How requests are sent: timeouts, retries, trust roots and proxies.
///
/// Defaults (SPEC §6): connect timeout 3.1 s, 10 s per attempt, 3 attempts, retry delay
/// before retry `i` uniform in `[0, min(2^i, 20) s)`, the OS trust store, no proxy.
#[derive(Clone)]
pub struct HttpSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) max_attempts: u32,
    pub(crate) ca_bundle: Option<CaBundle>,
    pub(crate) native_roots: bool,
    pub(crate) proxy: ProxySettings,
    pub(crate) resolve: HashMap<String, SocketAddr>,
    delay_unit: Duration,
    sleep: SleepFn,
    jitter: JitterFn,
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSettings")
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("ca_bundle", &self.ca_bundle)
            .field("native_roots", &self.native_roots)
            .field("proxy", &self.proxy)
            .field("resolve", &self.resolve)
            .field("delay_unit", &self.delay_unit)
            .finish_non_exhaustive()
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_millis(3100),
            attempt_timeout: Duration::from_secs(10),
            max_attempts: 3,
            ca_bundle: None,
            native_roots: true,
            proxy: ProxySettings::default(),
            resolve: HashMap::new(),
            delay_unit: Duration::from_secs(1),
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            jitter: Arc::new(random_fraction),
        }
    }
}

impl HttpSettings {
    /// The SPEC §6 defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed to open a connection (TCP, and the CONNECT handshake through a proxy).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed per attempt, from sending the request to the last body byte.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Attempts per operation, the first included (at least 1; builder, else
    /// `AWS_MAX_ATTEMPTS`, else `max_attempts`, resolved by the caller).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Trust the CA certificates of this PEM bundle in addition to the OS store.
    #[must_use]
    pub fn ca_bundle(mut self, bundle: Option<CaBundle>) -> Self {
        self.ca_bundle = bundle;
        self
    }

    /// Whether to trust the OS certificate store (default `true`; tests may turn it off).
    #[must_use]
    pub fn native_roots(mut self, on: bool) -> Self {
        self.native_roots = on;
        self
    }

    /// Proxy settings (default: none).
    #[must_use]
    pub fn proxy(mut self, proxy: ProxySettings) -> Self {
        self.proxy = proxy;
        self
    }

    /// Connect to `addr` whenever a request goes directly (not through a proxy) to `host`,
    /// whatever its port, like curl's `--resolve`; TLS still verifies `host`. For tests and
    /// demos that give the loopback fake a real-looking name.
    #[must_use]
    pub fn resolve_to(mut self, host: &str, addr: SocketAddr) -> Self {
        self.resolve.insert(
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase(),
            addr,
        );
        self
    }

    /// The unit of the retry delays (default 1 s): the delay before retry `i` is uniform in
    /// `[0, min(2^i, 20) × unit)`. IMDS uses 0.1 s.
    #[must_use]
    pub fn retry_delay_unit(mut self, unit: Duration) -> Self {
        self.delay_unit = unit;
        self
    }

    /// How to wait between attempts (default: `tokio::time::sleep`).
    #[must_use]
    pub fn sleep(
        mut self,
        sleep: impl Fn(Duration) -> SleepFuture + Send + Sync + 'static,
    ) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// The source of jitter: a number in `[0, 1)` (default: random). Values outside are
    /// clamped.
    #[must_use]
    pub fn jitter(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// Retry without waiting (for tests and fixtures).
    #[must_use]
    pub fn without_retry_delay(self) -> Self {
        self.sleep(|_| Box::pin(std::future::ready(())))
    }

    /// The delay before retry `i` (0 for the first retry): `jitter * min(2^i, 20) * unit`.
    pub(crate) fn retry_delay(&self, retry: u32) -> Duration {
        let cap = 2f64
            .powi(i32::try_from(retry.min(5)).unwrap_or(5))
            .min(20.0);
        // NaN (which `clamp` keeps) counts as no jitter; a product past `Duration`'s range
        // is the longest delay rather than a panic.
        let jitter = (self.jitter)();
        let fraction = if jitter.is_nan() {
            1.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        Duration::try_from_secs_f64(self.delay_unit.as_secs_f64() * fraction * cap)
            .unwrap_or(Duration::MAX)
    }

    pub(crate) fn wait(&self, delay: Duration) -> SleepFuture {
        (self.sleep)(delay)
    }
}

/// A random number in `[0, 1)` from std's randomly keyed hasher (no clock, no extra crate):
/// the default jitter, and the randomness of anything else that spreads retries or
/// extensions (IMDS's static stability).
pub fn random_fraction() -> f64 {
    let bits = RandomState::new().build_hasher().finish() >> 11;
    #[allow(
        clippy::cast_precision_loss,
        reason = "53 bits fit an f64 mantissa exactly"
    )]
    let fraction = bits as f64 / (1u64 << 53) as f64;
    fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_exponential_times_jitter() {
        let s = HttpSettings::new().jitter(|| 0.5);
        let delays: Vec<f64> = (0..7).map(|i| s.retry_delay(i).as_secs_f64()).collect();
        assert_eq!(delays, [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]);
        let s = HttpSettings::new().jitter(|| 7.0);
        assert_eq!(s.retry_delay(0), Duration::from_secs(1));
        // A program's odd settings are no panic.
        let s = HttpSettings::new().jitter(|| f64::NAN);
        assert_eq!(s.retry_delay(1), Duration::from_secs(2));
        let s = HttpSettings::new().retry_delay_unit(Duration::MAX);
        assert_eq!(s.jitter(|| 1.0).retry_delay(6), Duration::MAX);
        for _ in 0..100 {
            let f = random_fraction();
            assert!((0.0..1.0).contains(&f));
        }
    }

    #[test]
    fn defaults() {
        let s = HttpSettings::default();
        assert_eq!(
            (s.connect_timeout, s.attempt_timeout, s.max_attempts),
            (Duration::from_millis(3100), Duration::from_secs(10), 3)
        );
        assert_eq!(HttpSettings::new().max_attempts(0).max_attempts, 1);
    }
}
