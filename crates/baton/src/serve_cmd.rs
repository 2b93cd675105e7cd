//! `baton serve`: the HTTP API and the web pages; `--demo` first loads the demo fleet into a
//! fresh SQLite database and makes an admin for each demo organization.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use baton_model::OrgKind;
use baton_store::{AdvisoryDoc, ImportKind, Role, Sharing, Store};
use chrono::NaiveDate;

use crate::Context_;

/// Advisories and SBOM sizes of the demo: enough findings to triage, loaded in seconds.
const DEMO_ADVISORIES: usize = 1_500;
const DEMO_DISTINCT: usize = 600;
const DEMO_COMPONENTS: usize = 40;

pub struct ServeArgs {
    pub listen: Option<std::net::SocketAddr>,
    pub config: Option<PathBuf>,
    pub demo: bool,
}

pub fn serve(
    database: &Option<String>,
    ctx: &Context_,
    args: ServeArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let mut config = baton_server::ServerConfig::load(args.config.as_deref())?;
    if let Some(url) = database {
        config.database_url = baton_server::config::DatabaseUrl::new(url.clone());
    }
    if let Some(key) = &ctx.log_key {
        config.audit_key = Some(key.clone());
    }
    if let Some(siem) = &ctx.siem {
        config.siem = Some(baton_store::Siem::parse(siem)?);
    }
    if let Some(addr) = args.listen {
        config.listen = addr;
    }
    baton_server::logging::init(config.log_format)?;
    let mut logins = Vec::new();
    if args.demo {
        let dir = crate::demo::new_temp_dir("baton-serve-demo")?;
        let url = crate::demo::fresh_sqlite(&dir)?;
        logins = load_demo(&url, ctx.on)?;
        config.database_url = baton_server::config::DatabaseUrl::new(url);
        // The demo database keeps its own key beside it.
        config.audit_key = None;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let server = baton_server::Server::bind_with(config.clone(), baton_web::app).await?;
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let url = format!("{scheme}://{}/", server.local_addr());
        if args.demo {
            writeln!(
                out,
                "Baton demo: open {url} and sign in as one of these admins."
            )?;
            writeln!(
                out,
                "The passwords are shown only now; the database is a throwaway SQLite file."
            )?;
            for login in &logins {
                writeln!(
                    out,
                    "  {:<28} {:<12} {:<34} {}",
                    login.organization, login.kind, login.email, login.password
                )?;
            }
        } else {
            writeln!(out, "Baton: listening on {url}")?;
        }
        writeln!(out, "Stop with Ctrl-C.")?;
        out.flush()?;
        server.run(baton_server::shutdown_signal()).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(())
}

/// One demo organization's admin.
pub struct DemoLogin {
    pub organization: String,
    pub kind: &'static str,
    pub email: String,
    pub password: String,
}

/// The demo fleet through the ordinary import path, an SBOM for every release, generated
/// advisories matched against them, sharing settings, and an admin per organization.
pub fn load_demo(url: &str, on: NaiveDate) -> Result<Vec<DemoLogin>> {
    let mut store = Store::open(url)?;
    store.set_actor(baton_store::Actor::operator("baton-serve-demo"));
    let files = baton_demo::generate(&baton_demo::FleetSpec::demo(on));
    for (name, text) in files.files() {
        if let Some(kind) = ImportKind::from_file_name(name) {
            store
                .import(kind, name, text.as_bytes(), on)
                .with_context(|| format!("loading the demo's {name}"))?;
        }
    }

    // Every release gets an SBOM drawn from one pool of components; the advisories speak of
    // some of them, so findings appear across the fleet.
    let (advisories, pool) =
        baton_matching::bench::fleet_data(DEMO_ADVISORIES, DEMO_DISTINCT, 6, 7);
    let loaded = store.load_fleet()?;
    let fleet = &loaded.fleet;
    for (i, release) in fleet.releases.iter().enumerate() {
        let model = &fleet.models[release.model];
        let manufacturer = &fleet.organizations[model.manufacturer].name;
        let spec = format!("{manufacturer}/{}@{}", model.name, release.version);
        let bytes = demo_sbom(&pool, &spec, DEMO_COMPONENTS, 1000 + i as u64)?;
        let file = format!("{}-{}.cdx.json", model.name, release.version).replace(' ', "-");
        let parsed = baton_sbom::parse(&file, &bytes)
            .map_err(|e| anyhow::anyhow!("the demo SBOM {file} did not parse: {e}"))?;
        store
            .import_sbom(&spec, &file, &bytes, &parsed)
            .with_context(|| format!("loading the demo SBOM of {spec}"))?;
    }
    let (advisories, mut kev) = scored(advisories)?;
    let docs: Vec<AdvisoryDoc> = advisories
        .into_iter()
        .map(|advisory| AdvisoryDoc {
            file: "demo-advisories".into(),
            advisory,
        })
        .collect();
    store.import_advisories(&docs, None)?;
    // One vulnerability in twelve of those found is known exploited, so KEV shows in the demo.
    let found = store.db().query(
        "SELECT DISTINCT vulnerability_id FROM findings WHERE present = 1 ORDER BY vulnerability_id",
        &[],
    )?;
    for (i, row) in found.iter().enumerate() {
        if let Some(cve) = row[0].text().filter(|id| id.starts_with("CVE-"))
            && i.is_multiple_of(12)
        {
            kev.entries.push(kev_entry(cve));
        }
    }
    kev.count = Some(kev.entries.len() as u64);
    store.import_kev(&kev)?;

    // The first hospital shares its asset list with every manufacturer, the second counts,
    // the others nothing: each manufacturer's admin sees the three levels.
    let organizations = store.organizations()?;
    let hospitals: Vec<String> = organizations
        .iter()
        .filter(|o| o.kind == OrgKind::Hdo)
        .map(|o| o.name.clone())
        .collect();
    for o in organizations.iter().filter(|o| o.kind == OrgKind::Mdm) {
        for (h, hospital) in hospitals.iter().enumerate() {
            let level = match h {
                0 => Sharing::Assets,
                1 => Sharing::Counts,
                _ => continue,
            };
            store.set_sharing(hospital, &o.name, level)?;
        }
    }
    let mut logins = Vec::new();
    for o in &organizations {
        let slug: String = o
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let email = format!("admin@{slug}.demo");
        let password = crate::admin_cmd::generated_password()?;
        store.create_user(&email, &o.name, Role::Admin, Some(&password))?;
        logins.push(DemoLogin {
            organization: o.name.clone(),
            kind: o.kind.key(),
            email,
            password,
        });
    }
    // Hospitals first: they are whom the demo is mostly about.
    logins.sort_by_key(|l| (l.kind != "hdo", l.kind, l.organization.clone()));
    Ok(logins)
}

/// CVSS 3.1 base vectors the demo's vulnerabilities are given in turn, from critical to low.
const DEMO_VECTORS: &[&str] = &[
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N",
    "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
];

/// The generated advisories with a CVSS score each (scored by Baton's own CVSS reader), and an
/// empty KEV catalog to fill once matching shows which vulnerabilities are found.
fn scored(
    mut advisories: Vec<baton_advisories::Advisory>,
) -> Result<(
    Vec<baton_advisories::Advisory>,
    baton_advisories::KevCatalog,
)> {
    let kev = baton_advisories::KevCatalog {
        title: Some("Baton demo known exploited vulnerabilities".into()),
        catalog_version: Some("demo".into()),
        date_released: None,
        count: None,
        entries: Vec::new(),
        warnings: Vec::new(),
    };
    let mut n = 0usize;
    for advisory in &mut advisories {
        for v in &mut advisory.vulnerabilities {
            let text = DEMO_VECTORS[(n * 7 + n / 3) % DEMO_VECTORS.len()];
            let vector = baton_advisories::cvss_vector::parse(text)
                .map_err(|e| anyhow::anyhow!("demo CVSS vector {text}: {e}"))?;
            v.cvss = vec![baton_advisories::Cvss {
                version: vector.version.to_string(),
                vector: vector.text.clone(),
                score: Some(vector.score),
                source: Some("baton-demo".into()),
                products: Vec::new(),
            }];
            n += 1;
        }
    }
    Ok((advisories, kev))
}

fn kev_entry(cve: &str) -> baton_advisories::KevEntry {
    baton_advisories::KevEntry {
        cve: cve.to_string(),
        vendor_project: None,
        product: None,
        vulnerability_name: None,
        date_added: None,
        short_description: None,
        required_action: Some("Apply the manufacturer's update or mitigate.".into()),
        due_date: None,
        known_ransomware_campaign_use: None,
        notes: None,
        cwes: Vec::new(),
    }
}

/// A CycloneDX 1.6 SBOM of `n` components of the pool for one release.
fn demo_sbom(
    pool: &[baton_sbom::Component],
    release: &str,
    n: usize,
    seed: u64,
) -> Result<Vec<u8>> {
    // The same draw `bench fleet` uses, so the demo's matches are the benchmark's kind.
    let (_, parsed) = crate::bench_fleet::release_sbom(pool, n, seed);
    let components: Vec<serde_json::Value> = parsed
        .sbom
        .components
        .iter()
        .map(|c| {
            let mut v = serde_json::json!({
                "type": c.kind.as_deref().unwrap_or("library"),
                "bom-ref": c.reference.as_str(),
                "name": c.name.as_str(),
            });
            if let Some(version) = &c.version {
                v["version"] = version.as_str().into();
            }
            if let Some(purl) = &c.purl {
                v["purl"] = purl.as_str().into();
            }
            if let Some(cpe) = c.cpes.first() {
                v["cpe"] = cpe.as_str().into();
            }
            v["supplier"] =
                serde_json::json!({"name": c.supplier.as_deref().unwrap_or("Demo Supplier")});
            v
        })
        .collect();
    let doc = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:00000000-0000-4000-8000-{seed:012x}"),
        "version": 1,
        "metadata": {
            "timestamp": "2020-01-01T00:00:00Z",
            "authors": [{"name": "Baton demo"}],
            "component": {"type": "device", "name": release, "bom-ref": "device"},
        },
        "components": components,
    });
    Ok(serde_json::to_vec_pretty(&doc)?)
}
