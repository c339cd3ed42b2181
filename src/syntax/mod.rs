//! Spec text → [`ast::Ast`]. pest's types never leave this folder.
pub mod ast;
pub mod format;
mod parser;
mod pest_errors;

pub use parser::parse;
