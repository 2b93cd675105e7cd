//! The fixture the access tests share: two hospitals, a manufacturer, a provider, a user of
//! each role in each, their tokens, an advisory with findings, and the real server on it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use baton_model::OrgKind;
use baton_server::ratelimit::LoginLimits;
use baton_store::{
    AdvisoryDoc, FindingFilter, ImportKind, Role, Store, TokenScope, Value, testing,
};
use serde_json::json;

use super::{Reply, TestServer, client, reply};

// ---- the fixture -------------------------------------------------------------------------------

pub use baton_store::testing::sample::{ADVISORY, AGREEMENTS, ASSETS, CC, CVE, GH, MODELS, day};

/// An advisory about a product nobody runs: a harmless upload.
pub const UNRELATED_ADVISORY: &str = r#"{
  "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "t",
    "publisher": {"category": "vendor", "name": "Nobody Inc", "namespace": "https://nobody.example"},
    "tracking": {"id": "NOBODY-1", "status": "final", "version": "1", "initial_release_date": "2026-01-01T00:00:00Z",
      "current_release_date": "2026-01-01T00:00:00Z", "revision_history": [{"number": "1", "date": "2026-01-01T00:00:00Z", "summary": "s"}]}},
  "product_tree": {"branches": [
    {"category": "vendor", "name": "Nobody Inc", "branches": [{"category": "product_name", "name": "Thing 1",
      "branches": [{"category": "product_version", "name": "1.0", "product": {"product_id": "T1", "name": "Nobody Inc Thing 1 1.0"}}]}]}
  ]},
  "vulnerabilities": [{"cve": "CVE-2026-0002", "product_status": {"known_affected": ["T1"]}}]
}"#;

pub const SBOM: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "components": [{"type": "library", "name": "zlib", "version": "1.2.13", "purl": "pkg:generic/zlib@1.2.13"}]}"#;

pub const PASSWORD: &str = "a long enough password";

/// Every user: a key (also the e-mail's local part), organization and role.
pub const USERS: [(&str, &str, Role); 12] = [
    ("gh-admin", GH, Role::Admin),
    ("gh-analyst", GH, Role::Analyst),
    ("gh-viewer", GH, Role::Viewer),
    ("cc-admin", CC, Role::Admin),
    ("cc-analyst", CC, Role::Analyst),
    ("cc-viewer", CC, Role::Viewer),
    ("acme-admin", "Acme Medical", Role::Admin),
    ("acme-analyst", "Acme Medical", Role::Analyst),
    ("acme-viewer", "Acme Medical", Role::Viewer),
    ("svc-admin", "ServiceCo", Role::Admin),
    ("svc-analyst", "ServiceCo", Role::Analyst),
    ("svc-viewer", "ServiceCo", Role::Viewer),
];

/// The only users with a password (the rest use tokens only).
pub const SIGN_IN: [&str; 2] = ["gh-analyst", "cc-viewer"];

pub fn email(key: &str) -> String {
    format!("{key}@example.test")
}

/// A request body: its content type and bytes.
pub type Body = (&'static str, Vec<u8>);

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    Anonymous,
    Bearer(String),
    /// A raw `Authorization` header.
    Header(String),
    Session {
        cookie: String,
        csrf: Option<String>,
    },
}

pub struct Fixture {
    // Fields drop in order: the server before the database it uses.
    pub server: TestServer,
    pub store: Store,
    /// Token key (`gh-admin`, `gh-admin:read`, `gh-analyst:revoked`, …) → (id, secret).
    pub tokens: HashMap<String, (i64, String)>,
    /// Finding ids: Pump 9 1.0, Monitor 1 2.0, Monitor 1 3.0 (City Clinic only).
    pub pump: i64,
    pub monitor: i64,
    pub monitor3: i64,
    pub backend: &'static str,
    pub _db: testing::TestDatabase,
}

impl Fixture {
    pub fn new(db: testing::TestDatabase, limits: LoginLimits) -> Fixture {
        let mut store = db.open().unwrap();
        store
            .import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day())
            .unwrap();
        store
            .import(ImportKind::Assets, "assets.csv", ASSETS.as_bytes(), day())
            .unwrap();
        store
            .import(
                ImportKind::Agreements,
                "agreements.csv",
                AGREEMENTS.as_bytes(),
                day(),
            )
            .unwrap();
        store
            .import_advisories(&advisory_docs("acme.json", ADVISORY), None)
            .unwrap();
        store
            .create_organization("Acme Medical", OrgKind::Mdm)
            .unwrap();
        assert_eq!(
            store.organization("ServiceCo").unwrap().kind,
            OrgKind::ThirdParty
        );
        let mut tokens = HashMap::new();
        for (key, org, role) in USERS {
            let password = SIGN_IN.contains(&key).then_some(PASSWORD);
            store.create_user(&email(key), org, role, password).unwrap();
            for (suffix, scope) in [("", TokenScope::Write), (":read", TokenScope::Read)] {
                let (secret, row) = store.create_token(&email(key), scope, 30).unwrap();
                tokens.insert(format!("{key}{suffix}"), (row.id, secret));
            }
        }
        // A revoked and an expired token, both of an analyst with write scope.
        let (secret, row) = store
            .create_token(&email("gh-analyst"), TokenScope::Write, 30)
            .unwrap();
        store.revoke_token(row.id).unwrap();
        tokens.insert("gh-analyst:revoked".into(), (row.id, secret));
        let (secret, row) = store
            .create_token(&email("gh-analyst"), TokenScope::Write, 1)
            .unwrap();
        store
            .db()
            .exec(
                "UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE id = $1",
                &[Value::Int(row.id)],
            )
            .unwrap();
        tokens.insert("gh-analyst:expired".into(), (row.id, secret));

        let all = store.findings(&FindingFilter::default()).unwrap();
        let id = |model: &str, version: &str| {
            all.iter()
                .find(|f| f.model == model && f.version == version)
                .unwrap_or_else(|| panic!("no finding for {model} {version}"))
                .finding_id
        };
        let (pump, monitor, monitor3) = (
            id("Pump 9", "1.0"),
            id("Monitor 1", "2.0"),
            id("Monitor 1", "3.0"),
        );
        let server = TestServer::start_on(&db.url, db.log_key(), limits);
        Fixture {
            server,
            store,
            tokens,
            pump,
            monitor,
            monitor3,
            backend: db.backend,
            _db: db,
        }
    }

    /// The credentials of a fixture token.
    pub fn auth(&self, key: &str) -> Auth {
        Auth::Bearer(self.tokens[key].1.clone())
    }

    pub fn token_id(&self, key: &str) -> i64 {
        self.tokens[key].0
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let url = self.server.url(path);
        let mut b = ureq::http::Request::builder().method(method).uri(&url);
        match auth {
            Auth::Anonymous => {}
            Auth::Bearer(t) => b = b.header("authorization", format!("Bearer {t}")),
            Auth::Header(h) => b = b.header("authorization", h.as_str()),
            Auth::Session { cookie, csrf } => {
                b = b.header("cookie", cookie.as_str());
                if let Some(c) = csrf {
                    b = b.header("x-csrf-token", c.as_str());
                }
            }
        }
        let agent = client();
        match body {
            None => reply(agent.run(b.body(()).unwrap())),
            Some((content_type, bytes)) => {
                reply(agent.run(b.header("content-type", content_type).body(bytes).unwrap()))
            }
        }
    }

    pub fn get(&self, path: &str, auth: &Auth) -> Reply {
        self.send("GET", path, auth, None)
    }

    pub fn json(&self, method: &str, path: &str, auth: &Auth, body: serde_json::Value) -> Reply {
        self.send(
            method,
            path,
            auth,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    pub fn csv(&self, path: &str, auth: &Auth, body: &str) -> Reply {
        self.send(
            "POST",
            path,
            auth,
            Some(("text/csv", body.as_bytes().to_vec())),
        )
    }

    /// `GET /api/v1/assets` as `key`: the `ORG/ASSET` ids.
    pub fn assets(&self, key: &str) -> Vec<String> {
        let r = self.get("/api/v1/assets", &self.auth(key));
        assert_eq!(r.status, 200, "{}: {}", self.backend, r.body);
        let v = r.json();
        let items: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{}/{}",
                    a["organization"].as_str().unwrap(),
                    a["asset_id"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(v["total"].as_u64().unwrap() as usize, items.len());
        items
    }

    /// `GET /api/v1/findings` as `key`: (finding id, asset count), by id.
    pub fn findings(&self, key: &str, query: &str) -> Vec<(i64, i64)> {
        let r = self.get(&format!("/api/v1/findings{query}"), &self.auth(key));
        assert_eq!(r.status, 200, "{}: {}", self.backend, r.body);
        let mut out: Vec<(i64, i64)> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["finding_id"].as_i64().unwrap(),
                    f["assets"].as_i64().unwrap(),
                )
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// `GET /api/v1/affected/CVE` as `key`: the `ORG/ASSET` ids.
    pub fn affected(&self, key: &str) -> Vec<String> {
        let r = self.get(&format!("/api/v1/affected/{CVE}"), &self.auth(key));
        assert_eq!(r.status, 200, "{}: {}", self.backend, r.body);
        let json = r.json();
        let items = json["items"].as_array().unwrap();
        assert_eq!(json["total"].as_u64(), Some(items.len() as u64));
        let mut out: Vec<String> = items
            .iter()
            .map(|a| {
                format!(
                    "{}/{}",
                    a["organization"].as_str().unwrap(),
                    a["asset_id"].as_str().unwrap()
                )
            })
            .collect();
        out.sort();
        out
    }

    /// `POST /api/v1/findings/{id}/decisions` as `key`.
    pub fn decide(&self, key: &str, id: impl std::fmt::Display, asset: Option<&str>) -> Reply {
        let mut body = json!({"status": "under_investigation", "note": format!("by {key}")});
        if let Some(a) = asset {
            body["asset"] = json!(a);
        }
        self.json(
            "POST",
            &format!("/api/v1/findings/{id}/decisions"),
            &self.auth(key),
            body,
        )
    }

    /// The audit log's events: (actor, action, target, detail).
    pub fn events(&mut self) -> Vec<(String, String, String, serde_json::Value)> {
        self.store
            .log_events(0, 10_000)
            .unwrap()
            .into_iter()
            .map(|(_, e)| (e.actor, e.action, e.target, e.detail))
            .collect()
    }

    /// Asserts an `access.refused` event by `actor` for `what` (`METHOD /path`) with `reason`.
    pub fn assert_refused(&mut self, actor: &str, what: &str, reason: &str) {
        let events = self.events();
        let found = events.iter().any(|(a, action, target, detail)| {
            a == actor && action == "access.refused" && target == what && detail["reason"] == reason
        });
        assert!(
            found,
            "{}: no access.refused by {actor} for '{what}' ({reason}) in {:#?}",
            self.backend,
            events
                .iter()
                .filter(|e| e.1 == "access.refused")
                .collect::<Vec<_>>()
        );
    }

    /// The log verifies against its signed checkpoints.
    pub fn assert_log_verifies(&mut self) {
        let verified = self.store.verify_log(None).unwrap();
        assert!(verified.is_ok(), "{}: {verified:?}", self.backend);
    }

    /// Sign in with a password: (session cookie header, CSRF token).
    pub fn login(&self, key: &str) -> (String, String) {
        let r = self.json(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anonymous,
            json!({"email": email(key), "password": PASSWORD}),
        );
        assert_eq!(r.status, 200, "{}: {}", self.backend, r.body);
        let cookies: Vec<String> = r
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .collect();
        assert!(
            r.headers.get_all("set-cookie").iter().any(|v| v
                .to_str()
                .unwrap()
                .starts_with("baton_session=")
                && v.to_str().unwrap().contains("HttpOnly")),
            "{:?}",
            r.headers
        );
        let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
        (cookies.join("; "), csrf)
    }
}

pub fn advisory_docs(file: &str, text: &str) -> Vec<AdvisoryDoc> {
    baton_advisories::parse(file, text.as_bytes())
        .unwrap()
        .advisories
        .into_iter()
        .map(|advisory| AdvisoryDoc {
            file: file.into(),
            advisory,
        })
        .collect()
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Each backend's fixture with the default login limits.
pub fn fixtures() -> impl Iterator<Item = Fixture> {
    testing::all()
        .into_iter()
        .map(|db| Fixture::new(db, LoginLimits::default()))
}

/// Asserts a status and, for a refusal, the error shape.
#[track_caller]
pub fn expect(fx: &Fixture, r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{}: {what}: {}", fx.backend, r.body);
    if status >= 400 {
        r.error_code();
    }
}
