//! Policies that remember where they came from, and the set of them that decides one request.
//!
//! A [`Scenario`] holds bare [`Policy`] values: that is all the evaluator needs. People and
//! the simulate commands also want to know *which* policy a matched statement belongs to
//! (`AmazonS3ReadOnlyAccess`, the inline policy `deploy` of role `ci`) and where it is written.
//! A [`SourcedPolicy`] is a policy with its name, its kind (as the IAM simulator's
//! `SourcePolicyType` names it) and its document; a [`PolicySet`] is a scenario's policies in
//! that form, which gives the scenario and finds the source of any policy the evaluation's
//! trace names by (layer, level, index).

use crate::diagnostic::SourceFile;
use crate::eval::scenario::Layer;
use crate::model::Policy;
use crate::request::Request;
use crate::scenario::Scenario;
use crate::span::{LineColumn, Span};
use std::sync::Arc;

/// What kind of policy a [`SourcedPolicy`] is, in the simulator's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// An inline policy of an IAM user.
    User,
    /// An inline policy of an IAM group.
    Group,
    /// An inline policy of an IAM role.
    Role,
    /// A managed policy that AWS maintains (`arn:aws:iam::aws:policy/…`).
    AwsManaged,
    /// A customer managed policy.
    UserManaged,
    /// A resource-based policy.
    Resource,
    /// A policy given on the command line (`--policy-input-list`, a boundary).
    Input,
    /// An SCP or RCP of the organization.
    Organization,
    /// A VPC endpoint policy.
    VpcEndpoint,
}

impl SourceKind {
    /// The simulator's `SourcePolicyType` (`user`, `group`, `role`, `aws-managed`,
    /// `user-managed`, `resource`, `none`); the kinds it has no name for are `none`.
    pub fn aws_name(self) -> &'static str {
        match self {
            SourceKind::User => "user",
            SourceKind::Group => "group",
            SourceKind::Role => "role",
            SourceKind::AwsManaged => "aws-managed",
            SourceKind::UserManaged => "user-managed",
            SourceKind::Resource => "resource",
            SourceKind::Input | SourceKind::Organization | SourceKind::VpcEndpoint => "none",
        }
    }

    /// The kind of a managed policy, by its ARN.
    pub fn of_managed(arn: &str) -> SourceKind {
        if arn.split(':').nth(4) == Some("aws") {
            SourceKind::AwsManaged
        } else {
            SourceKind::UserManaged
        }
    }
}

/// A policy with its name, kind and document.
#[derive(Debug, Clone)]
pub struct SourcedPolicy {
    /// Its name: a policy name, a resource ARN, an SCP's name, `PolicyInputList.1`.
    pub id: String,
    /// Its kind.
    pub kind: SourceKind,
    /// The policy.
    pub policy: Policy,
    /// The document its spans point into.
    pub source: Arc<SourceFile>,
    /// Where the policy document starts in `source` (0 for a document of its own).
    pub start: usize,
}

impl SourcedPolicy {
    /// A policy read from a document of its own.
    pub fn standalone(id: &str, kind: SourceKind, policy: Policy, source: SourceFile) -> Self {
        SourcedPolicy {
            id: id.to_string(),
            kind,
            policy,
            source: Arc::new(source),
            start: 0,
        }
    }

    /// The line and column of `offset`, counted from the policy document's first character
    /// (as the simulator's `StartPosition` counts them).
    pub fn position(&self, offset: usize) -> LineColumn {
        let document = self.source.line_column(self.start);
        let at = self.source.line_column(offset);
        let line = at.line.saturating_sub(document.line) + 1;
        let column = if at.line == document.line {
            at.column.saturating_sub(document.column) + 1
        } else {
            at.column
        };
        LineColumn { line, column }
    }

    /// `file:line:column` of a span in the file that holds the policy.
    pub fn location(&self, span: Span) -> String {
        self.source.location(span)
    }
}

/// Every policy that decides a request, each with its source (the fields of a [`Scenario`]).
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// The caller's identity-based policies.
    pub identity_policies: Vec<Arc<SourcedPolicy>>,
    /// The caller's permissions boundaries.
    pub permissions_boundaries: Vec<Arc<SourcedPolicy>>,
    /// The resource's resource-based policy.
    pub resource_policy: Option<Arc<SourcedPolicy>>,
    /// SCPs per organization level of the caller's account, root first.
    pub service_control_policies: Vec<Vec<Arc<SourcedPolicy>>>,
    /// RCPs per organization level of the resource owner's account, root first.
    pub resource_control_policies: Vec<Vec<Arc<SourcedPolicy>>>,
    /// VPC endpoint policies on the request's path.
    pub vpc_endpoint_policies: Vec<Arc<SourcedPolicy>>,
    /// The resource's owner, when the resource ARN does not name it.
    pub resource_owner: Option<String>,
    /// The organization's management account.
    pub management_account: Option<String>,
}

fn bare(policies: &[Arc<SourcedPolicy>]) -> Vec<Policy> {
    policies.iter().map(|p| p.policy.clone()).collect()
}

impl PolicySet {
    /// The scenario of `request` with these policies.
    pub fn scenario(&self, request: Request) -> Scenario {
        Scenario {
            request,
            resource_span: Span::default(),
            resource_owner: self.resource_owner.clone(),
            management_account: self.management_account.clone(),
            identity_policies: bare(&self.identity_policies),
            permissions_boundaries: bare(&self.permissions_boundaries),
            session_policy: None,
            resource_policy: self.resource_policy.as_ref().map(|p| p.policy.clone()),
            service_control_policies: self
                .service_control_policies
                .iter()
                .map(|level| bare(level))
                .collect(),
            resource_control_policies: self
                .resource_control_policies
                .iter()
                .map(|level| bare(level))
                .collect(),
            vpc_endpoint_policies: bare(&self.vpc_endpoint_policies),
        }
    }

    /// The source of the policy an evaluation trace names (`PolicyTrace::level` and `index`
    /// of the layer); boundaries and endpoint policies are one per level.
    pub fn source(&self, layer: Layer, level: usize, index: usize) -> Option<&SourcedPolicy> {
        let found = match layer {
            Layer::Identity => self.identity_policies.get(index),
            Layer::PermissionsBoundary => self.permissions_boundaries.get(level),
            Layer::VpcEndpoint => self.vpc_endpoint_policies.get(level),
            Layer::Resource => self.resource_policy.as_ref(),
            Layer::ServiceControl => self
                .service_control_policies
                .get(level)
                .and_then(|l| l.get(index)),
            Layer::ResourceControl => self
                .resource_control_policies
                .get(level)
                .and_then(|l| l.get(index)),
            Layer::Session => None,
        };
        found.map(Arc::as_ref)
    }
}
