//! The setters the provider builders share. Every builder holds `config: ProviderConfig`,
//! `files: FileOptions` and `window: Duration`; the setters are defined once here and
//! listed by each builder, instead of a copy per provider.
//!
//! A macro rather than a generic type: the builders are consumed by value (`b.x().y()`),
//! so a shared inner builder could not lend its setters through `Deref`, and each builder
//! offers a different subset (the token builder has no credentials file or portal
//! endpoint).

/// Expands, inside a builder's `impl` block, to the listed setters. `expiry_window` takes
/// its doc text (the default differs per provider).
macro_rules! builder_setters {
    // The setters of a file-based credentials provider (SSO, profile).
    (@credentials_provider) => {
        $crate::builder::builder_setters!(
            profile_name,
            credentials_file,
            config_file,
            expiry_window = "The expiry window (default 15 s).",
            endpoint_url,
            oidc_endpoint_url,
            http_client,
            http_settings,
        );
    };
    ($($setter:ident $(= $doc:literal)?),* $(,)?) => {
        $( $crate::builder::builder_setters!(@one $setter $($doc)?); )*
    };
    (@one profile_name) => {
        /// The profile (v2 `profile`); else `AWS_PROFILE`, else `default`.
        pub fn profile_name(mut self, name: impl Into<String>) -> Self {
            self.files.profile = Some(name.into());
            self
        }
    };
    (@one credentials_file) => {
        /// The credentials file (v2 `filename`).
        pub fn credentials_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
            self.files.credentials_file = Some(path.into());
            self
        }
    };
    (@one config_file) => {
        /// The config file.
        pub fn config_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
            self.files.config_file = Some(path.into());
            self
        }
    };
    (@one expiry_window $doc:literal) => {
        #[doc = $doc]
        pub fn expiry_window(mut self, window: std::time::Duration) -> Self {
            self.window = window;
            self
        }
    };
    (@one endpoint_url) => {
        /// The SSO portal endpoint, set in code (wins over every configured override).
        pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
            self.config = self.config.with_portal_endpoint_url(url);
            self
        }
    };
    (@one oidc_endpoint_url) => {
        /// The SSO-OIDC endpoint for token refreshes, set in code (wins over every
        /// configured override).
        pub fn oidc_endpoint_url(mut self, url: impl Into<String>) -> Self {
            self.config = self.config.with_oidc_endpoint_url(url);
            self
        }
    };
    (@one http_client) => {
        /// The SSO client (v2 `ssoClient`).
        pub fn http_client(mut self, client: ssokit_sso_client::SsoClient) -> Self {
            self.config = self.config.with_http_client(client);
            self
        }
    };
    (@one http_settings) => {
        /// The HTTP settings (v2 `httpOptions`).
        pub fn http_settings(mut self, settings: ssokit_http::HttpSettings) -> Self {
            self.config = self.config.with_http_settings(settings);
            self
        }
    };
}

pub(crate) use builder_setters;
