//! Reading the output of `aws iam get-account-authorization-details`.
//!
//! The document lists the account's users (`UserDetailList`), groups (`GroupDetailList`), roles
//! (`RoleDetailList`) and managed policies (`Policies`). Each identity's permissions are its
//! inline policies (`UserPolicyList`, `GroupPolicyList`, `RolePolicyList`: name and document),
//! the managed policies attached to it (`AttachedManagedPolicies`: name and ARN, whose document
//! is the version of `Policies` marked `IsDefaultVersion`), for a user those of its groups
//! (`GroupList`), and its `PermissionsBoundary` (a managed policy's ARN). A role also has its
//! trust policy, `AssumeRolePolicyDocument`.
//!
//! A page of a paginated API answer (`"IsTruncated": true`) is an error: identities would be
//! missing. AWS adds fields to this output over time, so unknown fields are ignored here (the keyaki
//! manifest, which people write, is strict). Every reference must resolve: an attached policy,
//! boundary or group missing from the document is an error at the reference, because deciding
//! without it could grant what it denies (the output of `--filter` leaves things out).

use super::read::{Reader, field};
use super::sourced::{SourceKind, SourcedPolicy};
use super::{IamGroup, IamIdentity, IdentityKind};
use crate::diagnostic::Diagnostic;
use crate::json::{Json, Member};
use crate::model::PolicyType;
use crate::span::{Span, Spanned};
use std::collections::HashMap;
use std::sync::Arc;

/// What the details document says: the identities, in document order (users, then roles), and
/// the groups.
pub(super) struct Details {
    pub identities: Vec<IamIdentity>,
    pub groups: Vec<IamGroup>,
    /// Every account id written in an identity's ARN, with where.
    pub account_ids: Vec<Spanned<String>>,
}

/// Managed policies by ARN; `None` when the document did not parse (already reported).
type Managed = HashMap<String, Option<Arc<SourcedPolicy>>>;

pub(super) fn read(reader: &mut Reader, tree: &Spanned<Json>) -> Option<Details> {
    let members = reader.object(tree, "the account authorization details")?;
    if [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ]
    .iter()
    .all(|name| field(members, name).is_none())
    {
        reader.diagnostics.push(
            Diagnostic::error(
                "this is not the output of `aws iam get-account-authorization-details`",
                Span::new(tree.span.start, tree.span.start + 1),
            )
            .with_help(
                "it has none of `UserDetailList`, `GroupDetailList`, `RoleDetailList`, `Policies`",
            ),
        );
        return None;
    }
    if let Some(truncated) =
        field(members, "IsTruncated").filter(|m| m.value.value == Json::Bool(true))
    {
        reader.diagnostics.push(
            Diagnostic::error(
                "the document is one page of several (`IsTruncated` is true)",
                truncated.value.span,
            )
            .with_help("the AWS CLI merges every page by itself; with the API, call again with `Marker` and merge the lists"),
        );
    }
    let managed = managed_policies(reader, members);
    let groups = groups(reader, members, &managed);
    let mut identities = Vec::new();
    for item in reader.array(field(members, "UserDetailList")) {
        identities.extend(identity(
            reader,
            item,
            IdentityKind::User,
            &managed,
            &groups,
        ));
    }
    for item in reader.array(field(members, "RoleDetailList")) {
        identities.extend(identity(
            reader,
            item,
            IdentityKind::Role,
            &managed,
            &groups,
        ));
    }
    let account_ids = identities
        .iter()
        .filter_map(|i| {
            let account = i.arn.value.split(':').nth(4)?;
            Some(Spanned::new(account.to_string(), i.arn.span))
        })
        .collect();
    Some(Details {
        identities,
        groups,
        account_ids,
    })
}

/// `Policies`: each managed policy's default version, by ARN.
fn managed_policies(reader: &mut Reader, members: &[Member]) -> Managed {
    let mut managed = Managed::new();
    for item in reader.array(field(members, "Policies")) {
        let Some(policy) = reader.object(item, "a managed policy") else {
            continue;
        };
        let name = reader.required_string(policy, "PolicyName", item.span);
        let arn = reader.required_string(policy, "Arn", item.span);
        let (Some(name), Some(arn)) = (name, arn) else {
            continue;
        };
        let versions = reader.array(field(policy, "PolicyVersionList"));
        let default = versions.iter().find(|version| match &version.value {
            Json::Object(fields) => {
                matches!(field(fields, "IsDefaultVersion"), Some(m) if m.value.value == Json::Bool(true))
            }
            _ => false,
        });
        let Some(Json::Object(version)) = default.map(|v| &v.value) else {
            reader.diagnostics.push(
                Diagnostic::error(
                    format!("the managed policy `{}` has no default version", name.value),
                    arn.span,
                )
                .with_help("one entry of `PolicyVersionList` has `\"IsDefaultVersion\": true` and the `Document`"),
            );
            continue;
        };
        let Some(document) = field(version, "Document") else {
            reader.error(
                format!("the default version of `{}` has no `Document`", name.value),
                arn.span,
            );
            continue;
        };
        let kind = SourceKind::of_managed(&arn.value);
        let read = reader.policy(&document.value, PolicyType::Identity, &name.value, kind);
        managed.insert(arn.value, read);
    }
    managed
}

/// `GroupDetailList`: each group with its policies.
fn groups(reader: &mut Reader, members: &[Member], managed: &Managed) -> Vec<IamGroup> {
    let mut groups = Vec::new();
    for item in reader.array(field(members, "GroupDetailList")) {
        let Some(group) = reader.object(item, "a group") else {
            continue;
        };
        let Some(name) = reader.required_string(group, "GroupName", item.span) else {
            continue;
        };
        let arn = reader.string(field(group, "Arn")).map(|a| a.value);
        let mut policies =
            inline_policies(reader, field(group, "GroupPolicyList"), SourceKind::Group);
        policies.extend(attached(reader, group, managed));
        groups.push(IamGroup {
            name: name.value,
            arn,
            policies,
        });
    }
    groups
}

/// One user or role with every policy that applies to it.
fn identity(
    reader: &mut Reader,
    item: &Spanned<Json>,
    kind: IdentityKind,
    managed: &Managed,
    groups: &[IamGroup],
) -> Option<IamIdentity> {
    let what = match kind {
        IdentityKind::User => "a user",
        IdentityKind::Role => "a role",
    };
    let members = reader.object(item, what)?;
    let (name_field, list_field, inline_kind) = match kind {
        IdentityKind::User => ("UserName", "UserPolicyList", SourceKind::User),
        IdentityKind::Role => ("RoleName", "RolePolicyList", SourceKind::Role),
    };
    let name = reader.required_string(members, name_field, item.span);
    let arn = reader.required_string(members, "Arn", item.span);
    let mut policies = inline_policies(reader, field(members, list_field), inline_kind);
    policies.extend(attached(reader, members, managed));
    if kind == IdentityKind::User {
        for group in reader.array(field(members, "GroupList")) {
            match &group.value {
                Json::String(group_name) => match groups.iter().find(|g| &g.name == group_name) {
                    Some(found) => policies.extend(found.policies.iter().cloned()),
                    None => reader.diagnostics.push(
                        Diagnostic::error(
                            format!("the group `{group_name}` is not in `GroupDetailList`"),
                            group.span,
                        )
                        .with_help("list the account's groups in `GroupDetailList` (the output of `get-account-authorization-details` without `--filter`)"),
                    ),
                },
                other => reader.error(
                    format!("a group name must be a string, found {}", other.type_name()),
                    group.span,
                ),
            }
        }
    }
    let boundary = boundary(reader, members, managed);
    let trust_policy = match (kind, field(members, "AssumeRolePolicyDocument")) {
        (IdentityKind::Role, Some(member)) => reader.policy(
            &member.value,
            PolicyType::Resource,
            "AssumeRolePolicyDocument",
            SourceKind::Resource,
        ),
        _ => None,
    };
    let path = reader
        .string(field(members, "Path"))
        .map_or_else(|| "/".to_string(), |p| p.value);
    let (name, arn) = (name?, arn?);
    check_arn(reader, &arn, kind, &name.value);
    Some(IamIdentity {
        kind,
        name: name.value,
        path,
        arn,
        policies,
        boundary,
        trust_policy,
    })
}

/// An identity's ARN must be of its kind and end with its name.
fn check_arn(reader: &mut Reader, arn: &Spanned<String>, kind: IdentityKind, name: &str) {
    let resource = arn.value.splitn(6, ':').nth(5).unwrap_or("");
    let prefix = match kind {
        IdentityKind::User => "user/",
        IdentityKind::Role => "role/",
    };
    let fits = arn.value.starts_with("arn:")
        && arn.value.split(':').nth(2) == Some("iam")
        && resource.starts_with(prefix)
        && resource.rsplit('/').next() == Some(name);
    if !fits {
        reader.diagnostics.push(
            Diagnostic::error(
                format!(
                    "`{}` is not the ARN of {} named `{name}`",
                    arn.value,
                    kind.noun()
                ),
                arn.span,
            )
            .with_help(format!(
                "an IAM {} ARN is `arn:aws:iam::ACCOUNT:{prefix}PATH{name}`",
                kind.noun()
            )),
        );
    }
}

/// `UserPolicyList`, `GroupPolicyList` or `RolePolicyList`.
fn inline_policies(
    reader: &mut Reader,
    list: Option<&Member>,
    kind: SourceKind,
) -> Vec<Arc<SourcedPolicy>> {
    let mut policies = Vec::new();
    for item in reader.array(list) {
        let Some(entry) = reader.object(item, "an inline policy") else {
            continue;
        };
        let name = reader.required_string(entry, "PolicyName", item.span);
        let Some(document) = field(entry, "PolicyDocument") else {
            reader.error("the inline policy has no `PolicyDocument`", item.span);
            continue;
        };
        let Some(name) = name else { continue };
        policies.extend(reader.policy(&document.value, PolicyType::Identity, &name.value, kind));
    }
    policies
}

/// `AttachedManagedPolicies`: each resolved in `Policies`.
fn attached(reader: &mut Reader, members: &[Member], managed: &Managed) -> Vec<Arc<SourcedPolicy>> {
    let mut policies = Vec::new();
    for item in reader.array(field(members, "AttachedManagedPolicies")) {
        let Some(entry) = reader.object(item, "an attached policy") else {
            continue;
        };
        if let Some(arn) = reader.required_string(entry, "PolicyArn", item.span) {
            policies.extend(resolve(reader, &arn, managed));
        }
    }
    policies
}

/// `PermissionsBoundary`: `{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": ARN}`.
fn boundary(
    reader: &mut Reader,
    members: &[Member],
    managed: &Managed,
) -> Option<Arc<SourcedPolicy>> {
    let member = field(members, "PermissionsBoundary")?;
    let entry = reader.object(&member.value, "`PermissionsBoundary`")?;
    let arn = reader.required_string(entry, "PermissionsBoundaryArn", member.value.span)?;
    resolve(reader, &arn, managed)
}

fn resolve(
    reader: &mut Reader,
    arn: &Spanned<String>,
    managed: &Managed,
) -> Option<Arc<SourcedPolicy>> {
    let found = managed.get(&arn.value).cloned();
    if let Some(read) = found {
        return read;
    }
    {
        reader.diagnostics.push(
            Diagnostic::error(
                format!("the managed policy `{}` is not in `Policies`", arn.value),
                arn.span,
            )
            .with_help("keyaki needs every attached policy's document: run `aws iam get-account-authorization-details` without `--filter`, or add the policy to `Policies`"),
        );
    }
    None
}
