//! The operations the fake serves, and how a request is routed to one.

/// The two operations the fake serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET …/federation/credentials`.
    GetRoleCredentials,
    /// `POST …/token`.
    CreateToken,
}

impl Operation {
    /// The operation a request is routed to: by method and path suffix (so a path prefix
    /// of the endpoint URL is accepted).
    pub fn route(method: &str, path: &str) -> Option<Self> {
        match method {
            "GET" if path.ends_with("/federation/credentials") => Some(Self::GetRoleCredentials),
            "POST" if path.ends_with("/token") => Some(Self::CreateToken),
            _ => None,
        }
    }
}
