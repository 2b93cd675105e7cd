//! `baton bench api`: the HTTP API under load. A generated fleet (the `bench fleet` shapes) is
//! loaded, a hospital analyst gets a token, the server is started on loopback, and `wrk` (Debian's
//! package) drives three requests at a time for a while each: a findings page (filtered, sorted,
//! paginated), one asset's findings, and `affected`. Reports p50/p99 latency and errors.

use std::io::Write;
use std::net::SocketAddr;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use baton_advisories::Advisory;
use baton_model::OrgKind;
use baton_sbom::Component;
use baton_store::{Role, Store, TokenScope};

pub struct BenchApiArgs {
    pub shape: crate::bench_fleet::FleetShape,
    pub connections: usize,
    pub duration: u64,
    pub postgres: Option<String>,
    /// Keep the SQLite database and the log keys here; a database an earlier run loaded here
    /// (or into `postgres`) is used as it is.
    pub dir: Option<std::path::PathBuf>,
    pub skip_sqlite: bool,
    /// Load the web pages (the dashboard and a device page, signed in with a session cookie)
    /// instead of the API.
    pub pages: bool,
    /// The server's database connections (else 4 on SQLite, where the work is done by the
    /// server's own threads, and 8 on PostgreSQL, where it is shared with the database's).
    pub pool: Option<usize>,
}

const BENCH_USER: &str = "bench@hospital0.example";

struct Load {
    findings: usize,
    asset: String,
    vulnerability: String,
    /// Releases with a finding of `vulnerability`.
    releases: i64,
}

/// Whether an earlier run left its fleet and user in this database.
fn loaded_before(store: &mut Store) -> Result<bool> {
    Ok(!store
        .db()
        .query(
            "SELECT 1 FROM users WHERE email_key = $1",
            &[BENCH_USER.into()],
        )?
        .is_empty())
}

fn populate(
    store: &mut Store,
    backend: &str,
    args: &BenchApiArgs,
    data: &mut Option<(Vec<Advisory>, Vec<Component>)>,
    out: &mut dyn Write,
) -> Result<Load> {
    let findings = if loaded_before(store)? {
        writeln!(out, "{backend}: using the fleet an earlier run loaded")?;
        store
            .db()
            .query("SELECT COUNT(*) FROM findings WHERE present = 1", &[])?
            .first()
            .and_then(|r| r[0].int())
            .unwrap_or(0) as usize
    } else {
        let data = data.get_or_insert_with(|| args.shape.data());
        let loaded = crate::bench_fleet::populate(store, backend, &args.shape, data, out)?;
        store.create_organization("Hospital 0", OrgKind::Hdo)?;
        store.create_user(BENCH_USER, "Hospital 0", Role::Analyst, None)?;
        store.db().settle()?;
        loaded.findings
    };
    // The vulnerability found on the most releases: the heaviest `affected`.
    let heaviest = store.db().query(
        "SELECT vulnerability_id, COUNT(DISTINCT release_id) AS n FROM findings WHERE present = 1 GROUP BY vulnerability_id ORDER BY n DESC, vulnerability_id LIMIT 1",
        &[],
    )?;
    let (vulnerability, releases) = heaviest
        .first()
        .and_then(|r| Some((r[0].text()?.to_string(), r[1].int()?)))
        .ok_or_else(|| anyhow!("no findings were made"))?;
    Ok(Load {
        findings,
        asset: "Hospital 0/A000003".into(),
        vulnerability,
        releases,
    })
}

struct Run {
    name: &'static str,
    p50: String,
    p99: String,
    requests: u64,
    errors: u64,
    rps: String,
}

/// `wrk --latency` output: the 50% and 99% lines, requests, non-2xx and socket errors.
fn parse_wrk(name: &'static str, text: &str) -> Result<Run> {
    let field = |prefix: &str| -> Option<String> {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
    };
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| anyhow!("wrk printed no request count:\n{text}"))?;
    let mut errors = 0;
    for l in text.lines().map(str::trim) {
        if let Some(rest) = l.strip_prefix("Non-2xx or 3xx responses:") {
            errors += rest.trim().parse::<u64>().unwrap_or(0);
        }
        if let Some(rest) = l.strip_prefix("Socket errors:") {
            for part in rest.split(',') {
                errors += part
                    .split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    Ok(Run {
        name,
        p50: field("50%").unwrap_or_else(|| "?".into()),
        p99: field("99%").unwrap_or_else(|| "?".into()),
        requests,
        errors,
        rps: field("Requests/sec:").unwrap_or_else(|| "?".into()),
    })
}

fn wrk(args: &BenchApiArgs, header: &str, url: &str, name: &'static str) -> Result<Run> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{}", args.connections),
            &format!("-d{}s", args.duration),
            "--latency",
            "--timeout",
            "10s",
            "-H",
            header,
            url,
        ])
        .output()
        .context("running wrk (Debian package `wrk`)")?;
    if !out.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(name, &String::from_utf8_lossy(&out.stdout))
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn run_backend(
    backend: &'static str,
    url: &str,
    key: std::path::PathBuf,
    args: &BenchApiArgs,
    data: &mut Option<(Vec<Advisory>, Vec<Component>)>,
    out: &mut dyn Write,
) -> Result<Vec<Run>> {
    let mut store = Store::open_with_key(url, Some(key.clone()))?;
    let load = populate(&mut store, backend, args, data, out)?;
    let (token, _) = store.create_token(BENCH_USER, TokenScope::Read, 1)?;
    let key_path = key.clone();
    drop(store);

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut config = baton_server::ServerConfig::default();
    config.database_url = baton_server::config::DatabaseUrl::new(url.to_string());
    config.audit_key = Some(key);
    config.listen = SocketAddr::from(([127, 0, 0, 1], port));
    let pool = args
        .pool
        .unwrap_or(if backend == "postgres" { 8 } else { 4 });
    config.pool_size = pool;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The pages and the API, as `baton serve` runs them.
    let server = runtime.block_on(baton_server::Server::bind_with(config, baton_web::app))?;
    let handle = runtime.spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let root = format!("http://127.0.0.1:{port}");
    let base = format!("{root}/api/v1");
    let (header, urls): (String, Vec<(&'static str, String)>) = if args.pages {
        let mut store = Store::open_with_key(url, Some(key_path.clone()))?;
        let principal = store
            .authenticate_token(&token)?
            .ok_or_else(|| anyhow!("the benchmark's token does not sign in"))?;
        let (session, _) = store.create_session(&principal, 240)?;
        let (org, asset) = load.asset.split_once('/').unwrap_or_default();
        let model = store
            .db()
            .query(
                "SELECT mo.name, m.name FROM assets a JOIN organizations o ON o.id = a.organization_id JOIN device_models m ON m.id = a.model_id JOIN organizations mo ON mo.id = m.manufacturer_id WHERE o.name = $1 AND a.asset_id = $2",
                &[org.into(), asset.into()],
            )?
            .first()
            .and_then(|r| Some(format!("{}/{}", encode(r[0].text()?), encode(r[1].text()?))))
            .ok_or_else(|| anyhow!("no model for {}", load.asset))?;
        drop(store);
        (
            format!("Cookie: baton_session={session}"),
            vec![
                ("dashboard page", format!("{root}/dashboard")),
                ("device model page", format!("{root}/models/{model}")),
            ],
        )
    } else {
        (
            format!("Authorization: Bearer {token}"),
            vec![
                (
                    "findings page (status=affected, KEV first then CVSS, 50 per page, offset 100)",
                    format!("{base}/findings?status=affected&limit=50&offset=100"),
                ),
                (
                    "one asset's findings",
                    format!("{base}/findings?asset={}&limit=100", encode(&load.asset)),
                ),
                (
                    "affected",
                    format!("{base}/affected/{}", encode(&load.vulnerability)),
                ),
            ],
        )
    };
    let mut runs = Vec::new();
    for (name, url) in &urls {
        if args.pages {
            // The first request computes what later ones find kept until the data changes.
            let started = Instant::now();
            let bytes = page_bytes(url, &header)?;
            writeln!(
                out,
                "{backend}: {name}: first request {:.1} ms; {bytes} bytes of HTML, {} bytes of scripts and style sheets (cached after the first page)",
                started.elapsed().as_secs_f64() * 1000.0,
                baton_web::static_bytes()
            )?;
        }
        let first = probe(url, &header);
        writeln!(out, "{backend}: {name}: {first}")?;
        out.flush()?;
        runs.push(wrk(args, &header, url, name)?);
    }
    let _ = stop.send(());
    let _ = runtime.block_on(handle);
    writeln!(
        out,
        "{backend}: {} findings stored; affected is {} ({} releases); {pool} database connections",
        load.findings, load.vulnerability, load.releases
    )?;
    Ok(runs)
}

/// The size of a page's body, fetched once over plain HTTP/1.1.
fn page_bytes(url: &str, header: &str) -> Result<usize> {
    use std::io::Read;
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("not an http URL: {url}"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = std::net::TcpStream::connect(host)?;
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\n{header}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("no HTTP answer from {url}"))?;
    let head = String::from_utf8_lossy(&answer[..split]);
    if !head.starts_with("HTTP/1.1 200") {
        bail!("{url}: {}", head.lines().next().unwrap_or(""));
    }
    Ok(answer.len() - split - 4)
}

/// One client alone for a few seconds: the latency of a request without queueing.
fn probe(url: &str, header: &str) -> String {
    let answer = Command::new("wrk")
        .args(["-t1", "-c1", "-d3s", "--latency", "-H", header, url])
        .output();
    match answer {
        Ok(o) if o.status.success() => {
            match parse_wrk("probe", &String::from_utf8_lossy(&o.stdout)) {
                Ok(r) => format!(
                    "one client: p50 {}, p99 {}, {} requests, {} errors",
                    r.p50, r.p99, r.requests, r.errors
                ),
                Err(e) => format!("one client: {e}"),
            }
        }
        _ => "wrk failed".into(),
    }
}

pub fn run(args: &BenchApiArgs, out: &mut dyn Write) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("`wrk` is not installed (Debian: apt-get install wrk)");
    }
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("baton-bench-api-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)?;
    let mut data = None;
    let mut results = Vec::new();
    if !args.skip_sqlite {
        let runs = run_backend(
            "sqlite",
            &dir.join("bench.db").display().to_string(),
            dir.join("bench.log-key"),
            args,
            &mut data,
            out,
        )?;
        results.push(("sqlite", runs));
    }
    if let Some(pg) = &args.postgres {
        let runs = run_backend(
            "postgres",
            pg,
            dir.join("bench-pg.log-key"),
            args,
            &mut data,
            out,
        )?;
        results.push(("postgres", runs));
    }
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    writeln!(out)?;
    writeln!(
        out,
        "| backend | request | p50 | p99 (target < {} ms) | requests | errors | requests/s |",
        if args.pages { 300 } else { 200 }
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for (backend, runs) in &results {
        for r in runs {
            writeln!(
                out,
                "| {backend} | {} | {} | {} | {} | {} | {} |",
                r.name, r.p50, r.p99, r.requests, r.errors, r.rps
            )?;
        }
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    writeln!(
        out,
        "\n{} connections, {} s each, wrk -t2 on the same machine ({cores} cores shared by wrk, the server and the database)",
        args.connections, args.duration
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let text = "Running 1s test @ http://127.0.0.1:1/x
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.00ms    2.00ms  40.00ms   90.00%
  Latency Distribution
     50%    9.50ms
     75%   11.00ms
     90%   13.00ms
     99%   30.10ms
  4000 requests in 1.00s, 1.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:   3990.00
Transfer/sec:      1.00MB
";
        let r = parse_wrk("x", text).unwrap();
        assert_eq!((r.p50.as_str(), r.p99.as_str()), ("9.50ms", "30.10ms"));
        assert_eq!((r.requests, r.errors, r.rps.as_str()), (4000, 8, "3990.00"));
    }
}
