//! Generates a fleet and reports its size and the generation time.
//!
//! `cargo run --release -p baton-demo --example fleet -- [FACTOR] [YYYY-MM-DD] [OUT_DIR]`
//!
//! With OUT_DIR the eight CSV files are written there.

use std::time::Instant;

use baton_demo::{FleetSpec, generate};
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let factor: usize = args.next().map_or(Ok(1), |a| a.parse())?;
    let on = match args.next() {
        Some(d) => d.parse::<NaiveDate>()?,
        None => chrono::Local::now().date_naive(),
    };
    let out = args.next();
    let spec = FleetSpec::scaled(on, factor);
    let start = Instant::now();
    let files = generate(&spec);
    let elapsed = start.elapsed();
    for (name, text) in files.files() {
        let rows = text.lines().count().saturating_sub(1);
        println!("{name:<18} {rows:>9} rows {:>11} bytes", text.len());
        if let Some(dir) = &out {
            std::fs::write(std::path::Path::new(dir).join(name), text)?;
        }
    }
    println!("generated {factor}x fleet for {on} in {elapsed:?}");
    Ok(())
}
