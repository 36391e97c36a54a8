//! `to_python_json` against the real thing: CPython's `json.dumps` on the
//! same values must give the same bytes. Runs `python3` (CI has it).

use std::io::Write;
use std::process::{Command, Stdio};

use knowbe4_connector::python_json::to_python_json;
use serde_json::{json, Value};

/// A small deterministic generator, so failures reproduce.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn sample_values() -> Vec<Value> {
    let mut rng = SplitMix(7);
    let mut values = vec![
        json!([
            0.0,
            -0.0,
            1.0,
            35.7,
            40.0,
            0.1,
            1e-4,
            1e-5,
            1.5e-7,
            1e15,
            1e16,
            1.7976931348623157e308,
            5e-324
        ]),
        json!({"name": "Zoë's onboarding 安全培训 😀", "ctl": "\u{0}\u{1f}\u{7f}\u{80}\u{2028}", "q": "\"\\/"}),
        json!({"nested": [[{"a": null, "b": true, "c": false}], [], {}], "big": 9007199254740993_u64, "neg": -12}),
    ];
    for _ in 0..5000 {
        let bits = rng.next();
        let float = f64::from_bits(bits);
        if float.is_finite() {
            values.push(json!(float));
        }
        let scale = 10f64.powi((rng.next() % 40) as i32 - 20);
        values.push(json!((rng.next() % 1_000_000) as f64 * scale));
    }
    let text: String = (0..2000)
        .map(|_| char::from_u32((rng.next() % 0x2_0000) as u32).unwrap_or('\u{fffd}'))
        .collect();
    values.push(Value::String(text));
    values
}

#[test]
fn matches_cpython_json_dumps() {
    let values = sample_values();
    let input: String = values
        .iter()
        .map(|v| serde_json::to_string(v).unwrap() + "\n")
        .collect();
    let mut child = match Command::new("python3")
        .args([
            "-c",
            "import sys, json\nfor line in sys.stdin:\n    print(json.dumps(json.loads(line)))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => panic!("python3 is needed for this parity test: {err}"),
    };
    // Feed stdin from a thread: python's answers fill the stdout pipe meanwhile.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success());
    let python = String::from_utf8(output.stdout).unwrap();
    let python: Vec<&str> = python.lines().collect();
    assert_eq!(python.len(), values.len());
    for (value, expected) in values.iter().zip(python) {
        assert_eq!(to_python_json(value), expected, "for {value}");
    }
}
