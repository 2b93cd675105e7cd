//! The web pages over HTTP on both databases: sign-in, each page for each kind of organization,
//! refusals across organizations (not found, and logged), roles, CSRF on every form, and the
//! uploads' located errors that change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use baton_server::config::{DatabaseUrl, ServerConfig};
use baton_server::{Pool, Server};
use baton_store::testing::{self, sample};
use baton_store::{FindingFilter, Role, Store, Visibility};
use tokio::sync::oneshot;

const PASSWORD: &str = "a long enough password";

/// (e-mail, organization, role) of every user of the fixture.
const USERS: [(&str, &str, Role); 6] = [
    ("gh-admin@example.test", sample::GH, Role::Admin),
    ("gh-viewer@example.test", sample::GH, Role::Viewer),
    ("cc-analyst@example.test", sample::CC, Role::Analyst),
    ("acme-admin@example.test", sample::ACME, Role::Admin),
    ("svc-admin@example.test", sample::SERVICE, Role::Admin),
    ("gh-analyst@example.test", sample::GH, Role::Analyst),
];

struct Site {
    addr: SocketAddr,
    store: Store,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// Finding ids: Pump 9 1.0 (both hospitals), Monitor 1 3.0 (City Clinic only).
    pump: i64,
    monitor3: i64,
    _db: testing::TestDatabase,
}

impl Site {
    fn store_handle(&self) -> Store {
        self._db.open().unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(db: testing::TestDatabase) -> Site {
    let mut store = db.open().unwrap();
    sample::load(&mut store).unwrap();
    for (email, org, role) in USERS {
        store.create_user(email, org, role, Some(PASSWORD)).unwrap();
    }
    let all = store.findings(&FindingFilter::default()).unwrap();
    let id = |model: &str, version: &str| {
        all.iter()
            .find(|f| f.model == model && f.version == version)
            .unwrap()
            .finding_id
    };
    let (pump, monitor3) = (id("Pump 9", "1.0"), id("Monitor 1", "3.0"));
    let dir = db.dir.clone();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: DatabaseUrl::new(db.url.clone()),
        ..ServerConfig::default()
    };
    let key = db.log_key();
    let _ = dir;
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let pool = Pool::open_with_key(
                config.database_url.clone(),
                Some(key),
                config.pool_size,
                config.pool_timeout,
            )
            .await
            .unwrap();
            let state = baton_server::AppState::new(config.clone(), pool);
            let server = Server::bind_app(&config, baton_web::app(state))
                .await
                .unwrap();
            addr_tx.send(server.local_addr()).unwrap();
            server
                .run(async move {
                    let _ = shutdown_rx.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();
    Site {
        addr,
        store,
        shutdown: Some(shutdown_tx),
        thread: Some(thread),
        pump,
        monitor3,
        _db: db,
    }
}

/// A response: status, Location, body.
struct Page {
    status: u16,
    location: String,
    body: String,
    headers: Vec<(String, String)>,
}

/// A browser of one user: its cookies and the session's CSRF token.
struct Browser {
    agent: ureq::Agent,
    base: String,
    cookies: Vec<(String, String)>,
    csrf: String,
}

impl Browser {
    fn new(site: &Site) -> Browser {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .build()
            .into();
        Browser {
            agent,
            base: format!("http://{}", site.addr),
            cookies: Vec::new(),
            csrf: String::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn finish(&mut self, res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Page {
        let mut res = res.unwrap();
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !val.is_empty() {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        Page {
            status: res.status().as_u16(),
            location,
            body: res.body_mut().read_to_string().unwrap_or_default(),
            headers,
        }
    }

    fn get(&mut self, path: &str) -> Page {
        let res = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .call();
        let page = self.finish(res);
        if let Some(token) = csrf_of(&page.body) {
            self.csrf = token;
        }
        page
    }

    /// A form post as a browser on this site sends it.
    fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form(fields);
        let res = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .header("Origin", &self.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(body.as_bytes());
        self.finish(res)
    }

    fn sign_in(&mut self, email: &str) {
        let page = self.post("/login", &[("email", email), ("password", PASSWORD)]);
        assert_eq!(
            page.status, 303,
            "sign-in of {email}: {} {}",
            page.status, page.body
        );
        assert_eq!(page.location, "/dashboard");
        let page = self.get("/dashboard");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(!self.csrf.is_empty(), "no CSRF token on the dashboard");
    }
}

/// A multipart upload from the uploads page: the form's fields and one file.
fn upload(b: &mut Browser, fields: &[(&str, &str)], name: &str, content: &[u8]) -> Page {
    let boundary = "----batonboundary";
    let mut body: Vec<u8> = Vec::new();
    let csrf = b.csrf.clone();
    for (k, v) in [("csrf", csrf.as_str())].iter().chain(fields.iter()) {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = b
        .agent
        .post(format!("{}/uploads", b.base))
        .header("Cookie", b.cookie_header())
        .header("Origin", &b.base)
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..]);
    b.finish(res)
}

fn form(fields: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        out.append_pair(k, v);
    }
    out.finish()
}

fn csrf_of(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(body[at..].split('"').next()?.to_string())
}

fn refusals(store: &mut Store) -> usize {
    store
        .log_events(0, 100_000)
        .unwrap()
        .iter()
        .filter(|(_, e)| e.action == "access.refused")
        .count()
}

const PAGES: &[&str] = &[
    "/",
    "/dashboard",
    "/assets",
    "/assets/General%20Hospital/gh-1",
    "/findings",
    "/findings/1",
    "/models/Acme%20Medical/Pump%209",
    "/uploads",
    "/settings",
    "/agreements",
    "/capabilities",
];

#[test]
fn signed_out_browsers_are_sent_to_sign_in_from_every_page() {
    for db in testing::all() {
        let site = start(db);
        let mut b = Browser::new(&site);
        for path in PAGES {
            let page = b.get(path);
            assert_eq!(page.status, 303, "{path}");
            assert!(
                page.location.starts_with("/login?next="),
                "{path} → {}",
                page.location
            );
        }
        // A form post without a session changes nothing and is sent to sign in as well. The
        // server answers before reading the body, so the client may see the connection close
        // first; either way nothing changes.
        let res = b
            .agent
            .post(format!("{}/findings/{}/decide", b.base, site.pump))
            .header("Origin", &b.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form(&[("csrf", "x"), ("status", "fixed")]).as_bytes());
        if let Ok(res) = res {
            assert_eq!(res.status().as_u16(), 303);
        }
        let mut store = site.store_handle();
        assert!(store.decisions(site.pump).unwrap().is_empty());
        let page = b.get("/login");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Sign in"));
        // A failed sign-in says so and sets no session.
        let page = b.post(
            "/login",
            &[
                ("email", "gh-admin@example.test"),
                ("password", "wrong password!!"),
            ],
        );
        assert_eq!(page.status, 401);
        assert!(page.body.contains("Wrong e-mail or password"));
        assert!(b.cookies.is_empty());
        // A sign-in that goes elsewhere after is kept on this site.
        let page = b.post(
            "/login",
            &[
                ("email", "gh-admin@example.test"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        );
        assert_eq!(page.location, "/dashboard");
    }
}

#[test]
fn every_page_renders_for_every_kind_of_organization() {
    for db in testing::all() {
        let site = start(db);
        for email in [
            "gh-admin@example.test",
            "cc-analyst@example.test",
            "acme-admin@example.test",
            "svc-admin@example.test",
        ] {
            let mut b = Browser::new(&site);
            b.sign_in(email);
            for path in [
                "/dashboard",
                "/assets",
                "/assets?stage=support&sort=findings",
                "/assets?task=deploy-patches&party=hdo&findings=1",
                "/findings",
                "/findings?severity=unscored&kev=1",
                "/findings?sort=newest&status=affected",
                "/findings?sort=vulnerability",
                "/settings",
                "/agreements",
                "/capabilities",
            ] {
                let page = b.get(path);
                assert_eq!(page.status, 200, "{email} {path}: {}", page.body);
                // Nothing from elsewhere may load; the policy says so.
                let csp = page
                    .headers
                    .iter()
                    .find(|(k, _)| k == "content-security-policy")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
                for attr in ["src=\"http", "href=\"http", "action=\"http", "url(http"] {
                    assert!(!page.body.contains(attr), "{path} refers to another site");
                }
            }
            let dashboard = b.get("/dashboard");
            assert!(dashboard.body.contains("<svg"), "{email}: no chart");
            assert!(dashboard.body.len() < 300_000);
        }
    }
}

#[test]
fn each_organization_sees_only_its_own() {
    for db in testing::all() {
        let mut site = start(db);
        let mut gh = Browser::new(&site);
        gh.sign_in("gh-admin@example.test");
        let assets = gh.get("/assets");
        assert!(assets.body.contains("gh-1") && assets.body.contains("gh-3"));
        assert!(
            !assets.body.contains("cc-1"),
            "General Hospital lists City Clinic's asset"
        );
        let before = refusals(&mut site.store);
        // City Clinic's asset and finding, as a guessed address: not found, and logged.
        let page = gh.get("/assets/City%20Clinic/cc-1");
        assert_eq!(page.status, 404);
        assert!(!page.body.contains("cc-1\u{20}"));
        let page = gh.get(&format!("/findings/{}", site.monitor3));
        assert_eq!(page.status, 404);
        let page = gh.get("/assets/Nowhere/x-1");
        assert_eq!(page.status, 404);
        assert_eq!(refusals(&mut site.store), before + 3);
        // Its own finding shows its own assets only.
        let page = gh.get(&format!("/findings/{}", site.pump));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("gh-1") && !page.body.contains("cc-1"));

        // The manufacturer sees its model, and no hospital's assets until one shares them.
        let mut acme = Browser::new(&site);
        acme.sign_in("acme-admin@example.test");
        let mp = acme.get("/models/Acme%20Medical/Pump%209");
        assert_eq!(mp.status, 200, "{}", mp.body);
        assert_eq!(acme.get("/models/Other%20Corp/Monitor%201").status, 404);
        assert!(!acme.get("/assets").body.contains("gh-1"));
        assert_eq!(acme.get("/assets/General%20Hospital/gh-1").status, 404);
        let page = gh.post(
            "/settings/sharing",
            &[
                ("csrf", &gh.csrf.clone()),
                ("manufacturer", "Acme Medical"),
                ("level", "assets"),
            ],
        );
        assert_eq!(page.status, 303, "{}", page.body);
        let listed = acme.get("/assets");
        assert!(listed.body.contains("gh-1") && !listed.body.contains("gh-3"));
        assert!(!listed.body.contains("cc-1"));

        // The provider sees the assets its agreement names, and nothing else.
        let mut svc = Browser::new(&site);
        svc.sign_in("svc-admin@example.test");
        let listed = svc.get("/assets");
        assert!(listed.body.contains("cc-2") && listed.body.contains("cc-3"));
        assert!(!listed.body.contains("gh-1") && !listed.body.contains("cc-1"));
    }
}

#[test]
fn decisions_and_assessments_follow_roles_and_stay_with_their_hospital() {
    for db in testing::all() {
        let mut site = start(db);
        let path = format!("/findings/{}/decide", site.pump);

        // A viewer reads but cannot decide.
        let mut viewer = Browser::new(&site);
        viewer.sign_in("gh-viewer@example.test");
        let page = viewer.get(&format!("/findings/{}", site.pump));
        assert!(!page.body.contains("Record a VEX decision"));
        let page = viewer.post(
            &path,
            &[
                ("csrf", &viewer.csrf.clone()),
                ("status", "not_affected"),
                ("asset", "General Hospital/gh-1"),
            ],
        );
        assert_eq!(page.status, 403);

        let mut gh = Browser::new(&site);
        gh.sign_in("gh-analyst@example.test");
        // Without the session's CSRF token, or from another site, a form changes nothing.
        let page = gh.post(
            &path,
            &[
                ("csrf", "forged"),
                ("status", "fixed"),
                ("asset", "General Hospital/gh-1"),
            ],
        );
        assert_eq!(page.status, 403);
        let res = gh
            .agent
            .post(format!("{}{path}", gh.base))
            .header("Cookie", gh.cookie_header())
            .header("Origin", "https://evil.example")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(
                form(&[
                    ("csrf", &gh.csrf.clone()),
                    ("status", "fixed"),
                    ("asset", "General Hospital/gh-1"),
                ])
                .as_bytes(),
            );
        assert_eq!(gh.finish(res).status, 403);
        assert!(site.store.decisions(site.pump).unwrap().is_empty());

        // On another hospital's asset: not found.
        let page = gh.post(
            &path,
            &[
                ("csrf", &gh.csrf.clone()),
                ("status", "fixed"),
                ("asset", "City Clinic/cc-1"),
            ],
        );
        assert_eq!(page.status, 404);
        // On its own: recorded, and shown on the finding.
        let page = gh.post(
            &path,
            &[
                ("csrf", &gh.csrf.clone()),
                ("status", "not_affected"),
                ("justification", "vulnerable_code_not_in_execute_path"),
                ("note", "GH: port closed"),
                ("asset", "General Hospital/gh-1"),
            ],
        );
        assert_eq!(page.status, 303, "{}", page.body);
        let page = gh.get(&format!("/findings/{}?saved=1", site.pump));
        assert!(page.body.contains("Decision recorded"));
        assert!(page.body.contains("GH: port closed"));
        let decisions = site.store.decisions(site.pump).unwrap();
        assert_eq!(decisions.len(), 1);
        assert_eq!(decisions[0].decided_by, "gh-analyst@example.test");

        // A risk assessment of its own asset, shown in the asset's history.
        let page = gh.post(
            "/assessments",
            &[
                ("csrf", &gh.csrf.clone()),
                ("asset_id", "gh-1"),
                ("date", "2026-11-20"),
                ("assessor", "R. Chen"),
                ("decision", "mitigate"),
                ("residual", "low"),
                ("note", "GH: segmented"),
            ],
        );
        assert_eq!(page.status, 303, "{}", page.body);
        let page = gh.get("/assets/General%20Hospital/gh-1");
        assert!(page.body.contains("GH: segmented"), "{}", page.body);
        // An assessment naming another hospital's asset is not found.
        let page = gh.post(
            "/assessments",
            &[
                ("csrf", &gh.csrf.clone()),
                ("asset_id", "cc-1"),
                ("assessor", "R. Chen"),
                ("decision", "accept"),
            ],
        );
        assert_ne!(page.status, 303);

        // City Clinic sees the finding but neither General Hospital's decision nor assessment.
        let mut cc = Browser::new(&site);
        cc.sign_in("cc-analyst@example.test");
        let page = cc.get(&format!("/findings/{}", site.pump));
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("GH: port closed"));
        let page = cc.get("/assets/General%20Hospital/gh-1");
        assert_eq!(page.status, 404);
        assert!(!page.body.contains("GH: segmented"));
        // Every one of these changes is in the audit log, as its user's.
        let events = site.store.log_events(0, 100_000).unwrap();
        assert!(
            events
                .iter()
                .any(|(_, e)| e.action == "vex.decide" && e.actor == "gh-analyst@example.test")
        );
        assert!(site.store.verify_log(None).unwrap().is_ok());
    }
}

#[test]
fn uploads_name_the_place_of_an_error_and_change_nothing() {
    for db in testing::all() {
        let mut site = start(db);
        let mut gh = Browser::new(&site);
        gh.sign_in("gh-admin@example.test");
        let upload = |b: &mut Browser, kind: &str, name: &str, content: &str| {
            upload(b, &[("kind", kind)], name, content.as_bytes())
        };
        let count = |store: &mut Store| {
            store
                .assets(&Visibility::Operator, baton_store::Page::default())
                .unwrap()
                .1
        };
        let before = count(&mut site.store);
        // A row naming another hospital: refused, naming the line.
        let other = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n\
gh-9,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use\n\
cc-9,City Clinic,Acme Medical,Pump 9,1.0,,,,,,in-use\n";
        let page = upload(&mut gh, "assets", "mine.csv", other);
        assert_eq!(page.status, 403, "{}", page.body);
        assert!(page.body.contains("mine.csv:3"), "{}", page.body);
        // A bad status: refused, naming the line and column.
        let bad = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n\
gh-9,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use\n\
gh-10,General Hospital,Acme Medical,Pump 9,1.0,,,,,,exploded\n";
        let page = upload(&mut gh, "assets", "bad.csv", bad);
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(
            page.body.contains("bad.csv, line 3, column status"),
            "{}",
            page.body
        );
        assert_eq!(count(&mut site.store), before);
        // A kind the hospital does not upload.
        let page = upload(&mut gh, "sbom", "x.json", "{}");
        assert_eq!(page.status, 403);
        // A good file: imported, the outcome shown.
        let good = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n\
gh-9,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use\n";
        let page = upload(&mut gh, "assets", "good.csv", good);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Imported"));
        assert_eq!(count(&mut site.store), before + 1);
        // A viewer cannot upload.
        let mut viewer = Browser::new(&site);
        viewer.sign_in("gh-viewer@example.test");
        assert_eq!(viewer.get("/uploads").status, 403);
    }
}

fn shared_data() -> std::path::PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

#[test]
fn a_manufacturer_uploads_notices_and_documents_of_its_own_releases_only() {
    for db in testing::all() {
        let site = start(db);
        let mut acme = Browser::new(&site);
        acme.sign_in("acme-admin@example.test");
        let notice = std::fs::read(
            shared_data()
                .join("oasis-openeox/examples/core-oasis_openeox_tc-core-1_0-2025-minimal.json"),
        )
        .unwrap();
        // Seen before the uploads: the pages kept must not hide what the uploads change.
        let before = acme.get("/models/Acme%20Medical/Pump%209");
        assert!(!before.body.contains("<td>2025-11-20</td>"));
        let before = acme.get("/models/Acme%20Medical/Pump%209?release=1.0");
        assert!(!before.body.contains("Present: security-test-report"));
        // A real OpenEoX notice for its own release: the release's end of security support
        // (2025-11-19T16:00Z, in effect from the next day) makes it end-of-support.
        let page = upload(
            &mut acme,
            &[("kind", "notice"), ("release", "Acme Medical/Pump 9@1.0")],
            "openeox.json",
            &notice,
        );
        assert_eq!(page.status, 200, "{}", page.body);
        let page = acme.get("/models/Acme%20Medical/Pump%209");
        assert!(page.body.contains("<td>2025-11-20</td>"), "{}", page.body);
        // A document of its release shows as present.
        let page = upload(
            &mut acme,
            &[
                ("kind", "document"),
                ("release", "Acme Medical/Pump 9@1.0"),
                ("document_kind", "security-test-report"),
            ],
            "pentest.pdf",
            b"%PDF-1.7 test report",
        );
        assert_eq!(page.status, 200, "{}", page.body);
        let page = acme.get("/models/Acme%20Medical/Pump%209?release=1.0");
        assert!(
            page.body.contains("Present: security-test-report"),
            "{}",
            page.body
        );
        // Not for another manufacturer's release: refused, and nothing changes.
        let page = upload(
            &mut acme,
            &[("kind", "notice"), ("release", "Other Corp/Monitor 1@2.0")],
            "openeox.json",
            &notice,
        );
        assert_eq!(page.status, 403, "{}", page.body);
        // A notice that is not one: the reader's error, located.
        let page = upload(
            &mut acme,
            &[("kind", "notice"), ("release", "Acme Medical/Pump 9@1.0")],
            "broken.json",
            b"{\"end_of_life\": ",
        );
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains("broken.json"), "{}", page.body);
        // A hospital does not upload notices.
        let mut gh = Browser::new(&site);
        gh.sign_in("gh-admin@example.test");
        let page = upload(
            &mut gh,
            &[("kind", "notice"), ("release", "Acme Medical/Pump 9@1.0")],
            "openeox.json",
            &notice,
        );
        assert_eq!(page.status, 403);
    }
}
