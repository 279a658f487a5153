// Draws every <div class="chart" data-chart="ID"> from the JSON in <script id="ID">, with the bundled Plotly:
// {title, traces} as given, or {title, x, y} as one bar chart; also those a page loads later (htmx).
function drawCharts() {
  document.querySelectorAll("[data-chart]:not([data-drawn])").forEach(drawChart);
}

function drawChart(el) {
  el.dataset.drawn = "1";
  var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
  var traces = spec.traces || [{type: "bar", x: spec.x, y: spec.y, marker: {color: "#0b6e4f"}}];
  // Every figure is a count or whole Rupiah: ticks are whole numbers (a step of 1 when the numbers are small), with
  // the page language's separators (7.130 in Indonesian, 7,130 in English).
  var top = 0;
  traces.forEach(function (t) { (t.y || []).forEach(function (v, i) { top = Math.max(top, v + ((t.base || [])[i] || 0)); }); });
  var yaxis = {tickformat: ",d", rangemode: "tozero"};
  if (top <= 10) { yaxis.dtick = 1; }
  Plotly.newPlot(el, traces, {
    title: {text: spec.title}, margin: {t: 40, r: 10, b: 90, l: 70}, xaxis: {tickangle: -40}, yaxis: yaxis,
    legend: {orientation: "h", y: -0.35}, separators: document.documentElement.lang === "en" ? ".," : ",."
  }, {displayModeBar: false, responsive: true});
}

drawCharts();
document.body.addEventListener("htmx:afterSettle", drawCharts);
