//! Session cookies, CSRF protection and request credentials.
//!
//! The session cookie carries an opaque random token (the store keeps its hash). With `Secure` the
//! cookie is named `__Host-baton_session`, which browsers accept only from this exact host over
//! HTTPS with `Path=/`, so a sibling subdomain cannot plant one. It is `HttpOnly` and
//! `SameSite=Lax`: `Strict` would drop the cookie on the first page after an OpenID Connect
//! sign-in, whose redirect chain starts at the provider's site, and cross-site unsafe requests are
//! refused by the CSRF check anyway.
//!
//! CSRF: an unsafe request (not GET/HEAD/OPTIONS/TRACE) authenticated by the session cookie must
//! carry `X-CSRF-Token` equal to [`csrf_token_for`] the session token (compared in constant time).
//! That value is derived from the session token, so a planted cookie pair cannot match, and it is
//! also sent in a readable `baton_csrf` cookie for the web client. Browsers' `Sec-Fetch-Site` and
//! `Origin` must say same-origin when present. A request with an `Authorization` header is exempt:
//! a cross-site page cannot set that header, and such a request must then be authenticated by
//! that header alone, never by the cookie.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "baton_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-baton_session";
pub const CSRF_COOKIE: &str = "baton_csrf";
pub const SECURE_CSRF_COOKIE: &str = "__Host-baton_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const OIDC_STATE_COOKIE: &str = "baton_oidc";
pub const SECURE_OIDC_STATE_COOKIE: &str = "__Host-baton_oidc";

#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed")]
pub struct RandomError;

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> Result<String, RandomError> {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| RandomError)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A new session (or API) token: 256 random bits.
pub fn new_session_token() -> Result<String, RandomError> {
    random_token(32)
}

/// The CSRF token that belongs to a session token. Domain-separated so it never equals a hash
/// the store may keep of the session token.
pub fn csrf_token_for(session_token: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"baton-csrf-v1\0");
    ctx.update(session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(ctx.finish().as_ref())
}

/// How session cookies are written.
#[derive(Debug, Clone)]
pub struct CookieSettings {
    pub secure: bool,
    pub lifetime: Duration,
}

impl CookieSettings {
    pub fn session_name(&self) -> &'static str {
        if self.secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    pub fn csrf_name(&self) -> &'static str {
        if self.secure {
            SECURE_CSRF_COOKIE
        } else {
            CSRF_COOKIE
        }
    }

    fn cookie(&self, name: &str, value: &str, max_age: u64, http_only: bool) -> HeaderValue {
        let mut c = format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax");
        if http_only {
            c.push_str("; HttpOnly");
        }
        if self.secure {
            c.push_str("; Secure");
        }
        // Tokens are base64url, so the header is always valid; an invalid value clears instead.
        HeaderValue::from_str(&c)
            .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
    }

    /// The two `Set-Cookie` values that start a session: the `HttpOnly` session cookie and the
    /// readable CSRF cookie.
    pub fn start_session(&self, session_token: &str) -> [HeaderValue; 2] {
        let age = self.lifetime.as_secs();
        [
            self.cookie(self.session_name(), session_token, age, true),
            self.cookie(self.csrf_name(), &csrf_token_for(session_token), age, false),
        ]
    }

    /// The `Set-Cookie` values that end a session in the browser.
    pub fn end_session(&self) -> [HeaderValue; 2] {
        [
            self.cookie(self.session_name(), "", 0, true),
            self.cookie(self.csrf_name(), "", 0, false),
        ]
    }

    fn oidc_name(&self) -> &'static str {
        if self.secure {
            SECURE_OIDC_STATE_COOKIE
        } else {
            OIDC_STATE_COOKIE
        }
    }

    /// The cookie that binds an OpenID Connect sign-in to this browser: set when redirecting to
    /// the provider, compared with `state` on the callback ([`crate::oidc::PendingLogins::take`]).
    /// `Lax`, so it comes back on the provider's top-level redirect.
    pub fn start_oidc(&self, state: &str) -> HeaderValue {
        let age = crate::oidc::PENDING_TTL.as_secs();
        self.cookie(self.oidc_name(), state, age, true)
    }

    pub fn end_oidc(&self) -> HeaderValue {
        self.cookie(self.oidc_name(), "", 0, true)
    }

    /// The state carried by the sign-in cookie.
    pub fn oidc_state<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        cookie_value(headers, self.oidc_name())
    }

    /// Add [`CookieSettings::start_session`] to a response.
    pub fn with_session(&self, mut res: Response, session_token: &str) -> Response {
        for v in self.start_session(session_token) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        res
    }

    /// The session token from the request's cookies. `None` also when the cookie appears twice
    /// with different values (a planted duplicate): such a request is not authenticated.
    pub fn session_token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        cookie_value(headers, self.session_name())
    }
}

/// The single value of cookie `name`; `None` if absent or present with different values.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut found: Option<&str> = None;
    for h in headers.get_all(header::COOKIE) {
        let Ok(h) = h.to_str() else { continue };
        for pair in h.split(';') {
            let Some((k, v)) = pair.trim().split_once('=') else {
                continue;
            };
            if k == name {
                let v = v.trim_matches('"');
                match found {
                    Some(prev) if prev != v => return None,
                    _ => found = Some(v),
                }
            }
        }
    }
    found.filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The credentials a request presents. The lead's auth layer resolves them against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer` (an API token); the cookie, if any, is then ignored.
    Bearer(String),
    /// The session cookie, CSRF already checked by [`csrf_guard`] for unsafe methods.
    Session(String),
    None,
}

impl Credentials {
    pub fn from_headers(headers: &HeaderMap, cookies: &CookieSettings) -> Credentials {
        if headers.contains_key(header::AUTHORIZATION) {
            return match bearer_token(headers) {
                Some(t) => Credentials::Bearer(t.to_string()),
                // A malformed Authorization header never falls back to the cookie.
                None => Credentials::None,
            };
        }
        match cookies.session_token(headers) {
            Some(t) => Credentials::Session(t.to_string()),
            None => Credentials::None,
        }
    }
}

pub fn is_safe_method(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The CSRF decision for one request. `expected_origin` is the configured public origin
/// (`https://host[:port]`); without one, `Origin` must name the `Host` the request was sent to.
pub fn check_csrf(
    method: &Method,
    headers: &HeaderMap,
    cookies: &CookieSettings,
    expected_origin: Option<&str>,
) -> Result<(), ApiError> {
    if is_safe_method(method) || headers.contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    let refuse = |m: &str| Err(ApiError::forbidden(m).with_code("csrf_failed"));
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.to_str(), Ok("same-origin" | "none"))
    {
        return refuse("cross-site request refused");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return refuse("bad Origin header");
        };
        let origin = origin.to_ascii_lowercase();
        let ok = match expected_origin {
            Some(expected) => origin == expected,
            None => {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_ascii_lowercase);
                let origin_host = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"));
                host.is_some() && origin_host == host.as_deref()
            }
        };
        if !ok {
            return refuse("Origin does not match this server");
        }
    }
    // Sign-in forms have no session yet; only the origin checks above apply to them.
    let Some(session) = cookies.session_token(headers) else {
        return Ok(());
    };
    let expected = csrf_token_for(session);
    let given = headers
        .get(CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if bool::from(given.ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        refuse("missing or wrong X-CSRF-Token")
    }
}

/// Middleware running [`check_csrf`] with the state's cookie settings and public origin.
pub async fn csrf_guard(
    State(state): State<crate::app::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let config = state.config();
    match check_csrf(
        req.method(),
        req.headers(),
        state.cookies(),
        config.public_url.as_deref(),
    ) {
        Ok(()) => next.run(req).await,
        Err(e) => {
            tracing::warn!(method = %req.method(), path = req.uri().path(), "CSRF check refused a request");
            e.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(secure: bool) -> CookieSettings {
        CookieSettings {
            secure,
            lifetime: Duration::from_secs(3600),
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn cookie_attributes() {
        let [session, csrf] = settings(true).start_session("tok");
        let session = session.to_str().unwrap();
        assert!(
            session.starts_with("__Host-baton_session=tok;"),
            "{session}"
        );
        for attr in [
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Max-Age=3600",
        ] {
            assert!(session.contains(attr), "{attr} in {session}");
        }
        let csrf = csrf.to_str().unwrap();
        assert!(csrf.starts_with(&format!("__Host-baton_csrf={};", csrf_token_for("tok"))));
        assert!(!csrf.contains("HttpOnly"), "the web client reads it");

        let [plain, _] = settings(false).start_session("tok");
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("baton_session=tok;") && !plain.contains("Secure"));

        let [ended, _] = settings(true).end_session();
        assert!(ended.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn reads_cookies_and_refuses_duplicates() {
        let s = settings(false);
        let h = headers(&[("cookie", "a=1; baton_session=abc; b=2")]);
        assert_eq!(s.session_token(&h), Some("abc"));
        let h = headers(&[
            ("cookie", "baton_session=abc"),
            ("cookie", "baton_session=evil"),
        ]);
        assert_eq!(s.session_token(&h), None);
        let h = headers(&[("cookie", "baton_session=abc; baton_session=abc")]);
        assert_eq!(s.session_token(&h), Some("abc"));
        // The secure name is a different cookie.
        let h = headers(&[("cookie", "baton_session=abc")]);
        assert_eq!(settings(true).session_token(&h), None);
    }

    #[test]
    fn credentials_prefer_bearer_and_never_fall_back() {
        let s = settings(false);
        let h = headers(&[
            ("authorization", "Bearer t1"),
            ("cookie", "baton_session=c1"),
        ]);
        assert_eq!(
            Credentials::from_headers(&h, &s),
            Credentials::Bearer("t1".into())
        );
        let h = headers(&[
            ("authorization", "Basic eDp5"),
            ("cookie", "baton_session=c1"),
        ]);
        assert_eq!(Credentials::from_headers(&h, &s), Credentials::None);
        let h = headers(&[("cookie", "baton_session=c1")]);
        assert_eq!(
            Credentials::from_headers(&h, &s),
            Credentials::Session("c1".into())
        );
        assert_eq!(
            Credentials::from_headers(&headers(&[]), &s),
            Credentials::None
        );
    }

    #[test]
    fn csrf_rules() {
        let s = settings(true);
        let origin = Some("https://baton.example.org");
        let token = csrf_token_for("sess");
        let cookie = "__Host-baton_session=sess";
        let post = Method::POST;
        let ok = |h: &[(&str, &str)]| check_csrf(&post, &headers(h), &s, origin).is_ok();

        assert!(ok(&[("cookie", cookie), ("x-csrf-token", &token)]));
        assert!(ok(&[
            ("cookie", cookie),
            ("x-csrf-token", &token),
            ("origin", "https://baton.example.org"),
            ("sec-fetch-site", "same-origin"),
        ]));
        // Missing or wrong token.
        assert!(!ok(&[("cookie", cookie)]));
        assert!(!ok(&[
            ("cookie", cookie),
            ("x-csrf-token", &csrf_token_for("other"))
        ]));
        // Cross-site signals refuse even with the right token.
        assert!(!ok(&[
            ("cookie", cookie),
            ("x-csrf-token", &token),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(!ok(&[
            ("cookie", cookie),
            ("x-csrf-token", &token),
            ("sec-fetch-site", "same-site")
        ]));
        assert!(!ok(&[
            ("cookie", cookie),
            ("x-csrf-token", &token),
            ("origin", "https://evil.example")
        ]));
        assert!(!ok(&[
            ("cookie", cookie),
            ("x-csrf-token", &token),
            ("origin", "null")
        ]));
        // A cross-site sign-in attempt has no session but is still refused.
        assert!(!ok(&[("origin", "https://evil.example")]));
        assert!(ok(&[]));
        // Bearer requests are exempt; safe methods too.
        assert!(ok(&[("authorization", "Bearer t"), ("cookie", cookie)]));
        assert!(check_csrf(&Method::GET, &headers(&[("cookie", cookie)]), &s, origin).is_ok());
        let e =
            check_csrf(&Method::DELETE, &headers(&[("cookie", cookie)]), &s, origin).unwrap_err();
        assert_eq!(e.status(), axum::http::StatusCode::FORBIDDEN);
        assert_eq!(e.code(), "csrf_failed");
    }

    #[test]
    fn csrf_origin_from_host_without_public_url() {
        let s = settings(false);
        let h = headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://localhost:8080"),
        ]);
        assert!(check_csrf(&Method::POST, &h, &s, None).is_ok());
        let h = headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://localhost:9999"),
        ]);
        assert!(check_csrf(&Method::POST, &h, &s, None).is_err());
    }

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = new_session_token().unwrap();
        let b = new_session_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(csrf_token_for(&a), csrf_token_for(&b));
    }
}
