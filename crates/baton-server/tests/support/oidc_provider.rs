//! A small OpenID provider on 127.0.0.1:0 for the relying-party tests: discovery, JWKS, an
//! authorize endpoint that redirects at once with a code, and a token endpoint that checks the
//! client, the redirect URI and the PKCE verifier. `Behaviour` makes it misbehave on purpose.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::json;

const RSA_KEY_PEM: &str = include_str!("test-rsa-key.pem");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Es256,
}

/// How the next ID tokens are made.
#[derive(Debug, Clone)]
pub struct Behaviour {
    pub alg: Alg,
    pub audience: Option<String>,
    pub nonce: Option<String>,
    /// `exp` relative to now, in seconds.
    pub expires_in: i64,
    pub corrupt_signature: bool,
    /// Sign with a key that is not in the JWKS (but claim the published `kid`).
    pub foreign_key: bool,
    pub issuer_in_token: Option<String>,
    pub issuer_in_discovery: Option<String>,
}

impl Default for Behaviour {
    fn default() -> Behaviour {
        Behaviour {
            alg: Alg::Rs256,
            audience: None,
            nonce: None,
            expires_in: 300,
            corrupt_signature: false,
            foreign_key: false,
            issuer_in_token: None,
            issuer_in_discovery: None,
        }
    }
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: String,
}

struct Keys {
    rsa: RsaKeyPair,
    ec: EcdsaKeyPair,
    foreign_ec: EcdsaKeyPair,
}

struct ProviderState {
    issuer: String,
    client_id: String,
    client_secret: String,
    subject: String,
    email: String,
    behaviour: Mutex<Behaviour>,
    grants: Mutex<HashMap<String, Grant>>,
    keys: Keys,
    rng: SystemRandom,
}

pub struct Provider {
    pub issuer: String,
    state: Arc<ProviderState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    STANDARD.decode(body).unwrap()
}

fn ec_key(rng: &SystemRandom) -> EcdsaKeyPair {
    let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, rng).unwrap();
    EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), rng).unwrap()
}

impl Provider {
    pub fn start(client_id: &str, client_secret: &str) -> Provider {
        let rng = SystemRandom::new();
        let keys = Keys {
            rsa: RsaKeyPair::from_pkcs8(&pem_to_der(RSA_KEY_PEM)).unwrap(),
            ec: ec_key(&rng),
            foreign_ec: ec_key(&rng),
        };
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let issuer = format!("http://{}", std_listener.local_addr().unwrap());
        let state = Arc::new(ProviderState {
            issuer: issuer.clone(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            subject: "user-123".into(),
            email: "ann@hospital.example".into(),
            behaviour: Mutex::new(Behaviour::default()),
            grants: Mutex::new(HashMap::new()),
            keys,
            rng,
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        Provider {
            issuer,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn set(&self, behaviour: Behaviour) {
        *self.state.behaviour.lock().unwrap() = behaviour;
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn discovery(State(s): State<Arc<ProviderState>>) -> Response {
    let issuer = s
        .behaviour
        .lock()
        .unwrap()
        .issuer_in_discovery
        .clone()
        .unwrap_or_else(|| s.issuer.clone());
    axum::Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{}/authorize", s.issuer),
        "token_endpoint": format!("{}/token", s.issuer),
        "jwks_uri": format!("{}/jwks", s.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }))
    .into_response()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn jwks(State(s): State<Arc<ProviderState>>) -> Response {
    let rsa = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(s.keys.rsa.public());
    // The uncompressed point: 0x04 || x || y.
    let point = s.keys.ec.public_key().as_ref();
    axum::Json(json!({"keys": [
        {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": b64(&rsa.n), "e": b64(&rsa.e)},
        {"kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256",
         "x": b64(&point[1..33]), "y": b64(&point[33..65])},
    ]}))
    .into_response()
}

fn bad_request(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, axum::Json(json!({"error": error}))).into_response()
}

async fn authorize(
    State(s): State<Arc<ProviderState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| q.get(k).cloned().unwrap_or_default();
    if field("response_type") != "code"
        || field("client_id") != s.client_id
        || field("code_challenge_method") != "S256"
        || !field("scope").split(' ').any(|s| s == "openid")
        || field("state").is_empty()
        || field("nonce").is_empty()
        || field("code_challenge").is_empty()
    {
        return bad_request("invalid_request");
    }
    let code = b64(&rand_bytes(&s.rng));
    s.grants.lock().unwrap().insert(
        code.clone(),
        Grant {
            client_id: field("client_id"),
            redirect_uri: field("redirect_uri"),
            challenge: field("code_challenge"),
            nonce: field("nonce"),
        },
    );
    let location = format!(
        "{}?{}",
        field("redirect_uri"),
        form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &field("state"))
            .finish()
    );
    Redirect::to(&location).into_response()
}

fn rand_bytes(rng: &SystemRandom) -> [u8; 16] {
    let mut b = [0u8; 16];
    ring::rand::SecureRandom::fill(rng, &mut b).unwrap();
    b
}

fn client_authenticated(s: &ProviderState, headers: &HeaderMap) -> bool {
    let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(encoded) = v.strip_prefix("Basic ") else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(encoded) else {
        return false;
    };
    let decoded = String::from_utf8_lossy(&decoded).to_string();
    let expected = format!("{}:{}", s.client_id, s.client_secret);
    decoded == expected
}

async fn token(
    State(s): State<Arc<ProviderState>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !client_authenticated(&s, &headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    if field("grant_type") != "authorization_code" {
        return bad_request("unsupported_grant_type");
    }
    // Codes are single use.
    let Some(grant) = s.grants.lock().unwrap().remove(&field("code")) else {
        return bad_request("invalid_grant");
    };
    let challenge =
        b64(
            ring::digest::digest(&ring::digest::SHA256, field("code_verifier").as_bytes()).as_ref(),
        );
    if grant.client_id != s.client_id
        || grant.redirect_uri != field("redirect_uri")
        || challenge != grant.challenge
    {
        return bad_request("invalid_grant");
    }
    let b = s.behaviour.lock().unwrap().clone();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = json!({
        "iss": b.issuer_in_token.clone().unwrap_or_else(|| s.issuer.clone()),
        "sub": s.subject,
        "aud": b.audience.clone().unwrap_or_else(|| s.client_id.clone()),
        "exp": now + b.expires_in,
        "iat": now,
        "nonce": b.nonce.clone().unwrap_or(grant.nonce),
        "email": s.email,
        "email_verified": true,
    });
    let id_token = sign(&s, &b, &claims);
    axum::Json(json!({
        "access_token": "opaque-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

fn sign(s: &ProviderState, b: &Behaviour, claims: &serde_json::Value) -> String {
    let (alg, kid) = match b.alg {
        Alg::Rs256 => ("RS256", "rsa-1"),
        Alg::Es256 => ("ES256", "ec-1"),
    };
    let header = json!({"alg": alg, "kid": kid, "typ": "JWT"});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let mut sig = match b.alg {
        Alg::Rs256 => {
            let mut sig = vec![0u8; s.keys.rsa.public().modulus_len()];
            s.keys
                .rsa
                .sign(
                    &signature::RSA_PKCS1_SHA256,
                    &s.rng,
                    input.as_bytes(),
                    &mut sig,
                )
                .unwrap();
            sig
        }
        Alg::Es256 => {
            let key = if b.foreign_key {
                &s.keys.foreign_ec
            } else {
                &s.keys.ec
            };
            key.sign(&s.rng, input.as_bytes())
                .unwrap()
                .as_ref()
                .to_vec()
        }
    };
    if b.corrupt_signature {
        sig[0] ^= 0x01;
    }
    format!("{input}.{}", b64(&sig))
}
