// Draws every <div class="chart" data-chart="ID"> from the JSON in <script id="ID">, with the bundled Plotly.
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
  Plotly.newPlot(el, [{type: "bar", x: spec.x, y: spec.y, marker: {color: "#0b6e4f"}}], {
    title: {text: spec.title}, margin: {t: 40, r: 10, b: 90, l: 50}, xaxis: {tickangle: -40}
  }, {displayModeBar: false, responsive: true});
});
