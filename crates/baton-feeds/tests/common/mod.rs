//! A tiny HTTP/1.1 server on loopback for the feed tests, a clock that does not sleep, and the
//! shared data folder.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use baton_feeds::{Clock, FeedsConfig, ProxySetting, RetryPolicy, TlsRoots};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The shared data folder beside the checkout (`../shared/data`); every fixture comes from it,
/// so a missing folder fails the test rather than skipping it.
pub fn data_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    assert!(
        dir.is_dir(),
        "the shared data folder {} is missing",
        dir.display()
    );
    dir
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to answer.
pub enum Reply {
    /// A whole response.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Announce the whole body (Content-Length) but send only `send` bytes, then close.
    Truncated {
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        send: usize,
    },
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Reply::Full {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn status(status: u16) -> Self {
        Reply::Full {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Self {
        match self {
            Reply::Full {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_string(), value.to_string()));
                Reply::Full {
                    status,
                    headers,
                    body,
                }
            }
            Reply::Truncated {
                mut headers,
                body,
                send,
            } => {
                headers.push((name.to_string(), value.to_string()));
                Reply::Truncated {
                    headers,
                    body,
                    send,
                }
            }
        }
    }
}

/// Serves `body` as a static file with an ETag, honouring `If-None-Match`, `Range` and
/// `If-Range`, as a CDN does.
pub fn static_file(req: &Req, body: &[u8], etag: &str) -> Reply {
    if req.header("if-none-match") == Some(etag) {
        return Reply::status(304).with_header("ETag", etag);
    }
    if let Some(range) = req.header("range") {
        let if_range_ok = req.header("if-range").is_none_or(|v| v == etag);
        if if_range_ok {
            let start: usize = range
                .strip_prefix("bytes=")
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|s| s.parse().ok())
                .unwrap();
            if start >= body.len() {
                return Reply::status(416);
            }
            return Reply::Full {
                status: 206,
                headers: vec![
                    ("ETag".into(), etag.into()),
                    (
                        "Content-Range".into(),
                        format!("bytes {start}-{}/{}", body.len() - 1, body.len()),
                    ),
                ],
                body: body[start..].to_vec(),
            };
        }
    }
    Reply::ok(body.to_vec()).with_header("ETag", etag)
}

pub struct Server {
    pub base: String,
    requests: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    /// Starts a server on 127.0.0.1:0; `handler` answers every request (in its own thread).
    pub fn start(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = handler.clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, handler.as_ref(), &log));
            }
        });
        Server { base, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Req> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    pub fn clear(&self) {
        self.requests.lock().unwrap().clear();
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Req> {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q),
        None => (target.clone(), ""),
    };
    let query = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Req {
        method,
        path,
        query,
        headers,
    })
}

fn serve(
    stream: TcpStream,
    handler: &(dyn Fn(&Req) -> Reply + Send + Sync),
    log: &Mutex<Vec<Req>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    let Some(mut req) = read_request(&mut reader) else {
        return;
    };
    // Acting as a proxy: accept the tunnel, then serve the request sent through it.
    while req.method == "CONNECT" {
        log.lock().unwrap().push(req.clone());
        let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        let Some(next) = read_request(&mut reader) else {
            return;
        };
        req = next;
    }
    log.lock().unwrap().push(req.clone());
    let reply = handler(&req);
    let (status, headers, body, send) = match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let n = body.len();
            (status, headers, body, n)
        }
        Reply::Truncated {
            headers,
            body,
            send,
        } => (200, headers, body, send),
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body[..send.min(body.len())]);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A clock that never sleeps: `sleep` advances its own time and records the wait.
#[derive(Debug)]
pub struct TestClock {
    start: Instant,
    elapsed: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl TestClock {
    pub fn new() -> Arc<Self> {
        Arc::new(TestClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
            sleeps: Mutex::new(Vec::new()),
        })
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }

    pub fn total_slept(&self) -> Duration {
        self.sleeps().iter().sum()
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap()
    }

    fn sleep(&self, d: Duration) {
        *self.elapsed.lock().unwrap() += d;
        self.sleeps.lock().unwrap().push(d);
    }
}

/// Settings for tests: no proxy from the environment, a test clock, quick retries.
pub fn config(clock: Arc<TestClock>) -> FeedsConfig {
    FeedsConfig {
        proxy: ProxySetting::None,
        tls_roots: TlsRoots::WebPki,
        retry: RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
        },
        clock,
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(10),
        ..FeedsConfig::default()
    }
}
