//! # keyaki-check: IAM policies as formulas, and the questions asked of them
//!
//! This crate is where IAM meets logic. [`vocabulary`] decides which variables a request is
//! made of and how each condition key is modelled; [`encode`] turns each policy into a
//! formula of keyaki-logic that is true exactly for the requests the policy allows (with the
//! few approximations it records, always in the safe direction); the checks, counterexample
//! extraction and replay build on that.
//!
//! The concrete evaluator of keyaki-policy is the reference: for every request, the formula of
//! a policy and the evaluator must agree, which the tests verify on the whole evaluate corpus.

#![forbid(unsafe_code)]

pub mod catalog;
pub mod check;
pub mod concrete;
pub mod counterexample;
pub mod encode;
pub mod exemplars;
pub mod explain;
pub mod findings;
pub mod public;
pub mod resource_type;
pub mod scenario;
mod shortcut;
pub mod summary;
pub mod variables;
pub mod vocabulary;
pub mod who_can;
pub mod witness;

pub use check::{
    Access, CheckConfig, DEFAULT_TIMEOUT, Outcome, Reason, Verdict, check_access_not_granted,
    check_no_new_access, check_no_public_access,
};
pub use encode::{EncodedPolicy, Encoder, Meaning};
pub use exemplars::Exemplars;
pub use findings::{AccessKind, Caller, Finding, Findings, Trust, findings};
pub use resource_type::ResourceType;
pub use summary::{ExternalAccess, ExternalPrincipal, LimitingDeny, WrittenCondition, summarise};
pub use vocabulary::Vocabulary;
