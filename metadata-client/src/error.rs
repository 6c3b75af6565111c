//! The errors of the two endpoints (SPEC §16.6), with their whole texts. No variant holds a
//! key, a session token or an authorization token.

use ssokit_http::{Attempts, ErrorAnswer, Seconds};

use crate::credentials::ShapeDetail;

/// Why the container endpoint gave no credentials (C-URL, C-HOST, C-TOKEN, C-HTTP,
/// C-SHAPE).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContainerError {
    /// C-URL.
    #[error("invalid container credentials URL \"{value}\" from {var}: {reason}")]
    Url {
        /// The variable's value.
        value: String,
        /// The variable.
        var: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// C-HOST: plain http to a host that is not allowed.
    #[error("{message}")]
    Host {
        /// The whole text.
        message: String,
    },
    /// C-TOKEN: the authorization token cannot be used (its text says why; never the
    /// token).
    #[error("{0}")]
    Token(String),
    /// C-HTTP: the exchange failed or the endpoint answered with an error.
    #[error("container credentials request to {url} failed: {detail}")]
    Http {
        /// The URL without its query.
        url: String,
        /// `HTTP <status> <code>: <msg><n>`, `<io error><n>`, `no response within 5 s<n>`.
        detail: String,
        /// The stack's error.
        #[source]
        cause: Box<ssokit_http::Error>,
    },
    /// C-SHAPE.
    #[error("invalid container credentials from {url} ({detail})")]
    Shape {
        /// The URL without its query.
        url: String,
        /// What is wrong.
        detail: ShapeDetail,
    },
}

impl ContainerError {
    pub(crate) fn http(url: &str, error: ssokit_http::Error) -> Self {
        if let ssokit_http::Error::BodyTooLarge { .. } = error {
            return ContainerError::Shape {
                url: url.to_owned(),
                detail: ShapeDetail::TooLarge,
            };
        }
        let detail = match &error {
            ssokit_http::Error::Service(service) => format!(
                "HTTP {} {}: {}{}",
                service.status(),
                service.code(),
                service.message(),
                Attempts(service.attempts())
            ),
            other => exchange_detail(other),
        };
        ContainerError::Http {
            url: url.to_owned(),
            detail,
            cause: Box::new(error),
        }
    }

    /// Whether this is a problem of the exchange (C-HTTP), rather than of the setup or the
    /// answer.
    pub fn is_http(&self) -> bool {
        matches!(self, ContainerError::Http { .. })
    }
}

/// Why the instance metadata service gave no credentials (I-*).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImdsError {
    /// I-ENDPOINT: the endpoint or its mode is invalid.
    #[error("{0}")]
    Endpoint(String),
    /// I-UNREACH: the load's first request got no connection or no answer within 1 s.
    #[error("no instance metadata service at {endpoint}: {detail}")]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// `<io error>` or `no response within 1 s`.
        detail: String,
        /// The stack's error.
        #[source]
        cause: Box<ssokit_http::Error>,
    },
    /// I-NOROLE.
    #[error(
        "the instance metadata service at {endpoint} lists no IAM role (no instance profile attached)"
    )]
    NoRole {
        /// The endpoint.
        endpoint: String,
    },
    /// I-V1OFF: no token, and IMDSv1 is not allowed.
    #[error(
        "the IMDSv2 token request to {endpoint} returned HTTP {status} and the IMDSv1 fallback is disabled by {source_name}"
    )]
    V1Disabled {
        /// The endpoint.
        endpoint: String,
        /// The token request's status (403, 404, 405).
        status: u16,
        /// The setting that disables IMDSv1.
        source_name: String,
    },
    /// I-HTTP.
    #[error("instance metadata request {method} {path} to {endpoint} failed: {detail}")]
    Http {
        /// `PUT` or `GET`.
        method: &'static str,
        /// The request's path.
        path: String,
        /// The endpoint.
        endpoint: String,
        /// `HTTP <status><n>`, `<io error><n>`, `no response within 1 s<n>`.
        detail: String,
    },
    /// I-TOKEN.
    #[error("the IMDSv2 token from {endpoint} is invalid ({detail})")]
    Token {
        /// The endpoint.
        endpoint: String,
        /// `empty`, `longer than 4096 bytes`, `characters outside 0x21-0x7E`.
        detail: &'static str,
    },
    /// I-SHAPE.
    #[error("invalid instance metadata credentials for role {role} ({detail})")]
    Shape {
        /// The role.
        role: String,
        /// What is wrong.
        detail: ShapeDetail,
    },
}

impl ImdsError {
    /// Whether a default chain moves on (I-UNREACH, I-NOROLE: this is not an instance with
    /// a role) rather than stopping.
    pub fn is_absence(&self) -> bool {
        matches!(
            self,
            ImdsError::Unreachable { .. } | ImdsError::NoRole { .. }
        )
    }
}

/// The part of an exchange error after `failed: `: the I/O error or the timeout, with the
/// attempts; for an error answer, its status.
pub(crate) fn exchange_detail(error: &ssokit_http::Error) -> String {
    match error {
        ssokit_http::Error::Service(service) => {
            format!("HTTP {}{}", service.status(), Attempts(service.attempts()))
        }
        ssokit_http::Error::Io {
            message, attempts, ..
        } => format!("{message}{}", Attempts(*attempts)),
        ssokit_http::Error::Timeout {
            timeout, attempts, ..
        } => format!(
            "no response within {} s{}",
            Seconds(*timeout),
            Attempts(*attempts)
        ),
        ssokit_http::Error::BodyTooLarge { .. } => "the answer is larger than 1 MiB".to_owned(),
        other => other.to_string(),
    }
}

/// The container endpoint's error answer: the JSON body's `Code` and `Message`, else
/// `UnknownError` and the reason phrase (or `HTTP <status>`).
pub(crate) fn read_json_error(answer: &ErrorAnswer<'_>) -> (String, String) {
    let value: Option<serde_json::Value> = serde_json::from_slice(answer.body()).ok();
    let member = |name: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let code = member("Code").unwrap_or_else(|| "UnknownError".to_owned());
    let message = member("Message").unwrap_or_else(|| {
        answer
            .reason()
            .filter(|r| !r.is_empty())
            .map_or_else(|| format!("HTTP {}", answer.status()), str::to_owned)
    });
    (code, message)
}
