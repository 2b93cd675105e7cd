//! Binding and serving, over plain HTTP or TLS (rustls with the ring provider), until a shutdown
//! signal; in-flight requests then finish within the configured grace period.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::app::{AppState, router};
use crate::config::{ServerConfig, TlsFiles};
use crate::pool::{Pool, PoolError};

/// A client has this long to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("TLS: {path}: {message}")]
    TlsFile { path: PathBuf, message: String },
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Database(#[from] PoolError),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Read a PEM certificate chain and private key into a rustls server configuration.
pub fn tls_config(files: &TlsFiles) -> Result<rustls::ServerConfig, ServeError> {
    let file_err = |path: &Path, message: String| ServeError::TlsFile {
        path: path.to_path_buf(),
        message,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| file_err(&files.cert, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_err(&files.cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(file_err(&files.cert, "no certificate found".into()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| file_err(&files.key, format!("no usable private key: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServeError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| ServeError::Tls(format!("certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

type Serving = std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

/// A bound server, not yet serving: [`Server::local_addr`] tells the port when it was 0.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    tls: Option<TlsAcceptor>,
    app: Router,
    grace: Duration,
}

impl Server {
    /// Open the database pool, build the application and bind.
    pub async fn bind(config: ServerConfig) -> Result<Server, ServeError> {
        Server::bind_with(config, router).await
    }

    /// Open the database pool, build the application with `build` (e.g. [`router`] merged with
    /// the web pages) and bind.
    pub async fn bind_with(
        config: ServerConfig,
        build: impl FnOnce(AppState) -> Router,
    ) -> Result<Server, ServeError> {
        let pool = Pool::open_with(
            config.database_url.clone(),
            config.audit_key.clone(),
            config.siem.clone(),
            config.pool_size,
            config.pool_timeout,
        )
        .await?;
        tracing::info!(database = %config.database_url.redacted(), "database open");
        let state = AppState::new(config.clone(), pool);
        // Read the fleet while the first requests are on their way; they wait for it if early.
        let warm = state.clone();
        tokio::spawn(async move {
            if let Err(e) = warm.fleet().current(warm.pool()).await {
                tracing::warn!(error = %e.message(), "cannot read the fleet yet");
            }
        });
        Server::bind_app(&config, build(state)).await
    }

    /// Bind `app` (e.g. [`router`] with extra routes) with the listener settings of `config`.
    pub async fn bind_app(config: &ServerConfig, app: Router) -> Result<Server, ServeError> {
        let tls = match &config.tls {
            Some(files) => Some(TlsAcceptor::from(Arc::new(tls_config(files)?))),
            None => None,
        };
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr()?;
        Ok(Server {
            listener,
            addr,
            tls,
            app,
            grace: config.shutdown_grace,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serve until `shutdown` completes, then stop accepting and let in-flight requests finish
    /// (at most the grace period).
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        tracing::info!(address = %self.addr, scheme, "listening");
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = started_tx.send(());
        };
        let make = self.app.into_make_service_with_connect_info::<SocketAddr>();
        let serving: Serving = match self.tls {
            None => {
                let listener = self.listener.tap_io(|tcp: &mut TcpStream| {
                    let _ = tcp.set_nodelay(true);
                });
                Box::pin(
                    axum::serve(listener, make)
                        .with_graceful_shutdown(signal)
                        .into_future(),
                )
            }
            Some(acceptor) => {
                // `tap_io` lets axum give handlers the peer address of the TLS listener.
                let listener = TlsListener::start(self.listener, acceptor).tap_io(|_| {});
                Box::pin(
                    axum::serve(listener, make)
                        .with_graceful_shutdown(signal)
                        .into_future(),
                )
            }
        };
        let grace = self.grace;
        let deadline = async move {
            if started_rx.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            r = serving => r?,
            () = deadline => tracing::warn!("grace period over: closing the remaining connections"),
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Build the server from `config` and serve until SIGTERM or Ctrl-C ([`shutdown_signal`]) or
/// `shutdown`, whichever comes first.
pub async fn serve(
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let server = Server::bind(config).await?;
    server
        .run(async move {
            tokio::select! {
                () = shutdown => {}
                () = shutdown_signal() => {}
            }
        })
        .await
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}

/// Accepts TCP connections and completes TLS handshakes in their own tasks, so one slow client
/// cannot hold up the others; axum receives finished TLS streams.
struct TlsListener {
    rx: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
    accept_task: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    fn start(listener: TcpListener, acceptor: TlsAcceptor) -> TlsListener {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
        let (tx, rx) = mpsc::channel(64);
        let accept_task = tokio::spawn(async move {
            loop {
                let (tcp, peer) = match listener.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        // Typically out of file descriptors: wait rather than spin.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let _ = tcp.set_nodelay(true);
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        TlsListener {
            rx,
            addr,
            accept_task,
        }
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        // axum drops the listener when shutdown starts: stop accepting.
        self.accept_task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}
