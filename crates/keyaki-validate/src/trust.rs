//! Checks on role trust policies: the action a principal must use to assume the role.
//!
//! A federated principal (a SAML or OIDC provider, or `cognito-identity.amazonaws.com`) assumes
//! a role with `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity`, never with
//! `sts:AssumeRole`. The AWS CLI reference's own `validate-policy` example, a Cognito trust
//! policy that allows `sts:AssumeRole`, gets `MISMATCHED_ACTION_FOR_PRINCIPAL`, located at the
//! action and at the principal.
//!
//! With the resource type known (`--validate-policy-resource-type`), a role trust policy
//! (`AWS::IAM::AssumeRolePolicyDocument`) must not use `NotPrincipal`, `"*"` as its principal,
//! or `Resource`; any other resource policy must not name a federated principal, and a service
//! it grants to must be held to the source it acts for (`aws:SourceArn`, `aws:SourceAccount`).
//!
//! An `Allow` for an OIDC provider (`arn:aws:iam::…:oidc-provider/HOST`) needs a condition on
//! that provider's keys (`HOST:aud`, `HOST:sub`), or any identity of the provider may assume
//! the role; for GitHub (`token.actions.githubusercontent.com`) the reference asks for
//! `…:sub` specifically, naming the repository and branch, and that is the one finding given.
//! A role session named beside its own role adds nothing and is a suggestion.

use crate::{Document, Finding, ValidatePolicyType, ValidateResourceType};
use keyaki_policy::{Effect, Principal, Span, Statement};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    if document.policy_type != ValidatePolicyType::Resource {
        return Vec::new();
    }
    let mut findings = mismatched_actions(document);
    for statement in &document.policy.statements {
        if document
            .resource_type
            .is_none_or(|t| t == ValidateResourceType::RoleTrustPolicy)
        {
            findings.extend(unconditioned_oidc(document, statement));
            findings.extend(redundant_sessions(document, statement));
        }
        match document.resource_type {
            Some(ValidateResourceType::RoleTrustPolicy) => {
                findings.extend(role_trust_syntax(document, statement));
            }
            Some(_) => {
                findings.extend(federated_principals(document, statement));
                findings.extend(unrestricted_service_principals(document, statement));
            }
            None => {}
        }
    }
    findings
}

/// `ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL`, `ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE` and
/// `ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL`.
fn role_trust_syntax(document: &Document<'_>, statement: &Statement) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(principal) = &statement.principal {
        if principal.negated {
            findings.extend(document.finding(
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                &[],
                &[principal.span],
            ));
        } else {
            let everyone = principal
                .principals
                .iter()
                .filter(|p| p.value == Principal::Everyone)
                .map(|p| p.span);
            findings.extend(everyone.filter_map(|span| {
                document.finding(
                    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                    &[],
                    &[span],
                )
            }));
        }
    }
    if let Some(resource) = &statement.resource {
        findings.extend(document.finding(
            "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
            &[],
            &[resource.span],
        ));
    }
    findings
}

/// `FEDERATED_PRINCIPAL_NOT_SUPPORTED`: a federated principal in a resource policy that is not
/// a role trust policy (the reference: "you can't use a SAML principal in an Amazon S3 bucket
/// policy").
fn federated_principals(document: &Document<'_>, statement: &Statement) -> Vec<Finding> {
    let Some(principal) = &statement.principal else {
        return Vec::new();
    };
    principal
        .principals
        .iter()
        .filter(|p| matches!(p.value, Principal::Federated(_)))
        .filter_map(|p| document.finding("FEDERATED_PRINCIPAL_NOT_SUPPORTED", &[], &[p.span]))
        .collect()
}

/// The condition keys that name the source a service acts for (the reference names
/// `aws:SourceArn` and `aws:SourceAccount`; the organization keys restrict the source too).
const SOURCE_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// `RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL`: an `Allow` for a service principal in the policy of
/// a resource (a bucket, a table; not a role trust policy, where a service assumes the role)
/// with no condition naming the source it acts for, the confused deputy's opening.
fn unrestricted_service_principals(document: &Document<'_>, statement: &Statement) -> Vec<Finding> {
    let Some(principal) = statement.principal.as_ref().filter(|p| !p.negated) else {
        return Vec::new();
    };
    let restricted = statement.conditions.iter().any(|c| {
        SOURCE_KEYS
            .iter()
            .any(|key| c.key.value.eq_ignore_ascii_case(key))
    });
    if statement.effect.value != Effect::Allow || restricted {
        return Vec::new();
    }
    principal
        .principals
        .iter()
        .filter(|p| matches!(p.value, Principal::Service(_)))
        .filter_map(|p| document.finding("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", &[], &[p.span]))
        .collect()
}

/// `REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY`: a role session named beside its role (the
/// reference: "If you specify both an assumed-role principal and its parent role in the
/// `Principal` element of a policy, it does not allow or deny any different permissions").
fn redundant_sessions(document: &Document<'_>, statement: &Statement) -> Vec<Finding> {
    let Some(principal) = statement.principal.as_ref().filter(|p| !p.negated) else {
        return Vec::new();
    };
    let arns: Vec<(&str, Span)> = principal
        .principals
        .iter()
        .filter_map(|p| match &p.value {
            Principal::Aws(arn) => Some((arn.as_str(), p.span)),
            _ => None,
        })
        .collect();
    let mut findings = Vec::new();
    for (session, span) in &arns {
        let Some((account, role_name)) = session_role(session) else {
            continue;
        };
        let parent = arns.iter().find(|(arn, _)| {
            role_of(arn).is_some_and(|(a, name)| a == account && name == role_name)
        });
        if let Some((parent, parent_span)) = parent {
            findings.extend(document.finding(
                "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY",
                &[("redundant_principal", session), ("parent_role", parent)],
                &[*span, *parent_span],
            ));
        }
    }
    findings
}

/// The account and role name of a role session ARN
/// (`arn:aws:sts::111122223333:assumed-role/NAME/SESSION`; the reference writes `iam`).
fn session_role(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, _, account, resource] = parts.as_slice() else {
        return None;
    };
    let rest = resource.strip_prefix("assumed-role/")?;
    let (name, _session) = rest.split_once('/')?;
    matches!(*service, "sts" | "iam").then_some((*account, name))
}

/// The account and role name of a role ARN (`arn:aws:iam::111122223333:role/PATH/NAME`).
fn role_of(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, "iam", _, account, resource] = parts.as_slice() else {
        return None;
    };
    let path_and_name = resource.strip_prefix("role/")?;
    Some((*account, path_and_name.rsplit('/').next()?))
}

/// The GitHub Actions OIDC provider's host.
const GITHUB: &str = "token.actions.githubusercontent.com";

/// `MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL` and `MISSING_GITHUB_REPO_CONDITION_KEY`.
fn unconditioned_oidc(document: &Document<'_>, statement: &Statement) -> Vec<Finding> {
    let Some(principal) = statement.principal.as_ref().filter(|p| !p.negated) else {
        return Vec::new();
    };
    if statement.effect.value != Effect::Allow {
        return Vec::new();
    }
    let has_key = |key: &str| {
        statement
            .conditions
            .iter()
            .any(|c| c.key.value.eq_ignore_ascii_case(key))
    };
    // The provider's keys are named after its URL, path included
    // (`oidc.eks.REGION.amazonaws.com/id/ID:sub`): a key naming the host is enough.
    let has_prefix = |host: &str| {
        let host = host.to_ascii_lowercase();
        statement.conditions.iter().any(|c| {
            c.key
                .value
                .rsplit_once(':')
                .is_some_and(|(prefix, _)| prefix.to_ascii_lowercase().starts_with(&host))
        })
    };
    principal
        .principals
        .iter()
        .filter_map(|p| match &p.value {
            Principal::Federated(name) => Some((oidc_host(name)?, p.span)),
            _ => None,
        })
        .filter_map(|(host, span)| {
            if host.eq_ignore_ascii_case(GITHUB) {
                let key = format!("{GITHUB}:sub");
                (!has_key(&key))
                    .then(|| document.finding("MISSING_GITHUB_REPO_CONDITION_KEY", &[], &[span]))
                    .flatten()
            } else {
                (!has_prefix(host))
                    .then(|| {
                        document.finding("MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", &[], &[span])
                    })
                    .flatten()
            }
        })
        .collect()
}

/// The host of an OIDC provider ARN (`arn:aws:iam::111122223333:oidc-provider/HOST/PATH`).
fn oidc_host(federated: &str) -> Option<&str> {
    let (_, provider) = federated.split_once(":oidc-provider/")?;
    Some(provider.split('/').next().unwrap_or(provider))
}

/// `MISMATCHED_ACTION_FOR_PRINCIPAL`: `sts:AssumeRole` for a federated principal.
fn mismatched_actions(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        let Some(principal) = statement.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        let federated: Vec<(&str, Span)> = principal
            .principals
            .iter()
            .filter_map(|p| match &p.value {
                Principal::Federated(name) => Some((name.as_str(), p.span)),
                _ => None,
            })
            .collect();
        if federated.is_empty() || statement.action.negated {
            continue;
        }
        let names: Vec<&str> = federated.iter().map(|(name, _)| *name).collect();
        let names = names.join(", ");
        for action in &statement.action.patterns {
            if !action.value.text.eq_ignore_ascii_case("sts:AssumeRole") {
                continue;
            }
            let mut spans = vec![action.span];
            spans.extend(federated.iter().map(|(_, span)| *span));
            findings.extend(document.finding(
                "MISMATCHED_ACTION_FOR_PRINCIPAL",
                &[
                    ("actionName", &action.value.text),
                    ("principalNames", &names),
                ],
                &spans,
            ));
        }
    }
    findings
}
