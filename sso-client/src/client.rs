//! [`SsoClient`]: the two operations over one pooled client.

use std::fmt;

use ssokit_http::{Endpoint, HttpClient, HttpSettings, Method, Request};

use crate::error::{Error, Operation};
use crate::model::{
    CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RoleCredentials,
};
use crate::wire;

/// The header that carries the bearer token to the portal.
const BEARER_HEADER: &str = "x-amz-sso_bearer_token";

/// A client for `GetRoleCredentials` and `CreateToken`, sharing one pool of keep-alive
/// connections. Cheap to clone (the pool is behind an `Arc`); build one per chain.
///
/// Needs a Tokio runtime (with the time driver) when a request is sent; construction does
/// no I/O.
#[derive(Clone)]
pub struct SsoClient {
    http: HttpClient,
}

impl fmt::Debug for SsoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoClient").finish_non_exhaustive()
    }
}

impl Default for SsoClient {
    fn default() -> Self {
        Self::new(HttpSettings::default())
    }
}

impl SsoClient {
    /// A client with these settings. No I/O: the CA bundle is read at the first https
    /// request.
    pub fn new(settings: HttpSettings) -> Self {
        Self::with_http(HttpClient::new(settings))
    }

    /// A client over an existing HTTP client (sharing its pool with other service
    /// clients).
    pub fn with_http(http: HttpClient) -> Self {
        Self { http }
    }

    /// The HTTP client underneath.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// `GET <endpoint>/federation/credentials?account_id=…&role_name=…` with the bearer
    /// token in `x-amz-sso_bearer_token`; validates the answer (SPEC §4.2).
    pub async fn get_role_credentials(
        &self,
        endpoint: &Endpoint,
        request: &GetRoleCredentialsRequest,
    ) -> Result<RoleCredentials, Error> {
        let operation = Operation::GetRoleCredentials;
        let query = wire::role_credentials_query(&request.account_id, &request.role_name);
        let request = Request::new(
            operation.name(),
            Method::Get,
            endpoint,
            "/federation/credentials",
        )
        .query(query)
        .secret_header(BEARER_HEADER, request.access_token.as_str())
        .error_reader(wire::read_error);
        let response = self.http.send(&request).await?;
        wire::parse_role_credentials(response.body(), || Error::InvalidJson {
            operation,
            url: request.url().to_owned(),
            status: response.status(),
        })
    }

    /// `POST <endpoint>/token` with a refresh-token grant; validates the answer (SPEC §4.3).
    pub async fn create_token(
        &self,
        endpoint: &Endpoint,
        request: &CreateTokenRequest,
    ) -> Result<CreateTokenResponse, Error> {
        let operation = Operation::CreateToken;
        let request = Request::new(operation.name(), Method::Post, endpoint, "/token")
            .body("application/json", wire::create_token_body(request))
            .error_reader(wire::read_error);
        let response = self.http.send(&request).await?;
        wire::parse_create_token(response.body(), || Error::InvalidJson {
            operation,
            url: request.url().to_owned(),
            status: response.status(),
        })
    }
}
