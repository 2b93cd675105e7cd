//! One thin SQL layer over SQLite (rusqlite) and PostgreSQL (postgres): statements are written
//! once with `$1`-style placeholders and only the types both backends share (BIGINT as i64, TEXT;
//! dates as ISO 8601 TEXT, booleans as 0/1).

use std::error::Error as _;

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::StoreError;

/// A bound parameter or a column value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.parse().ok(),
            Value::Null | Value::Bytes(_) => None,
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<baton_sbom::CompactString> for Value {
    fn from(v: baton_sbom::CompactString) -> Self {
        Value::Text(v.into_string())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                _ => v.to_string().to_sql(ty, out),
            },
            Value::Text(s) => match *ty {
                Type::INT8 => s.parse::<i64>()?.to_sql(ty, out),
                _ => s.to_sql(ty, out),
            },
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

/// Placeholders for a list of `values`, appended to `params` and padded with `pad` (a value no
/// row has) to a power of two, at least 8: lists of any length give one of a few statements,
/// which stay prepared, instead of new SQL each time.
pub(crate) fn list_marks(
    values: impl IntoIterator<Item = Value>,
    pad: Value,
    params: &mut Vec<Value>,
) -> String {
    let first = params.len() + 1;
    params.extend(values);
    let width = (params.len() + 1 - first).max(8).next_power_of_two();
    params.resize(first - 1 + width, pad);
    (first..first + width)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(String),
    Postgres(String),
}

impl Target {
    /// `sqlite://PATH`, `sqlite:PATH`, a plain file path, or `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Target {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Target::Postgres(url.to_string())
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Target::Sqlite(path.to_string())
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            Target::Sqlite(path.to_string())
        } else {
            Target::Sqlite(url.to_string())
        }
    }

    /// The URL with any password replaced, for messages and logs.
    pub fn redacted(&self) -> String {
        match self {
            Target::Sqlite(p) => format!("sqlite:{p}"),
            Target::Postgres(u) => match (u.find("://"), u.rfind('@')) {
                (Some(s), Some(at)) if at > s && u[s + 3..at].contains(':') => {
                    let creds = &u[s + 3..at];
                    let user = creds.split(':').next().unwrap_or("");
                    format!("{}{}:***{}", &u[..s + 3], user, &u[at..])
                }
                _ => u.clone(),
            },
        }
    }
}

pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Postgres>),
}

/// Statements kept prepared on one SQLite connection (least recently used dropped first).
const SQLITE_STATEMENTS: usize = 128;

/// Statements kept prepared on one PostgreSQL connection; beyond this many, the one used least
/// recently is closed (SQL that inlines id lists is seldom the same twice).
const PG_STATEMENTS: usize = 256;

/// A PostgreSQL connection and the statements prepared on it, by SQL text: a statement run again
/// is sent with its parameters only, not parsed, described and planned by the server first.
pub struct Postgres {
    client: postgres::Client,
    /// Each statement and when it was last used (a count of uses on this connection).
    statements: std::collections::HashMap<String, (postgres::Statement, u64)>,
    uses: u64,
}

impl Postgres {
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        self.uses += 1;
        if let Some((s, used)) = self.statements.get_mut(sql) {
            *used = self.uses;
            return Ok(s.clone());
        }
        let statement = self.client.prepare(sql).map_err(pg_err)?;
        if self.statements.len() >= PG_STATEMENTS {
            let oldest = self
                .statements
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.statements.remove(&k);
            }
        }
        self.statements
            .insert(sql.to_string(), (statement.clone(), self.uses));
        Ok(statement)
    }
}

fn pg_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// `$1` → `?1` for SQLite (whose `?NNN` is numbered the same way).
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

fn pg_err(e: postgres::Error) -> StoreError {
    let detail = e
        .source()
        .map(|s| s.to_string())
        .unwrap_or_else(|| e.to_string());
    StoreError::Database(detail)
}

fn lite_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl Db {
    pub fn open(target: &Target) -> Result<Db, StoreError> {
        match target {
            Target::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).map_err(|e| {
                    StoreError::Database(format!("cannot open SQLite database '{path}': {e}"))
                })?;
                conn.execute_batch(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                )
                .map_err(lite_err)?;
                // Pages are read straight from the mapped file (every connection shares the
                // operating system's cache) rather than copied into each connection's own.
                conn.execute_batch("PRAGMA mmap_size = 2147418112;")
                    .map_err(lite_err)?;
                // A request runs a dozen statements; keep them all prepared.
                conn.set_prepared_statement_cache_capacity(SQLITE_STATEMENTS);
                Ok(Db::Sqlite(conn))
            }
            Target::Postgres(url) => {
                let client = postgres::Client::connect(url, postgres::NoTls).map_err(|e| {
                    StoreError::Database(format!("cannot connect to {}: {}", target.redacted(), e))
                })?;
                Ok(Db::Postgres(Box::new(Postgres {
                    client,
                    statements: std::collections::HashMap::new(),
                    uses: 0,
                })))
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Run statements without parameters (DDL, transaction control).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(c) => c.execute_batch(sql).map_err(lite_err),
            Db::Postgres(c) => c.client.batch_execute(sql).map_err(pg_err),
        }
    }

    pub fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(&sqlite_sql(sql)).map_err(lite_err)?;
                let n = stmt
                    .execute(rusqlite::params_from_iter(params.iter()))
                    .map_err(lite_err)?;
                Ok(n as u64)
            }
            Db::Postgres(c) => {
                let statement = c.statement(sql)?;
                c.client
                    .execute(&statement, &pg_params(params))
                    .map_err(pg_err)
            }
        }
    }

    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, StoreError> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(&sqlite_sql(sql)).map_err(lite_err)?;
                let width = stmt.column_count();
                let mut rows = stmt
                    .query(rusqlite::params_from_iter(params.iter()))
                    .map_err(lite_err)?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(lite_err)? {
                    let mut values = Vec::with_capacity(width);
                    for i in 0..width {
                        use rusqlite::types::ValueRef;
                        values.push(match row.get_ref(i).map_err(lite_err)? {
                            ValueRef::Null => Value::Null,
                            ValueRef::Integer(v) => Value::Int(v),
                            ValueRef::Real(v) => Value::Text(v.to_string()),
                            ValueRef::Text(t) => Value::Text(match std::str::from_utf8(t) {
                                Ok(text) => text.to_owned(),
                                Err(_) => String::from_utf8_lossy(t).into_owned(),
                            }),
                            ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                        });
                    }
                    out.push(values);
                }
                Ok(out)
            }
            Db::Postgres(c) => {
                let statement = c.statement(sql)?;
                let rows = c
                    .client
                    .query(&statement, &pg_params(params))
                    .map_err(pg_err)?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut values = Vec::with_capacity(row.len());
                    for (i, col) in row.columns().iter().enumerate() {
                        let v = match *col.type_() {
                            Type::INT8 => row
                                .try_get::<_, Option<i64>>(i)
                                .map_err(pg_err)?
                                .map(Value::Int),
                            Type::INT4 => row
                                .try_get::<_, Option<i32>>(i)
                                .map_err(pg_err)?
                                .map(|v| Value::Int(v.into())),
                            Type::INT2 => row
                                .try_get::<_, Option<i16>>(i)
                                .map_err(pg_err)?
                                .map(|v| Value::Int(v.into())),
                            Type::BOOL => row
                                .try_get::<_, Option<bool>>(i)
                                .map_err(pg_err)?
                                .map(|v| Value::Int(v.into())),
                            Type::BYTEA => row
                                .try_get::<_, Option<Vec<u8>>>(i)
                                .map_err(pg_err)?
                                .map(Value::Bytes),
                            _ => row
                                .try_get::<_, Option<String>>(i)
                                .map_err(pg_err)?
                                .map(Value::Text),
                        };
                        values.push(v.unwrap_or(Value::Null));
                    }
                    out.push(values);
                }
                Ok(out)
            }
        }
    }

    /// After a bulk change: fold SQLite's write-ahead log back into the database (a long log
    /// slows every later read) and refresh the planner's statistics on both backends.
    pub fn settle(&mut self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(c) => c
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;")
                .map_err(lite_err),
            Db::Postgres(c) => c.client.batch_execute("ANALYZE").map_err(pg_err),
        }
    }

    /// Copy a SQLite database, while it is in use, into `path` (SQLite's online backup).
    pub fn backup_to(&mut self, path: &std::path::Path) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(c) => c
                .backup(
                    rusqlite::MAIN_DB,
                    path,
                    None::<fn(rusqlite::backup::Progress)>,
                )
                .map_err(|e| StoreError::Database(format!("backup to '{}': {e}", path.display()))),
            Db::Postgres(_) => Err(StoreError::Invalid(
                "PostgreSQL is backed up with pg_dump (see the README)".into(),
            )),
        }
    }

    /// Replace a SQLite database's content with the backup at `path`.
    pub fn restore_from(&mut self, path: &std::path::Path) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(c) => c
                .restore(
                    rusqlite::MAIN_DB,
                    path,
                    None::<fn(rusqlite::backup::Progress)>,
                )
                .map_err(|e| {
                    StoreError::Database(format!("restore from '{}': {e}", path.display()))
                }),
            Db::Postgres(_) => Err(StoreError::Invalid(
                "PostgreSQL is restored with pg_restore (see the README)".into(),
            )),
        }
    }

    /// Run `work` in one transaction: all of it is committed, or none of it.
    pub fn transaction<T>(
        &mut self,
        work: impl FnOnce(&mut Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // IMMEDIATE takes SQLite's write lock up front, so two writers queue (busy_timeout)
        // instead of one failing when it upgrades from reading.
        let begin = if self.is_postgres() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        };
        self.batch(begin)?;
        match work(self) {
            Ok(v) => {
                self.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Insert or upsert many rows with multi-row VALUES, in chunks both backends accept.
    /// `head` is `INSERT INTO t (a, b, c)`, `tail` e.g. `ON CONFLICT (a) DO UPDATE SET …`.
    pub fn insert_many(
        &mut self,
        head: &str,
        width: usize,
        rows: &[Vec<Value>],
        tail: &str,
    ) -> Result<(), StoreError> {
        const MAX_PARAMS: usize = 30_000;
        let per_chunk = (MAX_PARAMS / width.max(1)).max(1);
        for chunk in rows.chunks(per_chunk) {
            let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * width * 6);
            sql.push_str(head);
            sql.push_str(" VALUES ");
            let mut n = 0;
            for (r, _) in chunk.iter().enumerate() {
                if r > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..width {
                    if c > 0 {
                        sql.push(',');
                    }
                    n += 1;
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                sql.push(')');
            }
            sql.push(' ');
            sql.push_str(tail);
            let params: Vec<Value> = chunk.iter().flat_map(|r| r.iter().cloned()).collect();
            match self {
                // Large one-off statements: do not fill the statement cache with them.
                Db::Sqlite(c) => {
                    let mut stmt = c.prepare(&sqlite_sql(&sql)).map_err(lite_err)?;
                    stmt.execute(rusqlite::params_from_iter(params.iter()))
                        .map_err(lite_err)?;
                }
                Db::Postgres(c) => {
                    c.client
                        .execute(sql.as_str(), &pg_params(&params))
                        .map_err(pg_err)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Target::parse("sqlite://x/baton.db"),
            Target::Sqlite("x/baton.db".into())
        );
        assert_eq!(
            Target::parse("sqlite:baton.db"),
            Target::Sqlite("baton.db".into())
        );
        assert_eq!(
            Target::parse("/var/lib/baton.db"),
            Target::Sqlite("/var/lib/baton.db".into())
        );
        assert_eq!(
            Target::parse("postgres://u:secret@127.0.0.1:5432/b").redacted(),
            "postgres://u:***@127.0.0.1:5432/b"
        );
    }
}
