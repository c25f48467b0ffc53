//! Who can make a request: every principal of an account, and every class of caller outside
//! it, decided exhaustively.
//!
//! For each user and role of the account, the question of [`crate::scenario::can`]: is the
//! request (the action on the resource) allowed in every context, some, or none, over all the
//! policies that decide it (the identity's own, its boundary, the organization's SCPs, the
//! resource policy, RCPs, VPC endpoint policies). For callers outside the account's IAM, one
//! question per class ([`CallerClass`]): principals of other accounts (their own identity
//! policies assumed to allow, as their administrator may), AWS services, anonymous callers,
//! web-identity and SAML callers; each answered with a replayed request from a caller of the
//! class, or proved impossible.
//!
//! A resource whose ARN names no account (an S3 bucket) is owned by the account the caller
//! names (`owner`), else by the one the account's manifest gives, else by the account itself:
//! who can reach the account's own resources is the question.
//!
//! The account's principals are independent questions, decided in parallel (rayon); the
//! answers come back in the account's order.

use crate::check::CheckConfig;
use crate::scenario::{CallerClass, CanOutcome, ClassReach, can, class_can, gains};
use keyaki_policy::account::Account;
use keyaki_policy::{Request, RequestPrincipal};
use rayon::prelude::*;

/// One principal of the account and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAnswer {
    /// The user's or role's ARN.
    pub arn: String,
    /// The answer (`Err`: the account could not build its scenario, with why).
    pub outcome: Result<CanOutcome, String>,
}

/// One class of outside callers and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassAnswer {
    /// The class.
    pub class: CallerClass,
    /// Whether some caller of the class can, with a replayed request.
    pub reach: ClassReach,
}

/// Everyone's answer for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoCan {
    /// The account's users and roles, in the account's order.
    pub principals: Vec<PrincipalAnswer>,
    /// The classes of outside callers.
    pub classes: Vec<ClassAnswer>,
}

/// Who gains access in a new version of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoGains {
    /// The new account's users and roles, each with whether it gains (a request the new
    /// account allows and the existing one does not, replayed on both).
    pub principals: Vec<(String, ClassReach)>,
    /// The classes of outside callers, likewise.
    pub classes: Vec<ClassAnswer>,
}

impl WhoGains {
    /// Whether anyone gains, proved (a replayed witness).
    pub fn anyone_gains(&self) -> bool {
        self.principals
            .iter()
            .map(|(_, reach)| reach)
            .chain(self.classes.iter().map(|c| &c.reach))
            .any(|reach| matches!(reach, ClassReach::Some(_)))
    }

    /// Whether some question has no answer.
    pub fn has_unknown(&self) -> bool {
        self.principals
            .iter()
            .map(|(_, reach)| reach)
            .chain(self.classes.iter().map(|c| &c.reach))
            .any(|reach| matches!(reach, ClassReach::Unknown(_)))
    }
}

/// The effective-permission diff of two versions of an account (a new SCP, boundary, bucket
/// policy, …): for every principal of the new account and every class of outside caller,
/// whether it may now perform `action` on `resource` in some context where it could not.
pub fn who_gains(
    new: &Account,
    existing: &Account,
    action: &str,
    resource: &str,
    owner: Option<&str>,
    config: CheckConfig,
) -> WhoGains {
    let request = Request::for_identity(action, resource);
    let principals = new
        .principals()
        .into_par_iter()
        .map(|arn| {
            let reach = match new.scenario_owned(Some(&arn), request.clone(), owner) {
                Err(message) => ClassReach::Unknown(message),
                Ok(after) => {
                    let before = existing
                        .scenario_owned(Some(&arn), request.clone(), owner)
                        .ok();
                    gains(&after, before.as_ref(), &CallerClass::Fixed, config)
                }
            };
            (arn, reach)
        })
        .collect();
    let classes = outside_classes(new)
        .into_par_iter()
        .map(|class| {
            let caller = request.clone().with_principal(RequestPrincipal::Anonymous);
            let after = new.scenario_owned(None, caller.clone(), owner);
            let before = existing.scenario_owned(None, caller, owner);
            let reach = match (after, before) {
                (Ok(after), Ok(before)) => gains(&after, Some(&before), &class, config),
                (Err(message), _) | (_, Err(message)) => ClassReach::Unknown(message),
            };
            ClassAnswer { class, reach }
        })
        .collect();
    WhoGains {
        principals,
        classes,
    }
}

/// The classes of callers outside the account's IAM.
fn outside_classes(account: &Account) -> Vec<CallerClass> {
    let mut inside = vec![account.id().to_string()];
    inside.extend(account.management_account().map(str::to_string));
    vec![
        CallerClass::OutsideAws(inside),
        CallerClass::Service,
        CallerClass::Anonymous,
        CallerClass::Federated,
    ]
}

/// Decides, for every principal of the account and every class of outside caller, whether it
/// can perform `action` on `resource`.
pub fn who_can(
    account: &Account,
    action: &str,
    resource: &str,
    owner: Option<&str>,
    config: CheckConfig,
) -> WhoCan {
    let request = Request::for_identity(action, resource);
    let principals = account
        .principals()
        .into_par_iter()
        .map(|arn| {
            let outcome = account
                .scenario_owned(Some(&arn), request.clone(), owner)
                .map(|scenario| can(&scenario, config));
            PrincipalAnswer { arn, outcome }
        })
        .collect();
    let classes = outside_classes(account)
        .into_par_iter()
        .map(|class| {
            let caller = request.clone().with_principal(RequestPrincipal::Anonymous);
            let scenario = account.scenario_for_external(caller);
            let reach = class_can(&scenario, &class, config);
            ClassAnswer { class, reach }
        })
        .collect();
    WhoCan {
        principals,
        classes,
    }
}
