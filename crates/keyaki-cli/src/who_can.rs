//! `keyaki who-can`: every principal of an account, and every class of outside caller, that
//! can perform an action on a resource (`keyaki_check::who_can`).
//!
//! With `--existing-account-details` it is the effective-permission diff of two versions of
//! the account (`who_gains`): who may now perform the action in some context where before
//! they could not, each with a request the new version allows and the existing one denies,
//! both replayed. PASS (exit 0) when nobody gains, proved; FAIL (exit 1) when someone does.
//!
//! With `--allowed-principal` it is a gate (`check-access-not-granted` over the whole account):
//! FAIL (exit 1) when a principal the patterns do not cover, or a caller outside the account,
//! can perform the action in some context; the verdict comes after the
//! listing (text), or as `result` and `unexpected` (JSON).
//!
//! Text lists the principals that can, always or in some contexts (with the condition), and
//! counts those proved never to; JSON lists every principal. Exit code 0 when every question
//! has a proved answer, 3 when one has none, 2 for bad input.

use crate::account::load_account;
use crate::args::WhoCanArgs;
use crate::checks::config;
use crate::render::Style;
use crate::{Exit, Io, OutputFormat};
use keyaki_check::counterexample::request_json;
use keyaki_check::scenario::{ClassReach, Reach, reach_word};
use keyaki_check::who_can::{ClassAnswer, PrincipalAnswer, WhoCan, WhoGains, who_can, who_gains};
use keyaki_policy::account::Account;
use keyaki_policy::eval::wildcard::Glob;
use serde_json::{Value, json};

pub fn run(args: &WhoCanArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let Some(details) = &args.account.account_details else {
        let _ = writeln!(io.stderr, "error: give --account-details FILE");
        return Exit::BadInput;
    };
    let Some(account) = load_account(details, args.account.manifest.as_deref(), style, io) else {
        return Exit::BadInput;
    };
    if let Some(existing) = &args.existing_account_details {
        let Some(before) = load_account(existing, args.existing_manifest.as_deref(), style, io)
        else {
            return Exit::BadInput;
        };
        return diff(args, &account, &before, output, io);
    }
    let owner = args.resource_owner.as_deref();
    let answers = who_can(
        &account,
        &args.action,
        &args.resource,
        owner,
        config(args.budget),
    );
    let verdict = (!args.allowed_principal.is_empty()).then(|| gate(args, &answers));
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => {
            let mut value = as_json(args, account.id(), &answers);
            if let (Some(verdict), Some(object)) = (&verdict, value.as_object_mut()) {
                object.insert("result".into(), json!(verdict.word));
                object.insert("unexpected".into(), json!(verdict.unexpected));
            }
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
        OutputFormat::Text => {
            let mut text = as_text(args, account.id(), &answers);
            if let Some(verdict) = &verdict {
                text.push_str(&verdict.line());
            }
            text
        }
    };
    let _ = io.stdout.write_all(text.as_bytes());
    match verdict {
        Some(verdict) => verdict.exit,
        None if has_unknown(&answers) => Exit::Unknown,
        None => Exit::Pass,
    }
}

/// The answer of `--allowed-principal`.
struct Verdict {
    word: &'static str,
    exit: Exit,
    /// The principals and outside classes that can, besides the allowed ones.
    unexpected: Vec<String>,
}

impl Verdict {
    fn line(&self) -> String {
        let detail = if self.unexpected.is_empty() {
            String::new()
        } else {
            format!(": {}", self.unexpected.join(", "))
        };
        format!(
            "{}  {} besides the allowed principals can{detail}\n",
            self.word,
            self.unexpected.len()
        )
    }
}

/// `--allowed-principal`: FAIL when a principal outside the list, or an outside caller, can;
/// UNKNOWN when one of them has no answer; PASS otherwise.
fn gate(args: &WhoCanArgs, answers: &WhoCan) -> Verdict {
    let allowed = |arn: &str| {
        args.allowed_principal
            .iter()
            .any(|p| Glob::plain(p).matches(arn))
    };
    let others: Vec<&PrincipalAnswer> = answers
        .principals
        .iter()
        .filter(|p| !allowed(&p.arn))
        .collect();
    let can = |p: &&PrincipalAnswer| matches!(&p.outcome, Ok(o) if matches!(o.reach, Reach::Always { .. } | Reach::Sometimes { .. }));
    let mut unexpected: Vec<String> = others
        .iter()
        .filter(|p| can(p))
        .map(|p| p.arn.clone())
        .collect();
    unexpected.extend(
        answers
            .classes
            .iter()
            .filter(|c| matches!(c.reach, ClassReach::Some(_)))
            .map(|c| c.class.describe()),
    );
    let unknown = others
        .iter()
        .any(|p| !matches!(&p.outcome, Ok(o) if !matches!(o.reach, Reach::Unknown(_))))
        || answers
            .classes
            .iter()
            .any(|c| matches!(c.reach, ClassReach::Unknown(_)));
    let (word, exit) = if !unexpected.is_empty() {
        ("FAIL", Exit::Fail)
    } else if unknown {
        ("UNKNOWN", Exit::Unknown)
    } else {
        ("PASS", Exit::Pass)
    };
    Verdict {
        word,
        exit,
        unexpected,
    }
}

fn has_unknown(answers: &WhoCan) -> bool {
    answers
        .principals
        .iter()
        .any(|p| !matches!(&p.outcome, Ok(o) if !matches!(o.reach, Reach::Unknown(_))))
        || answers
            .classes
            .iter()
            .any(|c| matches!(c.reach, ClassReach::Unknown(_)))
}

fn principal_json(answer: &PrincipalAnswer) -> Value {
    let mut entry = json!({"arn": answer.arn});
    let Some(object) = entry.as_object_mut() else {
        return entry;
    };
    match &answer.outcome {
        Err(message) => {
            object.insert("answer".into(), json!("unknown"));
            object.insert("reason".into(), json!(message));
        }
        Ok(outcome) => {
            object.insert("answer".into(), json!(reach_word(&outcome.reach)));
            match &outcome.reach {
                Reach::Always { example } => {
                    object.insert("example".into(), request_json(example));
                }
                Reach::Sometimes {
                    condition, allowed, ..
                } => {
                    object.insert("condition".into(), json!(condition));
                    object.insert("example".into(), request_json(allowed));
                }
                Reach::Never { .. } => {}
                Reach::Unknown(reason) => {
                    object.insert("reason".into(), json!(reason));
                }
            }
        }
    }
    entry
}

fn class_json(answer: &ClassAnswer) -> Value {
    match &answer.reach {
        ClassReach::Nobody => json!({"callers": answer.class.describe(), "answer": "none"}),
        ClassReach::Some(request) => json!({
            "callers": answer.class.describe(),
            "answer": "some",
            "example": request_json(request),
        }),
        ClassReach::Unknown(reason) => json!({
            "callers": answer.class.describe(),
            "answer": "unknown",
            "reason": reason,
        }),
    }
}

fn as_json(args: &WhoCanArgs, account: &str, answers: &WhoCan) -> Value {
    json!({
        "account": account,
        "action": args.action,
        "resource": args.resource,
        "principals": answers.principals.iter().map(principal_json).collect::<Vec<_>>(),
        "outsideCallers": answers.classes.iter().map(class_json).collect::<Vec<_>>(),
    })
}

fn as_text(args: &WhoCanArgs, account: &str, answers: &WhoCan) -> String {
    let mut text = format!(
        "who can {} on {}? (account {account})\n",
        args.action, args.resource
    );
    let mut never = 0;
    for answer in &answers.principals {
        match &answer.outcome {
            Err(message) => text.push_str(&format!("  UNKNOWN    {}: {message}\n", answer.arn)),
            Ok(outcome) => match &outcome.reach {
                Reach::Always { .. } => text.push_str(&format!("  ALWAYS     {}\n", answer.arn)),
                Reach::Sometimes { condition, .. } => text.push_str(&format!(
                    "  SOMETIMES  {}\n             when {condition}\n",
                    answer.arn
                )),
                Reach::Never { .. } => never += 1,
                Reach::Unknown(reason) => {
                    text.push_str(&format!("  UNKNOWN    {}: {reason}\n", answer.arn));
                }
            },
        }
    }
    text.push_str(&format!(
        "  never: {never} of the account's {} users and roles (proved)\n",
        answers.principals.len()
    ));
    text.push_str("outside the account:\n");
    for answer in &answers.classes {
        let line = match &answer.reach {
            ClassReach::Nobody => "none (proved)".to_string(),
            ClassReach::Some(request) => format!(
                "SOME, e.g. {}",
                serde_json::to_string(&request_json(request)).unwrap_or_default()
            ),
            ClassReach::Unknown(reason) => format!("UNKNOWN: {reason}"),
        };
        text.push_str(&format!("  {}: {line}\n", answer.class.describe()));
    }
    text
}

/// `--existing-account-details`: who gains the access.
fn diff(
    args: &WhoCanArgs,
    new: &Account,
    existing: &Account,
    output: OutputFormat,
    io: &mut Io<'_>,
) -> Exit {
    let gains = who_gains(
        new,
        existing,
        &args.action,
        &args.resource,
        args.resource_owner.as_deref(),
        config(args.budget),
    );
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&gains_json(args, new.id(), &gains)).unwrap_or_default()
        ),
        OutputFormat::Text => gains_text(args, new.id(), &gains),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    if gains.anyone_gains() {
        Exit::Fail
    } else if gains.has_unknown() {
        Exit::Unknown
    } else {
        Exit::Pass
    }
}

fn verdict_word(gains: &WhoGains) -> &'static str {
    if gains.anyone_gains() {
        "FAIL"
    } else if gains.has_unknown() {
        "UNKNOWN"
    } else {
        "PASS"
    }
}

fn gain_json(who: Value, reach: &ClassReach) -> Value {
    let (answer, extra) = match reach {
        ClassReach::Nobody => ("no", Value::Null),
        ClassReach::Some(request) => ("gains", request_json(request)),
        ClassReach::Unknown(reason) => ("unknown", json!(reason)),
    };
    let mut entry = json!({"who": who, "answer": answer});
    if let Some(object) = entry.as_object_mut() {
        match reach {
            ClassReach::Some(_) => object.insert("example".into(), extra),
            ClassReach::Unknown(_) => object.insert("reason".into(), extra),
            ClassReach::Nobody => None,
        };
    }
    entry
}

fn gains_json(args: &WhoCanArgs, account: &str, gains: &WhoGains) -> Value {
    let principals: Vec<Value> = gains
        .principals
        .iter()
        .map(|(arn, reach)| gain_json(json!(arn), reach))
        .collect();
    let classes: Vec<Value> = gains
        .classes
        .iter()
        .map(|c| gain_json(json!(c.class.describe()), &c.reach))
        .collect();
    json!({
        "result": verdict_word(gains),
        "account": account,
        "action": args.action,
        "resource": args.resource,
        "principals": principals,
        "outsideCallers": classes,
    })
}

fn gains_text(args: &WhoCanArgs, account: &str, gains: &WhoGains) -> String {
    let mut text = format!(
        "who gains {} on {} in the new version of account {account}?\n{}\n",
        args.action,
        args.resource,
        verdict_word(gains)
    );
    let rows = gains
        .principals
        .iter()
        .map(|(arn, reach)| (arn.clone(), reach))
        .chain(gains.classes.iter().map(|c| (c.class.describe(), &c.reach)));
    let mut unchanged = 0;
    for (who, reach) in rows {
        match reach {
            ClassReach::Nobody => unchanged += 1,
            ClassReach::Some(request) => text.push_str(&format!(
                "  GAINS    {who}\n           e.g. {}\n",
                serde_json::to_string(&request_json(request)).unwrap_or_default()
            )),
            ClassReach::Unknown(reason) => {
                text.push_str(&format!("  UNKNOWN  {who}: {reason}\n"));
            }
        }
    }
    text.push_str(&format!(
        "  no new access for the other {unchanged} of {} principals and outside caller classes (proved)\n",
        gains.principals.len() + gains.classes.len()
    ));
    text
}
