//! What a service client hands the stack ([`Request`]) and gets back ([`Response`], or for
//! a non-2xx answer an [`ErrorAnswer`] that the client's wire format reads).

use std::fmt;

use bytes::Bytes;
use hyper::Uri;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::pacing::Pacing;

/// A query or form value per RFC 3986, strictly: only `A-Za-z0-9-_.~` literal, every
/// other UTF-8 byte as `%XX` (upper-case hex).
pub fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// `user-agent` of every request.
pub const USER_AGENT_VALUE: &str = concat!("ssokit/", env!("CARGO_PKG_VERSION"));

/// The HTTP methods the AWS calls of ssokit use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT` (the instance metadata session token).
    Put,
}

impl Method {
    fn hyper(self) -> hyper::Method {
        match self {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
            Method::Put => hyper::Method::PUT,
        }
    }
}

/// One header: its lower-case name, its value and whether the value is a secret (a bearer
/// token, a signature): secret values are marked sensitive for hyper and never appear in
/// `Debug` or an error.
#[derive(Clone)]
struct Header {
    name: &'static str,
    value: String,
    secret: bool,
}

/// One call of a service: operation name, method, endpoint and path, query, headers, body,
/// and how the service's wire format reads an error answer.
///
/// `Debug` shows the operation, method and URL only (headers and body may hold secrets).
#[derive(Clone)]
pub struct Request {
    operation: &'static str,
    method: Method,
    url: String,
    query: String,
    host: String,
    secure: bool,
    headers: Vec<Header>,
    body: Bytes,
    read_error: fn(&ErrorAnswer<'_>) -> (String, String),
    retry_codes: &'static [&'static str],
    pacing: Option<Pacing>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Request {
    /// `method <endpoint><path>` for `operation` (its name in messages, e.g.
    /// `CreateToken`), with the `user-agent` header and no body.
    pub fn new(operation: &'static str, method: Method, endpoint: &Endpoint, path: &str) -> Self {
        Self {
            operation,
            method,
            url: endpoint.operation_url(path),
            query: String::new(),
            host: endpoint.host().to_owned(),
            secure: endpoint.is_secure(),
            headers: vec![Header {
                name: USER_AGENT.as_str(),
                value: USER_AGENT_VALUE.to_owned(),
                secret: false,
            }],
            body: Bytes::new(),
            read_error: unknown_error,
            retry_codes: &[],
            pacing: None,
        }
    }

    /// The query string, already encoded (without `?`). It is never part of a message.
    #[must_use]
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Adds a header (`name` in lower case).
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push(Header {
            name,
            value: value.into(),
            secret: false,
        });
        self
    }

    /// Adds a header whose value is a secret (a bearer token, a signature).
    #[must_use]
    pub fn secret_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push(Header {
            name,
            value: value.into(),
            secret: true,
        });
        self
    }

    /// The body, with its `content-type` and `content-length` headers.
    #[must_use]
    pub fn body(mut self, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        let body = Bytes::from(body.into());
        let length = body.len().to_string();
        self.body = body;
        self.header("content-type", content_type)
            .header("content-length", length)
    }

    /// How the service's wire format reads the code and message of a non-2xx answer
    /// (default: code `UnknownError`, the reason phrase or `HTTP <status>` as message).
    /// The code also decides retries: throttling codes are retried whatever the status.
    #[must_use]
    pub fn error_reader(mut self, read: fn(&ErrorAnswer<'_>) -> (String, String)) -> Self {
        self.read_error = read;
        self
    }

    /// Error codes of this service that are retried besides the standard throttling codes
    /// (e.g. STS's `IDPCommunicationError`).
    #[must_use]
    pub fn retry_codes(mut self, codes: &'static [&'static str]) -> Self {
        self.retry_codes = codes;
        self
    }

    /// Sends this request under `pacing`, shared with the other requests of its job: the
    /// start limit, the throttled answers' attempt budget and the shared pause (see
    /// [`Pacing`]).
    #[must_use]
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = Some(pacing);
        self
    }

    /// The operation's name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The URL without query (as messages show it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Checks the URI and headers and builds what the transport sends.
    pub(crate) fn prepare(&self) -> Result<Call, Error> {
        let full = if self.query.is_empty() {
            self.url.clone()
        } else {
            format!("{}?{}", self.url, self.query)
        };
        let uri: Uri = full.parse().map_err(|_| {
            Error::request(self.operation, &self.url, "the request URL is not valid")
        })?;
        let mut headers = Vec::with_capacity(self.headers.len());
        for header in &self.headers {
            let invalid = || {
                Error::request(
                    self.operation,
                    &self.url,
                    &format!(
                        "the {} header holds characters not allowed in an HTTP header",
                        header.name
                    ),
                )
            };
            let name = HeaderName::from_bytes(header.name.as_bytes()).map_err(|_| invalid())?;
            let mut value = HeaderValue::from_str(&header.value).map_err(|_| invalid())?;
            value.set_sensitive(header.secret);
            headers.push((name, value));
        }
        Ok(Call {
            operation: self.operation,
            method: self.method.hyper(),
            url: self.url.clone(),
            uri,
            host: self.host.clone(),
            secure: self.secure,
            headers,
            body: self.body.clone(),
            read_error: self.read_error,
            retry_codes: self.retry_codes,
            pacing: self.pacing.clone(),
        })
    }
}

/// A request ready to send: validated URI and headers (rebuilt into a hyper request for
/// every attempt).
pub(crate) struct Call {
    pub(crate) operation: &'static str,
    pub(crate) method: hyper::Method,
    /// The URL without query, for messages.
    pub(crate) url: String,
    /// The full request URI.
    pub(crate) uri: Uri,
    pub(crate) host: String,
    pub(crate) secure: bool,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
    pub(crate) read_error: fn(&ErrorAnswer<'_>) -> (String, String),
    pub(crate) retry_codes: &'static [&'static str],
    pub(crate) pacing: Option<Pacing>,
}

/// A 2xx answer: its status and body (at most 1 MiB).
#[derive(Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The first value of header `name` (any case), if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A non-2xx answer as a service's error reader sees it.
pub struct ErrorAnswer<'a> {
    pub(crate) status: u16,
    pub(crate) reason: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl ErrorAnswer<'_> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase as sent, else the status's canonical one.
    pub fn reason(&self) -> Option<&str> {
        self.reason
    }

    /// A header's value, if present and visible ASCII (`name` in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body (at most 1 MiB).
    pub fn body(&self) -> &[u8] {
        self.body
    }
}

/// The default error reader: `UnknownError`, the reason phrase or `HTTP <status>`.
fn unknown_error(answer: &ErrorAnswer<'_>) -> (String, String) {
    let message = answer
        .reason()
        .filter(|r| !r.is_empty())
        .map_or_else(|| format!("HTTP {}", answer.status()), str::to_owned);
    ("UnknownError".to_owned(), message)
}

#[cfg(test)]
mod tests {
    use super::encode_component;

    #[test]
    fn components_are_encoded_strictly() {
        assert_eq!(encode_component("Role#1;x"), "Role%231%3Bx");
        assert_eq!(
            encode_component("aZ09-_.~!*'()&="),
            "aZ09-_.~%21%2A%27%28%29%26%3D"
        );
        assert_eq!(encode_component("a:b/c\n"), "a%3Ab%2Fc%0A");
    }
}
