//! [`ReplayCase`]: one provider-chain case folder of the conformance data (its README §4:
//! `env.json`, `fs/`, `http-traffic.json`, `test-case.json`) set up the way SPEC §18.24 runs
//! it, for any test crate to drive its provider against:
//!
//! - `fs/` is copied into a temporary root that stands for `/`; the environment's absolute
//!   paths (`HOME=/home`, `AWS_WEB_IDENTITY_TOKEN_FILE=/token.jwt`) and the
//!   `web_identity_token_file = /…` settings of the copied files point into it (no `HOME`:
//!   no home);
//! - the recorded answers are scripted, in order and per [`Operation`] (IMDS's and the
//!   container endpoint's included), on two loopback fakes (plain http and https, the
//!   latter with its own CA), and every recorded host is
//!   pinned to the fake of its scheme: the client must be built with [`pins`](ReplayCase::pins)
//!   and [`ca_file`](ReplayCase::ca_file). Past the recording a fake drops the connection
//!   (a connection error), and a host that was not recorded is sent to a closed loopback
//!   proxy (`ALL_PROXY`, the recorded hosts in `NO_PROXY`): nothing is ever dialled;
//!   IMDS's extended credentials path, when not recorded, is answered 404 (the service
//!   without it), as SPEC §18.24 says;
//! - [`assert_requests`](ReplayCase::assert_requests) then compares what each fake received
//!   with the recording: count, method, host, path, the query as a set, and the
//!   `content-type`, `x-amz-sso_bearer_token` and `x-aws-ec2-metadata-token` headers
//!   (aws-config compares URIs and the first and last of those headers; bodies are not
//!   compared), leaving out the unrecorded requests of the extended IMDS path.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::Value;
use tempfile::TempDir;

use super::{NOW, copy_tree};
use crate::answer::Answer;
use crate::operation::Operation;
use crate::server::FakePortal;

/// IMDS's extended credentials path (SPEC §16.4), which the recordings (aws-config asks
/// the legacy path only) never hold: answered 404 when unrecorded, as an instance without
/// it does, and not compared (SPEC §18.24).
const EXTENDED: [Operation; 2] = [
    Operation::ImdsExtendedRoles,
    Operation::ImdsExtendedCredentials,
];

/// The request headers compared with the recording.
const COMPARED_HEADERS: [&str; 3] = [
    "content-type",
    "x-amz-sso_bearer_token",
    "x-aws-ec2-metadata-token",
];

/// Response headers of the recording that the fake sets itself, or that would change how
/// the connection behaves.
const DROPPED_RESPONSE_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

/// The cases aws-config runs with retries disabled (README §4).
const NO_RETRY_CASES: [&str; 1] = ["sso_server_error"];

/// The cases aws-config runs with the clock at the Unix epoch (README §4).
const EPOCH_CASES: [&str; 3] = [
    "imds_default_chain_success",
    "imds_config_with_no_creds",
    "imds_default_chain_retries",
];

/// What `test-case.json` says the provider must return.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// `{"Ok": {access_key_id, …}}` of a credentials chain.
    Credentials(ExpectedCredentials),
    /// `{"Ok": {token, expiration}}` of the token chain (`expiration` as written).
    Token {
        /// The bearer token.
        token: String,
        /// RFC 3339.
        expiration: String,
    },
    /// `{"ErrorContains": "…"}`: the provider must fail (aws-config's wording, for
    /// information).
    Error(String),
}

/// The expected credentials of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token, if any.
    pub session_token: Option<String>,
    /// The account id, if any.
    pub account_id: Option<String>,
    /// The expiry in Unix seconds, if any.
    pub expiry: Option<i64>,
}

/// One recorded request and its answer.
#[derive(Debug)]
struct Exchange {
    secure: bool,
    method: String,
    /// The URI's authority, lower case (`sts.us-east-1.amazonaws.com`).
    authority: String,
    /// The path (at least `/`) and query.
    target: String,
    /// [`COMPARED_HEADERS`]' recorded values.
    headers: Vec<(&'static str, Option<String>)>,
    body: String,
    status: u16,
    answer_headers: Vec<(String, String)>,
    answer_body: String,
}

impl Exchange {
    fn new() -> Self {
        Self {
            secure: false,
            method: String::new(),
            authority: String::new(),
            target: String::new(),
            headers: Vec::new(),
            body: String::new(),
            status: 0,
            answer_headers: Vec::new(),
            answer_body: String::new(),
        }
    }

    /// The host name to pin (no port, no brackets).
    fn host(&self) -> &str {
        let authority = self.authority.as_str();
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority,
        };
        host.trim_start_matches('[').trim_end_matches(']')
    }

    fn operation(&self) -> Option<Operation> {
        Operation::route(&self.method, &self.target, self.body.as_bytes())
    }

    fn answer(&self) -> Answer {
        self.answer_headers.iter().fold(
            Answer::raw(self.status, self.answer_body.clone()),
            |answer, (name, value)| answer.header(name, value),
        )
    }
}

/// One provider-chain case, ready to run: its temporary root, environment, expectation, and
/// the two fakes answering with its recording. Everything goes away when it is dropped.
#[derive(Debug)]
pub struct ReplayCase {
    name: String,
    root: TempDir,
    scratch: TempDir,
    env: Vec<(String, String)>,
    expected: Expected,
    exchanges: Vec<Exchange>,
    plain: FakePortal,
    secure: FakePortal,
}

impl ReplayCase {
    /// Sets up the case in folder `dir`.
    ///
    /// # Panics
    ///
    /// When a file of the case cannot be read or does not follow README §4, when the
    /// environment already sets a proxy, or when a fake cannot start.
    pub fn load(dir: &Path) -> Self {
        let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            panic!("{} has no name", dir.display());
        };
        let test_case = read_json(&dir.join("test-case.json"));
        let expected = expected(&name, &test_case["result"]);
        let root = temp_dir();
        if dir.join("fs").is_dir() {
            copy_tree(&dir.join("fs"), root.path());
            map_path_settings(root.path(), root.path());
        }
        let traffic = dir.join("http-traffic.json");
        let exchanges = if traffic.is_file() {
            exchanges(&name, &read_json(&traffic))
        } else {
            Vec::new()
        };
        let plain = FakePortal::start().unwrap_or_else(|e| panic!("{name}: http fake: {e}"));
        let secure =
            FakePortal::start_https().unwrap_or_else(|e| panic!("{name}: https fake: {e}"));
        for (fake, scheme_secure) in [(&plain, false), (&secure, true)] {
            for operation in Operation::ALL {
                let recorded: Vec<Answer> = exchanges
                    .iter()
                    .filter(|e| e.secure == scheme_secure && e.operation() == Some(operation))
                    .map(Exchange::answer)
                    .collect();
                let past = if recorded.is_empty() && EXTENDED.contains(&operation) {
                    Answer::text(404, "404 - Not Found")
                } else {
                    Answer::drop_connection()
                };
                fake.script(operation, recorded.into_iter().chain(std::iter::once(past)));
            }
        }
        let scratch = temp_dir();
        let ca = secure.ca_pem().unwrap_or_default();
        fs::write(scratch.path().join("ca.pem"), ca)
            .unwrap_or_else(|e| panic!("{name}: could not write the fakes' CA: {e}"));
        let env = environment(&name, &read_json(&dir.join("env.json")), root.path());
        let mut case = Self {
            name,
            root,
            scratch,
            env,
            expected,
            exchanges,
            plain,
            secure,
        };
        case.add_proxy_guard();
        case
    }

    /// Sends every host that was not recorded to a closed loopback proxy.
    fn add_proxy_guard(&mut self) {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap_or_else(|e| panic!("{}: no loopback port: {e}", self.name));
        let hosts: Vec<String> = self.pins().into_iter().map(|(host, _)| host).collect();
        self.env
            .push(("ALL_PROXY".to_owned(), format!("http://{closed}")));
        self.env.push(("NO_PROXY".to_owned(), hosts.join(",")));
    }

    /// The case's folder name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The temporary root that stands for `/`.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The environment: `env.json` with its absolute paths inside [`root`](Self::root),
    /// plus `ALL_PROXY` and `NO_PROXY` (the guard that keeps unrecorded hosts off the
    /// network).
    pub fn env_pairs(&self) -> &[(String, String)] {
        &self.env
    }

    /// What the provider must return.
    pub fn expected(&self) -> &Expected {
        &self.expected
    }

    /// Every recorded host and the fake that answers for it; the client must connect there.
    pub fn pins(&self) -> Vec<(String, SocketAddr)> {
        let mut pins: Vec<(String, SocketAddr)> = self
            .exchanges
            .iter()
            .map(|e| {
                let fake = if e.secure { &self.secure } else { &self.plain };
                (e.host().to_owned(), fake.addr())
            })
            .collect();
        pins.sort();
        pins.dedup();
        pins
    }

    /// The CA certificate (PEM file) of the https fake; the client must trust it.
    pub fn ca_file(&self) -> PathBuf {
        self.scratch.path().join("ca.pem")
    }

    /// Whether the recording holds a plain-http request (an endpoint override to a host
    /// that is not loopback): the provider must then allow insecure http.
    pub fn records_plain_http(&self) -> bool {
        self.exchanges.iter().any(|e| !e.secure)
    }

    /// How many attempts a request gets: one for the cases aws-config runs without retries,
    /// else `None` (the default).
    pub fn max_attempts(&self) -> Option<u32> {
        NO_RETRY_CASES.contains(&self.name.as_str()).then_some(1)
    }

    /// The clock: the Unix epoch for the cases aws-config runs at it, else [`NOW`].
    pub fn now(&self) -> Timestamp {
        if EPOCH_CASES.contains(&self.name.as_str()) {
            Timestamp::UNIX_EPOCH
        } else {
            super::ts(NOW)
        }
    }

    /// How many exchanges the recording holds.
    pub fn recorded(&self) -> usize {
        self.exchanges.len()
    }

    /// Asserts that each fake received exactly the recorded requests of its scheme, in
    /// order: method, host, path, query set and the compared headers (`content-type`, `x-amz-sso_bearer_token`, `x-aws-ec2-metadata-token`) (a case that must
    /// fail may have sent more after them, each of which failed). Requests to IMDS's
    /// extended credentials path are left out when the recording holds none.
    ///
    /// # Panics
    ///
    /// On the first difference, naming the case.
    pub fn assert_requests(&self) {
        let name = &self.name;
        for (fake, secure) in [(&self.plain, false), (&self.secure, true)] {
            let scheme = if secure { "https" } else { "http" };
            let expected: Vec<&Exchange> = self
                .exchanges
                .iter()
                .filter(|e| e.secure == secure)
                .collect();
            let received: Vec<crate::RecordedRequest> = fake
                .requests()
                .into_iter()
                .filter(|r| {
                    r.operation.is_none_or(|op| {
                        !EXTENDED.contains(&op)
                            || expected.iter().any(|e| e.operation() == Some(op))
                    })
                })
                .collect();
            let lines: Vec<String> = received
                .iter()
                .map(crate::RecordedRequest::request_line)
                .collect();
            let recorded: Vec<String> = expected
                .iter()
                .map(|e| format!("{} {}://{}{}", e.method, scheme, e.authority, e.target))
                .collect();
            // A case that must fail may go on past the recording (SPEC §18.24: such a
            // request fails as a connection error), e.g. IMDSv1 after a refused token where
            // aws-config stops; what was recorded must still come first, as recorded.
            if matches!(self.expected, Expected::Error(_)) {
                assert!(
                    received.len() >= expected.len(),
                    "{name}: {scheme} requests received: {lines:?}, recorded: {recorded:?}"
                );
            } else {
                assert_eq!(
                    received.len(),
                    expected.len(),
                    "{name}: {scheme} requests received: {lines:?}, recorded: {recorded:?}"
                );
            }
            for (request, recorded) in received.iter().zip(expected) {
                assert_eq!(request.method, recorded.method, "{name}");
                assert_eq!(
                    request
                        .header("host")
                        .map(str::to_ascii_lowercase)
                        .as_deref(),
                    Some(recorded.authority.as_str()),
                    "{name}: host"
                );
                assert_eq!(
                    path(&request.target),
                    path(&recorded.target),
                    "{name}: path"
                );
                assert_eq!(
                    query_set(&request.target),
                    query_set(&recorded.target),
                    "{name}: query"
                );
                for (header, value) in &recorded.headers {
                    assert_eq!(request.header(header), value.as_deref(), "{name}: {header}");
                }
            }
        }
    }
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("could not make a temporary folder: {e}"))
}

fn read_json(path: &Path) -> Value {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn expected(name: &str, result: &Value) -> Expected {
    if let Some(message) = result.get("ErrorContains").and_then(Value::as_str) {
        return Expected::Error(message.to_owned());
    }
    let Some(ok) = result.get("Ok") else {
        panic!("{name}: result is neither Ok nor ErrorContains: {result}");
    };
    if let (Some(token), Some(expiration)) = (text(ok, "token"), text(ok, "expiration")) {
        return Expected::Token { token, expiration };
    }
    let required =
        |key: &str| text(ok, key).unwrap_or_else(|| panic!("{name}: Ok has no {key}: {ok}"));
    Expected::Credentials(ExpectedCredentials {
        access_key_id: required("access_key_id"),
        secret_access_key: required("secret_access_key"),
        session_token: text(ok, "session_token"),
        account_id: text(ok, "account_id"),
        expiry: ok.get("expiry").and_then(Value::as_i64),
    })
}

/// `env.json` with absolute paths under `root`.
fn environment(name: &str, env: &Value, root: &Path) -> Vec<(String, String)> {
    let Some(vars) = env.as_object() else {
        panic!("{name}: env.json is not an object");
    };
    vars.iter()
        .map(|(key, value)| {
            assert!(
                !key.to_ascii_lowercase().ends_with("_proxy"),
                "{name}: env.json sets {key}, which the harness's proxy guard would replace"
            );
            let value = value
                .as_str()
                .unwrap_or_else(|| panic!("{name}: {key} is not a string"));
            // Absolute paths are files of the case's `fs/` root, but for the one variable
            // that holds a URL path (the container's relative URI).
            let value = match value.strip_prefix('/') {
                Some(rel) if key != "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" => {
                    root.join(rel).display().to_string()
                }
                _ => value.to_owned(),
            };
            (key.clone(), value)
        })
        .collect()
}

/// Rewrites `web_identity_token_file = /…` in every file under `dir` to point under `root`.
fn map_path_settings(dir: &Path, root: &Path) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("could not list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("could not list {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            map_path_settings(&path, root);
            continue;
        }
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let mut changed = false;
        let lines: Vec<String> = text
            .split_inclusive('\n')
            .map(|line| match line.split_once('=') {
                Some((key, value))
                    if key.trim().eq_ignore_ascii_case("web_identity_token_file")
                        && value.trim().starts_with('/') =>
                {
                    changed = true;
                    let rel = value.trim().trim_start_matches('/');
                    let end = if line.ends_with('\n') { "\n" } else { "" };
                    format!("{key}= {}{end}", root.join(rel).display())
                }
                _ => line.to_owned(),
            })
            .collect();
        if changed {
            fs::write(&path, lines.concat())
                .unwrap_or_else(|e| panic!("could not write {}: {e}", path.display()));
        }
    }
}

/// The recorded exchanges, by connection id.
fn exchanges(name: &str, traffic: &Value) -> Vec<Exchange> {
    let mut out: Vec<Exchange> = Vec::new();
    for event in traffic["events"].as_array().into_iter().flatten() {
        let id = event["connection_id"]
            .as_u64()
            .and_then(|id| usize::try_from(id).ok())
            .unwrap_or_else(|| panic!("{name}: an event without connection_id: {event}"));
        if out.len() <= id {
            out.resize_with(id + 1, Exchange::new);
        }
        let exchange = &mut out[id];
        let action = &event["action"];
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            let uri = request["uri"].as_str().unwrap_or_default();
            let (scheme, rest) = uri
                .split_once("://")
                .unwrap_or_else(|| panic!("{name}: {uri} has no scheme"));
            let split = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, target) = rest.split_at(split);
            exchange.secure = scheme == "https";
            request["method"]
                .as_str()
                .unwrap_or_default()
                .clone_into(&mut exchange.method);
            exchange.authority = authority.to_ascii_lowercase();
            exchange.target = if target.starts_with('/') {
                target.to_owned()
            } else {
                format!("/{target}")
            };
            exchange.headers = COMPARED_HEADERS
                .iter()
                .map(|h| (*h, first_header(&request["headers"], h)))
                .collect();
        } else if let Some(response) = action.get("Response") {
            let Some(ok) = response["response"].get("Ok") else {
                panic!("{name}: a response that is not Ok: {response}");
            };
            exchange.status = ok["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or_else(|| panic!("{name}: a response without status"));
            for (header, values) in ok["headers"].as_object().into_iter().flatten() {
                if DROPPED_RESPONSE_HEADERS
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(header))
                {
                    continue;
                }
                for value in values.as_array().into_iter().flatten() {
                    let value = value.as_str().unwrap_or_default().to_owned();
                    exchange.answer_headers.push((header.clone(), value));
                }
            }
        } else if let Some(data) = action.get("Data") {
            let Some(text) = data["data"]["Utf8"].as_str() else {
                panic!("{name}: only Utf8 data is replayed: {data}");
            };
            match data["direction"].as_str() {
                Some("Request") => exchange.body.push_str(text),
                _ => exchange.answer_body.push_str(text),
            }
        }
    }
    out
}

/// The first recorded value of header `name` (case-insensitive).
fn first_header(headers: &Value, name: &str) -> Option<String> {
    headers
        .as_object()?
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, values)| values.get(0)?.as_str().map(str::to_owned))
}

/// The path of a request target.
fn path(target: &str) -> &str {
    target.split('?').next().unwrap_or_default()
}

/// The query parameters of a request target, sorted.
fn query_set(target: &str) -> Vec<&str> {
    let mut params: Vec<&str> = target
        .split_once('?')
        .map(|(_, q)| q.split('&').filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    params.sort_unstable();
    params
}
