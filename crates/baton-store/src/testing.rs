//! Throwaway databases for tests: a fresh SQLite file always, and a fresh PostgreSQL database when
//! `BATON_TEST_POSTGRES_URL` names a server (CI sets it, and `BATON_TEST_REQUIRE_POSTGRES=1` to make
//! its absence a failure rather than a skip).

use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// One throwaway database; dropped (file removed or database dropped) with the value.
pub struct TestDatabase {
    pub url: String,
    pub backend: &'static str,
    /// A folder of its own, for the audit-log key and other files beside the database.
    pub dir: std::path::PathBuf,
    cleanup: Cleanup,
}

impl TestDatabase {
    /// Where this database's audit-log key is kept.
    pub fn log_key(&self) -> std::path::PathBuf {
        self.dir.join("baton.log-key")
    }

    /// Open the store with its key in the database's own folder.
    pub fn open(&self) -> Result<crate::Store, crate::StoreError> {
        crate::Store::open_with_key(&self.url, Some(self.log_key()))
    }
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin, name } => {
                if let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls) {
                    let _ =
                        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A fresh SQLite database in its own temporary folder.
pub fn sqlite() -> TestDatabase {
    let dir = std::env::temp_dir().join(unique("baton_test"));
    let _ = std::fs::create_dir_all(&dir);
    TestDatabase {
        url: format!("sqlite://{}", dir.join("baton.db").display()),
        backend: "sqlite",
        dir: dir.clone(),
        cleanup: Cleanup::Dir(dir),
    }
}

/// A fresh PostgreSQL database, if a server is configured.
///
/// # Panics
/// When `BATON_TEST_REQUIRE_POSTGRES=1` and no server can be used, so CI cannot skip it silently.
#[allow(clippy::panic)]
pub fn postgres() -> Option<TestDatabase> {
    let required = std::env::var("BATON_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let Ok(admin) = std::env::var("BATON_TEST_POSTGRES_URL") else {
        if required {
            panic!("BATON_TEST_REQUIRE_POSTGRES=1 but BATON_TEST_POSTGRES_URL is not set");
        }
        return None;
    };
    let name = unique("baton_test");
    let created = postgres::Client::connect(&admin, postgres::NoTls)
        .and_then(|mut c| c.batch_execute(&format!("CREATE DATABASE {name}")));
    if let Err(e) = created {
        if required {
            panic!("cannot create a test database on the PostgreSQL server: {e}");
        }
        return None;
    }
    // Same server and credentials, the new database's name as the path.
    let authority_end = admin
        .find("://")
        .and_then(|p| admin[p + 3..].find('/').map(|q| p + 3 + q))
        .unwrap_or(admin.len());
    let url = format!("{}/{name}", &admin[..authority_end]);
    let dir = std::env::temp_dir().join(&name);
    let _ = std::fs::create_dir_all(&dir);
    Some(TestDatabase {
        url,
        backend: "postgres",
        dir,
        cleanup: Cleanup::Postgres { admin, name },
    })
}

/// Every backend available: SQLite always, PostgreSQL when configured.
pub fn all() -> Vec<TestDatabase> {
    let mut v = vec![sqlite()];
    v.extend(postgres());
    v
}
