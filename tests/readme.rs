//! Keeps README.md and the guided tour (docs/tour.md) true: every `$ keyaki …` command in
//! their `console` blocks is run, and its output must be exactly what the document shows
//! below it; a JSON block marked `<!-- file: PATH -->` must be that file.
//! `KEYAKI_BLESS=1 cargo test --test readme` rewrites the outputs (then read the diff).

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

/// A line of a document, as the console blocks see it.
enum Line<'a> {
    /// `$ keyaki …` inside a console block.
    Command(&'a str),
    /// Any other line inside a console block: output.
    Output(&'a str),
    /// A line outside the console blocks (fences included).
    Prose(&'a str),
}

fn lines(document: &str) -> Vec<Line<'_>> {
    let mut in_console = false;
    document
        .lines()
        .map(|line| {
            if line.starts_with("```console") {
                in_console = true;
                Line::Prose(line)
            } else if line.starts_with("```") {
                in_console = false;
                Line::Prose(line)
            } else if !in_console {
                Line::Prose(line)
            } else if let Some(command) = line.strip_prefix("$ ") {
                Line::Command(command)
            } else {
                Line::Output(line)
            }
        })
        .collect()
}

fn examples(readme: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for line in lines(readme) {
        match line {
            Line::Command(command) => examples.push(Example {
                command: command.to_string(),
                output: String::new(),
            }),
            Line::Output(text) => {
                if let Some(example) = examples.last_mut() {
                    example.output.push_str(text);
                    example.output.push('\n');
                }
            }
            Line::Prose(_) => {}
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

/// Runs one command line (its first word is `keyaki`) and returns what it printed.
fn printed_by(command: &str) -> String {
    let words = shell_words(command);
    assert_eq!(
        words[0], "keyaki",
        "documented commands start with `keyaki`"
    );
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut std::io::empty(),
        stdout: &mut out,
        stderr: &mut err,
        terminal: false,
    };
    run(words, &mut io);
    String::from_utf8(out).unwrap() + &String::from_utf8(err).unwrap()
}

/// The document with every console block's output replaced by what keyaki prints now.
fn blessed(document: &str) -> String {
    let mut out = String::new();
    for line in lines(document) {
        match line {
            Line::Command(command) => {
                out.push_str(&format!("$ {command}\n"));
                out.push_str(printed_by(command).trim_end());
                out.push('\n');
            }
            Line::Output(_) => {}
            Line::Prose(text) => {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    out
}

/// Every command of `path` prints exactly what the document shows; every ```json block
/// introduced by `<!-- file: PATH -->` is that file's content. With `KEYAKI_BLESS=1` the
/// outputs are rewritten instead (then read the diff).
fn check_document(path: &str, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::set_current_dir(&root).unwrap();
    let document = std::fs::read_to_string(path).unwrap();
    if std::env::var_os("KEYAKI_BLESS").is_some() {
        std::fs::write(path, blessed(&document)).unwrap();
        return;
    }
    let examples = examples(&document);
    assert!(
        examples.len() >= at_least,
        "{path} shows at least {at_least} commands"
    );
    for example in examples {
        assert_eq!(
            printed_by(&example.command).trim_end(),
            example.output.trim_end(),
            "{path}, command: {}",
            example.command
        );
    }
    let lines: Vec<&str> = document.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let Some(file) = line
            .strip_prefix("<!-- file: ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        let block: Vec<&str> = lines[index + 1..]
            .iter()
            .skip(1)
            .take_while(|l| !l.starts_with("```"))
            .copied()
            .collect();
        let content = std::fs::read_to_string(file).unwrap();
        assert_eq!(
            block.join("\n").trim_end(),
            content.trim_end(),
            "{path}: the block after `<!-- file: {file} -->` is not that file"
        );
    }
}

#[test]
fn the_readme_session_is_what_keyaki_prints() {
    check_document("README.md", 3);
}

#[test]
fn the_tour_is_what_keyaki_prints() {
    check_document("docs/tour.md", 8);
}
