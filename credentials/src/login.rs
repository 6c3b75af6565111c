//! `ssokit login` as a library (SPEC §19): which target, which flow, the PKCE secrets and
//! URL, the loopback callback. The parts that talk to SSO-OIDC build on sso-client.

pub(crate) mod browser;
pub(crate) mod callback;
pub(crate) mod flow;
pub(crate) mod logout;
pub(crate) mod pkce;
pub(crate) mod run;
pub(crate) mod target;
