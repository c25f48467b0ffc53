//! The policy statement an `AWS::Events::EventBusPolicy` stands for.
//!
//! The resource adds one statement to an event bus's resource policy. It is written either as
//! `Statement` (the statement itself, JSON) or, in its older form, as `Action`, `Principal`
//! and `Condition` properties, from which EventBridge builds the statement (EventBridge API
//! Reference, `PutPermission`: `Principal` an account id or `*`, `Condition` a `Type`, `Key`
//! and `Value` that is only meaningful with `Principal: "*"`). Either way the statement's
//! `Sid` is `StatementId`, and its resource, when the older form names none, is the bus
//! (`EventBusName`, else the account's `default` bus) in the deployment's account and region.
//! Every value keeps its place in the template, so findings point where it was written.

use crate::cfn::entry;
use crate::resolve::Resolver;
use crate::tree::{Entry, Node, Value};

/// The one-statement policy an `AWS::Events::EventBusPolicy` adds, from its properties.
pub(crate) fn event_bus_policy(properties: &Node, resolver: &mut Resolver<'_>) -> Node {
    let span = properties.span;
    let mut value = |name: &str| properties.get(name).map(|n| resolver.resolve_value(n));
    let sid = value("StatementId");
    let statement = match value("Statement") {
        Some(statement) => with_sid(statement, sid),
        None => {
            let older = OlderForm {
                action: value("Action"),
                principal: value("Principal"),
                condition: value("Condition"),
                bus: value("EventBusName"),
            };
            older.statement(sid, span, resolver)
        }
    };
    Node::new(
        Value::Map(vec![
            entry("Version", Node::string("2012-10-17", span)),
            entry("Statement", Node::new(Value::List(vec![statement]), span)),
        ]),
        span,
    )
}

/// `statement` with `Sid` set to the `StatementId`, unless it names its own.
fn with_sid(statement: Node, sid: Option<Node>) -> Node {
    match (statement.value, sid) {
        (Value::Map(mut entries), Some(sid)) if !entries.iter().any(|e| e.key == "Sid") => {
            entries.insert(0, entry("Sid", sid));
            Node::new(Value::Map(entries), statement.span)
        }
        (value, _) => Node::new(value, statement.span),
    }
}

/// `Action`, `Principal`, `Condition` and `EventBusName`, resolved.
struct OlderForm {
    action: Option<Node>,
    principal: Option<Node>,
    condition: Option<Node>,
    bus: Option<Node>,
}

impl OlderForm {
    fn statement(
        self,
        sid: Option<Node>,
        span: keyaki_policy::Span,
        resolver: &Resolver<'_>,
    ) -> Node {
        let mut statement: Vec<Entry> = sid.into_iter().map(|sid| entry("Sid", sid)).collect();
        statement.push(entry("Effect", Node::string("Allow", span)));
        if let Some(principal) = self.principal {
            statement.push(entry("Principal", account_principal(principal, resolver)));
        }
        if let Some(action) = self.action {
            statement.push(entry("Action", action));
        }
        statement.push(entry("Resource", bus_arn(self.bus, span, resolver)));
        if let Some(written) = self.condition {
            statement.push(entry("Condition", condition(written)));
        }
        Node::new(Value::Map(statement), span)
    }
}

/// `*` as written; an account id as that account's root, as EventBridge writes it.
fn account_principal(principal: Node, resolver: &Resolver<'_>) -> Node {
    let span = principal.span;
    let aws = match principal.as_str() {
        Some("*") => return principal,
        Some(account) if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) => {
            let partition = resolver.deployment().partition();
            Node::string(format!("arn:{partition}:iam::{account}:root"), span)
        }
        _ => principal,
    };
    Node::new(Value::Map(vec![entry("AWS", aws)]), span)
}

/// The bus's ARN: `EventBusName` when it is one, else built from the name (or `default`).
fn bus_arn(bus: Option<Node>, span: keyaki_policy::Span, resolver: &Resolver<'_>) -> Node {
    let d = resolver.deployment();
    match bus {
        Some(bus) if bus.as_str().is_some_and(|b| b.starts_with("arn:")) => bus,
        Some(bus) => {
            let name = bus.scalar_text().unwrap_or_else(|| "default".into());
            let arn = format!(
                "arn:{}:events:{}:{}:event-bus/{name}",
                d.partition(),
                d.region,
                d.account_id
            );
            Node::string(arn, bus.span)
        }
        None => Node::string(
            format!(
                "arn:{}:events:{}:{}:event-bus/default",
                d.partition(),
                d.region,
                d.account_id
            ),
            span,
        ),
    }
}

/// `{Type, Key, Value}` as `{Type: {Key: Value}}`; any other shape is kept as written, so
/// that the policy's reader reports it where it is.
fn condition(condition: Node) -> Node {
    let part = |name: &str| condition.get(name).cloned();
    let (Some(kind), Some(key), Some(value)) = (part("Type"), part("Key"), part("Value")) else {
        return condition;
    };
    let (Some(kind_name), Some(key_name)) = (kind.scalar_text(), key.scalar_text()) else {
        return condition;
    };
    let inner = Node::new(Value::Map(vec![entry(&key_name, value)]), key.span);
    Node::new(Value::Map(vec![entry(&kind_name, inner)]), condition.span)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

    use crate::cfn::policies;
    use crate::resolve::Deployment;
    use crate::yaml::read_yaml;
    use keyaki_policy::SourceFile;
    use serde_json::{Value, json};

    const TEMPLATE: &str = include_str!("../../../tests/examples/templates/events-and-tables.yaml");

    fn document_of(resource: &str) -> Value {
        let source = SourceFile::new("t.yaml", TEMPLATE.as_bytes().to_vec());
        let tree = read_yaml(&source).unwrap();
        let (found, _) = policies(&tree, &Deployment::default());
        let policy = found.iter().find(|p| p.resource == resource).unwrap();
        serde_json::from_str(policy.source.text()).unwrap()
    }

    #[test]
    fn a_statement_is_the_policy_with_its_statement_id_as_sid() {
        let statement = &document_of("OrgPutsEvents")["Statement"][0];
        assert_eq!(statement["Sid"], "OrgPutsEvents");
        assert_eq!(
            statement["Resource"],
            "arn:aws:events:us-east-1:123456789012:event-bus/audit"
        );
    }

    #[test]
    fn the_older_form_is_built_as_eventbridge_builds_it() {
        let expected = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "PartnerPutsEvents",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Action": "events:PutEvents",
                "Resource": "arn:aws:events:us-east-1:123456789012:event-bus/audit"
            }]
        });
        assert_eq!(document_of("PartnerPutsEvents"), expected);
    }
}
