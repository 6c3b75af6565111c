//! Where the workspace and the shared conformance data are.

use std::path::PathBuf;

/// Where the workspace and the shared conformance data are.
pub(crate) struct Workspace {
    /// The workspace root (the folder holding the root `Cargo.toml`).
    pub(crate) root: PathBuf,
    /// `SSOKIT_CONFORMANCE_DIR`, else `../shared/conformance` beside the root.
    pub(crate) conformance: PathBuf,
}

impl Workspace {
    /// The workspace this xtask was built in; the conformance data from
    /// `SSOKIT_CONFORMANCE_DIR`, else beside it.
    pub(crate) fn locate() -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        let conformance = std::env::var_os("SSOKIT_CONFORMANCE_DIR")
            .filter(|v| !v.is_empty())
            .map_or_else(|| root.join("../shared/conformance"), PathBuf::from);
        Self { root, conformance }
    }
}
