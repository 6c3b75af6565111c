//! The operations the fake serves, and how a request is routed to one.

use crate::form::{Form, decode_path_segment};

/// The path of the IMDSv2 session token (`PUT`).
const IMDS_TOKEN_PATH: &str = "/latest/api/token";
/// The extended credentials path of IMDS (the listing; a role name follows for its
/// credentials).
const IMDS_EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";
/// The legacy credentials path of IMDS.
const IMDS_LEGACY: &str = "/latest/meta-data/iam/security-credentials/";
/// Paths holding this segment belong to IMDS: those that are none of its operations are
/// no route, never the container endpoint.
const IMDS_SPACE: &str = "/latest/";

/// The operations the fake serves: eight of IAM Identity Center (four of the SSO portal, four of
/// SSO-OIDC, the browser's `authorize` page among them), two of STS, five of the EC2 instance
/// metadata service (IMDS), the container credentials endpoint, and the two of the AWS
/// sign-in federation endpoint (`getSigninToken`, and the console login a browser opens).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET …/federation/credentials` (SSO portal).
    GetRoleCredentials,
    /// `POST …/token` (SSO-OIDC), every grant: `refresh_token`, `authorization_code` and
    /// the device code's.
    CreateToken,
    /// SSO-OIDC `RegisterClient`: `POST …/client/register`.
    RegisterClient,
    /// SSO-OIDC's authorization page, which a browser opens: `GET …/authorize?…`.
    Authorize,
    /// SSO-OIDC `StartDeviceAuthorization`: `POST …/device_authorization`.
    StartDeviceAuthorization,
    /// SSO portal `Logout`: `POST …/logout`.
    Logout,
    /// SSO portal `ListAccounts`: `GET …/assignment/accounts`.
    ListAccounts,
    /// SSO portal `ListAccountRoles`: `GET …/assignment/roles`.
    ListAccountRoles,
    /// STS `AssumeRole`: `POST …/` with the form parameter `Action=AssumeRole`.
    AssumeRole,
    /// STS `AssumeRoleWithWebIdentity`: `POST …/` with the form parameter
    /// `Action=AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
    /// IMDSv2's session token: `PUT …/latest/api/token`.
    ImdsToken,
    /// IMDS's role listing on the extended path:
    /// `GET …/latest/meta-data/iam/security-credentials-extended/`.
    ImdsExtendedRoles,
    /// A role's credentials on the extended path (with `AccountId`):
    /// `GET …/latest/meta-data/iam/security-credentials-extended/<role>`.
    ImdsExtendedCredentials,
    /// IMDS's role listing on the legacy path:
    /// `GET …/latest/meta-data/iam/security-credentials/`.
    ImdsRoles,
    /// A role's credentials on the legacy path (no `AccountId`):
    /// `GET …/latest/meta-data/iam/security-credentials/<role>`.
    ImdsCredentials,
    /// The container credentials endpoint (ECS, EKS Pod Identity): any other `GET`, e.g.
    /// `/creds?task=1` or `/v2/credentials/<id>`, but not one under `…/latest/`.
    ContainerCredentials,
    /// The AWS sign-in federation endpoint's `getSigninToken`:
    /// `GET …/federation?Action=getSigninToken&…` (the path `…/federation`, the query's
    /// `Action`).
    GetSigninToken,
    /// The console login a browser is sent to: `GET …/federation?Action=login&…`.
    ConsoleLogin,
}

impl Operation {
    /// Every operation, in declaration order.
    pub const ALL: [Self; 18] = [
        Self::GetRoleCredentials,
        Self::CreateToken,
        Self::RegisterClient,
        Self::Authorize,
        Self::StartDeviceAuthorization,
        Self::Logout,
        Self::ListAccounts,
        Self::ListAccountRoles,
        Self::AssumeRole,
        Self::AssumeRoleWithWebIdentity,
        Self::ImdsToken,
        Self::ImdsExtendedRoles,
        Self::ImdsExtendedCredentials,
        Self::ImdsRoles,
        Self::ImdsCredentials,
        Self::ContainerCredentials,
        Self::GetSigninToken,
        Self::ConsoleLogin,
    ];

    /// The operation a request is routed to: by method and path suffix (so a path prefix
    /// of the endpoint URL is accepted), for STS (a `POST` to a path ending in `/`) by
    /// the `Action` parameter of the form-encoded `body`, and for the sign-in federation
    /// endpoint (a `GET` of a path ending in `/federation`) by the `Action` parameter of the
    /// query (`getSigninToken` or `login`; another or none has no route). `target` is the
    /// path, with or without its `?query`. A `GET` that is neither the SSO portal's, nor
    /// SSO-OIDC's `…/authorize`, nor the federation endpoint's, nor under `…/latest/` is the
    /// container endpoint's; a `GET` under `…/latest/` that is not one of IMDS's credentials
    /// paths has no route.
    pub fn route(method: &str, target: &str, body: &[u8]) -> Option<Self> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        match method {
            "GET" if path.ends_with("/federation/credentials") => Some(Self::GetRoleCredentials),
            "GET" if path.ends_with("/federation") => {
                match Form::parse(query.as_bytes()).get("Action") {
                    Some("getSigninToken") => Some(Self::GetSigninToken),
                    Some("login") => Some(Self::ConsoleLogin),
                    _ => None,
                }
            }
            "GET" if path.ends_with("/authorize") => Some(Self::Authorize),
            "GET" if path.ends_with("/assignment/accounts") => Some(Self::ListAccounts),
            "GET" if path.ends_with("/assignment/roles") => Some(Self::ListAccountRoles),
            "GET" if path.contains(IMDS_SPACE) => Self::route_imds_get(path),
            "GET" => Some(Self::ContainerCredentials),
            "PUT" if path.ends_with(IMDS_TOKEN_PATH) => Some(Self::ImdsToken),
            "POST" if path.ends_with("/token") => Some(Self::CreateToken),
            "POST" if path.ends_with("/client/register") => Some(Self::RegisterClient),
            "POST" if path.ends_with("/device_authorization") => {
                Some(Self::StartDeviceAuthorization)
            }
            "POST" if path.ends_with("/logout") => Some(Self::Logout),
            "POST" if path.ends_with('/') => match Form::parse(body).get("Action") {
                Some("AssumeRole") => Some(Self::AssumeRole),
                Some("AssumeRoleWithWebIdentity") => Some(Self::AssumeRoleWithWebIdentity),
                _ => None,
            },
            _ => None,
        }
    }

    /// A `GET` under `…/latest/`: one of the four credentials operations, or none.
    fn route_imds_get(path: &str) -> Option<Self> {
        let (role, extended) = imds_role(path)?;
        Some(match (role.is_empty(), extended) {
            (true, true) => Self::ImdsExtendedRoles,
            (false, true) => Self::ImdsExtendedCredentials,
            (true, false) => Self::ImdsRoles,
            (false, false) => Self::ImdsCredentials,
        })
    }

    /// Whether this is one of IMDS's operations.
    pub fn is_imds(self) -> bool {
        matches!(
            self,
            Self::ImdsToken
                | Self::ImdsExtendedRoles
                | Self::ImdsExtendedCredentials
                | Self::ImdsRoles
                | Self::ImdsCredentials
        )
    }

    /// Whether this is one of SSO-OIDC's operations (`CreateToken`, `RegisterClient`,
    /// `Authorize`, `StartDeviceAuthorization`).
    pub fn is_oidc(self) -> bool {
        matches!(
            self,
            Self::CreateToken
                | Self::RegisterClient
                | Self::Authorize
                | Self::StartDeviceAuthorization
        )
    }

    /// Whether this is one of the SSO portal's listings (`ListAccounts`,
    /// `ListAccountRoles`), answered from the fake's [`Organisation`](crate::Organisation).
    pub fn is_listing(self) -> bool {
        matches!(self, Self::ListAccounts | Self::ListAccountRoles)
    }

    /// Whether this is one of the sign-in federation endpoint's operations
    /// (`GetSigninToken`, `ConsoleLogin`).
    pub fn is_federation(self) -> bool {
        matches!(self, Self::GetSigninToken | Self::ConsoleLogin)
    }

    /// Whether this is one of STS's operations.
    pub fn is_sts(self) -> bool {
        matches!(self, Self::AssumeRole | Self::AssumeRoleWithWebIdentity)
    }

    /// The operation's name, as AWS names it (for STS, as in its `<Op>Response` and
    /// `<Op>Result` elements).
    pub fn name(self) -> &'static str {
        match self {
            Self::GetRoleCredentials => "GetRoleCredentials",
            Self::CreateToken => "CreateToken",
            Self::RegisterClient => "RegisterClient",
            Self::Authorize => "Authorize",
            Self::StartDeviceAuthorization => "StartDeviceAuthorization",
            Self::Logout => "Logout",
            Self::ListAccounts => "ListAccounts",
            Self::ListAccountRoles => "ListAccountRoles",
            Self::AssumeRole => "AssumeRole",
            Self::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Self::ImdsToken => "ImdsToken",
            Self::ImdsExtendedRoles => "ImdsExtendedRoles",
            Self::ImdsExtendedCredentials => "ImdsExtendedCredentials",
            Self::ImdsRoles => "ImdsRoles",
            Self::ImdsCredentials => "ImdsCredentials",
            Self::ContainerCredentials => "ContainerCredentials",
            Self::GetSigninToken => "getSigninToken",
            Self::ConsoleLogin => "login",
        }
    }
}

/// For a path ending in one of IMDS's two credentials paths, the role that follows it
/// (percent-decoded; empty for the listing) and whether the path is the extended one.
/// `None` for any other path, or a role with a `/`.
pub(crate) fn imds_role(path: &str) -> Option<(String, bool)> {
    let (index, marker, extended) = match path.rfind(IMDS_EXTENDED) {
        Some(index) => (index, IMDS_EXTENDED, true),
        None => (path.rfind(IMDS_LEGACY)?, IMDS_LEGACY, false),
    };
    let role = &path[index + marker.len()..];
    if role.contains('/') {
        return None;
    }
    Some((decode_path_segment(role.as_bytes()), extended))
}
