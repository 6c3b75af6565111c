//! [`SsoClient`]: the operations over one pooled client.

use std::fmt;

use ssokit_http::{Endpoint, HttpClient, HttpSettings, Method, Pacing, Request};

use crate::error::{Error, Operation};
use crate::listing::{
    self, AccountInfo, AccountsPage, ListAccountRolesRequest, ListAccountsRequest, PageTokens,
    RoleInfo, RolesPage,
};
use crate::model::{
    CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RegisterClientRequest,
    RegisterClientResponse, RoleCredentials, StartDeviceAuthorizationRequest,
    StartDeviceAuthorizationResponse,
};
use crate::wire;

/// The header that carries the bearer token to the portal.
const BEARER_HEADER: &str = "x-amz-sso_bearer_token";

/// `RegisterClient`'s throttling answer: retried like the standard throttling codes (SPEC
/// §19.3). `CreateToken`'s is not: there it is the device code poll's "slow down", which
/// the caller's loop handles.
const REGISTER_CLIENT_RETRY_CODES: &[&str] = &["SlowDownException"];

/// A client of the SSO portal (`GetRoleCredentials`, `Logout`) and SSO-OIDC (`CreateToken`,
/// `RegisterClient`, `StartDeviceAuthorization`), sharing one pool of keep-alive
/// connections. Cheap to clone (the pool is behind an `Arc`); build one per chain.
///
/// Every operation follows SPEC §4.1 and §4.4 and the stack's retry policy (§6); no
/// operation retries `AuthorizationPendingException` or `CreateToken`'s
/// `SlowDownException` (they are a device code login's poll loop, the caller's).
///
/// Needs a Tokio runtime (with the time driver) when a request is sent; construction does
/// no I/O.
#[derive(Clone)]
pub struct SsoClient {
    http: HttpClient,
    /// The pacing this client's listing requests share (a fanned-out listing's).
    pacing: Option<Pacing>,
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
        Self { http, pacing: None }
    }

    /// This client (the same pool), with its listing requests (`ListAccounts`,
    /// `ListAccountRoles`) sent under `pacing`, shared with the other clients given the
    /// same pacing: a job that fans out, such as listing the roles of every account
    /// (SPEC-commands §23), gives one [`Pacing`] to all its workers.
    #[must_use]
    pub fn with_pacing(&self, pacing: Pacing) -> Self {
        Self {
            http: self.http.clone(),
            pacing: Some(pacing),
        }
    }

    /// The pacing of this client's listing requests, if any.
    pub fn pacing(&self) -> Option<&Pacing> {
        self.pacing.as_ref()
    }

    /// `request` under this client's pacing, if it has one.
    fn paced(&self, request: Request) -> Request {
        match &self.pacing {
            Some(pacing) => request.pacing(pacing.clone()),
            None => request,
        }
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

    /// `POST <endpoint>/token` (SSO-OIDC) with the request's grant: refresh token,
    /// authorization code with PKCE, or device code; validates the answer (SPEC §4.3).
    ///
    /// A device code poll's answers are errors whose
    /// [`service_kind`](Error::service_kind) says what to do:
    /// `AuthorizationPending` and `SlowDown` (never retried here), `ExpiredToken`,
    /// `AccessDenied`, `InvalidGrant`.
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

    /// `POST <endpoint>/client/register` (SSO-OIDC): registers a public client for the
    /// authorization code grant with PKCE or for the device code grant; validates the
    /// answer (SPEC §19.3). `SlowDownException` is retried as a throttle.
    pub async fn register_client(
        &self,
        endpoint: &Endpoint,
        request: &RegisterClientRequest,
    ) -> Result<RegisterClientResponse, Error> {
        let operation = Operation::RegisterClient;
        let request = Request::new(operation.name(), Method::Post, endpoint, "/client/register")
            .body("application/json", wire::register_client_body(request))
            .error_reader(wire::read_error)
            .retry_codes(REGISTER_CLIENT_RETRY_CODES);
        let response = self.http.send(&request).await?;
        wire::parse_register_client(response.body(), || Error::InvalidJson {
            operation,
            url: request.url().to_owned(),
            status: response.status(),
        })
    }

    /// `POST <endpoint>/device_authorization` (SSO-OIDC): starts a device code login;
    /// validates the answer, with `expiresIn` 600 s and `interval` 5 s when absent or below
    /// 1 (SPEC §19.7).
    pub async fn start_device_authorization(
        &self,
        endpoint: &Endpoint,
        request: &StartDeviceAuthorizationRequest,
    ) -> Result<StartDeviceAuthorizationResponse, Error> {
        let operation = Operation::StartDeviceAuthorization;
        let request = Request::new(
            operation.name(),
            Method::Post,
            endpoint,
            "/device_authorization",
        )
        .body("application/json", wire::device_authorization_body(request))
        .error_reader(wire::read_error);
        let response = self.http.send(&request).await?;
        wire::parse_device_authorization(response.body(), || Error::InvalidJson {
            operation,
            url: request.url().to_owned(),
            status: response.status(),
        })
    }

    /// `POST <endpoint>/logout` (SSO portal) with the bearer token in
    /// `x-amz-sso_bearer_token`, `content-length: 0`, no body and no `content-type`: ends
    /// the Identity Center session of `access_token` (SPEC §20). Any 2xx answer means it
    /// ended; its body is ignored.
    pub async fn logout(&self, endpoint: &Endpoint, access_token: &str) -> Result<(), Error> {
        let operation = Operation::Logout;
        let request = Request::new(operation.name(), Method::Post, endpoint, "/logout")
            .secret_header(BEARER_HEADER, access_token)
            .header("content-length", "0")
            .error_reader(wire::read_error);
        self.http.send(&request).await?;
        Ok(())
    }

    /// One page of `GET <endpoint>/assignment/accounts?max_result=100[&next_token=…]`
    /// (SSO portal `ListAccounts`) with the bearer token in `x-amz-sso_bearer_token`; the
    /// page validated (SPEC-commands §23: A-SHAPE, N-JSON).
    pub async fn list_accounts(
        &self,
        endpoint: &Endpoint,
        request: &ListAccountsRequest,
    ) -> Result<AccountsPage, Error> {
        let operation = Operation::ListAccounts;
        let http_request = self.paced(
            Request::new(
                operation.name(),
                Method::Get,
                endpoint,
                "/assignment/accounts",
            )
            .query(listing::accounts_query(request))
            .secret_header(BEARER_HEADER, request.access_token.as_str())
            .error_reader(wire::read_error),
        );
        let response = self.http.send(&http_request).await?;
        listing::parse_accounts(response.body(), || Error::InvalidJson {
            operation,
            url: http_request.url().to_owned(),
            status: response.status(),
        })
    }

    /// One page of `GET <endpoint>/assignment/roles?account_id=…&max_result=100[&next_token=…]`
    /// (SSO portal `ListAccountRoles`) with the bearer token in `x-amz-sso_bearer_token`;
    /// the page validated (SPEC-commands §23: A-SHAPE, N-JSON).
    pub async fn list_account_roles(
        &self,
        endpoint: &Endpoint,
        request: &ListAccountRolesRequest,
    ) -> Result<RolesPage, Error> {
        let operation = Operation::ListAccountRoles;
        let http_request = self.paced(
            Request::new(operation.name(), Method::Get, endpoint, "/assignment/roles")
                .query(listing::roles_query(request))
                .secret_header(BEARER_HEADER, request.access_token.as_str())
                .error_reader(wire::read_error),
        );
        let response = self.http.send(&http_request).await?;
        listing::parse_roles(response.body(), || Error::InvalidJson {
            operation,
            url: http_request.url().to_owned(),
            status: response.status(),
        })
    }

    /// Every account `access_token` is assigned: `ListAccounts` page after page, in
    /// sequence, until a page has no `nextToken` (A-LOOP when a token repeats or past
    /// 1,000 pages). The accounts in the service's order.
    pub async fn list_all_accounts(
        &self,
        endpoint: &Endpoint,
        access_token: &str,
    ) -> Result<Vec<AccountInfo>, Error> {
        let mut pages = PageTokens::new(Operation::ListAccounts);
        let mut request = ListAccountsRequest::new(access_token);
        let mut accounts = Vec::new();
        loop {
            let page = self.list_accounts(endpoint, &request).await?;
            let next = pages.next(page.next_token())?.map(str::to_owned);
            accounts.extend(page.into_accounts());
            match next {
                Some(token) => request = request.next_token(token),
                None => return Ok(accounts),
            }
        }
    }

    /// Every role `access_token` may use in `account_id`: `ListAccountRoles` page after
    /// page, in sequence (A-LOOP as for [`list_all_accounts`](Self::list_all_accounts)).
    /// The roles in the service's order.
    pub async fn list_all_account_roles(
        &self,
        endpoint: &Endpoint,
        access_token: &str,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, Error> {
        let mut pages = PageTokens::new(Operation::ListAccountRoles);
        let mut request = ListAccountRolesRequest::new(access_token, account_id);
        let mut roles = Vec::new();
        loop {
            let page = self.list_account_roles(endpoint, &request).await?;
            let next = pages.next(page.next_token())?.map(str::to_owned);
            roles.extend(page.into_roles());
            match next {
                Some(token) => request = request.next_token(token),
                None => return Ok(roles),
            }
        }
    }
}
