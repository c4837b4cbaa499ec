// Scraping /metrics as Prometheus does. The exposition is parsed with a Prometheus text-format
// parser (parse-prometheus-text-format: families, their types and help); it folds a histogram's
// labelled series into one, so sample values are read from the sample lines themselves.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { App } from "../../src/app.js";

export interface Scrape {
  families: ReturnType<typeof parsePrometheusTextFormat>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  const samples: Scrape["samples"] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1] ?? ""] = (l[2] ?? "").replace(/\\(.)/g, "$1");
    samples.push({ name: m[1] ?? "", labels, value: Number(m[3]) });
  }
  return { families, samples };
}

export async function scrape(app: App, token: string): Promise<Scrape> {
  const res = await app.yoga.fetch("http://skillgraph.test/metrics", { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}

/**
 * The sum of the samples of `name` whose labels include `labels`; for a histogram family, of its
 * `_count` samples (how many observations). NaN when the family is not exported at all.
 */
export function valueOf(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = s.families.find((f) => f.name === name);
  if (!family) return Number.NaN;
  const sampleName = family.type === "HISTOGRAM" || family.type === "SUMMARY" ? `${name}_count` : name;
  return s.samples.filter((x) => x.name === sampleName && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);
}
