//! The cross-SDK suites, read in place: profile-parser-tests.json and
//! file-location-tests.json.

use std::path::Path;

use serde_json::{Value, json};
use ssokit_config_parser::{Env, FileLocations, Home, Platform, selected_profile};

use crate::suite_json::as_suite_json;
use crate::{conformance_dir, parse_both};

fn load(name: &str) -> Option<Value> {
    let path = conformance_dir(name)?.join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap())
}

#[test]
fn profile_parser_suite() {
    let Some(suite) = load("profile-parser-tests.json") else {
        return;
    };
    let mut ran = 0;
    for case in suite["tests"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let config = case["input"]["configFile"].as_str().unwrap_or("");
        let credentials = case["input"]["credentialsFile"].as_str().unwrap_or("");
        let result = parse_both(config, credentials);
        let output = &case["output"];
        if let Some(expected) = output.get("errorContaining") {
            let error = result.expect_err(name).to_string();
            assert!(
                error.contains(expected.as_str().unwrap()),
                "{name}: {error}"
            );
        } else {
            let set = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut expected = output["config"].clone();
            if expected.get("sso_sessions").is_none() {
                expected["sso_sessions"] = json!({});
            }
            assert_eq!(as_suite_json(&set), expected, "{name}");
        }
        ran += 1;
    }
    eprintln!("profile-parser-tests.json: {ran} cases ran");
    assert!(ran >= 65, "only {ran} cases ran");
}

#[test]
fn file_location_suite() {
    let Some(suite) = load("file-location-tests.json") else {
        return;
    };
    let mut ran = 0;
    for case in suite["tests"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let env: Env = case["environment"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let platform = match case["platform"].as_str().unwrap() {
            "windows" => Platform::Windows,
            _ => Platform::Unix,
        };
        let home = Home::resolve(&env, None, platform).unwrap();
        let files = FileLocations::resolve(&env, &home, None, None);
        assert_eq!(
            files.config(),
            Path::new(case["configLocation"].as_str().unwrap()),
            "{name}"
        );
        assert_eq!(
            files.credentials(),
            Path::new(case["credentialsLocation"].as_str().unwrap()),
            "{name}"
        );
        if let Some(profile) = case.get("profile") {
            assert_eq!(
                selected_profile(None, &env),
                profile.as_str().unwrap(),
                "{name}"
            );
        }
        ran += 1;
    }
    eprintln!("file-location-tests.json: {ran} cases ran (Windows cases included)");
    assert!(ran >= 9, "only {ran} cases ran");
}
