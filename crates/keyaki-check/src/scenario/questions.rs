//! The questions asked of a scenario's formula: may its caller make its request in every
//! context, some, or none ([`can`]); may some caller of a class ([`class_can`]); does a new
//! version allow what the old did not ([`gains`]). Each answer that says a request is allowed
//! or denied carries one, replayed through `evaluate_scenario` with the scenario's policies.

use super::{CallerClass, allowed, fits_class, for_class, pinned, policies};
use crate::check::{CheckConfig, domain};
use crate::encode::{Encoder, Meaning, principal_value};
use crate::vocabulary::Vocabulary;
use crate::witness::{Preferences, Solved, solve, with_example_accounts};
use keyaki_logic::{Atom, Context, Formula};
use keyaki_policy::caller::{Derived, derived};
use keyaki_policy::{
    CallerFacts, Decision, PolicyType, Request, Scenario, evaluate_scenario, owner_candidates,
};

/// The answer to "can this caller make this request?", for every context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Allowed whatever the context: proved.
    Always {
        /// A request allowed, replayed.
        example: Request,
    },
    /// Allowed for some contexts and denied for others, both replayed.
    Sometimes {
        /// The condition on the context under which the request is allowed, in the formula
        /// notation (the principal, action and resource written in).
        condition: String,
        /// A request allowed.
        allowed: Request,
        /// A request denied.
        denied: Request,
    },
    /// Denied whatever the context: proved.
    Never {
        /// A request denied, replayed (its decision shows which policy denies).
        example: Request,
    },
    /// No sound answer; what was learned is in the sentence.
    Unknown(String),
}

/// A [`Reach`] for one owner of the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanOutcome {
    /// The answer.
    pub reach: Reach,
    /// The resource's owner it is about (`None`: the answer is the same for every owner).
    pub owner: Option<String>,
    /// What the encoding approximated (empty when exact).
    pub approximations: Vec<String>,
}

/// Decides whether the scenario's principal may make its request (action and resource as
/// given), for every context: the context the scenario gives is ignored. When the owner of
/// the resource is unknown, each owner that could matter is asked, and the answer is given
/// only when they agree.
pub fn can(scenario: &Scenario, config: CheckConfig) -> CanOutcome {
    let config = config.started();
    let caller = CallerFacts::of(&scenario.request);
    let owners = owner_candidates(scenario, &caller);
    let known = owners.len() == 1;
    let mut outcomes: Vec<CanOutcome> = owners
        .iter()
        .map(|owner| can_with_owner(scenario, owner.as_deref(), config))
        .collect();
    let same = outcomes
        .iter()
        .zip(outcomes.iter().skip(1))
        .all(|(a, b)| same_kind(&a.reach, &b.reach));
    if same && let Some(mut first) = outcomes.drain(..1).next() {
        if !known {
            first.owner = None;
        }
        return first;
    }
    if let Some(unknown) = outcomes
        .iter()
        .find(|o| matches!(o.reach, Reach::Unknown(_)))
    {
        return unknown.clone();
    }
    let answers: Vec<String> = owners
        .iter()
        .zip(&outcomes)
        .map(|(owner, outcome)| {
            format!(
                "{}: {}",
                owner.as_deref().unwrap_or("another account"),
                reach_word(&outcome.reach)
            )
        })
        .collect();
    CanOutcome {
        reach: Reach::Unknown(format!(
            "the answer depends on who owns the resource ({}); name the owner",
            answers.join(", ")
        )),
        owner: None,
        approximations: Vec::new(),
    }
}

fn same_kind(a: &Reach, b: &Reach) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && !matches!(a, Reach::Unknown(_))
}

/// One word for a reach.
pub fn reach_word(reach: &Reach) -> &'static str {
    match reach {
        Reach::Always { .. } => "always",
        Reach::Sometimes { .. } => "sometimes",
        Reach::Never { .. } => "never",
        Reach::Unknown(_) => "unknown",
    }
}

/// The scenario with the owner written in, for replays: `None` stands for an account no
/// policy names.
fn owned_by(scenario: &Scenario, owner: Option<&str>) -> Scenario {
    let mut owned = scenario.clone();
    if keyaki_policy::scenario::arn_account(&scenario.request.resource).is_none() {
        owned.resource_owner = Some(owner.unwrap_or(UNNAMED_OWNER).to_string());
    }
    owned
}

/// An account id no example uses, for "another account".
const UNNAMED_OWNER: &str = "000000000000";

fn can_with_owner(scenario: &Scenario, owner: Option<&str>, config: CheckConfig) -> CanOutcome {
    let policies = policies(scenario);
    let vocabulary = Vocabulary::of(&policies);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let class = CallerClass::Fixed;
    let allowed = allowed(&mut encoder, scenario, &class, owner);
    let pinned = pinned(&mut encoder, &scenario.request, &class);
    let domain = domain(&mut encoder, PolicyType::Resource, allowed);
    let denied = encoder.cx.not(allowed);
    let replayed = owned_by(scenario, owner);
    let preferences = Preferences::none(&encoder);
    let witness = |encoder: &mut Encoder<'_>, goal: Formula, wanted: bool| {
        let question = encoder.cx.and([goal, pinned, domain]);
        match solve(encoder, question, &preferences, config) {
            Solved::Unsat => Found::None,
            Solved::Unknown(why) => Found::Unknown(why),
            Solved::Witness(request) => {
                let request = as_the_caller(request, &scenario.request);
                match replay(&replayed, &request) {
                    Some(allowed) if allowed == wanted => Found::Replayed(request),
                    _ => Found::Unknown(not_replayed(&request)),
                }
            }
        }
    };
    let yes = witness(&mut encoder, allowed, true);
    let no = witness(&mut encoder, denied, false);
    let reach = match (yes, no) {
        (Found::Replayed(example), Found::None) => Reach::Always { example },
        (Found::None, Found::Replayed(example)) => Reach::Never { example },
        (Found::Replayed(allowed_request), Found::Replayed(denied_request)) => {
            let condition = condition_text(&mut encoder, allowed, &scenario.request);
            Reach::Sometimes {
                condition,
                allowed: allowed_request,
                denied: denied_request,
            }
        }
        (Found::None, Found::None) => Reach::Unknown(
            "neither allowed nor denied: the request is outside what keyaki models".to_string(),
        ),
        (yes, no) => Reach::Unknown(unknown_reason(&yes, &no)),
    };
    CanOutcome {
        reach,
        owner: owner.map(str::to_string),
        approximations: encoder.approximations.clone(),
    }
}

/// What a search for a witness gave.
enum Found {
    None,
    Replayed(Request),
    Unknown(String),
}

fn unknown_reason(yes: &Found, no: &Found) -> String {
    let part = |found: &Found, what: &str| match found {
        Found::None => format!("never {what} (proved)"),
        Found::Replayed(_) => format!("{what} for some contexts (replayed)"),
        Found::Unknown(why) => format!("whether it is ever {what} is unknown: {why}"),
    };
    format!("{}; {}", part(yes, "allowed"), part(no, "denied"))
}

/// A witness written with the scenario's own caller: the solver names the caller by its
/// identity ARN, and the context keys IAM derives from the caller are left to the derivation.
fn as_the_caller(mut request: Request, original: &Request) -> Request {
    request.principal = original.principal.clone();
    // A role's path is not in its session's ARN: the scenario gives it in aws:PrincipalArn.
    if let Some(given) = original
        .context()
        .find(|v| v.key.eq_ignore_ascii_case("aws:PrincipalArn"))
    {
        request.set_context("aws:PrincipalArn", given.values.clone(), false);
    }
    let derived_keys: Vec<String> = request
        .context()
        .map(|v| v.key.clone())
        .filter(|key| !key.eq_ignore_ascii_case("aws:PrincipalArn"))
        .filter(|key| {
            matches!(
                derived(&request, key),
                Some(Derived::Value(_) | Derived::Absent)
            )
        })
        .collect();
    for key in derived_keys {
        request.remove_context(&key);
    }
    request
}

/// Whether the scenario allows `request` (its own request replaced), by the evaluator.
fn replay(scenario: &Scenario, request: &Request) -> Option<bool> {
    let mut replayed = scenario.clone();
    replayed.request = request.clone();
    evaluate_scenario(&replayed)
        .ok()
        .map(|outcome| outcome.decision == Decision::Allow)
}

/// The `allowed` formula with everything the pinned request decides written in, then
/// simplified for reading.
fn condition_text(encoder: &mut Encoder<'_>, allowed: Formula, request: &Request) -> String {
    let decided = decide_known(encoder, allowed, request);
    let simplified = encoder.cx.simplified_in_context(decided);
    encoder.cx.show(simplified)
}

/// `f` with each atom the pinned request decides replaced by its truth: atoms on the action,
/// the resource and the principal, opaque session atoms, and keys the caller decides.
pub fn decide_known(encoder: &mut Encoder<'_>, f: Formula, request: &Request) -> Formula {
    let principal = principal_value(request);
    let fixed = [
        (encoder.action, request.action.clone()),
        (encoder.resource, request.resource.clone()),
        (encoder.principal, principal),
    ];
    let sessions: Vec<(keyaki_logic::Var, bool)> = encoder
        .opaque
        .iter()
        .filter(|(_, m)| matches!(m, Meaning::Session(_)))
        .map(|(var, m)| (*var, m.holds_for(request)))
        .collect();
    let caller_keys: Vec<(keyaki_logic::Var, Option<String>)> = encoder
        .key_vars()
        .into_iter()
        .filter_map(|key| match derived(request, &key.name)? {
            Derived::Value(value) => Some((key.value, Some(value))),
            Derived::Absent => Some((key.value, None)),
            Derived::Free => None,
        })
        .collect();
    let truth = |atom: &Atom| -> Option<bool> {
        match atom {
            Atom::StrIn {
                var,
                pattern,
                ignore_case,
            } => fixed
                .iter()
                .find(|(v, _)| v == var)
                .map(|(_, text)| pattern.matches(text, *ignore_case))
                .or_else(|| {
                    caller_keys
                        .iter()
                        .find(|(v, _)| v == var)
                        .and_then(|(_, value)| {
                            value
                                .as_ref()
                                .map(|text| pattern.matches(text, *ignore_case))
                        })
                }),
            Atom::Present { var } => caller_keys
                .iter()
                .find(|(v, _)| v == var)
                .map(|(_, value)| value.is_some()),
            Atom::BoolTrue { var } => sessions.iter().find(|(v, _)| v == var).map(|(_, b)| *b),
            _ => None,
        }
    };
    encoder.cx.with_atoms_decided(f, &truth)
}

/// One caller of a class that may make a request, replayed; or why that is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassReach {
    /// No caller of the class may: proved.
    Nobody,
    /// This request, from a caller of the class, is allowed (replayed).
    Some(Request),
    /// No sound answer.
    Unknown(String),
}

/// Whether some caller of `class` may make the scenario's request (action and resource as
/// given, every context), the scenario holding the policies on the resource's side
/// (resource policy, RCPs, VPC endpoint policies) and, for callers inside the organization,
/// SCPs. Outside AWS callers are replayed with an identity policy that allows everything
/// (their own account's policies are not known).
pub fn class_can(scenario: &Scenario, class: &CallerClass, config: CheckConfig) -> ClassReach {
    let config = config.started();
    let owner = keyaki_policy::scenario::arn_account(&scenario.request.resource)
        .map(str::to_string)
        .or_else(|| scenario.resource_owner.clone());
    let scenario = &for_class(scenario, class);
    let policies = policies(scenario);
    let vocabulary = Vocabulary::of(&policies);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let allowed = allowed(&mut encoder, scenario, class, owner.as_deref());
    let pinned = pinned(&mut encoder, &scenario.request, class);
    let domain = domain(&mut encoder, PolicyType::Resource, allowed);
    let question = encoder.cx.and([allowed, pinned, domain]);
    let preferences = Preferences::example_callers(&encoder);
    match solve(&mut encoder, question, &preferences, config) {
        Solved::Unsat => ClassReach::Nobody,
        Solved::Unknown(why) => ClassReach::Unknown(why),
        Solved::Witness(request) => {
            let replayed = owned_by(scenario, owner.as_deref());
            let confirms = |r: &Request| replay(&replayed, r) == Some(true) && fits_class(r, class);
            if confirms(&request) {
                ClassReach::Some(with_example_accounts(request, confirms))
            } else {
                ClassReach::Unknown(not_replayed(&request))
            }
        }
    }
}

/// Whether some request of the scenario's action on its resource, in some context, by its
/// caller (or a caller of `class`), is allowed by `new` and not by `old` (`None`: an account
/// where the caller does not exist, which allows it nothing). The witness is replayed through
/// the evaluator on both sides: allowed by `new`, not by `old`.
pub fn gains(
    new: &Scenario,
    old: Option<&Scenario>,
    class: &CallerClass,
    config: CheckConfig,
) -> ClassReach {
    let config = config.started();
    let owner = keyaki_policy::scenario::arn_account(&new.request.resource)
        .map(str::to_string)
        .or_else(|| new.resource_owner.clone());
    let new = &for_class(new, class);
    let old = old.map(|old| for_class(old, class));
    let mut all = policies(new);
    if let Some(old) = &old {
        all.extend(policies(old));
    }
    let vocabulary = Vocabulary::of(&all);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let allowed_new = allowed(&mut encoder, new, class, owner.as_deref());
    let allowed_old = match &old {
        Some(old) => allowed(&mut encoder, old, class, owner.as_deref()),
        None => encoder.cx.fls(),
    };
    let not_old = encoder.cx.not(allowed_old);
    let gained = encoder.cx.and([allowed_new, not_old]);
    let pinned = pinned(&mut encoder, &new.request, class);
    let domain = domain(&mut encoder, PolicyType::Resource, gained);
    let question = encoder.cx.and([gained, pinned, domain]);
    let preferences = match class {
        CallerClass::Fixed => Preferences::none(&encoder),
        _ => Preferences::example_callers(&encoder),
    };
    match solve(&mut encoder, question, &preferences, config) {
        Solved::Unsat => ClassReach::Nobody,
        Solved::Unknown(why) => ClassReach::Unknown(why),
        Solved::Witness(request) => {
            let request = match class {
                CallerClass::Fixed => as_the_caller(request, &new.request),
                _ => request,
            };
            let replayed_new = owned_by(new, owner.as_deref());
            let replayed_old = old.as_ref().map(|old| owned_by(old, owner.as_deref()));
            let confirms = |r: &Request| {
                replay(&replayed_new, r) == Some(true)
                    && replayed_old
                        .as_ref()
                        .is_none_or(|old| replay(old, r) == Some(false))
                    && (*class == CallerClass::Fixed || fits_class(r, class))
            };
            if confirms(&request) {
                ClassReach::Some(with_example_accounts(request, confirms))
            } else {
                ClassReach::Unknown(not_replayed(&request))
            }
        }
    }
}

/// Why an answer is UNKNOWN when its witness does not replay, with the witness, so that the
/// disagreement can be reproduced (`simulate` on the request).
fn not_replayed(request: &Request) -> String {
    format!(
        "a witness did not replay through the concrete evaluator: {}",
        crate::counterexample::request_json(request)
    )
}
