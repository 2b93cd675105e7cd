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

/// A small fleet the access tests of the API and the web pages share: two hospitals (General
/// Hospital, City Clinic), two manufacturers (Acme Medical, Other Corp), a provider (ServiceCo)
/// that patches City Clinic's monitors, and a CSAF advisory with findings on every release.
pub mod sample {
    use baton_model::OrgKind;

    use crate::{AdvisoryDoc, ImportKind, Store, StoreError};

    pub const GH: &str = "General Hospital";
    pub const CC: &str = "City Clinic";
    pub const ACME: &str = "Acme Medical";
    pub const SERVICE: &str = "ServiceCo";
    pub const CVE: &str = "CVE-2026-0001";

    /// The day the sample is imported on.
    pub fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
    }

    pub const MODELS: &str = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Acme Medical,Pump 9,,,infusion pump,high,,,,,
Other Corp,Monitor 1,,,monitor,high,,,,,
";

    /// City Clinic alone runs Monitor 1 3.0: that finding is outside General Hospital's view.
    pub const ASSETS: &str = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status
gh-1,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use
gh-2,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use
gh-3,General Hospital,Other Corp,Monitor 1,2.0,,,,,,in-use
cc-1,City Clinic,Acme Medical,Pump 9,1.0,,,,,,in-use
cc-2,City Clinic,Other Corp,Monitor 1,2.0,,,,,,in-use
cc-3,City Clinic,Other Corp,Monitor 1,3.0,,,,,,in-use
";

    /// ServiceCo patches City Clinic's Monitor 1s.
    pub const AGREEMENTS: &str = "manufacturer,model,hdo,task,stage,party,lead,provider
Other Corp,Monitor 1,City Clinic,deploy-patches,,third-party,,ServiceCo
";

    /// An advisory on every Acme Pump 9 1.0 and Other Corp Monitor 1 2.0 and 3.0.
    pub const ADVISORY: &str = r#"{
  "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "t",
    "publisher": {"category": "vendor", "name": "Acme Medical", "namespace": "https://acme.example"},
    "tracking": {"id": "ACME-1", "status": "final", "version": "1", "initial_release_date": "2026-01-01T00:00:00Z",
      "current_release_date": "2026-01-01T00:00:00Z", "revision_history": [{"number": "1", "date": "2026-01-01T00:00:00Z", "summary": "s"}]}},
  "product_tree": {"branches": [
    {"category": "vendor", "name": "Acme Medical", "branches": [{"category": "product_name", "name": "Pump 9",
      "branches": [{"category": "product_version", "name": "1.0", "product": {"product_id": "P1", "name": "Acme Medical Pump 9 1.0"}}]}]},
    {"category": "vendor", "name": "Other Corp", "branches": [{"category": "product_name", "name": "Monitor 1",
      "branches": [{"category": "product_version", "name": "2.0", "product": {"product_id": "P2", "name": "Other Corp Monitor 1 2.0"}},
                   {"category": "product_version", "name": "3.0", "product": {"product_id": "P3", "name": "Other Corp Monitor 1 3.0"}}]}]}
  ]},
  "vulnerabilities": [{"cve": "CVE-2026-0001", "product_status": {"known_affected": ["P1", "P2", "P3"]}}]
}"#;

    /// The advisory text as documents to import.
    pub fn advisory_docs(file: &str, text: &str) -> Result<Vec<AdvisoryDoc>, StoreError> {
        let parsed = baton_advisories::parse(file, text.as_bytes())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(parsed
            .advisories
            .into_iter()
            .map(|advisory| AdvisoryDoc {
                file: file.to_string(),
                advisory,
            })
            .collect())
    }

    /// Load the sample into a store and make Acme Medical a manufacturer organization.
    pub fn load(store: &mut Store) -> Result<(), StoreError> {
        store.import(ImportKind::Models, "models.csv", MODELS.as_bytes(), day())?;
        store.import(ImportKind::Assets, "assets.csv", ASSETS.as_bytes(), day())?;
        store.import(
            ImportKind::Agreements,
            "agreements.csv",
            AGREEMENTS.as_bytes(),
            day(),
        )?;
        store.import_advisories(&advisory_docs("acme.json", ADVISORY)?, None)?;
        store.create_organization(ACME, OrgKind::Mdm)?;
        Ok(())
    }
}
