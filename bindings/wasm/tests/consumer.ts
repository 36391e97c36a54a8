// A TypeScript consumer of the built package: compiled (not run) by
// types.test.cjs to prove the declarations are real types, not `any`.
import {
  Client,
  actionNames,
  type ActionName,
  type ClientOptions,
  type Envelope,
  type Json,
  type KnowBe4Error,
} from "../pkg/node";

const options: ClientOptions = {
  url: "http://127.0.0.1:8765",
  token: "sim-token",
  timeoutMs: 5000,
  fetch: (url, init) => fetch(url, init),
};
const client = new Client(options);
const viaGlobal = new Client({ region: "us", token: "t", fetch: globalThis.fetch });

async function main(): Promise<number> {
  const envelope: Envelope = await client.getPolicy(1003);
  const status: number = envelope.status_code;
  const contentType: string | undefined = envelope.response_headers["Content-Type"];
  const reason: string = envelope.reason;
  if ("json_body" in envelope && envelope.json_body !== undefined) {
    const body: Json = envelope.json_body;
    void body;
  } else {
    const text: string = envelope.response_text;
    void text;
  }
  await client.getTrainingCampaign("201");
  await client.getTrainingEnrollment(5000001, { includeCampaignId: true });
  await client.getAccountRiskScoreHistory({ full: "true" });
  await client.listPolicies();
  await client.listPolicies({ page: 1, perPage: 10 });
  await client.listTrainingCampaigns({ excludePercentages: false });
  await client.listTrainingEnrollments({ userId: 900001, cursor: true, excludeArchivedUsers: true });
  const name: ActionName = actionNames()[0];
  await client.runAction(name, { path_parameters: { policy_id: 1003 } });
  await viaGlobal.runAction("get_all_policies", { parameters: { page: 1, per_page: "5" } });
  try {
    await client.getPolicy(0);
  } catch (caught) {
    const error = caught as KnowBe4Error;
    const code:
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
      | "panic" = error.code;
    const input: string | undefined = error.input;
    void code;
    void input;
  }
  void contentType;
  void reason;
  return status;
}

void main;
