//! SBOM readers. Every supported format is read into one [`Sbom`] model; reading never stops at
//! the first problem: it returns the document and a list of located warnings, and fails only when
//! nothing sensible can be read.

pub mod model;

pub use model::{Component, Dependency, Hash, Parsed, Sbom, SbomError, SbomFormat, SupportDate, Warning};

pub mod spdx;
pub mod spdx3;
