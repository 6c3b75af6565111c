//! Errors of the two STS operations (SPEC §14.6): the HTTP stack's (N-*, R-STS as its
//! service error), the answer's shape (R-SHAPE), and the endpoint's (R-HTTP, P-*).

use std::fmt;

use ssokit_http::{EndpointError, ServiceError};

/// The two operations this crate performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `AssumeRole` (signed).
    AssumeRole,
    /// `AssumeRoleWithWebIdentity` (unsigned).
    AssumeRoleWithWebIdentity,
}

impl Operation {
    /// The operation's name, as messages and the `Action` parameter show it.
    pub fn name(self) -> &'static str {
        match self {
            Operation::AssumeRole => "AssumeRole",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an STS call failed. No variant holds a key, token or signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The exchange failed, or STS answered with an error (R-STS:
    /// `<Op> failed: HTTP <status> <code>: <msg><n>`).
    #[error(transparent)]
    Http(#[from] ssokit_http::Error),
    /// A 2xx answer that is not a usable credentials document (R-SHAPE).
    #[error("STS returned an invalid {operation} response ({detail})")]
    InvalidResponse {
        /// The operation.
        operation: Operation,
        /// What is wrong.
        detail: ShapeDetail,
    },
    /// No usable endpoint (R-HTTP, P-REGION, P-FIPS, P-URL).
    #[error(transparent)]
    Endpoint(EndpointError),
}

impl Error {
    /// The service error, if STS answered with an error status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Http(e) => e.as_service(),
            _ => None,
        }
    }

    /// Attempts made before giving up (1 for errors that are never retried).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Http(e) => e.attempts(),
            _ => 1,
        }
    }
}

/// What is wrong with a 2xx STS answer (the R-SHAPE detail).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShapeDetail {
    /// The body is not XML (or has a DTD); the parser's reason.
    NotXml(String),
    /// No `<Op>Result` element.
    MissingResult(Operation),
    /// No `Credentials` element in the result.
    MissingCredentials,
    /// `Credentials.<field>` is absent or empty.
    MissingField(&'static str),
    /// `Credentials.Expiration` is not an RFC 3339 time.
    InvalidExpiration(String),
}

impl fmt::Display for ShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeDetail::NotXml(reason) => write!(f, "not XML: {reason}"),
            ShapeDetail::MissingResult(operation) => write!(f, "{operation}Result is missing"),
            ShapeDetail::MissingCredentials => f.write_str("Credentials is missing"),
            ShapeDetail::MissingField(field) => {
                write!(f, "Credentials.{field} is missing or empty")
            }
            ShapeDetail::InvalidExpiration(value) => {
                write!(
                    f,
                    "Credentials.Expiration \"{value}\" is not an RFC 3339 time"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        let shape = |detail| Error::InvalidResponse {
            operation: Operation::AssumeRole,
            detail,
        };
        assert_eq!(
            shape(ShapeDetail::MissingResult(Operation::AssumeRole)).to_string(),
            "STS returned an invalid AssumeRole response (AssumeRoleResult is missing)"
        );
        assert_eq!(
            shape(ShapeDetail::MissingField("SessionToken")).to_string(),
            "STS returned an invalid AssumeRole response (Credentials.SessionToken is missing or empty)"
        );
        assert_eq!(
            shape(ShapeDetail::InvalidExpiration("soon".into())).to_string(),
            "STS returned an invalid AssumeRole response (Credentials.Expiration \"soon\" is not an RFC 3339 time)"
        );
    }
}
