//! Normalisation and merge: section kinds per file, sso-sessions, services, locations,
//! warnings, empty values and booleans.

use std::path::Path;

use crate::{parse_both, parse_config};
use ssokit_config_parser::SectionKind;

const CONFIG: &str = "\
[default]
region = us-west-2

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
services = local

[sso-session corp]
sso_start_url = https://d-abc123.awsapps.com/start
SSO_Region = eu-west-1
sso_registration_scopes = sso:account:access

[services local]
sso =
  endpoint_url = http://127.0.0.1:8080
sso-oidc =
  endpoint_url = http://127.0.0.1:8081
";

#[test]
fn sso_sessions_and_services_are_their_own_sections() {
    let set = parse_config(CONFIG).unwrap();
    let corp = set.sso_session("corp").unwrap();
    assert_eq!(corp.kind(), SectionKind::SsoSession);
    assert_eq!(corp.get("sso_region"), Some("eu-west-1"));
    assert_eq!(corp.location().to_string(), "/h/.aws/config:10");
    assert_eq!(corp.property("sso_region").unwrap().location().line(), 12);
    assert!(set.profile("corp").is_none());

    let local = set.services("local").unwrap();
    let sso = local.property("sso").unwrap();
    assert_eq!(
        sso.sub_property("endpoint_url"),
        Some("http://127.0.0.1:8080")
    );
    assert_eq!(
        local
            .property("sso-oidc")
            .unwrap()
            .sub_property("endpoint_url"),
        Some("http://127.0.0.1:8081")
    );
    assert_eq!(
        set.sections(SectionKind::Profile)
            .iter()
            .map(ssokit_config_parser::Section::name)
            .collect::<Vec<_>>(),
        ["default", "dev"]
    );
}

#[test]
fn credentials_file_wins_key_by_key_and_locations_follow_the_winner() {
    let set = parse_both(
        CONFIG,
        "[dev]\nsso_role_name = FromCreds\n\n[default]\naws_access_key_id = AKID\n",
    )
    .unwrap();
    let dev = set.profile("dev").unwrap();
    let role = dev.property("sso_role_name").unwrap();
    assert_eq!(role.value(), "FromCreds");
    assert_eq!(role.location().path(), Path::new("/h/.aws/credentials"));
    assert_eq!(role.location().line(), 2);
    assert_eq!(
        dev.property("sso_account_id")
            .unwrap()
            .location()
            .to_string(),
        "/h/.aws/config:6"
    );
    assert_eq!(dev.location().to_string(), "/h/.aws/config:4");
    assert_eq!(
        set.profile("default").unwrap().get("aws_access_key_id"),
        Some("AKID")
    );
}

#[test]
fn a_profile_only_in_the_credentials_file_is_located_there() {
    let set = parse_both("", "\n[only]\nx = 1\n").unwrap();
    assert_eq!(
        set.profile("only").unwrap().location().to_string(),
        "/h/.aws/credentials:2"
    );
}

#[test]
fn empty_values_count_as_absent_but_stay_visible() {
    let set = parse_config("[profile a]\nsso_role_name =\nregion = \n").unwrap();
    let a = set.profile("a").unwrap();
    assert_eq!(a.get("sso_role_name"), None);
    assert_eq!(a.property("sso_role_name").map(|p| p.value()), Some(""));
    assert_eq!(a.get("region"), None);
}

#[test]
fn booleans_accept_true_and_false_in_any_case() {
    let set = parse_config("[profile a]\nx = TRUE\ny = False\nz =\nbad = yes\n").unwrap();
    let a = set.profile("a").unwrap();
    assert_eq!(a.get_bool("x"), Ok(Some(true)));
    assert_eq!(a.get_bool("y"), Ok(Some(false)));
    assert_eq!(a.get_bool("z"), Ok(None));
    assert_eq!(a.get_bool("missing"), Ok(None));
    let error = a.get_bool("bad").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid value \"yes\" for bad: expected true or false"
    );
    assert_eq!(error.name(), "bad");
    assert_eq!(error.location().unwrap().to_string(), "/h/.aws/config:5");
}

#[test]
fn dropped_sections_and_keys_are_reported_as_warnings() {
    let set = parse_both(
        "[profile ok]\nin valid = 1\n[sso-sesion typo]\n[foo]\n[profile bad!]\n[sso-session my dev]\n[profile default]\n[default]\n",
        "[profile x]\n[in valid]\n",
    )
    .unwrap();
    let warnings: Vec<String> = set.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "/h/.aws/config:2: property `in valid` ignored: `in valid` is not a valid property name",
            "/h/.aws/config:3: section [sso-sesion typo] ignored: `sso-sesion` is not a section type (profile, sso-session, services)",
            "/h/.aws/config:4: section [foo] ignored: profiles in the config file need the `profile` prefix, as in [profile foo]",
            "/h/.aws/config:5: section [profile bad!] ignored: `bad!` is not a valid name (use letters, digits and _-/.%@:+)",
            "/h/.aws/config:6: section [sso-session my dev] ignored: `my dev` is not a valid name (use letters, digits and _-/.%@:+)",
            "/h/.aws/config:8: section [default] ignored: [profile default] is also defined and takes priority",
            "/h/.aws/credentials:1: section [profile x] ignored: the credentials file takes [x] without the `profile` prefix",
            "/h/.aws/credentials:2: section [in valid] ignored: `in valid` is not a valid name (use letters, digits and _-/.%@:+)",
        ]
    );
    assert_eq!(set.sections(SectionKind::Profile).len(), 2);
    assert!(set.sso_session("my dev").is_none());
}

#[test]
fn names_are_case_sensitive_and_keys_are_lowercased() {
    let set =
        parse_config("[profile A]\nSSO_Start_URL = x\n[profile a]\nsso_start_url = y\n").unwrap();
    assert_eq!(set.profile("A").unwrap().get("sso_start_url"), Some("x"));
    assert_eq!(set.profile("a").unwrap().get("sso_start_url"), Some("y"));
    assert_eq!(
        set.profile("A")
            .unwrap()
            .properties()
            .map(|p| p.key())
            .collect::<Vec<_>>(),
        ["sso_start_url"]
    );
}

#[test]
fn debug_output_never_shows_values() {
    let set = parse_both(
        "[profile a]\nx = 1\n",
        "[a]\naws_secret_access_key = TOPSECRET\n",
    )
    .unwrap();
    let a = set.profile("a").unwrap();
    let rendered = format!(
        "{set:?} {a:?} {:?}",
        a.property("aws_secret_access_key").unwrap()
    );
    assert!(!rendered.contains("TOPSECRET"), "{rendered}");
    assert!(rendered.contains("aws_secret_access_key"), "{rendered}");
}
