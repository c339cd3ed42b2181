//! The families of `tasks/families/`, one module per file, listed by `build.rs` (so a new class
//! is a new file and nothing else).
use super::Family;

include!(concat!(env!("OUT_DIR"), "/families.rs"));
