//! Any standard input and ASSET_KEYS give a configuration or a clear error,
//! never a panic; a successful parse passes every action's input check or
//! refuses it with a named input.
#![no_main]

use knowbe4_connector::turbine::{parse, render, Invocation};
use knowbe4_connector::{check_input, ErrorKind, ACTIONS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (keys, stdin) = text.split_once('\n').unwrap_or(("url,token", &text));
    let invocation = Invocation {
        action: "get_all_policies".to_owned(),
        stdin: stdin.to_owned(),
        asset_keys: Some(keys.to_owned()),
        http_proxy: None,
    };
    match parse(&invocation) {
        Ok((_config, input)) => {
            for action in ACTIONS {
                if let Err(err) = check_input(action.name, &input) {
                    assert_eq!(err.kind(), ErrorKind::InvalidInput);
                    assert!(err.input().is_some(), "{err}");
                }
            }
        }
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            let out = render(&Err(err));
            assert!(out.stderr.starts_with("::set-error {\"name\": ") && out.stderr.is_ascii());
        }
    }
});
