//! Batches run on a terminal: the built `keyaki` binary under a pseudo-terminal.
//!
//! On a terminal a batch draws a progress bar on standard error from rayon's worker threads.
//! When the binary held the standard error lock for its whole run, that bar waited for the
//! lock forever and every batch on a terminal hung (issue 13). The in-process tests cannot see
//! this: their standard streams are buffers, so they draw no bar. Here the binary runs with
//! both streams on a pseudo-terminal (portable-pty, so only the Rust toolchain is needed), and
//! each run has a time limit, so a regression fails the test instead of hanging the suite.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::Read as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Far more than a batch of three small documents needs, even unoptimized on a busy machine.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// What a run on the terminal showed.
struct TerminalRun {
    exit_code: u32,
    /// Everything written to the terminal, standard output and error interleaved.
    screen: String,
}

/// Runs `keyaki ARGS` from the workspace root with stdout and stderr on a pseudo-terminal.
fn keyaki_on_a_terminal(args: &[&str]) -> TerminalRun {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 160,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_keyaki"));
    command.args(args);
    command.cwd(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    command.env("TERM", "xterm-256color");
    command.env("NO_COLOR", "1");
    let mut child = pty.slave.spawn_command(command).expect("keyaki starts");
    drop(pty.slave);
    let screen = drain(
        pty.master
            .try_clone_reader()
            .expect("the terminal's output"),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's state") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!(
                "`keyaki {}` did not end within {TIME_LIMIT:?} on a terminal; it showed:\n{}",
                args.join(" "),
                shown(&screen)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The child is gone; what it wrote is still in the terminal until read.
    let drained = Instant::now();
    while !finished(&screen) && drained.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    TerminalRun {
        exit_code: status.exit_code(),
        screen: shown(&screen),
    }
}

/// The terminal's output as it arrives, read by a thread so that the child never blocks on a
/// full terminal; the flag says the output has ended.
type Screen = Arc<Mutex<(Vec<u8>, bool)>>;

fn drain(mut reader: Box<dyn std::io::Read + Send>) -> Screen {
    let screen: Screen = Arc::default();
    let filled = Arc::clone(&screen);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => filled.lock().unwrap().0.extend_from_slice(&chunk[..n]),
            }
        }
        filled.lock().unwrap().1 = true;
    });
    screen
}

fn finished(screen: &Screen) -> bool {
    screen.lock().unwrap().1
}

fn shown(screen: &Screen) -> String {
    String::from_utf8_lossy(&screen.lock().unwrap().0).replace("\r\n", "\n")
}

#[test]
fn a_public_access_batch_ends_on_a_terminal() {
    let run = keyaki_on_a_terminal(&[
        "check-no-public-access",
        "--policy-document",
        "tests/examples/batch",
        "--resource-type",
        "AWS::S3::Bucket",
    ]);
    assert_eq!(
        run.exit_code, 2,
        "one document is bad input:\n{}",
        run.screen
    );
    assert!(
        run.screen
            .contains("3 documents: 1 PASS, 1 FAIL, 0 UNKNOWN, 1 bad input"),
        "{}",
        run.screen
    );
    assert!(
        run.screen.contains("/3 documents"),
        "the progress bar was drawn:\n{}",
        run.screen
    );
}

#[test]
fn a_findings_batch_ends_on_a_terminal() {
    let run = keyaki_on_a_terminal(&[
        "findings",
        "--policy-document",
        "tests/examples/batch",
        "--trusted-account",
        "123456789012",
    ]);
    assert_eq!(
        run.exit_code, 2,
        "one document is bad input:\n{}",
        run.screen
    );
    assert!(
        run.screen.contains("3 documents: "),
        "the summary is shown:\n{}",
        run.screen
    );
}

#[test]
fn a_manifest_batch_ends_on_a_terminal() {
    let run = keyaki_on_a_terminal(&[
        "check-no-new-access",
        "--manifest",
        "tests/examples/update-pairs.json",
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(
        run.exit_code, 1,
        "one update grants new access:\n{}",
        run.screen
    );
    assert!(
        run.screen
            .contains("2 documents: 1 PASS, 1 FAIL, 0 UNKNOWN, 0 bad input"),
        "{}",
        run.screen
    );
}
