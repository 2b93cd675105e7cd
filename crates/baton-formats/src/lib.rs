//! Readers that turn the bytes of Baton's input files into model records with located errors.
//! Nothing here touches the database or the network: a reader gets bytes and a file name, and
//! returns every record or the first problem, named by file, line and column.

pub mod inventory;

pub use inventory::{InputError, Located};
