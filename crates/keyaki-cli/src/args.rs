//! The command-line grammar (clap derive). Flag names follow `aws accessanalyzer`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::sync::OnceLock;
use std::time::Duration;

/// `keyaki --version`: the version, and which IAM service catalog `validate-policy` reads.
fn long_version() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{}\nIAM service catalog: {}",
            env!("CARGO_PKG_VERSION"),
            keyaki_validate::catalog::SOURCE.trim()
        )
    })
}

/// keyaki: prove what AWS IAM policies allow, offline.
#[derive(Debug, Parser)]
#[command(name = "keyaki", version, long_version = long_version(), about, max_term_width = 100)]
pub struct Cli {
    /// Output format [default: text on a terminal, json otherwise]
    #[arg(long, global = true, value_enum)]
    pub output: Option<OutputFormat>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse policies and report errors and likely mistakes, with line and column
    Validate(ValidateArgs),
    /// IAM Access Analyzer's policy validation: findings with AWS's issue codes
    ValidatePolicy(ValidatePolicyArgs),
    /// Decide one request against one policy with the concrete evaluator
    Evaluate(EvaluateArgs),
    /// Decide one request against every policy that applies to it, from a scenario file
    Simulate(SimulateArgs),
    /// Simulate a user's or role's policies in an account (as aws iam simulate-principal-policy)
    SimulatePrincipalPolicy(crate::simulate_policy::SimulatePrincipalPolicyArgs),
    /// Simulate policies given on the command line (as aws iam simulate-custom-policy)
    SimulateCustomPolicy(crate::simulate_policy::SimulateCustomPolicyArgs),
    /// May this caller make this request, for every context? (always, sometimes, never: proved)
    Can(CanArgs),
    /// Who can make this request: every user and role of the account, and every class of
    /// caller outside it (proved, each with a replayed request)
    WhoCan(WhoCanArgs),
    /// Does the new policy grant any access the existing one does not? (PASS: proved none)
    CheckNoNewAccess(CheckNoNewAccessArgs),
    /// Does the policy grant any of the listed accesses? (PASS: proved not)
    CheckAccessNotGranted(CheckAccessNotGrantedArgs),
    /// Does the resource policy grant public access to this resource type? (PASS: proved not)
    CheckNoPublicAccess(CheckNoPublicAccessArgs),
    /// Who outside the zone of trust can reach the resource? (public and cross-account findings)
    Findings(FindingsArgs),
    /// Run a check and show its reasoning: formulas, clauses, the solver's steps, the answer
    Explain(ExplainArgs),
    /// Find and check every policy in CloudFormation templates, Terraform plans, policy files
    Scan(crate::scan::ScanArgs),
    /// Solve a DIMACS CNF file with keyaki's SAT core (exit 10 SAT, 20 UNSAT, 3 unknown)
    Sat(SatArgs),
}

/// `keyaki check-no-new-access`.
#[derive(Debug, Args)]
pub struct CheckNoNewAccessArgs {
    /// The updated policy: a path, file://path, inline JSON, or - for stdin; or a directory,
    /// paired file by file with the existing-policy directory
    #[arg(
        long,
        value_name = "POLICY",
        required_unless_present = "manifest",
        requires = "existing_policy_document"
    )]
    pub new_policy_document: Option<String>,
    /// The existing policy to compare with (a directory when the new one is)
    #[arg(long, value_name = "POLICY", requires = "new_policy_document")]
    pub existing_policy_document: Option<String>,
    /// Many pairs at once: a JSON file `[{"new": PATH, "existing": PATH}, …]` (paths relative
    /// to the manifest)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["new_policy_document", "existing_policy_document"])]
    pub manifest: Option<String>,
    /// The kind of both policies
    #[arg(long, value_enum)]
    pub policy_type: PolicyTypeArg,
    /// The time budget
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// `keyaki check-access-not-granted`.
#[derive(Debug, Args)]
pub struct CheckAccessNotGrantedArgs {
    /// The policy: a path, file://path, inline JSON, or - for stdin; several, or directories
    /// (every .json file inside), check each in parallel
    #[arg(long, value_name = "POLICY", num_args = 1.., required = true)]
    pub policy_document: Vec<String>,
    /// The accesses, as JSON: '[{"actions": ["s3:DeleteBucket"]}, {"resources": ["arn:aws:s3:::b/*"]}]'
    #[arg(long, value_name = "ACCESS")]
    pub access: String,
    /// The kind of policy
    #[arg(long, value_enum)]
    pub policy_type: PolicyTypeArg,
    /// The time budget
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// `keyaki check-no-public-access`.
#[derive(Debug, Args)]
pub struct CheckNoPublicAccessArgs {
    /// The policy: a path, file://path, inline JSON, or - for stdin; several, or directories
    /// (every .json file inside), check each in parallel
    #[arg(long, value_name = "POLICY", num_args = 1.., required = true)]
    pub policy_document: Vec<String>,
    /// The resource type, as Access Analyzer names it (AWS::S3::Bucket, AWS::KMS::Key, …)
    #[arg(long, value_name = "TYPE")]
    pub resource_type: String,
    /// The time budget
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// `keyaki findings`.
#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// The policy: a path, file://path, inline JSON, or - for stdin; several, or directories
    /// (every .json file inside), check each in parallel
    #[arg(long, value_name = "POLICY", num_args = 1.., required = true)]
    pub policy_document: Vec<String>,
    /// Accounts inside the zone of trust (12 digits; repeat the flag or list several)
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub trusted_account: Vec<String>,
    /// The organization inside the zone of trust (o-…): callers whose aws:PrincipalOrgID the
    /// policy requires to be it are inside
    #[arg(long, value_name = "ORG")]
    pub trusted_org: Option<String>,
    /// One finding per access as Access Analyzer reports it (principal, condition, actions),
    /// or per kind of caller found
    #[arg(long, value_enum, value_name = "DETAIL", default_value = "summary")]
    pub detail: FindingsDetail,
    /// The time budget
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// `findings --detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindingsDetail {
    /// One finding per statement and access: principal, condition, actions
    Summary,
    /// One finding per kind of caller, each with its own request
    Kinds,
}

/// `--timeout`: how long a check (each check, in a batch) may take.
#[derive(Debug, Clone, Copy, Args)]
pub struct TimeBudget {
    /// Give up after this many seconds, answering UNKNOWN (exit 3); 0 for no limit
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    pub timeout: Timeout,
}

/// A time budget: `None` for no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

/// Reads `--timeout`: a number of seconds, decimals allowed; 0 means no limit.
fn seconds(text: &str) -> Result<Timeout, String> {
    let number: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if number.is_sign_negative() {
        return Err(format!("`{text}` is not a number of seconds from 0 up"));
    }
    let duration = Duration::try_from_secs_f64(number)
        .map_err(|_| format!("`{text}` seconds is longer than a time budget can be"))?;
    Ok(Timeout((!duration.is_zero()).then_some(duration)))
}

/// `keyaki explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// How much to show: brief (formulas and answer), normal (and the first clauses and
    /// steps), full (everything)
    #[arg(long, value_enum, default_value = "normal", global = true)]
    pub detail: Detail,
    /// Write the automata of the string atoms, and their products, as Graphviz files here
    #[arg(long, value_name = "DIR", global = true)]
    pub dot: Option<String>,
    /// Write the question as an SMT-LIB 2 script (for z3 or cvc5) to this file
    #[arg(long, value_name = "FILE", global = true)]
    pub smtlib: Option<String>,
    /// The check to explain, with its usual arguments
    #[command(subcommand)]
    pub check: ExplainedCheck,
}

/// The checks `explain` can show.
#[derive(Debug, Subcommand)]
#[allow(
    clippy::enum_variant_names,
    reason = "the variants are named after the check commands they explain"
)]
pub enum ExplainedCheck {
    /// check-no-new-access, explained
    CheckNoNewAccess(CheckNoNewAccessArgs),
    /// check-access-not-granted, explained
    CheckAccessNotGranted(CheckAccessNotGrantedArgs),
    /// check-no-public-access, explained
    CheckNoPublicAccess(CheckNoPublicAccessArgs),
}

/// `--detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Detail {
    /// The formulas and the answer
    Brief,
    /// Also the first clauses and solver steps
    Normal,
    /// Everything
    Full,
}

/// `keyaki sat`.
#[derive(Debug, Args)]
pub struct SatArgs {
    /// The CNF file (DIMACS), or - for stdin
    #[arg(value_name = "FILE.cnf")]
    pub file: String,
    /// Give up after this many conflicts (answer `s UNKNOWN`, exit 3)
    #[arg(long)]
    pub max_conflicts: Option<u64>,
    /// Give up after this many seconds (answer `s UNKNOWN`, exit 3)
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Print statistics as `c` comment lines
    #[arg(long)]
    pub stats: bool,
}

/// `keyaki validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Policy documents: paths, directories (every .json file inside), file://path, inline JSON, or - for stdin
    #[arg(required = true, value_name = "POLICY")]
    pub documents: Vec<String>,
    /// The kind of policy [default: inferred; Principal anywhere means a resource policy]
    #[arg(long, value_enum)]
    pub policy_type: Option<PolicyTypeArg>,
}

/// `keyaki evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The policy: a path, file://path, inline JSON, or - for stdin
    #[arg(long, value_name = "POLICY")]
    pub policy_document: String,
    /// The request, as JSON: {"principal": …, "action": …, "resource": …, "context": {…}}
    #[arg(long, value_name = "REQUEST")]
    pub request: String,
    /// The kind of policy [default: inferred; Principal anywhere means a resource policy]
    #[arg(long, value_enum)]
    pub policy_type: Option<PolicyTypeArg>,
}

/// `keyaki validate-policy`.
#[derive(Debug, Args)]
pub struct ValidatePolicyArgs {
    /// The policy: a path, file://path, inline JSON, or - for stdin
    #[arg(long, value_name = "POLICY")]
    pub policy_document: String,
    /// The kind of policy, as Access Analyzer names it
    #[arg(long, value_enum)]
    pub policy_type: ValidatePolicyTypeArg,
    /// The resource a resource policy is attached to; some checks depend on it (role trust
    /// policies: AWS::IAM::AssumeRolePolicyDocument)
    #[arg(long, value_name = "TYPE", value_parser = resource_type_names())]
    pub validate_policy_resource_type: Option<String>,
}

/// The names `--validate-policy-resource-type` accepts, as the API spells them.
fn resource_type_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        keyaki_validate::ValidateResourceType::ALL
            .iter()
            .map(|t| t.aws_name()),
    )
}

/// `validate-policy --policy-type`, spelled as Access Analyzer spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidatePolicyTypeArg {
    /// An identity-based policy (no Principal)
    #[value(name = "IDENTITY_POLICY")]
    Identity,
    /// A resource-based policy (every statement names its principals)
    #[value(name = "RESOURCE_POLICY")]
    Resource,
    /// An AWS Organizations service control policy
    #[value(name = "SERVICE_CONTROL_POLICY")]
    ServiceControl,
    /// An AWS Organizations resource control policy
    #[value(name = "RESOURCE_CONTROL_POLICY")]
    ResourceControl,
}

/// `keyaki simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The scenario: {"request": …, "identityPolicies": […], "resourcePolicy": …, …}; a path,
    /// file://path, inline JSON, or - for stdin
    #[arg(long, value_name = "FILE")]
    pub scenario: String,
}

/// `keyaki can`.
#[derive(Debug, Args)]
pub struct CanArgs {
    /// A scenario (as for `simulate`) whose request names the caller, action and resource;
    /// its context is ignored: every context is considered
    #[arg(long, value_name = "FILE", required_unless_present = "account_details",
          conflicts_with_all = ["account_details", "principal", "action", "resource"])]
    pub scenario: Option<String>,
    /// The account
    #[command(flatten)]
    pub account: AccountArgs,
    /// The caller: a user or role of the account (a role acts through a session), or a role
    /// session's ARN
    #[arg(long, value_name = "ARN", requires = "account_details")]
    pub principal: Option<String>,
    /// The action (service:Name)
    #[arg(long, value_name = "ACTION", requires = "account_details")]
    pub action: Option<String>,
    /// The resource's ARN
    #[arg(long, value_name = "ARN", requires = "account_details")]
    pub resource: Option<String>,
    /// The account that owns the resource, when its ARN does not say and the manifest does
    /// not list it (otherwise the account itself)
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_owner: Option<String>,
    /// The time budget
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// An account: `get-account-authorization-details` output and keyaki's manifest.
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The JSON of `aws iam get-account-authorization-details`: a path, file://path, or -
    #[arg(long, value_name = "FILE")]
    pub account_details: Option<String>,
    /// keyaki's manifest: the organization's SCPs and RCPs per level, resource policies, VPC
    /// endpoint policies, the management account
    #[arg(long, value_name = "FILE", requires = "account_details")]
    pub manifest: Option<String>,
}

/// `keyaki who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The account
    #[command(flatten)]
    pub account: AccountArgs,
    /// The action (service:Name)
    #[arg(long, value_name = "ACTION", required = true)]
    pub action: String,
    /// The resource's ARN
    #[arg(long, value_name = "ARN", required = true)]
    pub resource: String,
    /// The account that owns the resource, when its ARN does not say and the manifest does
    /// not list it (otherwise the account itself)
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_owner: Option<String>,
    /// The principals expected to have the access (IAM wildcards on the user or role ARN,
    /// several allowed): FAIL (exit 1) when any other principal, or any caller outside the
    /// account, can; PASS (exit 0) when proved that none can
    #[arg(long, value_name = "ARN_PATTERN", num_args = 1.., conflicts_with = "existing_account_details")]
    pub allowed_principal: Vec<String>,
    /// Compare with this existing version of the account (its authorization details): list
    /// who gains the access, FAIL (exit 1) when anyone does, PASS (exit 0) when proved nobody
    #[arg(long, value_name = "FILE")]
    pub existing_account_details: Option<String>,
    /// The existing version's manifest
    #[arg(long, value_name = "FILE", requires = "existing_account_details")]
    pub existing_manifest: Option<String>,
    /// The time budget of each question
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// `--policy-type`, spelled as Access Analyzer spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyTypeArg {
    /// An identity-based policy (no Principal)
    #[value(name = "IDENTITY_POLICY")]
    Identity,
    /// A resource-based policy (every statement names its principals)
    #[value(name = "RESOURCE_POLICY")]
    Resource,
}

impl From<PolicyTypeArg> for keyaki_policy::PolicyType {
    fn from(arg: PolicyTypeArg) -> Self {
        match arg {
            PolicyTypeArg::Identity => keyaki_policy::PolicyType::Identity,
            PolicyTypeArg::Resource => keyaki_policy::PolicyType::Resource,
        }
    }
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people
    Text,
    /// For programs
    Json,
    /// For code-scanning tools (SARIF 2.1.0; the checks and findings)
    Sarif,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_seconds_and_zero_is_none() {
        assert_eq!(seconds("10"), Ok(Timeout(Some(Duration::from_secs(10)))));
        assert_eq!(
            seconds("0.25"),
            Ok(Timeout(Some(Duration::from_millis(250))))
        );
        assert_eq!(seconds("0"), Ok(Timeout(None)));
        assert!(seconds("-1").is_err());
        assert!(seconds("soon").is_err());
        assert!(seconds("1e300").is_err());
    }
}
