//! Baton's domain model and lifecycle rules.
//!
//! Everything here is pure: no I/O, no clock, no database. "Today" is always an argument. The
//! rules follow IMDRF N70 (stages, milestones, notice periods, the transfer window) and the
//! Health-ISAC white paper's task distribution (who holds each security task in each stage).
//!
//! - [`vocab`]: the closed vocabularies (stage, task, party, …) and their keys.
//! - [`lifecycle`]: milestones, the stage on a date, transitions, notice checks.
//! - [`responsibility`]: the default task × stage matrix with its sources, gaps.
//! - [`cadence`]: when the next risk assessment is due.
//! - [`fleet`]: the in-memory fleet the reports read.
//! - [`reports`]: lifecycle, responsibilities, gaps, due items, transitions, summary.

pub mod cadence;
pub mod dates;
pub mod documentation;
pub mod fleet;
pub mod lifecycle;
pub mod reports;
pub mod responsibility;
pub mod sbom_diff;
pub mod support;
pub mod vocab;

pub use fleet::Fleet;
pub use lifecycle::{Dated, Milestones};
pub use vocab::{
    AssetStatus, Criticality, Decision, DocumentKind, MilestoneKind, OrgKind, Party, Residual,
    Setting, Stage, Task, UnknownTerm,
};
