//! The providers, one file each. A new provider goes here: a `Load` of its value, cached
//! by the crate's `Cache`, with a builder over a `ProviderConfig`.

pub(crate) mod assume_role;
pub(crate) mod container;
pub(crate) mod environment;
pub(crate) mod imds;
pub(crate) mod profile;
pub(crate) mod sso;
pub(crate) mod token;
pub(crate) mod web_identity;
