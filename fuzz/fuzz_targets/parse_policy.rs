//! Any bytes, read as a policy (identity and resource) and as a request: the parser must
//! return a policy or located errors, never panic or hang; a policy that parses must evaluate.

#![no_main]

use keyaki_policy::{ParseOptions, PolicyType, Request, SourceFile, evaluate, parse_policy, parse_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = SourceFile::new("fuzz.json", data.to_vec());
    for policy_type in [PolicyType::Identity, PolicyType::Resource] {
        let options = ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        };
        match parse_policy(&source, options) {
            Ok(parsed) => {
                let request = Request::for_identity("s3:GetObject", "arn:aws:s3:::b/k");
                let _ = evaluate(&parsed.policy, parsed.policy_type, &request);
            }
            Err(errors) => {
                for error in &errors {
                    let _ = source.one_line(error);
                }
            }
        }
    }
    let _ = parse_request(&source);
});
