//! CloudFormation's intrinsic functions, resolved as far as the template allows.
//!
//! A policy in a template is rarely plain JSON: its ARNs are `!Sub`, `!GetAtt` and `!Ref`. The
//! [`Resolver`] evaluates what can be known offline: parameters (defaults, or values given on
//! the command line), pseudo parameters (account and region from the caller's flags), `Fn::Sub`
//! in both forms, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If` whose
//! condition is decidable, and `Ref`/`Fn::GetAtt` of resources whose name and ARN format
//! CloudFormation documents.
//!
//! **Soundness:** nothing is dropped in silence. A value that cannot be known becomes the
//! symbolic string `${Unresolved:WHAT}`, which IAM's grammar reads as a policy variable, so
//! the policy is still analysed with that part unknown, and a warning names it at its place
//! in the template. An `Fn::If` whose condition is undecidable keeps both branches (spliced
//! into the list around it), also with a warning, and the condition is recorded in
//! [`Resolver::undecided`]: such a policy is neither of the template's two, so a check's
//! verdict on it is no proof, and callers report it as undecided.

use crate::tree::{Entry, Node, Value};
use keyaki_policy::{Diagnostic, Span};
use std::collections::HashMap;

/// How deep references may chain (`Ref` of a resource whose name is a `!Sub` of …).
const MAX_DEPTH: usize = 32;

/// What the caller tells about the deployment: the pseudo parameters and parameter values.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// `AWS::AccountId`.
    pub account_id: String,
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::StackName`.
    pub stack_name: String,
    /// Parameter values that override the template's defaults.
    pub parameters: Vec<(String, String)>,
}

impl Default for Deployment {
    /// The documentation's example account and region.
    fn default() -> Self {
        Deployment {
            account_id: "123456789012".to_string(),
            region: "us-east-1".to_string(),
            stack_name: "example-stack".to_string(),
            parameters: Vec::new(),
        }
    }
}

impl Deployment {
    /// `AWS::Partition`, from the region.
    pub fn partition(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    /// `AWS::URLSuffix`, from the region.
    pub fn url_suffix(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        }
    }
}

/// The result of resolving one value.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// One value.
    One(Node),
    /// Several values to splice into the surrounding list (an undecidable `Fn::If`).
    Spliced(Vec<Node>),
    /// No value (`AWS::NoValue`): the member or item is left out, as CloudFormation does.
    Removed,
}

/// Resolves intrinsic functions against one template.
pub struct Resolver<'t> {
    deployment: &'t Deployment,
    parameters: HashMap<&'t str, &'t Node>,
    resources: HashMap<&'t str, &'t Node>,
    conditions: HashMap<&'t str, &'t Node>,
    mappings: Option<&'t Node>,
    /// Warnings, at their place in the template.
    pub warnings: Vec<Diagnostic>,
    /// The conditions whose `Fn::If` kept both branches: the value is not the template's.
    pub undecided: Vec<String>,
    depth: usize,
}

impl<'t> Resolver<'t> {
    /// A resolver for `template` (its `Parameters`, `Resources`, `Conditions`, `Mappings`).
    pub fn new(template: &'t Node, deployment: &'t Deployment) -> Self {
        let section = |name: &str| -> HashMap<&'t str, &'t Node> {
            template
                .get(name)
                .map(|node| {
                    node.entries()
                        .iter()
                        .map(|entry| (entry.key.as_str(), &entry.value))
                        .collect()
                })
                .unwrap_or_default()
        };
        Resolver {
            deployment,
            parameters: section("Parameters"),
            resources: section("Resources"),
            conditions: section("Conditions"),
            mappings: template.get("Mappings"),
            warnings: Vec::new(),
            undecided: Vec::new(),
            depth: 0,
        }
    }

    /// `node` with every intrinsic function resolved; a `Removed` result becomes `null`.
    pub fn resolve_value(&mut self, node: &Node) -> Node {
        match self.resolve(node) {
            Resolved::One(node) => node,
            Resolved::Spliced(items) => Node::new(Value::List(items), node.span),
            Resolved::Removed => Node::new(Value::Null, node.span),
        }
    }

    /// `node` with every intrinsic function resolved.
    pub fn resolve(&mut self, node: &Node) -> Resolved {
        if self.depth > MAX_DEPTH {
            return Resolved::One(self.unresolved("a reference chain too deep", node.span));
        }
        self.depth += 1;
        let result = self.resolve_inner(node);
        self.depth -= 1;
        result
    }

    fn resolve_inner(&mut self, node: &Node) -> Resolved {
        match &node.value {
            Value::List(items) => {
                let mut resolved = Vec::new();
                for item in items {
                    match self.resolve(item) {
                        Resolved::One(item) => resolved.push(item),
                        Resolved::Spliced(several) => resolved.extend(several),
                        Resolved::Removed => {}
                    }
                }
                Resolved::One(Node::new(Value::List(resolved), node.span))
            }
            Value::Map(entries) => match intrinsic_call(entries) {
                Some((name, argument)) if name != "Condition" => {
                    self.call(name, argument, node.span)
                }
                _ => {
                    let mut resolved = Vec::new();
                    for entry in entries {
                        let value = match self.resolve(&entry.value) {
                            Resolved::One(value) => value,
                            Resolved::Spliced(items) => {
                                Node::new(Value::List(items), entry.value.span)
                            }
                            Resolved::Removed => continue,
                        };
                        resolved.push(Entry {
                            key: entry.key.clone(),
                            key_span: entry.key_span,
                            value,
                        });
                    }
                    Resolved::One(Node::new(Value::Map(resolved), node.span))
                }
            },
            _ => Resolved::One(node.clone()),
        }
    }

    /// One intrinsic function call, spanning `span` in the template.
    fn call(&mut self, name: &str, argument: &Node, span: Span) -> Resolved {
        let one = |node: Node| Resolved::One(node);
        match name {
            "Ref" => self.reference(argument, span),
            "Fn::GetAtt" => one(self.get_att(argument, span)),
            "Fn::Sub" => one(self.sub(argument, span)),
            "Fn::Join" => one(self.join(argument, span)),
            "Fn::Select" => self.select(argument, span),
            "Fn::Split" => one(self.split(argument, span)),
            "Fn::If" => self.if_(argument, span),
            "Fn::FindInMap" => one(self.find_in_map(argument, span)),
            "Fn::ImportValue" => {
                let what = self.text(argument).unwrap_or_else(|| "value".to_string());
                one(self.unresolved(&format!("ImportValue:{what}"), span))
            }
            _ => {
                self.warnings.push(
                    Diagnostic::warning(
                        format!("`{name}` is not resolved by keyaki; its value is left symbolic"),
                        span,
                    )
                    .with_help("the policy is still analysed, with this value unknown"),
                );
                one(symbolic(&format!("Unresolved:{name}"), span))
            }
        }
    }

    /// A symbolic value for what cannot be known, with a warning naming it.
    fn unresolved(&mut self, what: &str, span: Span) -> Node {
        self.unresolved_because(what, "cannot be resolved", span)
    }

    /// The symbolic value `${Unresolved:WHAT}`, with a warning saying why.
    fn unresolved_because(&mut self, what: &str, why: &str, span: Span) -> Node {
        self.warnings.push(
            Diagnostic::warning(format!("`{what}` {why}; it is left symbolic"), span).with_help(
                "the policy is still analysed, with this value unknown (`${Unresolved:…}`)",
            ),
        );
        symbolic(&format!("Unresolved:{what}"), span)
    }

    /// The resolved scalar text of `node`, when it is one.
    fn text(&mut self, node: &Node) -> Option<String> {
        self.resolve_value(node).scalar_text()
    }

    fn reference(&mut self, argument: &Node, span: Span) -> Resolved {
        let Some(name) = argument.as_str() else {
            return Resolved::One(self.unresolved("Ref of a non-string", span));
        };
        if name == "AWS::NoValue" {
            return Resolved::Removed;
        }
        if let Some(value) = self.pseudo(name) {
            return Resolved::One(Node::string(value, span));
        }
        if let Some(parameter) = self.parameters.get(name).copied() {
            return Resolved::One(self.parameter(name, parameter, span));
        }
        if let Some(resource) = self.resources.get(name).copied() {
            return Resolved::One(self.resource_attribute(name, resource, None, span));
        }
        Resolved::One(self.unresolved(name, span))
    }

    fn pseudo(&self, name: &str) -> Option<String> {
        let d = self.deployment;
        Some(match name {
            "AWS::AccountId" => d.account_id.clone(),
            "AWS::Region" => d.region.clone(),
            "AWS::Partition" => d.partition().to_string(),
            "AWS::StackName" => d.stack_name.clone(),
            "AWS::URLSuffix" => d.url_suffix().to_string(),
            "AWS::StackId" => format!(
                "arn:{}:cloudformation:{}:{}:stack/{}/00000000-0000-0000-0000-000000000000",
                d.partition(),
                d.region,
                d.account_id,
                d.stack_name
            ),
            _ => return None,
        })
    }

    /// A parameter's value: given on the command line, else its default; list types split.
    fn parameter(&mut self, name: &str, declaration: &Node, span: Span) -> Node {
        let given = self
            .deployment
            .parameters
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone());
        let value = match given {
            Some(value) => value,
            None => match declaration.get("Default").and_then(Node::scalar_text) {
                Some(value) => value,
                None => return self.unresolved(name, span),
            },
        };
        let is_list = declaration
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
        if is_list {
            let items = value
                .split(',')
                .map(|item| Node::string(item.trim(), span))
                .collect();
            Node::new(Value::List(items), span)
        } else {
            Node::string(value, span)
        }
    }

    fn get_att(&mut self, argument: &Node, span: Span) -> Node {
        let parts: Vec<String> = match &argument.value {
            Value::List(items) => items.iter().filter_map(|item| self.text(item)).collect(),
            Value::String(text) => text.splitn(2, '.').map(str::to_string).collect(),
            _ => Vec::new(),
        };
        let (Some(logical_id), Some(attribute)) = (parts.first(), parts.get(1)) else {
            return self.unresolved("Fn::GetAtt without `Resource.Attribute`", span);
        };
        match self.resources.get(logical_id.as_str()).copied() {
            Some(resource) => self.resource_attribute(logical_id, resource, Some(attribute), span),
            None => self.unresolved(&format!("{logical_id}.{attribute}"), span),
        }
    }

    /// `Ref` (attribute `None`) or `Fn::GetAtt` of a resource of the template.
    fn resource_attribute(
        &mut self,
        logical_id: &str,
        resource: &Node,
        attribute: Option<&str>,
        span: Span,
    ) -> Node {
        let kind = resource.get("Type").and_then(Node::as_str).unwrap_or("");
        let properties = resource.get("Properties");
        let formats = crate::arns::formats(kind);
        let wanted = attribute.unwrap_or("Ref");
        let Some(format) = formats.and_then(|f| f.attribute(wanted)) else {
            let what = match attribute {
                Some(attribute) => format!("{logical_id}.{attribute}"),
                None => logical_id.to_string(),
            };
            return self.unresolved(&what, span);
        };
        let named = match formats.and_then(|f| f.name_property) {
            Some(property) => match properties.and_then(|p| p.get(property)) {
                Some(name) => self.text(name),
                None => None,
            },
            None => None,
        };
        let generated = (format.contains("{name}") && named.is_none()) || format.contains("{id}");
        if generated {
            self.warnings.push(Diagnostic::warning(
                format!("the name or id of `{logical_id}` is generated at deployment; it is left symbolic"),
                span,
            ).with_help("the policy is still analysed, with this value unknown (`${Unresolved:…}`)"));
        }
        let name = named.unwrap_or_else(|| format!("${{Unresolved:{logical_id}.Name}}"));
        let d = self.deployment;
        let text = format
            .replace("{partition}", d.partition())
            .replace("{region}", &d.region)
            .replace("{account}", &d.account_id)
            .replace("{url_suffix}", d.url_suffix())
            .replace("{id}", &format!("${{Unresolved:{logical_id}.Id}}"))
            .replace("{name}", &name);
        Node::string(text, span)
    }

    fn sub(&mut self, argument: &Node, span: Span) -> Node {
        let (template, variables) = match &argument.value {
            Value::String(text) => (text.clone(), None),
            Value::List(items) => match (items.first().and_then(Node::as_str), items.get(1)) {
                (Some(text), variables) => (text.to_string(), variables),
                _ => return self.unresolved("Fn::Sub without a string", span),
            },
            _ => return self.unresolved("Fn::Sub without a string", span),
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(start..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..end).unwrap_or("");
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            out.push_str(&self.sub_variable(name, variables, span));
        }
        out.push_str(rest);
        Node::string(out, span)
    }

    /// One `${Name}` of a `Fn::Sub`: its variables, then `Ref`, then `Fn::GetAtt`.
    fn sub_variable(&mut self, name: &str, variables: Option<&Node>, span: Span) -> String {
        let resolved = if let Some(value) = variables.and_then(|v| v.get(name)) {
            let value = value.clone();
            self.resolve(&value)
        } else {
            let is_reference = self.pseudo(name).is_some()
                || self.parameters.contains_key(name)
                || self.resources.contains_key(name);
            if is_reference || !name.contains('.') {
                self.reference(&Node::string(name, span), span)
            } else {
                Resolved::One(self.get_att(&Node::string(name, span), span))
            }
        };
        match resolved {
            Resolved::One(node) => match node.scalar_text() {
                Some(text) => text,
                None => self
                    .unresolved_because(name, "is not a string, in `Fn::Sub`", span)
                    .scalar_text()
                    .unwrap_or_default(),
            },
            // `${AWS::NoValue}` is no text; an undecided `Fn::If` is not one string.
            Resolved::Removed => String::new(),
            Resolved::Spliced(_) => self
                .unresolved_because(name, "has several values, in `Fn::Sub`", span)
                .scalar_text()
                .unwrap_or_default(),
        }
    }

    fn join(&mut self, argument: &Node, span: Span) -> Node {
        let Value::List(items) = &argument.value else {
            return self.unresolved("Fn::Join without [delimiter, list]", span);
        };
        let (Some(delimiter), Some(list)) = (items.first(), items.get(1)) else {
            return self.unresolved("Fn::Join without [delimiter, list]", span);
        };
        let delimiter = delimiter.scalar_text().unwrap_or_default();
        let list = self.resolve_value(list);
        let Value::List(parts) = &list.value else {
            return self.unresolved("Fn::Join of a non-list", span);
        };
        let texts: Option<Vec<String>> = parts.iter().map(Node::scalar_text).collect();
        match texts {
            Some(texts) => Node::string(texts.join(&delimiter), span),
            None => self.unresolved("Fn::Join of a value that is not text", span),
        }
    }

    fn select(&mut self, argument: &Node, span: Span) -> Resolved {
        let Value::List(items) = &argument.value else {
            return Resolved::One(self.unresolved("Fn::Select without [index, list]", span));
        };
        let (Some(index), Some(list)) = (items.first(), items.get(1)) else {
            return Resolved::One(self.unresolved("Fn::Select without [index, list]", span));
        };
        let index = self.text(index).and_then(|i| i.parse::<usize>().ok());
        let list = self.resolve_value(list);
        match (index, &list.value) {
            (Some(index), Value::List(items)) => match items.get(index) {
                Some(item) => Resolved::One(item.clone()),
                None => Resolved::One(self.unresolved("Fn::Select past the list's end", span)),
            },
            _ => Resolved::One(self.unresolved("Fn::Select", span)),
        }
    }

    fn split(&mut self, argument: &Node, span: Span) -> Node {
        let Value::List(items) = &argument.value else {
            return self.unresolved("Fn::Split without [delimiter, string]", span);
        };
        let (Some(delimiter), Some(text)) = (items.first(), items.get(1)) else {
            return self.unresolved("Fn::Split without [delimiter, string]", span);
        };
        let (Some(delimiter), Some(text)) = (delimiter.scalar_text(), self.text(text)) else {
            return self.unresolved("Fn::Split", span);
        };
        if delimiter.is_empty() {
            return self.unresolved("Fn::Split with an empty delimiter", span);
        }
        let parts = text
            .split(delimiter.as_str())
            .map(|part| Node::string(part, span))
            .collect();
        Node::new(Value::List(parts), span)
    }

    fn find_in_map(&mut self, argument: &Node, span: Span) -> Node {
        let Value::List(items) = &argument.value else {
            return self.unresolved("Fn::FindInMap", span);
        };
        let keys: Option<Vec<String>> = items.iter().take(3).map(|item| self.text(item)).collect();
        let found = match (keys.as_deref(), self.mappings) {
            (Some([map, top, second]), Some(mappings)) => mappings
                .get(map)
                .and_then(|m| m.get(top))
                .and_then(|m| m.get(second)),
            _ => None,
        };
        match found {
            Some(value) => {
                let value = value.clone();
                let mut resolved = self.resolve_value(&value);
                resolved.span = span;
                resolved
            }
            None => self.unresolved("Fn::FindInMap", span),
        }
    }

    fn if_(&mut self, argument: &Node, span: Span) -> Resolved {
        let Value::List(items) = &argument.value else {
            return Resolved::One(self.unresolved("Fn::If without [condition, then, else]", span));
        };
        let (Some(condition), Some(then), Some(otherwise)) = (
            items.first().and_then(Node::as_str),
            items.get(1),
            items.get(2),
        ) else {
            return Resolved::One(self.unresolved("Fn::If without [condition, then, else]", span));
        };
        match self.condition(condition) {
            Some(true) => self.resolve(then),
            Some(false) => self.resolve(otherwise),
            None => {
                self.warnings.push(
                    Diagnostic::warning(
                        format!(
                            "the condition `{condition}` cannot be decided; both branches are kept"
                        ),
                        span,
                    )
                    .with_help("give the parameters it depends on with `--parameters KEY=VALUE`"),
                );
                if !self.undecided.iter().any(|c| c == condition) {
                    self.undecided.push(condition.to_string());
                }
                let mut both = Vec::new();
                for branch in [then, otherwise] {
                    match self.resolve(branch) {
                        Resolved::One(node) => both.push(node),
                        Resolved::Spliced(items) => both.extend(items),
                        Resolved::Removed => {}
                    }
                }
                Resolved::Spliced(both)
            }
        }
    }

    /// The deployment this resolver assumes.
    pub fn deployment(&self) -> &'t Deployment {
        self.deployment
    }

    /// The truth of a named condition, when it can be decided.
    pub fn condition(&mut self, name: &str) -> Option<bool> {
        let node = self.conditions.get(name).copied()?;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = self.condition_value(node);
        self.depth -= 1;
        value
    }

    fn condition_value(&mut self, node: &Node) -> Option<bool> {
        let (name, argument) = intrinsic_call(node.entries())?;
        let items = match &argument.value {
            Value::List(items) => items.as_slice(),
            _ => &[],
        };
        match name {
            "Condition" => self.condition(argument.as_str()?),
            "Fn::Not" => self.condition_value(items.first()?).map(|b| !b),
            "Fn::And" => {
                let values: Option<Vec<bool>> =
                    items.iter().map(|c| self.condition_value(c)).collect();
                values.map(|v| v.iter().all(|b| *b))
            }
            "Fn::Or" => {
                let values: Option<Vec<bool>> =
                    items.iter().map(|c| self.condition_value(c)).collect();
                values.map(|v| v.iter().any(|b| *b))
            }
            "Fn::Equals" => {
                let warnings = self.warnings.len();
                let left = self.text(items.first()?);
                let right = self.text(items.get(1)?);
                let decided = self.warnings.len() == warnings;
                match (left, right) {
                    (Some(l), Some(r)) if decided => Some(l == r),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// A mapping of one member whose key names an intrinsic function: `(name, argument)`.
fn intrinsic_call(entries: &[Entry]) -> Option<(&str, &Node)> {
    match entries {
        [entry]
            if entry.key == "Ref" || entry.key == "Condition" || entry.key.starts_with("Fn::") =>
        {
            Some((entry.key.as_str(), &entry.value))
        }
        _ => None,
    }
}

/// The symbolic string `${WHAT}`.
fn symbolic(what: &str, span: Span) -> Node {
    Node::string(format!("${{{what}}}"), span)
}

#[cfg(test)]
mod tests;
