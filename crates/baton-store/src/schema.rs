//! Migrations: one list, applied in order on both backends. `{ID}` becomes each backend's
//! auto-increment primary key.

use crate::StoreError;
use crate::db::{Db, Value};

const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r"
CREATE TABLE organizations (
    id {ID},
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_on TEXT NOT NULL
);
CREATE TABLE organization_aliases (
    alias_key TEXT PRIMARY KEY,
    alias TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL
);
CREATE TABLE device_models (
    id {ID},
    manufacturer_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    model_number TEXT,
    udi_di TEXT,
    device_type TEXT,
    criticality TEXT,
    general_availability TEXT,
    eol_date TEXT,
    eol_announced TEXT,
    eos_date TEXT,
    eos_announced TEXT,
    UNIQUE (manufacturer_id, name_key)
);
CREATE TABLE releases (
    id {ID},
    model_id BIGINT NOT NULL REFERENCES device_models(id),
    version TEXT NOT NULL,
    released TEXT,
    eol_date TEXT,
    eol_announced TEXT,
    eos_date TEXT,
    eos_announced TEXT,
    UNIQUE (model_id, version)
);
CREATE TABLE assets (
    id {ID},
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id TEXT NOT NULL,
    model_id BIGINT NOT NULL REFERENCES device_models(id),
    release_id BIGINT REFERENCES releases(id),
    serial TEXT,
    udi TEXT,
    udi_di TEXT,
    udi_lot TEXT,
    udi_serial TEXT,
    udi_expiry TEXT,
    site TEXT,
    department TEXT,
    network_zone TEXT,
    status TEXT NOT NULL,
    imported_on TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    UNIQUE (organization_id, asset_id)
);
CREATE INDEX assets_model ON assets (model_id);
CREATE TABLE agreements (
    id {ID},
    agreement_key TEXT NOT NULL UNIQUE,
    manufacturer_id BIGINT NOT NULL REFERENCES organizations(id),
    model_id BIGINT REFERENCES device_models(id),
    hdo_id BIGINT NOT NULL REFERENCES organizations(id),
    task TEXT NOT NULL,
    stage TEXT,
    party TEXT NOT NULL,
    lead TEXT,
    provider_id BIGINT REFERENCES organizations(id)
);
CREATE TABLE capabilities (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    task TEXT NOT NULL,
    capable BIGINT NOT NULL,
    PRIMARY KEY (organization_id, task)
);
CREATE TABLE policies (
    id {ID},
    policy_key TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    manufacturer_id BIGINT REFERENCES organizations(id),
    model_id BIGINT REFERENCES device_models(id),
    setting TEXT NOT NULL,
    value BIGINT NOT NULL
);
CREATE TABLE risk_assessments (
    id {ID},
    asset_ref BIGINT NOT NULL REFERENCES assets(id),
    assessed_on TEXT NOT NULL,
    assessor TEXT NOT NULL,
    decision TEXT NOT NULL,
    residual TEXT,
    note TEXT,
    recorded_at TEXT NOT NULL,
    UNIQUE (asset_ref, assessed_on, assessor)
);
CREATE TABLE imports (
    id {ID},
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows BIGINT NOT NULL,
    imported_at TEXT NOT NULL
);
",
    ),
    (
        2,
        r"
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content {BLOB} NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE TABLE release_documents (
    id {ID},
    release_id BIGINT NOT NULL REFERENCES releases(id),
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (release_id, kind, sha256)
);
CREATE TABLE sboms (
    id {ID},
    release_id BIGINT NOT NULL REFERENCES releases(id),
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    format TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    serial_number TEXT,
    document_timestamp TEXT,
    components BIGINT NOT NULL,
    warnings BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    subject_name TEXT,
    subject_purl TEXT,
    UNIQUE (release_id, sha256)
);
CREATE TABLE sbom_components (
    id {ID},
    sbom_id BIGINT NOT NULL REFERENCES sboms(id),
    position BIGINT NOT NULL,
    reference TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT,
    kind TEXT,
    supplier TEXT,
    purl TEXT,
    cpes TEXT,
    hashes TEXT,
    licenses TEXT,
    support_level TEXT,
    end_of_support TEXT,
    end_of_support_text TEXT,
    parent TEXT
);
CREATE INDEX sbom_components_sbom ON sbom_components (sbom_id);
CREATE TABLE mds2_forms (
    id {ID},
    release_id BIGINT NOT NULL REFERENCES releases(id),
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    form TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (release_id, sha256)
);
CREATE TABLE lifecycle_notices (
    id {ID},
    model_id BIGINT NOT NULL REFERENCES device_models(id),
    release_id BIGINT REFERENCES releases(id),
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    format TEXT NOT NULL,
    notice TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
",
    ),
    (
        3,
        r"
CREATE TABLE advisories (
    id {ID},
    advisory_key TEXT NOT NULL,
    source TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    publisher TEXT,
    modified TEXT,
    digest TEXT NOT NULL,
    file_name TEXT NOT NULL,
    document TEXT NOT NULL,
    current BIGINT NOT NULL,
    scope_org_id BIGINT REFERENCES organizations(id),
    imported_at TEXT NOT NULL,
    UNIQUE (advisory_key, digest)
);
CREATE INDEX advisories_key ON advisories (advisory_key, current);
CREATE TABLE advisory_keys (
    match_key TEXT NOT NULL,
    advisory_id BIGINT NOT NULL REFERENCES advisories(id),
    PRIMARY KEY (match_key, advisory_id)
);
CREATE INDEX advisory_keys_advisory ON advisory_keys (advisory_id);
CREATE TABLE components (
    id {ID},
    component_key TEXT NOT NULL UNIQUE,
    kind TEXT,
    name TEXT NOT NULL,
    version TEXT,
    supplier TEXT,
    purl TEXT,
    cpes TEXT,
    platform BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE component_identities (
    id {ID},
    component_id BIGINT NOT NULL REFERENCES components(id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    confidence TEXT NOT NULL,
    state TEXT NOT NULL,
    origin TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (component_id, kind, value)
);
CREATE TABLE component_keys (
    match_key TEXT NOT NULL,
    component_id BIGINT NOT NULL REFERENCES components(id),
    PRIMARY KEY (match_key, component_id)
);
CREATE INDEX component_keys_component ON component_keys (component_id);
CREATE TABLE release_components (
    release_id BIGINT NOT NULL REFERENCES releases(id),
    position BIGINT NOT NULL,
    reference TEXT NOT NULL,
    component_id BIGINT NOT NULL REFERENCES components(id),
    PRIMARY KEY (release_id, position)
);
CREATE INDEX release_components_component ON release_components (component_id);
CREATE TABLE findings (
    id {ID},
    release_id BIGINT NOT NULL REFERENCES releases(id),
    component_id BIGINT NOT NULL REFERENCES components(id),
    component_ref TEXT NOT NULL,
    vulnerability_id TEXT NOT NULL,
    aliases TEXT NOT NULL,
    matched_status TEXT,
    status TEXT NOT NULL,
    justification TEXT,
    confidence TEXT NOT NULL,
    source TEXT NOT NULL,
    cvss_version TEXT,
    cvss_vector TEXT,
    cvss_score TEXT,
    evidence TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    present BIGINT NOT NULL,
    UNIQUE (release_id, component_id, vulnerability_id)
);
CREATE INDEX findings_vulnerability ON findings (vulnerability_id);
CREATE TABLE vulnerability_aliases (
    alias TEXT NOT NULL,
    vulnerability_id TEXT NOT NULL,
    PRIMARY KEY (alias, vulnerability_id)
);
CREATE TABLE finding_parts (
    finding_id BIGINT NOT NULL REFERENCES findings(id),
    advisory_id BIGINT NOT NULL REFERENCES advisories(id),
    vex BIGINT NOT NULL,
    part TEXT NOT NULL,
    PRIMARY KEY (finding_id, advisory_id)
);
CREATE INDEX finding_parts_advisory ON finding_parts (advisory_id);
CREATE TABLE finding_decisions (
    id {ID},
    finding_id BIGINT NOT NULL REFERENCES findings(id),
    asset_ref BIGINT REFERENCES assets(id),
    status TEXT NOT NULL,
    justification TEXT,
    note TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    origin TEXT NOT NULL
);
CREATE INDEX finding_decisions_finding ON finding_decisions (finding_id);
CREATE TABLE kev_entries (
    cve TEXT PRIMARY KEY,
    date_added TEXT,
    vendor TEXT,
    product TEXT,
    ransomware TEXT
);
CREATE TABLE epss_scores (
    cve TEXT PRIMARY KEY,
    score TEXT NOT NULL,
    percentile TEXT NOT NULL,
    score_date TEXT
);
",
    ),
    (
        4,
        r"
CREATE TABLE users (
    id {ID},
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    role TEXT NOT NULL,
    password_hash TEXT,
    oidc_issuer TEXT,
    oidc_subject TEXT,
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    UNIQUE (oidc_issuer, oidc_subject)
);
CREATE TABLE api_tokens (
    id {ID},
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE sharing (
    hdo_id BIGINT NOT NULL REFERENCES organizations(id),
    manufacturer_id BIGINT NOT NULL REFERENCES organizations(id),
    level TEXT NOT NULL,
    PRIMARY KEY (hdo_id, manufacturer_id)
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    leaf TEXT NOT NULL,
    leaf_hash TEXT NOT NULL
);
CREATE TABLE audit_checkpoints (
    id {ID},
    size BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    size BIGINT NOT NULL,
    peaks TEXT NOT NULL
);
INSERT INTO audit_head (id, size, peaks) VALUES (1, 0, '');
CREATE INDEX assets_organization ON assets (organization_id, model_id);
CREATE INDEX agreements_provider ON agreements (provider_id);
",
    ),
    (
        5,
        r"
ALTER TABLE advisories ADD COLUMN owner_id BIGINT REFERENCES organizations(id);
ALTER TABLE findings ADD COLUMN kev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN score_rank BIGINT NOT NULL DEFAULT -1;
UPDATE findings SET score_rank = CAST(ROUND(CAST(cvss_score AS DOUBLE PRECISION) * 10) AS BIGINT) WHERE cvss_score IS NOT NULL;
UPDATE findings SET kev = 1 WHERE vulnerability_id IN (SELECT cve FROM kev_entries);
CREATE INDEX findings_order ON findings (present, kev DESC, score_rank DESC, vulnerability_id, id, release_id, status);
CREATE INDEX findings_release_status ON findings (release_id, present, status, kev);
CREATE INDEX assets_org_release ON assets (organization_id, release_id, status);
",
    ),
    (
        6,
        r"
CREATE INDEX findings_release_order ON findings (release_id, present, kev DESC, score_rank DESC, vulnerability_id, id, status);
CREATE INDEX assets_release ON assets (release_id, status);
CREATE INDEX finding_decisions_asset ON finding_decisions (asset_ref, finding_id);
",
    ),
];

/// Bring the schema up to date. Safe to call on every start.
pub fn migrate(db: &mut Db) -> Result<(), StoreError> {
    db.batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
    let applied: Vec<i64> = db
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .filter_map(|r| r.first().and_then(Value::int))
        .collect();
    let (id, blob) = if db.is_postgres() {
        (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "BYTEA",
        )
    } else {
        ("INTEGER PRIMARY KEY", "BLOB")
    };
    for (version, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        let sql = sql.replace("{ID}", id).replace("{BLOB}", blob);
        let version = *version;
        db.transaction(|db| {
            db.batch(&sql)?;
            db.exec(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[Value::Int(version), Value::Text(crate::now_utc())],
            )?;
            Ok(())
        })?;
    }
    Ok(())
}
