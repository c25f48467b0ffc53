//! An AWS account as its owners have it: the output of `aws iam get-account-authorization-details`
//! plus a small keyaki manifest, turned into the [`Scenario`] of any request.
//!
//! The details document (`account/details.rs`) says who the account's users and roles are
//! and every identity-side policy: inline, attached managed (the default version), group
//! policies for users, permissions boundaries. What it does not say is in the manifest
//! (`account/manifest.rs`): the account's place in AWS Organizations with its SCPs and RCPs
//! per level, the management account, resource-based policies by resource ARN, VPC endpoint
//! policies. Both are read with
//! every problem located (file, line, column): [`parse_account_located`] says which file the
//! errors are in; [`parse_account`] returns them alone (the details file's, or if it has none,
//! the manifest's).
//!
//! [`Account::scenario_for`] builds the scenario of a request made by one of the account's users
//! or roles. A role acts through a session: the request's principal is
//! `arn:aws:sts::ID:assumed-role/NAME/SESSION` (`keyaki-session` unless the request names one),
//! with `aws:PrincipalArn` the role's ARN with its path, as IAM sets it. The scenario's
//! resource policy is the manifest's for the request's resource; the resource's owner is the
//! ARN's account field, else the manifest entry's `owner`, else the account itself for a
//! resource the manifest lists; otherwise it is unknown and
//! [`evaluate_scenario`](crate::evaluate_scenario) decides for every owner that could matter.
//! The account's RCPs apply only to resources it owns; its SCPs to its own callers.
//!
//! **Invariant:** an account adds no rule of its own: it only gathers the policies that apply
//! into a [`Scenario`], and [`evaluate_scenario`](crate::evaluate_scenario) decides. Every
//! policy keeps its name and document ([`SourcedPolicy`]) so that results can say which
//! statement of which policy matched.

mod details;
mod manifest;
mod read;
pub mod sourced;

pub use manifest::MANIFEST_FIELDS;
pub use sourced::{PolicySet, SourceKind, SourcedPolicy};

use crate::caller::{AwsForm, Session};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::parse::{ParseOptions, edit_distance, read_json};
use crate::request::{Request, RequestPrincipal};
use crate::scenario::{Scenario, arn_account};
use crate::span::{Span, Spanned};
use read::Reader;
use std::sync::Arc;

/// The session name given to a role's requests that do not name a session.
pub const DEFAULT_SESSION_NAME: &str = "keyaki-session";

/// The largest authorization details document read (real accounts reach megabytes).
pub const MAX_DETAILS_BYTES: usize = 64 << 20;

/// Whether an identity is a user or a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityKind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
}

impl IdentityKind {
    /// `user` or `role`.
    pub fn noun(self) -> &'static str {
        match self {
            IdentityKind::User => "user",
            IdentityKind::Role => "role",
        }
    }
}

/// One IAM user or role and every policy attached to it.
#[derive(Debug, Clone)]
pub struct IamIdentity {
    /// User or role.
    pub kind: IdentityKind,
    /// Its name.
    pub name: String,
    /// Its path (`/`, `/aws-service-role/ecs.amazonaws.com/`).
    pub path: String,
    /// Its ARN, where the details document writes it.
    pub arn: Spanned<String>,
    /// Its identity-based policies: inline, attached managed, and for a user its groups'.
    pub policies: Vec<Arc<SourcedPolicy>>,
    /// Its permissions boundary.
    pub boundary: Option<Arc<SourcedPolicy>>,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    pub trust_policy: Option<Arc<SourcedPolicy>>,
}

/// One IAM group and its policies (a group makes no request: its members do).
#[derive(Debug, Clone)]
pub struct IamGroup {
    /// Its name.
    pub name: String,
    /// Its ARN, when the details give it.
    pub arn: Option<String>,
    /// Its policies: inline and attached managed.
    pub policies: Vec<Arc<SourcedPolicy>>,
}

/// One level of the account's path in AWS Organizations.
#[derive(Debug, Clone)]
pub struct OrganizationLevel {
    /// The root's, OU's or account's name, as the manifest writes it.
    pub name: String,
    /// Its SCPs.
    pub service_control_policies: Vec<Arc<SourcedPolicy>>,
    /// Its RCPs (empty when RCPs are not enabled).
    pub resource_control_policies: Vec<Arc<SourcedPolicy>>,
}

/// A resource-based policy from the manifest.
#[derive(Debug, Clone)]
pub struct ResourceEntry {
    /// The resource's ARN.
    pub resource: String,
    /// Its owner, when the manifest names it.
    pub owner: Option<String>,
    /// Its resource-based policy; `None` for a resource listed only to name its owner.
    pub policy: Option<Arc<SourcedPolicy>>,
}

impl ResourceEntry {
    /// Whether the policy applies to a request on `resource`: the resource itself, or an
    /// object of the S3 bucket.
    pub fn covers(&self, resource: &str) -> bool {
        if resource == self.resource {
            return true;
        }
        let is_bucket = self.resource.split(':').nth(2) == Some("s3")
            && self
                .resource
                .splitn(6, ':')
                .nth(5)
                .is_some_and(|name| !name.is_empty() && !name.contains('/'));
        is_bucket
            && resource
                .strip_prefix(self.resource.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// An account: its identities and the policies around them.
#[derive(Debug, Clone)]
pub struct Account {
    id: String,
    partition: String,
    management_account: Option<String>,
    identities: Vec<IamIdentity>,
    groups: Vec<IamGroup>,
    organization: Vec<OrganizationLevel>,
    resource_policies: Vec<ResourceEntry>,
    vpc_endpoint_policies: Vec<Arc<SourcedPolicy>>,
}

/// An account that was read, with the warnings of its documents.
#[derive(Debug, Clone)]
pub struct ParsedAccount {
    /// The account.
    pub account: Account,
    /// Warnings about the details document, in document order.
    pub warnings: Vec<Diagnostic>,
    /// Warnings about the manifest, in document order.
    pub manifest_warnings: Vec<Diagnostic>,
}

/// Which of the two documents a list of diagnostics is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountDocument {
    /// The authorization details.
    Details,
    /// The keyaki manifest.
    Manifest,
}

/// Errors of one of the two documents.
#[derive(Debug, Clone)]
pub struct AccountErrors {
    /// The document they point into.
    pub document: AccountDocument,
    /// Every error found (and the warnings), in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads an account; on failure, the errors of the details document or, when it has none, of
/// the manifest (see [`parse_account_located`] to know which).
pub fn parse_account(
    details: &SourceFile,
    manifest: Option<&SourceFile>,
) -> Result<ParsedAccount, Vec<Diagnostic>> {
    parse_account_located(details, manifest).map_err(|e| e.diagnostics)
}

/// Reads an account, saying which document the errors are in.
pub fn parse_account_located(
    details: &SourceFile,
    manifest: Option<&SourceFile>,
) -> Result<ParsedAccount, AccountErrors> {
    let fail = |document, diagnostics| AccountErrors {
        document,
        diagnostics,
    };
    let options = ParseOptions {
        max_bytes: MAX_DETAILS_BYTES,
        ..ParseOptions::default()
    };
    let tree = read_json(details, options).map_err(|d| fail(AccountDocument::Details, vec![d]))?;
    let mut reader = Reader::new(details);
    let read = details::read(&mut reader, &tree);
    let (read, details_warnings) =
        settle(reader, read).map_err(|d| fail(AccountDocument::Details, d))?;
    let (manifest, manifest_warnings) = match manifest {
        Some(source) => {
            let tree = read_json(source, ParseOptions::default())
                .map_err(|d| fail(AccountDocument::Manifest, vec![d]))?;
            let mut reader = Reader::new(source);
            let read = manifest::read(&mut reader, &tree);
            settle(reader, read).map_err(|d| fail(AccountDocument::Manifest, d))?
        }
        None => (manifest::Manifest::default(), Vec::new()),
    };
    let id = account_id(&read, &manifest, details)?;
    let partition = read
        .identities
        .first()
        .and_then(|i| i.arn.value.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    Ok(ParsedAccount {
        account: Account {
            id,
            partition,
            management_account: manifest.management_account,
            identities: read.identities,
            groups: read.groups,
            organization: manifest.organization,
            resource_policies: manifest.resource_policies,
            vpc_endpoint_policies: manifest.vpc_endpoint_policies,
        },
        warnings: details_warnings,
        manifest_warnings,
    })
}

/// The value read, and the warnings; or every diagnostic when one is an error.
fn settle<T>(reader: Reader, read: Option<T>) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = reader.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    match read {
        Some(value) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((value, diagnostics)),
        _ => Err(diagnostics),
    }
}

/// The account id: every identity ARN's, and the manifest's `accountId`, must agree.
fn account_id(
    read: &details::Details,
    manifest: &manifest::Manifest,
    details: &SourceFile,
) -> Result<String, AccountErrors> {
    let first = read.account_ids.first();
    if let Some(first) = first {
        let other = read.account_ids.iter().find(|a| a.value != first.value);
        if let Some(other) = other {
            let error = Diagnostic::error(
                format!(
                    "the ARN is in account `{}`, but the document's first identity is in `{}`",
                    other.value, first.value
                ),
                other.span,
            )
            .with_related(first.span, "the first identity");
            return Err(AccountErrors {
                document: AccountDocument::Details,
                diagnostics: vec![error],
            });
        }
    }
    match (first, &manifest.account_id) {
        (Some(found), Some(given)) if found.value != given.value => Err(AccountErrors {
            document: AccountDocument::Manifest,
            diagnostics: vec![Diagnostic::error(
                format!(
                    "`accountId` `{}` contradicts the identities of the details, in account `{}`",
                    given.value, found.value
                ),
                given.span,
            )],
        }),
        (Some(found), _) => Ok(found.value.clone()),
        (None, Some(given)) => Ok(given.value.clone()),
        (None, None) => Err(AccountErrors {
            document: AccountDocument::Details,
            diagnostics: vec![
                Diagnostic::error(
                    format!(
                        "`{}` names no user or role, so the account id is unknown",
                        details.name()
                    ),
                    Span::new(0, 1),
                )
                .with_help("give `\"accountId\": \"111122223333\"` in the manifest (`--manifest`)"),
            ],
        }),
    }
}

impl Account {
    /// The account id (12 digits).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The organization's management account, when the manifest names it.
    pub fn management_account(&self) -> Option<&str> {
        self.management_account.as_deref()
    }

    /// Every IAM user and role of the account, as their ARNs
    /// (`arn:aws:iam::ID:user/path/name`, `arn:aws:iam::ID:role/path/name`), in document order
    /// (users, then roles).
    pub fn principals(&self) -> Vec<String> {
        self.identities
            .iter()
            .map(|i| i.arn.value.clone())
            .collect()
    }

    /// Every user and role with its policies, in document order.
    pub fn identities(&self) -> &[IamIdentity] {
        &self.identities
    }

    /// Every group with its policies, in document order.
    pub fn groups(&self) -> &[IamGroup] {
        &self.groups
    }

    /// The levels of the account's path in AWS Organizations, root first.
    pub fn organization(&self) -> &[OrganizationLevel] {
        &self.organization
    }

    /// The manifest's resource-based policies.
    pub fn resource_policies(&self) -> &[ResourceEntry] {
        &self.resource_policies
    }

    /// The user or role with this ARN (or, for an `assumed-role` session ARN, its role).
    pub fn identity(&self, arn: &str) -> Option<&IamIdentity> {
        let session = Session::of(arn);
        self.identities.iter().find(|i| match &session {
            Some(session) => i.kind == IdentityKind::Role && session.is_session_of(&i.arn.value),
            None => i.arn.value == arn,
        })
    }

    /// The scenario for `request` made by the principal with this user or role ARN (for a
    /// role, the request's principal must be a session of it,
    /// `arn:aws:sts::ID:assumed-role/NAME/SESSION`, with `aws:PrincipalArn` the role ARN): its
    /// identity policies (inline + attached managed + its groups' for users), its boundary,
    /// the resource policy of the request's resource from the manifest (if any), SCPs/RCPs,
    /// management account, VPC endpoint policies. Err with a sentence when the ARN is no
    /// principal of the account.
    pub fn scenario_for(&self, principal_arn: &str, request: Request) -> Result<Scenario, String> {
        self.attributed_scenario_for(principal_arn, request)
            .map(|(scenario, _)| scenario)
    }

    /// [`Account::scenario_for`], with the source of every policy.
    pub fn attributed_scenario_for(
        &self,
        principal_arn: &str,
        request: Request,
    ) -> Result<(Scenario, PolicySet), String> {
        let identity = self
            .identity(principal_arn)
            .ok_or_else(|| self.not_a_principal(principal_arn))?;
        let request = self.as_caller(identity, principal_arn, request)?;
        let mut set = PolicySet {
            identity_policies: identity.policies.clone(),
            permissions_boundaries: identity.boundary.iter().cloned().collect(),
            service_control_policies: self.levels(|l| &l.service_control_policies),
            ..PolicySet::default()
        };
        self.resource_side(&mut set, &request);
        Ok((set.scenario(request.clone()), set))
    }

    /// The scenario for `request`, made by the IAM user it names, with the policies of the
    /// group with this ARN (as the policy simulator does for a group: "as if" the user had
    /// them). Err with a sentence when the ARN is no group of the account or the request names
    /// no IAM user.
    pub fn attributed_scenario_for_group(
        &self,
        group_arn: &str,
        request: Request,
    ) -> Result<(Scenario, PolicySet), String> {
        let group = self
            .groups
            .iter()
            .find(|g| g.arn.as_deref() == Some(group_arn))
            .ok_or_else(|| format!("`{group_arn}` is no group of account {}", self.id))?;
        let caller = match &request.principal {
            Some(RequestPrincipal::Aws(arn)) if AwsForm::of(arn) == Some(AwsForm::User) => arn,
            _ => {
                return Err(format!(
                    "a group makes no request: name the IAM user who calls with the policies of `{}`",
                    group.name
                ));
            }
        };
        let mut set = PolicySet {
            identity_policies: group.policies.clone(),
            ..PolicySet::default()
        };
        if arn_account(caller) == Some(self.id.as_str()) {
            set.service_control_policies = self.levels(|l| &l.service_control_policies);
        }
        self.resource_side(&mut set, &request);
        Ok((set.scenario(request), set))
    }

    /// The scenario for a request from a caller outside the account's IAM (anonymous, a
    /// service, another account's principal): no identity-side policies, the resource policy
    /// and RCPs and VPC endpoint policies only; SCPs only if the caller is in this account.
    pub fn scenario_for_external(&self, request: Request) -> Scenario {
        self.attributed_scenario_for_external(request).0
    }

    /// [`Account::scenario_for_external`], with the source of every policy.
    pub fn attributed_scenario_for_external(&self, request: Request) -> (Scenario, PolicySet) {
        let in_account = request
            .principal
            .as_ref()
            .and_then(RequestPrincipal::account)
            == Some(self.id.as_str());
        let mut set = PolicySet::default();
        if in_account {
            set.service_control_policies = self.levels(|l| &l.service_control_policies);
        }
        self.resource_side(&mut set, &request);
        (set.scenario(request), set)
    }

    fn not_a_principal(&self, arn: &str) -> String {
        let near = self
            .identities
            .iter()
            .map(|i| &i.arn.value)
            .filter(|known| edit_distance(known, arn) <= 3)
            .min_by_key(|known| edit_distance(known, arn));
        let hint = near.map_or_else(String::new, |n| format!("; did you mean `{n}`?"));
        format!("`{arn}` is no user or role of account {}{hint}", self.id)
    }

    /// The request as the identity makes it: a user calls as itself, a role through a session.
    fn as_caller(
        &self,
        identity: &IamIdentity,
        principal_arn: &str,
        mut request: Request,
    ) -> Result<Request, String> {
        let arn = &identity.arn.value;
        let named = match &request.principal {
            None => None,
            Some(RequestPrincipal::Aws(given)) => Some(given.clone()),
            Some(other) => {
                return Err(format!(
                    "the request's principal `{other}` is not the {} `{arn}`",
                    identity.kind.noun()
                ));
            }
        };
        let caller = match identity.kind {
            IdentityKind::User => {
                if named.as_ref().is_some_and(|n| n != arn) {
                    return Err(format!(
                        "the request's principal `{}` is not the user `{arn}`",
                        named.unwrap_or_default()
                    ));
                }
                arn.clone()
            }
            IdentityKind::Role => {
                let candidates = [named.as_deref(), Some(principal_arn)];
                let session = candidates
                    .into_iter()
                    .flatten()
                    .find(|a| Session::of(a).is_some_and(|s| s.is_session_of(arn)));
                if let Some(other) = named.as_ref().filter(|n| *n != arn && session != Some(n)) {
                    return Err(format!(
                        "the request's principal `{other}` is no session of the role `{arn}`"
                    ));
                }
                request.set_context("aws:PrincipalArn", vec![arn.clone()], false);
                session.map_or_else(
                    || {
                        format!(
                            "arn:{}:sts::{}:assumed-role/{}/{DEFAULT_SESSION_NAME}",
                            self.partition, self.id, identity.name
                        )
                    },
                    str::to_string,
                )
            }
        };
        Ok(request.with_principal(RequestPrincipal::Aws(caller)))
    }

    /// The manifest's entry for a resource (the resource itself, or the bucket of an object).
    pub fn resource_entry(&self, resource: &str) -> Option<&ResourceEntry> {
        self.resource_policies.iter().find(|e| e.covers(resource))
    }

    /// Who owns `resource`: its ARN's account, else the manifest's `owner`, else the account
    /// itself for a resource the manifest lists; `None` when nothing says.
    pub fn owner_of(&self, resource: &str) -> Option<String> {
        arn_account(resource).map(str::to_string).or_else(|| {
            self.resource_entry(resource)
                .map(|e| e.owner.clone().unwrap_or_else(|| self.id.clone()))
        })
    }

    /// The resource policy, the resource's owner, RCPs, endpoints and management account.
    fn resource_side(&self, set: &mut PolicySet, request: &Request) {
        let entry = self.resource_entry(&request.resource);
        let in_arn = arn_account(&request.resource);
        let owner = self.owner_of(&request.resource);
        set.resource_policy = entry.and_then(|e| e.policy.clone());
        if in_arn.is_none() {
            set.resource_owner = owner.clone();
        }
        if owner.as_deref() == Some(self.id.as_str()) {
            set.resource_control_policies = self.resource_control_levels();
        }
        set.vpc_endpoint_policies = self.vpc_endpoint_policies.clone();
        set.management_account = self.management_account.clone();
    }

    /// Records who owns the request's resource when its ARN names no account: `set`'s owner
    /// becomes `owner`, and the account's RCPs apply exactly when the account owns it (RCPs
    /// guard the resources of the accounts they are attached to).
    pub fn own_resource(&self, set: &mut PolicySet, resource: &str, owner: &str) {
        if arn_account(resource).is_some() {
            return;
        }
        set.resource_owner = Some(owner.to_string());
        set.resource_control_policies = if owner == self.id {
            self.resource_control_levels()
        } else {
            Vec::new()
        };
    }

    /// The scenario of `request` by `principal_arn` (one of the account's users or roles, as
    /// [`Account::scenario_for`]; `None`: a caller outside the account's IAM, as
    /// [`Account::scenario_for_external`]), with the resource owned by `owner` when its ARN
    /// names no account; without `owner`, by the owner the manifest gives, else by the account
    /// itself.
    pub fn scenario_owned(
        &self,
        principal_arn: Option<&str>,
        request: Request,
        owner: Option<&str>,
    ) -> Result<Scenario, String> {
        let resource = request.resource.clone();
        let (scenario, mut set) = match principal_arn {
            Some(arn) => self.attributed_scenario_for(arn, request)?,
            None => self.attributed_scenario_for_external(request),
        };
        let owner = owner
            .map(str::to_string)
            .or_else(|| self.owner_of(&resource))
            .unwrap_or_else(|| self.id.clone());
        self.own_resource(&mut set, &resource, &owner);
        Ok(set.scenario(scenario.request))
    }

    /// The RCPs per organization level, root first, that apply to the account's resources
    /// (none when RCPs are not enabled).
    pub fn resource_control_levels(&self) -> Vec<Vec<Arc<SourcedPolicy>>> {
        self.levels(|l| &l.resource_control_policies)
    }

    /// One list per organization level, or none when no level has such policies.
    fn levels(
        &self,
        of: impl Fn(&OrganizationLevel) -> &Vec<Arc<SourcedPolicy>>,
    ) -> Vec<Vec<Arc<SourcedPolicy>>> {
        if self.organization.iter().all(|l| of(l).is_empty()) {
            return Vec::new();
        }
        self.organization.iter().map(|l| of(l).clone()).collect()
    }
}

#[cfg(test)]
mod tests;
