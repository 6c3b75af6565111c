//! The response parsers, for the fuzz targets in `fuzz/` only.
//!
//! Compiled only under `--cfg fuzzing` (which `cargo fuzz` passes) and hidden from the docs:
//! the public API stays [`SsoClient`](crate::SsoClient). Each function is a thin wrapper
//! over what the transport and the client do with a response, without the network.

use ssokit_http::{ServiceError, is_throttling_code};

use crate::error::{Error, Operation};
use crate::model::{
    CreateTokenResponse, RegisterClientResponse, RoleCredentials, StartDeviceAuthorizationResponse,
};
use crate::wire;

/// The URL named in N-JSON errors built here.
const URL: &str = "https://fuzz.invalid/";

/// A 2xx `GetRoleCredentials` body, as the client validates it.
pub fn role_credentials(status: u16, body: &[u8]) -> Result<RoleCredentials, Error> {
    wire::parse_role_credentials(body, || Error::InvalidJson {
        operation: Operation::GetRoleCredentials,
        url: URL.to_owned(),
        status,
    })
}

/// A 2xx `CreateToken` body, as the client validates it.
pub fn create_token(status: u16, body: &[u8]) -> Result<CreateTokenResponse, Error> {
    wire::parse_create_token(body, || Error::InvalidJson {
        operation: Operation::CreateToken,
        url: URL.to_owned(),
        status,
    })
}

/// A 2xx `RegisterClient` body, as the client validates it.
pub fn register_client(status: u16, body: &[u8]) -> Result<RegisterClientResponse, Error> {
    wire::parse_register_client(body, || Error::InvalidJson {
        operation: Operation::RegisterClient,
        url: URL.to_owned(),
        status,
    })
}

/// A 2xx `StartDeviceAuthorization` body, as the client validates it.
pub fn device_authorization(
    status: u16,
    body: &[u8],
) -> Result<StartDeviceAuthorizationResponse, Error> {
    wire::parse_device_authorization(body, || Error::InvalidJson {
        operation: Operation::StartDeviceAuthorization,
        url: URL.to_owned(),
        status,
    })
}

/// The code and message of a non-2xx response (SPEC §4.4).
pub fn error_code_and_message(
    status: u16,
    reason: Option<&str>,
    error_type: Option<&str>,
    body: &[u8],
) -> (String, String) {
    wire::error_code_and_message(status, reason, error_type, body)
}

/// The service error the transport builds from a non-2xx response, after `attempts`
/// attempts, and whether the transport would retry it.
pub fn service_error(
    operation: Operation,
    status: u16,
    reason: Option<&str>,
    error_type: Option<&str>,
    body: &[u8],
    attempts: u32,
) -> (ServiceError, bool) {
    let (code, message) = wire::error_code_and_message(status, reason, error_type, body);
    let retryable = (500..600).contains(&status) || status == 429 || is_throttling_code(&code);
    let error = ServiceError::new(operation.name(), status, code, message, attempts);
    (error, retryable)
}
