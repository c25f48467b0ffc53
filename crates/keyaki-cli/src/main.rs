//! The `keyaki` binary: a few lines over [`keyaki_cli::run`].
fn main() -> std::process::ExitCode {
    keyaki_cli::main_entry()
}
