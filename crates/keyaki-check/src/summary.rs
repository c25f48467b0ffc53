//! Findings summarised as IAM Access Analyzer reports them: one per statement and access.
//!
//! [`crate::findings()`] finds *cells*: for each `Allow` statement, each class of outside caller
//! it lets in ([`Caller`]: the public, anonymous callers, AWS principals of any account, a named
//! account, provider or canonical user, …), each with a request replayed through the concrete
//! evaluator. A `"Principal": "*"` statement limited by `aws:SourceVpc` gives five such cells,
//! where a reader expects one line: anyone, when `aws:SourceVpc` is `vpc-1a2b3c4d`. Access
//! Analyzer reports an external access finding with the external `principal`, the `action`s,
//! the `condition` ("the condition in the analyzed policy statement that resulted in a
//! finding", a key-to-value map) and `isPublic`. This module merges cells into those findings,
//! one per statement and *access*, an access being (principal, condition, actions):
//!
//! - **principal**: a cell of a named caller keeps it: `{"AWS": "444455556666"}`, the role ARN
//!   when the statement names one role of that account and not the account itself,
//!   `{"Federated": …}`, `{"CanonicalUser": …}`. A cell of callers nobody named becomes the
//!   account or ARN when a positive condition on `aws:PrincipalAccount` or `aws:PrincipalArn`
//!   fixes it to one value (every request the statement allows then carries that value);
//!   otherwise it joins the statement's **anyone** finding, `{"AWS": "*"}`, with the other
//!   unnamed classes (anonymous, any account, any provider, any canonical user, the public).
//!   The public of a statement whose `Principal` names one web identity provider and nobody
//!   unnamed is that provider (`{"Federated": "graph.facebook.com"}`).
//! - **condition**: the statement's conditions, except the ones the principal already says.
//!   The granting statement is the source, as in Access Analyzer; a `Deny` that narrows the
//!   access is listed apart, under *denied when*.
//! - **denied when**: a `Deny` statement that would refuse one of the cells' requests but for
//!   its conditions limits the access to requests where those conditions fail (a bucket open
//!   to `"*"` with `Deny` … `NotIpAddress`); it is listed with its conditions, since Access
//!   Analyzer's `condition` only reads the granting statement.
//! - **actions**: the cell's actions; cells merge only when their actions are the same.
//! - **isPublic**: one of the merged cells is the public ([`crate::public`]).
//!
//! Why a merge is sound: a summary finding claims that each class it covers can get in, and
//! each merged cell had its own request replayed; the finding keeps them all
//! ([`ExternalAccess::cells`]) and shows the first as its counterexample. No cell is dropped:
//! each lands in exactly one finding, whose principal admits the cell's caller
//! ([`ExternalPrincipal::admits`]), which `tests/summary.rs` checks on the corpus and on
//! generated policies.

use crate::encode::glob_of;
use crate::findings::{AccessKind, Caller, Finding, Findings};
use base64::Engine as _;
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{
    Condition, ConditionValue, Effect, Policy, PolicyType, Principal, Request, RequestPrincipal,
    Statement, ValueType,
};

/// Who an access is granted to, as Access Analyzer's `principal` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalPrincipal {
    /// Callers nobody named (`{"AWS": "*"}`): which classes, in [`ExternalAccess::callers`].
    Anyone,
    /// An account id or an AWS principal's ARN (`{"AWS": …}`).
    Aws(String),
    /// A federated identity provider (`{"Federated": …}`).
    Federated(String),
    /// A canonical user (`{"CanonicalUser": …}`).
    CanonicalUser(String),
    /// A service principal (`{"Service": …}`; outside callers never are one).
    Service(String),
}

impl ExternalPrincipal {
    /// The `principal` map's key and value.
    pub fn key_value(&self) -> (&'static str, &str) {
        match self {
            ExternalPrincipal::Anyone => ("AWS", "*"),
            ExternalPrincipal::Aws(value) => ("AWS", value),
            ExternalPrincipal::Federated(value) => ("Federated", value),
            ExternalPrincipal::CanonicalUser(value) => ("CanonicalUser", value),
            ExternalPrincipal::Service(value) => ("Service", value),
        }
    }

    /// Whether a request's caller is one this principal names (the concrete reading, for
    /// replaying a summary against the requests of its cells).
    pub fn admits(&self, request: &Request) -> bool {
        let caller = request.principal.as_ref();
        match (self, caller) {
            (ExternalPrincipal::Anyone, Some(RequestPrincipal::Service(_))) => false,
            (ExternalPrincipal::Anyone, _) => true,
            (ExternalPrincipal::Aws(id), Some(p @ RequestPrincipal::Aws(arn))) => {
                let principal_arn = request.single_value("aws:PrincipalArn");
                p.account() == Some(id.as_str())
                    || arn == id
                    || principal_arn.as_deref() == Some(id.as_str())
            }
            (ExternalPrincipal::Federated(name), Some(RequestPrincipal::Federated(given))) => {
                name == given
            }
            (
                ExternalPrincipal::CanonicalUser(id),
                Some(RequestPrincipal::CanonicalUser(given)),
            ) => id == given,
            (ExternalPrincipal::Service(name), Some(RequestPrincipal::Service(given))) => {
                name == given
            }
            _ => false,
        }
    }
}

/// One condition of the statement, as written: `StringEquals` `aws:SourceVpc` `vpc-1a2b3c4d`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenCondition {
    /// The operator with its qualifier and `IfExists`.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The values as written.
    pub values: Vec<String>,
}

/// A `Deny` statement that would refuse an access but for its conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitingDeny {
    /// The `Deny` statement (0-based).
    pub statement_index: usize,
    /// Its conditions, as written: the access is refused when they all hold.
    pub conditions: Vec<WrittenCondition>,
}

/// One external access finding: a statement lets a principal use some actions, under a
/// condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalAccess {
    /// The statement granting it (0-based).
    pub statement_index: usize,
    /// Its `Sid`.
    pub statement_id: Option<String>,
    /// Who.
    pub principal: ExternalPrincipal,
    /// The classes of callers it covers, one per merged cell, in the order found.
    pub callers: Vec<Caller>,
    /// Whether one of them is the public.
    pub is_public: bool,
    /// The statement's conditions that limit it.
    pub condition: Vec<WrittenCondition>,
    /// The `Deny` statements that refuse this access when their conditions hold.
    pub denied_when: Vec<LimitingDeny>,
    /// The statement's action patterns these callers can use.
    pub actions: Vec<String>,
    /// The indices (into [`Findings::findings`]) of the merged cells.
    pub cells: Vec<usize>,
    /// The first merged cell's replayed request.
    pub counterexample: Request,
}

impl ExternalAccess {
    /// Whether it covers every caller nobody named: the public, or both anonymous callers and
    /// AWS principals of any account.
    pub fn is_anyone(&self) -> bool {
        self.principal == ExternalPrincipal::Anyone
            && (self.is_public
                || (self.callers.contains(&Caller::Anonymous)
                    && self.callers.contains(&Caller::AnyAccount)))
    }
}

/// The findings of `findings` (computed for `policy`), one per statement and access.
pub fn summarise(policy: &Policy, findings: &Findings) -> Vec<ExternalAccess> {
    let mut summary: Vec<ExternalAccess> = Vec::new();
    for (index, cell) in findings.findings.iter().enumerate() {
        let Some(statement) = policy.statements.get(cell.statement_index) else {
            continue;
        };
        let (principal, said_by_principal) = principal_of(statement, cell);
        let same_access = |access: &&mut ExternalAccess| {
            access.statement_index == cell.statement_index
                && access.principal == principal
                && access.actions == cell.actions
        };
        if let Some(access) = summary.iter_mut().find(same_access) {
            for deny in limiting_denies(policy, &cell.counterexample) {
                if !access.denied_when.contains(&deny) {
                    access.denied_when.push(deny);
                }
            }
            access.callers.push(cell.caller.clone());
            access.is_public |= cell.access == AccessKind::Public;
            access.cells.push(index);
            continue;
        }
        let condition = statement
            .conditions
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != said_by_principal)
            .map(|(_, c)| written(c))
            .collect();
        summary.push(ExternalAccess {
            statement_index: cell.statement_index,
            statement_id: cell.statement_id.clone(),
            principal,
            callers: vec![cell.caller.clone()],
            is_public: cell.access == AccessKind::Public,
            condition,
            denied_when: limiting_denies(policy, &cell.counterexample),
            actions: cell.actions.clone(),
            cells: vec![index],
            counterexample: cell.counterexample.clone(),
        });
    }
    summary
}

/// The `Deny` statements with conditions whose principal, action and resource match
/// `request`: the request is allowed, so their conditions fail for it, and they refuse the same
/// access wherever the conditions hold.
fn limiting_denies(policy: &Policy, request: &Request) -> Vec<LimitingDeny> {
    policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny && !s.conditions.is_empty())
        .filter(|s| {
            let unconditional = Statement {
                conditions: Vec::new(),
                ..(*s).clone()
            };
            statement_matches(&unconditional, PolicyType::Resource, request)
        })
        .map(|s| LimitingDeny {
            statement_index: s.index,
            conditions: s.conditions.iter().map(written).collect(),
        })
        .collect()
}

/// The principal of a cell, and the index of the statement's condition it comes from (which
/// the finding's condition then leaves out), if it comes from one.
fn principal_of(statement: &Statement, cell: &Finding) -> (ExternalPrincipal, Option<usize>) {
    let principal = match &cell.caller {
        Caller::Account(account) => ExternalPrincipal::Aws(named_in_account(statement, account)),
        Caller::AwsArn(arn) => ExternalPrincipal::Aws(arn.clone()),
        Caller::Federated(name) => ExternalPrincipal::Federated(name.clone()),
        Caller::CanonicalUser(id) => ExternalPrincipal::CanonicalUser(id.clone()),
        Caller::Service(name) => ExternalPrincipal::Service(name.clone()),
        Caller::AnyAccount => return pinned_principal(statement, &cell.counterexample),
        Caller::Public => public_principal(statement),
        Caller::Anonymous
        | Caller::AnyWebIdentity
        | Caller::AnyProviderArn
        | Caller::AnyCanonicalUser => ExternalPrincipal::Anyone,
    };
    (principal, None)
}

/// The public a statement lets in: anyone, unless its `Principal` lets in no caller nobody
/// named and names exactly one web identity provider (`graph.facebook.com`), which is then the
/// only public it can mean (named accounts, ARNs, provider ARNs and canonical users are never
/// the public).
fn public_principal(statement: &Statement) -> ExternalPrincipal {
    let Some(element) = statement.principal.as_ref().filter(|e| !e.negated) else {
        return ExternalPrincipal::Anyone;
    };
    let mut web_identities = Vec::new();
    for principal in &element.principals {
        match &principal.value {
            Principal::Everyone | Principal::EveryOfKind(_) => return ExternalPrincipal::Anyone,
            Principal::Federated(name) if !name.starts_with("arn:") => web_identities.push(name),
            _ => {}
        }
    }
    match web_identities.as_slice() {
        [name] => ExternalPrincipal::Federated((*name).clone()),
        _ => ExternalPrincipal::Anyone,
    }
}

/// How the statement names callers of `account`: its one ARN when the statement's `Principal`
/// names exactly one principal of the account and nothing else that admits its callers (the
/// whole account, `"*"`, a `NotPrincipal`); otherwise the account itself.
fn named_in_account(statement: &Statement, account: &str) -> String {
    let Some(element) = statement.principal.as_ref().filter(|e| !e.negated) else {
        return account.to_string();
    };
    let mut arns = Vec::new();
    for principal in &element.principals {
        match &principal.value {
            Principal::Account(named) if named == account => return account.to_string(),
            Principal::Everyone => return account.to_string(),
            Principal::Aws(arn) if crate::public::arn_account(arn) == Some(account) => {
                arns.push(arn.clone());
            }
            _ => {}
        }
    }
    match arns.as_slice() {
        [arn] => arn.clone(),
        _ => account.to_string(),
    }
}

/// AWS principals of any account, unless a positive condition on `aws:PrincipalAccount` or
/// `aws:PrincipalArn` fixes the caller to one value, which the cell's request carries: then
/// every request the statement allows has that value, and the principal is it.
fn pinned_principal(
    statement: &Statement,
    request: &Request,
) -> (ExternalPrincipal, Option<usize>) {
    for (index, condition) in statement.conditions.iter().enumerate() {
        let key = condition.key.value.to_ascii_lowercase();
        if key != "aws:principalaccount" && key != "aws:principalarn" {
            continue;
        }
        let Some(value) = single_fixed_value(condition) else {
            continue;
        };
        if request.single_value(&key).as_deref() == Some(value.as_str()) {
            return (ExternalPrincipal::Aws(value), Some(index));
        }
    }
    (ExternalPrincipal::Anyone, None)
}

/// The one literal value of a positive string or ARN condition without `IfExists` or a set
/// qualifier, which every request it admits carries.
fn single_fixed_value(condition: &Condition) -> Option<String> {
    let operator = condition.operator.value;
    let plain = operator.qualifier.is_none()
        && !operator.if_exists
        && !operator.kind.is_negated()
        && matches!(
            operator.kind.value_type(),
            ValueType::String | ValueType::Arn
        );
    match condition.values.as_slice() {
        [value] if plain => match &value.value {
            ConditionValue::Pattern(pattern) => glob_of(pattern)?.as_literal(),
            _ => None,
        },
        _ => None,
    }
}

/// A condition as written.
fn written(condition: &Condition) -> WrittenCondition {
    WrittenCondition {
        operator: condition.operator.value.to_string(),
        key: condition.key.value.clone(),
        values: condition
            .values
            .iter()
            .map(|v| written_value(&v.value))
            .collect(),
    }
}

/// A condition value in the form a policy writes it.
fn written_value(value: &ConditionValue) -> String {
    match value {
        ConditionValue::Pattern(pattern) => pattern.text.clone(),
        ConditionValue::Number(number) => number.to_string(),
        ConditionValue::Date(instant) => instant.to_string(),
        ConditionValue::Bool(flag) => flag.to_string(),
        ConditionValue::Binary(bytes) => base64::engine::general_purpose::STANDARD.encode(bytes),
        ConditionValue::Ip(network) => network.to_string(),
    }
}
