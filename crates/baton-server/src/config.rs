//! The server's settings: an optional TOML file, then `BATON_*` environment variables over it.
//!
//! ```toml
//! listen = "127.0.0.1:8080"            # BATON_LISTEN
//! database_url = "baton.db"            # BATON_DATABASE_URL (as the CLI)
//! public_url = "https://baton.example.org"  # BATON_PUBLIC_URL: the origin browsers see
//! log_format = "json"                  # BATON_LOG_FORMAT: text | json
//! max_body_bytes = 67108864            # BATON_MAX_BODY_BYTES
//! pool_size = 4                        # BATON_POOL_SIZE
//! pool_timeout = "10s"                 # BATON_POOL_TIMEOUT
//! session_lifetime = "12h"             # BATON_SESSION_LIFETIME
//! shutdown_grace = "30s"               # BATON_SHUTDOWN_GRACE
//! trusted_proxies = ["10.0.0.0/8"]     # BATON_TRUSTED_PROXIES (comma-separated)
//! audit_key = "audit.key"              # BATON_AUDIT_KEY
//! # BATON_SIEM=file:PATH or tcp:HOST:PORT (environment only): every committed audit event, as
//! # a JSON line appended to PATH or an RFC 5424 message to a syslog collector.
//!
//! [tls]
//! cert = "cert.pem"                    # BATON_TLS_CERT
//! key = "key.pem"                      # BATON_TLS_KEY
//!
//! [cookies]
//! secure = true                        # BATON_COOKIE_SECURE (default: on with TLS)
//!
//! [oidc.hospital]                      # BATON_OIDC_HOSPITAL_*
//! issuer = "https://idp.example.org"   # _ISSUER
//! client_id = "baton"                  # _CLIENT_ID
//! client_secret_file = "secret.txt"    # _CLIENT_SECRET_FILE, or _CLIENT_SECRET
//! redirect_url = "https://baton.example.org/api/v1/auth/oidc/hospital/callback"  # _REDIRECT_URL
//! scopes = ["openid", "email"]         # _SCOPES (comma-separated)
//! ```
//!
//! Relative paths in the file are taken from the file's directory. Secrets are kept in [`Secret`],
//! whose `Debug` prints `***`; the database URL's password is redacted the same way.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE: &str = "baton.db";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// `origin` is the file or `environment`; `key` the TOML key or the variable.
    #[error("{origin}: {key}: {message}")]
    Invalid {
        origin: String,
        key: String,
        message: String,
    },
}

/// A value never shown in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A database URL as the store takes it; `Debug` hides a PostgreSQL password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> DatabaseUrl {
        DatabaseUrl(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn redacted(&self) -> String {
        baton_store::Target::parse(&self.0).redacted()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<LogFormat, String> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("expected `text` or `json`, got `{s}`")),
        }
    }
}

/// An address range `ADDR/BITS` (or one address) whose X-Forwarded-For is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) compare as IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

impl FromStr for IpNet {
    type Err = String;
    fn from_str(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr = canonical(
            addr.parse::<IpAddr>()
                .map_err(|_| format!("`{s}` is not an IP address or ADDR/BITS range"))?,
        );
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{s}`: prefix length must be 0..={max}"))?,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl<'de> Deserialize<'de> for IpNet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IpNet, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `90`, `90s`, `15m`, `12h` or `7d`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as 90s, 15m, 12h or 7d"))?;
    let unit = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("`{s}`: unit must be s, m, h or d")),
    };
    n.checked_mul(unit)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{s}` is too long"))
}

#[derive(Debug, Clone, Copy)]
struct HumanDuration(Duration);

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<HumanDuration, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Secs(n) => Ok(HumanDuration(Duration::from_secs(n))),
            Raw::Text(s) => parse_duration(&s)
                .map(HumanDuration)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProviderConfig {
    /// The provider's name in URLs and settings (`[oidc.NAME]`): lowercase letters, digits, `-`.
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    /// None for a public client (PKCE alone).
    pub client_secret: Option<Secret>,
    pub redirect_url: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database_url: DatabaseUrl,
    /// The origin browsers use (`https://host[:port]`), checked against `Origin` on unsafe
    /// cookie-authenticated requests; without it the `Host` header's origin is used.
    pub public_url: Option<String>,
    pub log_format: LogFormat,
    pub max_body_bytes: usize,
    pub pool_size: usize,
    pub pool_timeout: Duration,
    pub session_lifetime: Duration,
    pub shutdown_grace: Duration,
    pub trusted_proxies: Vec<IpNet>,
    pub audit_key: Option<PathBuf>,
    /// Where committed audit events are also sent (`BATON_SIEM=file:PATH|tcp:HOST:PORT`).
    pub siem: Option<baton_store::Siem>,
    pub tls: Option<TlsFiles>,
    /// `Secure` on the session cookies: on with TLS unless set (e.g. behind a TLS proxy).
    pub cookie_secure: bool,
    pub oidc: Vec<OidcProviderConfig>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: DatabaseUrl::new(DEFAULT_DATABASE),
            public_url: None,
            log_format: LogFormat::Text,
            max_body_bytes: 64 << 20,
            pool_size: 4,
            pool_timeout: Duration::from_secs(10),
            session_lifetime: Duration::from_secs(12 * 3600),
            shutdown_grace: Duration::from_secs(30),
            trusted_proxies: Vec::new(),
            audit_key: None,
            siem: None,
            tls: None,
            cookie_secure: false,
            oidc: Vec::new(),
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    public_url: Option<String>,
    log_format: Option<LogFormat>,
    max_body_bytes: Option<usize>,
    pool_size: Option<usize>,
    pool_timeout: Option<HumanDuration>,
    session_lifetime: Option<HumanDuration>,
    shutdown_grace: Option<HumanDuration>,
    trusted_proxies: Option<Vec<IpNet>>,
    audit_key: Option<PathBuf>,
    tls: Option<RawTls>,
    cookies: Option<RawCookies>,
    #[serde(default)]
    oidc: BTreeMap<String, RawOidc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCookies {
    secure: Option<bool>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOidc {
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_secret_file: Option<PathBuf>,
    redirect_url: Option<String>,
    scopes: Option<Vec<String>>,
}

/// Where a value came from, for messages.
#[derive(Clone)]
enum Origin {
    File(PathBuf),
    Env,
}

impl Origin {
    fn err(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            origin: match self {
                Origin::File(p) => p.display().to_string(),
                Origin::Env => "environment".to_string(),
            },
            key: key.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Default)]
struct OidcDraft {
    issuer: Option<(String, Origin)>,
    client_id: Option<String>,
    client_secret: Option<(Secret, Origin)>,
    client_secret_file: Option<(PathBuf, Origin)>,
    redirect_url: Option<(String, Origin)>,
    scopes: Option<(Vec<String>, Origin)>,
}

impl ServerConfig {
    /// Read `file` (or the file named by `BATON_CONFIG`, if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<ServerConfig, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let from_env = env
            .iter()
            .find(|(k, _)| k == "BATON_CONFIG")
            .map(|(_, v)| PathBuf::from(v));
        ServerConfig::from_sources(file.map(Path::to_path_buf).or(from_env).as_deref(), env)
    }

    /// Read `file` if given, then apply `env` (pairs such as `("BATON_LISTEN", "0.0.0.0:8080")`;
    /// other variables are ignored).
    pub fn from_sources(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ServerConfig, ConfigError> {
        let (raw, file_origin, base) = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                let raw: RawFile = toml::from_str(&text).map_err(|e| ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                (raw, Origin::File(path.to_path_buf()), base)
            }
            None => (RawFile::default(), Origin::Env, PathBuf::new()),
        };
        let rel = |p: PathBuf| if p.is_relative() { base.join(p) } else { p };

        let mut c = ServerConfig::default();
        let f = &file_origin;
        if let Some(v) = raw.listen {
            c.listen = v;
        }
        if let Some(v) = raw.database_url {
            c.database_url = DatabaseUrl::new(v);
        }
        let mut public_url = raw.public_url.map(|v| (v, f.clone()));
        if let Some(v) = raw.log_format {
            c.log_format = v;
        }
        let mut max_body = raw.max_body_bytes.map(|v| (v, f.clone()));
        let mut pool_size = raw.pool_size.map(|v| (v, f.clone()));
        if let Some(v) = raw.pool_timeout {
            c.pool_timeout = v.0;
        }
        if let Some(v) = raw.session_lifetime {
            c.session_lifetime = v.0;
        }
        if let Some(v) = raw.shutdown_grace {
            c.shutdown_grace = v.0;
        }
        if let Some(v) = raw.trusted_proxies {
            c.trusted_proxies = v;
        }
        c.audit_key = raw.audit_key.map(rel);
        let raw_tls = raw.tls.unwrap_or_default();
        let mut tls_cert = raw_tls.cert.map(rel);
        let mut tls_key = raw_tls.key.map(rel);
        let mut cookie_secure = raw.cookies.and_then(|c| c.secure);
        let mut oidc: BTreeMap<String, OidcDraft> = BTreeMap::new();
        for (name, o) in raw.oidc {
            let d = oidc.entry(name).or_default();
            d.issuer = o.issuer.map(|v| (v, f.clone()));
            d.client_id = o.client_id;
            d.client_secret = o.client_secret.map(|v| (Secret(v), f.clone()));
            d.client_secret_file = o.client_secret_file.map(|v| (rel(v), f.clone()));
            d.redirect_url = o.redirect_url.map(|v| (v, f.clone()));
            d.scopes = o.scopes.map(|v| (v, f.clone()));
        }

        let e = Origin::Env;
        for (var, value) in env {
            let Some(key) = var.strip_prefix("BATON_") else {
                continue;
            };
            let parse_err = |m: String| e.err(&var, m);
            match key {
                "LISTEN" => {
                    c.listen = value.parse().map_err(|_| {
                        parse_err(format!(
                            "`{value}` is not an ADDRESS:PORT such as {DEFAULT_LISTEN}"
                        ))
                    })?
                }
                "DATABASE_URL" => c.database_url = DatabaseUrl::new(value),
                "PUBLIC_URL" => public_url = Some((value, e.clone())),
                "LOG_FORMAT" => c.log_format = value.parse().map_err(parse_err)?,
                "MAX_BODY_BYTES" => {
                    let n = value
                        .parse()
                        .map_err(|_| parse_err(format!("`{value}` is not a number of bytes")))?;
                    max_body = Some((n, e.clone()));
                }
                "POOL_SIZE" => {
                    let n = value
                        .parse()
                        .map_err(|_| parse_err(format!("`{value}` is not a number")))?;
                    pool_size = Some((n, e.clone()));
                }
                "POOL_TIMEOUT" => c.pool_timeout = parse_duration(&value).map_err(parse_err)?,
                "SESSION_LIFETIME" => {
                    c.session_lifetime = parse_duration(&value).map_err(parse_err)?
                }
                "SHUTDOWN_GRACE" => c.shutdown_grace = parse_duration(&value).map_err(parse_err)?,
                "TRUSTED_PROXIES" => {
                    c.trusted_proxies = value
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(str::parse)
                        .collect::<Result<_, _>>()
                        .map_err(parse_err)?
                }
                "AUDIT_KEY" => c.audit_key = Some(PathBuf::from(value)),
                "SIEM" => {
                    c.siem = Some(
                        baton_store::Siem::parse(&value).map_err(|e| parse_err(e.to_string()))?,
                    )
                }
                "TLS_CERT" => tls_cert = Some(PathBuf::from(value)),
                "TLS_KEY" => tls_key = Some(PathBuf::from(value)),
                "COOKIE_SECURE" => {
                    cookie_secure = Some(parse_bool(&value).map_err(parse_err)?);
                }
                _ => {
                    if let Some(rest) = key.strip_prefix("OIDC_") {
                        let (name, field) = split_oidc_var(rest).ok_or_else(|| {
                            parse_err(
                                "expected BATON_OIDC_<NAME>_{ISSUER,CLIENT_ID,CLIENT_SECRET,\
                                 CLIENT_SECRET_FILE,REDIRECT_URL,SCOPES}"
                                    .into(),
                            )
                        })?;
                        let d = oidc.entry(name).or_default();
                        match field {
                            "ISSUER" => d.issuer = Some((value, e.clone())),
                            "CLIENT_ID" => d.client_id = Some(value),
                            "CLIENT_SECRET" => d.client_secret = Some((Secret(value), e.clone())),
                            "CLIENT_SECRET_FILE" => {
                                d.client_secret_file = Some((PathBuf::from(value), e.clone()))
                            }
                            "REDIRECT_URL" => d.redirect_url = Some((value, e.clone())),
                            _ => {
                                let scopes = value
                                    .split([',', ' '])
                                    .filter(|s| !s.is_empty())
                                    .map(str::to_string)
                                    .collect();
                                d.scopes = Some((scopes, e.clone()))
                            }
                        }
                    }
                    // Other BATON_* variables belong to the CLI.
                }
            }
        }

        if let Some((v, o)) = max_body {
            if v == 0 {
                return Err(o.err(&key_name(&o, "max_body_bytes"), "must be more than 0"));
            }
            c.max_body_bytes = v;
        }
        if let Some((v, o)) = pool_size {
            if !(1..=64).contains(&v) {
                return Err(o.err(&key_name(&o, "pool_size"), "must be 1..=64"));
            }
            c.pool_size = v;
        }
        if let Some((v, o)) = public_url {
            c.public_url =
                Some(normalize_origin(&v).map_err(|m| o.err(&key_name(&o, "public_url"), m))?);
        }
        c.tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(f.err(
                    "tls.key (BATON_TLS_KEY)",
                    "a TLS certificate is set but no key",
                ));
            }
            (None, Some(_)) => {
                return Err(f.err(
                    "tls.cert (BATON_TLS_CERT)",
                    "a TLS key is set but no certificate",
                ));
            }
        };
        c.cookie_secure = cookie_secure.unwrap_or(c.tls.is_some());
        for (name, d) in oidc {
            c.oidc.push(finish_oidc(name, d, f)?);
        }
        Ok(c)
    }
}

fn key_name(origin: &Origin, toml_key: &str) -> String {
    match origin {
        Origin::File(_) => toml_key.to_string(),
        Origin::Env => format!("BATON_{}", toml_key.to_uppercase()),
    }
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("`{s}` is not true or false")),
    }
}

/// `HOSPITAL_A_CLIENT_SECRET_FILE` → (`hospital-a`, `CLIENT_SECRET_FILE`); the longest field wins.
fn split_oidc_var(rest: &str) -> Option<(String, &str)> {
    const FIELDS: [&str; 6] = [
        "CLIENT_SECRET_FILE",
        "CLIENT_SECRET",
        "REDIRECT_URL",
        "CLIENT_ID",
        "ISSUER",
        "SCOPES",
    ];
    FIELDS.iter().find_map(|field| {
        let name = rest.strip_suffix(field)?.strip_suffix('_')?;
        (!name.is_empty()).then(|| (name.to_ascii_lowercase().replace('_', "-"), *field))
    })
}

fn normalize_origin(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return Err(format!(
            "`{url}` must be an origin only (scheme://host[:port]), no path"
        ));
    }
    Ok(url.to_ascii_lowercase())
}

fn finish_oidc(
    name: String,
    d: OidcDraft,
    file: &Origin,
) -> Result<OidcProviderConfig, ConfigError> {
    let env_key = |field: &str| {
        format!(
            "oidc.{name}.{field} (BATON_OIDC_{}_{})",
            name.to_ascii_uppercase().replace('-', "_"),
            field.to_ascii_uppercase()
        )
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(file.err(
            &format!("oidc.{name}"),
            "provider names use lowercase letters, digits and '-'",
        ));
    }
    let (issuer, io) = d
        .issuer
        .ok_or_else(|| file.err(&env_key("issuer"), "missing"))?;
    crate::oidc::check_url(&issuer).map_err(|m| io.err(&env_key("issuer"), m))?;
    let client_id = d
        .client_id
        .ok_or_else(|| file.err(&env_key("client_id"), "missing"))?;
    let (redirect_url, ro) = d
        .redirect_url
        .ok_or_else(|| file.err(&env_key("redirect_url"), "missing"))?;
    crate::oidc::check_url(&redirect_url).map_err(|m| ro.err(&env_key("redirect_url"), m))?;
    let client_secret = match (d.client_secret, d.client_secret_file) {
        (Some(_), Some((_, o))) => {
            return Err(o.err(
                &env_key("client_secret_file"),
                "set either client_secret or client_secret_file, not both",
            ));
        }
        (Some((s, _)), None) => Some(s),
        (None, Some((path, o))) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                o.err(
                    &env_key("client_secret_file"),
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            Some(Secret(text.trim_end_matches(['\r', '\n']).to_string()))
        }
        (None, None) => None,
    };
    let scopes = match d.scopes {
        None => vec!["openid".into(), "email".into(), "profile".into()],
        Some((s, o)) => {
            if !s.iter().any(|s| s == "openid") {
                return Err(o.err(&env_key("scopes"), "must include `openid`"));
            }
            s
        }
    };
    Ok(OidcProviderConfig {
        name,
        issuer,
        client_id,
        client_secret,
        redirect_url,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn defaults_listen_on_loopback() {
        let c = ServerConfig::from_sources(None, env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.database_url.expose(), DEFAULT_DATABASE);
        assert!(c.tls.is_none());
        assert!(!c.cookie_secure);
    }

    #[test]
    fn file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "baton.toml",
            r#"
listen = "0.0.0.0:9000"
database_url = "postgres://baton:pw@db/baton"
session_lifetime = "8h"
trusted_proxies = ["10.0.0.0/8", "::1"]
[tls]
cert = "cert.pem"
key = "/etc/baton/key.pem"
"#,
        );
        let c = ServerConfig::from_sources(
            Some(&file),
            env(&[("BATON_LISTEN", "127.0.0.1:9443"), ("PATH", "/bin")]),
        )
        .unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9443");
        assert_eq!(c.session_lifetime, Duration::from_secs(8 * 3600));
        let tls = c.tls.as_ref().unwrap();
        assert_eq!(tls.cert, dir.path().join("cert.pem"));
        assert_eq!(tls.key, PathBuf::from("/etc/baton/key.pem"));
        assert!(c.cookie_secure, "Secure follows TLS");
        assert!(c.trusted_proxies[0].contains("10.1.2.3".parse().unwrap()));
        assert!(!c.trusted_proxies[0].contains("11.1.2.3".parse().unwrap()));
        assert!(c.trusted_proxies[1].contains("::1".parse().unwrap()));
        // Debug hides the database password.
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("pw"), "{dbg}");
        assert!(dbg.contains("baton:***@db"), "{dbg}");
    }

    #[test]
    fn errors_name_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "bad.toml", "listen = \"nowhere\"\n");
        let err = ServerConfig::from_sources(Some(&file), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml") && err.contains("listen"), "{err}");

        let file = write(dir.path(), "typo.toml", "lisen = \"127.0.0.1:1\"\n");
        let err = ServerConfig::from_sources(Some(&file), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("typo.toml") && err.contains("lisen"), "{err}");

        let err = ServerConfig::from_sources(None, env(&[("BATON_SESSION_LIFETIME", "soon")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("BATON_SESSION_LIFETIME"), "{err}");

        let err = ServerConfig::from_sources(None, env(&[("BATON_TLS_CERT", "c.pem")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("BATON_TLS_KEY"), "{err}");

        let missing = dir.path().join("absent.toml");
        let err = ServerConfig::from_sources(Some(&missing), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("absent.toml"), "{err}");
    }

    #[test]
    fn oidc_from_file_and_env_with_secret_redacted() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "secret.txt", "s3cr3t-value\n");
        let file = write(
            dir.path(),
            "baton.toml",
            r#"
[oidc.hospital-a]
issuer = "https://idp.example.org"
client_id = "baton"
client_secret_file = "secret.txt"
redirect_url = "https://baton.example.org/cb"
"#,
        );
        let c = ServerConfig::from_sources(
            Some(&file),
            env(&[
                ("BATON_OIDC_HOSPITAL_A_SCOPES", "openid,email"),
                ("BATON_OIDC_CLINIC_ISSUER", "https://login.clinic.example"),
                ("BATON_OIDC_CLINIC_CLIENT_ID", "c1"),
                ("BATON_OIDC_CLINIC_CLIENT_SECRET", "env-secret"),
                (
                    "BATON_OIDC_CLINIC_REDIRECT_URL",
                    "https://baton.example.org/cb2",
                ),
            ]),
        )
        .unwrap();
        assert_eq!(c.oidc.len(), 2);
        let clinic = &c.oidc[0];
        assert_eq!(clinic.name, "clinic");
        assert_eq!(
            clinic.client_secret.as_ref().unwrap().expose(),
            "env-secret"
        );
        let a = &c.oidc[1];
        assert_eq!(a.name, "hospital-a");
        assert_eq!(a.client_secret.as_ref().unwrap().expose(), "s3cr3t-value");
        assert_eq!(a.scopes, ["openid", "email"]);
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("s3cr3t") && !dbg.contains("env-secret"),
            "{dbg}"
        );
    }

    #[test]
    fn oidc_errors() {
        let err = ServerConfig::from_sources(
            None,
            env(&[("BATON_OIDC_X_ISSUER", "https://idp.example.org")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("BATON_OIDC_X_CLIENT_ID"), "{err}");

        let err = ServerConfig::from_sources(None, env(&[("BATON_OIDC_X_COLOUR", "blue")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("BATON_OIDC_X_COLOUR"), "{err}");

        let err = ServerConfig::from_sources(
            None,
            env(&[
                ("BATON_OIDC_X_ISSUER", "http://idp.example.org"),
                ("BATON_OIDC_X_CLIENT_ID", "c"),
                ("BATON_OIDC_X_REDIRECT_URL", "https://b.example/cb"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("https"), "plain http only on loopback: {err}");
    }

    #[test]
    fn durations_and_nets() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("7d").unwrap(), Duration::from_secs(604800));
        assert!(parse_duration("5w").is_err());
        assert!(parse_duration("").is_err());
        let net: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(net.contains("203.0.113.9".parse().unwrap()));
        assert!(net.contains("::ffff:203.0.113.9".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert_eq!(
            normalize_origin("https://Baton.example.org/").unwrap(),
            "https://baton.example.org"
        );
        assert!(normalize_origin("https://baton.example.org/app").is_err());
    }
}
