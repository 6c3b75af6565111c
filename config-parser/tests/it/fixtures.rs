//! The generated fixtures (`cargo xtask fixtures`) parse as intended, and the `dump`
//! example prints them in the conformance suite's shape.

use std::path::{Path, PathBuf};

use ssokit_config_parser::{FileLocations, ProfileSet, SectionKind};

fn generated(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/generated")
        .join(name)
}

#[test]
fn the_small_pair_merges_as_a_user_would_expect() {
    let set = ProfileSet::load(&FileLocations::new(
        generated("small/config"),
        generated("small/credentials"),
    ))
    .unwrap();
    assert_eq!(set.sections(SectionKind::Profile).len(), 20);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    let legacy = set.profile("legacy").unwrap();
    assert_eq!(legacy.get("sso_role_name"), Some("FromCredentialsFile"));
    assert_eq!(
        legacy.property("sso_start_url").unwrap().location().line(),
        8
    );
    assert_eq!(set.profile("dev").unwrap().get("region"), Some("eu-west-1"));
    assert_eq!(set.profile("ops").unwrap().get("cli_pager"), None);
    let local = set.services("local").unwrap();
    assert_eq!(
        local
            .property("sso_oidc")
            .unwrap()
            .sub_property("endpoint_url"),
        Some("http://127.0.0.1:4566")
    );
    assert_eq!(
        set.profile("fips").unwrap().get_bool("use_fips_endpoint"),
        Ok(Some(true))
    );
}

#[test]
fn the_large_file_has_ten_thousand_profiles() {
    let set = ProfileSet::load(&FileLocations::new(
        generated("large/config"),
        generated("none"),
    ))
    .unwrap();
    let profiles = set.sections(SectionKind::Profile);
    assert_eq!(profiles.len(), 10_000);
    assert_eq!(set.sections(SectionKind::SsoSession).len(), 50);
    assert!(set.warnings().is_empty());
    let kinds = ["legacy-", "session-", "static-", "tuned-"];
    for kind in kinds {
        assert!(
            profiles.iter().any(|p| p.name().starts_with(kind)),
            "no {kind} profile"
        );
    }
    for profile in profiles.iter().filter(|p| p.name().starts_with("session-")) {
        let session = profile.get("sso_session").unwrap();
        assert!(
            set.sso_session(session).is_some(),
            "{} names a missing session",
            profile.name()
        );
        assert!(!profile.get("sso_role_name").unwrap().contains('#'));
    }
}

#[test]
fn dump_prints_the_suite_shape_and_fails_on_bad_files() {
    // `cargo test` builds the examples next to the test binaries' `deps/` folder.
    let exe = std::env::current_exe().unwrap();
    let dump_exe = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("dump{}", std::env::consts::EXE_SUFFIX));
    assert!(
        dump_exe.exists(),
        "{} was not built by cargo test",
        dump_exe.display()
    );
    let dump = |args: &[&str]| {
        std::process::Command::new(&dump_exe)
            .args(args)
            .output()
            .unwrap()
    };
    let config = generated("small/config");
    let out = dump(&["--config", config.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["config"]["profiles"]["legacy"]["sso_role_name"],
        "LegacyRole"
    );
    assert_eq!(
        json["config"]["sso_sessions"]["corp"]["sso_region"],
        "eu-west-1"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("config");
    std::fs::write(&bad, "[profile a]\n[profile b]junk\n").unwrap();
    let out = dump(&["--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: error parsing {0} on line 2: Profile definition must end with ']'\n  at {0}:2\n",
            bad.display()
        )
    );
}
