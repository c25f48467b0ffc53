//! One simulated (action, resource) pair as the IAM API's `EvaluationResult`, and as text.
//!
//! The JSON follows the IAM API reference for `EvaluationResult`:
//!
//! - `EvalDecision`: `allowed`, `explicitDeny` or `implicitDeny`.
//! - `MatchedStatements`: "the statements in the input policies that determine the result";
//!   "if only one statement denies that operation, then the explicit deny overrides any
//!   allow. In addition, the deny statement is the only entry included in the result." So: for
//!   an explicit deny, the `Deny` statements that matched; for an allow, the `Allow` statements
//!   of the policies that granted it (the layers that decided); for an implicit deny, none.
//!   Each names its policy (`SourcePolicyId`, `SourcePolicyType`: `user`, `group`, `role`,
//!   `aws-managed`, `user-managed`, `resource`, or `none` for inputs, SCPs, RCPs and endpoint
//!   policies) and where the statement starts and ends, counted from the first character of
//!   its policy document (in the decoded text for a URL-encoded one).
//! - `MissingContextValues`: "context keys that are required by the included input policies
//!   but that were not provided": the condition keys of the statements whose `Action` matches,
//!   in every policy that applies, that the request does not give. Keys IAM never sets for
//!   this caller (`aws:username` for a role) are left out, since no input can give them. The
//!   API lists them per resource under `ResourceSpecificResults` when resources are named;
//!   keyaki, with one result per pair, lists them in each result.
//! - `OrganizationsDecisionDetail.AllowedByOrganizations`: whether the SCPs allow (present when
//!   the caller's account has SCPs; true when they do not apply, as for a service-linked role).
//! - `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`: whether the boundary
//!   allows (present when there is one).
//! - `EvalDecisionDetails`: "populated for only cross-account simulations": each layer's
//!   decision, by keyaki's layer names (`identityPolicies`, `resourcePolicy`, …; a layer that
//!   decided without any policy is `implicitDeny`); an empty
//!   object for a same-account simulation of a named resource, absent for `*`.

use keyaki_policy::caller::{Derived, derived};
use keyaki_policy::eval::action_matches;
use keyaki_policy::{
    Decision, Effect, Layer, PolicySet, Scenario, ScenarioOutcome, SourceKind, SourcedPolicy,
    Statement,
};
use serde_json::{Map, Value, json};

/// One simulated pair: its scenario, the policies' sources and the decision.
pub struct Simulated {
    /// The action simulated.
    pub action: String,
    /// The resource simulated.
    pub resource: String,
    /// The scenario decided.
    pub scenario: Scenario,
    /// The sources of its policies.
    pub set: PolicySet,
    /// The decision.
    pub outcome: ScenarioOutcome,
}

/// A statement that determines the result, and its policy.
struct Matched<'a> {
    layer: Layer,
    source: &'a SourcedPolicy,
    statement: &'a Statement,
}

fn eval_decision(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "allowed",
        Decision::ExplicitDeny => "explicitDeny",
        Decision::ImplicitDeny => "implicitDeny",
    }
}

impl Simulated {
    /// The statements that determine the result (see the module docs).
    fn matched(&self) -> Vec<Matched<'_>> {
        let wanted = match self.outcome.decision {
            Decision::ExplicitDeny => Effect::Deny,
            Decision::Allow => Effect::Allow,
            Decision::ImplicitDeny => return Vec::new(),
        };
        let mut found = Vec::new();
        for trace in self.outcome.layers.iter().filter(|t| t.exempt.is_none()) {
            if wanted == Effect::Allow && !self.outcome.decided_by.contains(&trace.layer) {
                continue;
            }
            for policy in &trace.policies {
                let Some(source) = self.set.source(trace.layer, policy.level, policy.index) else {
                    continue;
                };
                for index in &policy.evaluation.matched_statements {
                    let Some(statement) = source.policy.statements.get(*index) else {
                        continue;
                    };
                    if statement.effect.value == wanted {
                        found.push(Matched {
                            layer: trace.layer,
                            source,
                            statement,
                        });
                    }
                }
            }
        }
        found
    }

    /// Condition keys of the applying policies' statements for this action that the request
    /// does not give, sorted, each once.
    fn missing_context_values(&self) -> Vec<String> {
        let request = &self.scenario.request;
        let mut missing: Vec<String> = Vec::new();
        for trace in self.outcome.layers.iter().filter(|t| t.exempt.is_none()) {
            for policy in &trace.policies {
                let Some(source) = self.set.source(trace.layer, policy.level, policy.index) else {
                    continue;
                };
                let statements = source
                    .policy
                    .statements
                    .iter()
                    .filter(|s| action_matches(&s.action, &request.action));
                for condition in statements.flat_map(|s| s.conditions.iter()) {
                    let key = &condition.key.value;
                    let never_set = derived(request, key) == Some(Derived::Absent);
                    let known = missing.iter().any(|m| m.eq_ignore_ascii_case(key));
                    if request.context_value(key).is_none() && !never_set && !known {
                        missing.push(key.clone());
                    }
                }
            }
        }
        missing.sort_by_key(|k| k.to_ascii_lowercase());
        missing
    }

    fn trace(&self, layer: Layer) -> Option<&keyaki_policy::LayerTrace> {
        self.outcome.layers.iter().find(|t| t.layer == layer)
    }

    fn allowed_by_organizations(&self) -> Option<bool> {
        self.trace(Layer::ServiceControl)
            .map(|t| t.exempt.is_some() || t.decision == Decision::Allow)
    }

    fn allowed_by_boundary(&self) -> Option<bool> {
        self.trace(Layer::PermissionsBoundary)
            .map(|t| t.decision == Decision::Allow)
    }

    /// The `EvaluationResult` object.
    pub fn to_json(&self) -> Value {
        let mut result = Map::new();
        result.insert("EvalActionName".into(), json!(self.action));
        result.insert("EvalResourceName".into(), json!(self.resource));
        result.insert(
            "EvalDecision".into(),
            json!(eval_decision(self.outcome.decision)),
        );
        let matched: Vec<Value> = self.matched().iter().map(statement_json).collect();
        result.insert("MatchedStatements".into(), json!(matched));
        result.insert(
            "MissingContextValues".into(),
            json!(self.missing_context_values()),
        );
        if let Some(allowed) = self.allowed_by_organizations() {
            result.insert(
                "OrganizationsDecisionDetail".into(),
                json!({"AllowedByOrganizations": allowed}),
            );
        }
        if let Some(allowed) = self.allowed_by_boundary() {
            result.insert(
                "PermissionsBoundaryDecisionDetail".into(),
                json!({"AllowedByPermissionsBoundary": allowed}),
            );
        }
        if self.outcome.cross_account == Some(true) {
            let mut details: Map<String, Value> = self
                .outcome
                .layers
                .iter()
                .filter(|t| t.exempt.is_none())
                .map(|t| {
                    (
                        t.layer.field().to_string(),
                        json!(eval_decision(t.decision)),
                    )
                })
                .collect();
            // A layer that decided without any policy (no resource policy) denies implicitly.
            for layer in &self.outcome.decided_by {
                details
                    .entry(layer.field())
                    .or_insert_with(|| json!(eval_decision(Decision::ImplicitDeny)));
            }
            result.insert("EvalDecisionDetails".into(), Value::Object(details));
        } else if self.resource != "*" {
            result.insert("EvalDecisionDetails".into(), json!({}));
        }
        Value::Object(result)
    }

    /// The result for people: the decision, the rule, the statements, what is missing.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}: {} on {}\n  rule: {}\n",
            eval_decision(self.outcome.decision),
            self.action,
            self.resource,
            self.outcome.reason
        );
        for matched in self.matched() {
            let statement = matched.statement;
            let sid = statement
                .sid
                .as_ref()
                .map(|s| format!(" `{}`", s.value))
                .unwrap_or_default();
            let at = matched.source.position(statement.span.start);
            text.push_str(&format!(
                "  matched statement {}{sid} ({}) of {} `{}`, line {}, column {}\n",
                statement.index,
                statement.effect.value,
                kind_in_words(matched.layer, matched.source.kind),
                matched.source.id,
                at.line,
                at.column
            ));
        }
        let mut details = Vec::new();
        if let Some(allowed) = self.allowed_by_organizations() {
            details.push(format!("organizations: {}", allowed_word(allowed)));
        }
        if let Some(allowed) = self.allowed_by_boundary() {
            details.push(format!("permissions boundary: {}", allowed_word(allowed)));
        }
        if !details.is_empty() {
            text.push_str(&format!("  {}\n", details.join("; ")));
        }
        let missing = self.missing_context_values();
        if !missing.is_empty() {
            text.push_str(&format!(
                "  missing context values: {}\n",
                missing.join(", ")
            ));
        }
        text
    }
}

fn allowed_word(allowed: bool) -> &'static str {
    if allowed { "allowed" } else { "not allowed" }
}

fn kind_in_words(layer: Layer, kind: SourceKind) -> &'static str {
    match (layer, kind) {
        (Layer::PermissionsBoundary, _) => "permissions boundary",
        (Layer::ServiceControl, _) => "SCP",
        (Layer::ResourceControl, _) => "RCP",
        (_, SourceKind::User) => "user policy",
        (_, SourceKind::Group) => "group policy",
        (_, SourceKind::Role) => "role policy",
        (_, SourceKind::AwsManaged) => "AWS managed policy",
        (_, SourceKind::UserManaged) => "customer managed policy",
        (_, SourceKind::Resource) => "resource policy",
        (_, SourceKind::Input) => "input policy",
        (_, SourceKind::Organization) => "organization policy",
        (_, SourceKind::VpcEndpoint) => "VPC endpoint policy",
    }
}

fn statement_json(matched: &Matched<'_>) -> Value {
    let span = matched.statement.span;
    let start = matched.source.position(span.start);
    let end = matched.source.position(span.end.saturating_sub(1));
    json!({
        "SourcePolicyId": matched.source.id,
        "SourcePolicyType": matched.source.kind.aws_name(),
        "StartPosition": {"Line": start.line, "Column": start.column},
        "EndPosition": {"Line": end.line, "Column": end.column},
    })
}
