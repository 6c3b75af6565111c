//! [`HttpClient`], the pooled HTTP/1.1 client: connector (direct or CONNECT tunnel), lazy
//! TLS, per-attempt timeout, body cap and the standard retry policy.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Uri;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpStream;

use crate::error::{Cause, Error, Seconds, ServiceError, is_throttling_code};
use crate::proxy::{ProxyChoice, ProxySettings, connect_tunnel};
use crate::request::{Call, ErrorAnswer, Request, Response};
use crate::settings::HttpSettings;

/// Response bodies above this size fail with N-BODY.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

type PlainClient = Client<Connector, Full<Bytes>>;
type HttpsClient = Client<HttpsConnector<Connector>, Full<Bytes>>;

/// A client of the hardened HTTP stack: one pool of keep-alive connections shared by every
/// clone, the proxies, trust roots, timeouts and retry policy of its [`HttpSettings`].
///
/// Needs a Tokio runtime (with the I/O and time drivers) when a request is sent;
/// construction does no I/O (the CA bundle is read at the first https request).
#[derive(Clone)]
pub struct HttpClient {
    transport: Arc<Transport>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("settings", &self.transport.settings)
            .finish_non_exhaustive()
    }
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new(HttpSettings::default())
    }
}

impl HttpClient {
    /// A client with these settings. No I/O.
    pub fn new(settings: HttpSettings) -> Self {
        Self {
            transport: Arc::new(Transport::new(settings)),
        }
    }

    /// The settings this client was built with.
    pub fn settings(&self) -> &HttpSettings {
        &self.transport.settings
    }

    /// Sends `request` with the retry policy; returns the 2xx response or the final error
    /// (a non-2xx answer is [`Error::Service`] with the code and message the request's
    /// [`error reader`](Request::error_reader) found).
    pub async fn send(&self, request: &Request) -> Result<Response, Error> {
        let call = request.prepare()?;
        self.transport
            .send(&call, 0, self.settings().max_attempts)
            .await
    }

    /// Sends `request` once, whatever the retry policy: a caller that must learn at once
    /// whether a service is there (IMDS's absence rule) sends its first request so, and
    /// goes on with [`send_continued`](Self::send_continued) when the answer is worth a
    /// retry.
    pub async fn send_once(&self, request: &Request) -> Result<Response, Error> {
        let call = request.prepare()?;
        self.transport.send(&call, 0, 1).await
    }

    /// Sends `request` as the rest of the retry policy after `made` attempts that failed
    /// retryably: the delay before retry `made` first, then attempts `made + 1` up to
    /// `max_attempts` in all, and at least one (the error counts them all).
    pub async fn send_continued(&self, request: &Request, made: u32) -> Result<Response, Error> {
        let call = request.prepare()?;
        let max = self.settings().max_attempts.max(made + 1);
        self.transport
            .settings
            .wait(self.transport.settings.retry_delay(made.saturating_sub(1)))
            .await;
        self.transport.send(&call, made, max).await
    }
}

struct Transport {
    settings: HttpSettings,
    http: PlainClient,
    https: Mutex<Option<HttpsClient>>,
}

impl Transport {
    fn new(settings: HttpSettings) -> Self {
        let connector = Connector::new(&settings);
        let http = builder().build(connector);
        Self {
            settings,
            http,
            https: Mutex::new(None),
        }
    }

    /// The https client, built at the first https request (this is when the CA bundle is
    /// read). A failure is not cached: a fixed bundle works on the next call.
    fn https_client(&self) -> Result<HttpsClient, Error> {
        let mut slot = self.https.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let tls = crate::tls::client_config(
            self.settings.ca_bundle.as_ref(),
            self.settings.native_roots,
        )?;
        let connector = Connector::new(&self.settings);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_only()
            .enable_http1()
            .wrap_connector(connector);
        let client = builder().build(https);
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Sends `call` with retries, as attempts `made + 1` to `max`; returns the 2xx response
    /// or the final error.
    async fn send(&self, call: &Call, made: u32, max: u32) -> Result<Response, Error> {
        if let Err((var, reason)) = self.settings.proxy.choose(&call.host, call.secure) {
            return Err(Error::Proxy { var, reason });
        }
        let https = if call.secure {
            Some(self.https_client()?)
        } else {
            None
        };
        let mut attempt = made + 1;
        loop {
            if let Some(pacing) = &call.pacing {
                pacing.start(&self.settings).await;
            }
            let outcome = self.attempt(call, https.as_ref(), attempt).await;
            let throttled = match outcome {
                Ok(success) => return Ok(success),
                Err(Failure {
                    error,
                    retryable,
                    throttled,
                }) => {
                    // A paced job gives throttled answers a budget of their own.
                    let limit = match &call.pacing {
                        Some(pacing) if throttled => pacing.throttled_attempts().max(max),
                        _ => max,
                    };
                    if !retryable || attempt >= limit {
                        return Err(error);
                    }
                    throttled
                }
            };
            let delay = self.settings.retry_delay(attempt - 1);
            match &call.pacing {
                Some(pacing) if throttled => pacing.pause(&self.settings, delay).await,
                _ => self.settings.wait(delay).await,
            }
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        call: &Call,
        https: Option<&HttpsClient>,
        attempt: u32,
    ) -> Result<Response, Failure> {
        let mut builder = hyper::Request::builder()
            .method(call.method.clone())
            .uri(call.uri.clone());
        for (name, value) in &call.headers {
            builder = builder.header(name, value);
        }
        let request = builder
            .body(Full::new(call.body.clone()))
            .map_err(|e| Failure::fatal(io_error(call, e.to_string(), Cause::new(e), attempt)))?;
        let exchange = async {
            let response = match https {
                Some(client) => client.request(request).await,
                None => self.http.request(request).await,
            }
            .map_err(|e| transport_failure(call, e, attempt))?;
            let status = response.status();
            let reason = response
                .extensions()
                .get::<hyper::ext::ReasonPhrase>()
                .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
                .or_else(|| status.canonical_reason().map(str::to_owned));
            let headers = response.headers().clone();
            let too_large = Failure::fatal(Error::BodyTooLarge {
                operation: call.operation,
                url: call.url.clone(),
            });
            let declared = response
                .headers()
                .get(hyper::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|len| len > MAX_BODY as u64) {
                return Err(too_large);
            }
            let mut body = response.into_body();
            let mut collected: Vec<u8> = Vec::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| transport_failure(call, e, attempt))?;
                if let Ok(data) = frame.into_data() {
                    if collected.len() + data.len() > MAX_BODY {
                        return Err(too_large);
                    }
                    collected.extend_from_slice(&data);
                }
            }
            Ok((status, reason, headers, Bytes::from(collected)))
        };
        let (status, reason, headers, body) =
            match tokio::time::timeout(self.settings.attempt_timeout, exchange).await {
                Ok(result) => result?,
                Err(_elapsed) => {
                    return Err(Failure {
                        error: Error::Timeout {
                            operation: call.operation,
                            url: call.url.clone(),
                            timeout: self.settings.attempt_timeout,
                            attempts: attempt,
                        },
                        retryable: true,
                        throttled: false,
                    });
                }
            };
        if status.is_success() {
            return Ok(Response {
                status: status.as_u16(),
                headers,
                body,
            });
        }
        let answer = ErrorAnswer {
            status: status.as_u16(),
            reason: reason.as_deref(),
            headers: &headers,
            body: &body,
        };
        let (code, message) = (call.read_error)(&answer);
        let throttled = status.as_u16() == 429 || is_throttling_code(&code);
        let retryable =
            status.is_server_error() || throttled || call.retry_codes.contains(&code.as_str());
        Err(Failure {
            error: Error::Service(ServiceError {
                operation: call.operation,
                status: status.as_u16(),
                code,
                message,
                attempts: attempt,
            }),
            retryable,
            throttled,
        })
    }
}

fn builder() -> hyper_util::client::legacy::Builder {
    let mut builder = Client::builder(TokioExecutor::new());
    builder
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(4)
        .retry_canceled_requests(true)
        .set_host(true);
    builder
}

/// An attempt's error, whether the policy retries it, and whether it was a throttled
/// answer (429 or a throttling code: a paced job's own budget and shared pause).
struct Failure {
    error: Error,
    retryable: bool,
    throttled: bool,
}

impl Failure {
    /// An error the policy never retries.
    fn fatal(error: Error) -> Self {
        Self {
            error,
            retryable: false,
            throttled: false,
        }
    }
}

fn io_error(call: &Call, message: String, cause: Cause, attempts: u32) -> Error {
    Error::Io {
        operation: call.operation,
        url: call.url.clone(),
        message,
        attempts,
        cause,
    }
}

/// Classifies a hyper / connector error: certificate errors are final, all else retried.
fn transport_failure(
    call: &Call,
    error: impl std::error::Error + Send + Sync + 'static,
    attempt: u32,
) -> Failure {
    let (message, certificate) = describe(&error);
    Failure {
        error: io_error(call, message, Cause::new(error), attempt),
        retryable: !certificate,
        throttled: false,
    }
}

/// The most useful text in an error chain, and whether it is a certificate error.
fn describe(error: &(dyn std::error::Error + 'static)) -> (String, bool) {
    let mut fallback: Option<String> = None;
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(connect) = e.downcast_ref::<ConnectError>() {
            return (connect.message.clone(), false);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            // hyper-rustls wraps tokio-rustls's io::Error (which wraps rustls::Error) in
            // another io::Error: look through the nesting.
            let mut inner: &std::io::Error = io;
            while let Some(wrapped) = inner.get_ref() {
                if let Some(tls) = wrapped.downcast_ref::<rustls::Error>() {
                    let certificate = matches!(tls, rustls::Error::InvalidCertificate(_));
                    return (format!("TLS handshake failed: {tls}"), certificate);
                }
                if let Some(connect) = wrapped.downcast_ref::<ConnectError>() {
                    return (connect.message.clone(), false);
                }
                match wrapped.downcast_ref::<std::io::Error>() {
                    Some(next) => inner = next,
                    None => break,
                }
            }
            return (inner.to_string(), false);
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return (
                format!("TLS handshake failed: {tls}"),
                matches!(tls, rustls::Error::InvalidCertificate(_)),
            );
        }
        if e.downcast_ref::<hyper::Error>().is_some() && fallback.is_none() {
            fallback = Some(e.to_string());
        }
        current = e.source();
    }
    (fallback.unwrap_or_else(|| error.to_string()), false)
}

/// A connection failure with its full text (`could not connect to …`) and the I/O error
/// behind it, when there is one.
#[derive(Debug)]
pub(crate) struct ConnectError {
    message: String,
    source: Option<std::io::Error>,
}

impl ConnectError {
    fn new(message: String, source: Option<std::io::Error>) -> Self {
        Self { message, source }
    }
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Opens TCP connections, directly or through an HTTP CONNECT tunnel.
#[derive(Clone)]
pub(crate) struct Connector {
    proxy: Arc<ProxySettings>,
    resolve: Arc<HashMap<String, SocketAddr>>,
    connect_timeout: Duration,
}

impl Connector {
    fn new(settings: &HttpSettings) -> Self {
        Self {
            proxy: Arc::new(settings.proxy.clone()),
            resolve: Arc::new(settings.resolve.clone()),
            connect_timeout: settings.connect_timeout,
        }
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = TokioIo<TcpStream>;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let proxy = Arc::clone(&self.proxy);
        let resolve = Arc::clone(&self.resolve);
        let timeout = self.connect_timeout;
        Box::pin(async move {
            let secure = uri.scheme_str() == Some("https");
            let host = uri.host().unwrap_or_default().to_owned();
            let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
            let bare = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned();
            let choice =
                proxy
                    .choose(&host.to_ascii_lowercase(), secure)
                    .map_err(|(var, reason)| {
                        ConnectError::new(format!("invalid proxy URL in {var}: {reason}"), None)
                    })?;
            #[cfg(feature = "loopback-guard")]
            {
                let (target, pinned) = match &choice {
                    ProxyChoice::Direct => (
                        (bare.clone(), port),
                        resolve.get(&bare.to_ascii_lowercase()).copied(),
                    ),
                    ProxyChoice::Via(p) => ((p.host.clone(), p.port), None),
                };
                if let Err(refusal) = loopback_target(&target.0, target.1, pinned) {
                    loopback_guard_abort(&refusal);
                }
            }
            let connect = async {
                match choice {
                    ProxyChoice::Direct => {
                        let pinned = resolve.get(&bare.to_ascii_lowercase()).copied();
                        let stream = match pinned {
                            Some(addr) => TcpStream::connect(addr).await,
                            None => TcpStream::connect((bare.as_str(), port)).await,
                        };
                        stream.map_err(|e| {
                            ConnectError::new(
                                format!("could not connect to {host}:{port}: {e}"),
                                Some(e),
                            )
                        })
                    }
                    ProxyChoice::Via(p) => {
                        let stream = TcpStream::connect((p.host.as_str(), p.port))
                            .await
                            .map_err(|e| {
                                ConnectError::new(
                                    format!(
                                        "could not connect to proxy {}:{}: {e}",
                                        p.host, p.port
                                    ),
                                    Some(e),
                                )
                            })?;
                        connect_tunnel(stream, &p, &bare, port)
                            .await
                            .map_err(|e| ConnectError::new(e.to_string(), Some(e)))
                    }
                }
            };
            let stream = tokio::time::timeout(timeout, connect).await.map_err(|_| {
                ConnectError::new(
                    format!(
                        "could not connect to {host}:{port} within {} s",
                        Seconds(timeout)
                    ),
                    None,
                )
            })??;
            let _ = stream.set_nodelay(true);
            Ok(TokioIo::new(stream))
        })
    }
}

/// Whether a connection to `host:port` (or to `pinned`, where the host is pinned) stays on
/// this machine: a pinned loopback address, a loopback IP literal, or `localhost`. No
/// lookup. The `loopback-guard` feature (test builds) aborts on a refusal.
#[cfg(any(test, feature = "loopback-guard"))]
pub(crate) fn loopback_target(
    host: &str,
    port: u16,
    pinned: Option<SocketAddr>,
) -> Result<(), String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let local = pinned.map_or_else(
        || {
            bare.parse::<std::net::IpAddr>().map_or_else(
                |_| bare.eq_ignore_ascii_case("localhost"),
                |ip| ip.is_loopback(),
            )
        },
        |addr| addr.ip().is_loopback(),
    );
    if local {
        Ok(())
    } else {
        Err(format!(
            "a test tried to connect to {host}:{port}{}, which is not loopback",
            pinned.map(|a| format!(" ({a})")).unwrap_or_default()
        ))
    }
}

/// The `loopback-guard` feature's end: the refusal on stderr, then abort (a panic inside a
/// provider's load would only fail that load, and a chain could move on).
#[cfg(feature = "loopback-guard")]
#[allow(
    clippy::print_stderr,
    reason = "a test build stopping itself must say why where the test runner shows it"
)]
fn loopback_guard_abort(refusal: &str) -> ! {
    eprintln!(
        "ssokit loopback guard: {refusal}. Test worlds point every endpoint at a loopback fake \
         (AWS_ENDPOINT_URL_*, AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_CONTAINER_CREDENTIALS_FULL_URI) \
         or pin its name with HttpSettings::resolve_to, and keep AWS_EC2_METADATA_DISABLED=true \
         otherwise (ssokit_fake_portal::sandbox does)."
    );
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_pass_the_guard() {
        let pinned: SocketAddr = "127.0.0.1:4000".parse().unwrap_or_else(|_| unreachable!());
        for (host, pin) in [
            ("127.0.0.1", None),
            ("127.9.9.9", None),
            ("[::1]", None),
            ("localhost", None),
            ("LOCALHOST", None),
            ("portal.sso.us-east-1.amazonaws.com", Some(pinned)),
            ("169.254.169.254", Some(pinned)),
        ] {
            assert!(loopback_target(host, 80, pin).is_ok(), "{host}");
        }
        for host in [
            "169.254.169.254",
            "169.254.170.2",
            "169.254.170.23",
            "[fd00:ec2::254]",
            "[fd00:ec2::23]",
            "sts.amazonaws.com",
            "192.0.2.10",
        ] {
            let refusal = loopback_target(host, 80, None).unwrap_err();
            assert!(refusal.contains(host), "{refusal}");
        }
        let outside: SocketAddr = "192.0.2.10:80".parse().unwrap_or_else(|_| unreachable!());
        assert!(loopback_target("x.example", 80, Some(outside)).is_err());
    }
}
