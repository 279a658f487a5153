// Draws every <div class="chart" data-chart="ID"> from the JSON in <script id="ID">, with the bundled Plotly:
// {title, traces} as given, or {title, x, y} as one bar chart.
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
  var traces = spec.traces || [{type: "bar", x: spec.x, y: spec.y, marker: {color: "#0b6e4f"}}];
  Plotly.newPlot(el, traces, {
    title: {text: spec.title}, margin: {t: 40, r: 10, b: 90, l: 70}, xaxis: {tickangle: -40},
    legend: {orientation: "h", y: -0.35}, separators: ",."
  }, {displayModeBar: false, responsive: true});
});
