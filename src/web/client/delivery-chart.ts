import { h, svg } from "./dom.js";
import { PROVIDER_NAMES, type DeliveryStats } from "./delivery-types.js";

/** Outcome colours; also told apart by order and by the legend's text, not colour alone. */
const OUTCOME_COLOURS: Record<string, string> = {
  processed: "#2e7d32",
  received: "#1565c0",
  failed: "#ef6c00",
  dead: "#b71c1c",
  rejected: "#6d4c41",
};
const OUTCOME_ORDER = ["processed", "received", "failed", "dead", "rejected"];

const WIDTH = 600;
const HEIGHT = 110;
const PAD = { left: 34, right: 6, top: 8, bottom: 18 };

function niceMax(value: number): number {
  if (value <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

function providerChart(provider: string, stats: DeliveryStats): Element {
  const series = stats.buckets.map((b) => {
    const byOutcome = new Map<string, number>();
    for (const c of b.counts) if (c.provider === provider) byOutcome.set(c.outcome, (byOutcome.get(c.outcome) ?? 0) + c.count);
    return { minute: b.minute, byOutcome };
  });
  const max = niceMax(Math.max(0, ...series.map((s) => [...s.byOutcome.values()].reduce((a, b) => a + b, 0))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / Math.max(1, series.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars: Element[] = [];
  series.forEach((s, i) => {
    let base = 0;
    for (const outcome of [...OUTCOME_ORDER, ...[...s.byOutcome.keys()].filter((o) => !OUTCOME_ORDER.includes(o))]) {
      const count = s.byOutcome.get(outcome) ?? 0;
      if (!count) continue;
      const time = new Date(s.minute).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      bars.push(
        svg(
          "rect",
          { x: (PAD.left + i * barW + 0.5).toFixed(1), y: y(base + count).toFixed(1), width: Math.max(1, barW - 1).toFixed(1), height: ((count / max) * plotH).toFixed(1), fill: OUTCOME_COLOURS[outcome] ?? "#757575" },
          svg("title", {}, `${time}: ${count} ${outcome}`),
        ),
      );
      base += count;
    }
  });
  const first = series[0]?.minute;
  const last = series.at(-1)?.minute;
  const label = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "");
  const total = series.reduce((sum, s) => sum + [...s.byOutcome.values()].reduce((a, b) => a + b, 0), 0);
  const name = PROVIDER_NAMES[provider] ?? provider;
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", null, `${name}: ${total} in the last ${stats.minutes} minutes`),
    svg(
      "svg",
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": `${name} deliveries per minute, ${total} in total`, preserveAspectRatio: "none", class: "chart-svg" },
      svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0), stroke: "#9e9e9e" }),
      svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(max), y2: y(max), stroke: "#e0e0e0" }),
      svg("text", { x: PAD.left - 4, y: y(max) + 4, "text-anchor": "end", class: "axis" }, String(max)),
      svg("text", { x: PAD.left - 4, y: y(0) + 4, "text-anchor": "end", class: "axis" }, "0"),
      svg("text", { x: PAD.left, y: HEIGHT - 4, class: "axis" }, label(first)),
      svg("text", { x: WIDTH - PAD.right, y: HEIGHT - 4, "text-anchor": "end", class: "axis" }, label(last)),
      bars,
    ),
  );
}

// A drawn square rather than a styled span: the page's CSP allows no inline styles.
const swatch = (colour: string) => svg("svg", { class: "swatch", viewBox: "0 0 10 10", "aria-hidden": "true" }, svg("rect", { width: 10, height: 10, fill: colour }));

/** Deliveries per minute over the window, one small stacked-bar chart per provider, coloured by outcome. */
export function deliveryChart(stats: DeliveryStats): HTMLElement {
  const providers = [...new Set(stats.buckets.flatMap((b) => b.counts.map((c) => c.provider)))].sort();
  const outcomes = [...new Set(stats.buckets.flatMap((b) => b.counts.map((c) => c.outcome)))];
  if (providers.length === 0) return h("p", { class: "muted" }, `No webhook deliveries in the last ${stats.minutes} minutes.`);
  return h(
    "div",
    { class: "charts" },
    h(
      "ul",
      { class: "legend", "aria-label": "Outcomes" },
      [...OUTCOME_ORDER.filter((o) => outcomes.includes(o)), ...outcomes.filter((o) => !OUTCOME_ORDER.includes(o))].map((o) =>
        h("li", null, swatch(OUTCOME_COLOURS[o] ?? "#757575"), o),
      ),
    ),
    providers.map((p) => providerChart(p, stats)),
  );
}
