//! Starts the real server on 127.0.0.1:0 with a SQLite database in a temporary directory, on its
//! own runtime thread, so tests can use a blocking HTTP client.
#![allow(dead_code)]

pub mod fixture;
pub mod oidc_provider;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::Router;
use baton_server::app::{AppState, router_with};
use baton_server::config::{DatabaseUrl, ServerConfig};
use baton_server::ratelimit::LoginLimits;
use baton_server::{Pool, ServeError, Server};
use tokio::sync::oneshot;

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    pub db_path: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
}

pub fn config(dir: &tempfile::TempDir) -> ServerConfig {
    let db = dir.path().join("baton.db");
    ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: DatabaseUrl::new(db.to_string_lossy().to_string()),
        ..ServerConfig::default()
    }
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {}, Router::new())
    }

    /// `adjust` changes the configuration; `extra` adds routes inside the application's layers.
    pub fn start_with(
        adjust: impl FnOnce(&mut ServerConfig),
        extra: Router<AppState>,
    ) -> TestServer {
        TestServer::start_logged(adjust, extra, None)
    }

    /// As [`TestServer::start_with`]; with `log`, the server runs on one thread whose JSON log
    /// lines (level DEBUG and up) are collected there.
    pub fn start_logged(
        adjust: impl FnOnce(&mut ServerConfig),
        extra: Router<AppState>,
        log: Option<Arc<std::sync::Mutex<Vec<u8>>>>,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(&dir);
        adjust(&mut config);
        TestServer::spawn(dir, config, None, LoginLimits::default(), extra, log)
    }

    /// The server on an existing database (such as one of `baton_store::testing`), with its
    /// audit-log key at `log_key` and these login limits.
    pub fn start_on(url: &str, log_key: PathBuf, limits: LoginLimits) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(&dir);
        config.database_url = DatabaseUrl::new(url.to_string());
        TestServer::spawn(dir, config, Some(log_key), limits, Router::new(), None)
    }

    fn spawn(
        dir: tempfile::TempDir,
        config: ServerConfig,
        log_key: Option<PathBuf>,
        limits: LoginLimits,
        extra: Router<AppState>,
        log: Option<Arc<std::sync::Mutex<Vec<u8>>>>,
    ) -> TestServer {
        let db_path = PathBuf::from(config.database_url.expose());
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let _guard = log.map(|buf| {
                let subscriber = tracing_subscriber::fmt()
                    .json()
                    .with_max_level(tracing::Level::DEBUG)
                    .with_current_span(true)
                    .with_writer(move || LogWriter(buf.clone()))
                    .finish();
                tracing::subscriber::set_default(subscriber)
            });
            let rt = if _guard.is_some() {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
            } else {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap()
            };
            rt.block_on(async move {
                let pool = Pool::open_with_key(
                    config.database_url.clone(),
                    log_key,
                    config.pool_size,
                    config.pool_timeout,
                )
                .await?;
                let state = AppState::with_limits(config.clone(), pool, limits);
                let server = Server::bind_app(&config, router_with(state, extra)).await?;
                addr_tx.send(server.local_addr()).unwrap();
                server
                    .run(async move {
                        let _ = shutdown_rx.await;
                    })
                    .await
            })
        });
        let addr = addr_rx.recv().expect("server failed to start");
        TestServer {
            addr,
            dir,
            db_path,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Signal shutdown without waiting.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Signal shutdown and wait until the server has stopped.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.begin_shutdown();
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.begin_shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A blocking client that returns error statuses as responses and never uses a proxy.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts the error shape and returns its code.
    pub fn error_code(&self) -> String {
        let v = self.json();
        assert_eq!(v["error"]["status"], self.status, "{}", self.body);
        assert!(v["error"]["message"].is_string(), "{}", self.body);
        v["error"]["code"].as_str().unwrap().to_string()
    }
}

pub fn reply(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut res = res.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.body_mut().read_to_string().unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

pub fn get(url: &str) -> Reply {
    reply(client().get(url).call())
}

struct LogWriter(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
