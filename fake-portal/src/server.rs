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
use crate::imds::Imds;
use crate::oidc::Oidc;
use crate::operation::Operation;
use crate::organisation::Organisation;
use crate::request::RecordedRequest;
use crate::sts::Keyring;

#[derive(Default)]
struct State {
    scripts: HashMap<Operation, Vec<Answer>>,
    counts: HashMap<Operation, usize>,
    connections: usize,
    log: Vec<RecordedRequest>,
    sts: Keyring,
    imds: Imds,
    oidc: Oidc,
    /// What the portal's listings answer.
    organisation: Organisation,
    /// Requests being answered now, and the most at once so far.
    in_flight: usize,
    max_in_flight: usize,
    /// The fake's own URL (SSO-OIDC's device verification page is under it).
    url: String,
}

type Shared = Arc<Mutex<State>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running fake portal: the SSO portal, SSO-OIDC, STS, the EC2 instance metadata service
/// and the container credentials endpoint on one loopback port. Stops when dropped.
///
/// `GetRoleCredentials` answers the fixed SPEC §13 "Portal" body and `Logout` an empty 200
/// unless scripted.
///
/// # The fake SSO-OIDC login
///
/// Unscripted (or scripted with [`Answer::default_for`]), the SSO-OIDC operations behave as
/// Identity Center does for a login (SPEC §19.3, §19.6, §19.7), under any path prefix, and
/// the portal's `POST …/logout` answers an empty 200:
///
/// - `POST …/client/register` needs a JSON body with a `clientName`, `clientType` `public`
///   (else 400 `InvalidClientMetadataException`), known `grantTypes`
///   (`UnsupportedGrantTypeException`) and absolute http(s) `redirectUris`
///   (`InvalidRedirectUriException`); a client of the `authorization_code` grant needs
///   `redirectUris` and an `issuerUrl`. It issues `client-<n>` / `csecret-<n>` (n from 1),
///   issued at the fixtures' clock, the secret expiring 90 days later
///   ([`CLIENT_SECRET_EXPIRES_AT`](crate::CLIENT_SECRET_EXPIRES_AT), 2026-05-30T12:00:00Z).
/// - `GET …/authorize?…` needs `response_type=code`, a registered `client_id` of the
///   `authorization_code` grant, a `redirect_uri` with the scheme, host, path and query of
///   one it registered (any port for a loopback IP literal, RFC 8252 §7.3; else the same
///   port), `code_challenge_method=S256`, a `code_challenge` and a `state`. It answers 302
///   with `location: <redirect_uri>?code=code-<n>&state=<state>` (values encoded strictly),
///   else a 400 HTML page naming what is wrong.
/// - `POST …/device_authorization` needs a registered `clientId` with its `clientSecret`
///   (else 401 `InvalidClientException`) and a `startUrl`. It issues `device-code-<n>` with
///   the user code [`USER_CODE`](crate::USER_CODE), the verification page `<url>/device`
///   (`?user_code=USER-CODE` for the complete one), 600 s and an interval of 1 s.
/// - `POST …/token` goes by `grantType`. `authorization_code` checks the client and its
///   secret (401 `InvalidClientException`), then that the `code` was issued to that client
///   for exactly that `redirectUri`, and that base64url(SHA-256(`codeVerifier`)) is the
///   challenge; the device code's grant (`urn:ietf:params:oauth:grant-type:device_code`)
///   checks the client, then that the `deviceCode` was issued to it. Anything else is 400
///   `InvalidGrantException` `Invalid grant provided`, as Identity Center answers; a code
///   is exchanged once, for
///   [`DEFAULT_LOGIN_TOKEN_BODY`](crate::DEFAULT_LOGIN_TOKEN_BODY). `refresh_token`, no
///   `grantType` or no JSON object answer [`DEFAULT_TOKEN_BODY`](crate::DEFAULT_TOKEN_BODY)
///   unchecked; another grant type is 400 `UnsupportedGrantTypeException`. A device code
///   login's wait is scripted: `AuthorizationPendingException`, `SlowDownException`, then
///   [`Answer::default_for`] (`Operation::CreateToken`).
///
/// What the fake hands out it remembers, scripted or not: a 2xx `RegisterClient` answer
/// registers its `clientId` and `clientSecret` with the request's grant types and redirect
/// URIs, a 302 `Authorize` answer issues the `code` of its `location` for the request's
/// client, redirect URI and challenge, a 2xx `StartDeviceAuthorization` answer issues its
/// `deviceCode` to the request's client. [`reset`](Self::reset) restarts the numbering;
/// what was registered and issued stays valid.
///
/// # The fake STS
///
/// Unscripted (or scripted with [`Answer::default_for`]), the two STS operations behave as
/// STS does, in its wire format (query protocol: a form-encoded `POST` to `…/`, answers in
/// XML with `content-type: text/xml` and an `x-amzn-RequestId` header):
///
/// - `AssumeRole` must be signed with SigV4 (header form) by a trusted key
///   ([`trust_keys`](Self::trust_keys), the keys of the default `GetRoleCredentials` answer,
///   and every key the fake hands out in a 2xx `GetRoleCredentials` or STS answer, scripted
///   or not, so role chains work). The fake recomputes the signature with `ssokit-sigv4`
///   over exactly the headers the request names as signed (their received values), the
///   method, path, query and body, the scope's region and service (`sts` only) and the
///   `x-amz-date` time, the session token signed when named. Refusals, as STS words them:
///   no `authorization` (or another scheme) is 403 `MissingAuthenticationToken`; a header
///   missing a part, or no or a malformed `x-amz-date`, 400 `IncompleteSignature`; an
///   unknown key, or an `x-amz-security-token` that is not the key's (or one for a key
///   without), 403 `InvalidClientTokenId`; a wrong scope or signature, 403
///   `SignatureDoesNotMatch`. There is no clock: the signing time is not compared with one.
/// - `AssumeRoleWithWebIdentity` is unsigned; a present but empty (or blank)
///   `WebIdentityToken` is 400 `InvalidIdentityToken`.
/// - Then the parameters: `RoleArn` and `RoleSessionName` are required and checked as STS
///   constrains them, `DurationSeconds` 900-43200, `ExternalId`, `SerialNumber` and
///   `TokenCode` (6 digits) when given; 400 `ValidationError` with STS's wording; a role
///   ARN that is not `arn:<partition>:iam::<12 digits>:role/[<path>/]<name>` is 400
///   `ValidationError` `<arn> is invalid`.
/// - Success issues new keys on each call: `ASIASTS<n>` / `sts-secret-<n>` /
///   `sts-token-<n>` for `AssumeRole`, `ASIAWEB<n>` / `web-secret-<n>` / `web-token-<n>`
///   for web identity (n from 1), expiring 2026-03-01T13:00:00Z, for the assumed-role ARN
///   `arn:<partition>:sts::<account>:assumed-role/<role name>/<session name>`.
///
/// # The fake IMDS
///
/// Unscripted (or scripted with [`Answer::default_for`]), the five IMDS operations behave as
/// IMDSv2 does (SPEC §18 "F's IMDS"), under any path prefix:
///
/// - `PUT …/latest/api/token` needs `x-aws-ec2-metadata-token-ttl-seconds` of 1-21600 (else
///   400) and answers `imds-token-<n>` (n from 1, per `PUT`; [`reset`](Self::reset)
///   restarts it) as `text/plain`, the TTL echoed in the same header. Every token served in
///   a 2xx `ImdsToken` answer, scripted or not, is one the fake issued; the tokens never
///   expire and stay valid across [`reset`](Self::reset).
/// - A `GET` whose `x-aws-ec2-metadata-token` the fake did not issue is 401. A `GET` without
///   the header is served (IMDSv1) unless [`imds_require_token`](Self::imds_require_token)
///   was called; then it is 401.
/// - The listings (`…/security-credentials-extended/` and `…/security-credentials/`) answer
///   [`IMDS_ROLE`](crate::IMDS_ROLE) (`role-1`); its credentials are
///   [`DEFAULT_IMDS_CREDENTIALS_BODY`](crate::DEFAULT_IMDS_CREDENTIALS_BODY) (`ASIAIMDS`,
///   expiring 2026-03-01T18:00:00Z), with `"AccountId":"210987654321"` added on the
///   extended path only; another role is 404. All as `text/plain`, as IMDS sends them.
///
/// A script overrides any of them: "no extended path" is the two extended operations
/// scripted to 404, "no role" the listing answering 404.
///
/// # The fake container endpoint
///
/// Any other `GET` (not `…/federation/credentials`, nothing under `…/latest/`) is
/// [`Operation::ContainerCredentials`]: [`DEFAULT_CONTAINER_BODY`](crate::DEFAULT_CONTAINER_BODY)
/// (`ASIACONT`, account `111122223333`) as `application/json`, whatever the path, query or
/// `authorization` header (the request log has the header as sent).
///
/// The fake STS trusts the keys of every 2xx IMDS or container credentials answer it
/// serves too, so they can sign an `AssumeRole` (`credential_source`).
///
/// # The fake sign-in federation endpoint
///
/// `GET …/federation?Action=getSigninToken&…` is [`Operation::GetSigninToken`]: it answers
/// [`DEFAULT_SIGNIN_TOKEN_BODY`](crate::DEFAULT_SIGNIN_TOKEN_BODY) (`{"SigninToken":"st-1"}`)
/// whatever the `Session`, which the request log keeps as sent for a test to decode.
/// `GET …/federation?Action=login&…` (where a browser lands after ssokit's redirect) is
/// [`Operation::ConsoleLogin`]: a small HTML page ([`CONSOLE_PAGE`](crate::CONSOLE_PAGE)).
/// Another `Action`, or none, has no route (404). Both can be scripted like any other
/// operation.
///
/// `Debug` shows the URL only: no trusted secret or session token.
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
        let url = format!("{scheme}://127.0.0.1:{port}");
        lock(&state).url.clone_from(&url);
        Ok(Self {
            url,
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

    /// The accounts and roles `ListAccounts` and `ListAccountRoles` answer from now on
    /// (default: [`Organisation::fixture`]). Kept by [`reset`](Self::reset).
    pub fn organisation(&self, organisation: Organisation) {
        lock(&self.state).organisation = organisation;
    }

    /// The most requests the fake was answering at once so far (a scripted
    /// [`delay`](Answer::delay) included): what a caller's concurrency limit looks like
    /// from the server.
    pub fn max_in_flight(&self) -> usize {
        lock(&self.state).max_in_flight
    }

    /// Accepts `AssumeRole` requests signed with this key (and, when `session_token` is
    /// given, carrying it as `x-amz-security-token`; without one, a request carrying a token
    /// is refused). Replaces what the fake knew of `access_key_id`.
    pub fn trust_keys(
        &self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) {
        lock(&self.state)
            .sts
            .trust(access_key_id, secret_access_key, session_token);
    }

    /// From now on the fake IMDS answers a `GET` without `x-aws-ec2-metadata-token` with
    /// 401, as an instance that requires IMDSv2 does (until [`reset`](Self::reset)).
    pub fn imds_require_token(&self) {
        lock(&self.state).imds.require_token();
    }

    /// Forgets scripts, counters (the numbers of issued keys, IMDS tokens, clients and codes
    /// included: the next `AssumeRole` issues `ASIASTS1` again, the next IMDS token is
    /// `imds-token-1`, the next client `client-1`), connections, the log and
    /// [`imds_require_token`](Self::imds_require_token). Trusted keys stay trusted, issued
    /// IMDS tokens, registered clients and issued codes stay valid.
    pub fn reset(&self) {
        let mut state = lock(&self.state);
        let mut sts = std::mem::take(&mut state.sts);
        sts.restart();
        let mut imds = std::mem::take(&mut state.imds);
        imds.restart();
        let mut oidc = std::mem::take(&mut state.oidc);
        oidc.restart();
        let url = std::mem::take(&mut state.url);
        let organisation = std::mem::take(&mut state.organisation);
        *state = State {
            sts,
            imds,
            oidc,
            organisation,
            url,
            ..State::default()
        };
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
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    let operation = Operation::route(parts.method.as_str(), target, &body);
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
        let answer = match operation {
            None => Answer::json(404, r#"{"message":"fake portal: no such route"}"#)
                .header("x-amzn-ErrorType", "ResourceNotFoundException"),
            Some(op) => {
                let index = {
                    let count = state.counts.entry(op).or_insert(0);
                    *count += 1;
                    *count - 1
                };
                let chosen = match state.scripts.get(&op).filter(|s| !s.is_empty()) {
                    Some(script) => script[index.min(script.len() - 1)].clone(),
                    None => Answer::default_for(op),
                };
                let answer = if !chosen.checked {
                    chosen
                } else if op.is_imds() {
                    state.imds.answer(op, &recorded).dressed_as(&chosen)
                } else if op.is_oidc() {
                    let State { oidc, url, .. } = &mut *state;
                    oidc.answer(op, &recorded, url).dressed_as(&chosen)
                } else if op.is_listing() {
                    state.organisation.answer(op, &recorded).dressed_as(&chosen)
                } else {
                    state.sts.answer(op, &recorded).dressed_as(&chosen)
                };
                state.sts.trust_served(op, &answer);
                state.imds.note_served(op, &answer);
                state.oidc.note_served(op, &recorded, &answer);
                answer
            }
        };
        state.log.push(recorded);
        state.in_flight += 1;
        state.max_in_flight = state.max_in_flight.max(state.in_flight);
        answer
    };
    let _answering = InFlight(Arc::clone(&state));
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    respond(answer)
}

/// One request being answered (its delay included); counted off when dropped.
struct InFlight(Shared);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = lock(&self.0);
        state.in_flight = state.in_flight.saturating_sub(1);
    }
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
