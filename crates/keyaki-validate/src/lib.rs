//! IAM Access Analyzer's policy validation, offline: findings with AWS's issue codes.
//!
//! `aws accessanalyzer validate-policy` answers a policy document with *findings*: each has an
//! issue code (`PASS_ROLE_WITH_STAR_IN_RESOURCE`), a finding type (error, security warning,
//! warning, suggestion), details, a link to its section of the IAM User Guide's "Access
//! Analyzer policy check reference", and the locations it is about. This crate gives the same
//! answer without a network call, in three layers:
//!
//! 1. **Grammar** (`grammar`): the policy parser's own diagnostics, each of which carries the
//!    issue code of the same problem ([`keyaki_policy::Diagnostic::code`]). A grammar error
//!    keyaki detects but the reference names no code for is reported as
//!    [`KEYAKI_GRAMMAR_ERROR`].
//! 2. **The catalogs** (`actions`, `resources`, `condition_keys`, `action_keys`): action names
//!    checked against the IAM actions keyaki knows (`keyaki_check::catalog`); resource ARNs
//!    against the ARN format and the resource types of their service, condition keys against
//!    the keys services declare, the global keys of the IAM User Guide and the keys each action
//!    supports (`catalog`, the service authorization reference as data).
//! 3. **Statements** (`permissive`, `conditions`, `condition_keys`, `trust`, `scp`, `attached`,
//!    `document`): the reference's security warnings, warnings and suggestions, and the errors
//!    of a resource policy for the resource it is attached to, each decided by reading the
//!    policy model.
//!
//! The checks read only the model and the spanned JSON tree: an ARN is compared with another
//! by the concrete evaluator's own matching (`keyaki_policy::eval::arn`), an action with the
//! catalog by the evaluator's wildcard matcher. The redundancy checks alone solve (`redundancy`
//! with the automata, `redundant_statements` with keyaki-check's questions), and report only
//! what they prove. Every code reported is one of the table in `codes` (a test holds the
//! parser's codes to it), and every code has a corpus case with the reference's sentence
//! (`corpus/validate/`).
#![forbid(unsafe_code)]

mod action_keys;
mod actions;
mod attached;
pub mod catalog;
pub mod codes;
mod condition_keys;
mod conditions;
mod document;
mod grammar;
pub mod path;
mod permissive;
mod redundancy;
mod redundant_statements;
mod resources;
mod scp;
mod trust;

pub use codes::{FindingType, Issue};
pub use grammar::KEYAKI_GRAMMAR_ERROR;
pub use path::{Location, PathElement, Position};

use keyaki_policy::{
    Json, ParseOptions, Policy, PolicyType, SourceFile, Span, Spanned, parse_policy, read_json,
};

/// The `--policy-type` of `validate-policy`, as Access Analyzer names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidatePolicyType {
    /// Attached to a user, group or role (also permissions boundaries).
    Identity,
    /// Attached to a resource (bucket policies, role trust policies, …).
    Resource,
    /// An AWS Organizations service control policy.
    ServiceControl,
    /// An AWS Organizations resource control policy.
    ResourceControl,
}

impl ValidatePolicyType {
    /// The name on the command line and in the API (`SERVICE_CONTROL_POLICY`).
    pub fn aws_name(self) -> &'static str {
        match self {
            ValidatePolicyType::Identity => "IDENTITY_POLICY",
            ValidatePolicyType::Resource => "RESOURCE_POLICY",
            ValidatePolicyType::ServiceControl => "SERVICE_CONTROL_POLICY",
            ValidatePolicyType::ResourceControl => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// How the parser reads it: an SCP has no `Principal`, as an identity policy; an RCP names
    /// its principals, as a resource policy.
    fn grammar(self) -> PolicyType {
        match self {
            ValidatePolicyType::Identity | ValidatePolicyType::ServiceControl => {
                PolicyType::Identity
            }
            ValidatePolicyType::Resource | ValidatePolicyType::ResourceControl => {
                PolicyType::Resource
            }
        }
    }

    /// Whether its `Allow` statements grant access (SCPs and RCPs only limit it).
    fn grants(self) -> bool {
        matches!(
            self,
            ValidatePolicyType::Identity | ValidatePolicyType::Resource
        )
    }
}

/// The `--validate-policy-resource-type` of `validate-policy`: the resource a resource policy
/// is attached to, which some checks depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateResourceType {
    /// `AWS::S3::Bucket`.
    S3Bucket,
    /// `AWS::S3::AccessPoint`.
    S3AccessPoint,
    /// `AWS::S3::MultiRegionAccessPoint`.
    S3MultiRegionAccessPoint,
    /// `AWS::S3ObjectLambda::AccessPoint`.
    S3ObjectLambdaAccessPoint,
    /// `AWS::IAM::AssumeRolePolicyDocument`: a role trust policy.
    RoleTrustPolicy,
    /// `AWS::DynamoDB::Table`.
    DynamoDbTable,
}

impl ValidateResourceType {
    /// Every resource type, in the API's order.
    pub const ALL: &'static [ValidateResourceType] = &[
        ValidateResourceType::S3Bucket,
        ValidateResourceType::S3AccessPoint,
        ValidateResourceType::S3MultiRegionAccessPoint,
        ValidateResourceType::S3ObjectLambdaAccessPoint,
        ValidateResourceType::RoleTrustPolicy,
        ValidateResourceType::DynamoDbTable,
    ];

    /// The name on the command line and in the API (`AWS::S3::Bucket`).
    pub fn aws_name(self) -> &'static str {
        match self {
            ValidateResourceType::S3Bucket => "AWS::S3::Bucket",
            ValidateResourceType::S3AccessPoint => "AWS::S3::AccessPoint",
            ValidateResourceType::S3MultiRegionAccessPoint => "AWS::S3::MultiRegionAccessPoint",
            ValidateResourceType::S3ObjectLambdaAccessPoint => "AWS::S3ObjectLambda::AccessPoint",
            ValidateResourceType::RoleTrustPolicy => "AWS::IAM::AssumeRolePolicyDocument",
            ValidateResourceType::DynamoDbTable => "AWS::DynamoDB::Table",
        }
    }

    /// The resource type with this API name.
    pub fn from_aws_name(name: &str) -> Option<ValidateResourceType> {
        Self::ALL.iter().copied().find(|t| t.aws_name() == name)
    }
}

/// One finding, as `validate-policy` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check: issue code, finding type, link.
    pub issue: &'static Issue,
    /// The `findingDetails` text.
    pub details: String,
    /// The places it is about (at least one).
    pub locations: Vec<Location>,
}

impl Finding {
    /// Where the finding starts, for ordering and rendering.
    pub fn span(&self) -> Span {
        self.locations
            .first()
            .map_or(Span::new(0, 0), |location| location.span)
    }
}

/// Validates a policy document as `policy_type`, returning every finding in document order.
pub fn validate_policy(source: &SourceFile, policy_type: ValidatePolicyType) -> Vec<Finding> {
    validate_policy_for(source, policy_type, None)
}

/// Validates a resource policy for the resource it is attached to (a role trust policy, a
/// bucket policy, …); with `None`, only the checks that apply to every policy of its type.
pub fn validate_policy_for(
    source: &SourceFile,
    policy_type: ValidatePolicyType,
    resource_type: Option<ValidateResourceType>,
) -> Vec<Finding> {
    let tree = match read_json(source, ParseOptions::default()) {
        Ok(tree) => tree,
        Err(diagnostic) => return grammar::findings(&[diagnostic], None, policy_type),
    };
    let options = ParseOptions {
        policy_type: Some(policy_type.grammar()),
        ..ParseOptions::default()
    };
    let mut findings = match parse_policy(source, options) {
        Ok(parsed) => {
            let document = Document {
                source,
                tree: &tree,
                policy: &parsed.policy,
                policy_type,
                resource_type,
            };
            let mut findings = grammar::findings(&parsed.warnings, Some(&tree), policy_type);
            findings.extend(document::findings(&document));
            findings.extend(actions::findings(&document));
            findings.extend(resources::findings(&document));
            findings.extend(permissive::findings(&document));
            findings.extend(conditions::findings(&document));
            findings.extend(condition_keys::findings(&document));
            findings.extend(action_keys::findings(&document));
            findings.extend(trust::findings(&document));
            findings.extend(scp::findings(&document));
            findings.extend(attached::findings(&document));
            findings
        }
        Err(diagnostics) => grammar::findings(&diagnostics, Some(&tree), policy_type),
    };
    findings.sort_by_key(|f| (f.span().start, f.issue.finding_type, f.issue.code));
    findings
}

/// What every check reads: the document, its JSON tree and its model.
pub(crate) struct Document<'a> {
    source: &'a SourceFile,
    tree: &'a Spanned<Json>,
    policy: &'a Policy,
    policy_type: ValidatePolicyType,
    resource_type: Option<ValidateResourceType>,
}

impl Document<'_> {
    /// A finding of the check `code` about `spans`, its details filled with `values`; `None`
    /// only if `code` is not in the table, which the tests rule out.
    fn finding(&self, code: &str, values: &[(&str, &str)], spans: &[Span]) -> Option<Finding> {
        let issue = codes::issue(code)?;
        Some(Finding {
            issue,
            details: issue.details_with(values),
            locations: spans
                .iter()
                .map(|&span| Location::of(self.tree, span))
                .collect(),
        })
    }
}
