//! Managed policies a file attaches by ARN without holding their documents.
//!
//! A role's `PermissionsBoundary` and `ManagedPolicyArns` (a user's and a group's too), or
//! Terraform's `permissions_boundary`, `managed_policy_arns` and `*_policy_attachment`
//! `policy_arn`, name a managed policy. When that policy is defined in the same file
//! (CloudFormation: a `Ref` or `GetAtt` of an `AWS::IAM::ManagedPolicy`, or its ARN; Terraform:
//! the `arn` of an `aws_iam_policy` of the plan, or an ARN known only after apply, which only a
//! policy created by the same plan has) its document is found there and analysed. Any other
//! (an AWS managed policy, another stack's) counts in what the principal may do but cannot be
//! read here: it becomes a [`ManagedReference`], which `keyaki scan` reports as a warning, so
//! that it is never passed over in silence.

use crate::resolve::{Deployment, Resolver};
use crate::tree::{Entry, Node, Value};
use keyaki_policy::Span;

/// A managed policy attached by ARN whose document is not in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedReference {
    /// The resource attaching it: a logical id or a Terraform address.
    pub resource: String,
    /// Where: `PermissionsBoundary`, `ManagedPolicyArns[1]`, `policy_arn`.
    pub place: String,
    /// The policy's ARN, resolved (symbolic parts as `${Unresolved:…}`).
    pub arn: String,
    /// Where the ARN is written.
    pub span: Span,
}

/// The properties of a CloudFormation resource type that attach managed policies.
fn cfn_places(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "AWS::IAM::Role" | "AWS::IAM::User" => &["PermissionsBoundary", "ManagedPolicyArns"],
        "AWS::IAM::Group" => &["ManagedPolicyArns"],
        _ => &[],
    }
}

/// The managed policies a CloudFormation template attaches but does not define.
pub fn cfn_references(template: &Node, deployment: &Deployment) -> Vec<ManagedReference> {
    let Some(resources) = template.get("Resources") else {
        return Vec::new();
    };
    let mut resolver = Resolver::new(template, deployment);
    let defined = defined_policies(resources, &mut resolver);
    let mut references = Vec::new();
    for entry in resources.entries() {
        let resource = &entry.value;
        let condition = resource.get("Condition").and_then(Node::as_str);
        if condition.is_some_and(|c| resolver.condition(c) == Some(false)) {
            continue;
        }
        let kind = resource.get("Type").and_then(Node::as_str).unwrap_or("");
        let Some(properties) = resource.get("Properties") else {
            continue;
        };
        for place in cfn_places(kind) {
            let Some(written) = properties.get(place) else {
                continue;
            };
            for (at, arn) in arns_at(place, written, &mut resolver) {
                if names_defined(&arn, &defined) {
                    continue;
                }
                let text = resolver.resolve_value(&arn).scalar_text();
                if text.as_ref().is_some_and(|t| defined.arns.contains(t)) {
                    continue;
                }
                references.push(ManagedReference {
                    resource: entry.key.clone(),
                    place: at,
                    arn: text.unwrap_or_else(|| "?".into()),
                    span: arn.span,
                });
            }
        }
    }
    references
}

/// The template's `AWS::IAM::ManagedPolicy` resources: their logical ids and resolved ARNs.
struct Defined {
    ids: Vec<String>,
    arns: Vec<String>,
}

fn defined_policies(resources: &Node, resolver: &mut Resolver<'_>) -> Defined {
    let ids: Vec<String> = resources
        .entries()
        .iter()
        .filter(|e| e.value.get("Type").and_then(Node::as_str) == Some("AWS::IAM::ManagedPolicy"))
        .map(|e| e.key.clone())
        .collect();
    let arns = ids
        .iter()
        .filter_map(|id| {
            let reference = Node::new(
                Value::Map(vec![Entry {
                    key: "Ref".into(),
                    key_span: resources.span,
                    value: Node::string(id.clone(), resources.span),
                }]),
                resources.span,
            );
            resolver.resolve_value(&reference).scalar_text()
        })
        .collect();
    Defined { ids, arns }
}

/// `{"Ref": Id}` or `{"Fn::GetAtt": [Id, …]}` of a managed policy of the template.
fn names_defined(arn: &Node, defined: &Defined) -> bool {
    let target = match (arn.get("Ref"), arn.get("Fn::GetAtt")) {
        (Some(id), _) => id.as_str(),
        (
            None,
            Some(Node {
                value: Value::List(parts),
                ..
            }),
        ) => parts.first().and_then(Node::as_str),
        _ => None,
    };
    target.is_some_and(|id| defined.ids.iter().any(|d| d == id))
}

/// The ARN nodes of a place, as written (a list's items, resolved into a list if need be).
fn arns_at(place: &str, written: &Node, resolver: &mut Resolver<'_>) -> Vec<(String, Node)> {
    if place != "ManagedPolicyArns" {
        return vec![(place.to_string(), written.clone())];
    }
    let items = match &written.value {
        Value::List(items) => items.clone(),
        _ => match resolver.resolve_value(written).value {
            Value::List(items) => items,
            _ => vec![written.clone()],
        },
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| (format!("{place}[{index}]"), item))
        .collect()
}

/// The attributes of a Terraform resource type that attach managed policies.
fn terraform_places(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "aws_iam_role" => &["permissions_boundary", "managed_policy_arns"],
        "aws_iam_user" => &["permissions_boundary"],
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment" => &["policy_arn"],
        _ => &[],
    }
}

/// The managed policies a plan's resources (`resources`, every module's) attach by a known
/// ARN that is no `aws_iam_policy` of the plan.
pub fn terraform_references(resources: &[&Node]) -> Vec<ManagedReference> {
    let defined: Vec<&str> = resources
        .iter()
        .filter(|r| r.get("type").and_then(Node::as_str) == Some("aws_iam_policy"))
        .filter_map(|r| r.get("values")?.get("arn")?.as_str())
        .collect();
    let mut references = Vec::new();
    for resource in resources {
        let kind = resource.get("type").and_then(Node::as_str).unwrap_or("");
        let address = resource
            .get("address")
            .and_then(Node::as_str)
            .unwrap_or("?");
        let Some(values) = resource.get("values") else {
            continue;
        };
        for place in terraform_places(kind) {
            let arns: Vec<(String, &Node)> = match values.get(place) {
                Some(Node {
                    value: Value::List(items),
                    ..
                }) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("{place}[{i}]"), item))
                    .collect(),
                Some(one) => vec![(place.to_string(), one)],
                None => Vec::new(),
            };
            for (at, node) in arns {
                let Some(arn) = node.as_str().filter(|a| !a.is_empty()) else {
                    continue;
                };
                if !defined.contains(&arn) {
                    references.push(ManagedReference {
                        resource: address.to_string(),
                        place: at,
                        arn: arn.to_string(),
                        span: node.span,
                    });
                }
            }
        }
    }
    references
}
