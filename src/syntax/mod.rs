//! Spec text → [`ast::Ast`]. pest's types never leave this folder.
pub mod ast;
pub mod format;
mod grammar;
mod parser;
mod pest_errors;
mod wrap;

pub use parser::parse;
