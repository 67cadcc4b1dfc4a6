//! The `cloudseal` binary: parse the command line and hand over to `cloudseal::cli`.

use clap::Parser;

fn main() {
    let cli = cloudseal::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cloudseal: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(exit) = runtime.block_on(cloudseal::cli::run(cli)) {
        eprintln!("cloudseal: {}", exit.message);
        std::process::exit(exit.code);
    }
}
