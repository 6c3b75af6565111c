//! The fake portal server: routing, scripted answers, the request log.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use crate::answer::{Answer, Delivery};
use crate::background::Background;
use crate::operation::Operation;

/// One request as the fake received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The operation it was routed to (`None`: unknown route, answered 404).
    pub operation: Option<Operation>,
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query exactly as sent (`/federation/credentials?account_id=…`).
    pub target: String,
    /// `HTTP/1.1`.
    pub version: String,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// `METHOD target VERSION`, e.g. `GET /federation/credentials?… HTTP/1.1`.
    pub fn request_line(&self) -> String {
        format!("{} {} {}", self.method, self.target, self.version)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The header names, sorted.
    pub fn header_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names
    }

    /// The body as UTF-8 (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Default)]
struct State {
    scripts: HashMap<Operation, Vec<Answer>>,
    counts: HashMap<Operation, usize>,
    connections: usize,
    log: Vec<RecordedRequest>,
}

type Shared = Arc<Mutex<State>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running fake portal. Stops when dropped.
pub struct FakePortal {
    url: String,
    port: u16,
    ca_pem: Option<String>,
    state: Shared,
    _background: Background,
}

impl std::fmt::Debug for FakePortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePortal")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl FakePortal {
    /// Starts a plain-http fake on `127.0.0.1` (an ephemeral port).
    pub fn start() -> io::Result<Self> {
        Self::launch(None)
    }

    /// Starts an https fake whose certificate (for [`TLS_NAMES`](crate::TLS_NAMES)) is signed by a freshly
    /// generated CA; see [`ca_pem`](Self::ca_pem).
    pub fn start_https() -> io::Result<Self> {
        Self::launch(Some(crate::tls::generate()?))
    }

    fn launch(tls: Option<crate::tls::GeneratedTls>) -> io::Result<Self> {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let acceptor = tls.map(|t| tokio_rustls::TlsAcceptor::from(t.server_config));
        let state = Shared::default();
        let thread_state = Arc::clone(&state);
        let background = Background::start("fake-portal", move |stream| {
            lock(&thread_state).connections += 1;
            serve_connection(stream, acceptor.clone(), Arc::clone(&thread_state))
        })?;
        let port = background.port();
        Ok(Self {
            url: format!("{scheme}://127.0.0.1:{port}"),
            port,
            ca_pem,
            state,
            _background: background,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing `/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The socket address (`127.0.0.1:<port>`).
    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// TCP connections accepted so far (keep-alive reuse shows as fewer connections than
    /// requests).
    pub fn connections(&self) -> usize {
        lock(&self.state).connections
    }

    /// The CA certificate (PEM) that signed the https fake's certificate; `None` for http.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Answers for `operation`, served in order; the last one repeats. Resets that
    /// operation's counter. An empty list restores the default answer.
    pub fn script(&self, operation: Operation, answers: impl IntoIterator<Item = Answer>) {
        let mut state = lock(&self.state);
        state
            .scripts
            .insert(operation, answers.into_iter().collect());
        state.counts.remove(&operation);
    }

    /// Requests routed to `operation` so far.
    pub fn count(&self, operation: Operation) -> usize {
        lock(&self.state)
            .counts
            .get(&operation)
            .copied()
            .unwrap_or(0)
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).log.clone()
    }

    /// Forgets scripts, counters and the log.
    pub fn reset(&self) {
        *lock(&self.state) = State::default();
    }
}

/// Serves one accepted connection: TLS first when the fake is https, then HTTP/1.1.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    state: Shared,
) {
    let service = hyper::service::service_fn(move |request| handle(Arc::clone(&state), request));
    let http = hyper::server::conn::http1::Builder::new();
    match acceptor {
        Some(acceptor) => {
            if let Ok(tls) = acceptor.accept(stream).await {
                let _ = http.serve_connection(TokioIo::new(tls), service).await;
            }
        }
        None => {
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        }
    }
}

/// Error returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted connection drop")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    state: Shared,
    request: Request<Incoming>,
) -> Result<Response<FakeBody>, DropConnection> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let operation = Operation::route(parts.method.as_str(), parts.uri.path());
    let recorded = RecordedRequest {
        operation,
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.to_string(), ToString::to_string),
        version: format!("{:?}", parts.version),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let answer = {
        let mut state = lock(&state);
        state.log.push(recorded);
        match operation {
            None => Answer::json(404, r#"{"message":"fake portal: no such route"}"#)
                .header("x-amzn-ErrorType", "ResourceNotFoundException"),
            Some(op) => {
                let index = {
                    let count = state.counts.entry(op).or_insert(0);
                    *count += 1;
                    *count - 1
                };
                match state.scripts.get(&op).filter(|s| !s.is_empty()) {
                    Some(script) => script[index.min(script.len() - 1)].clone(),
                    None => Answer::default_for(op),
                }
            }
        }
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    respond(answer)
}

fn respond(answer: Answer) -> Result<Response<FakeBody>, DropConnection> {
    let body = Bytes::from(answer.body);
    let (fake_body, content_length) = match answer.delivery {
        Delivery::Drop => return Err(DropConnection),
        Delivery::Whole => (FakeBody::whole(body.clone()), Some(body.len())),
        Delivery::Chunked => (
            FakeBody {
                data: Some(body),
                exact: false,
                fail_after: false,
                pause: None,
            },
            None,
        ),
        Delivery::Truncated => {
            let full = body.len();
            (
                FakeBody {
                    data: Some(body.slice(..full / 2)),
                    exact: false,
                    fail_after: true,
                    pause: None,
                },
                Some(full),
            )
        }
    };
    let mut builder = Response::builder().status(answer.status);
    for (name, value) in &answer.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(len) = content_length {
        builder = builder.header("content-length", len);
    }
    builder.body(fake_body).map_err(|_| DropConnection)
}

/// A response body: all at once, chunked, or cut short with an error.
struct FakeBody {
    data: Option<Bytes>,
    exact: bool,
    fail_after: bool,
    /// Before failing, a pause so hyper flushes the partial body to the socket.
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl FakeBody {
    fn whole(data: Bytes) -> Self {
        Self {
            data: Some(data),
            exact: true,
            fail_after: false,
            pause: None,
        }
    }
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(data) = self.data.take()
            && !data.is_empty()
        {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if self.fail_after {
            let pause = self
                .pause
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(20))));
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.fail_after = false;
            return Poll::Ready(Some(Err(io::Error::other("scripted truncated body"))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.as_ref().is_none_or(Bytes::is_empty) && !self.fail_after
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.exact) {
            (Some(data), true) => SizeHint::with_exact(data.len() as u64),
            (None, true) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}
