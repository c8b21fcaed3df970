// A horizontal bar chart (SVG, no dependency) of server CPU per request, one group per adapter.
// A case with a Redis store also shows Redis's own CPU time per request, as a lighter extension.
type Results = Record<string, Record<string, { medianMicros: number; redisServerMedianMicros?: number }>>;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderChart(results: Results, labels: Record<string, string>): string {
  const adapters = Object.keys(results);
  const cases = Object.keys(results[adapters[0]]).filter((name) => !name.startsWith('login-'));
  const total = (a: string, c: string) => results[a][c].medianMicros + (results[a][c].redisServerMedianMicros ?? 0);
  const max = Math.max(...adapters.flatMap((a) => cases.map((c) => total(a, c))));
  const barHeight = 18;
  const labelWidth = 260;
  const plotWidth = 420;
  const groupHeight = cases.length * (barHeight + 4) + 30;
  const height = adapters.length * groupHeight + 50;
  const rows: string[] = [];
  adapters.forEach((adapter, g) => {
    const top = 50 + g * groupHeight;
    rows.push(`<text x="10" y="${top - 8}" font-weight="bold">${escape(adapter)}</text>`);
    cases.forEach((name, i) => {
      const value = results[adapter][name].medianMicros;
      const redis = results[adapter][name].redisServerMedianMicros;
      const y = top + i * (barHeight + 4);
      const width = Math.max(1, (value / max) * plotWidth);
      const redisWidth = redis === undefined ? 0 : (redis / max) * plotWidth;
      const ours = name.startsWith('ours-');
      rows.push(
        `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end">${escape(labels[name] ?? name)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${ours ? '#2b7bb9' : '#9aa5b1'}"/>`,
      );
      if (redis !== undefined) {
        rows.push(
          `<rect x="${(labelWidth + width).toFixed(1)}" y="${y}" width="${redisWidth.toFixed(1)}" height="${barHeight}" fill="#a9cbe6"/>`,
        );
      }
      const text = `${value.toFixed(1)} µs${redis === undefined ? '' : ` (+ ${redis.toFixed(1)} µs in redis-server)`}`;
      rows.push(`<text x="${(labelWidth + width + redisWidth + 6).toFixed(1)}" y="${y + 13}">${escape(text)}</text>`);
    });
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 200}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="18" font-size="14">Server CPU time per request (median, µs; lower is better)</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
