//! Errors of the operations: the HTTP stack's (N-*, S-HTTP, L-OIDC, O-CALL, P-CA, P-PROXY),
//! and the SSO answers' own (N-JSON, S-SHAPE, L-SHAPE); the SSO reading of service errors
//! (§4.4, §8.6).

use std::fmt;

use ssokit_http::ServiceError;

/// The operations this crate performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// SSO portal `GetRoleCredentials`.
    GetRoleCredentials,
    /// SSO-OIDC `CreateToken`.
    CreateToken,
    /// SSO-OIDC `RegisterClient`.
    RegisterClient,
    /// SSO-OIDC `StartDeviceAuthorization`.
    StartDeviceAuthorization,
    /// SSO portal `Logout`.
    Logout,
    /// SSO portal `ListAccounts`.
    ListAccounts,
    /// SSO portal `ListAccountRoles`.
    ListAccountRoles,
}

impl Operation {
    /// The operation's name, as messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetRoleCredentials => "GetRoleCredentials",
            Operation::CreateToken => "CreateToken",
            Operation::RegisterClient => "RegisterClient",
            Operation::StartDeviceAuthorization => "StartDeviceAuthorization",
            Operation::Logout => "Logout",
            Operation::ListAccounts => "ListAccounts",
            Operation::ListAccountRoles => "ListAccountRoles",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an operation failed.
///
/// Display texts are the SPEC §0 and §19.11 texts; no variant holds a token, key, client
/// secret, code or code verifier.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP exchange failed, or the service answered with a non-2xx status (N-IO,
    /// N-TIMEOUT, N-BODY, S-HTTP, P-CA, P-PROXY).
    #[error(transparent)]
    Http(#[from] ssokit_http::Error),
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
    /// A 2xx `CreateToken` response without a usable token (L-SHAPE for a login).
    #[error("{0}")]
    InvalidToken(TokenShapeDetail),
    /// A 2xx `RegisterClient` response without a usable client (L-SHAPE).
    #[error("{0}")]
    InvalidRegistration(RegistrationShapeDetail),
    /// A 2xx `StartDeviceAuthorization` response without a usable device code (L-SHAPE).
    #[error("{0}")]
    InvalidDeviceAuthorization(DeviceAuthorizationShapeDetail),
    /// A 2xx `ListAccounts` or `ListAccountRoles` response that is not a valid page
    /// (A-SHAPE).
    #[error("{operation} response is not valid: {detail}")]
    InvalidListing {
        /// The operation.
        operation: Operation,
        /// What is wrong.
        detail: ListingShapeDetail,
    },
    /// A listing whose `nextToken` repeated, or that went past 1,000 pages (A-LOOP).
    #[error("{0} kept returning more pages (nextToken repeated or over 1000 pages); stopping")]
    PageLoop(Operation),
}

impl Error {
    /// The service error, if the service answered with an error status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Http(e) => e.as_service(),
            _ => None,
        }
    }

    /// The kind of the service error, if the service answered with an error status: what
    /// a device code login's poll loop goes by (`AuthorizationPending`: poll again;
    /// `SlowDown`: poll again, 5 s slower; `ExpiredToken`, `AccessDenied`: stop).
    pub fn service_kind(&self) -> Option<ServiceErrorKind> {
        self.as_service().map(ServiceErrorKind::of)
    }

    /// The cause text of a failed refresh (SPEC §4.4): `<code>: <msg><n>` for service
    /// errors, the full message otherwise (N-IO, N-TIMEOUT, ...).
    pub fn cause(&self) -> String {
        match self {
            Error::Http(e) => e.cause(),
            other => other.to_string(),
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

/// What is wrong with a `RegisterClient` response (an L-SHAPE text).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationShapeDetail {
    /// No non-empty `clientId` string.
    MissingClientId,
    /// No non-empty `clientSecret` string.
    MissingClientSecret,
    /// No integer `clientSecretExpiresAt` > 0 (or one beyond what a clock can hold).
    MissingExpiresAt,
}

impl fmt::Display for RegistrationShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RegistrationShapeDetail::MissingClientId => "RegisterClient response lacks clientId",
            RegistrationShapeDetail::MissingClientSecret => {
                "RegisterClient response lacks clientSecret"
            }
            RegistrationShapeDetail::MissingExpiresAt => {
                "RegisterClient response lacks a positive clientSecretExpiresAt"
            }
        })
    }
}

/// What is wrong with a `StartDeviceAuthorization` response (an L-SHAPE text).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceAuthorizationShapeDetail {
    /// No non-empty `deviceCode` string.
    MissingDeviceCode,
    /// No non-empty `userCode` string.
    MissingUserCode,
    /// No non-empty `verificationUri` string.
    MissingVerificationUri,
}

impl fmt::Display for DeviceAuthorizationShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeviceAuthorizationShapeDetail::MissingDeviceCode => {
                "StartDeviceAuthorization response lacks deviceCode"
            }
            DeviceAuthorizationShapeDetail::MissingUserCode => {
                "StartDeviceAuthorization response lacks userCode"
            }
            DeviceAuthorizationShapeDetail::MissingVerificationUri => {
                "StartDeviceAuthorization response lacks verificationUri"
            }
        })
    }
}

/// What is wrong with a `ListAccounts` or `ListAccountRoles` page (the A-SHAPE detail).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListingShapeDetail {
    /// The body is JSON but not an object.
    NotAnObject,
    /// `accountList` / `roleList` is present but not an array (nor `null`).
    NotAnArray(&'static str),
    /// `<list>[<index>].<name>` (`accountId`, `roleName`) is absent, not a string or empty.
    MissingMember {
        /// `accountList` or `roleList`.
        list: &'static str,
        /// The item's index (from 0).
        index: usize,
        /// The member.
        name: &'static str,
    },
    /// An optional member (`accountName`, `emailAddress`, a role's `accountId`) is present
    /// but neither a string nor `null`.
    MemberNotAString {
        /// `accountList` or `roleList`.
        list: &'static str,
        /// The item's index (from 0).
        index: usize,
        /// The member.
        name: &'static str,
    },
    /// `nextToken` is present but neither a string nor `null`.
    NextTokenNotAString,
}

impl fmt::Display for ListingShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListingShapeDetail::NotAnObject => f.write_str("response is not a JSON object"),
            ListingShapeDetail::NotAnArray(list) => write!(f, "{list} is not an array"),
            ListingShapeDetail::MissingMember { list, index, name } => {
                write!(f, "{list}[{index}].{name} is missing or empty")
            }
            ListingShapeDetail::MemberNotAString { list, index, name } => {
                write!(f, "{list}[{index}].{name} is not a string")
            }
            ListingShapeDetail::NextTokenNotAString => f.write_str("nextToken is not a string"),
        }
    }
}

/// The modeled error codes of both services (SPEC §4.2, §4.3, and `RegisterClient`'s and
/// `StartDeviceAuthorization`'s), plus `Other`.
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
    /// `InvalidClientMetadataException` (400, OIDC `RegisterClient`).
    InvalidClientMetadata,
    /// `InvalidRedirectUriException` (400, OIDC `RegisterClient`).
    InvalidRedirectUri,
    /// Any other code, including `UnknownError`.
    Other,
}

impl ServiceErrorKind {
    /// The kind of a service error's code.
    pub fn of(error: &ServiceError) -> Self {
        Self::from_code(error.code())
    }

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
            "InvalidClientMetadataException" => Self::InvalidClientMetadata,
            "InvalidRedirectUriException" => Self::InvalidRedirectUri,
            _ => Self::Other,
        }
    }
}

/// The SPEC §8.6 message for a failed `GetRoleCredentials` of `role` in `account`:
/// S-401 (401 or `UnauthorizedException`), S-403 (403), S-404 (404), else S-HTTP.
pub fn role_credentials_message(error: &ServiceError, role: &str, account: &str) -> String {
    let (code, msg) = (error.code(), error.message());
    let status = error.status();
    if status == 401 || ServiceErrorKind::of(error) == ServiceErrorKind::Unauthorized {
        format!(
            "The SSO session associated with this profile has expired or is otherwise invalid ({code}: {msg}). To refresh this SSO session run aws sso login with the corresponding profile."
        )
    } else if status == 403 {
        format!("No access to role {role} in account {account} ({code}: {msg})")
    } else if status == 404 {
        format!("Role {role} in account {account} was not found ({code}: {msg})")
    } else {
        error.to_string()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str, message: &str, attempts: u32) -> ServiceError {
        ServiceError::new("GetRoleCredentials", status, code, message, attempts)
    }

    #[test]
    fn service_error_texts() {
        let e = service(429, "TooManyRequestsException", "slow down", 3);
        assert_eq!(ServiceErrorKind::of(&e), ServiceErrorKind::TooManyRequests);
        let e = service(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
            1,
        );
        assert_eq!(
            role_credentials_message(&e, "LegacyRole", "111122223333"),
            "The SSO session associated with this profile has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). To refresh this SSO session run aws sso login with the corresponding profile."
        );
        let e = service(403, "ForbiddenException", "No access", 1);
        assert_eq!(
            role_credentials_message(&e, "LegacyRole", "111122223333"),
            "No access to role LegacyRole in account 111122223333 (ForbiddenException: No access)"
        );
        let e = service(404, "UnknownError", "Not Found", 1);
        assert_eq!(
            role_credentials_message(&e, "LegacyRole", "111122223333"),
            "Role LegacyRole in account 111122223333 was not found (UnknownError: Not Found)"
        );
        let e = service(500, "UnknownError", "Internal Server Error", 2);
        assert_eq!(
            role_credentials_message(&e, "r", "a"),
            "GetRoleCredentials failed: HTTP 500 UnknownError: Internal Server Error (after 2 attempts)"
        );
    }

    #[test]
    fn answer_error_texts() {
        let url = "https://portal.sso.us-east-1.amazonaws.com/federation/credentials".to_owned();
        let j = Error::InvalidJson {
            operation: Operation::GetRoleCredentials,
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
        assert_eq!(
            Error::InvalidToken(TokenShapeDetail::MissingExpiresIn).to_string(),
            "CreateToken response lacks a positive expiresIn"
        );
    }

    #[test]
    fn login_texts_and_kinds() {
        let texts: Vec<String> = [
            Error::InvalidRegistration(RegistrationShapeDetail::MissingClientId),
            Error::InvalidRegistration(RegistrationShapeDetail::MissingClientSecret),
            Error::InvalidRegistration(RegistrationShapeDetail::MissingExpiresAt),
            Error::InvalidDeviceAuthorization(DeviceAuthorizationShapeDetail::MissingDeviceCode),
            Error::InvalidDeviceAuthorization(DeviceAuthorizationShapeDetail::MissingUserCode),
            Error::InvalidDeviceAuthorization(
                DeviceAuthorizationShapeDetail::MissingVerificationUri,
            ),
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            texts,
            [
                "RegisterClient response lacks clientId",
                "RegisterClient response lacks clientSecret",
                "RegisterClient response lacks a positive clientSecretExpiresAt",
                "StartDeviceAuthorization response lacks deviceCode",
                "StartDeviceAuthorization response lacks userCode",
                "StartDeviceAuthorization response lacks verificationUri",
            ]
        );
        let names: Vec<&str> = [
            Operation::RegisterClient,
            Operation::StartDeviceAuthorization,
            Operation::Logout,
        ]
        .iter()
        .map(|op| op.name())
        .collect();
        assert_eq!(
            names,
            ["RegisterClient", "StartDeviceAuthorization", "Logout"]
        );
        let pending = Error::Http(ssokit_http::Error::Service(ServiceError::new(
            "CreateToken",
            400,
            "AuthorizationPendingException",
            "m",
            1,
        )));
        assert_eq!(
            pending.service_kind(),
            Some(ServiceErrorKind::AuthorizationPending)
        );
        assert_eq!(
            Error::InvalidToken(TokenShapeDetail::MissingAccessToken).service_kind(),
            None
        );
        for (code, kind) in [
            (
                "InvalidClientMetadataException",
                ServiceErrorKind::InvalidClientMetadata,
            ),
            (
                "InvalidRedirectUriException",
                ServiceErrorKind::InvalidRedirectUri,
            ),
            ("SlowDownException", ServiceErrorKind::SlowDown),
            ("SlowDown", ServiceErrorKind::Other),
        ] {
            assert_eq!(ServiceErrorKind::from_code(code), kind, "{code}");
        }
    }
}
