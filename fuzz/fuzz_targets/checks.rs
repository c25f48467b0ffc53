//! Any bytes, split at the first `\n---\n` into two identity policies: when both parse, the
//! checks must answer within their budgets — never panic, never report a counterexample that
//! does not replay (the checks replay it themselves; an *internal error* UNKNOWN is a crash
//! here). With the new policy's exemplars tried first, `check-no-new-access` must not turn a
//! PASS into a FAIL or the reverse.

#![no_main]

use keyaki_check::check::Check;
use keyaki_check::{
    Access, CheckConfig, Exemplars, Verdict, check_access_not_granted, check_no_new_access,
};
use keyaki_policy::{ParseOptions, PolicyType, SourceFile, parse_policy};
use libfuzzer_sys::fuzz_target;

fn parse(bytes: &[u8]) -> Option<keyaki_policy::ParsedPolicy> {
    parse_policy(
        &SourceFile::new("fuzz.json", bytes.to_vec()),
        ParseOptions {
            policy_type: Some(PolicyType::Identity),
            ..ParseOptions::default()
        },
    )
    .ok()
}

fn no_internal_error(verdict: &Verdict) {
    if let Verdict::Unknown(why) = verdict {
        assert!(!why.contains("internal error"), "{why}");
    }
}

fuzz_target!(|data: &[u8]| {
    let separator = b"\n---\n";
    let split = data
        .windows(separator.len())
        .position(|w| w == separator);
    let (first, second) = match split {
        Some(at) => (&data[..at], &data[at + separator.len()..]),
        None => (data, data),
    };
    let (Some(new), Some(existing)) = (parse(first), parse(second)) else {
        return;
    };
    let mut config = CheckConfig::default();
    config.smt.sat.max_conflicts = Some(2_000);
    let plain = check_no_new_access(&new, &existing, config).verdict;
    no_internal_error(&plain);
    let exemplars = Exemplars::of(&new, config);
    let check = Check::NoNewAccess {
        new: &new,
        existing: &existing,
    };
    let with = check.run_with(config, Some(&exemplars)).verdict;
    no_internal_error(&with);
    match (&plain, &with) {
        (Verdict::Pass, Verdict::Fail { .. }) | (Verdict::Fail { .. }, Verdict::Pass) => {
            panic!("without exemplars {plain:?}, with {with:?}")
        }
        _ => {}
    }
    let access = [Access {
        actions: vec!["s3:Delete*".to_string(), "iam:PassRole".to_string()],
        resources: Vec::new(),
    }];
    no_internal_error(&check_access_not_granted(&new, &access, config).verdict);
});
