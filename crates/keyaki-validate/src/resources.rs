//! Checks on `Resource` and `NotResource`: the shape of each ARN, and ARNs another one of the
//! list already covers.
//!
//! An ARN is `arn:partition:service:region:account:resource` (IAM User Guide, "IAM
//! identifiers"). Only fields written without wildcards or variables are judged: `arn:aws:*:…`
//! may stand for anything, and a check that guessed would report correct policies.

use crate::catalog;
use crate::redundancy::{Element, Limits, redundant_patterns};
use crate::{Document, Finding};
use keyaki_policy::{Pattern, Span, Spanned};

/// The AWS partitions (IAM User Guide, "IAM identifiers": `aws`, `aws-cn`, `aws-us-gov`, and
/// the isolated and sovereign partitions).
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let limits = Limits::starting_now();
    for statement in &document.policy.statements {
        let Some(resource) = &statement.resource else {
            continue;
        };
        for pattern in &resource.patterns {
            findings.extend(malformed_arn(document, pattern));
        }
        findings.extend(redundant_resources(document, &resource.patterns, limits));
    }
    findings
}

/// Whether a field is plain text: no wildcard, no policy variable.
fn is_plain(field: &str) -> bool {
    !field.contains(['*', '?', '$'])
}

/// `INVALID_ARN_PREFIX`, `MISSING_ARN_FIELD`, `INVALID_PARTITION`, `INVALID_ARN_SERVICE_CASE`,
/// `INVALID_ARN_ACCOUNT`, `WILDCARD_IN_SERVICE_NAME`, `MISSING_ARN_REGION` (an empty Region
/// field where every ARN format of the service has one) and `INVALID_ARN_RESOURCE` (an ARN
/// written without wildcards that fits no resource type of its service): the first problem of
/// one ARN.
fn malformed_arn(document: &Document<'_>, pattern: &Spanned<Pattern>) -> Option<Finding> {
    let text = pattern.value.text.as_str();
    let at = [pattern.span];
    if text == "*" {
        return None;
    }
    let Some(rest) = text.strip_prefix("arn:") else {
        let written_prefix: String = text.chars().take_while(|c| is_plain_char(*c)).collect();
        let could_be_arn = "arn:".starts_with(&written_prefix) && written_prefix.len() < text.len();
        return (!could_be_arn)
            .then(|| document.finding("INVALID_ARN_PREFIX", &[], &at))
            .flatten();
    };
    let fields: Vec<&str> = rest.splitn(5, ':').collect();
    if fields.len() < 5 {
        if text.ends_with('*') {
            return None;
        }
        return document.finding("MISSING_ARN_FIELD", &[("fields", "6")], &at);
    }
    let [partition, service, region, account, _resource] = fields.as_slice() else {
        return None;
    };
    if is_plain(partition) && !PARTITIONS.contains(partition) {
        let partitions = PARTITIONS.join(", ");
        return document.finding(
            "INVALID_PARTITION",
            &[
                ("service", service),
                ("partition", partition),
                ("partitions", &partitions),
            ],
            &at,
        );
    }
    if service.contains(['*', '?']) && *service != "*" {
        return document.finding("WILDCARD_IN_SERVICE_NAME", &[], &at);
    }
    if is_plain(service) && service.chars().any(|c| c.is_ascii_uppercase()) {
        return document.finding("INVALID_ARN_SERVICE_CASE", &[("service", service)], &at);
    }
    if is_plain(account) && !is_account_field(account) {
        return document.finding("INVALID_ARN_ACCOUNT", &[("account", account)], &at);
    }
    if region.is_empty()
        && is_plain(service)
        && catalog::arn_service_requires_region(service) == Some(true)
    {
        return document.finding("MISSING_ARN_REGION", &[("service", service)], &at);
    }
    if is_plain(text) && catalog::arn_fits_a_resource_type(text) == Some(false) {
        return document.finding("INVALID_ARN_RESOURCE", &[], &at);
    }
    None
}

fn is_plain_char(c: char) -> bool {
    !matches!(c, '*' | '?' | '$')
}

/// An account field as ARNs write it: empty (S3, Route 53), 12 digits, or `aws` (AWS managed
/// policies, `arn:aws:iam::aws:policy/…`).
fn is_account_field(account: &str) -> bool {
    account.is_empty()
        || account == "aws"
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
}

/// `REDUNDANT_RESOURCE`: an ARN the other ARNs of the same list already cover, so that
/// removing it changes nothing (the reference's example: `role/jane-admin` and
/// `role/jane-s3only` beside `role/jane*`). Decided exactly by the automata, wildcards on both
/// sides, for `Resource` and `NotResource` alike ([`crate::redundancy`]); an ARN with a policy
/// variable only when it is covered whatever the variable's value.
fn redundant_resources(
    document: &Document<'_>,
    patterns: &[Spanned<Pattern>],
    limits: Limits,
) -> Vec<Finding> {
    let spans: Vec<Span> = redundant_patterns(patterns, Element::Resource, limits)
        .iter()
        .map(|pattern| pattern.span)
        .collect();
    if spans.is_empty() {
        return Vec::new();
    }
    document
        .finding(
            "REDUNDANT_RESOURCE",
            &[("redundantResourceCount", &spans.len().to_string())],
            &spans,
        )
        .into_iter()
        .collect()
}
