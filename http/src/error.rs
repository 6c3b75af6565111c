//! Errors of one HTTP exchange (SPEC §0 N-IO, N-TIMEOUT, N-BODY, S-HTTP, P-CA, P-PROXY).
//!
//! Every error names the operation (a service client's name for the call, e.g.
//! `CreateToken`) and the URL without its query, and keeps the underlying I/O, TLS or
//! certificate error reachable through [`std::error::Error::source`].

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Renders `<n>` of the error texts: ` (after <k> attempts)` when `k > 1`, else nothing.
/// Service clients that word their own exchange errors use it too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts(pub u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " (after {} attempts)", self.0)
        } else {
            Ok(())
        }
    }
}

/// A duration in seconds as people write it: `10`, `3.1`, `0.25`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seconds(pub Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_nanos() == 0 {
            write!(f, "{}", self.0.as_secs())
        } else {
            write!(f, "{}", self.0.as_secs_f64())
        }
    }
}

/// The lower-level error behind an [`Error`] (an `io::Error`, a `rustls::Error`, a
/// certificate parse error), shared so errors stay `Clone`.
///
/// Two causes compare equal when their texts are equal, so errors stay comparable in
/// tests. Its `Display` is the cause's own text; it never holds a secret (requests'
/// headers and bodies are never part of a transport error).
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Wraps `error`.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// A cause that is only a text (for failures no library error describes).
    pub fn text(text: impl Into<String>) -> Self {
        Self(Arc::new(TextError(text.into())))
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// A failure that is only a text.
#[derive(Debug)]
struct TextError(String);

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}

/// Why an HTTP exchange failed.
///
/// Display texts are the SPEC §0 texts; no variant holds a token, key or secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-2xx status (S-HTTP).
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Connecting, sending or receiving failed (N-IO).
    #[error("{operation} request to {url} failed: {message}{}", Attempts(*attempts))]
    Io {
        /// The operation.
        operation: &'static str,
        /// Its URL, without query.
        url: String,
        /// The most useful text of the failure (e.g. `TLS handshake failed: …`).
        message: String,
        /// Attempts made.
        attempts: u32,
        /// The I/O or TLS error itself.
        #[source]
        cause: Cause,
    },
    /// No complete response within the per-attempt timeout (N-TIMEOUT).
    #[error("{operation} request to {url} failed: no response within {} s{}", Seconds(*timeout), Attempts(*attempts))]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// Its URL, without query.
        url: String,
        /// The per-attempt timeout.
        timeout: Duration,
        /// Attempts made.
        attempts: u32,
    },
    /// The response body exceeded 1 MiB (N-BODY); not retried.
    #[error("{operation} response from {url} exceeds 1 MiB")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// Its URL, without query.
        url: String,
    },
    /// The extra CA bundle could not be loaded (P-CA).
    #[error("could not load CA bundle {} (from {source_name}): {reason}", path.display())]
    CaBundle {
        /// The bundle's path.
        path: PathBuf,
        /// Where the path came from (`AWS_CA_BUNDLE`, `ca_bundle`, ...).
        source_name: String,
        /// What went wrong.
        reason: String,
        /// The read or parse error.
        #[source]
        cause: Cause,
    },
    /// The proxy variable that applies to this request is not a valid proxy URL (P-PROXY).
    #[error("invalid proxy URL in {var}: {reason}")]
    Proxy {
        /// The variable, e.g. `HTTPS_PROXY`.
        var: String,
        /// What is wrong with it.
        reason: String,
    },
    /// TLS could not be set up (the crypto provider refused the protocol versions).
    #[error("could not set up TLS: {0}")]
    TlsSetup(#[source] Cause),
}

impl Error {
    /// The service error, if the service answered with an error status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The cause text of a failed call (SPEC §4.4): `<code>: <msg><n>` for service
    /// errors, the full message otherwise (N-IO, N-TIMEOUT, ...).
    pub fn cause(&self) -> String {
        match self {
            Error::Service(e) => e.summary(),
            other => other.to_string(),
        }
    }

    /// Attempts made before giving up (1 for errors that are never retried).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Service(e) => e.attempts,
            Error::Io { attempts, .. } | Error::Timeout { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// An N-IO error for a request that could not even be built (one attempt).
    pub fn request(operation: &'static str, url: impl Into<String>, message: &str) -> Self {
        Error::Io {
            operation,
            url: url.into(),
            message: message.to_owned(),
            attempts: 1,
            cause: Cause::text(message),
        }
    }
}

/// A non-2xx answer: status, code and message as the service's wire format reads them
/// (SPEC §4.4), and the attempts made.
///
/// Display is S-HTTP: `<Op> failed: HTTP <status> <code>: <msg><n>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed: HTTP {status} {code}: {message}{}", Attempts(*attempts))]
pub struct ServiceError {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) attempts: u32,
}

impl ServiceError {
    /// The answer of `operation`: `status`, the `code` and `message` its wire format
    /// carried, after `attempts` attempts.
    pub fn new(
        operation: &'static str,
        status: u16,
        code: impl Into<String>,
        message: impl Into<String>,
        attempts: u32,
    ) -> Self {
        Self {
            operation,
            status,
            code: code.into(),
            message: message.into(),
            attempts,
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The error code (`UnauthorizedException`, `InvalidGrantException`, `UnknownError`, ...).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message (as the service's wire format reads it, else the reason phrase, else
    /// `HTTP <status>`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Attempts made, this one included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// `<code>: <msg><n>`, the cause of a failed refresh (SPEC §4.4).
    pub fn summary(&self) -> String {
        format!("{}: {}{}", self.code, self.message, Attempts(self.attempts))
    }
}

/// Codes retried whatever their status (SPEC §6): the SDKs' throttling and transient codes.
pub fn is_throttling_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "ProvisionedThroughputExceededException"
            | "RequestLimitExceeded"
            | "LimitExceededException"
            | "RequestThrottled"
            | "SlowDown"
            | "RequestTimeout"
            | "RequestTimeoutException"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str, message: &str, attempts: u32) -> ServiceError {
        ServiceError {
            operation: "GetRoleCredentials",
            status,
            code: code.into(),
            message: message.into(),
            attempts,
        }
    }

    #[test]
    fn service_error_texts() {
        let e = service(429, "TooManyRequestsException", "slow down", 3);
        assert_eq!(
            e.to_string(),
            "GetRoleCredentials failed: HTTP 429 TooManyRequestsException: slow down (after 3 attempts)"
        );
        assert_eq!(
            e.summary(),
            "TooManyRequestsException: slow down (after 3 attempts)"
        );
        assert_eq!(Error::from(e.clone()).cause(), e.summary());
    }

    #[test]
    #[allow(clippy::many_single_char_names, reason = "a table of short cases")]
    fn transport_error_texts() {
        let url = "https://portal.sso.us-east-1.amazonaws.com/federation/credentials".to_owned();
        let op = "GetRoleCredentials";
        let io = Error::Io {
            operation: op,
            url: url.clone(),
            message: "connection reset".into(),
            attempts: 3,
            cause: Cause::text("connection reset"),
        };
        assert_eq!(
            io.to_string(),
            format!(
                "GetRoleCredentials request to {url} failed: connection reset (after 3 attempts)"
            )
        );
        let t = Error::Timeout {
            operation: "CreateToken",
            url: "https://oidc/token".into(),
            timeout: Duration::from_secs(10),
            attempts: 1,
        };
        assert_eq!(
            t.to_string(),
            "CreateToken request to https://oidc/token failed: no response within 10 s"
        );
        assert_eq!(t.cause(), t.to_string());
        let t = Error::Timeout {
            operation: op,
            url: url.clone(),
            timeout: Duration::from_millis(250),
            attempts: 2,
        };
        assert_eq!(
            t.to_string(),
            format!(
                "GetRoleCredentials request to {url} failed: no response within 0.25 s (after 2 attempts)"
            )
        );
        let b = Error::BodyTooLarge {
            operation: op,
            url: url.clone(),
        };
        assert_eq!(
            b.to_string(),
            format!("GetRoleCredentials response from {url} exceeds 1 MiB")
        );
        let c = Error::CaBundle {
            path: "/x/ca.pem".into(),
            source_name: "AWS_CA_BUNDLE".into(),
            reason: "no certificates found".into(),
            cause: Cause::text("no certificates found"),
        };
        assert_eq!(
            c.to_string(),
            "could not load CA bundle /x/ca.pem (from AWS_CA_BUNDLE): no certificates found"
        );
        let p = Error::Proxy {
            var: "HTTPS_PROXY".into(),
            reason: "expected http://host:port".into(),
        };
        assert_eq!(
            p.to_string(),
            "invalid proxy URL in HTTPS_PROXY: expected http://host:port"
        );
    }

    #[test]
    fn throttling_codes() {
        assert!(is_throttling_code("SlowDown") && is_throttling_code("TooManyRequestsException"));
        assert!(
            !is_throttling_code("SlowDownException")
                && !is_throttling_code("InvalidGrantException")
        );
    }

    #[test]
    fn the_io_cause_is_the_source() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = Error::Io {
            operation: "CreateToken",
            url: "https://oidc.us-east-1.amazonaws.com/token".to_owned(),
            message: "could not connect: refused".to_owned(),
            attempts: 3,
            cause: Cause::new(io),
        };
        let cause = error.source().and_then(std::error::Error::source);
        let io = cause.and_then(|c| c.downcast_ref::<std::io::Error>());
        assert_eq!(
            io.map(std::io::Error::kind),
            Some(std::io::ErrorKind::ConnectionRefused)
        );
    }
}
