//! `knowbe4 manifests`: write the Turbine manifests generated from the
//! action table, or check that the files on disk match them.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Repository root to write into or check.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Only check; exit 1 listing the files that differ.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let mut stale = Vec::new();
    for (relative, text) in knowbe4_connector::manifest::all() {
        let path = args.dir.join(&relative);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if args.check {
            stale.push(relative);
            continue;
        }
        if let Some(parent) = path.parent() {
            if let Err(err) = std::fs::create_dir_all(parent) {
                eprintln!("error: cannot create {}: {err}", parent.display());
                return ExitCode::from(2);
            }
        }
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("error: cannot write {}: {err}", path.display());
            return ExitCode::from(2);
        }
        println!("wrote {relative}");
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        for relative in stale {
            eprintln!("out of date: {relative} (run `knowbe4 manifests` to regenerate)");
        }
        ExitCode::from(1)
    }
}
