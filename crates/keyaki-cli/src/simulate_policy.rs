//! `keyaki simulate-principal-policy` and `keyaki simulate-custom-policy`: the IAM policy
//! simulator's two commands, with the AWS CLI's flags and JSON, decided offline.
//!
//! Both build, for every (action, resource) pair, a [`Scenario`] and decide it with
//! `evaluate_scenario`, the same whole-account evaluation as `keyaki simulate`; this module only
//! gathers the inputs and prints `EvaluationResults` ([`results`]).
//!
//! **simulate-principal-policy** takes the account from `--account-details` (the output of
//! `aws iam get-account-authorization-details`) and `--manifest` (`keyaki_policy::account`).
//! `--policy-source-arn` is a user, role or group; a role is simulated through a session of it
//! (`assumed-role/NAME/keyaki-session`, with `aws:PrincipalArn` the role's ARN); a group makes
//! no request, so its policies are simulated for the IAM user `--caller-arn` names (required
//! here, where AWS requires it only with a resource policy: keyaki's evaluator always decides
//! for a caller). The scenario
//! holds its policies (inline, managed, groups'), its boundary, the manifest's resource policy
//! for the resource, the SCPs and RCPs of the organization, the VPC endpoint policies; then:
//!
//! - `--policy-input-list`: more identity policies ("include in the simulation").
//! - `--permissions-boundary-policy-input-list`: one boundary, which replaces the entity's:
//!   "if a permissions boundary is attached to an entity and you pass in a different
//!   permissions boundary policy using this parameter, then the new permissions boundary
//!   policy is used for the simulation" (IAM API reference, SimulatePrincipalPolicy).
//! - `--resource-policy`: one resource-based policy "to be evaluated with each of the
//!   resources included in the simulation", in place of the manifest's.
//! - `--caller-arn`: an IAM user that makes the calls with the source's policies: "you simulate
//!   calling the API operations as Bob, as if Bob had David's policies". "You can specify only
//!   the ARN of an IAM user." The account's SCPs apply when that user is in the account.
//! - `--resource-owner` (an account id or `arn:aws:iam::ID:root`): the owner of resources whose
//!   ARN names none. Without it, the owner is the one the manifest gives, else the caller's
//!   account (the API reference: without `ResourceOwner`, the owner of the resources and of the
//!   resource policy defaults to the caller's account).
//!
//! **simulate-custom-policy** has no account: the identity policies are
//! `--policy-input-list`, and "The IAM policy simulator evaluates statements in the
//! identity-based policy and the inputs that you provide during simulation" (API reference,
//! SimulateCustomPolicy): no SCPs, RCPs or endpoint policies. A resource policy needs a caller,
//! as in AWS ("CallerArn is required if you include a ResourcePolicy so that the policy's
//! Principal element has a value to use in evaluating the policy"). The evaluator always needs
//! one, so without `--caller-arn` the caller is the IAM user
//! `arn:aws:iam::ACCOUNT:user/SimulatedUser` of the `--resource-owner` account (else
//! `123456789012`): keys IAM derives from the caller (`aws:username`, `aws:PrincipalArn`)
//! take that user's values, where AWS's simulator would report them missing.
//!
//! Where keyaki and the AWS simulator differ: keyaki also evaluates the manifest's RCPs and VPC
//! endpoint policies, which decide real requests; one `EvaluationResult` is printed per
//! (action, resource) pair (the API now aggregates the resources of one action under
//! `ResourceSpecificResults`); a context entry for a key IAM derives from the caller
//! (`aws:username`, `aws:PrincipalArn`, …) that contradicts the caller is refused rather than
//! ignored; no pagination (`--max-items`, `--marker`) and no
//! `--resource-handling-option`. Exit code 0 whatever the decisions, 2 for bad input.

mod context;
mod results;

use crate::account::load_account;
use crate::document::load_or_report;
use crate::render::{Style, report_diagnostics};
use crate::{Exit, Io, OutputFormat};
use clap::Args;
use context::{ContextEntry, parse_entries};
use keyaki_policy::account::{SourceKind, SourcedPolicy};
use keyaki_policy::caller::{AwsForm, conflicts};
use keyaki_policy::scenario::arn_account;
use keyaki_policy::{
    Account, ParseOptions, PolicySet, PolicyType, Request, RequestPrincipal, evaluate_scenario,
    parse_policy,
};
use results::Simulated;
use std::sync::Arc;

/// The account of the caller simulate-custom-policy invents when none is given.
const DEFAULT_CUSTOM_ACCOUNT: &str = "123456789012";

/// `keyaki simulate-principal-policy`.
#[derive(Debug, Args)]
pub struct SimulatePrincipalPolicyArgs {
    /// The user, role or group whose policies are simulated (a role through a session of it; a
    /// group for the user --caller-arn names)
    #[arg(long, value_name = "ARN")]
    pub policy_source_arn: String,
    /// The account: the output of `aws iam get-account-authorization-details` (a path,
    /// file://path, or - for stdin)
    #[arg(long, value_name = "FILE")]
    pub account_details: String,
    /// keyaki's account manifest: organization with SCPs and RCPs, resource policies, VPC
    /// endpoint policies
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<String>,
    /// More identity policies to include (paths, file://paths or inline JSON)
    #[arg(long, value_name = "POLICY", num_args = 1..)]
    pub policy_input_list: Vec<String>,
    /// What to simulate
    #[command(flatten)]
    pub inputs: SimulationInputs,
}

/// `keyaki simulate-custom-policy`.
#[derive(Debug, Args)]
pub struct SimulateCustomPolicyArgs {
    /// The identity policies to simulate (paths, file://paths or inline JSON)
    #[arg(long, value_name = "POLICY", num_args = 1.., required = true)]
    pub policy_input_list: Vec<String>,
    /// What to simulate
    #[command(flatten)]
    pub inputs: SimulationInputs,
}

/// The flags both simulate commands share.
#[derive(Debug, Args)]
pub struct SimulationInputs {
    /// The actions, such as s3:GetObject
    #[arg(long, value_name = "ACTION", num_args = 1.., required = true)]
    pub action_names: Vec<String>,
    /// The resources [default: *]
    #[arg(long, value_name = "ARN", num_args = 1..)]
    pub resource_arns: Vec<String>,
    /// Context keys: ContextKeyName=K,ContextKeyValues=V1,V2,ContextKeyType=T (T: string,
    /// ip, numeric, boolean, date, binary, or their List forms), or a JSON list of entries
    #[arg(long, value_name = "ENTRY", num_args = 1..)]
    pub context_entries: Vec<String>,
    /// A resource-based policy evaluated with every resource
    #[arg(long, value_name = "POLICY")]
    pub resource_policy: Option<String>,
    /// The account that owns resources whose ARN names none (an id or arn:aws:iam::ID:root)
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_owner: Option<String>,
    /// The IAM user that makes the calls
    #[arg(long, value_name = "ARN")]
    pub caller_arn: Option<String>,
    /// A permissions boundary (only one, as in AWS)
    #[arg(long, value_name = "POLICY")]
    pub permissions_boundary_policy_input_list: Option<String>,
}

/// Inputs read and checked, common to both commands.
struct Read {
    identity: Vec<Arc<SourcedPolicy>>,
    boundary: Option<Arc<SourcedPolicy>>,
    resource_policy: Option<Arc<SourcedPolicy>>,
    context: Vec<ContextEntry>,
    owner: Option<String>,
    caller: Option<String>,
}

pub fn run_principal(
    args: &SimulatePrincipalPolicyArgs,
    output: OutputFormat,
    style: Style,
    io: &mut Io<'_>,
) -> Exit {
    let Some(account) = read_account(args, style, io) else {
        return Exit::BadInput;
    };
    let Some(read) = read_inputs(&args.inputs, &args.policy_input_list, style, io) else {
        return Exit::BadInput;
    };
    let source = args.policy_source_arn.as_str();
    let is_group = account.identity(source).is_none()
        && account
            .groups()
            .iter()
            .any(|g| g.arn.as_deref() == Some(source));
    if is_group && read.caller.is_none() {
        let _ = writeln!(
            io.stderr,
            "error: --policy-source-arn `{source}` is a group, which makes no request: give --caller-arn, the IAM user who calls with its policies"
        );
        return Exit::BadInput;
    }
    let mut simulated = Vec::new();
    for (action, resource) in pairs(&args.inputs) {
        let request = request_with_context(&action, &resource, &read.context);
        let (set, request, owner) = match in_account(&account, source, is_group, &read, request) {
            Ok(assembled) => assembled,
            Err(message) => {
                let _ = writeln!(io.stderr, "error: --policy-source-arn: {message}");
                return Exit::BadInput;
            }
        };
        match decide(action, resource, set, request, owner, io) {
            Some(one) => simulated.push(one),
            None => return Exit::BadInput,
        }
    }
    print(&simulated, output, io)
}

/// The policies, the request and the resource's owner for one pair in the account: the
/// source's scenario, then the command line's policies, caller and owner on top.
fn in_account(
    account: &Account,
    source: &str,
    is_group: bool,
    read: &Read,
    request: Request,
) -> Result<(PolicySet, Request, String), String> {
    let (scenario, mut set) = match &read.caller {
        Some(caller) if is_group => account.attributed_scenario_for_group(
            source,
            request.with_principal(RequestPrincipal::Aws(caller.clone())),
        )?,
        _ => account.attributed_scenario_for(source, request)?,
    };
    set.identity_policies.extend(read.identity.iter().cloned());
    if let Some(boundary) = &read.boundary {
        set.permissions_boundaries = vec![Arc::clone(boundary)];
    }
    if let Some(policy) = &read.resource_policy {
        set.resource_policy = Some(Arc::clone(policy));
    }
    let mut request = scenario.request;
    if let Some(caller) = &read.caller {
        request.remove_context("aws:PrincipalArn");
        request = request.with_principal(RequestPrincipal::Aws(caller.clone()));
        if arn_account(caller) != Some(account.id()) {
            // The account's SCPs restrict its own principals, not another account's.
            set.service_control_policies = Vec::new();
        }
    }
    let owner = read.owner.clone().or(set.resource_owner.clone());
    let owner = owner.unwrap_or_else(|| account.id().to_string());
    account.own_resource(&mut set, &request.resource, &owner);
    Ok((set, request, owner))
}

pub fn run_custom(
    args: &SimulateCustomPolicyArgs,
    output: OutputFormat,
    style: Style,
    io: &mut Io<'_>,
) -> Exit {
    let Some(read) = read_inputs(&args.inputs, &args.policy_input_list, style, io) else {
        return Exit::BadInput;
    };
    if read.resource_policy.is_some() && read.caller.is_none() {
        let _ = writeln!(
            io.stderr,
            "error: --resource-policy needs --caller-arn, the IAM user its `Principal` is matched against"
        );
        return Exit::BadInput;
    }
    let account = read
        .caller
        .as_deref()
        .and_then(arn_account)
        .or(read.owner.as_deref())
        .unwrap_or(DEFAULT_CUSTOM_ACCOUNT)
        .to_string();
    let caller = read
        .caller
        .clone()
        .unwrap_or_else(|| format!("arn:aws:iam::{account}:user/SimulatedUser"));
    let mut simulated = Vec::new();
    for (action, resource) in pairs(&args.inputs) {
        let set = PolicySet {
            identity_policies: read.identity.clone(),
            permissions_boundaries: read.boundary.iter().cloned().collect(),
            resource_policy: read.resource_policy.clone(),
            ..PolicySet::default()
        };
        let request = request_with_context(&action, &resource, &read.context)
            .with_principal(RequestPrincipal::Aws(caller.clone()));
        let owner = read.owner.clone().unwrap_or_else(|| account.clone());
        match decide(action, resource, set, request, owner, io) {
            Some(one) => simulated.push(one),
            None => return Exit::BadInput,
        }
    }
    print(&simulated, output, io)
}

/// Every (action, resource) pair, actions first, in the order given.
fn pairs(inputs: &SimulationInputs) -> Vec<(String, String)> {
    let star = vec!["*".to_string()];
    let resources = if inputs.resource_arns.is_empty() {
        &star
    } else {
        &inputs.resource_arns
    };
    inputs
        .action_names
        .iter()
        .flat_map(|a| resources.iter().map(move |r| (a.clone(), r.clone())))
        .collect()
}

fn request_with_context(action: &str, resource: &str, context: &[ContextEntry]) -> Request {
    let mut request = Request::for_identity(action, resource);
    for entry in context {
        request.set_context(&entry.key, entry.values.clone(), entry.multi_valued);
    }
    request
}

/// Decides one pair; the owner applies when the resource's ARN names none.
fn decide(
    action: String,
    resource: String,
    mut set: PolicySet,
    request: Request,
    owner: String,
    io: &mut Io<'_>,
) -> Option<Simulated> {
    if arn_account(&resource).is_none() {
        set.resource_owner = Some(owner);
    }
    // Keys IAM derives from the caller are not the request's to choose.
    let conflicts = conflicts(&request);
    for (_, reason) in &conflicts {
        let _ = writeln!(io.stderr, "error: --context-entries: {reason}");
    }
    if !conflicts.is_empty() {
        return None;
    }
    let scenario = set.scenario(request);
    match evaluate_scenario(&scenario) {
        Ok(outcome) => Some(Simulated {
            action,
            resource,
            scenario,
            set,
            outcome,
        }),
        Err(_) => {
            let _ = writeln!(
                io.stderr,
                "error: the decision for `{resource}` depends on who owns it; give --resource-owner"
            );
            None
        }
    }
}

fn print(simulated: &[Simulated], output: OutputFormat, io: &mut Io<'_>) -> Exit {
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => {
            let results: Vec<_> = simulated.iter().map(Simulated::to_json).collect();
            let document = serde_json::json!({ "EvaluationResults": results });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            )
        }
        OutputFormat::Text => simulated
            .iter()
            .map(Simulated::to_text)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    Exit::Pass
}

/// Loads and reads the account; problems are rendered in the file they are about.
fn read_account(
    args: &SimulatePrincipalPolicyArgs,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Account> {
    load_account(&args.account_details, args.manifest.as_deref(), style, io)
}

/// Reads the policies, context, owner and caller given on the command line.
fn read_inputs(
    inputs: &SimulationInputs,
    identity_args: &[String],
    style: Style,
    io: &mut Io<'_>,
) -> Option<Read> {
    let mut identity = Vec::new();
    for (number, arg) in identity_args.iter().enumerate() {
        let id = format!("PolicyInputList.{}", number + 1);
        identity.push(read_policy(arg, &id, PolicyType::Identity, style, io)?);
    }
    let boundary = match &inputs.permissions_boundary_policy_input_list {
        Some(arg) => Some(read_policy(
            arg,
            "PermissionsBoundaryPolicyInputList.1",
            PolicyType::Identity,
            style,
            io,
        )?),
        None => None,
    };
    let resource_policy = match &inputs.resource_policy {
        Some(arg) => Some(read_policy(
            arg,
            "ResourcePolicy",
            PolicyType::Resource,
            style,
            io,
        )?),
        None => None,
    };
    let context = parse_entries(&inputs.context_entries)
        .map_err(|message| {
            let _ = writeln!(io.stderr, "error: {message}");
        })
        .ok()?;
    let owner = match &inputs.resource_owner {
        Some(given) => Some(owner_account(given).ok_or_else(|| {
            let _ = writeln!(
                io.stderr,
                "error: --resource-owner must be a 12-digit account id or `arn:aws:iam::ID:root`, found `{given}`"
            );
        }).ok()?),
        None => None,
    };
    if let Some(caller) = &inputs.caller_arn
        && AwsForm::of(caller) != Some(AwsForm::User)
    {
        let _ = writeln!(
            io.stderr,
            "error: --caller-arn must be an IAM user's ARN (`arn:aws:iam::ID:user/NAME`), found `{caller}`"
        );
        return None;
    }
    Some(Read {
        identity,
        boundary,
        resource_policy,
        context,
        owner,
        caller: inputs.caller_arn.clone(),
    })
}

/// `111122223333` or `arn:aws:iam::111122223333:root`.
fn owner_account(given: &str) -> Option<String> {
    let id = match given.strip_prefix("arn:") {
        Some(_) if given.ends_with(":root") => arn_account(given)?,
        Some(_) => return None,
        None => given,
    };
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.to_string())
}

fn read_policy(
    arg: &str,
    id: &str,
    policy_type: PolicyType,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Arc<SourcedPolicy>> {
    let source = load_or_report(arg, ParseOptions::default().max_bytes, io)?;
    let options = ParseOptions {
        policy_type: Some(policy_type),
        ..ParseOptions::default()
    };
    match parse_policy(&source, options) {
        Ok(parsed) => {
            report_diagnostics(&source, &parsed.warnings, style, io);
            let kind = match policy_type {
                PolicyType::Identity => SourceKind::Input,
                PolicyType::Resource => SourceKind::Resource,
            };
            Some(Arc::new(SourcedPolicy::standalone(
                id,
                kind,
                parsed.policy,
                source,
            )))
        }
        Err(diagnostics) => {
            report_diagnostics(&source, &diagnostics, style, io);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::owner_account;

    #[test]
    fn an_owner_is_an_account_id_or_its_root_arn() {
        assert_eq!(
            owner_account("111122223333").as_deref(),
            Some("111122223333")
        );
        assert_eq!(
            owner_account("arn:aws:iam::111122223333:root").as_deref(),
            Some("111122223333")
        );
        assert_eq!(owner_account("arn:aws:iam::111122223333:user/a"), None);
        assert_eq!(owner_account("1111"), None);
    }
}
