//! `cargo xtask fixtures [--check]`: the registry of generators, run in order.
//!
//! Each generator owns one or more output folders and returns the complete set of files
//! that belong in them (an [`Output`], which writes or checks itself).

use crate::output::Output;
use crate::workspace::Workspace;

/// Write the fixtures, or check that the committed ones are current.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// A generator: a name for messages and a function from the workspace to its output.
type Generator = (&'static str, fn(&Workspace) -> Result<Output, String>);

/// Every generator in the workspace. Add one line per generator module.
const GENERATORS: &[Generator] = &[
    ("config-parser", crate::config_fixtures::generate),
    ("token-cache", crate::token_cache_fixtures::generate),
    ("sso-client endpoints", crate::endpoints::generate),
    ("credentials", crate::credentials_fixtures::generate),
];

pub(crate) fn run(ws: &Workspace, mode: Mode) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut written = 0usize;
    for (name, generate) in GENERATORS {
        let output = generate(ws).map_err(|e| format!("generator {name}: {e}"))?;
        match mode {
            Mode::Write => written += output.write(&ws.root)?,
            Mode::Check => problems.extend(output.check(&ws.root)?),
        }
    }
    match mode {
        Mode::Write => {
            println!("xtask fixtures: wrote {written} files");
            Ok(())
        }
        Mode::Check if problems.is_empty() => {
            println!("xtask fixtures: all generated files are current");
            Ok(())
        }
        Mode::Check => Err(format!(
            "generated fixtures are stale:\n  {}\nrun `cargo xtask fixtures` and commit the result",
            problems.join("\n  ")
        )),
    }
}
