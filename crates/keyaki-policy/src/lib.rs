//! # keyaki-policy: what an IAM policy says, read exactly, and what it decides for one request
//!
//! This crate is the ground the rest of keyaki stands on. It has two jobs.
//!
//! **Reading.** [`parse_policy`] turns the bytes of a policy document into a [`Policy`]: the
//! whole IAM JSON grammar (`Version`, `Id`, `Statement` as one object or a list, `Sid`,
//! `Effect`, `Principal`/`NotPrincipal` in every form, `Action`/`NotAction`,
//! `Resource`/`NotResource`, `Condition` with every operator family, `IfExists`, the
//! `ForAnyValue:`/`ForAllValues:` qualifiers). Every element keeps its [`Span`], so errors,
//! warnings and, later, the checks' FAIL reasons point into the file by line and column. Bad
//! input is never a panic: it is a list of [`Diagnostic`]s.
//!
//! **Deciding one request.** [`evaluate`] is the *concrete evaluator*: given a policy and one
//! [`Request`] (principal, action, resource, context), it answers Allow, ExplicitDeny or
//! ImplicitDeny and which statements matched, following the documented IAM evaluation logic. It
//! is deliberately simple, with its own small wildcard matcher, because it is the referee of the
//! whole project: every counterexample the solver finds is replayed through it, so it must not
//! share matching code with the automata it checks.
//!
//! ```
//! use keyaki_policy::{evaluate, parse_policy, Decision, ParseOptions, Request, SourceFile};
//!
//! let text = r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::docs/${aws:username}/*"}]}"#;
//! let source = SourceFile::new("policy.json", text.as_bytes().to_vec());
//! let parsed = parse_policy(&source, ParseOptions::default()).expect("a valid policy");
//!
//! let request = Request::for_identity("s3:GetObject", "arn:aws:s3:::docs/alice/notes.txt")
//!     .with_context_string("aws:username", "alice");
//! let outcome = evaluate(&parsed.policy, parsed.policy_type, &request);
//! assert_eq!(outcome.decision, Decision::Allow);
//! assert_eq!(outcome.matched_statements, vec![0]);
//! ```
//!
//! The crate's modules, in the order data flows through them: [`span`] (positions),
//! `json` (a spanned JSON reader), [`parse`] (the grammar), [`model`], [`pattern`] and
//! [`value`] (what a policy says), [`request`] and [`eval`] (deciding one request), and
//! [`scenario`] with [`eval::scenario`] (one request against every policy that decides it), and
//! [`account`] (a whole account, read from `aws iam get-account-authorization-details` and a
//! manifest, which builds the scenario of any request made in it).

#![forbid(unsafe_code)]

pub mod account;
pub mod caller;
pub mod diagnostic;
pub mod eval;
pub mod issue_code;
mod json;
pub mod model;
pub mod parse;
pub mod pattern;
pub mod request;
pub mod scenario;
pub mod span;
pub mod value;

pub use account::{
    Account, AccountDocument, AccountErrors, ParsedAccount, PolicySet, SourceKind, SourcedPolicy,
    parse_account, parse_account_located,
};
pub use diagnostic::{Diagnostic, Severity, SourceFile};
pub use eval::scenario::{
    CallerFacts, Layer, LayerTrace, OwnerNeeded, PolicyTrace, ScenarioOutcome, evaluate_scenario,
    exemption, owner_candidates,
};
pub use eval::{Decision, Evaluation, evaluate};
pub use issue_code::IssueCode;
pub use json::{Json, Member};
pub use model::{
    Condition, ConditionValue, Effect, Operator, OperatorKind, PatternList, Policy, PolicyType,
    Principal, PrincipalElement, PrincipalKind, SetQualifier, Statement, ValueType,
};
pub use parse::{ParseOptions, ParsedPolicy, parse_policy, read_json};
pub use pattern::{Pattern, PatternSyntax, PolicyVariable, Segment};
pub use request::{ContextValue, Request, RequestPrincipal, parse_request};
pub use scenario::{ParsedScenario, Scenario, parse_scenario};
pub use span::{LineColumn, Span, Spanned};
