//! The reference's grammar error of an AWS Organizations service control policy (SCP) that
//! the parser does not already name, judged only for `--policy-type SERVICE_CONTROL_POLICY`:
//! `SCP_SYNTAX_ERROR_ACTION_WILDCARD`, an action whose wildcard is not at the end of its
//! string. (`SCP_SYNTAX_ERROR_PRINCIPAL` is the parser's `UNSUPPORTED_PRINCIPAL`, renamed in
//! `grammar`.)
//!
//! The reference of June 2023 also listed `Condition`, `NotAction` and resource ARNs in `Allow`
//! statements, and `NotResource`, as SCP errors (`SCP_SYNTAX_ERROR_ALLOW_CONDITION`,
//! `…_ALLOW_NOTACTION`, `…_ALLOW_RESOURCE`, `…_NOTRESOURCE`). AWS Organizations has since
//! announced full IAM policy language support for SCPs (AWS Security Blog, "AWS Organizations
//! service control policy now supports full IAM language", 2025), and the current reference
//! no longer lists those four checks, so they are not reported. The same announcement allows
//! wildcards "at the beginning or middle of the Action element strings", yet the current
//! reference still lists the action wildcard check; this module follows the reference.

use crate::{Document, Finding, ValidatePolicyType};
use keyaki_policy::Statement;

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    if document.policy_type != ValidatePolicyType::ServiceControl {
        return Vec::new();
    }
    document
        .policy
        .statements
        .iter()
        .flat_map(|statement| inner_action_wildcards(document, statement))
        .collect()
}

/// `SCP_SYNTAX_ERROR_ACTION_WILDCARD`: an `Action` or `NotAction` entry with a `*` before its
/// end (the reference: "you can specify `iam:Get*` but not `iam:*role`").
fn inner_action_wildcards(document: &Document<'_>, statement: &Statement) -> Vec<Finding> {
    statement
        .action
        .patterns
        .iter()
        .filter(|action| has_inner_star(&action.value.text))
        .filter_map(|action| {
            document.finding(
                "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
                &[("action", &action.value.text)],
                &[action.span],
            )
        })
        .collect()
}

/// Whether `action` has a `*` anywhere but at its end.
fn has_inner_star(action: &str) -> bool {
    action.trim_end_matches('*').contains('*')
}
