//! `keyaki who-can`: every principal of an account, and every class of outside caller, that
//! can perform an action on a resource (`keyaki_check::who_can`).
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
use keyaki_check::who_can::{ClassAnswer, PrincipalAnswer, WhoCan, who_can};
use serde_json::{Value, json};

pub fn run(args: &WhoCanArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let Some(details) = &args.account.account_details else {
        let _ = writeln!(io.stderr, "error: give --account-details FILE");
        return Exit::BadInput;
    };
    let Some(account) = load_account(details, args.account.manifest.as_deref(), style, io) else {
        return Exit::BadInput;
    };
    let answers = who_can(&account, &args.action, &args.resource, config(args.budget));
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&as_json(args, account.id(), &answers))
                .unwrap_or_default()
        ),
        OutputFormat::Text => as_text(args, account.id(), &answers),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    if has_unknown(&answers) {
        Exit::Unknown
    } else {
        Exit::Pass
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
