//! A scenario: one request and every policy that decides it, read from one JSON document.
//!
//! ```json
//! {"request": {"principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
//!              "action": "s3:GetObject", "resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k"},
//!  "resourceOwner": "111122223333",
//!  "managementAccount": "999999999999",
//!  "identityPolicies": [P…], "permissionsBoundaries": [P…], "sessionPolicy": P | null,
//!  "resourcePolicy": P | null,
//!  "serviceControlPolicies": [[P…], …], "resourceControlPolicies": [[P…], …],
//!  "vpcEndpointPolicies": [P…]}
//! ```
//!
//! Only `request` is required; the request has the form `evaluate` reads
//! ([`crate::request`]) and must name its `principal`. Every policy is written inline as a
//! JSON object and read with the type its place gives it: identity policies, permissions
//! boundaries, session policies and SCPs have no `Principal` (identity type); the resource
//! policy, RCPs and VPC endpoint policies name their principals (resource type).
//!
//! - `resourceOwner`: the account that owns the resource, for ARNs without an account field
//!   (`arn:aws:s3:::bucket`); when the ARN has one, the two must agree.
//! - `managementAccount`: the organization's management account, whose principals SCPs do not
//!   restrict and whose resources RCPs do not restrict (see [`crate::eval::scenario`]). This
//!   field is keyaki's addition to the format: the Guide's exemptions need it.
//! - `serviceControlPolicies`: one list per level of the organization path of the *caller's*
//!   account, root first, the account itself last; `resourceControlPolicies` likewise for the
//!   *resource owner's* account. AWS keeps at least one policy at every level (`FullAWSAccess`,
//!   `RCPFullAWSAccess`), so an empty level is an error; `[]` (no level) means no organization.
//! - `vpcEndpointPolicies`: the policy of each VPC endpoint the request passes through.
//!
//! Identity-side policies (identity policies, boundaries, session policy) belong to an AWS
//! identity: giving them for an anonymous caller, a service or a web-identity caller is an error,
//! and so is a session policy for a caller that is no session, or any of them for the root user.
//! Every error is located in the scenario document; unknown fields are errors.

use crate::caller::{AwsForm, identity_arn};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::json::{Json, Member};
use crate::model::{Policy, PolicyType};
use crate::parse::{ParseOptions, policy_from_tree, read_json, unknown_fields};
use crate::request::{Request, RequestPrincipal, read_request};
use crate::span::{Span, Spanned};

/// The fields a scenario may have, in the order they are documented.
pub const SCENARIO_FIELDS: &[&str] = &[
    "request",
    "resourceOwner",
    "managementAccount",
    "identityPolicies",
    "permissionsBoundaries",
    "sessionPolicy",
    "resourcePolicy",
    "serviceControlPolicies",
    "resourceControlPolicies",
    "vpcEndpointPolicies",
];

/// One request and the policies that decide it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The request (it always names its principal).
    pub request: Request,
    /// Where the request's `resource` is written, for messages about the resource's owner.
    pub resource_span: Span,
    /// `resourceOwner`, when given.
    pub resource_owner: Option<String>,
    /// `managementAccount`, when given.
    pub management_account: Option<String>,
    /// The caller's identity-based policies.
    pub identity_policies: Vec<Policy>,
    /// The caller's permissions boundaries.
    pub permissions_boundaries: Vec<Policy>,
    /// The session policy passed when the caller's session was created.
    pub session_policy: Option<Policy>,
    /// The resource-based policy of the resource.
    pub resource_policy: Option<Policy>,
    /// SCPs per level of the caller's account's organization path, root first.
    pub service_control_policies: Vec<Vec<Policy>>,
    /// RCPs per level of the resource owner's organization path, root first.
    pub resource_control_policies: Vec<Vec<Policy>>,
    /// The policies of the VPC endpoints the request passes through.
    pub vpc_endpoint_policies: Vec<Policy>,
}

/// A scenario that was read, with the warnings of its policies.
#[derive(Debug, Clone)]
pub struct ParsedScenario {
    /// The scenario.
    pub scenario: Scenario,
    /// Warnings (never errors) about its policies, in document order.
    pub warnings: Vec<Diagnostic>,
}

/// Reads a scenario document; on failure, every error found (and the warnings), in document
/// order.
pub fn parse_scenario(source: &SourceFile) -> Result<ParsedScenario, Vec<Diagnostic>> {
    let tree = read_json(source, ParseOptions::default()).map_err(|d| vec![d])?;
    let mut reader = Reader::default();
    let scenario = reader.scenario(&tree);
    let mut diagnostics = reader.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    match scenario {
        Some(scenario) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(ParsedScenario {
            scenario,
            warnings: diagnostics,
        }),
        _ => Err(diagnostics),
    }
}

#[derive(Default)]
struct Reader {
    diagnostics: Vec<Diagnostic>,
}

impl Reader {
    fn scenario(&mut self, tree: &Spanned<Json>) -> Option<Scenario> {
        let Json::Object(members) = &tree.value else {
            self.diagnostics.push(Diagnostic::error(
                format!(
                    "a scenario must be an object, found {}",
                    tree.value.type_name()
                ),
                tree.span,
            ));
            return None;
        };
        self.diagnostics.extend(unknown_fields(
            members,
            SCENARIO_FIELDS,
            "scenario",
            "a scenario",
        ));
        let field = |name: &str| members.iter().find(|m| m.key.value == name);
        let Some(request_member) = field("request") else {
            self.diagnostics.push(
                Diagnostic::error(
                    "the scenario has no `request`",
                    Span::new(tree.span.start, tree.span.start + 1),
                )
                .with_help("add `\"request\": {\"principal\": …, \"action\": …, \"resource\": …}`"),
            );
            return None;
        };
        let request = read_request(&request_member.value, &mut self.diagnostics);
        let resource_span = resource_span(&request_member.value).unwrap_or(request_member.key.span);
        let resource_owner = field("resourceOwner").and_then(|m| self.account(m));
        let management_account = field("managementAccount").and_then(|m| self.account(m));
        let identity = PolicyType::Identity;
        let resource = PolicyType::Resource;
        let scenario = Scenario {
            resource_span,
            resource_owner,
            management_account,
            identity_policies: self.policy_list(field("identityPolicies"), identity),
            permissions_boundaries: self.policy_list(field("permissionsBoundaries"), identity),
            session_policy: self.optional_policy(field("sessionPolicy"), identity),
            resource_policy: self.optional_policy(field("resourcePolicy"), resource),
            service_control_policies: self.levels(field("serviceControlPolicies"), identity),
            resource_control_policies: self.levels(field("resourceControlPolicies"), resource),
            vpc_endpoint_policies: self.policy_list(field("vpcEndpointPolicies"), resource),
            request: request?,
        };
        if scenario.request.principal.is_none() {
            self.diagnostics.push(
                Diagnostic::error("the scenario's request has no `principal`", request_member.key.span)
                    .with_help("every policy of a scenario is about one caller: add for example `\"principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/R\"}`, or `\"*\"` for an anonymous caller"),
            );
        }
        self.check_owner(&scenario, field("resourceOwner"));
        self.check_identity_side(&scenario, &field);
        Some(scenario)
    }

    /// `resourceOwner` or `managementAccount`: a 12-digit account id.
    fn account(&mut self, member: &Member) -> Option<String> {
        match &member.value.value {
            Json::String(text) if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) => {
                Some(text.clone())
            }
            Json::String(text) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        format!(
                            "`{}` must be a 12-digit account id, found `{text}`",
                            member.key.value
                        ),
                        member.value.span,
                    )
                    .with_help("write the account id alone, such as `111122223333`"),
                );
                None
            }
            other => {
                self.diagnostics.push(Diagnostic::error(
                    format!(
                        "`{}` must be a string, found {}",
                        member.key.value,
                        other.type_name()
                    ),
                    member.value.span,
                ));
                None
            }
        }
    }

    /// One policy written inline, read as `policy_type`.
    fn policy(&mut self, value: &Spanned<Json>, policy_type: PolicyType) -> Option<Policy> {
        if !matches!(value.value, Json::Object(_)) {
            self.diagnostics.push(
                Diagnostic::error(
                    format!("a policy must be an object, found {}", value.value.type_name()),
                    value.span,
                )
                .with_help("write the policy document inline: `{\"Version\": \"2012-10-17\", \"Statement\": […]}`"),
            );
            return None;
        }
        match policy_from_tree(value, Some(policy_type)) {
            Ok(parsed) => {
                self.diagnostics.extend(parsed.warnings);
                Some(parsed.policy)
            }
            Err(diagnostics) => {
                self.diagnostics.extend(diagnostics);
                None
            }
        }
    }

    fn optional_policy(
        &mut self,
        member: Option<&Member>,
        policy_type: PolicyType,
    ) -> Option<Policy> {
        let member = member?;
        match member.value.value {
            Json::Null => None,
            _ => self.policy(&member.value, policy_type),
        }
    }

    /// An array of policies; the items of a wrong shape are reported and left out.
    fn policies(
        &mut self,
        value: &Spanned<Json>,
        name: &str,
        policy_type: PolicyType,
    ) -> Vec<Policy> {
        let Json::Array(items) = &value.value else {
            self.diagnostics.push(Diagnostic::error(
                format!(
                    "`{name}` must be an array of policies, found {}",
                    value.value.type_name()
                ),
                value.span,
            ));
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.policy(item, policy_type))
            .collect()
    }

    fn policy_list(&mut self, member: Option<&Member>, policy_type: PolicyType) -> Vec<Policy> {
        match member {
            Some(member) => self.policies(&member.value, &member.key.value, policy_type),
            None => Vec::new(),
        }
    }

    /// `[[P…], …]`: one non-empty list of policies per organization level, root first.
    fn levels(&mut self, member: Option<&Member>, policy_type: PolicyType) -> Vec<Vec<Policy>> {
        let Some(member) = member else {
            return Vec::new();
        };
        let name = member.key.value.as_str();
        let Json::Array(levels) = &member.value.value else {
            self.diagnostics.push(
                Diagnostic::error(
                    format!(
                        "`{name}` must be an array of levels (arrays of policies), found {}",
                        member.value.value.type_name()
                    ),
                    member.value.span,
                )
                .with_help("one array per level of the organization path, root first: `[[ROOT_POLICY], [OU_POLICY], [ACCOUNT_POLICY]]`"),
            );
            return Vec::new();
        };
        let mut read = Vec::new();
        for level in levels {
            if matches!(&level.value, Json::Array(items) if items.is_empty()) {
                self.diagnostics.push(
                    Diagnostic::error(format!("a level of `{name}` has no policy"), level.span)
                        .with_help("AWS keeps at least one policy at every level (the default allows everything); write `[]` for the whole field when there is no organization"),
                );
                continue;
            }
            read.push(self.policies(level, name, policy_type));
        }
        read
    }

    /// The resource's owner: the ARN's account field and `resourceOwner` must agree.
    fn check_owner(&mut self, scenario: &Scenario, member: Option<&Member>) {
        let (Some(given), Some(member)) = (&scenario.resource_owner, member) else {
            return;
        };
        let Some(in_arn) = arn_account(&scenario.request.resource) else {
            return;
        };
        if in_arn != given {
            self.diagnostics.push(
                Diagnostic::error(
                    format!(
                        "`resourceOwner` `{given}` contradicts the resource's account `{in_arn}`"
                    ),
                    member.value.span,
                )
                .with_related(scenario.resource_span, "the resource is"),
            );
        }
    }

    /// Identity-side policies need an AWS identity that can have them.
    fn check_identity_side<'m>(
        &mut self,
        scenario: &Scenario,
        field: &dyn Fn(&str) -> Option<&'m Member>,
    ) {
        let Some(principal) = &scenario.request.principal else {
            return;
        };
        let form = identity_arn(&scenario.request).and_then(|arn| AwsForm::of(&arn));
        let has_identity = matches!(principal, RequestPrincipal::Aws(_));
        let is_session = matches!(form, Some(AwsForm::Role | AwsForm::FederatedUser));
        let is_root = form == Some(AwsForm::Root);
        let given = [
            ("identityPolicies", !scenario.identity_policies.is_empty()),
            (
                "permissionsBoundaries",
                !scenario.permissions_boundaries.is_empty(),
            ),
            ("sessionPolicy", scenario.session_policy.is_some()),
        ];
        for (name, present) in given {
            let Some(member) = field(name).filter(|_| present) else {
                continue;
            };
            let reason = if !has_identity {
                format!("the caller `{principal}` is no IAM identity, so it has no `{name}`")
            } else if is_root {
                format!("the root user has no `{name}`: it is not an IAM user or role")
            } else if name == "sessionPolicy" && !is_session {
                "only a role session or a federated user session has a session policy".to_string()
            } else {
                continue;
            };
            self.diagnostics.push(
                Diagnostic::error(reason, member.key.span)
                    .with_help("remove the field, or name a caller that has these policies"),
            );
        }
    }
}

/// The account field of an ARN, when it has one.
pub fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (arn.starts_with("arn:") && !account.is_empty()).then_some(account)
}

/// Where the request's `resource` value is written.
fn resource_span(request: &Spanned<Json>) -> Option<Span> {
    let Json::Object(members) = &request.value else {
        return None;
    };
    members
        .iter()
        .find(|m| m.key.value == "resource")
        .map(|m| m.value.span)
}

#[cfg(test)]
mod tests;
