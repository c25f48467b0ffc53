//! Reading the keyaki account manifest: what `get-account-authorization-details` does not say.
//!
//! ```json
//! {"accountId": "111122223333",
//!  "managementAccount": "999999999999",
//!  "organization": [
//!    {"name": "Root", "serviceControlPolicies": [{"name": "FullAWSAccess", "document": P}],
//!                     "resourceControlPolicies": [{"name": "RCPFullAWSAccess", "document": P}]},
//!    {"name": "ou-workloads", "serviceControlPolicies": […], "resourceControlPolicies": […]},
//!    {"name": "111122223333", "serviceControlPolicies": […], "resourceControlPolicies": […]}],
//!  "resourcePolicies": [{"resource": "arn:aws:s3:::example-bucket", "owner": "111122223333",
//!                        "document": P}],
//!  "vpcEndpointPolicies": [{"name": "vpce-0a1b2c", "document": P}]}
//! ```
//!
//! Every field is optional, and unknown fields are errors.
//!
//! - `accountId`: the account, when no ARN of the details document names it (it must agree
//!   with them when they do).
//! - `managementAccount`: the organization's management account (SCPs and RCPs do not apply
//!   to it).
//! - `organization`: the levels of the account's path in AWS Organizations, root first and the
//!   account itself last. Each level lists its SCPs, and its RCPs when RCPs are enabled: then
//!   every level lists them, since AWS keeps at least one policy (`RCPFullAWSAccess`) at every
//!   level; likewise `FullAWSAccess` for SCPs, so a level without SCPs is an error.
//! - `resourcePolicies`: the resource-based policy (`document`) of each resource, by ARN. The
//!   policy applies to requests on that resource and, for an S3 bucket, on its objects
//!   (`arn:aws:s3:::bucket/…`). `owner` is the account that owns the resource, when the ARN
//!   does not name it; a resource listed here without `owner` is the account's own. An entry
//!   without `document` is a resource with no resource-based policy: listing it says who owns
//!   it (an S3 bucket's ARN does not).
//! - `vpcEndpointPolicies`: the policies of the VPC endpoints requests pass through.
//!
//! Policy documents are written inline as JSON objects (or as strings holding the JSON,
//! URL-encoded or not), each wrapped with its `name` so that results can name it.

use super::read::{Reader, field, is_account_id};
use super::sourced::{SourceKind, SourcedPolicy};
use super::{OrganizationLevel, ResourceEntry};
use crate::diagnostic::Diagnostic;
use crate::json::{Json, Member};
use crate::model::PolicyType;
use crate::span::{Span, Spanned};
use std::sync::Arc;

/// The fields of a manifest.
pub const MANIFEST_FIELDS: &[&str] = &[
    "accountId",
    "managementAccount",
    "organization",
    "resourcePolicies",
    "vpcEndpointPolicies",
];

const LEVEL_FIELDS: &[&str] = &["name", "serviceControlPolicies", "resourceControlPolicies"];
const RESOURCE_FIELDS: &[&str] = &["resource", "owner", "document"];
const NAMED_FIELDS: &[&str] = &["name", "document"];

/// What the manifest says.
#[derive(Default)]
pub(super) struct Manifest {
    pub account_id: Option<Spanned<String>>,
    pub management_account: Option<String>,
    pub organization: Vec<OrganizationLevel>,
    pub resource_policies: Vec<ResourceEntry>,
    pub vpc_endpoint_policies: Vec<Arc<SourcedPolicy>>,
}

pub(super) fn read(reader: &mut Reader, tree: &Spanned<Json>) -> Option<Manifest> {
    let members = reader.object(tree, "the manifest")?;
    reader.unknown_fields(members, MANIFEST_FIELDS, "manifest");
    let mut manifest = Manifest {
        account_id: reader.account_id(field(members, "accountId")),
        management_account: reader
            .account_id(field(members, "managementAccount"))
            .map(|a| a.value),
        ..Manifest::default()
    };
    let levels = reader.array(field(members, "organization"));
    for level in levels {
        manifest
            .organization
            .extend(organization_level(reader, level));
    }
    check_rcps_everywhere(reader, levels, &manifest.organization);
    for entry in reader.array(field(members, "resourcePolicies")) {
        manifest
            .resource_policies
            .extend(resource_entry(reader, entry));
    }
    for entry in reader.array(field(members, "vpcEndpointPolicies")) {
        manifest.vpc_endpoint_policies.extend(named_policy(
            reader,
            entry,
            PolicyType::Resource,
            SourceKind::VpcEndpoint,
        ));
    }
    Some(manifest)
}

fn organization_level(reader: &mut Reader, value: &Spanned<Json>) -> Option<OrganizationLevel> {
    let members = reader.object(value, "an organization level")?;
    reader.unknown_fields(members, LEVEL_FIELDS, "organization level");
    let name = reader
        .required_string(members, "name", value.span)
        .map(|n| n.value);
    let scps = policies(
        reader,
        field(members, "serviceControlPolicies"),
        PolicyType::Identity,
    );
    let rcps = policies(
        reader,
        field(members, "resourceControlPolicies"),
        PolicyType::Resource,
    );
    if scps.is_empty() {
        reader.diagnostics.push(
            Diagnostic::error("the organization level has no SCP", Span::new(value.span.start, value.span.start + 1))
                .with_help("AWS keeps at least one SCP at every level (`FullAWSAccess` by default): list them in `serviceControlPolicies`"),
        );
    }
    Some(OrganizationLevel {
        name: name?,
        service_control_policies: scps,
        resource_control_policies: rcps,
    })
}

/// RCPs are listed at every level or at none.
fn check_rcps_everywhere(
    reader: &mut Reader,
    levels: &[Spanned<Json>],
    read: &[OrganizationLevel],
) {
    let with = read
        .iter()
        .filter(|l| !l.resource_control_policies.is_empty())
        .count();
    if with == 0 || with == read.len() {
        return;
    }
    for (level, value) in read.iter().zip(levels) {
        if level.resource_control_policies.is_empty() {
            reader.diagnostics.push(
                Diagnostic::error(
                    format!("the organization level `{}` has no RCP while others have some", level.name),
                    Span::new(value.span.start, value.span.start + 1),
                )
                .with_help("once RCPs are enabled AWS keeps at least one RCP (`RCPFullAWSAccess`) at every level: list it in `resourceControlPolicies`"),
            );
        }
    }
}

fn policies(
    reader: &mut Reader,
    member: Option<&Member>,
    policy_type: PolicyType,
) -> Vec<Arc<SourcedPolicy>> {
    let items = reader.array(member);
    items
        .iter()
        .filter_map(|item| named_policy(reader, item, policy_type, SourceKind::Organization))
        .collect()
}

/// `{"name": …, "document": P}`.
fn named_policy(
    reader: &mut Reader,
    value: &Spanned<Json>,
    policy_type: PolicyType,
    kind: SourceKind,
) -> Option<Arc<SourcedPolicy>> {
    let members = reader.object(value, "a named policy (`{\"name\": …, \"document\": …}`)")?;
    reader.unknown_fields(members, NAMED_FIELDS, "named policy");
    let name = reader.required_string(members, "name", value.span);
    let document = required(reader, members, "document", value.span)?;
    reader.policy(&document.value, policy_type, &name?.value, kind)
}

fn resource_entry(reader: &mut Reader, value: &Spanned<Json>) -> Option<ResourceEntry> {
    let members = reader.object(value, "a resource policy entry")?;
    reader.unknown_fields(members, RESOURCE_FIELDS, "resource policy entry");
    let resource = reader.required_string(members, "resource", value.span);
    let owner = reader.account_id(field(members, "owner"));
    let document = field(members, "document");
    let resource = resource?;
    if !resource.value.starts_with("arn:") {
        reader.diagnostics.push(
            Diagnostic::error(format!("`{}` is not an ARN", resource.value), resource.span)
                .with_help("name the resource by its ARN, such as `arn:aws:s3:::example-bucket`"),
        );
        return None;
    }
    let in_arn = resource.value.split(':').nth(4).filter(|a| !a.is_empty());
    if let (Some(in_arn), Some(owner)) = (in_arn, &owner)
        && in_arn != owner.value
        && is_account_id(in_arn)
    {
        reader.error(
            format!(
                "`owner` `{}` contradicts the resource's account `{in_arn}`",
                owner.value
            ),
            owner.span,
        );
    }
    let policy = match document {
        Some(document) => Some(reader.policy(
            &document.value,
            PolicyType::Resource,
            &resource.value,
            SourceKind::Resource,
        )?),
        None => None,
    };
    Some(ResourceEntry {
        resource: resource.value,
        owner: owner.map(|o| o.value),
        policy,
    })
}

fn required<'t>(
    reader: &mut Reader,
    members: &'t [Member],
    name: &str,
    span: Span,
) -> Option<&'t Member> {
    let found = field(members, name);
    if found.is_none() {
        reader.diagnostics.push(
            Diagnostic::error(
                format!("the object has no `{name}`"),
                Span::new(span.start, span.start + 1),
            )
            .with_help(format!("add `\"{name}\": …`")),
        );
    }
    found
}
