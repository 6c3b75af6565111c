//! The command line's usage text, printed on a usage error.

/// Every command `cargo xtask` takes.
pub(crate) const USAGE: &str = "usage: cargo xtask fixtures [--check] | cargo xtask layering | cargo xtask demo | cargo xtask bench-cli [RUNS] | cargo xtask bench-listing [--release] | cargo xtask storm [--processes N] [--release] | cargo xtask fuzz <target> [--seconds N] | cargo xtask bench-report | cargo xtask install [--prefix DIR] [--binary PATH]";
