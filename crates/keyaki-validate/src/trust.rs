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
//! or `Resource`; any other resource policy must not name a federated principal.

use crate::{Document, Finding, ValidatePolicyType, ValidateResourceType};
use keyaki_policy::{Principal, Span, Statement};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    if document.policy_type != ValidatePolicyType::Resource {
        return Vec::new();
    }
    let mut findings = mismatched_actions(document);
    for statement in &document.policy.statements {
        match document.resource_type {
            Some(ValidateResourceType::RoleTrustPolicy) => {
                findings.extend(role_trust_syntax(document, statement));
            }
            Some(_) => findings.extend(federated_principals(document, statement)),
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
