//! Turbine's runtime protocol, as `swimlane-core` and `connector-def-runner`
//! implement it: the action name as argument, one JSON object on standard
//! input holding asset values and action inputs side by side, `ASSET_KEYS`
//! naming the asset's keys, the proxy from `http_proxy` (environment first).
//! Success prints `::set-output <json>` on stdout and exits 0; an HTTP status
//! of 400 or more prints `::set-error <envelope>` on stderr and exits 1; any
//! other failure prints `::set-error {"name": ..., "message": ...}` and exits 1.
//! JSON is written as Python's `json.dumps` writes it.

use serde_json::{Map, Value};

use crate::config::ClientConfig;
use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::input::ActionInput;
use crate::python_json::to_python_json;

/// The asset keys an `http_bearer` asset may hold.
pub const ASSET_FIELDS: [&str; 4] = ["url", "token", "verify_ssl", "http_proxy"];

/// Everything a Turbine run reads from its process.
#[derive(Clone, Debug, Default)]
pub struct Invocation {
    /// The action name (the one command-line argument).
    pub action: String,
    /// Standard input, whole.
    pub stdin: String,
    /// The `ASSET_KEYS` environment variable.
    pub asset_keys: Option<String>,
    /// The `http_proxy` environment variable.
    pub http_proxy: Option<String>,
}

impl Invocation {
    /// The invocation of this process: the action from the caller (the one
    /// argument), standard input read whole, `ASSET_KEYS` and `http_proxy`
    /// from the environment. Every Turbine entry (the CLI, the Python
    /// package) reads its process this way, so they cannot drift apart.
    pub fn from_process(action: String) -> Result<Invocation> {
        use std::io::Read;
        let mut stdin = String::new();
        std::io::stdin().read_to_string(&mut stdin).map_err(|err| {
            Error::invalid_input(
                "stdin",
                format!("standard input could not be read as UTF-8: {err}"),
            )
        })?;
        Ok(Invocation {
            action,
            stdin,
            asset_keys: std::env::var("ASSET_KEYS").ok(),
            http_proxy: std::env::var("http_proxy").ok(),
        })
    }
}

/// What the run prints and how it exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Bytes for standard output.
    pub stdout: String,
    /// Bytes for standard error.
    pub stderr: String,
    /// The exit status.
    pub exit_code: i32,
}

impl Outcome {
    /// Write the output to this process's standard streams, unbuffered by
    /// any text layer, and flush. Write errors (a closed pipe) cannot be
    /// reported anywhere better, so they are ignored.
    pub fn write_to_process(&self) {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(self.stdout.as_bytes());
        let _ = stdout.flush();
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(self.stderr.as_bytes());
        let _ = stderr.flush();
    }
}

/// Split the invocation into a client configuration and the action input.
pub fn parse(invocation: &Invocation) -> Result<(ClientConfig, ActionInput)> {
    let stdin = invocation.stdin.trim();
    let raw: Value = if stdin.is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(stdin).map_err(|err| {
            Error::invalid_input("stdin", format!("standard input is not valid JSON: {err}"))
        })?
    };
    let Value::Object(mut inputs) = raw else {
        return Err(Error::invalid_input(
            "stdin",
            "standard input must be one JSON object",
        ));
    };
    let asset_keys = invocation.asset_keys.as_deref().ok_or_else(|| {
        Error::invalid_input(
            "ASSET_KEYS",
            "the ASSET_KEYS environment variable is not set (Turbine sets it to the asset's keys, e.g. url,token)",
        )
    })?;
    let mut asset = Map::new();
    for key in asset_keys
        .split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty())
    {
        if let Some(value) = inputs.remove(key) {
            asset.insert(key.to_owned(), value);
        }
    }
    let config = asset_config(&asset, invocation.http_proxy.as_deref())?;
    let input = ActionInput::from_value(Value::Object(inputs))
        .map_err(|err| err.in_action(&invocation.action))?;
    Ok((config, input))
}

fn asset_config(asset: &Map<String, Value>, env_proxy: Option<&str>) -> Result<ClientConfig> {
    if let Some(unknown) = asset
        .keys()
        .find(|key| !ASSET_FIELDS.contains(&key.as_str()))
    {
        return Err(Error::invalid_input(
            unknown.clone(),
            format!(
                "not a field of the http_bearer asset; expected {}",
                ASSET_FIELDS.join(", ")
            ),
        ));
    }
    let text = |name: &str| -> Result<Option<&str>> {
        match asset.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(Error::invalid_input(name, "must be a string")),
        }
    };
    let token = text("token")?.ok_or_else(|| {
        Error::invalid_input(
            "token",
            "the asset has no token (the http_bearer asset needs url and token)",
        )
    })?;
    let url = text("url")?.ok_or_else(|| Error::invalid_input("url", "the asset has no url"))?;
    let mut builder = ClientConfig::builder().url(url).token(token);
    match asset.get("verify_ssl") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(verify)) => builder = builder.verify_ssl(*verify),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => {
            builder = builder.verify_ssl(true)
        }
        Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => {
            builder = builder.verify_ssl(false)
        }
        Some(_) => return Err(Error::invalid_input("verify_ssl", "must be true or false")),
    }
    let proxy = env_proxy
        .filter(|proxy| !proxy.is_empty())
        .or(text("http_proxy")?);
    if let Some(proxy) = proxy {
        builder = builder.http_proxy(proxy);
    }
    builder.build()
}

/// Turn a run's result into what Turbine reads.
#[must_use]
pub fn render(result: &Result<Envelope>) -> Outcome {
    match result {
        Ok(envelope) if envelope.status_code < 400 => Outcome {
            stdout: format!("::set-output {}\n", to_python_json(envelope)),
            stderr: String::new(),
            exit_code: 0,
        },
        Ok(envelope) => failure(to_python_json(envelope)),
        Err(err) => failure(error_json(err)),
    }
}

/// `{"name": ..., "message": ...}` as the reference runner reports exceptions.
#[must_use]
pub fn error_json(err: &Error) -> String {
    let mut object = Map::new();
    object.insert(
        "name".to_owned(),
        Value::String(err.kind().class_name().to_owned()),
    );
    object.insert("message".to_owned(), Value::String(err.to_string()));
    to_python_json(&Value::Object(object))
}

fn failure(json: String) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("::set-error {json}\n"),
        exit_code: 1,
    }
}

/// Run one Turbine invocation on the native transport.
#[cfg(feature = "native")]
pub async fn run(invocation: &Invocation) -> Outcome {
    let result = async {
        let (config, input) = parse(invocation)?;
        let client = crate::Client::new(config)?;
        client.run_action(&invocation.action, &input).await
    }
    .await;
    render(&result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(stdin: &str) -> Invocation {
        Invocation {
            action: "get_all_policies".into(),
            stdin: stdin.into(),
            asset_keys: Some("url,token,verify_ssl,http_proxy".into()),
            http_proxy: None,
        }
    }

    #[test]
    fn splits_asset_from_inputs() {
        let (config, input) = parse(&invocation(
            r#"{"url": "https://x.test", "token": "t", "parameters": {"page": 2}}"#,
        ))
        .unwrap();
        assert_eq!(config.base_url(), "https://x.test");
        assert!(config.verify_ssl());
        assert_eq!(input.parameters["page"], 2);
    }

    #[test]
    fn environment_proxy_wins() {
        let mut inv = invocation(
            r#"{"url": "https://x.test", "token": "t", "http_proxy": "http://asset:1"}"#,
        );
        inv.http_proxy = Some("http://env:2".into());
        let (config, _) = parse(&inv).unwrap();
        assert_eq!(config.http_proxy().unwrap().as_str(), "http://env:2/");
    }

    #[test]
    fn errors_render_as_name_and_message() {
        let mut inv = invocation(r#"{"url": "https://x.test"}"#);
        let err = parse(&inv).unwrap_err();
        let out = render(&Err(err));
        assert_eq!(out.exit_code, 1);
        assert!(
            out.stderr.starts_with(
                r#"::set-error {"name": "InvalidInputError", "message": "invalid input `token`"#
            ),
            "{}",
            out.stderr
        );
        inv.asset_keys = None;
        assert_eq!(parse(&inv).unwrap_err().input(), Some("ASSET_KEYS"));
    }
}
