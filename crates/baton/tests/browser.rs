//! End to end in a real browser: Debian's headless Chromium driven through chromium-driver
//! (W3C WebDriver) against `baton serve --demo`, as a user would work.
//!
//! A manufacturer signs in and uploads a real SBOM for one of its releases and a real OSV
//! advisory; a hospital running that release sees the finding on its asset, records a VEX
//! decision and a risk assessment; another hospital sees neither. Screenshots of the dashboard,
//! a device page and an asset page are saved as artifacts (`BATON_TEST_ARTIFACTS`, else the
//! test's temporary folder).
//!
//! Without `chromium` and `chromedriver` the test says so and passes, unless
//! `BATON_TEST_REQUIRE_BROWSER=1` (CI sets it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn shared_data() -> PathBuf {
    std::env::var_os("BATON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

fn find(names: &[&str]) -> Option<PathBuf> {
    names.iter().map(PathBuf::from).find(|p| p.exists())
}

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What `baton serve --demo` printed: the URL and each organization's admin.
struct Demo {
    _server: Running,
    url: String,
    logins: Vec<(String, String, String, String)>,
}

impl Demo {
    fn login(&self, organization: &str) -> (&str, &str) {
        let l = self
            .logins
            .iter()
            .find(|l| l.0 == organization)
            .unwrap_or_else(|| panic!("no demo admin for {organization}"));
        (&l.2, &l.3)
    }
}

fn start_demo(dir: &Path, log: &Path) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env("TMPDIR", dir)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Running(child);
    let mut url = String::new();
    let mut logins = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Baton demo: open ") {
            url = rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_string();
        } else if line.starts_with("  ") {
            // Organization names have spaces; the last three fields do not.
            let fields: Vec<&str> = line.split_whitespace().collect();
            let n = fields.len();
            logins.push((
                fields[..n - 3].join(" "),
                fields[n - 3].to_string(),
                fields[n - 2].to_string(),
                fields[n - 1].to_string(),
            ));
        } else if line.starts_with("Stop with") {
            break;
        }
    }
    assert!(url.starts_with("http://127.0.0.1:"), "no URL printed");
    assert!(logins.len() >= 3, "no demo admins printed");
    Demo {
        _server: server,
        url,
        logins,
    }
}

/// POST a JSON body; the status and the JSON answer.
fn post_json(agent: &ureq::Agent, url: &str, body: &Value) -> (u16, Value) {
    let mut res = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(serde_json::to_vec(body).unwrap().as_slice())
        .unwrap();
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// GET (or DELETE); the status and the JSON answer.
fn get_json(agent: &ureq::Agent, url: &str, delete: bool) -> (u16, Value) {
    let answer = if delete {
        agent.delete(url).call()
    } else {
        agent.get(url).call()
    };
    match answer {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let text = res.body_mut().read_to_string().unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

/// A minimal W3C WebDriver client.
struct Browser {
    base: String,
    session: String,
    agent: ureq::Agent,
    _driver: Running,
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Browser {
        let port = free_port();
        let driver = Running(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, v) = get_json(&agent, &format!("{base}/status"), false);
            if v["value"]["ready"] == json!(true) {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1366,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let (_, v) = post_json(&agent, &format!("{base}/session"), &caps);
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        Browser {
            base,
            session,
            agent,
            _driver: driver,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let (status, v) = match method {
            "GET" => get_json(&self.agent, &url, false),
            "DELETE" => get_json(&self.agent, &url, true),
            _ => post_json(&self.agent, &url, &body.unwrap_or(json!({}))),
        };
        assert!(
            (200..300).contains(&status),
            "WebDriver {method} {path}: {status} {v}"
        );
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = format!("{}/session/{}/element", self.base, self.session);
            let (status, v) = post_json(
                &self.agent,
                &url,
                &json!({"using": "css selector", "value": css}),
            );
            if (200..300).contains(&status) {
                let map = v["value"].as_object().unwrap();
                return map.values().next().unwrap().as_str().unwrap().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no element '{css}' on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.call("POST", &format!("/element/{el}/clear"), None);
        self.call(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({"text": text})),
        );
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.call("POST", &format!("/element/{el}/click"), None);
    }

    fn select(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value=\"{value}\"]"));
    }

    /// The page's visible text (read by script: htmx may swap the body under an element).
    fn text(&self) -> String {
        self.script("return document.body ? document.body.innerText : '';")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn wait_for_text(&self, wanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.text();
            if text.contains(wanted) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "'{wanted}' never appeared on {}:\n{text}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn attribute(&self, css: &str, name: &str) -> String {
        let el = self.find(css);
        self.call("GET", &format!("/element/{el}/attribute/{name}"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Run a script in the page; its return value.
    fn script(&self, source: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": source, "args": []})),
        )
    }

    /// Accessibility basics of the page: the language is set, there is one main heading, every
    /// visible form field has a label, every chart has a name, and every link has text.
    fn check_accessible(&self) {
        let problems = self.script(
            r#"
            const out = [];
            if (!document.documentElement.lang) out.push("no lang on <html>");
            if (document.querySelectorAll("h1").length !== 1) out.push("not one h1");
            for (const el of document.querySelectorAll("input, select, textarea")) {
              if (el.type === "hidden") continue;
              const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`))
                || el.closest("label") || el.getAttribute("aria-label");
              if (!labelled) out.push("unlabelled field " + (el.name || el.id));
            }
            for (const svg of document.querySelectorAll("svg")) {
              if (!svg.getAttribute("aria-label") && !svg.querySelector("title")) out.push("unnamed chart");
            }
            for (const a of document.querySelectorAll("a")) {
              if (!a.textContent.trim() && !a.getAttribute("aria-label")) out.push("empty link " + a.href);
            }
            return out;
            "#,
        );
        let problems = problems.as_array().cloned().unwrap_or_default();
        assert!(problems.is_empty(), "{}: {problems:?}", self.url());
    }

    fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    fn screenshot(&self, file: &Path) {
        use base64::Engine as _;
        let data = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(file, png).unwrap();
    }

    fn sign_in(&self, url: &str, email: &str, password: &str) {
        self.go(&format!("{url}/dashboard"));
        if !self.url().contains("/login") {
            self.click("form[action=\"/logout\"] button");
            self.wait_for_text("Password");
            self.go(&format!("{url}/dashboard"));
        }
        // A signed-out browser is sent to the sign-in form.
        assert!(
            self.url().contains("/login"),
            "not at sign-in: {}",
            self.url()
        );
        self.type_into("#email", email);
        self.type_into("#password", password);
        self.click("form[action=\"/login\"] button[type=submit]");
        self.wait_for_text("Signed in as");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = get_json(
            &self.agent,
            &format!("{}/session/{}", self.base, self.session),
            true,
        );
    }
}

#[test]
fn a_day_in_the_browser() {
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let chromedriver = find(&["/usr/bin/chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        assert!(
            std::env::var("BATON_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "BATON_TEST_REQUIRE_BROWSER=1 but chromium or chromedriver is missing"
        );
        eprintln!("skipped: install Debian's chromium and chromium-driver to run the browser test");
        return;
    };
    let data = shared_data();
    // Chromium wants canonical paths for file inputs.
    let sbom = data
        .join("spdx-examples/software/example11/spdx2.3/sbom.spdx.json")
        .canonicalize()
        .unwrap();
    let advisory = data
        .join("osv-rustsec/crates/RUSTSEC-2021-0078.json")
        .canonicalize()
        .unwrap();
    let artifacts = std::env::var_os("BATON_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser"));
    std::fs::create_dir_all(&artifacts).unwrap();

    let work = tempfile::tempdir().unwrap();
    // The server's log is kept with the screenshots.
    let demo = start_demo(work.path(), &artifacts.join("server.log"));
    let url = demo.url.clone();
    let browser = Browser::start(&chromium, &chromedriver, &work.path().join("profile"));

    // A signed-out browser asking for the dashboard is sent to sign in, then brought back.
    browser.go(&format!("{url}/dashboard"));
    assert!(browser.url().contains("/login?next="), "{}", browser.url());
    let (email, password) = demo.login("Lakeside Community Hospital");
    browser.type_into("#email", email);
    browser.type_into("#password", "wrong password, twelve+");
    browser.click("form[action=\"/login\"] button[type=submit]");
    browser.wait_for_text("Wrong e-mail or password");
    browser.type_into("#password", password);
    browser.click("form[action=\"/login\"] button[type=submit]");
    let text = browser.wait_for_text("Signed in as");
    assert!(browser.url().ends_with("/dashboard"), "{}", browser.url());
    assert!(text.contains("Assets by stage"), "{text}");
    browser.check_accessible();
    browser.screenshot(&artifacts.join("dashboard.png"));
    // The same on a tablet held upright.
    browser.resize(820, 1180);
    browser.screenshot(&artifacts.join("dashboard-tablet.png"));
    browser.resize(1366, 900);
    // Keyboard: the first Tab reaches the skip link, which leads to the main content.
    browser.call(
        "POST",
        "/actions",
        Some(
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": "\u{E004}"}, {"type": "keyUp", "value": "\u{E004}"}
            ]}]}),
        ),
    );
    let focused = browser.script("return document.activeElement.textContent.trim();");
    assert_eq!(focused, json!("Skip to content"));

    // The hospital's first asset: which release it runs.
    browser.go(&format!("{url}/assets"));
    let asset_link = browser.attribute("main table tbody tr td a", "href");
    browser.go(&format!("{url}{asset_link}"));
    let asset_page = browser.wait_for_text("Responsibilities today");
    let asset_url = browser.url();
    let heading = browser.call(
        "GET",
        &format!("/element/{}/text", browser.find("h1 .sub")),
        None,
    );
    let heading = heading.as_str().unwrap().to_string();
    let model_href = browser.attribute("dl.facts a", "href");
    browser.check_accessible();
    browser.screenshot(&artifacts.join("asset.png"));
    assert!(asset_page.contains("Stage today"));

    // The manufacturer of that model: its admin uploads an SBOM and an advisory for the release.
    let model_path = model_href.split("/models/").nth(1).unwrap().to_string();
    let mfr = percent_decode(model_path.split('/').next().unwrap());
    let model = percent_decode(model_path.split('/').nth(1).unwrap());
    let version = heading.rsplit(' ').next().unwrap().to_string();
    let release = format!("{mfr}/{model}@{version}");
    let (mfr_email, mfr_password) = demo.login(&mfr);
    browser.sign_in(&url, mfr_email, mfr_password);
    browser.go(&format!("{url}/uploads"));
    browser.select("#kind", "sbom");
    browser.type_into("#release", &release);
    browser.type_into("#file", sbom.to_str().unwrap());
    browser.click("#upload button[type=submit]");
    browser.wait_for_text("Imported: sbom.spdx.json");
    browser.go(&format!("{url}/uploads"));
    browser.select("#kind", "advisories");
    browser.type_into("#file", advisory.to_str().unwrap());
    browser.click("#upload button[type=submit]");
    browser.wait_for_text("Imported: RUSTSEC-2021-0078.json");
    // The device page of the model.
    browser.go(&format!("{url}{model_href}"));
    browser.wait_for_text("Releases");
    browser.check_accessible();
    browser.screenshot(&artifacts.join("device.png"));

    // Back as the hospital: the finding is on its asset.
    browser.sign_in(&url, email, password);
    browser.go(&asset_url);
    browser.wait_for_text("CVE-2021-32715");
    browser.go(&format!("{url}/findings?vulnerability=CVE-2021-32715"));
    browser.wait_for_text("CVE-2021-32715");
    browser.click("main table tbody tr td a");
    browser.wait_for_text("RUSTSEC-2021-0078");
    browser.check_accessible();
    let finding_url = browser.url();
    let asset_name = format!(
        "Lakeside Community Hospital/{}",
        percent_decode(asset_url.rsplit('/').next().unwrap())
    );
    browser.select("#asset", &asset_name);
    browser.select("#status", "not_affected");
    browser.select("#justification", "vulnerable_code_not_in_execute_path");
    browser.type_into("#note", "Lakeside: hyper server disabled on this pump");
    browser.click("form[action$=\"/decide\"] button[type=submit]");
    let text = browser.wait_for_text("Decision recorded");
    assert!(text.contains("Lakeside: hyper server disabled on this pump"));

    // A risk assessment of the asset.
    browser.go(&asset_url);
    browser.select("#a-decision", "mitigate");
    browser.select("#a-residual", "low");
    browser.type_into("#a-note", "Lakeside: segmented VLAN, reviewed");
    browser.click("form[action=\"/assessments\"] button[type=submit]");
    let text = browser.wait_for_text("Assessment recorded");
    assert!(
        text.contains("Lakeside: segmented VLAN, reviewed"),
        "{text}"
    );

    // Another hospital sees neither the asset nor the decision nor the assessment.
    let (other_email, other_password) = demo.login("Northgate Children's Hospital");
    browser.sign_in(&url, other_email, other_password);
    browser.go(&asset_url);
    let text = browser.wait_for_text("Not Found");
    assert!(!text.contains("segmented VLAN"));
    browser.go(&finding_url);
    let text = browser.text();
    assert!(
        text.contains("Not Found") || !text.contains("hyper server disabled"),
        "another hospital sees Lakeside's decision:\n{text}"
    );
    browser.go(&format!("{url}/assets"));
    let text = browser.wait_for_text("Assets");
    assert!(text.contains("Northgate"), "{text}");
    assert!(!text.contains("Lakeside Community Hospital"), "{text}");
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}
