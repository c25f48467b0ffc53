//! What `keyaki scan` reports about one policy found in a template: [`findings_of`].
//!
//! Every finding is located in the *template*: a span of the resolved policy is sent back
//! through the policy's `LocationMap`. A finding is one of
//! - a finding of `validate-policy` on the resolved policy (keyaki-validate: IAM Access
//!   Analyzer's checks with their issue codes and finding types, the parser's errors and
//!   warnings among them), for a role's trust policy with the checks of
//!   `AWS::IAM::AssumeRolePolicyDocument`,
//! - a value the template does not determine (`WARNING`, `UNRESOLVED_VALUE`),
//! - a FAIL of a custom check asked for (`SECURITY_WARNING`, `CHECK_ACCESS_NOT_GRANTED`,
//!   `CHECK_NO_PUBLIC_ACCESS`, `CHECK_NO_NEW_ACCESS`), at the statement responsible; a check
//!   without an answer, or asked of a policy whose template conditions could not be decided,
//!   is an `ERROR` (`CHECK_UNDECIDED`), never a pass.
//!
//! This is the one place that turns a policy into findings.

use super::baseline::{fingerprint, path_text};
use keyaki_check::{
    Access, CheckConfig, Outcome, ResourceType, Trust, Verdict, check_access_not_granted,
    check_no_new_access, check_no_public_access, findings, summarise,
};
use keyaki_policy::{
    Json, ParseOptions, ParsedPolicy, PolicyType, Span, Spanned, parse_policy, read_json,
};
use keyaki_templates::FoundPolicy;
use keyaki_validate::{Location, ValidatePolicyType, ValidateResourceType, validate_policy_for};
use serde::Serialize;

/// Access Analyzer's finding types, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingType {
    /// The policy is wrong or could not be analysed.
    Error,
    /// The policy grants what it should not.
    SecurityWarning,
    /// Likely a mistake.
    Warning,
    /// Could be better.
    Suggestion,
}

impl FindingType {
    /// The name written in flags and output.
    pub fn name(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
        }
    }

    /// The type of this name (`--treat-finding-type-as-blocking`).
    pub fn named(name: &str) -> Option<FindingType> {
        [
            FindingType::Error,
            FindingType::SecurityWarning,
            FindingType::Warning,
            FindingType::Suggestion,
        ]
        .into_iter()
        .find(|t| t.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// One finding about a policy found in a template.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanFinding {
    /// How severe.
    pub finding_type: FindingType,
    /// A stable code, for `--ignore-finding` and programs.
    pub issue_code: String,
    /// What is wrong, in words.
    pub finding_details: String,
    /// The resource holding the policy (a logical id or a Terraform address).
    pub resource: String,
    /// The policy's name.
    pub policy_name: String,
    /// The template file.
    pub file: String,
    /// 1-based line in the template.
    pub line: usize,
    /// 1-based column in the template.
    pub column: usize,
    /// Where in the template (for rendering).
    #[serde(skip)]
    pub span: Span,
    /// A hint, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The check's section of the IAM User Guide, for Access Analyzer's checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learn_more_link: Option<String>,
    /// Where in the resolved policy (`Statement[0].Action`), empty for the whole policy or a
    /// place outside it.
    pub policy_path: String,
    /// What recognises this finding across edits that move it (`baseline::fingerprint`).
    pub fingerprint: String,
    /// With `--baseline`: whether the baseline holds this finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<bool>,
}

/// The custom checks asked for, with their inputs.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// `--check-access-not-granted`: the accesses no policy may grant.
    pub access_not_granted: Option<Access>,
    /// `--check-no-public-access`.
    pub no_public_access: bool,
    /// `--check-no-new-access`: the reference identity policy.
    pub no_new_access: Option<ParsedPolicy>,
    /// `--findings`: who outside the zone of trust (the accounts and organization of
    /// `--trusted-account` and `--trusted-org`) each resource policy lets in.
    pub external_access: Option<Trust>,
    /// The limits of each check.
    pub config: CheckConfig,
}

/// A finding's place, before the template's file, line and column are written in.
struct Draft {
    finding_type: FindingType,
    issue_code: &'static str,
    details: String,
    span: Span,
    /// The span in the resolved policy, when the finding is about a part of it.
    policy_span: Option<Span>,
    help: Option<String>,
    learn_more_link: Option<String>,
}

/// Every finding about `policy`, located in `template` (its file name and line index).
pub fn findings_of(
    policy: &FoundPolicy,
    checks: &Checks,
    template: &keyaki_policy::SourceFile,
) -> Vec<ScanFinding> {
    let mut drafts: Vec<Draft> = policy
        .warnings
        .iter()
        .map(|warning| Draft {
            finding_type: FindingType::Warning,
            issue_code: "UNRESOLVED_VALUE",
            details: warning.message.clone(),
            span: warning.span,
            policy_span: None,
            help: warning.help.clone(),
            learn_more_link: None,
        })
        .collect();
    let options = ParseOptions {
        policy_type: Some(policy.policy_type),
        ..ParseOptions::default()
    };
    drafts.extend(validation(policy));
    if let Ok(parsed) = parse_policy(&policy.source, options) {
        drafts.extend(check_findings(policy, &parsed, checks));
    }
    let tree = read_json(&policy.source, ParseOptions::default()).ok();
    drafts
        .into_iter()
        .map(|draft| {
            let at = template.line_column(draft.span.start);
            let (policy_path, value) = offending(policy, tree.as_ref(), template, &draft);
            let fingerprint = fingerprint(
                &policy.resource,
                &policy.policy_name,
                draft.issue_code,
                &policy_path,
                &value,
            );
            ScanFinding {
                finding_type: draft.finding_type,
                issue_code: draft.issue_code.to_string(),
                finding_details: draft.details,
                resource: policy.resource.clone(),
                policy_name: policy.policy_name.clone(),
                file: template.name().to_string(),
                line: at.line,
                column: at.column,
                span: draft.span,
                help: draft.help,
                learn_more_link: draft.learn_more_link,
                policy_path,
                fingerprint,
                baselined: None,
            }
        })
        .collect()
}

/// A finding's path in the resolved policy and the text it is about, the parts of its
/// fingerprint that do not move with the template's lines: the policy's text at the finding
/// (none for the whole policy), or the template's text for a finding outside the policy.
fn offending(
    policy: &FoundPolicy,
    tree: Option<&Spanned<Json>>,
    template: &keyaki_policy::SourceFile,
    draft: &Draft,
) -> (String, String) {
    let text_at = |source: &keyaki_policy::SourceFile, span: Span| {
        source
            .text()
            .get(span.start..span.end)
            .unwrap_or("")
            .to_string()
    };
    match (draft.policy_span, tree) {
        (Some(span), Some(tree)) => {
            let path = path_text(&Location::of(tree, span).path);
            let value = if path.is_empty() {
                String::new()
            } else {
                text_at(&policy.source, span)
            };
            (path, value)
        }
        (Some(span), None) => (String::new(), text_at(&policy.source, span)),
        (None, _) => (String::new(), text_at(template, draft.span)),
    }
}

/// `validate-policy`'s findings on the resolved policy (Access Analyzer's checks, the
/// parser's errors and warnings among them, with their issue codes), moved to the template.
fn validation(policy: &FoundPolicy) -> Vec<Draft> {
    let policy_type = match policy.policy_type {
        PolicyType::Identity => ValidatePolicyType::Identity,
        PolicyType::Resource => ValidatePolicyType::Resource,
    };
    let resource_type = policy
        .resource_type
        .and_then(ValidateResourceType::from_aws_name);
    validate_policy_for(&policy.source, policy_type, resource_type)
        .into_iter()
        .map(|finding| Draft {
            finding_type: finding_type(finding.issue.finding_type),
            issue_code: finding.issue.code,
            details: finding.details.clone(),
            span: policy.locations.to_template(finding.span()),
            policy_span: Some(finding.span()),
            help: None,
            learn_more_link: Some(finding.issue.learn_more_link()),
        })
        .collect()
}

fn finding_type(of: keyaki_validate::FindingType) -> FindingType {
    match of {
        keyaki_validate::FindingType::Error => FindingType::Error,
        keyaki_validate::FindingType::SecurityWarning => FindingType::SecurityWarning,
        keyaki_validate::FindingType::Warning => FindingType::Warning,
        keyaki_validate::FindingType::Suggestion => FindingType::Suggestion,
    }
}

/// The custom checks that apply to this policy, unless its verdicts could be no proof:
/// - a policy resolved with both branches of an undecided `Fn::If` is not what any deployment
///   holds;
/// - a symbolic `${Unresolved:…}` stands for an unknown value only where `${…}` is a policy
///   variable, under `Version` `2012-10-17`; elsewhere it would be read as literal text.
///
/// Then each check asked is reported undecided instead, saying why.
fn check_findings(policy: &FoundPolicy, parsed: &ParsedPolicy, checks: &Checks) -> Vec<Draft> {
    if !policy.undecided_conditions.is_empty() {
        let conditions = policy
            .undecided_conditions
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let why = format!("the template's condition {conditions} could not be decided");
        let help = "give the parameters the condition depends on with --parameters";
        return undecided_checks(policy, parsed, checks, &why, help);
    }
    if policy.source.text().contains("${Unresolved:") && !parsed.policy.has_variables_enabled() {
        let why = "its unresolved values would be read as literal text without `Version` \
                   `2012-10-17`";
        let help = "write `Version: \"2012-10-17\"` in the policy";
        return undecided_checks(policy, parsed, checks, why, help);
    }
    let mut drafts = Vec::new();
    if let Some(access) = &checks.access_not_granted {
        let outcome = check_access_not_granted(parsed, std::slice::from_ref(access), checks.config);
        drafts.extend(verdict(
            policy,
            parsed,
            &outcome,
            "CHECK_ACCESS_NOT_GRANTED",
        ));
    }
    let public_type = policy.resource_type.and_then(ResourceType::named);
    if let (true, PolicyType::Resource, Some(resource_type)) =
        (checks.no_public_access, policy.policy_type, public_type)
    {
        let outcome = check_no_public_access(parsed, resource_type, checks.config);
        drafts.extend(verdict(policy, parsed, &outcome, "CHECK_NO_PUBLIC_ACCESS"));
    }
    if let (Some(reference), PolicyType::Identity) = (&checks.no_new_access, policy.policy_type) {
        let outcome = check_no_new_access(parsed, reference, checks.config);
        drafts.extend(verdict(policy, parsed, &outcome, "CHECK_NO_NEW_ACCESS"));
    }
    if let (Some(trust), PolicyType::Resource) = (&checks.external_access, policy.policy_type) {
        drafts.extend(external_access(policy, parsed, trust, checks.config));
    }
    drafts
}

/// `keyaki findings` on a resource policy: one `EXTERNAL_ACCESS` security warning per
/// statement and access (as Access Analyzer reports them), at the statement; a question left
/// without an answer is a `CHECK_UNDECIDED` error, since the list may then be incomplete.
fn external_access(
    policy: &FoundPolicy,
    parsed: &ParsedPolicy,
    trust: &Trust,
    config: CheckConfig,
) -> Vec<Draft> {
    let report = findings(parsed, trust, config);
    let mut drafts: Vec<Draft> = summarise(&parsed.policy, &report)
        .iter()
        .map(|access| {
            let sentence = crate::findings::summary::sentence(access);
            at_statement(
                policy,
                parsed,
                access.statement_index,
                "EXTERNAL_ACCESS",
                sentence,
            )
        })
        .collect();
    drafts.extend(
        report
            .unknown
            .iter()
            .map(|why| undecided(policy, parsed, format!("findings may be incomplete: {why}"))),
    );
    drafts
}

/// One `CHECK_UNDECIDED` error per check asked of a policy whose verdicts would be no proof.
fn undecided_checks(
    policy: &FoundPolicy,
    parsed: &ParsedPolicy,
    checks: &Checks,
    why: &str,
    help: &str,
) -> Vec<Draft> {
    let asked = [
        (
            "check_access_not_granted",
            checks.access_not_granted.is_some(),
        ),
        (
            "check_no_public_access",
            checks.no_public_access
                && policy.policy_type == PolicyType::Resource
                && policy.resource_type.and_then(ResourceType::named).is_some(),
        ),
        (
            "check_no_new_access",
            checks.no_new_access.is_some() && policy.policy_type == PolicyType::Identity,
        ),
        (
            "findings",
            checks.external_access.is_some() && policy.policy_type == PolicyType::Resource,
        ),
    ];
    asked
        .iter()
        .filter(|(_, asked)| *asked)
        .map(|(check, _)| Draft {
            finding_type: FindingType::Error,
            issue_code: "CHECK_UNDECIDED",
            details: format!("{check} was not run: {why}"),
            span: policy.locations.to_template(parsed.policy.span),
            policy_span: Some(parsed.policy.span),
            help: Some(help.to_string()),
            learn_more_link: None,
        })
        .collect()
}

/// A check's verdict as findings: one per statement responsible for a FAIL, one for UNKNOWN.
fn verdict(
    policy: &FoundPolicy,
    parsed: &ParsedPolicy,
    outcome: &Outcome,
    code: &'static str,
) -> Vec<Draft> {
    match &outcome.verdict {
        Verdict::Pass => Vec::new(),
        Verdict::Fail { reasons, .. } => reasons
            .iter()
            .map(|reason| {
                at_statement(
                    policy,
                    parsed,
                    reason.statement_index,
                    code,
                    reason.description.clone(),
                )
            })
            .collect(),
        Verdict::Unknown(why) => vec![undecided(
            policy,
            parsed,
            format!("{} could not be decided: {why}", code.to_lowercase()),
        )],
    }
}

/// A security warning at statement `index` of the policy (at the whole policy if it has no
/// such statement).
fn at_statement(
    policy: &FoundPolicy,
    parsed: &ParsedPolicy,
    index: usize,
    code: &'static str,
    details: String,
) -> Draft {
    let written = parsed
        .policy
        .statements
        .get(index)
        .map_or(parsed.policy.span, |s| s.span);
    Draft {
        finding_type: FindingType::SecurityWarning,
        issue_code: code,
        details,
        span: policy.locations.to_template(written),
        policy_span: Some(written),
        help: None,
        learn_more_link: None,
    }
}

/// A `CHECK_UNDECIDED` error at the whole policy: a check asked has no answer.
fn undecided(policy: &FoundPolicy, parsed: &ParsedPolicy, details: String) -> Draft {
    Draft {
        finding_type: FindingType::Error,
        issue_code: "CHECK_UNDECIDED",
        details,
        span: policy.locations.to_template(parsed.policy.span),
        policy_span: Some(parsed.policy.span),
        help: Some("a check without an answer is never a pass; try a longer --timeout".into()),
        learn_more_link: None,
    }
}
