/** A tiny line chart of recent values (CPU %), drawn as SVG through DOM calls. */

const svgNamespace = "http://www.w3.org/2000/svg";
const width = 48;
const height = 14;

export function sparkline(values: readonly number[], className: string): SVGSVGElement {
  const svg = document.createElementNS(svgNamespace, "svg");
  svg.setAttribute("class", `sparkline ${className}`);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("aria-hidden", "true");
  const top = Math.max(100, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((value, index) => {
      const x = index * step;
      const y = height - 1 - (Math.max(0, value) / top) * (height - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  const line = document.createElementNS(svgNamespace, "polyline");
  line.setAttribute("points", points);
  svg.append(line);
  return svg;
}
