//! Where policies live in a CloudFormation template.
//!
//! Each resource type that holds a policy document names the property that holds it and
//! whether it is an identity or a resource policy ([`placements`]); `AWS::Lambda::Permission`
//! holds no document, so the statement it stands for is built from its properties
//! ([`lambda_permission`]). A resource whose `Condition` is decidably false is not deployed
//! and is left out; every other one is read.

use crate::emit::{LocationMap, write_json};
use crate::resolve::{Deployment, Resolved, Resolver};
use crate::tree::{Entry, Node, Value};
use crate::{FoundPolicy, Unanalysed, mentions_principal};
use keyaki_policy::{Diagnostic, PolicyType, SourceFile};

/// Where a policy document sits in a resource's properties.
enum Placement {
    /// One document at this property path: `A.B` steps into a map, `A[].B` into every item
    /// of the list `A` (a document per item).
    Document {
        property: &'static str,
        policy_type: PolicyType,
        resource_type: Option<&'static str>,
        /// The property that names the policy, if any (else the document's property).
        name_property: Option<&'static str>,
    },
    /// `Policies: [{PolicyName, PolicyDocument}]`, inline identity policies.
    Inline,
}

/// The policies a resource type holds.
fn placements(resource_type: &str) -> Vec<Placement> {
    let document = |property, policy_type, resource_type, name_property| Placement::Document {
        property,
        policy_type,
        resource_type,
        name_property,
    };
    use PolicyType::{Identity, Resource};
    match resource_type {
        "AWS::IAM::Role" => vec![
            document(
                "AssumeRolePolicyDocument",
                Resource,
                Some("AWS::IAM::AssumeRolePolicyDocument"),
                None,
            ),
            Placement::Inline,
        ],
        "AWS::IAM::User" | "AWS::IAM::Group" => vec![Placement::Inline],
        "AWS::IAM::Policy" => vec![document(
            "PolicyDocument",
            Identity,
            None,
            Some("PolicyName"),
        )],
        "AWS::IAM::ManagedPolicy" => vec![document(
            "PolicyDocument",
            Identity,
            None,
            Some("ManagedPolicyName"),
        )],
        "AWS::S3::BucketPolicy" => vec![document(
            "PolicyDocument",
            Resource,
            Some("AWS::S3::Bucket"),
            None,
        )],
        "AWS::S3::AccessPoint" => vec![document(
            "Policy",
            Resource,
            Some("AWS::S3::AccessPoint"),
            None,
        )],
        "AWS::SQS::QueuePolicy" => vec![document(
            "PolicyDocument",
            Resource,
            Some("AWS::SQS::Queue"),
            None,
        )],
        "AWS::SNS::TopicPolicy" => vec![document(
            "PolicyDocument",
            Resource,
            Some("AWS::SNS::Topic"),
            None,
        )],
        "AWS::KMS::Key" => vec![document("KeyPolicy", Resource, Some("AWS::KMS::Key"), None)],
        "AWS::ECR::Repository" => vec![document("RepositoryPolicyText", Resource, None, None)],
        "AWS::SecretsManager::ResourcePolicy" => vec![document(
            "ResourcePolicy",
            Resource,
            Some("AWS::SecretsManager::Secret"),
            None,
        )],
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            vec![document(
                "PolicyDocument",
                Identity,
                None,
                Some("PolicyName"),
            )]
        }
        "AWS::SNS::TopicInlinePolicy" => vec![document(
            "PolicyDocument",
            Resource,
            Some("AWS::SNS::Topic"),
            None,
        )],
        "AWS::SQS::QueueInlinePolicy" => vec![document(
            "PolicyDocument",
            Resource,
            Some("AWS::SQS::Queue"),
            None,
        )],
        "AWS::EFS::FileSystem" => vec![document(
            "FileSystemPolicy",
            Resource,
            Some("AWS::EFS::FileSystem"),
            None,
        )],
        "AWS::OpenSearchService::Domain" => vec![document(
            "AccessPolicies",
            Resource,
            Some("AWS::OpenSearchService::Domain"),
            None,
        )],
        "AWS::ApiGateway::RestApi" => vec![document(
            "Policy",
            Resource,
            Some("AWS::ApiGateway::RestApi"),
            None,
        )],
        "AWS::Backup::BackupVault" => vec![document(
            "AccessPolicy",
            Resource,
            Some("AWS::Backup::BackupVault"),
            None,
        )],
        "AWS::Kinesis::ResourcePolicy" => vec![document(
            "ResourcePolicy",
            Resource,
            Some("AWS::Kinesis::Stream"),
            None,
        )],
        "AWS::S3Express::BucketPolicy" => vec![document(
            "PolicyDocument",
            Resource,
            Some("AWS::S3Express::DirectoryBucket"),
            None,
        )],
        "AWS::S3Tables::TableBucketPolicy" => vec![document(
            "ResourcePolicy",
            Resource,
            Some("AWS::S3Tables::TableBucket"),
            None,
        )],
        "AWS::CodeArtifact::Domain" => vec![document(
            "PermissionsPolicyDocument",
            Resource,
            Some("AWS::CodeArtifact::Domain"),
            None,
        )],
        "AWS::DynamoDB::Table" => vec![
            document(
                "ResourcePolicy.PolicyDocument",
                Resource,
                Some("AWS::DynamoDB::Table"),
                None,
            ),
            document(
                "StreamSpecification.ResourcePolicy.PolicyDocument",
                Resource,
                Some("AWS::DynamoDB::Stream"),
                None,
            ),
        ],
        "AWS::DynamoDB::GlobalTable" => vec![
            document(
                "Replicas[].ResourcePolicy.PolicyDocument",
                Resource,
                Some("AWS::DynamoDB::Table"),
                None,
            ),
            document(
                "Replicas[].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument",
                Resource,
                Some("AWS::DynamoDB::Stream"),
                None,
            ),
        ],
        "AWS::Events::EventBus" => vec![document("Policy", Resource, None, None)],
        // Both hold the document as a JSON string.
        "AWS::Logs::ResourcePolicy" => {
            vec![document(
                "PolicyDocument",
                Resource,
                None,
                Some("PolicyName"),
            )]
        }
        "AWS::Logs::Destination" => vec![document(
            "DestinationPolicy",
            Resource,
            None,
            Some("DestinationName"),
        )],
        _ => Vec::new(),
    }
}

/// Every policy of the template, in resource order, and those whose place holds something
/// that is not a policy (an error: a policy is never left out in silence).
pub fn policies(template: &Node, deployment: &Deployment) -> (Vec<FoundPolicy>, Vec<Unanalysed>) {
    let mut resolver = Resolver::new(template, deployment);
    let mut found = Vec::new();
    let mut unanalysed = Vec::new();
    let Some(resources) = template.get("Resources") else {
        return (found, unanalysed);
    };
    for entry in resources.entries() {
        let logical_id = entry.key.as_str();
        let resource = &entry.value;
        let condition = resource.get("Condition").and_then(Node::as_str);
        if condition.is_some_and(|c| resolver.condition(c) == Some(false)) {
            continue;
        }
        let kind = resource.get("Type").and_then(Node::as_str).unwrap_or("");
        let Some(properties) = resource.get("Properties") else {
            continue;
        };
        if kind == "AWS::Lambda::Permission" {
            let document = lambda_permission(properties, &mut resolver);
            found.push(finish(
                logical_id,
                "LambdaPermission".into(),
                PolicyType::Resource,
                Some("AWS::Lambda::Function"),
                &document,
                &mut resolver,
            ));
            continue;
        }
        if kind == "AWS::Events::EventBusPolicy" {
            let document = crate::event_bus::event_bus_policy(properties, &mut resolver);
            found.push(finish(
                logical_id,
                "EventBusPolicy".into(),
                PolicyType::Resource,
                None,
                &document,
                &mut resolver,
            ));
            continue;
        }
        for placement in placements(kind) {
            match placement {
                Placement::Document {
                    property,
                    policy_type,
                    resource_type,
                    name_property,
                } => {
                    let steps: Vec<&str> = property.split('.').collect();
                    let mut place = Place {
                        resolver: &mut resolver,
                        logical_id,
                        unanalysed: &mut unanalysed,
                        documents: Vec::new(),
                    };
                    place.walk(properties, &steps, String::new());
                    let documents = place.documents;
                    for (reached, document) in documents {
                        let name = name_property
                            .and_then(|p| properties.get(p))
                            .map(|n| resolver.resolve_value(n))
                            .and_then(|n| n.scalar_text())
                            .unwrap_or_else(|| policy_name_of(&reached));
                        let document = resolver.resolve_value(&document);
                        found.push(finish(
                            logical_id,
                            name,
                            policy_type,
                            resource_type,
                            &document,
                            &mut resolver,
                        ));
                    }
                }
                Placement::Inline => {
                    let Some(policies) = properties.get("Policies") else {
                        continue;
                    };
                    for (index, item) in
                        inline_policies(policies, &mut resolver, &mut unanalysed, logical_id)
                            .iter()
                            .enumerate()
                    {
                        let name = item
                            .get("PolicyName")
                            .and_then(Node::scalar_text)
                            .unwrap_or_else(|| format!("Policies[{index}]"));
                        let Some(document) = item.get("PolicyDocument") else {
                            unanalysed.push(shape_error(
                                logical_id,
                                &name,
                                item,
                                "an inline policy without `PolicyDocument`",
                            ));
                            continue;
                        };
                        found.push(finish(
                            logical_id,
                            name,
                            PolicyType::Identity,
                            None,
                            document,
                            &mut resolver,
                        ));
                    }
                }
            }
        }
        // What was said while deciding this resource's condition concerns no policy of it.
        resolver.warnings.clear();
        resolver.undecided.clear();
    }
    (found, unanalysed)
}

/// A walk down a property path to the documents it reaches.
struct Place<'r, 't> {
    resolver: &'r mut Resolver<'t>,
    logical_id: &'r str,
    unanalysed: &'r mut Vec<Unanalysed>,
    /// Each document reached, with the path that reached it (`Replicas[1].ResourcePolicy`).
    documents: Vec<(String, Node)>,
}

impl Place<'_, '_> {
    /// Follows `steps` from `node`. A property left out holds no policy; a step through
    /// something that is not a map (or, for `A[]`, a list), even once its intrinsics are
    /// resolved, is an error: its policies cannot be read, and are not passed over.
    fn walk(&mut self, node: &Node, steps: &[&str], reached: String) {
        let Some((step, rest)) = steps.split_first() else {
            self.documents.push((reached, node.clone()));
            return;
        };
        let (name, each) = match step.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (*step, false),
        };
        let Some(map) = self.shaped(node, &reached, |v| matches!(v, Value::Map(_)), "a map") else {
            return;
        };
        let Some(child) = map.get(name) else {
            return;
        };
        let reached = if reached.is_empty() {
            name.to_string()
        } else {
            format!("{reached}.{name}")
        };
        if !each {
            return self.walk(child, rest, reached);
        }
        let Some(list) = self.shaped(child, &reached, |v| matches!(v, Value::List(_)), "a list")
        else {
            return;
        };
        if let Value::List(items) = &list.value {
            for (index, item) in items.iter().enumerate() {
                self.walk(item, rest, format!("{reached}[{index}]"));
            }
        }
    }

    /// `node` if it has the shape `is` wants, else resolved (an `Fn::If`); `null` (a property
    /// set to `AWS::NoValue`) is none; any other shape is an error.
    fn shaped(
        &mut self,
        node: &Node,
        reached: &str,
        is: impl Fn(&Value) -> bool,
        shape: &str,
    ) -> Option<Node> {
        if is(&node.value) {
            return Some(node.clone());
        }
        let resolved = self.resolver.resolve_value(node);
        if is(&resolved.value) {
            return Some(resolved);
        }
        if resolved.value != Value::Null {
            let place = if reached.is_empty() {
                "`Properties`".to_string()
            } else {
                format!("`{reached}`")
            };
            let what = format!("{place} is {}, not {shape}", resolved.type_name());
            self.unanalysed
                .push(shape_error(self.logical_id, reached, node, &what));
        }
        None
    }
}

/// A policy's name from the path that reached its document: the property (`KeyPolicy`), or
/// the path to the `PolicyDocument` (`Replicas[0].ResourcePolicy`).
fn policy_name_of(reached: &str) -> String {
    reached
        .strip_suffix(".PolicyDocument")
        .unwrap_or(reached)
        .to_string()
}

/// The resolved items of `Policies`: a list item by item (so that each policy keeps its own
/// warnings), anything else (an `Fn::If`) resolved whole. Not a list: an error.
fn inline_policies(
    policies: &Node,
    resolver: &mut Resolver<'_>,
    unanalysed: &mut Vec<Unanalysed>,
    logical_id: &str,
) -> Vec<Node> {
    let items = match &policies.value {
        Value::List(items) => items.clone(),
        _ => match resolver.resolve_value(policies).value {
            Value::List(items) => items,
            Value::Null => Vec::new(),
            _ => {
                unanalysed.push(shape_error(
                    logical_id,
                    "Policies",
                    policies,
                    "`Policies` is not a list",
                ));
                return Vec::new();
            }
        },
    };
    let mut resolved = Vec::new();
    for item in &items {
        match resolver.resolve(item) {
            Resolved::One(node) => resolved.push(node),
            Resolved::Spliced(nodes) => resolved.extend(nodes),
            Resolved::Removed => {}
        }
    }
    resolved
}

/// A policy's place that holds something else.
fn shape_error(logical_id: &str, policy_name: &str, node: &Node, what: &str) -> Unanalysed {
    Unanalysed {
        resource: logical_id.to_string(),
        policy_name: policy_name.to_string(),
        diagnostic: Diagnostic::error(
            format!("{what} in `{logical_id}`; its policies cannot be read"),
            node.span,
        ),
    }
}

/// A found policy from its resolved document, taking the resolver's warnings.
fn finish(
    logical_id: &str,
    policy_name: String,
    policy_type: PolicyType,
    resource_type: Option<&'static str>,
    document: &Node,
    resolver: &mut Resolver<'_>,
) -> FoundPolicy {
    let name = format!("{logical_id}/{policy_name}");
    let (source, locations) = match document.as_str() {
        // A document written as a JSON string: read it, everything maps to the string.
        Some(text) => (
            SourceFile::new(name, text.as_bytes().to_vec()),
            LocationMap::whole(document.span),
        ),
        None => {
            let (text, locations) = write_json(document);
            (SourceFile::new(name, text.into_bytes()), locations)
        }
    };
    // A trust policy is a resource policy whatever it says; other documents as placed.
    let policy_type = match document.as_str() {
        Some(_) => policy_type,
        None if policy_type == PolicyType::Resource || mentions_principal(document) => {
            PolicyType::Resource
        }
        None => policy_type,
    };
    FoundPolicy {
        resource: logical_id.to_string(),
        policy_name,
        policy_type,
        resource_type,
        source,
        locations,
        span: document.span,
        warnings: std::mem::take(&mut resolver.warnings),
        undecided_conditions: std::mem::take(&mut resolver.undecided),
    }
}

/// The resource policy statement an `AWS::Lambda::Permission` stands for, as Lambda writes it
/// into the function's policy: `Principal` (a service when it ends in `.amazonaws.com`),
/// `Action`, the function's ARN as `Resource`, and `SourceArn`, `SourceAccount`,
/// `PrincipalOrgID`, `FunctionUrlAuthType` as conditions (Lambda Developer Guide, "Using
/// resource-based policies for Lambda" and "Control access to function URLs").
pub(crate) fn lambda_permission(properties: &Node, resolver: &mut Resolver<'_>) -> Node {
    let span = properties.span;
    let mut value = |name: &str| properties.get(name).map(|n| resolver.resolve_value(n));
    let principal = value("Principal");
    let action = value("Action");
    let function = value("FunctionName");
    let source_arn = value("SourceArn");
    let source_account = value("SourceAccount");
    let org = value("PrincipalOrgID");
    let url_auth = value("FunctionUrlAuthType");
    let d = resolver.deployment();
    let deployment_arn = |function: Node| match function.as_str() {
        Some(name) if !name.starts_with("arn:") => Node::string(
            format!(
                "arn:{}:lambda:{}:{}:function:{name}",
                d.partition(),
                d.region,
                d.account_id
            ),
            function.span,
        ),
        _ => function,
    };
    let statement_span = principal.as_ref().map_or(span, |p| p.span);
    let mut statement = vec![entry("Effect", Node::string("Allow", span))];
    if let Some(principal) = principal {
        let key = match principal.as_str() {
            Some("*") => None,
            Some(p) if p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") => {
                Some("Service")
            }
            _ => Some("AWS"),
        };
        let principal = match key {
            Some(key) => Node::new(
                Value::Map(vec![entry(key, principal.clone())]),
                principal.span,
            ),
            None => principal,
        };
        statement.push(entry("Principal", principal));
    }
    if let Some(action) = action {
        statement.push(entry("Action", action));
    }
    if let Some(function) = function {
        statement.push(entry("Resource", deployment_arn(function)));
    }
    let mut conditions = Vec::new();
    if let Some(arn) = source_arn {
        conditions.push(entry(
            "ArnLike",
            Node::new(
                Value::Map(vec![entry("AWS:SourceArn", arn.clone())]),
                arn.span,
            ),
        ));
    }
    let mut equals = Vec::new();
    if let Some(account) = source_account {
        equals.push(entry("AWS:SourceAccount", account));
    }
    if let Some(org) = org {
        equals.push(entry("aws:PrincipalOrgID", org));
    }
    if let Some(auth) = url_auth {
        equals.push(entry("lambda:FunctionUrlAuthType", auth));
    }
    if !equals.is_empty() {
        conditions.push(entry("StringEquals", Node::new(Value::Map(equals), span)));
    }
    if !conditions.is_empty() {
        statement.push(entry("Condition", Node::new(Value::Map(conditions), span)));
    }
    Node::new(
        Value::Map(vec![
            entry("Version", Node::string("2012-10-17", span)),
            entry(
                "Statement",
                Node::new(
                    Value::List(vec![Node::new(Value::Map(statement), statement_span)]),
                    span,
                ),
            ),
        ]),
        span,
    )
}

pub(crate) fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_span: value.span,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::read_yaml;
    use keyaki_policy::Span;

    const APP: &str = include_str!("../../../tests/examples/templates/app.yaml");

    fn app() -> (SourceFile, Vec<FoundPolicy>) {
        let source = SourceFile::new("app.yaml", APP.as_bytes().to_vec());
        let tree = read_yaml(&source).unwrap();
        let (found, _) = policies(&tree, &Deployment::default());
        (source, found)
    }

    #[test]
    fn a_property_path_through_the_wrong_shape_is_an_error_not_a_silence() {
        let text = "Resources:\n  T:\n    Type: AWS::DynamoDB::GlobalTable\n    Properties:\n      Replicas: us-east-1\n";
        let source = SourceFile::new("t.yaml", text.as_bytes().to_vec());
        let (found, unanalysed) = policies(&read_yaml(&source).unwrap(), &Deployment::default());
        assert!(found.is_empty());
        let messages: Vec<_> = unanalysed
            .iter()
            .map(|u| u.diagnostic.message.as_str())
            .collect();
        // One per placement that walks through `Replicas` (table and stream policies).
        assert_eq!(
            messages,
            ["`Replicas` is a string, not a list in `T`; its policies cannot be read"; 2]
        );
    }

    #[test]
    fn a_lambda_permission_is_the_statement_lambda_writes() {
        let (_, found) = app();
        let permission = found
            .iter()
            .find(|p| p.resource == "WorkerInvokeFromBucket")
            .unwrap();
        let document: serde_json::Value = serde_json::from_str(permission.source.text()).unwrap();
        // The shape of the Lambda Developer Guide's example for an S3 trigger.
        let expected = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:worker-prod",
                "Condition": {
                    "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads-prod-123456789012"},
                    "StringEquals": {"AWS:SourceAccount": "123456789012"}
                }
            }]
        });
        assert_eq!(document, expected);
        assert_eq!(permission.resource_type, Some("AWS::Lambda::Function"));
    }

    #[test]
    fn a_resolved_value_maps_back_to_the_intrinsic_that_made_it() {
        let (template, found) = app();
        let bucket = found
            .iter()
            .find(|p| p.resource == "UploadBucketPolicy")
            .unwrap();
        let text = bucket.source.text();
        let resolved = "\"arn:aws:s3:::uploads-prod-123456789012/*\"";
        let start = text.find(resolved).unwrap();
        let span = bucket
            .locations
            .to_template(Span::new(start, start + resolved.len()));
        assert_eq!(
            template.text().get(span.start..span.end),
            Some("!Sub \"${UploadBucket.Arn}/*\"")
        );
        let at = template.line_column(span.start);
        assert_eq!((at.line, at.column), (33, 23));
    }

    #[test]
    fn every_policy_of_the_template_is_found_with_its_kind() {
        let (_, found) = app();
        let listed: Vec<(&str, &str, PolicyType)> = found
            .iter()
            .map(|p| (p.resource.as_str(), p.policy_name.as_str(), p.policy_type))
            .collect();
        use PolicyType::{Identity, Resource};
        assert_eq!(
            listed,
            [
                ("UploadBucketPolicy", "PolicyDocument", Resource),
                ("WorkerRole", "AssumeRolePolicyDocument", Resource),
                ("WorkerRole", "read-uploads", Identity),
                ("DataKey", "KeyPolicy", Resource),
                ("WorkerInvokeFromBucket", "LambdaPermission", Resource),
                ("DeployerPolicy", "deployer", Identity),
            ]
        );
    }
}
