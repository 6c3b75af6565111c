//! A [`ProfileSet`] in the conformance suite's `output.config` shape. The conformance
//! tests compare against it, and the `dump` example includes this file (`#[path]`) to
//! print it, so a case run by hand shows exactly what the suite compares.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use ssokit_config_parser::{ProfileSet, SectionKind};

/// The merged result in the suite's `output.config` shape: `{"profiles": {..},
/// "sso_sessions": {..}}`, each section's properties by name.
pub(crate) fn as_suite_json(set: &ProfileSet) -> Value {
    let dump = |kind| {
        set.sections(kind)
            .into_iter()
            .map(|section| {
                let properties: BTreeMap<&str, &str> =
                    section.properties().map(|p| (p.key(), p.value())).collect();
                (section.name().to_owned(), json!(properties))
            })
            .collect::<serde_json::Map<_, _>>()
    };
    json!({ "profiles": dump(SectionKind::Profile), "sso_sessions": dump(SectionKind::SsoSession) })
}
