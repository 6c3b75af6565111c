//! The crate graph points down: leaves know no HTTP or runtime, the network layer knows no
//! files, and the dev-only fake never reaches a library's normal build. Checked from
//! `cargo metadata` (normal dependencies, transitively) by this module's test, which runs
//! in CI with the rest of `cargo test`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Crates (one name, or several separated by spaces) and the packages that must not be
/// among their normal dependencies, with why.
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "ssokit-config-parser",
        &[
            "tokio",
            "hyper",
            "ssokit-token-cache",
            "ssokit-http",
            "ssokit-sso-client",
            "ssokit-credentials",
        ],
        "a leaf: the grammar needs no runtime, network or other ssokit crate",
    ),
    (
        "ssokit-token-cache",
        &[
            "tokio",
            "hyper",
            "ssokit-config-parser",
            "ssokit-http",
            "ssokit-sso-client",
            "ssokit-credentials",
        ],
        "a leaf: the cache file format needs no runtime, network or other ssokit crate",
    ),
    (
        "ssokit-http",
        &[
            "ssokit-config-parser",
            "ssokit-token-cache",
            "ssokit-sso-client",
            "ssokit-credentials",
            "ssokit-fake-portal",
            "serde_json",
        ],
        "a leaf: the HTTP stack knows no file format, no AWS service and no wire format",
    ),
    (
        "ssokit-sigv4",
        &[
            "tokio",
            "hyper",
            "ssokit-config-parser",
            "ssokit-token-cache",
            "ssokit-http",
            "ssokit-sso-client",
            "ssokit-credentials",
            "ssokit-fake-portal",
        ],
        "a leaf: signing is pure computation on ring, shared by a client and the fake",
    ),
    (
        "ssokit-sso-client ssokit-sts-client ssokit-metadata-client",
        &[
            "ssokit-config-parser",
            "ssokit-token-cache",
            "ssokit-credentials",
            "ssokit-fake-portal",
        ],
        "a service client knows nothing of files",
    ),
    (
        "ssokit-sso-client",
        &["ssokit-sts-client", "ssokit-metadata-client"],
        "a service client knows no other service",
    ),
    (
        "ssokit-sts-client",
        &["ssokit-sso-client", "ssokit-metadata-client"],
        "a service client knows no other service",
    ),
    (
        "ssokit-metadata-client",
        &["ssokit-sso-client", "ssokit-sts-client", "ssokit-sigv4"],
        "a service client knows no other service",
    ),
    (
        "ssokit-credentials",
        &["ssokit-chain", "ssokit-cli", "ssokit-fake-portal"],
        "providers sit below the chain and never ship the fake",
    ),
    (
        "ssokit-chain",
        &["ssokit-cli", "ssokit-fake-portal", "aws-credential-types"],
        "the facade never ships the CLI or the fake, and the AWS SDK types only with its `aws-sdk` feature",
    ),
    (
        "ssokit-cli",
        &["ssokit-fake-portal"],
        "the command never ships the fake",
    ),
];

/// `cargo xtask layering`: prints each broken rule and fails if there is one.
pub(crate) fn run(ws: &crate::workspace::Workspace) -> Result<(), String> {
    let found = violations(&ws.root)?;
    if found.is_empty() {
        println!(
            "xtask layering: the crate graph points down ({} rules)",
            RULES.len()
        );
        Ok(())
    } else {
        Err(format!(
            "the crate graph is broken:\n  {}",
            found.join("\n  ")
        ))
    }
}

/// Every rule broken in the workspace at `root`, as sentences.
pub(crate) fn violations(root: &Path) -> Result<Vec<String>, String> {
    let graph = metadata_graph(root)?;
    let mut found = Vec::new();
    for (crates, banned, why) in RULES {
        for krate in crates.split(' ') {
            let Some(start) = graph.keys().find(|id| name_of(id) == krate) else {
                continue;
            };
            let reachable = reachable(&graph, start);
            for id in reachable {
                let name = name_of(&id);
                if banned.contains(&name) {
                    found.push(format!("{krate} depends on {name}, but it must not: {why}"));
                }
            }
        }
    }
    Ok(found)
}

/// How many packages `package` builds with (its normal dependencies, transitively, on this
/// host), itself not counted.
pub(crate) fn normal_dependency_count(root: &Path, package: &str) -> Result<usize, String> {
    let graph = metadata_graph(root)?;
    let start = graph
        .keys()
        .find(|id| name_of(id) == package)
        .ok_or_else(|| format!("no package {package} in the workspace"))?;
    Ok(reachable(&graph, start).len())
}

/// The normal-dependency graph of the workspace on this host, from `cargo metadata`.
fn metadata_graph(root: &Path) -> Result<BTreeMap<String, Vec<String>>, String> {
    let host = host_triple()?;
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
        ])
        .arg(&host)
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed invalid JSON: {e}"))?;
    Ok(normal_graph(&metadata))
}

/// The host's target triple, from `rustc -vV` (metadata for other platforms would need
/// packages this machine never downloaded).
fn host_triple() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("could not run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV printed no host line".to_owned())
}

/// Package id to the ids of its normal (non-dev, non-build) dependencies.
fn normal_graph(metadata: &Value) -> BTreeMap<String, Vec<String>> {
    let mut graph = BTreeMap::new();
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for node in nodes {
        let id = node["id"].as_str().unwrap_or_default().to_owned();
        let deps = node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|dep| {
                dep["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|kind| kind["kind"].is_null())
            })
            .filter_map(|dep| dep["pkg"].as_str().map(str::to_owned))
            .collect();
        graph.insert(id, deps);
    }
    graph
}

fn reachable(graph: &BTreeMap<String, Vec<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = graph
        .get(start)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id.to_owned()) {
            stack.extend(graph.get(id).into_iter().flatten().map(String::as_str));
        }
    }
    seen
}

/// The package name inside a package id (`registry+...#tokio@1.0.0`,
/// `path+file:///work/main/token-cache#ssokit-token-cache@0.1.0`, or
/// `path+file:///work/main/xtask#0.1.0` where the folder is the name).
fn name_of(id: &str) -> &str {
    let after_hash = id.rsplit_once('#').map_or(id, |(_, rest)| rest);
    match after_hash.split_once('@') {
        Some((name, _)) => name,
        None => id
            .rsplit_once('#')
            .and_then(|(path, _)| path.rsplit('/').next())
            .unwrap_or(after_hash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crate_graph_points_down() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let found = violations(&root).expect("cargo metadata runs");
        assert!(found.is_empty(), "layering broken:\n{}", found.join("\n"));
    }

    #[test]
    fn a_banned_edge_is_found() {
        let metadata = serde_json::json!({"resolve": {"nodes": [
            {"id": "path+file:///w/a#ssokit-config-parser@0.1.0", "deps": [
                {"pkg": "registry+x#tokio@1.0.0", "dep_kinds": [{"kind": null}]},
                {"pkg": "registry+x#hyper@1.0.0", "dep_kinds": [{"kind": "dev"}]}
            ]},
            {"id": "registry+x#tokio@1.0.0", "deps": []},
            {"id": "registry+x#hyper@1.0.0", "deps": []}
        ]}});
        let graph = normal_graph(&metadata);
        let reached = reachable(&graph, "path+file:///w/a#ssokit-config-parser@0.1.0");
        let names: Vec<&str> = reached.iter().map(|id| name_of(id)).collect();
        assert_eq!(names, ["tokio"]);
        assert_eq!(name_of("path+file:///work/main/xtask#0.1.0"), "xtask");
    }
}
