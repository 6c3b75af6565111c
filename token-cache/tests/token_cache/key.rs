//! Cache file names (SPEC §3.1), including the shared conformance vectors.

use std::fs;
use std::path::Path;

use ssokit_token_cache::{TokenCacheFile, cache_dir, cache_file_name};

use crate::conformance_dir;

#[test]
fn spec_vectors() {
    for (key, file) in [
        ("dev", "34c6fceca75e456f25e7e99531e2425c6c1de443.json"),
        ("my-sso", "0ad374308c5a4e22f723adf10145eafad7c4031c.json"),
        (
            "https://d-abc123.awsapps.com/start",
            "40a89917e3175433e361b710a9d43528d7f1890a.json",
        ),
        (
            "https://d-abc123.awsapps.com/start/",
            "efc31dacc9f40d3b937b7214601a881f4c2500c4.json",
        ),
    ] {
        assert_eq!(cache_file_name(key), file, "{key}");
    }
}

#[test]
fn conformance_cache_key_vectors() {
    let Some(dir) = conformance_dir("conformance_cache_key_vectors") else {
        return;
    };
    let path = dir.join("sso-token-provider/cache-key-vectors.json");
    let data: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let vectors = data["vectors"].as_array().unwrap();
    for vector in vectors {
        let identifier = vector["identifier"].as_str().unwrap();
        let file = vector["file"].as_str().unwrap();
        assert_eq!(cache_file_name(identifier), file, "{identifier}");
    }
    eprintln!("cache-key-vectors.json: {} vectors ran", vectors.len());
    assert!(
        !vectors.is_empty(),
        "no cache key vectors in {}",
        path.display()
    );
}

#[test]
fn file_path_is_cache_dir_and_name() {
    let file = TokenCacheFile::new(&cache_dir(Path::new("/home/u")), "my-sso");
    assert_eq!(
        file.path(),
        Path::new("/home/u/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json")
    );
}
