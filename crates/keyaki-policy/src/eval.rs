//! The concrete evaluator: one policy, one request, one decision.
//!
//! This is the referee of keyaki. Whatever the solver claims about *all* requests, a
//! counterexample is *one* request, and this module decides it by following the IAM User
//! Guide's evaluation logic literally:
//!
//! 1. A statement *matches* when its principal, action, resource and every condition match.
//! 2. Any matching `Deny` gives **ExplicitDeny**; otherwise any matching `Allow` gives
//!    **Allow**; otherwise **ImplicitDeny**. Statement order never matters.
//!
//! Each part is a small function over the model: [`principal`](self) matching (an account
//! means every principal of that account; identity policies ignore `Principal`), pattern
//! matching through this module's own [`wildcard`] matcher (actions ignore letter case,
//! resources do not, ARNs match part by part), and [`condition`] evaluation. The matcher is
//! written here, separately from the automata crate, so that a bug there cannot hide here.
//!
//! [`scenario`] decides a request with *every* policy that applies to it (identity, resource,
//! boundary, session, SCPs, RCPs, VPC endpoint), each evaluated here, combined by the Guide's
//! rules for one account and across accounts.

pub mod arn;
pub mod condition;
pub mod principal;
pub mod scenario;
pub mod wildcard;

use crate::model::{Effect, PatternList, Policy, PolicyType, Statement};
use crate::request::Request;
use std::fmt;

/// The outcome of evaluating a policy for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some `Allow` statement matched and no `Deny` statement did.
    Allow,
    /// Some `Deny` statement matched.
    ExplicitDeny,
    /// No statement matched: denied by default.
    ImplicitDeny,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        })
    }
}

/// A decision and the statements behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// Indices of every statement that matched the request (Allow and Deny), ascending.
    pub matched_statements: Vec<usize>,
}

/// Evaluates `policy` (of `policy_type`) for `request`.
pub fn evaluate(policy: &Policy, policy_type: PolicyType, request: &Request) -> Evaluation {
    let matched: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|s| statement_matches(s, policy_type, request))
        .collect();
    let decision = if matched.iter().any(|s| s.effect.value == Effect::Deny) {
        Decision::ExplicitDeny
    } else if matched.is_empty() {
        Decision::ImplicitDeny
    } else {
        Decision::Allow
    };
    Evaluation {
        decision,
        matched_statements: matched.iter().map(|s| s.index).collect(),
    }
}

/// Whether one statement matches the request, ignoring its effect. (Policy variables were
/// already recognized, or left as literal text, when the policy was read.)
pub fn statement_matches(
    statement: &Statement,
    policy_type: PolicyType,
    request: &Request,
) -> bool {
    let principal_ok = match (policy_type, &statement.principal) {
        (PolicyType::Identity, _) | (PolicyType::Resource, None) => true,
        (PolicyType::Resource, Some(element)) => principal::element_matches(element, request),
    };
    principal_ok
        && action_matches(&statement.action, &request.action)
        && statement
            .resource
            .as_ref()
            .is_none_or(|list| resource_matches(list, request))
        && statement
            .conditions
            .iter()
            .all(|c| condition::holds(c, request))
}

/// `Action`/`NotAction`: patterns compared ignoring letter case, never with variables.
pub fn action_matches(list: &PatternList, action: &str) -> bool {
    let any = list.patterns.iter().any(|p| {
        !wildcard::literal_prefix_excludes(&p.value.segments, action, true)
            && wildcard::Glob::from_literal_pattern(&p.value)
                .is_some_and(|glob| glob.matches_ignoring_case(action))
    });
    any != list.negated
}

/// `Resource`/`NotResource`: ARN patterns compared part by part, with variables substituted.
fn resource_matches(list: &PatternList, request: &Request) -> bool {
    let any = list
        .patterns
        .iter()
        .any(|p| arn::matches(&p.value, &request.resource, request));
    any != list.negated
}

#[cfg(test)]
mod tests;
