//! The parser's diagnostics as findings.
//!
//! The parser gives each problem Access Analyzer has a check for the check's issue code
//! (`Diagnostic::code`); this module only looks the code up. The details are keyaki's own
//! message, which names the offending text exactly. An *error* without a code is something IAM
//! rejects that the reference names no check for (a document over the size limit, a malformed
//! policy variable); it is still reported, as [`KEYAKI_GRAMMAR_ERROR`], because a policy that
//! does not parse must never look clean. A *warning* without a code is keyaki's own advice and
//! is left to `keyaki validate`.

use crate::codes::{self, FindingType, Issue};
use crate::path::Location;
use crate::{Finding, ValidatePolicyType};
use keyaki_policy::{Diagnostic, Json, Spanned};

/// keyaki's code for a grammar error that the reference names no check for.
pub static KEYAKI_GRAMMAR_ERROR: Issue = Issue {
    code: "KEYAKI_GRAMMAR_ERROR",
    finding_type: FindingType::Error,
    anchor: "",
    details: "",
};

/// The findings for the parser's diagnostics.
pub(crate) fn findings(
    diagnostics: &[Diagnostic],
    tree: Option<&Spanned<Json>>,
    policy_type: ValidatePolicyType,
) -> Vec<Finding> {
    diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let issue = match diagnostic.code {
                Some(code) => codes::issue(renamed(code.as_str(), policy_type))?,
                None if diagnostic.is_error() => &KEYAKI_GRAMMAR_ERROR,
                None => return None,
            };
            let location = match tree {
                Some(tree) => Location::of(tree, diagnostic.span),
                None => Location::at(Vec::new(), diagnostic.span),
            };
            Some(Finding {
                issue,
                details: diagnostic.message.clone(),
                locations: vec![location],
            })
        })
        .collect()
}

/// The code of the same problem in a service control policy, where the reference has its own.
fn renamed(code: &'static str, policy_type: ValidatePolicyType) -> &'static str {
    match (code, policy_type) {
        ("UNSUPPORTED_PRINCIPAL", ValidatePolicyType::ServiceControl) => {
            "SCP_SYNTAX_ERROR_PRINCIPAL"
        }
        _ => code,
    }
}
