//! Baton's HTTP service: configuration ([`config`]), a pool of blocking store connections
//! ([`pool`]), serving over HTTP or TLS with graceful shutdown ([`serve`]), one JSON error shape
//! ([`error`]), the router and its state ([`app`], API routes in [`api`]), the OpenAPI document
//! ([`openapi`]), pages of rows as JSON ([`paged`]), OpenID sign-in routes ([`auth`]), failed-login limits ([`ratelimit`]), OpenID Connect sign-in ([`oidc`]), session
//! cookies and CSRF ([`session`]), the client address behind proxies ([`client`]) and logging
//! ([`logging`]), and who is asking ([`principal`]: the authentication layer and the extractors
//! handlers take).

pub mod api;
pub mod app;
pub mod auth;
pub mod client;
pub mod config;
pub mod error;
pub mod logging;
pub mod oidc;
pub mod openapi;
pub mod paged;
pub mod pool;
pub mod principal;
pub mod ratelimit;
pub mod serve;
pub mod session;

pub use app::{AppState, router};
pub use config::ServerConfig;
pub use error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
pub use pool::Pool;
pub use serve::{ServeError, Server, serve, shutdown_signal};
