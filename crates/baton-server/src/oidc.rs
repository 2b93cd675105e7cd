//! OpenID Connect relying party: authorization code flow with PKCE (S256), `state` and `nonce`.
//!
//! [`OidcClient::discover`] reads the provider's discovery document and keys;
//! [`OidcClient::authorize`] gives the URL to send the browser to and a [`PendingLogin`] to keep
//! server-side (in [`PendingLogins`], keyed by `state`, with the state also in a short-lived cookie
//! so the callback is bound to the browser that started it); [`OidcClient::finish`] exchanges the
//! code and verifies the ID token, returning an [`OidcIdentity`].
//!
//! ID-token signatures are checked with `ring` (already built for rustls): RS256 and ES256 only,
//! the algorithm must match the key's type, and `none`/HMAC are refused. HTTP goes through a
//! blocking `ureq` agent on tokio's blocking threads. Plain `http://` is accepted only for loopback
//! hosts (tests, a provider on the same machine).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::config::{OidcProviderConfig, Secret};
use crate::session::random_token;

/// Allowed clock difference between us and the provider.
pub const LEEWAY_SECS: i64 = 60;
/// How long a started sign-in may take.
pub const PENDING_TTL: Duration = Duration::from_secs(600);
const MAX_RESPONSE_BYTES: u64 = 1 << 20;
/// Fetch the keys again on an unknown `kid` (rotation), but not more often than this.
const JWKS_REFRESH_MIN: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("OpenID provider setting: {0}")]
    Config(String),
    #[error("request to {url} failed: {message}")]
    Http { url: String, message: String },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("discovery document: {0}")]
    Discovery(String),
    #[error("token endpoint refused the code: {error}")]
    TokenEndpoint {
        error: String,
        description: Option<String>,
    },
    #[error("ID token rejected: {0}")]
    InvalidToken(String),
    #[error("no sign-in is pending for this state (expired, used, or never started)")]
    UnknownState,
    #[error("too many sign-ins pending")]
    TooManyPending,
    #[error(transparent)]
    Random(#[from] crate::session::RandomError),
    #[error("OpenID task failed: {0}")]
    Task(String),
}

/// `https://…`, or `http://` to a loopback host.
pub fn check_url(url: &str) -> Result<(), String> {
    if let Some(rest) = url.strip_prefix("https://") {
        return if rest.is_empty() {
            Err(format!("`{url}` has no host"))
        } else {
            Ok(())
        };
    }
    if let Some(rest) = url.strip_prefix("http://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        return if matches!(host, "127.0.0.1" | "localhost" | "::1") {
            Ok(())
        } else {
            Err(format!(
                "`{url}` must use https (plain http only on loopback)"
            ))
        };
    }
    Err(format!("`{url}` must be an https:// URL"))
}

/// The parts of the discovery document we use.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// One key of a JWK set; keys of other types are kept and never match.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// What a verified ID token says about the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// Only a verified email should ever be used to link to an existing Baton user.
    pub email_verified: bool,
}

/// A started sign-in, kept server-side until the callback.
pub struct PendingLogin {
    pub provider: String,
    pub state: String,
    nonce: Secret,
    verifier: Secret,
    created: Instant,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl PendingLogin {
    pub fn nonce(&self) -> &str {
        self.nonce.expose()
    }
}

pub struct AuthorizationRequest {
    /// Where to redirect the browser.
    pub url: String,
    pub pending: PendingLogin,
}

/// Pending sign-ins by `state`, in memory, expiring after [`PENDING_TTL`].
pub struct PendingLogins {
    map: Mutex<HashMap<String, PendingLogin>>,
    max: usize,
}

impl Default for PendingLogins {
    fn default() -> PendingLogins {
        PendingLogins::new(10_000)
    }
}

impl PendingLogins {
    pub fn new(max: usize) -> PendingLogins {
        PendingLogins {
            map: Mutex::new(HashMap::new()),
            max,
        }
    }

    pub fn insert(&self, pending: PendingLogin) -> Result<(), OidcError> {
        let mut map = self
            .map
            .lock()
            .map_err(|_| OidcError::Task("pending sign-ins lock poisoned".into()))?;
        if map.len() >= self.max {
            map.retain(|_, p| p.created.elapsed() < PENDING_TTL);
            if map.len() >= self.max {
                return Err(OidcError::TooManyPending);
            }
        }
        map.insert(pending.state.clone(), pending);
        Ok(())
    }

    /// Remove and return the sign-in for `state` (single use). `cookie_state` is the state the
    /// browser carried in its cookie; both must agree, so a callback URL made for another
    /// browser cannot sign this one in.
    pub fn take(&self, state: &str, cookie_state: Option<&str>) -> Result<PendingLogin, OidcError> {
        let same = cookie_state.is_some_and(|c| bool::from(c.as_bytes().ct_eq(state.as_bytes())));
        if !same {
            return Err(OidcError::UnknownState);
        }
        let mut map = self
            .map
            .lock()
            .map_err(|_| OidcError::Task("pending sign-ins lock poisoned".into()))?;
        match map.remove(state) {
            Some(p) if p.created.elapsed() < PENDING_TTL => Ok(p),
            _ => Err(OidcError::UnknownState),
        }
    }
}

struct Keys {
    set: Vec<Jwk>,
    fetched: Instant,
}

struct Inner {
    config: OidcProviderConfig,
    metadata: ProviderMetadata,
    agent: ureq::Agent,
    keys: Mutex<Keys>,
}

/// A discovered provider. Cheap to clone.
#[derive(Clone)]
pub struct OidcClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcClient")
            .field("provider", &self.inner.config.name)
            .field("issuer", &self.inner.metadata.issuer)
            .finish()
    }
}

fn is_loopback_url(url: &str) -> bool {
    url.starts_with("http://")
}

fn agent_for(issuer: &str) -> ureq::Agent {
    // Loopback providers never go through a proxy.
    let proxy = if is_loopback_url(issuer) {
        None
    } else {
        ureq::Proxy::try_from_env()
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(proxy)
        .timeout_global(Some(Duration::from_secs(15)))
        .max_redirects(0)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .build();
    ureq::Agent::new_with_config(config)
}

fn read_json<T: serde::de::DeserializeOwned>(
    url: &str,
    res: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, Result<T, String>), OidcError> {
    let mut res = res.map_err(|e| OidcError::Http {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    let status = res.status().as_u16();
    let text = res
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_string()
        .map_err(|e| OidcError::Http {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    Ok((
        status,
        serde_json::from_str(&text).map_err(|e| e.to_string()),
    ))
}

fn get_json<T: serde::de::DeserializeOwned>(
    agent: &ureq::Agent,
    url: &str,
) -> Result<T, OidcError> {
    let res = agent.get(url).header("Accept", "application/json").call();
    match read_json::<T>(url, res)? {
        (200, Ok(v)) => Ok(v),
        (200, Err(e)) => Err(OidcError::Discovery(format!("{url}: {e}"))),
        (status, _) => Err(OidcError::Status {
            url: url.to_string(),
            status,
        }),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, OidcError> + Send + 'static,
) -> Result<T, OidcError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| OidcError::Task(e.to_string()))?
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl OidcClient {
    /// Fetch `{issuer}/.well-known/openid-configuration` and the provider's keys.
    pub async fn discover(config: OidcProviderConfig) -> Result<OidcClient, OidcError> {
        check_url(&config.issuer).map_err(OidcError::Config)?;
        blocking(move || {
            let agent = agent_for(&config.issuer);
            let url = format!(
                "{}/.well-known/openid-configuration",
                config.issuer.trim_end_matches('/')
            );
            let metadata: ProviderMetadata = get_json(&agent, &url)?;
            if metadata.issuer != config.issuer {
                return Err(OidcError::Discovery(format!(
                    "issuer is `{}`, expected `{}`",
                    metadata.issuer, config.issuer
                )));
            }
            for (what, u) in [
                ("authorization_endpoint", &metadata.authorization_endpoint),
                ("token_endpoint", &metadata.token_endpoint),
                ("jwks_uri", &metadata.jwks_uri),
            ] {
                check_url(u).map_err(|m| OidcError::Discovery(format!("{what}: {m}")))?;
            }
            if let Some(methods) = &metadata.code_challenge_methods_supported
                && !methods.iter().any(|m| m == "S256")
            {
                return Err(OidcError::Discovery(
                    "the provider does not support PKCE with S256".into(),
                ));
            }
            let set: JwkSet = get_json(&agent, &metadata.jwks_uri)?;
            Ok(OidcClient {
                inner: Arc::new(Inner {
                    config,
                    metadata,
                    agent,
                    keys: Mutex::new(Keys {
                        set: set.keys,
                        fetched: Instant::now(),
                    }),
                }),
            })
        })
        .await
    }

    pub fn name(&self) -> &str {
        &self.inner.config.name
    }

    pub fn metadata(&self) -> &ProviderMetadata {
        &self.inner.metadata
    }

    /// Start a sign-in: fresh `state`, `nonce` and PKCE verifier, and the authorization URL.
    pub fn authorize(&self) -> Result<AuthorizationRequest, OidcError> {
        let c = &self.inner.config;
        let state = random_token(32)?;
        let nonce = random_token(32)?;
        let verifier = random_token(32)?;
        let challenge = pkce_challenge(&verifier);
        let scope = c.scopes.join(" ");
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &c.client_id)
            .append_pair("redirect_uri", &c.redirect_url)
            .append_pair("scope", &scope)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        let endpoint = &self.inner.metadata.authorization_endpoint;
        let sep = if endpoint.contains('?') { '&' } else { '?' };
        Ok(AuthorizationRequest {
            url: format!("{endpoint}{sep}{query}"),
            pending: PendingLogin {
                provider: c.name.clone(),
                state,
                nonce: Secret::new(nonce),
                verifier: Secret::new(verifier),
                created: Instant::now(),
            },
        })
    }

    /// Exchange the authorization `code` for tokens and verify the ID token against `pending`.
    pub async fn finish(
        &self,
        pending: PendingLogin,
        code: &str,
    ) -> Result<OidcIdentity, OidcError> {
        if pending.provider != self.inner.config.name {
            return Err(OidcError::UnknownState);
        }
        let client = self.clone();
        let code = code.to_string();
        blocking(move || {
            let id_token = client.exchange(&code, pending.verifier.expose())?;
            client.verify_fetching_keys(&id_token, pending.nonce.expose())
        })
        .await
    }

    fn exchange(&self, code: &str, verifier: &str) -> Result<String, OidcError> {
        let c = &self.inner.config;
        let url = &self.inner.metadata.token_endpoint;
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &c.redirect_url),
            ("code_verifier", verifier),
        ];
        let mut req = self
            .inner
            .agent
            .post(url)
            .header("Accept", "application/json");
        // client_secret_basic is the default method; _post only when that alone is offered.
        let post_only = self
            .inner
            .metadata
            .token_endpoint_auth_methods_supported
            .as_ref()
            .is_some_and(|m| {
                m.iter().any(|m| m == "client_secret_post")
                    && !m.iter().any(|m| m == "client_secret_basic")
            });
        match &c.client_secret {
            Some(secret) if !post_only => {
                let enc =
                    |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = format!("{}:{}", enc(&c.client_id), enc(secret.expose()));
                req = req.header("Authorization", format!("Basic {}", STANDARD.encode(pair)));
            }
            Some(secret) => {
                form.push(("client_id", &c.client_id));
                form.push(("client_secret", secret.expose()));
            }
            None => form.push(("client_id", &c.client_id)),
        }
        #[derive(Deserialize)]
        struct TokenResponse {
            id_token: Option<String>,
        }
        #[derive(Deserialize)]
        struct TokenError {
            error: String,
            error_description: Option<String>,
        }
        let res = req.send_form(form);
        let mut res = res.map_err(|e| OidcError::Http {
            url: url.clone(),
            message: e.to_string(),
        })?;
        let status = res.status().as_u16();
        let text = res
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|e| OidcError::Http {
                url: url.clone(),
                message: e.to_string(),
            })?;
        if status == 200 {
            let t: TokenResponse = serde_json::from_str(&text)
                .map_err(|e| OidcError::InvalidToken(format!("token response is not JSON: {e}")))?;
            return t.id_token.ok_or_else(|| {
                OidcError::InvalidToken("no id_token in the token response".into())
            });
        }
        match serde_json::from_str::<TokenError>(&text) {
            Ok(e) => Err(OidcError::TokenEndpoint {
                error: e.error,
                description: e.error_description,
            }),
            Err(_) => Err(OidcError::Status {
                url: url.clone(),
                status,
            }),
        }
    }

    fn verify_fetching_keys(&self, id_token: &str, nonce: &str) -> Result<OidcIdentity, OidcError> {
        let expect = Expected {
            issuer: &self.inner.metadata.issuer,
            client_id: &self.inner.config.client_id,
            nonce,
        };
        let keys = self.current_keys()?;
        match verify_id_token(id_token, &keys, &expect, now_secs()) {
            Err(VerifyError::NoKey) => {
                let keys = self.refresh_keys()?;
                verify_id_token(id_token, &keys, &expect, now_secs()).map_err(Into::into)
            }
            other => other.map_err(Into::into),
        }
    }

    fn current_keys(&self) -> Result<Vec<Jwk>, OidcError> {
        let keys = self
            .inner
            .keys
            .lock()
            .map_err(|_| OidcError::Task("key cache lock poisoned".into()))?;
        Ok(keys.set.clone())
    }

    fn refresh_keys(&self) -> Result<Vec<Jwk>, OidcError> {
        let recent = self
            .inner
            .keys
            .lock()
            .map(|k| k.fetched.elapsed() < JWKS_REFRESH_MIN)
            .unwrap_or(true);
        if recent {
            return self.current_keys();
        }
        let set: JwkSet = get_json(&self.inner.agent, &self.inner.metadata.jwks_uri)?;
        if let Ok(mut keys) = self.inner.keys.lock() {
            keys.set = set.keys.clone();
            keys.fetched = Instant::now();
        }
        Ok(set.keys)
    }
}

/// The configured providers, discovered on first use (a provider that is down at startup does
/// not stop the server) and kept once discovered.
pub struct OidcProviders {
    configs: Vec<OidcProviderConfig>,
    clients: tokio::sync::Mutex<HashMap<String, OidcClient>>,
    pending: PendingLogins,
}

impl std::fmt::Debug for OidcProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProviders")
            .field("names", &self.names())
            .finish()
    }
}

impl OidcProviders {
    pub fn new(configs: Vec<OidcProviderConfig>) -> OidcProviders {
        OidcProviders {
            configs,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            pending: PendingLogins::default(),
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.configs.iter().map(|c| c.name.as_str()).collect()
    }

    /// Sign-ins started and not yet finished, for all providers.
    pub fn pending(&self) -> &PendingLogins {
        &self.pending
    }

    /// The client for provider `name`; `Ok(None)` when no such provider is configured.
    pub async fn client(&self, name: &str) -> Result<Option<OidcClient>, OidcError> {
        let Some(config) = self.configs.iter().find(|c| c.name == name) else {
            return Ok(None);
        };
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(name) {
            return Ok(Some(c.clone()));
        }
        let client = OidcClient::discover(config.clone()).await?;
        clients.insert(name.to_string(), client.clone());
        Ok(Some(client))
    }
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ))
}

/// What the ID token must say.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// No key of the set fits the token's `kid` and algorithm.
    NoKey,
    Invalid(String),
}

impl From<VerifyError> for OidcError {
    fn from(e: VerifyError) -> OidcError {
        match e {
            VerifyError::NoKey => {
                OidcError::InvalidToken("no provider key matches the token".into())
            }
            VerifyError::Invalid(m) => OidcError::InvalidToken(m),
        }
    }
}

fn invalid(m: impl Into<String>) -> VerifyError {
    VerifyError::Invalid(m.into())
}

fn b64(part: &str, what: &str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| invalid(format!("{what} is not base64url")))
}

#[derive(Deserialize)]
struct JwsHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct IdClaims {
    iss: String,
    sub: String,
    aud: Audience,
    exp: f64,
    #[serde(default)]
    iat: Option<f64>,
    #[serde(default)]
    nbf: Option<f64>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
}

fn key_fits(k: &Jwk, alg: &str, kid: Option<&str>) -> bool {
    let kty_ok = match alg {
        "RS256" => k.kty == "RSA",
        "ES256" => k.kty == "EC" && k.crv.as_deref() == Some("P-256"),
        _ => false,
    };
    kty_ok
        && k.use_.as_deref().is_none_or(|u| u == "sig")
        && k.alg.as_deref().is_none_or(|a| a == alg)
        && match kid {
            Some(kid) => k.kid.as_deref() == Some(kid),
            None => true,
        }
}

fn check_signature(k: &Jwk, alg: &str, message: &[u8], sig: &[u8]) -> Result<(), VerifyError> {
    use ring::signature;
    let missing = || invalid("provider key lacks its parameters");
    let ok = match alg {
        "RS256" => {
            let n = b64(k.n.as_deref().ok_or_else(missing)?, "key n")?;
            let e = b64(k.e.as_deref().ok_or_else(missing)?, "key e")?;
            signature::RsaPublicKeyComponents { n, e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                .is_ok()
        }
        "ES256" => {
            let x = b64(k.x.as_deref().ok_or_else(missing)?, "key x")?;
            let y = b64(k.y.as_deref().ok_or_else(missing)?, "key y")?;
            if x.len() != 32 || y.len() != 32 {
                return Err(invalid("P-256 key coordinates must be 32 bytes"));
            }
            let mut point = Vec::with_capacity(65);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, sig)
                .is_ok()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid("bad signature"))
    }
}

/// Verify a compact-JWS ID token: signature against `keys`, then `iss`, `aud` (and `azp` when
/// there are several audiences), `exp`, `nbf`, `iat` and `nonce`. `now` is in Unix seconds.
pub fn verify_id_token(
    token: &str,
    keys: &[Jwk],
    expect: &Expected<'_>,
    now: i64,
) -> Result<OidcIdentity, VerifyError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("not a compact JWS"));
    };
    let header: JwsHeader =
        serde_json::from_slice(&b64(h, "header")?).map_err(|e| invalid(format!("header: {e}")))?;
    if !matches!(header.alg.as_str(), "RS256" | "ES256") {
        return Err(invalid(format!(
            "algorithm `{}` is not accepted",
            header.alg
        )));
    }
    if header.crit.is_some() {
        return Err(invalid("critical header extensions are not supported"));
    }
    let candidates: Vec<&Jwk> = keys
        .iter()
        .filter(|k| key_fits(k, &header.alg, header.kid.as_deref()))
        .collect();
    // Without a `kid` the key must be unambiguous.
    let key = match candidates.as_slice() {
        [k] => *k,
        [] => return Err(VerifyError::NoKey),
        _ => return Err(invalid("several provider keys fit a token without `kid`")),
    };
    let sig = b64(s, "signature")?;
    let signed = &token.as_bytes()[..h.len() + 1 + p.len()];
    check_signature(key, &header.alg, signed, &sig)?;

    let claims: IdClaims =
        serde_json::from_slice(&b64(p, "payload")?).map_err(|e| invalid(format!("claims: {e}")))?;
    if claims.iss != expect.issuer {
        return Err(invalid(format!(
            "issuer `{}` is not `{}`",
            claims.iss, expect.issuer
        )));
    }
    let auds: Vec<&str> = match &claims.aud {
        Audience::One(a) => vec![a.as_str()],
        Audience::Many(v) => v.iter().map(String::as_str).collect(),
    };
    if !auds.contains(&expect.client_id) {
        return Err(invalid("audience does not include this client"));
    }
    if (auds.len() > 1 || claims.azp.is_some()) && claims.azp.as_deref() != Some(expect.client_id) {
        return Err(invalid("authorized party (azp) is not this client"));
    }
    let now = now as f64;
    let leeway = LEEWAY_SECS as f64;
    if claims.exp + leeway <= now {
        return Err(invalid("token has expired"));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + leeway) {
        return Err(invalid("token is not valid yet"));
    }
    if claims.iat.is_some_and(|iat| iat > now + leeway) {
        return Err(invalid("token was issued in the future"));
    }
    let nonce_ok = claims
        .nonce
        .as_deref()
        .is_some_and(|n| bool::from(n.as_bytes().ct_eq(expect.nonce.as_bytes())));
    if !nonce_ok {
        return Err(invalid("nonce does not match"));
    }
    if claims.sub.is_empty() {
        return Err(invalid("empty subject"));
    }
    let email_verified = match &claims.email_verified {
        Some(serde_json::Value::Bool(b)) => *b,
        // Some providers send the string form.
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    };
    Ok(OidcIdentity {
        issuer: claims.iss,
        subject: claims.sub,
        email: claims.email,
        email_verified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn urls() {
        assert!(check_url("https://idp.example.org").is_ok());
        assert!(check_url("http://127.0.0.1:8000/x").is_ok());
        assert!(check_url("http://[::1]:8000").is_ok());
        assert!(check_url("http://localhost").is_ok());
        assert!(check_url("http://idp.example.org").is_err());
        assert!(check_url("http://127.0.0.1.evil.example").is_err());
        assert!(check_url("ftp://idp").is_err());
    }

    fn token(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims),
            URL_SAFE_NO_PAD.encode(b"sig")
        )
    }

    #[test]
    fn refuses_unsigned_and_hmac_tokens() {
        let expect = Expected {
            issuer: "https://idp",
            client_id: "c",
            nonce: "n",
        };
        let claims = r#"{"iss":"https://idp","sub":"s","aud":"c","exp":9999999999,"nonce":"n"}"#;
        for alg in ["none", "HS256", "RS512"] {
            let t = token(&format!(r#"{{"alg":"{alg}"}}"#), claims);
            let keys = [Jwk {
                kty: "oct".into(),
                kid: None,
                use_: None,
                alg: None,
                n: None,
                e: None,
                crv: None,
                x: None,
                y: None,
            }];
            assert!(
                matches!(verify_id_token(&t, &keys, &expect, 0), Err(VerifyError::Invalid(m)) if m.contains("not accepted")),
                "{alg}"
            );
        }
        let t = token(r#"{"alg":"RS256"}"#, claims);
        assert_eq!(
            verify_id_token(&t, &[], &expect, 0),
            Err(VerifyError::NoKey)
        );
        assert!(verify_id_token("a.b", &[], &expect, 0).is_err());
    }
}
