//! Checks of a resource policy against the resource it is attached to
//! (`--validate-policy-resource-type`): a bucket policy can only be about its bucket, a table
//! policy only about its table.
//!
//! - `UNSUPPORTED_ACTION_IN_POLICY`: an action of another service (the reference: "AWS Key
//!   Management Service actions aren't supported in Amazon S3 bucket policies").
//! - `UNSUPPORTED_RESOURCE_ARN_IN_POLICY`: an ARN of another service ("AWS KMS ARNs aren't
//!   supported in the `Resource` element for Amazon S3 bucket policies").
//!
//! Only the service is judged, and only where it is written out: `*`, an action or ARN whose
//! service is written with a wildcard or a variable, and `NotAction`/`NotResource` are not.
//! A role trust policy has checks of its own (`trust`).

use crate::{Document, Finding, ValidateResourceType};
use keyaki_policy::{PatternList, Statement};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let Some(resource_type) = document.resource_type else {
        return Vec::new();
    };
    let services = services_of(resource_type);
    if services.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        findings.extend(foreign_actions(
            document,
            statement,
            services,
            resource_type,
        ));
        findings.extend(foreign_arns(document, statement, services, resource_type));
    }
    findings
}

/// The services whose actions and ARNs a policy attached to `resource_type` may name; none
/// for a role trust policy, which `trust` judges.
fn services_of(resource_type: ValidateResourceType) -> &'static [&'static str] {
    match resource_type {
        ValidateResourceType::S3Bucket
        | ValidateResourceType::S3AccessPoint
        | ValidateResourceType::S3MultiRegionAccessPoint => &["s3"],
        ValidateResourceType::S3ObjectLambdaAccessPoint => &["s3-object-lambda", "s3"],
        ValidateResourceType::DynamoDbTable => &["dynamodb"],
        ValidateResourceType::RoleTrustPolicy => &[],
    }
}

/// `UNSUPPORTED_ACTION_IN_POLICY`, one finding per action of another service.
fn foreign_actions(
    document: &Document<'_>,
    statement: &Statement,
    services: &[&str],
    resource_type: ValidateResourceType,
) -> Vec<Finding> {
    if statement.action.negated {
        return Vec::new();
    }
    statement
        .action
        .patterns
        .iter()
        .filter(|pattern| {
            let service = pattern
                .value
                .text
                .split_once(':')
                .map(|(service, _)| service);
            service.is_some_and(|service| is_foreign(service, services))
        })
        .filter_map(|pattern| {
            document.finding(
                "UNSUPPORTED_ACTION_IN_POLICY",
                &[
                    ("action", &pattern.value.text),
                    ("resourceType", resource_type.aws_name()),
                ],
                &[pattern.span],
            )
        })
        .collect()
}

/// `UNSUPPORTED_RESOURCE_ARN_IN_POLICY`, one finding per ARN of another service.
fn foreign_arns(
    document: &Document<'_>,
    statement: &Statement,
    services: &[&str],
    resource_type: ValidateResourceType,
) -> Vec<Finding> {
    let Some(PatternList {
        negated: false,
        patterns,
        ..
    }) = &statement.resource
    else {
        return Vec::new();
    };
    patterns
        .iter()
        .filter(|pattern| {
            let text = &pattern.value.text;
            let service = text
                .strip_prefix("arn:")
                .and_then(|rest| rest.split(':').nth(1));
            service.is_some_and(|service| is_foreign(service, services))
        })
        .filter_map(|pattern| {
            document.finding(
                "UNSUPPORTED_RESOURCE_ARN_IN_POLICY",
                &[("resourceType", resource_type.aws_name())],
                &[pattern.span],
            )
        })
        .collect()
}

/// Whether a service written out in full is none of `services`.
fn is_foreign(service: &str, services: &[&str]) -> bool {
    !service.is_empty()
        && !service.contains(['*', '?', '$'])
        && !services.iter().any(|s| s.eq_ignore_ascii_case(service))
}
