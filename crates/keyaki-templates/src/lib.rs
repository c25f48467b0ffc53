//! # keyaki-templates: policies where they live
//!
//! In pipelines, IAM policies are rarely files of their own: they sit inside CloudFormation
//! templates (JSON or YAML, their ARNs written with `!Sub` and `!GetAtt`) and Terraform plans
//! (`terraform show -json`, each policy a JSON string). [`scan`] reads such a file and finds
//! every policy in it, each as a [`FoundPolicy`]: the policy resolved to plain JSON (a
//! [`SourceFile`] the policy parser reads), what it is attached to, and a [`LocationMap`] that
//! sends every place of that JSON back to the template text it came from.
//!
//! Modules, in the order data flows: [`tree`] (one tree for JSON and YAML, spans into the
//! template), [`yaml`] (YAML with CloudFormation's short-form tags), [`resolve`] (intrinsic
//! functions) with [`arns`] (what `Ref` and `Fn::GetAtt` return), [`cfn`] and [`terraform`]
//! (where the policies are), [`emit`] (the resolved policy written as JSON, mapped back).
//!
//! **Soundness:** a policy is never skipped in silence. A value that cannot be resolved becomes
//! a symbolic `${Unresolved:…}` with a warning at its place; a policy whose document cannot be
//! known at all (a Terraform value unknown until apply) is an [`Unanalysed`] entry, which the
//! caller reports as an error; a file that cannot be read is an error with its position.

#![forbid(unsafe_code)]

pub mod arns;
pub mod cfn;
pub mod emit;
pub mod event_bus;
pub mod references;
pub mod resolve;
pub mod terraform;
pub mod tree;
pub mod yaml;

pub use emit::LocationMap;
pub use references::ManagedReference;
pub use resolve::Deployment;

use keyaki_policy::{Diagnostic, ParseOptions, PolicyType, SourceFile, Span, read_json};
use tree::Node;

/// The largest template read: CloudFormation's own limit is 1 MB; plans can be larger.
const MAX_TEMPLATE_BYTES: usize = 64 * 1024 * 1024;
/// The deepest nesting read in a template or plan.
const MAX_TEMPLATE_DEPTH: usize = 128;

/// The kinds of file `scan` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A CloudFormation template in JSON.
    CloudFormationJson,
    /// A CloudFormation template in YAML.
    CloudFormationYaml,
    /// The output of `terraform show -json PLAN`.
    TerraformPlan,
    /// A policy document on its own.
    Policy,
}

impl FileKind {
    /// The name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::CloudFormationJson => "CloudFormation template (JSON)",
            FileKind::CloudFormationYaml => "CloudFormation template (YAML)",
            FileKind::TerraformPlan => "Terraform plan",
            FileKind::Policy => "policy document",
        }
    }
}

/// One policy found in a file.
#[derive(Debug, Clone)]
pub struct FoundPolicy {
    /// What it belongs to: a CloudFormation logical id or a Terraform address.
    pub resource: String,
    /// Its name: the inline policy's name, the managed policy's, or the property holding it
    /// (`AssumeRolePolicyDocument`, `KeyPolicy`).
    pub policy_name: String,
    /// Identity or resource policy.
    pub policy_type: PolicyType,
    /// Access Analyzer's resource type, for resource policies whose type it knows
    /// (`AWS::S3::Bucket`); what `check-no-public-access` asks about.
    pub resource_type: Option<&'static str>,
    /// The policy, resolved to plain JSON.
    pub source: SourceFile,
    /// From spans of `source` to spans of the template.
    pub locations: LocationMap,
    /// Where the document is written in the template.
    pub span: Span,
    /// What could not be resolved in it, located in the template.
    pub warnings: Vec<Diagnostic>,
    /// Conditions that could not be decided, whose `Fn::If` kept both branches: the resolved
    /// document then stands for no single deployment, and a check's verdict on it is no proof.
    pub undecided_conditions: Vec<String>,
}

/// A policy that exists but whose document cannot be known (reported as an error).
#[derive(Debug, Clone)]
pub struct Unanalysed {
    /// Its resource.
    pub resource: String,
    /// Its name.
    pub policy_name: String,
    /// Why, located in the template.
    pub diagnostic: Diagnostic,
}

/// Everything found in one file.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// The file as read.
    pub template: SourceFile,
    /// What it is.
    pub kind: FileKind,
    /// The policies, in file order.
    pub policies: Vec<FoundPolicy>,
    /// Policies that could not be analysed.
    pub unanalysed: Vec<Unanalysed>,
    /// Managed policies attached by ARN whose documents are not in the file.
    pub managed_references: Vec<ManagedReference>,
}

/// Reads `template` and finds every policy in it. A file that is not a template, plan or
/// policy, or cannot be read, is an error located in it.
pub fn scan(template: SourceFile, deployment: &Deployment) -> Result<Scanned, Diagnostic> {
    let (tree, yaml) = read_tree(&template)?;
    let kind = if tree.get("Resources").is_some() || tree.get("AWSTemplateFormatVersion").is_some()
    {
        if yaml {
            FileKind::CloudFormationYaml
        } else {
            FileKind::CloudFormationJson
        }
    } else if tree.get("planned_values").is_some() || tree.get("terraform_version").is_some() {
        FileKind::TerraformPlan
    } else if tree.get("Statement").is_some() {
        FileKind::Policy
    } else {
        return Err(Diagnostic::error(
            "this is not a CloudFormation template, a Terraform plan or a policy",
            Span::new(tree.span.start, tree.span.start + 1),
        )
        .with_help(
            "a template has `Resources`, a plan (`terraform show -json`) has `planned_values`, \
             a policy has `Statement`",
        ));
    };
    let (policies, unanalysed) = match kind {
        FileKind::CloudFormationJson | FileKind::CloudFormationYaml => {
            cfn::policies(&tree, deployment)
        }
        FileKind::TerraformPlan => terraform::policies(&tree, template.name(), deployment),
        FileKind::Policy => (vec![loose_policy(&template, &tree)], Vec::new()),
    };
    let managed_references = match kind {
        FileKind::CloudFormationJson | FileKind::CloudFormationYaml => {
            references::cfn_references(&tree, deployment)
        }
        FileKind::TerraformPlan => {
            references::terraform_references(&terraform::planned_resources(&tree))
        }
        FileKind::Policy => Vec::new(),
    };
    Ok(Scanned {
        template,
        kind,
        policies,
        unanalysed,
        managed_references,
    })
}

/// The file as a tree, and whether it was YAML: `.yaml`/`.yml` files are YAML, `.json` files
/// JSON, anything else JSON when it starts with `{`.
fn read_tree(template: &SourceFile) -> Result<(Node, bool), Diagnostic> {
    let name = template.name().to_ascii_lowercase();
    let yaml = name.ends_with(".yaml")
        || name.ends_with(".yml")
        || (!name.ends_with(".json") && !template.text().trim_start().starts_with('{'));
    if yaml {
        if template.byte_len() > MAX_TEMPLATE_BYTES {
            return Err(too_large());
        }
        if let Some(at) = template.invalid_utf8_at() {
            return Err(Diagnostic::error(
                "the document is not valid UTF-8",
                Span::new(at, at + 1),
            ));
        }
        return Ok((yaml::read_yaml(template)?, true));
    }
    let options = ParseOptions {
        policy_type: None,
        max_bytes: MAX_TEMPLATE_BYTES,
        max_depth: MAX_TEMPLATE_DEPTH,
    };
    let json = read_json(template, options)?;
    Ok((Node::from(&json), false))
}

fn too_large() -> Diagnostic {
    Diagnostic::error(
        format!("the document is larger than the limit of {MAX_TEMPLATE_BYTES} bytes"),
        Span::new(0, 0),
    )
}

/// A policy file on its own: the file is the policy, its spans are the template's.
fn loose_policy(template: &SourceFile, tree: &Node) -> FoundPolicy {
    let policy_type = if mentions_principal(tree) {
        PolicyType::Resource
    } else {
        PolicyType::Identity
    };
    FoundPolicy {
        resource: template.name().to_string(),
        policy_name: template.name().to_string(),
        policy_type,
        resource_type: None,
        source: template.clone(),
        locations: LocationMap::identity(),
        span: tree.span,
        warnings: Vec::new(),
        undecided_conditions: Vec::new(),
    }
}

/// Whether some statement names a `Principal` or `NotPrincipal` (a resource policy).
pub(crate) fn mentions_principal(document: &Node) -> bool {
    let statements = match document.get("Statement") {
        Some(Node {
            value: tree::Value::List(items),
            ..
        }) => items.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    statements
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
}
