//! # keyaki-logic: the language keyaki reasons in
//!
//! A policy means a set of requests; keyaki writes that set down as a *formula* over the parts
//! of a request, and asks a solver about it. This crate is that formula language, and nothing
//! else: it knows no IAM (the encoding lives in keyaki-check) and no solving (keyaki-solver).
//!
//! - **Variables** ([`term::Var`]) are typed by a [`Sort`]: strings (with the usual letter-case
//!   rule of the variable), exact numbers, instants, IP addresses, Booleans, and sets of strings
//!   for multi-valued keys. Each request key also has a presence, [`Atom::Present`].
//! - **Atoms** ([`Atom`]) are the basic statements theory solvers decide: `x ∈ pattern`,
//!   `n < 10`, `t ≥ 2024-01-01T00:00:00Z`, `ip ∈ 10.0.0.0/8`, `b = true`, `present(k)`,
//!   `∃v ∈ S. v ∈ "team*"`, `∀v ∈ S. v ∈ "a" ∨ v ∈ "b"`.
//! - **Formulas** ([`Formula`]) combine atoms with ¬, ∧, ∨, →, built only through simplifying,
//!   hash-consing constructors of a [`Context`] ([`formula`]).
//! - **Concrete evaluation** ([`concrete`]): atoms and formulas on values, the reference
//!   semantics that models and encodings are checked against.
//! - **A reader** for formulas written as s-expressions ([`sexpr`]), used by the corpus.
//! - **Two printers**: the math notation of the design brief ([`print`](mod@print)) for people, and
//!   SMT-LIB 2 ([`smtlib`]) to replay any question in z3 or cvc5.
//!
//! ```
//! use keyaki_logic::{Atom, Context, Pattern, Sort};
//!
//! let mut cx = Context::new();
//! let action = cx.var("Action", Sort::Str { ignore_case: true }).unwrap();
//! let resource = cx.var("Resource", Sort::Str { ignore_case: false }).unwrap();
//! let put = cx.atom_formula(Atom::StrIn { var: action, pattern: Pattern::literal("s3:PutObject"), ignore_case: true });
//! let bucket = cx.atom_formula(Atom::StrIn { var: resource, pattern: Pattern::literal("arn:aws:s3:::DOC-EXAMPLE-BUCKET"), ignore_case: false });
//! let policy = cx.and([put, bucket]);
//! assert_eq!(cx.show(policy), r#"(Action = "s3:PutObject") ∧ (Resource = "arn:aws:s3:::DOC-EXAMPLE-BUCKET")"#);
//! ```

#![forbid(unsafe_code)]

pub mod concrete;
pub mod formula;
pub mod print;
pub mod rewrite;
pub mod sexpr;
pub mod smtlib;
pub mod term;
pub mod value;

pub use concrete::{Assignment, Value};
pub use formula::{AtomId, Context, Formula, Node, SortClash, VarInfo};
pub use smtlib::Unsupported;
pub use term::{Atom, Cmp, Pattern, Piece, Sort, Var};
pub use value::{Instant, IpRange, Number};

#[cfg(test)]
mod tests;
