//! The operations the fake serves, and how a request is routed to one.

use crate::form::Form;

/// The operations the fake serves: two of IAM Identity Center, two of STS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET …/federation/credentials` (SSO portal).
    GetRoleCredentials,
    /// `POST …/token` (SSO-OIDC).
    CreateToken,
    /// STS `AssumeRole`: `POST …/` with the form parameter `Action=AssumeRole`.
    AssumeRole,
    /// STS `AssumeRoleWithWebIdentity`: `POST …/` with the form parameter
    /// `Action=AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
}

impl Operation {
    /// The operation a request is routed to: by method and path suffix (so a path prefix
    /// of the endpoint URL is accepted), and for STS (a `POST` to a path ending in `/`) by
    /// the `Action` parameter of the form-encoded `body`.
    pub fn route(method: &str, path: &str, body: &[u8]) -> Option<Self> {
        match method {
            "GET" if path.ends_with("/federation/credentials") => Some(Self::GetRoleCredentials),
            "POST" if path.ends_with("/token") => Some(Self::CreateToken),
            "POST" if path.ends_with('/') => match Form::parse(body).get("Action") {
                Some("AssumeRole") => Some(Self::AssumeRole),
                Some("AssumeRoleWithWebIdentity") => Some(Self::AssumeRoleWithWebIdentity),
                _ => None,
            },
            _ => None,
        }
    }

    /// The operation's name, as in STS's `<Op>Response` and `<Op>Result` elements.
    pub fn name(self) -> &'static str {
        match self {
            Self::GetRoleCredentials => "GetRoleCredentials",
            Self::CreateToken => "CreateToken",
            Self::AssumeRole => "AssumeRole",
            Self::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
        }
    }
}
