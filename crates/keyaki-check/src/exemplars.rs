//! Exemplars: for each `Allow` statement of a policy, one request the policy allows through
//! that statement.
//!
//! `check-no-new-access` asks for a request that the new policy allows and the existing one
//! does not. When the existing policy does not allow an exemplar of the new one, that exemplar
//! *is* such a request: the concrete evaluator says so, with no solving over the two policies
//! together. Its statement is then a reason too, since the reasons are the statements that
//! alone, with the new policy's `Deny` statements, still allow a request the existing policy
//! does not. Only the statements whose exemplars the existing policy allows need the solver.
//!
//! Two unrelated policies are the common case when one policy is compared with many (a
//! repository, `cargo xtask bench --full`), and there a policy's exemplars, computed once,
//! settle almost every pair. They are computed the way counterexamples are
//! ([`crate::witness`]), so they read like real requests, and each is confirmed through the
//! concrete evaluator before it is kept: a statement whose solution does not replay (an
//! approximation) or that no request can match (its conditions contradict, or a `Deny` covers
//! it) simply has no exemplar.

use crate::check::{CheckConfig, domain};
use crate::encode::Encoder;
use crate::vocabulary::Vocabulary;
use crate::witness::{Preferences, Solved, solve, with_example_accounts};
use keyaki_logic::Context;
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{Decision, Effect, ParsedPolicy, Request, evaluate};

/// One confirmed request per `Allow` statement that has one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exemplars {
    /// (statement index, a request the policy allows through that statement), by index.
    requests: Vec<(usize, Request)>,
}

impl Exemplars {
    /// Solves for an exemplar of each `Allow` statement of `policy` and keeps those the
    /// concrete evaluator confirms, within the time budget of `config` (statements left when
    /// it runs out have none).
    pub fn of(policy: &ParsedPolicy, config: CheckConfig) -> Exemplars {
        let config = config.started();
        let vocabulary = Vocabulary::of(&[&policy.policy]);
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        let encoded = encoder.policy(&policy.policy, policy.policy_type);
        let no_deny = encoder.cx.not(encoded.denies);
        let preferences = Preferences::of(&encoder, policy);
        let mut requests = Vec::new();
        for (statement, formula) in policy.policy.statements.iter().zip(&encoded.statements) {
            if statement.effect.value != Effect::Allow {
                continue;
            }
            if config.expired() {
                break;
            }
            let through = encoder.cx.and([*formula, no_deny]);
            let domain = domain(&mut encoder, policy.policy_type, through);
            let question = encoder.cx.and([through, domain]);
            let confirmed = |request: &Request| {
                statement_matches(statement, policy.policy_type, request)
                    && evaluate(&policy.policy, policy.policy_type, request).decision
                        == Decision::Allow
            };
            if let Solved::Witness(request) = solve(&mut encoder, question, &preferences, config)
                && confirmed(&request)
            {
                requests.push((statement.index, with_example_accounts(request, confirmed)));
            }
        }
        Exemplars { requests }
    }

    /// The exemplar of the statement with this index, if it has one.
    pub fn of_statement(&self, index: usize) -> Option<&Request> {
        self.requests
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, request)| request)
    }

    /// How many statements have an exemplar.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether no statement has one.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }
}
