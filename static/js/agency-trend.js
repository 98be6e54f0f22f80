// Draws the agency trend chart from the figure JSON that the server built with plotly.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("trend-data");
  var target = document.getElementById("trend-chart");
  if (!data || !target || !window.Plotly) return;
  var fig = JSON.parse(data.textContent);
  Plotly.newPlot(target, fig.data, fig.layout, {responsive: true, displaylogo: false});
});
