//! Checks about the document as a whole: its version, its size, its statement ids, and
//! redundant statements (`redundant_statements`).

use crate::{Document, Finding, ValidatePolicyType, ValidateResourceType};
use keyaki_policy::Span;

/// IAM's quota for a managed policy, in characters without white space (IAM User Guide, "Policy
/// size exceeds identity policy quota": "the size of each managed policy cannot exceed the
/// default quota of 6,144 characters. IAM does not count white space").
const IDENTITY_POLICY_QUOTA: usize = 6_144;

/// AWS Organizations' quota for an SCP, in characters (white space counts for SCPs).
const SCP_QUOTA: usize = 5_120;

/// IAM's default quota for a role trust policy, in characters without white space (IAM User
/// Guide, "IAM and AWS STS quotas": "Role trust policy length", 2,048 characters by default;
/// an account may have it raised, which the finding's text tells the reader to consider).
const ROLE_TRUST_POLICY_QUOTA: usize = 2_048;

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(missing_version(document));
    findings.extend(size(document));
    findings.extend(empty_sids(document));
    findings.extend(unsupported_sids(document));
    findings.extend(crate::redundant_statements::findings(document));
    findings
}

/// `MISSING_VERSION`: no `Version` element.
fn missing_version(document: &Document<'_>) -> Option<Finding> {
    if document.policy.version.is_some() {
        return None;
    }
    let start = document.policy.span.start;
    document.finding("MISSING_VERSION", &[], &[Span::new(start, start + 1)])
}

/// `POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA`, `POLICY_SIZE_EXCEEDS_SCP_QUOTA` and, for a
/// resource policy named as a role trust policy, `POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA`.
fn size(document: &Document<'_>) -> Option<Finding> {
    let text = document.source.text();
    let without_white_space = || text.chars().filter(|c| !c.is_whitespace()).count();
    let (code, size, quota) = match (document.policy_type, document.resource_type) {
        (ValidatePolicyType::Identity, _) => (
            "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
            without_white_space(),
            IDENTITY_POLICY_QUOTA,
        ),
        (ValidatePolicyType::ServiceControl, _) => (
            "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
            text.chars().count(),
            SCP_QUOTA,
        ),
        (ValidatePolicyType::Resource, Some(ValidateResourceType::RoleTrustPolicy)) => (
            "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
            without_white_space(),
            ROLE_TRUST_POLICY_QUOTA,
        ),
        _ => return None,
    };
    if size <= quota {
        return None;
    }
    document.finding(
        code,
        &[
            ("policySize", &size.to_string()),
            ("policySizeQuota", &quota.to_string()),
        ],
        &[document.policy.span],
    )
}

/// `EMPTY_SID_VALUE`: `"Sid": ""`.
fn empty_sids(document: &Document<'_>) -> Vec<Finding> {
    document
        .policy
        .statements
        .iter()
        .filter_map(|statement| statement.sid.as_ref())
        .filter(|sid| sid.value.is_empty())
        .filter_map(|sid| document.finding("EMPTY_SID_VALUE", &[], &[sid.span]))
        .collect()
}

/// `UNSUPPORTED_SID`: a `Sid` with characters other than ASCII letters and digits, in a policy
/// attached to an identity or an organization (the reference: "The `Sid` element supports
/// uppercase letters, lowercase letters, and numbers"; resource policies such as bucket
/// policies accept more, so they are not judged).
fn unsupported_sids(document: &Document<'_>) -> Vec<Finding> {
    if !matches!(
        document.policy_type,
        ValidatePolicyType::Identity | ValidatePolicyType::ServiceControl
    ) {
        return Vec::new();
    }
    document
        .policy
        .statements
        .iter()
        .filter_map(|statement| statement.sid.as_ref())
        .filter(|sid| !sid.value.bytes().all(|b| b.is_ascii_alphanumeric()))
        .filter_map(|sid| document.finding("UNSUPPORTED_SID", &[], &[sid.span]))
        .collect()
}
