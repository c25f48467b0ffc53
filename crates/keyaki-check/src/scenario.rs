//! Every policy that decides a request, as one formula: the symbolic twin of
//! `keyaki_policy::eval::scenario`.
//!
//! The concrete evaluator decides one request of a [`Scenario`]: each policy through
//! `evaluate`, the decisions combined by the IAM User Guide's rules (explicit deny wins,
//! guardrails must allow, the same-account union limited by boundary and session policy except
//! direct grants, both sides across accounts). Here the same combination is written over the
//! policies' formulas, so that a question about *every* request (every context, or every
//! caller of a class) is decided by the solver:
//!
//! ```text
//! deny(L)    = ∨ denies(p)                         for the policies p of layer L
//! allow(L)   = ¬deny(L) ∧ ∧ₗₑᵥₑₗ ∨ₚ allows(p)       every level has a policy that allows
//! allowed    = ¬∨ deny(L) ∧ ∧ allow(G) ∧ grant      L over applying layers, G over guardrails
//! grant      = allow(Resource)                                        no IAM identity
//!            | direct ∨ ((identity ∨ allow(Resource)) ∧ limits)         same account
//!            | identity ∧ limits ∧ allow(Resource)                    across accounts
//! ```
//!
//! where `identity` is `allow(Identity)` (⊤ for the root user), `limits` is
//! `allow(PermissionsBoundary) ∧ allow(Session)` for the layers present (a federated user
//! session without a session policy: ⊥), and `direct` is the resource policy allowing through
//! an `Allow` statement that names the caller's own ARN. Which layers apply, whether the
//! request crosses accounts and what the caller is are *facts of the caller and the owner*
//! ([`CallerFacts`], [`exemption`]), read from the same table the evaluator reads: they are
//! constants here, so the formula is exact for one caller (or one class of callers, see
//! [`CallerClass`]) and one owner.
//!
//! **Soundness.** The policies' formulas are the single-policy encoding (exact, or
//! over-approximating with opaque atoms that the replay decides), and the combination mirrors
//! the evaluator's rule by rule; `tests/scenario.rs` checks the two agree on random scenarios
//! and requests. Every witness is replayed through `evaluate_scenario` before it is reported.

use crate::check::{CheckConfig, domain};
use crate::encode::{EncodedPolicy, Encoder, Meaning, principal_value};
use crate::vocabulary::Vocabulary;
use crate::witness::{Preferences, Solved, solve, with_example_accounts};
use keyaki_logic::{Atom, Context, Formula, Node, Pattern};
use keyaki_policy::caller::{AwsForm, Derived, derived};
use keyaki_policy::{
    CallerFacts, Decision, Effect, Layer, Policy, PolicyType, Principal, Request, RequestPrincipal,
    Scenario, evaluate_scenario, exemption, owner_candidates,
};

/// Who makes the requests a scenario formula is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerClass {
    /// Exactly the scenario request's principal.
    Fixed,
    /// Any principal (root, user, role session, federated user) of an account other than the
    /// listed ones, whose own identity policies are assumed to allow: an outside account's
    /// administrator can grant its principals anything. Its SCPs are not known and not applied.
    OutsideAws(Vec<String>),
    /// Any AWS service principal.
    Service,
    /// The anonymous caller.
    Anonymous,
    /// Any web-identity or SAML caller (`Federated`).
    Federated,
}

impl CallerClass {
    /// The class's name, for people.
    pub fn describe(&self) -> String {
        match self {
            CallerClass::Fixed => "the caller".to_string(),
            CallerClass::OutsideAws(_) => "principals of other AWS accounts".to_string(),
            CallerClass::Service => "AWS service principals".to_string(),
            CallerClass::Anonymous => "anonymous callers".to_string(),
            CallerClass::Federated => "web-identity and SAML callers".to_string(),
        }
    }

    /// The facts the combination reads, for a class of callers (a fixed caller's come from the
    /// request).
    fn facts(&self, request: &Request) -> CallerFacts {
        match self {
            CallerClass::Fixed => CallerFacts::of(request),
            CallerClass::OutsideAws(_) => CallerFacts {
                // No account of the scenario: the request always crosses accounts.
                account: Some(OUTSIDE_ACCOUNT.to_string()),
                has_identity: true,
                ..CallerFacts::default()
            },
            CallerClass::Service => CallerFacts {
                is_service: true,
                ..CallerFacts::default()
            },
            CallerClass::Anonymous | CallerClass::Federated => CallerFacts::default(),
        }
    }
}

/// The account that stands for "an account the scenario does not name" in [`CallerFacts`].
const OUTSIDE_ACCOUNT: &str = "outside";

/// A scenario's layers as formulas.
struct Layers {
    /// Per layer present: its policies' formulas by level, and whether it applies.
    layers: Vec<(Layer, Vec<Vec<EncodedPolicy>>, bool)>,
}

impl Layers {
    fn encode(
        encoder: &mut Encoder<'_>,
        scenario: &Scenario,
        caller: &CallerFacts,
        owner: Option<&str>,
    ) -> Layers {
        let layers = Layer::ALL
            .into_iter()
            .filter_map(|layer| {
                let levels = layer.levels(scenario);
                if levels.is_empty() {
                    return None;
                }
                let encoded = levels
                    .iter()
                    .map(|level| {
                        level
                            .iter()
                            .map(|policy| encoder.policy(policy, layer.policy_type()))
                            .collect()
                    })
                    .collect();
                let applies = exemption(layer, scenario, caller, owner).is_none();
                Some((layer, encoded, applies))
            })
            .collect();
        Layers { layers }
    }

    fn find(&self, layer: Layer) -> Option<&Vec<Vec<EncodedPolicy>>> {
        self.layers
            .iter()
            .find(|(l, _, applies)| *l == layer && *applies)
            .map(|(_, levels, _)| levels)
    }

    /// `deny(L)`, over the layers that apply.
    fn any_deny(&self, cx: &mut Context) -> Formula {
        let denies: Vec<Formula> = self
            .layers
            .iter()
            .filter(|(_, _, applies)| *applies)
            .flat_map(|(_, levels, _)| levels.iter().flatten().map(|p| p.denies))
            .collect();
        cx.or(denies)
    }

    /// `allow(L)` when the layer is present and applies; `None` otherwise.
    fn allows(&self, cx: &mut Context, layer: Layer) -> Option<Formula> {
        let levels = self.find(layer)?;
        let denies: Vec<Formula> = levels.iter().flatten().map(|p| p.denies).collect();
        let any_deny = cx.or(denies);
        let mut parts = vec![cx.not(any_deny)];
        for level in levels {
            let allows: Vec<Formula> = level.iter().map(|p| p.allows).collect();
            parts.push(cx.or(allows));
        }
        Some(cx.and(parts))
    }
}

/// True exactly for the requests of `class` that the scenario's policies allow, the resource
/// owned by `owner` (`None`: an account the scenario does not name). The request's action,
/// resource and context are free; so is its principal, within the class.
pub fn allowed(
    encoder: &mut Encoder<'_>,
    scenario: &Scenario,
    class: &CallerClass,
    owner: Option<&str>,
) -> Formula {
    let caller = class.facts(&scenario.request);
    let layers = Layers::encode(encoder, scenario, &caller, owner);
    let any_deny = layers.any_deny(encoder.cx);
    let mut parts = vec![encoder.cx.not(any_deny)];
    for guard in [
        Layer::ResourceControl,
        Layer::ServiceControl,
        Layer::VpcEndpoint,
    ] {
        if let Some(allow) = layers.allows(encoder.cx, guard) {
            parts.push(allow);
        }
    }
    let grant = grant(encoder, scenario, &layers, &caller, owner);
    parts.push(grant);
    encoder.cx.and(parts)
}

/// Rule 3 of the evaluator: who grants, given the caller and the owner.
fn grant(
    encoder: &mut Encoder<'_>,
    scenario: &Scenario,
    layers: &Layers,
    caller: &CallerFacts,
    owner: Option<&str>,
) -> Formula {
    let fls = encoder.cx.fls();
    let resource = layers.allows(encoder.cx, Layer::Resource).unwrap_or(fls);
    if !caller.has_identity {
        return resource;
    }
    let identity = if caller.is_root() {
        encoder.cx.tru()
    } else {
        layers.allows(encoder.cx, Layer::Identity).unwrap_or(fls)
    };
    let limits = limits(encoder.cx, layers, caller);
    if caller.cross_account(owner) == Some(false) {
        let direct = direct_grant(encoder, scenario, caller);
        let direct = encoder.cx.and([resource, direct]);
        let either = encoder.cx.or([identity, resource]);
        let limited = encoder.cx.and([either, limits]);
        return encoder.cx.or([direct, limited]);
    }
    encoder.cx.and([identity, limits, resource])
}

/// The permissions boundary and the session policy, which limit every grant but a direct one.
fn limits(cx: &mut Context, layers: &Layers, caller: &CallerFacts) -> Formula {
    let boundary = layers
        .allows(cx, Layer::PermissionsBoundary)
        .unwrap_or(cx.tru());
    let session = match layers.allows(cx, Layer::Session) {
        Some(allow) => allow,
        None if caller.form == Some(AwsForm::FederatedUser) => cx.fls(),
        None => cx.tru(),
    };
    cx.and([boundary, session])
}

/// Some `Allow` statement of the resource policy that names the caller's own ARN matches.
fn direct_grant(encoder: &mut Encoder<'_>, scenario: &Scenario, caller: &CallerFacts) -> Formula {
    let (Some(policy), Some(arn)) = (&scenario.resource_policy, &caller.direct_arn) else {
        return encoder.cx.fls();
    };
    let naming: Vec<Formula> = policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .filter(|s| {
            s.principal.as_ref().is_some_and(|element| {
                !element.negated
                    && element
                        .principals
                        .iter()
                        .any(|p| matches!(&p.value, Principal::Aws(named) if named == arn))
            })
        })
        .map(|s| encoder.statement(s, PolicyType::Resource))
        .collect();
    encoder.cx.or(naming)
}

/// Every policy of a scenario, for the vocabulary.
pub fn policies(scenario: &Scenario) -> Vec<&Policy> {
    Layer::ALL
        .into_iter()
        .flat_map(|layer| layer.levels(scenario).into_iter().flatten())
        .collect()
}

/// The scenario's request pinned: its principal (for [`CallerClass::Fixed`]), action and
/// resource are these values, and the opaque atoms that only the principal decides (role
/// session names) are decided.
pub fn pinned(encoder: &mut Encoder<'_>, request: &Request, class: &CallerClass) -> Formula {
    let mut parts = vec![
        literal(encoder, encoder.action, &request.action, true),
        literal(encoder, encoder.resource, &request.resource, false),
    ];
    match class {
        CallerClass::Fixed => {
            parts.push(literal(
                encoder,
                encoder.principal,
                &principal_value(request),
                false,
            ));
            for (var, meaning) in encoder.opaque.clone() {
                if let Meaning::Session(_) = meaning {
                    let atom = encoder.cx.atom_formula(Atom::BoolTrue { var });
                    let holds = meaning.holds_for(request);
                    parts.push(if holds { atom } else { encoder.cx.not(atom) });
                }
            }
        }
        CallerClass::OutsideAws(accounts) => {
            parts.push(encoder.aws_identity());
            for account in accounts {
                let inside = encoder.account_principal(account);
                parts.push(encoder.cx.not(inside));
            }
        }
        CallerClass::Service => parts.push(encoder.tagged_prefix("Service:", "")),
        CallerClass::Anonymous => parts.push(encoder.anonymous()),
        CallerClass::Federated => parts.push(encoder.tagged_prefix("Federated:", "")),
    }
    encoder.cx.and(parts)
}

fn literal(
    encoder: &mut Encoder<'_>,
    var: keyaki_logic::Var,
    text: &str,
    ignore_case: bool,
) -> Formula {
    encoder.cx.atom_formula(Atom::StrIn {
        var,
        pattern: Pattern::literal(text),
        ignore_case,
    })
}

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
                    _ => Found::Unknown(
                        "a witness did not replay through the concrete evaluator".to_string(),
                    ),
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

/// The `allowed` formula with everything the pinned request decides written in: atoms on the
/// action, the resource and the principal, opaque session atoms, and keys the caller decides.
fn condition_text(encoder: &mut Encoder<'_>, allowed: Formula, request: &Request) -> String {
    let decided = decide_known(encoder, allowed, request);
    // Contextual rewriting revisits shared subformulas: only for conditions people can read.
    let simplified = if reachable_nodes(encoder.cx, decided, READABLE_NODES) < READABLE_NODES {
        simplify_in_context(encoder.cx, decided, &Facts::new())
    } else {
        decided
    };
    encoder.cx.show(simplified)
}

/// Rebuilds `f` with each atom the pinned request decides replaced by its truth.
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
    let mut memo = std::collections::HashMap::new();
    rebuild(encoder.cx, f, &truth, &mut memo)
}

fn rebuild(
    cx: &mut Context,
    f: Formula,
    truth: &impl Fn(&Atom) -> Option<bool>,
    memo: &mut std::collections::HashMap<Formula, Formula>,
) -> Formula {
    if let Some(done) = memo.get(&f) {
        return *done;
    }
    let result = match cx.node(f).clone() {
        Node::True | Node::False => f,
        Node::Atom(id) => match cx.atom(id).and_then(truth) {
            Some(value) => cx.constant(value),
            None => f,
        },
        Node::Not(inner) => {
            let inner = rebuild(cx, inner, truth, memo);
            cx.not(inner)
        }
        Node::And(operands) => {
            let operands: Vec<Formula> = operands
                .into_iter()
                .map(|o| rebuild(cx, o, truth, memo))
                .collect();
            cx.and(operands)
        }
        Node::Or(operands) => {
            let operands: Vec<Formula> = operands
                .into_iter()
                .map(|o| rebuild(cx, o, truth, memo))
                .collect();
            cx.or(operands)
        }
    };
    memo.insert(f, result);
    result
}

/// Above this many nodes a condition is printed as it is, without contextual rewriting.
const READABLE_NODES: usize = 400;

/// How many distinct nodes `f` reaches, counting up to `limit`.
fn reachable_nodes(cx: &Context, f: Formula, limit: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![f];
    while let Some(next) = stack.pop() {
        if seen.len() >= limit {
            break;
        }
        if !seen.insert(next) {
            continue;
        }
        match cx.node(next) {
            Node::Not(inner) => stack.push(*inner),
            Node::And(operands) | Node::Or(operands) => stack.extend(operands.iter().copied()),
            _ => {}
        }
    }
    seen.len()
}

/// What is known true or false at a point of a formula, for [`simplify_in_context`].
type Facts = std::collections::HashMap<Formula, bool>;

/// Records that `f` has `value`, and what follows at once: the operands of a true `∧` are
/// true, those of a false `∨` false, and `¬x` has the opposite value of `x`.
fn assume(cx: &Context, facts: &mut Facts, f: Formula, value: bool) {
    if facts.insert(f, value).is_some() {
        return;
    }
    match cx.node(f).clone() {
        Node::Not(inner) => assume(cx, facts, inner, !value),
        Node::And(operands) if value => {
            for operand in operands {
                assume(cx, facts, operand, true);
            }
        }
        Node::Or(operands) if !value => {
            for operand in operands {
                assume(cx, facts, operand, false);
            }
        }
        _ => {}
    }
}

/// `f` simplified by contextual rewriting, for people to read: within `a ∧ b`, `b` is
/// rewritten knowing `a` is true (`a ∧ b ≡ a ∧ b[a := ⊤]`), within `a ∨ b` knowing `a` is false;
/// one sweep forward over the operands, then one backward. Each step is an equivalence, so
/// the result means what `f` means.
pub fn simplify_in_context(cx: &mut Context, f: Formula, facts: &Facts) -> Formula {
    if let Some(value) = facts.get(&f) {
        return cx.constant(*value);
    }
    match cx.node(f).clone() {
        Node::Not(inner) => {
            let inner = simplify_in_context(cx, inner, facts);
            cx.not(inner)
        }
        Node::And(operands) => {
            let operands = sweep(cx, operands, facts, true);
            cx.and(operands)
        }
        Node::Or(operands) => {
            let operands = sweep(cx, operands, facts, false);
            cx.or(operands)
        }
        _ => f,
    }
}

/// The operands of an `∧` (`value` true) or `∨` (false), each simplified assuming the others
/// have `value`, forward then backward.
fn sweep(cx: &mut Context, operands: Vec<Formula>, facts: &Facts, value: bool) -> Vec<Formula> {
    let mut operands = operands;
    for backward in [false, true] {
        if backward {
            operands.reverse();
        }
        let mut known = facts.clone();
        let mut done = Vec::with_capacity(operands.len());
        for operand in &operands {
            let simplified = simplify_in_context(cx, *operand, &known);
            assume(cx, &mut known, simplified, value);
            done.push(simplified);
        }
        operands = done;
    }
    operands
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
    let preferences = Preferences::none(&encoder);
    match solve(&mut encoder, question, &preferences, config) {
        Solved::Unsat => ClassReach::Nobody,
        Solved::Unknown(why) => ClassReach::Unknown(why),
        Solved::Witness(request) => {
            let replayed = owned_by(scenario, owner.as_deref());
            let confirms = |r: &Request| replay(&replayed, r) == Some(true) && fits_class(r, class);
            if confirms(&request) {
                ClassReach::Some(with_example_accounts(request, confirms))
            } else {
                ClassReach::Unknown(
                    "a witness did not replay through the concrete evaluator".to_string(),
                )
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
    let preferences = Preferences::none(&encoder);
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
                ClassReach::Unknown(
                    "a witness did not replay through the concrete evaluator".to_string(),
                )
            }
        }
    }
}

/// The scenario as callers of `class` meet it: callers outside the account's IAM have none of
/// its identity-side policies; principals of other accounts have one that allows everything
/// (their own administrator may grant it), and no boundary or session policy.
pub fn for_class(scenario: &Scenario, class: &CallerClass) -> Scenario {
    let mut scenario = scenario.clone();
    if *class == CallerClass::Fixed {
        return scenario;
    }
    scenario.identity_policies = match class {
        CallerClass::OutsideAws(_) => allow_everything().into_iter().collect(),
        _ => Vec::new(),
    };
    scenario.permissions_boundaries = Vec::new();
    scenario.session_policy = None;
    scenario.service_control_policies = Vec::new();
    scenario
}

/// Whether a witness's caller is of the class (the replay's own check of the class formula).
fn fits_class(request: &Request, class: &CallerClass) -> bool {
    match (class, &request.principal) {
        (CallerClass::OutsideAws(accounts), Some(principal @ RequestPrincipal::Aws(_))) => {
            principal
                .account()
                .is_some_and(|account| !accounts.iter().any(|a| a == account))
        }
        (CallerClass::Service, Some(RequestPrincipal::Service(_)))
        | (CallerClass::Anonymous, Some(RequestPrincipal::Anonymous))
        | (CallerClass::Federated, Some(RequestPrincipal::Federated(_))) => true,
        _ => false,
    }
}

/// `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`: what an outside
/// account's administrator may grant its own principals.
fn allow_everything() -> Option<Policy> {
    let text = br#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let source = keyaki_policy::SourceFile::new("outside account", text.to_vec());
    keyaki_policy::parse_policy(
        &source,
        keyaki_policy::ParseOptions {
            policy_type: Some(PolicyType::Identity),
            ..keyaki_policy::ParseOptions::default()
        },
    )
    .ok()
    .map(|parsed| parsed.policy)
}
