//! Spec text → [`ast::Ast`]. pest's types never leave this folder.
pub mod ast;
mod parser;

pub use parser::parse;
