//! Benchmark contender: the Rust core against a running simulator.
//!
//! knowbe4-bench pull URL                 one full pull of every enrollment (one Value tree)
//! knowbe4-bench pull-pages URL           the same pull streamed: each page's checked JSON text kept
//! knowbe4-bench single URL N IDS_FILE    N get_a_specific_training_enrollment calls (ids cycled)
//! knowbe4-bench limited URL SCALE        one full pull with KnowBe4's limits scaled by SCALE
//!
//! Prints one JSON line on stdout.
use std::time::Instant;

use knowbe4_connector::transport::BoxFuture;
use knowbe4_connector::{
    ActionInput, Body, Client, ClientConfig, EnrollmentsQuery, PageRecords, PageSink, RateLimits,
    Streamed,
};

/// Keeps every page as it arrives: what a host that parses pages itself holds.
#[derive(Default)]
struct KeepPages {
    pages: Vec<PageRecords>,
}

impl PageSink for KeepPages {
    fn accept(&mut self, page: PageRecords) -> BoxFuture<'_, knowbe4_connector::Result<()>> {
        self.pages.push(page);
        Box::pin(async { Ok(()) })
    }
}

fn client(url: &str, limits: Option<RateLimits>) -> Client {
    let config = ClientConfig::builder()
        .url(url)
        .token("sim-token")
        .rate_limits(limits)
        .build()
        .expect("config");
    Client::new(config).expect("client")
}

fn records(body: &Body) -> usize {
    match body {
        Body::Json(serde_json::Value::Array(items)) => items.len(),
        _ => 0,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("");
    let url = args.get(2).expect("URL").clone();
    match mode {
        "pull" => {
            let client = client(&url, None);
            let start = Instant::now();
            let env = client
                .get_all_training_enrollments(&EnrollmentsQuery::default())
                .await
                .expect("pull");
            let wall = start.elapsed().as_secs_f64();
            println!(
                "{{\"wall_s\":{wall},\"records\":{},\"status\":{}}}",
                records(&env.body),
                env.status_code
            );
        }
        "pull-pages" => {
            let client = client(&url, None);
            let mut sink = KeepPages::default();
            let start = Instant::now();
            let streamed = client
                .run_action_streamed(
                    "get_all_training_enrollments",
                    &ActionInput::new(),
                    &mut sink,
                )
                .await
                .expect("pull");
            let wall = start.elapsed().as_secs_f64();
            let Streamed::Pages(env) = streamed else {
                panic!("expected every page, got {streamed:?}");
            };
            let n: usize = sink.pages.iter().map(PageRecords::len).sum();
            println!(
                "{{\"wall_s\":{wall},\"records\":{n},\"status\":{}}}",
                env.status_code
            );
        }
        "single" => {
            let n: u64 = args.get(3).map_or(2000, |v| v.parse().expect("N"));
            let ids: Vec<u64> = std::fs::read_to_string(args.get(4).expect("IDS_FILE"))
                .expect("ids file")
                .split_whitespace()
                .map(|v| v.parse().expect("id"))
                .collect();
            let client = client(&url, None);
            // One warm-up call opens the keep-alive connection.
            client.get_a_specific_training_enrollment(ids[0], None).await.expect("warm-up");
            let mut lat = Vec::with_capacity(n as usize);
            let start = Instant::now();
            for i in 0..n {
                let t = Instant::now();
                let env = client
                    .get_a_specific_training_enrollment(ids[i as usize % ids.len()], None)
                    .await
                    .expect("call");
                assert_eq!(env.status_code, 200);
                lat.push(t.elapsed().as_secs_f64());
            }
            let wall = start.elapsed().as_secs_f64();
            let lat: Vec<String> = lat.iter().map(|v| format!("{v:.7}")).collect();
            println!("{{\"wall_s\":{wall},\"lat\":[{}]}}", lat.join(","));
        }
        "limited" => {
            let scale: f64 = args.get(3).map_or(60.0, |v| v.parse().expect("SCALE"));
            let limits = RateLimits::knowbe4(0).scaled(scale);
            let client = client(&url, Some(limits.clone()));
            let start = Instant::now();
            let env = client
                .get_all_training_enrollments(&EnrollmentsQuery::default())
                .await
                .expect("pull");
            let wall = start.elapsed().as_secs_f64();
            let n = records(&env.body);
            // Counted by the core: every page and retry the pull really made.
            let requests = u64::from(env.requests);
            let bound = limits.minimum_duration(requests).as_secs_f64();
            println!(
                "{{\"wall_s\":{wall},\"records\":{n},\"status\":{},\"requests\":{requests},\"bound_s\":{bound}}}",
                env.status_code
            );
        }
        _ => {
            eprintln!("usage: knowbe4-bench pull|single|limited URL [N|SCALE]");
            std::process::exit(2);
        }
    }
}
