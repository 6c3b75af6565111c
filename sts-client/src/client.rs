//! [`StsClient`]: the two STS operations over ssokit's HTTP stack.

use std::fmt;

use jiff::Timestamp;
use ssokit_http::{HttpClient, HttpSettings, Method, Request};
use ssokit_sigv4::{SignableRequest, SigningKeys, SigningParams, sign};

use crate::error::{Error, Operation};
use crate::model::{AssumeRoleRequest, StsCredentials, WebIdentityRequest};
use crate::service::StsEndpoint;
use crate::wire;

/// The content type of both requests.
const FORM: &str = "application/x-www-form-urlencoded";

/// STS error codes retried besides the standard throttling codes (SPEC §14.4).
const RETRIED: &[&str] = &["IDPCommunicationError"];

/// A client for `AssumeRole` and `AssumeRoleWithWebIdentity`. Cheap to clone; it shares
/// its connection pool with every clone and with the client it was made from
/// ([`with_http`](Self::with_http)).
///
/// Needs a Tokio runtime when a request is sent; construction does no I/O.
#[derive(Clone, Default)]
pub struct StsClient {
    http: HttpClient,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient").finish_non_exhaustive()
    }
}

impl StsClient {
    /// A client with these settings. No I/O.
    pub fn new(settings: HttpSettings) -> Self {
        Self::with_http(HttpClient::new(settings))
    }

    /// A client over an existing HTTP client (sharing its pool).
    pub fn with_http(http: HttpClient) -> Self {
        Self { http }
    }

    /// The HTTP client underneath.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// `AssumeRole`, signed with `keys` at `now` (SPEC §14.1-14.3): `POST` of the form
    /// body to the endpoint's path + `/`, signed headers
    /// `content-length;content-type;host;x-amz-date` (`;x-amz-security-token` with a
    /// session token); the answer read as §14.2.
    pub async fn assume_role(
        &self,
        endpoint: &StsEndpoint,
        keys: SigningKeys<'_>,
        now: Timestamp,
        request: &AssumeRoleRequest,
    ) -> Result<StsCredentials, Error> {
        let operation = Operation::AssumeRole;
        let body = wire::assume_role_body(request);
        let host = endpoint.endpoint().host_header();
        let length = body.len().to_string();
        let path = format!("{}/", endpoint.endpoint().path_prefix());
        let headers = [
            ("host", host.as_str()),
            ("content-type", FORM),
            ("content-length", length.as_str()),
        ];
        let signable = SignableRequest {
            method: "POST",
            path: &path,
            query: "",
            headers: &headers,
            body: body.as_bytes(),
        };
        let signed = sign(
            &signable,
            &SigningParams::new(keys, endpoint.signing_region(), "sts", now),
        );
        let mut http_request = Self::request(operation, endpoint, &host, body);
        for (name, value) in signed.headers() {
            http_request = match *name {
                "X-Amz-Date" => http_request.header("x-amz-date", value.as_str()),
                "X-Amz-Security-Token" => {
                    http_request.secret_header("x-amz-security-token", value.as_str())
                }
                _ => http_request.secret_header("authorization", value.as_str()),
            };
        }
        self.send(operation, &http_request).await
    }

    /// `AssumeRoleWithWebIdentity` (unsigned; SPEC §14.1-14.2).
    pub async fn assume_role_with_web_identity(
        &self,
        endpoint: &StsEndpoint,
        request: &WebIdentityRequest,
    ) -> Result<StsCredentials, Error> {
        let operation = Operation::AssumeRoleWithWebIdentity;
        let host = endpoint.endpoint().host_header();
        let http_request =
            Self::request(operation, endpoint, &host, wire::web_identity_body(request));
        self.send(operation, &http_request).await
    }

    /// The unsigned request: `POST <endpoint>/`, `host`, the form body.
    fn request(operation: Operation, endpoint: &StsEndpoint, host: &str, body: String) -> Request {
        Request::new(operation.name(), Method::Post, endpoint.endpoint(), "/")
            .header("host", host)
            .body(FORM, body)
            .error_reader(wire::read_error)
            .retry_codes(RETRIED)
    }

    async fn send(&self, operation: Operation, request: &Request) -> Result<StsCredentials, Error> {
        let response = self.http.send(request).await?;
        wire::parse_credentials(operation, response.body())
    }
}
