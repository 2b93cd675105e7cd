//! Organizations, users, roles, API tokens and sessions: who may act, and as whom.
//!
//! Secrets are never stored: passwords as argon2id PHC strings, tokens and session ids as their
//! SHA-256 (they are 256 random bits, so a fast hash is enough and makes lookup one index probe).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use baton_model::OrgKind;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::{Db, Value};
use crate::import::Orgs;
use crate::{StoreError, hex, now_utc};

/// What a user may do within their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    Viewer,
    Analyst,
    Admin,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Role, StoreError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            other => Err(StoreError::Invalid(format!(
                "unknown role '{other}' (admin, analyst or viewer)"
            ))),
        }
    }
}

/// What a token may do: read only, or whatever its user's role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn key(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Result<TokenScope, StoreError> {
        match text.trim() {
            "read" => Ok(TokenScope::Read),
            "write" => Ok(TokenScope::Write),
            other => Err(StoreError::Invalid(format!(
                "unknown token scope '{other}' (read or write)"
            ))),
        }
    }
}

/// An authenticated user, as every request carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub email: String,
    pub organization_id: i64,
    pub organization: String,
    pub kind: OrgKind,
    pub role: Role,
    /// Set when authenticated by an API token: its id and scope.
    pub token: Option<(i64, TokenScope)>,
}

impl Principal {
    /// Whether this principal may change data (an analyst or admin, not through a read token).
    pub fn can_write(&self) -> bool {
        self.role >= Role::Analyst && !matches!(self.token, Some((_, TokenScope::Read)))
    }

    /// Whether this principal may manage its organization's users, tokens and sharing.
    pub fn can_administer(&self) -> bool {
        self.role == Role::Admin && !matches!(self.token, Some((_, TokenScope::Read)))
    }
}

/// One user, as `baton admin user list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub organization: String,
    pub role: Role,
    pub created_at: String,
    pub disabled: bool,
}

/// One organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
}

/// A token as it is listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRow {
    pub id: i64,
    pub user: String,
    pub scope: TokenScope,
    pub created_at: String,
    pub expires_at: String,
    pub revoked: bool,
}

/// How much of an HDO's installed base a manufacturer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sharing {
    Nothing,
    Counts,
    Assets,
}

impl Sharing {
    pub fn key(self) -> &'static str {
        match self {
            Sharing::Nothing => "nothing",
            Sharing::Counts => "counts",
            Sharing::Assets => "assets",
        }
    }

    pub fn parse(text: &str) -> Result<Sharing, StoreError> {
        match text.trim() {
            "nothing" => Ok(Sharing::Nothing),
            "counts" => Ok(Sharing::Counts),
            "assets" => Ok(Sharing::Assets),
            other => Err(StoreError::Invalid(format!(
                "unknown sharing level '{other}' (nothing, counts or assets)"
            ))),
        }
    }
}

pub(crate) const MIN_PASSWORD: usize = 12;

pub(crate) fn random_secret(prefix: &str) -> Result<String, StoreError> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Audit(format!("no randomness: {e}")))?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub(crate) fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StoreError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD} characters"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Audit(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| StoreError::Audit(format!("password salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Audit(format!("password hashing failed: {e}")))
}

/// A hash checked when the account does not exist, so that a wrong e-mail costs as much time
/// as a wrong password.
fn dummy_hash() -> Option<&'static str> {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| hash_password("no such user, no such password").ok())
        .as_deref()
}

fn password_matches(password: &str, phc: Option<&str>) -> bool {
    let Some(phc) = phc.or(dummy_hash()) else {
        return false;
    };
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

pub(crate) fn org_json(id: i64, name: &str, kind: OrgKind) -> serde_json::Value {
    json!({"id": id, "name": name, "kind": kind.key()})
}

/// Create an organization, or give an existing one (found by name or alias, as imports find
/// manufacturers) its kind. Returns the row and its state before, if it existed.
pub(crate) fn create_org(
    db: &mut Db,
    name: &str,
    kind: OrgKind,
) -> Result<(OrganizationRow, Option<OrganizationRow>), StoreError> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') {
        return Err(StoreError::Invalid(
            "an organization name is not empty and has no '/'".into(),
        ));
    }
    let mut orgs = Orgs::load(db, chrono::Utc::now().date_naive())?;
    let before = match orgs.find_with_kind(name) {
        Some((id, old)) => {
            if old != kind {
                db.exec(
                    "UPDATE organizations SET kind = $1 WHERE id = $2",
                    &[kind.key().into(), Value::Int(id)],
                )?;
            }
            Some(OrganizationRow {
                id,
                name: org_name(db, id)?,
                kind: old,
            })
        }
        None => None,
    };
    let id = orgs.get_or_create(db, name, kind)?;
    Ok((
        OrganizationRow {
            id,
            name: org_name(db, id)?,
            kind,
        },
        before,
    ))
}

pub(crate) fn org_name(db: &mut Db, id: i64) -> Result<String, StoreError> {
    db.query(
        "SELECT name FROM organizations WHERE id = $1",
        &[Value::Int(id)],
    )?
    .into_iter()
    .next()
    .and_then(|r| r[0].text().map(str::to_string))
    .ok_or_else(|| StoreError::NotFound(format!("unknown organization {id}")))
}

pub(crate) fn find_org(db: &mut Db, name: &str) -> Result<OrganizationRow, StoreError> {
    let orgs = Orgs::load(db, chrono::NaiveDate::MIN)?;
    let (id, kind) = orgs
        .find_with_kind(name)
        .ok_or_else(|| StoreError::NotFound(format!("unknown organization '{}'", name.trim())))?;
    Ok(OrganizationRow {
        id,
        name: org_name(db, id)?,
        kind,
    })
}

pub(crate) fn organizations(db: &mut Db) -> Result<Vec<OrganizationRow>, StoreError> {
    let mut out = Vec::new();
    for r in db.query(
        "SELECT id, name, kind FROM organizations ORDER BY name",
        &[],
    )? {
        let kind = r[2]
            .text()
            .unwrap_or_default()
            .parse()
            .map_err(|e: baton_model::UnknownTerm| StoreError::Corrupt(e.to_string()))?;
        out.push(OrganizationRow {
            id: r[0].int().unwrap_or(0),
            name: r[1].text().unwrap_or_default().to_string(),
            kind,
        });
    }
    Ok(out)
}

fn valid_email(email: &str) -> bool {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    }
}

pub(crate) fn user_json(
    id: i64,
    email: &str,
    org: i64,
    role: Role,
    disabled: bool,
) -> serde_json::Value {
    json!({"id": id, "email": email, "organization_id": org, "role": role.key(), "disabled": disabled})
}

/// Create a user. `password` None: sign-in only through OpenID Connect.
pub(crate) fn create_user(
    db: &mut Db,
    email: &str,
    org: &OrganizationRow,
    role: Role,
    password: Option<&str>,
) -> Result<UserRow, StoreError> {
    let email = email.trim();
    if !valid_email(email) {
        return Err(StoreError::Invalid(format!(
            "'{email}' is not an e-mail address"
        )));
    }
    let key = email.to_lowercase();
    if !db
        .query(
            "SELECT id FROM users WHERE email_key = $1",
            &[key.clone().into()],
        )?
        .is_empty()
    {
        return Err(StoreError::Invalid(format!(
            "user '{email}' already exists"
        )));
    }
    let hash = match password {
        Some(p) => Some(hash_password(p)?),
        None => None,
    };
    let now = now_utc();
    let id = db
        .query(
            "INSERT INTO users (email, email_key, organization_id, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                email.into(),
                key.into(),
                Value::Int(org.id),
                role.key().into(),
                hash.into(),
                now.clone().into(),
            ],
        )?
        .into_iter()
        .next()
        .and_then(|r| r[0].int())
        .ok_or_else(|| StoreError::Database("no id returned for a new user".into()))?;
    Ok(UserRow {
        id,
        email: email.to_string(),
        organization: org.name.clone(),
        role,
        created_at: now,
        disabled: false,
    })
}

const PRINCIPAL_SQL: &str = "SELECT u.id, u.email, u.organization_id, o.name, o.kind, u.role FROM users u JOIN organizations o ON o.id = u.organization_id";

fn principal_of(row: &[Value], token: Option<(i64, TokenScope)>) -> Result<Principal, StoreError> {
    let kind = row[4]
        .text()
        .unwrap_or_default()
        .parse()
        .map_err(|e: baton_model::UnknownTerm| StoreError::Corrupt(e.to_string()))?;
    Ok(Principal {
        user_id: row[0].int().unwrap_or(0),
        email: row[1].text().unwrap_or_default().to_string(),
        organization_id: row[2].int().unwrap_or(0),
        organization: row[3].text().unwrap_or_default().to_string(),
        kind,
        role: Role::parse(row[5].text().unwrap_or_default())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        token,
    })
}

/// The active user with this e-mail.
pub(crate) fn user_by_email(db: &mut Db, email: &str) -> Result<Principal, StoreError> {
    let row = db
        .query(
            &format!("{PRINCIPAL_SQL} WHERE u.email_key = $1 AND u.disabled_at IS NULL"),
            &[email.trim().to_lowercase().into()],
        )?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("unknown user '{}'", email.trim())))?;
    principal_of(&row, None)
}

pub(crate) fn user_row(db: &mut Db, email: &str) -> Result<(UserRow, i64), StoreError> {
    let r = db
        .query(
            "SELECT u.id, u.email, o.name, u.role, u.created_at, u.disabled_at, u.organization_id FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email_key = $1",
            &[email.trim().to_lowercase().into()],
        )?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("unknown user '{}'", email.trim())))?;
    Ok((
        UserRow {
            id: r[0].int().unwrap_or(0),
            email: r[1].text().unwrap_or_default().to_string(),
            organization: r[2].text().unwrap_or_default().to_string(),
            role: Role::parse(r[3].text().unwrap_or_default())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: r[4].text().unwrap_or_default().to_string(),
            disabled: !matches!(r[5], Value::Null),
        },
        r[6].int().unwrap_or(0),
    ))
}

pub(crate) fn users(db: &mut Db, org: Option<i64>) -> Result<Vec<UserRow>, StoreError> {
    let mut sql = "SELECT u.id, u.email, o.name, u.role, u.created_at, u.disabled_at FROM users u JOIN organizations o ON o.id = u.organization_id".to_string();
    let mut params = Vec::new();
    if let Some(org) = org {
        sql.push_str(" WHERE u.organization_id = $1");
        params.push(Value::Int(org));
    }
    sql.push_str(" ORDER BY u.email_key");
    let mut out = Vec::new();
    for r in db.query(&sql, &params)? {
        out.push(UserRow {
            id: r[0].int().unwrap_or(0),
            email: r[1].text().unwrap_or_default().to_string(),
            organization: r[2].text().unwrap_or_default().to_string(),
            role: Role::parse(r[3].text().unwrap_or_default())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: r[4].text().unwrap_or_default().to_string(),
            disabled: !matches!(r[5], Value::Null),
        });
    }
    Ok(out)
}

/// Check a password. Costs one argon2id verification whether or not the user exists.
pub(crate) fn check_password(
    db: &mut Db,
    email: &str,
    password: &str,
) -> Result<Option<Principal>, StoreError> {
    let found = db
        .query(
            "SELECT u.id, u.email, u.organization_id, o.name, o.kind, u.role, u.password_hash FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email_key = $1 AND u.disabled_at IS NULL",
            &[email.trim().to_lowercase().into()],
        )?
        .into_iter()
        .next();
    let phc = found.as_ref().and_then(|r| r[6].text().map(str::to_string));
    let ok = password_matches(password, phc.as_deref());
    match (found, phc, ok) {
        (Some(row), Some(_), true) => Ok(Some(principal_of(&row, None)?)),
        _ => Ok(None),
    }
}

/// A new API token for a user: the secret (shown once) and its row.
pub(crate) fn create_token(
    db: &mut Db,
    user: &Principal,
    scope: TokenScope,
    days: i64,
) -> Result<(String, TokenRow), StoreError> {
    if !(1..=3650).contains(&days) {
        return Err(StoreError::Invalid(
            "a token expires after 1 to 3650 days".into(),
        ));
    }
    let secret = random_secret("baton_")?;
    let now = chrono::Utc::now();
    let created = now_utc();
    let expires =
        (now + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let id = db
        .query(
            "INSERT INTO api_tokens (user_id, token_hash, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                Value::Int(user.user_id),
                secret_hash(&secret).into(),
                scope.key().into(),
                created.clone().into(),
                expires.clone().into(),
            ],
        )?
        .into_iter()
        .next()
        .and_then(|r| r[0].int())
        .ok_or_else(|| StoreError::Database("no id returned for a new token".into()))?;
    Ok((
        secret,
        TokenRow {
            id,
            user: user.email.clone(),
            scope,
            created_at: created,
            expires_at: expires,
            revoked: false,
        },
    ))
}

pub(crate) fn token_row(db: &mut Db, id: i64) -> Result<(TokenRow, i64), StoreError> {
    let r = db
        .query(
            "SELECT t.id, u.email, t.scope, t.created_at, t.expires_at, t.revoked_at, u.organization_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1",
            &[Value::Int(id)],
        )?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("unknown token {id}")))?;
    Ok((
        TokenRow {
            id: r[0].int().unwrap_or(0),
            user: r[1].text().unwrap_or_default().to_string(),
            scope: TokenScope::parse(r[2].text().unwrap_or_default())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: r[3].text().unwrap_or_default().to_string(),
            expires_at: r[4].text().unwrap_or_default().to_string(),
            revoked: !matches!(r[5], Value::Null),
        },
        r[6].int().unwrap_or(0),
    ))
}

pub(crate) fn revoke_token(db: &mut Db, id: i64) -> Result<(), StoreError> {
    db.exec(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        &[now_utc().into(), Value::Int(id)],
    )?;
    Ok(())
}

/// The principal a bearer token stands for, if it is known, unexpired and not revoked.
pub(crate) fn by_token(db: &mut Db, secret: &str) -> Result<Option<Principal>, StoreError> {
    let row = db
        .query(
            "SELECT u.id, u.email, u.organization_id, o.name, o.kind, u.role, t.id, t.scope FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organizations o ON o.id = u.organization_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.disabled_at IS NULL",
            &[secret_hash(secret).into(), now_utc().into()],
        )?
        .into_iter()
        .next();
    match row {
        Some(r) => {
            let scope = TokenScope::parse(r[7].text().unwrap_or_default())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(Some(principal_of(
                &r,
                Some((r[6].int().unwrap_or(0), scope)),
            )?))
        }
        None => Ok(None),
    }
}

/// A new session: (session secret for the cookie, CSRF token).
pub(crate) fn create_session(
    db: &mut Db,
    user: &Principal,
    minutes: i64,
) -> Result<(String, String), StoreError> {
    let secret = random_secret("")?;
    let csrf = random_secret("")?;
    let expires = (chrono::Utc::now() + chrono::Duration::minutes(minutes.max(1)))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    db.exec(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            secret_hash(&secret).into(),
            Value::Int(user.user_id),
            csrf.clone().into(),
            now_utc().into(),
            expires.into(),
        ],
    )?;
    Ok((secret, csrf))
}

/// The principal and CSRF token of a live session.
pub(crate) fn by_session(
    db: &mut Db,
    secret: &str,
) -> Result<Option<(Principal, String)>, StoreError> {
    let row = db
        .query(
            "SELECT u.id, u.email, u.organization_id, o.name, o.kind, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
            &[secret_hash(secret).into(), now_utc().into()],
        )?
        .into_iter()
        .next();
    match row {
        Some(r) => Ok(Some((
            principal_of(&r, None)?,
            r[6].text().unwrap_or_default().to_string(),
        ))),
        None => Ok(None),
    }
}

pub(crate) fn end_session(db: &mut Db, secret: &str) -> Result<bool, StoreError> {
    Ok(db.exec(
        "DELETE FROM sessions WHERE token_hash = $1",
        &[secret_hash(secret).into()],
    )? > 0)
}

/// The user an OpenID Connect identity signs in as: bound by (issuer, subject), or on first
/// sign-in by a verified e-mail matching an existing user (then `true`: bind it).
pub(crate) fn by_oidc(
    db: &mut Db,
    issuer: &str,
    subject: &str,
    email: Option<&str>,
) -> Result<Option<(Principal, bool)>, StoreError> {
    if let Some(r) = db
        .query(
            &format!(
                "{PRINCIPAL_SQL} WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2 AND u.disabled_at IS NULL"
            ),
            &[issuer.into(), subject.into()],
        )?
        .into_iter()
        .next()
    {
        return Ok(Some((principal_of(&r, None)?, false)));
    }
    let Some(email) = email else {
        return Ok(None);
    };
    let Some(r) = db
        .query(
            &format!(
                "{PRINCIPAL_SQL} WHERE u.email_key = $1 AND u.oidc_subject IS NULL AND u.disabled_at IS NULL"
            ),
            &[email.trim().to_lowercase().into()],
        )?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    Ok(Some((principal_of(&r, None)?, true)))
}

/// Bind an OpenID Connect identity to a user (on its first sign-in).
pub(crate) fn bind_oidc(
    db: &mut Db,
    user_id: i64,
    issuer: &str,
    subject: &str,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3",
        &[issuer.into(), subject.into(), Value::Int(user_id)],
    )?;
    Ok(())
}

pub(crate) fn set_role(db: &mut Db, user_id: i64, role: Role) -> Result<(), StoreError> {
    db.exec(
        "UPDATE users SET role = $1 WHERE id = $2",
        &[role.key().into(), Value::Int(user_id)],
    )?;
    Ok(())
}

pub(crate) fn disable_user(db: &mut Db, user_id: i64) -> Result<(), StoreError> {
    db.exec(
        "UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL",
        &[now_utc().into(), Value::Int(user_id)],
    )?;
    db.exec(
        "DELETE FROM sessions WHERE user_id = $1",
        &[Value::Int(user_id)],
    )?;
    Ok(())
}

/// The sharing level an HDO gives a manufacturer (nothing when unset).
pub(crate) fn sharing(db: &mut Db, hdo: i64, mdm: i64) -> Result<Sharing, StoreError> {
    match db
        .query(
            "SELECT level FROM sharing WHERE hdo_id = $1 AND manufacturer_id = $2",
            &[Value::Int(hdo), Value::Int(mdm)],
        )?
        .into_iter()
        .next()
    {
        Some(r) => Sharing::parse(r[0].text().unwrap_or_default())
            .map_err(|e| StoreError::Corrupt(e.to_string())),
        None => Ok(Sharing::Nothing),
    }
}

pub(crate) fn set_sharing(
    db: &mut Db,
    hdo: i64,
    mdm: i64,
    level: Sharing,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO sharing (hdo_id, manufacturer_id, level) VALUES ($1, $2, $3) ON CONFLICT (hdo_id, manufacturer_id) DO UPDATE SET level = excluded.level",
        &[Value::Int(hdo), Value::Int(mdm), level.key().into()],
    )?;
    Ok(())
}
