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

mod questions;

pub use questions::{
    CanOutcome, ClassReach, Reach, can, class_can, decide_known, gains, reach_word,
};

use crate::encode::{EncodedPolicy, Encoder, Meaning, principal_value};
use keyaki_logic::{Atom, Context, Formula, Pattern};
use keyaki_policy::caller::AwsForm;
use keyaki_policy::{
    CallerFacts, Effect, Layer, Policy, PolicyType, Principal, Request, RequestPrincipal, Scenario,
    exemption,
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

/// The scenario as callers of `class` meet it: callers outside the account's IAM have none of
/// its identity-side policies; principals of other accounts have an identity policy and a
/// session policy that allow everything (their own administrator may grant them), and no
/// boundary.
pub fn for_class(scenario: &Scenario, class: &CallerClass) -> Scenario {
    let mut scenario = scenario.clone();
    if *class == CallerClass::Fixed {
        return scenario;
    }
    let outside_admin = matches!(class, CallerClass::OutsideAws(_));
    scenario.identity_policies = match outside_admin {
        true => allow_everything().into_iter().collect(),
        false => Vec::new(),
    };
    scenario.permissions_boundaries = Vec::new();
    // A federated user session needs a session policy that allows; the outside account's
    // administrator may pass one as wide as it likes.
    scenario.session_policy = allow_everything().filter(|_| outside_admin);
    scenario.service_control_policies = Vec::new();
    scenario
}

/// Whether a witness's caller is of the class (the replay's own check of the class formula).
pub(crate) fn fits_class(request: &Request, class: &CallerClass) -> bool {
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
