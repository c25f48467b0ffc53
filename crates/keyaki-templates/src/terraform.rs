//! Where policies live in a Terraform plan (`terraform show -json PLAN`).
//!
//! The plan's `planned_values.root_module` lists resources (and `child_modules`, recursively),
//! each with its `values`. A policy is a JSON string in one attribute (`policy`,
//! `assume_role_policy`, `inline_policy[].policy`); it is read as written, and every position
//! in it maps back to that string in the plan. A value Terraform only knows after apply is
//! absent from `values` and marked in `resource_changes[].change.after_unknown`: such a policy
//! cannot be analysed, and is reported as [`Unanalysed`], never left out. An
//! `aws_lambda_permission` holds no document: it becomes the statement Lambda writes, as in
//! CloudFormation. A resource whose `policy` argument is optional and computed (a topic, a
//! queue, a key) and left out of the configuration gets the service's default policy: its
//! unknown value is no policy the author wrote, and is not reported.
//!
//! Data sources hold policies too: an `aws_iam_policy_document` builds one (its `json`), and
//! `aws_iam_policy` reads an existing one. `terraform show -json` lists those read while
//! planning in `prior_state` with `mode: "data"`, and those read only at apply in
//! `planned_values`; both are read, each once. A policy made from a data source is found
//! twice, then: in the data source and in the resource that uses it.

use crate::emit::{LocationMap, write_json};
use crate::resolve::{Deployment, Resolver};
use crate::tree::{Entry, Node, Value};
use crate::{FoundPolicy, Unanalysed};
use keyaki_policy::{Diagnostic, PolicyType, SourceFile};

/// The policy attributes of a resource type: `(attribute, policy type, Access Analyzer type)`.
fn attributes(resource_type: &str) -> &'static [(&'static str, PolicyType, Option<&'static str>)] {
    use PolicyType::{Identity, Resource};
    match resource_type {
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => &[("policy", Identity, None)],
        "aws_iam_role" => &[(
            "assume_role_policy",
            Resource,
            Some("AWS::IAM::AssumeRolePolicyDocument"),
        )],
        "aws_s3_bucket_policy" => &[("policy", Resource, Some("AWS::S3::Bucket"))],
        "aws_sqs_queue_policy" => &[("policy", Resource, Some("AWS::SQS::Queue"))],
        "aws_sns_topic_policy" => &[("policy", Resource, Some("AWS::SNS::Topic"))],
        "aws_kms_key" => &[("policy", Resource, Some("AWS::KMS::Key"))],
        "aws_ecr_repository_policy" => &[("policy", Resource, None)],
        "aws_secretsmanager_secret_policy" => {
            &[("policy", Resource, Some("AWS::SecretsManager::Secret"))]
        }
        "aws_efs_file_system_policy" => &[("policy", Resource, Some("AWS::EFS::FileSystem"))],
        "aws_opensearch_domain_policy" | "aws_elasticsearch_domain_policy" => &[(
            "access_policies",
            Resource,
            Some("AWS::OpenSearchService::Domain"),
        )],
        "aws_api_gateway_rest_api_policy" => {
            &[("policy", Resource, Some("AWS::ApiGateway::RestApi"))]
        }
        "aws_backup_vault_policy" => &[("policy", Resource, Some("AWS::Backup::BackupVault"))],
        "aws_kinesis_resource_policy" => &[("policy", Resource, Some("AWS::Kinesis::Stream"))],
        "aws_dynamodb_resource_policy" => &[("policy", Resource, Some("AWS::DynamoDB::Table"))],
        "aws_glacier_vault" => &[("access_policy", Resource, Some("AWS::S3::Glacier"))],
        "aws_codeartifact_domain_permissions_policy" => &[(
            "policy_document",
            Resource,
            Some("AWS::CodeArtifact::Domain"),
        )],
        // Resources whose own `policy` argument sets their resource policy.
        "aws_sns_topic" => &[("policy", Resource, Some("AWS::SNS::Topic"))],
        "aws_sqs_queue" => &[("policy", Resource, Some("AWS::SQS::Queue"))],
        "aws_s3_bucket" => &[("policy", Resource, Some("AWS::S3::Bucket"))],
        "aws_secretsmanager_secret" => &[("policy", Resource, Some("AWS::SecretsManager::Secret"))],
        "aws_s3_access_point" => &[("policy", Resource, Some("AWS::S3::AccessPoint"))],
        "aws_ecr_registry_policy" => &[("policy", Resource, None)],
        "aws_glue_resource_policy" => &[("policy", Resource, None)],
        "aws_cloudwatch_event_bus_policy" => &[("policy", Resource, None)],
        "aws_cloudwatch_log_resource_policy" => &[("policy_document", Resource, None)],
        "aws_cloudwatch_log_destination_policy" => &[("access_policy", Resource, None)],
        _ => &[],
    }
}

/// Whether the service gives the resource a policy of its own when the configuration sets
/// none (the argument is optional and computed): an unknown value it did not set is then no
/// policy the author wrote, and nothing is missed by not reading it.
fn has_service_default(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "aws_sns_topic"
            | "aws_sqs_queue"
            | "aws_s3_bucket"
            | "aws_secretsmanager_secret"
            | "aws_kms_key"
    )
}

/// The policy attributes of a data source: a document built by `aws_iam_policy_document`
/// (its `json`), or an existing managed policy read by `aws_iam_policy` (its `policy`).
fn data_attributes(data_type: &str) -> &'static [&'static str] {
    match data_type {
        "aws_iam_policy_document" => &["json"],
        "aws_iam_policy" => &["policy"],
        _ => &[],
    }
}

/// Every policy of the plan, in module order, and those unknown until apply.
pub fn policies(
    plan: &Node,
    file: &str,
    deployment: &Deployment,
) -> (Vec<FoundPolicy>, Vec<Unanalysed>) {
    let mut scan = PlanScan {
        plan,
        file,
        deployment,
        found: Vec::new(),
        unanalysed: Vec::new(),
    };
    if let Some(root) = plan
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    {
        scan.module(root);
    }
    // Data sources read while planning are in the prior state (`mode: "data"`); those read
    // only at apply are in `planned_values`, already scanned.
    if let Some(root) = plan
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        scan.data_module(root);
    }
    (scan.found, scan.unanalysed)
}

struct PlanScan<'a> {
    plan: &'a Node,
    file: &'a str,
    deployment: &'a Deployment,
    found: Vec<FoundPolicy>,
    unanalysed: Vec<Unanalysed>,
}

impl PlanScan<'_> {
    fn module(&mut self, module: &Node) {
        for resource in list(module.get("resources")) {
            self.resource(resource);
        }
        for child in list(module.get("child_modules")) {
            self.module(child);
        }
    }

    /// The data sources of a prior state's module (and its children) not seen already.
    fn data_module(&mut self, module: &Node) {
        for resource in list(module.get("resources")) {
            let address = resource.get("address").and_then(Node::as_str);
            let seen = self
                .found
                .iter()
                .any(|p| Some(p.resource.as_str()) == address)
                || self
                    .unanalysed
                    .iter()
                    .any(|u| Some(u.resource.as_str()) == address);
            if is_data(resource) && !seen {
                self.data_source(resource);
            }
        }
        for child in list(module.get("child_modules")) {
            self.data_module(child);
        }
    }

    /// A data source's policy document, an identity or resource policy as it reads: a
    /// document naming a principal is a resource policy.
    fn data_source(&mut self, resource: &Node) {
        let address = resource
            .get("address")
            .and_then(Node::as_str)
            .unwrap_or("?");
        let kind = resource.get("type").and_then(Node::as_str).unwrap_or("");
        let Some(values) = resource.get("values") else {
            return;
        };
        for attribute in data_attributes(kind) {
            match values.get(attribute) {
                Some(text) if text.as_str().is_some_and(|t| !t.is_empty()) => {
                    let document = text.as_str().unwrap_or("");
                    let policy_type = if document.contains("\"Principal\"")
                        || document.contains("\"NotPrincipal\"")
                    {
                        PolicyType::Resource
                    } else {
                        PolicyType::Identity
                    };
                    self.policy(address, attribute.to_string(), policy_type, None, text);
                }
                _ => self.unknown(address, attribute.to_string(), attribute, resource, false),
            }
        }
    }

    fn resource(&mut self, resource: &Node) {
        let address = resource
            .get("address")
            .and_then(Node::as_str)
            .unwrap_or("?");
        let kind = resource.get("type").and_then(Node::as_str).unwrap_or("");
        if is_data(resource) {
            return self.data_source(resource);
        }
        let Some(values) = resource.get("values") else {
            return;
        };
        let name = ["name", "policy_name"]
            .iter()
            .find_map(|key| values.get(key).and_then(Node::as_str));
        for (attribute, policy_type, resource_type) in attributes(kind) {
            // A role's trust policy is named as CloudFormation names it; a policy resource by
            // its `name`; anything else by its attribute.
            let policy_name = match (*attribute, name) {
                ("assume_role_policy", _) => "AssumeRolePolicyDocument".to_string(),
                (_, Some(name)) => name.to_string(),
                (attribute, None) => attribute.to_string(),
            };
            match values.get(attribute) {
                // An optional policy left unset is an empty string.
                Some(text) if text.as_str() == Some("") => {}
                Some(text) if text.as_str().is_some() => {
                    self.policy(address, policy_name, *policy_type, *resource_type, text);
                }
                _ => {
                    let defaulted = has_service_default(kind)
                        && configured(self.plan, address, attribute) == Some(false);
                    self.unknown(address, policy_name, attribute, resource, defaulted);
                }
            }
        }
        if kind == "aws_lambda_permission" {
            self.lambda_permission(address, values, resource);
        }
        if kind == "aws_iam_role" {
            for inline in list(values.get("inline_policy")) {
                let policy_name = inline
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or("inline_policy")
                    .to_string();
                match inline.get("policy") {
                    Some(text) if text.as_str().is_some_and(|t| !t.is_empty()) => {
                        self.policy(address, policy_name, PolicyType::Identity, None, text);
                    }
                    _ => self.unknown(address, policy_name, "inline_policy", resource, false),
                }
            }
        }
    }

    fn policy(
        &mut self,
        address: &str,
        policy_name: String,
        policy_type: PolicyType,
        resource_type: Option<&'static str>,
        text: &Node,
    ) {
        let document = text.as_str().unwrap_or("");
        self.found.push(FoundPolicy {
            resource: address.to_string(),
            policy_name: policy_name.clone(),
            policy_type,
            resource_type,
            source: SourceFile::new(
                format!("{}#{address}/{policy_name}", self.file),
                document.as_bytes().to_vec(),
            ),
            locations: LocationMap::whole(text.span),
            span: text.span,
            warnings: Vec::new(),
            undecided_conditions: Vec::new(),
        });
    }

    /// The statement an `aws_lambda_permission` stands for, built as for CloudFormation's
    /// `AWS::Lambda::Permission` from the same properties under Terraform's names; every
    /// position maps to the attribute it came from.
    fn lambda_permission(&mut self, address: &str, values: &Node, resource: &Node) {
        const NAMES: [(&str, &str); 7] = [
            ("function_name", "FunctionName"),
            ("action", "Action"),
            ("principal", "Principal"),
            ("source_arn", "SourceArn"),
            ("source_account", "SourceAccount"),
            ("principal_org_id", "PrincipalOrgID"),
            ("function_url_auth_type", "FunctionUrlAuthType"),
        ];
        let before = self.unanalysed.len();
        for required in ["function_name", "action", "principal"] {
            if values.get(required).and_then(Node::as_str).is_none() {
                self.unknown(
                    address,
                    "LambdaPermission".into(),
                    required,
                    resource,
                    false,
                );
            }
        }
        if self.unanalysed.len() > before {
            return;
        }
        let properties = Node::new(
            Value::Map(
                NAMES
                    .iter()
                    .filter_map(|(terraform, cloudformation)| {
                        let value = values
                            .get(terraform)
                            .filter(|v| v.as_str().is_some_and(|text| !text.is_empty()))?;
                        Some(Entry {
                            key: cloudformation.to_string(),
                            key_span: value.span,
                            value: value.clone(),
                        })
                    })
                    .collect(),
            ),
            values.span,
        );
        let empty = Node::new(Value::Map(Vec::new()), values.span);
        let mut resolver = Resolver::new(&empty, self.deployment);
        let document = crate::cfn::lambda_permission(&properties, &mut resolver);
        let (text, locations) = write_json(&document);
        self.found.push(FoundPolicy {
            resource: address.to_string(),
            policy_name: "LambdaPermission".to_string(),
            policy_type: PolicyType::Resource,
            resource_type: Some("AWS::Lambda::Function"),
            source: SourceFile::new(
                format!("{}#{address}/LambdaPermission", self.file),
                text.into_bytes(),
            ),
            locations,
            span: document.span,
            warnings: resolver.warnings,
            undecided_conditions: Vec::new(),
        });
    }

    /// A policy attribute without a value: unknown until apply (an error, unless `defaulted`:
    /// the configuration sets none and the service writes its own), or not set.
    fn unknown(
        &mut self,
        address: &str,
        policy_name: String,
        attribute: &str,
        resource: &Node,
        defaulted: bool,
    ) {
        if defaulted {
            return;
        }
        let unknown = self
            .plan
            .get("resource_changes")
            .map(|changes| list(Some(changes)))
            .unwrap_or_default()
            .into_iter()
            .find(|change| change.get("address").and_then(Node::as_str) == Some(address))
            .and_then(|change| change.get("change"))
            .and_then(|change| change.get("after_unknown"))
            .and_then(|unknown| unknown.get(attribute))
            .is_some_and(|flag| !matches!(flag.value, Value::Bool(false) | Value::Null));
        if !unknown {
            return;
        }
        self.unanalysed.push(Unanalysed {
            resource: address.to_string(),
            policy_name,
            diagnostic: Diagnostic::error(
                format!("`{attribute}` of `{address}` is only known after apply; its policy cannot be analysed"),
                resource.span,
            )
            .with_help("run the scan on a plan whose policies are known, or on the applied state"),
        });
    }
}

fn is_data(resource: &Node) -> bool {
    resource.get("mode").and_then(Node::as_str) == Some("data")
}

/// Whether the plan's `configuration` sets `attribute` of the resource at `address`
/// (`module.a.module.b.aws_sns_topic.t[0]`); `None` when the plan holds no configuration
/// for it, and then nothing may be assumed.
fn configured(plan: &Node, address: &str, attribute: &str) -> Option<bool> {
    let mut module = plan.get("configuration")?.get("root_module")?;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let (call, tail) = after.split_once('.')?;
        let call = call.split('[').next().unwrap_or(call);
        module = module.get("module_calls")?.get(call)?.get("module")?;
        rest = tail;
    }
    let unindexed = rest.split('[').next().unwrap_or(rest);
    let resource = list(module.get("resources"))
        .into_iter()
        .find(|r| r.get("address").and_then(Node::as_str) == Some(unindexed))?;
    Some(
        resource
            .get("expressions")
            .is_some_and(|e| e.get(attribute).is_some()),
    )
}

/// Every resource of the plan's `planned_values`, module by module.
pub fn planned_resources(plan: &Node) -> Vec<&Node> {
    fn collect<'p>(module: &'p Node, into: &mut Vec<&'p Node>) {
        into.extend(list(module.get("resources")));
        for child in list(module.get("child_modules")) {
            collect(child, into);
        }
    }
    let mut resources = Vec::new();
    if let Some(root) = plan
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    {
        collect(root, &mut resources);
    }
    resources
}

/// The items of a list node (none for anything else).
fn list(node: Option<&Node>) -> Vec<&Node> {
    match node {
        Some(Node {
            value: Value::List(items),
            ..
        }) => items.iter().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

    use super::*;
    use keyaki_policy::{ParseOptions, read_json};

    fn plan(json: &str) -> Node {
        let source = SourceFile::new("plan.json", json.as_bytes().to_vec());
        Node::from(&read_json(&source, ParseOptions::default()).unwrap())
    }

    #[test]
    fn a_policy_document_read_only_at_apply_is_unanalysed() {
        let plan = plan(
            r#"{"planned_values": {"root_module": {"resources": [
                {"address": "data.aws_iam_policy_document.q", "mode": "data",
                 "type": "aws_iam_policy_document", "values": {"statement": []}}]}},
               "resource_changes": [{"address": "data.aws_iam_policy_document.q",
                 "change": {"actions": ["read"], "after_unknown": {"json": true}}}]}"#,
        );
        let (found, unanalysed) = policies(&plan, "plan.json", &Deployment::default());
        assert!(found.is_empty());
        assert_eq!(unanalysed.len(), 1);
        assert_eq!(unanalysed[0].resource, "data.aws_iam_policy_document.q");
    }

    #[test]
    fn configuration_is_found_through_module_calls_and_indices() {
        let plan = plan(
            r#"{"configuration": {"root_module": {"module_calls": {"m": {"module": {
                "resources": [{"address": "aws_sns_topic.t",
                               "expressions": {"name": {"constant_value": "t"}}}]}}}}}}"#,
        );
        assert_eq!(
            configured(&plan, "module.m[\"a\"].aws_sns_topic.t[0]", "policy"),
            Some(false)
        );
        assert_eq!(
            configured(&plan, "module.m.aws_sns_topic.t", "name"),
            Some(true)
        );
        assert_eq!(configured(&plan, "aws_sns_topic.t", "policy"), None);
    }
}
