//! `cargo xtask bench [--full | --random-pairs N] [--solvers N] [--limit N] [--only SECTIONS]`:
//! keyaki on the real AWS policies under `../shared/data/`. Build with `--release`
//! (`cargo run --release -p xtask -- bench`). `--only critical,updates,pairs,variables,account,scan,validate,solvers`
//! runs only those sections (parsing always runs).
//!
//! 1. **Parse** every managed policy.
//! 2. **Critical actions**: every managed policy against `check-access-not-granted` with a
//!    fixed list of 20 critical actions (privilege escalation, data destruction, audit
//!    tampering), each action its own check.
//! 3. **Real updates**: every pair of consecutive versions in `aws-managed-policy-updates/` as
//!    `check-no-new-access` (existing = older, new = newer): all 1,336 must be answered.
//! 4. **Pairs**: `check-no-new-access` over all ordered pairs of a 200-policy sample (every
//!    ⌊1523/200⌋-th policy by name), or of all the managed policies with `--full`, in parallel;
//!    `--random-pairs N` draws N ordered pairs of all the policies instead, a quick estimate of
//!    `--full`. Each policy's [`Exemplars`] are computed once (timed separately) and tried
//!    before solving, as one-to-many comparisons should.
//! 5. **Variables** (first, as it needs no data): the generated identity policies full of
//!    policy variables ([`crate::variables_pair`]: 80 statements against 77, about 30 KB), each
//!    of their three questions timed alone, one at a time (`--only variables`).
//! 6. **Whole account** (generated, no data needed; `--only account`): `who-can` for the 20
//!    critical actions over a generated account of 1,000 roles with boundaries, a three-level
//!    SCP tree and RCPs ([`crate::bench_account`]), and `simulate` throughput on every
//!    role × critical action.
//! 7. **Templates** (no data needed; `--only scan`): the example CloudFormation templates
//!    and Terraform plan, each scanned 200 times in parallel (resolution and validate-policy).
//! 8. **validate-policy** (`--only validate`): every managed policy validated as an identity
//!    policy, in parallel: policies per second, per-policy times, findings by issue code.
//! 9. **Other solvers**: the questions of `N` real updates (default 100, evenly spaced)
//!    exported as SMT-LIB 2 and decided by z3 and cvc5 (their Python packages), each in one
//!    process with a 10 s limit per question, timed inside the process; keyaki's time on the
//!    same questions is its whole check (encoding and solving). Skipped for a solver that is
//!    not installed.
//!
//! Each section prints checks, verdicts, checks per second, and the median, p99 and maximum
//! time per check; the run ends with the peak memory (resident set). Every FAIL was replayed
//! through the concrete evaluator by the check itself; an UNKNOWN names its reason, and one that
//! says *internal error* is listed, because it is a bug.

use keyaki_check::check::Check;
use keyaki_check::{
    Access, CheckConfig, Exemplars, Verdict, check_access_not_granted, check_no_new_access,
};
use keyaki_policy::{ParseOptions, ParsedPolicy, PolicyType, SourceFile, parse_policy};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Actions whose grant a security team wants to know about.
pub const CRITICAL_ACTIONS: [&str; 20] = [
    "iam:CreateAccessKey",
    "iam:CreateUser",
    "iam:AttachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:PassRole",
    "iam:UpdateAssumeRolePolicy",
    "sts:AssumeRole",
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "kms:ScheduleKeyDeletion",
    "kms:PutKeyPolicy",
    "ec2:TerminateInstances",
    "ec2:AuthorizeSecurityGroupIngress",
    "rds:DeleteDBInstance",
    "dynamodb:DeleteTable",
    "lambda:UpdateFunctionCode",
    "cloudtrail:StopLogging",
    "organizations:LeaveOrganization",
];

/// What a tally keeps of one check: the verdict's kind, and for an UNKNOWN its reason and the
/// check's name.
enum Brief {
    Pass,
    Fail,
    Unknown { why: String, name: String },
}

/// How many UNKNOWN checks a section lists by name.
const UNKNOWN_LISTED: usize = 10;

#[derive(Default)]
struct Tally {
    times: Vec<Duration>,
    verdicts: BTreeMap<&'static str, usize>,
    unknown_reasons: BTreeMap<String, usize>,
    /// The checks left UNKNOWN, by name.
    unknown: Vec<String>,
    internal: Vec<String>,
    /// The slowest checks, slowest first, by name.
    slowest: Vec<(Duration, String)>,
    /// More to say about the section, a line each.
    lines: Vec<String>,
}

/// How many of the slowest checks a section names.
const SLOWEST_LISTED: usize = 3;

impl Tally {
    fn record(&mut self, elapsed: Duration, brief: Brief) {
        self.times.push(elapsed);
        let key = match brief {
            Brief::Pass => "PASS",
            Brief::Fail => "FAIL",
            Brief::Unknown { why, name } => {
                if why.starts_with("internal error") {
                    self.internal.push(name.clone());
                }
                *self.unknown_reasons.entry(why).or_default() += 1;
                self.unknown.push(name);
                "UNKNOWN"
            }
        };
        *self.verdicts.entry(key).or_default() += 1;
    }

    fn print(&mut self, title: &str, wall: Duration) {
        self.times.sort();
        let at = |q: f64| {
            let i = ((self.times.len() as f64 - 1.0) * q).round() as usize;
            self.times.get(i).copied().unwrap_or_default()
        };
        let count = self.times.len();
        println!("{title}");
        println!(
            "  checks {count}  PASS {}  FAIL {}  UNKNOWN {}",
            self.verdicts.get("PASS").unwrap_or(&0),
            self.verdicts.get("FAIL").unwrap_or(&0),
            self.verdicts.get("UNKNOWN").unwrap_or(&0)
        );
        println!(
            "  wall {:.2} s  {:.0} checks/s  median {:.3} ms  p99 {:.3} ms  max {:.1} ms",
            wall.as_secs_f64(),
            count as f64 / wall.as_secs_f64().max(1e-9),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
            at(1.0).as_secs_f64() * 1e3
        );
        for (why, n) in &self.unknown_reasons {
            println!("  UNKNOWN ×{n}: {why}");
        }
        self.unknown.sort();
        for name in self.unknown.iter().take(UNKNOWN_LISTED) {
            println!("  UNKNOWN: {name}");
        }
        if self.unknown.len() > UNKNOWN_LISTED {
            println!("  UNKNOWN: … {} more", self.unknown.len() - UNKNOWN_LISTED);
        }
        for (elapsed, name) in &self.slowest {
            println!("  slow: {:.1} ms  {name}", elapsed.as_secs_f64() * 1e3);
        }
        for name in self.internal.iter().take(20) {
            println!("  INTERNAL ERROR (a bug): {name}");
        }
        for line in &self.lines {
            println!("  {line}");
        }
        println!();
    }
}

fn read_policy(path: &Path, policy_type: PolicyType) -> Option<ParsedPolicy> {
    let bytes = std::fs::read(path).ok()?;
    let source = SourceFile::new(path.display().to_string(), bytes);
    parse_policy(
        &source,
        ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        },
    )
    .ok()
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

/// The sections of a run, for `--only`.
const SECTIONS: [&str; 8] = [
    "critical",
    "updates",
    "pairs",
    "variables",
    "account",
    "scan",
    "validate",
    "solvers",
];

/// The options of a run.
struct Options {
    full: bool,
    /// Ordered pairs drawn at random from all the managed policies (0: the 200-policy sample).
    random_pairs: usize,
    solvers: usize,
    limit: usize,
    /// The sections to run (all when empty).
    only: Vec<String>,
}

impl Options {
    fn runs(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        full: false,
        random_pairs: 0,
        solvers: 100,
        limit: usize::MAX,
        only: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            iter.next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("`{name}` needs a number"))
        };
        match arg.as_str() {
            "--full" => options.full = true,
            "--solvers" => options.solvers = number("--solvers")?,
            "--limit" => options.limit = number("--limit")?,
            "--random-pairs" => options.random_pairs = number("--random-pairs")?,
            "--only" => {
                let list = iter.next().ok_or("`--only` needs a list of sections")?;
                for section in list.split(',') {
                    if !SECTIONS.contains(&section) {
                        return Err(format!(
                            "unknown section `{section}` (one of {})",
                            SECTIONS.join(", ")
                        ));
                    }
                    options.only.push(section.to_string());
                }
            }
            other => {
                return Err(format!(
                    "unknown option `{other}` (--full, --random-pairs N, --solvers N, --limit N, --only SECTIONS)"
                ));
            }
        }
    }
    Ok(options)
}

/// Times `check` for each item in parallel; the tally keeps each check's own time. Only the
/// verdict's kind is kept (and the item's `name` for an UNKNOWN), so that millions of checks
/// fit in memory.
fn timed_parallel<T: Sync>(
    items: &[T],
    name: impl Fn(&T) -> String + Sync,
    check: impl Fn(&T) -> Verdict + Sync,
) -> (Tally, Duration) {
    let started = Instant::now();
    let results: Vec<(Duration, Brief)> = items
        .par_iter()
        .map(|item| {
            let began = Instant::now();
            let verdict = check(item);
            let elapsed = began.elapsed();
            let brief = match verdict {
                Verdict::Unknown(_) => brief(verdict, &name(item)),
                verdict => brief(verdict, ""),
            };
            (elapsed, brief)
        })
        .collect();
    let wall = started.elapsed();
    let mut tally = Tally::default();
    // The few slowest, kept while scanning (a full sort of millions of times is not needed).
    let mut slowest: Vec<(Duration, usize)> = Vec::with_capacity(SLOWEST_LISTED + 1);
    for (i, (elapsed, _)) in results.iter().enumerate() {
        slowest.push((*elapsed, i));
        slowest.sort_unstable_by(|a, b| b.cmp(a));
        slowest.truncate(SLOWEST_LISTED);
    }
    tally.slowest = slowest
        .iter()
        .filter_map(|&(elapsed, i)| items.get(i).map(|item| (elapsed, name(item))))
        .collect();
    for (elapsed, brief) in results {
        tally.record(elapsed, brief);
    }
    (tally, wall)
}

/// Consecutive versions of each updated policy: (older, newer) paths.
fn update_pairs(data: &Path, limit: usize) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(data.join("aws-managed-policy-updates"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut pairs = Vec::new();
    for folder in folders.into_iter().take(limit) {
        let versions = json_files(&folder);
        for pair in versions.windows(2) {
            if let [old, new] = pair {
                pairs.push((old.clone(), new.clone()));
            }
        }
    }
    Ok(pairs)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    let config = CheckConfig::default();
    println!("keyaki bench on {} threads\n", rayon::current_num_threads());
    // Generated, so they run without the data folder.
    if options.runs("variables") {
        variables(config)?;
    }
    if options.runs("account") {
        crate::bench_account::run(config)?;
    }
    if options.runs("scan") {
        scan_templates()?;
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if !data.is_dir() {
        println!("skipped the rest: {} is not present", data.display());
        return Ok(());
    }

    // 1. Parse.
    let files: Vec<PathBuf> = json_files(&data.join("aws-managed-policies"))
        .into_iter()
        .take(options.limit)
        .collect();
    let started = Instant::now();
    let policies: Vec<(PathBuf, ParsedPolicy)> = files
        .iter()
        .filter_map(|path| read_policy(path, PolicyType::Identity).map(|p| (path.clone(), p)))
        .collect();
    let parse_time = started.elapsed();
    println!(
        "parse: {} of {} managed policies in {:.3} s ({:.0} policies/s)\n",
        policies.len(),
        files.len(),
        parse_time.as_secs_f64(),
        policies.len() as f64 / parse_time.as_secs_f64().max(1e-9)
    );

    if options.runs("validate") {
        validate_policies(&files);
    }
    if options.runs("critical") {
        critical_actions(&policies, config);
    }
    let loaded = if options.runs("updates") || options.runs("solvers") {
        load_updates(&data, options.limit)?
    } else {
        Vec::new()
    };
    if options.runs("updates") {
        let (mut tally, wall) = timed_parallel(
            &loaded,
            |(name, _, _)| name.clone(),
            |(_, old, new)| check_no_new_access(new, old, config).verdict,
        );
        tally.print(
            "check-no-new-access: real managed-policy updates (older → newer)",
            wall,
        );
    }
    if options.runs("pairs") {
        pairs(&policies, &options, config);
    }
    if options.runs("solvers") && options.solvers > 0 {
        crate::bench_solvers::compare(&loaded, options.solvers, config)?;
    }
    if let Some(peak) = peak_memory() {
        println!("peak memory (resident): {peak}");
    }
    Ok(())
}

/// How many times each example template is scanned in the `scan` section.
const SCAN_ROUNDS: usize = 200;

/// `keyaki scan` without custom checks on the example templates (CloudFormation JSON and
/// YAML, a Terraform plan), each scanned [`SCAN_ROUNDS`] times in parallel: reading, resolving
/// the intrinsics, and validate-policy on every policy found.
fn scan_templates() -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/examples/templates");
    let mut templates = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let path = entry.path();
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        templates.push(SourceFile::new(path.display().to_string(), bytes));
    }
    let jobs: Vec<&SourceFile> = templates
        .iter()
        .cycle()
        .take(templates.len() * SCAN_ROUNDS)
        .collect();
    let deployment = keyaki_templates::Deployment::default();
    let started = Instant::now();
    let counts: Vec<(usize, usize)> = jobs
        .par_iter()
        .map(|template| {
            let Ok(scanned) = keyaki_templates::scan((*template).clone(), &deployment) else {
                return (0, 0);
            };
            let findings: usize = scanned
                .policies
                .iter()
                .map(|policy| {
                    let policy_type = match policy.policy_type {
                        PolicyType::Identity => keyaki_validate::ValidatePolicyType::Identity,
                        PolicyType::Resource => keyaki_validate::ValidatePolicyType::Resource,
                    };
                    keyaki_validate::validate_policy(&policy.source, policy_type).len()
                })
                .sum();
            (scanned.policies.len(), findings)
        })
        .collect();
    let wall = started.elapsed();
    let policies: usize = counts.iter().map(|(p, _)| p).sum();
    let findings: usize = counts.iter().map(|(_, f)| f).sum();
    let per_second = |n: usize| n as f64 / wall.as_secs_f64().max(1e-9);
    println!(
        "scan: {} example templates × {SCAN_ROUNDS} ({} files) in {:.3} s: {:.0} templates/s, {:.0} policies/s ({} policies, {} findings per round)\n",
        templates.len(),
        jobs.len(),
        wall.as_secs_f64(),
        per_second(jobs.len()),
        per_second(policies),
        policies / SCAN_ROUNDS,
        findings / SCAN_ROUNDS
    );
    Ok(())
}

/// `validate-policy` on every managed policy, as identity policies, in parallel: findings
/// counted by issue code.
fn validate_policies(files: &[PathBuf]) {
    let started = Instant::now();
    let results: Vec<(Duration, Vec<&'static str>, &PathBuf)> = files
        .par_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let source = SourceFile::new(path.display().to_string(), bytes);
            let began = Instant::now();
            let findings = keyaki_validate::validate_policy(
                &source,
                keyaki_validate::ValidatePolicyType::Identity,
            );
            let codes = findings.iter().map(|f| f.issue.code).collect();
            Some((began.elapsed(), codes, path))
        })
        .collect();
    let wall = started.elapsed();
    let mut times: Vec<Duration> = results.iter().map(|(t, _, _)| *t).collect();
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).copied().unwrap_or_default()
    };
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for code in results.iter().flat_map(|(_, codes, _)| codes) {
        *codes.entry(code).or_default() += 1;
    }
    let mut by_count: Vec<(&str, usize)> = codes.into_iter().collect();
    by_count.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    println!(
        "validate-policy: {} managed policies as identity policies",
        results.len()
    );
    println!(
        "  {:.0} policies/s ({:.3} s wall), median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        results.len() as f64 / wall.as_secs_f64().max(1e-9),
        wall.as_secs_f64(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
    let shown: Vec<String> = by_count
        .iter()
        .take(8)
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    println!("  findings: {}", shown.join(", "));
    let mut slowest: Vec<&(Duration, Vec<&str>, &PathBuf)> = results.iter().collect();
    slowest.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    let slow: Vec<String> = slowest
        .iter()
        .take(SLOWEST_LISTED)
        .map(|(t, _, path)| {
            let name = path.file_stem().unwrap_or_default().to_string_lossy();
            format!("{name} {:.1} ms", t.as_secs_f64() * 1e3)
        })
        .collect();
    println!("  slow: {}\n", slow.join(", "));
}

/// Every managed policy against each critical action.
fn critical_actions(policies: &[(PathBuf, ParsedPolicy)], config: CheckConfig) {
    let jobs: Vec<(&PathBuf, &ParsedPolicy, &str)> = policies
        .iter()
        .flat_map(|(path, policy)| CRITICAL_ACTIONS.iter().map(move |a| (path, policy, *a)))
        .collect();
    let name = |(path, _, action): &(&PathBuf, &ParsedPolicy, &str)| {
        format!("{} / {action}", path.display())
    };
    let (mut tally, wall) = timed_parallel(&jobs, name, |(_, policy, action)| {
        let access = [Access {
            actions: vec![(*action).to_string()],
            resources: vec![],
        }];
        check_access_not_granted(policy, &access, config).verdict
    });
    tally.print(
        "check-access-not-granted: managed policies × 20 critical actions",
        wall,
    );
}

/// The generated policies with variables: each edit against the existing policy, one check
/// at a time, each with its verdict and time.
fn variables(config: CheckConfig) -> Result<(), String> {
    let documents = crate::variables_pair::documents();
    let parse = |name: &str, document: &serde_json::Value| {
        let text = crate::variables_pair::text(document)?;
        let source = SourceFile::new(format!("{name}.json"), text.into_bytes());
        let options = ParseOptions {
            policy_type: Some(PolicyType::Identity),
            ..ParseOptions::default()
        };
        parse_policy(&source, options).map_err(|_| format!("the generated `{name}` does not parse"))
    };
    let existing = parse("existing", &documents.existing)?;
    let edits = documents
        .edits()
        .into_iter()
        .map(|(name, document)| Ok((name, parse(name, document)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let started = Instant::now();
    let mut tally = Tally::default();
    for (name, new) in &edits {
        let began = Instant::now();
        let verdict = check_no_new_access(new, &existing, config).verdict;
        let elapsed = began.elapsed();
        let kind = match &verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail { .. } => "FAIL",
            Verdict::Unknown(_) => "UNKNOWN",
        };
        tally.lines.push(format!(
            "{name}: {kind} in {:.1} ms",
            elapsed.as_secs_f64() * 1e3
        ));
        tally.record(elapsed, brief(verdict, name));
    }
    tally.print(
        "check-no-new-access: generated policies with variables (80 statements against 77), one at a time",
        started.elapsed(),
    );
    Ok(())
}

/// What a tally keeps of a verdict.
fn brief(verdict: Verdict, name: &str) -> Brief {
    match verdict {
        Verdict::Pass => Brief::Pass,
        Verdict::Fail { .. } => Brief::Fail,
        Verdict::Unknown(why) => Brief::Unknown {
            why,
            name: name.to_string(),
        },
    }
}

/// The real updates, loaded: (name, older, newer).
fn load_updates(
    data: &Path,
    limit: usize,
) -> Result<Vec<(String, ParsedPolicy, ParsedPolicy)>, String> {
    let pairs = update_pairs(data, limit)?;
    Ok(pairs
        .iter()
        .filter_map(|(old_path, new_path)| {
            let old = read_policy(old_path, PolicyType::Identity)?;
            let new = read_policy(new_path, PolicyType::Identity)?;
            Some((
                format!("{} → {}", old_path.display(), new_path.display()),
                old,
                new,
            ))
        })
        .collect())
}

/// A managed policy, read: its path and the policy.
type Loaded = (PathBuf, ParsedPolicy);

/// `check-no-new-access` over ordered pairs: of the 200-policy sample, of all policies
/// (`--full`), or `--random-pairs N` drawn uniformly from all of them (an estimate of `--full`).
fn pairs(policies: &[(PathBuf, ParsedPolicy)], options: &Options, config: CheckConfig) {
    let (sample, ordered, title): (Vec<&Loaded>, Vec<(usize, usize)>, String) =
        if options.random_pairs > 0 {
            let all: Vec<_> = policies.iter().collect();
            let ordered = random_pairs(all.len(), options.random_pairs);
            let title = format!(
                "check-no-new-access: {} random ordered pairs of {} managed policies",
                ordered.len(),
                all.len()
            );
            (all, ordered, title)
        } else {
            let sample: Vec<_> = if options.full {
                policies.iter().collect()
            } else {
                let step = (policies.len() / 200).max(1);
                policies.iter().step_by(step).take(200).collect()
            };
            let ordered = all_ordered_pairs(sample.len());
            let title = format!(
                "check-no-new-access: all ordered pairs of {} managed policies{}",
                sample.len(),
                if options.full { " (--full)" } else { "" }
            );
            (sample, ordered, title)
        };
    // Each policy's exemplars once, then every pair with them.
    let started = Instant::now();
    let exemplars: Vec<Exemplars> = sample
        .par_iter()
        .map(|(_, policy)| Exemplars::of(policy, config))
        .collect();
    println!(
        "exemplars of {} policies: {} requests in {:.2} s",
        sample.len(),
        exemplars.iter().map(Exemplars::len).sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    let name = |(i, j): &(usize, usize)| match (sample.get(*i), sample.get(*j)) {
        (Some((new_path, _)), Some((old_path, _))) => {
            format!("{} vs {}", new_path.display(), old_path.display())
        }
        _ => String::new(),
    };
    let (mut tally, wall) = timed_parallel(&ordered, name, |(i, j)| {
        let (Some((_, new)), Some((_, old)), Some(examples)) =
            (sample.get(*i), sample.get(*j), exemplars.get(*i))
        else {
            return Verdict::Unknown("no such pair".to_string());
        };
        let check = Check::NoNewAccess { new, existing: old };
        check.run_with(config, Some(examples)).verdict
    });
    tally.print(&title, wall);
}

/// Every ordered pair of distinct indices below `n`.
fn all_ordered_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|i| (0..n).filter(move |j| *j != i).map(move |j| (i, j)))
        .collect()
}

/// `count` ordered pairs of distinct indices below `n`, drawn uniformly with a fixed seed
/// (a 64-bit linear congruential generator), so that runs compare.
fn random_pairs(n: usize, count: usize) -> Vec<(usize, usize)> {
    if n < 2 {
        return Vec::new();
    }
    let mut state: u64 = 0x6b65_7961_6b69_5eed;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % bound as u64) as usize
    };
    let mut pairs = Vec::with_capacity(count);
    while pairs.len() < count {
        let (i, j) = (next(n), next(n));
        if i != j {
            pairs.push((i, j));
        }
    }
    pairs
}

/// The process's peak resident set, from `/proc/self/status` (Linux).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .map(|v| v.trim().to_string())
}
