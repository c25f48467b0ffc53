//! `keyaki scan PATH…`: every policy in CloudFormation templates, Terraform plans and policy
//! files, with findings gated the way cfn-policy-validator gates them.
//!
//! Each path (a file, or a directory searched for `.json`, `.yaml`, `.yml` and `.template`
//! files) is read by `keyaki_templates::scan`, which finds and resolves the policies; each
//! policy goes through [`findings::findings_of`]; `--ignore-finding` removes findings by code,
//! resource, or `RESOURCE.CODE`; a finding whose type is listed in
//! `--treat-finding-type-as-blocking` (`ERROR,SECURITY_WARNING` by default, `NONE` for none)
//! makes the exit code 1; otherwise a check asked that has no verdict (`CHECK_UNDECIDED`)
//! makes it 3, whatever is blocking, since a PASS must be a proof. Text shows each finding with its template snippet; JSON lists the
//! findings and the policies found; SARIF gives one result per finding at its template place.
//! A file that cannot be read is bad input (exit 2), reported at its
//! position: no policy is ever skipped in silence; a managed policy attached by ARN that the
//! file does not define is a warning (`MANAGED_POLICY_NOT_READ`). `--create-baseline` and
//! `--baseline` record accepted findings and stop them blocking ([`baseline`]).

pub mod baseline;
pub mod findings;

use crate::args::TimeBudget;
use crate::render::{Style, render, render_titled};
use crate::{Exit, Io, OutputFormat, sarif};
use baseline::{Baseline, Comparison};
use clap::Args;
use findings::{Checks, FindingType, ScanFinding, findings_of};
use keyaki_check::{Access, Trust};
use keyaki_policy::{Diagnostic, ParseOptions, PolicyType, SourceFile, parse_policy};
use keyaki_templates::{Deployment, ManagedReference, Scanned, scan};
use serde_json::json;
use std::path::{Path, PathBuf};

/// `keyaki scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Templates, plans (`terraform show -json`), policy files, or directories of them
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<String>,
    /// Template parameter values, overriding their defaults
    #[arg(long, value_name = "KEY=VALUE", num_args = 1..)]
    pub parameters: Vec<String>,
    /// The account of `AWS::AccountId` (the documentation's example account by default)
    #[arg(long, value_name = "ID", default_value = "123456789012")]
    pub account_id: String,
    /// The region of `AWS::Region` (and so `AWS::Partition`, `AWS::URLSuffix`)
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// The stack name of `AWS::StackName`
    #[arg(long, default_value = "example-stack")]
    pub stack_name: String,
    /// Report every policy that grants one of `--actions` (on one of `--resources`)
    #[arg(long, requires = "actions")]
    pub check_access_not_granted: bool,
    /// The actions of --check-access-not-granted (IAM wildcards allowed)
    #[arg(long, value_name = "ACTION", num_args = 1.., value_delimiter = ',')]
    pub actions: Vec<String>,
    /// The resources of --check-access-not-granted (any resource when absent)
    #[arg(long, value_name = "ARN", num_args = 1.., value_delimiter = ',')]
    pub resources: Vec<String>,
    /// Report every resource policy that grants public access to its resource
    #[arg(long)]
    pub check_no_public_access: bool,
    /// Report every identity policy that grants access the reference policy does not
    #[arg(long, requires = "reference_policy")]
    pub check_no_new_access: bool,
    /// The reference identity policy of --check-no-new-access (a JSON file)
    #[arg(long, value_name = "FILE")]
    pub reference_policy: Option<String>,
    /// Report who outside the zone of trust each resource policy lets in (keyaki findings, one
    /// EXTERNAL_ACCESS security warning per statement and access)
    #[arg(long)]
    pub findings: bool,
    /// Accounts inside the zone of trust of --findings (12 digits; repeat or list several)
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',', requires = "findings")]
    pub trusted_account: Vec<String>,
    /// The organization inside the zone of trust of --findings (o-…)
    #[arg(long, value_name = "ORG", requires = "findings")]
    pub trusted_org: Option<String>,
    /// Finding types that fail the run (ERROR, SECURITY_WARNING, WARNING, SUGGESTION, or NONE)
    #[arg(
        long,
        value_name = "TYPES",
        value_delimiter = ',',
        default_value = "ERROR,SECURITY_WARNING"
    )]
    pub treat_finding_type_as_blocking: Vec<String>,
    /// Findings to leave out: an issue code, a resource, or RESOURCE.CODE
    #[arg(long, value_name = "FINDING", num_args = 1.., value_delimiter = ',')]
    pub ignore_finding: Vec<String>,
    /// Write every finding to FILE as a baseline for --baseline; the run then exits 0 (it
    /// records the findings, it does not gate)
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub create_baseline: Option<String>,
    /// Findings FILE (written by --create-baseline) holds are shown as baselined and never
    /// block; the exit code is 1 only for a new blocking finding
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// The time budget of each check
    #[command(flatten)]
    pub budget: TimeBudget,
}

/// Runs `keyaki scan`.
pub fn run(args: &ScanArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let refusal = match scan_all(args) {
        Ok(report) => return report.print(args, output, style, io),
        Err(refusal) => refusal,
    };
    let notification = match &refusal {
        Refusal::Usage(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            sarif::notification("USAGE", message, None)
        }
        Refusal::Unreadable(source, diagnostic) => {
            let _ = write!(io.stderr, "{}", render(source, diagnostic, style));
            let location = sarif::location(source, Some(diagnostic.span));
            sarif::notification("UNREADABLE_FILE", &diagnostic.message, Some(location))
        }
    };
    if output == OutputFormat::Sarif {
        let printed = json!({"results": [], "notifications": [notification]});
        let _ = write!(io.stdout, "{printed}");
    }
    Exit::BadInput
}

/// Why a scan did not run.
enum Refusal {
    /// A flag or path is wrong.
    Usage(String),
    /// A file cannot be read; the diagnostic is located in it.
    Unreadable(SourceFile, Box<Diagnostic>),
}

/// Every file read and every finding.
struct Report {
    files: Vec<Scanned>,
    findings: Vec<ScanFinding>,
    blocking: Vec<FindingType>,
    /// With `--baseline`: what it holds of this run.
    comparison: Option<Comparison>,
    /// With `--create-baseline`: the file the findings were written to.
    baseline_written: Option<String>,
}

fn scan_all(args: &ScanArgs) -> Result<Report, Refusal> {
    let blocking = blocking_types(&args.treat_finding_type_as_blocking)?;
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let deployment = deployment(args)?;
    let checks = checks(args)?;
    let mut files = Vec::new();
    for path in files_of(&args.paths, &baseline_files(args))? {
        let bytes = std::fs::read(&path)
            .map_err(|e| Refusal::Usage(format!("cannot read `{}`: {e}", path.display())))?;
        let source = SourceFile::new(path.display().to_string(), bytes);
        match scan(source.clone(), &deployment) {
            Ok(scanned) => files.push(scanned),
            Err(diagnostic) => return Err(Refusal::Unreadable(source, Box::new(diagnostic))),
        }
    }
    let mut findings = Vec::new();
    for file in &files {
        for unanalysed in &file.unanalysed {
            let at = file.template.line_column(unanalysed.diagnostic.span.start);
            findings.push(ScanFinding {
                finding_type: FindingType::Error,
                issue_code: "UNANALYSED_POLICY".into(),
                finding_details: unanalysed.diagnostic.message.clone(),
                resource: unanalysed.resource.clone(),
                policy_name: unanalysed.policy_name.clone(),
                file: file.template.name().to_string(),
                line: at.line,
                column: at.column,
                span: unanalysed.diagnostic.span,
                help: unanalysed.diagnostic.help.clone(),
                learn_more_link: None,
                policy_path: String::new(),
                fingerprint: baseline::fingerprint(
                    &unanalysed.resource,
                    &unanalysed.policy_name,
                    "UNANALYSED_POLICY",
                    "",
                    &unanalysed.diagnostic.message,
                ),
                baselined: None,
            });
        }
        findings.extend(
            file.managed_references
                .iter()
                .map(|r| not_read(r, &file.template)),
        );
        for policy in &file.policies {
            findings.extend(findings_of(policy, &checks, &file.template));
        }
    }
    findings.retain(|f| !ignored(f, &args.ignore_finding));
    let comparison = baseline.map(|baseline| baseline.compare(&mut findings));
    let baseline_written = args
        .create_baseline
        .as_deref()
        .map(|path| write_baseline(path, &findings))
        .transpose()?;
    Ok(Report {
        files,
        findings,
        blocking,
        comparison,
        baseline_written,
    })
}

/// `--baseline FILE`: a file that cannot be read, or is not a baseline, is bad input.
fn read_baseline(path: &str) -> Result<Baseline, Refusal> {
    let bytes =
        std::fs::read(path).map_err(|e| Refusal::Usage(format!("cannot read `{path}`: {e}")))?;
    let source = SourceFile::new(path, bytes);
    Baseline::read(&source).map_err(|diagnostic| Refusal::Unreadable(source, Box::new(diagnostic)))
}

/// `--create-baseline FILE`: every finding written, for a later `--baseline FILE`.
fn write_baseline(path: &str, findings: &[ScanFinding]) -> Result<String, Refusal> {
    std::fs::write(path, baseline::write(findings))
        .map_err(|e| Refusal::Usage(format!("cannot write the baseline `{path}`: {e}")))?;
    Ok(path.to_string())
}

/// A managed policy attached by ARN whose document the file does not hold: a warning, since
/// what it grants counts but is not analysed here.
fn not_read(reference: &ManagedReference, template: &SourceFile) -> ScanFinding {
    let at = template.line_column(reference.span.start);
    let code = "MANAGED_POLICY_NOT_READ";
    ScanFinding {
        finding_type: FindingType::Warning,
        issue_code: code.into(),
        finding_details: format!(
            "`{}` attaches the managed policy `{}`, which is not in this file; it is not analysed",
            reference.place, reference.arn
        ),
        resource: reference.resource.clone(),
        policy_name: reference.place.clone(),
        file: template.name().to_string(),
        line: at.line,
        column: at.column,
        span: reference.span,
        help: Some(
            "scan the template that defines it too, or check its document with \
             `keyaki validate-policy`"
                .into(),
        ),
        learn_more_link: None,
        policy_path: String::new(),
        fingerprint: baseline::fingerprint(
            &reference.resource,
            &reference.place,
            code,
            "",
            &reference.arn,
        ),
        baselined: None,
    }
}

/// `--treat-finding-type-as-blocking`.
fn blocking_types(names: &[String]) -> Result<Vec<FindingType>, Refusal> {
    if names.iter().any(|n| n.trim().eq_ignore_ascii_case("NONE")) {
        return Ok(Vec::new());
    }
    names
        .iter()
        .map(|name| {
            FindingType::named(name).ok_or_else(|| {
                Refusal::Usage(format!(
                    "`{name}` is not a finding type: use ERROR, SECURITY_WARNING, WARNING, \
                     SUGGESTION or NONE"
                ))
            })
        })
        .collect()
}

/// The deployment the template is resolved for.
fn deployment(args: &ScanArgs) -> Result<Deployment, Refusal> {
    let parameters = args
        .parameters
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
            _ => Err(Refusal::Usage(format!(
                "`{pair}` is not KEY=VALUE in --parameters"
            ))),
        })
        .collect::<Result<_, _>>()?;
    Ok(Deployment {
        account_id: args.account_id.clone(),
        region: args.region.clone(),
        stack_name: args.stack_name.clone(),
        parameters,
    })
}

/// The custom checks asked for.
fn checks(args: &ScanArgs) -> Result<Checks, Refusal> {
    let access_not_granted = args.check_access_not_granted.then(|| Access {
        actions: args.actions.clone(),
        resources: args.resources.clone(),
    });
    let no_new_access = match (&args.check_no_new_access, &args.reference_policy) {
        (true, Some(path)) => Some(reference_policy(path)?),
        _ => None,
    };
    let problems =
        crate::findings::zone_of_trust_problems(&args.trusted_account, args.trusted_org.as_deref());
    if let Some(problem) = problems.into_iter().next() {
        return Err(Refusal::Usage(problem));
    }
    let external_access = args.findings.then(|| Trust {
        accounts: args.trusted_account.clone(),
        organization: args.trusted_org.clone(),
    });
    Ok(Checks {
        access_not_granted,
        no_public_access: args.check_no_public_access,
        no_new_access,
        external_access,
        config: crate::checks::config(args.budget),
    })
}

/// The reference policy of `--check-no-new-access`, an identity policy.
fn reference_policy(path: &str) -> Result<keyaki_policy::ParsedPolicy, Refusal> {
    let bytes =
        std::fs::read(path).map_err(|e| Refusal::Usage(format!("cannot read `{path}`: {e}")))?;
    let source = SourceFile::new(path, bytes);
    let options = ParseOptions {
        policy_type: Some(PolicyType::Identity),
        ..ParseOptions::default()
    };
    parse_policy(&source, options).map_err(|diagnostics| {
        let first = diagnostics
            .into_iter()
            .find(Diagnostic::is_error)
            .unwrap_or_else(|| {
                Diagnostic::error("the reference policy cannot be read", Default::default())
            });
        Refusal::Unreadable(source, Box::new(first))
    })
}

/// The baseline files of this run, which a directory searched for templates may hold: they
/// are no templates, and are left out of the search.
fn baseline_files(args: &ScanArgs) -> Vec<PathBuf> {
    [&args.baseline, &args.create_baseline]
        .into_iter()
        .flatten()
        .filter_map(|path| std::fs::canonicalize(path).ok())
        .collect()
}

/// The files named: files as given, directories searched for templates (but the `skipped`
/// baseline files), in path order.
fn files_of(paths: &[String], skipped: &[PathBuf]) -> Result<Vec<PathBuf>, Refusal> {
    let mut files = Vec::new();
    for path in paths {
        let path = Path::new(path);
        if path.is_dir() {
            let mut found = Vec::new();
            collect_templates(path, &mut found)?;
            if found.is_empty() {
                return Err(Refusal::Usage(format!(
                    "`{}` holds no .json, .yaml, .yml or .template file",
                    path.display()
                )));
            }
            found.retain(|file| {
                std::fs::canonicalize(file).map_or(true, |file| !skipped.contains(&file))
            });
            found.sort();
            files.extend(found);
        } else {
            files.push(path.to_path_buf());
        }
    }
    Ok(files)
}

fn collect_templates(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Refusal> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Refusal::Usage(format!("cannot read `{}`: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_templates(&path, found)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml" | "template"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// `--ignore-finding`: by issue code, by resource, or by `RESOURCE.CODE`.
fn ignored(finding: &ScanFinding, ignore: &[String]) -> bool {
    ignore.iter().any(|item| {
        item == &finding.issue_code
            || item == &finding.resource
            || item == &format!("{}.{}", finding.resource, finding.issue_code)
    })
}

impl Report {
    /// A finding blocks when its type is blocking and no baseline holds it.
    fn blocks(&self, finding: &ScanFinding) -> bool {
        self.blocking.contains(&finding.finding_type) && finding.baselined != Some(true)
    }

    fn blocking_count(&self) -> usize {
        self.findings.iter().filter(|f| self.blocks(f)).count()
    }

    /// The run's answer in one word, as the exit code says it.
    fn verdict(&self) -> &'static str {
        if self.baseline_written.is_some() {
            return "BASELINE_WRITTEN";
        }
        match self.exit() {
            Exit::Fail => "FAIL",
            Exit::Unknown => "UNKNOWN",
            _ => "PASS",
        }
    }

    /// 0 when the findings were written as a baseline (recording is not gating); else 1 when
    /// something blocks; else 3 when a check asked has no verdict (a PASS must be a proof,
    /// whatever is blocking); else 0.
    fn exit(&self) -> Exit {
        if self.baseline_written.is_some() {
            Exit::Pass
        } else if self.blocking_count() > 0 {
            Exit::Fail
        } else if self
            .findings
            .iter()
            .any(|f| f.issue_code == "CHECK_UNDECIDED")
        {
            Exit::Unknown
        } else {
            Exit::Pass
        }
    }

    fn print(&self, _args: &ScanArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
        if let (Some(path), OutputFormat::Json | OutputFormat::Sarif) =
            (&self.baseline_written, output)
        {
            let _ = writeln!(
                io.stderr,
                "{} {} written to the baseline {path}",
                self.findings.len(),
                plural(self.findings.len(), "finding", "findings")
            );
        }
        let printed = match output {
            OutputFormat::Json => self.json(),
            OutputFormat::Sarif => self.sarif(),
            OutputFormat::Text => self.text(style),
        };
        let _ = write!(io.stdout, "{printed}");
        self.exit()
    }

    fn text(&self, style: Style) -> String {
        let mut out = String::new();
        for file in &self.files {
            out.push_str(&format!(
                "{}: {}, {} {}\n",
                file.template.name(),
                file.kind.name(),
                file.policies.len(),
                plural(file.policies.len(), "policy", "policies")
            ));
            for policy in &file.policies {
                let at = file.template.line_column(policy.span.start);
                out.push_str(&format!(
                    "  {} {} ({}) at {}:{}\n",
                    policy.resource,
                    policy.policy_name,
                    policy.policy_type.aws_name(),
                    at.line,
                    at.column
                ));
            }
        }
        out.push('\n');
        for finding in &self.findings {
            let Some(file) = self.file_of(finding) else {
                continue;
            };
            out.push_str(&self.render_finding(&file.template, finding, style));
        }
        out.push_str(&self.summary());
        out
    }

    /// The last line of the text output.
    fn summary(&self) -> String {
        let count = format!(
            "{} {}",
            self.findings.len(),
            plural(self.findings.len(), "finding", "findings")
        );
        if let Some(path) = &self.baseline_written {
            return format!("{count} written to the baseline {path}\n");
        }
        let baselined = self.comparison.map_or(String::new(), |c| {
            format!(", {} baselined ({} fixed since)", c.baselined, c.fixed)
        });
        format!(
            "{count}{baselined}, {} blocking: {}\n",
            self.blocking_count(),
            self.verdict()
        )
    }

    fn render_finding(&self, template: &SourceFile, finding: &ScanFinding, style: Style) -> String {
        let blocking = self.blocks(finding);
        let baselined = if finding.baselined == Some(true) {
            " (baselined)"
        } else {
            ""
        };
        let title = style.paint(
            if blocking { "1;31" } else { "1;33" },
            &format!(
                "{} {}{baselined}",
                finding.finding_type.name(),
                finding.issue_code
            ),
        );
        let mut diagnostic = if blocking {
            Diagnostic::error(finding.finding_details.clone(), finding.span)
        } else {
            Diagnostic::warning(finding.finding_details.clone(), finding.span)
        }
        .with_label(format!("in {} ({})", finding.resource, finding.policy_name));
        diagnostic.help = finding.help.clone();
        render_titled(template, &diagnostic, &title, style)
    }

    /// The SARIF results (wrapped into a log by the caller): one per finding, at its place in
    /// the template, `error` when blocking and `warning` otherwise, with its fingerprint and,
    /// with `--baseline`, its `baselineState` (`unchanged` when the baseline holds it, else
    /// `new`).
    fn sarif(&self) -> String {
        let mut results = Vec::new();
        let mut notifications = Vec::new();
        for finding in &self.findings {
            let Some(file) = self.file_of(finding) else {
                continue;
            };
            let location = sarif::location(&file.template, Some(finding.span));
            let message = format!(
                "{} ({}): {}",
                finding.resource, finding.policy_name, finding.finding_details
            );
            // A policy that could not be analysed is also a notification of the run.
            if finding.issue_code == "UNANALYSED_POLICY" {
                notifications.push(sarif::notification(
                    &finding.issue_code,
                    &message,
                    Some(location.clone()),
                ));
            }
            let mut result = json!({
                "ruleId": finding.issue_code,
                "level": if self.blocks(finding) { "error" } else { "warning" },
                "message": {"text": message},
                "locations": [location],
                "properties": {
                    "findingType": finding.finding_type,
                    "resource": finding.resource,
                    "policyName": finding.policy_name,
                },
                "partialFingerprints": {"keyaki/v1": finding.fingerprint},
            });
            if let (Some(baselined), Some(map)) = (finding.baselined, result.as_object_mut()) {
                let state = if baselined { "unchanged" } else { "new" };
                map.insert("baselineState".into(), json!(state));
            }
            results.push(result);
        }
        json!({"results": results, "notifications": notifications}).to_string()
    }

    /// The scanned file a finding is in.
    fn file_of(&self, finding: &ScanFinding) -> Option<&Scanned> {
        self.files
            .iter()
            .find(|file| file.template.name() == finding.file)
    }

    fn json(&self) -> String {
        let policies: Vec<_> = self
            .files
            .iter()
            .flat_map(|file| {
                file.policies.iter().map(move |policy| {
                    let at = file.template.line_column(policy.span.start);
                    json!({
                        "resource": policy.resource,
                        "policyName": policy.policy_name,
                        "policyType": policy.policy_type.aws_name(),
                        "file": file.template.name(),
                        "line": at.line,
                        "column": at.column,
                    })
                })
            })
            .collect();
        let mut report = json!({
            "result": self.verdict(),
            "findings": self.findings,
            "policies": policies,
        });
        if let (Some(comparison), Some(map)) = (self.comparison, report.as_object_mut()) {
            map.insert(
                "baseline".into(),
                json!({"baselined": comparison.baselined, "fixed": comparison.fixed}),
            );
        }
        format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        )
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
