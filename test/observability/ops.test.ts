// The operator's files under ops/ are checked as CI would: the Grafana dashboard and the
// Prometheus alert rules parse, every PromQL expression in them parses (Prometheus' own grammar,
// @prometheus-io/lezer-promql), and every metric they name is one the server exports (its /metrics
// with metrics on) or one Prometheus adds itself. With promtool on the PATH, `promtool check rules` too.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { scrape, type Scrape } from "./scrape.js";

const TOKEN = "ops-metrics-token-0123456789";
const root = new URL("../../ops/", import.meta.url);
/** Series Prometheus makes itself, not the server. */
const PROMETHEUS_OWN = new Set(["up", "scrape_duration_seconds", "scrape_samples_scraped"]);

interface Rule {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const alerts = () => parseYaml(readFileSync(new URL("prometheus/alerts.yml", root), "utf8")) as { groups: { name: string; rules: Rule[] }[] };
const dashboard = () => JSON.parse(readFileSync(new URL("grafana/skillgraph-dashboard.json", root), "utf8")) as { title: string; uid: string; panels: Panel[]; templating: { list: { name: string; query: unknown }[] } };

/** Grafana's variables as Prometheus would see them after substitution. */
const substitute = (expr: string) => expr.replace(/\$__rate_interval|\$__interval/g, "5m").replace(/\$\{?(\w+)\}?/g, ".*");

/** Parses a PromQL expression; returns the metric names it selects, or throws naming the syntax error. */
export function metricNames(expr: string): string[] {
  const tree = parser.parse(expr);
  const names: string[] = [];
  let error: number | null = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === null) error = node.from;
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") names.push(expr.slice(node.from, node.to));
    },
  });
  if (error !== null) throw new Error(`PromQL syntax error at ${error}: ${expr}`);
  return names;
}

function exported(s: Scrape, name: string): boolean {
  if (PROMETHEUS_OWN.has(name)) return true;
  if (s.families.some((f) => f.name === name)) return true;
  const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return base !== undefined && s.families.some((f) => f.name === base && (f.type === "HISTOGRAM" || f.type === "SUMMARY"));
}

let t: TestApp;
let exposition: Scrape;

beforeAll(async () => {
  t = await createTestApp({ env: { SKILLGRAPH_METRICS_TOKEN: TOKEN } });
  exposition = await scrape(t.app, TOKEN);
});

afterAll(async () => {
  await t?.close();
});

describe("ops/ (dashboard and alert rules)", () => {
  it("the checks catch a syntax error and a metric the server does not export", () => {
    expect(() => metricNames("sum(rate(skillgraph_http_requests_total[5m])")).toThrow(/syntax error/);
    expect(metricNames('histogram_quantile(0.9, sum by (le) (rate(skillgraph_http_request_duration_seconds_bucket{route="/graphql"}[5m])))')).toEqual(["skillgraph_http_request_duration_seconds_bucket"]);
    expect(exported(exposition, "skillgraph_http_request_duration_seconds_bucket")).toBe(true);
    expect(exported(exposition, "skillgraph_requests_total")).toBe(false);
    expect(exported(exposition, "skillgraph_http_requests_total_bucket")).toBe(false);
  });

  it("alert rules: each parses, names only exported metrics, and has a severity and a summary", () => {
    const groups = alerts().groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(["SkillgraphHighErrorRate", "SkillgraphJobQueueStuck", "SkillgraphMcpServerUnhealthy", "SkillgraphNotReady"]));
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      expect(names.filter((n) => !exported(exposition, n)), rule.alert).toEqual([]);
      expect(["warning", "critical"], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toEqual(expect.any(String));
    }
  });

  it("the dashboard: each panel's queries parse and name only exported metrics; it covers traffic, latency, errors, subscriptions, jobs and MCP health", () => {
    const d = dashboard();
    expect(d.uid).toBe("skillgraph-overview");
    const exprs = d.panels.flatMap((p) => (p.targets ?? []).map((x) => ({ panel: p.title, expr: substitute(x.expr) })));
    expect(exprs.length).toBeGreaterThan(20);
    const used = new Set<string>();
    for (const { panel, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.filter((n) => !exported(exposition, n)), panel).toEqual([]);
      for (const n of names) used.add(n.replace(/_(bucket|sum|count)$/, ""));
    }
    for (const family of [
      "skillgraph_http_requests_total",
      "skillgraph_http_request_duration_seconds",
      "skillgraph_graphql_errors_total",
      "skillgraph_subscriptions_active",
      "skillgraph_job_queue_jobs",
      "skillgraph_job_runs_total",
      "skillgraph_mcp_servers",
      "skillgraph_ready",
    ]) {
      expect(used, family).toContain(family);
    }
    const instance = d.templating.list.find((v) => v.name === "instance");
    expect(metricNames(String(instance?.query).replace(/^label_values\((\w+),.*$/, "$1"))).toEqual(["skillgraph_http_requests_total"]);
  });

  const promtool = spawnSync("promtool", ["--version"]).status === 0;
  it.skipIf(!promtool)("promtool accepts the alert rules", () => {
    expect(() => execFileSync("promtool", ["check", "rules", new URL("prometheus/alerts.yml", root).pathname], { stdio: "pipe" })).not.toThrow();
  });
});
