//! The checks: questions about policies, answered for every request.
//!
//! - **check-no-new-access** — is there a request the new policy allows and the existing one
//!   does not? `allows(new) ∧ ¬allows(existing)`.
//! - **check-access-not-granted** — does the policy allow any of the listed accesses?
//!   `allows(P) ∧ (some listed action on some listed resource)`.
//! - **check-no-public-access** — does the resource policy allow a public caller (see
//!   [`crate::public`]) an action of the resource type's service?
//!   `allows(P) ∧ public-caller ∧ Action ∈ "service:*"`.
//!
//! UNSAT is PASS: no request exists, proved. SAT is FAIL, with the model turned into a request
//! ([`crate::counterexample`]) and replayed through the concrete evaluator before anything is
//! reported: if the replay does not confirm the FAIL, the answer is UNKNOWN (when the encoding
//! approximated, that is expected; otherwise it is an internal error, and said so). The
//! *reasons* name the statements responsible, in Access Analyzer's words: each statement that
//! alone, with the same question, still allows such a request.

use crate::counterexample::request_of;
use crate::encode::{Encoder, glob_of};
use crate::public::Fixed;
use crate::resource_type::ResourceType;
use crate::variables::bind_variables;
use crate::vocabulary::Vocabulary;
use keyaki_logic::{Atom, Context, Formula, Pattern};
use keyaki_policy::{Decision, Effect, ParsedPolicy, PolicyType, Request, evaluate};
use keyaki_solver::{Smt, SmtConfig, SmtResult};

/// One statement responsible for a FAIL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Access Analyzer's sentence (`New access in the statement with index: 1.`).
    pub description: String,
    /// The statement's 0-based index.
    pub statement_index: usize,
    /// Its `Sid`, when it has one.
    pub statement_id: Option<String>,
}

/// The answer of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Proved for every request.
    Pass,
    /// A request witnesses the failure; it replayed through the concrete evaluator.
    Fail {
        /// The statements responsible.
        reasons: Vec<Reason>,
        /// The witness.
        counterexample: Request,
    },
    /// No sound answer: a budget ran out, or an approximation made the witness unconfirmed.
    Unknown(String),
}

/// A verdict with what was approximated on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The answer.
    pub verdict: Verdict,
    /// One line per approximation (empty when the encoding was exact).
    pub approximations: Vec<String>,
}

/// One entry of `--access`: some listed action on some listed resource (either list may be
/// empty, meaning any).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    /// Actions, IAM wildcards allowed.
    pub actions: Vec<String>,
    /// Resource ARNs, IAM wildcards allowed.
    pub resources: Vec<String>,
}

/// Limits of one check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckConfig {
    /// The solver's limits.
    pub smt: SmtConfig,
}

/// `check-no-new-access`: FAIL when `new` allows a request `existing` does not.
pub fn check_no_new_access(
    new: &ParsedPolicy,
    existing: &ParsedPolicy,
    config: CheckConfig,
) -> Outcome {
    let vocabulary = Vocabulary::of(&[&new.policy, &existing.policy]);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let new_encoded = encoder.policy(&new.policy, new.policy_type);
    let old_encoded = encoder.policy(&existing.policy, existing.policy_type);
    let not_old = encoder.cx.not(old_encoded.allows);
    let question = encoder.cx.and([new_encoded.allows, not_old]);
    let domain = domain(&mut encoder, new.policy_type, question);
    let question = encoder.cx.and([question, domain]);
    let denies = new_encoded.denies;
    let replays = |request: &Request| {
        evaluate(&new.policy, new.policy_type, request).decision == Decision::Allow
            && evaluate(&existing.policy, existing.policy_type, request).decision != Decision::Allow
    };
    let candidates = allow_statements(new, &new_encoded.statements);
    let reason_text = |i: usize| format!("New access in the statement with index: {i}.");
    decide(
        &mut encoder,
        question,
        new,
        config,
        &replays,
        |encoder, index, _sid, statement| {
            let no_deny = encoder.cx.not(denies);
            let alone = encoder.cx.and([statement, no_deny, not_old, domain]);
            (alone, reason_text(index))
        },
        candidates,
    )
}

/// `check-access-not-granted`: FAIL when `policy` allows one of the listed accesses.
pub fn check_access_not_granted(
    policy: &ParsedPolicy,
    access: &[Access],
    config: CheckConfig,
) -> Outcome {
    let vocabulary = Vocabulary::of(&[&policy.policy]);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let encoded = encoder.policy(&policy.policy, policy.policy_type);
    let requested = requested(&mut encoder, access);
    let question = encoder.cx.and([encoded.allows, requested]);
    let domain = domain(&mut encoder, policy.policy_type, question);
    let question = encoder.cx.and([question, domain]);
    let denies = encoded.denies;
    let replays = |request: &Request| {
        evaluate(&policy.policy, policy.policy_type, request).decision == Decision::Allow
            && grants(access, request)
    };
    let candidates = allow_statements(policy, &encoded.statements);
    decide(
        &mut encoder,
        question,
        policy,
        config,
        &replays,
        |encoder, index, _sid, statement| {
            let no_deny = encoder.cx.not(denies);
            let alone = encoder.cx.and([statement, no_deny, requested, domain]);
            (
                alone,
                format!("One or more of the listed actions in the statement with index: {index}."),
            )
        },
        candidates,
    )
}

/// `check-no-public-access`: FAIL when the resource policy allows a public caller (see
/// [`crate::public`]) some action of the resource type's service.
pub fn check_no_public_access(
    policy: &ParsedPolicy,
    resource_type: ResourceType,
    config: CheckConfig,
) -> Outcome {
    let vocabulary = Vocabulary::of(&[&policy.policy]);
    let fixed = Fixed::of(&[&policy.policy]);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let encoded = encoder.policy(&policy.policy, PolicyType::Resource);
    let public = encoder.public_caller(&fixed);
    let service = service_actions(&mut encoder, resource_type.service);
    let question = encoder.cx.and([encoded.allows, public, service]);
    let domain = domain(&mut encoder, PolicyType::Resource, question);
    let question = encoder.cx.and([question, domain]);
    let denies = encoded.denies;
    let prefix = format!("{}:", resource_type.service);
    let replays = |request: &Request| {
        evaluate(&policy.policy, PolicyType::Resource, request).decision == Decision::Allow
            && fixed.is_public_request(request)
            && request.action.to_ascii_lowercase().starts_with(&prefix)
    };
    let candidates = allow_statements(policy, &encoded.statements);
    decide(
        &mut encoder,
        question,
        policy,
        config,
        &replays,
        |encoder, index, sid, statement| {
            let no_deny = encoder.cx.not(denies);
            let alone = encoder
                .cx
                .and([statement, no_deny, public, service, domain]);
            let place = match sid {
                Some(sid) => format!("sid: {sid}"),
                None => format!("index: {index}"),
            };
            (
                alone,
                format!("Public access granted in the following statement with {place}."),
            )
        },
        candidates,
    )
}

/// The actions of one service: `Action ∈ "service:*"`.
fn service_actions(encoder: &mut Encoder<'_>, service: &str) -> Formula {
    encoder.cx.atom_formula(Atom::StrIn {
        var: encoder.action,
        pattern: Pattern::parse(&format!("{service}:*")),
        ignore_case: true,
    })
}

/// The listed accesses as a formula: `∨ entries (∨ actions) ∧ (∨ resources)`.
fn requested(encoder: &mut Encoder<'_>, access: &[Access]) -> Formula {
    let mut entries = Vec::new();
    for entry in access {
        let actions: Vec<Formula> = entry
            .actions
            .iter()
            .map(|a| {
                encoder.cx.atom_formula(Atom::StrIn {
                    var: encoder.action,
                    pattern: Pattern::parse(a),
                    ignore_case: true,
                })
            })
            .collect();
        let resources: Vec<Formula> = entry
            .resources
            .iter()
            .map(|r| {
                let pattern = Pattern::arn(&Pattern::parse(r).pieces);
                encoder.cx.atom_formula(Atom::StrIn {
                    var: encoder.resource,
                    pattern,
                    ignore_case: false,
                })
            })
            .collect();
        let any_action = if actions.is_empty() {
            encoder.cx.tru()
        } else {
            encoder.cx.or(actions)
        };
        let any_resource = if resources.is_empty() {
            encoder.cx.tru()
        } else {
            encoder.cx.or(resources)
        };
        entries.push(encoder.cx.and([any_action, any_resource]));
    }
    encoder.cx.or(entries)
}

/// Whether a concrete request is one of the listed accesses (the replay of the question).
fn grants(access: &[Access], request: &Request) -> bool {
    let matches_any = |patterns: &[String], text: &str, arn: bool, ignore_case: bool| {
        patterns.is_empty()
            || patterns.iter().any(|p| {
                let pattern = Pattern::parse(p);
                let pattern = if arn {
                    Pattern::arn(&pattern.pieces)
                } else {
                    pattern
                };
                pattern.matches(text, ignore_case)
            })
    };
    access.iter().any(|entry| {
        matches_any(&entry.actions, &request.action, false, true)
            && matches_any(&entry.resources, &request.resource, true, false)
    })
}

/// What every request satisfies: a resource policy's caller is one of the principal kinds,
/// `aws:PrincipalAccount` is its account (for the atoms of `question`), and only AWS callers
/// carry the keys of an AWS identity.
pub(crate) fn domain(
    encoder: &mut Encoder<'_>,
    policy_type: PolicyType,
    question: Formula,
) -> Formula {
    match policy_type {
        PolicyType::Resource => {
            let kinds = encoder.principal_domain();
            let account = encoder.account_link(question);
            let caller_keys = encoder.caller_keys_domain();
            encoder.cx.and([kinds, account, caller_keys])
        }
        PolicyType::Identity => encoder.cx.tru(),
    }
}

fn allow_statements(
    policy: &ParsedPolicy,
    statements: &[Formula],
) -> Vec<(usize, Option<String>, Formula)> {
    policy
        .policy
        .statements
        .iter()
        .zip(statements)
        .filter(|(s, _)| s.effect.value == Effect::Allow)
        .map(|(s, f)| (s.index, s.sid.as_ref().map(|sid| sid.value.clone()), *f))
        .collect()
}

/// Real-looking callers, preferred for a counterexample's principal when one fits: an outside
/// account, a role in it, a service, and the anonymous caller.
const EXAMPLE_PRINCIPALS: [&str; 7] = [
    "AWS:arn:aws:iam::111122223333:root",
    "AWS:arn:aws:iam::444455556666:role/ExampleRole",
    "AWS:arn:aws:iam::777788889999:user/ExampleUser",
    "Service:lambda.amazonaws.com",
    "Anonymous",
    "Federated:cognito-identity.amazonaws.com",
    "CanonicalUser:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
];

/// Well-formed ARNs, preferred for a counterexample's resource when the policy's own
/// resources do not fit (`"Resource": "*"` would otherwise give the empty string).
const EXAMPLE_RESOURCES: [&str; 6] = [
    "arn:aws:s3:::example-bucket",
    "arn:aws:s3:::example-bucket/example-key",
    "arn:aws:iam::111122223333:role/ExampleRole",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:sqs:us-east-1:111122223333:example-queue",
];

/// Literal resource ARNs in the policy, preferred for the counterexample's resource.
/// Then the policy's wildcard ARNs written out with example values (`…/DOC-EXAMPLE-BUCKET/*`
/// gives `…/DOC-EXAMPLE-BUCKET/example`).
fn known_resources(policy: &ParsedPolicy) -> Vec<String> {
    let patterns: Vec<&keyaki_policy::Pattern> = policy
        .policy
        .statements
        .iter()
        .filter_map(|s| s.resource.as_ref())
        .flat_map(|list| list.patterns.iter())
        .map(|p| &p.value)
        .collect();
    let mut names: Vec<String> = patterns
        .iter()
        .filter_map(|p| glob_of(p).and_then(|g| g.as_literal()))
        .collect();
    names.sort();
    names.dedup();
    for pattern in patterns {
        if let Some(example) = example_arn(pattern)
            && !names.contains(&example)
        {
            names.push(example);
        }
    }
    names
}

/// An ARN pattern written out: a wildcard region is `us-east-1`, a wildcard account
/// `111122223333`, any other `*` is `example` and `?` is `x`; a variable is an example value
/// of its key. `None` for a non-ARN pattern.
fn example_arn(pattern: &keyaki_policy::Pattern) -> Option<String> {
    use keyaki_policy::Segment;
    const WILDCARD: char = '\u{0}';
    let text: String = pattern
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text.clone(),
            Segment::AnyRun => WILDCARD.to_string(),
            Segment::AnyChar => "x".to_string(),
            Segment::Variable(variable) => {
                let key = variable.key.to_ascii_lowercase();
                if key.ends_with("account") {
                    "444455556666".to_string()
                } else if key.ends_with("region") {
                    "us-east-1".to_string()
                } else {
                    "example".to_string()
                }
            }
        })
        .collect();
    if !text.starts_with("arn:") {
        return None;
    }
    let wildcard = WILDCARD.to_string();
    let parts: Vec<String> = text
        .splitn(6, ':')
        .enumerate()
        .map(|(index, part)| match index {
            3 if part == wildcard => "us-east-1".to_string(),
            4 if part == wildcard => "111122223333".to_string(),
            _ => part.replace(WILDCARD, "example"),
        })
        .collect();
    Some(parts.join(":"))
}

/// Action names preferred for the counterexample's action: the policy's literal actions, then
/// real names (from [`crate::catalog`]) matching its wildcard patterns.
fn known_actions(policy: &ParsedPolicy) -> Vec<String> {
    const PER_PATTERN: usize = 3;
    const AT_MOST: usize = 400;
    let globs: Vec<Pattern> = policy
        .policy
        .statements
        .iter()
        .flat_map(|s| s.action.patterns.iter())
        .filter_map(|p| glob_of(&p.value))
        .collect();
    let mut names: Vec<String> = globs.iter().filter_map(Pattern::as_literal).collect();
    names.sort();
    names.dedup();
    for glob in globs.iter().filter(|g| g.as_literal().is_none()) {
        if names.len() >= AT_MOST {
            break;
        }
        for name in crate::catalog::actions_matching(glob, PER_PATTERN) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Why a witness that did not replay gives no answer: expected after an approximation, an
/// internal error (and said so) otherwise.
pub(crate) fn not_replayed(approximations: &[String]) -> String {
    if approximations.is_empty() {
        "internal error: the counterexample did not replay through the concrete evaluator; please report this policy".to_string()
    } else {
        "the policy uses features keyaki approximates, and the request found did not replay through the concrete evaluator".to_string()
    }
}

/// What solving a question gave.
pub(crate) enum Solved {
    /// No request satisfies it.
    Unsat,
    /// The solver gave up.
    Unknown(String),
    /// A request from the model (not replayed yet).
    Witness(Request),
}

/// Solves `question`, preferring real-looking values, and turns a model into a request.
pub(crate) fn solve(
    encoder: &mut Encoder<'_>,
    question: Formula,
    subject: &ParsedPolicy,
    config: CheckConfig,
) -> Solved {
    let mut resources = known_resources(subject);
    resources.extend(EXAMPLE_RESOURCES.iter().map(|r| (*r).to_string()));
    let principals: Vec<String> = EXAMPLE_PRINCIPALS
        .iter()
        .map(|p| (*p).to_string())
        .collect();
    let preferences = [
        (encoder.principal, principals),
        (encoder.action, known_actions(subject)),
        (encoder.resource, resources),
    ];
    let solve_once = |cx: &Context, question: Formula| {
        let mut smt = Smt::new(cx, question, config.smt);
        for (var, names) in &preferences {
            smt.prefer(*var, names.clone());
        }
        smt.check()
    };
    let mut model = match solve_once(encoder.cx, question) {
        SmtResult::Unsat => return Solved::Unsat,
        SmtResult::Unknown(reason) => return Solved::Unknown(reason),
        SmtResult::Sat(model) => model,
    };
    // The search prefers real-looking values but may settle elsewhere; for each request
    // variable, pin one of the first preferred values when the question still has a solution.
    let mut question = question;
    for (var, names) in &preferences {
        let chosen = match model.values.get(var) {
            Some(keyaki_logic::Value::Str(text)) => text.clone(),
            _ => continue,
        };
        if names.contains(&chosen) {
            continue;
        }
        for name in names.iter().take(PINNING_ATTEMPTS) {
            let pinned = encoder.cx.atom_formula(Atom::StrIn {
                var: *var,
                pattern: Pattern::literal(name),
                ignore_case: false,
            });
            let narrower = encoder.cx.and([question, pinned]);
            if let SmtResult::Sat(better) = solve_once(encoder.cx, narrower) {
                question = narrower;
                model = better;
                break;
            }
        }
    }
    let with_principal = subject.policy_type == PolicyType::Resource;
    let mut request = request_of(encoder, &model, with_principal);
    let holds = |var| {
        encoder
            .cx
            .find_atom(&Atom::BoolTrue { var })
            .is_some_and(|id| model.atom(id))
    };
    bind_variables(encoder, holds, &mut request);
    Solved::Witness(request)
}

/// How many preferred values [`solve`] tries to pin for each request variable.
const PINNING_ATTEMPTS: usize = 3;

/// Solves the question; on SAT builds and replays the counterexample and finds the reasons.
fn decide(
    encoder: &mut Encoder<'_>,
    question: Formula,
    subject: &ParsedPolicy,
    config: CheckConfig,
    replays: &dyn Fn(&Request) -> bool,
    reason_question: impl Fn(&mut Encoder<'_>, usize, Option<&str>, Formula) -> (Formula, String),
    candidates: Vec<(usize, Option<String>, Formula)>,
) -> Outcome {
    let approximations = encoder.approximations.clone();
    let verdict = match solve(encoder, question, subject, config) {
        Solved::Unsat => Verdict::Pass,
        Solved::Unknown(reason) => Verdict::Unknown(reason),
        Solved::Witness(counterexample) => {
            if !replays(&counterexample) {
                Verdict::Unknown(not_replayed(&approximations))
            } else {
                let mut reasons = Vec::new();
                for (index, sid, statement) in candidates {
                    let (alone, description) =
                        reason_question(encoder, index, sid.as_deref(), statement);
                    if matches!(
                        keyaki_solver::check(encoder.cx, alone, config.smt),
                        SmtResult::Sat(_)
                    ) {
                        reasons.push(Reason {
                            description,
                            statement_index: index,
                            statement_id: sid,
                        });
                    }
                }
                Verdict::Fail {
                    reasons,
                    counterexample,
                }
            }
        }
    };
    Outcome {
        verdict,
        approximations: encoder.approximations.clone(),
    }
}
