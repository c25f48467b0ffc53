//! No input makes the parser or the evaluator panic: every prefix of a rich policy, and
//! thousands of seeded random mutations of it, either parse or fail with diagnostics whose
//! spans lie inside the document. A deterministic generator (xorshift) keeps failures
//! reproducible; the seed is in the failure message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{
    ParseOptions, Request, RequestPrincipal, SourceFile, evaluate, parse_policy, parse_request,
};

const RICH_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Id": "rich",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["123456789012", "arn:aws:iam::444455556666:role/R"], "Service": "s3.amazonaws.com"},
     "Action": ["s3:Get*", "s3:List?ucket"], "Resource": "arn:aws:s3:::b/${aws:username, 'guest'}/*",
     "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["team*", "${aws:PrincipalTag/x}"]},
                   "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                   "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                   "NumericLessThanEquals": {"s3:max-keys": 10.5},
                   "Bool": {"aws:SecureTransport": true},
                   "BinaryEquals": {"k": "aGk="}, "Null": {"aws:TokenIssueTime": "false"},
                   "ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}}},
    {"Effect": "Deny", "NotPrincipal": "*", "NotAction": "s3:*", "NotResource": ["x", "é\u00e9\ud83d\ude00"]}
  ]
}"#;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parses `bytes` and, when it parses, evaluates a few requests; checks diagnostics' spans.
fn exercise(bytes: Vec<u8>, context: &str) {
    let len = bytes.len();
    let source = SourceFile::new("fuzz.json", bytes);
    match parse_policy(&source, ParseOptions::default()) {
        Ok(parsed) => {
            let request = Request::for_identity("s3:GetObject", "arn:aws:s3:::b/guest/k")
                .with_principal(RequestPrincipal::Aws(
                    "arn:aws:iam::123456789012:root".into(),
                ))
                .with_context_string("aws:SourceIp", "10.1.2.3");
            let _ = evaluate(&parsed.policy, parsed.policy_type, &request);
        }
        Err(diagnostics) => {
            assert!(
                diagnostics.iter().any(|d| d.is_error()),
                "{context}: failure without an error"
            );
            for d in diagnostics {
                assert!(
                    d.span.start <= d.span.end && d.span.end <= len.max(source.text().len()) + 1,
                    "{context}: span {:?} outside the document",
                    d.span
                );
                let _ = source.one_line(&d);
            }
        }
    }
    let _ = parse_request(&source);
}

#[test]
fn every_prefix_of_a_rich_policy_is_handled() {
    let bytes = RICH_POLICY.as_bytes();
    for end in 0..=bytes.len() {
        exercise(bytes[..end].to_vec(), &format!("prefix of {end} bytes"));
    }
    let source = SourceFile::new("rich.json", bytes.to_vec());
    assert!(
        parse_policy(&source, ParseOptions::default()).is_ok(),
        "the whole policy parses"
    );
}

#[test]
fn random_mutations_are_handled() {
    const INTERESTING: &[u8] = b"{}[]\":,\\*?${}' \n0123456789.-+eEtrufalsn\x00\xff\xc3\xa9";
    for seed in 1..=20_000u64 {
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut bytes = RICH_POLICY.as_bytes().to_vec();
        for _ in 0..=rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            }
        }
        exercise(bytes, &format!("seed {seed}"));
    }
}
