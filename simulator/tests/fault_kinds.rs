//! The stall, wrong-content-type, oversized, redirect and repeat-page faults.

mod common;

use std::io::{BufRead, ErrorKind, Read};
use std::time::{Duration, Instant};

use common::Sim;
use knowbe4_simulator::{Fault, FaultRule};

const ENR: &str = "/v1/training/enrollments";

#[test]
fn stall_delivers_the_full_body_eventually() {
    let s = Sim::start();
    let full = s.get(ENR).body;
    s.sim.set_faults(vec![FaultRule {
        path: None,
        after: 0,
        times: Some(1),
        fault: Fault::Stall {
            after_bytes: 100,
            ms: 250,
        },
    }]);
    let mut c = s.conn();
    let t = Instant::now();
    let r = c.get(ENR);
    assert!(t.elapsed() >= Duration::from_millis(250));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, full);
    // Shorthand, after_bytes 0, on a keep-alive connection that stays usable.
    s.sim
        .set_faults(vec![FaultRule::parse_cli("stall:50 x1").unwrap()]);
    assert_eq!(c.get(ENR).body, full);
    assert_eq!(c.get(ENR).body, full);
    assert_eq!(s.sim.stats().faults_injected, 2);
}

#[test]
fn stall_leaves_a_client_waiting_mid_body() {
    let s = Sim::start();
    s.sim.set_faults(vec![FaultRule::always(Fault::Stall {
        after_bytes: 10,
        ms: 30_000,
    })]);
    let mut c = s.conn();
    c.send_raw(format!("GET {ENR} HTTP/1.1\r\nAuthorization: Bearer sim-token\r\n\r\n").as_bytes());
    let reader = c.reader_mut();
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        head.push(line.trim_end().to_string());
    }
    assert_eq!(head[0], "HTTP/1.1 200 OK");
    let len: usize = head
        .iter()
        .find_map(|h| h.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(len > 1000, "the full length is announced");
    let mut first = [0u8; 10];
    reader.read_exact(&mut first).unwrap();
    assert_eq!(&first[..2], b"[{");
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut more = [0u8; 1];
    let err = reader.read_exact(&mut more).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err:?}"
    );
}

#[test]
fn wrong_content_type_keeps_the_body() {
    let s = Sim::start();
    let normal = s.get(ENR);
    s.sim
        .set_faults(vec![FaultRule::parse_cli("wrong-content-type x1").unwrap()]);
    let r = s.get(ENR);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.body, normal.body);
    assert!(s
        .get(ENR)
        .header("Content-Type")
        .unwrap()
        .starts_with("application/json"));
}

#[test]
fn oversized_is_valid_json_of_at_least_the_size() {
    let s = Sim::start();
    for bytes in [0usize, 1, 2, 3, 500, 3_000_000] {
        s.sim.set_faults(vec![
            FaultRule::parse_cli(&format!("oversized:{bytes}")).unwrap()
        ]);
        let mut c = s.conn();
        let r = c.get("/v1/account");
        assert_eq!(r.status, 200);
        assert!(r
            .header("Content-Type")
            .unwrap()
            .starts_with("application/json"));
        assert!(r.body.len() >= bytes, "{} < {bytes}", r.body.len());
        assert!(r.body.len() < bytes + 200, "{} vs {bytes}", r.body.len());
        let v = r.json();
        let items = v.as_array().expect("an array");
        assert!(items.iter().all(|o| o.is_object()));
        // Served again from the cache, identically.
        assert_eq!(c.get(ENR).body, r.body);
    }
}

#[test]
fn redirect_carries_path_and_query() {
    let s = Sim::start();
    s.sim.set_faults(vec![FaultRule::parse_cli(
        "redirect:http://127.0.0.1:9/elsewhere/ x2",
    )
    .unwrap()]);
    let mut c = s.conn();
    let r = c.get("/v1/training/enrollments?page=2&per_page=5&campaign_id=3");
    assert_eq!(r.status, 302);
    assert_eq!(r.reason, "Found");
    assert_eq!(
        r.header("Location"),
        Some(
            "http://127.0.0.1:9/elsewhere/v1/training/enrollments?page=2&per_page=5&campaign_id=3"
        )
    );
    assert!(r.body.is_empty());
    let r = c.get("/v1/account");
    assert_eq!(
        r.header("Location"),
        Some("http://127.0.0.1:9/elsewhere/v1/account")
    );
    assert_eq!(c.get("/v1/account").status, 200, "budget spent");
    // A redirect to the simulator itself, with another status, is followable.
    s.sim.set_faults(vec![FaultRule {
        path: Some("/v1/account".into()),
        after: 0,
        times: Some(1),
        fault: Fault::Redirect {
            location: s.sim.url(),
            status: 307,
        },
    }]);
    let r = c.get("/v1/account/risk_score_history?full=true");
    assert_eq!(r.status, 307);
    assert_eq!(r.reason, "Temporary Redirect");
    let loc = r.header("Location").unwrap().to_string();
    assert_eq!(
        loc,
        format!("{}/v1/account/risk_score_history?full=true", s.sim.url())
    );
    let target = loc.strip_prefix(&s.sim.url()).unwrap();
    assert_eq!(c.get(target).status, 200);
}

#[test]
fn repeat_page_serves_page_one_forever() {
    let s = Sim::start();
    let first = s.json(&format!("{ENR}?per_page=7"));
    assert_eq!(first.as_array().unwrap().len(), 7);
    let camp = (0..s.sim.dataset().enrollments().len())
        .find_map(|i| s.sim.dataset().enrollment_links(i).unwrap().0)
        .unwrap();
    let filtered = format!("{ENR}?per_page=2&include_campaign_id=true&campaign_id={camp}");
    let filtered_first = s.json(&filtered);
    assert_eq!(filtered_first.as_array().unwrap().len(), 2);
    let campaigns_first = s.json("/v1/training/campaigns?per_page=4");
    let policies_first = s.json("/v1/training/policies?per_page=5");
    let account = s.get("/v1/account").body;
    s.sim
        .set_faults(vec![FaultRule::parse_cli("repeat-page").unwrap()]);
    for page in [1, 2, 3, 500] {
        assert_eq!(s.json(&format!("{ENR}?page={page}&per_page=7")), first);
        assert_eq!(s.json(&format!("{filtered}&page={page}")), filtered_first);
        assert_eq!(
            s.json(&format!("/v1/training/campaigns?page={page}&per_page=4")),
            campaigns_first
        );
        assert_eq!(
            s.json(&format!("/v1/training/policies?page={page}&per_page=5")),
            policies_first
        );
    }
    assert!(filtered_first
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["campaign_id"] == camp));
    // Cursor paging never ends either: every cursor leads back to the first chunk.
    let start = s.json(&format!("{ENR}?per_page=7&cursor=true"));
    assert_eq!(start["data"], first);
    let next = start["_metadata"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    let again = s.json(&format!("{ENR}?per_page=7&cursor={next}"));
    assert_eq!(again, start);
    // Other endpoints are unaffected.
    assert_eq!(s.get("/v1/account").body, account);
    s.sim.clear_faults();
    assert_ne!(s.json(&format!("{ENR}?page=2&per_page=7")), first);
}
