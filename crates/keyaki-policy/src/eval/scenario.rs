//! Every policy that decides a request: the whole-account evaluation of a [`Scenario`].
//!
//! [`evaluate`](crate::evaluate) decides one policy. AWS decides a request with *all* the
//! policies that apply to it, and this module combines them, each evaluated by that same
//! function with the type its place gives it. The rules below follow the IAM User Guide's
//! "Policy evaluation logic" pages (and the AWS Organizations and AWS PrivateLink guides where
//! the IAM Guide points to them); each is written with the sentence that decides it. Quotes are
//! the Guide's own words; where a rule is paraphrased, no quotation marks are used.
//!
//! **Layers.** A scenario's policies form *layers*, each named after its scenario field. A
//! layer is a list of *levels* and a level a list of policies; a layer allows when no policy in
//! it denies and every level has a policy that allows:
//!
//! | layer | levels | type |
//! |---|---|---|
//! | `serviceControlPolicies`, `resourceControlPolicies` | one per organization level | identity, resource |
//! | `vpcEndpointPolicies`, `permissionsBoundaries` | one per policy: each must allow | resource, identity |
//! | `identityPolicies` | one level with all of them: one allow is enough | identity |
//! | `resourcePolicy`, `sessionPolicy` | the one policy | resource, identity |
//!
//! **1. An explicit deny wins.** "If the code finds even one explicit deny that applies, the
//! code returns a final decision of Deny" (evaluation logic, deny evaluation); "an explicit deny
//! in any of these policies overrides the allow". A deny counts only in a layer that applies
//! to the request (rules 2 and 3).
//!
//! **2. Guardrails must allow.** Each of these layers, when it applies, must allow or the
//! request is denied implicitly:
//!
//! - *RCPs*, on the resource owner's side. "For a permission to be denied for a resource in a
//!   specific account, any RCP from the root through each OU in the direct path to the account
//!   (including the target account itself) can deny that permission" (Organizations, RCP
//!   evaluation); the IAM Guide's flow chart denies implicitly when no RCP has an applicable
//!   `Allow`, and `RCPFullAWSAccess` "allows all principals and actions access to pass through
//!   RCP evaluation". Not applied: "RCPs don't affect resources in the management account"
//!   (Organizations, RCPs); calls by service-linked roles and by AWS service principals, which
//!   the Organizations guide lists among what RCPs do not restrict (paraphrased).
//! - *SCPs*, on the caller's side. Organizations, SCP evaluation: a permission needs an explicit
//!   `Allow` at every level from the root through each OU in the direct path to the account,
//!   the account itself included; the IAM Guide: "If the enforcement code does not find any
//!   applicable Allow statements in the SCPs, then the request is implicitly denied", and "The
//!   SCP maximum applies to principals in member accounts, including each AWS account root
//!   user". Not applied: "SCPs don't affect users or roles in the management account"
//!   (Organizations, SCPs); service-linked roles, which "can't be restricted by SCPs"
//!   (Organizations, tasks and entities not restricted by SCPs; a service-linked role is a
//!   role whose path is `aws-service-role/`, read from the caller's identity ARN); callers without an account (anonymous,
//!   service and web-identity callers), since SCPs restrict principals of member accounts.
//! - *VPC endpoint policies*: an endpoint policy controls "which AWS principals can use the
//!   endpoint to access an AWS service" and "does not override or replace identity-based
//!   policies or resource-based policies" (AWS PrivateLink guide): every endpoint on the path
//!   must allow, and its allow grants nothing by itself.
//!
//! **3. Permission.** The caller's account is the account field of its ARN; the resource owner
//! is the account field of the resource ARN, else `resourceOwner`.
//!
//! - *No identity* (anonymous, service, web-identity and canonical-user callers): only the
//!   resource policy can allow; there is no identity policy to consult.
//! - *The root user* has no identity policies: "all requests are implicitly denied with the
//!   exception of the AWS account root user, which has full access" — its identity side allows.
//! - *Same account*: "If an action is allowed by an identity-based policy, a resource-based
//!   policy, or both, then AWS allows the action." Either allow is then limited by the
//!   boundary and the session policy: "the entity can perform only the actions that are allowed
//!   by both its identity-based policies and its permissions boundaries", and "Resource-based
//!   policies that grant permissions to an IAM role ARN are limited by an implicit deny in a
//!   permissions boundary or session policy." The exceptions are grants that name the caller
//!   *directly*: for a role session's ARN, "Permissions granted directly to a session are not
//!   limited by an implicit deny in an identity-based policy, a permissions boundary, or session
//!   policy"; for an IAM user's ARN, such policies "are not limited by an implicit deny in an
//!   identity-based policy or permissions boundary"; a federated user session's ARN is a
//!   session too, while a grant to "the ARN of the IAM user who federated" is limited. A grant
//!   is direct when an `Allow` statement of the resource policy that matched lists, in
//!   `Principal`, the very ARN the request names (a user, an `assumed-role` session or a
//!   `federated-user` ARN); an account, `"*"` or a role ARN is not direct.
//! - *Session policies*: "If a session policy is present and does not allow the requested
//!   action, then the request is implicitly denied." Without one, "If the principal is a role
//!   session, then the request is Allowed. Otherwise, the request is implicitly denied": a
//!   federated user session needs a session policy.
//! - *Across accounts*: "The request is allowed only if both evaluations return a decision of
//!   Allow" — the caller's side (identity policies, limited by boundary and session policy)
//!   and the resource policy; direct grants are an exception "within the same account" only.
//!
//! **The owner unknown.** When neither the ARN nor `resourceOwner` names the owner, keyaki does
//! not guess: it decides the request for every owner that could change the answer (the
//! caller's account, another account, and the management account when one is named). If all
//! agree, that is the decision, whoever owns the resource; otherwise [`evaluate_scenario`]
//! answers [`OwnerNeeded`], and the CLI asks for `resourceOwner`. No decision ever rests on an
//! assumption about the owner.
//!
//! Left out for now: role trust and KMS key policies, which must allow a principal explicitly
//! even within one account; permissions granted by access control lists.

use crate::caller::{AwsForm, Session, identity_arn};
use crate::eval::{Decision, Evaluation, evaluate};
use crate::model::{Effect, Policy, PolicyType, Principal};
use crate::request::{Request, RequestPrincipal};
use crate::scenario::{Scenario, arn_account};
use std::fmt;

/// The policy layers of a scenario, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Organizations RCPs of the resource owner's account.
    ResourceControl,
    /// Organizations SCPs of the caller's account.
    ServiceControl,
    /// VPC endpoint policies on the request's path.
    VpcEndpoint,
    /// The resource-based policy.
    Resource,
    /// The caller's identity-based policies.
    Identity,
    /// The caller's permissions boundaries.
    PermissionsBoundary,
    /// The session policy.
    Session,
}

impl Layer {
    /// Every layer, in report order.
    pub const ALL: [Layer; 7] = [
        Layer::ResourceControl,
        Layer::ServiceControl,
        Layer::VpcEndpoint,
        Layer::Resource,
        Layer::Identity,
        Layer::PermissionsBoundary,
        Layer::Session,
    ];

    /// The scenario field that holds the layer's policies.
    pub fn field(self) -> &'static str {
        match self {
            Layer::ResourceControl => "resourceControlPolicies",
            Layer::ServiceControl => "serviceControlPolicies",
            Layer::VpcEndpoint => "vpcEndpointPolicies",
            Layer::Resource => "resourcePolicy",
            Layer::Identity => "identityPolicies",
            Layer::PermissionsBoundary => "permissionsBoundaries",
            Layer::Session => "sessionPolicy",
        }
    }

    /// The type its policies are read and evaluated with.
    pub fn policy_type(self) -> PolicyType {
        match self {
            Layer::ResourceControl | Layer::VpcEndpoint | Layer::Resource => PolicyType::Resource,
            _ => PolicyType::Identity,
        }
    }

    /// The layer's levels of policies (see the module docs); empty when none were given.
    pub fn levels(self, scenario: &Scenario) -> Vec<Vec<&Policy>> {
        match self {
            Layer::ResourceControl => by_level(&scenario.resource_control_policies),
            Layer::ServiceControl => by_level(&scenario.service_control_policies),
            Layer::VpcEndpoint => one_each(&scenario.vpc_endpoint_policies),
            Layer::PermissionsBoundary => one_each(&scenario.permissions_boundaries),
            Layer::Identity if scenario.identity_policies.is_empty() => Vec::new(),
            Layer::Identity => vec![scenario.identity_policies.iter().collect()],
            Layer::Resource => scenario.resource_policy.iter().map(|p| vec![p]).collect(),
            Layer::Session => scenario.session_policy.iter().map(|p| vec![p]).collect(),
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

fn one_each(policies: &[Policy]) -> Vec<Vec<&Policy>> {
    policies.iter().map(|p| vec![p]).collect()
}

fn by_level(levels: &[Vec<Policy>]) -> Vec<Vec<&Policy>> {
    levels.iter().map(|level| level.iter().collect()).collect()
}

/// One policy's evaluation, and where it sits in its layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTrace {
    /// Its level in the layer (organization layers: 0 is the root).
    pub level: usize,
    /// Its position in the scenario field (within its level for organization layers).
    pub index: usize,
    /// What it decides alone, and the statements that matched.
    pub evaluation: Evaluation,
}

/// One layer's evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerTrace {
    /// Which layer.
    pub layer: Layer,
    /// `None` when the layer applies; otherwise why it does not (then its policies decide
    /// nothing, their denies included).
    pub exempt: Option<String>,
    /// The layer's decision: a deny in any policy; an allow when every level allows.
    pub decision: Decision,
    /// Each policy's evaluation.
    pub policies: Vec<PolicyTrace>,
}

impl LayerTrace {
    fn applies(&self) -> bool {
        self.exempt.is_none()
    }

    fn allows(&self) -> bool {
        self.applies() && self.decision == Decision::Allow
    }
}

/// The decision for a scenario, and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioOutcome {
    /// The final decision.
    pub decision: Decision,
    /// The layers that decided it: the one that denied, or those whose allows granted it.
    pub decided_by: Vec<Layer>,
    /// The rule that decided, in one sentence.
    pub reason: String,
    /// The caller's account, when the caller has one.
    pub caller_account: Option<String>,
    /// The resource's owner; `None` when unknown (the decision is then the same for every
    /// owner).
    pub resource_owner: Option<String>,
    /// Whether the request crosses accounts; `None` when that is not known or does not apply.
    pub cross_account: Option<bool>,
    /// Every layer that has policies, in report order.
    pub layers: Vec<LayerTrace>,
}

/// The decision depends on who owns the resource, which the scenario does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerNeeded {
    /// One decision per owner tried: the owner (`None`: an account other than the caller's
    /// and the management account) and the decision.
    pub decisions: Vec<(Option<String>, Decision)>,
}

/// Decides a scenario's request with all its policies (the rules are in the module docs).
pub fn evaluate_scenario(scenario: &Scenario) -> Result<ScenarioOutcome, OwnerNeeded> {
    let caller = CallerFacts::of(&scenario.request);
    let owners = owner_candidates(scenario, &caller);
    let known =
        arn_account(&scenario.request.resource).is_some() || scenario.resource_owner.is_some();
    let outcomes: Vec<ScenarioOutcome> = owners
        .iter()
        .map(|owner| decide(scenario, &caller, owner.clone()))
        .collect();
    let first = outcomes.first().map(|o| o.decision);
    if outcomes.iter().all(|o| Some(o.decision) == first) {
        let mut outcome = outcomes.into_iter().next().ok_or(OwnerNeeded {
            decisions: Vec::new(),
        })?;
        if !known {
            outcome.resource_owner = None;
            outcome.cross_account = None;
        }
        return Ok(outcome);
    }
    Err(OwnerNeeded {
        decisions: owners
            .into_iter()
            .zip(outcomes.iter().map(|o| o.decision))
            .collect(),
    })
}

/// What the combination needs to know about the caller: facts of the caller's ARN, the same
/// for every context. The symbolic encoding of a scenario (keyaki-check) reads them too, so
/// that both sides apply the Guide's rules to the same caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallerFacts {
    /// The caller's account (AWS callers only).
    pub account: Option<String>,
    /// The shape of its identity ARN (AWS callers with a known shape).
    pub form: Option<AwsForm>,
    /// Whether it is an AWS identity (which can have identity-based policies).
    pub has_identity: bool,
    /// Whether it is a service principal.
    pub is_service: bool,
    /// Whether it is a session of a service-linked role (path `aws-service-role/`).
    pub service_linked: bool,
    /// The ARN as the request names it, when a grant to exactly it is *direct*: an IAM user,
    /// an `assumed-role` session or a federated user session.
    pub direct_arn: Option<String>,
}

impl CallerFacts {
    /// The facts of a request's caller.
    pub fn of(request: &Request) -> CallerFacts {
        let principal = request.principal.as_ref();
        let identity = identity_arn(request);
        let form = identity.as_deref().and_then(AwsForm::of);
        let written = match principal {
            Some(RequestPrincipal::Aws(arn)) => Some(arn.clone()),
            _ => None,
        };
        let direct = form == Some(AwsForm::User)
            || form == Some(AwsForm::FederatedUser)
            || written.as_deref().and_then(Session::of).is_some();
        CallerFacts {
            account: principal
                .and_then(RequestPrincipal::account)
                .map(str::to_string),
            form,
            has_identity: matches!(principal, Some(RequestPrincipal::Aws(_))),
            is_service: matches!(principal, Some(RequestPrincipal::Service(_))),
            service_linked: form == Some(AwsForm::Role)
                && identity
                    .as_deref()
                    .and_then(|arn| arn.splitn(6, ':').nth(5))
                    .is_some_and(|resource| resource.starts_with("role/aws-service-role/")),
            direct_arn: written.filter(|_| direct),
        }
    }

    /// Whether the caller is its account's root user.
    pub fn is_root(&self) -> bool {
        self.form == Some(AwsForm::Root)
    }

    /// Whether the request crosses accounts, the resource owned by `owner` (`None`: another
    /// account); `None` when the caller has no account.
    pub fn cross_account(&self, owner: Option<&str>) -> Option<bool> {
        match (&self.account, owner) {
            (Some(account), Some(owner)) => Some(account != owner),
            (Some(_), None) => Some(true),
            (None, _) => None,
        }
    }
}

/// The owners that could change a scenario's decision when neither the resource ARN nor
/// `resourceOwner` names one: another account (`None`), the caller's account, the management
/// account. When the owner is known, that one alone.
pub fn owner_candidates(scenario: &Scenario, caller: &CallerFacts) -> Vec<Option<String>> {
    let known = arn_account(&scenario.request.resource)
        .map(str::to_string)
        .or_else(|| scenario.resource_owner.clone());
    if known.is_some() {
        return vec![known];
    }
    let mut owners: Vec<Option<String>> = vec![None];
    for candidate in [&caller.account, &scenario.management_account] {
        if let Some(account) = candidate
            .as_ref()
            .filter(|a| !owners.contains(&Some((*a).clone())))
        {
            owners.push(Some(account.clone()));
        }
    }
    owners
}

/// Why a layer does not apply to the caller, the resource owned by `owner` (`None`: another
/// account); `None` when it applies (rule 2 of the module docs).
pub fn exemption(
    layer: Layer,
    scenario: &Scenario,
    caller: &CallerFacts,
    owner: Option<&str>,
) -> Option<String> {
    let management = scenario.management_account.as_deref();
    let reason = match layer {
        Layer::ResourceControl if owner.is_some() && owner == management => {
            "RCPs do not affect resources in the management account"
        }
        Layer::ResourceControl if caller.service_linked => {
            "RCPs do not restrict service-linked roles"
        }
        Layer::ResourceControl if caller.is_service => {
            "RCPs do not restrict AWS service principals"
        }
        Layer::ServiceControl if caller.account.is_none() => {
            "SCPs restrict principals of member accounts, and this caller has no account"
        }
        Layer::ServiceControl if caller.account.as_deref() == management => {
            "SCPs do not affect users or roles in the management account"
        }
        Layer::ServiceControl if caller.service_linked => {
            "SCPs do not restrict service-linked roles"
        }
        _ => return None,
    };
    Some(reason.to_string())
}

/// Evaluates every layer for the request, with the owner fixed (`None`: another account).
fn decide(scenario: &Scenario, caller: &CallerFacts, owner: Option<String>) -> ScenarioOutcome {
    let request = &scenario.request;
    let exemption = |layer: Layer| exemption(layer, scenario, caller, owner.as_deref());
    let layers: Vec<LayerTrace> = Layer::ALL
        .into_iter()
        .filter_map(|layer| {
            let levels = layer.levels(scenario);
            (!levels.is_empty()).then(|| run_layer(layer, &levels, request, exemption(layer)))
        })
        .collect();
    let cross_account = caller.cross_account(owner.as_deref());
    let (decision, decided_by, reason) = combine(&layers, caller, cross_account, scenario);
    ScenarioOutcome {
        decision,
        decided_by,
        reason,
        caller_account: caller.account.clone(),
        resource_owner: owner,
        cross_account,
        layers,
    }
}

/// Evaluates one layer's policies (an exempt layer is still evaluated, for the trace).
fn run_layer(
    layer: Layer,
    levels: &[Vec<&Policy>],
    request: &Request,
    exempt: Option<String>,
) -> LayerTrace {
    let mut policies = Vec::new();
    for (level, members) in levels.iter().enumerate() {
        for (index, policy) in members.iter().enumerate() {
            // Boundaries and endpoints are one policy per level: number them in the field.
            let index = if one_per_level(layer) { level } else { index };
            policies.push(PolicyTrace {
                level,
                index,
                evaluation: evaluate(policy, layer.policy_type(), request),
            });
        }
    }
    let denies = policies
        .iter()
        .any(|p| p.evaluation.decision == Decision::ExplicitDeny);
    let every_level_allows = (0..levels.len()).all(|level| {
        policies
            .iter()
            .any(|p| p.level == level && p.evaluation.decision == Decision::Allow)
    });
    let decision = if denies {
        Decision::ExplicitDeny
    } else if every_level_allows {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    LayerTrace {
        layer,
        exempt,
        decision,
        policies,
    }
}

fn one_per_level(layer: Layer) -> bool {
    matches!(layer, Layer::VpcEndpoint | Layer::PermissionsBoundary)
}

type Combined = (Decision, Vec<Layer>, String);

/// Rules 1 to 3 of the module docs, over the evaluated layers.
fn combine(
    layers: &[LayerTrace],
    caller: &CallerFacts,
    cross_account: Option<bool>,
    scenario: &Scenario,
) -> Combined {
    let find = |layer: Layer| layers.iter().find(|l| l.layer == layer);
    if let Some(deny) = layers
        .iter()
        .find(|l| l.applies() && l.decision == Decision::ExplicitDeny)
    {
        let reason = format!("an explicit deny in `{}` overrides every allow", deny.layer);
        return (Decision::ExplicitDeny, vec![deny.layer], reason);
    }
    for guard in [
        Layer::ResourceControl,
        Layer::ServiceControl,
        Layer::VpcEndpoint,
    ] {
        if let Some(trace) = find(guard).filter(|l| l.applies() && !l.allows()) {
            let reason = match guard {
                Layer::VpcEndpoint => {
                    "a VPC endpoint policy on the request's path does not allow it"
                }
                _ => "an organization level has no policy that allows the request",
            };
            return (
                Decision::ImplicitDeny,
                vec![trace.layer],
                reason.to_string(),
            );
        }
    }
    let allows = |layer: Layer| find(layer).is_some_and(LayerTrace::allows);
    let resource_allows = allows(Layer::Resource);
    if !caller.has_identity {
        return if resource_allows {
            let reason = "a caller without an IAM identity is allowed by the resource policy alone";
            (Decision::Allow, vec![Layer::Resource], reason.to_string())
        } else {
            let reason = "a caller without an IAM identity needs the resource policy to allow it";
            (
                Decision::ImplicitDeny,
                vec![Layer::Resource],
                reason.to_string(),
            )
        };
    }
    let is_root = caller.is_root();
    let identity_allows = is_root || allows(Layer::Identity);
    let limit = limits(layers, caller);
    if cross_account == Some(false) {
        if resource_allows && names_caller_directly(scenario, caller) {
            let reason = "within one account, a resource policy that names the caller directly is not limited by implicit denies in identity policies, permissions boundaries or session policies";
            return (Decision::Allow, vec![Layer::Resource], reason.to_string());
        }
        if !identity_allows && !resource_allows {
            let reason = "within one account, neither an identity policy nor the resource policy allows the request";
            return (
                Decision::ImplicitDeny,
                vec![Layer::Identity, Layer::Resource],
                reason.to_string(),
            );
        }
        if let Some(denied) = limit {
            return denied;
        }
        let granted: Vec<Layer> = [
            (Layer::Identity, identity_allows),
            (Layer::Resource, resource_allows),
        ]
        .into_iter()
        .filter_map(|(layer, allowed)| allowed.then_some(layer))
        .collect();
        let reason = if is_root && !allows(Layer::Identity) && !resource_allows {
            "the account's root user has full access to its own account"
        } else {
            "within one account, an allow in an identity policy or the resource policy is enough"
        };
        return (Decision::Allow, granted, reason.to_string());
    }
    if !identity_allows {
        let reason = "across accounts, the caller's identity policies must allow the request";
        return (
            Decision::ImplicitDeny,
            vec![Layer::Identity],
            reason.to_string(),
        );
    }
    if let Some(denied) = limit {
        return denied;
    }
    if !resource_allows {
        let reason = "across accounts, the resource policy must allow the caller";
        return (
            Decision::ImplicitDeny,
            vec![Layer::Resource],
            reason.to_string(),
        );
    }
    let reason =
        "across accounts, both the caller's side and the resource policy allow the request";
    (
        Decision::Allow,
        vec![Layer::Identity, Layer::Resource],
        reason.to_string(),
    )
}

/// The permissions boundary and the session policy, which limit every allow but a direct
/// grant: `Some` implicit deny when one of them does not allow.
fn limits(layers: &[LayerTrace], caller: &CallerFacts) -> Option<Combined> {
    let find = |layer: Layer| layers.iter().find(|l| l.layer == layer);
    if find(Layer::PermissionsBoundary).is_some_and(|l| !l.allows()) {
        let reason = "the permissions boundary does not allow the request";
        return Some((
            Decision::ImplicitDeny,
            vec![Layer::PermissionsBoundary],
            reason.to_string(),
        ));
    }
    match find(Layer::Session) {
        Some(session) if !session.allows() => Some((
            Decision::ImplicitDeny,
            vec![Layer::Session],
            "the session policy does not allow the request".to_string(),
        )),
        None if caller.form == Some(AwsForm::FederatedUser) => Some((
            Decision::ImplicitDeny,
            vec![Layer::Session],
            "a federated user session without a session policy is denied".to_string(),
        )),
        _ => None,
    }
}

/// Whether an `Allow` statement of the resource policy that matched lists, in `Principal`, the
/// ARN the request names, and that ARN is a user, a role session or a federated user session.
fn names_caller_directly(scenario: &Scenario, caller: &CallerFacts) -> bool {
    let (Some(policy), Some(arn)) = (&scenario.resource_policy, &caller.direct_arn) else {
        return false;
    };
    let matched = evaluate(policy, PolicyType::Resource, &scenario.request).matched_statements;
    policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow && matched.contains(&s.index))
        .filter_map(|s| s.principal.as_ref().filter(|p| !p.negated))
        .flat_map(|element| element.principals.iter())
        .any(|p| matches!(&p.value, Principal::Aws(named) if named == arn))
}

#[cfg(test)]
mod tests;
