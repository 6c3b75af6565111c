//! [`SsoClient`]: the two operations over one pooled client.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};

use crate::endpoint::Endpoint;
use crate::error::{Error, Operation};
use crate::model::{
    CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RoleCredentials,
};
use crate::settings::HttpSettings;
use crate::transport::{Call, Transport};
use crate::wire;

/// `user-agent` of every request.
pub const USER_AGENT_VALUE: &str = concat!("ssokit/", env!("CARGO_PKG_VERSION"));

const BEARER_HEADER: HeaderName = HeaderName::from_static("x-amz-sso_bearer_token");

/// A client for `GetRoleCredentials` and `CreateToken`, sharing one pool of keep-alive
/// connections. Cheap to clone (the pool is behind an `Arc`); build one per chain.
///
/// Needs a Tokio runtime (with the time driver) when a request is sent; construction does
/// no I/O.
#[derive(Clone)]
pub struct SsoClient {
    transport: Arc<Transport>,
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
        Self {
            transport: Arc::new(Transport::new(settings)),
        }
    }

    /// `GET <endpoint>/federation/credentials?account_id=…&role_name=…` with the bearer
    /// token in `x-amz-sso_bearer_token`; validates the answer (SPEC §4.2).
    pub async fn get_role_credentials(
        &self,
        endpoint: &Endpoint,
        request: &GetRoleCredentialsRequest,
    ) -> Result<RoleCredentials, Error> {
        let operation = Operation::GetRoleCredentials;
        let url = endpoint.operation_url("/federation/credentials");
        let query = wire::role_credentials_query(&request.account_id, &request.role_name);
        let token = HeaderValue::from_str(&request.access_token).map_err(|_| Error::Io {
            operation,
            url: url.clone(),
            message: "the access token contains characters not allowed in an HTTP header"
                .to_owned(),
            attempts: 1,
        })?;
        let mut token = token;
        token.set_sensitive(true);
        let call = Call {
            operation,
            method: hyper::Method::GET,
            uri: parse_uri(operation, &url, &format!("{url}?{query}"))?,
            host: endpoint.host().to_owned(),
            secure: endpoint.is_secure(),
            headers: vec![
                (USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE)),
                (BEARER_HEADER, token),
            ],
            body: Bytes::new(),
            url,
        };
        let success = self.transport.send(&call).await?;
        wire::parse_role_credentials(&success.body, || Error::InvalidJson {
            operation,
            url: call.url.clone(),
            status: success.status,
        })
    }

    /// `POST <endpoint>/token` with a refresh-token grant; validates the answer (SPEC §4.3).
    pub async fn create_token(
        &self,
        endpoint: &Endpoint,
        request: &CreateTokenRequest,
    ) -> Result<CreateTokenResponse, Error> {
        let operation = Operation::CreateToken;
        let url = endpoint.operation_url("/token");
        let body = Bytes::from(wire::create_token_body(request));
        let call = Call {
            operation,
            method: hyper::Method::POST,
            uri: parse_uri(operation, &url, &url)?,
            host: endpoint.host().to_owned(),
            secure: endpoint.is_secure(),
            headers: vec![
                (USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE)),
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                (CONTENT_LENGTH, HeaderValue::from(body.len())),
            ],
            body,
            url,
        };
        let success = self.transport.send(&call).await?;
        wire::parse_create_token(&success.body, || Error::InvalidJson {
            operation,
            url: call.url.clone(),
            status: success.status,
        })
    }
}

fn parse_uri(operation: Operation, url: &str, full: &str) -> Result<hyper::Uri, Error> {
    full.parse().map_err(|_| Error::Io {
        operation,
        url: url.to_owned(),
        message: "the request URL is not valid".to_owned(),
        attempts: 1,
    })
}
