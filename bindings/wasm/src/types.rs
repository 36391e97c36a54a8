//! The TypeScript declarations of the JS surface, declared next to the code
//! so wasm-bindgen writes them into the package's `.d.ts`; the extern types
//! below give the exported methods these types instead of `any`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A JSON value, as `JSON.parse` returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A KnowBe4 id: a positive integer, or a string of digits. */
export type Id = number | bigint | string;

/** A flag: a boolean, or the strings "true" / "false" (as Turbine passes them). */
export type Flag = boolean | "true" | "false";

/** KnowBe4's API regions. */
export type Region = "us" | "eu" | "ca" | "uk" | "de";

/** The names `runAction` accepts. */
export type ActionName =
  | "get_a_specific_policy"
  | "get_a_specific_training_campaign"
  | "get_a_specific_training_enrollment"
  | "get_account_risk_score_history"
  | "get_all_policies"
  | "get_all_training_campaigns"
  | "get_all_training_enrollments"
  | "get_all_store_purchases"
  | "get_a_specific_store_purchase"
  | "get_all_modules"
  | "get_a_specific_module"
  | "get_training_compliance_report";

/** What the client passes to the fetch function: always these fields. */
export interface FetchInit {
  method: string;
  /** Includes `Authorization: Bearer <token>` and `Accept`. */
  headers: Record<string, string>;
  redirect: "follow";
  /** Aborted when the request times out. */
  signal?: AbortSignal;
}

/** The parts of a fetch `Response` the client reads. */
export interface FetchResponseLike {
  status: number;
  /** Used as the envelope's `reason` when not empty. */
  statusText?: string;
  headers: Iterable<[string, string]>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A fetch-compatible function; the global `fetch` is one. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** Options of `new Client(...)`. Give `url` or `region`, not both. */
export interface ClientOptions {
  /** The API base URL: https, or http to loopback (see allowInsecureHttp). */
  url?: string;
  region?: Region;
  /** The reporting API token; sent only in the Authorization header. */
  token: string;
  /**
   * Verify TLS certificates (default true). fetch cannot turn verification
   * off, so `false` is refused unless a custom `fetch` is given (which then
   * decides).
   */
  verifySsl?: boolean;
  /** Per-request timeout in milliseconds, to the last body byte (default 60000). */
  timeoutMs?: number;
  /** Allow a plain http URL to a non-loopback host (the token crosses in clear). */
  allowInsecureHttp?: boolean;
  /** Send every request through this function instead of the global fetch. */
  fetch?: FetchLike;
  /**
   * Tries per request, the first included (default 4; 1 turns retries off).
   * 429, 500, 502, 503, 504 and connection failures are retried with
   * exponential backoff and full jitter, or after the server's Retry-After.
   */
  maxAttempts?: number;
  /** Milliseconds allowed for a whole action, every page and retry included. */
  actionTimeoutMs?: number;
  /**
   * KnowBe4's rate limits (4/s, 50/min, 2000/day) on the client's own
   * requests, waited out with the host's timers. Default: on, except for a
   * loopback URL; `true` forces them on, `false` turns them off.
   */
  rateLimit?: boolean;
}

interface EnvelopeHead {
  /** The HTTP status. */
  status_code: number;
  /** Every response header; names canonically capitalised (`Content-Type`). */
  response_headers: Record<string, string>;
  /** The reason phrase (`OK`, `Not Found`, ...). */
  reason: string;
}

/** An action's result, whatever the HTTP status: Turbine's HTTP envelope. */
export type Envelope =
  | (EnvelopeHead & { json_body: Json; response_text?: never })
  | (EnvelopeHead & { response_text: string; json_body?: never });

/** The stable codes of `KnowBe4Error`. */
export type ErrorCode =
  | "invalid_input"
  | "connect"
  | "tls"
  | "timeout"
  | "connect_timeout"
  | "deadline"
  | "rate_limit"
  | "response_too_large"
  | "transport"
  | "decode"
  | "internal"
  | "panic";

/** What every method rejects with (an `Error` with `name` "KnowBe4Error"). */
export interface KnowBe4Error extends Error {
  name: "KnowBe4Error";
  code: ErrorCode;
  /** The refused input (API or option name), for `invalid_input`. */
  input?: string;
  /** The action that was running, when known. */
  action?: string;
}

export interface EnrollmentOptions {
  includeCampaignId?: Flag;
}

export interface RiskScoreHistoryOptions {
  /** The whole history instead of the last six months. */
  full?: Flag;
}

/** Without page and perPage, every page is fetched and joined. */
export interface PageOptions {
  page?: number | string;
  /** 1 to 500. */
  perPage?: number | string;
}

export interface TrainingCampaignsOptions extends PageOptions {
  /** When not given, the connector sends true so that every campaign is returned. */
  excludePercentages?: Flag;
}

export interface TrainingEnrollmentsOptions extends PageOptions {
  storePurchaseId?: Id;
  campaignId?: Id;
  userId?: Id;
  excludeArchivedUsers?: Flag;
  includeCampaignId?: Flag;
  includeStorePurchaseId?: Flag;
  includeEmployeeNumber?: Flag;
  /** Cursor paging: true to start, or a next_cursor value to resume. */
  cursor?: true | string;
}

/** Turbine-shaped input of `runAction`, with the API's snake_case names. */
export interface ActionInputs {
  path_parameters?: Record<string, Id | null>;
  parameters?: Record<string, Id | Flag | null>;
  headers?: Record<string, string>;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ClientOptions")]
    pub type ClientOptions;
    #[wasm_bindgen(typescript_type = "Id")]
    pub type Id;
    #[wasm_bindgen(typescript_type = "EnrollmentOptions")]
    pub type EnrollmentOptions;
    #[wasm_bindgen(typescript_type = "RiskScoreHistoryOptions")]
    pub type RiskScoreHistoryOptions;
    #[wasm_bindgen(typescript_type = "PageOptions")]
    pub type PageOptions;
    #[wasm_bindgen(typescript_type = "TrainingCampaignsOptions")]
    pub type TrainingCampaignsOptions;
    #[wasm_bindgen(typescript_type = "TrainingEnrollmentsOptions")]
    pub type TrainingEnrollmentsOptions;
    #[wasm_bindgen(typescript_type = "ActionName")]
    pub type ActionName;
    #[wasm_bindgen(typescript_type = "ActionInputs")]
    pub type ActionInputs;
    #[wasm_bindgen(typescript_type = "Promise<Envelope>")]
    pub type EnvelopePromise;
}
