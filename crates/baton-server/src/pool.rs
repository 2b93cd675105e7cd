//! A small pool of blocking [`Store`] connections used from async handlers.
//!
//! `pool.run(|store| …).await` takes a connection (opening one when none is idle and fewer than
//! `size` are out), runs the closure on tokio's blocking threads and puts the connection back if
//! it is still sound. A PostgreSQL connection that closed, or a SQLite connection whose file was
//! deleted or replaced, is dropped and a new one opened on the next call. A missing SQLite file is
//! never created again after startup: that would silently serve an empty database.
//!
//! The connection that authenticated a request can be leased to it ([`Pool::run_and_lease`],
//! [`Pool::leasing`]): the handler's first `run` then uses it without queueing for a connection
//! a second time. Every connection shares one [`ReadCache`].

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_store::{Db, ReadCache, Store, Target};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::DatabaseUrl;

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("cannot open the database: {0}")]
    Open(#[source] baton_store::StoreError),
    #[error("the SQLite database file {0} is gone")]
    Gone(PathBuf),
    #[error("no database connection free within {0:?}")]
    Timeout(Duration),
    #[error("a database task failed: {0}")]
    Task(String),
}

/// File identity, to notice a SQLite file deleted or swapped under an open connection.
#[cfg(unix)]
fn file_id(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &std::path::Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|_| (0, 0))
}

struct Conn {
    store: Store,
    /// For SQLite: the file's identity when this connection opened it.
    file: Option<(u64, u64)>,
}

struct Inner {
    url: DatabaseUrl,
    log_key: Option<PathBuf>,
    siem: Option<baton_store::Siem>,
    sqlite_path: Option<PathBuf>,
    idle: Mutex<Vec<Conn>>,
    permits: Arc<Semaphore>,
    timeout: Duration,
    size: usize,
    cache: ReadCache,
}

/// A connection and its slot in the pool, held by one request.
struct Held {
    conn: Conn,
    permit: OwnedSemaphorePermit,
}

/// The connection that authenticated a request, kept for the request's first database call and
/// given back to the pool when the request ends if no call took it.
pub struct Lease {
    pool: Arc<Inner>,
    held: Mutex<Option<Held>>,
}

impl Lease {
    fn take(&self, pool: &Arc<Inner>) -> Option<Held> {
        if !Arc::ptr_eq(&self.pool, pool) {
            return None;
        }
        self.held.lock().ok()?.take()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let held = self.held.get_mut().ok().and_then(Option::take);
        if let Some(mut held) = held {
            if self.pool.sound(&mut held.conn) {
                self.pool.put(held.conn);
            } else {
                close_off_runtime(vec![held.conn]);
            }
        }
    }
}

/// Close connections where blocking is allowed: a PostgreSQL client's close blocks on its own
/// runtime, which panics on a thread that drives async tasks.
fn close_off_runtime(conns: Vec<Conn>) {
    if conns.is_empty() {
        return;
    }
    if tokio::runtime::Handle::try_current().is_ok() {
        let _ = std::thread::Builder::new()
            .name("baton-pool-close".into())
            .spawn(move || drop(conns));
    } else {
        drop(conns);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let idle = self.idle.get_mut().map(std::mem::take).unwrap_or_default();
        close_off_runtime(idle);
    }
}

tokio::task_local! {
    /// The lease of the request this task serves.
    static LEASED: Lease;
}

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("url", &self.inner.url)
            .field("size", &self.inner.size)
            .finish()
    }
}

impl Inner {
    fn open(&self, first: bool) -> Result<Conn, PoolError> {
        if let Some(path) = &self.sqlite_path
            && !first
            && file_id(path).is_none()
        {
            return Err(PoolError::Gone(path.clone()));
        }
        let mut store = Store::open_with_key(self.url.expose(), self.log_key.clone())
            .map_err(PoolError::Open)?;
        store.set_siem(self.siem.clone());
        store.set_read_cache(Some(self.cache.clone()));
        let file = self.sqlite_path.as_deref().and_then(file_id);
        Ok(Conn { store, file })
    }

    fn sound(&self, conn: &mut Conn) -> bool {
        if let Some(path) = &self.sqlite_path {
            return conn.file.is_some() && file_id(path) == conn.file;
        }
        match conn.store.db() {
            Db::Postgres(pg) => !pg.is_closed(),
            Db::Sqlite(_) => true,
        }
    }

    fn take(&self) -> Option<Conn> {
        self.idle.lock().ok()?.pop()
    }

    fn put(&self, conn: Conn) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

impl Pool {
    /// Open the first connection now (creating and migrating a SQLite database as the CLI does),
    /// so that a wrong URL fails at startup.
    pub async fn open(url: DatabaseUrl, size: usize, timeout: Duration) -> Result<Pool, PoolError> {
        Pool::open_with_key(url, None, size, timeout).await
    }

    /// [`Pool::open`] with the audit-log key at `log_key` (else the store's default beside the
    /// database).
    pub async fn open_with_key(
        url: DatabaseUrl,
        log_key: Option<PathBuf>,
        size: usize,
        timeout: Duration,
    ) -> Result<Pool, PoolError> {
        Pool::open_with(url, log_key, None, size, timeout).await
    }

    /// [`Pool::open_with_key`], every connection also sending committed events to `siem`.
    pub async fn open_with(
        url: DatabaseUrl,
        log_key: Option<PathBuf>,
        siem: Option<baton_store::Siem>,
        size: usize,
        timeout: Duration,
    ) -> Result<Pool, PoolError> {
        let size = size.max(1);
        let sqlite_path = match baton_store::Target::parse(url.expose()) {
            Target::Sqlite(p) => Some(PathBuf::from(p)),
            Target::Postgres(_) => None,
        };
        let inner = Arc::new(Inner {
            url,
            log_key,
            siem,
            sqlite_path,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            timeout,
            size,
            cache: ReadCache::new(),
        });
        let opener = inner.clone();
        let first = tokio::task::spawn_blocking(move || opener.open(true))
            .await
            .map_err(|e| PoolError::Task(e.to_string()))??;
        inner.put(first);
        Ok(Pool { inner })
    }

    pub fn size(&self) -> usize {
        self.inner.size
    }

    /// Connections currently open and idle.
    pub fn idle(&self) -> usize {
        self.inner.idle.lock().map(|v| v.len()).unwrap_or(0)
    }

    /// The answers every connection keeps while the data is unchanged.
    pub fn read_cache(&self) -> &ReadCache {
        &self.inner.cache
    }

    /// A connection and its slot: the request's lease when it has one, else a free one (waiting
    /// at most the pool timeout).
    async fn acquire(&self) -> Result<(Option<Conn>, OwnedSemaphorePermit), PoolError> {
        if let Ok(Some(held)) = LEASED.try_with(|lease| lease.take(&self.inner)) {
            return Ok((Some(held.conn), held.permit));
        }
        let permit: OwnedSemaphorePermit = tokio::time::timeout(
            self.inner.timeout,
            self.inner.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| PoolError::Timeout(self.inner.timeout))?
        .map_err(|e| PoolError::Task(e.to_string()))?;
        Ok((None, permit))
    }

    /// Run `work` with a connection on a blocking thread. Waits at most the pool timeout for a
    /// free connection (none when the request's lease has one).
    pub async fn run<T, F>(&self, work: F) -> Result<T, PoolError>
    where
        F: FnOnce(&mut Store) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (leased, permit) = self.acquire().await?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            // The permit moves here so a panicking task still frees its slot.
            let _permit = permit;
            let mut conn = inner.checkout(leased)?;
            let out = inner.work_on(&mut conn, work);
            if inner.sound(&mut conn) {
                inner.put(conn);
            }
            Ok(out)
        })
        .await
        .map_err(|e| PoolError::Task(e.to_string()))?
    }

    /// [`Pool::run`], keeping the connection for the rest of the request: pass the lease to
    /// [`Pool::leasing`] around the handler.
    pub async fn run_and_lease<T, F>(&self, work: F) -> Result<(T, Lease), PoolError>
    where
        F: FnOnce(&mut Store) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (leased, permit) = self.acquire().await?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.checkout(leased)?;
            let out = inner.work_on(&mut conn, work);
            let held = inner.sound(&mut conn).then_some(Held { conn, permit });
            Ok((
                out,
                Lease {
                    pool: inner,
                    held: Mutex::new(held),
                },
            ))
        })
        .await
        .map_err(|e| PoolError::Task(e.to_string()))?
    }

    /// Serve `request` (a handler) with `lease` at hand for its first [`Pool::run`]; the
    /// connection goes back to the pool when it ends, if no call took it.
    pub async fn leasing<F: std::future::Future>(lease: Lease, request: F) -> F::Output {
        LEASED.scope(lease, request).await
    }
}

impl Inner {
    /// The leased connection if sound, else an idle sound one, else a new one.
    fn checkout(&self, leased: Option<Conn>) -> Result<Conn, PoolError> {
        if let Some(mut c) = leased
            && self.sound(&mut c)
        {
            return Ok(c);
        }
        loop {
            match self.take() {
                Some(mut c) => {
                    if self.sound(&mut c) {
                        return Ok(c);
                    }
                    // Otherwise dropped: closed, or its file changed.
                }
                None => return self.open(false),
            }
        }
    }

    fn work_on<T>(&self, conn: &mut Conn, work: impl FnOnce(&mut Store) -> T) -> T {
        let out = work(&mut conn.store);
        for failure in conn.store.take_siem_failures() {
            tracing::warn!(%failure, "an audit event did not reach the SIEM (it is in the log)");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool(dir: &tempfile::TempDir, size: usize) -> (Pool, PathBuf) {
        let path = dir.path().join("baton.db");
        let url = DatabaseUrl::new(path.to_string_lossy().to_string());
        let pool = Pool::open(url, size, Duration::from_secs(30))
            .await
            .unwrap();
        (pool, path)
    }

    fn select_one(store: &mut Store) -> Result<i64, baton_store::StoreError> {
        let rows = store.db().query("SELECT 1", &[])?;
        Ok(rows[0][0].int().unwrap_or(0))
    }

    #[tokio::test]
    async fn runs_and_reuses_connections() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, _) = pool(&dir, 2).await;
        assert_eq!(pool.idle(), 1);
        for _ in 0..5 {
            assert_eq!(pool.run(select_one).await.unwrap().unwrap(), 1);
        }
        assert_eq!(pool.idle(), 1, "sequential calls share one connection");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bounded_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, _) = pool(&dir, 2).await;
        // Two tasks hold both connections until released; a third must wait for one.
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = Arc::new(Mutex::new(rx));
        let (started_tx, mut started_rx) = tokio::sync::mpsc::unbounded_channel();
        let mut held = Vec::new();
        for _ in 0..2 {
            let (pool, rx, started) = (pool.clone(), rx.clone(), started_tx.clone());
            held.push(tokio::spawn(async move {
                pool.run(move |_| {
                    started.send(()).unwrap();
                    rx.lock().unwrap().recv().unwrap();
                })
                .await
                .unwrap()
            }));
        }
        started_rx.recv().await.unwrap();
        started_rx.recv().await.unwrap();
        let third = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(select_one).await }
        });
        assert_eq!(pool.inner.permits.available_permits(), 0);
        assert!(!third.is_finished());
        tx.send(()).unwrap();
        tx.send(()).unwrap();
        for h in held {
            h.await.unwrap();
        }
        assert_eq!(third.await.unwrap().unwrap().unwrap(), 1);
        assert!(pool.idle() <= 2);
    }

    #[tokio::test]
    async fn times_out_when_exhausted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baton.db");
        let url = DatabaseUrl::new(path.to_string_lossy().to_string());
        let pool = Pool::open(url, 1, Duration::from_millis(1)).await.unwrap();
        let held = pool.inner.permits.clone().acquire_owned().await.unwrap();
        assert!(matches!(
            pool.run(select_one).await,
            Err(PoolError::Timeout(_))
        ));
        drop(held);
        assert_eq!(pool.run(select_one).await.unwrap().unwrap(), 1);
    }

    #[tokio::test]
    async fn panicking_task_frees_its_slot() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, _) = pool(&dir, 1).await;
        let r = pool.run(|_| -> () { panic!("boom") }).await;
        assert!(matches!(r, Err(PoolError::Task(_))));
        assert_eq!(pool.run(select_one).await.unwrap().unwrap(), 1);
    }

    #[tokio::test]
    async fn deleted_file_is_not_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, path) = pool(&dir, 2).await;
        pool.run(select_one).await.unwrap().unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert!(matches!(
            pool.run(select_one).await,
            Err(PoolError::Gone(_))
        ));
        assert!(!path.exists());
        assert_eq!(pool.idle(), 0, "the stale connection was dropped");
    }

    #[tokio::test]
    async fn replaced_file_is_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baton.db");
        Store::open(&path.to_string_lossy())
            .unwrap()
            .db()
            .batch("CREATE TABLE marker (x BIGINT)")
            .unwrap();
        let url = DatabaseUrl::new(path.to_string_lossy().to_string());
        let pool = Pool::open(url, 1, Duration::from_secs(30)).await.unwrap();
        let has_marker = |pool: Pool| async move {
            pool.run(|s| {
                s.db()
                    .query("SELECT name FROM sqlite_master WHERE name = 'marker'", &[])
                    .map(|r| !r.is_empty())
            })
            .await
            .unwrap()
            .unwrap()
        };
        assert!(has_marker(pool.clone()).await);
        // A restore swaps the file: the pool must read the new one, not the unlinked old one.
        let other = dir.path().join("other.db");
        Store::open(&other.to_string_lossy()).unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert!(!has_marker(pool).await);
    }
}
