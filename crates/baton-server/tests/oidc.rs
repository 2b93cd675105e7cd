//! The OpenID Connect relying party against the provider in `support/oidc_provider.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use baton_server::config::{OidcProviderConfig, Secret};
use baton_server::oidc::{OidcClient, OidcError, OidcIdentity, PendingLogins};
use support::oidc_provider::{Alg, Behaviour, Provider};

const CLIENT_ID: &str = "baton-test";
const CLIENT_SECRET: &str = "provider-secret";
const REDIRECT: &str = "http://127.0.0.1:1/api/v1/auth/oidc/test/callback";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn config(provider: &Provider) -> OidcProviderConfig {
    OidcProviderConfig {
        name: "test".into(),
        issuer: provider.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: Some(Secret::new(CLIENT_SECRET)),
        redirect_url: REDIRECT.into(),
        scopes: vec!["openid".into(), "email".into()],
    }
}

/// What the browser does: follow the authorization URL and read the redirect back to us.
fn browser_authorize(url: &str) -> (String, String) {
    let res = support::client().get(url).call().unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let query = location
        .strip_prefix(&format!("{REDIRECT}?"))
        .unwrap_or_else(|| panic!("redirected elsewhere: {location}"));
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    (params["code"].clone(), params["state"].clone())
}

struct Fixture {
    provider: Provider,
    client: OidcClient,
    rt: tokio::runtime::Runtime,
}

fn fixture() -> Fixture {
    let provider = Provider::start(CLIENT_ID, CLIENT_SECRET);
    let rt = runtime();
    let client = rt
        .block_on(OidcClient::discover(config(&provider)))
        .unwrap();
    Fixture {
        provider,
        client,
        rt,
    }
}

impl Fixture {
    fn sign_in(&self, behaviour: Behaviour) -> Result<OidcIdentity, OidcError> {
        self.provider.set(behaviour);
        let req = self.client.authorize().unwrap();
        let (code, state) = browser_authorize(&req.url);
        assert_eq!(state, req.pending.state);
        self.rt.block_on(self.client.finish(req.pending, &code))
    }
}

fn rejected(r: Result<OidcIdentity, OidcError>, reason: &str) {
    match r {
        Err(OidcError::InvalidToken(m)) => assert!(m.contains(reason), "{m}"),
        other => panic!("expected a rejected token ({reason}), got {other:?}"),
    }
}

#[test]
fn sign_in_with_rs256_and_es256() {
    let f = fixture();
    for alg in [Alg::Rs256, Alg::Es256] {
        let id = f
            .sign_in(Behaviour {
                alg,
                ..Behaviour::default()
            })
            .unwrap();
        assert_eq!(
            id,
            OidcIdentity {
                issuer: f.provider.issuer.clone(),
                subject: "user-123".into(),
                email: Some("ann@hospital.example".into()),
                email_verified: true,
            },
            "{alg:?}"
        );
    }
}

#[test]
fn authorization_url_carries_pkce_state_and_nonce() {
    let f = fixture();
    let req = f.client.authorize().unwrap();
    let query = req.url.split_once('?').unwrap().1;
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID);
    assert_eq!(params["redirect_uri"], REDIRECT);
    assert_eq!(params["scope"], "openid email");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["state"], req.pending.state);
    assert_eq!(params["nonce"], req.pending.nonce());
    assert_eq!(params["code_challenge"].len(), 43);
    // Nothing secret in the URL: the verifier never leaves the server.
    assert!(!req.url.contains(CLIENT_SECRET));
    let other = f.client.authorize().unwrap();
    assert_ne!(other.pending.state, req.pending.state);
    assert_ne!(other.pending.nonce(), req.pending.nonce());
}

#[test]
fn wrong_nonce_is_rejected() {
    let f = fixture();
    rejected(
        f.sign_in(Behaviour {
            nonce: Some("replayed-nonce".into()),
            ..Behaviour::default()
        }),
        "nonce",
    );
}

#[test]
fn wrong_audience_is_rejected() {
    let f = fixture();
    rejected(
        f.sign_in(Behaviour {
            audience: Some("another-client".into()),
            ..Behaviour::default()
        }),
        "audience",
    );
}

#[test]
fn wrong_issuer_is_rejected() {
    let f = fixture();
    rejected(
        f.sign_in(Behaviour {
            issuer_in_token: Some("https://evil.example".into()),
            ..Behaviour::default()
        }),
        "issuer",
    );
}

#[test]
fn expired_token_is_rejected() {
    let f = fixture();
    rejected(
        f.sign_in(Behaviour {
            expires_in: -3600,
            ..Behaviour::default()
        }),
        "expired",
    );
}

#[test]
fn bad_signatures_are_rejected() {
    let f = fixture();
    for alg in [Alg::Rs256, Alg::Es256] {
        rejected(
            f.sign_in(Behaviour {
                alg,
                corrupt_signature: true,
                ..Behaviour::default()
            }),
            "signature",
        );
    }
    rejected(
        f.sign_in(Behaviour {
            alg: Alg::Es256,
            foreign_key: true,
            ..Behaviour::default()
        }),
        "signature",
    );
}

#[test]
fn wrong_pkce_verifier_is_refused_by_the_provider() {
    let f = fixture();
    let a = f.client.authorize().unwrap();
    let b = f.client.authorize().unwrap();
    let (code_for_a, _) = browser_authorize(&a.url);
    // The code was bound to A's challenge; B's verifier does not fit it.
    match f.rt.block_on(f.client.finish(b.pending, &code_for_a)) {
        Err(OidcError::TokenEndpoint { error, .. }) => assert_eq!(error, "invalid_grant"),
        other => panic!("expected invalid_grant, got {other:?}"),
    }
}

#[test]
fn a_code_is_used_once() {
    let f = fixture();
    let a = f.client.authorize().unwrap();
    let (code, _) = browser_authorize(&a.url);
    let state = a.pending.state.clone();
    f.rt.block_on(f.client.finish(a.pending, &code)).unwrap();
    // A second pending login cannot redeem the same code.
    let again = f.client.authorize().unwrap();
    assert_ne!(again.pending.state, state);
    assert!(
        f.rt.block_on(f.client.finish(again.pending, &code))
            .is_err()
    );
}

#[test]
fn discovery_checks_the_issuer() {
    let provider = Provider::start(CLIENT_ID, CLIENT_SECRET);
    provider.set(Behaviour {
        issuer_in_discovery: Some("https://someone-else.example".into()),
        ..Behaviour::default()
    });
    let rt = runtime();
    match rt.block_on(OidcClient::discover(config(&provider))) {
        Err(OidcError::Discovery(m)) => assert!(m.contains("issuer"), "{m}"),
        other => panic!("expected a discovery error, got {other:?}"),
    }
}

#[test]
fn pending_logins_are_single_use_and_bound_to_the_browser() {
    let f = fixture();
    let pending = PendingLogins::default();
    let req = f.client.authorize().unwrap();
    let state = req.pending.state.clone();
    pending.insert(req.pending).unwrap();
    // Another browser (no cookie, or a different one) cannot use it.
    assert!(matches!(
        pending.take(&state, None),
        Err(OidcError::UnknownState)
    ));
    assert!(matches!(
        pending.take(&state, Some("other")),
        Err(OidcError::UnknownState)
    ));
    let p = pending.take(&state, Some(&state)).unwrap();
    assert_eq!(p.state, state);
    assert!(matches!(
        pending.take(&state, Some(&state)),
        Err(OidcError::UnknownState)
    ));
}

#[test]
fn login_route_redirects_and_callback_verifies() {
    use axum::extract::State;
    use axum::http::HeaderMap;
    use baton_server::app::AppState;
    use baton_server::auth::{CallbackQuery, oidc_identity};
    use baton_server::error::{ApiError, ApiQuery};

    let provider = Provider::start(CLIENT_ID, CLIENT_SECRET);
    // What a store-backed callback does first; it would then start a session.
    let callback = axum::Router::new().route(
        "/callback",
        axum::routing::get(
            |State(state): State<AppState>,
             headers: HeaderMap,
             ApiQuery(q): ApiQuery<CallbackQuery>| async move {
                let id = oidc_identity(&state, "test", &headers, &q).await?;
                Ok::<_, ApiError>(axum::Json(
                    serde_json::json!({"subject": id.subject, "email": id.email}),
                ))
            },
        ),
    );
    let provider_config = config(&provider);
    let server = support::TestServer::start_with(move |c| c.oidc = vec![provider_config], callback);

    let r = support::get(&server.url("/api/v1/auth/oidc/test/login"));
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.headers["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("{}/authorize?", provider.issuer)),
        "{location}"
    );
    let set_cookie = r.headers["set-cookie"].to_str().unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    assert!(cookie.starts_with("baton_oidc="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));

    let (code, state) = browser_authorize(location);
    let callback_url = server.url(&format!(
        "/callback?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &state)
            .finish()
    ));
    // Without the browser's sign-in cookie the callback is refused (and the sign-in kept).
    let r = support::get(&callback_url);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_code(), "bad_request");
    let r = support::reply(
        support::client()
            .get(&callback_url)
            .header("cookie", &cookie)
            .call(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["subject"], "user-123");
    // Single use.
    let r = support::reply(
        support::client()
            .get(&callback_url)
            .header("cookie", &cookie)
            .call(),
    );
    assert_eq!(r.status, 400, "{}", r.body);

    let r = support::get(&server.url("/api/v1/auth/oidc/nobody/login"));
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "not_found");
    let r = support::get(&server.url("/callback?error=access_denied&state=x"));
    assert_eq!(r.status, 401);
}

/// The whole sign-in as a browser makes it: the login route, the provider, the store-backed
/// callback that starts a session, and the session used. An identity with no Baton user is
/// refused, and both attempts are in the audit log.
#[test]
fn an_openid_sign_in_starts_a_session_for_the_matching_user() {
    let provider = Provider::start(CLIENT_ID, CLIENT_SECRET);
    let provider_config = config(&provider);
    let server = support::TestServer::start_with(
        move |c| c.oidc = vec![provider_config],
        axum::Router::new(),
    );
    let db = format!("sqlite:{}", server.db_path.display());

    let sign_in = || {
        let r = support::get(&server.url("/api/v1/auth/oidc/test/login"));
        assert_eq!(r.status, 303, "{}", r.body);
        let location = r.headers["location"].to_str().unwrap().to_string();
        let cookie = r.headers["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_string();
        let (code, state) = browser_authorize(&location);
        let url = server.url(&format!(
            "/api/v1/auth/oidc/test/callback?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("code", &code)
                .append_pair("state", &state)
                .finish()
        ));
        support::reply(support::client().get(&url).header("cookie", &cookie).call())
    };

    // No Baton user has this identity yet.
    let r = sign_in();
    assert_eq!(r.status, 401, "{}", r.body);

    let mut store = baton_store::Store::open(&db).unwrap();
    store
        .create_organization("City Hospital", baton_model::OrgKind::Hdo)
        .unwrap();
    store
        .create_user(
            "ann@hospital.example",
            "City Hospital",
            baton_store::Role::Viewer,
            None,
        )
        .unwrap();

    let r = sign_in();
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.headers["location"], "/");
    let session = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("baton_session="))
        .expect("a session cookie");
    let me = support::reply(
        support::client()
            .get(&server.url("/api/v1/me"))
            .header("cookie", &session)
            .call(),
    );
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["email"], "ann@hospital.example");
    assert_eq!(me.json()["organization"], "City Hospital");

    let events: Vec<(String, String)> = store
        .log_events(0, 100)
        .unwrap()
        .into_iter()
        .map(|(_, e)| (e.action, e.actor))
        .collect();
    assert!(events.contains(&("login.failure".into(), "anonymous".into())));
    assert!(events.contains(&("login.success".into(), "ann@hospital.example".into())));
    // The first sign-in bound the identity to the user, in the same logged change.
    let bound = store
        .log_events(0, 100)
        .unwrap()
        .into_iter()
        .find(|(_, e)| e.action == "login.success")
        .unwrap()
        .1;
    assert_eq!(bound.changes.len(), 1);
    assert_eq!(bound.changes[0].table, "users");
    assert!(store.verify_log(None).unwrap().is_ok());
}
