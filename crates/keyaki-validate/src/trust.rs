//! Checks on role trust policies: the action a principal must use to assume the role.
//!
//! A federated principal (a SAML or OIDC provider, or `cognito-identity.amazonaws.com`) assumes
//! a role with `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity`, never with
//! `sts:AssumeRole`. The AWS CLI reference's own `validate-policy` example, a Cognito trust
//! policy that allows `sts:AssumeRole`, gets `MISMATCHED_ACTION_FOR_PRINCIPAL`, located at the
//! action and at the principal.

use crate::{Document, Finding, ValidatePolicyType};
use keyaki_policy::{Principal, Span};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    if document.policy_type != ValidatePolicyType::Resource {
        return Vec::new();
    }
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
