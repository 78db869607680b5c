// A small line chart on a canvas: a few series of per-second rates over a sliding window.

/**
 * Draws `series` ({name, color, values}) on `canvas` over a window of `points` values (at least the
 * longest series), each series' newest value on the right edge.
 */
export function drawRateChart(canvas, series, points = 2) {
  const scale = devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * scale) || canvas.height !== Math.round(height * scale)) {
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
  }
  const context = canvas.getContext('2d');
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.clearRect(0, 0, width, height);

  const left = 34;
  const right = 6;
  const top = 8;
  const bottom = 16;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const slots = Math.max(2, points, ...series.map((s) => s.values.length));
  const peak = Math.max(1, ...series.flatMap((s) => s.values));
  const ceiling = niceCeiling(peak);

  context.font = '10px system-ui, sans-serif';
  context.fillStyle = '#6b7280';
  context.strokeStyle = '#e5e7eb';
  context.lineWidth = 1;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const y = top + plotHeight - (plotHeight * i) / 4;
    context.beginPath();
    context.moveTo(left, Math.round(y) + 0.5);
    context.lineTo(left + plotWidth, Math.round(y) + 0.5);
    context.stroke();
    context.fillText(formatRate((ceiling * i) / 4), left - 4, y);
  }
  context.textAlign = 'left';
  context.textBaseline = 'alphabetic';
  context.fillText(`-${slots - 1}s`, left, height - 3);
  context.textAlign = 'right';
  context.fillText('now', left + plotWidth, height - 3);

  context.lineWidth = 1.75;
  context.lineJoin = 'round';
  for (const { color, values } of series) {
    context.strokeStyle = color;
    context.beginPath();
    const offset = slots - values.length;
    values.forEach((value, i) => {
      const x = left + (plotWidth * (offset + i)) / (slots - 1);
      const y = top + plotHeight - (plotHeight * value) / ceiling;
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.stroke();
  }
}

// 1, 2, 4 or 8 × a power of ten at or above `value`, so the four grid lines land on round numbers.
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 8, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

function formatRate(value) {
  return value >= 1000 ? `${value / 1000}k` : String(Math.round(value * 10) / 10);
}
