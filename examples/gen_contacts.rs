//! Writes a generated export: `gen_contacts vcard|csv N SEED OUT`.
//! Used by `scripts/bench-import`; the data comes from `netwerk_import::synth`.

use netwerk_import::synth;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let parsed = match args.as_slice() {
        [_, kind, n, seed, out] => n
            .parse::<usize>()
            .ok()
            .zip(seed.parse::<u64>().ok())
            .map(|(n, seed)| (kind.as_str(), n, seed, out)),
        _ => None,
    };
    let Some((kind, n, seed, out)) = parsed else {
        eprintln!("usage: gen_contacts vcard|csv N SEED OUT");
        return std::process::ExitCode::from(2);
    };
    let bytes = match kind {
        "vcard" => synth::vcard_file(seed, n),
        "csv" => synth::google_csv(seed, n),
        _ => {
            eprintln!("gen_contacts: unknown kind {kind:?}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Err(err) = std::fs::write(out, bytes) {
        eprintln!("gen_contacts: {out}: {err}");
        return std::process::ExitCode::from(2);
    }
    std::process::ExitCode::SUCCESS
}
