//! Keeps README.md true: every `$ keyaki …` command in its `console` blocks is run, and its
//! output must be exactly what the README shows below it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_cli::{Io, run};
use std::path::Path;

/// One command of the README and the output it shows.
struct Example {
    command: String,
    output: String,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut in_console = false;
    for line in readme.lines() {
        if line.starts_with("```console") {
            in_console = true;
        } else if line.starts_with("```") {
            in_console = false;
        } else if in_console {
            if let Some(command) = line.strip_prefix("$ ") {
                examples.push(Example {
                    command: command.to_string(),
                    output: String::new(),
                });
            } else if let Some(example) = examples.last_mut() {
                example.output.push_str(line);
                example.output.push('\n');
            }
        }
    }
    examples
}

/// Splits a command line the way a POSIX shell does for the simple cases the README uses:
/// blanks separate words, single quotes keep everything literal.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn the_readme_session_is_what_keyaki_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::set_current_dir(&root).unwrap();
    let readme = std::fs::read_to_string("README.md").unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 3,
        "the README shows at least three commands"
    );
    for example in examples {
        let words = shell_words(&example.command);
        assert_eq!(words[0], "keyaki", "README commands start with `keyaki`");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = Io {
            stdin: &mut std::io::empty(),
            stdout: &mut out,
            stderr: &mut err,
            terminal: false,
        };
        run(words, &mut io);
        let printed = String::from_utf8(out).unwrap() + &String::from_utf8(err).unwrap();
        assert_eq!(
            printed.trim_end(),
            example.output.trim_end(),
            "README command: {}",
            example.command
        );
    }
}
