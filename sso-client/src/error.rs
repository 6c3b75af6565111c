//! Errors of the two operations (SPEC §0 N-*, S-SHAPE, S-HTTP, P-CA, P-PROXY; §4.4).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The two operations this crate performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// SSO portal `GetRoleCredentials`.
    GetRoleCredentials,
    /// SSO-OIDC `CreateToken`.
    CreateToken,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::GetRoleCredentials => "GetRoleCredentials",
            Operation::CreateToken => "CreateToken",
        })
    }
}

/// Renders `<n>`: ` (after <k> attempts)` when `k > 1`, else nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Attempts(pub(crate) u32);

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
pub(crate) struct Seconds(pub(crate) Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_nanos() == 0 {
            write!(f, "{}", self.0.as_secs())
        } else {
            write!(f, "{}", self.0.as_secs_f64())
        }
    }
}

/// Why an operation failed.
///
/// Display texts are the SPEC §0 texts; no variant holds a token, key or secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-2xx status (S-HTTP for `GetRoleCredentials`).
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Connecting, sending or receiving failed (N-IO).
    #[error("{operation} request to {url} failed: {message}{}", Attempts(*attempts))]
    Io {
        /// The operation.
        operation: Operation,
        /// Its URL, without query.
        url: String,
        /// The I/O error, as text.
        message: String,
        /// Attempts made.
        attempts: u32,
    },
    /// No complete response within the per-attempt timeout (N-TIMEOUT).
    #[error("{operation} request to {url} failed: no response within {} s{}", Seconds(*timeout), Attempts(*attempts))]
    Timeout {
        /// The operation.
        operation: Operation,
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
        operation: Operation,
        /// Its URL, without query.
        url: String,
    },
    /// A 2xx response body that is not JSON (N-JSON); not retried.
    #[error("{operation} response from {url} is not valid JSON (HTTP {status})")]
    InvalidJson {
        /// The operation.
        operation: Operation,
        /// Its URL, without query.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// A 2xx `GetRoleCredentials` response without usable credentials (S-SHAPE).
    #[error("SSO returns an invalid temporary credential. ({0})")]
    InvalidCredentials(ShapeDetail),
    /// A 2xx `CreateToken` response without a usable token.
    #[error("{0}")]
    InvalidToken(TokenShapeDetail),
    /// The extra CA bundle could not be loaded (P-CA).
    #[error("could not load CA bundle {} (from {source_name}): {reason}", path.display())]
    CaBundle {
        /// The bundle's path.
        path: PathBuf,
        /// Where the path came from (`AWS_CA_BUNDLE`, `ca_bundle`, ...).
        source_name: String,
        /// What went wrong.
        reason: String,
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
    TlsSetup(String),
}

impl Error {
    /// The service error, if the service answered with an error status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The cause text of a failed refresh (SPEC §4.4): `<code>: <msg><n>` for service
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
}

/// What is wrong with a `GetRoleCredentials` response (the S-SHAPE detail).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShapeDetail {
    /// The body is JSON but not an object.
    NotAnObject,
    /// `roleCredentials` is absent, `null` or not an object (also for an empty body).
    MissingRoleCredentials,
    /// `roleCredentials.<field>` is absent, not a string or empty.
    MissingField(&'static str),
    /// `roleCredentials.expiration` is not a positive integer (or string of digits).
    InvalidExpiration,
}

impl fmt::Display for ShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeDetail::NotAnObject => f.write_str("response is not a JSON object"),
            ShapeDetail::MissingRoleCredentials => f.write_str("roleCredentials is missing"),
            ShapeDetail::MissingField(field) => {
                write!(f, "roleCredentials.{field} is missing or empty")
            }
            ShapeDetail::InvalidExpiration => {
                f.write_str("roleCredentials.expiration is not a positive integer")
            }
        }
    }
}

/// What is wrong with a `CreateToken` response.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenShapeDetail {
    /// No non-empty `accessToken` string.
    MissingAccessToken,
    /// No `expiresIn` integer > 0.
    MissingExpiresIn,
}

impl fmt::Display for TokenShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenShapeDetail::MissingAccessToken => "CreateToken response lacks accessToken",
            TokenShapeDetail::MissingExpiresIn => "CreateToken response lacks a positive expiresIn",
        })
    }
}

/// The modeled error codes of both services (SPEC §4.2, §4.3), plus `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// `InvalidRequestException` (400).
    InvalidRequest,
    /// `UnauthorizedException` (401, portal).
    Unauthorized,
    /// `ForbiddenException` (403, portal).
    Forbidden,
    /// `ResourceNotFoundException` (404, portal).
    ResourceNotFound,
    /// `TooManyRequestsException` (429, portal).
    TooManyRequests,
    /// `InvalidGrantException` (400, OIDC).
    InvalidGrant,
    /// `UnauthorizedClientException` (400, OIDC).
    UnauthorizedClient,
    /// `UnsupportedGrantTypeException` (400, OIDC).
    UnsupportedGrantType,
    /// `InvalidScopeException` (400, OIDC).
    InvalidScope,
    /// `AuthorizationPendingException` (400, OIDC).
    AuthorizationPending,
    /// `SlowDownException` (400, OIDC).
    SlowDown,
    /// `AccessDeniedException` (400, OIDC).
    AccessDenied,
    /// `ExpiredTokenException` (400, OIDC).
    ExpiredToken,
    /// `InvalidClientException` (401, OIDC).
    InvalidClient,
    /// `InternalServerException` (500, OIDC).
    InternalServer,
    /// Any other code, including `UnknownError`.
    Other,
}

impl ServiceErrorKind {
    /// The kind of a code such as `InvalidGrantException`.
    pub fn from_code(code: &str) -> Self {
        match code {
            "InvalidRequestException" => Self::InvalidRequest,
            "UnauthorizedException" => Self::Unauthorized,
            "ForbiddenException" => Self::Forbidden,
            "ResourceNotFoundException" => Self::ResourceNotFound,
            "TooManyRequestsException" => Self::TooManyRequests,
            "InvalidGrantException" => Self::InvalidGrant,
            "UnauthorizedClientException" => Self::UnauthorizedClient,
            "UnsupportedGrantTypeException" => Self::UnsupportedGrantType,
            "InvalidScopeException" => Self::InvalidScope,
            "AuthorizationPendingException" => Self::AuthorizationPending,
            "SlowDownException" => Self::SlowDown,
            "AccessDeniedException" => Self::AccessDenied,
            "ExpiredTokenException" => Self::ExpiredToken,
            "InvalidClientException" => Self::InvalidClient,
            "InternalServerException" => Self::InternalServer,
            _ => Self::Other,
        }
    }
}

/// A non-2xx answer: status, code and message per SPEC §4.4, and the attempts made.
///
/// Display is S-HTTP: `<Op> failed: HTTP <status> <code>: <msg><n>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed: HTTP {status} {code}: {message}{}", Attempts(*attempts))]
pub struct ServiceError {
    pub(crate) operation: Operation,
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) attempts: u32,
}

impl ServiceError {
    /// The operation that failed.
    pub fn operation(&self) -> Operation {
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

    /// The modeled kind of [`code`](Self::code).
    pub fn kind(&self) -> ServiceErrorKind {
        ServiceErrorKind::from_code(&self.code)
    }

    /// The message (body `message`/`Message`/`error_description`, else the reason phrase,
    /// else `HTTP <status>`).
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

    /// The SPEC §8.6 message for a failed `GetRoleCredentials` of `role` in `account`:
    /// S-401 (401 or `UnauthorizedException`), S-403 (403), S-404 (404), else S-HTTP.
    pub fn role_credentials_message(&self, role: &str, account: &str) -> String {
        let (code, msg) = (&self.code, &self.message);
        if self.status == 401 || self.kind() == ServiceErrorKind::Unauthorized {
            format!(
                "The SSO session associated with this profile has expired or is otherwise invalid ({code}: {msg}). To refresh this SSO session run aws sso login with the corresponding profile."
            )
        } else if self.status == 403 {
            format!("No access to role {role} in account {account} ({code}: {msg})")
        } else if self.status == 404 {
            format!("Role {role} in account {account} was not found ({code}: {msg})")
        } else {
            self.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str, message: &str, attempts: u32) -> ServiceError {
        ServiceError {
            operation: Operation::GetRoleCredentials,
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
        assert_eq!(e.kind(), ServiceErrorKind::TooManyRequests);
        assert_eq!(Error::from(e.clone()).cause(), e.summary());
        let e = service(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
            1,
        );
        assert_eq!(
            e.role_credentials_message("LegacyRole", "111122223333"),
            "The SSO session associated with this profile has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). To refresh this SSO session run aws sso login with the corresponding profile."
        );
        let e = service(403, "ForbiddenException", "No access", 1);
        assert_eq!(
            e.role_credentials_message("LegacyRole", "111122223333"),
            "No access to role LegacyRole in account 111122223333 (ForbiddenException: No access)"
        );
        let e = service(404, "UnknownError", "Not Found", 1);
        assert_eq!(
            e.role_credentials_message("LegacyRole", "111122223333"),
            "Role LegacyRole in account 111122223333 was not found (UnknownError: Not Found)"
        );
        let e = service(500, "UnknownError", "Internal Server Error", 2);
        assert_eq!(
            e.role_credentials_message("r", "a"),
            "GetRoleCredentials failed: HTTP 500 UnknownError: Internal Server Error (after 2 attempts)"
        );
    }

    #[test]
    #[allow(clippy::many_single_char_names, reason = "a table of short cases")]
    fn transport_error_texts() {
        let url = "https://portal.sso.us-east-1.amazonaws.com/federation/credentials".to_owned();
        let op = Operation::GetRoleCredentials;
        let io = Error::Io {
            operation: op,
            url: url.clone(),
            message: "connection reset".into(),
            attempts: 3,
        };
        assert_eq!(
            io.to_string(),
            format!(
                "GetRoleCredentials request to {url} failed: connection reset (after 3 attempts)"
            )
        );
        let t = Error::Timeout {
            operation: Operation::CreateToken,
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
        let j = Error::InvalidJson {
            operation: op,
            url: url.clone(),
            status: 200,
        };
        assert_eq!(
            j.to_string(),
            format!("GetRoleCredentials response from {url} is not valid JSON (HTTP 200)")
        );
        let s = Error::InvalidCredentials(ShapeDetail::MissingField("sessionToken"));
        assert_eq!(
            s.to_string(),
            "SSO returns an invalid temporary credential. (roleCredentials.sessionToken is missing or empty)"
        );
        let s = Error::InvalidCredentials(ShapeDetail::InvalidExpiration);
        assert_eq!(
            s.to_string(),
            "SSO returns an invalid temporary credential. (roleCredentials.expiration is not a positive integer)"
        );
        let c = Error::CaBundle {
            path: "/x/ca.pem".into(),
            source_name: "AWS_CA_BUNDLE".into(),
            reason: "no certificates found".into(),
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
        assert_eq!(
            Error::InvalidToken(TokenShapeDetail::MissingExpiresIn).to_string(),
            "CreateToken response lacks a positive expiresIn"
        );
    }
}
