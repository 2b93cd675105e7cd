//! `baton admin …` (organizations, users, tokens, sharing) and `baton log …` (the audit log).

use std::io::{BufRead, Write};

use anyhow::{Context, Result, anyhow, bail};
use baton_model::OrgKind;
use baton_store::{Role, Sharing, Store, TokenScope, VerifierKey};
use clap::Subcommand;

use crate::output::{Format, write_rows};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Organizations: `org create NAME --kind mdm|hdo|third-party`, `org list`
    Org {
        #[command(subcommand)]
        what: OrgCommand,
    },
    /// Users: create (prints a one-time password, or reads one from stdin), list, role, disable
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// API tokens: create (printed once), revoke
    Token {
        #[command(subcommand)]
        what: TokenCommand,
    },
    /// What a hospital shares of its installed base with a manufacturer
    Sharing {
        #[command(subcommand)]
        what: SharingCommand,
    },
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organization (or give the one a name or alias already names its kind)
    Create {
        name: String,
        #[arg(long)]
        kind: String,
    },
    List,
}

#[derive(Subcommand)]
pub enum UserCommand {
    Create {
        email: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
        /// Read the password from the first line of stdin instead of generating one
        #[arg(long)]
        password_stdin: bool,
        /// No password: the user signs in through OpenID Connect only
        #[arg(long, conflicts_with = "password_stdin")]
        no_password: bool,
    },
    List {
        #[arg(long)]
        org: Option<String>,
    },
    /// Change a user's role
    Role {
        email: String,
        #[arg(long)]
        role: String,
    },
    /// Disable a user: sessions end, tokens stop working
    Disable { email: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    Create {
        #[arg(long)]
        user: String,
        /// Days until it expires
        #[arg(long)]
        expires: i64,
        /// read | write
        #[arg(long, default_value = "write")]
        scope: String,
    },
    Revoke {
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum SharingCommand {
    /// `sharing set --hospital H --manufacturer M --level nothing|counts|assets`
    Set {
        #[arg(long)]
        hospital: String,
        #[arg(long)]
        manufacturer: String,
        #[arg(long)]
        level: String,
    },
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Check the whole log against its signed checkpoints (exit 1 naming the first bad entry)
    Verify {
        /// The public key (`NAME+ID+KEY`, or a file holding it) [default: the store's own]
        #[arg(long)]
        key: Option<String>,
    },
    /// An inclusion proof of one entry in the latest checkpoint
    Prove {
        #[arg(long)]
        entry: u64,
    },
    /// A consistency proof from an earlier tree size to the latest checkpoint
    Consistency {
        #[arg(long)]
        from: u64,
    },
    /// Print the public key that signs checkpoints
    Key,
    /// Print the latest signed checkpoint
    Checkpoint,
    /// Print events as JSON lines or RFC 5424 syslog lines, for a SIEM
    Export {
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// json | syslog
        #[arg(long, default_value = "json")]
        style: String,
    },
}

fn kind(text: &str) -> Result<OrgKind> {
    text.parse()
        .map_err(|e: baton_model::UnknownTerm| anyhow!("{e} (mdm, hdo or third-party)"))
}

pub fn generated_password() -> Result<String> {
    use std::fmt::Write as _;
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    // 144 bits in a form people can type: groups of hex.
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push('-');
        }
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

pub fn admin(
    store: &mut Store,
    what: AdminCommand,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    match what {
        AdminCommand::Org { what } => match what {
            OrgCommand::Create { name, kind: k } => {
                let row = store.create_organization(&name, kind(&k)?)?;
                writeln!(
                    out,
                    "organization {} ({}): {}",
                    row.id,
                    row.kind.key(),
                    row.name
                )?;
            }
            OrgCommand::List => {
                let rows = store.organizations()?;
                write_rows(out, format, &["id", "name", "kind"], &rows)?;
            }
        },
        AdminCommand::User { what } => match what {
            UserCommand::Create {
                email,
                org,
                role,
                password_stdin,
                no_password,
            } => {
                let role = Role::parse(&role)?;
                let (password, shown) = if no_password {
                    (None, false)
                } else if password_stdin {
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("reading the password from stdin")?;
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    if line.is_empty() {
                        bail!("no password on stdin");
                    }
                    (Some(line), false)
                } else {
                    (Some(generated_password()?), true)
                };
                let user = store.create_user(&email, &org, role, password.as_deref())?;
                writeln!(
                    out,
                    "user {} created in {} as {}",
                    user.email,
                    user.organization,
                    user.role.key()
                )?;
                if let (true, Some(p)) = (shown, &password) {
                    writeln!(out, "password (shown once): {p}")?;
                }
            }
            UserCommand::List { org } => {
                let org = match org {
                    Some(name) => Some(store.organization(&name)?.id),
                    None => None,
                };
                let rows = store.users(org)?;
                write_rows(
                    out,
                    format,
                    &[
                        "id",
                        "email",
                        "organization",
                        "role",
                        "created_at",
                        "disabled",
                    ],
                    &rows,
                )?;
            }
            UserCommand::Role { email, role } => {
                let user = store.set_role(&email, Role::parse(&role)?)?;
                writeln!(out, "{} is now {}", user.email, user.role.key())?;
            }
            UserCommand::Disable { email } => {
                let user = store.disable_user(&email)?;
                writeln!(out, "{} disabled", user.email)?;
            }
        },
        AdminCommand::Token { what } => match what {
            TokenCommand::Create {
                user,
                expires,
                scope,
            } => {
                let (secret, row) =
                    store.create_token(&user, TokenScope::parse(&scope)?, expires)?;
                writeln!(
                    out,
                    "token {} for {} ({}), expires {}",
                    row.id,
                    row.user,
                    row.scope.key(),
                    row.expires_at
                )?;
                writeln!(out, "{secret}")?;
            }
            TokenCommand::Revoke { id } => {
                let row = store.revoke_token(id)?;
                writeln!(out, "token {} of {} revoked", row.id, row.user)?;
            }
        },
        AdminCommand::Sharing { what } => match what {
            SharingCommand::Set {
                hospital,
                manufacturer,
                level,
            } => {
                let level = Sharing::parse(&level)?;
                store.set_sharing(&hospital, &manufacturer, level)?;
                writeln!(out, "{hospital} shares {} with {manufacturer}", level.key())?;
            }
        },
    }
    Ok(())
}

fn read_key(text: &str) -> Result<VerifierKey> {
    let text = if std::path::Path::new(text).is_file() {
        std::fs::read_to_string(text).with_context(|| format!("reading key file '{text}'"))?
    } else {
        text.to_string()
    };
    VerifierKey::parse(text.trim()).map_err(|e| anyhow!("--key: {e}"))
}

/// Returns false when verification failed (the caller exits 1).
pub fn log(store: &mut Store, what: LogCommand, out: &mut dyn Write) -> Result<bool> {
    match what {
        LogCommand::Verify { key } => {
            let key = key.as_deref().map(read_key).transpose()?;
            match store.verify_log(key.as_ref())? {
                Ok(verified) => {
                    writeln!(out, "log verifies: {verified}")?;
                    Ok(true)
                }
                Err(e) => {
                    writeln!(out, "log does NOT verify: {e}")?;
                    Ok(false)
                }
            }
        }
        LogCommand::Prove { entry } => {
            let proof = store.prove_inclusion(entry)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&proof)?)?;
            Ok(true)
        }
        LogCommand::Consistency { from } => {
            let proof = store.prove_consistency(from)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&proof)?)?;
            Ok(true)
        }
        LogCommand::Key => {
            match store.log_public_key()? {
                Some(key) => writeln!(out, "{key}")?,
                None => bail!(
                    "no audit-log key yet at '{}' (it is made by the first logged change)",
                    store.log_key_path().display()
                ),
            }
            Ok(true)
        }
        LogCommand::Checkpoint => {
            match store.latest_checkpoint()? {
                Some(note) => write!(out, "{note}")?,
                None => bail!("the audit log is empty"),
            }
            Ok(true)
        }
        LogCommand::Export { from, style } => {
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "-".into());
            let mut next = from;
            loop {
                let events = store.log_events(next, 5_000)?;
                let Some((last, _)) = events.last() else {
                    break;
                };
                next = last + 1;
                for (_, event) in &events {
                    let line = match style.as_str() {
                        "json" => baton_audit::to_json_line(event),
                        "syslog" => baton_audit::to_syslog_5424(event, &host, "baton"),
                        other => bail!("unknown --style '{other}' (json or syslog)"),
                    };
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
            Ok(true)
        }
    }
}
