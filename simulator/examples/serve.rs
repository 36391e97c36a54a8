//! Run a simulator until `POST /_sim/shutdown` (or Ctrl-C): `cargo run -p knowbe4-simulator --example serve [PORT]`.

use knowbe4_simulator::{Simulator, SimulatorConfig};

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let sim = Simulator::start_on(([127, 0, 0, 1], port).into(), SimulatorConfig::default())?;
    println!("{} token={}", sim.url(), sim.token());
    sim.wait();
    Ok(())
}
